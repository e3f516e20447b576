"""One JSON error shape for the whole API: `{error: {code, message, fields?}}`.

Errors under the prefixes where people browse (`/portal/`, `/agent/`) are pages instead:
each family of pages registers how it draws them (`add_page_family`), and the one error
processor chooses by the request's path, whatever route matched or did not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from apiflask import APIFlask, HTTPError
from flask import Flask, Request, Response, current_app, g, request

from ticketapi.api import document_path_ids
from ticketapi.http_headers import untrusted_host

logger = logging.getLogger(__name__)

#: Draws an error as an HTML page of one family (the portal's, the agents').
PageRenderer = Callable[[HTTPError], Response]

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    428: "precondition_required",
    429: "rate_limited",
    500: "server_error",
}


class DomainError(HTTPError):
    """An error a service raises; it reaches the client as the JSON error shape."""

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        fields: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message=message, headers=headers)
        self.fields = dict(fields or {})
        self.extra = dict(extra or {})


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Unauthorized(DomainError):
    status_code = 401

    def __init__(self, message: str, **kwargs) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="helpdesk"'})
        super().__init__(message, **kwargs)


class Conflict(DomainError):
    status_code = 409


class Invalid(DomainError):
    status_code = 422


class PreconditionRequired(DomainError):
    status_code = 428


def flatten_fields(detail: Any, prefix: str = "") -> dict[str, str]:
    """Turn webargs' nested `{location: {field: [messages]}}` into `{"a.b": "message"}`."""
    fields: dict[str, str] = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            fields.update(flatten_fields(value, name))
    elif isinstance(detail, list | tuple):
        if all(isinstance(item, str) for item in detail):
            fields[prefix or "_"] = " ".join(detail)
        else:
            for item in detail:
                fields.update(flatten_fields(item, prefix))
    else:
        fields[prefix or "_"] = str(detail)
    return fields


def _anonymous() -> bool:
    actor = g.get("actor")
    return actor is not None and actor.is_anonymous


def _parses(req: Request) -> bool:
    return req.get_json(silent=True) is not None or not req.get_data()


def add_page_family(app: Flask, prefix: str, render: PageRenderer) -> None:
    """Errors for paths under `prefix` (e.g. "/portal/") are pages drawn by `render`, not JSON."""
    app.extensions.setdefault("error_pages", {})[prefix.rstrip("/")] = render


def page_family(path: str) -> PageRenderer | None:
    """How errors are drawn for this path, or None where they are the API's JSON."""
    for prefix, render in current_app.extensions.get("error_pages", {}).items():
        if path == prefix or path.startswith(prefix + "/"):
            return render
    return None


def error_page(render: PageRenderer, error: HTTPError) -> Response:
    """The family's page; if drawing it fails too, a bare page that still is a page."""
    try:
        return render(error)
    except Exception:
        logger.exception("The error page for %s %s failed", error.status_code, request.path)
    title, message = page_text(error)
    body = BARE_PAGE.format(status=error.status_code, title=escape(title), message=escape(message))
    return Response(body, error.status_code, page_headers(error), mimetype="text/html")


#: What a person is told on an error page: a title, and what to do next.
PAGE_TEXTS = {
    400: (
        "That request did not make sense",
        "Go back, reload the page and try again.",
    ),
    401: ("Sign in first", "This page is for people who have signed in."),
    403: ("You may not do that", "Ask us if you think you should be able to."),
    404: (
        "We could not find that page",
        "It may have moved, or the link may be mistyped. Try a search, or start again from "
        "the help centre home.",
    ),
    405: (
        "That cannot be done here",
        "This address does not accept that kind of request. Go back and follow a link, or "
        "send the page's form again.",
    ),
    413: (
        "That was too large",
        "What you sent is larger than we accept: make it smaller and try again.",
    ),
    429: ("Too many requests", "Wait a few minutes, then try again."),
    500: (
        "Something went wrong on our side",
        "We could not show this page, and it is not something you did. Try again in a minute.",
    ),
}
OTHER_PAGE_TEXT = ("Something is not right", "Go back and try again.")
#: Headers of an error that a page keeps (the API's answers keep all of them).
PAGE_HEADERS = ("Allow", "Retry-After")
BARE_PAGE = (
    '<!doctype html><html lang="en"><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{status} {title}</title><main><h1>{title}</h1><p>{message}</p>"
    '<p><a href="/">Help centre home</a></p></main></html>'
)


def page_text(
    error: HTTPError, texts: Mapping[int, tuple[str, str]] = PAGE_TEXTS
) -> tuple[str, str]:
    """The title and message of an error page: a service's own message when it wrote one."""
    title, message = texts.get(error.status_code, OTHER_PAGE_TEXT)
    if isinstance(error, DomainError):
        message = error.message
    elif error.status_code == 400 and (host_message := untrusted_host()):
        message = host_message
    return title, message


def page_headers(error: HTTPError) -> dict[str, str]:
    """The error's headers that mean something to a browser (Allow, Retry-After)."""
    return {name: value for name, value in (error.headers or {}).items() if name in PAGE_HEADERS}


def init_app(app: APIFlask) -> None:
    app.spec_processor(lambda spec: document_path_ids(document_errors(spec)))

    @app.error_processor
    def to_answer(error: HTTPError):
        if (render := page_family(request.path)) is not None:
            return error_page(render, error)
        if error.status_code == 403 and _anonymous():
            # Refused for want of a sign-in: say so, as HTTP means 401 to.
            error = Unauthorized(f"Sign in first. {error.message}")
        code = CODES.get(error.status_code, "error")
        body: dict[str, Any] = {"code": code, "message": error.message}
        if error.status_code == 400 and (message := untrusted_host()):
            body["message"] = message
        elif isinstance(error, DomainError):
            if error.fields:
                body["fields"] = error.fields
            body.update(error.extra)
        elif error.status_code == 400 and request.is_json and not _parses(request):
            body["message"] = "The request body is not valid JSON: fix it and send it again."
        elif error.status_code == 422 and error.detail:
            # Validation errors are keyed by location ("json", "query"): the field is what
            # the client needs, so the location is dropped.
            body["fields"] = {
                name: message
                for location in error.detail.values()
                for name, message in flatten_fields(location).items()
            }
            body["message"] = "Some fields are not valid: " + ", ".join(sorted(body["fields"]))
        return {"error": body}, error.status_code, error.headers


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}

# The OpenAPI document describes the error shape this module really sends.
OPENAPI_SETTINGS = {
    "HTTP_ERROR_SCHEMA": ERROR_SCHEMA,
    "VALIDATION_ERROR_SCHEMA": ERROR_SCHEMA,
    "VALIDATION_ERROR_STATUS_CODE": 422,
    "SECURITY_SCHEMES": {"BearerAuth": {"type": "http", "scheme": "bearer"}},
}


DOCUMENTED_ERRORS = {
    "400": "The body is not valid JSON",
    "401": "Sign in first: no token, or one that is unknown, expired or revoked",
    "403": "Signed in, but not allowed to do this",
    "404": "There is no such thing, or you may not see it",
    "409": "It changed meanwhile, or its state does not allow this",
    "413": "Too large",
    "428": "Say which version you are changing (If-Match or version)",
    "429": "Too many requests: Retry-After (seconds) says when to try again",
}


def document_errors(spec: dict) -> dict:
    """Declare the error answers every operation can give, with their one JSON shape."""
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if "requestBody" in operation:
                operation["requestBody"]["required"] = True
            responses = operation.setdefault("responses", {})
            for status, description in DOCUMENTED_ERRORS.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return spec
