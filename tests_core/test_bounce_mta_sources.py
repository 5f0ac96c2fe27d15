# ruff: noqa: E501  (the templates keep their servers' long lines)
"""Bounce templates of open-source mail servers, from their source code.

Each fixture is built from the exact texts a mail server's source writes
into its non-delivery notices (template, per-recipient line, diagnostic);
the comment above it names the repository, file and commit.  Hosts and
addresses are reserved ones (``*.example``, 192.0.2.0/24).  They are unit
fixtures, not part of the measured corpus.
"""

import pytest

from distribution.bounce import classify_message

SENDER = "bounces@erp.example.com"


def _mail(body, sender="MAILER-DAEMON@mx.example.net", subject="failure notice"):
    head = (
        f"From: {sender}\n"
        f"To: {SENDER}\n"
        f"Subject: {subject}\n"
        "Message-ID: <notice@mx.example.net>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "\n"
    )
    return (head + body).encode()


def _report(
    notice,
    status_fields,
    sender="MAILER-DAEMON@mx.example.net",
    subject="Undelivered Mail Returned to Sender",
    returned="To: someone@else.example\nSubject: Invoice 42\n\nHello\n",
):
    """A multipart/report (RFC 6522) with the notice, the delivery-status
    fields and the returned headers."""
    return (
        f"From: {sender}\n"
        f"To: {SENDER}\n"
        f"Subject: {subject}\n"
        "Message-ID: <notice@mx.example.net>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n'
        "\n"
        "--B\n"
        "Content-Type: text/plain; charset=us-ascii\n"
        "\n"
        f"{notice}\n"
        "--B\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        f"{status_fields}\n"
        "--B\n"
        "Content-Type: text/rfc822-headers\n"
        "\n"
        f"From: {SENDER}\n{returned}\n"
        "--B--\n"
    ).encode()


# --------------------------------------------------------------------------
# Postfix: vdukhovni/postfix @ 17830e5c13c160d51c95cb971d137a46de84e48c
# postfix/src/bounce/template_test.ref (the default failure_template,
# delay_template and success_template), bounce_notify_util.c (one
# "<final> (expanded from <original>): reason" paragraph per recipient,
# folded at four spaces), and the reasons: smtp/smtp_proto.c ("host %s
# said: %s (in reply to %s)", "host %s refused to talk to me: %s", "TLS is
# required, but host %s refused to start TLS: %s", "message size %lu
# exceeds size limit %.0f of server %s"), smtp/smtp_trouble.c ("lost
# connection with %s while %s", "conversation with %s timed out while
# %s"), smtp/smtp_connect.c ("connect to %s[%s]:%d: %m"), smtp/smtp_addr.c
# ("mail for %s loops back to myself"), dns/dns_lookup.c ("Host or domain
# name not found. Name service error for name=%s type=%s: %s", "Domain %s
# does not accept mail (nullMX)"), qmgr/qmgr_deliver.c ("delivery
# temporarily suspended: "), local/unknown.c ("unknown user: \"%s\""),
# local/maildir.c ("maildir delivery failed: "), local/mailbox.c ("cannot
# update mailbox %s for user %s. "), local/alias.c ("alias database loop
# for %s"), qmgr/qmgr_message.c ("message is administratively expired").
# --------------------------------------------------------------------------

POSTFIX_HEAD = """This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

"""

POSTFIX_DELAY_HEAD = """This is the mail system at host mx.example.net.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for more than 4 hour(s).
It will be retried until it is 5 day(s) old.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

"""

