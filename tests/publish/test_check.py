"""`helpdesk check` and `helpdesk build` report each kind of bad content at its file and line."""

from __future__ import annotations

import pytest

from helpdesk import ENGINE_ROOT
from helpdesk.cli import main
from tests.support.sites import ARTICLE, BAD_CONTENT

SETTINGS = ["--settings", str(ENGINE_ROOT / "pelicanconf.py")]


@pytest.mark.parametrize("files, expected", BAD_CONTENT.values(), ids=BAD_CONTENT.keys())
def test_check_reports_bad_content_at_its_line(site, runner, files, expected):
    site(files)
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 1, result.output
    assert expected in result.output.splitlines()
    assert "Fix each problem at the file and line shown" in result.output


@pytest.mark.parametrize("files, expected", BAD_CONTENT.values(), ids=BAD_CONTENT.keys())
def test_build_refuses_bad_content_with_the_same_message(site, runner, files, expected):
    site(files)
    result = runner.invoke(main, ["build", *SETTINGS])
    assert result.exit_code == 1, result.output
    assert expected in result.output.splitlines()
    assert "Build failed" in result.output
    assert not (site.root / "output").exists()


def test_unknown_front_matter_key_is_a_warning_that_does_not_fail(site, runner):
    site({ARTICLE: "---\ntitle: Refunds\ndate: 2026-03-01\nauthr: Sam\n---\n\nBody, SLA.\n"})
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 0, result.output
    assert f"{ARTICLE}:4: warning: unknown front-matter key 'authr'" in result.output
    assert "no errors (1 warning)" in result.output


def test_unknown_glossary_key_is_a_warning(site, runner):
    site({"glossary.yml": "- term: Invoice\n  definition: A.\n  definiton: typo\n"})
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 0
    assert "glossary.yml:3: warning: unknown key 'definiton'" in result.output


def test_terms_no_document_uses_are_warnings(site, runner):
    site(
        {
            "glossary.yml": "- term: Invoice\n  definition: A bill.\n- term: SLA\n  definition: B.\n- term: Escalation\n  definition: C.\n"
        }
    )
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 0
    assert "glossary.yml:5: warning: 'Escalation' is not used by any document" in result.output
    assert "'SLA' is not used" not in result.output and "'Invoice' is not used" not in result.output


def test_a_term_used_only_in_code_or_a_link_target_is_unused(site, runner):
    site(
        {
            "glossary.yml": "- term: Invoice\n  definition: A bill.\n- term: SLA\n  definition: B.\n- term: webhook\n  definition: C.\n",
            "content/pages/about.md": "---\ntitle: About\n---\n\n`webhook` and [x](/glossary/#webhook)\n\n```\nwebhook\n```\n",
        }
    )
    result = runner.invoke(main, ["check", *SETTINGS])
    assert "glossary.yml:5: warning: 'webhook' is not used by any document" in result.output


def test_an_alias_that_matches_another_terms_plural_is_an_error(site, runner):
    site(
        {
            "glossary.yml": "- term: Invoice\n  definition: A bill.\n- term: SLA\n  definition: B.\n- term: Statement\n  definition: C.\n  aliases: [invoices]\n"
        }
    )
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 1
    assert (
        "glossary.yml:5: 'invoices' would match both 'Invoice' (line 1) and 'Statement': "
        "remove or change one of them"
    ) in result.output.splitlines()


def test_every_problem_is_reported_not_just_the_first(site, runner):
    site(
        {
            ARTICLE: "---\ntitle: Refunds\ndate: never\n---\n\n[x](/nowhere/)\n",
            "glossary.yml": "- term: Invoice\n  definition: A bill.\n- term: SLA\n  definition: ''\n",
        }
    )
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 1
    assert f"{ARTICLE}:3: 'date' must be a date" in result.output
    assert f"{ARTICLE}:6: links to /nowhere/" in result.output
    assert "glossary.yml:4: 'SLA' has an empty definition" in result.output
    assert "✗ 3 errors" in result.output


def test_links_inside_code_are_not_checked(site, runner):
    site(
        {
            "content/pages/about.md": (
                "---\ntitle: About\n---\n\n```markdown\n[x](/nowhere/)\n```\n\n"
                "Write `[x]({filename}/gone.md)` to link.\n"
            )
        }
    )
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 0, result.output


def test_links_in_indented_code_and_in_code_inside_a_quote_are_not_checked(site, runner):
    site(
        {
            "content/pages/about.md": (
                "---\ntitle: About\n---\n\nA link is written like this:\n\n"
                "    [Billing](/kb/biling/)\n\n"
                '> ```html\n> <script src="{{ path }}"></script>\n> ```\n\n'
                "<!-- [old](/kb/gone/) -->\n"
            )
        }
    )
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 0, result.output


def test_links_to_dynamic_portal_pages_and_restricted_articles_are_fine(site, runner):
    site(
        {
            "content/articles/billing/secret.md": (
                "---\ntitle: Secret\ndate: 2026-03-01\nusergroups: [staff]\n---\n\nHidden.\n"
            ),
            "content/pages/about.md": (
                "---\ntitle: About\n---\n\n[Submit](/portal/tickets/new) or read "
                "[the secret]({filename}/articles/billing/secret.md).\n"
            ),
        }
    )
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 0, result.output
    assert "(+1 restricted)" in result.output


def test_check_of_a_good_site_summarises_what_it_read(site, runner):
    result = runner.invoke(main, ["check", *SETTINGS])
    assert result.exit_code == 0
    assert result.output.strip() == (
        "✓ Checked 2 articles in 1 category, 1 news post, 1 download, 1 page "
        "and 2 glossary terms: no errors."
    )


def test_missing_content_folder_says_what_to_do(tmp_path, monkeypatch, runner):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", *SETTINGS, "--content", "nothing-here"])
    assert result.exit_code == 1
    assert "✗ nothing-here: content folder not found: pass --content DIR" in result.output
