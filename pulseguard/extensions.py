"""Extension singletons, bound to the app in create_app().

`db` is what every process needs. The web-only ones (`jwt`, `migrate`, `sock`) are created on first
use, so that an RQ worker never imports flask-jwt-extended, alembic or flask-sock (~25 MiB).
"""

from importlib import import_module

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

_WEB_ONLY = {
    "jwt": ("flask_jwt_extended", "JWTManager"),
    "migrate": ("flask_migrate", "Migrate"),
    "sock": ("flask_sock", "Sock"),
}


def __getattr__(name):
    """Create a web-only singleton on first import (`from pulseguard.extensions import jwt`)."""
    if name not in _WEB_ONLY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, cls = _WEB_ONLY[name]
    value = globals()[name] = getattr(import_module(module), cls)()
    return value
