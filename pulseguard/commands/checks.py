"""flask run-checks, start-scheduler and prune-results."""

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from pulseguard import kinds
from pulseguard.checks.context import ProbeContext
from pulseguard.checks.runner import run_batch
from pulseguard.extensions import db
from pulseguard.models import Health, Server
from pulseguard.models.monitored import is_checked
from pulseguard.monitoring.record import record_results
from pulseguard.monitoring.retention import prune


@click.command("run-checks")
@with_appcontext
@click.option("--server-id", "server_ids", type=int, multiple=True, help="Only these (repeatable).")
def run_checks(server_ids):
    """Check every active server (or the given ones) now, in this process, and print a table."""
    stmt = select(Server).order_by(Server.id)
    if server_ids:
        known = set(db.session.scalars(select(Server.id).where(Server.id.in_(server_ids))))
        unknown = sorted(set(server_ids) - known)
        if unknown:
            raise click.ClickException(f"Unknown server ids: {unknown}")
        stmt = stmt.where(Server.id.in_(server_ids))
    servers = db.session.scalars(stmt).all()
    probed = [s for s in servers if is_checked(s) and kinds.get(s.protocol).active]
    skipped = [s for s in servers if s not in probed]
    targets = [kinds.target_of(s) for s in probed]
    db.session.rollback()
    for server in skipped:
        why = server.monitoring_state if not is_checked(server) else "not probed (passive kind)"
        click.echo(f"Skipped {server.name} (#{server.id}): {why}")
    if not targets:
        click.echo("No active servers to check.")
        return
    context = ProbeContext.of(current_app.config)  # its guard (TARGET_*_NETWORKS) applies
    recorded = record_results(run_batch(targets, current_app.config["CHECK_POOL_SIZE"], context))
    rows = [
        (
            f"{r.name} (#{r.server_id})",
            r.health,
            "-" if r.status_code is None else str(r.status_code),
            "-" if r.response_time_ms is None else f"{r.response_time_ms:.0f}",
            r.message,
        )
        for r in recorded
    ]
    print_table(("server", "status", "code", "ms", "message"), rows)
    down = sum(1 for r in recorded if r.health == Health.DOWN)
    click.echo(f"{len(recorded)} checked, {down} down.")


def print_table(header, rows):
    """Echo rows as a left-aligned text table."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    for line in (header, tuple("-" * w for w in widths), *rows):
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())


@click.command("start-scheduler")
@with_appcontext
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Seconds between scheduler polls (default DISPATCH_INTERVAL_S, 1). It bounds how often "
    "due checks are dispatched, not how often a server is checked (its check_interval decides).",
)
@click.option("--burst", is_flag=True, help="Enqueue what is due once, then exit (Redis only).")
def start_scheduler(interval, burst):
    """Register the periodic jobs with rq-scheduler and run its loop (embedded without Redis)."""
    interval = interval or current_app.config["DISPATCH_INTERVAL_S"]
    if interval <= 0:
        raise click.BadParameter("must be positive", param_hint="--interval")
    if current_app.config.get("REDIS_URL"):
        click.echo(f"rq-scheduler polling every {interval:g}s (leader lock in Redis)")
        # The same process, without the app: only redis and rq-scheduler stay in memory.
        argv = [sys.executable, "-m", "pulseguard.jobs.scheduler", "--interval", str(interval)]
        paths = [str(Path(current_app.root_path).parent), os.environ.get("PYTHONPATH")]
        env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, paths))}
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv + (["--burst"] if burst else []), env)
    import gevent

    from pulseguard.jobs.embedded import start_embedded

    app = current_app._get_current_object()
    app.config["DISPATCH_INTERVAL_S"] = interval
    click.echo(f"No REDIS_URL: dispatching and checking in this process every {interval:g}s")
    gevent.joinall(start_embedded(app))


@click.command("prune-results")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Only print what would be deleted.")
def prune_results(dry_run):
    """Delete check results older than RESULT_RETENTION_DAYS (and rollups past theirs)."""
    config = current_app.config
    report = prune(
        config["RESULT_RETENTION_DAYS"],
        config["ROLLUP_RETENTION_DAYS"],
        batch_size=config["PRUNE_BATCH_SIZE"],
        state_days=config["STATE_RETENTION_DAYS"],
        dry_run=dry_run,
    )
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(
        f"{verb} {report['results']} ping results older than "
        f"{report['results_cutoff']:%Y-%m-%d %H:%M} UTC "
        f"(RESULT_RETENTION_DAYS={config['RESULT_RETENTION_DAYS']})"
    )
    click.echo(
        f"{verb} {report['rollups']} hourly rollups older than "
        f"{report['rollups_cutoff']:%Y-%m-%d %H:%M} UTC "
        f"(ROLLUP_RETENTION_DAYS={config['ROLLUP_RETENTION_DAYS']})"
    )
    click.echo(
        f"{verb} {report['state_days']} daily state rollups "
        f"(STATE_RETENTION_DAYS={config['STATE_RETENTION_DAYS']})"
    )


COMMANDS = (run_checks, start_scheduler, prune_results)
