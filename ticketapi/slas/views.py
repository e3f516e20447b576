"""Routes for SLA definitions and working-hours schedules: agents read, admins change."""

from __future__ import annotations

from apiflask import APIBlueprint

from ticketapi.api import SECURED
from ticketapi.auth.current import current_actor
from ticketapi.core.transactions import commit
from ticketapi.pagination import PageArgs, page_of, paginate
from ticketapi.slas import schemas, services
from ticketapi.timeutil import utcnow

bp = APIBlueprint("slas", __name__, url_prefix="/api/v1", tag="SLAs")


@bp.get("/slas")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.SlaOut))
@bp.doc(summary="List SLA definitions by name (agents)", **SECURED)
def list_slas(query_data):
    return paginate(services.slas_query(current_actor()), **query_data)


@bp.post("/slas")
@bp.input(schemas.SlaIn)
@bp.output(schemas.SlaOut, status_code=201)
@bp.doc(summary="Create an SLA definition (admins)", **SECURED)
def create_sla(json_data):
    sla = services.create_sla(current_actor(), json_data, now=utcnow())
    commit()
    return sla, 201, {"Location": f"/api/v1/slas/{sla.id}"}


@bp.get("/slas/<int:sla_id>")
@bp.output(schemas.SlaOut)
@bp.doc(summary="Get an SLA definition (agents)", **SECURED)
def get_sla(sla_id: int):
    return services.get_sla(current_actor(), sla_id)


@bp.patch("/slas/<int:sla_id>")
@bp.input(schemas.SlaPatch)
@bp.output(schemas.SlaOut)
@bp.doc(summary="Change an SLA definition (admins)", **SECURED)
def update_sla(sla_id: int, json_data):
    return commit(services.update_sla(current_actor(), sla_id, json_data, now=utcnow()))


@bp.delete("/slas/<int:sla_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete an SLA definition (admins)", **SECURED)
def delete_sla(sla_id: int):
    services.delete_sla(current_actor(), sla_id)
    commit()
    return ""


@bp.get("/schedules")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.ScheduleOut))
@bp.doc(summary="List working-hours schedules by name (agents)", **SECURED)
def list_schedules(query_data):
    return paginate(services.schedules_query(current_actor()), **query_data)


@bp.post("/schedules")
@bp.input(schemas.ScheduleIn)
@bp.output(schemas.ScheduleOut, status_code=201)
@bp.doc(summary="Create a working-hours schedule (admins)", **SECURED)
def create_schedule(json_data):
    row = services.create_schedule(current_actor(), json_data, now=utcnow())
    commit()
    return row, 201, {"Location": f"/api/v1/schedules/{row.id}"}


@bp.get("/schedules/<int:schedule_id>")
@bp.output(schemas.ScheduleOut)
@bp.doc(summary="Get a working-hours schedule (agents)", **SECURED)
def get_schedule(schedule_id: int):
    return services.get_schedule(current_actor(), schedule_id)


@bp.patch("/schedules/<int:schedule_id>")
@bp.input(schemas.SchedulePatch)
@bp.output(schemas.ScheduleOut)
@bp.doc(summary="Change a working-hours schedule (admins)", **SECURED)
def update_schedule(schedule_id: int, json_data):
    return commit(services.update_schedule(current_actor(), schedule_id, json_data, now=utcnow()))


@bp.delete("/schedules/<int:schedule_id>")
@bp.output({}, status_code=204)
@bp.doc(summary="Delete a schedule no SLA uses (admins; 409 names the SLAs)", **SECURED)
def delete_schedule(schedule_id: int):
    services.delete_schedule(current_actor(), schedule_id)
    commit()
    return ""
