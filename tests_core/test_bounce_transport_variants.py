# ruff: noqa: E501  (the notices keep their long header lines)
"""A notice means the same after what the way to us does to it.

Mailing lists tag subjects and append footers (Mailman 2's ``Decorate``
handler: a footer inline in a ``text/plain`` message, a part of its own
otherwise, wrapping any multipart that is not ``multipart/mixed`` in a new
one), gateways append disclaimers the same way, and relays or archives
re-wrap lines.  Each test reads a notice as sent and as it arrives after
one such change, and expects the same outcome from both.  The fixtures are
written here after the cited formats; hosts and addresses are reserved ones.
"""

import pytest

from distribution.bounce import classify_message
from distribution.bounce.stages import RCPT

LIST = "osst-users@lists.example.org"
LIST_HEADERS = (
    f"List-Id: <osst-users.lists.example.org>\n"
    f"List-Post: <mailto:{LIST}>\n"
    f"List-Unsubscribe: <mailto:osst-users-request@lists.example.org?subject=unsubscribe>\n"
)
# Mailman 2's default msg_footer (Defaults.py, DEFAULT_MSG_FOOTER)
MAILMAN_FOOTER = (
    "_______________________________________________\n"
    "Osst-users mailing list\n"
    f"{LIST}\n"
    "https://lists.example.org/mailman/listinfo/osst-users\n"
)
# the disclaimer Symantec Email Security.cloud appends to the mail it scans
DISCLAIMER = (
    "______________________________________________________________________\n"
    "This email has been scanned by the Symantec Email Security.cloud service.\n"
    "For more information please visit http://www.symanteccloud.com\n"
    "______________________________________________________________________\n"
)


def outcome(raw):
    result = classify_message(raw.encode())
    return result.kind, result.category, sorted(result.addresses)


def _wrapped(head, body_type, body, footer):
    """Mailman's or a gateway's wrapping: the message's own body becomes the
    first part of a new multipart/mixed, the footer the second."""
    return (
        f"{head}MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="WRAP"\n\n'
        f"--WRAP\nContent-Type: {body_type}\n\n{body}\n"
        f'--WRAP\nContent-Type: text/plain; charset="us-ascii"\n\n{footer}\n'
        "--WRAP--\n"
    )


# --- subject tags ----------------------------------------------------------

_SENDMAIL_NOTICE = (
    "   ----- The following addresses had permanent fatal errors -----\n"
    "<jo@b.example>\n"
    "    (reason: 550 5.1.1 <jo@b.example>... User unknown)\n"
)


_PERSON = "Will <will@mail.example.org>"
# how a person's mail client passes the notice on: quoted after a header
_QUOTED = "Anyone know this address?\n\n----- Original Message -----\n" + "".join(
    f"> {line}\n" for line in _SENDMAIL_NOTICE.splitlines()
)


def _notice(subject, sender="MAILER-DAEMON@mx.b.example", body=None):
    if body is None:
        body = _QUOTED if sender == _PERSON else _SENDMAIL_NOTICE
    return (
        f"From: {sender}\nTo: osst-users-bounces@lists.example.org\n"
        f"Subject: {subject}\n{LIST_HEADERS}"
        f"Message-ID: <n1@mx.b.example>\n\n{body}"
    )


@pytest.mark.parametrize(
    ("subject", "sender", "expected"),
    [
        # a person passing a bounce on to the list: not a bounce
        (
            "Fw: Returned mail: see transcript for details",
            _PERSON,
            ("none", "none", []),
        ),
        (
            "Re: Undelivered Mail Returned to Sender",
            _PERSON,
            ("none", "none", []),
        ),
        # a mail system's copy for its own postmaster (Postfix
        # bounce_templates.c): not for the sender
        (
            "Postmaster Copy: Undelivered Mail",
            "MAILER-DAEMON@mx.b.example",
            ("none", "none", []),
        ),
        # the notice itself
        (
            "Returned mail: see transcript for details",
            "MAILER-DAEMON@mx.b.example",
            ("failure", "hard", ["jo@b.example"]),
        ),
    ],
)
@pytest.mark.parametrize("tag", ["[Osst-users] ", "[Osst-users 1042] "])
def test_a_list_s_subject_tag_changes_nothing(subject, sender, expected, tag):
    """Mailman puts the list's ``subject_prefix`` ("[Name] ", "%d" numbering
    included) before the subject, or after a reply prefix it keeps in front
    ("Re: [Name] ..."): the subject rules read through it."""
    assert outcome(_notice(subject, sender)) == expected
    assert outcome(_notice(tag + subject, sender)) == expected
    if ": " in subject and subject.split(":")[0] in ("Fw", "Re"):
        prefix, rest = subject.split(": ", 1)
        assert outcome(_notice(f"{prefix}: {tag}{rest}", sender)) == expected


