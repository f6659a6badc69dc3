"""flask create-user."""

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import User


def users(app):
    with app.app_context():
        return {u.username: u.is_admin for u in db.session.scalars(select(User))}


def test_create_user_makes_the_first_user_admin(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "ann", "--password", "long enough password"]
    )
    assert result.exit_code == 0, result.output
    assert "admin" in result.output
    assert users(app) == {"ann": True}


def test_create_user_with_and_without_admin(app, admin):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-user", "ben", "--password", "long enough password"])
    runner.invoke(args=["create-user", "cat", "--password", "long enough password", "--admin"])
    assert users(app) == {"root": True, "ben": False, "cat": True}


def test_created_users_can_sign_in(app, client):
    app.test_cli_runner().invoke(
        args=["create-user", "ann", "--password", "long enough password", "--email", "a@x.io"]
    )
    body = {"username": "ann", "password": "long enough password"}
    assert client.post("/api/auth/token/", json=body).status_code == 200


def test_create_user_prompts_for_the_password(app, client):
    result = app.test_cli_runner().invoke(
        args=["create-user", "ann"], input="prompted password\nprompted password\n"
    )
    assert result.exit_code == 0, result.output
    body = {"username": "ann", "password": "prompted password"}
    assert client.post("/api/auth/token/", json=body).status_code == 200


def test_create_user_refuses_duplicates_and_short_passwords(app, alice):
    runner = app.test_cli_runner()
    duplicate = runner.invoke(args=["create-user", "alice", "--password", "long enough password"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(args=["create-user", "zed", "--password", "short"])
    assert short.exit_code != 0 and "at least" in short.output
    assert "zed" not in users(app)
