"""Input hygiene in one place: JSON nesting, strings and numbers, for REST and WebSocket alike.

Every JSON body, query string and WebSocket message goes through here before a schema sees it:
- JSON that is not JSON (NaN, Infinity, bad UTF-8, 5,000-digit numbers) or nests deeper than
  MAX_DEPTH is refused with 400 (the standard library's parser would raise RecursionError
  near 1,000 levels, and the schemas never need more than a few).
- A string (value or key) holding NUL or an unpaired surrogate is refused with 422 naming its
  field: neither can be stored (PostgreSQL text refuses NUL, UTF-8 has no lone surrogates).
- marshmallow's Integer, which truncates 80.5 to 80, refuses numbers with a fraction (strict
  integers would also refuse "80" in a query string, so the fraction is what is checked).
- A path segment holding either (a status page's slug, a push token) names nothing: 404
  (PostgreSQL would refuse the lookup with a DataError).
Body size is Flask's MAX_CONTENT_LENGTH (413 in the one error shape, see errors.py), except on
the routes of LARGE_BODIES: a configuration document of 5,000 servers exports to ~2.6 MB, so the
apply route takes up to CONFIG_MAX_BODY_BYTES.
"""

import json
import numbers

from flask import current_app, request
from marshmallow import fields
from werkzeug.exceptions import NotFound

from pulseguard.errors import error_response

MAX_DEPTH = 32
LARGE_BODIES = {"config.apply_document": "CONFIG_MAX_BODY_BYTES"}  # endpoint: its limit
NUL_MESSAGE = "Must not contain NUL characters."
SURROGATE_MESSAGE = "Must not contain unpaired surrogates (not valid Unicode)."


class BadInputError(Exception):
    """Input refused before validation: an HTTP code, a message and errors per field."""

    def __init__(self, code: int, message: str, errors: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.errors = code, message, errors


def string_problem(text: str) -> str | None:
    """Return why a string cannot be stored, or None."""
    if "\x00" in text:
        return NUL_MESSAGE
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return SURROGATE_MESSAGE
    return None


def _not_json(name):
    raise ValueError(f"{name} is not JSON")


def loads(text: str | bytes):
    """Parse a JSON document; raise BadInputError (400, or 422 naming the bad strings' fields)."""
    try:
        value = json.loads(text, parse_constant=_not_json)
    except RecursionError:
        raise BadInputError(400, f"JSON nested too deeply: at most {MAX_DEPTH} levels.") from None
    except (TypeError, ValueError) as invalid:
        raise BadInputError(400, f"Invalid JSON: {invalid}") from None
    problems = inspect(value)
    if problems:
        raise BadInputError(422, "Invalid input: see errors.", problems)
    return value


def inspect(value) -> dict:
    """Return errors per field path ({"tags": {"0": [...]}}) for bad strings; raise on depth."""
    errors: dict = {}
    stack = [(value, (), 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadInputError(400, f"JSON nested too deeply: at most {MAX_DEPTH} levels.")
        if isinstance(item, str):
            if problem := string_problem(item):
                _put(errors, path, problem)
        elif isinstance(item, dict):
            for key, child in item.items():
                if problem := string_problem(key):
                    shown = key.encode("unicode_escape").decode("ascii")
                    _put(errors, (*path, shown), "Field name: " + problem)
                else:
                    stack.append((child, (*path, key), depth + 1))
        elif isinstance(item, list):
            stack.extend((child, (*path, str(i)), depth + 1) for i, child in enumerate(item))
    return errors


def _put(errors: dict, path: tuple, message: str) -> None:
    node = errors
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node.setdefault(path[-1] if path else "_schema", []).append(message)


def query_problems(args) -> dict:
    """Return errors per query parameter for bad strings in names or values."""
    errors: dict = {}
    for name, values in args.lists():
        for text in (name, *values):
            if problem := string_problem(text):
                errors.setdefault(name.replace("\x00", "\\0"), [problem])
    return errors


def check_request():
    """Refuse this request's bad query string or JSON body, in the one error shape."""
    if setting := LARGE_BODIES.get(request.endpoint or ""):
        request.max_content_length = current_app.config[setting]
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and string_problem(value):
            raise NotFound()  # no slug, token or file name holds NUL or a lone surrogate
    try:
        if problems := query_problems(request.args):
            raise BadInputError(422, "Invalid input: see errors.", {"query": problems})
        if request.is_json and request.content_length != 0:
            data = request.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH
            if data.strip():
                loads_json_body(data)
    except BadInputError as bad:
        return error_response(bad.code, bad.message, bad.errors)
    return None


def loads_json_body(data: bytes):
    """Parse a request body; its string errors are reported under "json", as the schemas do."""
    try:
        return loads(data)
    except BadInputError as bad:
        if bad.errors:
            bad.errors = {"json": bad.errors}
        raise


def _integral(original):
    def validated(self, value):
        if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
            if value != value or value in (float("inf"), float("-inf")) or value % 1:
                raise self.make_error("invalid", input=value)
        return original(self, value)

    validated.pulseguard_integral = True
    return validated


def refuse_fractions() -> None:
    """Make marshmallow's Integer refuse 80.5 instead of truncating it (idempotent)."""
    if not getattr(fields.Integer._validated, "pulseguard_integral", False):
        fields.Integer._validated = _integral(fields.Integer._validated)


def init_app(app) -> None:
    refuse_fractions()
    app.before_request(check_request)
