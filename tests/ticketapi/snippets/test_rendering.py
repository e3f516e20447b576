"""Filling in snippets for a ticket: placeholders, the sandbox, and the limits."""

from __future__ import annotations

import pytest

from ticketapi.extensions import db
from ticketapi.snippets import demo, services, templating
from ticketapi.snippets.models import Snippet
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow


@pytest.fixture
def sam(world):
    return world.agent("Sam Rivers")


@pytest.fixture
def requester(world):
    org = world.organization("Harbour Kayak Club")
    return world.user("Ann Lee", email="ann@club.example", organization=org)


def open_ticket(world, requester, subject="Cracked hull on my rental", agent=None) -> Ticket:
    response = world.post(
        "/api/v1/tickets", requester, json={"subject": subject, "message": "It leaks."}
    )
    assert response.status_code == 201, response.json
    ticket = db.session.get(Ticket, response.json["id"])
    ticket.agent_id = agent.id if agent else None
    db.session.commit()
    return ticket


def save(world, who, body, title="Reply"):
    response = world.post("/api/v1/snippets", who, json={"title": title, "body": body})
    assert response.status_code == 201, response.json
    return response.json["id"]


def stored(body: str, owner) -> int:
    """A snippet written straight to the database, as one saved before today's rules."""
    snippet = Snippet(title="Old", body=body, owner_id=owner.id, shared=False)
    db.session.add(snippet)
    db.session.commit()
    return snippet.id


def render(world, who, snippet_id, ticket_id):
    return world.post(f"/api/v1/snippets/{snippet_id}/render", who, json={"ticket_id": ticket_id})


def test_placeholders_are_filled_in_for_the_ticket(world, sam, requester):
    ticket = open_ticket(world, requester)
    body = (
        "Hi {{ user.first_name }} ({{ user.email }}),\n"
        "About “{{ ticket.subject }}” [#{{ ticket.ref }}] for {{ organization.name }}:\n"
        "{% if ticket.status == 'awaiting_agent' %}we are on it.{% else %}done.{% endif %}\n"
        "{{ agent.name|upper }}\n"
    )

    response = render(world, sam, save(world, sam, body), ticket.id)

    assert response.status_code == 200
    assert response.json == {
        "body": "Hi Ann (ann@club.example),\n"
        f"About “Cracked hull on my rental” [#{ticket.ref}] for Harbour Kayak Club:\n"
        "we are on it.\nSAM RIVERS\n"
    }


def test_values_are_text_and_never_run_as_a_template(world, sam):
    requester = world.user("{{ agent.email }}", email="curly@users.example")
    ticket = open_ticket(world, requester, subject="{% for x in y %}")

    response = render(
        world, sam, save(world, sam, "{{ user.name }} {{ ticket.subject }}"), ticket.id
    )

    assert response.json["body"] == "{{ agent.email }} {% for x in y %}"


def test_a_user_without_an_organization_gets_an_empty_name(world, sam):
    ticket = open_ticket(world, world.user("Bo"))
    body = "Hi{% if organization.name %} from {{ organization.name }}{% endif %}!"

    assert render(world, sam, save(world, sam, body), ticket.id).json["body"] == "Hi!"


def test_rendering_for_a_ticket_the_agent_cannot_see_is_not_found(world, sam, requester):
    colleague = world.agent("Colleague")
    hidden = open_ticket(world, requester, agent=colleague)
    snippet_id = save(world, sam, "Hi")

    assert render(world, sam, snippet_id, hidden.id).status_code == 404
    assert render(world, sam, snippet_id, hidden.id + 1000).status_code == 404
    assert render(world, colleague, snippet_id, hidden.id).status_code == 404


@pytest.mark.parametrize(
    ("ticket_id", "field"), [(None, "ticket_id"), ("one", "ticket_id"), (0, "ticket_id")]
)
def test_render_needs_a_ticket_id(world, sam, ticket_id, field):
    response = render(world, sam, save(world, sam, "Hi"), ticket_id)

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_an_unknown_placeholder_is_refused_on_save_with_the_list(world, sam):
    response = world.post(
        "/api/v1/snippets", sam, json={"title": "Call", "body": "Call {{ user.phone }}"}
    )

    assert response.status_code == 422
    message = response.json["error"]["fields"]["body"]
    assert "{{ user.phone }} is not a placeholder" in message
    assert "{{ user.name }}" in message


def test_an_unknown_placeholder_saved_long_ago_is_a_422_on_render(world, sam, requester):
    ticket = open_ticket(world, requester)

    response = render(world, sam, stored("Call {{ user.phone }}", sam.row), ticket.id)

    assert response.status_code == 422
    assert "user.phone" in response.json["error"]["fields"]["body"]


def test_a_template_that_does_not_parse_is_refused_with_its_line(world, sam):
    response = world.post(
        "/api/v1/snippets", sam, json={"title": "Broken", "body": "Hi,\n\n{% if user.name %}yes"}
    )

    assert response.status_code == 422
    assert response.json["error"]["fields"]["body"].startswith("line 3:")


ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ user.__class__ }}",
    "{{ user['__class__'].__base__.__subclasses__() }}",
    "{{ user.items() }}",
    "{{ user.name.format }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ self.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ config }}",
    "{{ request }}",
    "{{ user }}",
    "{{ user.name|attr('__class__') }}",
    "{{ '%s'|format(user) }}",
    "{% set x = user %}{{ x }}",
    "{% include '/etc/passwd' %}",
    "{% import 'x' as y %}",
    "{% extends 'base.html' %}",
    "{% macro m() %}{% endmacro %}",
    "{{ ticket.id * 10 }}",
]
LEAKS = ("<class", "object at 0x", "builtin", "subclasses", "root:", "uid=")


