"""Command-line commands: flask create-user, run-checks, start-scheduler, ..."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from pulseguard.extensions import db
from pulseguard.models import User


@click.command("create-user")
@click.argument("username")
@click.option("--password", help="Prompted for when not given.")
@click.option("--email", default=None)
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@with_appcontext
def create_user(username, password, email, admin):
    """Create a user (the seed's createsuperuser)."""
    if db.session.scalar(select(User.id).filter_by(username=username)):
        raise click.ClickException(f"User {username!r} already exists.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise click.ClickException(f"The password must be at least {minimum} characters long.")
    first = db.session.scalar(select(func.count(User.id))) == 0
    user = User(username=username, email=email, is_admin=admin or first)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    role = "admin" if user.is_admin else "user"
    click.echo(f"Created {role} {username!r} (id {user.id}).")


def init_app(app):
    from pulseguard.commands import checks

    for command in (create_user, *checks.COMMANDS):
        app.cli.add_command(command)
