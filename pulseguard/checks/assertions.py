"""HTTP assertions (API-NEXT §1.5): checked when saved, evaluated on each answer, verdicts kept.

`jmespath` lives behind this module. Its quirks: a missing path and an explicit null both give
None (so `exists` is false for both); compile errors (`IncompleteExpressionError`...) come at
compile time, which is when a server is saved. Regexes go through checks/patterns.py (a timeout).
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

from pulseguard.checks.patterns import PatternError, PatternTimeoutError, compile_pattern, search

TYPES = ("body", "json", "header", "response_time", "cert_expiry")
OPERATORS = {
    "body": ("contains", "not_contains", "matches", "not_matches", "equals"),
    "json": ("==", "!=", "<", "<=", ">", ">=", "contains", "not_contains", "matches",
             "not_matches", "exists", "not_exists"),
    "header": ("exists", "not_exists", "==", "!=", "contains", "matches"),
    "response_time": ("<", "<="),
    "cert_expiry": (">", ">="),
}  # fmt: skip
SUBJECT = {"json": "path", "header": "name"}  # the field naming what a type looks at
NUMERIC = ("<", "<=", ">", ">=")
PATTERNS = ("matches", "not_matches")
VALUELESS = ("exists", "not_exists")
MAX_ASSERTIONS = 20
ACTUAL_CHARS = 200
NOT_JSON = object()


class SpecError(ValueError):
    """An assertion that cannot be saved; `errors` maps its fields to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def is_number(value) -> bool:
    """True for JSON numbers (a bool is not one)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def jmespath_message(error: JMESPathError) -> str:
    """The parser's own words, without its multi-line picture of the expression."""
    text = str(error).splitlines()[0].removeprefix("Invalid jmespath expression: ")
    return "Invalid JMESPath: " + text.removesuffix(", for expression:").rstrip(": ")


def regex_message(error: PatternError) -> str:
    return f"Invalid regular expression: {error}"


def normalize(spec: Mapping[str, Any]) -> dict:
    """Check one assertion's fields against its type and operator; return its stored form."""
    kind, operator = spec["type"], str(spec.get("operator"))
    errors: dict[str, list[str]] = {}
    if operator not in OPERATORS[kind]:
        errors["operator"] = ["Must be one of: " + ", ".join(OPERATORS[kind]) + "."]
    for field in ("path", "name", "case_sensitive"):
        owner = "body" if field == "case_sensitive" else ("json" if field == "path" else "header")
        if field in spec and kind != owner:
            errors[field] = [f"Not allowed for type '{kind}'."]
    stored: dict[str, Any] = {"type": kind, "operator": operator}
    if kind in SUBJECT:
        subject = SUBJECT[kind]
        if not spec.get(subject):
            errors[subject] = ["Missing data for required field."]
        elif kind == "json":
            try:
                jmespath.compile(spec["path"])
            except JMESPathError as error:
                errors["path"] = [jmespath_message(error)]
        stored[subject] = spec.get(subject)
    if kind == "body":
        stored["case_sensitive"] = spec.get("case_sensitive", True)
    if "operator" in errors:
        raise SpecError(errors)
    value_error = check_value(kind, operator, spec, stored.get("case_sensitive", True))
    if value_error:
        errors["value"] = [value_error]
    if errors:
        raise SpecError(errors)
    if "value" in spec and operator not in VALUELESS:
        stored["value"] = spec["value"]
    return stored


def check_value(kind: str, operator: str, spec: Mapping, case_sensitive: bool) -> str | None:
    """Why the value does not fit the type and operator, or None."""
    present, value = "value" in spec, spec.get("value")
    if operator in VALUELESS:
        return f"Not allowed for operator '{operator}'." if value is not None else None
    if not present:
        return "Missing data for required field."
    if kind in ("response_time", "cert_expiry") or (kind == "json" and operator in NUMERIC):
        if not is_number(value):
            return f"Must be a number for operator '{operator}'."
        if value < 0:  # type: ignore[operator]  # a number: checked above
            return "Must be at least 0."
        return None
    if kind in ("body", "header") or operator in PATTERNS:
        if not isinstance(value, str):
            return f"Must be a string for operator '{operator}'."
        if len(value) > 1000:
            return "Longer than maximum length 1000."
    if operator in PATTERNS:
        try:
            compile_pattern(value, case_sensitive)
        except PatternError as error:
            return regex_message(error)
    return None


@dataclass(frozen=True, slots=True)
class Assertion:
    """One stored assertion, ready to evaluate (its JMESPath parsed once)."""

    type: str
    operator: str
    subject: str | None  # the JMESPath or the header name
    value: Any
    case_sensitive: bool
    expression: Any

    @property
    def label(self) -> str:
        """How a message names it: `json db.ok == true`."""
        parts = [self.type, self.subject, self.operator]
        if self.operator not in VALUELESS:
            parts.append(json.dumps(self.value))
        return " ".join(str(part) for part in parts if part is not None)


@lru_cache(maxsize=4096)
def _compile(text: str) -> tuple[Assertion, ...]:
    compiled = []
    for spec in json.loads(text):
        kind = spec.get("type")
        subject = spec.get(SUBJECT.get(kind, ""))
        expression = jmespath.compile(subject) if kind == "json" else None
        compiled.append(
            Assertion(kind, spec.get("operator"), subject, spec.get("value"),
                      spec.get("case_sensitive", True), expression)
        )  # fmt: skip
    return tuple(compiled)


def compile_all(specs: list | None) -> tuple[Assertion, ...]:
    """Return the stored assertions ready to evaluate (cached: servers often share them)."""
    if not specs:
        return ()
    return _compile(json.dumps(specs, sort_keys=True))


