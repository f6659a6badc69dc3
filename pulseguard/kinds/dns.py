"""DNS: a record asked of a resolver, with its rcode and values checked (probe in checks/dns.py)."""

import ipaddress

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from pulseguard.checks.dns import (
    MATCHES,
    RECORD_TYPES,
    TRANSPORTS,
    DnsOptions,
    canonical_expected,
    is_dns_name,
    parse_resolver,
    probe_dns,
    rcode_name,
)
from pulseguard.checks.target import Target
from pulseguard.kinds.kind import Kind, block_settings


def validate_resolver(value: str) -> None:
    try:
        address, _port = parse_resolver(value)
    except ValueError:
        raise ValidationError("Resolver must be an IP address.") from None
    from flask import current_app, has_app_context

    from pulseguard.checks.guard import guard_of

    if not has_app_context():
        return  # parsed outside a request (tests, tools): the check-time guard still applies
    if refusal := guard_of(current_app.config).refusal(address):
        raise ValidationError(refusal)


class RcodeName(fields.Str):
    """An rcode by name (`NOERROR`, `NXDOMAIN`...), stored as dnspython writes it."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return rcode_name(text)
        except ValueError:
            raise ValidationError("Unknown rcode.") from None


class DnsBlock(Schema):
    """The `dns` object of a dns server."""

    record_type = fields.Str(load_default="A", validate=validate.OneOf(RECORD_TYPES))
    resolvers = fields.List(
        fields.Str(validate=validate_resolver),
        load_default=list,
        validate=validate.Length(max=3, error="At most 3."),
        metadata={"description": "IP, IP:port or [IPv6]:port; empty: the worker's resolv.conf"},
    )
    expected = fields.List(
        fields.Str(validate=validate.Length(min=1, max=500)),
        load_default=list,
        validate=validate.Length(max=20, error="At most 20."),
        metadata={"description": "values compared in canonical form (API-NEXT §1.3)"},
    )
    match = fields.Str(load_default="any", validate=validate.OneOf(MATCHES))
    expected_rcode = RcodeName(load_default="NOERROR")
    transport = fields.Str(
        load_default="udp",
        validate=validate.OneOf(TRANSPORTS),
        metadata={"description": "udp falls back to TCP when the answer is truncated"},
    )

    @validates_schema(skip_on_field_errors=False)  # report every error at once
    def expected_values_fit_the_type(self, data, partial=False, **_kwargs):
        if partial and "record_type" not in data:
            return  # a PATCH: checked with the stored type by check()
        errors = {}
        for index, value in enumerate(data.get("expected") or []):
            try:
                canonical_expected(data.get("record_type") or "A", value)
            except ValueError as error:
                errors[index] = [str(error)]
        if errors:
            raise ValidationError({"expected": errors})

    @post_load
    def canonical(self, data, partial=False, **_kwargs):
        if "expected" in data and not (partial and "record_type" not in data):
            record_type = data.get("record_type", "A")
            data["expected"] = [canonical_expected(record_type, v) for v in data["expected"]]
        return data


DEFAULTS = DnsBlock().load({})


class DnsSettings(Schema):
    """The fields only dns servers have: their `dns` object (kept in Server.settings)."""

    dns = fields.Nested(DnsBlock, attribute="settings.dns")


def settings_of(row) -> dict:
    """A dns server's settings, with the defaults of what was never set."""
    return block_settings(row, "dns", DEFAULTS)


def options(row) -> DnsOptions:
    """The DNS settings of a Server row (stored canonical: validated when saved)."""
    block = settings_of(row)
    return DnsOptions(
        record_type=block["record_type"],
        resolvers=tuple(block["resolvers"]),
        expected=tuple(block["expected"]),
        match=block["match"],
        expected_rcode=block["expected_rcode"],
        transport=block["transport"],
    )


def describe(target: Target) -> str:
    """The query as a DNS URI (RFC 4501): dns://resolver/name?type=A."""
    resolver = target.options.resolvers[0] if target.options.resolvers else ""
    authority = f"//{resolver}/" if resolver else ""
    return f"dns:{authority}{target.host}?type={target.options.record_type}"


def check(server, data) -> dict:
    """A dns server has no port, and its host is a name (an IP address only for PTR)."""
    errors: dict = {}
    if server.port is not None:
        errors["port"] = ["Not allowed for protocol 'dns'; put the port in dns.resolvers."]
    record_type = settings_of(server)["record_type"]
    try:
        ipaddress.ip_address(server.host)
        is_ip = True
    except ValueError:
        is_ip = False
    if (is_ip and record_type != "PTR") or not is_dns_name(server.host):
        errors["host"] = ["Not a valid DNS name."]
    try:  # the stored block with this edit merged in (a PATCH sends some fields only)
        block = DnsBlock().load(settings_of(server))
    except ValidationError as error:
        errors["dns"] = error.messages
    else:
        server.settings = (server.settings or {}) | {"dns": block}
    return errors


DNS = Kind(
    name="dns",
    label="DNS",
    options=options,
    describe=describe,
    probe=probe_dns,
    settings=DnsSettings,
    block="dns",
    check=check,
    form="dashboard/kinds/dns.html",
)
