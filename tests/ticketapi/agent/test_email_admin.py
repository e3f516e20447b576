"""/agent/admin/email and /agent/admin/inbound: admins only, forms checked by field, CSRF,
the password never shown, hostile mail inert, a held message retried or filed by hand."""

from __future__ import annotations

import pytest

from tests.support.jobs import drain
from tests.ticketapi.agent.email_world import TRACKER, account, filed, held, hostile_mail
from tests.ticketapi.agent.pages import csrf_of, page_text, problem_of, signed_in, with_password
from tests.ticketapi.inbound.mails import ACCOUNT, mail
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi.extensions import db
from ticketapi.inbound.accounts import imap_password
from ticketapi.inbound.models import EmailAccount, InboundMessage
from ticketapi.tickets.models import Message, Ticket

SECRET = "imap-s3cret-never-shown"


@pytest.fixture
def mailroom(world, queue):
    """Ada (an admin) signed in; Dana (an agent, not an admin); an account, a filed message
    of Ann's and a held one."""
    team = world.team("Support")
    ada = with_password(world.admin("Ada"))
    dana = with_password(world.agent("Dana", permissions=["tickets.reply"], teams=[team]))
    world.user("Ann Lee", email="ann@acme.example")
    inbox = account(team)
    first = filed(inbox, mail())
    stuck = held(inbox, mail(subject="Invoice", message_id="<held@acme.example>", text="Paid?"))
    drain(queue)
    return {"ada": ada, "dana": dana, "account": inbox, "filed": first, "held": stuck}


def routes(room) -> list[tuple[str, str]]:
    account_id, held_id = room["account"].id, room["held"].id
    return [
        ("GET", "/agent/admin/email"),
        ("POST", "/agent/admin/email"),
        ("GET", f"/agent/admin/email/{account_id}"),
        ("POST", f"/agent/admin/email/{account_id}"),
        ("GET", "/agent/admin/inbound"),
        ("GET", f"/agent/admin/inbound/{held_id}"),
        ("GET", f"/agent/admin/inbound/{held_id}/raw"),
        ("POST", f"/agent/admin/inbound/{held_id}/retry"),
        ("POST", f"/agent/admin/inbound/{held_id}/file"),
    ]


def account_form(**values) -> dict[str, str]:
    return {
        "address": "sales@tidewater.example", "name": "Sales", "team_id": "",
        "agent_mail_as": "reply", "auto_acknowledge": "1", "imap_host": "", "imap_port": "",
        "imap_username": "", "imap_password": "", "imap_folder": "", **values,
    }  # fmt: skip


def test_an_agent_who_is_not_an_admin_gets_403_everywhere_and_no_link(world, mailroom):
    signed_in(world, mailroom["dana"])
    token = csrf_of(world.get("/agent/tasks"))
    assert "Email accounts" not in page_text(world.get("/agent/tasks"))
    for method, path in routes(mailroom):
        data = {"csrf_token": token, **account_form(), "ticket": "X", "as": "new"}
        response = world.call(method, path, data=data if method == "POST" else None)
        assert response.status_code == 403, (method, path, response.status_code)
    assert db.session.get(InboundMessage, mailroom["held"].id).state == "quarantined"
    assert db.session.scalar(db.select(db.func.count()).select_from(EmailAccount)) == 1


def test_signed_out_visitors_are_sent_to_sign_in(world, mailroom):
    for method, path in routes(mailroom):
        if method == "GET":
            assert world.get(path).status_code == 303


def test_every_form_post_without_its_token_is_refused(world, mailroom):
    signed_in(world, mailroom["ada"])
    for method, path in routes(mailroom):
        if method == "POST":
            response = world.post(path, data={**account_form(), "as": "new"})
            assert response.status_code == 400, path
    assert db.session.get(InboundMessage, mailroom["held"].id).state == "quarantined"


