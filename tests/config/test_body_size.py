"""The apply route takes documents past MAX_BODY_BYTES (a 5,000-server export is ~2.6 MB)."""

import pytest

from tests.config.test_apply import DOC, apply

PADDING = "# " + "x" * (1536 * 1024) + "\n"  # 1.5 MiB: past MAX_BODY_BYTES, under the config limit


@pytest.fixture
def config_limit(app):
    saved = app.config["CONFIG_MAX_BODY_BYTES"]
    yield app.config
    app.config["CONFIG_MAX_BODY_BYTES"] = saved


def test_a_document_past_max_body_bytes_is_applied(as_alice, app):
    assert len(PADDING) > app.config["MAX_CONTENT_LENGTH"]
    response = apply(as_alice, PADDING + DOC, "?dry_run=true")
    assert response.status_code == 200, response.json
    assert response.json["summary"]["servers"]["create"] == 2


def test_a_document_past_config_max_body_bytes_is_413_json(as_alice, config_limit):
    config_limit["CONFIG_MAX_BODY_BYTES"] = 1024
    response = apply(as_alice, PADDING + DOC, "?dry_run=true")
    assert response.status_code == 413
    assert response.json["code"] == 413


def test_other_routes_keep_max_body_bytes(as_alice):
    body = '{"name": "' + "x" * (1536 * 1024) + '"}'
    response = as_alice.post(
        "/api/servers/", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
