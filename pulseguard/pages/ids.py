"""Opaque, stable ids for public answers.

An id is an HMAC of the page id and the object's id keyed with SECRET_KEY: stable, but it tells
neither the database id nor how many objects exist.
"""

import hashlib
import hmac

from flask import current_app

from pulseguard.models.types import BASE62 as ALPHABET


def base62(number: int, length: int) -> str:
    """Return the number's last `length` base62 digits."""
    digits = []
    for _ in range(length):
        number, digit = divmod(number, 62)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def opaque(prefix: str, page_id: int, object_id: int) -> str:
    """Return the public id of an object on a page: `c_9fK2xQ7a1b`."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"pulseguard:{prefix}:{page_id}:{object_id}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return f"{prefix}_{base62(int.from_bytes(digest[:10], 'big'), 10)}"
