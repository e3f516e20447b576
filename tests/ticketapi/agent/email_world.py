"""Mail for the email admin pages' tests: an account, messages filed, held and hostile."""

from __future__ import annotations

from tests.ticketapi.agent.hostile import VECTORS
from tests.ticketapi.inbound.mails import ACCOUNT, mail
from ticketapi.extensions import db
from ticketapi.inbound.filing import file_stored
from ticketapi.inbound.models import EmailAccount, InboundMessage
from ticketapi.inbound.store import store_raw
from ticketapi.timeutil import utcnow

TRACKER = "http://tracker.example/pixel.png"
HOSTILE_HTML = f'<p>Hello</p><p><img src="{TRACKER}" alt="pixel"></p>' + "".join(VECTORS)


def account(team=None) -> EmailAccount:
    row = EmailAccount(address=ACCOUNT, name="Tidewater Help", team_id=team.id if team else None)
    db.session.add(row)
    db.session.commit()
    return row


def filed(inbox_account: EmailAccount, raw: bytes) -> InboundMessage:
    """Stored and filed at once, as the job would."""
    row = store_raw(inbox_account, raw, now=utcnow(), source="ingest")
    file_stored(row.id, now=utcnow())
    return db.session.get(InboundMessage, row.id)


def held(inbox_account: EmailAccount, raw: bytes, reason="Not filed: a test.") -> InboundMessage:
    """Stored and quarantined before its job ran (the job then finds it handled)."""
    row = store_raw(inbox_account, raw, now=utcnow(), source="smtp")
    row.state, row.reason = "quarantined", reason
    db.session.commit()
    return row


def hostile_mail(message_id: str = "<evil@evil.example>") -> bytes:
    """Every vector in the subject, the sender's name and the HTML, and a tracking pixel."""
    return mail(
        sender=f'"{VECTORS[1][:60]}" <mallory@evil.example>',
        subject=VECTORS[0] + " " + VECTORS[8],
        text="\n".join(VECTORS),
        html=HOSTILE_HTML,
        message_id=message_id,
    )
