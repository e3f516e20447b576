"""Hostile and odd messages, built here: each with the state it must end in and, where it
matters, what must be true of what was filed."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from tests.ticketapi.inbound.mails import ACCOUNT, mail, raw

HEAD = f"From: Ann Lee <ann@acme.example>\nTo: {ACCOUNT}\nDate: Thu, 3 Dec 2026 09:30:00 +0000\n"
MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    state: str  # filed, quarantined, ignored
    # (filed) what must hold: given the shown body, body_html, attachments and the ticket.
    check: Callable | None = None


def message(headers: str, body: str | bytes = "Hello", *, head: str = HEAD) -> bytes:
    top = (head + headers.strip("\n") + "\n\n").encode()
    return raw(top + (body.encode() if isinstance(body, str) else body))


def text_in(*expected: str) -> Callable:
    def check(shown):
        for value in expected:
            assert value in shown.body, (value, shown.body[:500])

    return check


def subject_is(expected: str) -> Callable:
    def check(shown):
        assert shown.ticket.subject == expected, shown.ticket.subject

    return check


def files(*names: str) -> Callable:
    def check(shown):
        assert sorted(a.filename for a in shown.attachments) == sorted(names)

    return check


def served_as(*expected: tuple[str, str]) -> Callable:
    def check(shown):
        found = [(a.filename, a.content_type) for a in shown.attachments]
        assert found == list(expected), found

    return check


def html_has(*expected: str, absent: tuple[str, ...] = ()) -> Callable:
    def check(shown):
        for value in expected:
            assert value in shown.body_html, (value, shown.body_html)
        for value in absent:
            assert value not in shown.body_html, (value, shown.body_html)

    return check


def both(*checks: Callable) -> Callable:
    def check(shown):
        for each in checks:
            each(shown)

    return check


def nested(depth: int) -> bytes:
    body, boundary = "the middle", None
    for level in range(depth):
        boundary = f"b{level}"
        inner = f"Content-Type: text/plain\n\n{body}" if level == 0 else body
        body = f"Content-Type: multipart/mixed; boundary={boundary}\n\n--{boundary}\n{inner}\n--{boundary}--\n"
    headers, _, rest = body.partition("\n\n")
    return message("Subject: Nested\nMIME-Version: 1.0\n" + headers, rest)


def many_parts(count: int) -> bytes:
    parts = "".join(f"--P\nContent-Type: text/plain\n\npart {n}\n" for n in range(count))
    return message("Subject: Parts\nContent-Type: multipart/mixed; boundary=P", parts + "--P--\n")


def attachment(name_header: str, data: bytes, content_type: str = "application/octet-stream"):
    encoded = base64.encodebytes(data).decode()
    return message(
        "Subject: A file\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=F",
        "--F\nContent-Type: text/plain\n\nSee attached.\n"
        f"--F\nContent-Type: {content_type}\n{name_header}\nContent-Transfer-Encoding: base64\n\n"
        f"{encoded}\n--F--\n",
    )


def html_mail(markup: str, subject: str = "HTML") -> bytes:
    return mail(subject=subject, text=None, html=markup, message_id=None)


def alternative(html: str) -> bytes:
    return mail(text="The text part.", html=html, message_id=None)


# A table, one message a row: kept unwrapped so that each case reads on its line.
# fmt: off
CASES = [
    # Broken MIME
    Case("multipart-without-boundary", message("Subject: x\nContent-Type: multipart/mixed", "just text"), "filed"),
    Case("boundary-never-closed", message("Subject: x\nContent-Type: multipart/mixed; boundary=Z", "--Z\nContent-Type: text/plain\n\nopen ended"), "filed", text_in("open ended")),
    Case("boundary-absent-from-body", message("Subject: x\nContent-Type: multipart/alternative; boundary=Q", "no parts here"), "filed"),
    Case("inner-boundary-same-as-outer", message("Subject: x\nContent-Type: multipart/mixed; boundary=S", "--S\nContent-Type: multipart/alternative; boundary=S\n\n--S\nContent-Type: text/plain\n\ninner\n--S--\n--S--\n"), "filed"),
    Case("base64-garbage", message("Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64", "!!!! not base64 ????"), "filed"),
    Case("base64-without-padding", message("Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64", "SGVsbG8gd29ybGQ"), "filed", text_in("Hello world")),
    Case("quoted-printable-bad-escapes", message("Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable", "caf=ZZ and =E9 and =\n"), "filed", text_in("caf=ZZ")),
    Case("unknown-transfer-encoding", message("Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: x-uuencode", "begin 644 x\n`\nend"), "filed"),
    Case("content-type-garbage", message("Subject: x\nContent-Type: text/", "garbled type"), "filed", text_in("garbled type")),
    Case("content-type-without-slash", message("Subject: x\nContent-Type: texthtml", "<b>bold?</b>"), "filed"),
    Case("header-lines-without-colon", message("Subject: x\nthis is not a header\nX-Ok: yes", "body after junk"), "filed"),
    Case("headers-only", raw(HEAD + "Subject: Nothing else\n"), "filed", text_in("(The mail has no text.)")),
    Case("empty", b"", "quarantined"),
    Case("whitespace-only", b"\r\n \r\n\t\r\n", "quarantined"),
    Case("random-binary", bytes(range(256)) * 40, "quarantined"),
    Case("nul-bytes-in-body", message("Subject: NUL\x00here", b"before\x00after"), "filed", both(text_in("before\ufffdafter"), subject_is("NUL here"))),
    Case("lf-only-line-ends", (HEAD + "Subject: LF\n\nunix\nlines\n").encode(), "filed", text_in("unix\nlines")),
    Case("one-megabyte-line", message("Subject: Long line", "x" * MB), "filed", text_in("The rest is in the original mail")),
    # Charsets
    Case("latin-1-declared", message("Subject: x\nContent-Type: text/plain; charset=iso-8859-1", "caf\xe9".encode("latin-1")), "filed", text_in("café")),
    Case("utf-8-declared-latin-1-sent", message("Subject: x\nContent-Type: text/plain; charset=utf-8", "Gr\xfc\xdfe".encode("latin-1")), "filed", text_in("Grüße")),
    Case("no-charset-utf-8-bytes", message("Subject: x\nContent-Type: text/plain", "naïve ☃".encode()), "filed", text_in("naïve ☃")),
    Case("unknown-charset", message("Subject: x\nContent-Type: text/plain; charset=x-klingon", "Qapla’".encode()), "filed", text_in("Qapla’")),
    Case("cp1252-quotes-as-latin-1", message("Subject: x\nContent-Type: text/plain; charset=windows-1252", "\x93quoted\x94 \x80".encode("latin-1")), "filed", text_in("“quoted” €")),
    Case("koi8-r", message("Subject: x\nContent-Type: text/plain; charset=koi8-r", "Привет".encode("koi8-r")), "filed", text_in("Привет")),
    Case("shift-jis", message("Subject: x\nContent-Type: text/plain; charset=shift_jis", "こんにちは".encode("shift_jis")), "filed", text_in("こんにちは")),
    Case("utf-16", message("Subject: x\nContent-Type: text/plain; charset=utf-16", "wide text".encode("utf-16")), "filed", text_in("wide text")),
    Case("charset-alias-utf8", message("Subject: x\nContent-Type: text/plain; charset=\"UTF8\"", "ok ✓".encode()), "filed", text_in("ok ✓")),
    Case("subject-unknown-charset-word", message("Subject: =?x-unknown?q?caf=C3=A9?="), "filed", subject_is("café")),
    Case("raw-8bit-utf-8-headers", raw(f"From: Jürgen <jurgen@acme.example>\nTo: {ACCOUNT}\nSubject: Grüße aus Köln\n\nHallo".encode()), "filed", subject_is("Grüße aus Köln")),
    Case("raw-8bit-latin-1-subject", raw(f"From: ann@acme.example\nTo: {ACCOUNT}\nSubject: caf\xe9 cr\xe8me\n\nx".encode("latin-1")), "filed", subject_is("café crème")),
    Case("broken-encoded-word", message("Subject: =?utf-8?b?!!!?= tail"), "filed"),
    # Huge headers
    Case("subject-100-kb", message("Subject: " + "long " * 20_000), "filed", lambda shown: len(shown.ticket.subject) <= 300),
    Case("five-thousand-received", message("".join(f"Received: from hop{n}.example by x\n" for n in range(5000)) + "Subject: Hops"), "filed"),
    Case("two-thousand-references", message("Subject: Refs\nReferences: " + " ".join(f"<r{n}@x.example>" for n in range(2000))), "filed"),
    Case("folded-header-200-kb", message("Subject: Folded\nX-Big: " + "\n ".join("w" * 70 for _ in range(3000))), "filed"),
    Case("message-id-2000-chars", message("Subject: Long id\nMessage-ID: <" + "a" * 2000 + "@x>"), "filed"),
    Case("message-id-with-spaces", message("Subject: Odd id\nMessage-ID: <a b c@x>"), "filed"),
    # Deep and many multiparts
    Case("nested-10-deep", nested(10), "filed", text_in("the middle")),
    Case("nested-40-deep", nested(40), "quarantined"),
    Case("two-thousand-parts", many_parts(2000), "quarantined"),
    Case("forward-in-forward-in-forward", message("Subject: Fwd\nContent-Type: multipart/mixed; boundary=O", "--O\nContent-Type: text/plain\n\nsee below\n--O\nContent-Type: message/rfc822\n\nFrom: a@x\nSubject: inner\nContent-Type: message/rfc822\n\nFrom: b@x\nSubject: innermost\n\ndeep\n--O--\n"), "filed", both(text_in("see below"), files("message.eml"))),
    # Attachments
    Case("empty-attachment", attachment('Content-Disposition: attachment; filename="empty.txt"', b""), "filed", both(files(), text_in("empty.txt is empty"))),
    Case("thirty-megabyte-attachment", attachment('Content-Disposition: attachment; filename="big.bin"', b"\x00" * (30 * MB)), "filed", both(files(), text_in("big.bin (30.0 MB) is larger than the limit"))),
    Case("path-traversal-name", attachment('Content-Disposition: attachment; filename="../../etc/passwd"', b"root:x:0:0"), "filed", files("passwd")),
    Case("windows-path-name", attachment('Content-Disposition: attachment; filename="C:\\\\Windows\\\\evil.exe"', b"MZ"), "filed", files("evil.exe")),
    Case("html-attachment", attachment('Content-Disposition: attachment; filename="x.html"', b"<script>alert(1)</script>", "text/html"), "filed", served_as(("x.html", "application/octet-stream"))),
    Case("rtl-override-name", attachment("Content-Disposition: attachment; filename*=utf-8''invoice%E2%80%AEfdp.exe", b"MZ"), "filed", files("invoice fdp.exe")),
    Case("newline-in-name", attachment('Content-Disposition: attachment; filename="a\\r\\nX-Evil: 1.txt"', b"data"), "filed"),
    Case("unnamed-attachment", attachment("Content-Disposition: attachment", b"%PDF-1.4", "application/pdf"), "filed", files("application.pdf")),
    Case("twenty-attachments", mail(files=[(f"f{n}.txt", "text/plain", f"file {n}".encode()) for n in range(20)], message_id=None), "filed", lambda shown: len(shown.attachments) == 20),
    Case("inline-image", mail(text="see", html='<p>logo <img src="cid:logo@acme"></p>', inline=[("logo@acme", "image/png", b"\x89PNG fake")], message_id=None), "filed", html_has('<img src="/api/v1/attachments/')),
    # HTML
    Case("script-tags", alternative("<p>hi</p><script>alert(document.cookie)</script>"), "filed", html_has("<p>hi</p>", absent=("<script", "alert"))),
    Case("event-handlers", alternative('<p onclick="x()" onmouseover=y()>p</p><img src=x onerror="alert(1)"><body onload=z()>'), "filed", html_has("<p>p</p>", absent=("onclick", "onerror", "onload", "onmouseover"))),
    Case("iframes-forms-objects", alternative('<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name=p></form><object data=x></object><embed src=y>'), "filed", html_has(absent=("<iframe", "<form", "<input", "<object", "<embed"))),
    Case("javascript-and-data-urls", alternative('<a href="javascript:alert(1)">a</a><a href="data:text/html,<script>x</script>">b</a><a href="JaVaScRiPt:y">c</a>'), "filed", html_has(absent=("javascript", "JaVaScRiPt", "data:"))),
    Case("remote-images", alternative('<img src="https://track.example/pixel.gif?u=ann"><img src="http://x.example/a.png" alt="chart">'), "filed", html_has('data-src="https://track.example/pixel.gif?u=ann"', absent=(' src="http',))),
    Case("style-base-meta", alternative('<style>body{background:url(https://x)}</style><base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil"><p style="background:url(https://x)">s</p>'), "filed", html_has("<p>s</p>", absent=("<style", "<base", "<meta", "style="))),
    Case("svg-with-script", alternative('<svg><script>alert(1)</script><circle onload="x()"/></svg><math><mtext><script>y</script></mtext></math>'), "filed", html_has(absent=("<svg", "<script", "onload"))),
    Case("html-only", html_mail("<h1>Title</h1><p>First&nbsp;para</p><div>line<br>break</div>"), "filed", text_in("Title", "line\nbreak")),
    Case("unclosed-html", alternative("<div><p><b>never closed <i>at all"), "filed", html_has("never closed")),
    Case("conditional-comments", alternative("<!--[if IE]><script>alert(1)</script><![endif]--><p>ok</p>"), "filed", html_has("<p>ok</p>", absent=("<script", "[if IE]"))),
    # Senders
    Case("no-from", raw(f"To: {ACCOUNT}\nSubject: Who?\n\nanonymous"), "quarantined"),
    Case("from-not-an-address", raw(f"From: not an address\nTo: {ACCOUNT}\nSubject: x\n\nx"), "quarantined"),
    Case("from-two-addresses", raw(f"From: a@acme.example, b@acme.example\nTo: {ACCOUNT}\nSubject: Two\n\nx"), "filed", lambda shown: shown.ticket.user.email == "a@acme.example"),
    Case("from-our-own-address", raw(f"From: Help <{ACCOUNT}>\nTo: {ACCOUNT}\nSubject: Me\n\nx"), "ignored"),
    Case("from-name-with-line-break", raw(f"From: =?utf-8?q?Ann=0D=0ABcc=3A_x=40evil?= <ann2@acme.example>\nTo: {ACCOUNT}\nSubject: Name\n\nx"), "filed", lambda shown: "\n" not in shown.ticket.user.name),
    Case("from-idn-domain", raw(f"From: info@bücher.example\nTo: {ACCOUNT}\nSubject: IDN\n\nx".encode()), "filed", lambda shown: shown.ticket.user.email == "info@xn--bcher-kva.example"),
    Case("from-utf-8-local-part", raw(f"From: jürgen@acme.example\nTo: {ACCOUNT}\nSubject: SMTPUTF8\n\nx".encode()), "quarantined"),
    # Threading and loops
    Case("forged-signed-id", mail(headers={"In-Reply-To": "<hd.AAAA-BBBB.0123456789.aaaaaaaaaaaaaaaa@tidewater.example>"}, message_id=None), "filed"),
    Case("in-reply-to-garbage", mail(headers={"In-Reply-To": "no brackets at all", "References": "<<<>>>"}, message_id=None), "filed"),
    Case("ref-of-no-ticket", mail(subject="Re: [#ZZZZ-ZZZZ] hello", message_id=None), "filed"),
    Case("auto-reply-to-nothing", mail(headers={"Auto-Submitted": "auto-replied"}, subject="Out of office", message_id=None), "ignored"),
    Case("exchange-oof", mail(headers={"X-Auto-Response-Suppress": "All", "Auto-Submitted": "auto-generated"}, subject="Automatic reply: away", message_id=None), "filed"),
    Case("null-return-path", mail(headers={"Return-Path": "<>", "Precedence": "junk"}, message_id=None), "ignored"),
    Case("bounce-of-unknown-mail", message("Subject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=R", "--R\nContent-Type: text/plain\n\nfailed\n--R\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; x@y\nStatus: 5.0.0\n--R--\n", head=f"From: MAILER-DAEMON@mx.example\nTo: {ACCOUNT}\n"), "ignored"),
    # Quotes and signatures
    Case("outlook-history", mail(text="Works now, thanks.\n\n________________________________\nFrom: Help <help@tidewater.example>\nSent: Monday\nTo: Ann\nSubject: RE: x\n\nold text", message_id=None), "filed", lambda shown: shown.body == "Works now, thanks."),
    Case("gmail-html-quote", alternative('<div>New words</div><div class="gmail_quote"><div>On Mon, Help wrote:</div><blockquote>old words</blockquote></div>'), "filed", html_has("New words", absent=("old words",))),
    Case("all-quote", mail(text="> only\n> quoted\n> lines", message_id=None), "filed", text_in("> only")),
    Case("signature", mail(text="Please help.\n\n-- \nAnn Lee\nAcme Ltd, 1 Quay St", message_id=None), "filed", lambda shown: shown.body == "Please help."),
    # Other oddities
    Case("garbage-date", message("Subject: When\nDate: the day after tomorrow", head=f"From: ann@acme.example\nTo: {ACCOUNT}\n"), "filed"),
    Case("two-subjects-two-froms", raw(f"From: ann@acme.example\nFrom: eve@evil.example\nTo: {ACCOUNT}\nSubject: First\nSubject: Second\n\nx"), "filed", both(subject_is("First"), lambda shown: shown.ticket.user.email == "ann@acme.example")),
    Case("format-flowed", message("Subject: Flowed\nContent-Type: text/plain; format=flowed; delsp=yes", "soft \nwrapped"), "filed"),
    Case("bom-before-headers", b"\xef\xbb\xbf" + message("Subject: BOM"), "filed"),
    Case("space-before-colon", raw(f"From : ann@acme.example\nTo: {ACCOUNT}\nSubject : spaced\n\nx"), "quarantined"),
]
# fmt: on