@pytest.mark.parametrize("body", ESCAPES)
def test_sandbox_escapes_are_refused_and_leak_nothing(world, sam, requester, body):
    ticket = open_ticket(world, requester)

    saved = world.post("/api/v1/snippets", sam, json={"title": "Escape", "body": body})
    rendered = render(world, sam, stored(body, sam.row), ticket.id)

    for response in (saved, rendered):
        assert response.status_code == 422
        assert "body" in response.json["error"]["fields"]
        assert not any(leak in response.get_data(as_text=True) for leak in LEAKS)


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        "{{ 'x' * 1000000000 }}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ ticket.subject|replace('', ticket.subject) }}",
        "{{ user.name|center(1000000000) }}",
        "{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}",
    ],
)
def test_expensive_templates_are_refused_when_saved(world, sam, body):
    response = world.post("/api/v1/snippets", sam, json={"title": "Bomb", "body": body})

    assert response.status_code == 422
    assert "body" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    "body",
    [
        "{{ user.name|truncate(-1) }}",
        "{{ user.name|truncate(2) }}",  # shorter than its end mark "..."
        "{{ user.name|truncate(5, end='......') }}",
        "{{ user.name|truncate(5, leeway=-1) }}",
        "{{ user.name|truncate(99999999999999999999) }}",
        "{{ user.name|truncate(ticket.id) }}",
        "{{ user.name|truncate(5, killwords='yes') }}",
        "{{ user.name|truncate(5, length=6) }}",
        "{{ user.name|truncate(1, 2, 3, 4, 5) }}",
        "{{ user.name|upper(1) }}",
        "{{ user.name|trim(5) }}",
        "{{ user.name|default(user.email, 'maybe') }}",
        "{{ user.name|default(user.password) }}",
        "{% if user.name is eq %}x{% endif %}",
        "{% if user.name is none(1) %}x{% endif %}",
    ],
)
def test_filter_arguments_that_would_fail_are_refused_when_saved(world, sam, body):
    response = world.post("/api/v1/snippets", sam, json={"title": "Odd", "body": body})

    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]["body"].startswith("line 1: ")


def test_a_snippet_that_fails_when_filled_in_is_a_422_never_a_500(world, sam, requester):
    # Saved before its filter's arguments were checked: it still must not break the server.
    ticket = open_ticket(world, requester)
    for body in ("{{ user.name|truncate(-1) }}", "{{ user.name|truncate(5, leeway=-1) }}"):
        response = render(world, sam, stored(body, sam), ticket.id)

        assert response.status_code == 422
        # Checked again when filled in: the writer learns what to change.
        assert "truncate's" in response.json["error"]["fields"]["body"]


def test_rendered_text_is_capped(world, sam, requester):
    ticket = open_ticket(world, requester, subject="S" * 300)
    # 999 placeholders fit in a body, and each becomes 300 characters: 299,700 in all.
    body = "{{ ticket.subject }}" * 999

    response = render(world, sam, save(world, sam, body), ticket.id)

    assert response.status_code == 422
    assert "longer than 100,000 characters" in response.json["error"]["fields"]["body"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{{ user.name[0] }}.", "A."),
        ("{{ user.name[:3]|lower }}", "ann"),
        ("{{ ticket['ref'] == ticket.ref }}", "True"),
        ("{{ user.first_name ~ '!' }}", "Ann!"),
        ("{{ organization.name|default('you', true) }}", "you"),
        ("{{ ticket.subject|truncate(9, true, '…', 0) }}", "Cracked …"),
        ("{{ 'yes' if ticket.status in ['awaiting_agent', 'pending'] else 'no' }}", "yes"),
        ("{% if user.email is string and not ticket.id is none %}ok{% endif %}", "ok"),
        ("{% raw %}{{ user.name }}{% endraw %}", "{{ user.name }}"),
    ],
)
def test_the_snippet_language(body, expected):
    values = {
        "user": {"name": "Ann Lee", "first_name": "Ann", "email": "ann@club.example"},
        "ticket": {"id": 7, "ref": "K7Q2", "subject": "Cracked hull", "status": "awaiting_agent"},
        "agent": {"name": "Sam Rivers", "first_name": "Sam", "email": "sam@agents.example"},
        "organization": {"name": ""},
    }
    templating.check(body)

    assert templating.render(body, values) == expected


def test_every_placeholder_has_a_value(world, sam, requester):
    values = services.placeholder_values(open_ticket(world, requester), sam.row)

    assert {root: tuple(fields) for root, fields in values.items()} == templating.PLACEHOLDERS


def test_the_demo_snippets_are_valid_and_render(world, sam, requester):
    ticket = open_ticket(world, requester)
    values = services.placeholder_values(ticket, sam.row)

    for _title, _category, _tags, body in demo.SHARED + demo.SAM_PERSONAL:
        templating.check(body)
        assert "{{" not in templating.render(body, values)
    assert demo.load(utcnow()) == len(demo.SHARED)
