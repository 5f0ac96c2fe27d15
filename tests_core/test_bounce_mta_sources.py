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
from distribution.bounce.reasons import explain
from distribution.bounce.text import codes_in

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


def bare_notice(body, sender, subject, extra=""):
    """A notice with only the From, To, Subject and Message-ID fields (and
    *extra* header lines): no MIME header, as older and plain-text mail
    systems write them."""
    return (
        f"From: {sender}\n"
        f"To: {SENDER}\n"
        f"Subject: {subject}\n"
        "Message-ID: <notice@mx.example.net>\n"
        f"{extra}"
        "\n" + body
    ).encode()


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
    # global/pipe_command.c with global/sys_exits.c: a local command's exit
    # status as "<sysexits text>. Command output: <its output>", else
    # "Command died with status %d: \"%s\""; local/recipient.c
    (
        "pipe-user-unknown",
        "5.1.1",
        None,
        "X-Postfix",
        "user unknown. Command output: Invalid user specified.",
        "hard",
        "mailbox_unknown",
    ),
    (
        "pipe-cant-create",
        "5.2.0",
        None,
        "X-Postfix",
        'can\'t create user output file. Command output: procmail: Error while writing to "/var/mail/nobody"',
        "soft",
        "local_error",
    ),
    (
        "pipe-command-died",
        "5.3.0",
        None,
        "X-Postfix",
        'Command died with status 1: "/usr/local/bin/filter". Command output: filter: cannot parse message',
        "soft",
        "local_error",
    ),
    (
        "pipe-time-limit",
        "5.3.0",
        None,
        "X-Postfix",
        'Command time limit exceeded: "/usr/bin/maildrop"',
        "soft",
        None,
    ),
    (
        "forwarding-loop",
        "5.4.6",
        None,
        "X-Postfix",
        "mail forwarding loop for nobody@b.example",
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


# --------------------------------------------------------------------------
# Haraka: haraka/Haraka @ 0bf10cbb486253752042e10af4c65ec78ec7fe91
# config/outbound.bounce_message (the text), outbound/hmail.js
# (populate_bounce_message_with_headers: "Intended Recipients: {recipients}",
# "Failure Reason: {reason}", "{original}: {reason}" per refused recipient;
# the delivery-status part: "Status: <extc> (<code> <msg>)", "Remote-MTA:
# <mx>" without a type, "Diagnostic-Code: smtp;<code> <extc> <response> ";
# convert_temp_failed_to_bounce turns a 4.x.x status into 5.x.x after
# "Too many failures (...)"; the reasons "No Such Domain: %s", "Domain %s
# sends and receives no email (NULL MX)", "Tried all MXs" with
# DSN.addr_bad_dest_system, i.e. X.1.2).
# --------------------------------------------------------------------------


def _haraka(reason, extended, status, diagnostic=None, remote=None):
    notice = (
        "Hi. This is the Haraka Mailer program at mx.example.net.\n"
        "I'm afraid I wasn't able to deliver your message\n"
        '    "Invoice 42"\n'
        "to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n"
        "\n"
        "Intended Recipients: <nobody@b.example>\n"
        f"Failure Reason: {reason}\n"
        "\n"
        f"{extended}\n"
    )
    fields = (
        "Reporting-MTA: dns;mx.example.net\n"
        "Arrival-Date: Mon, 01 Jan 2024 10:00:00 +0100\n"
        "\n"
        "Final-Recipient: rfc822;nobody@b.example\n"
        "Action: failed\n"
        f"Status: {status}\n"
        + (f"Remote-MTA: {remote}\n" if remote else "")
        + (f"Diagnostic-Code: {diagnostic}\n" if diagnostic else "")
    )
    return _report(notice, fields, subject="failure notice")


HARAKA = [
    (
        "rcpt-unknown",
        _haraka(
            "Some recipients failed: <nobody@b.example>",
            "<nobody@b.example>: 550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown",
            "5.1.1",
            "smtp;550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown ",
            "mx.b.example",
        ),
        "hard",
        "mailbox_unknown",
    ),
    (
        "data-spam",
        _haraka(
            "550 5.7.1 Message rejected as spam",
            "",
            "5.7.1",
            "smtp;550 5.7.1 Message rejected as spam ",
            "mx.b.example",
        ),
        "blocked",
        "spam_content",
    ),
    (
        "no-such-domain",
        _haraka(
            "No Such Domain: b.example", "", "5.1.2 (550 No Such Domain: b.example)"
        ),
        "hard",
        "domain_unknown",
    ),
    (
        "null-mx",
        _haraka(
            "Domain b.example sends and receives no email (NULL MX)",
            "",
            "5.1.2 (550 Domain b.example sends and receives no email (NULL MX))",
        ),
        "hard",
        "null_mx",
    ),
    (
        # every MX failed to answer until the retries ran out: X.1.2 by the
        # code's choice, but nothing says the domain is wrong
        "tried-all-mxs",
        _haraka(
            "Too many failures (Tried all MXs)",
            "",
            "5.1.2 (550 Tried all MXs b.example)",
        ),
        "soft",
        None,
    ),
    (
        "greylisted-until-expiry",
        _haraka(
            "Too many failures (Some recipients temp failed: <nobody@b.example>)",
            "<nobody@b.example>: 451 4.7.1 Greylisting in action, please come back later",
            "5.7.1",
            "smtp;451 4.7.1 Greylisting in action, please come back later ",
            "mx.b.example",
        ),
        "soft",
        None,
    ),
]


@pytest.mark.parametrize(
    ("raw", "category", "reason"),
    [case[1:] for case in HARAKA],
    ids=[case[0] for case in HARAKA],
)
def test_haraka(raw, category, reason):
    _check(classify_message(raw), "failure", category, ["nobody@b.example"], reason)


# --------------------------------------------------------------------------
# maddy: foxcpp/maddy @ 837b1b8a7761eaaa9ae2b3ff8c9b3a4495e9821e
# internal/dsn/dsn.go (failedText: "This is the mail delivery system at
# %s. / Unfortunately, your message could not be delivered to one or more
# recipients...", then "Delivery to %s failed with error: %v" per
# recipient; Subject "Undelivered Mail Returned to Sender"; a
# Diagnostic-Code only for a go-smtp error, else none; headers as
# message/rfc822-headers), the errors: internal/target/remote/connect.go
# ("Domain does not accept email (null MX)" 5.1.10, "No usable MXs, last
# err: ..."), internal/smtpconn/smtpconn.go (a remote reply wrapped, its
# Error() being go-smtp's "SMTP error %03d: %s").
# --------------------------------------------------------------------------


def _maddy(error, status, diagnostic=None, remote=None):
    notice = (
        "\nThis is the mail delivery system at mx.example.net.\n"
        "\n"
        "Unfortunately, your message could not be delivered to one or more\n"
        "recipients. The usual cause of this problem is invalid\n"
        "recipient address or maintenance at the recipient side.\n"
        "\n"
        "Contact the postmaster for further assistance, provide the Message ID (below):\n"
        "\n"
        "Message ID: 3f1a2b4c\n"
        "Arrival: 2024-01-01 10:00:00 +0100 CET\n"
        "Last delivery attempt: 2024-01-01 10:00:01 +0100 CET\n"
        "\n"
        f"Delivery to nobody@b.example failed with error: {error}\n"
    )
    fields = (
        "Reporting-MTA: dns; mx.example.net\n"
        "X-Maddy-Sender: rfc822; bounces@erp.example.com\n"
        "X-Maddy-MsgID: 3f1a2b4c\n"
        "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0100\n"
        "Last-Attempt-Date: Mon, 1 Jan 2024 10:00:01 +0100\n"
        "\n"
        "Final-Recipient: rfc822; nobody@b.example\n"
        "Action: failed\n"
        f"Status: {status}\n"
        + (f"Diagnostic-Code: {diagnostic}\n" if diagnostic else "")
        + (f"Remote-MTA: dns; {remote}\n" if remote else "")
    )
    return _report(notice, fields, sender="MAILER-DAEMON@mx.example.net")


MADDY = [
    (
        "rcpt-unknown",
        _maddy(
            "SMTP error 550: User unknown",
            "5.1.1",
            "smtp; 550 5.1.1 User unknown",
            "mx.b.example",
        ),
        "hard",
        "mailbox_unknown",
    ),
    (
        "null-mx",
        _maddy("Domain does not accept email (null MX)", "5.1.10"),
        "hard",
        "null_mx",
    ),
    (
        "no-usable-mx",
        _maddy(
            "No usable MXs, last err: dial tcp 192.0.2.7:25: i/o timeout",
            "5.4.0",
        ),
        "soft",
        None,
    ),
    (
        "dane",
        _maddy("TLS is required but unsupported or failed (enforced by DANE)", "5.7.1"),
        "soft",
        "tls_required",
    ),
    (
        "quarantined",
        _maddy("Refusing to deliver a quarantined message", "5.7.1"),
        "blocked",
        None,
    ),
]


@pytest.mark.parametrize(
    ("raw", "category", "reason"),
    [case[1:] for case in MADDY],
    ids=[case[0] for case in MADDY],
)
def test_maddy(raw, category, reason):
    _check(classify_message(raw), "failure", category, ["nobody@b.example"], reason)


# --------------------------------------------------------------------------
# mox: mjl-/mox @ 1c9587665b321199312e11b6a47a0480a9e2750f
# queue/dsn.go (deliverDSNFailure: "Delivery has failed permanently for your
# email to: / <address> / No further deliveries will be attempted. / Error
# during the last delivery attempt: / <errmsg>", "Full SMTP response:";
# deliverDSNDelay: "Delivery has been delayed of your email to:"; subjects
# "mail delivery failed" / "mail delivery delayed"; From postmaster@host),
# dsn/dsn.go ("Status: <code> (<errmsg>)", "Remote-MTA: dns;<name>
# (<ip>)", "Diagnostic-Code: smtp; <lines>"), smtpclient/client.go
# (Error(): "<err>, permanent: <line>", "%w: got %d, expected 2xx").
# --------------------------------------------------------------------------


def _mox(errmsg, status, smtp_lines=None, delay=False):
    if delay:
        notice = (
            "\nDelivery has been delayed of your email to:\n\n\tslow@b.example\n\n"
            "Next attempts to deliver: in 4 hours, 8 hours and 16 hours.\n"
            "If these attempts all fail, you will receive a notice.\n\n"
            f"Error during the last delivery attempt:\n\n\t{errmsg}\n"
        )
    else:
        notice = (
            "\nDelivery has failed permanently for your email to:\n\n\tnobody@b.example\n\n"
            "No further deliveries will be attempted.\n\n"
            f"Error during the last delivery attempt:\n\n\t{errmsg}\n"
        )
    if smtp_lines:
        notice += "\nFull SMTP response:\n\n\t" + smtp_lines + "\n"
    address = "slow@b.example" if delay else "nobody@b.example"
    fields = (
        "Reporting-MTA: dns; mx.example.net\n"
        "Arrival-Date: Mon, 01 Jan 2024 10:00:00 +0100\n"
        "\n"
        f"Final-Recipient: rfc822;{address}\n"
        f"Action: {'delayed' if delay else 'failed'}\n"
        f"Status: {status} ({errmsg})\n"
        "Remote-MTA: dns;mx.b.example ([192.0.2.7])\n"
        + (f"Diagnostic-Code: smtp; {smtp_lines}\n" if smtp_lines else "")
        + "Last-Attempt-Date: Mon, 01 Jan 2024 10:00:01 +0100\n"
    )
    return _report(
        notice,
        fields,
        sender="postmaster@mx.example.net",
        subject="mail delivery delayed" if delay else "mail delivery failed",
    )


MOX = [
    (
        "rcpt-unknown",
        _mox(
            "remote smtp server sent unexpected response status code: got 550, expected 2xx, permanent: 550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown",
            "5.1.1",
            "550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown",
        ),
        "failure",
        "hard",
        ["nobody@b.example"],
    ),
    (
        "mailbox-full",
        _mox(
            "remote smtp server sent unexpected response status code: got 552, expected 2xx, permanent: 552 5.2.2 Mailbox full",
            "5.2.2",
            "552 5.2.2 Mailbox full",
        ),
        "failure",
        "soft",
        ["nobody@b.example"],
    ),
    (
        "dial-failed",
        _mox(
            "dialing smtp server: dial tcp 192.0.2.7:25: connect: connection refused",
            "5.0.0",
        ),
        "failure",
        "soft",
        ["nobody@b.example"],
    ),
    (
        "delayed",
        _mox(
            "remote smtp server sent unexpected response status code: got 451, expected 2xx, transient: 451 4.7.1 Greylisted, try again later",
            "4.7.1",
            "451 4.7.1 Greylisted, try again later",
            delay=True,
        ),
        "delay",
        "soft",
        ["slow@b.example"],
    ),
]


@pytest.mark.parametrize(
    ("raw", "kind", "category", "recipients"),
    [case[1:] for case in MOX],
    ids=[case[0] for case in MOX],
)
def test_mox(raw, kind, category, recipients):
    _check(classify_message(raw), kind, category, recipients)


# --------------------------------------------------------------------------
# Postal: postalserver/postal @ 8ef89606bc34146fffba77a604dd824e6b1cdcc2
# app/models/bounce_message.rb: From "Mail Delivery Service <route>" (the
# route's own address, name@domain, route.rb#description), Subject "Mail
# Delivery Failed (<subject>)", a text part "This is the mail delivery
# service responsible for delivering mail to <route>. / The message you've
# sent cannot be delivered..." with "Rcpt To: <address>", and the original
# as "Original Message.eml"; sent for a route set to Bounce / Reject or an
# endpoint that hard-failed (message_dequeuer/incoming_message_processor.rb):
# no reason given.
# --------------------------------------------------------------------------

POSTAL = b"""From: Mail Delivery Service <support@b.example>
To: bounces@erp.example.com
Subject: Mail Delivery Failed (Invoice 42)
Message-ID: <0b6a1c62-7d0e-4d8e-9a55-3f1a2b4c5d6e@psrp.b.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="P"

--P
Content-Type: text/plain; charset=UTF-8

This is the mail delivery service responsible for delivering mail to support@b.example.

The message you've sent cannot be delivered. Your original message is attached to this message.

For further assistance please contact postmaster@b.example. Please include the details below to help us identify the issue.

Message Token: Ab3dE6gH@Xy12Zw34
Orginal Message ID: <invoice-42@erp.example.com>
Mail from: bounces@erp.example.com
Rcpt To: support@b.example

--P
Content-Type: message/rfc822
Content-Disposition: attachment; filename="Original Message.eml"

From: bounces@erp.example.com
To: support@b.example
Subject: Invoice 42
Message-ID: <invoice-42@erp.example.com>

Hello
--P--
"""


def test_postal_route_bounce_names_the_recipient_without_a_reason():
    _check(classify_message(POSTAL), "failure", "soft", ["support@b.example"])


# --------------------------------------------------------------------------
# hMailServer: hmailserver/hmailserver @ 4d11f81d14af5136b5e0e1d231e0eb19d8361177
# source/DBScripts/CreateTablesMYSQL.sql (SEND_FAILED_NOTIFICATION: "Your
# message did not reach some or all of the intended recipients. ... The
# following recipient(s) could not be reached:", MESSAGE_UNDELIVERABLE
# "Message undeliverable" as the subject's prefix), Server/SMTP/
# ExternalDelivery.cpp (each failed address on its own line, then its
# error; "No mail servers appear to exists for the recipient's address.",
# "Unable to find the recipient's email server. The DNS query has failed.",
# "Tried %d time(s)"), SMTPClientConnection.cpp ("Remote server (%s)
# issued an error. / hMailServer sent: %s / Remote server replied: %s",
# "Connection to recipients server failed."), LocalDelivery.cpp ("Error
# Description: Inbox is full").
# --------------------------------------------------------------------------


def _hmailserver(errors):
    body = (
        "Your message did not reach some or all of the intended recipients.\r\n"
        "\r\n"
        "   Sent: Mon, 1 Jan 2024 10:00:00 +0100\r\n"
        "   Subject: Invoice 42\r\n"
        "\r\n"
        "The following recipient(s) could not be reached:\r\n"
        "\r\n"
        f"{errors}\r\n"
        "\r\n"
        "hMailServer\r\n"
    )
    return _mail(
        body,
        sender="mailer-daemon@mx.example.net",
        subject="Message undeliverable: Invoice 42",
    )


HMAILSERVER = [
    (
        "rcpt-unknown",
        "nobody@b.example\r\n"
        "   Error Type: SMTP\r\n"
        "   Remote server (192.0.2.7) issued an error.\r\n"
        "   hMailServer sent: RCPT TO:<nobody@b.example>\r\n"
        "   Remote server replied: 550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown\r\n",
        "hard",
        "mailbox_unknown",
    ),
    (
        "sender-refused",
        "nobody@b.example\r\n"
        "   Error Type: SMTP\r\n"
        "   Remote server (192.0.2.7) issued an error.\r\n"
        "   hMailServer sent: MAIL FROM:<bounces@erp.example.com>\r\n"
        "   Remote server replied: 550 5.7.1 Sender rejected\r\n",
        "blocked",
        None,
    ),
    (
        "no-mail-servers",
        "nobody@b.example\r\n"
        "   Error Type: SMTP\r\n"
        "   Error Description: No mail servers appear to exists for the recipient's address.\r\n"
        "   Additional information: Please check that you have not misspelled the recipient's email address.\r\n"
        "\r\n"
        "\r\nTried 5 time(s)\r\n",
        "hard",
        "domain_unknown",
    ),
    (
        "dns-failed",
        "nobody@b.example\r\n"
        "   Error Type: SMTP\r\n"
        "   Error Description: Unable to find the recipient's email server. The DNS query has failed.\r\n"
        "\r\n"
        "\r\nTried 5 time(s)\r\n",
        "soft",
        None,
    ),
    (
        "connection-failed",
        "nobody@b.example\r\n"
        "   Error Type: SMTP\r\n"
        "   Connection to recipients server failed.\r\n"
        "   Error: 10060 A connection attempt failed because the connected party did not properly respond after a period of time\r\n"
        "\r\nTried 5 time(s)\r\n",
        "soft",
        None,
    ),
    (
        "inbox-full",
        "nobody@b.example\r\n"
        "   Error Type: SMTP\r\n"
        "   Error Description: Inbox is full\r\n"
        "   Additional information: The recipients inbox is full.\r\n",
        "soft",
        "mailbox_full",
    ),
]


@pytest.mark.parametrize(
    ("errors", "category", "reason"),
    [case[1:] for case in HMAILSERVER],
    ids=[case[0] for case in HMAILSERVER],
)
def test_hmailserver(errors, category, reason):
    raw = _hmailserver(errors)
    _check(classify_message(raw), "failure", category, ["nobody@b.example"], reason)


# --------------------------------------------------------------------------
# Dovecot: dovecot/core @ f28b5a92ec52eef0a111a095d00435756343dc94
# src/lib-lda/lda-settings.c (rejection_subject "Rejected: %{subject}",
# rejection_reason "Your message to <%{to}> was automatically
# rejected:%{literal('\r\n')}%{reason}"), src/lib-lda/mail-send.c (a
# delivery-status part "Action: failed / Status: 5.2.2" when the mailbox is
# full, else a disposition-notification "automatic-action/MDN-sent-
# automatically; deleted"), src/plugins/quota/quota-settings.c
# (quota_exceeded_message "Quota exceeded (mailbox for user is full)"),
# src/lmtp/lmtp-local.c (552 5.2.2 with that message), lmtp-recipient.c
# ("User doesn't exist: %s").  Pigeonhole: dovecot/pigeonhole @
# d0d2bedb71d227bdac782c244f455724fa0f2688 src/lib-sieve/sieve-actions.c
# (Subject "Automatically rejected mail", "Your message to <%s> was
# automatically rejected:" and the script's reason).
# --------------------------------------------------------------------------


def _dovecot(reason, subject="Rejected: Invoice 42", quota=None):
    head = (
        "From: Mail Delivery Subsystem <postmaster@mx.b.example>\n"
        f"To: <{SENDER}>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type={rt};\n\tboundary="1234/mx.b.example"\n'
        f"Subject: {subject}\n"
        "Auto-Submitted: auto-replied (rejected)\n"
        "Precedence: bulk\n"
        "\n"
        "This is a MIME-encapsulated message\n"
        "\n"
        "--1234/mx.b.example\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Disposition: inline\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "Your message to <nobody@b.example> was automatically rejected:\n"
        f"{reason}\n"
        "--1234/mx.b.example\n"
    )
    if quota is not None:
        report = (
            "Content-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mx.b.example\n"
            "Final-Recipient: rfc822; nobody@b.example\n"
            "Action: failed\n"
            f"Status: {quota}\n"
        )
        report_type = "delivery-status"
    else:
        report = (
            "Content-Type: message/disposition-notification\n\n"
            "Reporting-UA: mx.b.example; Dovecot Mail Delivery Agent\n"
            "Final-Recipient: rfc822; nobody@b.example\n"
            "Original-Message-ID: <invoice-42@erp.example.com>\n"
            "Disposition: automatic-action/MDN-sent-automatically; deleted\n"
        )
        report_type = "disposition-notification"
    return (
        head.replace("{rt}", report_type)
        + report
        + "\n--1234/mx.b.example\nContent-Type: message/rfc822\n\n"
        + f"From: {SENDER}\nTo: nobody@b.example\nSubject: Invoice 42\n"
        + "Message-ID: <invoice-42@erp.example.com>\n\n\n--1234/mx.b.example--\n"
    ).encode()


def test_dovecot_lda_quota_rejection_is_mailbox_full():
    raw = _dovecot("Quota exceeded (mailbox for user is full)", quota="5.2.2")
    _check(
        classify_message(raw), "failure", "soft", ["nobody@b.example"], "mailbox_full"
    )


def test_dovecot_sieve_reject_through_lda_is_blocked():
    raw = _dovecot("I don't accept mail from you.")
    _check(classify_message(raw), "failure", "blocked", ["nobody@b.example"])


def test_pigeonhole_sieve_reject_is_blocked():
    raw = _dovecot(
        "Your mail was rejected by my filter.", subject="Automatically rejected mail"
    )
    _check(classify_message(raw), "failure", "blocked", ["nobody@b.example"])


@pytest.mark.parametrize(
    ("text", "category", "reason"),
    [
        (
            "host mx.b.example[private/dovecot-lmtp] said: 550 5.1.1 <nobody@b.example> User doesn't exist: nobody@b.example (in reply to RCPT TO command)",
            "hard",
            "mailbox_unknown",
        ),
        (
            "host mx.b.example[private/dovecot-lmtp] said: 552 5.2.2 <nobody@b.example> Quota exceeded (mailbox for user is full) (in reply to end of DATA command)",
            "soft",
            "mailbox_full",
        ),
        (
            "host mx.b.example[private/dovecot-lmtp] said: 452 4.2.2 <nobody@b.example> Quota exceeded (mailbox for user is full) (in reply to end of DATA command)",
            "soft",
            "mailbox_full",
        ),
    ],
    ids=["user-doesnt-exist", "quota-552", "quota-452"],
)
def test_dovecot_lmtp_replies_in_a_postfix_bounce(text, category, reason):
    raw = _mail(
        _postfix_text("nobody@b.example", text),
        subject="Undelivered Mail Returned to Sender",
    )
    _check(classify_message(raw), "failure", category, ["nobody@b.example"], reason)


# --------------------------------------------------------------------------
# ZoneMTA: zone-eu/zone-mta @ cf94b992e3a5eb81f0bdf28455210227e68a44a9
# plugins/core/email-bounce.js (Subject "Delivery Status Notification
# (Failure: <rcpt>)" / "(Delay: <rcpt>)", "X-Failed-Recipients" listing
# every recipient of the message, not only the failed one; "Delivery to the
# following recipient failed permanently:" / "Delivery incomplete ... There
# was a temporary problem delivering your message to:", "Original message
# recipients:", "Technical details of permanent failure:"; the
# delivery-status part "Status: 5.0.0" (4.0.0 for a delay) whatever the
# reply, "Diagnostic-Code: smtp; <response>"), lib/sender.js ("Network
# error: Error connecting to %s. %s", "Policy error: Failed to establish a
# TLS connection to the MX server as requested by policy").
# --------------------------------------------------------------------------


def _zonemta(response, delay=False, mx="mx.b.example", others=()):
    failed = "nobody@b.example"
    everyone = [failed, *others]
    originals = (
        "\nOriginal message recipients:\n    " + "\n    ".join(everyone) + "\n"
        if others
        else ""
    )
    if delay:
        notice = (
            "Delivery incomplete\n\n"
            f"There was a temporary problem delivering your message to:\n    {failed}{originals}\n\n"
            "Delivery will be retried. You'll be notified if the delivery fails permanently.\n\n"
            f"Technical details of the failure:\n\n{response}\n"
        )
    else:
        notice = (
            f"Delivery to the following recipient failed permanently:\n    {failed}{originals}\n\n"
            f"Technical details of permanent failure:\n\n{response}\n"
        )
    fields = (
        "Reporting-MTA: dns; mx.example.net\n"
        "X-ZoneMTA-Queue-ID: 18c6f1a2b3c000a1b2\n"
        "X-ZoneMTA-Sender: rfc822; bounces@erp.example.com\n"
        "Arrival-Date: Mon, 01 Jan 2024 09:00:00 +0000\n"
        "\n"
        f"Final-Recipient: rfc822; {failed}\n"
        f"Action: {'delayed' if delay else 'failed'}\n"
        f"Status: {'4.0.0' if delay else '5.0.0'}\n"
        + (f"Remote-MTA: dns; {mx}\n" if mx else "")
        + f"Diagnostic-Code: smtp; {response}\n"
    )
    status = "Delay" if delay else "Failure"
    raw = _report(
        notice,
        fields,
        sender="Mail Delivery Subsystem <mailer-daemon@mx.example.net>",
        subject=f"Delivery Status Notification ({status}: {failed})",
    ).decode()
    head = f"X-Failed-Recipients: {', '.join(everyone)}\n"
    return (head + raw).encode()


ZONEMTA = [
    (
        "rcpt-unknown",
        _zonemta(
            "550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown in virtual mailbox table",
            others=("someone@c.example",),
        ),
        "failure",
        "hard",
    ),
    (
        "blocklisted",
        _zonemta(
            "554 5.7.1 Service unavailable; Client host [198.51.100.1] blocked using zen.spamhaus.org"
        ),
        "failure",
        "blocked",
    ),
    (
        "network-error",
        _zonemta(
            "Network error: Error connecting to mx.b.example. connect ECONNREFUSED 192.0.2.7:25",
            mx=None,
        ),
        "failure",
        "soft",
    ),
    (
        "tls-policy",
        _zonemta(
            "Policy error: Failed to establish a TLS connection to the MX server as requested by policy",
            mx=None,
        ),
        "failure",
        "soft",
    ),
    (
        "delayed",
        _zonemta("451 4.7.1 Greylisting in action, please come back later", delay=True),
        "delay",
        "soft",
    ),
]


@pytest.mark.parametrize(
    ("raw", "kind", "category"),
    [case[1:] for case in ZONEMTA],
    ids=[case[0] for case in ZONEMTA],
)
def test_zonemta(raw, kind, category):
    _check(classify_message(raw), kind, category, ["nobody@b.example"])


# ZoneMTA's table of real replies and what to do about them
# (zone-eu/zone-mta @ cf94b992e3a5eb81f0bdf28455210227e68a44a9,
# config/bounces.txt: "# <example reply>" above "regex,action,category,
# message"); the categories it gives: greylist, blacklist, capacity,
# recipient.  (Its "550 DNS error when resolving MX server for <domain>:
# Domain name not found", category network, stays hard here: a domain that
# does not exist; and qmail's "domain isn't in my list of allowed
# rcpthosts", category recipient, stays relay_denied: the labelling guide's
# blocked.)
ZONEMTA_RULES = [
    (
        "421 4.7.1 Service unavailable; Client host [192.0.2.1] blocked using grey.rbl - Rechazo temporal, intentelo mas tarde por favor...Greylisting in action, please try again later",
        "soft",
        "greylisted",
    ),
    (
        "554 IP:192.0.2.1 - A problem occurred. (Ask your postmaster for help or to contact tosa@rx.t-online.de to clarify.)",
        "blocked",
        "ip_rejected",
    ),
    (
        "552 5.1.1 Boite du destinataire pleine. Recipient overquota. OFR_417 [417]",
        "soft",
        "mailbox_full",
    ),
    (
        "550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]",
        "hard",
        "mailbox_unknown",
    ),
    (
        "550 5.1.1 Mail Refused - Address <nobody@b.example> Recipient Unknown",
        "hard",
        "mailbox_unknown",
    ),
    (
        "554 delivery error: dd Not a valid recipient - atlas315.free.mail.ne1.yahoo.com",
        "hard",
        "mailbox_unknown",
    ),
    (
        "550 Rejected by header based Anti-Spoofing policy: nobody@b.example - https://community.mimecast.com/docs/DOC-1369#550 [_g67iKwmNreAb9PeazQFDQ.us227]",
        "blocked",
        None,
    ),
]


@pytest.mark.parametrize(("text", "category", "reason"), ZONEMTA_RULES)
def test_zonemta_bounce_rules_examples(text, category, reason):
    status, reply = codes_in(text)
    verdict = explain(status, reply, text)
    assert verdict.category == category, verdict
    if reason is not None:
        assert verdict.code == reason, verdict


# --------------------------------------------------------------------------
# Stalwart: stalwartlabs/mail-server @ 55e62a683048d934a3890e86e6384c65fc29b0f2
# crates/smtp/src/queue/dsn.rs ("Your message could not be delivered to the
# following recipients:", subject "Failed to deliver message"; "There was a
# temporary problem delivering your message to the following recipients:",
# "Warning: Delay in message delivery"; "Your message has been partially
# delivered:" with "----- Delivery to the following addresses was
# successful -----" / "----- Delivery to the following addresses failed
# -----"; per recipient "<addr> (host '%s' rejected command '%s' with code
# %d (%d.%d.%d) '%s')", "(failed to lookup '%s': %s)", "(connection to '%s'
# failed: %s)"; the delivery-status part's Status is the reply's enhanced
# code, else made of the reply code's digits ("550" gives "5.5.0", "553"
# "5.5.3"), "5.0.0" for an error of its own), crates/smtp/src/outbound/
# mod.rs ("Domain not found: %?"), delivery.rs ("Domain does not accept
# messages (null MX)").
# --------------------------------------------------------------------------


def _stalwart(lines, records, subject="Failed to deliver message", opening=None):
    notice = (
        opening or "Your message could not be delivered to the following recipients:"
    ) + f"\n\n{lines}\n"
    fields = (
        "Reporting-MTA: dns;mx.example.net\n"
        "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0100\n"
        "\n" + "\n".join(records)
    )
    return _report(
        notice,
        fields,
        sender="Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
        subject=subject,
    )


def _stalwart_record(address, action, status, diagnostic=None, remote=None):
    return (
        f"Final-Recipient: rfc822;{address}\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
        + (f"Diagnostic-Code: smtp;{diagnostic}\n" if diagnostic else "")
        + (f"Remote-MTA: dns;{remote}\n" if remote else "")
    )


def _stalwart_reply(code, esc, text, command="RCPT TO:<nobody@b.example>"):
    line = (
        f"<nobody@b.example> (host 'mx.b.example' rejected command '{command}'"
        f" with code {code} ({esc}) '{text}')"
    )
    record = _stalwart_record(
        "nobody@b.example", "failed", esc, f"{code} {text}", "mx.b.example"
    )
    return _stalwart(line, [record])


def _stalwart_own(text, status="5.0.0"):
    line = f"<nobody@b.example> ({text})"
    return _stalwart(line, [_stalwart_record("nobody@b.example", "failed", status)])


STALWART = [
    (
        "rcpt-unknown",
        _stalwart_reply(
            550,
            "5.1.1",
            "5.1.1 <nobody@b.example>: Recipient address rejected: User unknown",
        ),
        "hard",
    ),
    (
        # no enhanced code in the reply: Status "5.5.0" from "550"
        "rcpt-unknown-no-esc",
        _stalwart_reply(550, "5.5.0", "sorry, no mailbox here by that name. (#5.1.1)"),
        "hard",
    ),
    (
        # "553" gives "5.5.3", which is not "too many recipients" here
        "relay-no-esc",
        _stalwart_reply(
            553,
            "5.5.3",
            "sorry, that domain isn't in my list of allowed rcpthosts. (#5.7.1)",
        ),
        "blocked",
    ),
    (
        # "552" gives "5.5.2": the mailbox is full, not a syntax error
        "mailbox-full-no-esc",
        _stalwart_reply(552, "5.5.2", "Mailbox full", command="DATA"),
        "soft",
    ),
    (
        "spam-after-data",
        _stalwart_reply(
            554, "5.7.1", "5.7.1 Message rejected as spam", command="BDAT 1024 LAST"
        ),
        "blocked",
    ),
    (
        "domain-not-found",
        _stalwart_own("failed to lookup 'b.example': Domain not found: NXDomain"),
        "hard",
    ),
    (
        "null-mx",
        _stalwart_own(
            "failed to lookup 'b.example': Domain does not accept messages (null MX)"
        ),
        "hard",
    ),
    (
        "connection-failed",
        _stalwart_own(
            "connection to 'mx.b.example' failed: Connection refused (os error 111)"
        ),
        "soft",
    ),
]


@pytest.mark.parametrize(
    ("raw", "category"),
    [case[1:] for case in STALWART],
    ids=[case[0] for case in STALWART],
)
def test_stalwart(raw, category):
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


def test_stalwart_partial_delivery_reports_only_the_failed_recipient():
    lines = (
        "    ----- Delivery to the following addresses was successful -----\n"
        "<someone@c.example> (delivered to 'mx.c.example' with code 250 (2.0.0) '2.0.0 Ok: queued as 3F1A2B')\n"
        "\n"
        "    ----- Delivery to the following addresses failed -----\n"
        "<nobody@b.example> (host 'mx.b.example' rejected command 'RCPT TO:<nobody@b.example>' with code 550 (5.1.1) '5.1.1 User unknown')\n"
    )
    records = [
        _stalwart_record(
            "someone@c.example", "delivered", "2.0.0", "250 2.0.0 Ok", "mx.c.example"
        ),
        _stalwart_record(
            "nobody@b.example",
            "failed",
            "5.1.1",
            "550 5.1.1 User unknown",
            "mx.b.example",
        ),
    ]
    raw = _stalwart(
        lines,
        records,
        subject="Partially delivered message",
        opening="Your message has been partially delivered:",
    )
    _check(classify_message(raw), "failure", "hard", ["nobody@b.example"])


# --------------------------------------------------------------------------
# Apache James: apache/james-project @ 20bf8083e39be4a750f606e576a162087bb3f18a
# server/mailet/mailets/.../remote/delivery/Bouncer.java (explanationText:
# "Hi. This is the James mail server at %s. / I'm afraid I wasn't able to
# deliver your message to the following addresses. ...", the recipients
# one a line, then "Remote mail server told me: %s", "Unknown host: %s /
# This could be a DNS server error, a typo, or a problem with the
# recipient's mail server.", a ConnectException's own text ("Connection
# timed out: connect"), "Socket exception: %s"), MailDelivrerToHost.java
# ("Mail delivery failed; the receiving server does not support
# STARTTLS"), mailetcontainer-impl/.../JamesMailetContext.java (rawBounce:
# a reply, Subject "Re: <subject>", from the postmaster, text only);
# transport/mailets/DSNBounce.java (createTextMsg: "Original email subject:
# %s", "Failed recipient(s):" comma-separated, "Error message:"; the
# delivery-status part's "Status:" holds the error text itself, or
# defaultStatus "unknown", with "Diagnostic-Code: smtp; ..." or "X-James;
# ...").
# --------------------------------------------------------------------------

JAMES_HEAD = """Hi. This is the James mail server at mx.example.net.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out. Below
I include the list of recipients and the reason why I was unable to deliver
your message.

"""


def _james(reason):
    body = f"{JAMES_HEAD}nobody@b.example\n{reason}\n\n"
    raw = _mail(body, sender="postmaster@mx.example.net", subject="Re: Invoice 42")
    return raw.replace(
        b"Message-ID: <notice@mx.example.net>\n",
        b"Message-ID: replyTo-Mail1704099600000-1\n"
        b"In-Reply-To: <invoice-42@erp.example.com>\n",
    )


JAMES = [
    (
        "remote-told-me",
        "Remote mail server told me: 550 5.1.1 <nobody@b.example>... User unknown",
        "hard",
    ),
    (
        "unknown-host",
        "Unknown host: b.example\nThis could be a DNS server error, a typo, or a problem with the recipient's mail server.",
        "hard",
    ),
    ("connect-timeout", "Connection timed out: connect", "soft"),
    (
        "no-starttls",
        "Mail delivery failed; the receiving server does not support STARTTLS",
        "soft",
    ),
    (
        "remote-spam",
        "Remote mail server told me: 554 5.7.1 Message rejected as spam",
        "blocked",
    ),
]


@pytest.mark.parametrize(
    ("reason", "category"),
    [case[1:] for case in JAMES],
    ids=[case[0] for case in JAMES],
)
def test_james_bouncer(reason, category):
    _check(classify_message(_james(reason)), "failure", category, ["nobody@b.example"])


def _james_dsn(error, status=None, diagnostic_type="smtp"):
    status = status or error
    notice = (
        "Hi. This is the James mail server at mx.example.net.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.  Below\n"
        "I include the list of recipients and the reason why I was unable to deliver\n"
        "your message.\n"
        "\n"
        "Original email subject: Invoice 42\n"
        "\n"
        "Failed recipient(s):\n"
        "nobody@b.example\n"
        "\n" + (f"Error message:\n{error}\n\n" if error else "")
    )
    fields = (
        "Reporting-MTA: dns; mx.example.net\n"
        "Received-From-MTA: dns; erp.example.com\n"
        "\n"
        "Final-Recipient: rfc822; nobody@b.example\n"
        "Action: failed\n"
        f"Status: {status}\n"
        f"Diagnostic-Code: {diagnostic_type}; {status}\n"
        "Last-Attempt-Date: Mon, 1 Jan 2024 10:00:00 +0100\n"
    )
    return _report(notice, fields, sender="postmaster@mx.example.net")


@pytest.mark.parametrize(
    ("raw", "category"),
    [
        (_james_dsn("550 5.1.1 <nobody@b.example>... User unknown"), "hard"),
        (_james_dsn("552 5.2.2 Mailbox full"), "soft"),
        (_james_dsn(None, status="unknown", diagnostic_type="X-James"), "soft"),
    ],
    ids=["status-holds-the-reply", "mailbox-full", "status-unknown"],
)
def test_james_dsn_bounce(raw, category):
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


# --------------------------------------------------------------------------
# OpenSMTPD: OpenSMTPD/OpenSMTPD @ 3153385b02a0a155690061767491ca4009ccd4ee
# usr.sbin/smtpd/bounce.c (NOTICE_INTRO "    Hi! / This is the
# MAILER-DAEMON, please DO NOT REPLY to this email.", notice_error,
# notice_warning "A message is delayed for more than %s for the following
# list of recipients:", notice_warning2, notice_success "Your message was
# successfully delivered to these recipients.", notice_relay; one
# "%s@%s: %s" line per envelope; Subject "Delivery status notification:
# <action>"; the delivery-status part gives Final-Recipient, Action and
# Status only), usr.sbin/smtpd/mta.c (relay->failstr: "Domain does not
# exist", "Domain does not accept mail", "No MX found for domain",
# "Network error on destination MXs", "Destination seem to reject all
# mails", with ESC_OTHER_STATUS: X.0.0), queue.c ("Envelope expired",
# X.4.7).
# --------------------------------------------------------------------------

OPENSMTPD_INTRO = (
    "    Hi!\n\n    This is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\n"
)


def _opensmtpd(line, status, action="failed", with_dsn=True, notice=None):
    notice = notice or (
        "    An error has occurred while attempting to deliver a message for\n"
        "    the following list of recipients:\n\n"
    )
    text = f"{OPENSMTPD_INTRO}{notice}{line}\n\n"
    if action == "delayed":
        text += (
            "    Please note that this is only a temporary failure report.\n"
            "    The message is kept in the queue for up to 4 days.\n"
            "    You DO NOT NEED to re-send the message to these recipients.\n\n"
        )
    text += "    Below is a copy of the original message:\n"
    subject = f"Delivery status notification: {action}"
    sender = "Mailer Daemon <MAILER-DAEMON@mx.example.net>"
    if not with_dsn:
        return _mail(
            text + f"\nFrom: {SENDER}\nTo: nobody@b.example\nSubject: Invoice 42\n",
            sender=sender,
            subject=subject,
        )
    address = line.split(":", 1)[0]
    fields = (
        "Reporting-MTA: dns; mx.example.net\n\n"
        f"Final-Recipient: rfc822; {address}\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
    )
    return _report(text, fields, sender=sender, subject=subject)


OPENSMTPD = [
    (
        "rcpt-unknown",
        "nobody@b.example: 550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown",
        "5.1.1",
        "hard",
    ),
    (
        "domain-does-not-exist",
        "nobody@b.example: Domain does not exist",
        "5.0.0",
        "hard",
    ),
    (
        "domain-does-not-accept-mail",
        "nobody@b.example: Domain does not accept mail",
        "5.0.0",
        "hard",
    ),
    ("envelope-expired", "nobody@b.example: Envelope expired", "5.4.7", "soft"),
    (
        "network-error",
        "nobody@b.example: Network error on destination MXs",
        "5.0.0",
        "soft",
    ),
    (
        "mailbox-full",
        "nobody@b.example: 552 5.2.2 <nobody@b.example>: Mailbox full",
        "5.2.2",
        "soft",
    ),
]


@pytest.mark.parametrize(
    ("line", "status", "category"),
    [case[1:] for case in OPENSMTPD],
    ids=[case[0] for case in OPENSMTPD],
)
@pytest.mark.parametrize("with_dsn", [True, False], ids=["dsn", "text"])
def test_opensmtpd(line, status, category, with_dsn):
    raw = _opensmtpd(line, status, with_dsn=with_dsn)
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


def test_opensmtpd_delay_warning():
    notice = (
        "    A message is delayed for more than 4 hours for the following\n"
        "    list of recipients:\n\n"
    )
    for with_dsn in (True, False):
        raw = _opensmtpd(
            "slow@b.example: Network error on destination MXs",
            "4.0.0",
            action="delayed",
            with_dsn=with_dsn,
            notice=notice,
        )
        _check(classify_message(raw), "delay", "soft", ["slow@b.example"])


def test_opensmtpd_success_notice_is_not_a_failure():
    notice = "    Your message was successfully delivered to these recipients.\n\n"
    for with_dsn in (True, False):
        raw = _opensmtpd(
            "someone@b.example: 250 2.0.0 Ok: queued as 3F1A2B",
            "2.0.0",
            action="delivered",
            with_dsn=with_dsn,
            notice=notice,
        )
        assert classify_message(raw).kind == "none", with_dsn


# --------------------------------------------------------------------------
# Sendmail: hrs-allbsd/sendmail @ 19036c0d9fafa600b0748fc7ada98a939a56b0c8
# (a mirror of sendmail 8) sendmail/savemail.c ("The original message was
# received at %s", "   ----- The following addresses had permanent fatal
# errors -----", "    (reason: %s)", "    (expanded from: %s)", "   -----
# Transcript of session follows -----", Subject "Returned mail: see
# transcript for details"), sendmail/envelope.c (a timeout: "Cannot send
# message for %s", "Message could not be delivered for %s", "Message will
# be deleted from queue", status 4.4.7), sendmail/err.c ("Connection
# refused by %s", "Host %s is down", DNS "host not found" / "host name
# lookup failure"), libsm/strexit.c (sm_sysexmsg: "550 5.1.1 User
# unknown", "550 5.1.2 Host unknown", "554 5.0.0 Service unavailable",
# "554 5.3.5 Local configuration error", "450 4.0.0 Deferred").
# --------------------------------------------------------------------------


def _sendmail(reason, transcript):
    body = (
        "The original message was received at Mon, 1 Jan 2024 10:00:00 +0100\n"
        "from erp.example.com [198.51.100.1]\n"
        "\n"
        "   ----- The following addresses had permanent fatal errors -----\n"
        "<nobody@b.example>\n"
        f"    (reason: {reason})\n"
        "\n"
        "   ----- Transcript of session follows -----\n"
        f"{transcript}\n"
        "\n"
        "   ----- Original message follows -----\n"
        "\n"
        f"From: {SENDER}\nTo: nobody@b.example\nSubject: Invoice 42\n"
    )
    return _mail(
        body,
        sender="Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
        subject="Returned mail: see transcript for details",
    )


SENDMAIL_CASES = [
    (
        "expired",
        "Connection refused by mx.b.example.",
        "<nobody@b.example>... Deferred: Connection refused by mx.b.example.\n"
        "Message could not be delivered for 5 days\n"
        "Message will be deleted from queue",
        "soft",
    ),
    (
        "host-unknown",
        "550 5.1.2 Host unknown (Name server: b.example: host not found)",
        "550 5.1.2 <nobody@b.example>... Host unknown (Name server: b.example: host not found)",
        "hard",
    ),
    (
        "user-unknown-local",
        "550 5.1.1 <nobody@b.example>... User unknown",
        "550 5.1.1 <nobody@b.example>... User unknown",
        "hard",
    ),
    (
        "greeting-refused",
        "554 5.7.1 mx.b.example ESMTP not accepting messages",
        "... while talking to mx.b.example.:\n"
        "<<< 554 5.7.1 mx.b.example ESMTP not accepting messages\n"
        "554 5.0.0 Service unavailable",
        "blocked",
    ),
    (
        "data-refused",
        "554 5.7.1 Message rejected: spam content",
        "... while talking to mx.b.example.:\n"
        ">>> DATA\n"
        "<<< 554 5.7.1 Message rejected: spam content\n"
        "554 5.0.0 Service unavailable",
        "blocked",
    ),
    (
        "local-configuration-error",
        "554 5.3.5 Local configuration error",
        "554 5.3.5 <nobody@b.example>... Local configuration error",
        "soft",
    ),
]


@pytest.mark.parametrize(
    ("reason", "transcript", "category"),
    [case[1:] for case in SENDMAIL_CASES],
    ids=[case[0] for case in SENDMAIL_CASES],
)
def test_sendmail(reason, transcript, category):
    raw = _sendmail(reason, transcript)
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


# --------------------------------------------------------------------------
# qmail (notqmail/notqmail @ a7012e4fdf2f82f6aa5abe2f57e20831d238d774):
# qmail-send.c ("Hi. This is the qmail-send program at %s.", "I'm not going
# to try again; this message has been in the queue too long."),
# qmail-remote.c ("Sorry, I couldn't find any host named %s. (#5.1.2)",
# "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)",
# "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)",
# "Connected to %s but connection died. (#4.4.2)", "Sorry. Although I'm
# listed as a best-preference MX or A for that host, / it isn't in my
# control/locals file, so I don't treat it as local. (#5.4.6)"),
# qmail-local.c ("Sorry, no mailbox here by that name. (#5.1.1)", "This
# message is looping: it already has my Delivered-To line. (#5.4.6)").
# --------------------------------------------------------------------------


def _qmail(paragraph):
    body = (
        "Hi. This is the qmail-send program at mx.example.net.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n"
        "\n"
        f"<nobody@b.example>:\n{paragraph}\n"
        "\n"
        "--- Below this line is a copy of the message.\n"
        "\n"
        f"Return-Path: <{SENDER}>\nTo: nobody@b.example\nSubject: Invoice 42\n"
    )
    return _mail(body)


QMAIL_CASES = [
    ("no-mailbox", "Sorry, no mailbox here by that name. (#5.1.1)", "hard"),
    ("no-host", "Sorry, I couldn't find any host named b.example. (#5.1.2)", "hard"),
    (
        "no-mx-nor-ip",
        "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)",
        "hard",
    ),
    (
        "queue-too-long-no-connection",
        "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n"
        "I'm not going to try again; this message has been in the queue too long.",
        "soft",
    ),
    (
        "queue-too-long-connection-died",
        "Connected to 192.0.2.7 but connection died. (#4.4.2)\n"
        "I'm not going to try again; this message has been in the queue too long.",
        "soft",
    ),
    (
        "looping",
        "This message is looping: it already has my Delivered-To line. (#5.4.6)",
        "soft",
    ),
    (
        "mx-points-to-me",
        "Sorry. Although I'm listed as a best-preference MX or A for that host,\n"
        "it isn't in my control/locals file, so I don't treat it as local. (#5.4.6)",
        "soft",
    ),
]


@pytest.mark.parametrize(
    ("paragraph", "category"),
    [case[1:] for case in QMAIL_CASES],
    ids=[case[0] for case in QMAIL_CASES],
)
def test_qmail(paragraph, category):
    _check(
        classify_message(_qmail(paragraph)), "failure", category, ["nobody@b.example"]
    )


# Coremail's list of bounce texts (its support site, "退信提示": the replies
# its users see, icoremail.vip/support/index.php?cate_id=84), read without
# the SMTP stage (a text-only notice often gives none)
COREMAIL = [
    ("550 Requested mail action not taken: Invalid IP", "blocked"),
    ("553 Requested mail action not taken: Fake sender", "blocked"),
    ("553 Requested action not taken: NULL sender is not allowed", "blocked"),
    ("550 sender is rejected", "blocked"),
    ("451 IP is Hangup", "blocked"),
    ("550 User suspended", "hard"),
    ("550 User hangup", "hard"),
    ("550 User not found: nobody@b.example", "hard"),
    ("550 User in blacklist", "blocked"),
    ("550 Mailbox not found", "hard"),
    ("550 invalid user", "hard"),
    ("550 user disabled", "hard"),
    ("550 user not known", "hard"),
    ("550 local server don't exists that user", "hard"),
    ("550 not user of this server", "hard"),
    ("550 unavailable mail user", "hard"),
]


@pytest.mark.parametrize(("text", "category"), COREMAIL)
def test_coremail_listed_texts(text, category):
    status, reply = codes_in(text)
    assert explain(status, reply, text).category == category


# --------------------------------------------------------------------------
# Exim: Exim/exim @ 13835a3c1e057efad7da269c0f93bf2eac850205
# src/src/deliver.c (the bounce: "This message was created automatically by
# mail delivery software. / A message that you sent could not be delivered
# to one or more of its recipients. This is a permanent error. The
# following address(es) failed:", X-Failed-Recipients), transports/smtp.c
# ("all hosts for '%s' have been failing for a long time (and retry time
# not reached)"), retry.c ("%s: retry timeout exceeded"), route.c
# ("Unrouteable address"), routers/dnslookup.c ("all relevant MX records
# point to non-existent hosts"), transports/appendfile.c ("mailbox is
# full"), deliver.c ("Too many \"Received\" headers - suspected mail loop").
# --------------------------------------------------------------------------


def _exim(reason, address="nobody@b.example", generated=None):
    # print_address_information(addr, f, "  ", "\n    ", ""): the origin on
    # its own line
    origin = f"\n    (generated from {generated})" if generated else ""
    body = (
        "This message was created automatically by mail delivery software.\n"
        "\n"
        "A message that you sent could not be delivered to one or more of its\n"
        "recipients. This is a permanent error. The following address(es) failed:\n"
        "\n"
        f"  {address}{origin}\n"
        f"    {reason}\n"
        "\n"
        "------ This is a copy of the message, including all the headers. ------\n"
        "\n"
        f"From: {SENDER}\nTo: {generated or address}\nSubject: Invoice 42\n"
    )
    raw = _mail(
        body,
        sender="Mail Delivery System <Mailer-Daemon@mx.example.net>",
        subject="Mail delivery failed: returning message to sender",
    ).decode()
    return (f"X-Failed-Recipients: {address}\n" + raw).encode()


EXIM = [
    (
        "hosts-failing",
        "all hosts for 'b.example' have been failing for a long time (and retry time not reached)",
        "soft",
    ),
    ("retry-timeout", "retry timeout exceeded", "soft"),
    ("unrouteable", "Unrouteable address", "hard"),
    ("mx-nonexistent", "all relevant MX records point to non-existent hosts", "hard"),
    ("mailbox-full-expired", "mailbox is full: retry timeout exceeded", "soft"),
    (
        "rcpt-unknown",
        "host mx.b.example [192.0.2.7]\n"
        "    SMTP error from remote mail server after RCPT TO:<nobody@b.example>:\n"
        "    550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown",
        "hard",
    ),
    (
        "mail-from-refused",
        "host mx.b.example [192.0.2.7]\n"
        "    SMTP error from remote mail server after MAIL FROM:<bounces@erp.example.com> SIZE=2048:\n"
        "    550 5.7.1 Sender rejected",
        "blocked",
    ),
    (
        "mail-loop",
        'Too many "Received" headers - suspected mail loop',
        "soft",
    ),
]


@pytest.mark.parametrize(
    ("reason", "category"),
    [case[1:] for case in EXIM],
    ids=[case[0] for case in EXIM],
)
def test_exim(reason, category):
    _check(classify_message(_exim(reason)), "failure", category, ["nobody@b.example"])


def test_exim_generated_from_is_the_address_we_sent_to():
    raw = _exim("Unrouteable address", generated="alias@c.example")
    _check(classify_message(raw), "failure", "hard", ["alias@c.example"])


# --------------------------------------------------------------------------
# Cyrus IMAP's LMTP replies (cyrusimap/cyrus-imapd @
# 1f3a12931114d95a12c938d043d53a2cbcaf3eca, imap/lmtp_err.et:
# LMTP_USER_UNKNOWN_LONG "550-Mailbox unknown.  Either there is no mailbox
# associated with this / 550-name or you do not have authorization to see
# it." then "550 5.1.1 User unknown"; LMTP_MAILBOX_FULL "452 4.2.2 %s
# SESSIONID=<%s>" with imap_err.et's "Over quota"; LMTP_NOT_AUTHORIZED_LONG
# "550-You do not have permission to post a message to this mailbox." then
# "550 5.7.1 %s") as Postfix's lmtp client reports them.
# --------------------------------------------------------------------------

CYRUS = [
    (
        "user-unknown",
        "host mx.b.example[/var/lib/imap/socket/lmtp] said: 550-Mailbox unknown.  Either there is no mailbox associated with this 550-name or you do not have authorization to see it. 550 5.1.1 User unknown (in reply to RCPT TO command)",
        "hard",
    ),
    (
        "over-quota",
        "host mx.b.example[/var/lib/imap/socket/lmtp] said: 452 4.2.2 Over quota SESSIONID=<cyrus-1234-1704099600-1> (in reply to RCPT TO command)",
        "soft",
    ),
    (
        "not-authorized",
        "host mx.b.example[/var/lib/imap/socket/lmtp] said: 550-You do not have permission to post a message to this mailbox. 550-Please contact the owner of this mailbox in order to submit 550-your message, or postmaster@b.example if you believe you 550-received this message in error. 550 5.7.1 Permission denied (in reply to RCPT TO command)",
        "blocked",
    ),
]


@pytest.mark.parametrize(
    ("text", "category"),
    [case[1:] for case in CYRUS],
    ids=[case[0] for case in CYRUS],
)
def test_cyrus_lmtp_replies_in_a_postfix_bounce(text, category):
    raw = _mail(
        _postfix_text("nobody@b.example", text),
        subject="Undelivered Mail Returned to Sender",
    )
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


# --------------------------------------------------------------------------
# nullmailer: bruceg/nullmailer @ 79a8a45c4bd22b250f2765f239e95eb479232693
# src/dsn.cc (From "Message Delivery Subsystem <MAILER-DAEMON@%s>", Subject
# "Returned mail: Could not send message", "This is the nullmailer delivery
# system.  The message attached below could not be delivered to one or
# more of the intended recipients:" / "has not been delivered" for a
# delay; "Reporting-MTA: x-local-hostname; %s"), src/send.cc (parse_output:
# "Diagnostic-Code: SMTP; <the protocol's output>", the first X.Y.Z in it
# as the status, else 5.0.0), protocols/protocol.cc ("%s: Failed: %s"),
# lib/errcodes.cc ("Connection refused", "Connection timed out").
# --------------------------------------------------------------------------


def _nullmailer(output, status, delay=False):
    verb = "has not been" if delay else "could not be"
    notice = (
        "This is the nullmailer delivery system.  The message attached below\n"
        f"{verb} delivered to one or more of the intended recipients:\n\n"
        "\t<nobody@b.example>\n"
    )
    if delay:
        notice += (
            "\nDelivery will continue to be attempted until Tue, 02 Jan 2024 10:00:00 +0100.\n"
            "\nA final delivery status notification will be generated if delivery\n"
            "proves to be impossible within the configured time limit.\n"
        )
    fields = (
        "Reporting-MTA: x-local-hostname; erp.example.com\n"
        "Arrival-Date: Mon, 01 Jan 2024 10:00:00 +0100\n"
        "\n"
        "Final-Recipient: rfc822; nobody@b.example\n"
        f"Action: {'delayed' if delay else 'failed'}\n"
        f"Status: {status}\n"
        "Last-Attempt-Date: Mon, 01 Jan 2024 10:00:05 +0100\n"
        "Remote-MTA: dns; smtp.example.net\n"
        f"Diagnostic-Code: SMTP; {output}\n"
    )
    return _report(
        notice,
        fields,
        sender="Message Delivery Subsystem <MAILER-DAEMON@erp.example.com>",
        subject="Returned mail: Could not send message",
    )


@pytest.mark.parametrize(
    ("output", "status", "category"),
    [
        (
            "smtp: Failed: 550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown",
            "5.1.1",
            "hard",
        ),
        (
            "smtp: Failed: 554 5.7.1 <nobody@b.example>: Relay access denied",
            "5.7.1",
            "blocked",
        ),
        ("smtp: Failed: Connect failed", "5.0.0", "soft"),
    ],
    ids=["user-unknown", "relay-denied", "connect-failed"],
)
def test_nullmailer(output, status, category):
    raw = _nullmailer(output, status)
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


def test_nullmailer_delay():
    raw = _nullmailer("smtp: Failed: Connection timed out", "4.0.0", delay=True)
    _check(classify_message(raw), "delay", "soft", ["nobody@b.example"])


# --------------------------------------------------------------------------
# Courier: svarshavchik/courier @ fe506ccc6d496692ea153e5b2cb0a4dc5bdb7b69
# courier/courier/module.dsn/dsnheader.txt.in ("This is a delivery status
# notification from %s, / running the Courier mail server, version %s."),
# dsnfailed.txt ("UNDELIVERABLE MAIL / Your message to the following
# recipients cannot be delivered:"), dsndelayed.txt ("DELAYS IN DELIVERING
# YOUR MESSAGE / The delivery of the following E-mail message has been
# delayed.  This is an advisory notice only..."), dsndelivered.txt
# ("MESSAGE DELIVERED SUCCESSFULLY"), dsnfooter.txt, dsnsubjectwarn.txt
# ("WARNING: delayed mail."), dsnsubjectnotice.txt ("NOTICE: mail delivery
# status."), dsn.C (print_receipient "<%s>:", format_del_info "     %s:"
# for the peer, " *** %s" a connection error, " >>> %s" sent, " <<< %s"
# the reply).
# --------------------------------------------------------------------------

COURIER_HEAD = """This is a delivery status notification from mx.example.net,
running the Courier mail server, version 1.3.13.

The original message was received on Mon, 01 Jan 2024 10:00:00 +0100
from erp.example.com (erp.example.com [198.51.100.1])
"""

COURIER_FAILED = """
---------------------------------------------------------------------------

                           UNDELIVERABLE MAIL

Your message to the following recipients cannot be delivered:
"""

COURIER_DELAYED = """
---------------------------------------------------------------------------

                     DELAYS IN DELIVERING YOUR MESSAGE

The delivery of the following E-mail message has been delayed.  This is an
advisory notice only; it is sent only to notify you about a temporary delay
in delivering your message.  You DO NOT need to do anything at this time.
Additional attempts to deliver your message will be made.  Some possible
reasons for this delay:

   * Network congestion or failure.

   * The destination mail server is temporarily off-line.

Diagnostic information is provided below for each recipient.  If copies of
this message were sent to additional recipients, deliveries to those
addresses are not included in this notice.  This is an advisory notice for
the following addresses only:
"""

COURIER_DELIVERED = """
---------------------------------------------------------------------------

                    MESSAGE DELIVERED SUCCESSFULLY

Your E-mail requested a delivery notice/return receipt for the following
addresses:
"""

COURIER_FOOTER = """
---------------------------------------------------------------------------

If your message was also sent to additional recipients, their delivery
status is not included in this report.  You may or may not receive
other delivery status notifications for additional recipients.

The original message follows as a separate attachment.
"""


def _courier(section, info, subject="NOTICE: mail delivery status."):
    body = f"{COURIER_HEAD}{section}\n<nobody@b.example>:\n{info}\n{COURIER_FOOTER}"
    return _mail(body, sender="postmaster@mx.example.net", subject=subject)


COURIER_CASES = [
    (
        "rcpt-unknown",
        "     mx.b.example [192.0.2.7]:\n"
        " >>> RCPT TO:<nobody@b.example>\n"
        " <<< 550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown",
        "hard",
    ),
    (
        "data-spam",
        "     mx.b.example [192.0.2.7]:\n"
        " >>> DATA\n"
        " <<< 554 5.7.1 Message rejected as spam",
        "blocked",
    ),
    (
        "connection-error-expired",
        " *** Connection refused",
        "soft",
    ),
]


@pytest.mark.parametrize(
    ("info", "category"),
    [case[1:] for case in COURIER_CASES],
    ids=[case[0] for case in COURIER_CASES],
)
def test_courier(info, category):
    raw = _courier(COURIER_FAILED, info)
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


def test_courier_delay_notice():
    raw = _courier(
        COURIER_DELAYED,
        "     mx.b.example [192.0.2.7]:\n >>> RCPT TO:<nobody@b.example>\n"
        " <<< 451 4.7.1 Greylisted, please try again later",
        subject="WARNING: delayed mail.",
    )
    _check(classify_message(raw), "delay", "soft", ["nobody@b.example"])


def test_courier_return_receipt_is_not_a_failure():
    raw = _courier(
        COURIER_DELIVERED,
        "     mx.b.example [192.0.2.7]:\n >>> DATA\n <<< 250 2.0.0 Ok: queued as 3F1A2B",
    )
    assert classify_message(raw).kind == "none"


# sendmail/savemail.c: "----- The following addresses had successful
# delivery notifications -----" with "(relayed to non-DSN-aware mailer)",
# deliver.c "%s... relayed; expect no further notifications"; envelope.c
# sends it as "Return receipt"
SENDMAIL_RECEIPT = """The original message was received at Mon, 1 Jan 2024 10:00:00 +0100
from erp.example.com [198.51.100.1]

   ----- The following addresses had successful delivery notifications -----
<someone@b.example>  (relayed to non-DSN-aware mailer)

   ----- Transcript of session follows -----
<someone@b.example>... relayed; expect no further notifications

   ----- Original message follows -----

From: bounces@erp.example.com
To: someone@b.example
Subject: Invoice 42
"""


def test_sendmail_return_receipt_is_not_a_failure():
    raw = _mail(
        SENDMAIL_RECEIPT,
        sender="Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
        subject="Return receipt",
    )
    assert classify_message(raw).kind == "none"


def test_sendmail_failure_beside_a_receipt_lists_only_the_failed_address():
    body = SENDMAIL_RECEIPT.replace(
        "   ----- The following addresses had successful",
        "   ----- The following addresses had permanent fatal errors -----\n"
        "<nobody@b.example>\n"
        "    (reason: 550 5.1.1 <nobody@b.example>... User unknown)\n"
        "\n"
        "   ----- The following addresses had successful",
    )
    raw = _mail(
        body,
        sender="Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
        subject="Returned mail: see transcript for details",
    )
    _check(classify_message(raw), "failure", "hard", ["nobody@b.example"])


def test_stalwart_delay_without_its_dsn_part_is_a_delay():
    # the delivery-status part stripped (a forwarded notice): the text alone
    raw = _mail(
        "There was a temporary problem delivering your message to the following recipients:\n\n"
        "<slow@b.example> (connection to 'mx.b.example' failed: Connection refused (os error 111))\n",
        sender="Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
        subject="Warning: Delay in message delivery",
    )
    _check(classify_message(raw), "delay", "soft", ["slow@b.example"])


def test_stalwart_success_without_its_dsn_part_is_not_a_failure():
    raw = _mail(
        "Your message has been successfully delivered to the following recipients:\n\n"
        "<someone@b.example> (delivered to 'mx.b.example' with code 250 (2.0.0) '2.0.0 Ok: queued as 3F1A2B')\n",
        sender="Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
        subject="Successfully delivered message",
    )
    assert classify_message(raw).kind == "none"


@pytest.mark.parametrize(
    ("reason", "category"),
    [
        ("Quota exceeded (mailbox for user is full)", "soft"),
        ("I don't accept mail from you.", "blocked"),
    ],
    ids=["quota", "sieve-reject"],
)
def test_dovecot_rejection_without_its_report_part(reason, category):
    # lda-settings.c's text alone (a forwarded or stripped notice)
    raw = _mail(
        f"Your message to <nobody@b.example> was automatically rejected:\n{reason}\n",
        sender="Mail Delivery Subsystem <postmaster@mx.b.example>",
        subject="Rejected: Invoice 42",
    )
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


def test_zonemta_network_error_without_its_dsn_part():
    raw = _mail(
        "Delivery to the following recipient failed permanently:\n    nobody@b.example\n\n"
        "Technical details of permanent failure:\n\n"
        "Network error: Error connecting to mx.b.example. connect ECONNREFUSED 192.0.2.7:25\n",
        sender="Mail Delivery Subsystem <mailer-daemon@mx.example.net>",
        subject="Delivery Status Notification (Failure: nobody@b.example)",
    )
    _check(
        classify_message(raw), "failure", "soft", ["nobody@b.example"], "server_trouble"
    )


def test_nullmailer_delay_without_its_dsn_part():
    raw = _mail(
        "This is the nullmailer delivery system.  The message attached below\n"
        "has not been delivered to one or more of the intended recipients:\n\n"
        "\t<slow@b.example>\n\n"
        "Delivery will continue to be attempted until Tue, 02 Jan 2024 10:00:00 +0100.\n\n"
        "A final delivery status notification will be generated if delivery\n"
        "proves to be impossible within the configured time limit.\n",
        sender="Message Delivery Subsystem <MAILER-DAEMON@erp.example.com>",
        subject="Returned mail: Could not send message",
    )
    _check(classify_message(raw), "delay", "soft", ["slow@b.example"])


# --------------------------------------------------------------------------
# chasquid: albertito/chasquid @ ca2538b9745a448170dbd078c65b97c8821c33f9
# internal/queue/dsn.go (From "Mail Delivery System <postmaster-dsn@%s>",
# Subject "Mail delivery failed: returning message to sender",
# X-Failed-Recipients, "Delivery of your message to the following
# recipient(s) failed permanently:", '- "%s" (EMAIL) failed permanently with
# error:' or '... failed repeatedly and timed out, last error:'; a
# message/global-delivery-status part with "Original-Recipient: utf-8; %s",
# "Status: 5.0.0" (4.0.0 for the timed-out ones), "Diagnostic-Code: smtp;
# <error>"), internal/courier/smtp.go ("MAIL+RCPT %v", "DATA %v", "Could
# not find mail server: %v", "all MXs returned transient failures (last:
# %v)", "Could not dial: %v"), test/t-16-spf/expected_dsn.
# --------------------------------------------------------------------------


def _chasquid(error, timed_out=False):
    verb = (
        "failed repeatedly and timed out, last error:"
        if timed_out
        else "failed permanently with error:"
    )
    return (
        "From: Mail Delivery System <postmaster-dsn@mx.example.net>\n"
        f"To: <{SENDER}>\n"
        "Subject: Mail delivery failed: returning message to sender\n"
        "Message-ID: <chasquid-dsn-AbCdEf12@mx.example.net>\n"
        "In-Reply-To: <invoice-42@erp.example.com>\n"
        "X-Failed-Recipients: nobody@b.example, \n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status;\n    boundary="XyZ123"\n'
        "\n\n--XyZ123\n"
        'Content-Type: text/plain; charset="utf-8"\n'
        "Content-Disposition: inline\n"
        "Content-Description: Notification\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "Delivery of your message to the following recipient(s) failed permanently:\n"
        "\n  - nobody@b.example\n\n\n"
        f'Technical details:\n- "nobody@b.example" (EMAIL) {verb}\n    {error}\n'
        "\n\n--XyZ123\n"
        "Content-Type: message/global-delivery-status\n"
        "Content-Description: Delivery Report\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "Reporting-MTA: dns; mx.example.net\n"
        "\n"
        "Original-Recipient: utf-8; nobody@b.example\n"
        "Final-Recipient: utf-8; nobody@b.example\n"
        "Action: failed\n"
        f"Status: {'4.0.0' if timed_out else '5.0.0'}\n"
        f"Diagnostic-Code: smtp; {error}\n"
        "\n\n--XyZ123\n"
        "Content-Type: message/rfc822\n"
        "Content-Description: Undelivered Message\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        f"From: {SENDER}\nTo: nobody@b.example\nSubject: Invoice 42\n"
        "Message-ID: <invoice-42@erp.example.com>\n\nHello\n"
        "\n--XyZ123--\n"
    ).encode()


CHASQUID = [
    (
        "rcpt-unknown",
        'MAIL+RCPT 550 "5.1.1 <nobody@b.example>: Recipient address rejected: User unknown"',
        False,
        "hard",
    ),
    # test/t-16-spf/expected_dsn
    ("spf", 'MAIL+RCPT 550 "5.7.23 SPF check failed: matched all"', False, "blocked"),
    ("data-spam", 'DATA 554 "5.7.1 Message rejected as spam"', False, "blocked"),
    (
        "no-such-host",
        "Could not find mail server: lookup b.example on 127.0.0.53:53: no such host",
        False,
        "hard",
    ),
    (
        "timed-out",
        "all MXs returned transient failures (last: Could not dial: dial tcp 192.0.2.7:25: connect: connection refused)",
        True,
        "soft",
    ),
]


@pytest.mark.parametrize(
    ("error", "timed_out", "category"),
    [case[1:] for case in CHASQUID],
    ids=[case[0] for case in CHASQUID],
)
def test_chasquid(error, timed_out, category):
    raw = _chasquid(error, timed_out)
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


# --------------------------------------------------------------------------
# Citadel: mingodad/citadel (a mirror) @ 5e3befebe2ed0ce85324da3be83b21880dc7d069
# citadel/modules/smtp/serv_smtpqueue.c (smtpq_do_bounce: Subject "Delivery
# Status Notification (Failure)", "A message you sent could not be
# delivered to some or all of its recipients. / The following addresses
# were undeliverable:" or "... due to prolonged unavailability of its
# destination(s). / Giving up on the following addresses:", one
# " <address>: <status messages>" line per recipient, the original as
# message/rfc822; no delivery-status part).
# --------------------------------------------------------------------------


def _citadel(lines, give_up=False):
    intro = (
        "A message you sent could not be delivered to some or all of its recipients\n"
        "due to prolonged unavailability of its destination(s).\n"
        "Giving up on the following addresses:\n\n"
        if give_up
        else "A message you sent could not be delivered to some or all of its recipients.\n"
        "The following addresses were undeliverable:\n\n"
    )
    return (
        "From: Citadel <citadel@mx.example.net>\n"
        f"To: {SENDER}\n"
        "Subject: Delivery Status Notification (Failure)\n"
        "MIME-Version: 1.0\n"
        'Content-type: multipart/mixed; boundary="=_Citadel_Multipart_mx_0001"\n'
        "\n"
        "This is a multipart message in MIME format.\n\n"
        "--=_Citadel_Multipart_mx_0001\n"
        "Content-type: text/plain\n\n"
        f"{intro}{lines}\n"
        "--=_Citadel_Multipart_mx_0001\n"
        "Content-type: message/rfc822\n\n"
        f"From: {SENDER}\nTo: nobody@b.example\nSubject: Invoice 42\n\nHello\n"
        "--=_Citadel_Multipart_mx_0001--\n"
    ).encode()


def test_citadel():
    unknown = " nobody@b.example: 550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown\n"
    _check(classify_message(_citadel(unknown)), "failure", "hard", ["nobody@b.example"])
    full = unknown + " other@c.example: 552 5.2.2 Mailbox full\n"
    _check(
        classify_message(_citadel(full)),
        "failure",
        "hard",
        ["nobody@b.example", "other@c.example"],
    )
    gave_up = " nobody@b.example: Connection refused\n"
    _check(
        classify_message(_citadel(gave_up, give_up=True)),
        "failure",
        "soft",
        ["nobody@b.example"],
    )
