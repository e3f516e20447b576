"""A documentation set written as for GitHub or MkDocs: relative links to .md files, code that
shows link syntax. `helpdesk check` agrees with what the reader sees, and the portal links
to the right pages both from `helpdesk build` and from plain `pelican`."""

from __future__ import annotations

import textwrap

import pytest
from pelican import Pelican

from helpdesk import ENGINE_ROOT
from helpdesk.cli import main
from helpdesk.publish.build import build
from tests.support.crawl import Site, is_external

SETTINGS = ["--settings", str(ENGINE_ROOT / "pelicanconf.py")]
GUIDE = "content/articles/user-guide"

DOCS = {
    f"{GUIDE}/_category.yml": "title: User guide\norder: 1\n",
    f"{GUIDE}/configuration.md": """
        ---
        title: Configuration
        date: 2026-01-10
        ---

        Guide to all available configuration settings.

        ## Project information

        ### site_name

        This is a **required setting**.

        ## Documentation layout

        ### nav

        This setting is used to determine the format and layout of the global navigation.
        See [writing your docs](writing-your-docs.md#configure-pages-and-navigation).
    """,
    f"{GUIDE}/writing-your-docs.md": """
        ---
        title: Writing your docs
        date: 2026-01-11
        ---

        How to layout and write your Markdown source files. See the [nav] setting, and the
        [contributing guide](../about/contributing.md#installing-for-development).

        ## Configure Pages and Navigation

        The [nav] configuration setting in your [configuration](configuration.md) file
        defines which pages are included.

        ## Linking to pages

        When linking between pages, use the path of the Markdown file:

            Please see the [project license](../about/license.md) for further details.
            [Missing page](does-not-exist.md) and <a href="also-missing.md">raw HTML</a>

        > **Obsolete style:**
        >
        > > ```django
        > > {%- for path in extra_javascript %}
        > >   <script src="{{ path }}"></script>
        > > {%- endfor %}
        > > [nowhere](nowhere.md)
        > > ```

        !!! note
            Links in an admonition work too: [site_name](configuration.md#site_name).

        <p class="more">Or the <a href="../about/license.md">license</a>.</p>

        [nav]: configuration.md#nav
    """,
    f"{GUIDE}/deploying/github-pages.md": """
        ---
        title: Deploying to GitHub Pages
        date: 2026-01-12
        ---

        Build the site as the [configuration](../configuration.md#site_name) says, then
        publish it. Read the [license](../../about/license.md) first.
    """,
    "content/articles/about/contributing.md": """
        ---
        title: Contributing
        date: 2026-01-13
        ---

        ## Installing for development

        Read [writing your docs](../user-guide/writing-your-docs.md#linking-to-pages).
    """,
    "content/articles/about/license.md": """
        ---
        title: License
        date: 2026-01-14
        ---

        The BSD license; see [contributing](contributing.md).
    """,
    "content/pages/about.md": """
        ---
        title: About
        ---

        Start with the [user guide](../articles/user-guide/configuration.md).
    """,
}

EXPECTED_LINKS = {
    "/kb/user-guide/writing-your-docs/": [
        "/kb/user-guide/configuration/#nav",
        "/kb/about/contributing/#installing-for-development",
        "/kb/user-guide/configuration/#nav",
        "/kb/user-guide/configuration/",
        "/kb/user-guide/configuration/#site_name",
        "/kb/about/license/",
    ],
    "/kb/user-guide/github-pages/": [
        "/kb/user-guide/configuration/#site_name",
        "/kb/about/license/",
    ],
    "/kb/user-guide/configuration/": [
        "/kb/user-guide/writing-your-docs/#configure-pages-and-navigation"
    ],
    "/kb/about/contributing/": ["/kb/user-guide/writing-your-docs/#linking-to-pages"],
    "/kb/about/license/": ["/kb/about/contributing/"],
    "/about/": ["/kb/user-guide/configuration/"],
}


@pytest.fixture
def docs(site):
    site(DOCS)
    return site


def content_links(site: Site, url: str) -> list[str]:
    """The links a page's own text makes (not the theme's, not the heading permalinks)."""
    body = site.pages[url].soup.select_one(".doc .prose")
    return [
        a["href"]
        for a in body.find_all("a", href=True)
        if "headerlink" not in (a.get("class") or []) and not a["href"].startswith("#")
    ]


def assert_portal_links(output) -> None:
    site = Site.load(output)
    for url, expected in EXPECTED_LINKS.items():
        found = [link for link in content_links(site, url) if not link.startswith("/glossary/")]
        assert found == expected, url
    broken = [
        f"{url} -> {problem}"
        for url, page in site.pages.items()
        for link in page.links()
        if not is_external(link) and (problem := site.resolve(link))
    ]
    assert broken == []
    code = site.pages["/kb/user-guide/writing-your-docs/"].soup.select("pre")
    shown = "\n".join(block.get_text() for block in code)
    assert "[Missing page](does-not-exist.md)" in shown  # code still reads as written
    assert '<script src="{{ path }}"></script>' in shown


def test_check_finds_no_error_where_the_reader_sees_code(docs, runner):
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 0, result.output
    assert "no errors" in result.output


def test_build_links_markdown_files_to_their_pages(docs, runner):
    result = runner.invoke(main, ["build", *SETTINGS])
    assert result.exit_code == 0, result.output
    assert_portal_links(docs.root / "output")


def test_plain_pelican_links_markdown_files_the_same_way(docs, settings_for):
    Pelican(settings_for(docs.root, output="pelican-output")).run()
    assert_portal_links(docs.root / "pelican-output")


def test_a_link_to_a_missing_markdown_file_names_its_line(docs, runner, settings_for):
    docs(
        {
            f"{GUIDE}/deploying/github-pages.md": textwrap.dedent(
                DOCS[f"{GUIDE}/deploying/github-pages.md"]
            ).lstrip()
            + "\nSee also [the FAQ](../faq.md) and [the name](../configuration.md#site-name).\n"
        }
    )
    expected = [
        f"{GUIDE}/deploying/github-pages.md:9: links to ../configuration.md#site-name, "
        f"but {GUIDE}/configuration.md has no heading or anchor '#site-name' "
        "(did you mean '#site_name'?)",
        f"{GUIDE}/deploying/github-pages.md:9: links to ../faq.md, "
        f"but {GUIDE}/faq.md does not exist",
    ]
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if ".md:" in line] == expected
    built = build(settings_for(docs.root))
    assert sorted(p.format() for p in built.report.errors) == expected
    assert not (docs.root / "output").exists()


def test_links_are_checked_in_what_markdown_renders_not_in_code(docs, runner):
    page = f"{GUIDE}/writing-your-docs.md"
    text = (docs.root / page).read_text(encoding="utf-8")
    # The same link, moved out of the indented code block into the text, is an error.
    docs(
        {
            page: text.replace(
                "    [Missing page](does-not-exist.md)", "[Missing](does-not-exist.md)"
            )
        }
    )
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 1
    assert (
        f"{page}:19: links to does-not-exist.md, but {GUIDE}/does-not-exist.md does not exist"
        in (result.output.splitlines())
    )
