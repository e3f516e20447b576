"""Routes for failed background jobs (admins)."""

from __future__ import annotations

from apiflask import APIBlueprint

from ticketapi.api import SECURED
from ticketapi.auth.current import current_actor
from ticketapi.core.transactions import commit
from ticketapi.jobs import schemas, services
from ticketapi.pagination import PageArgs, page_of, paginate
from ticketapi.timeutil import utcnow

bp = APIBlueprint("jobs", __name__, url_prefix="/api/v1", tag="Jobs")


@bp.get("/jobs/failed")
@bp.input(PageArgs, location="query")
@bp.output(page_of(schemas.FailedJobOut))
@bp.doc(summary="List jobs that failed every retry, latest first (admins)", **SECURED)
def list_failed_jobs(query_data):
    return paginate(services.failed_jobs_query(current_actor()), **query_data)


@bp.post("/jobs/failed/<int:failed_job_id>/retry")
@bp.output(schemas.FailedJobOut)
@bp.doc(summary="Queue a failed job again (admins)", **SECURED)
def retry_failed_job(failed_job_id: int):
    return commit(services.retry_failed_job(current_actor(), failed_job_id, now=utcnow()))
