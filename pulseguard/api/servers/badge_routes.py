"""Route of /api/servers/<id>/badge-key/rotate/: a new badge key, the old one is dead at once."""

from flask.views import MethodView

from pulseguard.api.access import get_own_server
from pulseguard.api.servers import blp
from pulseguard.api.servers.schemas import ServerSchema
from pulseguard.extensions import db
from pulseguard.models.types import base62_secret


@blp.route("/<int:server_id>/badge-key/rotate/")
class BadgeKeyRotation(MethodView):
    @blp.response(200, ServerSchema)
    @blp.alt_response(404, description="No such server (or not yours)")
    def post(self, server_id):
        """Issue a new badge key: the badge URLs change, the old key answers 404 at once."""
        server = get_own_server(server_id)
        server.badge_key = base62_secret()
        db.session.commit()
        return server
