"""POST /api/servers/<id>/push/rotate-token/: a new ping token; the old one answers 404 at once."""

from flask_smorest import abort
from marshmallow import Schema, fields

from pulseguard.api.access import get_own_server
from pulseguard.api.servers import blp
from pulseguard.extensions import db
from pulseguard.kinds.push import ping_url
from pulseguard.models.push_monitor import new_token


class TokenSchema(Schema):
    token = fields.Str(required=True)
    ping_url = fields.Str(required=True)


@blp.route("/<int:server_id>/push/rotate-token/", methods=["POST"])
@blp.response(200, TokenSchema)
@blp.alt_response(404, description="No such push server (or not yours)")
def rotate_push_token(server_id):
    """Give a push server a new ping token; the old token stops working at once."""
    server = get_own_server(server_id)
    if server.protocol != "push" or server.push_monitor is None:
        abort(404, message=f"Server {server_id} is not a push server.")
    server.push_monitor.token = new_token()
    db.session.commit()
    return {"token": server.push_monitor.token, "ping_url": ping_url(server.push_monitor.token)}
