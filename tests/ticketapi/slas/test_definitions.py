"""SLA definitions and working-hours schedules through the API: CRUD, who may, bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.world import ANONYMOUS
from ticketapi.extensions import db
from ticketapi.slas import hours
from ticketapi.slas.models import WorkSchedule

OFFICE = {
    "name": "Paris office",
    "timezone": "Europe/Paris",
    "days": {str(day): [["09:00", "12:00"], ["13:00", "17:00"]] for day in range(5)},
    "holidays": ["2026-12-25"],
}


@pytest.fixture
def admin(world):
    return world.admin()


@pytest.fixture
def agent(world):
    return world.agent("Sam")


def make_schedule(world, who, **values):
    response = world.post("/api/v1/schedules", who, json={**OFFICE, **values})
    assert response.status_code == 201, response.json
    return response.json


def make_sla(world, who, **values):
    body = {"name": "First reply", "type": "first_response", "target_minutes": 60, **values}
    response = world.post("/api/v1/slas", who, json=body)
    assert response.status_code == 201, response.json
    return response.json


def refused(response, status, field=None):
    assert response.status_code == status, response.json
    if field:
        assert field in response.json["error"]["fields"], response.json
    return response.json["error"]


def test_an_admin_creates_reads_changes_and_deletes_an_sla(world, admin):
    support = world.team("Support")
    sla = make_sla(
        world,
        admin,
        warning_minutes=45,
        applies_to={"urgency": [9, 8, 9], "team_ids": [support.id], "labels": ["vip"]},
    )

    assert sla["type"] == "first_response"
    assert (sla["target_minutes"], sla["warning_minutes"], sla["hours"]) == (60, 45, "24x7")
    assert sla["applies_to"] == {"urgency": [8, 9], "team_ids": [support.id], "labels": ["vip"]}
    assert sla["active"] is True
    assert world.get(f"/api/v1/slas/{sla['id']}", admin).json == sla
    assert [s["name"] for s in world.get("/api/v1/slas", admin).json["items"]] == ["First reply"]

    changed = world.patch(
        f"/api/v1/slas/{sla['id']}",
        admin,
        json={"hours": "default", "type": "resolution", "applies_to": {}, "active": False},
    )
    assert changed.status_code == 200, changed.json
    assert (changed.json["hours"], changed.json["type"]) == ("default", "resolution")
    assert (changed.json["applies_to"], changed.json["active"]) == ({}, False)

    assert world.delete(f"/api/v1/slas/{sla['id']}", admin).status_code == 204
    assert world.get(f"/api/v1/slas/{sla['id']}", admin).status_code == 404


def test_an_sla_counts_in_a_schedule(world, admin):
    office = make_schedule(world, admin)
    sla = make_sla(world, admin, hours=office["id"])
    assert sla["hours"] == office["id"]

    back = world.patch(f"/api/v1/slas/{sla['id']}", admin, json={"hours": "24x7"})
    assert back.json["hours"] == "24x7"


def test_an_admin_creates_reads_changes_and_deletes_a_schedule(world, admin):
    office = make_schedule(world, admin)
    assert office["timezone"] == "Europe/Paris"
    assert office["days"]["0"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert office["holidays"] == ["2026-12-25"]
    assert world.get(f"/api/v1/schedules/{office['id']}", admin).json == office
    assert world.get("/api/v1/schedules", admin).json["total"] == 1

    changed = world.patch(
        f"/api/v1/schedules/{office['id']}",
        admin,
        json={"timezone": "America/New_York", "holidays": ["2026-07-04", "2026-07-04"]},
    )
    assert changed.status_code == 200, changed.json
    assert (changed.json["timezone"], changed.json["holidays"]) == (
        "America/New_York",
        ["2026-07-04"],
    )

    assert world.delete(f"/api/v1/schedules/{office['id']}", admin).status_code == 204
    assert world.get(f"/api/v1/schedules/{office['id']}", admin).status_code == 404


def test_a_schedule_computes_working_time(world, admin):
    office = make_schedule(world, admin)
    schedule = db.session.get(WorkSchedule, office["id"]).schedule()

    # Thursday 24 Dec 2026, 16:00 Paris (15:00 UTC): one hour that day, Friday is
    # Christmas, so the next three hours fall on Monday 28 Dec, 09:00-12:00 Paris.
    due = hours.add_working_time(schedule, datetime(2026, 12, 24, 15, 0, tzinfo=UTC), 240)

    assert due == datetime(2026, 12, 28, 11, 0, tzinfo=UTC)


def test_a_schedule_in_use_cannot_be_deleted(world, admin):
    office = make_schedule(world, admin)
    make_sla(world, admin, name="Gold", hours=office["id"])
    make_sla(world, admin, name="Silver", hours=office["id"])

    error = refused(world.delete(f"/api/v1/schedules/{office['id']}", admin), 409)

    assert "Gold" in error["message"] and "Silver" in error["message"]
    assert world.get(f"/api/v1/schedules/{office['id']}", admin).status_code == 200


def test_agents_read_but_do_not_change(world, admin, agent):
    office = make_schedule(world, admin)
    sla = make_sla(world, admin)

    assert world.get("/api/v1/slas", agent).status_code == 200
    assert world.get(f"/api/v1/slas/{sla['id']}", agent).json == sla
    assert world.get("/api/v1/schedules", agent).status_code == 200
    assert world.get(f"/api/v1/schedules/{office['id']}", agent).json == office

    body = {"name": "Mine", "type": "resolution", "target_minutes": 5}
    assert world.post("/api/v1/slas", agent, json=body).status_code == 403
    assert world.patch(f"/api/v1/slas/{sla['id']}", agent, json={"name": "X"}).status_code == 403
    assert world.delete(f"/api/v1/slas/{sla['id']}", agent).status_code == 403
    assert world.post("/api/v1/schedules", agent, json={**OFFICE, "name": "B"}).status_code == 403
    patch = world.patch(f"/api/v1/schedules/{office['id']}", agent, json={"name": "X"})
    assert patch.status_code == 403
    assert world.delete(f"/api/v1/schedules/{office['id']}", agent).status_code == 403


@pytest.mark.parametrize(("who", "status"), [("user", 403), ("anonymous", 401)])
def test_users_and_strangers_are_refused(world, admin, who, status):
    account = world.user() if who == "user" else ANONYMOUS
    office = make_schedule(world, admin)
    sla = make_sla(world, admin)

    calls = [
        ("GET", "/api/v1/slas", None),
        ("GET", f"/api/v1/slas/{sla['id']}", None),
        ("POST", "/api/v1/slas", {"name": "N", "type": "resolution", "target_minutes": 5}),
        ("PATCH", f"/api/v1/slas/{sla['id']}", {"name": "N"}),
        ("DELETE", f"/api/v1/slas/{sla['id']}", None),
        ("GET", "/api/v1/schedules", None),
        ("GET", f"/api/v1/schedules/{office['id']}", None),
        ("POST", "/api/v1/schedules", {**OFFICE, "name": "N"}),
        ("PATCH", f"/api/v1/schedules/{office['id']}", {"name": "N"}),
        ("DELETE", f"/api/v1/schedules/{office['id']}", None),
    ]
    for method, path, body in calls:
        response = world.call(method, path, account, json=body)
        assert response.status_code == status, (method, path, response.json)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"type": "lunch_break"}, "type"),
        ({"warning_minutes": 60}, "warning_minutes"),
        ({"warning_minutes": 90}, "warning_minutes"),
        ({"target_minutes": 0}, "target_minutes"),
        ({"warning_minutes": -1}, "warning_minutes"),
        ({"hours": 999}, "hours"),
        ({"hours": "weekends"}, "hours"),
        ({"applies_to": {"urgency": [11]}}, "applies_to.urgency.0"),
        ({"applies_to": {"team_ids": [999]}}, "applies_to.team_ids"),
        ({"applies_to": {"organization_ids": [999]}}, "applies_to.organization_ids"),
        ({"applies_to": {"usergroup_ids": [999]}}, "applies_to.usergroup_ids"),
        ({"applies_to": {"status": ["open"]}}, "applies_to.status"),
    ],
)
def test_bad_slas_are_refused_naming_the_field(world, admin, values, field):
    body = {"name": "First reply", "type": "first_response", "target_minutes": 60, **values}
    refused(world.post("/api/v1/slas", admin, json=body), 422, field)


def test_a_change_is_checked_against_what_is_kept(world, admin):
    sla = make_sla(world, admin, warning_minutes=30)
    path = f"/api/v1/slas/{sla['id']}"

    refused(world.patch(path, admin, json={"target_minutes": 30}), 422, "warning_minutes")
    refused(world.patch(path, admin, json={"hours": 12345}), 422, "hours")
    refused(
        world.patch(path, admin, json={"applies_to": {"team_ids": [7]}}), 422, "applies_to.team_ids"
    )
    assert world.get(path, admin).json == sla


def test_names_are_unique(world, admin):
    make_sla(world, admin)
    make_schedule(world, admin)
    body = {"name": "First reply", "type": "resolution", "target_minutes": 5}
    refused(world.post("/api/v1/slas", admin, json=body), 409, "name")
    refused(world.post("/api/v1/schedules", admin, json=OFFICE), 409, "name")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "../etc/passwd"}, "timezone"),
        ({"days": {"0": [["17:00", "09:00"]]}}, "days"),
        ({"days": {"0": [["09:00", "13:00"], ["12:00", "17:00"]]}}, "days"),
        ({"days": {"0": [["09:00", "25:00"]]}}, "days"),
        ({"days": {"0": [["nine", "five"]]}}, "days"),
        ({"days": {"7": [["09:00", "17:00"]]}}, "days.7.key"),
        ({"days": {"0": [["09:00"]]}}, "days.0.value.0"),
        ({"holidays": ["Christmas"]}, "holidays.0"),
    ],
)
def test_bad_schedules_are_refused_naming_the_field(world, admin, values, field):
    refused(world.post("/api/v1/schedules", admin, json={**OFFICE, **values}), 422, field)
