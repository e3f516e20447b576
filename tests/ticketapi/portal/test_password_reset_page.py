"""/portal/password-reset: the page a reset link opens, and the form that asks for a link."""

from __future__ import annotations

import re

import pytest

from tests.support.mailbox import text_of
from tests.support.passwords import hashed
from tests.ticketapi.portal.pages import page_of
from tests.ticketapi.portal.pages import text_of as page_text
from ticketapi.auth import resets
from ticketapi.extensions import db, limiter
from ticketapi.people.models import User
from ticketapi.timeutil import utcnow

PAGE = "/portal/password-reset"
ASK = "/portal/password-reset/request"
OLD, NEW = "the old passphrase", "a brand new passphrase"


@pytest.fixture
def ann(world):
    account = world.user("Ann Lee", email="ann@acme.example")
    account.row.password_hash = hashed(OLD)
    db.session.commit()
    return account


def link_for(account) -> str:
    plain = resets.issue(account.row, now=utcnow())
    db.session.commit()
    return f"{PAGE}?token={plain}"


def signs_in(world, email: str, password: str) -> bool:
    response = world.post("/api/v1/auth/token", json={"email": email, "password": password})
    return response.status_code == 201


def open_link(world, link: str):
    """Follow the mailed link as a browser does: the token moves into the session."""
    landed = world.get(link)
    assert landed.status_code == 303
    assert landed.headers["Location"] == PAGE  # the token leaves the address bar
    return world.get(PAGE)


def csrf_of(response) -> str:
    return page_of(response).select_one("input[name=csrf_token]")["value"]


def test_the_link_opens_a_form_for_that_account(world, ann):
    page = open_link(world, link_for(ann))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    html = page_of(page)
    assert page_text(html.select_one("h1")) == "Set your password"
    assert "ann@acme.example" in page_text(html.select_one(".lead"))
    form = html.select_one("form.password-form")
    assert form["method"] == "post" and form["action"] == PAGE
    assert [page_text(label) for label in form.select("label")] == [
        "New password",
        "The new password again",
    ]
    assert [i["autocomplete"] for i in form.select("input[type=password]")] == ["new-password"] * 2
    assert "token=" not in page.get_data(as_text=True)  # the token is not in the page either


def test_setting_the_password_ends_the_old_sign_ins(world, ann):
    csrf = csrf_of(open_link(world, link_for(ann)))
    sent = world.post(PAGE, data={"csrf_token": csrf, "password": NEW, "password_again": NEW})
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"{PAGE}/done"
    done = world.get(f"{PAGE}/done")
    assert page_text(page_of(done).select_one("h1")) == "Your password is set"
    assert signs_in(world, "ann@acme.example", NEW)
    assert not signs_in(world, "ann@acme.example", OLD)
    assert world.get("/api/v1/auth/me", ann).status_code == 401
    # Used: the page now says so, and a reload of the done page does not repeat it.
    assert world.get(PAGE).status_code == 410
    assert world.get(f"{PAGE}/done").status_code == 303


def test_a_post_without_its_csrf_token_sets_nothing(world, ann):
    open_link(world, link_for(ann))
    for data in ({}, {"csrf_token": "forged"}):
        response = world.post(PAGE, data={**data, "password": NEW, "password_again": NEW})
        assert response.status_code == 400
        assert "Nothing was submitted" in page_text(page_of(response))
    assert signs_in(world, "ann@acme.example", OLD)


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"password": "short", "password_again": "short"}, "password", "Use 10 to 1,000 characters"),
        ({"password": NEW, "password_again": NEW + "!"}, "password_again", "The two passwords differ"),
        ({"password": NEW}, "password_again", "Type the same password again"),
        ({}, "password", "Choose a password of at least 10 characters"),
    ],
)  # fmt: skip
def test_a_wrong_password_form_says_which_field(world, ann, typed, field, message):
    csrf = csrf_of(open_link(world, link_for(ann)))
    response = world.post(PAGE, data={"csrf_token": csrf, **typed})
    assert response.status_code == 422
    html = page_of(response)
    box = html.select_one(f"#password-{field}")
    assert box["aria-invalid"] == "true"
    assert message in page_text(html.select_one(f"#password-{field}-error"))
    # A password is never sent back in a page.
    assert all(not i.get("value") for i in html.select("input[type=password]"))
    assert signs_in(world, "ann@acme.example", OLD)
    # The link still works after a mistake.
    again = world.post(PAGE, data={"csrf_token": csrf, "password": NEW, "password_again": NEW})
    assert again.status_code == 303


