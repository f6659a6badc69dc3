"""The shared Redis connection (only when REDIS_URL is configured)."""

from redis import Redis

_clients: dict[str, Redis] = {}


def redis_connection(url: str | None = None) -> Redis:
    """Return a Redis client for the URL (default: the app's REDIS_URL); RQ needs raw bytes."""
    if url is None:
        from flask import current_app

        url = current_app.config["REDIS_URL"]
    if url not in _clients:
        _clients[url] = Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
        )
    return _clients[url]
