"""A pytest plugin loaded first (-p): gevent patches the standard library before any other plugin
imports ssl or socket, the same order as wsgi.py and worker.py."""

from gevent import monkey

monkey.patch_all()
