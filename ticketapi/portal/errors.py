"""Errors under /portal/ are pages of the portal: the theme's header, a search, a way back."""

from __future__ import annotations

from apiflask import HTTPError
from flask import Flask, Response

from ticketapi import errors
from ticketapi.portal import security
from ticketapi.portal.theme import render

PREFIX = "/portal/"


def error_page(error: HTTPError) -> Response:
    """The portal's page for an error on any path under /portal/, matched by a route or not."""
    title, message = errors.page_text(error)
    body = render("portal/error.html", status=error.status_code, title=title, message=message)
    response = Response(body, error.status_code, errors.page_headers(error), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return security.page_headers(response)


def init_app(app: Flask) -> None:
    errors.add_page_family(app, PREFIX, error_page)
