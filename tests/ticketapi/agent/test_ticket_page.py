"""/agent/tickets/<id>: the conversation, replies and notes (with a status), the preview,
snippets and attachments, and a reply sent after new messages came in."""

from __future__ import annotations

import io

from tests.ticketapi.agent.pages import (
    csrf_of,
    form_values,
    fresh,
    messages_of,
    page_text,
    ticket_path,
)
from tests.ticketapi.portal.pages import page_of, text_of
from ticketapi.extensions import db
from ticketapi.people.services import agent_actor
from ticketapi.snippets import services as snippets
from ticketapi.tickets import conversation


def test_the_conversation_tells_replies_from_notes(world, ticket_desk):
    response = world.get(ticket_path(ticket_desk["ticket"]))
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


def test_an_agent_replies_and_the_ticket_awaits_the_user(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = {
        **form_values(page, "form.reply-box"),
        "body": "Unplug it, **please**.",
        "kind": "reply",
    }
    response = world.post(ticket_path(ticket_desk["ticket"], "/messages"), data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        ticket_path(ticket_desk["ticket"]) + "#conversation"
    )
    sent = messages_of(ticket_desk["ticket"])[-1]
    assert (sent.body, sent.note, sent.author_name) == ("Unplug it, **please**.", False, "Dana")
    assert fresh(ticket_desk["ticket"]).status == "awaiting_user"
    html = page_of(world.get(ticket_path(ticket_desk["ticket"])))
    assert "Your reply is sent." in text_of(html)
    reply = html.select(".conversation .message")[-1]
    assert "is-reply" in reply["class"] and "Public reply" in text_of(reply)
    assert reply.select_one(".message-body strong").text == "please"  # Markdown, sanitized


def test_a_reply_from_the_page_is_mailed_to_the_requester_and_a_note_never(
    world, ticket_desk, mailbox
):
    mailbox.deliver()
    ticket = ticket_desk["ticket"]
    for kind, body in (("note", "Ask facilities."), ("reply", "Unplug it, **please**.")):
        page = world.get(ticket_path(ticket))
        data = {**form_values(page, "form.reply-box"), "body": body, "kind": kind}
        assert world.post(ticket_path(ticket, "/messages"), data=data).status_code == 303
    (sent,) = [m for m in mailbox.deliver() if m["To"] == "ann@acme.example"]
    assert sent["Subject"] == f"Re: [#{ticket.ref}] Printer on fire"
    html = sent.get_body(("html",)).get_content()
    assert "<strong>please</strong>" in html  # the Markdown as the ticket shows it
    assert "Unplug it, **please**." in sent.get_body(("plain",)).get_content()
    assert "facilities" not in sent.as_string()


def test_a_note_changes_no_status(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = {**form_values(page, "form.reply-box"), "body": "Ask facilities.", "kind": "note"}
    assert world.post(ticket_path(ticket_desk["ticket"], "/messages"), data=data).status_code == 303
    assert messages_of(ticket_desk["ticket"])[-1].note is True
    assert fresh(ticket_desk["ticket"]).status == "awaiting_agent"


def test_send_and_set_pending(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = {**form_values(page, "form.reply-box"), "body": "Waiting on the vendor."}
    data["set_status"] = "pending"
    assert world.post(ticket_path(ticket_desk["ticket"], "/messages"), data=data).status_code == 303
    assert fresh(ticket_desk["ticket"]).status == "pending"
    assert messages_of(ticket_desk["ticket"])[-1].body == "Waiting on the vendor."


def test_an_empty_reply_is_refused_and_an_unknown_status_too(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = {**form_values(page, "form.reply-box"), "body": "   "}
    response = world.post(ticket_path(ticket_desk["ticket"], "/messages"), data=data)
    assert response.status_code == 400 and "Write the message first." in page_text(response)
    data = {**data, "body": "Hello", "status": "deleted"}
    response = world.post(ticket_path(ticket_desk["ticket"], "/messages"), data=data)
    assert response.status_code == 400 and "Choose a status" in page_text(response)
    assert len(messages_of(ticket_desk["ticket"])) == 2


def test_preview_without_script_keeps_the_draft_and_sanitizes(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    body = "**bold** <script>window.hit=1</script><img src=x onerror=alert(1)>"
    data = {**form_values(page, "form.reply-box"), "body": body, "action": "preview"}
    response = world.post(ticket_path(ticket_desk["ticket"], "/messages"), data=data)
    assert response.status_code == 200
    html = page_of(response)
    preview = html.select_one("#preview-body")
    assert preview.select_one("strong").text == "bold"
    assert preview.select_one("script") is None and "onerror" not in str(preview)
    assert html.select_one("#reply-body").text == body
    assert len(messages_of(ticket_desk["ticket"])) == 2  # nothing sent
    token = csrf_of(page)
    answer = world.post(
        ticket_path(ticket_desk["ticket"], "/preview"), data={"csrf_token": token, "body": body}
    )
    assert "<strong>bold</strong>" in answer.json["html"] and "onerror" not in answer.json["html"]


def test_a_reply_after_new_messages_shows_them_first(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    conversation.post_message(
        ticket_desk["admin"], ticket_desk["ticket"].id, body="Fixed it!", now=world.now
    )
    db.session.commit()
    data = {**form_values(page, "form.reply-box"), "body": "Try turning it off."}
    response = world.post(ticket_path(ticket_desk["ticket"], "/messages"), data=data)
    assert response.status_code == 409
    html = page_of(response)
    assert "New messages came in" in text_of(html.select_one("#new-messages"))
    assert "Fixed it!" in text_of(html.select_one(".message.is-new"))
    assert html.select_one("#reply-body").text == "Try turning it off."
    assert len(messages_of(ticket_desk["ticket"])) == 3
    again = form_values(response, "form.reply-box")
    assert again["confirm"] == "send"
    assert (
        world.post(ticket_path(ticket_desk["ticket"], "/messages"), data=again).status_code == 303
    )
    assert messages_of(ticket_desk["ticket"])[-1].body == "Try turning it off."


def test_attachments_are_listed_and_downloaded(world, ticket_desk):
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = {**form_values(page, "form.reply-box"), "body": "The log, attached.", "kind": "note"}
    data["files"] = (io.BytesIO(b"line 1\nline 2\n"), "printer.log")
    response = world.post(
        ticket_path(ticket_desk["ticket"], "/messages"),
        data=data,
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    link = page_of(world.get(ticket_path(ticket_desk["ticket"]))).select_one(".attachments a")
    assert text_of(link) == "printer.log"
    download = world.get(link["href"])
    assert download.status_code == 200 and download.data == b"line 1\nline 2\n"
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_snippets_are_found_and_inserted_without_a_script(world, ticket_desk):
    snippets.create_snippet(
        agent_actor(ticket_desk["dana"].row),
        {"title": "Greeting", "body": "Hello {{ user.first_name }}, from {{ agent.name }}."},
        now=world.now,
    )
    db.session.commit()
    page = world.get(ticket_path(ticket_desk["ticket"]))
    data = {**form_values(page, "form.reply-box"), "body": "First line."}
    data.update(action="find_snippets", snippet_q="greet")
    found = world.post(ticket_path(ticket_desk["ticket"], "/messages"), data=data)
    assert found.status_code == 200
    button = page_of(found).select_one("#snippet-results button")
    assert text_of(button) == "Insert “Greeting”"
    data = {**form_values(found, "form.reply-box"), "insert": button["value"]}
    data.pop("action", None)
    inserted = world.post(ticket_path(ticket_desk["ticket"], "/messages"), data=data)
    assert (
        page_of(inserted).select_one("#reply-body").text == "First line.\n\nHello Ann, from Dana."
    )
    assert len(messages_of(ticket_desk["ticket"])) == 2  # nothing sent


def test_the_snippet_search_answers_json_to_the_script(world, ticket_desk):
    snippets.create_snippet(
        agent_actor(ticket_desk["dana"].row),
        {"title": "Greeting", "body": "Hi {{ user.name }}"},
        now=world.now,
    )
    db.session.commit()
    found = world.get(ticket_path(ticket_desk["ticket"], "/snippets?q=gree")).json["snippets"]
    assert [s["title"] for s in found] == ["Greeting"]
    text = world.get(ticket_path(ticket_desk["ticket"], f"/snippets/{found[0]['id']}")).json["text"]
    assert text == "Hi Ann Lee"
