"""Routes for search: the portal's search, and "this answered my question"."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app, request

from ticketapi.api import SECURED
from ticketapi.auth.current import current_actor
from ticketapi.core.transactions import commit
from ticketapi.extensions import limiter
from ticketapi.pagination import Page, page_of
from ticketapi.search import schemas, services
from ticketapi.timeutil import utcnow

bp = APIBlueprint("search", __name__, url_prefix="/api/v1", tag="Search")


def search_limit() -> str:
    return current_app.config["SEARCH_RATE_LIMIT"]


def deflection_limit() -> str:
    return current_app.config["DEFLECTION_RATE_LIMIT"]


@bp.get("/search")
@limiter.limit(search_limit)
@bp.input(schemas.SearchArgs, location="query")
@bp.output(schemas.SearchOut)
@bp.doc(
    summary="Search the portal: ranked results with snippets, a suggestion, counts per "
    "section; no token needed (restricted articles: their usergroups' members, agents)"
)
def search(query_data):
    answer = services.search_articles(current_actor(), **query_data)
    root = current_app.config["SITE_URL"] or request.host_url
    body = answer.as_dict()
    for result in body["results"]:
        result["link"] = services.absolute_link(result["url"], root)
    return body


@bp.post("/search/deflections")
@limiter.limit(deflection_limit)
@bp.input(schemas.DeflectionIn)
@bp.output({}, status_code=204)
@bp.doc(summary='Count "this answered my question" for a search result; anonymous allowed')
def record_deflection(json_data):
    services.record_deflection(current_actor(), **json_data, now=utcnow())
    commit()
    return ""


@bp.get("/search/deflections")
@bp.input(schemas.DeflectionArgs, location="query")
@bp.output(page_of(schemas.DeflectionCountOut))
@bp.doc(summary="Deflections per page over the last `days`, most first (reports.view)", **SECURED)
def deflection_report(query_data):
    page, per_page = query_data.pop("page"), query_data.pop("per_page")
    report = services.deflection_report(current_actor(), days=query_data["days"], now=utcnow())
    items = report[(page - 1) * per_page : page * per_page]
    return Page(items=items, page=page, per_page=per_page, total=len(report))
