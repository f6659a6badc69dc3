"""The REST API: one flask-smorest Api per app, one blueprint per resource."""

from apispec.ext.marshmallow import MarshmallowPlugin
from flask_smorest import Api

from pulseguard.api import (
    api_keys,
    auth,
    checks,
    config,
    docs_assets,
    history,
    incidents,
    maintenance_windows,
    notification_configs,
    notification_deliveries,
    ping_results,
    public_pages,
    push,
    root,
    server_status,
    servers,
    status_changes,
    status_pages,
    users,
)
from pulseguard.api.fields import IdRouteConverter

BLUEPRINTS = (
    auth,
    api_keys,
    users,
    servers,
    ping_results,
    server_status,
    notification_configs,
    notification_deliveries,
    checks,
    config,
    status_changes,
    history,
    maintenance_windows,
    incidents,
    status_pages,
    public_pages,
    push,
)


def schema_name(schema):
    """Name schemas in the OpenAPI document; partial (PATCH) variants get their own name."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    return name + "Patch" if getattr(schema, "partial", False) else name


def init_app(app):
    app.url_map.converters["int"] = IdRouteConverter
    plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    api = Api(app, spec_kwargs={"marshmallow_plugin": plugin})
    for module in BLUEPRINTS:
        api.register_blueprint(module.blp)
    app.register_blueprint(root.bp)
    app.register_blueprint(docs_assets.bp)
    app.extensions["pulseguard_api"] = api
    return api
