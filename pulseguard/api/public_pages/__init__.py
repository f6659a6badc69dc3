"""The public JSON of status pages and badges: no credential, GET/HEAD only, CORS `*`."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "public_pages",
    __name__,
    url_prefix="/api/public",
    public=True,
    description="Public status pages and badges (no credential; rate-limited per IP)",
)

from pulseguard.api.public_pages import badge_routes, routes  # noqa: E402,F401
