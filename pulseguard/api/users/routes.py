"""Routes of /api/users/ (admin only)."""

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import func, select

from pulseguard.api.access import admin_required
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.api.users import blp
from pulseguard.api.users.schemas import AdminUserSchema, UserSchema, UserUpdateSchema
from pulseguard.extensions import db
from pulseguard.models import User
from pulseguard.models.user import create_user, ensure_username_free

ADMIN_ONLY = [admin_required]


def get_user(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, message=f"User {user_id} not found.")
    return user


def ensure_an_admin_remains(user):
    admins = db.session.scalar(select(func.count(User.id)).filter_by(is_admin=True))
    if user.is_admin and admins <= 1:
        abort(409, message="This is the last administrator; make another one first.")


@blp.route("/")
class Users(MethodView):
    decorators = ADMIN_ONLY

    @blp.response(200, UserSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    @blp.alt_response(403, description="Not an administrator")
    def get(self, pagination_parameters):
        """List users."""
        return paginate(select(User).order_by(User.id), pagination_parameters)

    @blp.arguments(AdminUserSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="Username taken")
    def post(self, data):
        """Create a user."""
        user = create_user(data["username"], data["password"], data.get("email"), data["is_admin"])
        db.session.commit()
        return user


@blp.route("/<int:user_id>/")
class UserById(MethodView):
    decorators = ADMIN_ONLY

    @blp.response(200, UserSchema)
    @blp.alt_response(404, description="No such user")
    def get(self, user_id):
        """Return a user."""
        return get_user(user_id)

    @blp.arguments(UserUpdateSchema(partial=True))
    @blp.response(200, UserSchema)
    @blp.alt_response(409, description="Username taken, or the last admin would go")
    def patch(self, data, user_id):
        """Change a user's name, email, password or admin flag."""
        user = get_user(user_id)
        if "username" in data:
            ensure_username_free(data["username"], user)
            user.username = data["username"]
        if "email" in data:
            user.email = data["email"]
        if "password" in data:
            user.set_password(data["password"])
        if data.get("is_admin") is False:
            ensure_an_admin_remains(user)
        if "is_admin" in data:
            user.is_admin = data["is_admin"]
        db.session.commit()
        return user

    @blp.response(204)
    @blp.alt_response(409, description="The last admin cannot be deleted")
    def delete(self, user_id):
        """Delete a user and everything they own."""
        user = get_user(user_id)
        ensure_an_admin_remains(user)
        db.session.delete(user)
        db.session.commit()
