"""Small hand-written pages of a site, for the search tests to index."""

from __future__ import annotations

from helpdesk.search.indexer import Document

RESTORE_FILES = Document(
    url="/kb/backup/restore-files/",
    title="Restore files from a snapshot",
    section="article",
    category="backup",
    tags=("restore", "snapshots"),
    summary="Bring back <em>deleted</em> files.",
    body="<p>Open the snapshot timeline, pick the day before the files were deleted, "
    "and choose <strong>Restore</strong>. Restored files keep their folders.</p>",
    date="2026-04-12T00:00:00",
)
INVOICES = Document(
    url="/kb/billing/invoices/",
    title="Download invoices and receipts",
    section="article",
    category="billing",
    tags=("billing", "invoices"),
    summary="Find every invoice.",
    body="<p>Every month we send an invoice by email. Receipts are in the console; "
    "you can forward them to your accountant.</p>",
)
MAINTENANCE = Document(
    url="/news/maintenance/",
    title="Planned maintenance",
    section="news",
    body="<p>The console is down for maintenance on Sunday; backups keep running and "
    "no snapshot is lost.</p>",
)
EXCLUSIONS = Document(
    url="/downloads/exclusions/",
    title="Sample exclusion list",
    section="download",
    body="<p>Patterns that keep caches out of your backups.</p>",
)
CONTACT = Document(
    url="/contact/",
    title="Contact support",
    section="page",
    body="<p>Submit a ticket any time; support hours are on this page.</p>",
)
SAML_SETUP = Document(
    url="/portal/kb/security/saml/",
    title="Set up single sign-on with SAML",
    section="article",
    category="security",
    tags=("sso", "saml"),
    body="<p>Connect your identity provider. Federation metadata lives in the "
    "administrators' console.</p>",
    usergroups=("Administrators",),
)

DOCUMENTS = [RESTORE_FILES, INVOICES, MAINTENANCE, EXCLUSIONS, CONTACT, SAML_SETUP]
