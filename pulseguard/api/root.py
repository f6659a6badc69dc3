"""The API index: the resources and their URLs."""

from flask import Blueprint, jsonify, url_for

bp = Blueprint("root", __name__)

RESOURCES = {
    "servers": "servers.Servers",
    "ping-results": "ping_results.PingResults",
    "server-status": "server_status.ServerStatuses",
    "notification-configs": "notification_configs.NotificationConfigs",
    "checks": "checks.run_checks",
    "status-changes": "status_changes.StatusChanges",
    "users": "users.Users",
    "maintenance-windows": "maintenance_windows.MaintenanceWindows",
    "incidents": "incidents.Incidents",
    "status-pages": "status_pages.StatusPages",
    "auth-token": "auth.token",
    "auth-me": "auth.me",
    "api-keys": "api_keys.ApiKeys",
    "config": "config.export",
    "config-apply": "config.apply_document",
    "notification-deliveries": "notification_deliveries.NotificationDeliveries",
    "overview": "history.Overview",
}


@bp.get("/api/")
def index():
    """Return the index of resources (public)."""
    urls = {name: url_for(endpoint, _external=True) for name, endpoint in RESOURCES.items()}
    urls["events"] = url_for("events.StatusEvents", _external=True)
    urls["websocket"] = url_for("live_ws.status_socket", _external=True).replace("http", "ws", 1)
    urls["push"] = url_for("root.index", _external=True) + "push/"  # + <token>: see docs
    urls["public-status-pages"] = url_for("root.index", _external=True) + "public/status-pages/"
    urls["docs"] = url_for("api-docs.openapi_swagger_ui", _external=True)
    urls["openapi"] = url_for("api-docs.openapi_json", _external=True)
    return jsonify(urls)
