"""Security headers on every response, CORS (closed unless CORS_ORIGINS lists origins), proxies."""

from flask import request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

# The dashboard loads only its own files; scripts never run inline. Inline style attributes are
# allowed (they cannot run code). Live streams connect back to the same origin ('self' covers ws).
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI's page starts itself with one inline script; it is served only under /api/docs.
DOCS_CSP = STRICT_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
# A public status page may show its owner's logo from another https site (the visitor's browser
# fetches it; PulseGuard never does).
PAGE_CSP = STRICT_CSP.replace("img-src 'self' data:", "img-src 'self' data: https:")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_security_headers(response):
    """Set the security headers the response does not already carry."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    docs = request.path == "/api/docs" or request.path.startswith("/api/docs/")
    csp = DOCS_CSP if docs else PAGE_CSP if request.path.startswith("/status/") else STRICT_CSP
    response.headers.setdefault("Content-Security-Policy", csp)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app):
    app.after_request(add_security_headers)
    if app.config.get("CORS_ORIGINS"):
        CORS(
            app,
            resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}},
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "Last-Event-ID"],
            expose_headers=["X-Pagination", "Retry-After"],
            supports_credentials=False,
            max_age=600,
        )
    if app.config.get("TRUSTED_PROXIES"):
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
