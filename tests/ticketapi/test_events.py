"""The registry of subscribers: kept per app, in order, each told once; a refusal stops."""

from __future__ import annotations

import pytest
from flask import Flask

from ticketapi.core.events import Event
from ticketapi.errors import Conflict
from ticketapi.notifications import events as notifications
from ticketapi.slas import tracking
from ticketapi.tickets import events as tickets
from ticketapi.tickets import search


def test_subscribers_are_told_in_the_order_they_subscribed_and_each_once():
    app, told = Flask("one"), []
    happened = Event("happened")

    def first(what):
        told.append(("first", what))

    def second(what):
        told.append(("second", what))

    happened.subscribe(app, first)
    happened.subscribe(app, second)
    happened.subscribe(app, second)

    with app.app_context():
        happened.publish("it")

    assert told == [("first", "it"), ("second", "it")]


def test_each_app_has_its_own_subscribers():
    subscribed, other, told = Flask("subscribed"), Flask("other"), []
    happened = Event("happened")
    happened.subscribe(subscribed, told.append)

    with other.app_context():
        happened.publish("unheard")
    with subscribed.app_context():
        happened.publish("heard")

    assert told == ["heard"]


def test_a_subscriber_that_refuses_stops_the_ones_after_it():
    app, told = Flask("refusing"), []
    deleting = Event("deleting")

    def refuse(what):
        raise Conflict(f"{what} is still used")

    deleting.subscribe(app, refuse)
    deleting.subscribe(app, told.append)

    with app.app_context(), pytest.raises(Conflict, match="team is still used"):
        deleting.publish("team")
    assert told == []


def test_create_app_subscribes_the_clocks_the_search_index_and_notifications(app):
    assert tickets.opened.subscribers(app) == (
        tracking.follow,
        search.on_opened,
        notifications.ticket_opened,
    )
    assert tickets.deleted.subscribers(app) == (search.forget,)
