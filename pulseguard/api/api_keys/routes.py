"""Routes of /api/auth/api-keys/: the signed-in user's own keys."""

from flask.views import MethodView

from pulseguard.api.api_keys import blp
from pulseguard.api.api_keys.queries import ensure_name_free, get_key_of, issue, keys_of
from pulseguard.api.api_keys.schemas import (
    ApiKeyQuerySchema,
    ApiKeyRenameSchema,
    ApiKeySchema,
    NewApiKeySchema,
)
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.extensions import db
from pulseguard.security import current_user

NO_STORE = {"Cache-Control": "no-store"}
JWT_ONLY = {"description": "An API key was sent: these routes need a JWT"}


@blp.route("/")
class ApiKeys(MethodView):
    @blp.arguments(ApiKeyQuerySchema, location="query")
    @blp.response(200, ApiKeySchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    @blp.alt_response(403, **JWT_ONLY)
    def get(self, args, pagination_parameters):
        """List your API keys (never their secret), newest first."""
        stmt = keys_of(current_user().id, args["include_revoked"])
        return paginate(stmt, pagination_parameters)

    @blp.arguments(ApiKeySchema)
    @blp.response(201, NewApiKeySchema)
    @blp.alt_response(403, description="An API key was sent, or `admin` asked by a non-admin")
    @blp.alt_response(409, description="You have a key of that name")
    def post(self, data):
        """Create an API key: the answer holds the key itself, this once (no-store)."""
        row, key = issue(current_user(), data)
        db.session.commit()
        row.key = key  # the answer's one copy: never stored
        return row, 201, NO_STORE


@blp.route("/<int:key_id>/")
class ApiKeyById(MethodView):
    @blp.response(200, ApiKeySchema)
    @blp.alt_response(404, description="No such key of yours")
    def get(self, key_id):
        """Return one of your API keys (revoked ones too)."""
        return get_key_of(current_user().id, key_id, include_revoked=True)

    @blp.arguments(ApiKeyRenameSchema)
    @blp.response(200, ApiKeySchema)
    @blp.alt_response(404, description="No such key of yours, or revoked")
    @blp.alt_response(409, description="You have a key of that name")
    def patch(self, data, key_id):
        """Rename one of your API keys (nothing else of a key changes)."""
        key = get_key_of(current_user().id, key_id)
        ensure_name_free(key.user_id, data["name"], key)
        key.name = data["name"]
        db.session.commit()
        return key

    @blp.response(204)
    @blp.alt_response(404, description="No such key of yours, or revoked already")
    def delete(self, key_id):
        """Revoke one of your API keys at once (the row stays, with `revoked_at`, for audit)."""
        get_key_of(current_user().id, key_id).revoke()
        db.session.commit()
