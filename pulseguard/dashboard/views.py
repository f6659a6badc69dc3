"""Dashboard pages. They hold no data: the modules fetch it with the user's token."""

from flask import render_template
from sqlalchemy import exists, select

from pulseguard import kinds
from pulseguard.dashboard import bp
from pulseguard.extensions import db
from pulseguard.models import User


def page(template, **context):
    """Render a dashboard page; pulseguard.headers adds the CSP (this app's own files only)."""
    return render_template(f"dashboard/{template}", **context), 200, {"Cache-Control": "no-cache"}


@bp.get("/")
def overview():
    """Show every server; on a fresh install, offer to create the administrator instead."""
    if not db.session.scalar(select(exists().where(User.id.isnot(None)))):
        return page("setup.html")
    return page("overview.html")


@bp.get("/login")
def login():
    """Show the sign-in form."""
    return page("login.html")


def server_form(server_id):
    """The server form, with the fields of every kind (each shown while its kind is chosen)."""
    forms: dict[str, list[str]] = {}
    for kind in kinds.KINDS.values():
        if kind.form:
            forms.setdefault(kind.form, []).append(kind.name)
    data = {
        k.name: {"default_port": k.default_port, "active": k.active, "needs_host": k.needs_host}
        for k in kinds.KINDS.values()
    }
    return page(
        "server_form.html",
        server_id=server_id,
        kinds=list(kinds.KINDS.values()),
        kind_forms=list(forms.items()),
        kinds_data=data,
    )


@bp.get("/servers/new")
def new_server():
    """Show the form to add a server."""
    return server_form(None)


@bp.get("/servers/<int:server_id>")
def server(server_id):
    """Show one server: chart, history, results, notifications."""
    return page("server.html", server_id=server_id)


@bp.get("/channels")
def channels():
    """Show the notification configs that cover every server (or every server with a tag)."""
    return page("channels.html")


@bp.get("/servers/<int:server_id>/edit")
def edit_server(server_id):
    """Show the form to edit a server."""
    return server_form(server_id)


@bp.get("/api-keys")
def api_keys():
    """Show your API keys: create one (shown once), see when each was last used, revoke."""
    return page("api_keys.html")


@bp.get("/config")
def config_code():
    """Show your servers as a config document (YAML or JSON), to download."""
    return page("config.html")


@bp.get("/status-pages")
def status_pages():
    """List the user's status pages; create one."""
    return page("status_pages.html")


@bp.get("/status-pages/<int:page_id>")
def status_page_editor(page_id):
    """Edit one status page: settings, groups in order, preview."""
    return page("status_page_editor.html", page_id=page_id)


@bp.get("/incidents")
def incidents():
    """Show incidents, open ones first: acknowledge, add an update, read the timeline."""
    return page("incidents.html")


@bp.get("/maintenance")
def maintenance():
    """Show maintenance windows with their state and next occurrences; plan, start, stop, edit."""
    return page("maintenance.html")
