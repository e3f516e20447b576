"""When credentials end: a password change or a deactivation ends every sign-in of the account.

Each account (agent or user) has a `credentials_generation`. A sign-in token records the
generation it was issued under, and a session records it in its stamp (`session_stamp`).
`end_credentials` moves the generation on and revokes the account's token rows, so that

* every token and session from before ends, whichever process serves it next;
* a sign-in that read the account just before the change issues a token that is dead on
  arrival: it carries the old generation;
* reactivating an account revives nothing: revoked rows stay revoked, and the generation
  never goes back.

Browser sessions (the agent pages, issue #14) live on the server (`auth/sessions.py`): each
row records the generation too, and `end_credentials` revokes the account's rows, so those
sessions end with the tokens. A change made from a session keeps that session
(`keep_session_id`), as a change made with a token keeps that token. `session_stamp` and
`session_account` name an account by kind, id and generation, for anything that keeps no
row of its own.
"""

from __future__ import annotations

import hmac
import re
from datetime import datetime

from sqlalchemy import update

from ticketapi.auth import sessions
from ticketapi.auth.models import PasswordReset, Token
from ticketapi.core.ids import in_id_range
from ticketapi.extensions import db
from ticketapi.people.models import Agent, User

_STAMP = re.compile(r"(agent|user):([0-9]{1,10}):([0-9]{1,10})", re.ASCII)
_MODELS: dict[str, type[Agent] | type[User]] = {"agent": Agent, "user": User}


def end_credentials(
    account: Agent | User,
    *,
    now: datetime,
    keep_token_id: int | None = None,
    keep_session_id: int | None = None,
    api_keys: bool = False,
) -> None:
    """End every sign-in of the account but the token `keep_token_id` or the browser session
    `keep_session_id` (API keys too if asked), and its unused password reset links.

    A password change keeps the API keys (admins mint them for integrations, which do not
    sign in with the password); a deactivation ends them (docs/security.md).
    """
    account.credentials_generation = (account.credentials_generation or 0) + 1
    owned = (
        Token.agent_id == account.id if isinstance(account, Agent) else Token.user_id == account.id
    )
    kinds = ("login", "api_key") if api_keys else ("login",)
    revoke = update(Token).where(owned, Token.revoked_at.is_(None), Token.kind.in_(kinds))
    if keep_token_id is not None:
        revoke = revoke.where(Token.id != keep_token_id)
        db.session.execute(
            update(Token)
            .where(owned, Token.id == keep_token_id)
            .values(credentials_generation=account.credentials_generation)
        )
    db.session.execute(revoke.values(revoked_at=now))
    sessions.end_all(account, now=now, keep_session_id=keep_session_id)
    end_reset_links(account, now=now)
    db.session.flush()


def end_reset_links(account: Agent | User, *, now: datetime) -> None:
    """End the account's unused password reset links (a new link, or a password change)."""
    owned = (
        PasswordReset.agent_id == account.id
        if isinstance(account, Agent)
        else PasswordReset.user_id == account.id
    )
    db.session.execute(
        update(PasswordReset)
        .where(owned, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def is_current(token: Token) -> bool:
    """Whether a token's owner still stands behind it: active, and (for a sign-in token) not
    since changed their password."""
    owner = token.owner
    if isinstance(owner, Agent) and not owner.active:
        return False
    return token.kind != "login" or token.credentials_generation == owner.credentials_generation


def session_stamp(account: Agent | User) -> str:
    """What a session keeps to name its account: its kind, id and credentials generation."""
    kind = "agent" if isinstance(account, Agent) else "user"
    return f"{kind}:{account.id}:{account.credentials_generation}"


def session_account(stamp: str) -> Agent | User | None:
    """The account a session's stamp names, or None once its credentials have ended."""
    matched = _STAMP.fullmatch(stamp or "")
    if matched is None:
        return None
    kind, account_id, generation = matched.groups()
    if not in_id_range(int(account_id)):
        return None
    account = db.session.get(_MODELS[kind], int(account_id))
    if account is None or (isinstance(account, Agent) and not account.active):
        return None
    if not hmac.compare_digest(str(account.credentials_generation), generation):
        return None
    return account
