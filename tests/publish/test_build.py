"""`helpdesk build`: publishes a complete portal or nothing at all."""

from __future__ import annotations

from helpdesk import ENGINE_ROOT
from helpdesk.cli import main
from helpdesk.publish.build import build
from helpdesk.publish.check import check
from tests.support.sites import MINIMAL_SITE

SETTINGS = ["--settings", str(ENGINE_ROOT / "pelicanconf.py")]
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>dot</title><circle cx="5" cy="5" r="4"/></svg>'


def test_build_writes_the_portal_and_summarises(site, runner):
    result = runner.invoke(main, ["build", *SETTINGS])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "✓ Built 2 articles in 1 category, 1 news post, 1 download, 1 page and 2 glossary terms "
        "into output/ ("
    )
    output = site.root / "output"
    for page in (
        "index.html",
        "kb/billing/refunds/index.html",
        "news/launch/index.html",
        "downloads/tool/index.html",
        "glossary/index.html",
        "about/index.html",
        "404.html",
    ):
        assert (output / page).is_file(), page


def test_pelican_warnings_fail_the_build_and_name_the_file(site, runner):
    site(
        {
            "content/images/dot.svg": SVG,
            "content/pages/about.md": "---\ntitle: About\n---\n\n![]({static}/images/dot.svg)\n",
        }
    )
    assert runner.invoke(main, ["check", *SETTINGS]).exit_code == 0
    result = runner.invoke(main, ["build", *SETTINGS])
    assert result.exit_code == 1, result.output
    assert (
        "content/pages/about.md: Empty alt attribute for image dot.svg in content/pages/about.md"
        in result.output.splitlines()
    )
    assert not (site.root / "output").exists()


def test_a_failed_build_leaves_the_published_portal_as_it_was(site, runner):
    assert runner.invoke(main, ["build", *SETTINGS]).exit_code == 0
    index = site.root / "output" / "index.html"
    before = index.read_text(encoding="utf-8")
    site({"content/articles/billing/refunds.md": "---\ntitle: Refunds\n---\n\nNo date.\n"})
    result = runner.invoke(main, ["build", *SETTINGS])
    assert result.exit_code == 1
    assert "output/ was left as it was" in result.output
    assert index.read_text(encoding="utf-8") == before
    assert (site.root / "output" / "kb" / "billing" / "refunds" / "index.html").is_file()
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".output")] == []


def test_a_new_build_drops_pages_whose_source_was_removed(site, runner):
    assert runner.invoke(main, ["build", *SETTINGS]).exit_code == 0
    site({"content/pages/about.md": None})
    assert runner.invoke(main, ["build", *SETTINGS]).exit_code == 0
    assert not (site.root / "output" / "about").exists()
    assert (site.root / "output" / "index.html").is_file()


def test_repeated_builds_in_one_process_report_the_same_pelican_warning(site, settings_for):
    site(
        {
            "content/images/dot.svg": SVG,
            "content/pages/about.md": "---\ntitle: About\n---\n\n![]({static}/images/dot.svg)\n",
        }
    )
    first = build(settings_for(site.root))
    second = build(settings_for(site.root))
    assert [p.format() for p in first.report.errors] == [p.format() for p in second.report.errors]
    assert len(second.report.errors) == 1


def test_a_broken_template_stops_the_build_without_publishing(site, settings_for, tmp_path):
    theme = tmp_path / "broken-theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "index.html").write_text("{{ missing_filter | nope }}", encoding="utf-8")
    result = build(settings_for(site.root, THEME=str(theme)))
    assert not result.ok
    assert any("build stopped" in p.message for p in result.report.errors)
    assert not (site.root / "output").exists()


def test_build_and_check_options_are_documented_in_the_readme(runner):
    readme = (ENGINE_ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("build", "check"):
        assert f"helpdesk {command}" in readme
        help_text = runner.invoke(main, [command, "--help"]).output
        for option in ("--content", "--glossary", "--settings"):
            assert option in help_text
            assert option in readme


PARALLEL = {"PARALLEL_CHECK_MIN_DOCUMENTS": 0}


def test_large_sites_are_checked_in_parallel_and_build_the_same_portal(site, settings_for):
    serial = build(settings_for(site.root, output="serial"))
    parallel = build(settings_for(site.root, output="parallel", **PARALLEL))
    assert serial.ok and parallel.ok
    assert parallel.summary == serial.summary
    for page in (site.root / "serial").rglob("*.html"):
        twin = site.root / "parallel" / page.relative_to(site.root / "serial")
        assert twin.read_text(encoding="utf-8") == page.read_text(encoding="utf-8")


def test_parallel_check_errors_win_and_nothing_is_published(site, settings_for):
    from tests.support.sites import BAD_CONTENT

    for case in ("bad date", "broken filename link", "glossary duplicate term"):
        files, expected = BAD_CONTENT[case]
        site(files)
        config = settings_for(site.root, **PARALLEL)
        result = build(config)
        assert expected in [p.format() for p in result.report.errors], case
        assert result.report.problems == check(config).report.problems, case
        assert not (site.root / "output").exists()
        assert [p.name for p in site.root.iterdir() if p.name.startswith(".output")] == []
        site({name: MINIMAL_SITE.get(name) for name in files})


def test_parallel_build_still_fails_on_pelican_warnings(site, settings_for):
    site(
        {
            "content/images/dot.svg": SVG,
            "content/pages/about.md": "---\ntitle: About\n---\n\n![]({static}/images/dot.svg)\n",
        }
    )
    result = build(settings_for(site.root, **PARALLEL))
    assert [p.format() for p in result.report.errors] == [
        "content/pages/about.md: Empty alt attribute for image dot.svg in content/pages/about.md"
    ]
