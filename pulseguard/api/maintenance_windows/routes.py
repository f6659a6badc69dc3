"""Routes of /api/maintenance-windows/ and /api/servers/<id>/maintenance/."""

from datetime import timedelta

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from pulseguard import pagecache
from pulseguard.api import object_keys
from pulseguard.api.access import get_own_server, visible_server_ids
from pulseguard.api.maintenance_windows import blp
from pulseguard.api.maintenance_windows.schemas import (
    MaintenanceWindowSchema,
    OccurrenceQuerySchema,
    OccurrenceSchema,
    ServerMaintenanceSchema,
    StartSchema,
    WindowQuerySchema,
    occurrence,
)
from pulseguard.api.pagination import PAGE_OPTIONS
from pulseguard.extensions import db
from pulseguard.models import MaintenanceWindow, Server
from pulseguard.models.types import utcnow
from pulseguard.monitoring.maintenance import apply_windows
from pulseguard.security import current_user

NOT_FOUND = {"description": "No such window (or not yours)"}


def visible_windows():
    user = current_user()
    stmt = select(MaintenanceWindow).order_by(MaintenanceWindow.id)
    return stmt if user.is_admin else stmt.where(MaintenanceWindow.owner_id == user.id)


def get_own_window(window_id):
    """Return the caller's window, or 404."""
    window = db.session.scalar(visible_windows().where(MaintenanceWindow.id == window_id))
    if window is None:
        abort(404, message=f"Maintenance window {window_id} not found.")
    return window


def apply(window, data):
    """Set validated fields; check the server ids against what the caller may see."""
    ids = data.pop("server_ids", None)
    wanted = data.pop("key", None)
    for key, value in data.items():
        setattr(window, key, value)
    taken = object_keys.window_keys(window)
    object_keys.assign(window, wanted, taken, window.name, "another of your windows")
    if ids is not None:
        allowed = visible_server_ids(ids) if ids else set()
        unknown = {str(n): ["Unknown server."] for n, sid in enumerate(ids) if sid not in allowed}
        if unknown:
            abort(422, errors={"json": {"servers": unknown}})
        window.servers = list(db.session.scalars(select(Server).where(Server.id.in_(ids))))
    if targets_error(window):
        abort(422, errors={"json": {"servers": [targets_error(window)]}})


def targets_error(window) -> str | None:
    """Say why a window targets nothing (not even a status page to announce on), or None."""
    if window.servers or window.tags or window.all_servers or window.status_pages:
        return None
    return "Select servers, tags or status pages."


def in_force(owner_id: int) -> None:
    """Put the windows in force now (not at the next sweep); the owner's pages show the change."""
    apply_windows()
    pagecache.clear_owners([owner_id])


def page(items, pagination_parameters):
    pagination_parameters.item_count = len(items)
    first = pagination_parameters.first_item
    return items[first : first + pagination_parameters.page_size]


@blp.route("/maintenance-windows/")
class MaintenanceWindows(MethodView):
    @blp.arguments(WindowQuerySchema, location="query")
    @blp.response(200, MaintenanceWindowSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List your maintenance windows. Filters: state, server_id (targeted), tag."""
        windows = list(db.session.scalars(visible_windows()))
        if "state" in args:
            now = utcnow()
            windows = [w for w in windows if w.state(now) == args["state"]]
        if "tag" in args:
            windows = [w for w in windows if args["tag"] in w.tags]
        if "server_id" in args:
            server = get_own_server(args["server_id"])
            windows = [w for w in windows if w.covers(server)]
        return page(windows, pagination_parameters)

    @blp.arguments(MaintenanceWindowSchema)
    @blp.response(201, MaintenanceWindowSchema)
    def post(self, data):
        """Plan a maintenance window; the answer shows its next 5 occurrences."""
        window = MaintenanceWindow(owner_id=current_user().id, owner=current_user())
        db.session.add(window)
        apply(window, data)
        db.session.commit()
        in_force(window.owner_id)
        return window


@blp.route("/maintenance-windows/<int:window_id>/")
class MaintenanceWindowById(MethodView):
    @blp.response(200, MaintenanceWindowSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, window_id):
        """Return a maintenance window with its state, current and next occurrences."""
        return get_own_window(window_id)

    @blp.arguments(MaintenanceWindowSchema(partial=True))
    @blp.response(200, MaintenanceWindowSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def patch(self, data, window_id):
        """Change some of a window's fields (a new schedule replaces the old one whole)."""
        window = get_own_window(window_id)
        apply(window, data)
        db.session.commit()
        in_force(window.owner_id)
        return window

    @blp.response(204)
    @blp.alt_response(404, **NOT_FOUND)
    def delete(self, window_id):
        """Delete a maintenance window (one in force ends now)."""
        window = get_own_window(window_id)
        db.session.delete(window)
        db.session.commit()
        in_force(window.owner_id)


@blp.route("/maintenance-windows/<int:window_id>/start/", methods=["POST"])
@blp.arguments(StartSchema, required=False)
@blp.response(200, MaintenanceWindowSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, description="The window is disabled")
def start_window(data, window_id):
    """Open an ad-hoc occurrence now (or extend the one in force when a duration is given).

    Without `duration` or `until` it lasts the schedule's duration; a manual window, until stop/.
    """
    window = get_own_window(window_id)
    if not window.enabled:
        abort(409, message="The window is disabled: enable it first.")
    now = utcnow()
    end = data.get("until")
    if "duration" in data:
        end = now + timedelta(seconds=data["duration"])
    window.start(now, end)
    db.session.commit()
    in_force(window.owner_id)
    return window


@blp.route("/maintenance-windows/<int:window_id>/stop/", methods=["POST"])
@blp.response(200, MaintenanceWindowSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, description="Nothing is active")
def stop_window(window_id):
    """End the occurrence in force now."""
    window = get_own_window(window_id)
    if not window.stop(utcnow()):
        abort(409, message="The window is not active.")
    db.session.commit()
    in_force(window.owner_id)
    return window


@blp.route("/maintenance-windows/<int:window_id>/occurrences/", methods=["GET"])
@blp.arguments(OccurrenceQuerySchema, location="query")
@blp.response(200, OccurrenceSchema(many=True))
@blp.alt_response(404, **NOT_FOUND)
def window_occurrences(args, window_id):
    """List occurrences between from and to (at most 100); by default the next 10."""
    window = get_own_window(window_id)
    if "from" not in args and "to" not in args and "from_" not in args:
        return [occurrence(o) for o in window.upcoming(count=10)]
    start = args.get("from_") or utcnow()
    end = args.get("to") or start + timedelta(days=366)
    if end <= start:
        abort(422, errors={"query": {"to": ["Must be after from."]}})
    return [occurrence(o) for o in window.parsed.between(start, end, 100)]


@blp.route("/servers/<int:server_id>/maintenance/", methods=["GET"])
@blp.response(200, ServerMaintenanceSchema)
@blp.alt_response(404, description="No such server (or not yours)")
def server_maintenance(server_id):
    """Return the windows that target this server, and whether one is in force now."""
    server = get_own_server(server_id)
    windows = [w for w in db.session.scalars(visible_windows()) if w.covers(server)]
    now = utcnow()
    return {"windows": windows, "active": any(w.current(now) for w in windows)}
