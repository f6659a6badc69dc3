"""What status pages read of incidents: public updates only, and at once (the cache is cleared)."""

from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result
from tests.pages.conftest import empty_page_cache, make_page, page_of  # noqa: F401

SUMMARY = "/api/public/status-pages/acme/"


def test_a_public_update_shows_on_the_page_at_once_and_a_private_one_never(
    app,
    client,
    page_of,  # noqa: F811
    as_alice,  # noqa: F811
):
    _page, web, _db = page_of()
    with app.app_context():
        record_results([result(web["id"], OK)])
        record_results([result(web["id"], DOWN)])
    assert client.get(SUMMARY).json["incidents"]["active"] == []  # cached: nothing public yet
    [incident] = as_alice.get(f"/api/servers/{web['id']}/incidents/").json
    url = f"/api/incidents/{incident['id']}/updates/"
    as_alice.post(url, json={"message": "disk full on db-3", "status": "identified"})
    as_alice.post(url, json={"message": "We are **on it**", "public": True})
    [shown] = client.get(SUMMARY).json["incidents"]["active"]
    assert [u["status"] for u in shown["updates"]] == ["update"]
    assert "<strong>on it</strong>" in shown["updates"][0]["message_html"]
    assert "disk full" not in str(client.get(SUMMARY).json)
