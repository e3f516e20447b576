"""Who is told of what: every subscriber of every domain's events, in the order they run;
and what other domains add to the ticket API.

`create_app` calls `init_app` before it imports the views, so web processes and workers
alike hold the same list, and the ticket schemas have every field when APIFlask reads them.
The domains that announce (tickets, people, SLAs) import none of their subscribers.
"""

from __future__ import annotations

from flask import Flask

from ticketapi.inbound import replies as mailed_replies
from ticketapi.notifications import events as notifications
from ticketapi.people import events as people
from ticketapi.settings import services as desk_settings
from ticketapi.slas import events as slas
from ticketapi.slas import services as sla_definitions
from ticketapi.slas import ticket_fields as sla_fields
from ticketapi.slas import tracking as sla_clocks
from ticketapi.tickets import contributions as ticket_api
from ticketapi.tickets import events as tickets
from ticketapi.tickets import search as ticket_search
from ticketapi.tickets import services as ticket_services


def init_app(app: Flask) -> None:
    # The ticket's `sla` field, `?sla_state=` and `?order=sla_due_at` (once for the process).
    ticket_api.add(sla_fields.ON_TICKETS)
    # A ticket's change moves its SLA clocks first, then its search entry; notifications
    # last, deciding from the ticket as the others left it.
    for event, subscribers in (
        (tickets.opened, (sla_clocks.follow, ticket_search.on_opened, notifications.ticket_opened)),
        (
            tickets.changed,
            (sla_clocks.follow, ticket_search.on_changed, notifications.ticket_changed),
        ),
        (
            tickets.message_posted,
            (
                sla_clocks.follow,
                ticket_search.on_message_posted,
                notifications.message_posted,
                mailed_replies.message_posted,  # agents' public replies, mailed to users
            ),
        ),
        (tickets.messages_moved, (ticket_search.reindex,)),
        (tickets.deleted, (ticket_search.forget,)),
        (people.user_changed, (ticket_search.requester_changed,)),
        (
            people.team_deleting,
            (
                desk_settings.refuse_deleting_default_team,
                ticket_services.refuse_deleting_team_with_open_tickets,
                sla_definitions.refuse_deleting_named_team,
            ),
        ),
        (slas.crossed, (notifications.sla_crossed,)),
    ):
        for subscriber in subscribers:
            event.subscribe(app, subscriber)
