"""A small search index and a built portal's theme context, for pages the ticketapi serves.

Registered as a plugin (tests/conftest.py): the portal's and the settings' tests use them.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from helpdesk import ENGINE_ROOT
from helpdesk.publish import context as portal_context
from helpdesk.publish import settings as portal_settings
from helpdesk.search.indexer import Document, index_documents

DOCUMENTS = [
    Document(
        url="/kb/backup/restore-files/",
        title="Restore files from a snapshot",
        section="article",
        category="backup",
        summary="Bring back deleted files.",
        body="<p>Open the snapshot timeline, pick the day before the files were deleted, "
        "and choose <strong>Restore</strong>.</p>",
    ),
    Document(
        url="/kb/billing/invoices/",
        title="Download invoices",
        section="article",
        category="billing",
        body="<p>Every month we send an invoice by email.</p>",
    ),
    Document(
        url="/kb/backup/odd-file-names/",
        title="Odd characters in file names",
        section="article",
        category="backup",
        # The text (not markup) of this page is hostile: a snippet must show it as text.
        body="<p>A file named &lt;img src=x onerror=alert(1)&gt; is backed up like any other.</p>",
    ),
    Document(
        url="/downloads/exclusions/",
        title="Sample exclusion list",
        section="download",
        body="<p>Patterns that keep caches out of your backups and snapshots.</p>",
    ),
    *(
        Document(
            url=f"/news/maintenance-{day}/",
            title=f"Planned maintenance, March {day}",
            section="news",
            body="<p>The console is down for maintenance; backups keep running.</p>",
            date=f"2026-03-{day:02d}T09:00:00",
        )
        for day in range(1, 24)
    ),
]


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portal-search") / "search-index"
    index_documents(folder, DOCUMENTS)
    return folder


@pytest.fixture(scope="session")
def portal_dir(tmp_path_factory):
    """An output folder holding only what a build writes for the ticketapi's pages."""
    folder = tmp_path_factory.mktemp("portal-output")
    settings = portal_settings.load(ENGINE_ROOT / "pelicanconf.py")
    pages = [SimpleNamespace(title="Contact support", url="contact/")]
    categories = [
        SimpleNamespace(slug="backup", title="Backup & restore", url="kb/backup/"),
        SimpleNamespace(slug="billing", title="Billing", url="kb/billing/"),
    ]
    portal_context.write(portal_context.portal_context(settings, pages, categories), folder)
    return folder
