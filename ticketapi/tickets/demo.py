"""The demo's tickets for Tidewater: each opened, triaged and answered as it would have been.

Loaded by `ticketapi.demo.load` (inside `quiet()`: the history is invented, nobody is told);
a ticket whose subject is there already is left alone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from ticketapi.extensions import db
from ticketapi.people import services as people
from ticketapi.people.models import Agent, Team, User
from ticketapi.tickets import conversation, services
from ticketapi.tickets.models import Ticket

ADMIN_EMAIL = "admin@tidewater.example"
HELP_CENTRE = "https://help.tidewater.example"

# "talk": the requester's first message, then "agent:", "note:" or "user:" lines.
TICKETS: list[dict[str, Any]] = [
    {
        "subject": "Backups paused: storage quota reached (TW-4001)",
        "user": "ben@brightwater-dental.example",
        "source": "portal",
        "team": "Support",
        "status": "awaiting_agent",
        "urgency": 7,
        "labels": ["storage-quota", "backup"],
        "followers": ["meg@tidewater.example"],
        "talk": [
            "Since this morning every computer in the practice shows TW-4001 “Storage quota "
            "reached”, and the last backup ran at 07:10. We're on Starter (1 TB). I think it's "
            "the X-ray imaging folder we added to the reception PC's backup set last week. Are "
            "our existing backups safe, and what's the quickest way to get them running again?",
        ],
    },
    {
        "subject": "Shared “Clients” sync folder stuck on Uploading",
        "user": "noah@harbour-design.example",
        "source": "email",
        "agent": "sam@tidewater.example",
        "team": "Support",
        "status": "awaiting_user",
        "urgency": 5,
        "labels": ["sync", "desktop-app"],
        "talk": [
            "Since Monday the Clients sync folder on my iMac shows blue arrows and “Uploading 3 "
            "files” in Sync activity, and Lena can't see this week's mock-ups on her laptop. "
            "Desktop app 5.4.2 on macOS 14. Quitting and reopening the app didn't help.",
            "agent:Thanks for the details, Noah. Files that never finish uploading are usually "
            "open in another app (Sync activity then says “Waiting for 1 file to close”) or are "
            "placeholders from another sync tool. Could you quit InDesign and Illustrator for a "
            "minute and see whether the count drops? If it doesn't, please attach a diagnostic "
            "log bundle: click the Tidewater icon, then Help > Collect diagnostic logs > Create "
            f"bundle. The steps are in {HELP_CENTRE}/kb/troubleshooting/collect-diagnostic-logs/",
        ],
    },
    {
        "subject": "November invoice bills 27 seats, we have 22 people",
        "user": "maria@harbour-design.example",
        "source": "email",
        "agent": "meg@tidewater.example",
        "team": "Billing",
        "status": "pending",
        "urgency": 4,
        "labels": ["invoice", "seats"],
        "cc": ["accounts@harbour-design.example"],
        "talk": [
            "Our November invoice, TW-2026-005212, charges for 27 Business seats, but only 22 "
            "people work at Harbour Design. Could you correct it? I've copied our accounts "
            "address.",
            "note:Team > Members shows 22 active members and 5 invitations from 2 October that "
            "were never accepted. Invited seats are billed (see "
            "/kb/accounts-billing/add-team-members/), so the invoice is right by the rules. "
            "Asked Finance for a one-off credit note for the 5 seats; waiting on them.",
            "agent:You're right that 22 people are active: the other 5 seats are invitations "
            "from early October that nobody accepted, and an invited seat is billed until it is "
            "removed. You can remove them in the web console under Team > Members. As a one-off, "
            "I've asked our finance team to credit those 5 seats on the November invoice; the "
            "credit note will reach accounts@harbour-design.example within 3 business days.",
        ],
    },
    {
        "subject": "Restore the deleted “Patient letters 2026” folder",
        "user": "ann@brightwater-dental.example",
        "source": "portal",
        "agent": "sam@tidewater.example",
        "team": "Support",
        "status": "resolved",
        "urgency": 8,
        "labels": ["restore"],
        "talk": [
            "A receptionist deleted the “Patient letters 2026” folder from our Practice sync "
            "folder on Friday afternoon, and now it's gone on every computer. We need those "
            "letters. Can you get them back?",
            "agent:Don't worry, Ann: nothing is lost. A sync folder copies deletions to every "
            "device, but your snapshots still hold the folder. On the reception PC, click the "
            "Tidewater icon, then Restore. Pick a restore point from Friday morning on the "
            "timeline, tick “Patient letters 2026”, choose Restore to > Another folder and click "
            "Restore. Check the letters there, then move them back into the sync folder. Step by "
            f"step: {HELP_CENTRE}/kb/backup-restore/restore-files-from-a-snapshot/",
            "user:Restored 412 files from Friday's 09:00 snapshot and they're all there. Thank "
            "you so much!",
        ],
    },
    {
        "subject": "Teacher's laptop stolen: lock it out of our workspace",
        "user": "cleo@saltmarsh-school.example",
        "source": "agent",
        "agent": "priya@tidewater.example",
        "team": "Security",
        "status": "awaiting_agent",
        "urgency": 9,
        "labels": ["lost-device", "security"],
        "cc": ["head@saltmarsh-school.example"],
        "talk": [
            "As discussed on the phone: a teacher's laptop, SALTMARSH-T14, was stolen from her "
            "car last night. It was signed in to Tidewater with the Year 6 sync folder. Please "
            "make sure nobody can use it to reach the school's files, and tell us how to put her "
            "files on the replacement laptop when it arrives.",
            "note:Walked Cleo through removing SALTMARSH-T14 under Settings > Devices at 08:40: "
            "if it comes online it gets TW-1002 and stops syncing. Audit log: no activity from "
            "that device since 17:55 yesterday. No private encryption key on this workspace; "
            "Cleo says BitLocker was on. Still to send: the restore steps for the new laptop.",
        ],
    },
    {
        "subject": "Reset two-step verification: lost phone, no recovery codes",
        "user": "dev@gmail.example",
        "source": "email",
        "agent": "priya@tidewater.example",
        "team": "Security",
        "status": "awaiting_agent",
        "urgency": 8,
        "labels": ["two-step-verification", "sign-in"],
        "talk": [
            "My phone was stolen on holiday, and my authenticator app with it. I'm the only "
            "owner of my workspace and I never saved the recovery codes, so I can't sign in to "
            "the web console. The photo backups on my laptop are still running. Please help!",
            "agent:Sorry to hear that, Dev. As you're the only owner of the workspace, we verify "
            "your identity before we remove two-step verification, so nobody can take over your "
            "backups by pretending to be you. Please reply from this address with the number of "
            "your latest Tidewater invoice, the last four digits of the card it was paid with and "
            "the name of one of your backup sets. Never send us your password.",
            "note:Identity check as in the runbook: invoice number and card digits must match "
            "Billing, then a second Security agent approves the reset. Up to two business days.",
            "user:My latest invoice is TW-2026-005377, paid with the card ending 4417. My backup "
            "set is called “Photo archive”.",
        ],
    },
    {
        "subject": "SSO test sign-in fails with “Audience mismatch”",
        "user": "lena@harbour-design.example",
        "source": "chat",
        "agent": "rio@tidewater.example",
        "team": "Onboarding",
        "status": "awaiting_user",
        "urgency": 5,
        "labels": ["sso", "onboarding"],
        "talk": [
            "We're connecting Microsoft Entra ID to our workspace with SAML. Our domain is "
            "verified and we're on Business, but the test account gets “Audience mismatch” "
            "after Continue with SSO.",
            "agent:Hi Lena, that message means the Entity ID in Entra ID doesn't match ours "
            "exactly. In the web console, open Settings > Security > Single sign-on, click Copy "
            "next to the Entity ID (it ends in your workspace id) and paste it over the "
            "Identifier in Entra ID; watch out for a trailing slash. Then test again in a "
            "private window, and leave Require SSO for all members off until it works. The "
            f"guide for administrators: {HELP_CENTRE}/portal/kb/security-admin/"
            "single-sign-on-with-saml/",
        ],
    },
    {
        # The admin's own queue (README: "your queue") is not empty.
        "subject": "Purchase order number on our invoices",
        "user": "cleo@saltmarsh-school.example",
        "source": "email",
        "agent": ADMIN_EMAIL,
        "team": "Billing",
        "status": "awaiting_agent",
        "urgency": 4,
        "labels": [],
        "talk": [
            "The council's finance office now needs our purchase order number, PO-58213, on "
            "every Tidewater invoice, or they can't pay it. Could you add it from the next "
            "invoice on?",
        ],
    },
]


def load(now) -> int:
    admin = people.agent_actor(_agent(ADMIN_EMAIL))
    added = 0
    for index, spec in enumerate(TICKETS):
        subject = spec["subject"]
        if db.session.scalar(select(Ticket.id).where(Ticket.subject == subject)) is not None:
            continue
        opened = now - timedelta(days=len(TICKETS) - index, hours=index)
        user = people.find_user(spec["user"])
        talk = spec["talk"]
        ticket = services.open_ticket(
            admin,
            {"subject": subject, "message": talk[0], "user_id": user.id, "source": spec["source"],
             "urgency": spec["urgency"], "cc": spec.get("cc", [])},
            now=opened,
        )  # fmt: skip
        db.session.flush()
        # Triage a quarter of an hour later: labels, the team and agent, followers.
        triage: dict[str, Any] = {"labels": spec["labels"]}
        if spec.get("agent"):
            triage["agent_id"] = _agent(spec["agent"]).id
        if spec.get("team"):
            triage["team_id"] = db.session.scalar(select(Team.id).where(Team.name == spec["team"]))
        if spec.get("followers"):
            triage["followers"] = [_agent(email).id for email in spec["followers"]]
        services.update_ticket(
            admin, ticket.id, triage, version=ticket.version, now=opened + timedelta(minutes=15)
        )
        _converse(ticket, user, spec.get("agent"), talk[1:], opened)
        db.session.flush()
        services.update_ticket(
            admin,
            ticket.id,
            {"status": spec["status"]},
            version=ticket.version,
            now=opened + timedelta(hours=len(talk)),
        )
        added += 1
    return added


def _converse(ticket: Ticket, user: User, agent_email, lines, opened) -> None:
    agent = _agent(agent_email or ADMIN_EMAIL)
    for step, line in enumerate(lines, start=1):
        kind, _, text = line.partition(":")
        author = people.user_actor(user) if kind == "user" else people.agent_actor(agent)
        conversation.post_message(
            author, ticket.id, body=text, note=kind == "note", now=opened + timedelta(hours=step)
        )


def _agent(email: str) -> Agent | None:
    return db.session.scalar(select(Agent).where(Agent.email == email))
