"""JSON request bodies, parsed within bounds: too deep or too long a number is a 400.

Python's parser recurses once per nesting level and turns every integer literal into an
int, so `[[[[…]]]]` a thousand deep or a 5,000-digit number would raise RecursionError or
ValueError deep inside the request's parsing (a 500). Every JSON body is checked here
before any view, schema or `request.get_json` reads it, and the app's JSON provider
applies the same bounds.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider

from ticketapi.errors import DomainError

# No request schema nests more than a few levels; the margin is generous.
MAX_DEPTH = 32
# 2**64 has 20 digits: a literal up to this long still reaches its field, whose bounds then
# name it; a longer one can be meant for no field.
MAX_INTEGER_DIGITS = 40

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class BodyRefused(DomainError, ValueError):
    """A JSON body outside the bounds; a ValueError too, as `request.get_json` expects."""

    status_code = 400


class _TooLong:
    def __init__(self, digits: int) -> None:
        self.digits = digits


def loads(text: str | bytes) -> Any:
    """Parse JSON as `json.loads` does, refusing too-deep nesting and over-long integers."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")  # a UnicodeDecodeError is a ValueError: "not valid JSON"
    _check_depth(text)
    too_long: list[_TooLong] = []

    def parse_int(literal: str) -> int | _TooLong:
        if len(literal.lstrip("-")) > MAX_INTEGER_DIGITS:
            too_long.append(marker := _TooLong(len(literal.lstrip("-"))))
            return marker
        return int(literal)

    data = json.loads(text, parse_int=parse_int, parse_constant=_refuse_constant)
    if too_long:
        fields = {
            path: f"An integer of {marker.digits:,} digits: no field takes more than "
            f"{MAX_INTEGER_DIGITS}."
            for path, marker in _markers(data, "")
        }
        raise BodyRefused(
            f"The request body holds an integer longer than {MAX_INTEGER_DIGITS} digits "
            f"({', '.join(sorted(fields))}): send a number the field can hold.",
            fields=fields,
        )
    return data


def _refuse_constant(name: str) -> None:
    # Python reads NaN and Infinity; JSON has no such values, and no field takes one.
    raise BodyRefused(
        f"The request body holds {name}, which is not JSON: send a number or null.",
    )


def _check_depth(text: str) -> None:
    """Count brackets outside strings, so that parsing never recurses past MAX_DEPTH."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            raise BodyRefused(
                f"The request body is nested more than {MAX_DEPTH} levels deep: no request "
                "takes that; send the object the operation describes."
            )


def _markers(data: Any, prefix: str):
    if isinstance(data, _TooLong):
        yield prefix or "_", data
    elif isinstance(data, dict | list):
        items = data.items() if isinstance(data, dict) else enumerate(data)
        for key, value in items:
            yield from _markers(value, f"{prefix}.{key}" if prefix else str(key))


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with the bounds above on everything `request.get_json` reads."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)


def check_request_body() -> None:
    """Refuse a JSON body outside the bounds before anything else parses it."""
    if request.is_json and (body := request.get_data(cache=True)):
        try:
            loads(body)
        except BodyRefused:
            raise
        except ValueError:
            pass  # malformed JSON: the parser that reads it answers with its own 400


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.before_request(check_request_body)
