"""Routes for tasks: list, create, change and delete."""

from __future__ import annotations

from apiflask import APIBlueprint

from ticketapi.api import SECURED
from ticketapi.auth.current import current_actor
from ticketapi.core.transactions import commit
from ticketapi.pagination import page_of, paginate
from ticketapi.tasks import schemas, services
from ticketapi.timeutil import utcnow

bp = APIBlueprint("tasks", __name__, url_prefix="/api/v1", tag="Tasks")


@bp.get("/tasks")
@bp.input(schemas.TaskFilter, location="query")
@bp.output(page_of(schemas.TaskOut))
@bp.doc(summary="List the tasks you may see; soonest due first, undated last", **SECURED)
def list_tasks(query_data):
    page, per_page = query_data.pop("page"), query_data.pop("per_page")
    return paginate(services.tasks_query(current_actor(), query_data), page, per_page)


@bp.post("/tasks")
@bp.input(schemas.TaskIn)
@bp.output(schemas.TaskOut, status_code=201)
@bp.doc(summary="Create a task for yourself, another agent or a team", **SECURED)
def create_task(json_data):
    task = services.create_task(current_actor(), json_data, now=utcnow())
    commit()
    return task, 201, {"Location": f"/api/v1/tasks/{task.id}"}


@bp.get("/tasks/<int:task_id>")
@bp.output(schemas.TaskOut)
@bp.doc(summary="Get a task", **SECURED)
def get_task(task_id: int):
    return services.get_task(current_actor(), task_id)


@bp.patch("/tasks/<int:task_id>")
@bp.input(schemas.TaskPatch)
@bp.output(schemas.TaskOut)
@bp.doc(summary="Change a task or mark it done (creator, assignees, tasks.manage)", **SECURED)
def update_task(task_id: int, json_data):
    return commit(services.update_task(current_actor(), task_id, json_data, now=utcnow()))


@bp.delete("/tasks/<int:task_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete a task (its creator, or tasks.manage)", **SECURED)
def delete_task(task_id: int):
    services.delete_task(current_actor(), task_id)
    commit()
    return ""
