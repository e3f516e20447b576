"""Front matter: the format writers type, including what editors on other systems save."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk.publish import frontmatter
from helpdesk.publish.problems import ContentError


def test_body_and_its_first_line_are_returned():
    fields, body, line = frontmatter.parse("---\ntitle: A\ndate: 2026-01-02\n---\n\nHello\n")
    assert fields["title"].value == "A" and fields["date"].line == 3
    assert body == "\nHello\n"
    assert line == 5


def test_windows_line_endings_and_a_byte_order_mark_are_accepted():
    text = "\ufeff---\r\ntitle: A\r\ndate: 2026-01-02\r\n---\r\n\r\nHello\r\n"
    fields, body, _ = frontmatter.parse(text)
    result = frontmatter.validate(frontmatter.ARTICLE, fields)
    assert result.errors == []
    assert result.meta["title"] == "A"
    assert "Hello" in body


def test_dates_with_and_without_time():
    fields, _, _ = frontmatter.parse(
        '---\ntitle: A\ndate: "2026-03-04 09:30"\nmodified: 2026-03-05\n---\n'
    )
    meta = frontmatter.validate(frontmatter.NEWS, fields).meta
    assert meta["date"] == dt.datetime(2026, 3, 4, 9, 30)
    assert meta["modified"] == dt.datetime(2026, 3, 5)


def test_tags_accept_a_list_or_comma_separated_text():
    for value in ("[a, b c]", "a, b c"):
        fields, _, _ = frontmatter.parse(f"---\ntitle: A\ndate: 2026-01-01\ntags: {value}\n---\n")
        assert frontmatter.validate(frontmatter.ARTICLE, fields).meta["tags"] == ["a", "b c"]


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ("title: ''", "'title' must not be empty"),
        ("title: 12", "'title' must be text: write it in quotes, e.g. \"12\""),
        ("title: [a]", "'title' must be text"),
        ("title: A\nglossary: no-thanks", "'glossary' must be true or false"),
        ("title: A\nstatus: archived", "'status' must be one of published, draft, hidden"),
        ("title: A\nusergroups: [staff, '']", "'usergroups' must not contain empty names"),
    ],
)
def test_wrong_values_name_the_key_and_the_fix(yaml_text, message):
    fields, _, _ = frontmatter.parse(f"---\n{yaml_text}\n---\n")
    errors = [text for _, text in frontmatter.validate(frontmatter.ARTICLE, fields).errors]
    assert message in errors


def test_an_empty_front_matter_block_is_an_error():
    with pytest.raises(ContentError) as caught:
        frontmatter.parse("---\n---\nBody\n")
    assert caught.value.line == 1
    assert caught.value.message.startswith("front matter is empty")
