"""The browser dashboard: page shells served at /, filled by ES modules through the REST API."""

import hashlib
from pathlib import Path

from flask import Blueprint

STATIC = Path(__file__).with_name("static")


def static_version():
    """Return a short hash of the static files, so that each release gets fresh URLs."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


class DashboardBlueprint(Blueprint):
    def get_send_file_max_age(self, filename):
        """Cache static files for a year: their URLs change whenever their content does."""
        return 365 * 24 * 3600


bp = DashboardBlueprint(
    "dashboard",
    __name__,
    template_folder="templates",
    static_folder="static",
    # Modules import each other by relative URL, so the version reaches every one of them.
    static_url_path=f"/static/dashboard/{static_version()}",
)

from pulseguard.dashboard import views  # noqa: E402,F401
