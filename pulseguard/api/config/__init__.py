"""Configuration as code: export your monitors as one YAML or JSON document, apply one back."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "config",
    __name__,
    url_prefix="/api/config",
    description=(
        "Configuration as code (API-NEXT §7). So far for servers: an export matched by `key`, "
        "with declarative fields only (no ids, timestamps, statuses or push tokens), and an "
        "idempotent apply with dry run, field-level diff, prune guard and `If-Match`."
    ),
)

from pulseguard.api.config import routes  # noqa: E402,F401
