"""Status pages, as their owner edits them (the public side is pulseguard.api.public_pages)."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "status_pages", __name__, url_prefix="/api/status-pages", description="Status pages (private)"
)

from pulseguard.api.status_pages import routes  # noqa: E402,F401
