"""Admin user management and on-demand checks: admins only."""

from pulseguard.extensions import db
from pulseguard.models import Server
from tests.conftest import PASSWORD


def test_admins_manage_users(as_admin, client):
    created = as_admin.post(
        "/api/users/", json={"username": "carol", "password": PASSWORD, "email": "c@example.com"}
    )
    assert created.status_code == 201 and created.json["is_admin"] is False
    user_id = created.json["id"]
    assert {u["username"] for u in as_admin.get("/api/users/").json} == {"root", "carol"}
    promoted = as_admin.patch(f"/api/users/{user_id}/", json={"is_admin": True})
    assert promoted.json["is_admin"] is True
    assert as_admin.delete(f"/api/users/{user_id}/").status_code == 204
    assert as_admin.get(f"/api/users/{user_id}/").status_code == 404


def test_non_admins_get_403_on_admin_routes(as_alice, alice):
    assert as_alice.get("/api/users/").status_code == 403
    assert as_alice.post("/api/users/", json={}).status_code == 403
    assert as_alice.get(f"/api/users/{alice.id}/").status_code == 403
    assert as_alice.delete(f"/api/users/{alice.id}/").status_code == 403
    assert as_alice.post("/api/checks/run/", json={}).status_code == 403


def test_usernames_are_unique(as_admin, alice):
    response = as_admin.post("/api/users/", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 409 and response.json["code"] == 409


def test_the_last_admin_cannot_be_removed_or_demoted(as_admin, admin):
    assert as_admin.delete(f"/api/users/{admin.id}/").status_code == 409
    assert as_admin.patch(f"/api/users/{admin.id}/", json={"is_admin": False}).status_code == 409


def test_deleting_a_user_deletes_their_servers(as_admin, alice, make_server):
    make_server()
    assert as_admin.delete(f"/api/users/{alice.id}/").status_code == 204
    assert as_admin.get("/api/servers/").json == []


def test_passwords_are_never_returned(as_admin):
    created = as_admin.post("/api/users/", json={"username": "dan", "password": PASSWORD}).json
    assert "password" not in created and "password_hash" not in created


def test_run_checks_queues_every_active_server(app, as_admin, make_server):
    active = make_server(name="active")
    make_server(name="paused", status="paused")
    response = as_admin.post("/api/checks/run/")
    assert response.status_code == 202
    assert response.json == {"queued": 1, "server_ids": [active["id"]]}
    with app.app_context():
        assert db.session.get(Server, active["id"]).next_check_at is not None


def test_run_checks_takes_a_list_of_ids(as_admin, make_server):
    one, _two = make_server(name="one"), make_server(name="two")
    response = as_admin.post("/api/checks/run", json={"server_ids": [one["id"]]})
    assert response.status_code == 202 and response.json["server_ids"] == [one["id"]]
    unknown = as_admin.post("/api/checks/run/", json={"server_ids": [999]})
    assert unknown.status_code == 404
    junk = as_admin.post("/api/checks/run/", json={"server_ids": "all"})
    assert junk.status_code == 422