def test_an_auto_reply_s_own_bracketed_words_stay_its_own():
    """ "[不在]" (a Japanese auto-reply's "absent") is no list tag."""
    raw = (
        "From: Taro <taro@b.example>\nTo: bounces@erp.example.com\n"
        "Subject: [不在] Re: Invoice\nAuto-Submitted: auto-replied\n\n"
        "12月1日まで不在です。\n"
    )
    assert classify_message(raw.encode("utf-8")).kind == "autoreply"


# --- footers and disclaimers ----------------------------------------------

_DSN_PARTS = (
    "--R\nContent-Type: text/plain\n\n"
    "Your message has been delayed and is still awaiting delivery\n"
    "to the following recipient(s):\n\nuserx@b.example\n\n"
    "--R\nContent-Type: message/delivery-status\n\n"
    "Reporting-MTA: dns; mx.b.example\n\n"
    "Final-Recipient: rfc822; userx@b.example\nAction: delayed\n"
    "Status: 4.4.1 (Persistent transient failure - no answer from host)\n\n"
    "--R\nContent-Type: text/rfc822-headers\n\n"
    f"From: Will <will@mail.example.org>\nTo: {LIST}\nSubject: Invoice\n"
    "Message-ID: <orig@mail.example.org>\n\n"
)
_REPORT_TYPE = 'multipart/report; report-type=delivery-status; boundary="R"'


def test_a_list_footer_after_a_delivery_report_is_not_the_notice():
    """The footer names the address the returned message was written to (the
    list): read as the notice, it looked like the address a forward started
    from, and replaced the report's own recipient."""
    head = f"From: postmaster@mx.b.example\nTo: osst-users-bounces@lists.example.org\nSubject: Message delayed\n{LIST_HEADERS}"
    direct = (
        f"{head}MIME-Version: 1.0\nContent-Type: {_REPORT_TYPE}\n\n{_DSN_PARTS}--R--\n"
    )
    expected = ("delay", "soft", ["userx@b.example"])
    assert outcome(direct) == expected
    # the footer as a last part of the report itself, and Mailman's wrapping
    appended = (
        f"{head}MIME-Version: 1.0\nContent-Type: {_REPORT_TYPE}\n\n{_DSN_PARTS}"
        f"--R\nContent-Type: text/plain\n\n{MAILMAN_FOOTER}\n--R--\n"
    )
    assert outcome(appended) == expected
    wrapped = _wrapped(head, _REPORT_TYPE, _DSN_PARTS + "--R--", MAILMAN_FOOTER)
    assert outcome(wrapped) == expected


_HTML_NOTICE = (
    "<html><body><p>Your message did not reach some or all of the intended "
    "recipients.</p><p>The following recipient(s) cannot be reached:</p>"
    "<p>jo@b.example on 12/1/2026 10:02 AM<br>"
    "The recipient name is not recognized</p></body></html>"
)


def test_a_disclaimer_part_does_not_hide_an_html_notice():
    """An Exchange 2000 notice in HTML only, the returned message beside it,
    and a gateway's disclaimer after both: the disclaimer, plain text, used
    to become the whole readable text and the HTML was never read."""
    head = "From: postmaster@b.example\nTo: bounces@erp.example.com\nSubject: Undeliverable: Invoice\n"
    inner = (
        "--I\nContent-Type: text/html\n\n"
        f"{_HTML_NOTICE}\n"
        "--I\nContent-Type: message/rfc822\n\n"
        "From: bounces@erp.example.com\nTo: jo@b.example\nSubject: Invoice\n\nHello\n"
        "--I--"
    )
    inner_type = 'multipart/mixed; boundary="I"'
    direct = f"{head}MIME-Version: 1.0\nContent-Type: {inner_type}\n\n{inner}\n"
    expected = ("failure", "hard", ["jo@b.example"])
    assert outcome(direct) == expected
    assert outcome(_wrapped(head, inner_type, inner, DISCLAIMER)) == expected


