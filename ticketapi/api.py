"""What every API blueprint shares: the security note for the document, and commit-then-return."""

from __future__ import annotations

from typing import TypeVar

from ticketapi.extensions import db

T = TypeVar("T")

# Routes that take a bearer token say so in the OpenAPI document.
SECURED = {"security": "BearerAuth"}
# The largest id a database integer holds; larger ones in a URL are simply not found.
MAX_ID = 2**31 - 1


def committed(result: T) -> T:
    """Commit the request's changes, then hand back what the view returns."""
    db.session.commit()
    return result


def document_path_ids(spec: dict) -> dict:
    """Give every integer in a URL the bounds its route holds it to (beyond them: 404)."""
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] == "path" and schema.get("type") == "integer":
                    schema.setdefault("minimum", 0)
                    schema.setdefault("maximum", MAX_ID)
    return spec
