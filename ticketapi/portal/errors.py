"""Errors under /portal/ are pages of the portal: the theme's header, a search, a way back."""

from __future__ import annotations

from collections.abc import Mapping

from apiflask import HTTPError
from flask import Flask, Response

from ticketapi import errors
from ticketapi.portal import security
from ticketapi.portal.theme import render

PREFIX = "/portal/"


def error_page(error: HTTPError) -> Response:
    """The portal's page for an error on any path under /portal/, matched by a route or not."""
    return themed_error_page("portal/error.html", error)


def themed_error_page(
    template: str, error: HTTPError, texts: Mapping[int, tuple[str, str]] = errors.PAGE_TEXTS
) -> Response:
    """An error drawn with one of the theme's templates, with the pages' security headers."""
    title, message = errors.page_text(error, texts)
    body = render(template, status=error.status_code, title=title, message=message)
    response = Response(body, error.status_code, errors.page_headers(error), mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return security.page_headers(response)


def init_app(app: Flask) -> None:
    errors.add_page_family(app, PREFIX, error_page)
