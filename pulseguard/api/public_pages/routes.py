"""Routes of /api/public/: a page's summary, its daily bars and its badge."""

import json

from flask import current_app, request
from marshmallow import Schema, ValidationError, fields, validate

import pulseguard.badges as badges
from pulseguard.api.blueprint import PUBLIC_DOC
from pulseguard.api.public_pages import blp
from pulseguard.pages import incidents
from pulseguard.pages.answers import (
    conditional,
    dumps,
    published_page,
    summary_body,
    summary_entry,
)
from pulseguard.pages.summary import page_components, uptime_bars

SLUG = "/status-pages/<string(minlength=1, maxlength=64):slug>"
SUMMARY_CACHE = "public, max-age=30, stale-while-revalidate=60"
OVERALL_BADGE = {
    "operational": ("operational", "brightgreen"),
    "degraded": ("degraded", "yellow"),
    "partial_outage": ("partial outage", "orange"),
    "major_outage": ("major outage", "red"),
    "maintenance": ("maintenance", "blue"),
}


class DaysSchema(Schema):
    days = fields.Int(validate=validate.Range(1, 90), metadata={"description": "1..90"})


@blp.route(SLUG + "/", methods=["GET"])
@blp.doc(**PUBLIC_DOC)
@blp.response(200, description="The page's summary: overall status, groups and components")
@blp.alt_response(304, description="Not modified (If-None-Match)")
@blp.alt_response(404, description="No such page, or not published")
def page_summary(slug):
    """Return a published page's summary (cached per slug for up to 30 s, cleared by changes).

    `overall` (and each group's `status`) is the worse of its components and of the open
    public manual incidents shown: severity `degraded` makes it at least `degraded`, `down` at
    least `partial_outage`. Times are UTC with their offset; the HTML page shows them in the
    page's `timezone`.
    """
    body, etag = summary_entry(slug)
    return conditional(body, "application/json", SUMMARY_CACHE, etag)


@blp.route(SLUG + "/uptime/", methods=["GET"])
@blp.doc(**PUBLIC_DOC)
@blp.arguments(DaysSchema, location="query")
@blp.response(200, description="Daily bars per component, oldest day first, in the page's zone")
@blp.alt_response(404, description="No such page, or not published")
def page_uptime(args, slug):
    """Return a published page's daily bars (time-weighted, from the daily state rollups).

    Each day's `incidents` lists the public incidents open at some moment of that day: an
    automatic one on its server's bars, a manual one on the bars of the servers it names on
    this page, and a manual one announced to the page (`status_pages`) that names none of its
    servers on every component of the page. Incidents do not change a day's `status`, which
    comes from the server's own states.
    """
    page = published_page(slug)
    days = args.get("days", page.bar_days)
    if not page.show_bars:
        body = {"timezone": page.timezone, "days": [], "components": {}}
    else:
        body = uptime_bars(page, days)
    return conditional(dumps(body), "application/json", SUMMARY_CACHE)


class Cursor(fields.Str):
    """The `next` of the previous answer (opaque: a time and the last incident's public id)."""

    def _deserialize(self, value, attr, data, **kwargs):
        cursor = incidents.parse_cursor(super()._deserialize(value, attr, data, **kwargs))
        if cursor is None:
            raise ValidationError("Not a cursor.")
        return cursor


class HistorySchema(Schema):
    before = Cursor(
        metadata={"description": "the `next` of the previous answer", "pattern": incidents.CURSOR}
    )
    limit = fields.Int(validate=validate.Range(1, 100), load_default=20)


@blp.route(SLUG + "/incidents/", methods=["GET"])
@blp.doc(**PUBLIC_DOC)
@blp.arguments(HistorySchema, location="query")
@blp.response(
    200,
    description="Public incidents of the page's servers, newest first: "
    '`{"incidents": [...], "next": cursor or null}`',
)
@blp.alt_response(404, description="No such page, or not published")
def page_incidents(args, slug):
    """Return a published page's public incident history, cursor-paginated (limit <= 100)."""
    page = published_page(slug)
    shown, after = [], None
    if page.show_incidents:
        shown, after = incidents.history(
            page, page_components(page), args.get("before"), args["limit"]
        )
    return conditional(dumps({"incidents": shown, "next": after}), "application/json",
                       SUMMARY_CACHE)  # fmt: skip


@blp.route(SLUG + "/badge.<any(svg, json):fmt>", methods=["GET"])
@blp.doc(**PUBLIC_DOC)
@blp.response(200, description="The page's overall status as an SVG or shields.io JSON badge")
@blp.alt_response(404, description="No such page, or not published")
def page_badge(slug, fmt):
    """Return a published page's overall status badge (`badge.svg` or `badge.json`)."""
    status = json.loads(summary_body(slug))["overall"]["status"]
    message, color = OVERALL_BADGE[status]
    label = request.args.get("label", "status")[: badges.LABEL_MAX]
    cache = f"public, max-age={current_app.config.get('BADGE_MAX_AGE_S', 60)}"
    if fmt == "svg":
        return conditional(badges.svg(label, message, color).encode(), "image/svg+xml", cache)
    return conditional(
        dumps(badges.endpoint_json(label, message, color)), "application/json", cache
    )
