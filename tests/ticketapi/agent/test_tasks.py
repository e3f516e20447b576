"""/agent/tasks: an agent's tasks by tab, created, done, edited and deleted through the
tasks service; and the ticket page's small form (POST /agent/tickets/<id>/tasks)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests.ticketapi.agent.pages import csrf_of, page_text, problem_of, signed_in, statements_of
from tests.ticketapi.portal.pages import HOSTILE, page_of, text_of
from ticketapi.agent.tasks import tab_filters
from ticketapi.extensions import db
from ticketapi.people.services import agent_actor
from ticketapi.tasks import services as tasks
from ticketapi.tasks.models import Task
from ticketapi.tickets import services as tickets
from ticketapi.timeutil import utcnow

PAGE = "/agent/tasks"


@pytest.fixture
def berlin(app, monkeypatch):
    monkeypatch.setitem(app.config, "TIMEZONE", "Europe/Berlin")
    return "Europe/Berlin"


@pytest.fixture
def crew(world, dana):
    """Dana (Support), Sam (Billing), and an admin's actor to make things with."""
    billing = world.team("Billing")
    sam = world.agent("Sam", permissions=["tickets.reply"], teams=[billing])
    return {
        "account": dana,
        "dana": agent_actor(dana.row),
        "sam": agent_actor(sam.row),
        "support": dana.row.teams[0],
        "billing": billing,
        "admin": agent_actor(world.admin().row),
    }


def make(actor, title: str, **values) -> Task:
    task = tasks.create_task(actor, {"title": title, **values}, now=utcnow())
    db.session.commit()
    return task


def titles(response) -> list[str]:
    return [text_of(t) for t in page_of(response).select(".task-list .task-title")]


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Task))


def token(world) -> str:
    return csrf_of(world.get(PAGE))


# The tabs around midnight: 29 March 2026 in Berlin starts at 23:00 UTC on the 28th and,
# the clocks going forward at 02:00, lasts 23 hours (until 22:00 UTC on the 29th).
MIDNIGHT_CASES = [
    # (due at, UTC, naive) -> in "today", in "overdue", when it is 00:30 in Berlin
    (datetime(2026, 3, 28, 22, 59), False, True),  # 23:59 on the 28th: yesterday
    (datetime(2026, 3, 28, 23, 0), True, True),  # 00:00 on the 29th: today, and past
    (datetime(2026, 3, 28, 23, 45), True, False),  # 00:45: today, not yet due
    (datetime(2026, 3, 29, 21, 59), True, False),  # 23:59 CEST on the 29th: today
    (datetime(2026, 3, 29, 22, 0), False, False),  # 00:00 on the 30th: tomorrow
]


def test_due_today_and_overdue_follow_the_help_desks_day(world, crew):
    now = datetime(2026, 3, 28, 23, 30)  # 00:30 on 29 March in Berlin, 23:30 on the 28th in UTC
    made = [
        make(crew["dana"], f"task {i}", due_at=due) for i, (due, _, _) in enumerate(MIDNIGHT_CASES)
    ]
    undated = make(crew["dana"], "undated")
    done = make(crew["dana"], "done one", due_at=MIDNIGHT_CASES[1][0], done=True)

    def listed(tab: str, zone: str) -> set[int]:
        query = tasks.tasks_query(crew["dana"], tab_filters(crew["dana"], tab, now, zone))
        return set(db.session.scalars(query.with_only_columns(Task.id)))

    assert listed("today", "Europe/Berlin") == {
        t.id for t, c in zip(made, MIDNIGHT_CASES, strict=True) if c[1]
    }
    assert listed("overdue", "Europe/Berlin") == {
        t.id for t, c in zip(made, MIDNIGHT_CASES, strict=True) if c[2]
    }
    # The same moment in UTC is still the 28th: only what is due before midnight UTC.
    assert listed("today", "UTC") == {made[0].id, made[1].id, made[2].id}
    assert undated.id in listed("mine", "Europe/Berlin") and done.id not in listed("mine", "UTC")
    assert listed("done", "UTC") == {done.id}


def test_the_tabs_list_mine_my_teams_and_done(world, crew):
    make(crew["dana"], "Call Ann back")
    make(crew["admin"], "Support's chore", team_id=crew["support"].id)
    make(crew["admin"], "Billing's chore", team_id=crew["billing"].id)
    make(crew["dana"], "Finished", done=True)
    signed_in(world, crew["account"])
    assert titles(world.get(PAGE)) == ["Call Ann back"]
    assert titles(world.get(PAGE + "?tab=teams")) == ["Support's chore"]
    assert titles(world.get(PAGE + "?tab=done")) == ["Finished"]
    html = page_of(world.get(PAGE + "?tab=nonsense"))
    assert text_of(html.select_one(".tabs a[aria-current=page]")) == "Mine"


