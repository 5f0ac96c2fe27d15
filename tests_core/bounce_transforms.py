"""Rewrites of a bounce that keep its meaning, and one that takes it away.

What happens to a notice on its way to us: a relay re-encodes its parts or
changes line ends, a mailing list tags the subject and appends a footer
(Mailman 2's ``Decorate``: inline in a ``text/plain`` message, else a part
of its own, wrapping any multipart that is not ``multipart/mixed``), a
gateway adds a banner or a disclaimer, a mail system labels its report
parts differently.  The classifier's outcome must not change under any of
them (``KEEP``).  A person passing the notice on, quoted or under their
mail client's banner, makes it their own mail: not a bounce (``PERSON``).

``tests_core/test_bounce_transforms.py`` applies them to the committed
samples; ``bench/transform_bounces.py`` to the whole corpus.
"""

import base64
import io
import quopri
import re
from email import message_from_bytes
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32

from distribution.bounce.text import header

_DSN_TYPES = ("message/delivery-status", "message/global-delivery-status")


def parse(raw):
    return message_from_bytes(raw, policy=compat32)


def flatten(msg):
    out = io.BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=compat32).flatten(msg)
    return out.getvalue()


def roundtrip(raw):
    """The message as the generator writes it back, unchanged otherwise:
    the reference for the rewrites that go through the generator."""
    return flatten(parse(raw))


def _leaves(part):
    """Leaf parts, not descending into delivery-status parts (the stdlib
    reads their field blocks as pseudo-messages)."""
    if part.get_content_type() in _DSN_TYPES:
        return
    if part.is_multipart():
        for sub in part.get_payload():
            if isinstance(sub, Message):
                yield from _leaves(sub)
    else:
        yield part


def _text_of(part):
    data = part.get_payload(decode=True) or b""
    try:
        return data.decode(part.get_content_charset() or "us-ascii")
    except (LookupError, UnicodeDecodeError):
        return data.decode("latin-1")


def _set_text(part, text):
    del part["Content-Transfer-Encoding"]
    part.set_payload(base64.encodebytes(text.encode("utf-8")).decode("ascii"))
    part["Content-Transfer-Encoding"] = "base64"
    part.set_param("charset", "utf-8")


def _first_plain(msg):
    return next((p for p in _leaves(msg) if p.get_content_type() == "text/plain"), None)


# --- line ends and headers (byte level, no generator) -----------------------


def crlf(raw):
    return re.sub(rb"\r?\n", b"\r\n", raw)


def bare_cr(raw):
    return re.sub(rb"\r?\n", b"\r", raw)


def _head_body(raw):
    sep = b"\r\n\r\n" if b"\r\n\r\n" in raw else b"\n\n"
    return raw.partition(sep)


def unfold_headers(raw):
    head, sep, body = _head_body(raw)
    return re.sub(rb"\r?\n[ \t]+", b" ", head) + sep + body


def lower_header_names(raw):
    head, sep, body = _head_body(raw)
    head = re.sub(rb"(?m)^([A-Za-z-]+):", lambda m: m.group(1).lower() + b":", head)
    return head + sep + body


def mbox_escape(raw):
    head, sep, body = _head_body(raw)
    return head + sep + re.sub(rb"(?m)^(>*From )", rb">\1", body)


def received_on_top(raw):
    return (
        b"Received: from mx1.lists.example.net (mx1.lists.example.net [198.51.100.7])\n"
        b"\tby lists.example.net (Postfix) with ESMTP id 4F1A2\n"
        b"\tfor <billing@erp.example.com>; Tue, 1 Dec 2026 10:00:00 +0100\n"
        b"X-Spam-Status: No, score=0.1\nX-Virus-Scanned: amavisd-new at example.net\n"
    ) + raw


def _subject_prefix(prefix):
    def rewrite(raw):
        return re.sub(rb"(?mi)^Subject:[ \t]*", b"Subject: " + prefix, raw, count=1)

    return rewrite


def subject_encoded(raw):
    subject = header(parse(raw), "Subject")
    if not subject:
        return raw
    head, sep, body = _head_body(raw)
    encoded = Header(subject, "utf-8").encode().encode("ascii")
    head = re.sub(
        rb"(?mi)^Subject:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*",
        lambda _m: b"Subject: " + encoded,
        head,
        count=1,
    )
    return head + sep + body


def mail_system_sender(raw):
    """MAILER-DAEMON written as postmaster and the other way round."""
    found = re.search(
        r"(?i)\b(mailer-daemon|postmaster)@([\w.-]+)", str(parse(raw).get("From", ""))
    )
    if not found:
        return raw
    other = (
        "postmaster" if found.group(1).lower() == "mailer-daemon" else "MAILER-DAEMON"
    )
    sender = f"Mail Delivery System <{other}@{found.group(2)}>".encode()
    return re.sub(
        rb"(?mi)^From:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*",
        lambda _m: b"From: " + sender,
        raw,
        count=1,
    )


# --- report parts under other labels (byte level) ----------------------------


