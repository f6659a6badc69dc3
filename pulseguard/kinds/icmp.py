"""ICMP: echo requests to a host, judged by loss and round-trip time (probe in checks/icmp.py)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from pulseguard.capabilities import icmp_refusal
from pulseguard.checks.icmp import FAMILIES, IcmpOptions, probe_icmp
from pulseguard.checks.target import Target
from pulseguard.kinds.kind import Kind, block_settings


class IcmpBlock(Schema):
    """The `icmp` object of an icmp server."""

    count = fields.Int(load_default=3, validate=validate.Range(1, 20))
    interval = fields.Float(
        load_default=0.5,
        validate=validate.Range(0.2, 5),
        metadata={"description": "seconds between two echo requests"},
    )
    payload_size = fields.Int(load_default=56, validate=validate.Range(0, 1472))
    family = fields.Str(load_default="auto", validate=validate.OneOf(FAMILIES))
    down_loss_pct = fields.Int(
        load_default=100,
        validate=validate.Range(1, 100),
        metadata={"description": "loss at or above this: a timeout (the status goes down)"},
    )
    degraded_loss_pct = fields.Int(
        allow_none=True,
        load_default=None,
        validate=validate.Range(0, 99),
        metadata={"description": "loss at or above this (below down_loss_pct): degraded"},
    )

    @validates_schema
    def degraded_below_down(self, data, **_kwargs):
        degraded, down = data.get("degraded_loss_pct"), data.get("down_loss_pct", 100)
        if degraded is not None and degraded >= down:
            raise ValidationError("Must be below down_loss_pct.", "degraded_loss_pct")


DEFAULTS = IcmpBlock().load({})


class IcmpSettings(Schema):
    """The fields only icmp servers have: their `icmp` object (kept in Server.settings)."""

    icmp = fields.Nested(IcmpBlock, attribute="settings.icmp")


def settings_of(row) -> dict:
    """An icmp server's settings, with the defaults of what was never set."""
    return block_settings(row, "icmp", DEFAULTS)


def options(row) -> IcmpOptions:
    block = settings_of(row)
    return IcmpOptions(
        count=block["count"],
        interval=block["interval"],
        payload_size=block["payload_size"],
        family=block["family"],
        down_loss_pct=block["down_loss_pct"],
        degraded_loss_pct=block["degraded_loss_pct"],
        reply_timeout=float(row.timeout_s or 10.0),
    )


def budget(row) -> float:
    """The whole run: count x interval, then the wait for the last reply."""
    block = settings_of(row)
    return block["count"] * block["interval"] + float(row.timeout_s or 10.0)


def describe(target: Target) -> str:
    """Name a ping target the way people write it: `icmp://host`."""
    return f"icmp://{target.host}"


def check(server, _data) -> dict:
    """No port; the pings and the last wait must fit in 80 % of the check interval."""
    errors: dict = {}
    if server.port is not None:
        errors["port"] = ["Not allowed for protocol 'icmp'."]
    try:
        block = IcmpBlock().load(settings_of(server))
    except ValidationError as error:
        errors["icmp"] = error.messages
        return errors
    interval_s = server.check_interval_s or 60
    if block["count"] * block["interval"] + (server.timeout_s or 10.0) > 0.8 * interval_s:
        errors["icmp"] = {
            "count": [
                f"{block['count']} pings × {block['interval']:g} s do not fit a "
                f"{interval_s} s interval"
            ]
        }
    if not errors:
        server.settings = (server.settings or {}) | {"icmp": block}
    return errors


ICMP = Kind(
    name="icmp",
    label="ICMP (ping)",
    options=options,
    describe=describe,
    probe=probe_icmp,
    settings=IcmpSettings,
    block="icmp",
    check=check,
    form="dashboard/kinds/icmp.html",
    budget=budget,
    unavailable=icmp_refusal,
)
