"""Command-line commands: flask create-user, run-checks, start-scheduler, ..."""

import click
from flask import current_app
from flask.cli import with_appcontext

from pulseguard.extensions import db
from pulseguard.models import user as users


@click.command("create-user")
@click.argument("username")
@click.option("--password", help="Prompted for when not given.")
@click.option("--email", default=None)
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@with_appcontext
def create_user(username, password, email, admin):
    """Create a user (the seed's createsuperuser)."""
    try:
        users.ensure_username_free(username)
    except users.UsernameTakenError:
        raise click.ClickException(f"User {username!r} already exists.") from None
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise click.ClickException(f"The password must be at least {minimum} characters long.")
    user = users.create_user(username, password, email, admin)
    db.session.commit()
    role = "admin" if user.is_admin else "user"
    click.echo(f"Created {role} {username!r} (id {user.id}).")


def init_app(app):
    from pulseguard.commands import checks, config, maintenance

    for command in (create_user, *checks.COMMANDS, *config.COMMANDS, *maintenance.COMMANDS):
        app.cli.add_command(command)
