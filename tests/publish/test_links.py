"""Finding links in Markdown: every form a writer uses, and nothing inside code."""

from __future__ import annotations

from helpdesk.publish.links import extract, split_intrasite


def targets(body: str, first_line: int = 1) -> list[tuple[str, int]]:
    return [(link.target, link.line) for link in extract(body, first_line)]


def test_inline_reference_and_html_links_with_their_lines():
    body = (
        'Intro with [a](/kb/) and ![pic]({static}/images/a.svg "Title").\n'
        "\n"
        "[ref]: {filename}/articles/x/y.md\n"
        '<a href="/news/">news</a> <img src="/images/b.png" alt="b">\n'
    )
    assert targets(body, first_line=7) == [
        ("/kb/", 7),
        ("{static}/images/a.svg", 7),
        ("{filename}/articles/x/y.md", 9),
        ("/news/", 10),
        ("/images/b.png", 10),
    ]


def test_code_blocks_and_spans_are_skipped():
    body = (
        "````markdown\n"
        "```\n"
        "[inside](/nested/)\n"
        "```\n"
        "````\n"
        "~~~\n[tilde](/tilde/)\n~~~\n"
        "    ```yaml\n    [indented fence](/indented/)\n    ```\n"
        "Use `[span](/span/)` but [real](/real/).\n"
    )
    assert targets(body) == [("/real/", 12)]


def test_intrasite_links_split_into_kind_and_path():
    assert split_intrasite("{filename}../a.md#part") == ("filename", "../a.md#part")
    assert split_intrasite("|static|/images/x.png") == ("static", "/images/x.png")
    assert split_intrasite("/kb/") is None