def test_an_html_notice_beside_a_plain_disclaimer_is_read():
    """HTML alone is the notice's only rendering; beside a plain part in a
    multipart/mixed (not a multipart/alternative) it is still content."""
    head = "From: MAILER-DAEMON@b.example\nTo: bounces@erp.example.com\nSubject: Undeliverable: Invoice\n"
    direct = f"{head}Content-Type: text/html\n\n{_HTML_NOTICE}\n"
    expected = ("failure", "hard", ["jo@b.example"])
    assert outcome(direct) == expected
    assert outcome(_wrapped(head, "text/html", _HTML_NOTICE, DISCLAIMER)) == expected


def test_the_html_rendering_of_a_plain_notice_is_not_read_twice():
    """In a multipart/alternative the HTML part renders the plain one: its
    words are not a second notice (here it names a help address)."""
    raw = (
        "From: MAILER-DAEMON@b.example\nTo: bounces@erp.example.com\n"
        "Subject: Undeliverable: Invoice\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="A"\n\n'
        "--A\nContent-Type: text/plain\n\n"
        "The following recipient(s) cannot be reached:\n\n"
        "jo@b.example\nThe recipient name is not recognized\n"
        "--A\nContent-Type: text/html\n\n"
        "<p>The following recipient(s) cannot be reached:</p><p>jo@b.example</p>"
        "<p>The recipient name is not recognized</p>"
        "<p>Questions? Write to helpdesk@b.example</p>\n"
        "--A--\n"
    )
    assert outcome(raw) == ("failure", "hard", ["jo@b.example"])


def test_an_inline_list_footer_is_not_part_of_the_notice():
    """Mailman appends its footer inside a text/plain message: the list's
    address in it is not a failed recipient, its name not a spam verdict."""
    body = (
        "Unable to find user: <jo@b.example>\n"
        "Please make sure the address is correct and resend your mail.\n"
    )
    direct = _notice("Returned mail: Invoice", body=body)
    expected = ("failure", "hard", ["jo@b.example"])
    assert outcome(direct) == expected
    footer = MAILMAN_FOOTER.replace("Osst-users", "Spamassassin-commits").replace(
        "osst-users", "spamassassin-commits"
    )
    tagged = direct.replace(LIST, "spamassassin-commits@lists.example.org")
    assert outcome(f"{tagged}\n{footer}") == expected
    # Mailman 3's footer ("$display_name mailing list -- $listname")
    mm3 = (
        "_______________________________________________\n"
        f"Osst-users mailing list -- {LIST}\n"
        "To unsubscribe send an email to osst-users-leave@lists.example.org\n"
    )
    assert outcome(f"{direct}\n{mm3}") == expected


# --- re-wrapped lines ---------------------------------------------------------


_POSTFIX = (
    "This is the mail system at host mx.erp.example.com.\n\n"
    "I'm sorry to have to inform you that your message could not\n"
    "be delivered to one or more recipients.\n\n"
    "                   The mail system\n\n"
    "<jo@b.example>: host mx.b.example[192.0.2.7] said: 550 5.1.1\n"
    "{i}<jo@b.example>: Recipient address rejected: User unknown (in\n"
    "{i}reply to RCPT TO command)\n\n"
    "<al@b.example>: host mx.b.example[192.0.2.7] said: 552\n"
    "{i}5.2.2 <al@b.example>: Mailbox full (in reply to RCPT TO command)\n"
)
_POSTFIX_HEAD = (
    "From: MAILER-DAEMON@mx.erp.example.com (Mail Delivery System)\n"
    "To: bounces@erp.example.com\n"
    "Subject: Undelivered Mail Returned to Sender\n"
)
_POSTFIX_EXPECTED = {
    "jo@b.example": ("hard", "5.1.1", RCPT, "mx.b.example"),
    "al@b.example": ("soft", "5.2.2", RCPT, "mx.b.example"),
}


def _per_recipient(raw):
    result = classify_message(raw.encode())
    return {
        r.address: (r.category, r.status, r.stage, r.remote_mta)
        for r in result.recipients
    }


@pytest.mark.parametrize("indent", ["    ", ""])
def test_postfix_reply_continued_without_indent_stays_whole(indent):
    """bounce(8) indents the continuation of a remote reply and starts each
    recipient after a blank line (bounce_notify_util.c); a relay that
    re-wraps or strips leading blanks leaves the paragraph up to its blank
    line, even where the reply quotes an address at a line's start."""
    raw = f"{_POSTFIX_HEAD}\n" + _POSTFIX.format(i=indent)
    assert _per_recipient(raw) == _POSTFIX_EXPECTED


