"""Running checks on demand."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint("checks", __name__, url_prefix="/api/checks", description="Run checks now")

from pulseguard.api.checks import routes  # noqa: E402,F401
