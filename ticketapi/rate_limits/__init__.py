"""Rate limits: where their counters live, and the 429 that says when to try again.

Every process of one server counts against the same limits: with HELPDESK_REDIS_URL in
Redis, otherwise in `<instance>/ratelimits.db` (storage.py). Every refusal, whichever limit
or quota it comes from, is a `RateLimited` error: a `Retry-After` header, and a message
that names the limit and says when it resets, in the API's JSON and on the portal's pages.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from limits import RateLimitItem

from ticketapi.errors import DomainError
from ticketapi.rate_limits.storage import storage_uri

COUNTER_FILE = "ratelimits.db"


class RateLimited(DomainError):
    """Too many of something: 429, with when to try again (seconds) in Retry-After.

    `message` says what was refused and names the limit; the sentence saying when to try
    again is added here, so no refusal forgets it.
    """

    status_code = 429

    def __init__(
        self, message: str, *, retry_after: float, limit: str | None = None, **kwargs
    ) -> None:
        self.limit = limit  # in words ("10 a minute"), for pages that say it their own way
        self.retry_after = max(1, math.ceil(retry_after))
        self.when = in_words(self.retry_after)
        headers = {**kwargs.pop("headers", {}), "Retry-After": str(self.retry_after)}
        extra = {**kwargs.pop("extra", {}), "retry_after": self.retry_after}
        super().__init__(
            f"{message} Try again {self.when}.", headers=headers, extra=extra, **kwargs
        )


def storage_for(redis_url: str | None, instance: Path) -> str:
    """RATELIMIT_STORAGE_URI: Redis when there is one, else the instance's counter file."""
    return redis_url or storage_uri(instance / COUNTER_FILE)


def in_words(seconds: int) -> str:
    """'in 40 seconds', 'in 3 minutes', 'in 2 hours': rounded up, never sooner than true."""
    if seconds < 90:
        return f"in {seconds} second{'s' if seconds != 1 else ''}"
    if seconds < 90 * 60:
        minutes = math.ceil(seconds / 60)
        return f"in {minutes} minutes"
    hours = math.ceil(seconds / 3600)
    return f"in {hours} hours"


def describe_limit(item: RateLimitItem) -> str:
    """'5 a minute', '200 a day', '10 per 30 seconds'."""
    unit = item.GRANULARITY.name
    if item.multiples == 1:
        return f"{item.amount} {'an' if unit == 'hour' else 'a'} {unit}"
    return f"{item.amount} per {item.multiples} {unit}s"


def refusal(error: RateLimitExceeded, limiter: Limiter) -> RateLimited:
    """The answer to a Flask-Limiter breach: the limit it broke and when its window ends."""
    breached = limiter.current_limit
    if breached is not None and breached.breached:
        item, retry_after = breached.limit, breached.window.reset_time - time.time()
    else:  # not reached: Flask-Limiter records the breach before raising
        item, retry_after = error.limit.limit, error.limit.limit.get_expiry()
    limit = describe_limit(item)
    return RateLimited(
        f"Too many requests: the limit here is {limit}.", retry_after=retry_after, limit=limit
    )


def init_app(app: Flask, limiter: Limiter) -> None:
    @app.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded):
        return app.error_callback(refusal(error, limiter))
