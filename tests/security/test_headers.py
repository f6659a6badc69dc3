"""Security headers on every response; CORS closed unless origins are configured."""

from pulseguard import create_app
from tests.conftest import make_config

PREFLIGHT = {
    "Access-Control-Request-Method": "GET",
    "Access-Control-Request-Headers": "Authorization",
}


def test_api_responses_carry_security_headers(client):
    response = client.get("/api/servers/")
    assert response.status_code == 401
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp  # no inline scripts outside the API docs


def test_swagger_ui_may_run_its_inline_bootstrap_script(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp
    assert "/api/docs/static/swagger-ui-bundle.js" in page.get_data(as_text=True)
    assert client.get("/api/docs/static/swagger-ui-bundle.js").status_code == 200


def test_cors_is_closed_by_default(client):
    origin = {"Origin": "https://evil.example.com"}
    response = client.request("OPTIONS", "/api/servers/", headers=origin | PREFLIGHT)
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Origin" not in client.get("/api/", headers=origin).headers


def test_cors_allows_only_the_configured_origins(database_url):
    config = make_config(database_url, CORS_ORIGINS=["https://ops.example.com"])
    client = create_app(config).test_client()
    allowed = {"Origin": "https://ops.example.com"}
    response = client.options("/api/servers/", headers=allowed | PREFLIGHT)
    assert response.headers["Access-Control-Allow-Origin"] == "https://ops.example.com"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    other = client.options(
        "/api/servers/", headers={"Origin": "https://evil.example.com"} | PREFLIGHT
    )
    assert "Access-Control-Allow-Origin" not in other.headers
