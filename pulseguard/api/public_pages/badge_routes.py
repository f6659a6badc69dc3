"""Routes of /api/public/badges/: one server's badges, behind its random badge key."""

from flask import current_app, request
from flask_smorest import abort
from sqlalchemy import select

import pulseguard.badges as badges
from pulseguard.api.blueprint import PUBLIC_DOC
from pulseguard.api.public_pages import blp
from pulseguard.extensions import db
from pulseguard.models import Server
from pulseguard.pages.answers import conditional, dumps, public
from pulseguard.pages.badge_figures import METRICS, figure

FORMATS = {"svg": "image/svg+xml", "json": "application/json"}


def not_found(fmt):
    """A grey `not found` SVG for .svg, the error JSON otherwise: the same for every miss."""
    if fmt == "svg":
        response = current_app.response_class(
            badges.svg("badge", "not found", "lightgrey"), status=404, mimetype=FORMATS["svg"]
        )
        return public(response)
    abort(404, message="Not found.")


METRIC_CHOICES = ", ".join(f"'{m}'" for m in METRICS)


@blp.route(
    f"/badges/<string(length=22):badge_key>/<any({METRIC_CHOICES}):metric>.<any(svg, json):fmt>",
    methods=["GET"],
)
@blp.doc(**PUBLIC_DOC)
@blp.response(200, description="The badge, as SVG (pybadges) or shields.io endpoint JSON")
@blp.alt_response(404, description="Unknown key, badges disabled, or unknown metric")
def server_badge(badge_key, metric, fmt):
    """Return one of a server's badges: `status`, `uptime-<24h|7d|30d|90d>`,
    `response-time-<24h|7d|30d>` or `cert-expiry`, each as `.svg` or `.json`."""
    server = db.session.scalar(
        select(Server).where(Server.badge_key == badge_key, Server.badges_enabled.is_(True))
    )
    if server is None:
        return not_found(fmt)
    message, color = figure(server, metric)
    label = request.args.get("label", METRICS[metric])[: badges.LABEL_MAX]
    cache = f"public, max-age={current_app.config.get('BADGE_MAX_AGE_S', 60)}"
    if fmt == "svg":
        return conditional(badges.svg(label, message, color).encode(), FORMATS["svg"], cache)
    body = dumps(badges.endpoint_json(label, message, color))
    return conditional(body, FORMATS["json"], cache)
