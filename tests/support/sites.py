"""A small hand-written site, bad content for it, and a way to write (or remove) a site's files."""

from __future__ import annotations

import textwrap
from pathlib import Path

MINIMAL_SITE = {
    "content/articles/billing/_category.yml": """
        title: Billing
        description: Plans and invoices.
        order: 1
    """,
    "content/articles/billing/refunds.md": """
        ---
        title: Ask for a refund
        date: 2026-03-01
        tags: [billing, refunds]
        summary: How refunds work.
        ---

        ## When you can ask

        Within 30 days under our SLA, see [invoices]({filename}invoices.md).
    """,
    "content/articles/billing/invoices.md": """
        ---
        title: Download invoices
        date: 2026-03-02
        tags: [billing]
        ---

        Invoices are in the [glossary](/glossary/#invoice).
    """,
    "content/news/launch.md": """
        ---
        title: We launched
        date: "2026-02-01 09:00"
        summary: The help centre is open.
        ---

        Read the [refund article]({filename}/articles/billing/refunds.md).
    """,
    "content/downloads/tool.md": """
        ---
        title: The tool
        version: "1.0"
        file: tool.sh
        ---

        Run it.
    """,
    "content/downloads/files/tool.sh": "echo hello\n",
    "content/pages/about.md": """
        ---
        title: About
        ---

        About us.
    """,
    "glossary.yml": """
        - term: Invoice
          definition: A bill for a subscription period.
        - term: SLA
          definition: Service level agreement.
          aliases: [service level agreement]
    """,
}


