"""The database extension: the one every process needs (web, RQ worker, `flask` command).

Extensions that only web processes use are in pulseguard/web_extensions.py, so that an RQ worker
never imports flask-jwt-extended or flask-sock; Flask-Migrate is created by create_app() only for
the `flask` command (manage.py), so that no long-running process loads alembic.
"""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
