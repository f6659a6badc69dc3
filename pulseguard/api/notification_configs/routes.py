"""Routes of /api/notification-configs/."""

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from pulseguard.api.access import get_owned, visible_owned
from pulseguard.api.notification_configs import blp
from pulseguard.api.notification_configs.apply import apply
from pulseguard.api.notification_configs.schemas import (
    NotificationConfigQuerySchema,
    NotificationConfigSchema,
    TestResultSchema,
)
from pulseguard.api.notification_deliveries.schemas import NotificationDeliverySchema
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.api.replace import replacing
from pulseguard.extensions import db
from pulseguard.models import NotificationConfig, NotificationDelivery
from pulseguard.notify.delivery import send_draft, send_test, status_of
from pulseguard.ratelimit import retry_after
from pulseguard.security import current_user


def get_config(config_id):
    return get_owned(NotificationConfig, config_id, "Notification config")


@blp.route("/")
class NotificationConfigs(MethodView):
    @blp.arguments(NotificationConfigQuerySchema, location="query")
    @blp.response(200, NotificationConfigSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List your notification configs (owner-wide ones too). Filter: server_id=1,2."""
        stmt = select(NotificationConfig)
        if "server_id" in args:
            stmt = stmt.where(NotificationConfig.server_id.in_(args["server_id"]))
        stmt = visible_owned(stmt, NotificationConfig).order_by(NotificationConfig.id)
        return paginate(stmt, pagination_parameters)

    @blp.arguments(NotificationConfigSchema)
    @blp.response(201, NotificationConfigSchema)
    @blp.alt_response(404, description="No such server (or not yours)")
    def post(self, data):
        """Attach a notification config to one of your servers, or to all of them (server: null)."""
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

    @blp.arguments(replacing(NotificationConfigSchema))
    @blp.response(200, NotificationConfigSchema)
    @blp.alt_response(404, description="No such config (or not yours)")
    def put(self, data, config_id):
        """Replace a notification config.

        Read-only fields (`id`, `owner`, timestamps, ...) are accepted and ignored, so that
        the body of a GET can be sent back as it is.
        """
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


@blp.route("/test/")
class NotificationDraftTest(MethodView):
    @blp.arguments(NotificationConfigSchema)
    @blp.response(200, TestResultSchema)
    @blp.alt_response(404, description="No such server (or not yours)")
    @blp.alt_response(429, description="Over RATE_LIMIT_NOTIFY_TEST; see Retry-After")
    def post(self, data):
        """Send a test message to a config that is not saved yet (nothing is stored).

        It is validated as a new config would be (422 otherwise), then sent synchronously with
        the channel's timeouts: `ok` and `status` (success, failure, timeout) say how it went, and
        `error` is the provider's own answer, secrets removed.
        """
        config = NotificationConfig()
        apply(config, data)
        limit_tests()
        error, took = send_draft(config)
        return test_result(error, took)


@blp.route("/<int:config_id>/test/")
class NotificationConfigTest(MethodView):
    @blp.response(200, TestResultSchema)
    @blp.alt_response(404, description="No such config (or not yours)")
    @blp.alt_response(429, description="Over RATE_LIMIT_NOTIFY_TEST; see Retry-After")
    def post(self, config_id):
        """Send a test message now, once, without retries (even to a disabled config).

        Synchronous: `ok`, `status` (success, failure, timeout), the provider's `error` (secrets
        removed) and `duration_ms`; the attempt is recorded in the config's deliveries (event
        `test`), and `delivery` is its id.
        """
        config = get_config(config_id)
        limit_tests()
        delivery = send_test(config)
        if delivery is None:
            abort(404, message=f"Notification config {config_id} not found.")
        return {
            "ok": delivery.outcome == "sent",
            "status": delivery.status,
            "error": delivery.error,
            "duration_ms": delivery.duration_ms,
            "delivery": delivery.id,
        }


@blp.route("/<int:config_id>/deliveries/")
class NotificationConfigDeliveries(MethodView):
    @blp.response(200, NotificationDeliverySchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    @blp.alt_response(404, description="No such config (or not yours)")
    def get(self, config_id, pagination_parameters):
        """List the delivery attempts of one config, newest first."""
        get_config(config_id)
        stmt = (
            select(NotificationDelivery)
            .where(NotificationDelivery.config_id == config_id)
            .order_by(NotificationDelivery.created_at.desc(), NotificationDelivery.id.desc())
        )
        return paginate(stmt, pagination_parameters)


def limit_tests() -> None:
    """Answer 429 past RATE_LIMIT_NOTIFY_TEST test sends per user (each one reaches a provider)."""
    wait = retry_after("RATE_LIMIT_NOTIFY_TEST", "notify-test", str(current_user().id))
    if wait is not None:
        message = "Too many test sends; wait a little and try again (see Retry-After)."
        abort(429, message=message, headers={"Retry-After": str(wait)})


def test_result(error, took) -> dict:
    return {
        "ok": error is None,
        "status": status_of(error),
        "error": error.message if error else None,
        "duration_ms": took,
        "delivery": None,
    }
