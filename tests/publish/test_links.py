"""Finding links in Markdown as the site renders it: every form a writer uses, none in code."""

from __future__ import annotations

import pytest

from helpdesk import ENGINE_ROOT
from helpdesk.publish import settings as portal_settings
from helpdesk.publish.links import read, split_intrasite
from helpdesk.publish.rendering import filename_links, is_markdown_file_link, site_markdown


@pytest.fixture(scope="module")
def md():
    return site_markdown(portal_settings.load(ENGINE_ROOT / "pelicanconf.py"), for_check=True)


@pytest.fixture
def targets(md):
    def found(body: str, first_line: int = 1) -> list[tuple[str, int]]:
        return [(link.target, link.line) for link in read(body, first_line, md).links]

    return found


def test_inline_reference_and_html_links_with_their_lines(targets):
    body = (
        'Intro with [a](/kb/) and ![pic]({static}/images/a.svg "Title").\n'
        "\n"
        "[ref]: {filename}/articles/x/y.md\n"
        '<a href="/news/">news</a> <img src="/images/b.png" alt="b">\n'
        "\n"
        "Uses [the reference][ref] twice: [again][ref].\n"
    )
    assert targets(body, first_line=7) == [
        ("/kb/", 7),
        ("{static}/images/a.svg", 7),
        ("{filename}/articles/x/y.md", 9),
        ("/news/", 10),
        ("/images/b.png", 10),
    ]


def test_code_blocks_and_spans_are_skipped(targets):
    body = (
        "````markdown\n"
        "```\n"
        "[inside](/nested/)\n"
        "```\n"
        "````\n"
        "~~~\n[tilde](/tilde/)\n~~~\n"
        "\n"
        "    ```yaml\n    [indented fence](/indented/)\n    ```\n"
        "\n"
        "Use `[span](/span/)` but [real](/real/).\n"
    )
    assert targets(body) == [("/real/", 14)]


def test_an_indented_code_block_is_code(targets):
    body = (
        "Link to another page like this:\n"
        "\n"
        "    [Configuration](../user-guide/configuration.md#nav)\n"
        '    <a href="/nowhere/">raw HTML shown as code</a>\n'
        "\n"
        "[Real](../user-guide/configuration.md#nav)\n"
    )
    assert targets(body) == [("../user-guide/configuration.md#nav", 6)]


def test_a_fenced_block_inside_a_block_quote_is_code(targets):
    body = (
        "> Obsolete style:\n"
        ">\n"
        "> > ```django\n"
        '> >   <script src="{{ path }}"></script>\n'
        "> > [not a link](missing.md)\n"
        "> > ```\n"
        ">\n"
        "> But [this one](quoted.md) is a link.\n"
    )
    assert targets(body, first_line=3) == [("quoted.md", 10)]


def test_what_markdown_does_not_render_as_a_link_is_not_one(targets):
    body = (
        "<!-- [commented out](/old/) <a href='/older/'>x</a> -->\n"
        "\n"
        "There are two [kinds of sites]: project sites, and user sites,\n"
        r"and an escaped \[bracket](/not-a-link/)."
        "\n"
    )
    assert targets(body) == []


def test_links_in_admonitions_tabs_lists_and_footnotes_are_links(targets):
    body = (
        '!!! note "Before you start"\n'
        "    Read [the setup](setup.md) first.\n"
        "\n"
        '=== "Windows"\n'
        "\n"
        "    Run [the installer](install.md#windows).\n"
        "\n"
        "1. A step with a footnote.[^1]\n"
        "\n"
        "        [code in a list item](code.md)\n"
        "\n"
        "[^1]: See [the details](details.md).\n"
    )
    assert targets(body) == [
        ("setup.md", 2),
        ("install.md#windows", 6),
        ("details.md", 12),
    ]


def test_targets_come_back_as_markdown_reads_them(targets):
    body = "[a](<my notes.md>), [b](a_\\(b\\).md), [c](faq(2).md) and [d](x.md 'Title')\n"
    assert targets(body) == [("my notes.md", 1), ("a_(b).md", 1), ("faq(2).md", 1), ("x.md", 1)]


def test_ids_are_the_rendered_headings_and_anchors(md):
    body = (
        "## Installing for development\n\n"
        "## Custom anchor {: #custom }\n\n"
        "Text.[^note]\n\n"
        '<a name="legacy"></a>\n\n'
        "[^note]: A note.\n"
    )
    ids = read(body, 1, md).ids
    assert {"installing-for-development", "custom", "fn:note", "fnref:note", "legacy"} <= ids


def test_prose_is_the_text_outside_code(md):
    body = "Reset the [token](/kb/) with `cache` and\n\n    quota\n\n```\nschedule\n```\n"
    words = read(body, 1, md).prose.split()
    assert "token" in words and "Reset" in words
    assert not {"cache", "quota", "schedule", "/kb/"} & set(words)


def test_intrasite_links_split_into_kind_and_path():
    assert split_intrasite("{filename}../a.md#part") == ("filename", "../a.md#part")
    assert split_intrasite("|static|/images/x.png") == ("static", "/images/x.png")
    assert split_intrasite("/kb/") is None


@pytest.mark.parametrize(
    "target, expected",
    [
        ("../user-guide/configuration.md#nav", True),
        ("setup.md", True),
        ("my%20notes.md?x=1", True),
        ("{filename}setup.md", False),
        ("/articles/billing/refunds.md", False),
        ("https://github.com/mkdocs/mkdocs/blob/master/README.md", False),
        ("../user-guide/", False),
        ("setup.md.html", False),
    ],
)
def test_relative_links_to_markdown_files(target, expected):
    assert is_markdown_file_link(target) is expected


def test_markdown_file_links_become_filename_links_outside_code_only():
    html = (
        '<p><a href="../guide/setup.md#step-2" title="x > y">Setup</a> '
        "<a href='notes.md'>notes</a> <a href=\"https://x.example/a.md\">out</a></p>\n"
        '<pre><code>&lt;a href="setup.md"&gt;</code></pre>'
    )
    assert filename_links(html) == (
        '<p><a href="{filename}../guide/setup.md#step-2" title="x > y">Setup</a> '
        "<a href='{filename}notes.md'>notes</a> <a href=\"https://x.example/a.md\">out</a></p>\n"
        '<pre><code>&lt;a href="setup.md"&gt;</code></pre>'
    )
