"""Expected HTTP status codes: "200-399", "200,204", "200-299,301"."""

import re
from functools import lru_cache

SPEC = re.compile(r"^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$")


@lru_cache(maxsize=256)
def parse_expected(spec: str) -> tuple[tuple[int, int], ...]:
    """Return the spec as (low, high) ranges; raise ValueError, saying why, when it is malformed."""
    spec = (spec or "").replace(" ", "")
    if not SPEC.match(spec):
        raise ValueError('Use codes and ranges like "200-399" or "200,204".')
    ranges = []
    for part in spec.split(","):
        low, _, high = part.partition("-")
        low_code, high_code = int(low), int(high or low)
        if not 100 <= low_code <= high_code <= 599:
            raise ValueError(f"{part} is not a range of HTTP codes (100-599).")
        ranges.append((low_code, high_code))
    return tuple(ranges)


def status_expected(code: int, spec: str) -> bool:
    """True when the code matches the spec (a malformed spec falls back to 200-399)."""
    try:
        ranges = parse_expected(spec)
    except ValueError:
        ranges = ((200, 399),)
    return any(low <= code <= high for low, high in ranges)