def test_creating_a_task_from_the_form(world, crew, berlin):
    signed_in(world, crew["account"])
    ticket = tickets.open_ticket(
        crew["admin"],
        {"user_id": world.user("Ann").id, "subject": "S", "message": "M"},
        now=utcnow(),
    )
    db.session.commit()
    response = world.post(
        PAGE,
        data={
            "csrf_token": token(world),
            "title": "  Ring the supplier ",
            "due_date": "2026-07-01",
            "due_time": "09:30",
            "team_id": str(crew["support"].id),
            "ticket": ticket.ref.lower(),
            "back": PAGE + "?tab=teams",
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == PAGE + "?tab=teams"
    task = db.session.scalar(select(Task))
    assert task.title == "Ring the supplier"
    assert task.due_at == datetime(2026, 7, 1, 7, 30)  # 09:30 summer time in Berlin
    assert (task.team_id, task.agent_id, task.ticket_id) == (crew["support"].id, None, ticket.id)
    # A date alone: due by the end of that day, there.
    world.post(PAGE, data={"csrf_token": token(world), "title": "Later", "due_date": "2026-12-24"})
    later = db.session.scalar(select(Task).where(Task.title == "Later"))
    assert later.due_at == datetime(2026, 12, 24, 22, 59) and later.agent_id == crew["dana"].id


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "two\nlines"}, "title"),
        ({"due_date": "2026-02-30"}, "due_date"),
        ({"due_date": "tomorrow"}, "due_date"),
        ({"due_date": "2026-05-01", "due_time": "25:00"}, "due_time"),
        ({"due_time": "10:00"}, "due_date"),
        ({"agent_id": "abc"}, "agent_id"),
        ({"agent_id": "99999"}, "agent_id"),
        ({"team_id": "99999"}, "team_id"),
        ({"ticket": "NOPE-NOPE"}, "ticket"),
    ],
)
def test_bad_input_is_named_by_field_and_nothing_is_made(world, crew, fields, named):
    signed_in(world, crew["account"])
    response = world.post(PAGE, data={"csrf_token": token(world), "title": "A task", **fields})
    assert response.status_code == 422, page_text(response)
    assert page_of(response).select_one(f"#task-{named}-error") is not None, page_text(response)
    assert problem_of(response)
    assert count() == 0


def test_a_ticket_the_agent_cannot_see_is_no_ticket_to_link(world, crew):
    hidden = tickets.open_ticket(
        crew["admin"],
        {
            "user_id": world.user("Ann").id,
            "subject": "S",
            "message": "M",
            "team_id": crew["billing"].id,
        },
        now=utcnow(),
    )
    db.session.commit()
    signed_in(world, crew["account"])
    response = world.post(
        PAGE, data={"csrf_token": token(world), "title": "T", "ticket": hidden.ref}
    )
    assert response.status_code == 422 and count() == 0
    assert (
        world.post(
            f"/agent/tickets/{hidden.id}/tasks", data={"csrf_token": token(world), "title": "T"}
        ).status_code
        == 404
    )
    assert count() == 0


def test_the_ticket_pages_form_links_the_task_and_goes_back(world, crew):
    ticket = tickets.open_ticket(
        crew["admin"],
        {"user_id": world.user("Ann").id, "subject": "S", "message": "M"},
        now=utcnow(),
    )
    db.session.commit()
    signed_in(world, crew["account"])
    path = f"/agent/tickets/{ticket.id}/tasks"
    response = world.post(
        path, data={"csrf_token": token(world), "title": "Follow up", "ticket": "IGNORED"}
    )
    assert (
        response.status_code == 303
        and response.headers["Location"] == f"/agent/tickets/{ticket.id}"
    )
    task = db.session.scalar(select(Task))
    assert (task.title, task.ticket_id, task.agent_id) == ("Follow up", ticket.id, crew["dana"].id)
    bad = world.post(path, data={"csrf_token": token(world), "title": ""})
    assert bad.status_code == 422 and page_of(bad).select_one("#task-title-error") is not None
    assert world.post(path, data={"title": "No token"}).status_code == 400
    assert count() == 1


def test_done_undone_edit_and_delete(world, crew, berlin):
    task = make(crew["dana"], "Call Ann back")
    signed_in(world, crew["account"])
    assert (
        world.post(
            f"{PAGE}/{task.id}/done", data={"csrf_token": token(world), "done": "1"}
        ).status_code
        == 303
    )
    assert db.session.get(Task, task.id).done
    assert titles(world.get(PAGE + "?tab=done")) == ["Call Ann back"]
    world.post(f"{PAGE}/{task.id}/done", data={"csrf_token": token(world), "done": "0"})
    assert not db.session.get(Task, task.id).done
    form = page_of(world.get(f"{PAGE}/{task.id}/edit"))
    assert form.select_one("#task-title")["value"] == "Call Ann back"
    data = {"csrf_token": csrf_of(world.get(f"{PAGE}/{task.id}/edit")), "title": "Call Ann at home"}
    data.update(due_date="2026-01-10", due_time="08:00", team_id=str(crew["support"].id))
    assert world.post(f"{PAGE}/{task.id}", data=data).status_code == 303
    edited = db.session.get(Task, task.id)
    assert (edited.title, edited.due_at, edited.agent_id) == (
        "Call Ann at home",
        datetime(2026, 1, 10, 7, 0),
        None,
    )
    bad = world.post(f"{PAGE}/{task.id}", data={**data, "title": ""})
    assert bad.status_code == 422 and page_of(bad).select_one("#task-title-error")
    assert (
        world.post(f"{PAGE}/{task.id}/delete", data={"csrf_token": token(world)}).status_code == 303
    )
    assert count() == 0