def write_files(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write a site's files; a None value removes that file."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


ARTICLE = "content/articles/billing/refunds.md"

#: Each kind of bad content: the files that bring it, and the line `helpdesk check` reports.
BAD_CONTENT = {
    "missing front matter": (
        {ARTICLE: "# Refunds\n\nNo front matter here.\n"},
        f"{ARTICLE}:1: missing front matter: start the file with a line '---', "
        "then 'title: ...' and the other keys, then '---'",
    ),
    "unclosed front matter": (
        {ARTICLE: "---\ntitle: Refunds\ndate: 2026-03-01\n\nBody.\n"},
        f"{ARTICLE}:1: front matter is not closed: add a line '---' after the last key",
    ),
    "front matter YAML syntax": (
        {ARTICLE: "---\ntitle: Refunds\ndate: 2026-03-01\ntags: [billing\n---\n\nBody.\n"},
        f"{ARTICLE}:4: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts on line 4)",
    ),
    "front matter not a mapping": (
        {ARTICLE: "---\n- title\n- date\n---\n\nBody.\n"},
        f"{ARTICLE}:2: front matter must be a mapping of key: value",
    ),
    "missing title": (
        {ARTICLE: "---\ndate: 2026-03-01\n---\n\nBody.\n"},
        f"{ARTICLE}:1: front matter has no 'title:' (articles need one)",
    ),
    "bad date": (
        {ARTICLE: "---\ntitle: Refunds\ndate: next tuesday\n---\n\nBody.\n"},
        f"{ARTICLE}:3: 'date' must be a date such as 2026-04-12 or \"2026-04-12 09:30\"",
    ),
    "wrong type": (
        {ARTICLE: "---\ntitle: Refunds\ndate: 2026-03-01\ntags: {a: b}\nglossary: maybe\n---\n"},
        f"{ARTICLE}:4: 'tags' must be a list such as [billing, invoices]",
    ),
    "duplicate key": (
        {ARTICLE: "---\ntitle: Refunds\ndate: 2026-03-01\ntitle: Again\n---\n"},
        f"{ARTICLE}:4: duplicate key 'title' (first given on line 2)",
    ),
    "unknown category": (
        {ARTICLE: "---\ntitle: Refunds\ndate: 2026-03-01\ncategory: Billling\n---\n\nBody.\n"},
        f"{ARTICLE}:4: unknown category 'Billling': this article is in the folder 'billing'; "
        "the folder decides the category, so remove 'category:' or move the file",
    ),
    "article outside a category folder": (
        {"content/articles/loose.md": "---\ntitle: Loose\ndate: 2026-03-01\n---\n"},
        "content/articles/loose.md:1: articles live in a category folder: "
        "move it to articles/<category>/loose.md",
    ),
    "duplicate slug across categories": (
        {
            "content/articles/shipping/refunds.md": "---\ntitle: Refunds too\ndate: 2026-03-01\n---\n"
        },
        "content/articles/shipping/refunds.md:1: duplicate slug 'refunds': "
        "content/articles/billing/refunds.md already uses it; "
        "article slugs (file names) must be unique across categories",
    ),
    "broken filename link": (
        {
            "content/pages/about.md": "---\ntitle: About\n---\n\nIntro.\n\nSee [x]({filename}/articles/billing/nope.md).\n"
        },
        "content/pages/about.md:7: links to {filename}/articles/billing/nope.md, "
        "but content/articles/billing/nope.md does not exist",
    ),
    "broken relative filename link": (
        {"content/pages/about.md": "---\ntitle: About\n---\n\n[x]({filename}../news/gone.md)\n"},
        "content/pages/about.md:5: links to {filename}../news/gone.md, "
        "but content/news/gone.md does not exist",
    ),
    "broken site-absolute link": (
        {"content/pages/about.md": "---\ntitle: About\n---\n\nGo to [billing](/kb/biling/).\n"},
        "content/pages/about.md:5: links to /kb/biling/, which nothing in the portal publishes",
    ),
    "broken image": (
        {
            "content/pages/about.md": "---\ntitle: About\n---\n\n![A chart]({static}/images/chart.png)\n"
        },
        "content/pages/about.md:5: links to {static}/images/chart.png, "
        "but content/images/chart.png does not exist",
    ),
    "unknown glossary anchor": (
        {"content/pages/about.md": "---\ntitle: About\n---\n\nAn [SLU](/glossary/#slu).\n"},
        "content/pages/about.md:5: links to /glossary/#slu, but no glossary term has that anchor",
    ),
    "relative markdown link to a missing file": (
        {
            "content/pages/about.md": "---\ntitle: About\n---\n\nSee the [refunds](../articles/billing/refund.md#when-you-can-ask).\n"
        },
        "content/pages/about.md:5: links to ../articles/billing/refund.md#when-you-can-ask, "
        "but content/articles/billing/refund.md does not exist",
    ),
    "relative markdown link to a missing heading": (
        {
            "content/news/launch.md": "---\ntitle: Launch\ndate: 2026-02-01\n---\n\nIntro.\n\n[Refunds](../articles/billing/refunds.md#when-you-can-aks)\n"
        },
        "content/news/launch.md:8: links to ../articles/billing/refunds.md#when-you-can-aks, "
        "but content/articles/billing/refunds.md has no heading or anchor '#when-you-can-aks' "
        "(did you mean '#when-you-can-ask'?)",
    ),
    "filename link to a missing heading": (
        {
            "content/pages/about.md": "---\ntitle: About\n---\n\n[x]({filename}/articles/billing/refunds.md#fees)\n"
        },
        "content/pages/about.md:5: links to {filename}/articles/billing/refunds.md#fees, "
        "but content/articles/billing/refunds.md has no heading or anchor '#fees'",
    ),
    "link to a missing heading on the same page": (
        {
            "content/pages/about.md": "---\ntitle: About\n---\n\n## Contact us\n\nSee [below](#contact).\n"
        },
        "content/pages/about.md:7: links to #contact, but this page has no heading or anchor "
        "'#contact' (did you mean '#contact-us'?)",
    ),
    "site-absolute link to a missing heading": (
        {"content/pages/about.md": "---\ntitle: About\n---\n\n[x](/kb/billing/refunds/#fees)\n"},
        "content/pages/about.md:5: links to /kb/billing/refunds/#fees, "
        "but content/articles/billing/refunds.md has no heading or anchor '#fees'",
    ),
    "markdown link outside content": (
        {"content/pages/about.md": "---\ntitle: About\n---\n\n[the README](../../README.md)\n"},
        "content/pages/about.md:5: links to ../../README.md, which is outside content/: "
        "the portal publishes only what is in content/, so link to its web address instead",
    ),
    "markdown link from the top of content": (
        {
            "content/pages/about.md": "---\ntitle: About\n---\n\n[refunds](/articles/billing/refunds.md#when-you-can-ask)\n"
        },
        "content/pages/about.md:5: links to the file '/articles/billing/refunds.md#when-you-can-ask' "
        "from the top of content/, which forges read from the top of the repository: "
        "write it relative to this file, '../articles/billing/refunds.md#when-you-can-ask'",
    ),
    "markdown link to a draft": (
        {
            "content/articles/billing/fees.md": "---\ntitle: Fees\ndate: 2026-03-02\nstatus: draft\n---\n\nSoon.\n",
            "content/pages/about.md": "---\ntitle: About\n---\n\nOur [fees](../articles/billing/fees.md).\n",
        },
        "content/pages/about.md:5: links to articles/billing/fees.md, "
        "which is not published (status: draft)",
    ),
    "javascript link": (
        {"content/pages/about.md": "---\ntitle: About\n---\n\n[click](javascript:alert(1))\n"},
        "content/pages/about.md:5: javascript: links are not allowed in content",
    ),
    "missing download file": (
        {"content/downloads/tool.md": "---\ntitle: Tool\nversion: '1.0'\nfile: tool-2.sh\n---\n"},
        "content/downloads/tool.md:4: download file 'tool-2.sh' not found: "
        "add it to content/downloads/files/ or fix the name",
    ),
    "download file outside the files folder": (
        {
            "content/downloads/tool.md": "---\ntitle: Tool\nversion: '1.0'\nfile: ../../glossary.yml\n---\n"
        },
        "content/downloads/tool.md:4: 'file' must name a file inside files/, not '../../glossary.yml'",
    ),
    "unquoted version": (
        {"content/downloads/tool.md": "---\ntitle: Tool\nversion: 1.10\nfile: tool.sh\n---\n"},
        "content/downloads/tool.md:3: 'version' must be text: write it in quotes, e.g. \"1.1\"",
    ),
    "glossary syntax error": (
        {"glossary.yml": "- term: SLA\n  definition: Service level agreement\n- term: [oops\n"},
        "glossary.yml:3: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts on line 3)",
    ),
    "glossary duplicate term": (
        {
            "glossary.yml": "- term: SLA\n  definition: A.\n- term: Ticket\n  definition: B.\n- term: sla\n  definition: C.\n"
        },
        "glossary.yml:5: duplicate term 'sla': 'SLA' on line 1 already defines it",
    ),
    "glossary alias colliding": (
        {
            "glossary.yml": "- term: Agent\n  definition: A.\n- term: Operator\n  definition: B.\n  aliases: [agent]\n"
        },
        "glossary.yml:3: duplicate alias 'agent': 'Agent' on line 1 already defines it",
    ),
    "glossary empty definition": (
        {"glossary.yml": "- term: SLA\n  definition: A.\n- term: Ticket\n  definition: '   '\n"},
        "glossary.yml:4: 'Ticket' has an empty definition: write one or two sentences",
    ),
    "glossary entry without term": (
        {"glossary.yml": "- term: SLA\n  definition: A.\n- definition: Orphan.\n"},
        "glossary.yml:3: entry has no 'term:' (a non-empty text)",
    ),
    "glossary not a list": (
        {"glossary.yml": "SLA: Service level agreement\n"},
        "glossary.yml:1: the glossary must be a list of '- term: ...' entries",
    ),
}
