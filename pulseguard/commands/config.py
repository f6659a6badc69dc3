"""flask config export / apply: the CLI mirror of GET /api/config/export/ and POST .../apply/."""

import click
from flask.cli import with_appcontext

from pulseguard.api.config import apply as applying
from pulseguard.api.config import exporting
from pulseguard.api.config.errors import ApplyError
from pulseguard.models.user import find_by_username


@click.group("config")
def config():
    """Configuration as code: export a user's monitors, apply a document."""


def _user(username):
    user = find_by_username(username)
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    return user


@config.command("export")
@click.option("--user", "username", required=True, help="Whose configuration.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
@click.option("--include", default=",".join(exporting.KINDS), show_default=True)
@click.option(
    "--secrets",
    type=click.Choice(["omit", "include"]),
    default="omit",
    show_default=True,
    help="include: notification recipients and secrets in plain text.",
)
@with_appcontext
def export(username, fmt, include, secrets):
    """Print a user's configuration as a YAML 1.2 (or JSON) document."""
    try:
        kinds = exporting.kinds_of(include)
    except exporting.IncludeError as error:
        raise click.BadParameter(str(error), param_hint="--include") from None
    document, _revision = exporting.export(_user(username).id, kinds, secrets == "include")
    click.echo(exporting.text(document, fmt)[0], nl=False)


@config.command("apply")
@click.argument("file", type=click.File("rb"))
@click.option("--user", "username", required=True, help="Whose configuration.")
@click.option("--dry-run", is_flag=True, help="Print the plan, write nothing.")
@click.option("--prune", is_flag=True, help="Delete objects the document lacks (of its kinds).")
@click.option("--max-deletes", default=50, show_default=True, help="Refuse more deletions.")
@with_appcontext
def apply(file, username, dry_run, prune, max_deletes):
    """Apply a YAML 1.2 (or JSON, by its .json name) document to a user's configuration."""
    mimetype = "application/json" if file.name.endswith(".json") else "application/yaml"
    try:
        plan = applying.run(
            _user(username).id,
            file.read(),
            mimetype,
            dry_run=dry_run,
            prune=prune,
            max_deletes=max_deletes,
        )
    except ApplyError as error:
        lines = [f"  {path}: {' '.join(messages)}" for path, messages in error.errors.items()]
        raise click.ClickException("\n".join([error.message, *lines])) from None
    click.echo(table(plan))


def table(plan: dict) -> str:
    """The plan as text: one line per change, then the counts per kind."""
    lines = [f"{'action':<10} {'kind':<19} {'key':<40} diff"]
    for change in plan["changes"]:
        fields = ", ".join(
            f"{k}: {old!r} -> {new!r}" for k, (old, new) in change.get("diff", {}).items()
        )
        lines.append(f"{change['action']:<10} {change['kind']:<19} {change['key']:<40} {fields}")
    for kind, counts in plan["summary"].items():
        lines.append(f"{kind}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    lines += [f"warning: {warning}" for warning in plan["warnings"]]
    lines.append(
        ("dry run: nothing written; " if plan["dry_run"] else "") + f"revision {plan['revision']}"
    )
    return "\n".join(lines)


COMMANDS = (config,)
