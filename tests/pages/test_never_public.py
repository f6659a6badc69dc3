"""Every public answer is read whole: none holds a secret, whatever the page's settings."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from pulseguard.checks.outcome import Outcome
from pulseguard.extensions import db
from pulseguard.models import Incident
from pulseguard.monitoring.record import record_results
from tests.outcomes import result

SECRET_ERROR = Outcome("failure", 30.0, 503, "HTTP 503 from 10.9.8.7:8443/private-path s3cr3t")
ALL_ON = {
    name: True
    for name in (
        "show_uptime",
        "show_bars",
        "show_incidents",
        "show_maintenance",
        "show_response_time",
        "show_cert_expiry",
        "show_hostnames",
    )
}
ALL_OFF = dict.fromkeys(ALL_ON, False)
HOUR = timedelta(hours=1)
ID_KEYS = {
    "server",
    "server_id",
    "owner",
    "owner_id",
    "user",
    "email",
    "token",
    "badge_key",
    "port",
    "path",
    "url",
    "headers",
    "message_raw",
    "details",
    "remote_addr",
}


def public_answers(client, slug):
    """Yield (url, body text) of every public answer of a page."""
    urls = [
        f"/api/public/status-pages/{slug}/",
        f"/api/public/status-pages/{slug}/uptime/",
        f"/api/public/status-pages/{slug}/incidents/",
        f"/api/public/status-pages/{slug}/badge.svg",
        f"/api/public/status-pages/{slug}/badge.json",
        f"/status/{slug}",
        f"/status/{slug}/feed.atom",
        f"/status/{slug}/feed.rss",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.get_data(as_text=True)


def keys_and_ints(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item, f"{path}.{key}"
            yield from keys_and_ints(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from keys_and_ints(item, f"{path}.{n}")


@pytest.mark.parametrize("settings", [ALL_ON, ALL_OFF], ids=["everything shown", "nothing"])
def test_no_public_answer_holds_a_secret(ctx, client, make_user, login, settings, published):
    owner = make_user("carol-owner", email="carol@private.example")
    api = login(owner)
    common = {
        "port": 8443,
        "path": "/private-path",
        "keyword": "kw-s3cr3t",
        "headers": {"X-Secret": "hdr-s3cr3t"},
    }
    named = api.post(
        "/api/servers/",
        json={"name": "Website", "protocol": "https", "host": "secret-host.internal", **common},
    ).json
    by_ip = api.post(
        "/api/servers/", json={"name": "Gateway", "protocol": "http", "host": "10.9.8.7", **common}
    ).json
    hidden = api.post(
        "/api/servers/",
        json={"name": "Not on the page", "protocol": "tcp", "host": "other.internal", "port": 22},
    ).json
    record_results(
        [
            result(named["id"], SECRET_ERROR),
            result(by_ip["id"], SECRET_ERROR),
            result(hidden["id"], SECRET_ERROR),
        ]
    )
    keys = []
    for server in (named, by_ip, hidden):
        patched = api.patch(f"/api/servers/{server['id']}/", json={"badges_enabled": True}).json
        keys.append(patched["badge_key"])
    groups = [{"name": "Main", "servers": [{"server": named["id"]}, {"server": by_ip["id"]}]}]
    page = api.post(
        "/api/status-pages/",
        json={"slug": "leaks", "title": "Status", "published": True, "groups": groups, **settings},
    ).json
    # Every incident public (their causes hold the secrets), a window in force, one announced.
    db.session.execute(update(Incident).values(public=True, ack_note="note-s3cr3t"))
    db.session.commit()
    window = {"name": "Work", "schedule": {"type": "manual"}, "servers": [named["id"]]}
    started = api.post("/api/maintenance-windows/", json=window).json
    assert api.post(f"/api/maintenance-windows/{started['id']}/start/").status_code == 200
    soon = datetime.now(UTC) + timedelta(hours=1)
    announced = {"type": "once", "start": soon.isoformat(), "end": (soon + HOUR).isoformat()}
    only_page = {"schedule": announced, "servers": [], "status_pages": [page["id"]]}
    api.post("/api/maintenance-windows/", json=window | only_page)
    shown = client.get("/api/public/status-pages/leaks/").json
    if settings["show_incidents"]:  # so that the answers read below hold them
        assert len(client.get("/api/public/status-pages/leaks/incidents/").json["incidents"]) == 2
        assert len(shown["incidents"]["active"]) == 2
    if settings["show_maintenance"]:
        assert [len(shown["maintenance"][k]) for k in ("active", "upcoming")] == [1, 1]

    secrets = [
        "10.9.8.7",
        "8443",
        "/private-path",
        "kw-s3cr3t",
        "hdr-s3cr3t",
        "s3cr3t",
        "HTTP 503",
        "carol",
        "private.example",
        "Not on the page",
        "note-s3cr3t",
        "other.internal",
    ]
    if not settings["show_hostnames"]:
        secrets.append("secret-host.internal")
    secrets += keys  # badge keys appear in no public answer (only in their own URLs)
    badge_answers = [
        (f"/api/public/badges/{key}/{metric}", client.get(f"/api/public/badges/{key}/{metric}"))
        for key in keys
        for metric in (
            "status.svg",
            "status.json",
            "uptime-30d.json",
            "response-time-7d.svg",
            "cert-expiry.json",
        )
    ]
    assert all(r.status_code == 200 for _u, r in badge_answers)
    answers = list(public_answers(client, "leaks"))
    answers += [(url, r.get_data(as_text=True)) for url, r in badge_answers]
    for url, text in answers:
        for secret in secrets:
            assert secret not in text, f"{secret!r} in {url}"
        if url.startswith("/api/") and not url.endswith(".svg"):
            for key, value, path in keys_and_ints(json.loads(text)):
                assert key not in ID_KEYS, f"{path} in {url}"
                if key == "id":
                    assert isinstance(value, str) and value[:2] in ("c_", "i_", "m_"), path
    # The database ids of the page and its servers appear nowhere as ids.
    summary = client.get("/api/public/status-pages/leaks/").json
    ids = {c["id"] for g in summary["groups"] for c in g["components"]}
    assert not ids & {str(named["id"]), str(by_ip["id"]), str(page["id"])}
