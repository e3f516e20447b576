"""YAML parsing that remembers where each value came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from helpdesk.publish.problems import ContentError

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Field:
    """A mapping entry: its value and the 1-based line of its key."""

    value: Any
    line: int


def compose(text: str, first_line: int = 1) -> tuple[yaml.Node | None, Loader]:
    """Parse YAML text into a node tree; syntax errors become ContentError with a line."""
    loader = Loader(text)
    try:
        return loader.get_single_node(), loader
    except yaml.MarkedYAMLError as exc:
        raise ContentError(*_describe(exc, text, first_line)) from None
    except yaml.YAMLError as exc:
        raise ContentError(first_line, f"YAML error: {exc}") from None


def _describe(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> tuple[int, str]:
    """Pin a syntax error to a line; an unclosed bracket is reported where it opened."""
    problem, context = exc.problem_mark, exc.context_mark
    message = f"YAML syntax error: {exc.problem or 'invalid YAML'}"
    if context is not None and exc.context:
        message += f" ({exc.context} that starts on line {context.line + first_line})"
    if problem is None or (context is not None and problem.index >= len(text.rstrip())):
        mark = context or problem
    else:
        mark = problem
    return (mark.line + first_line if mark else first_line), message


def line_of(node: yaml.Node, first_line: int) -> int:
    return node.start_mark.line + first_line


def construct(loader: Loader, node: yaml.Node, first_line: int) -> Any:
    """Build the Python value of a node, reporting bad values at their line."""
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise ContentError(line_of(node, first_line), f"invalid value: {exc}") from None


def mapping_fields(loader: Loader, node: yaml.Node, first_line: int, what: str) -> dict[str, Field]:
    """Read a mapping node into {key: Field}; duplicate or non-text keys are errors."""
    if not isinstance(node, yaml.MappingNode):
        raise ContentError(line_of(node, first_line), f"{what} must be a mapping of key: value")
    fields: dict[str, Field] = {}
    for key_node, value_node in node.value:
        line = line_of(key_node, first_line)
        if not isinstance(key_node, yaml.ScalarNode):
            raise ContentError(line, f"{what} keys must be plain words")
        key = key_node.value
        if key in fields:
            raise ContentError(
                line, f"duplicate key '{key}' (first given on line {fields[key].line})"
            )
        fields[key] = Field(construct(loader, value_node, first_line), line)
    return fields
