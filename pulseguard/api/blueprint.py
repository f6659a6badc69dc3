"""The API's blueprint: authentication is declared once, for every route of the blueprint.

Every route of a `Blueprint` needs a signed-in caller (the credential is resolved by
`pulseguard.security.authenticate`, before the body or query is read, so that an anonymous
caller gets 401 rather than 422), except the routes marked with `@blp.public` (below
`@blp.route`) and every route of a `Blueprint(..., public=True)`.

An API key also needs the scope of the request's method: `read` for GET/HEAD, `write` for the
rest. Routes marked `@blp.people_only`, and every route of a `Blueprint(..., people_only=True)`,
refuse API keys (403): managing keys, passwords and users needs a JWT. Authorization (admins
only, ownership) stays with each route.
"""

import flask_smorest
from flask import request

from pulseguard.keyauth import scope_for_method
from pulseguard.security import authenticate, require_person, require_scope

PUBLIC_DOC = {"security": []}  # the OpenAPI document's way to say "no credential needed"
PEOPLE_DOC = {"security": [{"bearerAuth": []}]}  # a JWT only, no API key


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint whose routes need a credential unless marked public."""

    def __init__(self, *args, public: bool = False, people_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.public_views: set[str] = set()
        self.people_views: set[str] = set()
        self.all_people_only = people_only
        if not public:
            self.before_request(self._authenticate)

    def route(self, rule, **options):
        """Register a route; in a people-only blueprint, document it as taking a JWT only."""
        register = super().route(rule, **options)
        if not self.all_people_only:
            return register

        def people_route(view):
            if not isinstance(view, type):
                return register(self.doc(**PEOPLE_DOC)(view))
            for name in ("get", "post", "put", "patch", "delete"):
                if hasattr(view, name):
                    setattr(view, name, self.doc(**PEOPLE_DOC)(getattr(view, name)))
            return register(view)

        return people_route

    def public(self, view):
        """Mark one route as open to anyone (place it below @blp.route)."""
        self.public_views.add(view.__name__)
        return self.doc(**PUBLIC_DOC)(view)

    def people_only(self, view):
        """Mark one route as refusing API keys (place it below @blp.route)."""
        self.people_views.add(view.__name__)
        return self.doc(**PEOPLE_DOC)(view)

    def _authenticate(self):
        name = request.endpoint.rsplit(".", 1)[-1] if request.endpoint else None
        if name in self.public_views:
            return None
        authenticate()
        if self.all_people_only or name in self.people_views:
            require_person()
        else:
            require_scope(scope_for_method(request.method))
        return None
