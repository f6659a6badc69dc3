"""Configuration as code: export your monitors as one YAML or JSON document."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "config",
    __name__,
    url_prefix="/api/config",
    description=(
        "Configuration as code (API-NEXT §7). So far: export of your servers, matched by `key`, "
        "with declarative fields only (no ids, timestamps, statuses or push tokens)."
    ),
)

from pulseguard.api.config import routes  # noqa: E402,F401
