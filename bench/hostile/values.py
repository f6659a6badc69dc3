"""The hostile values the sweep sends: strings, numbers, wrong types, raw bodies, ids, queries."""

import json

DEPTH = 1000

# JSON values (sent through json.dumps, so lone surrogates travel as \ud800 escapes).
STRINGS = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udc00y",
    "\u202eevil\u202c",  # RTL override
    "\u200f\u200e\u2066",  # RTL/LTR marks, isolate
    "A" * 10_000,
    "",
    "   ",
    "\ufeff\uffff",
    "😀" * 50,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../../etc/passwd",
    "{{7*7}}${7*7}",
]
NUMBERS = [0, -1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**400, 1.5, 80.5, 1e308, -0.0]
WRONG_TYPES = [None, True, "1", [], {}, [1, "x", None], {"\x00": 1}, {"a": {"b": {"c": []}}}]


def deep(depth=DEPTH):
    """Return a JSON text nested `depth` levels deep."""
    return "[" * depth + "]" * depth


def field_values():
    """Every JSON value tried in place of one field."""
    return [*STRINGS, *NUMBERS, *WRONG_TYPES, ["\ud800"], ["A" * 10_000], {"k": "\x00"}]


def raw_bodies():
    """Whole bodies sent as raw text (name, text)."""
    return [
        ("deep-array", deep()),
        ("deep-object", '{"a":' * DEPTH + "1" + "}" * DEPTH),
        ("deep-in-field", '{"name":' + deep() + "}"),
        ("nan", '{"port": NaN}'),
        ("infinity", '{"port": Infinity}'),
        ("huge-number", '{"port": ' + "9" * 5000 + "}"),
        ("bad-utf8", b'{"name": "\xff\xfe"}'),
        ("not-json", "{name: 1,}"),
        ("empty-object", "{}"),
        ("array", "[]"),
        ("string", '"\\ud800"'),
        ("null", "null"),
        ("nul-key", '{"\\u0000": 1}'),
        ("surrogate-key", '{"\\ud800": 1}'),
        ("duplicate-keys", '{"name": "a", "name": "\\u0000"}'),
        ("big", json.dumps({"name": "A" * 2_000_000})),
    ]


# Raw path segments, already percent-encoded where they need to be.
IDS = [
    "0",
    "-1",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "1" * 400,
    "1.5",
    "1e3",
    "abc",
    "%00",
    "%ED%A0%80",  # a lone surrogate as (invalid) UTF-8
    "%E2%80%AE",
    "%FF",
    "A" * 3000,
    "..%2F..%2F",
]

# Raw query values, already percent-encoded.
QUERY_VALUES = [
    "%00",
    "a%00b",
    "%ED%A0%80",
    "%FF%FE",
    "%E2%80%AE",
    "A" * 3000,
    "",
    "-1",
    "0",
    "1.5",
    "9223372036854775808",
    "1" * 400,
    "true",
    "2026-13-45T99:99:99",
    "%27%20OR%201%3D1",
    "%5B%5D",
]

WS_MESSAGES = [
    "",
    "not json",
    "null",
    "[]",
    '"latest"',
    "1e999",
    '{"action": NaN}',
    '{"action":"latest","server_ids":[18446744073709551616]}',
    '{"action":"latest","server_ids":[9223372036854775808]}',
    '{"action":"latest","server_ids":[-1, 0, 1.5]}',
    '{"action":"latest","server_ids":"1"}',
    '{"action":"latest","server_ids":[' + ",".join(["1"] * 5000) + "]}",
    '{"action":"latest","query":"\\ud800"}',
    '{"action":"latest","query":"a\\u0000b"}',
    '{"action":"latest","query":"' + "A" * 10_000 + '"}',
    '{"action":"latest","query":"\\u202e"}',
    '{"action":"latest","limit":1.5}',
    '{"action":"latest","limit":100000000000000000000}',
    '{"action":"subscribe","server_ids":' + deep() + "}",
    deep(),
    '{"action":"subscribe","query":{"$ne":1}}',
    '{"action":"\\ud800"}',
    '{"action":"unsubscribe","server_ids":[18446744073709551616]}',
    '{"action":"unsubscribe","server_ids":null}',
    '{"action":"bogus"}',
    '{"\\u0000":"latest"}',
    "A" * 100_000,
]
