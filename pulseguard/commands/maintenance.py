"""flask maintenance start|stop NAME, and flask incidents: what an operator does from a shell."""

from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Incident, MaintenanceWindow, Server
from pulseguard.models.types import utcnow
from pulseguard.monitoring.maintenance import apply_windows


@click.group("maintenance")
def maintenance():
    """Start or stop a maintenance window by name."""


def window_named(name: str) -> MaintenanceWindow:
    windows = list(
        db.session.scalars(select(MaintenanceWindow).where(MaintenanceWindow.name == name))
    )
    if not windows:
        raise click.ClickException(f"No maintenance window is called {name!r}.")
    if len(windows) > 1:
        ids = ", ".join(str(w.id) for w in windows)
        raise click.ClickException(f"{len(windows)} windows are called {name!r} (ids {ids}).")
    return windows[0]


@maintenance.command("start")
@click.argument("name")
@click.option(
    "--duration", type=click.IntRange(60, 2678400), help="Seconds (default: the schedule's)."
)
@with_appcontext
def start(name, duration):
    """Open an occurrence of the window now (or extend the one in force)."""
    window = window_named(name)
    if not window.enabled:
        raise click.ClickException(f"The window {name!r} is disabled.")
    now = utcnow()
    window.start(now, now + timedelta(seconds=duration) if duration else None)
    db.session.commit()
    apply_windows()
    end = window.current(now)[1] if window.current(now) else None
    click.echo(f"Window {name!r} is in force until {end.isoformat() if end else 'stopped'}.")


@maintenance.command("stop")
@click.argument("name")
@with_appcontext
def stop(name):
    """End the window's occurrence in force now."""
    window = window_named(name)
    if not window.stop(utcnow()):
        raise click.ClickException(f"The window {name!r} is not active.")
    db.session.commit()
    apply_windows()
    click.echo(f"Window {name!r} stopped.")


@click.command("incidents")
@with_appcontext
def incidents():
    """List the open incidents, oldest first."""
    rows = db.session.execute(
        select(Incident, Server.name)
        .join(Server, Server.id == Incident.server_id)
        .where(Incident.state == "open")
        .order_by(Incident.started_at)
    ).all()
    if not rows:
        click.echo("No open incidents.")
    for incident, server in rows:
        acked = "acknowledged" if incident.acknowledged_at else "not acknowledged"
        click.echo(
            f"#{incident.id}  {server}  {incident.severity}  since "
            f"{incident.started_at.isoformat()}  {incident.cause}  ({acked})"
        )


COMMANDS = (maintenance, incidents)
