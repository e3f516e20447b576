"""Every permission and every access rule, in one place.

Agents hold named permissions (`scope.action`); admins hold all of them. Portal
users get theirs from usergroups: the built-in "everyone" group applies to
anonymous visitors too, "registered" to every signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from ticketapi.sqlhints import checked_per_row

AGENT_PERMISSIONS: dict[str, str] = {
    "tickets.view_all": "See every ticket; without it an agent sees tickets assigned to them or their teams, unassigned ones and ones they follow",
    "tickets.reply": "Reply to users and add internal notes",
    "tickets.edit": "Change a ticket's subject, status, urgency, labels, CCs and followers",
    "tickets.assign": "Assign tickets to any agent or team",
    "tickets.merge": "Merge two tickets",
    "tickets.delete": "Delete tickets",
    "crm.edit": "Create and edit users, organizations and usergroups",
    "community.moderate": "Change a suggestion's status, merge duplicates, remove comments",
    "snippets.manage": "Create and edit shared snippets",
    "tasks.manage": "Edit and delete any agent's tasks",
    "reports.view": "See reports: which articles answered people's questions (deflections)",
}

PORTAL_PERMISSIONS: dict[str, str] = {
    "tickets.submit": "Submit tickets (given to 'everyone', it allows anonymous submission)",
    "tickets.view_organization": "See every ticket of their organization",
    "community.view": "See community suggestions",
    "community.suggest": "Post suggestions",
    "community.vote": "Vote for suggestions",
    "community.comment": "Comment on suggestions",
}

DEFAULT_USERGROUPS = {
    "everyone": ("Everyone", ["tickets.submit", "community.view"]),
    "registered": (
        "Registered users",
        [
            "tickets.submit",
            "community.view",
            "community.suggest",
            "community.vote",
            "community.comment",
        ],
    ),
}


@dataclass(frozen=True)
class Actor:
    """Who is doing something: an anonymous visitor, a portal user or an agent."""

    kind: str  # "anonymous", "user", "agent", or "system" (the helpdesk itself)
    id: int | None = None
    name: str = "Anonymous"
    is_admin: bool = False
    permissions: frozenset[str] = field(default_factory=frozenset)
    team_ids: frozenset[int] = field(default_factory=frozenset)
    organization_id: int | None = None
    #: The names of a portal user's usergroups, lower-cased (restricted articles name them).
    usergroups: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_agent(self) -> bool:
        return self.kind == "agent"

    @property
    def is_user(self) -> bool:
        return self.kind == "user"

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"

    def has(self, permission: str) -> bool:
        return self.is_admin or permission in self.permissions

    # Agents and users are numbered separately (agent 3 is not user 3): every comparison of
    # the actor's id with a column goes through one of these, which check the kind first.
    def is_agent_id(self, agent_id: int | None) -> bool:
        """Whether this id, from a column naming an agent, is this actor."""
        return self.is_agent and self.id is not None and agent_id == self.id

    def is_user_id(self, user_id: int | None) -> bool:
        """Whether this id, from a column naming a portal user, is this actor."""
        return self.is_user and self.id is not None and user_id == self.id

    def is_among_agents(self, agent_ids) -> bool:
        return self.is_agent and self.id in agent_ids

    def is_among_users(self, user_ids) -> bool:
        return self.is_user and self.id in user_ids

    @classmethod
    def system(cls, name: str) -> Actor:
        """The helpdesk acting by its own rules, named in the ticket history (e.g. an SLA)."""
        return cls(kind="system", name=name)


class Rule:
    """A yes/no question about an actor and a target that composes with `&`, `|` and `~`."""

    def __init__(self, test: Callable[[Actor, Any], bool]) -> None:
        self.test = test

    def __call__(self, actor: Actor, target: Any = None) -> bool:
        return bool(self.test(actor, target))

    def __and__(self, other: Rule) -> Rule:
        return Rule(lambda actor, target: self(actor, target) and other(actor, target))

    def __or__(self, other: Rule) -> Rule:
        return Rule(lambda actor, target: self(actor, target) or other(actor, target))

    def __invert__(self) -> Rule:
        return Rule(lambda actor, target: not self(actor, target))


def has(permission: str) -> Rule:
    return Rule(lambda actor, _target: actor.has(permission))


is_agent = Rule(lambda actor, _: actor.is_agent)
is_user = Rule(lambda actor, _: actor.is_user)
is_admin = Rule(lambda actor, _: actor.is_agent and actor.is_admin)
# The helpdesk itself, acting on its own rules (an SLA's actions): never a request's actor.
is_system = Rule(lambda actor, _: actor.kind == "system")
anyone = Rule(lambda _actor, _target: True)

# Tickets: the target is a Ticket. Ids are compared through the actor's is_agent_id and
# friends, which check the kind: tests/ticketapi/test_rule_kinds.py tries every rule here
# with agents and users whose ids collide.
is_assignee = Rule(lambda actor, ticket: actor.is_agent_id(ticket.agent_id))
in_assigned_team = Rule(lambda actor, ticket: actor.is_agent and ticket.team_id in actor.team_ids)
is_unassigned = Rule(lambda _actor, ticket: ticket.agent_id is None and ticket.team_id is None)
is_follower = Rule(lambda actor, ticket: actor.is_among_agents(ticket.follower_ids))
is_requester = Rule(lambda actor, ticket: actor.is_user_id(ticket.user_id))
is_cc = Rule(lambda actor, ticket: actor.is_among_users(ticket.cc_ids))
# A submission made without signing in is unconfirmed until its requester stands behind it
# (tickets/holds.py): until then no CC and no colleague sees it as the requester's.
is_confirmed = Rule(lambda _actor, ticket: ticket.confirmed)
in_ticket_organization = Rule(
    lambda actor, ticket: (
        actor.is_user
        and ticket.organization_id is not None
        and ticket.organization_id == actor.organization_id
    )
)

agent_sees_ticket = is_agent & (
    has("tickets.view_all") | is_assignee | in_assigned_team | is_unassigned | is_follower
)
user_sees_ticket = is_user & (
    is_requester
    | (is_confirmed & (is_cc | (has("tickets.view_organization") & in_ticket_organization)))
)
can_view_ticket = agent_sees_ticket | user_sees_ticket
can_reply = (agent_sees_ticket & has("tickets.reply")) | user_sees_ticket
can_add_note = agent_sees_ticket & has("tickets.reply")
can_see_notes = is_agent
can_edit_ticket = (agent_sees_ticket & has("tickets.edit")) | is_system
can_assign = (agent_sees_ticket & has("tickets.assign")) | is_system
can_merge = agent_sees_ticket & has("tickets.merge")
can_delete_ticket = agent_sees_ticket & has("tickets.delete")
can_submit_ticket = has("tickets.submit")
can_create_ticket_for_user = is_agent & has("tickets.edit")
# Whether a form offers "assign to" on a ticket not opened yet (can_assign checks the ticket).
can_assign_new_ticket = is_agent & has("tickets.assign")
# Who is CC'd: agents who may edit the ticket, and its requester (a CC'd user may also take
# themselves off: participants.remove_cc).
can_manage_cc = can_edit_ticket | is_requester
# Only the requester confirms a submission, signed in (or anyone holding its mailed link);
# agents may mail the requester a new link, never confirm for them.
can_confirm_ticket = is_requester
can_send_confirmation_link = agent_sees_ticket & has("tickets.edit")

# People.
can_view_people = is_agent
can_edit_people = is_agent & has("crm.edit")
can_manage_agents = is_admin
# Only an account's owner sets its password: agents may have a link mailed to the address.
can_send_password_link = can_edit_people

# Background jobs.
can_manage_jobs = is_admin

# Ticket email accounts and the inbound mail they stored (raw messages hold anything).
can_manage_email = is_admin

# The help desk's settings (the default team for submissions): agents read, admins change.
can_view_settings = is_agent
can_change_settings = is_admin

# Notifications. Settings: the target is the Agent they belong to; an agent keeps their
# own, admins keep everyone's. Mail about a ticket goes only to agents who may see it,
# whatever made them a recipient (their team or follow may have changed since).
is_that_agent = Rule(lambda actor, agent: actor.is_agent_id(agent.id))
can_view_notification_settings = is_admin | is_that_agent
can_edit_notification_settings = is_admin | is_that_agent
may_be_told_about_ticket = agent_sees_ticket


def visible_tickets(actor: Actor, ticket, followers, cc) -> ColumnElement[bool]:
    """The SQL twin of `can_view_ticket`, for list queries (`ticket` is the model class)."""
    # The ticket's columns are tested row by row (sqlhints): SQLite would otherwise answer
    # the OR from four indexes and sort the union. The agent's follows and the user's CCs
    # are one list each (IN), read once per query rather than probed for every ticket.
    ticket_id, agent_id, team_id = (
        checked_per_row(c) for c in (ticket.id, ticket.agent_id, ticket.team_id)
    )
    if actor.is_agent:
        if actor.has("tickets.view_all"):
            return true()
        follows = ticket_id.in_(
            select(followers.c.ticket_id).where(followers.c.agent_id == actor.id)
        )
        return or_(
            agent_id == actor.id,
            team_id.in_(actor.team_ids) if actor.team_ids else false(),
            and_(agent_id.is_(None), team_id.is_(None)),
            follows,
        )
    if actor.is_user:
        # The requester sees their own tickets; CCs and the organization only confirmed ones
        # (a held submission may be someone else's words under the requester's address).
        copied = ticket_id.in_(select(cc.c.ticket_id).where(cc.c.user_id == actor.id))
        shared = [copied]
        if actor.has("tickets.view_organization") and actor.organization_id is not None:
            shared.append(checked_per_row(ticket.organization_id) == actor.organization_id)
        return or_(
            checked_per_row(ticket.user_id) == actor.id,
            and_(checked_per_row(ticket.confirmed) == true(), or_(*shared)),
        )
    return false()


# Community.
# Suggestions: the target is a Suggestion; comments: a SuggestionComment. Anyone may look
# where "everyone" grants community.view; only signed-in users post, vote and comment.
is_suggestion_author = Rule(lambda actor, suggestion: actor.is_user_id(suggestion.author_id))
is_new_suggestion = Rule(lambda _actor, suggestion: suggestion.status == "new")
is_comment_author = Rule(
    lambda actor, comment: (
        actor.is_agent_id(comment.author_id)
        if comment.author_type == "agent"
        else actor.is_user_id(comment.author_id)
    )
)

can_moderate_community = is_agent & has("community.moderate")
can_view_community = is_agent | has("community.view")
can_suggest = is_user & has("community.suggest")
can_vote = is_user & has("community.vote")
can_comment = is_agent | (is_user & has("community.comment"))
# Authors polish their idea until a moderator has picked it up; after that the text
# people voted for stays as it was.
can_edit_suggestion = can_moderate_community | (
    is_suggestion_author & is_new_suggestion & has("community.suggest")
)
can_delete_suggestion = can_moderate_community
can_merge_suggestions = can_moderate_community
can_see_voters = is_agent
can_see_suggestion_history = is_agent
can_delete_comment = can_moderate_community | is_comment_author


# Snippets and tasks.
# Snippets: the target is a Snippet. A personal snippet is its owner's alone (admins
# included); shared ones are read by every agent and changed with snippets.manage.
is_snippet_owner = Rule(lambda actor, snippet: actor.is_agent_id(snippet.owner_id))
is_shared_snippet = Rule(lambda _actor, snippet: snippet.shared)

can_use_snippets = is_agent
can_share_snippets = is_agent & has("snippets.manage")
can_view_snippet = is_agent & (is_shared_snippet | is_snippet_owner)
can_edit_snippet = is_agent & (
    (is_shared_snippet & has("snippets.manage")) | (~is_shared_snippet & is_snippet_owner)
)

# Tasks: the target is a Task (with its linked `ticket` loaded, or None).
is_task_assignee = Rule(lambda actor, task: actor.is_agent_id(task.agent_id))
in_task_team = Rule(
    lambda actor, task: (
        actor.is_agent and task.team_id is not None and task.team_id in actor.team_ids
    )
)
is_task_creator = Rule(lambda actor, task: actor.is_agent_id(task.created_by_id))
sees_task_ticket = Rule(
    lambda actor, task: task.ticket is not None and agent_sees_ticket(actor, task.ticket)
)

can_use_tasks = is_agent
can_view_task = is_agent & (
    has("tasks.manage") | is_task_assignee | in_task_team | is_task_creator | sees_task_ticket
)
can_edit_task = is_agent & (has("tasks.manage") | is_task_creator | is_task_assignee | in_task_team)
# Whoever is given a task closes it rather than deletes it: the creator keeps that say.
can_delete_task = is_agent & (has("tasks.manage") | is_task_creator)


def visible_snippets(actor: Actor, snippet) -> ColumnElement[bool]:
    """The SQL twin of `can_view_snippet` (`snippet` is the model class)."""
    if not actor.is_agent:
        return false()
    return or_(snippet.shared == true(), snippet.owner_id == actor.id)


def visible_tasks(actor: Actor, task, ticket, followers, cc) -> ColumnElement[bool]:
    """The SQL twin of `can_view_task` (`task` and `ticket` are the model classes)."""
    if not actor.is_agent:
        return false()
    if actor.has("tasks.manage"):
        return true()
    linked_ticket_visible = (
        ticket.__table__.select()
        .where(ticket.id == task.ticket_id, visible_tickets(actor, ticket, followers, cc))
        .exists()
    )
    return or_(
        task.agent_id == actor.id,
        task.team_id.in_(actor.team_ids) if actor.team_ids else false(),
        task.created_by_id == actor.id,
        linked_ticket_visible,
    )


# SLAs.

can_view_slas = is_agent
can_manage_slas = is_admin


# Search and the knowledgebase. The target of `can_read_document` is the list of usergroup
# names a document's front matter restricts it to (empty: public).
in_document_usergroup = Rule(
    lambda actor, usergroups: bool(
        actor.usergroups & {name.strip().lower() for name in usergroups or ()}
    )
)
is_public_document = Rule(lambda _actor, usergroups: not usergroups)
can_read_document = is_public_document | is_agent | (is_user & in_document_usergroup)
can_search = anyone
can_record_deflection = anyone
can_view_deflections = is_agent & has("reports.view")
