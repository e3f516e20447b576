"""Demo snippets for Tidewater, the backup and sync service of the demo portal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ticketapi.extensions import db
from ticketapi.people.models import Agent
from ticketapi.snippets.models import Snippet, SnippetTag

ADMIN_EMAIL = "admin@tidewater.example"
SAM_EMAIL = "sam@tidewater.example"
# The public help centre: its articles live at /kb/<category>/<slug>/.
HELP_CENTRE = "https://help.tidewater.example"

# (title, category, tags, body): shared by every agent.
SHARED = [
    (
        "Greeting",
        "General",
        ["opening"],
        "Hi {{ user.first_name|default('there', true) }},\n\n"
        "Thanks for contacting Tidewater Support about “{{ ticket.subject }}”.\n",
    ),
    (
        "Restore a previous version",
        "Backup & restore",
        ["restore", "snapshots"],
        "Good news: as long as a snapshot from before the change still exists, nothing is "
        "lost, even for files deleted from a sync folder. To bring them back:\n\n"
        "1. Click the Tidewater icon, then Restore.\n"
        "2. Choose the backup set and pick a restore point on the timeline from before the "
        "files were deleted or overwritten.\n"
        "3. Tick the files or folders, choose Restore to > Another folder and click "
        "Restore.\n\n"
        "Restoring to another folder first lets you check the files before you replace "
        "anything. The full steps, also for the web console and the tide tool, are in our help "
        f"centre: {HELP_CENTRE}/kb/backup-restore/restore-files-from-a-snapshot/\n",
    ),
    (
        "Diagnostic logs, please",
        "Troubleshooting",
        ["logs", "troubleshooting"],
        "So we can see what happened on the device, please attach a diagnostic log bundle to "
        "ticket {{ ticket.ref }}: click the Tidewater icon, then Help > Collect diagnostic "
        "logs and Create bundle. On a server, run “tide logs collect”. The bundle holds "
        "logs and settings, never the contents of your files, your password or your private "
        "encryption key. More in "
        f"{HELP_CENTRE}/kb/troubleshooting/collect-diagnostic-logs/\n",
    ),
    (
        "Storage quota reached",
        "Billing",
        ["storage-quota", "plans"],
        "{% if organization.name %}{{ organization.name }}'s workspace{% else %}Your "
        "workspace{% endif %} has used all of its storage quota, so new backups and uploads "
        "are paused (error TW-4001). Nothing has been deleted: your snapshots are safe and "
        "restores keep working. To get backups running again, exclude data you never need to "
        "restore, shorten a retention policy, or move to a bigger plan in Billing > Plans; "
        "backups resume within about 15 minutes. The options are compared in "
        f"{HELP_CENTRE}/kb/accounts-billing/plans-and-storage-quotas/\n",
    ),
    (
        "Identity check before a two-step verification reset",
        "Security",
        ["two-step-verification", "sign-in"],
        "To protect your backups, we check the identity of everyone who asks us to remove "
        "two-step verification. Please reply from {{ user.email }} with:\n\n"
        "- the number of your latest Tidewater invoice,\n"
        "- the last four digits of the card it was paid with,\n"
        "- the name of one backup set in your workspace.\n\n"
        "Never send us your password or recovery codes. Once a second agent has approved the "
        "check, we remove two-step verification within two business days.\n",
    ),
    (
        "Closing",
        "General",
        ["closing"],
        "If anything else comes up, just reply to this email: it reaches us under ticket "
        "{{ ticket.ref }}.\n\nKind regards,\n{{ agent.name }}\nTidewater Support\n",
    ),
]

# (title, category, tags, body): Sam's own.
SAM_PERSONAL = [
    (
        "Sync stuck on Uploading: first checks",
        "Sync & sharing",
        ["sync", "troubleshooting"],
        "Hi {{ user.first_name }}, a sync folder that stays on “Uploading” is nearly always "
        "one of these:\n\n"
        "1. A file is open in another app: Sync activity says “Waiting for 1 file to close”. "
        "Close the app.\n"
        "2. The folder was moved or is on a disconnected drive (TW-6004): choose Locate "
        "folder in Settings > Sync.\n"
        "3. A sync conflict waits for you: look for the orange triangle and keep the right "
        f"version ({HELP_CENTRE}/kb/sync-sharing/resolve-sync-conflicts/).\n"
        "4. A tight upload limit for this network under Settings > Network.\n\n"
        "Tell me which one it was, or send me a diagnostic log bundle if none fits.\n",
    ),
]


def load(now: datetime) -> int:
    """Add the demo snippets that are missing; return how many were added."""
    admin = _agent(ADMIN_EMAIL)
    sam = _agent(SAM_EMAIL)
    added = 0
    for title, category, tags, body in SHARED:
        if _exists(title, shared=True, owner=None):
            continue
        db.session.add(_snippet(title, category, tags, body, admin, shared=True, now=now))
        added += 1
    if sam is not None:
        for title, category, tags, body in SAM_PERSONAL:
            if _exists(title, shared=False, owner=sam):
                continue
            db.session.add(_snippet(title, category, tags, body, sam, shared=False, now=now))
            added += 1
    db.session.flush()
    return added


def _agent(email: str) -> Agent | None:
    return db.session.scalar(select(Agent).where(Agent.email == email))


def _exists(title: str, *, shared: bool, owner: Agent | None) -> bool:
    query = select(Snippet.id).where(Snippet.title == title, Snippet.shared == shared)
    if owner is not None:
        query = query.where(Snippet.owner_id == owner.id)
    return db.session.scalar(query.limit(1)) is not None


def _snippet(title, category, tags, body, owner, *, shared: bool, now: datetime) -> Snippet:
    return Snippet(
        title=title,
        body=body,
        category=category,
        shared=shared,
        owner_id=owner.id if owner else None,
        tag_rows=[SnippetTag(name=tag) for tag in tags],
        created_at=now,
        updated_at=now,
    )
