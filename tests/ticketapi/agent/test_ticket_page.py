"""/agent/tickets/<id>: the conversation, replies and notes, the properties panel, people,
merging, the stale-save choice between two sessions, presence, and what a permission-less
agent neither sees nor can post."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.world import World
from tests.ticketapi.agent.pages import csrf_of, page_text, signed_in, with_password
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi.agent import presence
from ticketapi.extensions import db
from ticketapi.people.services import agent_actor
from ticketapi.slas.models import Sla, TicketSla
from ticketapi.snippets import services as snippets
from ticketapi.tickets import conversation
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Message, Ticket

EVERYTHING = ["tickets.reply", "tickets.edit", "tickets.assign", "tickets.merge"]


@pytest.fixture(autouse=True)
def no_presence():
    """Presence marks live in this process's memory here: none from another test."""
    presence._memory.clear()
    yield
    presence._memory.clear()


@pytest.fixture
def desk(world):
    """Dana (every ticket permission), a ticket of Ann's with a reply and a note."""
    team = world.team("Support")
    dana = with_password(world.agent("Dana", permissions=EVERYTHING, teams=[team]))
    admin = agent_actor(world.admin().row)
    ann = world.user("Ann Lee", email="ann@acme.example", organization=world.organization("Acme"))
    ticket = tickets.open_ticket(
        admin,
        {"user_id": ann.id, "subject": "Printer on fire", "message": "It **burns**."},
        now=world.now,
    )
    db.session.flush()
    conversation.post_message(admin, ticket.id, body="Checking the logs.", note=True, now=world.now)
    db.session.commit()
    signed_in(world, dana)
    return {"dana": dana, "admin": admin, "ann": ann, "ticket": ticket, "team": team}


def url(ticket, tail: str = "") -> str:
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


def test_the_conversation_tells_replies_from_notes(world, desk):
    response = world.get(url(desk["ticket"]))
    assert response.status_code == 200
    html = page_of(response)
    assert text_of(html.select_one("h1")) == "Printer on fire"
    first, note = html.select(".conversation .message")
    assert "is-requester" in first["class"] and "From the requester" in text_of(first)
    assert text_of(first.select_one(".message-body")) == "It **burns**."  # plain text, kept
    assert "is-note" in note["class"] and "Internal note" in text_of(
        note.select_one(".message-kind")
    )
    assert "Ann Lee" in page_text(response) and "Acme" in page_text(response)


def test_an_agent_replies_and_the_ticket_awaits_the_user(world, desk):
    page = world.get(url(desk["ticket"]))
    data = {
        **form_values(page, "form.reply-box"),
        "body": "Unplug it, **please**.",
        "kind": "reply",
    }
    response = world.post(url(desk["ticket"], "/messages"), data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url(desk["ticket"]) + "#conversation")
    sent = messages_of(desk["ticket"])[-1]
    assert (sent.body, sent.note, sent.author_name) == ("Unplug it, **please**.", False, "Dana")
    assert fresh(desk["ticket"]).status == "awaiting_user"
    html = page_of(world.get(url(desk["ticket"])))
    assert "Your reply is sent." in text_of(html)
    reply = html.select(".conversation .message")[-1]
    assert "is-reply" in reply["class"] and "Public reply" in text_of(reply)
    assert reply.select_one(".message-body strong").text == "please"  # Markdown, sanitized


def test_a_reply_from_the_page_is_mailed_to_the_requester_and_a_note_never(world, desk, mailbox):
    mailbox.deliver()
    for kind, body in (("note", "Ask facilities."), ("reply", "Unplug it, **please**.")):
        page = world.get(url(desk["ticket"]))
        data = {**form_values(page, "form.reply-box"), "body": body, "kind": kind}
        assert world.post(url(desk["ticket"], "/messages"), data=data).status_code == 303
    (sent,) = [m for m in mailbox.deliver() if m["To"] == "ann@acme.example"]
    assert sent["Subject"] == f"Re: [#{desk['ticket'].ref}] Printer on fire"
    html = sent.get_body(("html",)).get_content()
    assert "<strong>please</strong>" in html  # the Markdown as the ticket shows it
    assert "Unplug it, **please**." in sent.get_body(("plain",)).get_content()
    assert "facilities" not in sent.as_string()


