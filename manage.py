"""The app of the `flask` command (FLASK_APP in .flaskenv): gevent-patched, with `flask db ...`.

The commands that check servers (`run-checks`, `start-scheduler` without Redis) use gevent, so it
patches first, as wsgi.py does for gunicorn. Only this app registers Flask-Migrate (the `flask db`
commands): no long-running process loads alembic.
"""

from gevent import monkey

monkey.patch_all()

from pulseguard import create_app

app = create_app(migrations=True)
