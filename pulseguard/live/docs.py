"""The WebSocket API in the OpenAPI document (OpenAPI cannot type it; the description does)."""

WS_DOC = """Upgrade to a WebSocket. Authenticate with `Authorization: Bearer <JWT>` on the upgrade
request or `?token=<JWT>`; without a valid token the socket is accepted and closed with code 4001.

Client to server, JSON text frames:
- `{"action": "latest", "server_ids": [1, 2]?, "query": "prod"?, "limit": 20?}` ->
  `{"type": "latest", "statuses": [ServerStatus], "pings": [PingResult]}`
- `{"action": "subscribe", "server_ids": [1, 2]?, "query": "prod"?}` ->
  `{"type": "subscribed", "servers": [1, 2]}` (every id now subscribed; neither field: all your
  servers, including those added later)
- `{"action": "unsubscribe", "server_ids": [1]?}` -> `{"type": "unsubscribed", "servers": [1]}`
  (the ids removed; no field: all)

Server to client after each check of a subscribed server:
`{"type": "update", "ping": PingResult, "status": ServerStatus}`.

Bad JSON, an unknown action or a bad field: `{"type": "error", "message": "...", "errors": {...}?}`;
the socket stays open. The server closes with 1001 when it shuts down."""


def document_websocket(api, rule) -> None:
    """Add the WebSocket route (a werkzeug Rule) to the API's OpenAPI document."""
    api.spec.path(
        rule=rule,
        operations={
            "get": {
                "tags": ["events"],
                "summary": "Live updates over a WebSocket.",
                "description": WS_DOC,
                "parameters": [
                    {
                        "in": "query",
                        "name": "token",
                        "schema": {"type": "string"},
                        "description": "The JWT, when a header cannot be set.",
                    }
                ],
                "responses": {
                    "101": {"description": "Switching protocols: the WebSocket is open."},
                    "400": {"description": "Not a WebSocket upgrade request."},
                },
            }
        },
    )
