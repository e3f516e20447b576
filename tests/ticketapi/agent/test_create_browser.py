"""The new ticket and tasks pages in real Chromium: a ticket for a new user and a task made
with the keyboard, the search as you type, hostile names and titles shown without running,
and axe-core's WCAG 2.1 AA checks, light and dark."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.support.axe import SCHEMES, assert_accessible, context_options
from tests.ticketapi.agent.hostile import VECTORS as ALL_VECTORS
from tests.ticketapi.agent.pages import PASSWORD, with_password
from ticketapi.extensions import db
from ticketapi.people.models import User
from ticketapi.people.services import agent_actor
from ticketapi.tasks import services as tasks
from ticketapi.tasks.models import Task
from ticketapi.tickets.models import Message, Ticket

pytestmark = pytest.mark.browser

# A dozen of the known vectors (hostile.py, which test_hostile_browser.py runs in full).
VECTORS = ALL_VECTORS[:12]


@pytest.fixture
def meg(world):
    team = world.team("Support")
    perms = ["tickets.reply", "tickets.edit", "tickets.assign"]
    meg = with_password(world.agent("Meg Lind", permissions=perms, teams=[team]))
    world.user("Ann Lee", email="ann@acme.example")
    actor = agent_actor(meg.row)
    for number, vector in enumerate(VECTORS):
        world.user(vector[:200], email=f"evil{number}@hostile.example")
        tasks.create_task(actor, {"title": vector, "team_id": team.id}, now=world.now)
    db.session.commit()
    return meg


def sign_in(page, base_url, email: str) -> None:
    page.goto(base_url + "/agent/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/agent/")


def nothing_ran(page) -> None:
    assert page.evaluate("window.__xss") is None


def test_a_ticket_for_a_new_user_with_the_keyboard(page, base_url, meg):
    sign_in(page, base_url, meg.row.email)
    page.goto(base_url + "/agent/tickets/new")
    page.get_by_label("Find the user by email or name").focus()
    page.keyboard.type("zoe@new")
    page.get_by_text("Nobody's address or name contains “zoe@new”.").wait_for()
    assert page.get_by_label("A new user (or one you know the address of)").is_checked()
    page.get_by_label("New user's email address").focus()
    page.keyboard.type("zoe@new.example")
    page.keyboard.press("Tab")
    page.keyboard.type("Zoe Park")
    page.keyboard.press("Tab")
    page.keyboard.type("ann@acme.example, max@new.example")
    page.keyboard.press("Tab")
    page.keyboard.type("Cannot print from the new laptop")
    page.keyboard.press("Tab")  # the first entry: the user's message (chosen already)
    page.keyboard.press("Tab")
    page.keyboard.type("Zoe phoned: the printer says offline.")
    page.get_by_label("Subject").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/agent/tickets/\d+$"))
    ticket_id = int(page.url.rsplit("/", 1)[1])
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket_id)
    zoe = db.session.get(User, ticket.user_id)
    assert (zoe.email, zoe.name, ticket.subject) == (
        "zoe@new.example",
        "Zoe Park",
        "Cannot print from the new laptop",
    )
    assert sorted(u.email for u in ticket.cc) == ["ann@acme.example", "max@new.example"]
    message = db.session.scalar(select(Message).where(Message.ticket_id == ticket_id))
    assert (message.body, message.note) == ("Zoe phoned: the printer says offline.", False)


def test_the_search_as_you_type_offers_users_as_text(page, base_url, meg):
    sign_in(page, base_url, meg.row.email)
    page.goto(base_url + "/agent/tickets/new")
    page.get_by_label("Find the user by email or name").fill("acme")
    page.get_by_label("Ann Lee <ann@acme.example>").wait_for()
    assert page.get_by_label("Ann Lee <ann@acme.example>").is_checked()
    page.get_by_label("Find the user by email or name").fill("hostile")
    page.locator("#requester-choices li").nth(len(VECTORS) - 3).wait_for()
    labels = page.locator("#requester-choices label").all_inner_texts()
    assert any(VECTORS[1] in text for text in labels)
    nothing_ran(page)
    page.goto(base_url + "/agent/tickets/new?find=hostile")  # the same without the script
    nothing_ran(page)


def test_a_task_with_the_keyboard_then_done(page, base_url, meg):
    sign_in(page, base_url, meg.row.email)
    page.goto(base_url + "/agent/tasks?tab=teams")
    nothing_ran(page)
    assert page.locator(".task-title").count() == len(VECTORS)
    page.goto(base_url + "/agent/tasks")
    page.get_by_label("Task", exact=True).focus()
    page.keyboard.type("Ring the supplier")
    page.keyboard.press("Enter")
    page.locator(".task-title", has_text="Ring the supplier").wait_for()
    page.get_by_role("button", name="Mark done: Ring the supplier").focus()
    page.keyboard.press("Enter")
    page.get_by_text("No tasks here.").wait_for()
    db.session.expire_all()
    task = db.session.scalar(select(Task).where(Task.title == "Ring the supplier"))
    assert (task.agent_id, task.done) == (meg.id, True)


@pytest.fixture(params=SCHEMES)
def checked(request, browser):
    context = browser.new_context(**context_options(request.param, page_csp=True))
    page = context.new_page()
    yield page
    context.close()


def test_the_new_ticket_and_tasks_pages_meet_wcag_21_aa(checked, base_url, meg):
    page = checked
    sign_in(page, base_url, meg.row.email)
    page.goto(base_url + "/agent/tickets/new?find=acme")
    assert_accessible(page, "the new ticket page with a user found")
    page.get_by_role("button", name="Open the ticket").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page, "the new ticket page with its errors")
    page.goto(base_url + "/agent/tasks?tab=teams")
    assert_accessible(page, "the tasks page")
    page.get_by_role("button", name="Add the task").click()
    page.locator(".error-summary").wait_for()
    assert_accessible(page, "the tasks page with its errors")
    page.goto(base_url + "/agent/tasks?tab=teams")
    page.get_by_role("link", name=re.compile("^Edit")).first.click()
    page.get_by_role("heading", name="Edit the task").wait_for()
    assert_accessible(page, "a task's edit page")
