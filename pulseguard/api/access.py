"""Who may see what: the one "visible to this user" filter, and the admin rule."""

from functools import wraps

from flask_smorest import abort
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Server
from pulseguard.security import credential, current_user, require_scope


def visible(stmt, user=None):
    """Restrict a select that involves Server to the servers the user (or the caller) may see.

    An admin's API key sees everything only with the `admin` scope; without it, the admin's own.
    """
    user = user or credential()
    return stmt if user.is_admin else stmt.where(Server.owner_id == user.id)


def visible_servers(user=None):
    """Return a select of the servers the user may see."""
    return visible(select(Server), user)


def visible_server_ids(ids, user=None):
    """Return those of the given server ids that the user may see."""
    return set(db.session.scalars(visible(select(Server.id).where(Server.id.in_(ids)), user)))


def get_own_server(server_id):
    """Return the caller's server, or 404 (never 403: ids are not leaked)."""
    server = db.session.scalar(visible_servers().where(Server.id == server_id))
    if server is None:
        abort(404, message=f"Server {server_id} not found.")
    return server


def get_visible(model, object_id, label):
    """Return a row hanging off a server the caller may see, or 404."""
    stmt = select(model).join(Server, Server.id == model.server_id).where(model.id == object_id)
    row = db.session.scalar(visible(stmt))
    if row is None:
        abort(404, message=f"{label} {object_id} not found.")
    return row


def visible_owned(stmt, model, user=None):
    """Restrict a select of a model with its own `owner_id` (not a server's) to the user's rows."""
    user = user or current_user()
    return stmt if user.is_admin else stmt.where(model.owner_id == user.id)


def get_owned(model, object_id, label):
    """Return a row with its own owner that the caller may see, or 404."""
    row = db.session.scalar(visible_owned(select(model).where(model.id == object_id), model))
    if row is None:
        abort(404, message=f"{label} {object_id} not found.")
    return row


def visible_history(model, time_column, args, equal=(), any_of=("server_id",), scope=None):
    """Select the visible rows of a per-server history table, filtered by the query args.

    ``any_of`` names id-list filters (``server_id=1,2``), ``equal`` plain equality filters, each
    a column name or an (argument, column) pair; ``since``/``until`` bound ``time_column``.
    ``scope`` restricts a select to the visible rows (default: those of visible servers).
    Newest first.
    """
    if scope is None:
        stmt = visible(select(model).join(Server, Server.id == model.server_id))
    else:
        stmt = scope(select(model))
    for name in any_of:
        if name in args:
            stmt = stmt.where(getattr(model, name).in_(args[name]))
    for name, column in (item if isinstance(item, tuple) else (item, item) for item in equal):
        if name in args:
            stmt = stmt.where(getattr(model, column) == args[name])
    if "since" in args:
        stmt = stmt.where(time_column >= args["since"])
    if "until" in args:
        stmt = stmt.where(time_column <= args["until"])
    return stmt.order_by(time_column.desc(), model.id.desc())


def admin_required(view):
    """Let only admins through (an API key needs the `admin` scope too); others get 403."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user().is_admin:
            abort(403, message="Only administrators may do this.")
        require_scope("admin")
        return view(*args, **kwargs)

    return wrapper
