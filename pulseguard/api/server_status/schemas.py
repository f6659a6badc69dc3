"""ServerStatus schemas."""

from marshmallow import Schema, fields

from pulseguard.api.fields import Choice, IdList, Timestamp
from pulseguard.checks.certificate import cert_json
from pulseguard.models import Health
from pulseguard.monitoring.uptime import WINDOWS


class ServerStatusSchema(Schema):
    id = fields.Int(dump_only=True)
    server = fields.Int(attribute="server_id", dump_only=True)
    status = fields.Method(
        "_status",
        dump_only=True,
        metadata={
            "type": "string",
            "description": "up, down, degraded or unknown; `maintenance` while a maintenance "
            "window covers the server (then `measured_status` says what the checks find). "
            "Treat any other value as unknown.",
        },
    )
    measured_status = fields.Str(attribute="health", dump_only=True)
    uptime_percentage = fields.Float(dump_only=True, allow_none=True)
    uptime = fields.Dict(keys=fields.Str(), values=fields.Float(allow_none=True), dump_only=True)
    avg_response_time = fields.Float(dump_only=True, allow_none=True)
    last_response_time = fields.Float(
        attribute="last_response_time_ms", dump_only=True, allow_none=True
    )
    last_check = Timestamp(attribute="last_check_at", dump_only=True, allow_none=True)
    consecutive_failures = fields.Int(dump_only=True)
    message = fields.Str(dump_only=True)
    changed_at = Timestamp(dump_only=True, allow_none=True)
    since = Timestamp(attribute="changed_at", dump_only=True, allow_none=True)  # API-NEXT §0
    updated_at = Timestamp(dump_only=True)
    cert = fields.Method(
        "_cert",
        dump_only=True,
        allow_none=True,
        metadata={
            "type": "object",
            "nullable": True,
            "description": "An https server's certificate, read from its checks' own TLS "
            "handshake (also with verify_tls off): subject, issuer, sans, not_before, not_after, "
            "days_remaining, fingerprint_sha256, chain_valid (true when the handshake verified "
            "it; null when verify_tls is off, as only the leaf is seen), hostname_valid, "
            "checked_at (when it was last read; refreshed hourly while unchanged). Null for "
            "other kinds and before the first successful handshake.",
        },
    )

    def _cert(self, status):
        return cert_json(status.cert)

    def _status(self, status):
        return "maintenance" if status.maintenance_since else status.health


class ServerStatusQuerySchema(Schema):
    status = Choice(Health)
    server_id = IdList()
    window = Choice(WINDOWS, load_default="24h")