def _status_parts(raw, rewrite):
    out, pos = [], 0
    start_re = re.compile(
        rb"(?im)^content-type:[ \t]*message/delivery-status[^\n]*\n"
        rb"(?:[ \t][^\n]*\n)*(?:[^\n]+\n)*\n"
    )
    for found in start_re.finditer(raw):
        if found.start() < pos:
            continue
        end = re.compile(rb"(?m)^--").search(raw, found.end())
        stop = end.start() if end else len(raw)
        out += [raw[pos : found.end()], rewrite(raw[found.end() : stop])]
        pos = stop
    out.append(raw[pos:])
    return b"".join(out)


def status_fields_lower(raw):
    return _status_parts(
        raw,
        lambda t: re.sub(
            rb"(?m)^([A-Za-z-]+):", lambda m: m.group(1).lower() + b":", t
        ),
    )


def status_fields_folded(raw):
    def fold(text):
        lines = []
        for line in text.split(b"\n"):
            if len(line) > 60 and b":" in line[:40] and b" " in line[40:]:
                cut = line.index(b" ", 40)
                lines += [line[:cut], b"   " + line[cut + 1 :]]
            else:
                lines.append(line)
        return b"\n".join(lines)

    return _status_parts(raw, fold)


def status_as_plain_text(raw):
    return re.sub(
        rb"(?im)^(content-type:[ \t]*)message/delivery-status", rb"\1text/plain", raw
    )


# --- re-encoded parts (through the generator) ----------------------------------


def _reencode(how):
    def rewrite(raw):
        msg = parse(raw)
        for part in _leaves(msg):
            if part.get_content_maintype() != "text":
                continue
            data = part.get_payload(decode=True)
            if data is None:
                continue
            del part["Content-Transfer-Encoding"]
            if how == "base64":
                part.set_payload(base64.encodebytes(data).decode("ascii"))
            else:
                part.set_payload(quopri.encodestring(data).decode("ascii"))
            part["Content-Transfer-Encoding"] = how
        return flatten(msg)

    return rewrite


# --- footers, disclaimers, banners (through the generator) ---------------------

MAILMAN_FOOTER = (
    "\n_______________________________________________\n"
    "{name} mailing list\n{address}\nhttps://lists.example.net/mailman/listinfo/{name}\n"
)
# Symantec Email Security.cloud's disclaimer
SYMANTEC = (
    "\n______________________________________________________________________\n"
    "This email has been scanned by the Symantec Email Security.cloud service.\n"
    "For more information please visit http://www.symanteccloud.com\n"
    "______________________________________________________________________\n"
)
# MailScanner's inline signatures (reports/en and reports/de, inline.sig.txt)
MAILSCANNER_EN = (
    "-- \nThis message has been scanned for viruses and\n"
    "dangerous content by MailScanner, and is\nbelieved to be clean.\n"
)
MAILSCANNER_DE = (
    "--\nDiese Nachricht wurde auf Viren und andere gefährliche Inhalte untersucht\n"
    "und ist - aktuelle Virenscanner vorausgesetzt - sauber.\n"
)
BANNERS = (
    "CAUTION: This email originated from outside of the organization. Do not "
    "click links or open attachments unless you recognize the sender and know "
    "the content is safe.\n\n",
    "This message came from outside your organization.\n\n",
)


def _append_inline(msg, text):
    part = msg if not msg.is_multipart() else _first_plain(msg)
    if part is None or part.get_content_type() != "text/plain":
        return None
    _set_text(part, _text_of(part).rstrip("\r\n") + "\n\n" + text)
    return flatten(msg)


def _wrap(raw, text):
    """Mailman's Decorate, or a gateway's: a new part at the end of a
    multipart/mixed, the text appended to a text/plain body, any other
    body wrapped in a new multipart/mixed with the text after it."""
    msg = parse(raw)
    footer = MIMEText(text, "plain", "utf-8")
    if msg.get_content_type() == "multipart/mixed":
        if not isinstance(msg.get_payload(), list):
            return raw
        msg.get_payload().append(footer)
        return flatten(msg)
    if not msg.is_multipart() and msg.get_content_type() == "text/plain":
        return _append_inline(msg, text)
    inner = Message()
    for key in ("Content-Type", "Content-Transfer-Encoding", "Content-Disposition"):
        if msg[key] is not None:
            inner[key] = msg[key]
            del msg[key]
    inner.set_payload(msg.get_payload())
    msg["Content-Type"] = MIMEMultipart("mixed")["Content-Type"]
    if msg["MIME-Version"] is None:
        msg["MIME-Version"] = "1.0"
    msg.set_payload([inner, footer])
    return flatten(msg)


def mailman_footer(raw):
    post = re.search(r"mailto:([^>?\s]+)", str(parse(raw).get("List-Post", "")))
    if not post:
        return raw
    address = post.group(1)
    return _wrap(
        raw, MAILMAN_FOOTER.format(name=address.split("@")[0], address=address)
    )


def _wrapped(text):
    return lambda raw: _wrap(raw, text)


def _inline(text):
    def rewrite(raw):
        return _append_inline(parse(raw), text) or raw

    return rewrite


