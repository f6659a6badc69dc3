"""Hostile strings, numbers and nesting into every body field and query parameter (issue 18).

Hypothesis puts one value of tests/hostile.py in one field of an otherwise valid request, for every
write operation and every query parameter of /api/openapi.json, signed in as alice (root on the
admin routes). Each answer must be: never 5xx; a 4xx in the one JSON error shape, with no trace,
and a 422 naming its field; 422 naming the field when the value holds NUL or a lone surrogate,
400 when it nests too deeply or is not JSON; nothing written when refused (row counts of every
table, and the resource's own GET, the same before and after); never bob's data to alice.

Cost (see bench/README.md, "Fuzz suite"): few examples per operation, each operation with its
own fixed seed (a failure reproduces), generation only (no shrinking), one world of users and
objects per test.
"""

import json
import re
import zlib

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from pulseguard.extensions import db
from pulseguard.models import User
from pulseguard.security import issue_tokens
from tests.api.hostile_api import MARKER, operations, seed_objects
from tests.conftest import PASSWORD, ApiClient
from tests.hostile import json_value, query_value

BODY_EXAMPLES = 12  # per write operation: (field, value) pairs
QUERY_EXAMPLES = 6  # per operation with query parameters
PLACEHOLDER = "__hostile__"
MOVING = {"ongoing_seconds"}  # computed from the clock at each read
TRACE = re.compile(r"Traceback \(most recent call last\)|File \"/|<!doctype html|<html", re.I)
FAST = settings(
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)


class World:
    """One app, its users signed in, alice's objects and the operations to fuzz."""

    def __init__(self, app, make_user):
        self.app = app
        self.users = {name: make_user(name, admin=name == "root") for name in USERS}
        self.clients = {name: self.client_of(name) for name in USERS}
        self.ids = seed_objects(self.clients, app) | {"user_id": self.users["dave"].id}
        with app.app_context():
            tokens = issue_tokens(db.session.get(User, self.users["alice"].id))
        tokens = {"alice": tokens["access"], "alice-refresh": tokens["refresh"]}
        document = self.clients["alice"].get("/api/openapi.json").json
        self.operations = list(operations(document, self.ids, tokens))

    def client_of(self, name):
        with self.app.app_context():
            user = db.session.get(User, self.users[name].id)
            return ApiClient(self.app.test_client(), issue_tokens(user, refresh=False)["access"])

    def row_counts(self):
        with self.app.app_context():
            names = [table.name for table in db.metadata.sorted_tables]
            counts = ", ".join(f"(SELECT count(*) FROM {name})" for name in names)
            row = db.session.execute(db.text(f"SELECT {counts}")).one()
            db.session.remove()
            return dict(zip(names, row, strict=True))

    def reset(self, name):
        """Give a user back the password and a token a hostile 2xx may have changed."""
        with self.app.app_context():
            user = db.session.get(User, self.users[name].id)
            user.set_password(PASSWORD)
            db.session.commit()
        self.clients[name] = self.client_of(name)


USERS = ("root", "alice", "bob", "carol", "dave")


@pytest.fixture
def world(app, make_user):
    return World(app, make_user)


def problems_of(operation, hostile, name, where, response, unchanged):
    """Return what is wrong with one answer (an empty list: nothing)."""
    code, text = response.status_code, response.get_data(as_text=True)
    found = []
    if code >= 500:
        found.append(f"{code}: {text[:300]}")
    if code >= 400:
        body = response.get_json(silent=True)
        if not isinstance(body, dict) or not {"code", "message"} <= body.keys():
            found.append(f"{code} not in the one JSON error shape: {text[:200]!r}")
        elif code == 422 and not body.get("errors"):
            found.append(f"422 naming no field: {text[:200]}")
        if TRACE.search(text):
            found.append(f"a trace in a {code}: {text[:300]}")
        if not unchanged():
            found.append(f"{code}, yet something was written")
    errors = (response.get_json(silent=True) or {}).get("errors") or {}
    if hostile.expect == "field" and (code != 422 or name not in errors.get(where, {})):
        found.append(f"NUL or lone surrogate: {code} {text[:200]}, not 422 naming {name}")
    if hostile.expect == "400" and code != 400:
        found.append(f"too deep or not JSON: {code} {text[:200]}, not 400")
    if operation.who == "alice" and MARKER in text:
        found.append(f"bob's data in alice's answer: {text[:300]}")
    return [f"{operation.label} {where} {name}={hostile.text[:80]!r}: {p}" for p in found]


def fuzz(world, operation, strategy, examples, send):
    """Run one operation's examples; return its problems (the first failing example's)."""
    seen = []

    @given(case=strategy)
    @settings(FAST, max_examples=examples)
    @seed(zlib.crc32(f"{operation.label} {send.where}".encode()))  # its own values, every run
    def run(case):
        name, hostile = case
        before, snapshot = world.row_counts(), read(world, operation)
        response = send(name, hostile)
        if response.status_code < 300 and operation.who == "carol":
            world.reset("carol")

        def unchanged():
            return world.row_counts() == before and read(world, operation) == snapshot

        found = problems_of(operation, hostile, name, send.where, response, unchanged)
        seen.extend(found)
        assert not found

    try:
        run()
    except (Exception, BaseExceptionGroup):  # noqa: BLE001 - the problems are in `seen`
        if not seen:
            raise
    return list(dict.fromkeys(seen))


def read(world, operation):
    """The resource's own GET answer, for a PUT or PATCH (what a refused write must not change)."""
    if operation.method not in ("PUT", "PATCH"):
        return None
    answer = world.clients[operation.who].get(operation.url).get_json()
    return {key: value for key, value in answer.items() if key not in MOVING}


def body_sender(world, operation):
    def send(name, hostile):
        base = read(world, operation) if operation.method == "PUT" else operation.body
        text = json.dumps((base or {}) | {name: PLACEHOLDER})
        text = text.replace(json.dumps(PLACEHOLDER), hostile.text, 1)
        api = world.clients[operation.who]
        return api.request(
            operation.method, operation.url, data=text, content_type="application/json"
        )

    send.where = "json"
    return send


def query_sender(world, operation):
    def send(name, hostile):
        body = {} if operation.method in ("POST", "PUT", "PATCH") else None
        api = world.clients[operation.who]
        return api.request(operation.method, f"{operation.url}?{name}={hostile.text}", json=body)

    send.where = "query"
    return send


def test_hostile_body_fields_get_4xx_naming_them_and_write_nothing(world):
    writes = [op for op in world.operations if op.fields]
    assert len(writes) > 25
    problems = [
        problem
        for op in writes
        for problem in fuzz(
            world,
            op,
            st.tuples(st.sampled_from(op.fields), json_value),
            BODY_EXAMPLES,
            body_sender(world, op),
        )
    ]
    assert not problems, "\n".join(problems)


def test_hostile_query_values_get_4xx_naming_them_and_write_nothing(world):
    queried = [op for op in world.operations if op.query]
    assert len(queried) > 25
    problems = [
        problem
        for op in queried
        for problem in fuzz(
            world,
            op,
            st.tuples(st.sampled_from(op.query), query_value),
            QUERY_EXAMPLES,
            query_sender(world, op),
        )
    ]
    assert not problems, "\n".join(problems)
