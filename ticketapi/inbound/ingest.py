"""`helpdesk ingest`: raw messages from files, filed as if they had arrived by email."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ticketapi.inbound.accounts import account_by_address, account_for
from ticketapi.inbound.filing import file_stored
from ticketapi.inbound.models import EmailAccount
from ticketapi.inbound.parsing import peek
from ticketapi.inbound.store import store_raw
from ticketapi.timeutil import utcnow


class UnknownAccount(LookupError):
    pass


@dataclass
class Summary:
    states: Counter = field(default_factory=Counter)
    unreadable: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return sum(self.states.values())


def ingest_files(
    paths: Iterable[Path],
    *,
    address: str | None = None,
    progress: Callable[[Path, str, str], None] = lambda _path, _state, _reason: None,
) -> Summary:
    """Store and file each file's message (to `address`'s account, else the account its
    recipients name, else the first); a file that cannot be read is named, not fatal."""
    chosen: EmailAccount | None = None
    if address is not None and (chosen := account_by_address(address)) is None:
        raise UnknownAccount(f"There is no ticket email account {address}.")
    summary = Summary()
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            summary.unreadable.append(f"{path}: {exc.strerror or exc}")
            progress(path, "unreadable", exc.strerror or str(exc))
            continue
        account = chosen or account_for(list(peek(raw).recipients))
        row = store_raw(account, raw, now=utcnow(), source="ingest")
        # Filed here, at once, to report it; the queued job finds it done and does nothing.
        state = file_stored(row.id, now=utcnow()) or row.state
        summary.states[state] += 1
        progress(path, state, row.reason or "")
    return summary
