"""The event bus: Redis pub/sub when REDIS_URL is set, in-process otherwise."""


def publish(events: list[dict]) -> None:
    """Publish events after the commit that made them true (placeholder until the live issue).

    Each event is a JSON-serialisable dict:
    {"type": "ping" | "status", "server_id": int, "owner_id": int, "id": int, "data": {...}}
    where data is the PingResult or ServerStatus exactly as the REST API serialises it.
    """
