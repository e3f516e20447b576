"""The errors raised outside any request: a bad setting, a job that cannot succeed."""

from __future__ import annotations

# Both halves of the helpdesk read some settings (helpdesk/shared_settings.py) and refuse a
# bad one with this error, so it is defined there, below the ticketapi; this is its name here.
from helpdesk.shared_settings import ConfigError

__all__ = ["ConfigError", "PermanentError"]


class PermanentError(Exception):
    """Raised by a job when trying again cannot help: it is kept as failed at once."""
