"""A small portal's pages, for the ticketapi's search tests to index: the search tests' own
pages (tests/search/documents.py) without the invoices, and two of the ticketapi's."""

from __future__ import annotations

from dataclasses import replace

from helpdesk.search.indexer import Document
from tests.search.documents import CONTACT, EXCLUSIONS, MAINTENANCE, RESTORE_FILES, SAML_SETUP

SAML = SAML_SETUP.url
RESTORE = RESTORE_FILES.url

DOCUMENTS = [
    replace(RESTORE_FILES, summary="Bring back deleted files."),
    Document(
        url="/kb/backup/snapshot-schedule/",
        title="Change how often snapshots are taken",
        section="article",
        category="backup",
        body="<p>Each device takes a snapshot every hour; Business plans can take one "
        "every 15 minutes.</p>",
    ),
    Document(
        url="/kb/widgets/embed/",
        title="Embed the status widget",
        section="article",
        category="widgets",
        body="<p>The widget box takes &lt;script&gt;alert(1)&lt;/script&gt; and "
        "&lt;img src=x onerror=alert(2)&gt; as they are.</p>",
    ),
    MAINTENANCE,
    EXCLUSIONS,
    CONTACT,
    SAML_SETUP,
]
