"""An export: a user's document, as YAML 1.2 or JSON text, with its revision (the ETag)."""

import json

from pulseguard.api.config import snapshot, yaml_io

KINDS = snapshot.KINDS


class IncludeError(ValueError):
    """The kinds asked for cannot make a document (the API answers 422 on `include`)."""


def kinds_of(include: str) -> tuple[str, ...]:
    """Return the kinds named in a comma-separated `include`, or IncludeError."""
    asked = tuple(part.strip() for part in include.split(",") if part.strip())
    unknown = [part for part in asked if part not in KINDS]
    if unknown or not asked:
        raise IncludeError(f"Give one or more of {', '.join(KINDS)}.")
    if "notification_configs" in asked and "servers" not in asked:
        raise IncludeError("notification_configs needs servers: a server's configs are in it.")
    return asked


def export(owner_id: int, kinds=KINDS, secrets: bool = False) -> tuple[dict, str]:
    """Return a user's export document and the revision of the whole account."""
    canonical = snapshot.full(snapshot.load(owner_id))
    return snapshot.document(canonical, kinds, secrets), snapshot.revision_of(canonical)


def text(document: dict, fmt: str) -> tuple[str, str]:
    """Return (body, mimetype) of a document as YAML 1.2 or JSON."""
    if fmt == "json":
        return json.dumps(document, indent=2) + "\n", "application/json"
    return yaml_io.dump(document), "application/yaml"
