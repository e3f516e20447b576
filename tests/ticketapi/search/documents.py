"""A small portal's pages, for the ticketapi's search tests to index."""

from __future__ import annotations

from helpdesk.search.indexer import Document

SAML = "/portal/kb/security/saml/"
RESTORE = "/kb/backup/restore-files/"

DOCUMENTS = [
    Document(
        url=RESTORE,
        title="Restore files from a snapshot",
        section="article",
        category="backup",
        tags=("restore", "snapshots"),
        summary="Bring back deleted files.",
        body="<p>Open the snapshot timeline, pick the day before the files were deleted, "
        "and choose <strong>Restore</strong>. Restored files keep their folders.</p>",
        date="2026-04-12T00:00:00",
    ),
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
    Document(
        url="/news/maintenance/",
        title="Planned maintenance",
        section="news",
        body="<p>The console is down for maintenance on Sunday; backups keep running and "
        "no snapshot is lost.</p>",
    ),
    Document(
        url="/downloads/exclusions/",
        title="Sample exclusion list",
        section="download",
        body="<p>Patterns that keep caches out of your backups.</p>",
    ),
    Document(
        url="/contact/",
        title="Contact support",
        section="page",
        body="<p>Submit a ticket any time; support hours are on this page.</p>",
    ),
    Document(
        url=SAML,
        title="Set up single sign-on with SAML",
        section="article",
        category="security",
        tags=("sso", "saml"),
        body="<p>Connect your identity provider. Federation metadata lives in the "
        "administrators' console.</p>",
        usergroups=("Administrators",),
    ),
]