def test_a_note_changes_no_status(world, desk):
    page = world.get(url(desk["ticket"]))
    data = {**form_values(page, "form.reply-box"), "body": "Ask facilities.", "kind": "note"}
    assert world.post(url(desk["ticket"], "/messages"), data=data).status_code == 303
    assert messages_of(desk["ticket"])[-1].note is True
    assert fresh(desk["ticket"]).status == "awaiting_agent"


def test_send_and_set_pending(world, desk):
    page = world.get(url(desk["ticket"]))
    data = {**form_values(page, "form.reply-box"), "body": "Waiting on the vendor."}
    data["set_status"] = "pending"
    assert world.post(url(desk["ticket"], "/messages"), data=data).status_code == 303
    assert fresh(desk["ticket"]).status == "pending"
    assert messages_of(desk["ticket"])[-1].body == "Waiting on the vendor."


def test_an_empty_reply_is_refused_and_an_unknown_status_too(world, desk):
    page = world.get(url(desk["ticket"]))
    data = {**form_values(page, "form.reply-box"), "body": "   "}
    response = world.post(url(desk["ticket"], "/messages"), data=data)
    assert response.status_code == 400 and "Write the message first." in page_text(response)
    data = {**data, "body": "Hello", "status": "deleted"}
    response = world.post(url(desk["ticket"], "/messages"), data=data)
    assert response.status_code == 400 and "Choose a status" in page_text(response)
    assert len(messages_of(desk["ticket"])) == 2


def test_preview_without_script_keeps_the_draft_and_sanitizes(world, desk):
    page = world.get(url(desk["ticket"]))
    body = "**bold** <script>window.hit=1</script><img src=x onerror=alert(1)>"
    data = {**form_values(page, "form.reply-box"), "body": body, "action": "preview"}
    response = world.post(url(desk["ticket"], "/messages"), data=data)
    assert response.status_code == 200
    html = page_of(response)
    preview = html.select_one("#preview-body")
    assert preview.select_one("strong").text == "bold"
    assert preview.select_one("script") is None and "onerror" not in str(preview)
    assert html.select_one("#reply-body").text == body
    assert len(messages_of(desk["ticket"])) == 2  # nothing sent
    token = csrf_of(page)
    answer = world.post(url(desk["ticket"], "/preview"), data={"csrf_token": token, "body": body})
    assert "<strong>bold</strong>" in answer.json["html"] and "onerror" not in answer.json["html"]


def test_the_properties_are_saved(world, desk):
    page = world.get(url(desk["ticket"]))
    data = form_values(page, "form.properties")
    data.update(status="pending", team_id=str(desk["team"].id), urgency="8", labels="VIP, printer")
    response = world.post(url(desk["ticket"], "/properties"), data=data)
    assert response.status_code == 303
    ticket = fresh(desk["ticket"])
    assert (ticket.status, ticket.team_id, ticket.urgency) == ("pending", desk["team"].id, 8)
    assert ticket.labels == ["printer", "vip"]
    history = page_text(world.get(url(desk["ticket"])))
    assert "Status: Awaiting agent → Pending" in history and "Team: none → Support" in history


