"""Live updates: the event bus, the per-process hub, and the SSE and WebSocket streams."""
