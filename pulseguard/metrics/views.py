"""GET /metrics (Prometheus text), optionally behind a bearer token or an API key, and request
counting."""

import hmac

from flask import Blueprint, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from pulseguard import keyauth, metrics
from pulseguard.errors import error_response
from pulseguard.metrics.collector import Collector

bp = Blueprint("metrics", __name__)
KNOWN_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))


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
    metrics.flush_requests()  # this process's own counts, up to the scrape
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Collector())
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def route_of_request() -> str:
    """Return the URL rule the request matched, also for a 405; "unmatched" for a 404."""
    if request.url_rule is not None:
        return request.url_rule.rule
    refused = request.routing_exception
    if isinstance(refused, MethodNotAllowed) and refused.valid_methods:
        adapter = current_app.url_map.bind_to_environ(request.environ)
        try:
            rule, _args = adapter.match(method=refused.valid_methods[0], return_rule=True)
            return rule.rule
        except HTTPException:
            pass
    return "unmatched"


def count_request(response):
    """Count the request by route template and a known method: every label value is bounded.

    Anyone may send `curl -X FOO`; a label made of what they send would be a new series,
    kept in Redis for ever.
    """
    method = request.method if request.method in KNOWN_METHODS else "other"
    metrics.observe_request(method, route_of_request(), response.status_code)
    return response


def init_app(app):
    app.register_blueprint(bp)
    app.after_request(count_request)