# (id, status, remote MTA or None, diagnostic type, reason text (one line, as
#  the DSN gives it), expected category, expected reason)
POSTFIX_REASONS = [
    (
        "smtp-rcpt-unknown",
        "5.1.1",
        "mx.b.example",
        "smtp",
        "host mx.b.example[192.0.2.7] said: 550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)",
        "hard",
        "mailbox_unknown",
    ),
    (
        "smtp-helo-refused",
        "5.7.1",
        "mx.b.example",
        "smtp",
        "host mx.b.example[192.0.2.7] refused to talk to me: 554 5.7.1 Service unavailable; Client host [198.51.100.1] blocked using zen.spamhaus.org",
        "blocked",
        "blocklisted",
    ),
    (
        "smtp-data-spam",
        "5.7.1",
        "mx.b.example",
        "smtp",
        "host mx.b.example[192.0.2.7] said: 554 5.7.1 Message rejected (in reply to end of DATA command)",
        "blocked",
        "policy",
    ),
    (
        "smtp-mail-from",
        "5.7.1",
        "mx.b.example",
        "smtp",
        "host mx.b.example[192.0.2.7] said: 553 5.7.1 <bounces@erp.example.com>: Sender address rejected: not owned by user (in reply to MAIL FROM command)",
        "blocked",
        "sender_rejected",
    ),
    (
        "smtp-rcpt-quota",
        "5.2.2",
        "mx.b.example",
        "smtp",
        "host mx.b.example[192.0.2.7] said: 552 5.2.2 <full@b.example>: Recipient address rejected: Mailbox full (in reply to RCPT TO command)",
        "soft",
        "mailbox_full",
    ),
    (
        "smtp-relay-denied",
        "5.7.1",
        "mx.b.example",
        "smtp",
        "host mx.b.example[192.0.2.7] said: 554 5.7.1 <nobody@b.example>: Relay access denied (in reply to RCPT TO command)",
        "blocked",
        "relay_denied",
    ),
    (
        "size-limit",
        "5.3.4",
        "mx.b.example",
        "X-Postfix",
        "message size 20480000 exceeds size limit 10240000 of server mx.b.example[192.0.2.7]",
        "soft",
        "message_too_large",
    ),
    (
        "tls-refused",
        "4.7.5",
        "mx.b.example",
        "X-Postfix",
        "TLS is required, but host mx.b.example[192.0.2.7] refused to start TLS: 454 4.7.0 TLS not available due to local problem",
        "soft",
        "tls_required",
    ),
    (
        "suspended-timeout",
        "4.4.1",
        None,
        "X-Postfix",
        "delivery temporarily suspended: connect to mx.b.example[192.0.2.7]:25: Connection timed out",
        "soft",
        "server_trouble",
    ),
    (
        "suspended-refused",
        "4.4.1",
        None,
        "X-Postfix",
        "delivery temporarily suspended: connect to mx.b.example[192.0.2.7]:25: Connection refused",
        "soft",
        "server_trouble",
    ),
    (
        "conversation-timed-out",
        "4.4.2",
        "mx.b.example",
        "X-Postfix",
        "conversation with mx.b.example[192.0.2.7] timed out while receiving the initial server greeting",
        "soft",
        "server_trouble",
    ),
    (
        "lost-connection",
        "4.4.2",
        "mx.b.example",
        "X-Postfix",
        "lost connection with mx.b.example[192.0.2.7] while sending RCPT TO",
        "soft",
        "server_trouble",
    ),
    (
        "host-not-found",
        "5.4.4",
        None,
        "X-Postfix",
        "Host or domain name not found. Name service error for name=b.example type=AAAA: Host not found",
        "hard",
        "domain_unknown",
    ),
    (
        "host-not-found-try-again",
        "4.4.3",
        None,
        "X-Postfix",
        "delivery temporarily suspended: Host or domain name not found. Name service error for name=b.example type=MX: Host not found, try again",
        "soft",
        "server_trouble",
    ),
    (
        "null-mx",
        "5.1.10",
        None,
        "X-Postfix",
        "Domain b.example does not accept mail (nullMX)",
        "hard",
        "null_mx",
    ),
    (
        "loops-back",
        "5.4.6",
        None,
        "X-Postfix",
        "mail for b.example loops back to myself",
        "soft",
        "server_trouble",
    ),
    (
        "local-unknown-user",
        "5.1.1",
        None,
        "X-Postfix",
        'unknown user: "nobody"',
        "hard",
        "mailbox_unknown",
    ),
    (
        "maildir-quota",
        "5.2.2",
        None,
        "X-Postfix",
        "maildir delivery failed: create maildir file /home/nobody/Maildir/tmp/1704099600.P123.mx.example.net: Disk quota exceeded",
        "soft",
        "mailbox_full",
    ),
    (
        "mailbox-file-too-large",
        "5.2.2",
        None,
        "X-Postfix",
        "cannot update mailbox /var/mail/nobody for user nobody. error writing message: File too large",
        "soft",
        "mailbox_full",
    ),
    (
        "alias-loop",
        "5.4.6",
        None,
        "X-Postfix",
        "alias database loop for nobody",
        "soft",
        "server_trouble",
    ),
    (
        "administratively-expired",
        "4.7.0",
        None,
        "X-Postfix",
        "message is administratively expired",
        "soft",
        "expired",
    ),
]


def _folded(text, width=72):
    """The reason folded as bounce_notify_util.c writes it: the first line
    after the address, continuations indented by four spaces."""
    words = text.split()
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n    ".join(lines)


def _postfix_text(address, text, delay=False, original=None):
    expanded = f" (expanded from <{original}>)" if original else ""
    head = POSTFIX_DELAY_HEAD if delay else POSTFIX_HEAD
    return (
        f"{head}<{address}>{expanded}: {_folded(text)}\n\n"
        "--- Undelivered message follows ---\n"
        "Return-Path: <bounces@erp.example.com>\n"
        "To: someone@else.example\n"
    )