def test_an_html_rendering_of_a_plain_notice_reads_the_same():
    """A notice rendered as HTML (lines ending in <br>, the source's
    indentation kept): blanks at the start of a rendered line are not
    shown, so the text read from it has the plain notice's lines."""
    plain = _POSTFIX.format(i="    ")
    markup = "<html><body><p>" + "<br>\n".join(
        line.replace("<", "&lt;").replace(">", "&gt;") for line in plain.splitlines()
    )
    raw = f"{_POSTFIX_HEAD}Content-Type: text/html\n\n{markup}</p></body></html>\n"
    assert _per_recipient(raw) == _POSTFIX_EXPECTED


# --- report parts under other labels -----------------------------------------

_STATUS_FIELDS = (
    "Reporting-MTA: dns; mx.erp.example.com\n"
    "Arrival-Date: Tue, 1 Dec 2026 10:00:00 +0100\n\n"
    "Final-Recipient: rfc822; jo@b.example\n"
    "Action: {action}\n"
    "Status: {status}\n"
    "Diagnostic-Code: smtp; {diagnostic}\n"
)


def _report(status_type, action, status, diagnostic, report=True):
    ctype = (
        'multipart/report; report-type=delivery-status; boundary="R"'
        if report
        else 'multipart/mixed; boundary="R"'
    )
    fields = _STATUS_FIELDS.format(action=action, status=status, diagnostic=diagnostic)
    return (
        "From: MAILER-DAEMON@mx.erp.example.com (Mail Delivery System)\n"
        "To: bounces@erp.example.com\nSubject: Delivery Status Notification\n"
        f"MIME-Version: 1.0\nContent-Type: {ctype}\n\n"
        "--R\nContent-Type: text/plain\n\n"
        "This is an automatically generated Delivery Status Notification.\n\n"
        f"--R\nContent-Type: {status_type}\n\n{fields}\n"
        "--R\nContent-Type: text/rfc822-headers\n\n"
        "From: bounces@erp.example.com\nTo: jo@b.example\nSubject: Invoice\n\n"
        "--R--\n"
    )


@pytest.mark.parametrize(
    ("action", "status", "diagnostic", "expected"),
    [
        (
            "failed",
            "5.1.1",
            "550 5.1.1 User unknown",
            ("failure", "hard", ["jo@b.example"]),
        ),
        (
            "delayed",
            "4.4.1",
            "421 4.4.1 Connection timed out",
            ("delay", "soft", ["jo@b.example"]),
        ),
        ("delivered", "2.0.0", "250 2.0.0 OK", ("none", "none", [])),
    ],
)
@pytest.mark.parametrize("report", [True, False])
def test_a_report_in_a_part_labelled_plain_text_is_the_report(
    action, status, diagnostic, expected, report
):
    """Some mail systems label the delivery-status part text/plain (and the
    container multipart/mixed): its fields are read as the report's, so a
    delay stays a delay and a delivery is no failure."""
    labelled = _report("message/delivery-status", action, status, diagnostic, report)
    assert outcome(labelled) == expected
    plain = _report("text/plain", action, status, diagnostic, report)
    assert outcome(plain) == expected


def test_a_delivery_status_part_without_recipients_still_marks_a_report():
    """A gateway's notice in a multipart/mixed whose delivery-status part
    names no recipient ("Message removed"): the part is still the sign of a
    delivery report, beside the notice's own words."""
    raw = (
        "From: <gateway@b.example>\nTo: bounces@erp.example.com\n"
        "Subject: Utilisateur inconnu\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="M"\n\n'
        "--M\nContent-Type: text/plain\n\n"
        "A message could not be delivered to:\njo@b.example\n"
        "Subject: Invoice\n"
        "L'adresse de messagerie référencée ci-dessus n'existe pas.\n\n"
        "--M\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: gateway.b.example\n\nMessage removed\n\n"
        "--M--\n"
    )
    assert outcome(raw)[:2] == ("failure", "hard")
    assert outcome(raw)[2] == ["jo@b.example"]


# --- a person passing the notice on ---------------------------------------------


