"""What every portal page sends to keep untrusted text inert, and the form posts' CSRF check."""

from __future__ import annotations

from flask import Response
from flask_wtf.csrf import CSRFError

from ticketapi.extensions import csrf

#: Our own files only, and no inline script or style: text someone typed can never run,
#: even if it escaped the templates' escaping. Data reaches scripts in data- attributes.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
#: The same, with remote images allowed: for agent pages showing mail, whose remote images
#: are kept as data-src (inbound/html_mail.py) until an agent asks for them. Only a script
#: of ours sets their src; the sanitizer drops any other remote src.
REMOTE_IMAGES_POLICY = CONTENT_SECURITY_POLICY.replace(
    "img-src 'self' data:", "img-src 'self' data: https: http:"
)
FORM_EXPIRED = (
    "We could not accept this form: it was open too long, or it was not sent from this "
    "site. Nothing was submitted. Your text is still here: check it and send it again."
)


def page_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    # frame-ancestors 'none' says the same to browsers that read the policy.
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def form_is_genuine() -> bool:
    """Whether this form post carries the CSRF token of this browser's session."""
    try:
        csrf.protect()
    except CSRFError:
        return False
    return True
