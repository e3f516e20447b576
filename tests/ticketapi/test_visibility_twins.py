"""The SQL twins of the visibility rules pick the rows their Python rules allow.

`visible_tickets` and `visible_tasks` (permissions.py) filter every list; `can_view_ticket`
and `can_view_task` guard every single read. Hypothesis draws a whole help desk: agents with
permissions, teams and follows, users with organizations, usergroups and CCs, tickets with
every kind of owner (merged ones too), tasks linked to them or not. Each person is made an
actor the way a request makes one (from their row), and for each of them, and for an anonymous
visitor, the rows the SQL returns must be exactly the rows the rule allows.

test_rule_kinds.py checks the same twins over a fixed table of tickets with drawn actors;
here the tickets, tasks and people are drawn too, and actors come from real rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.people.models import Agent, Organization, Team, User, Usergroup
from ticketapi.permissions import (
    Actor,
    can_view_task,
    can_view_ticket,
    visible_tasks,
    visible_tickets,
)
from ticketapi.tasks.models import Task
from ticketapi.tickets.models import Ticket, ticket_cc, ticket_followers

# The permissions the rules read, and one they do not (it must change nothing).
AGENT_RIGHTS = ("tickets.view_all", "tasks.manage", "tickets.reply")
USER_RIGHTS = ("tickets.view_organization", "community.vote")


@dataclass
class Desk:
    agents: list[Agent]
    users: list[User]
    tickets: list[Ticket]
    tasks: list[Task]


def some(draw, items: list, max_size: int | None = None) -> list:
    """A drawn subset of `items`, in their order."""
    if not items:
        return []
    chosen = draw(st.sets(st.integers(0, len(items) - 1), max_size=max_size or len(items)))
    return [items[i] for i in sorted(chosen)]


def one_or_none(draw, items: list):
    return draw(st.sampled_from([None, *items])) if items else None


def id_of(row) -> int | None:
    return None if row is None else row.id


def draw_desk(draw) -> Desk:
    """Write a drawn help desk to the database (flushed, in the test's transaction)."""
    teams = [Team(name=f"Team {n}") for n in range(3)]
    organizations = [Organization(name=f"Org {n}") for n in range(2)]
    groups = [
        Usergroup(name=f"Group {n}", permissions=some(draw, list(USER_RIGHTS))) for n in range(2)
    ]
    db.session.add_all(teams + organizations + groups)
    agents = [
        Agent(
            email=f"agent{n}@agents.example",
            name=f"Agent {n}",
            is_admin=draw(st.booleans()) and draw(st.booleans()),  # one in four
            permissions=some(draw, list(AGENT_RIGHTS)),
            teams=some(draw, teams),
        )
        for n in range(draw(st.integers(1, 4)))
    ]
    users = [
        User(
            email=f"user{n}@users.example",
            name=f"User {n}",
            organization=one_or_none(draw, organizations),
            usergroups=some(draw, groups),
        )
        for n in range(draw(st.integers(1, 4)))
    ]
    db.session.add_all(agents + users)
    db.session.flush()
    tickets: list[Ticket] = []
    for n in range(draw(st.integers(0, 8))):
        requester = draw(st.sampled_from(users))
        ticket = Ticket(
            ref=f"TWIN-{n:04d}",
            subject=f"Ticket {n}",
            status=draw(st.sampled_from(("awaiting_agent", "awaiting_user", "resolved"))),
            source="api",
            user=requester,
            # Copied from the requester when opened, so usually theirs; they may have moved.
            organization=draw(st.sampled_from([requester.organization, *organizations, None])),
            agent=one_or_none(draw, agents),
            team=one_or_none(draw, teams),
            followers=some(draw, agents, max_size=2),
            cc=some(draw, users, max_size=2),
            confirmed=draw(st.booleans()),
        )
        db.session.add(ticket)
        db.session.flush()
        if tickets and draw(st.booleans()) and draw(st.booleans()):
            ticket.merged_into_id = draw(st.sampled_from(tickets)).id
        tickets.append(ticket)
    tasks = [
        Task(
            title=f"Task {n}",
            agent_id=id_of(one_or_none(draw, agents)),
            team_id=id_of(one_or_none(draw, teams)),
            created_by_id=id_of(one_or_none(draw, agents)),
            ticket=one_or_none(draw, tickets),
            done=draw(st.booleans()),
        )
        for n in range(draw(st.integers(0, 6)))
    ]
    db.session.add_all(tasks)
    db.session.flush()
    # Read back as the services read them: the rules see what the database holds.
    db.session.expire_all()
    return Desk(
        agents=list(db.session.scalars(select(Agent))),
        users=list(db.session.scalars(select(User).options(selectinload(User.usergroups)))),
        tickets=list(
            db.session.scalars(
                select(Ticket).options(selectinload(Ticket.followers), selectinload(Ticket.cc))
            )
        ),
        tasks=list(
            db.session.scalars(
                select(Task).options(
                    selectinload(Task.ticket).selectinload(Ticket.followers),
                    selectinload(Task.ticket).selectinload(Ticket.cc),
                )
            )
        ),
    )


def actors_of(desk: Desk) -> list[Actor]:
    """Everyone, as a request made by them would see them, and an anonymous visitor."""
    return [
        *map(people.agent_actor, desk.agents),
        *map(people.user_actor, desk.users),
        people.anonymous_actor(),
    ]


def sql_tickets(actor: Actor) -> set[int]:
    where = visible_tickets(actor, Ticket, ticket_followers, ticket_cc)
    return set(db.session.scalars(select(Ticket.id).where(where)))


def sql_tasks(actor: Actor) -> set[int]:
    where = visible_tasks(actor, Task, Ticket, ticket_followers, ticket_cc)
    return set(db.session.scalars(select(Task.id).where(where)))


def test_the_sql_twins_pick_the_rows_the_rules_allow():
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def agree(data):
        try:
            desk = draw_desk(data.draw)
            for actor in actors_of(desk):
                allowed = {t.id for t in desk.tickets if can_view_ticket(actor, t)}
                assert sql_tickets(actor) == allowed, actor
                allowed = {t.id for t in desk.tasks if can_view_task(actor, t)}
                assert sql_tasks(actor) == allowed, actor
        finally:
            db.session.rollback()  # nothing drawn outlives its example

    agree()
