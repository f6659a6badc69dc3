"""Live updates: the per-process hub and the SSE and WebSocket streams.

They read the event bus (`pulseguard/bus.py`), which workers publish to without loading any of
this package or the web libraries it needs.
"""


def init_app(app):
    """Register the SSE and WebSocket routes and the app's hub (which starts with a stream)."""
    from pulseguard.live import sse, ws
    from pulseguard.live.hub import Hub

    app.config.setdefault("SOCK_SERVER_OPTIONS", {"ping_interval": 25})
    app.config.setdefault("LIVE_QUEUE_SIZE", 256)
    app.config.setdefault("LIVE_REPLAY_MAX", 1000)
    app.extensions["pulseguard_live"] = Hub(app)
    api = app.extensions["pulseguard_api"]
    api.register_blueprint(sse.blp)
    app.register_blueprint(ws.bp)


def shutdown():
    """End every open stream of this process, so that a graceful shutdown does not wait on them."""
    from pulseguard.live.hub import close_all_streams

    close_all_streams()
