"""Two-step sign-in: set up from a QR code, then a code after the password; each code and
recovery code works once."""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
import pytest
from bs4 import BeautifulSoup

from tests.ticketapi.agent.pages import (
    CODE,
    PASSWORD,
    code_now,
    csrf_of,
    form_page,
    is_signed_in,
    page_text,
    problem_of,
    sign_in,
    signed_in,
    turn_on_totp,
)
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi.agent.account import qr_svg
from ticketapi.agent.sign_in import PENDING
from ticketapi.auth import totp
from ticketapi.auth.models import AgentTotp, RecoveryCode
from ticketapi.extensions import db, limiter
from ticketapi.people.models import Agent

SETUP = "/agent/account/two-step"


def page_of_svg(markup: str) -> BeautifulSoup:
    return BeautifulSoup(markup, "html.parser")


def send_code(world, code: str):
    token = form_page(world, CODE)
    return world.post(CODE, data={"csrf_token": token, "code": code})


def password_step(world, account):
    response = sign_in(world, account.row.email)
    assert response.status_code == 303
    assert response.headers["Location"] == CODE
    return response


def sign_out(world):
    world.post("/agent/logout", data={"csrf_token": csrf_of(world.get("/agent/"))})


def test_setting_it_up_shows_a_qr_code_then_ten_recovery_codes_once(world, dana, app):
    signed_in(world, dana)
    other = app.test_client()
    world.client, here = other, world.client
    signed_in(world, dana)
    world.client = here
    off = world.get(SETUP)
    assert "Off" in text_of(page_of(off).select_one(".lead"))
    started = world.post(f"{SETUP}/start", data={"csrf_token": csrf_of(off)})
    assert started.status_code == 303
    page = world.get(SETUP)
    html = page_of(page)
    qr = html.select_one(".qr[role=img]")
    assert qr["aria-label"] == "QR code for your authenticator app"
    svg = qr.select_one("svg")
    assert svg is not None and not svg.select("script") and not svg.has_attr("style")
    # Inline, so no request and nothing the CSP must allow beyond our own page.
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    secret = html.select_one(".secret-key code").get_text().replace(" ", "")
    # The QR code says what the key below it says: an otpauth address for this agent.
    uri = pyotp.TOTP(secret).provisioning_uri(name=dana.row.email, issuer_name="Helpdesk")
    drawn = page_of_svg(qr_svg(uri))
    assert [p["d"] for p in svg.select("path")] == [p["d"] for p in drawn.select("path")]
    # The secret is stored encrypted: the column holds no trace of it.
    stored = db.session.get(AgentTotp, dana.id)
    assert secret not in stored.secret_encrypted and stored.confirmed_at is None
    wrong = world.post(f"{SETUP}/confirm", data={"csrf_token": csrf_of(page), "code": "000000"})
    assert wrong.status_code == 422
    assert "not the one your app shows now" in problem_of(wrong)
    confirmed = world.post(
        f"{SETUP}/confirm", data={"csrf_token": csrf_of(page), "code": code_now(secret)}
    )
    assert confirmed.status_code == 200
    codes = [code.get_text() for code in page_of(confirmed).select(".recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(code) == 19 and code.count("-") == 3 for code in codes)
    stored_hashes = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
    assert not set(codes) & set(stored_hashes) and len(stored_hashes) == 10
    # Shown once: the page now says it is on, without the secret or the codes.
    on = world.get(SETUP)
    assert "On" in text_of(page_of(on).select_one(".lead"))
    assert "10 unused recovery codes" in page_text(on)
    for shown in (secret, codes[0], " ".join(secret[i : i + 4] for i in range(0, 32, 4))):
        assert shown not in on.get_data(as_text=True)
    # The browser that signed in with the password alone is signed out; this one stays.
    assert is_signed_in(world)
    world.client = other
    assert not is_signed_in(world)


def test_sign_in_asks_for_the_code_after_the_password(world, dana):
    secret, _codes = turn_on_totp(db.session.get(Agent, dana.id))
    password_step(world, dana)
    assert not is_signed_in(world)  # the password alone opens nothing
    page = world.get(CODE)
    field = page_of(page).select_one("#code-code")
    assert field["autocomplete"] == "one-time-code"
    wrong = send_code(world, "123456" if code_now(secret) != "123456" else "654321")
    assert wrong.status_code == 422
    assert "wrong or was used already" in problem_of(wrong)
    response = send_code(world, code_now(secret))
    assert response.status_code == 303
    assert response.headers["Location"] == "/agent/"
    assert is_signed_in(world)


def test_a_code_is_good_once(world, dana):
    secret, _codes = turn_on_totp(db.session.get(Agent, dana.id))
    code = code_now(secret)
    password_step(world, dana)
    assert send_code(world, code).status_code == 303
    sign_out(world)
    password_step(world, dana)
    replayed = send_code(world, code)
    assert replayed.status_code == 422
    assert not is_signed_in(world)


def test_a_code_from_before_the_last_one_used_is_refused(world, dana):
    """The step of the last code used is remembered: an older code never works again."""
    agent = db.session.get(Agent, dana.id)
    secret, _codes = turn_on_totp(agent)
    now = world.now
    generator = pyotp.TOTP(secret)
    assert totp.check(agent, generator.at(now), now=now)
    earlier = generator.at(now - timedelta(seconds=30))
    assert not totp.check(agent, earlier, now=now)
    assert not totp.check(agent, generator.at(now - timedelta(minutes=5)), now=now)
    assert totp.check(agent, generator.at(now + timedelta(seconds=30)), now=now)


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x", "１２３４５６"])
def test_codes_that_are_not_six_digits_are_refused(world, dana, typed):
    agent = db.session.get(Agent, dana.id)
    turn_on_totp(agent)
    assert not totp.check(agent, typed, now=world.now)


def test_a_recovery_code_signs_in_once(world, dana):
    _secret, codes = turn_on_totp(db.session.get(Agent, dana.id))
    password_step(world, dana)
    response = send_code(world, "  " + codes[3].upper() + " ")
    assert response.status_code == 303
    assert "You signed in with a recovery code: 9 left." in page_text(world.get("/agent/"))
    sign_out(world)
    password_step(world, dana)
    assert send_code(world, codes[3]).status_code == 422
    assert send_code(world, codes[4].replace("-", "")).status_code == 303


def test_another_agents_recovery_code_does_not_work(world, dana):
    _secret, codes = turn_on_totp(db.session.get(Agent, dana.id))
    sam = world.agent("Sam")
    sam.row.password_hash = dana.row.password_hash
    db.session.commit()
    turn_on_totp(db.session.get(Agent, sam.id))
    password_step(world, sam)
    assert send_code(world, codes[0]).status_code == 422


def test_the_code_step_needs_a_password_first_and_runs_out(world, dana):
    secret, _codes = turn_on_totp(db.session.get(Agent, dana.id))
    assert world.get(CODE).headers["Location"] == "/agent/login"
    password_step(world, dana)
    with world.client.session_transaction() as cookie:
        cookie[PENDING] = {**cookie[PENDING], "until": int(time.time()) - 1}
    token = csrf_of(world.get("/agent/login"))
    response = world.post(CODE, data={"csrf_token": token, "code": code_now(secret)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/agent/login"
    assert "took too long" in page_text(world.get("/agent/login"))
    assert not is_signed_in(world)


def test_a_password_change_meanwhile_ends_the_code_step(world, dana):
    agent = db.session.get(Agent, dana.id)
    secret, _codes = turn_on_totp(agent)
    password_step(world, dana)
    agent.credentials_generation += 1
    db.session.commit()
    token = csrf_of(world.get("/agent/login"))
    response = world.post(CODE, data={"csrf_token": token, "code": code_now(secret)})
    assert response.headers["Location"] == "/agent/login"
    assert not is_signed_in(world)


def test_codes_are_rate_limited_per_agent(world, dana, app, monkeypatch):
    turn_on_totp(db.session.get(Agent, dana.id))
    monkeypatch.setitem(app.config, "TOTP_RATE_LIMIT", "2 per minute")
    limiter.reset()
    try:
        password_step(world, dana)
        for address in ("10.0.0.1", "10.0.0.2"):
            token = form_page(world, CODE)
            response = world.post(
                CODE,
                data={"csrf_token": token, "code": "000000"},
                environ_base={"REMOTE_ADDR": address},
            )
            assert response.status_code == 422
        token = form_page(world, CODE)
        refused = world.post(
            CODE,
            data={"csrf_token": token, "code": "000000"},
            environ_base={"REMOTE_ADDR": "10.0.0.3"},
        )
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert "Too many sign-in attempts" in problem_of(refused)
    finally:
        limiter.reset()


def test_turning_it_off_needs_the_password(world, dana):
    agent = db.session.get(Agent, dana.id)
    _secret, codes = turn_on_totp(agent)
    password_step(world, dana)
    assert send_code(world, codes[0]).status_code == 303
    page = world.get(SETUP)
    wrong = world.post(f"{SETUP}/off", data={"csrf_token": csrf_of(page), "password": "nope nope"})
    assert wrong.status_code == 422
    assert page_of(wrong).select_one("#two-step-off-password")["aria-invalid"] == "true"
    assert totp.is_on(agent)
    done = world.post(f"{SETUP}/off", data={"csrf_token": csrf_of(page), "password": PASSWORD})
    assert done.status_code == 303
    db.session.expire_all()
    assert not totp.is_on(db.session.get(Agent, dana.id))
    assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0
    sign_out(world)
    assert sign_in(world, dana.row.email).headers["Location"] == "/agent/"


def test_new_recovery_codes_replace_the_old_ones(world, dana):
    _secret, old = turn_on_totp(db.session.get(Agent, dana.id))
    password_step(world, dana)
    assert send_code(world, old[0]).status_code == 303
    page = world.get(SETUP)
    response = world.post(
        f"{SETUP}/recovery-codes", data={"csrf_token": csrf_of(page), "password": PASSWORD}
    )
    assert response.status_code == 200
    new = [code.get_text() for code in page_of(response).select(".recovery-codes code")]
    assert len(new) == 10 and not set(new) & set(old)
    sign_out(world)
    password_step(world, dana)
    assert send_code(world, old[1]).status_code == 422
    assert send_code(world, new[1]).status_code == 303


def test_a_secret_under_another_key_accepts_no_code(world, dana, app, monkeypatch):
    agent = db.session.get(Agent, dana.id)
    secret, codes = turn_on_totp(agent)
    monkeypatch.setitem(app.config, "SECRET_KEY", "another secret key")
    assert not totp.check(agent, code_now(secret), now=world.now)
    # The way back in: a recovery code, stored as a hash, needs no key.
    assert totp.use_recovery_code(agent, codes[0], now=world.now)
