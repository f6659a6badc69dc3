"""Routes of /api/notification-deliveries/: GET only; other methods answer 405."""

from flask.views import MethodView

from pulseguard.api.access import get_visible, visible_history
from pulseguard.api.notification_deliveries import blp
from pulseguard.api.notification_deliveries.schemas import (
    NotificationDeliveryQuerySchema,
    NotificationDeliverySchema,
)
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.models import NotificationDelivery


def filtered(args):
    return visible_history(
        NotificationDelivery,
        NotificationDelivery.created_at,
        args,
        equal=("event", "outcome"),
        any_of=("config_id", "server_id"),
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
        return get_visible(NotificationDelivery, delivery_id, "Notification delivery")