def test_the_properties_save_answers_json_to_the_script(world, desk):
    page = world.get(url(desk["ticket"]))
    data = {**form_values(page, "form.properties"), "urgency": "2"}
    response = world.post(
        url(desk["ticket"], "/properties"), data=data, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json["version"] == fresh(desk["ticket"]).version == desk["ticket"].version


def test_bad_urgency_is_refused(world, desk):
    page = world.get(url(desk["ticket"]))
    data = {**form_values(page, "form.properties"), "urgency": "99"}
    response = world.post(url(desk["ticket"], "/properties"), data=data)
    assert response.status_code == 400 and "1 to 10" in page_text(response)
    assert fresh(desk["ticket"]).urgency == 5


def test_a_stale_save_shows_what_changed_and_the_choice(world, app, desk):
    """Two sessions: Sam changes the urgency while Dana has the page open."""
    sam_world = World(app.test_client())
    sam = with_password(world.agent("Sam", permissions=EVERYTHING, teams=[desk["team"]]))
    signed_in(sam_world, sam)
    dana_page = world.get(url(desk["ticket"]))
    sam_page = sam_world.get(url(desk["ticket"]))
    theirs = {**form_values(sam_page, "form.properties"), "urgency": "9"}
    assert sam_world.post(url(desk["ticket"], "/properties"), data=theirs).status_code == 303
    mine = {**form_values(dana_page, "form.properties"), "status": "pending"}
    response = world.post(url(desk["ticket"], "/properties"), data=mine)
    assert response.status_code == 409
    choice = page_of(response).select_one(".stale-choice")
    assert "Sam · Urgency: 5 → 9" in text_of(choice.select_one(".changes-theirs"))
    assert text_of(choice.select_one(".changes-mine")) == "Status: Pending"
    ticket = fresh(desk["ticket"])
    assert (ticket.status, ticket.urgency) == ("awaiting_agent", 9)  # nothing of mine applied
    anyway = form_values(response, ".stale-choice form")
    assert world.post(url(desk["ticket"], "/properties"), data=anyway).status_code == 303
    ticket = fresh(desk["ticket"])
    assert (ticket.status, ticket.urgency) == ("pending", 9)  # mine, and theirs kept
    keep = page_of(response).select_one(".stale-choice a")
    assert text_of(keep) == "Keep theirs" and keep["href"] == url(desk["ticket"])


def test_a_reply_after_new_messages_shows_them_first(world, desk):
    page = world.get(url(desk["ticket"]))
    conversation.post_message(desk["admin"], desk["ticket"].id, body="Fixed it!", now=world.now)
    db.session.commit()
    data = {**form_values(page, "form.reply-box"), "body": "Try turning it off."}
    response = world.post(url(desk["ticket"], "/messages"), data=data)
    assert response.status_code == 409
    html = page_of(response)
    assert "New messages came in" in text_of(html.select_one("#new-messages"))
    assert "Fixed it!" in text_of(html.select_one(".message.is-new"))
    assert html.select_one("#reply-body").text == "Try turning it off."
    assert len(messages_of(desk["ticket"])) == 3
    again = form_values(response, "form.reply-box")
    assert again["confirm"] == "send"
    assert world.post(url(desk["ticket"], "/messages"), data=again).status_code == 303
    assert messages_of(desk["ticket"])[-1].body == "Try turning it off."


def test_cc_and_followers_are_added_and_removed(world, desk):
    token = csrf_of(world.get(url(desk["ticket"])))
    response = world.post(
        url(desk["ticket"], "/cc"), data={"csrf_token": token, "email": "bo@x.example"}
    )
    assert response.status_code == 303
    (cc,) = fresh(desk["ticket"]).cc
    assert "bo@x.example" in page_text(world.get(url(desk["ticket"])))
    assert (
        world.post(
            url(desk["ticket"], f"/cc/{cc.id}/remove"), data={"csrf_token": token}
        ).status_code
        == 303
    )
    assert fresh(desk["ticket"]).cc == []
    assert (
        world.post(url(desk["ticket"], "/followers"), data={"csrf_token": token}).status_code == 303
    )
    assert fresh(desk["ticket"]).follower_ids == [desk["dana"].id]
    html = page_of(world.get(url(desk["ticket"])))
    assert html.select_one("#people button", string="Stop following") is not None
    path = url(desk["ticket"], f"/followers/{desk['dana'].id}/remove")
    assert world.post(path, data={"csrf_token": token}).status_code == 303
    assert fresh(desk["ticket"]).follower_ids == []


def test_a_bad_cc_address_is_told(world, desk):
    token = csrf_of(world.get(url(desk["ticket"])))
    response = world.post(
        url(desk["ticket"], "/cc"), data={"csrf_token": token, "email": "ann@acme.example"}
    )
    assert response.status_code == 303
    assert "requester" in page_text(world.get(url(desk["ticket"]))).lower()
    assert fresh(desk["ticket"]).cc == []


def test_merge_into_another_ticket_by_ref(world, desk):
    other = tickets.open_ticket(
        desk["admin"],
        {"user_id": desk["ann"].id, "subject": "Printer still hot", "message": "Hi"},
        now=world.now,
    )
    db.session.commit()
    token = csrf_of(world.get(url(desk["ticket"])))
    response = world.post(
        url(desk["ticket"], "/merge"), data={"csrf_token": token, "into": other.ref.lower()}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(url(other))
    assert fresh(desk["ticket"]).merged_into_id == other.id
    response = world.post(url(other, "/merge"), data={"csrf_token": token, "into": "NOPE-NOPE"})
    assert "There is no ticket NOPE-NOPE" in page_text(world.get(response.headers["Location"]))


def test_the_sla_panel_shows_each_clock(world, desk):
    first = Sla(name="First reply", type="first_response", target_minutes=60)
    done = Sla(name="Resolution", type="resolution", target_minutes=600)
    db.session.add_all([first, done])
    db.session.flush()
    db.session.add_all(
        [
            TicketSla(
                ticket_id=desk["ticket"].id,
                sla_id=first.id,
                state="warning",
                due_at=world.now + timedelta(minutes=50),
                running_since=world.now,
            ),
            TicketSla(
                ticket_id=desk["ticket"].id,
                sla_id=done.id,
                state="done",
                due_at=world.now,
                completed_at=world.now - timedelta(hours=1),
            ),
        ]
    )
    db.session.commit()
    clocks = page_of(world.get(url(desk["ticket"]))).select(".sla-panel .sla-clock")
    assert [text_of(c.select_one(".sla-name")) for c in clocks] == ["First reply", "Resolution"]
    assert "At risk" in text_of(clocks[0]) and "min left" in text_of(clocks[0])
    assert "Met" in text_of(clocks[1])


def test_presence_is_seen_by_a_second_agent(world, app, desk):
    sam_world = World(app.test_client())
    sam = with_password(world.agent("Sam", permissions=EVERYTHING, teams=[desk["team"]]))
    signed_in(sam_world, sam)
    token = csrf_of(world.get(url(desk["ticket"])))
    answer = world.post(
        url(desk["ticket"], "/presence"), data={"csrf_token": token, "state": "replying"}
    )
    assert answer.status_code == 200 and answer.json["others"] == []
    sam_token = csrf_of(sam_world.get(url(desk["ticket"])))
    answer = sam_world.post(url(desk["ticket"], "/presence"), data={"csrf_token": sam_token})
    assert answer.json["others"] == [{"name": "Dana", "state": "replying"}]
    assert "Dana is replying" in page_text(sam_world.get(url(desk["ticket"])))
    assert "Sam is viewing" in page_text(world.get(url(desk["ticket"])))


def test_presence_needs_the_forms_token(world, desk):
    response = world.post(url(desk["ticket"], "/presence"), data={"state": "viewing"})
    assert response.status_code == 400


FORMS = [
    "/messages",
    "/preview",
    "/properties",
    "/cc",
    "/cc/1/remove",
    "/followers",
    "/followers/1/remove",
    "/merge",
    "/presence",
]


@pytest.mark.parametrize("tail", FORMS)
def test_every_form_refuses_a_post_without_the_token(world, desk, tail):
    before = fresh(desk["ticket"]).version
    response = world.post(url(desk["ticket"], tail), data={"body": "x", "status": "resolved"})
    assert response.status_code == 400
    assert fresh(desk["ticket"]).version == before


@pytest.fixture
def reader(world, app, desk):
    """Lee may see the team's tickets and nothing more: no reply, edit, assign or merge."""
    lee = with_password(world.agent("Lee", permissions=[], teams=[desk["team"]]))
    tickets.update_ticket(
        desk["admin"],
        desk["ticket"].id,
        {"team_id": desk["team"].id},
        version=desk["ticket"].version,
        now=world.now,
    )
    db.session.commit()
    lee_world = World(app.test_client())
    signed_in(lee_world, lee)
    return lee_world


def test_an_agent_without_permissions_sees_no_forbidden_action(reader, desk):
    response = reader.get(url(desk["ticket"]))
    assert response.status_code == 200
    html = page_of(response)
    for selector in (
        "form.reply-box",
        "form.properties",
        "#merge",
        'form[action$="/cc"]',
        "#follower-agent",
    ):
        assert html.select_one(selector) is None, selector
    assert "Awaiting agent" in text_of(html.select_one(".side-pane .facts"))


@pytest.mark.parametrize(
    "tail, data",
    [
        ("/messages", {"body": "Hi", "kind": "reply"}),
        ("/messages", {"body": "Hi", "kind": "note"}),
        ("/properties", {"status": "resolved", "seen_status": "awaiting_agent"}),
        ("/properties", {"agent_id": "1", "seen_agent_id": ""}),
        ("/cc", {"email": "bo@x.example"}),
        ("/merge", {"into": "ABCD-EFGH"}),
    ],
)
def test_direct_posts_without_the_permission_are_refused(reader, desk, tail, data):
    token = csrf_of(reader.get(url(desk["ticket"])))
    before = fresh(desk["ticket"])
    version, count = before.version, len(messages_of(desk["ticket"]))
    form = {"csrf_token": token, "version": str(version), "seen": "0", **data}
    response = reader.post(url(desk["ticket"], tail), data=form)
    assert response.status_code == 403
    assert fresh(desk["ticket"]).version == version
    assert len(messages_of(desk["ticket"])) == count
    assert fresh(desk["ticket"]).cc == []


def test_a_ticket_the_agent_may_not_see_is_not_found(world, app, desk):
    billing = world.team("Billing")
    tickets.update_ticket(
        desk["admin"],
        desk["ticket"].id,
        {"team_id": billing.id},
        version=desk["ticket"].version,
        now=world.now,
    )
    db.session.commit()
    kim = with_password(world.agent("Kim", permissions=EVERYTHING))
    kim_world = World(app.test_client())
    signed_in(kim_world, kim)
    assert kim_world.get(url(desk["ticket"])).status_code == 404
    assert kim_world.get("/agent/tickets/99999999999").status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(app, desk):
    visitor = app.test_client()
    response = visitor.get(url(desk["ticket"]))
    assert response.status_code == 303 and "/agent/login" in response.headers["Location"]


def test_attachments_are_listed_and_downloaded(world, desk):
    import io

    page = world.get(url(desk["ticket"]))
    data = {**form_values(page, "form.reply-box"), "body": "The log, attached.", "kind": "note"}
    data["files"] = (io.BytesIO(b"line 1\nline 2\n"), "printer.log")
    response = world.post(
        url(desk["ticket"], "/messages"), data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 303
    link = page_of(world.get(url(desk["ticket"]))).select_one(".attachments a")
    assert text_of(link) == "printer.log"
    download = world.get(link["href"])
    assert download.status_code == 200 and download.data == b"line 1\nline 2\n"
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_snippets_are_found_and_inserted_without_a_script(world, desk):
    snippets.create_snippet(
        agent_actor(desk["dana"].row),
        {"title": "Greeting", "body": "Hello {{ user.first_name }}, from {{ agent.name }}."},
        now=world.now,
    )
    db.session.commit()
    page = world.get(url(desk["ticket"]))
    data = {**form_values(page, "form.reply-box"), "body": "First line."}
    data.update(action="find_snippets", snippet_q="greet")
    found = world.post(url(desk["ticket"], "/messages"), data=data)
    assert found.status_code == 200
    button = page_of(found).select_one("#snippet-results button")
    assert text_of(button) == "Insert “Greeting”"
    data = {**form_values(found, "form.reply-box"), "insert": button["value"]}
    data.pop("action", None)
    inserted = world.post(url(desk["ticket"], "/messages"), data=data)
    assert (
        page_of(inserted).select_one("#reply-body").text == "First line.\n\nHello Ann, from Dana."
    )
    assert len(messages_of(desk["ticket"])) == 2  # nothing sent


def test_the_snippet_search_answers_json_to_the_script(world, desk):
    snippets.create_snippet(
        agent_actor(desk["dana"].row),
        {"title": "Greeting", "body": "Hi {{ user.name }}"},
        now=world.now,
    )
    db.session.commit()
    found = world.get(url(desk["ticket"], "/snippets?q=gree")).json["snippets"]
    assert [s["title"] for s in found] == ["Greeting"]
    text = world.get(url(desk["ticket"], f"/snippets/{found[0]['id']}")).json["text"]
    assert text == "Hi Ann Lee"


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999", "1e3"])
def test_a_bad_agent_or_team_is_refused(world, desk, value):
    page = world.get(url(desk["ticket"]))
    data = {**form_values(page, "form.properties"), "team_id": value}
    response = world.post(url(desk["ticket"], "/properties"), data=data)
    assert response.status_code == 400 and "Choose from the list." in page_text(response)
    assert fresh(desk["ticket"]).version == desk["ticket"].version


def test_a_task_added_on_the_ticket_page_is_linked_and_listed(world, desk):
    page = world.get(url(desk["ticket"]))
    data = {**form_values(page, "form.task-form"), "title": "Call facilities about the printer"}
    answer = world.post(url(desk["ticket"], "/tasks"), data=data)
    assert answer.status_code == 303
    assert answer.headers["Location"] == url(desk["ticket"])
    listed = page_of(world.get(url(desk["ticket"]))).select_one(".task-list")
    assert "Call facilities about the printer" in text_of(listed)
