"""The rendered HTML page is cached like the summary JSON, and cleared by the same changes, in
Redis (TEST_REDIS_URL) and in process."""

import pytest

import pulseguard.pages.views as views
from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result
from tests.pages.test_banner import announce
from tests.pages.test_single_flight import store  # noqa: F401 - the two caches

PAGE = "/status/acme"
pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def renders(monkeypatch):
    """Count the page renders."""
    count = []
    real = views.rendered

    def counted(page):
        count.append(page.slug)
        return real(page)

    monkeypatch.setattr(views, "rendered", counted)
    return count


def test_the_page_is_rendered_once_and_answered_with_its_etag(client, page_of, renders):
    page_of()
    first = client.get(PAGE)
    second = client.get(PAGE)
    assert renders == ["acme"]
    assert first.get_data() == second.get_data() and first.headers["ETag"] == second.headers["ETag"]
    again = client.get(PAGE, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and renders == ["acme"]


def test_a_status_change_an_edit_and_an_announcement_reach_the_cached_page(
    ctx, client, as_alice, page_of, published, renders
):
    page, web, db_server = page_of()
    record_results([result(web["id"], OK), result(db_server["id"], OK)])
    assert "All systems operational" in client.get(PAGE).get_data(as_text=True)
    record_results([result(web["id"], DOWN)])
    assert "Some systems are down" in client.get(PAGE).get_data(as_text=True)
    as_alice.patch(f"/api/status-pages/{page['id']}/", json={"title": "Acme, renamed"})
    assert "Acme, renamed" in client.get(PAGE).get_data(as_text=True)
    announce(as_alice, title="Card payments fail", status_pages=[page["id"]])
    assert "Card payments fail" in client.get(PAGE).get_data(as_text=True)
    as_alice.patch(f"/api/status-pages/{page['id']}/", json={"published": False})
    assert client.get(PAGE).status_code == 404
    assert len(renders) == 4
