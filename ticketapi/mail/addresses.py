"""What may go into a message's headers: plain addresses, the sender, extra header lines."""

from __future__ import annotations

import re
from email import errors, policy
from email.headerregistry import Address

# CR and LF would start a header of the attacker's own; the other control characters are
# line breaks to str.splitlines(), which the email package folds with.
UNSAFE_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
HEADER_NAME = re.compile(r"[!-9;-~]+")  # printable ASCII but the colon (RFC 5322)
# Headers queue_mail sets from its own arguments, or the email package from the content.
RESERVED_HEADERS = frozenset(
    {
        "from",
        "sender",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "subject",
        "date",
        "message-id",
        "return-path",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
    }
)


def check_header_value(name: str, value: str) -> str:
    """Refuse a header value that could end its line (header injection)."""
    if not isinstance(value, str):
        raise ValueError(f"The {name} header must be text, not {type(value).__name__}.")
    _refuse_line_breaks(f"The {name} header", value)
    return value


def _refuse_line_breaks(label: str, value: str) -> None:
    if UNSAFE_CHARACTERS.search(value):
        raise ValueError(
            f"{label} contains a line break or control character: refused, "
            "as it could add headers of its own (header injection)."
        )


def check_extra_headers(headers: dict[str, str]) -> dict[str, str]:
    """Check the caller's extra headers: valid names, none set elsewhere, safe values."""
    seen: set[str] = set()
    for name, value in headers.items():
        if not isinstance(name, str) or not HEADER_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a header name (printable ASCII, no colon).")
        if name.lower() in RESERVED_HEADERS:
            raise ValueError(
                f"The {name} header is set by queue_mail from its own arguments "
                "(the Message-ID is made once and returned)."
            )
        if name.lower() in seen:
            raise ValueError(f"The {name} header is given twice.")
        seen.add(name.lower())
        check_header_value(name, value)
    return dict(headers)


def plain_address(value: str, what: str = "address") -> str:
    """Return `value` as a plain address (`name@domain`, IDN domains in ASCII), or refuse it."""
    if not isinstance(value, str):
        raise ValueError(f"The {what} must be text, not {type(value).__name__}.")
    _refuse_line_breaks(f"The {what} {value!r}", value)
    text = value.strip()
    if "@" not in text:
        raise ValueError(f"The {what} {value!r} is not an email address: it has no @.")
    try:
        address = Address(addr_spec=text)
    except (errors.HeaderParseError, errors.MessageError, ValueError, IndexError) as exc:
        if not text.partition("@")[0].isascii():
            reason = "letters outside ASCII before the @ need SMTPUTF8, which is not supported"
        else:
            reason = "a single address such as name@example.com is expected"
        raise ValueError(f"The {what} {value!r} is not an email address: {reason}.") from exc
    if not address.username or not address.domain:
        raise ValueError(f"The {what} {value!r} is not an email address: name@domain expected.")
    try:
        domain = address.domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"The {what} {value!r} has a domain that cannot be encoded.") from exc
    return Address(username=address.username, domain=domain).addr_spec


def sender_address(value: str) -> Address:
    """Parse the From address (`Name <name@domain>` or `name@domain`), or refuse it."""
    _refuse_line_breaks(f"The sender {value!r}", value)
    header = policy.SMTP.header_factory("From", value)
    if header.defects or len(header.addresses) != 1:
        raise ValueError(f"{value!r} is not one address such as 'Helpdesk <help@example.com>'.")
    (address,) = header.addresses
    if not address.username or not address.domain:
        raise ValueError(f"{value!r} has no domain: 'Helpdesk <help@example.com>' is expected.")
    return Address(address.display_name, addr_spec=plain_address(address.addr_spec, "From"))