@pytest.mark.parametrize(
    "banner",
    [
        "-----Original Message-----",  # Outlook
        "-----Ursprungligt meddelande-----",  # Outlook, Swedish
        "-----Alkuperäinen viesti-----",  # Outlook, Finnish
        "-----Opprinnelig melding-----",  # Outlook, Norwegian
        "-----Oprindelig meddelelse-----",  # Outlook, Danish
        "-----Message d'origine-----",  # Outlook, French
        "-----Ursprüngliche Nachricht-----",  # Outlook, German
        "---------- Forwarded message ---------",  # Gmail
        "---------- Weitergeleitete Nachricht ---------",  # Gmail, German
        "---------- Message transféré ---------",  # Gmail, French
        "---------- Vidarebefordrat meddelande ---------",  # Gmail, Swedish
        "-------- Forwarded Message --------",  # Thunderbird
        "Begin forwarded message:",  # Apple Mail
        "Anfang der weitergeleiteten E-Mail:",  # Apple Mail, German
        "Début du message réexpédié :",  # Apple Mail, French
    ],
)
def test_a_notice_forwarded_inline_by_a_person_is_not_a_bounce(banner):
    """A customer forwards the bounce they got to us, unquoted, under their
    mail client's banner: their mail, not a notice about ours."""
    raw = (
        "From: Will Smith <will@customer.example.org>\n"
        "To: billing@erp.example.com\n"
        "Subject: Fwd: Returned mail: see transcript for details\n"
        "X-Mailer: Microsoft Outlook 16.0\n"
        "Content-Type: text/plain; charset=utf-8\n\n"
        "Hi, could you check this one?\n\nRegards\nWill\n\n"
        f"{banner}\n"
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.b.example>\n"
        "Subject: Returned mail: see transcript for details\n\n"
        f"{_SENDMAIL_NOTICE}"
    )
    assert outcome(raw) == ("none", "none", [])


@pytest.mark.parametrize("prefix", ["Fwd", "Re", "SV", "VL", "WG"])
def test_a_notice_quoted_by_a_person_without_a_banner_is_not_a_bounce(prefix):
    """Quoted line by line ("> "), with no banner above: the notice's words
    are only on quoted lines, the person's own text has none of them."""
    quoted = "".join(f"> {line}\n" for line in _EXIM_LOCAL_SCAN.splitlines())
    raw = (
        "From: Will Smith <will@customer.example.org>\n"
        "To: billing@erp.example.com\n"
        f"Subject: {prefix}: Mail delivery failed: returning message to sender\n\n"
        f"Hi, could you check this one?\n\nWill\n\n{quoted}"
    )
    assert outcome(raw) == ("none", "none", [])
    notice = (
        "From: Mail Delivery System <Mailer-Daemon@mx.b.example>\n"
        "To: bounces@erp.example.com\n"
        "Subject: Mail delivery failed: returning message to sender\n\n"
        f"{_EXIM_LOCAL_SCAN}"
    )
    assert outcome(notice)[:2] == ("failure", "blocked")


# Exim's local_scan rejection (exim/src/deliver.c, the "rejected by the local
# scanning code" text of a locally generated bounce)
_EXIM_LOCAL_SCAN = (
    "This message was created automatically by mail delivery software.\n\n"
    "A message that you sent was rejected by the local scanning code that\n"
    "checks incoming messages on this system. The following error was given:\n\n"
    "  Message was not accepted -- spam detected.\n"
)


# --- 8-bit header fields -------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "codec", "kind"),
    [
        ("Réponse automatique : absent du bureau", "latin-1", "autoreply"),
        ("Automatiskt svar: Ärende", "cp1252", "autoreply"),
        ("自動返信: ご請求書について", "utf-8", "autoreply"),
        ("自動返信: ご請求書について", "cp932", "autoreply"),
        ("自動返信: ご請求書について", "euc_jp", "autoreply"),
        ("メールを受け取ることが出来ませんでした", "cp932", "failure"),
    ],
)
def test_a_raw_8_bit_subject_is_read_in_its_charset(subject, codec, kind):
    """Subjects written as raw 8-bit bytes, not RFC 2047 encoded: UTF-8 as
    RFC 6532 allows, the Japanese mail systems' Shift_JIS and EUC-JP (told
    apart by their kana: a field of kanji alone stays unread), else
    Latin-1 (never taken for Japanese: it has no kana)."""
    body = (
        "Sorry, we were unable to deliver your message to the following address.\n\n"
        "<jo@b.example>:\n550 5.1.1 mailbox unavailable\n"
        if kind == "failure"
        else "I am away until Monday.\n"
    )
    raw = (
        b"From: Jo <jo@b.example>\nTo: billing@erp.example.com\nSubject: "
        + subject.encode(codec)
        + b"\nContent-Type: text/plain; charset=us-ascii\n\n"
        + body.encode()
    )
    assert classify_message(raw).kind == kind
