"""Routes of /api/users/<id>/api-keys/: admins list and revoke any user's keys."""

from flask.views import MethodView

from pulseguard.api.access import admin_required
from pulseguard.api.api_keys.queries import get_key_of, keys_of
from pulseguard.api.api_keys.schemas import ApiKeyQuerySchema, ApiKeySchema
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.api.users import blp
from pulseguard.api.users.routes import get_user
from pulseguard.extensions import db


@blp.route("/<int:user_id>/api-keys/")
class UserApiKeys(MethodView):
    decorators = [admin_required]

    @blp.arguments(ApiKeyQuerySchema, location="query")
    @blp.response(200, ApiKeySchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    @blp.alt_response(404, description="No such user")
    def get(self, args, user_id, pagination_parameters):
        """List a user's API keys (never their secret), newest first."""
        get_user(user_id)
        return paginate(keys_of(user_id, args["include_revoked"]), pagination_parameters)


@blp.route("/<int:user_id>/api-keys/<int:key_id>/")
class UserApiKeyById(MethodView):
    decorators = [admin_required]

    @blp.response(204)
    @blp.alt_response(404, description="No such user or key, or revoked already")
    def delete(self, user_id, key_id):
        """Revoke a user's API key at once."""
        get_key_of(get_user(user_id).id, key_id).revoke()
        db.session.commit()
