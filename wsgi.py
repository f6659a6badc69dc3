"""The WSGI entry point for gunicorn: gevent's monkey-patching must come before anything else."""

from gevent import monkey

monkey.patch_all()

from pulseguard import create_app

app = create_app()
