"""flask config export: a user's monitors as a document, as GET /api/config/export/ answers."""

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from pulseguard.api.config import yaml_io
from pulseguard.api.config.document import server_document
from pulseguard.extensions import db
from pulseguard.models import User


@click.group("config")
def config():
    """Configuration as code: export (apply comes next)."""


@config.command("export")
@click.option("--user", "username", required=True, help="Whose servers.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
@with_appcontext
def export(username, fmt):
    """Print a user's servers as a YAML 1.2 (or JSON) document."""
    user = db.session.scalar(select(User).filter_by(username=username))
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    document = server_document(user)
    click.echo(
        json.dumps(document, indent=2) if fmt == "json" else yaml_io.dump(document), nl=False
    )


COMMANDS = (config,)
