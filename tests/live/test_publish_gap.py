"""A publish that fails loses nothing for open streams: the next publish tells them to catch up.

A hub's subscriber may never notice an outage that costs a publisher its message (a Redis hang,
a publish timeout, a link cut between one worker and Redis only): before, the streams missed those
events until the client reconnected with Last-Event-ID.
"""

from pulseguard import create_app
from pulseguard.bus import publish
from tests.conftest import make_config
from tests.live.clients import SseClient
from tests.live.conftest import Gunicorn, PrivateRedis
from tests.live.proxy import CuttableProxy


def test_events_whose_publish_failed_reach_open_streams_after_the_next_publish(
    app, database_url, alice, token, make_server, record
):
    private = PrivateRedis()
    relay = CuttableProxy(private.url)  # only the publisher goes through it
    publisher = create_app(make_config(database_url, REDIS_URL=relay.relayed_url()))
    server = Gunicorn(database_url, private.url, publisher.config["EVENTS_CHANNEL"])
    web = make_server()
    sse = SseClient(server.url + "/api/events/status/", token(alice))
    try:
        sse.events_until(lambda m: m.get("event") == "ping")  # the opening: subscribed

        relay.sever()  # this publisher loses Redis; the web process keeps its subscription
        lost = record(web["id"], status="failure", health="down")
        with publisher.app_context():
            publish(lost)  # logged, not raised
        relay.restore()
        after = record(web["id"])
        with publisher.app_context():
            publish(after)

        seen = sse.events_until(lambda m: m.get("id") == str(after[0]["id"]), timeout=15)
        pings = [m["id"] for m in seen if m.get("event") == "ping"]
        assert str(lost[0]["id"]) in pings  # before: only the later ping arrived
        assert relay.refused >= 1  # the failed publish did try
    finally:
        sse.close()
        server.terminate()
        private.kill()
        relay.close()
