"""The one JSON error shape, {code, status, message, errors}, for every failure."""

import logging
from http import HTTPStatus

from flask import jsonify
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from pulseguard.extensions import db
from pulseguard.models.server_key import ServerKeyTakenError
from pulseguard.models.user import UsernameTakenError

log = logging.getLogger(__name__)


def error_response(code, message=None, errors=None):
    """Return a Flask response in the API's error shape."""
    body = {"code": code, "status": HTTPStatus(code).phrase}
    if message:
        body["message"] = message
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    return response


def handle_http_exception(error):
    data = getattr(error, "data", None) or {}
    errors = data.get("messages") or data.get("errors")
    message = data.get("message")
    if not message:
        message = "Invalid input: see errors." if errors else error.description
    response = error_response(error.code, message, errors)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_integrity_error(error):
    db.session.rollback()
    log.info("Integrity error: %s", error.orig)
    return error_response(409, "Conflict with existing data.")


def handle_name_taken(error):
    """A name that must be unique is taken (a username, a server key): 409 with its message."""
    return error_response(409, error.message)


def handle_database_busy(error):
    """No database connection to be had now (pool exhausted, database down or locked): 503.

    Many streams connecting at once can take every pooled connection for a moment; the client is
    told to come back rather than handed a 500 (the pool's size is `SQLALCHEMY_ENGINE_OPTIONS`).
    """
    db.session.rollback()
    log.warning("Database busy: %s", type(error).__name__)
    response = error_response(503, "The database is busy or unreachable: retry shortly.")
    response.headers["Retry-After"] = "1"
    return response


def handle_unexpected(error):
    db.session.rollback()
    log.exception("Unhandled error")
    return error_response(500, "Internal server error.")


def init_app(app):
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(UsernameTakenError, handle_name_taken)
    app.register_error_handler(ServerKeyTakenError, handle_name_taken)
    app.register_error_handler(PoolTimeout, handle_database_busy)
    app.register_error_handler(OperationalError, handle_database_busy)
    app.register_error_handler(Exception, handle_unexpected)
