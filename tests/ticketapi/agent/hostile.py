"""Known XSS vectors for the agent pages' tests: each would open a dialog or set a flag.

`furnish` places them in every text the agent pages show (ticket subjects, message bodies,
user, organization, agent, team, SLA and view names, labels, snippets, task titles);
`ARTICLES` are knowledgebase articles titled with them. A page passes when Chromium saw no
dialog and no flag.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from helpdesk.search.indexer import Document
from ticketapi.agent import saved_views
from ticketapi.extensions import db
from ticketapi.people.models import Organization, Team
from ticketapi.people.services import agent_actor
from ticketapi.slas.models import Sla, TicketSla
from ticketapi.snippets import services as snippets
from ticketapi.tasks import services as tasks
from ticketapi.tickets import conversation, participants
from ticketapi.tickets import services as tickets
from ticketapi.tickets.models import Ticket
from ticketapi.timeutil import utcnow

FLAG = "window.__xss = 1"
RUN = f"alert(1);{FLAG}"

VECTORS = [
    f"<script>{RUN}</script>",
    f"<img src=x onerror={RUN}>",
    f'<img src="x" onerror="{RUN}">',
    f"<svg onload={RUN}>",
    f"<svg><script>{RUN}</script></svg>",
    f"<body onload={RUN}>",
    f"<iframe src=javascript:{RUN}></iframe>",
    f'<iframe srcdoc="<script>{RUN}</script>"></iframe>',
    f"<a href=javascript:{RUN}>click</a>",
    f'<a href="JaVaScRiPt:{RUN}">click</a>',
    f'<a href="&#106;avascript:{RUN}">click</a>',
    f"<details open ontoggle={RUN}>",
    f"<input autofocus onfocus={RUN}>",
    f"<select autofocus onfocus={RUN}></select>",
    f"<textarea autofocus onfocus={RUN}></textarea>",
    f"<video><source onerror={RUN}></video>",
    f"<audio src=x onerror={RUN}>",
    f"<object data=javascript:{RUN}></object>",
    f"<embed src=javascript:{RUN}>",
    f'<math><mtext><table><mglyph><style><img src=x onerror="{RUN}">',
    f"<form><button formaction=javascript:{RUN}>go</button></form>",
    f"<marquee onstart={RUN}>x</marquee>",
    f'"><script>{RUN}</script>',
    f"'><img src=x onerror={RUN}>",
    f"</textarea><script>{RUN}</script>",
    f"</title><script>{RUN}</script>",
    f"</script><script>{RUN}</script>",
    f"{{{{ {RUN} }}}}",
    f"${{{RUN}}}",
    f'<div style="background:url(javascript:{RUN})">x</div>',
    "<img src=x:alert(1) onerror=eval(src)>",
    f"<svg><animate onbegin={RUN} attributeName=x dur=1s>",
    f"<style>@import 'javascript:{RUN}';</style>",
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    f"<base href=javascript:{RUN}//>",
    f'<img src="x` `<script>{RUN}</script>"` `>',
    f"<isindex type=image src=1 onerror={RUN}>",
    f'<x onclick="{RUN}">click me</x>',
    f"[click](javascript:{RUN})",
    f'![x](x" onerror="{RUN})',
    f'<noscript><p title="</noscript><img src=x onerror={RUN}>">',
    f"<template><script>{RUN}</script></template>",
]


#: A label of a vector: labels are one line, at most 50 characters, without commas.
def label_of(vector: str) -> str:
    return vector.replace(",", ";").strip()[:50].strip().lower()


#: Titles of knowledgebase articles for "Link an article" (a search index of their own).
ARTICLES = [
    Document(
        url=f"/kb/hostile/article-{n}/",
        title=f"Printer {vector}",
        section="article",
        category="hostile",
        summary=vector,
        body=f"<p>Printer {html.escape(vector)}</p>",
    )
    for n, vector in enumerate(VECTORS)
]


@dataclass
class Hostile:
    """A help desk whose every name and text is a vector, for one agent to read."""

    agent: Any  # the signed-in agent's Account, named with a vector too
    team: Team
    hub: Ticket  # a ticket holding every vector: notes, labels, tasks, CC, follower
    tickets: list[Ticket]
    organizations: list[Organization]
    view_ids: list[int] = field(default_factory=list)
    task_ids: list[int] = field(default_factory=list)


def furnish(world, agent_email: str = "dana@agents.example") -> Hostile:
    """Tickets, users, organizations, labels, notes, snippets, tasks, SLA clocks, a team, an
    agent and saved views made of VECTORS (at least one of each per vector where it fits)."""
    team = world.team(VECTORS[20][:100])
    permissions = ["tickets.reply", "tickets.edit", "tickets.assign", "tickets.merge"]
    agent = world.agent(VECTORS[1], email=agent_email, permissions=permissions, teams=[team])
    colleague = world.agent(VECTORS[2], email="sam@agents.example", teams=[team])
    admin = agent_actor(world.admin().row)
    me = agent_actor(agent.row)
    now = utcnow()
    sla = Sla(name=VECTORS[3][:200], type="first_response", target_minutes=60)
    db.session.add(sla)
    db.session.flush()
    made, organizations = [], []
    for n, vector in enumerate(VECTORS):
        organization = world.organization(vector)
        user = world.user(vector, email=f"user{n}@hostile.example", organization=organization)
        ticket = tickets.open_ticket(
            admin,
            {
                "user_id": user.id,
                "subject": vector,
                "message": vector,
                "labels": [label_of(vector)],
                "team_id": team.id,
                "agent_id": agent.id if n % 3 == 0 else None,
                "urgency": 1 + n % 10,
            },
            now=now - timedelta(minutes=len(VECTORS) - n),
        )
        db.session.flush()
        snippets.create_snippet(
            me, {"title": vector, "body": "{% raw %}" + vector + "{% endraw %}"}, now=now
        )
        if n % 4 == 0:
            participants.add_follower(admin, ticket.id, agent.id, now=now)
        if n % 5 == 0:  # its clock (the SLA applies to every ticket) at risk
            db.session.get(TicketSla, (ticket.id, sla.id)).state = "warning"
        made.append(ticket)
        organizations.append(organization)
    hub = made[0]
    for vector in VECTORS:
        conversation.post_message(admin, hub.id, body=vector, html=vector, note=True, now=now)
    hub = db.session.get(Ticket, hub.id)
    tickets.update_ticket(
        admin,
        hub.id,
        {"labels": sorted({label_of(v) for v in VECTORS[:20]})},
        version=hub.version,
        now=now,
    )
    participants.add_cc(admin, hub.id, {"user_id": made[5].user_id}, now=now)
    participants.add_follower(admin, hub.id, colleague.id, now=now)
    for ticket in made[-4:]:  # the status queues have theirs
        ticket = db.session.get(Ticket, ticket.id)
        tickets.update_ticket(
            admin, ticket.id, {"status": "resolved"}, version=ticket.version, now=now
        )
    hostile = Hostile(agent, team, hub, made, organizations)
    for n, vector in enumerate(VECTORS):
        # Due now (today), a day ago (overdue), or done: every tab of the tasks page has some.
        due = now - timedelta(days=1) if n % 3 == 1 else now + timedelta(minutes=1)
        task = tasks.create_task(
            me, {"title": vector, "ticket_id": hub.id, "team_id": team.id, "due_at": due}, now=now
        )
        if n % 3 == 2:
            tasks.update_task(me, task.id, {"done": True}, now=now)
        hostile.task_ids.append(task.id)
    for vector in VECTORS[:5]:
        view = saved_views.create(agent.row, vector[:60], {"q": "script"}, now=now)
        hostile.view_ids.append(view.id)
    db.session.commit()  # the server's requests take SQLite's write lock
    return hostile