def _postfix_dsn(address, status, remote, dtype, text, delay=False, original=None):
    fields = (
        "Reporting-MTA: dns; mx.example.net\n"
        "X-Postfix-Queue-ID: 3F1A2B4C5D\n"
        "X-Postfix-Sender: rfc822; bounces@erp.example.com\n"
        "Arrival-Date: Mon,  1 Jan 2024 10:00:00 +0100 (CET)\n"
        "\n"
        f"Final-Recipient: rfc822; {address}\n"
        f"Original-Recipient: rfc822;{original or address}\n"
        f"Action: {'delayed' if delay else 'failed'}\n"
        f"Status: {status}\n"
        + (f"Remote-MTA: dns; {remote}\n" if remote else "")
        + f"Diagnostic-Code: {dtype}; {text.split(' said: ', 1)[-1]}\n"
    )
    notice = (
        POSTFIX_DELAY_HEAD if delay else POSTFIX_HEAD
    ) + f"<{address}>: {_folded(text)}\n"
    subject = (
        "Delayed Mail (still being retried)"
        if delay
        else "Undelivered Mail Returned to Sender"
    )
    return _report(notice, fields, subject=subject)


def _check(result, kind, category, recipients, reason=None):
    got = (result.kind, result.category, sorted(result.addresses))
    assert got == (kind, category, sorted(recipients)), result.to_dict()
    if reason is not None:
        assert result.reason == reason, result.to_dict()


@pytest.mark.parametrize(
    ("text", "category", "reason"),
    [case[4:] for case in POSTFIX_REASONS],
    ids=[case[0] for case in POSTFIX_REASONS],
)
def test_postfix_text_only(text, category, reason):
    raw = _mail(
        _postfix_text("nobody@b.example", text),
        sender="MAILER-DAEMON@mx.example.net (Mail Delivery System)",
        subject="Undelivered Mail Returned to Sender",
    )
    _check(classify_message(raw), "failure", category, ["nobody@b.example"], reason)


@pytest.mark.parametrize(
    ("status", "remote", "dtype", "text", "category", "reason"),
    [case[1:] for case in POSTFIX_REASONS],
    ids=[case[0] for case in POSTFIX_REASONS],
)
def test_postfix_with_dsn(status, remote, dtype, text, category, reason):
    raw = _postfix_dsn("nobody@b.example", status, remote, dtype, text)
    _check(classify_message(raw), "failure", category, ["nobody@b.example"], reason)


def test_postfix_delay_warning():
    text = "delivery temporarily suspended: connect to mx.b.example[192.0.2.7]:25: Connection timed out"
    raw = _mail(
        _postfix_text("slow@b.example", text, delay=True),
        subject="Delayed Mail (still being retried)",
    )
    _check(classify_message(raw), "delay", "soft", ["slow@b.example"])
    raw = _postfix_dsn("slow@b.example", "4.4.1", None, "X-Postfix", text, delay=True)
    _check(classify_message(raw), "delay", "soft", ["slow@b.example"])


def test_postfix_expanded_from_is_the_address_we_sent_to():
    text = "host mx.b.example[192.0.2.7] said: 550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown (in reply to RCPT TO command)"
    raw = _mail(
        _postfix_text("nobody@b.example", text, original="alias@c.example"),
        subject="Undelivered Mail Returned to Sender",
    )
    _check(classify_message(raw), "failure", "hard", ["alias@c.example"])


# the success_template: "Successful Mail Delivery Report", a delivered DSN
POSTFIX_SUCCESS = """This is the mail system at host mx.example.net.

Your message was successfully delivered to the destination(s)
listed below. If the message was delivered to mailbox you will
receive no further notifications. Otherwise you may still receive
notifications of mail delivery errors from other systems.

                   The mail system

<someone@b.example>: delivered to mailbox
"""


def test_postfix_success_report_is_not_a_failure():
    raw = _mail(POSTFIX_SUCCESS, subject="Successful Mail Delivery Report")
    assert classify_message(raw).kind == "none"
    fields = (
        "Reporting-MTA: dns; mx.example.net\n\n"
        "Final-Recipient: rfc822; someone@b.example\n"
        "Original-Recipient: rfc822;someone@b.example\n"
        "Action: delivered\n"
        "Status: 2.0.0\n"
        "Diagnostic-Code: X-Postfix; delivered to mailbox\n"
    )
    raw = _report(POSTFIX_SUCCESS, fields, subject="Successful Mail Delivery Report")
    assert classify_message(raw).kind == "none"
