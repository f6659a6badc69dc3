"""gunicorn settings: gevent workers for REST, SSE and WebSocket streams."""

import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5000')}"
worker_class = "gevent"
# Without Redis the process runs the embedded scheduler and event bus: exactly one worker.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 if os.environ.get("REDIS_URL") else 1))
# Every open SSE or WebSocket stream holds a connection; the default of 1000 locks out REST.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", 10000))
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", 10))
timeout = 60
keepalive = 5
accesslog = "-" if os.environ.get("ACCESS_LOG") else None
# gunicorn 27 opens a control socket in ~/.gunicorn by default; several instances on one host clash.
control_socket_disable = True


def post_worker_init(worker):
    """Without Redis, this worker also dispatches and runs the checks (the embedded mode)."""
    app = worker.wsgi
    if not app.config.get("REDIS_URL") and os.environ.get("EMBEDDED_SCHEDULER", "1") != "0":
        from pulseguard.jobs.embedded import start_embedded

        start_embedded(app)
