"""A stream's catch-up after a bus gap waits for a database that is away, and the stream lives on.

Before, a catch-up that found no database connection (the pool exhausted by a stampede of
streams opening, found by bench/scaleout's 10,000-stream run, or the database away) raised out
of the stream and ended it: the client lost every later event.
"""

import pytest

from pulseguard import create_app
from pulseguard.bus import publish
from tests.conftest import DB_KIND, make_config
from tests.live.clients import SseClient, WsClient
from tests.live.conftest import Gunicorn, PrivateRedis, wait_until
from tests.live.proxy import CuttableProxy

# In the PostgreSQL pass (not `once`): SQLite has no server to cut away.
pytestmark = pytest.mark.skipif(
    DB_KIND != "postgresql",
    reason="SKIPPED: needs a database server to cut away (SQLite is a file of the process)",
)

PATH = "/api/events/status/"


def test_streams_catching_up_while_the_database_is_away_wait_for_it_and_get_what_they_missed(
    app, database_url, alice, token, make_server, record
):
    private = PrivateRedis()
    publisher = create_app(make_config(database_url, REDIS_URL=private.url))
    proxy = CuttableProxy(database_url)
    # No token checks: while the database is cut, only the streams' catch-ups reach for it.
    server = Gunicorn(
        proxy.relayed_url(), private.url, publisher.config["EVENTS_CHANNEL"], LIVE_TOKEN_CHECK_S=0
    )
    web = make_server()
    sse = SseClient(server.url + PATH, token(alice))
    ws = WsClient(server.ws_url + "/ws/status/", token(alice))
    try:
        sse.events_until(lambda m: m.get("event") == "ping")
        assert ws.ask({"action": "subscribe"})["servers"] == [web["id"]]

        private.kill()  # a bus gap: the streams will catch up from the database
        lost = record(web["id"], status="failure", health="down")
        proxy.sever()  # ... which is away when they do
        private.start()
        # Both streams' catch-ups reached for the database, found it away, and tried again.
        wait_until(lambda: proxy.refused >= 4, timeout=20)
        proxy.restore()

        replay = sse.events_until(lambda m: m.get("event") == "ping", timeout=15)
        assert [s["status"] for s in replay[0]["data"]] == ["down"]
        assert replay[-1]["id"] == str(lost[0]["id"])
        assert ws.receive(timeout=15)["ping"]["id"] == lost[0]["id"]

        after = record(web["id"])  # and the streams carry on live
        with publisher.app_context():
            publish(after)
        assert sse.next_event()["id"] == str(after[0]["id"])
        assert ws.receive()["ping"]["id"] == after[0]["id"]
    finally:
        sse.close()
        ws.close()
        server.terminate()
        private.kill()
        proxy.close()
