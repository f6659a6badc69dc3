"""Usernames are unique whatever their case (issue 18): API, registration, CLI and the database."""

import pytest
from sqlalchemy.exc import IntegrityError

from pulseguard.extensions import db
from pulseguard.models import User
from tests.conftest import PASSWORD


def test_an_admin_cannot_create_alice_in_another_case(as_admin, alice):
    response = as_admin.post("/api/users/", json={"username": "ALICE", "password": PASSWORD})
    assert response.status_code == 409, response.json
    assert response.json["message"] == "A user with that username already exists."


def test_a_rename_to_another_users_name_in_another_case_is_409(as_admin, alice, bob):
    response = as_admin.patch(f"/api/users/{bob.id}/", json={"username": "Alice"})
    assert response.status_code == 409
    assert as_admin.get(f"/api/users/{bob.id}/").json["username"] == "bob"


def test_a_user_may_change_the_case_of_their_own_name(as_admin, alice):
    response = as_admin.patch(f"/api/users/{alice.id}/", json={"username": "Alice"})
    assert response.status_code == 200, response.json
    assert response.json["username"] == "Alice"


def test_registration_refuses_a_name_taken_in_another_case(client, app, alice):
    app.config["REGISTRATION_ENABLED"] = True
    try:
        body = {"username": "aLiCe", "password": PASSWORD}
        assert client.post("/api/auth/register/", json=body).status_code == 409
    finally:
        app.config["REGISTRATION_ENABLED"] = False


def test_flask_create_user_refuses_a_name_taken_in_another_case(app, alice):
    result = app.test_cli_runner().invoke(args=["create-user", "Alice", "--password", PASSWORD])
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_signing_in_takes_the_name_in_any_case(client, alice):
    response = client.post("/api/auth/token/", json={"username": "ALICE", "password": PASSWORD})
    assert response.status_code == 200
    assert (
        client.post(
            "/api/auth/token/", json={"username": "ALICE", "password": "wrong password"}
        ).status_code
        == 401
    )


def test_the_database_refuses_a_duplicate_in_another_case(ctx, alice):
    db.session.add(User(username="ALICE", password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
