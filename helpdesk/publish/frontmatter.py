"""YAML front matter: split it from the Markdown body and validate it per section."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pelican.utils import SafeDatetime, get_date

from helpdesk.publish.problems import ContentError
from helpdesk.publish.yamlfile import Field, compose, mapping_fields

ARTICLE, NEWS, DOWNLOAD, PAGE = "article", "news", "download", "page"
STATUSES = ("published", "draft", "hidden")
FENCE_CLOSERS = ("---", "...")
MISSING_HINT = "start the file with a line '---', then 'title: ...' and the other keys, then '---'"


def split(text: str) -> tuple[str, str, int]:
    """Return (yaml_text, body, body_first_line); the YAML starts on line 2."""
    if text.startswith("\ufeff"):
        text = text[1:]
    first_end = text.find("\n")
    if (text[:first_end] if first_end >= 0 else text).rstrip() != "---":
        raise ContentError(1, f"missing front matter: {MISSING_HINT}")
    start = position = first_end + 1
    while position < len(text):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        if text[position:end].rstrip() in FENCE_CLOSERS:
            yaml_text = text[start:position]
            return yaml_text, text[end + 1 :], yaml_text.count("\n") + 3
        position = end + 1
    raise ContentError(1, "front matter is not closed: add a line '---' after the last key")


def parse(text: str) -> tuple[dict[str, Field], str, int]:
    """Split and parse front matter into {key: Field}, the body and its first line."""
    yaml_text, body, body_line = split(text)
    node, loader = compose(yaml_text, first_line=2)
    try:
        if node is None:
            raise ContentError(1, f"front matter is empty: {MISSING_HINT}")
        fields = mapping_fields(loader, node, first_line=2, what="front matter")
    finally:
        loader.dispose()
    return fields, body, body_line


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("must be text")
    if not isinstance(value, str):
        raise ValueError(f'must be text: write it in quotes, e.g. "{value}"')
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def _date(value: Any) -> SafeDatetime:
    if isinstance(value, dt.datetime):
        return SafeDatetime(*value.timetuple()[:6], tzinfo=value.tzinfo)
    if isinstance(value, dt.date):
        return SafeDatetime(value.year, value.month, value.day)
    if isinstance(value, str) and value.strip():
        try:
            return get_date(value.strip())
        except (ValueError, OverflowError):
            pass
    raise ValueError('must be a date such as 2026-04-12 or "2026-04-12 09:30"')


def _names(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ValueError("must be a list such as [billing, invoices]")
    names = [item.strip() for item in items]
    if not all(names):
        raise ValueError("must not contain empty names")
    return names


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _status(value: Any) -> str:
    if value not in STATUSES:
        raise ValueError(f"must be one of {', '.join(STATUSES)}")
    return value


@dataclass(frozen=True)
class Key:
    clean: Callable[[Any], Any]
    required: bool = False


TITLE = Key(_text, required=True)
COMMON = {"title": TITLE, "summary": Key(_text), "modified": Key(_date), "status": Key(_status)}
SCHEMAS: dict[str, dict[str, Key]] = {
    ARTICLE: COMMON
    | {
        "date": Key(_date, required=True),
        "category": Key(_text),
        "tags": Key(_names),
        "usergroups": Key(_names),
        "glossary": Key(_bool),
    },
    NEWS: COMMON | {"date": Key(_date, required=True), "tags": Key(_names), "glossary": Key(_bool)},
    DOWNLOAD: COMMON
    | {
        "date": Key(_date),
        "version": Key(_text, required=True),
        "file": Key(_text, required=True),
        "platform": Key(_text),
        "tags": Key(_names),
    },
    PAGE: COMMON | {"glossary": Key(_bool)},
}


@dataclass
class Validated:
    """Clean metadata plus the problems found, each as (line, message)."""

    meta: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


def validate(section: str, fields: dict[str, Field]) -> Validated:
    """Check each key against the section's schema and convert its value."""
    schema = SCHEMAS[section]
    result = Validated(lines={key: f.line for key, f in fields.items()})
    for key, fld in fields.items():
        spec = schema.get(key)
        if spec is None:
            known = ", ".join(sorted(schema))
            result.warnings.append(
                (fld.line, f"unknown front-matter key '{key}' (known keys: {known})")
            )
            continue
        try:
            result.meta[key] = spec.clean(fld.value)
        except ValueError as exc:
            result.errors.append((fld.line, f"'{key}' {exc}"))
    for key, spec in schema.items():
        if spec.required and key not in fields:
            result.errors.append((1, f"front matter has no '{key}:' ({section}s need one)"))
    return result
