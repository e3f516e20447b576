"""Every filter and test of the snippet language, with arguments of every kind: what saves
renders, and nothing a writer types makes the server fail (issue #12, item 3)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ticketapi.errors import Invalid
from ticketapi.snippets import templating

VALUES = {
    "user": {"name": "Ann Lee", "first_name": "Ann", "email": "ann@club.example"},
    "ticket": {"id": 7, "ref": "K7Q2", "subject": "Cracked hull " * 30, "status": "pending"},
    "agent": {"name": "", "first_name": "", "email": "sam@agents.example"},
    "organization": {"name": ""},
}
LITERALS = st.sampled_from(
    [
        "-1", "0", "1", "2", "3", "5", "255", "100000", "100001", "99999999999999999999",
        "-99999999999999999999", "1.5", "-0.5", "true", "false", "none", "''", "'...'",
        "'" + "x" * 150 + "'", "[1, 2]", "('a',)", "-(-3)", "+4",
    ]
)  # fmt: skip
PLACEHOLDERS = st.sampled_from(["user.name", "ticket.id", "agent.name", "ticket.subject[:5]"])
NAMES = st.sampled_from(
    sorted({name for params in (*templating.FILTERS.values(), *templating.TESTS.values())
            for name, _kind in params} | {"bogus"})
)  # fmt: skip


@st.composite
def calls(draw, names: list[str], literals_only: bool) -> str:
    name = draw(st.sampled_from(names))
    argument = LITERALS if literals_only else LITERALS | PLACEHOLDERS
    positional = draw(st.lists(argument, max_size=5))
    keywords = draw(st.dictionaries(NAMES, argument, max_size=3))
    arguments = [*positional, *(f"{key}={value}" for key, value in keywords.items())]
    return f"{name}({', '.join(arguments)})" if arguments or draw(st.booleans()) else name


def bodies(literals_only: bool = False):
    subject = st.sampled_from(["user.name", "ticket.subject", "agent.name", "ticket.id"])
    filtered = st.builds(
        lambda value, call: f"{{{{ {value}|{call} }}}}",
        subject,
        calls(sorted(templating.FILTERS), literals_only),
    )
    tested = st.builds(
        lambda value, call: f"{{% if {value} is {call} %}}yes{{% endif %}}",
        subject,
        calls(sorted(templating.TESTS), literals_only),
    )
    return filtered | tested


def saved(body: str) -> bool:
    try:
        templating.check(body)
    except Invalid:
        return False
    return True


@settings(max_examples=600, deadline=None, derandomize=True)
@given(bodies(literals_only=True))
def test_a_snippet_whose_filters_take_literals_renders_once_saved(body):
    if saved(body):
        assert isinstance(templating.render(body, VALUES), str), body


@settings(max_examples=600, deadline=None, derandomize=True)
@given(bodies())
def test_no_snippet_makes_rendering_fail_with_anything_but_a_422(body):
    if saved(body):
        try:
            templating.render(body, VALUES)
        except Invalid as error:
            # A comparison of a number with text, say: the writer is told, on `body`.
            assert "could not be filled in" in error.fields["body"]


def test_each_filter_and_test_is_exercised():
    # The generator draws from the language's own lists: a new filter is covered at once.
    assert set(templating.FILTERS) >= {"truncate", "default", "trim"}
    assert set(templating.TESTS) >= {"eq", "in"}
