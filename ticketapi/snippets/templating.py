"""Snippet bodies: Jinja placeholders, checked when saved and rendered in a sandbox.

A snippet is untrusted text written by any agent, so it gets a small language:
placeholders such as `{{ user.name }}`, `{% if %}`, comparisons, `~` and a few
text filters. Loops, calls, assignments, arithmetic and includes are refused
when the snippet is saved; what is left cannot run long or print much, and the
output is capped besides.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import (
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    nodes,
    pass_environment,
)
from jinja2.filters import do_truncate
from jinja2.sandbox import SandboxedEnvironment

from ticketapi.errors import Invalid
from ticketapi.schemas import TEXT_MAX

logger = logging.getLogger(__name__)

# The single list of placeholders: the services fill exactly these.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "user": ("name", "first_name", "email"),
    "ticket": ("id", "ref", "subject", "status"),
    "agent": ("name", "first_name", "email"),
    "organization": ("name",),
}
# Rendered text becomes a message body, which holds at most TEXT_MAX characters.
OUTPUT_MAX = TEXT_MAX
# What each filter and test may be given, checked when the snippet is saved, so that a saved
# snippet never fails when it is filled in: PLACEHOLDER is any checked expression (a
# placeholder or a literal), the others must be literals of their kind, within bounds.
PLACEHOLDER, FLAG, TEXT, COUNT = "placeholder", "true or false", "a quoted text", "a whole number"
# What `in` looks in: a placeholder, or a literal list or text.
CONTAINER = "a list or a quoted text"
# A filter's literal text (trim's chars, truncate's end) is short; a count fits the output.
LITERAL_TEXT_MAX = 100
COUNT_MAX = OUTPUT_MAX
FILTERS: dict[str, tuple[tuple[str, str], ...]] = {
    "capitalize": (),
    "lower": (),
    "title": (),
    "upper": (),
    "trim": (("chars", TEXT),),
    "default": (("default_value", PLACEHOLDER), ("boolean", FLAG)),
    "d": (("default_value", PLACEHOLDER), ("boolean", FLAG)),
    "truncate": (("length", COUNT), ("killwords", FLAG), ("end", TEXT), ("leeway", COUNT)),
}
# Tests compare with exactly one value, or with none.
TESTS: dict[str, tuple[tuple[str, str], ...]] = {
    "defined": (),
    "none": (),
    "number": (),
    "string": (),
    "eq": (("other", PLACEHOLDER),),
    "equalto": (("other", PLACEHOLDER),),
    "ne": (("other", PLACEHOLDER),),
    "in": (("seq", CONTAINER),),
}
MAX_DEPTH = 40

SAFE_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Neg,
    nodes.Pos,
    nodes.Concat,
    nodes.List,
    nodes.Tuple,
    nodes.Keyword,
    nodes.Slice,
)
# What a writer most likely tried, for the error message.
REFUSED = {
    nodes.For: "{% for %} loops",
    nodes.Macro: "{% macro %}",
    nodes.CallBlock: "{% call %}",
    nodes.Call: "calling functions or methods",
    nodes.Assign: "{% set %}",
    nodes.AssignBlock: "{% set %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from … import %}",
    nodes.Extends: "{% extends %}",
    nodes.Block: "{% block %}",
    nodes.FilterBlock: "{% filter %}",
    nodes.With: "{% with %}",
    nodes.ScopedEvalContextModifier: "{% autoescape %}",
    nodes.Scope: "{% autoescape %}",
    nodes.BinExpr: "arithmetic",
}


class SnippetEnvironment(SandboxedEnvironment):
    """A sandbox that reads only the keys of the plain dicts it is given."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self.getitem(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        # Python attributes (dict.items, str.format, __class__…) are never reachable.
        if isinstance(obj, Mapping) and isinstance(argument, str) and argument in obj:
            return obj[argument]
        if isinstance(obj, str) and isinstance(argument, int | slice):
            try:
                return obj[argument]
            except IndexError:
                pass
        return self.undefined(obj=obj, name=argument)


