"""Admin-only user management."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint("users", __name__, url_prefix="/api/users", description="Users (admin only)")

from pulseguard.api.users import routes  # noqa: E402,F401
