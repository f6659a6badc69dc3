"""Expected HTTP status codes: "200-399", "200,204", "200-299,301"."""

from functools import lru_cache


@lru_cache(maxsize=256)
def parse_expected(spec: str) -> tuple[tuple[int, int], ...]:
    """Return the spec as (low, high) ranges; raise ValueError when it is malformed."""
    ranges = []
    for part in (spec or "").replace(" ", "").split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        low_code, high_code = int(low), int(high or low)
        if not 100 <= low_code <= high_code <= 599:
            raise ValueError(f"Bad status range {part!r}")
        ranges.append((low_code, high_code))
    if not ranges:
        raise ValueError("No status codes given")
    return tuple(ranges)


def status_expected(code: int, spec: str) -> bool:
    """True when the code matches the spec (a malformed spec falls back to 200-399)."""
    try:
        ranges = parse_expected(spec)
    except ValueError:
        ranges = ((200, 399),)
    return any(low <= code <= high for low, high in ranges)