ENVIRONMENT = SnippetEnvironment(
    autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True
)
ENVIRONMENT.globals.clear()
# A placeholder may hold a number (ticket.id): truncate, like the other filters, reads text.
ENVIRONMENT.filters["truncate"] = pass_environment(
    lambda environment, value, *args, **kwargs: do_truncate(
        environment, str(value), *args, **kwargs
    )
)


def placeholder_list() -> str:
    return ", ".join(
        f"{{{{ {root}.{name} }}}}" for root, names in PLACEHOLDERS.items() for name in names
    )


def refuse(message: str, line: int | None = None) -> Invalid:
    where = f"line {line}: " if line else ""
    return Invalid(
        f"The snippet body cannot be used: {where}{message}", fields={"body": where + message}
    )


def check(body: str) -> None:
    """Refuse a body that does not parse or uses anything beyond placeholders, if and filters."""
    compile_body(body)


@lru_cache(maxsize=256)
def compile_body(body: str) -> Template:
    """Parse, check and compile a snippet body (cached: snippets are rendered again and again)."""
    try:
        tree = ENVIRONMENT.parse(body)
        _check_node(tree, depth=0)
        return ENVIRONMENT.from_string(tree)
    except TemplateSyntaxError as error:
        raise refuse(error.message or "the template does not parse", error.lineno) from None
    except RecursionError:
        raise refuse("it is nested too deeply") from None


def _check_node(node: nodes.Node, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise refuse("it is nested too deeply", node.lineno)
    if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name):
        _check_placeholder(node)
        if isinstance(node, nodes.Getitem):
            _check_node(node.arg, depth + 1)
        return
    if isinstance(node, nodes.Filter | nodes.Test):
        _check_filter(node, depth)
        return
    if not isinstance(node, SAFE_NODES):
        what = next((text for kind, text in REFUSED.items() if isinstance(node, kind)), None)
        what = what or f"the {type(node).__name__} construct"
        raise refuse(
            f"{what} cannot be used in a snippet; use placeholders and {{% if %}}.", node.lineno
        )
    for child in node.iter_child_nodes():
        _check_node(child, depth + 1)


def _check_placeholder(node: nodes.Node) -> None:
    """Allow `root.field`, `root['field']`, and an index or slice of one: nothing else."""
    if isinstance(node, nodes.Getitem) and not _is_key(node.arg):
        inner = node.node
        if isinstance(inner, nodes.Getattr | nodes.Getitem) and isinstance(inner.node, nodes.Name):
            return _check_placeholder(inner)
        raise _unknown(node)
    if isinstance(node, nodes.Getattr | nodes.Getitem) and isinstance(node.node, nodes.Name):
        root = node.node.name
        field = node.attr if isinstance(node, nodes.Getattr) else node.arg.value
        if field in PLACEHOLDERS.get(root, ()):
            return None
    raise _unknown(node)


def _is_key(arg: nodes.Node) -> bool:
    return isinstance(arg, nodes.Const) and isinstance(arg.value, str)


def _unknown(node: nodes.Node) -> Invalid:
    return refuse(
        f"{{{{ {_describe(node)} }}}} is not a placeholder; use one of {placeholder_list()}.",
        node.lineno,
    )


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_describe(node.node)}[{node.arg.value!r}]"
    if isinstance(node, nodes.Getitem):
        return f"{_describe(node.node)}[…]"
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return "…"


def _check_filter(node: nodes.Filter | nodes.Test, depth: int) -> None:
    allowed, kind = (FILTERS, "filter") if isinstance(node, nodes.Filter) else (TESTS, "test")
    if node.name not in allowed:
        raise refuse(
            f"the {kind} {node.name!r} cannot be used in a snippet; use one of {', '.join(sorted(allowed))}.",
            node.lineno,
        )
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        raise refuse(
            f"*args and **kwargs cannot be given to the {kind} {node.name!r}.", node.lineno
        )
    if node.node is not None:
        _check_node(node.node, depth + 1)
    given = _arguments(node, allowed[node.name], kind)
    for name, expected in allowed[node.name]:
        if name in given:
            _check_argument(node, name, expected, given[name], depth)
    if node.name == "truncate":
        _check_truncate(node, given)


