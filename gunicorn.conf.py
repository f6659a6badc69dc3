"""gunicorn settings: gevent workers for REST, SSE and WebSocket streams."""

import os
import resource
import subprocess
import sys

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '5000')}"
# gunicorn's gevent worker. Its master imports gevent (unpatched: each worker patches when it
# starts). Keeping gevent out of the master saved 0.4-0.8 MiB of PSS in all (measured for issue
# 12): too little for a worker class of our own.
worker_class = "gevent"
# Without Redis the process runs the embedded scheduler and event bus: exactly one worker.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 if os.environ.get("REDIS_URL") else 1))
# Every open SSE or WebSocket stream holds a connection; the default of 1000 locks out REST.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", 10000))
# Open streams end at once on SIGTERM (see post_worker_init), so this is only a backstop.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", 10))
timeout = 60
keepalive = 5
accesslog = "-" if os.environ.get("ACCESS_LOG") else None
# gunicorn 27 opens a control socket in ~/.gunicorn by default; several instances on one host clash.
control_socket_disable = True


def raise_file_limit(wanted):
    """Raise the open-file limit towards `wanted`: each stream is a socket (a file descriptor)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


raise_file_limit(worker_connections + 1024)


def end_streams_on_shutdown(worker):
    """End the worker's live streams as soon as it is asked to stop (SIGTERM).

    gunicorn stops accepting, then waits up to graceful_timeout for open requests: an SSE or
    WebSocket stream never finishes by itself, so without this every shutdown or deploy would
    wait the full timeout and then cut the streams.
    """
    import gevent

    while worker.alive:
        gevent.sleep(0.25)
    from pulseguard import live

    live.shutdown()


def on_starting(server):
    """Refuse unsafe settings in the master, in one line, before any worker boots."""
    from config import config_for

    config_for()


def post_worker_init(worker):
    """Start the worker's greenlets: embedded checks (without Redis) and the stream closer."""
    import gc

    import gevent

    # The ~145,000 objects of the loaded app never become garbage: out of the collector's sight,
    # full collections (which pause every stream and request) take about half as long.
    gc.freeze()
    from pulseguard import gunicorn_errors, gunicorn_write

    gunicorn_errors.install()  # 414, 431 and bad request lines answered as JSON, not HTML
    gunicorn_write.install()  # a response's headers and first body bytes in one sendall
    app = worker.wsgi
    if not app.config.get("REDIS_URL") and os.environ.get("EMBEDDED_SCHEDULER", "1") != "0":
        from pulseguard.jobs.embedded import start_embedded

        start_embedded(app)
    gevent.spawn(end_streams_on_shutdown, worker)


def child_exit(server, worker):
    """Forget a dead worker's open-stream counts in the shared metrics.

    In a subprocess: the master must never import the app (nor redis, ssl...) unpatched, or the
    workers it forks later would inherit those modules before gevent patches them.
    """
    code = f"from pulseguard.metrics import forget_process; forget_process({worker.pid})"
    subprocess.Popen([sys.executable, "-c", code], cwd=os.path.dirname(os.path.abspath(__file__)))
