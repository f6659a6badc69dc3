"""Server badges: off by default, behind a random key, as SVG and shields.io JSON."""

import time

import pytest

from pulseguard.monitoring.record import record_results
from tests.outcomes import OK, result


def enabled(as_alice, make_server, **fields):
    server = make_server(**fields)
    response = as_alice.patch(f"/api/servers/{server['id']}/", json={"badges_enabled": True})
    assert response.status_code == 200
    return response.json


def test_badges_are_off_until_the_owner_turns_them_on(client, as_alice, make_server):
    server = make_server()
    assert server["badges_enabled"] is False and server["badge_urls"] is None
    key = server["badge_key"]
    assert len(key) == 22 and key.isalnum()
    assert client.get(f"/api/public/badges/{key}/status.json").status_code == 404
    on = enabled(as_alice, make_server, name="second")
    assert on["badge_urls"]["status"]["svg"].endswith(
        f"/api/public/badges/{on['badge_key']}/status.svg"
    )
    assert client.get(f"/api/public/badges/{on['badge_key']}/status.json").status_code == 200


def test_keys_are_random_and_unrelated(make_server):
    keys = {make_server(name=f"s{n}")["badge_key"] for n in range(5)}
    assert len(keys) == 5


def test_the_status_badge_as_svg_and_shields_json(ctx, client, as_alice, make_server, published):
    server = enabled(as_alice, make_server)
    record_results([result(server["id"], OK)])
    base = f"/api/public/badges/{server['badge_key']}"
    assert client.get(f"{base}/status.json").json == {
        "schemaVersion": 1, "label": "status", "message": "up", "color": "brightgreen",
        "cacheSeconds": 300,
    }  # fmt: skip
    svg = client.get(f"{base}/status.svg?label=<script>x</script>")
    assert svg.mimetype == "image/svg+xml" and svg.headers["Cache-Control"] == "public, max-age=60"
    assert svg.headers["Access-Control-Allow-Origin"] == "*" and svg.headers["ETag"]
    assert "<script>" not in svg.get_data(as_text=True)
    assert (
        client.get(
            svg.request.full_path, headers={"If-None-Match": svg.headers["ETag"]}
        ).status_code
        == 304
    )


@pytest.mark.parametrize(
    ("metric", "message"),
    [("uptime-24h", "100.00%"), ("uptime-90d", "100.00%"), ("response-time-24h", "120 ms"),
     ("cert-expiry", "n/a")],
)  # fmt: skip
def test_uptime_response_time_and_cert_badges(ctx, client, as_alice, make_server, published,
                                              metric, message):  # fmt: skip
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from pulseguard.extensions import db
    from pulseguard.models import Server

    server = enabled(as_alice, make_server)
    db.session.execute(update(Server).values(created_at=datetime.now(UTC) - timedelta(hours=2)))
    db.session.commit()
    record_results([result(server["id"], OK, time.time() - 3600)])
    body = client.get(f"/api/public/badges/{server['badge_key']}/{metric}.json").json
    assert body["message"] == message


def test_misses_answer_a_grey_svg_or_the_error_json(client, as_alice, make_server):
    server = enabled(as_alice, make_server)
    off = make_server(name="off")
    for key in ("x" * 22, off["badge_key"]):
        svg = client.get(f"/api/public/badges/{key}/status.svg")
        assert svg.status_code == 404 and "not found" in svg.get_data(as_text=True)
        assert svg.mimetype == "image/svg+xml"
        assert client.get(f"/api/public/badges/{key}/status.json").json["code"] == 404
    for metric in ("uptime-1y", "bogus"):
        response = client.get(f"/api/public/badges/{server['badge_key']}/{metric}.svg")
        assert response.status_code == 404


def test_rotating_the_key_kills_the_old_one(client, as_alice, as_bob, make_server):
    server = enabled(as_alice, make_server)
    old = server["badge_key"]
    assert as_bob.post(f"/api/servers/{server['id']}/badge-key/rotate/").status_code == 404
    new = as_alice.post(f"/api/servers/{server['id']}/badge-key/rotate/").json["badge_key"]
    assert new != old
    assert client.get(f"/api/public/badges/{old}/status.json").status_code == 404
    assert client.get(f"/api/public/badges/{new}/status.json").status_code == 200


def test_a_deleted_server_has_no_badge(client, as_alice, make_server):
    server = enabled(as_alice, make_server)
    as_alice.delete(f"/api/servers/{server['id']}/")
    assert client.get(f"/api/public/badges/{server['badge_key']}/status.json").status_code == 404
