"""GET /metrics (Prometheus text), optionally behind a bearer token or an API key, and request
counting."""

import hmac

from flask import Blueprint, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from pulseguard import keyauth, metrics
from pulseguard.errors import error_response
from pulseguard.metrics.collector import Collector

bp = Blueprint("metrics", __name__)


def authorized() -> bool:
    """Tell whether the request may read metrics: always, unless METRICS_TOKEN is set; then with
    that token or an API key with the `read` scope (a bad key: the keys' one 401)."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        return True
    key = keyauth.presented_key()
    if key is not None:
        keyauth.require(keyauth.resolve(key)[1], "read")
        return True
    sent = request.headers.get("Authorization", "")
    return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


@bp.get("/metrics")
def scrape():
    """Return every metric in the Prometheus text format."""
    if not authorized():
        response = error_response(401, "A valid metrics token is required.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Collector())
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def count_request(response):
    """Count the request by route template (bounded label values), not by raw path."""
    rule = request.url_rule
    route = rule.rule if rule is not None else "unmatched"
    metrics.observe_request(request.method, route, response.status_code)
    return response


def init_app(app):
    app.register_blueprint(bp)
    app.after_request(count_request)
