"""Reading an apply's body: JSON or safe YAML 1.2 into a version-1 document, or ApplyError."""

import json

from pulseguard.api.config import yaml_io
from pulseguard.api.config.errors import ApplyError

APPLIED = ("servers", "notification_configs", "maintenance_windows", "status_pages")
MAX_OBJECTS = 5000
JSON_TYPES = ("application/json",)


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f'found duplicate key "{key}"')
        out[key] = value
    return out


def parse(body: bytes, mimetype: str | None):
    """Parse the body as JSON (a JSON type) or YAML 1.2 (anything else); 422 when it is neither."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApplyError(422, "The document must be UTF-8 text.") from None
    try:
        if mimetype in JSON_TYPES:
            return json.loads(text, object_pairs_hook=_no_duplicates)
        return yaml_io.load(text)
    except (ValueError, yaml_io.YamlError) as error:  # json's errors are ValueErrors
        raise ApplyError(422, f"The document is not valid: {error}") from None


def read(body: bytes, mimetype: str | None) -> dict:
    """Return the document of a body, its shape checked (version, kinds, object count)."""
    document = parse(body, mimetype)
    if not isinstance(document, dict):
        raise ApplyError(422, "The document must be a mapping with `version: 1` and its kinds.")
    errors: dict[str, list[str]] = {}
    if document.get("version") != 1:
        errors["version"] = ["Must be 1."]
    for name, value in document.items():
        if name in APPLIED and not isinstance(value, list):
            errors[name] = ["Must be a list."]
        elif name not in APPLIED and name != "version":
            errors[name] = ["Unknown field."]
    count = objects(document)
    if count > MAX_OBJECTS:
        where = "servers" if "servers" in document else "version"
        errors[where] = [f"At most {MAX_OBJECTS} objects in one document ({count} given)."]
    if errors:
        raise ApplyError(422, "The document is not valid: nothing was changed.", errors)
    return document


def objects(document: dict) -> int:
    """Count the objects of a document, a server's notification configs included."""
    lists = [document[n] for n in APPLIED if isinstance(document.get(n), list)]
    nested = [
        item["notifications"]
        for item in document.get("servers") or []
        if isinstance(item, dict) and isinstance(item.get("notifications"), list)
    ]
    return sum(len(items) for items in lists + nested)