class Answer:
    """What an HTTP check got; the body's text and JSON are decoded once, when first asked for."""

    def __init__(self, headers: Mapping, body: bytes, elapsed_ms: float, expires):
        self.headers, self.body, self.elapsed_ms, self.expires = headers, body, elapsed_ms, expires

    @cached_property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @cached_property
    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return NOT_JSON


def evaluate(assertions: tuple[Assertion, ...], answer: Answer) -> list[dict]:
    """Return every assertion's verdict, in order."""
    return [verdict(assertion, answer) for assertion in assertions]


def first_failure(verdicts: list[dict]) -> str | None:
    """The message of the first failed verdict: `json db.ok == true: got false`."""
    for item in verdicts:
        if not item["passed"]:
            return item["message"]
    return None


def verdict(assertion: Assertion, answer: Answer) -> dict:
    """Evaluate one assertion: {type, path|name, operator, expected, actual, passed[, message]}."""
    error = None
    try:
        passed, actual = EVALUATORS[assertion.type](assertion, answer)
    except _UnmeasurableError as problem:
        passed, actual, error = False, None, str(problem)
    except PatternTimeoutError as timeout:
        passed, actual, error = False, None, str(timeout)
    result: dict[str, Any] = {"type": assertion.type}
    if assertion.type in SUBJECT:
        result[SUBJECT[assertion.type]] = assertion.subject
    result |= {
        "operator": assertion.operator,
        "expected": None if assertion.operator in VALUELESS else assertion.value,
        "actual": cut(actual),
        "passed": passed,
    }
    if not passed:
        got = error or f"got {json.dumps(result['actual'], default=str)}"
        result["message"] = f"{assertion.label}: {got}"[:500]
    return result


class _UnmeasurableError(Exception):
    """The answer has nothing to compare (a body that is not JSON, no certificate)."""


def cut(actual: Any) -> Any:
    """An actual value as stored: strings, and JSON longer than 200 characters, cut to 200."""
    if isinstance(actual, str):
        return actual[:ACTUAL_CHARS]
    if isinstance(actual, list | dict):
        text = json.dumps(actual)
        return actual if len(text) <= ACTUAL_CHARS else text[:ACTUAL_CHARS]
    return actual


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality, where 1 == 1.0 but true != 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) and is_number(b):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(json_equal, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def compare(operator: str, actual: Any, expected: Any, case_sensitive: bool = True) -> bool:
    """Apply an operator of any type to an actual value."""
    if operator in ("==", "!="):
        return json_equal(actual, expected) == (operator == "==")
    if operator in NUMERIC:
        if not (is_number(actual) and is_number(expected)):
            return False
        return {
            "<": actual < expected,
            "<=": actual <= expected,
            ">": actual > expected,
            ">=": actual >= expected,
        }[operator]
    if operator in ("exists", "not_exists"):
        return (actual is not None) == (operator == "exists")
    if not isinstance(actual, str | list):
        return False
    if operator in ("contains", "not_contains"):
        if isinstance(actual, list):
            found = any(json_equal(item, expected) for item in actual)
        elif not case_sensitive:
            found = str(expected).casefold() in actual.casefold()
        else:
            found = isinstance(expected, str) and expected in actual
        return found == (operator == "contains")
    if isinstance(actual, list):
        return False
    if operator == "equals":
        return actual == expected if case_sensitive else actual.casefold() == expected.casefold()
    found = search(expected, actual, case_sensitive) is not None
    return found == (operator == "matches")


def _body(assertion: Assertion, answer: Answer) -> tuple[bool, Any]:
    text = answer.text
    if assertion.operator in PATTERNS:
        matched = search(assertion.value, text, assertion.case_sensitive)
        passed = (matched is not None) == (assertion.operator == "matches")
        return passed, text if matched is None else matched
    return compare(assertion.operator, text, assertion.value, assertion.case_sensitive), text


def _json(assertion: Assertion, answer: Answer) -> tuple[bool, Any]:
    document = answer.json
    if document is NOT_JSON:
        raise _UnmeasurableError("Body is not JSON")
    actual = assertion.expression.search(document)
    return compare(assertion.operator, actual, assertion.value), actual


def _header(assertion: Assertion, answer: Answer) -> tuple[bool, Any]:
    actual = answer.headers.get(assertion.subject)
    return compare(assertion.operator, actual, assertion.value), actual


def _response_time(assertion: Assertion, answer: Answer) -> tuple[bool, Any]:
    return compare(assertion.operator, answer.elapsed_ms, assertion.value), answer.elapsed_ms


def _cert_expiry(assertion: Assertion, answer: Answer) -> tuple[bool, Any]:
    if answer.expires is None:
        raise _UnmeasurableError("no certificate was read")
    days = round((answer.expires - datetime.now(UTC)).total_seconds() / 86400, 2)
    return compare(assertion.operator, days, assertion.value), days


EVALUATORS = {
    "body": _body,
    "json": _json,
    "header": _header,
    "response_time": _response_time,
    "cert_expiry": _cert_expiry,
}


def keyword_problem(
    keyword: str, body: bytes, mode: str = "contains", invert: bool = False, case: bool = True
) -> str | None:
    """Why the keyword shorthand fails on a body, or None (its mode, inversion and case)."""
    if mode == "contains" and case:
        found = keyword.encode() in body  # the common case: no decoding
    else:
        text = body.decode("utf-8", errors="replace")
        try:
            if mode == "regex":
                found = search(keyword, text, case) is not None
            else:
                found = keyword.casefold() in text.casefold()
        except PatternTimeoutError:
            return "Keyword regex timed out"
    if found and invert:
        return f"Keyword {keyword!r} found"
    if not found and not invert:
        return f"Keyword {keyword!r} not found"
    return None
