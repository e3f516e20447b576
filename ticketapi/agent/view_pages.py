"""The routes that save, rename and delete an agent's views (agent/saved_views.py).

Every route acts on the signed-in agent's own views only (another agent's id is 404), posts
with the form's CSRF token (the shell's guard), and goes back to a queue page with one line
saying what happened or why nothing did.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from ticketapi.agent import filters, saved_views
from ticketapi.agent.shell import tell
from ticketapi.core.transactions import commit
from ticketapi.errors import Invalid
from ticketapi.timeutil import utcnow

bp = Blueprint("views", __name__, url_prefix="/views")


@bp.post("")
def create():
    chosen, problems = filters.parse(request.form)
    if problems:
        tell("The filter has fields we could not read: nothing was saved.")
        return redirect(url_for("agent.start.home", queue="filter", **filters.as_args(chosen)), 303)
    try:
        view = saved_views.create(
            current_user.account, request.form.get("name", ""), chosen, now=utcnow()
        )
    except Invalid as problem:
        tell(f"{problem.message} Nothing was saved.")
        return redirect(url_for("agent.start.home", queue="filter", **filters.as_args(chosen)), 303)
    commit()
    tell(f"Saved the view {view.name}.")
    return redirect(url_for("agent.start.home", queue=f"view-{view.id}"), 303)


@bp.post("/<int:view_id>/rename")
def rename(view_id: int):
    try:
        view = saved_views.rename(current_user.account, view_id, request.form.get("name", ""))
    except Invalid as problem:
        tell(f"{problem.message} The name was not changed.")
    else:
        commit()
        tell(f"Renamed the view to {view.name}.")
    return redirect(url_for("agent.start.home", queue=f"view-{view_id}"), 303)


@bp.post("/<int:view_id>/delete")
def delete(view_id: int):
    saved_views.delete(current_user.account, view_id)
    commit()
    tell("Deleted the view.")
    return redirect(url_for("agent.start.home"), 303)
