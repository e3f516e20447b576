"""Routes for snippets: list, create, change, delete, and fill in for a ticket."""

from __future__ import annotations

from apiflask import APIBlueprint

from ticketapi.api import SECURED
from ticketapi.auth.current import current_actor
from ticketapi.core.transactions import commit
from ticketapi.pagination import page_of, paginate
from ticketapi.snippets import schemas, services, templating
from ticketapi.timeutil import utcnow

bp = APIBlueprint("snippets", __name__, url_prefix="/api/v1", tag="Snippets")


@bp.get("/snippets")
@bp.input(schemas.SnippetFilter, location="query")
@bp.output(page_of(schemas.SnippetOut))
@bp.doc(summary="List the shared snippets and your own, by title (agents)", **SECURED)
def list_snippets(query_data):
    page, per_page = query_data.pop("page"), query_data.pop("per_page")
    return paginate(services.snippets_query(current_actor(), query_data), page, per_page)


@bp.post("/snippets")
@bp.input(schemas.SnippetIn)
@bp.output(schemas.SnippetOut, status_code=201)
@bp.doc(summary="Save a snippet: yours, or shared (snippets.manage)", **SECURED)
def create_snippet(json_data):
    snippet = services.create_snippet(current_actor(), json_data, now=utcnow())
    commit()
    return snippet, 201, {"Location": f"/api/v1/snippets/{snippet.id}"}


@bp.get("/snippets/<int:snippet_id>")
@bp.output(schemas.SnippetOut)
@bp.doc(summary="Get a snippet (shared, or yours)", **SECURED)
def get_snippet(snippet_id: int):
    return services.get_snippet(current_actor(), snippet_id)


@bp.patch("/snippets/<int:snippet_id>")
@bp.input(schemas.SnippetPatch)
@bp.output(schemas.SnippetOut)
@bp.doc(summary="Change your snippet, or a shared one (snippets.manage)", **SECURED)
def update_snippet(snippet_id: int, json_data):
    return commit(services.update_snippet(current_actor(), snippet_id, json_data, now=utcnow()))


@bp.delete("/snippets/<int:snippet_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete your snippet, or a shared one (snippets.manage)", **SECURED)
def delete_snippet(snippet_id: int):
    services.delete_snippet(current_actor(), snippet_id)
    commit()
    return ""


@bp.post("/snippets/<int:snippet_id>/render")
@bp.input(schemas.RenderIn)
@bp.output(schemas.RenderedOut)
@bp.doc(
    summary="Fill in a snippet's placeholders for a ticket you can see",
    description="Placeholders: " + templating.placeholder_list(),
    **SECURED,
)
def render_snippet(snippet_id: int, json_data):
    return {"body": services.render_snippet(current_actor(), snippet_id, json_data["ticket_id"])}
