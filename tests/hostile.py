"""Hypothesis strategies of hostile input (raw JSON or query text), with the answer it must get.

Each strategy draws a `Hostile(text, expect)`: `text` is sent as it is (a JSON fragment put in
place of one field, a whole WebSocket message, or a percent-encoded query value), and `expect`
says what the answer must be whatever else the input holds:
- "field": a string in it holds NUL or a lone surrogate, so the answer is 422 naming the field;
- "400": it nests deeper than hygiene.MAX_DEPTH or is not JSON, so the answer is 400;
- None: any 2xx or 4xx will do (never 5xx).
"""

import json
from dataclasses import dataclass
from urllib.parse import quote

from hypothesis import strategies as st

from pulseguard.hygiene import MAX_DEPTH

ODD = "\u202e\u202c\u200f\u200e\u2066\u2069\ufeff\uffff\u0301\u00a0\u3000😀\U0010ffff"
odd_text = st.text(st.characters(codec="utf-8") | st.sampled_from(ODD), max_size=40)


@dataclass(frozen=True)
class Hostile:
    text: str
    expect: str | None = None


def _json(value) -> str:
    return json.dumps(value)  # ensure_ascii: a lone surrogate travels as its \ud800 escape


@st.composite
def poisoned(draw, poison):
    """A string with NUL or a lone surrogate somewhere in it."""
    text, at = draw(odd_text), draw(st.integers(0, 40))
    return text[:at] + draw(poison) + text[at:]


nul = st.just("\x00")
surrogate = st.characters(categories=["Cs"])
bad_string = poisoned(nul) | poisoned(surrogate)


@st.composite
def nested(draw, leaf):
    """The leaf inside a list or object a few levels deep (within MAX_DEPTH)."""
    value = draw(leaf)
    for wrap in draw(st.lists(st.sampled_from(["list", "object"]), min_size=1, max_size=3)):
        value = [value] if wrap == "list" else {"k": value}
    return value


def _deep(depth: int, kind: str) -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


deep = st.builds(
    lambda depth, kind: Hostile(_deep(depth, kind), "400"),
    st.integers(MAX_DEPTH + 1, 1500),
    st.sampled_from(["list", "object"]),
)

huge_ints = st.integers(2**63 - 2, 2**64 + 2) | st.integers(-(2**64), -(2**63) + 2)
numbers = st.one_of(
    huge_ints,
    st.sampled_from([10**400, 0, -1, 2**31]),
    st.floats(allow_nan=False, allow_infinity=False),
)
overlong = st.builds(
    lambda n, c: c * n, st.sampled_from([201, 256, 4097, 10_000]), st.sampled_from("A😀é")
)
wrong_types = st.sampled_from([None, True, False, [], {}, [None, 1, "x"], {"a": {"b": []}}])

json_value = st.one_of(
    bad_string.map(lambda s: Hostile(_json(s), "field")),
    nested(bad_string).map(lambda v: Hostile(_json(v), "field")),
    st.dictionaries(bad_string, st.integers(), min_size=1, max_size=1).map(
        lambda v: Hostile(_json(v), "field")
    ),
    deep,
    st.sampled_from(["NaN", "Infinity", "-Infinity", "9" * 5000, "{a:1}", "[1,]", "'x'"]).map(
        lambda text: Hostile(text, "400")
    ),
    st.sampled_from(["1e999", "-1e999", "1.0", "80.5", "-0.0", "1E2"]).map(Hostile),
    numbers.map(lambda n: Hostile(_json(n))),
    odd_text.map(lambda s: Hostile(_json(s))),
    overlong.map(lambda s: Hostile(_json(s))),
    wrong_types.map(lambda v: Hostile(_json(v))),
    nested(odd_text | numbers).map(lambda v: Hostile(_json(v))),
)


def _percent(text: str) -> str:
    """Percent-encode, with a lone surrogate as the (invalid) UTF-8 a careless client sends."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


query_value = st.one_of(
    poisoned(nul).map(lambda s: Hostile(_percent(s), "field")),
    poisoned(surrogate).map(lambda s: Hostile(_percent(s))),  # decoded as U+FFFD by werkzeug
    st.sampled_from(["%FF%FE", "%C0%80", "%ED%A0%80", "%", "%zz", "a=b", "1e3", "NaN", "-0"]).map(
        Hostile
    ),
    numbers.map(lambda n: Hostile(_percent(str(n)))),
    odd_text.map(lambda s: Hostile(_percent(s))),
    overlong.map(lambda s: Hostile(_percent(s))),
)
