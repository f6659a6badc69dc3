"""Running checks on demand."""

from flask_smorest import Blueprint

blp = Blueprint("checks", __name__, url_prefix="/api/checks", description="Run checks now")

from pulseguard.api.checks import routes  # noqa: E402,F401
