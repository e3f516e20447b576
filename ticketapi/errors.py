"""One JSON error shape for the whole API: `{error: {code, message, fields?}}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apiflask import APIFlask, HTTPError
from flask import Request, g, request

from ticketapi.api import document_path_ids
from ticketapi.http_headers import untrusted_host

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


def init_app(app: APIFlask) -> None:
    app.spec_processor(lambda spec: document_path_ids(document_errors(spec)))

    @app.error_processor
    def to_json(error: HTTPError):
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
    "429": "Too many requests: wait and try again",
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
