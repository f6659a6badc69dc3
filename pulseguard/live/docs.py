"""The live API described for the OpenAPI document (OpenAPI 3.0 has no WebSocket operations)."""

EVENTS_TAG = """Live updates: Server-Sent Events here, and a WebSocket at `/ws/status/`.

**WebSocket `/ws/status/`** (not an HTTP operation, so it is described here). Authenticate with
`Authorization: Bearer <JWT>` on the upgrade request or `?token=<JWT>`; without a valid token the
socket is accepted and closed with code 4001.

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
the socket stays open. The server closes with 1001 when it shuts down, and with 4001 when the
token expires, or within `LIVE_TOKEN_CHECK_S` (15 s) of it being revoked (logout, password change):
reconnect with a fresh token."""
