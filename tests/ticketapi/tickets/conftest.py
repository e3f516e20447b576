"""The mail path for the ticket tests: queued jobs, run here, write .eml files we read."""

from __future__ import annotations

from tests.ticketapi.jobs.conftest import queue  # noqa: F401  (the jobs' fixture)
from tests.ticketapi.notifications.conftest import mailbox  # noqa: F401  (the mail folder)
