"""Routes of /api/status-pages/: the owner's CRUD and preview."""

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

import pulseguard.pagecache as pagecache
from pulseguard.api.access import visible_server_ids
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.api.status_pages import blp
from pulseguard.api.status_pages.schemas import StatusPageSchema
from pulseguard.extensions import db
from pulseguard.models import StatusPage
from pulseguard.pages.summary import summary
from pulseguard.security import current_user


def visible_pages():
    user = current_user()
    stmt = select(StatusPage)
    return stmt if user.is_admin else stmt.where(StatusPage.owner_id == user.id)


def get_own_page(page_id):
    page = db.session.scalar(visible_pages().where(StatusPage.id == page_id))
    if page is None:
        abort(404, message=f"Status page {page_id} not found.")
    return page


def check_groups(groups, owner_id):
    """422 for servers that are not the owner's, or listed twice."""
    listed = [item["server"] for group in groups for item in group["servers"]]
    mine = visible_server_ids(listed) if listed else set()
    errors: dict = {}
    for g, s, problem in group_problems(groups, mine, lambda _server: "Unknown server."):
        errors.setdefault(str(g), {}).setdefault("servers", {})[str(s)] = {"server": [problem]}
    if errors:
        abort(422, errors={"json": {"groups": errors}})


def group_problems(groups, known, unknown) -> list[tuple[int, int, str]]:
    """Return (group, position, message) for each server not known, or on the page twice."""
    problems = []
    seen = set()
    for g, group in enumerate(groups):
        for s, item in enumerate(group["servers"]):
            if item["server"] not in known:
                problems.append((g, s, unknown(item["server"])))
            elif item["server"] in seen:
                problems.append((g, s, "Listed twice on this page."))
            seen.add(item["server"])
    return problems


def apply(page, data):
    if "slug" in data and data["slug"] != page.slug:
        taken = db.session.scalar(select(StatusPage.id).where(StatusPage.slug == data["slug"]))
        if taken is not None:
            abort(409, message="slug already taken")
    if "groups" in data:
        check_groups(data["groups"], page.owner_id)
    old_slug = page.slug
    for key, value in data.items():
        setattr(page, key, value)
    return old_slug


@blp.route("/")
class StatusPages(MethodView):
    @blp.response(200, StatusPageSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, pagination_parameters):
        """List your status pages."""
        return paginate(visible_pages().order_by(StatusPage.id), pagination_parameters)

    @blp.arguments(StatusPageSchema)
    @blp.response(201, StatusPageSchema)
    @blp.alt_response(409, description="The slug is already taken")
    def post(self, data):
        """Create a status page (unpublished unless `published` is true)."""
        page = StatusPage(owner_id=current_user().id)
        apply(page, data)
        db.session.add(page)
        db.session.commit()
        return page


@blp.route("/<int:page_id>/")
class StatusPageById(MethodView):
    @blp.response(200, StatusPageSchema)
    @blp.alt_response(404, description="No such page (or not yours)")
    def get(self, page_id):
        """Return a status page's settings."""
        return get_own_page(page_id)

    @blp.arguments(StatusPageSchema(partial=True))
    @blp.response(200, StatusPageSchema)
    @blp.alt_response(404, description="No such page (or not yours)")
    @blp.alt_response(409, description="The slug is already taken")
    def patch(self, data, page_id):
        """Change some of a status page's settings (groups are replaced as a whole)."""
        page = get_own_page(page_id)
        old_slug = apply(page, data)
        db.session.commit()
        pagecache.clear_slugs([old_slug, page.slug])
        return page

    @blp.response(204)
    @blp.alt_response(404, description="No such page (or not yours)")
    def delete(self, page_id):
        """Delete a status page: its public URLs answer 404 at once."""
        page = get_own_page(page_id)
        db.session.delete(page)
        db.session.commit()
        pagecache.clear_slugs([page.slug])


@blp.route("/<int:page_id>/preview/")
class StatusPagePreview(MethodView):
    @blp.response(200, description="The public summary JSON, even while unpublished")
    @blp.alt_response(404, description="No such page (or not yours)")
    def get(self, page_id):
        """Preview the page's public JSON (as `GET /api/public/status-pages/<slug>/` shows it)."""
        return summary(get_own_page(page_id))
