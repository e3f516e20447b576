"""Our own Message-IDs: each names its ticket and is signed, so nobody can forge one.

`<hd.K7QF-M2XP.3f9a0c1b2d4e5f60.<signature>@domain>`: the ticket's reference, a random
part, and an HMAC of both under a key derived from SECRET_KEY (core/secrets.py), cut to
80 bits. A reply whose In-Reply-To or References holds one of these was written to mail we
sent about that ticket; a stranger who knows a reference cannot make one. The thread's root
(`thread_id`) has the random part `thread`, so every mail about a ticket can name it. The
check ignores case (a few mail systems change it) and the domain (MAIL_FROM may change).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from ticketapi.core.secrets import derived_key

PURPOSE = b"helpdesk message-id signature"
SIGNATURE_CHARS = 16  # of base32: 80 bits
THREAD = "thread"
SIGNED = re.compile(
    r"<?\s*hd\.(?P<ref>[A-Za-z0-9-]{1,20})\.(?P<nonce>[a-z0-9]{1,32})\."
    r"(?P<signature>[a-z2-7]{16})@[^<>\s@]+\s*>?",
    re.IGNORECASE,
)
# Any Message-ID in a header: In-Reply-To and References hold several, with comments and
# folding between them.
ANY_ID = re.compile(r"<([^<>\s]{1,995})>")


def _signature(ref: str, nonce: str) -> str:
    digest = hmac.new(derived_key(PURPOSE), f"{ref}.{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:SIGNATURE_CHARS].lower()


def _signed(ref: str, nonce: str, domain: str) -> str:
    ref = ref.upper()
    return f"<hd.{ref}.{nonce}.{_signature(ref, nonce)}@{domain}>"


def new_message_id(ref: str, domain: str) -> str:
    """A fresh Message-ID for a mail about ticket `ref`, sent from `domain`."""
    return _signed(ref, secrets.token_hex(5), domain)


def thread_id(ref: str, domain: str) -> str:
    """The Message-ID every mail about ticket `ref` names as its thread's root."""
    return _signed(ref, THREAD, domain)


def signed_ref(message_id: str) -> str | None:
    """The ticket reference of one of our own Message-IDs; None for any other or a forgery."""
    match = SIGNED.fullmatch(message_id.strip())
    if match is None:
        return None
    ref, nonce = match["ref"].upper(), match["nonce"].lower()
    if hmac.compare_digest(_signature(ref, nonce), match["signature"].lower()):
        return ref
    return None


def ids_in(header_value: str | None) -> list[str]:
    """The Message-IDs of an In-Reply-To or References value, in order, once each."""
    if not header_value:
        return []
    return list(dict.fromkeys(f"<{found}>" for found in ANY_ID.findall(header_value)))
