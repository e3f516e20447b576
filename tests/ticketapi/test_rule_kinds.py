"""Agents and users are numbered separately: agent 3 and user 3 are different people.

Every rule that compares an actor's id with a column must check that the actor is of the
column's kind. Each rule of `permissions.py` is tried with actors of both kinds whose id
collides with columns of the other kind: the answer must be the one an actor with an id
nobody holds gets. The SQL twins (`visible_*`) must agree with their rule row for row, over
a database whose agents and users share ids.

A new rule fails `test_every_rule_has_a_target` until it is named in RULE_TARGETS here, and a
new SQL twin fails `test_every_sql_twin_is_checked` until it is in TWINS.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ticketapi import permissions
from ticketapi.extensions import db
from ticketapi.people.models import Agent, Organization, Team, User
from ticketapi.permissions import AGENT_PERMISSIONS, PORTAL_PERMISSIONS, Actor, Rule
from ticketapi.snippets.models import Snippet
from ticketapi.tasks.models import Task
from ticketapi.tickets.models import Ticket, ticket_cc, ticket_followers

#: Ids that agents and users both hold, so drawn columns collide with the actor often.
POOL = (1, 2, 3)
#: An id no drawn target holds: what an actor who collides with nothing is called.
FRESH = 1000

# What each rule's target is. Rules of permissions.py that take no target say None.
RULE_TARGETS = {
    "is_agent": None, "is_user": None, "is_admin": None, "is_system": None, "anyone": None,
    "is_assignee": "ticket", "in_assigned_team": "ticket", "is_unassigned": "ticket",
    "is_follower": "ticket", "is_requester": "ticket", "is_cc": "ticket", "is_confirmed": "ticket",
    "in_ticket_organization": "ticket", "agent_sees_ticket": "ticket",
    "user_sees_ticket": "ticket", "can_view_ticket": "ticket", "can_reply": "ticket",
    "can_add_note": "ticket", "can_see_notes": "ticket", "can_edit_ticket": "ticket",
    "can_assign": "ticket", "can_merge": "ticket", "can_delete_ticket": "ticket",
    "can_manage_cc": "ticket", "can_confirm_ticket": "ticket",
    "can_send_confirmation_link": "ticket", "can_submit_ticket": None,
    "can_create_ticket_for_user": None, "can_assign_new_ticket": None,
    "can_view_people": None, "can_edit_people": None, "can_manage_agents": None,
    "can_send_password_link": None,
    "can_manage_jobs": None, "can_manage_email": None, "can_view_settings": None, "can_change_settings": None,
    "is_that_agent": "agent", "can_view_notification_settings": "agent",
    "can_edit_notification_settings": "agent", "may_be_told_about_ticket": "ticket",
    "is_suggestion_author": "suggestion", "is_new_suggestion": "suggestion",
    "is_comment_author": "comment", "can_moderate_community": None,
    "can_view_community": None, "can_suggest": None, "can_vote": None, "can_comment": None,
    "can_edit_suggestion": "suggestion", "can_delete_suggestion": "suggestion",
    "can_merge_suggestions": "suggestion", "can_see_voters": None,
    "can_see_suggestion_history": None, "can_delete_comment": "comment",
    "is_snippet_owner": "snippet", "is_shared_snippet": "snippet", "can_use_snippets": None,
    "can_share_snippets": None, "can_view_snippet": "snippet", "can_edit_snippet": "snippet",
    "is_task_assignee": "task", "in_task_team": "task", "is_task_creator": "task",
    "sees_task_ticket": "task", "can_use_tasks": None, "can_view_task": "task",
    "can_edit_task": "task", "can_delete_task": "task",
    "can_view_slas": None, "can_manage_slas": None,
    "in_document_usergroup": "documents", "is_public_document": "documents",
    "can_read_document": "documents", "can_search": None, "can_record_deflection": None,
    "can_view_deflections": None,
}  # fmt: skip


def rules_of_the_module() -> dict[str, Rule]:
    return {name: value for name, value in vars(permissions).items() if isinstance(value, Rule)}


def test_every_rule_has_a_target():
    assert set(RULE_TARGETS) == set(rules_of_the_module())


def actors(kinds=("agent", "user")):
    """Agents with permissions and teams, users with an organization and usergroups."""

    @st.composite
    def build(draw):
        kind = draw(st.sampled_from(kinds))
        if kind == "agent":
            return Actor(
                kind="agent",
                id=draw(st.sampled_from(POOL)),
                is_admin=draw(st.booleans()),
                permissions=frozenset(draw(st.sets(st.sampled_from(sorted(AGENT_PERMISSIONS))))),
                team_ids=frozenset(draw(st.sets(st.sampled_from((1, 2))))),
            )
        if kind == "user":
            return Actor(
                kind="user",
                id=draw(st.sampled_from(POOL)),
                permissions=frozenset(draw(st.sets(st.sampled_from(sorted(PORTAL_PERMISSIONS))))),
                organization_id=draw(st.sampled_from((None, 1, 2))),
                usergroups=frozenset(draw(st.sets(st.sampled_from(("staff", "partners"))))),
            )
        return Actor(kind=kind, name=kind)

    return build()


def column(draw, kind: str, actor: Actor, *, optional: bool = False):
    """An id for a column naming a `kind`: never the actor's own id when it is their kind
    (that would be a real match), any id of the pool (often theirs) when it is not."""
    pool = [i for i in POOL if not (kind == actor.kind and i == actor.id)]
    return draw(st.sampled_from([None, *pool] if optional else pool))


def columns(draw, kind: str, actor: Actor) -> list[int]:
    return sorted({column(draw, kind, actor) for _ in range(draw(st.integers(0, 3)))})


def ticket(draw, actor: Actor) -> SimpleNamespace:
    return SimpleNamespace(
        agent_id=column(draw, "agent", actor, optional=True),
        team_id=draw(st.sampled_from((None, 1, 2))),
        user_id=column(draw, "user", actor),
        follower_ids=columns(draw, "agent", actor),
        cc_ids=columns(draw, "user", actor),
        organization_id=draw(st.sampled_from((None, 1, 2))),
        confirmed=draw(st.booleans()),
    )


def target(draw, shape: str | None, actor: Actor):
    if shape is None:
        return None
    if shape == "ticket":
        return ticket(draw, actor)
    if shape == "task":
        return SimpleNamespace(
            agent_id=column(draw, "agent", actor, optional=True),
            team_id=draw(st.sampled_from((None, 1, 2))),
            created_by_id=column(draw, "agent", actor, optional=True),
            ticket=ticket(draw, actor) if draw(st.booleans()) else None,
        )
    if shape == "snippet":
        return SimpleNamespace(
            owner_id=column(draw, "agent", actor, optional=True), shared=draw(st.booleans())
        )
    if shape == "suggestion":
        return SimpleNamespace(
            author_id=column(draw, "user", actor, optional=True),
            status=draw(st.sampled_from(("new", "planned"))),
        )
    if shape == "comment":
        author_type = draw(st.sampled_from(("user", "agent")))
        return SimpleNamespace(
            author_type=author_type, author_id=column(draw, author_type, actor, optional=True)
        )
    if shape == "agent":
        return SimpleNamespace(id=column(draw, "agent", actor))
    if shape == "documents":
        return draw(st.lists(st.sampled_from(("Staff", "partners", "Everyone")), max_size=2))
    raise AssertionError(f"no target shape {shape}")


@pytest.mark.parametrize("name", sorted(RULE_TARGETS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_an_id_of_the_other_kind_changes_nothing(name, data):
    """Whatever columns of the other kind hold the actor's id, the answer is the one for an
    actor of the same kind and rights whose id no column holds."""
    rule = rules_of_the_module()[name]
    actor = data.draw(actors(), label="actor")
    the_target = target(data.draw, RULE_TARGETS[name], actor)
    stranger = replace(actor, id=FRESH)
    assert rule(actor, the_target) == rule(stranger, the_target)


def test_an_agent_with_a_requesters_id_is_not_the_requester():
    """The case the review found: agent 1 is not user 1, who opened the ticket."""
    ticket_of_user_1 = SimpleNamespace(
        agent_id=None,
        team_id=None,
        user_id=1,
        follower_ids=[],
        cc_ids=[],
        organization_id=None,
        confirmed=True,
    )
    agent_1 = Actor(kind="agent", id=1)
    assert not permissions.is_requester(agent_1, ticket_of_user_1)
    assert not permissions.can_manage_cc(agent_1, ticket_of_user_1)
    assert permissions.can_manage_cc(Actor(kind="user", id=1), ticket_of_user_1)


# The SQL twins, over a database where agents 1-3 and users 1-3 exist side by side.

TWINS = {
    "visible_tickets": "can_view_ticket",
    "visible_snippets": "can_view_snippet",
    "visible_tasks": "can_view_task",
}


def test_every_sql_twin_is_checked():
    twins = {
        name
        for name, value in vars(permissions).items()
        if name.startswith("visible_") and callable(value)
    }
    assert twins == set(TWINS)


@pytest.fixture
def colliding_world():
    """Agents, users, teams and organizations 1-3 (ids shared across kinds), and tickets,
    snippets and tasks that name them in every combination that matters to the rules."""
    agents = [Agent(id=i, email=f"agent{i}@agents.example", name=f"Agent {i}") for i in POOL]
    users = [User(id=i, email=f"user{i}@users.example", name=f"User {i}") for i in POOL]
    db.session.add_all(agents + users)
    db.session.add_all([Team(id=i, name=f"Team {i}") for i in (1, 2)])
    db.session.add_all([Organization(id=i, name=f"Org {i}") for i in (1, 2)])
    db.session.flush()
    by_id = {("agent", a.id): a for a in agents} | {("user", u.id): u for u in users}
    tickets = []
    combinations = itertools.product(
        (None, 1, 2),
        (None, 1),
        (1, 2),
        (None, 1),
        ((), (1,), (2, 3)),
        ((), (1,), (2, 3)),
        (True, False),
    )
    for n, (agent_id, team_id, user_id, org_id, followers, cc, confirmed) in enumerate(
        combinations
    ):
        tickets.append(
            Ticket(
                ref=f"T{n:05d}",
                subject=f"Ticket {n}",
                status="awaiting_agent",
                source="api",
                user_id=user_id,
                organization_id=org_id,
                agent_id=agent_id,
                team_id=team_id,
                followers=[by_id["agent", i] for i in followers],
                cc=[by_id["user", i] for i in cc],
                confirmed=confirmed,
            )
        )
    db.session.add_all(tickets)
    for n, (owner_id, shared) in enumerate(itertools.product((None, 1, 2, 3), (True, False))):
        db.session.add(Snippet(title=f"S{n}", body="Hi", shared=shared, owner_id=owner_id))
    db.session.flush()
    linked = (None, tickets[0].id, tickets[40].id, tickets[100].id)
    for n, (agent_id, team_id, creator, ticket_id) in enumerate(
        itertools.product((None, 1, 2), (None, 1), (None, 1, 3), linked)
    ):
        db.session.add(
            Task(
                title=f"Task {n}",
                agent_id=agent_id,
                team_id=team_id,
                created_by_id=creator,
                ticket_id=ticket_id,
            )
        )
    db.session.commit()
    return SimpleNamespace(
        tickets=list(
            db.session.scalars(
                select(Ticket).options(selectinload(Ticket.followers), selectinload(Ticket.cc))
            )
        ),
        snippets=list(db.session.scalars(select(Snippet))),
        tasks=list(
            db.session.scalars(
                select(Task).options(
                    selectinload(Task.ticket).selectinload(Ticket.followers),
                    selectinload(Task.ticket).selectinload(Ticket.cc),
                )
            )
        ),
    )


def sql_ids(twin: str, actor: Actor) -> set[int]:
    if twin == "visible_tickets":
        where = permissions.visible_tickets(actor, Ticket, ticket_followers, ticket_cc)
        return set(db.session.scalars(select(Ticket.id).where(where)))
    if twin == "visible_snippets":
        return set(
            db.session.scalars(
                select(Snippet.id).where(permissions.visible_snippets(actor, Snippet))
            )
        )
    where = permissions.visible_tasks(actor, Task, Ticket, ticket_followers, ticket_cc)
    return set(db.session.scalars(select(Task.id).where(where)))


ROWS = {"visible_tickets": "tickets", "visible_snippets": "snippets", "visible_tasks": "tasks"}


@pytest.mark.parametrize("twin", sorted(TWINS))
def test_sql_twins_agree_with_their_rules(colliding_world, twin):
    rule = getattr(permissions, TWINS[twin])
    rows = getattr(colliding_world, ROWS[twin])

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(actor=actors(("agent", "user", "anonymous")))
    def agree(actor):
        assert sql_ids(twin, actor) == {row.id for row in rows if rule(actor, row)}

    agree()