def _arguments(
    node: nodes.Filter | nodes.Test, parameters: tuple[tuple[str, str], ...], kind: str
) -> dict[str, nodes.Expr]:
    """Match the arguments to the parameters by position and name, as Python would."""
    names = [name for name, _expected in parameters]
    usage = f"{node.name}({', '.join(names)})" if names else "no arguments"
    if len(node.args) > len(names):
        raise refuse(f"the {kind} {node.name!r} takes {usage}.", node.lineno)
    given = dict(zip(names, node.args, strict=False))
    if kind == "test" and node.kwargs:
        # Tests take their value by position only (eq(other=…) fails in Python).
        raise refuse(f"the test {node.name!r} takes {usage}, without names.", node.lineno)
    for keyword in node.kwargs:
        if keyword.key not in names or keyword.key in given:
            raise refuse(f"the {kind} {node.name!r} takes {usage}.", node.lineno)
        given[keyword.key] = keyword.value
    if kind == "test" and len(given) != len(names):
        # A test's value to compare with is not optional.
        raise refuse(f"the test {node.name!r} takes {usage}.", node.lineno)
    return given


def _check_argument(
    node: nodes.Filter | nodes.Test, name: str, expected: str, arg: nodes.Expr, depth: int
) -> None:
    if expected == PLACEHOLDER or (expected == CONTAINER and not _is_literal(arg)):
        _check_node(arg, depth + 1)
        return
    value = _literal(arg)
    fits = {
        CONTAINER: isinstance(value, list | tuple | str),
        FLAG: isinstance(value, bool),
        TEXT: isinstance(value, str) and len(value) <= LITERAL_TEXT_MAX,
        COUNT: type(value) is int and 0 <= value <= COUNT_MAX,
    }[expected]
    if not fits:
        bounds = {
            CONTAINER: "",
            FLAG: "",
            TEXT: f" of at most {LITERAL_TEXT_MAX} characters",
            COUNT: f" from 0 to {COUNT_MAX:,}",
        }[expected]
        raise refuse(
            f"{node.name}'s {name} must be {expected}{bounds}, written in the snippet.",
            node.lineno,
        )


def _check_truncate(node: nodes.Filter, given: dict[str, nodes.Expr]) -> None:
    # Jinja insists the length leaves room for the end mark ("..." unless given).
    end = _literal(given["end"]) if "end" in given else "..."
    if "length" in given and _literal(given["length"]) < len(end):
        raise refuse(
            f"truncate's length must be at least {len(end)}, the length of its end mark {end!r}.",
            node.lineno,
        )


_NOT_A_LITERAL = object()


def _is_literal(arg: nodes.Expr) -> bool:
    return _literal(arg) is not _NOT_A_LITERAL


def _literal(arg: nodes.Expr) -> Any:
    """The value of a literal argument (`5`, `-1`, `'…'`, `true`), or a marker for anything else."""
    try:
        return arg.as_const(nodes.EvalContext(ENVIRONMENT))
    except (nodes.Impossible, ArithmeticError, TypeError, ValueError):
        return _NOT_A_LITERAL


def render(body: str, context: Mapping[str, Mapping[str, Any]], limit: int = OUTPUT_MAX) -> str:
    """Render a checked body with plain values; any failure is a 422 on `body`, never a 500."""
    template = compile_body(body)
    pieces: list[str] = []
    size = 0
    try:
        for piece in template.generate(**context):
            size += len(piece)
            if size > limit:
                raise refuse(f"the text it makes is longer than {limit:,} characters.")
            pieces.append(piece)
    except TemplateError as error:
        raise refuse(
            f"it could not be filled in: {error.message or type(error).__name__}."
        ) from None
    except Invalid:
        raise
    except Exception as error:
        # Comparing a number with text, say, or a snippet saved before a rule was added:
        # the writer's mistake, never the server's. Logged, as it may also be a rule we lack.
        logger.warning("Snippet body could not be filled in: %r", error)
        raise refuse(f"it could not be filled in ({type(error).__name__}).") from None
    return "".join(pieces)
