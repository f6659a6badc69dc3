"""Read-only keys never see write capabilities (push tokens, badge keys): the one hook."""

import pytest
from flask.views import MethodView
from marshmallow import Schema, fields

from pulseguard import create_app
from pulseguard.api.blueprint import Blueprint
from pulseguard.api.fields import Capability
from pulseguard.extensions import db
from pulseguard.models import User
from pulseguard.security import issue_tokens
from tests.api_keys.conftest import KeyClient
from tests.conftest import ApiClient, make_config


class ThingSchema(Schema):
    name = fields.Str()
    token = Capability()


@pytest.fixture
def thing_app(database_url):
    """An app with one extra route whose answer holds a capability."""
    app = create_app(make_config(database_url))
    blp = Blueprint("things", __name__, url_prefix="/api/things")

    @blp.route("/")
    class Things(MethodView):
        @blp.response(200, ThingSchema)
        def get(self):
            return {"name": "job", "token": "s3cret"}

    app.extensions["pulseguard_api"].register_blueprint(blp)
    return app


@pytest.fixture
def keys(make_key):
    return {
        scopes: make_key(scopes=scopes.split(","))["key"]
        for scopes in ("read", "write", "read,write")
    }


def test_read_keys_get_answers_without_capabilities(thing_app, keys, alice):
    with thing_app.app_context():
        jwt = issue_tokens(db.session.get(User, alice.id), refresh=False)["access"]
    seen = {
        name: client.get("/api/things/").json
        for name, client in {
            "jwt": ApiClient(thing_app.test_client(), jwt),
            **{scopes: KeyClient(thing_app.test_client(), key) for scopes, key in keys.items()},
        }.items()
    }
    assert seen["read"] == {"name": "job"}
    for name in ("jwt", "write", "read,write"):
        assert seen[name] == {"name": "job", "token": "s3cret"}, name