def test_an_agent_cannot_see_or_change_tasks_they_should_not(world, crew):
    private = make(crew["sam"], "Sam's own")
    given = make(crew["sam"], "For Dana", agent_id=crew["dana"].id)
    signed_in(world, crew["account"])
    for tab in ("mine", "teams", "today", "overdue", "done"):
        assert "Sam's own" not in titles(world.get(f"{PAGE}?tab={tab}"))
    csrf = token(world)
    assert world.get(f"{PAGE}/{private.id}/edit").status_code == 404
    for action, data in (("/done", {"done": "1"}), ("", {"title": "Mine now"}), ("/delete", {})):
        response = world.post(f"{PAGE}/{private.id}{action}", data={"csrf_token": csrf, **data})
        assert response.status_code == 404
    assert db.session.get(Task, private.id).title == "Sam's own"
    # Given to Dana by Sam: she marks it done and edits it, but only its creator deletes it.
    row = page_of(world.get(PAGE)).select_one(f"#task-{given.id}")
    assert row.select_one("button[aria-label^='Delete']") is None
    assert row.select_one("button[aria-label^='Mark done']") is not None
    assert world.post(f"{PAGE}/{given.id}/delete", data={"csrf_token": csrf}).status_code == 403
    assert db.session.get(Task, given.id) is not None


def test_every_task_form_needs_its_csrf_token(world, crew):
    task = make(crew["dana"], "Call Ann back")
    signed_in(world, crew["account"])
    for path, data in (
        (PAGE, {"title": "New"}),
        (f"{PAGE}/{task.id}", {"title": "Changed"}),
        (f"{PAGE}/{task.id}/done", {"done": "1"}),
        (f"{PAGE}/{task.id}/delete", {}),
    ):
        assert world.post(path, data=data).status_code == 400
        assert world.post(path, data={**data, "csrf_token": "forged"}).status_code == 400
    assert [(t.title, t.done) for t in db.session.scalars(select(Task))] == [
        ("Call Ann back", False)
    ]


def test_a_hostile_title_is_shown_as_text(world, crew):
    make(crew["dana"], HOSTILE)
    signed_in(world, crew["account"])
    response = world.get(PAGE)
    assert HOSTILE not in response.get_data(as_text=True)
    assert titles(response) == [HOSTILE]


def test_a_task_on_a_ticket_dana_cannot_see_keeps_its_ticket_unnamed(world, crew):
    hidden = tickets.open_ticket(
        crew["admin"],
        {
            "user_id": world.user("Ann").id,
            "subject": "Secret",
            "message": "M",
            "team_id": crew["billing"].id,
        },
        now=utcnow(),
    )
    task = make(crew["admin"], "For Dana", agent_id=crew["dana"].id, ticket_id=hidden.id)
    signed_in(world, crew["account"])
    assert hidden.ref not in world.get(PAGE).get_data(as_text=True)
    form = world.get(f"{PAGE}/{task.id}/edit")
    assert hidden.ref not in form.get_data(as_text=True)
    data = {
        "csrf_token": csrf_of(form),
        "title": "For Dana, renamed",
        "agent_id": str(crew["dana"].id),
    }
    assert world.post(f"{PAGE}/{task.id}", data=data).status_code == 303
    saved = db.session.get(Task, task.id)
    assert (saved.title, saved.ticket_id) == ("For Dana, renamed", hidden.id)


def test_the_list_asks_as_many_statements_for_ten_tasks_on_tickets_as_for_one(world, crew):
    """Whether Dana may see each task's ticket is answered for the whole page at once."""
    ann = world.user("Ann").id

    def task_on_billing_ticket(n: int) -> None:
        ticket = tickets.open_ticket(
            crew["admin"],
            {
                "user_id": ann,
                "subject": f"Billing {n}",
                "message": "M",
                "team_id": crew["billing"].id,
            },
            now=utcnow(),
        )
        make(crew["admin"], f"Task {n}", agent_id=crew["dana"].id, ticket_id=ticket.id)

    task_on_billing_ticket(0)
    signed_in(world, crew["account"])
    one = statements_of(world, PAGE)
    for n in range(1, 10):
        task_on_billing_ticket(n)
    assert len(titles(world.get(PAGE))) == 10
    assert len(statements_of(world, PAGE)) == len(one)