@pytest.mark.parametrize("link", [f"{PAGE}?token=nonsense", f"{PAGE}?token=", PAGE])
def test_a_link_that_does_not_work_says_how_to_get_another(world, ann, link):
    response = world.get(link)
    if response.status_code == 303:
        response = world.get(PAGE)
    assert response.status_code == 410
    html = page_of(response)
    assert page_text(html.select_one("h1")) == "This link no longer works"
    assert html.select_one(f"a[href='{ASK}']")
    refused = world.post(PAGE, data={"password": NEW, "password_again": NEW})
    assert refused.status_code == 410


def test_an_agents_link_sets_nothing_in_the_portal(world):
    """Agents and users sign in on their own sides (SPEC §10): so do their links."""
    sam = world.agent("Sam")
    assert open_link(world, link_for(sam)).status_code == 410
    assert resets.usable(link_for(sam).split("token=")[1], now=utcnow())


def test_asking_for_a_link_by_the_form(world, ann, mailbox):
    form = world.get(ASK)
    assert form.status_code == 200
    html = page_of(form)
    assert [page_text(label) for label in html.select("form.reset-request-form label")] == [
        "Your email address"
    ]
    for email in ("ann@acme.example", "nobody@acme.example"):
        sent = world.post(ASK, data={"csrf_token": csrf_of(world.get(ASK)), "email": email})
        assert sent.status_code == 303
        assert sent.headers["Location"] == f"{PAGE}/requested"
        told = page_text(page_of(world.get(f"{PAGE}/requested")))
        assert "If an account uses this address, we have sent it a link" in told
    (mail,) = mailbox.deliver()
    assert mail["To"] == "ann@acme.example"
    link = next(line for line in text_of(mail).splitlines() if "token=" in line)
    page = open_link(world, link.removeprefix("http://127.0.0.1:5000"))
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"email": "not an address"}, 422, "Enter an email address such as you@example.com."),
        ({"email": "  "}, 422, "Type the email address of your account."),
        ({"email": "ann@acme.example", "csrf_token": None}, 400, "Nothing was submitted"),
    ],
)
def test_a_wrong_request_form_sends_nothing(world, ann, mailbox, data, status, message):
    csrf = csrf_of(world.get(ASK))
    data = {"csrf_token": csrf, **data}
    if data["csrf_token"] is None:
        del data["csrf_token"]
    response = world.post(ASK, data=data)
    assert response.status_code == status
    assert message in page_text(page_of(response))
    assert mailbox.deliver() == []


def test_the_request_form_shares_the_apis_limit(app, world, ann, mailbox):
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "2 per minute"
    limiter.reset()
    try:
        api = world.post("/api/v1/auth/password-reset/request", json={"email": "a@acme.example"})
        form = world.post(ASK, data={"csrf_token": csrf_of(world.get(ASK)), "email": "b@x.example"})
        third = world.post(
            ASK, data={"csrf_token": csrf_of(world.get(ASK)), "email": "c@x.example"}
        )
    finally:
        app.config["PASSWORD_RESET_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()
    assert (api.status_code, form.status_code, third.status_code) == (202, 303, 429)
    assert re.search(r"\(at most 2 a minute\): ask again in \d+ seconds", page_text(page_of(third)))
    assert 1 <= int(third.headers["Retry-After"]) <= 60
    assert page_of(third).select_one("input[name=email]")["value"] == "c@x.example"


def test_hostile_text_stays_text(world):
    name = "<img src=x onerror=alert(1)>"
    user = world.user(name, email="odd@acme.example")
    page = open_link(world, link_for(user))
    assert "<img" not in page.get_data(as_text=True)
    assert db.session.get(User, user.id).name == name
