"""One hub per web process: a single bus subscriber that fans each batch out to the streams."""

import logging
import weakref
from collections import defaultdict

import gevent
from flask import has_app_context
from gevent.event import Event as Flag
from redis import RedisError

from pulseguard import bus, metrics
from pulseguard.extensions import db
from pulseguard.live import queries
from pulseguard.live.events import Batch
from pulseguard.live.stream import CLOSE, RESYNC, UNAUTHORIZED, Stream

log = logging.getLogger(__name__)

_hubs: "weakref.WeakSet[Hub]" = weakref.WeakSet()


class Hub:
    """The per-process fan-out. The subscriber greenlet starts with the first stream."""

    def __init__(self, app, ready_timeout_s: float = 2.0):
        self.app = app
        self.redis_url, self.channel = app.config.get("REDIS_URL"), app.config["EVENTS_CHANNEL"]
        self.ready_timeout_s = ready_timeout_s
        self.streams: set[Stream] = set()
        self.by_owner: dict[int, set[Stream]] = defaultdict(set)
        self.admins: set[Stream] = set()
        self.ready = Flag()  # subscribed: what is published now reaches the streams
        self.generation = 0  # counts (re)subscriptions
        self.greenlet = None
        self.delivered_batches = 0
        # The fan-out lets other greenlets (REST requests) run after every slice of streams.
        self.slice = max(1, int(app.config.get("LIVE_FANOUT_SLICE", 250)))
        self.token_check_s = float(app.config.get("LIVE_TOKEN_CHECK_S", 15))
        self.token_checker = None
        _hubs.add(self)

    # Streams come and go.

    def register(self, stream: Stream) -> None:
        """Add a stream; return once the bus is subscribed (or the wait timed out)."""
        self.start()
        self.streams.add(stream)
        group = self.admins if stream.viewer.is_admin else self.by_owner[stream.viewer.id]
        group.add(stream)
        stream.registered = True
        self.count(metrics.live_client_opened, stream.kind)
        self.ready.wait(self.ready_timeout_s)
        # Not subscribed yet: the next subscription makes the stream catch up.
        stream.generation = self.generation if self.ready.is_set() else -1

    def unregister(self, stream: Stream) -> None:
        """Remove a stream (safe to call twice)."""
        if not stream.registered:
            return
        stream.registered = False
        self.streams.discard(stream)
        if stream.viewer.is_admin:
            self.admins.discard(stream)
        else:
            owners = self.by_owner.get(stream.viewer.id)
            if owners is not None:
                owners.discard(stream)
                if not owners:
                    del self.by_owner[stream.viewer.id]
        self.count(metrics.live_client_closed, stream.kind)

    def count(self, hook, kind) -> None:
        """Call a metrics hook in an app context (streams end outside their request)."""
        if has_app_context():
            hook(kind)
        else:
            with self.app.app_context():
                hook(kind)

    def close_streams(self) -> None:
        """End every open stream (the process is shutting down)."""
        for stream in tuple(self.streams):
            stream.put(CLOSE)

    # The subscriber.

    def start(self) -> None:
        """Start the subscriber and token checker greenlets unless they run already."""
        if self.greenlet is None or self.greenlet.dead:
            self.greenlet = gevent.spawn(self.run)
        if self.token_check_s > 0 and (self.token_checker is None or self.token_checker.dead):
            self.token_checker = gevent.spawn(self.check_tokens_forever)

    def run(self) -> None:
        """Receive batches from the bus for ever."""
        if self.redis_url:
            self.run_redis()
        else:
            self.run_local()

    def run_local(self) -> None:
        queue = bus.subscribe_local(self.channel)
        try:
            self.subscribed()
            while True:
                self.dispatch(queue.get())
        finally:
            bus.unsubscribe_local(self.channel, queue)

    def run_redis(self) -> None:
        delay = 0.1
        while True:
            client = pubsub = None
            try:
                client = bus.subscriber_connection(self.redis_url)
                pubsub = client.pubsub()
                pubsub.subscribe(self.channel)
                while (message := pubsub.get_message(timeout=5)) is None:
                    pass
                if message["type"] != "subscribe":
                    raise RedisError(f"Unexpected first message: {message!r}")
                self.subscribed()
                delay = 0.1
                while True:
                    message = pubsub.get_message(timeout=5)
                    if message is not None and message["type"] == "message":
                        self.dispatch(message["data"])
            except (RedisError, OSError) as error:
                self.ready.clear()
                log.warning("Live event bus lost (%s); resubscribing in %.1f s", error, delay)
            finally:
                for thing in (pubsub, client):
                    try:
                        thing is not None and thing.close()
                    except (RedisError, OSError):
                        pass
            gevent.sleep(delay)
            delay = min(delay * 2, 2.0)

    def subscribed(self) -> None:
        """Mark the bus as subscribed, and have streams that may have missed events catch up."""
        self.generation += 1
        self.ready.set()
        behind = self.catch_up()
        if behind:
            log.info("Live event bus subscribed; %d streams catch up from the database", behind)

    def catch_up(self) -> int:
        """Have every stream that may have missed events read them from the database."""
        behind = 0
        for stream in tuple(self.streams):
            if stream.generation is not None and stream.generation != self.generation:
                stream.generation = self.generation
                stream.put(RESYNC)
                behind += 1
        return behind

    def dispatch(self, payload) -> None:
        """Fan one bus message out to the streams that may see it."""
        if payload in (bus.GAP, bus.GAP.encode()):  # a publisher lost events: all catch up
            self.generation += 1
            log.info("A publish failed; %d streams catch up from the database", self.catch_up())
            return
        try:
            batch = Batch.decode(payload)
        except (ValueError, KeyError, TypeError) as error:
            log.error("Ignoring a malformed live event message: %s", error)
            return
        self.delivered_batches += 1
        if batch.everything is None:
            return  # no events
        groups = [
            (self.by_owner.get(owner_id, ()), part) for owner_id, part in batch.by_owner.items()
        ]
        groups.append((self.admins, batch.everything))
        offered = 0
        for streams, part in groups:
            for stream in tuple(streams):
                self.offer(stream, batch, part)
                offered += 1
                if offered % self.slice == 0:
                    gevent.sleep(0)

    def offer(self, stream, batch, part) -> None:
        try:
            stream.offer(batch, part)
        except Exception:  # noqa: BLE001 - one broken stream never stops the others
            log.exception("Live stream failed to take a batch")
            stream.drop("it failed")
        if stream.dropped:
            self.unregister(stream)

    # Tokens revoked while their streams are open (an expired token ends its stream by itself).

    def check_tokens_forever(self) -> None:
        """End the streams whose token was revoked, every LIVE_TOKEN_CHECK_S seconds."""
        while True:
            gevent.sleep(self.token_check_s)
            if not self.streams:
                continue
            try:
                self.end_revoked()
            except Exception:  # noqa: BLE001 - the database may be away; check again later
                log.exception("Could not check the tokens of open live streams")

    def end_revoked(self) -> None:
        """End the open streams of revoked tokens (logout, password change, user deleted)."""
        streams = tuple(self.streams)
        with self.app.app_context():
            try:
                revoked = queries.revoked({stream.viewer for stream in streams})
            finally:
                db.session.remove()
        for stream in streams:
            if stream.viewer in revoked and stream.registered:
                stream.put(UNAUTHORIZED)


def hub_for(app) -> Hub:
    """Return the app's hub (created in init_app; nothing runs until a stream opens)."""
    return app.extensions["pulseguard_live"]


def close_all_streams() -> None:
    """End every open stream of every hub in this process (gunicorn calls it on shutdown)."""
    for hub in tuple(_hubs):
        hub.close_streams()
