"""Errors under /agent/ are pages of the agents' family, on the theme's stylesheet."""

from __future__ import annotations

from apiflask import HTTPError
from flask import Flask, Response

from ticketapi import errors
from ticketapi.portal.errors import themed_error_page

PREFIX = "/agent/"
#: The agents' pages have no search box to point to.
TEXTS = {
    **errors.PAGE_TEXTS,
    404: (
        "We could not find that page",
        "It may have moved, or the link may be mistyped. Start again from the help centre home.",
    ),
}


def error_page(error: HTTPError) -> Response:
    """The agents' page for an error on any path under /agent/."""
    return themed_error_page("agent/error.html", error, TEXTS)


def init_app(app: Flask) -> None:
    errors.add_page_family(app, PREFIX, error_page)
