"""What streams read from the database: snapshots, the latest results, and what was missed."""

from sqlalchemy import func, select

from pulseguard.api.access import visible
from pulseguard.api.ping_results.schemas import PingResultSchema
from pulseguard.api.server_status.schemas import ServerStatusSchema
from pulseguard.extensions import db
from pulseguard.models import ApiKey, PingResult, RevokedToken, Server, ServerStatus, User
from pulseguard.models.search import name_contains
from pulseguard.monitoring.uptime import with_uptime

ping_schema = PingResultSchema(many=True)
status_schema = ServerStatusSchema(many=True)


def newest_ping_id() -> int:
    """Return the highest PingResult id so far (0 when there is none)."""
    return db.session.scalar(select(func.max(PingResult.id))) or 0


def server_ids_matching(viewer, server_ids=None, query=None) -> list[int]:
    """Return the ids of the viewer's servers among server_ids whose name contains query."""
    stmt = select(Server.id)
    if server_ids is not None:
        stmt = stmt.where(Server.id.in_(server_ids))
    if query:
        stmt = stmt.where(name_contains(query))
    return list(db.session.scalars(visible(stmt, viewer).order_by(Server.id)))


def statuses(viewer, server_ids=None, status=None, since=None) -> list[dict]:
    """Return the current statuses (with uptime, as REST shows them), by server id."""
    stmt = select(ServerStatus).join(Server, Server.id == ServerStatus.server_id)
    if server_ids is not None:
        stmt = stmt.where(ServerStatus.server_id.in_(server_ids))
    if status:
        stmt = stmt.where(ServerStatus.health == status)
    if since is not None:
        stmt = stmt.where(ServerStatus.updated_at >= since)
    rows = list(db.session.scalars(visible(stmt, viewer).order_by(ServerStatus.server_id)))
    return status_schema.dump(with_uptime(rows))


def _pings(viewer, server_ids, status):
    stmt = select(PingResult).join(Server, Server.id == PingResult.server_id)
    if server_ids is not None:
        stmt = stmt.where(PingResult.server_id.in_(server_ids))
    if status:
        stmt = stmt.join(ServerStatus, ServerStatus.server_id == PingResult.server_id).where(
            ServerStatus.health == status
        )
    return visible(stmt, viewer)


def latest_pings(viewer, limit, server_ids=None, status=None, since=None) -> list[dict]:
    """Return the newest results, newest first (status filters by the server's current status)."""
    stmt = _pings(viewer, server_ids, status)
    if since is not None:
        stmt = stmt.where(PingResult.checked_at >= since)
    stmt = stmt.order_by(PingResult.id.desc()).limit(limit)
    return ping_schema.dump(db.session.scalars(stmt))


def pings_after(viewer, after_id, limit, server_ids=None, status=None) -> list[dict]:
    """Return the results with an id above after_id, oldest first (at most the newest limit)."""
    stmt = _pings(viewer, server_ids, status).where(PingResult.id > after_id)
    rows = list(db.session.scalars(stmt.order_by(PingResult.id.desc()).limit(limit)))
    return ping_schema.dump(reversed(rows))


def _in_chunks(values, size=500):
    values = sorted(values)
    return (values[start : start + size] for start in range(0, len(values), size))


def revoked(viewers) -> set:
    """Return the viewers whose credential no longer holds: a token revoked by logout or made
    stale by a password change, a revoked API key, or a user that is gone. One query per 500
    users, per 500 tokens and per 500 keys."""
    versions: dict[int, int] = {}
    for ids in _in_chunks({viewer.id for viewer in viewers}):
        versions.update(
            db.session.execute(select(User.id, User.token_version).where(User.id.in_(ids))).all()
        )
    jtis: set[str] = set()
    for chunk in _in_chunks({viewer.jti for viewer in viewers if viewer.jti}):
        jtis.update(db.session.scalars(select(RevokedToken.jti).where(RevokedToken.jti.in_(chunk))))
    live_keys: set[int] = set()
    for chunk in _in_chunks({viewer.api_key for viewer in viewers if viewer.api_key}):
        live_keys.update(
            db.session.scalars(
                select(ApiKey.id).where(ApiKey.id.in_(chunk), ApiKey.revoked_at.is_(None))
            )
        )
    return {viewer for viewer in viewers if _stale(viewer, versions, jtis, live_keys)}


def _stale(viewer, versions, jtis, live_keys) -> bool:
    if viewer.id not in versions:
        return True
    if viewer.api_key is not None:  # a password change leaves keys working
        return viewer.api_key not in live_keys
    return versions[viewer.id] != viewer.token_version or viewer.jti in jtis
