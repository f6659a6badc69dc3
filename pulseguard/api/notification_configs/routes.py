"""Routes of /api/notification-configs/."""

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from pulseguard.api.access import get_own_server, get_visible, visible
from pulseguard.api.notification_configs import blp
from pulseguard.api.notification_configs.schemas import (
    NotificationConfigQuerySchema,
    NotificationConfigSchema,
    recipient_error,
)
from pulseguard.api.notification_deliveries.schemas import NotificationDeliverySchema
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.extensions import db
from pulseguard.models import NotificationConfig, Server
from pulseguard.notify.delivery import send_test


def apply(config, data):
    """Set validated fields on a config, checking the server and the recipient together."""
    if "server_id" in data:
        get_own_server(data["server_id"])
    for key, value in data.items():
        setattr(config, key, value)
    error = recipient_error(config.notification_type, config.recipient)
    if error:
        abort(422, errors={"json": {"recipient": [error]}})


def get_config(config_id):
    return get_visible(NotificationConfig, config_id, "Notification config")


@blp.route("/")
class NotificationConfigs(MethodView):
    @blp.arguments(NotificationConfigQuerySchema, location="query")
    @blp.response(200, NotificationConfigSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List notification configs of your servers. Filter: server_id=1,2."""
        stmt = select(NotificationConfig).join(Server, Server.id == NotificationConfig.server_id)
        if "server_id" in args:
            stmt = stmt.where(NotificationConfig.server_id.in_(args["server_id"]))
        return paginate(visible(stmt).order_by(NotificationConfig.id), pagination_parameters)

    @blp.arguments(NotificationConfigSchema)
    @blp.response(201, NotificationConfigSchema)
    @blp.alt_response(404, description="No such server (or not yours)")
    def post(self, data):
        """Attach a notification config to one of your servers."""
        config = NotificationConfig()
        apply(config, data)
        db.session.add(config)
        db.session.commit()
        return config


@blp.route("/<int:config_id>/")
class NotificationConfigById(MethodView):
    @blp.response(200, NotificationConfigSchema)
    @blp.alt_response(404, description="No such config (or not yours)")
    def get(self, config_id):
        """Return a notification config."""
        return get_config(config_id)

    @blp.arguments(NotificationConfigSchema)
    @blp.response(200, NotificationConfigSchema)
    @blp.alt_response(404, description="No such config (or not yours)")
    def put(self, data, config_id):
        """Replace a notification config."""
        config = get_config(config_id)
        apply(config, data)
        db.session.commit()
        return config

    @blp.arguments(NotificationConfigSchema(partial=True))
    @blp.response(200, NotificationConfigSchema)
    @blp.alt_response(404, description="No such config (or not yours)")
    def patch(self, data, config_id):
        """Change some fields of a notification config."""
        config = get_config(config_id)
        apply(config, data)
        db.session.commit()
        return config

    @blp.response(204)
    @blp.alt_response(404, description="No such config (or not yours)")
    def delete(self, config_id):
        """Delete a notification config."""
        db.session.delete(get_config(config_id))
        db.session.commit()


@blp.route("/<int:config_id>/test/")
class NotificationConfigTest(MethodView):
    @blp.response(200, NotificationDeliverySchema, description="Sent: the recorded attempt")
    @blp.alt_response(
        502,
        schema=NotificationDeliverySchema,
        description="Not sent: the channel failed or refused it; `error` says why",
    )
    @blp.alt_response(404, description="No such config (or not yours)")
    def post(self, config_id):
        """Send a test message now, once, without retries (even to a disabled config).

        The answer is the recorded delivery attempt (event `test`): 200 when it was sent,
        502 with `outcome` `failed` and the channel's `error` when it was not.
        """
        delivery = send_test(get_config(config_id))
        if delivery is None:
            abort(404, message=f"Notification config {config_id} not found.")
        return delivery, 200 if delivery.outcome == "sent" else 502
