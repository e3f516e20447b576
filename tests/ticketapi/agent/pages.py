"""What the agent pages' tests share: passwords, signing in, reading pages and forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pyotp
from sqlalchemy import event

from tests.support.browser import serve_app
from tests.support.passwords import hashed
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi import create_app
from ticketapi.auth import totp
from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.tickets.models import Message, Ticket
from ticketapi.timeutil import utcnow

PASSWORD = "correct horse battery"
EVERYTHING = ["tickets.reply", "tickets.edit", "tickets.assign", "tickets.merge"]
LOGIN = "/agent/login"
CODE = "/agent/login/code"


def with_password(account, password: str = PASSWORD):
    account.row.password_hash = hashed(password)
    db.session.commit()
    return account


def csrf_of(response) -> str:
    field = page_of(response).select_one("input[name=csrf_token]")
    assert field is not None, response.get_data(as_text=True)[:500]
    return field["value"]


def form_page(world, path: str) -> str:
    """Open a page as a browser would and return its form's CSRF token."""
    response = world.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_of(response)


def sign_in(world, email: str, password: str = PASSWORD, *, next_page: str | None = None):
    """Post the sign-in form with its token; the response (303 when it worked).

    Signed in already, the login page sends the browser on: its next page has the token."""
    token = csrf_of(world.get(LOGIN, follow_redirects=True))
    data = {"csrf_token": token, "email": email, "password": password}
    if next_page is not None:
        data["next"] = next_page
    return world.post(LOGIN, data=data)


def signed_in(world, account) -> None:
    response = sign_in(world, account.row.email)
    assert response.status_code == 303, page_text(response)
    assert response.headers["Location"] == "/agent/"


def page_text(response) -> str:
    return text_of(page_of(response))


def problem_of(response) -> str:
    summary = page_of(response).select_one(".error-summary")
    return text_of(summary) if summary is not None else ""


def is_signed_in(world) -> bool:
    response = world.get("/agent/")
    if response.status_code == 200:
        return True
    assert response.status_code == 303
    assert response.headers["Location"].startswith(LOGIN)
    return False


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie is not None else None


def turn_on_totp(agent: Agent) -> tuple[str, list[str]]:
    """Two-step sign-in on for the agent, through the service; its secret and recovery codes."""
    now = utcnow() - timedelta(minutes=2)  # the confirming code's step is in the past
    secret = totp.begin(agent, now=now)
    codes = totp.confirm(agent, pyotp.TOTP(secret).at(now), now=now)
    db.session.commit()
    return secret, codes


def code_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def digits_only(text: str) -> str:
    return re.sub(r"\D", "", text)


def ticket_id_of(url: str) -> int:
    """The ticket's id in a ticket page's address (which may carry its queue's trail)."""
    found = re.search(r"/agent/tickets/(\d+)(?:[?#]|$)", url)
    assert found is not None, url
    return int(found.group(1))


@contextmanager
def serve_agent_pages(app, portal_dir, **config) -> Iterator[str]:
    """The test app, with the theme's context and `config`, served on a free port (for
    Chromium); its base URL."""
    served = create_app({**app.config, "PORTAL_DIR": str(portal_dir), **config})
    with serve_app(served) as url:
        yield url
    with served.app_context():
        db.engine.dispose()


def watched_page(browser, **options):
    """A new context's page that notes script errors, refused scripts, failed files and any
    dialog (a hostile vector that ran) in `page.problems`; the context, then the page."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on(
        "dialog",
        lambda dialog: (page.problems.append("dialog " + dialog.message), dialog.dismiss()),
    )
    # A page answered 4xx (a form with errors) is logged as a failed load: judged below.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and page.problems.append(message.text)
        ),
    )
    page.on(
        "response",
        # 409 is a stale save's answer, which the page's script meets by sending the form.
        lambda response: (
            response.status >= 400
            and response.status != 409
            and response.request.resource_type != "document"
            and page.problems.append(
                f"{response.status} {response.request.resource_type} {response.url}"
            )
        ),
    )
    return context, page


def press_to_open(page, key: str) -> None:
    """Press a key that opens another page (j, k, Enter), once this page has loaded, and
    wait for the next to load: a key pressed sooner would reach no listener."""
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.keyboard.press(key)


def browser_sign_in(page, base_url, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login page in Chromium (from the start page's redirect)."""
    page.goto(base_url + "/agent/")
    page.wait_for_url("**/agent/login?next=/agent/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def statements_of(world, url: str) -> list[str]:
    """Every SQL statement a GET of `url` sends (the page must answer 200)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert world.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def ticket_path(ticket, tail: str = "") -> str:
    """A ticket page's path, or one of its forms' (`tail`)."""
    return f"/agent/tickets/{ticket.id}{tail}"


def form_values(response, selector: str) -> dict[str, str]:
    """A form's fields as the browser would send them (inputs, selected options, textareas)."""
    form = page_of(response).select_one(selector)
    assert form is not None, selector
    values = {}
    for field in form.select("input[name]"):
        if field.get("type") in ("radio", "checkbox") and not field.has_attr("checked"):
            continue
        if field.get("type") != "file":
            values[field["name"]] = field.get("value", "")
    for select in form.select("select[name]"):
        chosen = select.select_one("option[selected]") or select.select_one("option")
        values[select["name"]] = chosen.get("value", "") if chosen else ""
    for area in form.select("textarea[name]"):
        values[area["name"]] = area.text
    return values


def messages_of(ticket) -> list[Message]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Message).where(Message.ticket_id == ticket.id)))


def fresh(ticket) -> Ticket:
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)
