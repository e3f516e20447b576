"""Only an account's owner sets its password: agents may have a reset link mailed, nothing more.

Links go through the real mail path (jobs run here, .eml files in the instance folder; one
test through a real SMTP server on loopback) and are redeemed through the API.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, text

from tests.support.jobs import outbox_rows, relay
from tests.support.mailbox import MAIL_FROM, text_of
from tests.support.passwords import hashed
from tests.support.smtp import running_smtp_server
from ticketapi.auth import resets, services
from ticketapi.auth.models import PasswordReset
from ticketapi.extensions import db, limiter
from ticketapi.people.models import User
from ticketapi.timeutil import utcnow

SITE = "https://help.tidewater.example"
OLD, NEW = "the old passphrase", "a brand new passphrase"
LINK = re.compile(r"^(https?://\S+/password-reset(?:/link)?\?token=\S+)$", re.MULTILINE)


@pytest.fixture(autouse=True)
def site(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", SITE)


@pytest.fixture
def ann(world):
    account = world.user("Ann Lee", email="ann@acme.example", verified=False)
    account.row.password_hash = hashed(OLD)
    db.session.commit()
    return account


@pytest.fixture
def crm(world):
    return world.agent("Carla", permissions=["crm.edit"])


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def signs_in(world, email: str, password: str) -> bool:
    response = world.post("/api/v1/auth/token", json={"email": email, "password": password})
    return response.status_code == 201


def token_in(mail) -> str:
    (address,) = LINK.findall(text_of(mail))
    (token,) = parse_qs(urlsplit(address).query)["token"]
    return token


def redeem(world, token: str, password: str = NEW):
    return world.post("/api/v1/auth/password-reset", json={"token": token, "password": password})


# Agents no longer set users' passwords ------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"), [("PATCH", "/api/v1/users/{id}"), ("POST", "/api/v1/users")]
)
def test_agents_cannot_set_a_users_password(world, ann, crm, method, path):
    body = {"password": "chosen by the agent", "email": "new@acme.example", "name": "New"}
    response = world.call(method, path.format(id=ann.id), crm, json=body)
    assert response.status_code == 422, response.json
    assert "POST /api/v1/users/<id>/password-reset" in response.json["error"]["fields"]["password"]
    assert signs_in(world, "ann@acme.example", OLD)
    assert not signs_in(world, "ann@acme.example", "chosen by the agent")
    assert not signs_in(world, "new@acme.example", "chosen by the agent")


def test_an_agent_mails_a_link_and_only_the_user_sets_the_password(world, ann, crm, mailbox):
    laptop = world.post(
        "/api/v1/auth/token", json={"email": "ann@acme.example", "password": OLD}
    ).json["token"]
    sent = world.post(f"/api/v1/users/{ann.id}/password-reset", crm)
    assert sent.status_code == 202, sent.json
    assert sent.json == {
        "message": "We have mailed ann@acme.example a link to set a password (1 hour, once)."
    }
    (mail,) = mailbox.deliver()
    assert (mail["To"], mail["From"], mail["Subject"]) == (
        "ann@acme.example",
        MAIL_FROM,
        "Set your password",
    )
    assert mail["Auto-Submitted"] == "auto-generated"
    body = text_of(mail)
    assert "Carla of our support team sent you a link" in body
    (address,) = LINK.findall(body)
    assert address.startswith(f"{SITE}/portal/password-reset?token=")
    token = token_in(mail)
    assert len(token) >= 43  # 256 random bits
    # The agent never sees the link, and the database keeps only its hash.
    assert token not in str(sent.json)
    dumped = " ".join(map(str, db.session.execute(text("SELECT * FROM password_resets")).all()))
    assert token not in dumped and services.digest(token) in dumped

    assert redeem(world, token).status_code == 204
    assert signs_in(world, "ann@acme.example", NEW)
    assert not signs_in(world, "ann@acme.example", OLD)
    # Every sign-in from before ends, the user's own token too.
    assert world.get("/api/v1/auth/me", headers=bearer(laptop)).status_code == 401
    assert world.get("/api/v1/auth/me", ann).status_code == 401
    # The link came to her address: it is hers, shown by using it.
    assert db.session.get(User, ann.id).verified


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("agent without crm.edit", 403), ("user", 403), ("the user", 403)],
)
def test_who_may_send_a_link(world, ann, mailbox, who, status):
    account = {
        "anonymous": None,
        "agent without crm.edit": world.agent("Kim", permissions=["tickets.edit"]),
        "user": world.user("Bo"),
        "the user": ann,
    }[who]
    kwargs = {} if account is None else {"who": account}
    response = world.post(f"/api/v1/users/{ann.id}/password-reset", **kwargs)
    assert response.status_code == status, response.json
    assert mailbox.deliver() == []


def test_a_link_for_nobody_is_a_404(world, crm, mailbox):
    assert world.post("/api/v1/users/999/password-reset", crm).status_code == 404
    assert world.post("/api/v1/users/99999999999/password-reset", crm).status_code == 404
    assert mailbox.deliver() == []


# Redeeming ------------------------------------------------------------------------------


def issued(account, *, now=None) -> str:
    plain = resets.issue(account, now=now or utcnow())
    db.session.commit()
    return plain


def test_a_link_works_once(world, ann):
    token = issued(ann.row)
    assert redeem(world, token).status_code == 204
    again = redeem(world, token, "yet another passphrase")
    assert again.status_code == 422
    assert again.json["error"]["fields"] == {"token": "unknown, used or expired"}
    assert signs_in(world, "ann@acme.example", NEW)


def test_a_link_works_for_an_hour(world, ann):
    token = issued(ann.row, now=utcnow() - timedelta(minutes=61))
    assert redeem(world, token).status_code == 422
    assert signs_in(world, "ann@acme.example", OLD)
    fresh = issued(ann.row, now=utcnow() - timedelta(minutes=59))
    assert redeem(world, fresh).status_code == 204


def test_only_the_newest_link_works(world, ann):
    first, second = issued(ann.row), issued(ann.row)
    assert redeem(world, first).status_code == 422
    assert redeem(world, second).status_code == 204


def test_a_password_change_ends_the_links(world, ann):
    token = issued(ann.row)
    changed = world.post(
        "/api/v1/auth/password", ann, json={"current_password": OLD, "new_password": NEW}
    )
    assert changed.status_code == 204
    assert redeem(world, token, "the attacker's choice").status_code == 422
    assert signs_in(world, "ann@acme.example", NEW)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"token": "not-a-token", "password": NEW}, "token"),
        ({"token": "", "password": NEW}, "token"),
        ({"password": NEW}, "token"),
        ({"token": "x" * 201, "password": NEW}, "token"),
        ({"token": "{valid}", "password": "short"}, "password"),
        ({"token": "{valid}"}, "password"),
    ],
)
def test_a_bad_redemption_says_which_field_and_changes_nothing(world, ann, body, field):
    token = issued(ann.row)
    body = {k: token if v == "{valid}" else v for k, v in body.items()}
    response = world.post("/api/v1/auth/password-reset", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert signs_in(world, "ann@acme.example", OLD)
    assert redeem(world, token).status_code == 204  # the link still works afterwards


def test_deactivating_an_agent_ends_their_links(world):
    """The same links serve agents (issue #14 gives them their page)."""
    admin, sam = world.admin(), world.agent("Sam")
    token = issued(sam.row)
    world.patch(f"/api/v1/agents/{sam.id}", admin, json={"active": False})
    assert redeem(world, token).status_code == 422


def test_agents_links_open_the_agent_pages_and_set_their_password(world, mailbox):
    sam = world.agent("Sam")
    resets.send_link(sam.row, now=utcnow())
    db.session.commit()
    (mail,) = mailbox.deliver()
    (address,) = LINK.findall(text_of(mail))
    assert address.startswith(f"{SITE}/agent/password-reset/link?token=")
    assert "Someone (we hope you) asked" in text_of(mail)
    assert redeem(world, token_in(mail)).status_code == 204
    assert signs_in(world, sam.row.email, NEW)
    assert world.get("/api/v1/auth/me", sam).status_code == 401


# Forgot password: the self-service request --------------------------------------------


@pytest.fixture
def walk_in(world):
    """Opened a ticket from the portal: an account without a password."""
    return world.user("Walk In", email="walk.in@users.example")


REQUESTS = {
    "a user": "ann@acme.example",
    "a user, typed differently": "ANN@Acme.Example",
    "a user without a password": "walk.in@users.example",
    "an unknown address": "nobody@acme.example",
    "an agent": "sam@agents.example",
}


@pytest.mark.parametrize("case", REQUESTS)
def test_a_request_gets_one_answer_and_does_the_same_work(world, ann, walk_in, mailbox, case):
    world.agent("Sam")
    response = world.post("/api/v1/auth/password-reset/request", json={"email": REQUESTS[case]})
    assert response.status_code == 202, response.json
    assert response.json == {
        "message": "If an account uses this address, we have sent it a link to set a "
        "password. The link works once, for 1 hour; check the spam folder if nothing arrives."
    }
    # The request only queued one job, the same for every address; the job looks.
    relay(mailbox.queue)
    (task,) = mailbox.queue.huey.pending()
    assert task.name == "auth.password_reset_requested"
    assert db.session.scalar(select(db.func.count()).select_from(PasswordReset)) == 0
    mails = mailbox.deliver()
    expected = {
        "a user": ["ann@acme.example"],
        "a user, typed differently": ["ann@acme.example"],
        "a user without a password": ["walk.in@users.example"],
        "an unknown address": [],
        # Agents set theirs on the agent pages (issue #14): until then, an admin sets it.
        "an agent": [],
    }[case]
    assert [mail["To"] for mail in mails] == expected


def test_a_user_without_a_password_sets_a_first_one(world, walk_in, mailbox):
    world.post("/api/v1/auth/password-reset/request", json={"email": "walk.in@users.example"})
    (mail,) = mailbox.deliver()
    assert redeem(world, token_in(mail)).status_code == 204
    assert signs_in(world, "walk.in@users.example", NEW)


@pytest.mark.parametrize(
    "body", [{}, {"email": "not an address"}, {"email": ""}, {"email": "a@b.example", "x": 1}]
)
def test_a_request_without_an_address_is_refused_by_field(world, mailbox, body):
    response = world.post("/api/v1/auth/password-reset/request", json=body)
    assert response.status_code == 422
    assert response.json["error"]["fields"]
    assert outbox_rows() == 0
    relay(mailbox.queue)
    assert mailbox.queue.huey.pending() == []


@pytest.fixture
def limits(app):
    limiter.reset()
    yield app.config
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "100000 per minute"
    app.config["PASSWORD_RESET_ADDRESS_LIMIT"] = "100000 per minute"
    limiter.reset()


def test_requests_are_limited_per_client(world, ann, mailbox, limits):
    limits["PASSWORD_RESET_RATE_LIMIT"] = "2 per minute"
    codes = [
        world.post(
            "/api/v1/auth/password-reset/request", json={"email": f"x{n}@acme.example"}
        ).status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 429]


def test_requests_are_limited_per_address_asked_for(world, ann, mailbox, limits):
    """Nobody fills Ann's inbox with links, even from many machines: the address counts."""
    limits["PASSWORD_RESET_ADDRESS_LIMIT"] = "2 per hour"

    def ask(email, client):
        return world.post(
            "/api/v1/auth/password-reset/request",
            json={"email": email},
            environ_base={"REMOTE_ADDR": client},
        ).status_code

    asked = [ask(email, f"192.0.2.{n}") for n, email in enumerate(
        ["ann@acme.example", "ANN@acme.example", "ann@acme.example"]
    )]  # fmt: skip
    assert asked == [202, 202, 429]
    assert ask("bo@acme.example", "192.0.2.9") == 202
    assert [mail["To"] for mail in mailbox.deliver()] == ["ann@acme.example"] * 2


def test_the_link_never_comes_from_the_requests_host(world, ann, mailbox, app, monkeypatch):
    """A request sent with a forged Host must not mail Ann a link to the forger's site."""
    # Behind a proxy that checks Host itself (HELPDESK_ALLOWED_HOSTS=*), every Host reaches
    # the app: the link must still not follow it.
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", None)
    headers = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    world.post(
        "/api/v1/auth/password-reset/request", json={"email": ann.row.email}, headers=headers
    )
    monkeypatch.setitem(app.config, "SITE_URL", None)
    crm = world.agent("Carla", permissions=["crm.edit"])
    world.post(f"/api/v1/users/{ann.id}/password-reset", crm, headers=headers)
    addresses = [LINK.findall(text_of(mail))[0] for mail in mailbox.deliver()]
    assert len(addresses) == 2
    assert all("evil.example" not in address for address in addresses)
    # Without HELPDESK_SITE_URL: the address `helpdesk serve` answers at by default.
    assert any(a.startswith("http://127.0.0.1:5000/portal/password-reset?") for a in addresses)


def test_the_link_is_mailed_through_a_real_smtp_server(world, ann, mailbox, app, monkeypatch):
    with running_smtp_server() as server:
        monkeypatch.setitem(app.config, "SMTP_URL", server.url())
        world.post("/api/v1/auth/password-reset/request", json={"email": "ann@acme.example"})
        mailbox.deliver()
    (received,) = server.recorder.received
    assert received.rcpt_tos == ["ann@acme.example"]
    token = token_in(received.message)
    assert redeem(world, token).status_code == 204


def test_two_redemptions_at_once_set_one_password(app, world, ann):
    """The link is used up by a conditional UPDATE: of two at once, exactly one wins."""
    token = issued(ann.row)
    outcomes: list[str] = []

    def redeem_in_its_own_session(password: str) -> None:
        with app.app_context():
            try:
                resets.redeem(token, password, now=utcnow())
                db.session.commit()
                outcomes.append(password)
            except resets.Invalid:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=redeem_in_its_own_session, args=(password,))
        for password in ("first passphrase", "second passphrase")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=lambda o: o == "refused")[1] == "refused"
    (winner,) = [o for o in outcomes if o != "refused"]
    assert signs_in(world, "ann@acme.example", winner)
