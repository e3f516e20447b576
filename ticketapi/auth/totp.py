"""An agent's optional second step at sign-in: TOTP codes (RFC 6238) and recovery codes.

The secret is made here, shown once as a QR code while the agent sets it up, and stored
encrypted (Fernet, under a key derived from SECRET_KEY: a copy of the database alone reads
no secret; a new SECRET_KEY makes the stored secrets unreadable, and those agents sign in
with a recovery code and set the step up again). It is in use once a code has confirmed
it. A code is accepted once: the step it belongs to is recorded by a conditional UPDATE,
and no code of that step or an earlier one works again. Recovery codes carry 80 random
bits, are shown once, stored as their SHA-256, and each works once.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import UTC, datetime

import pyotp
from sqlalchemy import delete, func, select, update

from ticketapi.auth.links import digest
from ticketapi.auth.models import AgentTotp, RecoveryCode
from ticketapi.core.secrets import decrypt, encrypt
from ticketapi.extensions import db
from ticketapi.people.models import Agent

ISSUER = "Helpdesk"
#: Codes of the step before and after now are accepted too: clocks drift, people are slow.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
# 16 characters of 31 (no 0/o, 1/l/i): about 79 bits, typed in four groups of four.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE = re.compile(r"[0-9]{6}", re.ASCII)


# The key's purpose (core/secrets.py): secrets stored under it stay readable.
SECRET_PURPOSE = b"helpdesk agent totp secret"


def _row(agent: Agent) -> AgentTotp | None:
    return db.session.get(AgentTotp, agent.id)


def is_on(agent: Agent) -> bool:
    """Whether signing in as this agent asks for a code after the password."""
    row = _row(agent)
    return row is not None and row.confirmed_at is not None


def begin(agent: Agent, *, now: datetime) -> str:
    """A new secret for the agent to scan (an unconfirmed one is replaced); returns it."""
    row = _row(agent)
    if row is not None and row.confirmed_at is not None:
        raise ValueError("two-step sign-in is on already")
    secret = pyotp.random_base32()
    encrypted = encrypt(secret, SECRET_PURPOSE)
    if row is None:
        db.session.add(AgentTotp(agent_id=agent.id, secret_encrypted=encrypted, created_at=now))
    else:
        row.secret_encrypted, row.created_at, row.last_step = encrypted, now, 0
    db.session.flush()
    return secret


def pending_secret(agent: Agent) -> str | None:
    """The secret being set up (not yet confirmed), to show its QR code again; else None."""
    row = _row(agent)
    if row is None or row.confirmed_at is not None:
        return None
    return _secret(row)


def provisioning_uri(agent: Agent, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=agent.email, issuer_name=ISSUER)


def confirm(agent: Agent, code: str, *, now: datetime) -> list[str] | None:
    """Turn the step on with a first code; the recovery codes (shown once), or None when the
    code is wrong."""
    row = _row(agent)
    if row is None or row.confirmed_at is not None or not _accept(row, code, now):
        return None
    row.confirmed_at = now
    return new_recovery_codes(agent, now=now)


def check(agent: Agent, code: str, *, now: datetime) -> bool:
    """Whether the code is good for this agent now, and never used before (it is used up)."""
    row = _row(agent)
    return row is not None and row.confirmed_at is not None and _accept(row, code, now)


def _accept(row: AgentTotp, code: str, now: datetime) -> bool:
    code = "".join(code.split())
    if not _CODE.fullmatch(code):
        return False
    secret = _secret(row)
    if secret is None:
        return False
    generator = pyotp.TOTP(secret)
    current = generator.timecode(now.replace(tzinfo=UTC))
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(generator.generate_otp(step), code):
            # Of two sign-ins with one code (or a code and an older one), one wins.
            used = db.session.execute(
                update(AgentTotp)
                .where(AgentTotp.agent_id == row.agent_id, AgentTotp.last_step < step)
                .values(last_step=step)
                .execution_options(synchronize_session=False)
            )
            if used.rowcount == 1:
                row.last_step = step
                return True
            return False
    return False


def _secret(row: AgentTotp) -> str | None:
    return decrypt(row.secret_encrypted, SECRET_PURPOSE)  # None: another SECRET_KEY


def new_recovery_codes(agent: Agent, *, now: datetime) -> list[str]:
    """Ten new recovery codes (the old ones end); the plain codes are returned only here."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.agent_id == agent.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        plain = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(plain[i : i + 4] for i in range(0, 16, 4)))
        db.session.add(RecoveryCode(agent_id=agent.id, code_hash=digest(plain), created_at=now))
    db.session.flush()
    return codes


def use_recovery_code(agent: Agent, code: str, *, now: datetime) -> bool:
    """Whether the code is one of the agent's unused recovery codes; it is used up."""
    plain = re.sub(r"[\s-]", "", code).lower()
    if len(plain) != 16 or not is_on(agent):
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.agent_id == agent.id,
            RecoveryCode.code_hash == digest(plain),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def recovery_codes_left(agent: Agent) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.agent_id == agent.id, RecoveryCode.used_at.is_(None))
    )


def turn_off(agent: Agent) -> None:
    """Sign-in asks for the password only again; the secret and recovery codes are deleted."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.agent_id == agent.id))
    db.session.execute(delete(AgentTotp).where(AgentTotp.agent_id == agent.id))
