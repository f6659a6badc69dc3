"""Sign-in, tokens, registration and the current user."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="JWT authentication")

from pulseguard.api.auth import routes  # noqa: E402,F401
