"""SLA definition services: agents read, admins change; every check names the field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from ticketapi import permissions as rules
from ticketapi.core.access import require
from ticketapi.core.rows import get_or_404
from ticketapi.errors import Conflict, Invalid
from ticketapi.extensions import db
from ticketapi.jobs.outbox import enqueue_after_commit
from ticketapi.people.models import Organization, Team, Usergroup
from ticketapi.permissions import Actor
from ticketapi.slas.hours import Schedule
from ticketapi.slas.models import Sla, WorkSchedule, build_schedule
from ticketapi.slas.recompute import recompute_job

# applies_to key -> the model its ids must name.
ID_CONDITIONS = {
    "organization_ids": Organization,
    "usergroup_ids": Usergroup,
    "team_ids": Team,
}


AGENTS_ONLY = "SLAs are for agents only."


def _manager_refusal(actor: Actor) -> str:
    return "Only admins change SLAs and schedules." if actor.is_agent else AGENTS_ONLY


# SLAs.


def slas_query(actor: Actor) -> Select:
    require(rules.can_view_slas, actor, None, AGENTS_ONLY)
    return select(Sla).order_by(Sla.name, Sla.id)


def get_sla(actor: Actor, sla_id: int) -> Sla:
    require(rules.can_view_slas, actor, None, AGENTS_ONLY)
    return get_or_404(Sla, sla_id, "SLA")


def create_sla(actor: Actor, values: dict[str, Any], *, now: datetime) -> Sla:
    require(rules.can_manage_slas, actor, None, _manager_refusal(actor))
    sla = Sla(
        created_at=now,
        updated_at=now,
        warning_minutes=0,
        hours_kind="24x7",
        applies_to={},
        on_warning={},
        on_failure={},
    )
    _apply_sla(sla, values)
    db.session.add(sla)
    db.session.flush()
    clocks_follow_rules()
    return sla


def update_sla(actor: Actor, sla_id: int, changes: dict[str, Any], *, now: datetime) -> Sla:
    require(rules.can_manage_slas, actor, None, _manager_refusal(actor))
    sla = get_sla(actor, sla_id)
    _apply_sla(sla, changes)
    sla.updated_at = now
    db.session.flush()
    clocks_follow_rules()
    return sla


def delete_sla(actor: Actor, sla_id: int) -> None:
    require(rules.can_manage_slas, actor, None, _manager_refusal(actor))
    db.session.delete(get_sla(actor, sla_id))
    clocks_follow_rules()


def clocks_follow_rules() -> None:
    """Open tickets' clocks are recomputed in the background once this change commits."""
    enqueue_after_commit(recompute_job)


def _apply_sla(sla: Sla, values: dict[str, Any]) -> None:
    if "name" in values:
        sla.name = _unique_name(Sla, values["name"], sla.id, "An SLA")
    for name in ("type", "target_minutes", "warning_minutes", "active"):
        if name in values:
            setattr(sla, name, values[name])
    if sla.warning_minutes >= sla.target_minutes:
        raise Invalid(
            "The warning must come before the target: warning_minutes < target_minutes.",
            fields={"warning_minutes": "must be less than target_minutes"},
        )
    if "hours" in values:
        hours = values["hours"]
        if isinstance(hours, int):
            if db.session.get(WorkSchedule, hours) is None:
                raise Invalid(
                    f"There is no schedule {hours}.", fields={"hours": "unknown schedule"}
                )
            sla.hours_kind, sla.schedule_id = "schedule", hours
        else:
            sla.hours_kind, sla.schedule_id = hours, None
    if "applies_to" in values:
        sla.applies_to = _checked_conditions(values["applies_to"])
    for name in ("on_warning", "on_failure"):
        if name in values:
            setattr(sla, name, _checked_actions(name, values[name]))


def _checked_actions(name: str, actions: dict[str, Any]) -> dict[str, Any]:
    """Keep the actions that do something; a team to assign must exist."""
    checked = {key: value for key, value in actions.items() if value not in (None, [], "")}
    if "notify" in checked:
        checked["notify"] = sorted(set(checked["notify"]))
    if "add_label" in checked:
        label = checked["add_label"].strip().lower()
        if not label or "," in label:
            raise Invalid(
                "A label is one word or phrase without commas.",
                fields={f"{name}.add_label": "not a label"},
            )
        checked["add_label"] = label
    team_id = checked.get("assign_team_id")
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise Invalid(
            f"There is no team {team_id}.", fields={f"{name}.assign_team_id": "unknown id"}
        )
    return checked


