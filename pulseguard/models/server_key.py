"""A server's `key`: its stable name per owner, for config as code and slug push URLs.

The API assigns it when the server is made, from its name (`API (prod)` -> `api-prod`, then
`api-prod-2` on a clash); it can be changed, and is unique among the owner's servers.

This module knows nothing of the Server model (which uses its column default); the API assigns
keys in `api/servers/keys.py`.
"""

import re
import secrets
import string
import unicodedata

KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,99}$"
MAX_LENGTH = 100


class ServerKeyTakenError(Exception):
    """Another of the owner's servers has this key (the API answers 409)."""

    def __init__(self, key: str, by: str = "another of your servers"):
        super().__init__(key)
        self.message = f"key '{key}' is already used by {by}"


def slugify(name: str) -> str:
    """Return a key made from a name: ASCII lowercase, runs of anything else become `-`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_name.lower()).strip("-_")
    return slug[:MAX_LENGTH].rstrip("-_") or "server"


def default_key(context) -> str:
    """The column default, for rows written without the API (seeds, benchmarks): the name's
    slug and a random suffix, so that it never clashes. The API assigns keys itself."""
    name = context.get_current_parameters().get("name") or "server"
    suffix = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(8))
    return f"{slugify(name)[: MAX_LENGTH - 9]}-{suffix}"


def first_free(wanted: str, taken: set[str]) -> str:
    """Return `wanted`, or `wanted-2`, `wanted-3`... whichever is not taken."""
    key, n = wanted, 1
    while key in taken:
        n += 1
        suffix = f"-{n}"
        key = wanted[: MAX_LENGTH - len(suffix)] + suffix
    return key
