"""Admin-only user management (and their API keys). A JWT only: no API key manages users."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "users",
    __name__,
    url_prefix="/api/users",
    description="Users (admin only; a JWT, not an API key)",
    people_only=True,
)

from pulseguard.api.users import api_keys, routes  # noqa: E402,F401
