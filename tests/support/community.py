"""The community's permissions in the built-in groups, and checks of answers and markup."""

from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import select

from ticketapi.extensions import db
from ticketapi.people.models import Usergroup

COMMUNITY_PERMISSIONS = (
    "community.view",
    "community.suggest",
    "community.vote",
    "community.comment",
)


def set_builtin_permissions(key: str, permissions) -> None:
    """Give a built-in usergroup ("everyone", "registered") exactly these permissions."""
    group = db.session.scalar(select(Usergroup).where(Usergroup.system_key == key))
    group.permissions = list(permissions)
    db.session.commit()


def close_community() -> None:
    """Take every community permission away from the built-in groups."""
    for key in ("everyone", "registered"):
        group = db.session.scalar(select(Usergroup).where(Usergroup.system_key == key))
        kept = [p for p in group.permissions if not p.startswith("community.")]
        set_builtin_permissions(key, kept)


def assert_error(response, status: int, field: str | None = None) -> dict:
    """The response is the JSON error shape with this status (naming `field` if given)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.json["error"]
    assert error["code"] and error["message"]
    if field is not None:
        named = error.get("fields", {})
        assert any(name == field or name.startswith(field + ".") for name in named), error
    return error


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(markup: str) -> list[tuple[str, dict]]:
    """Every element a browser would build from the markup, with its attributes."""
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser.found


def assert_harmless(markup: str) -> None:
    """Nothing in the markup runs script: no script tags, handlers or javascript: URLs."""
    for tag, attrs in elements(markup):
        assert tag not in {"script", "style", "iframe", "object", "embed"}, markup
        for name, value in attrs.items():
            assert not name.startswith("on"), markup
            assert not (value or "").strip().lower().startswith("javascript:"), markup