def test_an_admin_adds_an_account_and_the_password_is_never_shown(world, mailroom):
    signed_in(world, mailroom["ada"])
    page = world.get("/agent/admin/email")
    links = [a.text for a in page_of(page).select(".sidebar a")]
    assert "Email accounts" in links and "Inbound mail" in links
    imap = {"imap_host": "imap.tidewater.example", "imap_username": "sales",
            "imap_password": SECRET, "imap_tls": "1"}  # fmt: skip
    response = world.post(
        "/agent/admin/email", data={"csrf_token": csrf_of(page), **account_form(**imap)}
    )
    assert response.status_code == 303, problem_of(response)
    created = db.session.scalar(db.select(EmailAccount).where(EmailAccount.name == "Sales"))
    assert imap_password(created) == SECRET and created.imap_port == 993
    listing = world.get("/agent/admin/email")
    assert "sales@tidewater.example" in page_text(listing)
    edit = world.get(f"/agent/admin/email/{created.id}")
    assert SECRET not in edit.get_data(as_text=True)
    assert page_of(edit).select_one("#account-imap_password").get("value") is None
    # Saved with the password left empty: the stored one stays.
    form = {**account_form(**imap, name="Sales team"), "imap_password": "", "agent_mail_as": "note"}
    saved = world.post(
        f"/agent/admin/email/{created.id}", data={"csrf_token": csrf_of(edit), **form}
    )
    assert saved.status_code == 303, problem_of(saved)
    db.session.expire_all()
    again = db.session.get(EmailAccount, created.id)
    assert (again.name, again.agent_mail_as, imap_password(again)) == ("Sales team", "note", SECRET)


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"address": "not an address"}, "address", "name@example.com"),
        ({"address": ACCOUNT}, "address", "another ticket email account"),
        ({"name": ""}, "name", "Give a name"),
        ({"team_id": "abc"}, "team_id", "Choose a team"),
        ({"team_id": "999"}, "team_id", "Choose a team"),
        ({"agent_mail_as": "bcc"}, "agent_mail_as", "reply or note"),
        ({"imap_username": "sales"}, "imap_host", "IMAP server"),
        ({"imap_host": "imap.x", "imap_username": "s", "imap_port": "99999"}, "imap_port", "1 to"),
        ({"imap_host": "imap.x", "imap_username": "s", "imap_port": "x"}, "imap_port", "1 to"),
        ({"imap_host": "imap.x", "imap_username": "s"}, "imap_password", "needs a password"),
    ],
)
def test_bad_input_is_told_beside_its_field(world, mailroom, values, field, says):
    signed_in(world, mailroom["ada"])
    token = csrf_of(world.get("/agent/admin/email"))
    response = world.post(
        "/agent/admin/email", data={"csrf_token": token, **account_form(**values)}
    )
    assert response.status_code in (409, 422)
    error = page_of(response).select_one(f"#account-{field}-error")
    assert error is not None, page_text(response)[:600]
    assert says.lower() in text_of(error).lower()
    assert page_of(response).select_one(f"#account-{field}")["aria-invalid"] == "true"
    assert db.session.scalar(db.select(db.func.count()).select_from(EmailAccount)) == 1


def test_the_inbound_list_filters_by_state_and_account(world, mailroom):
    signed_in(world, mailroom["ada"])
    everything = page_of(world.get("/agent/admin/inbound"))
    assert len(everything.select(".inbound-table tbody tr")) == 2
    held_only = page_of(world.get("/agent/admin/inbound?state=quarantined"))
    assert [text_of(a) for a in held_only.select(".inbound-table tbody a")] == ["Invoice"]
    other = page_of(world.get(f"/agent/admin/inbound?account={mailroom['account'].id + 1}"))
    assert other.select(".inbound-table tbody tr") == []
    odd = world.get("/agent/admin/inbound?state=<script>&account=-1&page=x")
    assert odd.status_code == 200 and len(page_of(odd).select(".inbound-table tbody tr")) == 2


