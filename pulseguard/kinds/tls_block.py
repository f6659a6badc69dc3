"""The `tls` block of https servers: when a certificate's expiry is announced (API-NEXT §1.6)."""

from marshmallow import Schema, ValidationError, fields, missing, validate

from pulseguard.kinds.kind import block_settings

DEFAULT_ALERT_DAYS = (30, 14, 7, 1)


def validate_alert_days(days: list[int]) -> None:
    if len(set(days)) != len(days):
        raise ValidationError("Must be unique.")


class TlsSettings(Schema):
    """The `tls` object of an https server."""

    expiry_alert_days = fields.List(
        fields.Int(validate=validate.Range(1, 365)),
        load_default=lambda: list(DEFAULT_ALERT_DAYS),
        validate=[validate.Length(max=10, error="At most 10."), validate_alert_days],
        metadata={
            "description": "A `cert_expiring` event when the certificate has this many days "
            "left or fewer, once per threshold per certificate (only the smallest when several "
            "are crossed at once); [] turns it off."
        },
    )
    degraded_below_days = fields.Int(
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, 365),
        metadata={"description": "Under this many days left, the status is degraded."},
    )


DEFAULTS = TlsSettings().load({})


def settings_of(server) -> dict:
    """An https server's tls settings, defaults filled in (server: a Server or a row's dict)."""
    return block_settings(server, "tls", DEFAULTS)


class TlsBlock(fields.Nested):
    """The `tls` block: loaded into Server.settings["tls"]; shown, with defaults, for https only."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        if getattr(obj, "protocol", None) != "https":
            return missing
        return self.schema.dump(settings_of(obj))
