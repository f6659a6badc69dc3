"""Recording one push ping: the server's run state, then its result through record_results.

A ping names its server with a finder (`ByToken`, `ByKey`). A batch's finders become one locking
SELECT of their PushMonitor rows (FOR UPDATE on PostgreSQL; SQLite has one writer anyway), so
that concurrent pings to one server apply one after the other; their changes are written back
with one UPDATE (monitoring/push_rows.py: plain rows, no ORM objects) and commit in the same
transaction as the results, the statuses and the uptime counters (record_results commits). On
PostgreSQL a token rotated while the batch waited for the lock no longer matches (the locked
row is read again), so its ping answers 404 like any unknown token.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import and_, or_, select

from pulseguard import kinds
from pulseguard.checks.outcome import FAILURE, SUCCESS, Outcome
from pulseguard.extensions import db
from pulseguard.kinds.push import deadlines, max_runtime_s, settings_of
from pulseguard.models import MonitoringState, PushMonitor, Server
from pulseguard.models.monitored import is_active
from pulseguard.models.types import utcnow
from pulseguard.monitoring import pausing, push_rows, timeline
from pulseguard.monitoring.record import record_results


@dataclass(frozen=True)
class Ping:
    """One ping as it arrived: its event and what the request said."""

    event: str  # success | start | fail | log
    method: str
    exit_code: int | None = None
    rid: str | None = None
    msg: str | None = None
    duration_ms: float | None = None
    body: str | None = None
    remote_addr: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class Answer:
    """What the ping route answers: the status after the ping, or why it was ignored."""

    status: str | None = None
    ignored: str | None = None
    retry_after: int | None = None  # over PUSH_RATE_LIMIT: nothing recorded (429)


@dataclass(frozen=True)
class ByToken:
    """A push server found by the token of its ping URL."""

    token: str

    @property
    def ref(self) -> tuple:
        return ("token", self.token)

    @staticmethod
    def where(finders: list["ByToken"]):
        return PushMonitor.token.in_(sorted({f.token for f in finders}))


@dataclass(frozen=True)
class ByKey:
    """A push server found by its owner and its `key` (the slug URLs of a push API key)."""

    owner_id: int
    key: str

    @property
    def ref(self) -> tuple:
        return ("key", self.owner_id, self.key)

    @staticmethod
    def where(finders: list["ByKey"]):
        pairs = sorted({(f.owner_id, f.key) for f in finders})
        servers = select(Server.id).where(
            or_(*(and_(Server.owner_id == owner, Server.key == key) for owner, key in pairs))
        )
        return PushMonitor.server_id.in_(servers)


Finder = ByToken | ByKey


def _refs(monitor: SimpleNamespace, server: SimpleNamespace) -> tuple[tuple, ...]:
    """Every finder's ref that names this monitor's server."""
    return ("token", monitor.token), ("key", server.owner_id, server.key)


def receive(finder: Finder, ping: Ping) -> Answer | None:
    """Record a ping to the push server the finder names; None: no such server."""
    return receive_many([(finder, ping)])[0]


def receive_many(items: list[tuple[Finder, Ping]]) -> list[Answer | None]:
    """Record several pings (each with the finder of its server) in one transaction.

    One SELECT finds and locks the batch's monitors, in server id order, so that two processes
    recording overlapping batches never wait for each other in a cycle; pings to one server
    apply in arrival order.
    """
    monitors = _locked([finder for finder, _ping in items])
    answers: list[Answer | None] = []
    results, waiting = [], []
    changed: dict[int, SimpleNamespace] = {}  # the monitors to write back, each once
    stamp = 0.0
    for finder, ping in items:
        found = monitors.get(finder.ref)
        if found is None:
            answers.append(None)
            continue
        stamp = max(utcnow().timestamp(), stamp + 1e-6)  # one server's pings keep their order
        now = datetime.fromtimestamp(stamp, UTC)
        result, answer = _one(*found, ping, now)
        answers.append(answer)
        if result is not None:
            changed[found[0].server_id] = found[0]
            results.append(result)
            waiting.append(len(answers) - 1)
    push_rows.write(list(changed.values()))
    if not results:
        db.session.commit()  # a resumed or ignored ping changed nothing else
        return answers
    db.session.flush()  # a resumed server's state (_resume), before record_results reads it
    recorded = record_results(results)
    # Stamps rise through the batch, so the recorded results come back in the pings' order;
    # should one be missing (its server deleted meanwhile), the server's last status answers.
    last = {r.server_id: r.health for r in recorded}
    aligned = len(recorded) == len(results)
    for n, (index, (target, *_rest)) in enumerate(zip(waiting, results, strict=True)):
        answers[index] = Answer(status=recorded[n].health if aligned else last.get(target.id))
    return answers


def _locked(finders: list[Finder]) -> dict[tuple, tuple[SimpleNamespace, SimpleNamespace]]:
    """Lock the push monitors the finders name (with their servers, in one query); return
    (monitor, server) by every ref that names them."""
    tokens = [f for f in finders if isinstance(f, ByToken)]
    keys = [f for f in finders if isinstance(f, ByKey)]
    if keys:
        wheres = ([ByToken.where(tokens)] if tokens else []) + [ByKey.where(keys)]
        locked = push_rows.locked(where=or_(*wheres))
    else:  # the common case: a statement built once
        locked = push_rows.locked(tokens=sorted({f.token for f in tokens}))
    return {
        ref: (monitor, server)
        for monitor, server in locked
        if server.protocol == "push"
        for ref in _refs(monitor, server)
    }


def _one(monitor: SimpleNamespace, server: SimpleNamespace, ping: Ping, now: datetime):
    """Apply one ping to its locked monitor; return (result to record or None, answer)."""
    settings = settings_of(server)
    if not is_active(server):  # a window's `checks: skip` stops probes, not the job's own pings
        if server.monitoring_state != MonitoringState.PAUSED or not settings["resume_on_ping"]:
            return None, Answer(ignored=str(server.monitoring_state))
        _resume(server, now)
    ignored = settings["methods"] == "post" and ping.method != "POST"
    duration = None if ignored else _apply(monitor, settings, ping, now)
    outcome = _outcome(ping, ignored, duration)
    at = now.timestamp()
    return (kinds.target_of(server), at, at, outcome), Answer()


def _resume(row: SimpleNamespace, now: datetime) -> None:
    """A ping resumes a paused server (resume_on_ping) as a REST resume does: afresh (unknown).

    So the ping itself is the first verdict: a `fail` that resumes a server paused while down
    opens a new incident and alerts, as any unknown -> down does. The timeline says so too.
    Rare: the Server is loaded (the ORM's) to change it; the batch's row follows.
    """
    server = db.session.get(Server, row.id)
    row.monitoring_state = MonitoringState.ACTIVE  # a second ping of the batch: active now
    if server is None:
        return
    status = server.current_status
    old = timeline.state_of(server.monitoring_state, status.health if status else None)
    server.monitoring_state = MonitoringState.ACTIVE
    pausing.start_afresh(status, now)
    new = timeline.state_of(server.monitoring_state, status.health if status else None)
    move = timeline.Move(server.id, old, new, now, server.created_at or now)
    timeline.move(db.session.connection(), [move])


def _apply(monitor: SimpleNamespace, settings: dict, ping: Ping, now: datetime) -> float | None:
    """Change the run state for a (not ignored) ping; return the run's duration when known."""
    runs = dict(monitor.runs or {})
    if ping.event == "start":
        runs[ping.rid or ""] = now.isoformat()
        monitor.runs, monitor.running, monitor.started_at = runs, True, now
        limit = now + timedelta(seconds=max_runtime_s(settings))
        monitor.alert_after = min(monitor.alert_after or limit, limit)
        return None
    if ping.event == "log":
        return None
    started = _finish(runs, ping.rid)
    duration = ping.duration_ms
    if duration is None and started is not None:
        duration = (now - started).total_seconds() * 1000
    monitor.runs, monitor.running = runs, bool(runs)
    monitor.started_at = max((datetime.fromisoformat(s) for s in runs.values()), default=None)
    if duration is not None:
        monitor.last_duration_ms = duration
    monitor.last_exit_code = ping.exit_code
    monitor.last_ping_at = now
    monitor.next_expected_at, monitor.alert_after = deadlines(settings, now)
    monitor.stage = "ok" if ping.event == "success" else "down"
    return duration


def _finish(runs: dict, rid: str | None) -> datetime | None:
    """Close the run a success or fail ends: the rid's, or with no rid the latest open one."""
    if rid is not None:
        started = runs.pop(rid, None)
    elif runs:
        started = runs.pop(max(runs, key=lambda r: runs[r]))
    else:
        started = None
    return None if started is None else datetime.fromisoformat(started)


def _outcome(ping: Ping, ignored: bool, duration: float | None) -> Outcome:
    details = {
        "rid": ping.rid,
        "exit_code": ping.exit_code,
        "method": ping.method,
        "remote_addr": ping.remote_addr,
        "user_agent": ping.user_agent,
        "body": ping.body,
        "msg": ping.msg,
    }
    if ignored:
        details["ignored"] = True
    if ping.event == "fail":
        if ping.exit_code:
            message = f"Job failed (exit {ping.exit_code})"
        else:
            message = "Job reported failure"
        message = f"{message}: {ping.msg}" if ping.msg else message
        return Outcome(FAILURE, duration, None, message, details=details, kind="fail")
    return Outcome(SUCCESS, duration, None, ping.msg or "", details=details, kind=ping.event)
