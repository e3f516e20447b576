"""Errors under /agent/ are pages of the agents' family, on the theme's stylesheet."""

from __future__ import annotations

from apiflask import HTTPError
from flask import Flask, Response

from ticketapi import errors
from ticketapi.portal import security
from ticketapi.portal.theme import render

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
    title, message = errors.page_text(error, TEXTS)
    body = render("agent/error.html", status=error.status_code, title=title, message=message)
    response = Response(body, error.status_code, errors.page_headers(error), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return security.page_headers(response)


def init_app(app: Flask) -> None:
    errors.add_page_family(app, PREFIX, error_page)