def _banner(text):
    def rewrite(raw):
        msg = parse(raw)
        part = msg if not msg.is_multipart() else _first_plain(msg)
        if part is None or part.get_content_type() != "text/plain":
            return raw
        _set_text(part, text + _text_of(part))
        return flatten(msg)

    return rewrite


def returned_headers_only(raw):
    """The returned message replaced by its header (text/rfc822-headers), as
    mail systems configured to return headers only send it."""
    msg = parse(raw)
    changed = False

    def visit(part):
        nonlocal changed
        payload = part.get_payload()
        for index, sub in enumerate(payload):
            if not isinstance(sub, Message):
                continue
            if sub.get_content_type() == "message/rfc822":
                inner = sub.get_payload()
                inner = inner[0] if isinstance(inner, list) and inner else None
                if inner is None or (
                    inner.is_multipart()
                    and any(p.get_content_type() in _DSN_TYPES for p in inner.walk())
                ):
                    continue
                headers = Message()
                headers["Content-Type"] = "text/rfc822-headers"
                headers.set_payload("".join(f"{k}: {v}\n" for k, v in inner.items()))
                payload[index] = headers
                changed = True
            elif sub.is_multipart() and sub.get_content_type() not in _DSN_TYPES:
                visit(sub)

    if msg.is_multipart():
        visit(msg)
    return flatten(msg) if changed else raw


# --- a person passing the notice on ---------------------------------------------

_FORWARD_BANNERS = {
    "outlook": "-----Original Message-----\nFrom: {sender}\n"
    "Sent: Tuesday, December 1, 2026 10:00\nSubject: {subject}\n\n",
    "gmail": "---------- Forwarded message ---------\nFrom: {sender}\n"
    "Date: Tue, Dec 1, 2026 at 10:00 AM\nSubject: {subject}\n\n",
    "apple": "Begin forwarded message:\n\nFrom: {sender}\nSubject: {subject}\n"
    "Date: 1 December 2026 at 10:00:00 CET\n\n",
    "quoted": "",
}


def _person_forward(banner, prefix="Fwd"):
    def rewrite(raw):
        from distribution.bounce.envelope import Envelope

        env = Envelope(raw)
        text = env.plain
        if banner == "quoted":
            text = "".join(f"> {line}\n" for line in text.splitlines())
        body = "Hi, could you check this one?\n\nRegards\nWill\n\n" + (
            _FORWARD_BANNERS[banner].format(
                sender=header(env.msg, "From"), subject=env.subject
            )
            + text
        )
        mail = MIMEText(body, "plain", "utf-8")
        mail["From"] = "Will Smith <will@customer.example.org>"
        mail["To"] = "billing@erp.example.com"
        mail["Subject"] = f"{prefix}: {env.subject}"
        return mail.as_bytes()

    return rewrite


def _safe(rewrite):
    """``rewrite``, or the message unchanged where the generator cannot write
    the rewritten one (8-bit text in a part without a charset)."""

    def safe(raw):
        try:
            return rewrite(raw)
        except UnicodeEncodeError:
            return raw

    return safe


# name -> (rewrite, goes through the generator)
KEEP = {
    "crlf": (crlf, False),
    "bare_cr": (bare_cr, False),
    "unfold_headers": (unfold_headers, False),
    "lower_header_names": (lower_header_names, False),
    "mbox_escape": (mbox_escape, False),
    "received_on_top": (received_on_top, False),
    "list_tag": (_subject_prefix(b"[Osst-users] "), False),
    "external_tag": (_subject_prefix(b"[EXTERNAL] "), False),
    "subject_encoded": (subject_encoded, False),
    "mail_system_sender": (mail_system_sender, False),
    "status_fields_lower": (status_fields_lower, False),
    "status_fields_folded": (status_fields_folded, False),
    "status_as_plain_text": (status_as_plain_text, False),
    "base64": (_safe(_reencode("base64")), True),
    "quoted_printable": (_safe(_reencode("quoted-printable")), True),
    "mailman_footer": (_safe(mailman_footer), True),
    "symantec_part": (_safe(_wrapped(SYMANTEC)), True),
    "symantec_inline": (_safe(_inline(SYMANTEC)), True),
    "mailscanner_en_part": (_safe(_wrapped(MAILSCANNER_EN)), True),
    "mailscanner_en_inline": (_safe(_inline(MAILSCANNER_EN)), True),
    "mailscanner_de_part": (_safe(_wrapped(MAILSCANNER_DE)), True),
    "mailscanner_de_inline": (_safe(_inline(MAILSCANNER_DE)), True),
    "outside_banner": (_safe(_banner(BANNERS[0])), True),
    "outside_banner_short": (_safe(_banner(BANNERS[1])), True),
    "returned_headers_only": (_safe(returned_headers_only), True),
}
PERSON = {
    "forward_outlook": _person_forward("outlook"),
    "forward_gmail": _person_forward("gmail"),
    "forward_apple": _person_forward("apple"),
    "forward_quoted": _person_forward("quoted"),
    "reply_quoted": _person_forward("quoted", prefix="Re"),
}