def test_a_message_page_shows_headers_reason_ticket_and_raw(world, mailroom):
    signed_in(world, mailroom["ada"])
    row = mailroom["filed"]
    html = page_of(world.get(f"/agent/admin/inbound/{row.id}"))
    text = text_of(html)
    assert "A new ticket" in text and "<m1@acme.example>" in text
    assert html.select_one(f'a[href="/agent/tickets/{row.ticket_id}"]') is not None
    assert "Retry" not in text  # only a held message is retried
    raw = world.get(f"/agent/admin/inbound/{row.id}/raw")
    assert raw.status_code == 200 and raw.data == mail()
    assert raw.headers["Content-Disposition"].startswith("attachment")
    assert world.get("/agent/admin/inbound/999999").status_code == 404


def test_hostile_mail_is_shown_inert(world, mailroom):
    signed_in(world, mailroom["ada"])
    row = filed(mailroom["account"], hostile_mail())
    for path in ("/agent/admin/inbound", f"/agent/admin/inbound/{row.id}"):
        html = page_of(world.get(path))
        assert html.select("main script, main iframe, main object, main embed, main svg") == []
        assert not [
            tag for tag in html.select("main *") if any(a.startswith("on") for a in tag.attrs)
        ]
        assert not html.select('main [href^="javascript" i], main [src^="javascript" i]')
    detail = page_of(world.get(f"/agent/admin/inbound/{row.id}"))
    images = detail.select(".message-body img")
    assert all(image.get("src") is None for image in images)  # nothing loads by itself
    assert TRACKER in [image.get("data-src") for image in images]
    assert detail.select_one("button[data-remote-images]") is not None


def test_a_held_message_is_retried_by_the_job(world, mailroom, queue):
    signed_in(world, mailroom["ada"])
    held_id = mailroom["held"].id
    page = world.get(f"/agent/admin/inbound/{held_id}")
    assert "Not filed: a test." in page_text(page)
    response = world.post(
        f"/agent/admin/inbound/{held_id}/retry", data={"csrf_token": csrf_of(page)}
    )
    assert response.status_code == 303
    drain(queue)
    db.session.expire_all()
    assert db.session.get(InboundMessage, held_id).state == "filed"


def test_a_held_message_is_filed_by_hand_onto_a_ticket_by_ref(world, mailroom):
    signed_in(world, mailroom["ada"])
    held_id, ticket = mailroom["held"].id, db.session.get(Ticket, mailroom["filed"].ticket_id)
    page = world.get(f"/agent/admin/inbound/{held_id}")
    token = csrf_of(page)
    for typed, says in (("", "Give the reference"), ("ZZZZ-ZZZZ", "No ticket has the reference")):
        refused = world.post(
            f"/agent/admin/inbound/{held_id}/file", data={"csrf_token": token, "ticket": typed}
        )
        assert refused.status_code == 422
        assert says in text_of(page_of(refused).select_one("#file-ticket-error"))
    response = world.post(
        f"/agent/admin/inbound/{held_id}/file",
        data={"csrf_token": token, "ticket": f"#{ticket.ref.lower()}"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    row = db.session.get(InboundMessage, held_id)
    assert (row.state, row.ticket_id) == ("filed", ticket.id), row.reason
    assert row.reason.startswith("By hand (Ada): A reply by Ann Lee")
    assert db.session.get(Message, row.ticket_message_id).body == "Paid?"
    assert "By hand (Ada)" in page_text(world.get(f"/agent/admin/inbound/{held_id}"))


def test_a_held_message_is_filed_by_hand_as_a_new_ticket(world, mailroom):
    signed_in(world, mailroom["ada"])
    held_id = mailroom["held"].id
    token = csrf_of(world.get(f"/agent/admin/inbound/{held_id}"))
    response = world.post(
        f"/agent/admin/inbound/{held_id}/file", data={"csrf_token": token, "as": "new"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    row = db.session.get(InboundMessage, held_id)
    assert row.state == "filed" and row.ticket_id != mailroom["filed"].ticket_id
    assert db.session.get(Ticket, row.ticket_id).subject == "Invoice"
    again = world.post(
        f"/agent/admin/inbound/{held_id}/file", data={"csrf_token": token, "as": "new"}
    )
    assert again.status_code == 422 and "only a quarantined one" in problem_of(again)
