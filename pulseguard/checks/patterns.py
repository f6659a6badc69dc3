"""Regular expressions of keywords and assertions, on the `regex` package with a timeout.

`regex` lives behind this module. Python's `re` cannot be interrupted, so one catastrophic
pattern (`(x+x+)+y`) would hold a worker's whole process; `regex` takes a `timeout` per search and
raises `TimeoutError("regex timed out")`, which a check reports as a failed assertion. Its
compile errors are its own text ("missing ) at position 2"), shown as such when a server is saved.
"""

from functools import lru_cache

import regex

TIMEOUT_S = 0.1  # longest one search may take (API-NEXT §1.5)


class PatternError(ValueError):
    """A pattern that does not compile; str() is the engine's own message."""


class PatternTimeoutError(Exception):
    """A search that did not finish within TIMEOUT_S."""


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str, case_sensitive: bool = True) -> regex.Pattern:
    """Return the compiled pattern; raise PatternError saying why it does not compile."""
    try:
        return regex.compile(pattern, 0 if case_sensitive else regex.IGNORECASE)
    except (regex.error, OverflowError, RecursionError) as error:
        raise PatternError(str(error)) from None


def search(pattern: str, text: str, case_sensitive: bool = True) -> str | None:
    """Return the first match of pattern in text, or None; PatternTimeoutError when too slow."""
    try:
        found = compile_pattern(pattern, case_sensitive).search(text, timeout=TIMEOUT_S)
    except TimeoutError:
        raise PatternTimeoutError("regex timed out") from None
    return None if found is None else found.group(0)
