"""Routes of /api/notification-deliveries/: GET only; other methods answer 405."""

from flask.views import MethodView
from flask_smorest import abort

from pulseguard.api.access import visible_history, visible_owned
from pulseguard.api.notification_deliveries import blp
from pulseguard.api.notification_deliveries.schemas import (
    NotificationDeliveryQuerySchema,
    NotificationDeliverySchema,
)
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.extensions import db
from pulseguard.models import NotificationConfig, NotificationDelivery


def of_visible_configs(stmt):
    """Deliveries are visible with their config (an owner-wide config's have no one server)."""
    joined = stmt.join(NotificationConfig, NotificationConfig.id == NotificationDelivery.config_id)
    return visible_owned(joined, NotificationConfig)


def filtered(args):
    return visible_history(
        NotificationDelivery,
        NotificationDelivery.created_at,
        args,
        equal=("event", "outcome"),
        any_of=("config_id", "server_id"),
        scope=of_visible_configs,
    )


@blp.route("/")
class NotificationDeliveries(MethodView):
    @blp.arguments(NotificationDeliveryQuerySchema, location="query")
    @blp.response(200, NotificationDeliverySchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List delivery attempts, newest first. Filters: config_id, server_id, event, outcome."""
        return paginate(filtered(args), pagination_parameters)


@blp.route("/<int:delivery_id>/")
class NotificationDeliveryById(MethodView):
    @blp.response(200, NotificationDeliverySchema)
    @blp.alt_response(404, description="No such delivery (or not yours)")
    def get(self, delivery_id):
        """Return one delivery attempt."""
        row = db.session.scalar(filtered({}).where(NotificationDelivery.id == delivery_id))
        if row is None:
            abort(404, message=f"Notification delivery {delivery_id} not found.")
        return row
