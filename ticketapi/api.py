"""What every API blueprint shares: the security note and the id bounds of the document."""

from __future__ import annotations

from ticketapi.core.ids import MAX_ID

# Routes that take a bearer token say so in the OpenAPI document.
SECURED = {"security": "BearerAuth"}


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
