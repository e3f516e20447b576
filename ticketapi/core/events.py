"""Events a domain announces, and the subscribers `create_app` registers for them.

A domain that changes something (tickets, people, SLAs) declares an `Event` and publishes
it; the domains that react subscribe at start-up (ticketapi/subscriptions.py), so the
announcing domain imports none of them. Subscribers are kept per app, run in the order
they subscribed, inside the publisher's transaction: a change that rolls back takes their
work with it, and a subscriber that raises refuses the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, current_app

Subscriber = Callable[..., None]

_REGISTRY = "ticketapi.events"
_quiet = ContextVar("events_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Mail nobody about the changes made inside (the demo's invented history is no news).

    The subscribers still run (clocks, the search index); those that tell people (the
    notifications, agents' replies mailed to users) ask `telling()` first.
    """
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def telling() -> bool:
    """Whether subscribers that mail people should: not inside `quiet()`."""
    return not _quiet.get()


class Event:
    """Something that happened, announced to whoever subscribed on the current app."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Event({self.name!r})"

    def subscribe(self, app: Flask, subscriber: Subscriber) -> None:
        """Call `subscriber` with what is published, after those already subscribed."""
        subscribers = app.extensions.setdefault(_REGISTRY, {}).setdefault(self, [])
        if subscriber not in subscribers:
            subscribers.append(subscriber)

    def subscribers(self, app: Flask) -> tuple[Subscriber, ...]:
        return tuple(app.extensions.get(_REGISTRY, {}).get(self, ()))

    def publish(self, *args: Any, **kwargs: Any) -> None:
        """Tell every subscriber of the current app, in order."""
        for subscriber in self.subscribers(current_app):
            subscriber(*args, **kwargs)
