"""A ticket filter from a query string or form: checked and bounded, then the list service's.

The filter form of the queue page (and a saved view's filters) say status, agent, team,
organization, label, urgency, SLA state and text; `parse` turns what a browser sent into
the filters `tickets.queries.tickets_query` takes, and says what it could not read. Only
values of the right shape pass: ids are numbers, statuses and SLA states known words, text
bounded. Nothing here decides who sees what: the list service does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ticketapi.slas.clock import STATES as SLA_STATES
from ticketapi.tickets.status import STATUSES

ID_FIELDS = ("agent_id", "team_id", "organization_id")
LABEL_MAX = 50
TEXT_MAX = 200
URGENCIES = range(1, 11)  # as the API's URGENCY range
FIELDS = ("status", *ID_FIELDS, "label", "urgency", "sla_state", "q")


def parse(args: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The list service's filters from the form's fields, and a message per unreadable field.

    `args` is a werkzeug MultiDict (status may repeat) or a saved view's dict."""
    filters: dict[str, Any] = {}
    errors: dict[str, str] = {}
    statuses = _all(args, "status")
    if statuses:
        if all(s in STATUSES for s in statuses):
            filters["status"] = sorted(set(statuses), key=STATUSES.index)
        else:
            errors["status"] = "Choose statuses from the list."
    for name in ID_FIELDS:
        value = _one(args, name)
        if value in ("", None):
            continue
        if value == "none":
            filters[name] = 0  # the list service's "nobody"
        elif _is_id(value):
            filters[name] = int(value)
        else:
            errors[name] = "Choose from the list."
    label = (_one(args, "label") or "").strip().lower()
    if label:
        if len(label) <= LABEL_MAX and label.isprintable() and "," not in label:
            filters["label"] = label
        else:
            errors["label"] = f"A label is one word or phrase of at most {LABEL_MAX} characters."
    urgency = _one(args, "urgency")
    if urgency not in ("", None):
        if _is_id(urgency) and int(urgency) in URGENCIES:
            filters["urgency"] = int(urgency)
        else:
            errors["urgency"] = "Urgency is a number from 1 to 10."
    sla_state = _one(args, "sla_state")
    if sla_state:
        if sla_state in SLA_STATES:
            filters["sla_state"] = sla_state
        else:
            errors["sla_state"] = "Choose an SLA state from the list."
    text = (_one(args, "q") or "").strip()
    if text:
        if len(text) <= TEXT_MAX and text.isprintable():
            filters["q"] = text
        else:
            errors["q"] = f"Search for at most {TEXT_MAX} characters on one line."
    return filters, errors


def as_args(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters as query-string fields again (for links and the form's values)."""
    args: dict[str, Any] = {}
    for name in FIELDS:
        if name not in filters:
            continue
        value = filters[name]
        args[name] = "none" if name in ID_FIELDS and value == 0 else value
    return args


def _all(args: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(args, "getlist"):
        values = args.getlist(name)
    else:
        value = args.get(name)
        values = value if isinstance(value, list) else [] if value is None else [value]
    return [str(v) for v in values if v not in ("", None)]


def _one(args: Mapping[str, Any], name: str) -> str | None:
    value = args.get(name)
    return None if value is None else str(value)


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) <= 2**31 - 1
