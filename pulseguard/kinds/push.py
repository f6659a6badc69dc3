"""Push (heartbeat): a cron job or backup pings PulseGuard; PulseGuard never probes it.

The settings are the API's `push` block (kept in `Server.settings["push"]`); the token and run
state live in the server's PushMonitor row. A schedule is a period or a cron expression in a
time zone (pulseguard/schedules/cron.py), checked when saved; `deadlines()` turns it into the next
expected ping and the moment after which a silent job is down.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, has_request_context, request
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    missing,
    post_load,
    validate,
    validates_schema,
)

from pulseguard.checks.target import Target
from pulseguard.kinds.kind import Kind, block_settings
from pulseguard.models.push_monitor import PushMonitor
from pulseguard.schedules import cron, zones
from pulseguard.schedules.errors import ScheduleError

YEAR_S = 31536000
EVENTS = ("success", "start", "fail", "log")  # what a ping reports (a missed deadline: "missed")
DEFAULTS: dict = {
    "period": 86400,
    "cron": None,
    "timezone": "UTC",
    "grace": 3600,
    "max_runtime": None,
    "methods": "any",
    "resume_on_ping": True,
}
STATE = (
    "last_ping_at",
    "next_expected_at",
    "alert_after",
    "running",
    "started_at",
    "last_duration_ms",
    "last_exit_code",
)


def Timestamp(**kwargs):  # noqa: N802 - as api/fields.Timestamp (kinds sit below the API)
    return fields.AwareDateTime(default_timezone=UTC, **kwargs)


def between(low: int, high: int):
    return validate.Range(low, high, error=f"Must be between {low} and {high}.")


def validate_cron(value: str) -> None:
    try:
        cron.check_expression(value)
    except ScheduleError as error:
        raise ValidationError(error.message) from None


class ZoneField(fields.String):
    """An IANA time zone name, stored under its current name (`Europe/Kiev` -> `Europe/Kyiv`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        try:
            zones.zone(name)
        except ScheduleError as error:
            raise ValidationError(error.message) from None
        return zones.canonical(name)


class PushSettings(Schema):
    """A push server's schedule and rules, with its ping URL and run state (read-only)."""

    token = fields.Str(dump_only=True, metadata={"description": "The secret in the ping URL"})
    ping_url = fields.Str(dump_only=True, metadata={"description": "`<base>/api/push/<token>`"})
    period = fields.Int(
        allow_none=True,
        load_default=DEFAULTS["period"],
        validate=between(60, YEAR_S),
        metadata={"description": "Seconds between pings (default 86400); used when cron is null"},
    )
    cron = fields.Str(
        allow_none=True,
        load_default=None,
        validate=[validate.Length(max=200), validate_cron],
        metadata={"description": "5-field cron expression (cronsim); must fire at least once"},
    )
    timezone = ZoneField(
        load_default="UTC", metadata={"description": "IANA name the cron is evaluated in (UTC)"}
    )
    grace = fields.Int(
        load_default=DEFAULTS["grace"],
        validate=between(60, YEAR_S),
        metadata={"description": "Seconds a late ping is waited for before the server is down"},
    )
    max_runtime = fields.Int(
        allow_none=True,
        load_default=None,
        validate=between(60, 259200),
        metadata={"description": "Longest start -> success time in seconds (null: grace)"},
    )
    methods = fields.Str(
        load_default="any",
        validate=validate.OneOf(["any", "post"]),
        metadata={"description": "`post`: GET/HEAD pings are stored, marked ignored"},
    )
    resume_on_ping = fields.Bool(
        load_default=True, metadata={"description": "A ping resumes a paused server"}
    )
    last_ping_at = Timestamp(dump_only=True)
    next_expected_at = Timestamp(dump_only=True)
    alert_after = Timestamp(dump_only=True)
    running = fields.Bool(dump_only=True)
    started_at = Timestamp(dump_only=True)
    last_duration_ms = fields.Float(dump_only=True)
    last_exit_code = fields.Int(dump_only=True)

    @validates_schema(pass_original=True)
    def one_schedule(self, _data, original, **_kwargs):
        if isinstance(original, dict) and original.get("cron") and original.get("period"):
            raise ValidationError("Give either period or cron, not both.", "cron")

    @post_load
    def one_of_them(self, data, **_kwargs):
        if data.get("cron"):
            data["period"] = None
        elif "period" in data or "cron" in data:
            data["cron"] = None
            data["period"] = data.get("period") or DEFAULTS["period"]
        return data


def ping_url(token: str) -> str:
    """The ping URL of a token, on the address the caller used (else PUBLIC_URL)."""
    base = request.url_root if has_request_context() else current_app.config["PUBLIC_URL"]
    return f"{base.rstrip('/')}/api/push/{token}"


def view(server) -> dict:
    """A push server's `push` block as the API shows it: settings, URL and run state."""
    monitor = server.push_monitor
    out = settings_of(server)
    if monitor is not None:
        out |= {name: getattr(monitor, name) for name in STATE}
        out |= {"token": monitor.token, "ping_url": ping_url(monitor.token)}
    return out


class PushBlock(fields.Nested):
    """The `push` block: loaded into Server.settings["push"], dumped with the token and state."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        if getattr(obj, "protocol", None) != "push":
            return missing
        return self.schema.dump(view(obj))


class PushFields(Schema):
    push = PushBlock(PushSettings, attribute="settings.push", allow_none=False)


def settings_of(server) -> dict:
    """A push server's settings, defaults filled in."""
    return block_settings(server, "push", DEFAULTS)


@dataclass(frozen=True)
class PushOptions:
    period: int | None
    cron: str | None
    timezone: str


def options(row) -> PushOptions:
    settings = settings_of(row)
    return PushOptions(settings["period"], settings["cron"], settings["timezone"])


def describe(target: Target) -> str:
    """Name a push server by its schedule: `push every 3600s`, `push cron '5 4 * * *' UTC`."""
    opts = target.options
    if opts is None or not opts.cron:
        return f"push every {opts.period if opts else DEFAULTS['period']}s"
    return f"push cron '{opts.cron}' {opts.timezone}"


def deadlines(settings: dict, last_ping_at: datetime) -> tuple[datetime, datetime]:
    """Return (next expected ping, alert after) for a server last pinged at last_ping_at."""
    if settings.get("cron"):
        expected = cron.next_fire(settings["cron"], settings["timezone"], last_ping_at)
    else:
        expected = last_ping_at + timedelta(seconds=settings["period"] or DEFAULTS["period"])
    return expected, expected + timedelta(seconds=settings["grace"])


def max_runtime_s(settings: dict) -> int:
    """The longest allowed run in seconds (max_runtime, else grace)."""
    return settings["max_runtime"] or settings["grace"]


def check(server, _data) -> dict[str, list[str]]:
    """No host or port; one schedule; then the block is completed and the monitor made."""
    errors = {}
    if server.host:
        errors["host"] = ["Not allowed for protocol 'push'."]
    if server.port is not None:
        errors["port"] = ["Not allowed for protocol 'push'."]
    if errors:
        return errors
    server.settings = (server.settings or {}) | {"push": settings_of(server)}
    settings = server.settings["push"]
    if server.push_monitor is None:
        server.push_monitor = PushMonitor()
    monitor = server.push_monitor
    if monitor.last_ping_at is not None:
        monitor.next_expected_at, monitor.alert_after = deadlines(settings, monitor.last_ping_at)
    return {}


PUSH = Kind(
    name="push",
    label="Push (heartbeat)",
    options=options,
    describe=describe,
    settings=PushFields,
    block="push",
    check=check,
    needs_host=False,
    form="dashboard/kinds/push.html",
)
