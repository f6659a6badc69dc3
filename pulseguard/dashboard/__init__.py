"""The browser dashboard: page shells served at /, filled by ES modules through the REST API."""

from flask import Blueprint

bp = Blueprint(
    "dashboard",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/dashboard",
)

from pulseguard.dashboard import views  # noqa: E402,F401
