"""The API's blueprint: authentication is declared once, for every route of the blueprint.

Every route of a `Blueprint` needs a signed-in caller (the credential is resolved by
`pulseguard.security.authenticate`, before the body or query is read, so that an anonymous
caller gets 401 rather than 422), except the routes marked with `@blp.public` (below
`@blp.route`) and every route of a `Blueprint(..., public=True)`. Authorization (admins only,
ownership) stays with each route.
"""

import flask_smorest
from flask import request

from pulseguard.security import authenticate

PUBLIC_DOC = {"security": []}  # the OpenAPI document's way to say "no credential needed"


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint whose routes need a credential unless marked public."""

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.public_views: set[str] = set()
        if not public:
            self.before_request(self._authenticate)

    def public(self, view):
        """Mark one route as open to anyone (place it below @blp.route)."""
        self.public_views.add(view.__name__)
        return self.doc(**PUBLIC_DOC)(view)

    def _authenticate(self):
        if request.endpoint and request.endpoint.rsplit(".", 1)[-1] in self.public_views:
            return None
        authenticate()
        return None
