"""HTTP and HTTPS: a request whose answer must have an expected status (and keyword).

The probe is the shared `HttpProber` of checks/http.py (pools and TLS contexts built once per
process); this module declares the API fields only these two kinds have.
"""

from marshmallow import Schema, ValidationError, fields, validate

from pulseguard.checks.assertions import compile_all
from pulseguard.checks.expected import parse_expected
from pulseguard.checks.http import HttpOptions, url_of
from pulseguard.checks.outcome import Outcome
from pulseguard.checks.target import Target
from pulseguard.kinds.http_assertions import HEADER_NAME, KEYWORD_MODES, assertions_field, check
from pulseguard.kinds.kind import Kind
from pulseguard.kinds.tls_block import TlsBlock, TlsSettings
from pulseguard.kinds.tls_block import settings_of as tls_settings_of

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
DEFAULT_PORTS = {"http": 80, "https": 443}


def validate_path(value):
    if not value.startswith("/") or any(c.isspace() for c in value):
        raise ValidationError("Must start with / and contain no spaces.")


def validate_expected_status(spec):
    try:
        parse_expected(spec)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def validate_headers(headers):
    for name, value in headers.items():
        if not HEADER_NAME.match(name):
            raise ValidationError(f"{name!r} is not a valid header name.")
        if "\r" in value or "\n" in value or len(value) > 4000:
            raise ValidationError(f"The value of {name} must be one line of at most 4000 chars.")


class HttpSettings(Schema):
    """The fields that only http and https servers use (path, method, expected status...)."""

    path = fields.Str(load_default="/", validate=[validate.Length(max=2000), validate_path])
    method = fields.Str(load_default="GET", validate=validate.OneOf(METHODS))
    expected_status = fields.Str(
        load_default="200-399", validate=[validate.Length(max=100), validate_expected_status]
    )
    keyword = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=1000))
    headers = fields.Dict(
        keys=fields.Str(), values=fields.Str(), load_default=dict, validate=validate_headers
    )
    verify_tls = fields.Bool(load_default=True)
    follow_redirects = fields.Bool(load_default=True)
    keyword_mode = fields.Str(
        load_default="contains",
        validate=validate.OneOf(KEYWORD_MODES),
        metadata={"description": "regex: `keyword` is a regular expression (compiled when saved)"},
    )
    keyword_invert = fields.Bool(
        load_default=False, metadata={"description": "true: the keyword must be absent"}
    )
    keyword_case_sensitive = fields.Bool(load_default=True)
    assertions = assertions_field()


COLUMNS = tuple(HttpSettings._declared_fields)


class HttpsSettings(HttpSettings):
    """HTTP's fields and the `tls` block (kept in Server.settings["tls"])."""

    tls = TlsBlock(TlsSettings, attribute="settings.tls")


def check_https(server, data) -> dict:
    """HTTP's rules, then keep the tls block complete (a PATCH of one field keeps the others)."""
    errors = dict(check(server, data))
    try:
        block = TlsSettings().load(tls_settings_of(server))
    except ValidationError as error:
        return errors | {"tls": error.messages}
    if not errors:
        server.settings = (server.settings or {}) | {"tls": block}
    return errors


def options(row) -> HttpOptions:
    """The HTTP settings of a Server row."""
    return HttpOptions(
        path=row.path or "/",
        method=(row.method or "GET").upper(),
        expected_status=row.expected_status or "200-399",
        keyword=row.keyword or None,
        headers=dict(row.headers or {}),
        verify_tls=row.verify_tls,
        follow_redirects=row.follow_redirects,
        keyword_mode=row.keyword_mode or "contains",
        keyword_invert=bool(row.keyword_invert),
        keyword_case_sensitive=row.keyword_case_sensitive is not False,
        assertions=compile_all(row.assertions),
    )


def probe(target: Target, context) -> Outcome:
    """Check with the process's shared HTTP prober."""
    return context.http.probe(target)


def describe(target: Target) -> str:
    """The URL checked, without the scheme's default port."""
    path = target.options.path if target.options else "/"
    return url_of(target.protocol, target.host, target.port, path, DEFAULT_PORTS[target.protocol])


def http_kind(name: str, label: str, **extra) -> Kind:
    common: dict = {"settings": HttpSettings, "form": "dashboard/kinds/http.html", "check": check}
    return Kind(
        name=name,
        label=label,
        options=options,
        describe=describe,
        probe=probe,
        columns=COLUMNS,
        default_port=DEFAULT_PORTS[name],
        **(common | extra),
    )


HTTP = http_kind("http", "HTTP")
HTTPS = http_kind("https", "HTTPS", settings=HttpsSettings, block="tls", check=check_https)