def _checked_conditions(conditions: dict[str, Any]) -> dict[str, Any]:
    """Keep the non-empty conditions, sorted and without repeats; every id must exist."""
    checked: dict[str, Any] = {}
    for key, values in conditions.items():
        if not values:
            continue
        values = sorted(set(values))
        if model := ID_CONDITIONS.get(key):
            found = set(db.session.scalars(select(model.id).where(model.id.in_(values))))
            if missing := [v for v in values if v not in found]:
                raise Invalid(
                    f"No such {key.removesuffix('_ids')}: {', '.join(map(str, missing))}.",
                    fields={f"applies_to.{key}": "unknown id"},
                )
        checked[key] = values
    return checked


# Schedules.


def schedules_query(actor: Actor) -> Select:
    require(rules.can_view_slas, actor, None, AGENTS_ONLY)
    return select(WorkSchedule).order_by(WorkSchedule.name, WorkSchedule.id)


def get_schedule(actor: Actor, schedule_id: int) -> WorkSchedule:
    require(rules.can_view_slas, actor, None, AGENTS_ONLY)
    return get_or_404(WorkSchedule, schedule_id, "schedule")


def create_schedule(actor: Actor, values: dict[str, Any], *, now: datetime) -> WorkSchedule:
    require(rules.can_manage_slas, actor, None, _manager_refusal(actor))
    row = WorkSchedule(created_at=now, updated_at=now, timezone="UTC", days={}, holidays=[])
    _apply_schedule(row, values)
    db.session.add(row)
    db.session.flush()
    return row


def update_schedule(
    actor: Actor, schedule_id: int, changes: dict[str, Any], *, now: datetime
) -> WorkSchedule:
    require(rules.can_manage_slas, actor, None, _manager_refusal(actor))
    row = get_schedule(actor, schedule_id)
    _apply_schedule(row, changes)
    row.updated_at = now
    db.session.flush()
    clocks_follow_rules()
    return row


def delete_schedule(actor: Actor, schedule_id: int) -> None:
    require(rules.can_manage_slas, actor, None, _manager_refusal(actor))
    row = get_schedule(actor, schedule_id)
    users = list(db.session.scalars(select(Sla.name).where(Sla.schedule_id == row.id)))
    if users:
        raise Conflict(
            f"The schedule is used by {', '.join(sorted(users))}: change those SLAs first.",
            extra={"slas": sorted(users)},
        )
    db.session.delete(row)


def _apply_schedule(row: WorkSchedule, values: dict[str, Any]) -> None:
    if "name" in values:
        row.name = _unique_name(WorkSchedule, values["name"], row.id, "A schedule")
    timezone = values.get("timezone", row.timezone).strip()
    try:
        Schedule(timezone, {})
    except ValueError as error:
        raise Invalid(str(error), fields={"timezone": "unknown time zone"}) from None
    days = {
        key: [list(span) for span in spans] for key, spans in values.get("days", row.days).items()
    }
    holidays = (
        sorted({d.isoformat() for d in values["holidays"]})
        if "holidays" in values
        else row.holidays
    )
    try:
        build_schedule(timezone, days, holidays)
    except ValueError as error:
        raise Invalid(
            f"Those working hours do not work: {error}", fields={"days": "bad intervals"}
        ) from None
    row.timezone, row.days, row.holidays = timezone, days, holidays


def _unique_name(model, name: str, own_id: int | None, what: str) -> str:
    name = name.strip()
    if not name:
        raise Invalid("Give it a name.", fields={"name": "blank"})
    same = select(func.count()).select_from(model).where(model.name == name)
    if own_id is not None:
        same = same.where(model.id != own_id)
    taken = db.session.scalar(same)
    if taken:
        raise Conflict(
            f"{what} called {name} exists already: choose another.",
            fields={"name": "already in use"},
        )
    return name


def refuse_deleting_named_team(team: Team) -> None:
    """Subscribed to people's team_deleting: an SLA that names the team must change first."""
    if slas := sorted(sla.name for sla in db.session.scalars(select(Sla)) if _names(sla, team)):
        raise Conflict(
            f"The team is named by the SLAs {', '.join(slas)}: change those SLAs first.",
            extra={"slas": slas},
        )


def _names(sla: Sla, team: Team) -> bool:
    """Whether an SLA applies to the team or moves tickets to it."""
    return team.id in (sla.applies_to or {}).get("team_ids", []) or team.id in {
        (sla.on_warning or {}).get("assign_team_id"),
        (sla.on_failure or {}).get("assign_team_id"),
    }
