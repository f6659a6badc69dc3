"""Every server has a key, unique per owner: made from the name, or chosen; 409 on a clash."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from pulseguard import create_app
from pulseguard.extensions import db
from tests.conftest import empty_database, make_config

TCP = {"protocol": "tcp", "host": "127.0.0.1", "port": 22}


def test_a_key_is_made_from_the_name_per_owner(make_server, as_bob):
    assert make_server(name="API (prod)")["key"] == "api-prod"
    assert make_server(name="API (prod)")["key"] == "api-prod-2"
    assert make_server(name="Ünïcode Café!")["key"] == "unicode-cafe"
    assert make_server(name="***")["key"] == "server"
    assert make_server(api=as_bob, name="API (prod)")["key"] == "api-prod"


def test_a_key_can_be_chosen_and_changed(as_alice, make_server):
    web = make_server(name="web", key="frontend")
    assert web["key"] == "frontend"
    url = f"/api/servers/{web['id']}/"
    assert as_alice.patch(url, json={"key": "front_1"}).json["key"] == "front_1"
    assert as_alice.patch(url, json={"name": "renamed"}).json["key"] == "front_1"
    body = {"name": "again", **TCP}
    assert as_alice.put(url, json=body).json["key"] == "front_1"  # PUT keeps an omitted key


def test_a_taken_key_gets_409_and_bad_keys_422(as_alice, as_bob, make_server):
    make_server(name="one", key="web-1")
    other = make_server(name="two")
    clash = as_alice.post("/api/servers/", json={"name": "x", "key": "web-1", **TCP})
    assert clash.status_code == 409
    assert clash.json["message"] == "key 'web-1' is already used by another of your servers"
    moved = as_alice.patch(f"/api/servers/{other['id']}/", json={"key": "web-1"})
    assert moved.status_code == 409
    assert make_server(api=as_bob, name="bob", key="web-1")["key"] == "web-1"
    for bad in ("Web", "-web", "", "a" * 101, "web 1", "wéb"):
        response = as_alice.post("/api/servers/", json={"name": "x", "key": bad, **TCP})
        assert response.status_code == 422 and "key" in response.json["errors"]["json"], bad


def test_the_migration_backfills_keys_per_owner(tmp_path):
    with empty_database(tmp_path, "pulseguard_keys") as url:
        app = create_app(make_config(url), migrations=True)
        with app.app_context():
            upgrade(revision="0030")
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO users (id, username, password_hash, is_admin, "
                        "date_joined, token_version) VALUES (1, 'a', 'x', false, "
                        "CURRENT_TIMESTAMP, 0), (2, 'b', 'x', false, CURRENT_TIMESTAMP, 0)"
                    )
                )
                for owner, name in ((1, "Web"), (1, "web"), (2, "web"), (1, "DB (main)")):
                    conn.execute(
                        text(
                            "INSERT INTO servers (owner_id, name, protocol, host, path, "
                            "check_interval_s, timeout_s, monitoring_state, tags, method, "
                            "expected_status, headers, verify_tls, follow_redirects, settings, "
                            "failure_threshold, created_at, updated_at) VALUES (:o, :n, 'tcp', "
                            "'h', '/', 60, 10, 'active', '[]', 'GET', '200-399', '{}', true, "
                            "true, '{}', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                        ),
                        {"o": owner, "n": name},
                    )
            upgrade()
            with db.engine.connect() as conn:
                keys = conn.execute(text("SELECT owner_id, key FROM servers ORDER BY id")).all()
            assert keys == [(1, "web"), (1, "web-2"), (2, "web"), (1, "db-main")]
            downgrade(revision="0030")
            db.engine.dispose()
