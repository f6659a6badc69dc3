"""Public status pages: what a team shows its customers, built from an explicit allow-list.

Every public answer (JSON, HTML, feeds, badges) is assembled field by field in this package
from the page's settings and the servers it lists: no private schema is reused, so a field
added elsewhere can never leak. Unpublished and unknown slugs get the same 404.
"""

from flask import Blueprint

bp = Blueprint(
    "status_html",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/status-static",
)

from pulseguard.pages import views  # noqa: E402,F401
