"""Every private Pelican name we use, each because Pelican has no public way to do the same.

Kept in this one module so that a Pelican upgrade (pinned to 4.12 in pyproject.toml) has one
file to check. Everything else in helpdesk/ and plugins/ uses Pelican's public API only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pelican.contents import Content
from pelican.generators import Generator
from pelican.log import LimitFilter


def reset_log_limits() -> None:
    """Let this build see every warning, even one an earlier build in this process logged.

    Pelican's LimitFilter lets a message through once per process (it remembers what it saw
    in class attributes) and has no public reset; a build fails on Pelican's warnings, so
    each build must see all of them.
    """
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def source_html(content: Content) -> str:
    """A document's HTML as the reader made it, before Pelican rewrites its links.

    The public `content.content` is the HTML with {filename} links already replaced for the
    page being written; plugins that work on what the reader made (the glossary annotates
    it, the search index reads its text) have only `_content`, as Pelican's own docs show.
    """
    return content._content or ""


def replace_source_html(content: Content, html: str) -> None:
    """Give a document new HTML before Pelican writes it (no public setter exists)."""
    content._content = html


def link_pattern(content: Content) -> re.Pattern:
    """The pattern Pelican finds a document's {filename} links with (its class's own).

    Pelican builds it in a private method and has no setting for it; the glossary gives
    annotated documents a faster twin (plugins/glossary: quick_link_pattern).
    """
    return type(content)._get_intrasite_link_regex(content)


def set_link_pattern(content: Content, factory: Callable[[], re.Pattern]) -> None:
    """Make Pelican find this document's links with `factory()`'s pattern instead."""
    content._get_intrasite_link_regex = factory


def settings_named(section: str) -> Callable[[Content, str], str]:
    """A Content method reading `<SECTION>_URL` and `<SECTION>_SAVE_AS` for a content type.

    Pelican picks the settings of a document's URL and file by its class through the private
    `_expand_settings`; a new content type (news, downloads) can only override that.
    """

    def _expand_settings(self: Content, key: str) -> str:
        return Content._expand_settings(self, key, section)

    return _expand_settings


def mark_unreadable(generator: Generator, name: str) -> None:
    """Record a source that could not be read, as Pelican's own generators do.

    Pelican then knows the file was a document (not a static file to copy), and links to it
    are reported as broken; the method doing this has no public twin.
    """
    generator._add_failed_source_path(name)
