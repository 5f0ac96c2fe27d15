# ruff: noqa: E501  (the templates keep their programs' long lines)
"""Bounce texts of open-source mail software, from their source code (2).

A second batch beside ``test_bounce_mta_sources.py``: content filters and
policy daemons whose refusal texts reach our bounces as a remote server's
diagnostic (amavisd-new, Rspamd, MIMEDefang, clamav-milter, OpenDMARC,
postgrey, sqlgrey, milter-greylist, pypolicyd-spf, postfix-policyd-spf-perl,
qpsmtpd's plugins), the notices of mailing-list managers (GNU Mailman 2 and
3, ezmlm-idx, Sympa) and of the DragonFly Mail Agent.  Each fixture is
built from the exact texts the program writes; the comment above it names
the repository, commit and files.  A filter's reply is put where it is
read in a real bounce: in a Postfix notice and DSN, "host ... said: <reply>
(in reply to <stage>)", at the stage the program answers.  Hosts and
addresses are reserved ones (``*.example``, 192.0.2.0/24, 198.51.100.0/24).
They are unit fixtures, not part of the measured corpus.
"""

import pytest

from distribution.bounce import classify_message

from .test_bounce_mta_sources import (
    SENDER,
    _check,
    _mail,
    _postfix_dsn,
    _postfix_text,
    _qmail,
    _report,
)

RCPT = "RCPT TO"
DATA = "end of DATA"
MAIL = "MAIL FROM"


def _said(reply, stage):
    return f"host mx.b.example[192.0.2.7] said: {reply} (in reply to {stage} command)"


def _both(reply, status, stage):
    """The same refusal as Postfix reports it: the notice alone, and the
    notice with its delivery-status part."""
    text = _said(reply, stage)
    notice = _mail(
        _postfix_text("nobody@b.example", text),
        sender="MAILER-DAEMON@mx.example.net (Mail Delivery System)",
        subject="Undelivered Mail Returned to Sender",
    )
    dsn = _postfix_dsn("nobody@b.example", status, "mx.b.example", "smtp", text)
    return notice, dsn


def _assert_filter(reply, status, stage, category, reason):
    for raw in _both(reply, status, stage):
        _check(classify_message(raw), "failure", category, ["nobody@b.example"], reason)


# --------------------------------------------------------------------------
# Rspamd: rspamd/rspamd @ eaac8e914ef09f837fe53cc4973e0b2312ab1118
# src/libserver/milter_internal.h (RSPAMD_MILTER_RCODE_REJECT "554",
# RSPAMD_MILTER_XCODE_REJECT "5.7.1", RSPAMD_MILTER_REJECT_MESSAGE "Spam
# message rejected", RSPAMD_MILTER_QUARANTINE_MESSAGE "Spam message
# quarantined", RSPAMD_MILTER_RCODE_TEMPFAIL "451", RSPAMD_MILTER_XCODE_
# TEMPFAIL "4.7.1", RSPAMD_MILTER_TEMPFAIL_MESSAGE "Try again later"; the
# milter answers at the end of the data), conf/modules.d/greylist.conf
# (message = "Try again later", action "soft reject"),
# src/plugins/lua/ratelimit.lua ('Ratelimit "%s" exceeded', a soft reject),
# lualib/lua_scanners/clamav.lua ('${SCANNER}: virus found: "${VIRUS}"'),
# src/plugins/lua/mx_check.lua ('Domain published RFC 7505 Null MX': the
# *sender's* domain, checked on the message).
# --------------------------------------------------------------------------

RSPAMD = [
    (
        "reject",
        "554 5.7.1 Spam message rejected",
        "5.7.1",
        DATA,
        "blocked",
        "spam_content",
    ),
    (
        "quarantine",
        "554 5.7.1 Spam message quarantined",
        "5.7.1",
        DATA,
        "blocked",
        "spam_content",
    ),
    # greylisted until the queue expired: temporary, nothing about us
    ("greylist", "451 4.7.1 Try again later", "4.7.1", DATA, "soft", None),
    (
        "ratelimit",
        '451 4.7.1 Ratelimit "bounce_to" exceeded',
        "4.7.1",
        DATA,
        "soft",
        "rate_limited",
    ),
    (
        "antivirus",
        '554 5.7.1 clamav: virus found: "Eicar-Signature"',
        "5.7.1",
        DATA,
        "blocked",
        "virus",
    ),
    (
        # the null MX is our sender domain's (the recipient was accepted)
        "sender-null-mx",
        "554 5.7.1 Domain published RFC 7505 Null MX",
        "5.7.1",
        DATA,
        "blocked",
        None,
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "category", "reason"),
    [case[1:] for case in RSPAMD],
    ids=[case[0] for case in RSPAMD],
)
def test_rspamd_replies(reply, status, stage, category, reason):
    _assert_filter(reply, status, stage, category, reason)


# --------------------------------------------------------------------------
# amavisd-new 2.412: tajohnson/amavisd-new @
# bc8bc025094204c7418351777ec82601186150f5 (a copy of the release)
# amavisd: %smtp_reason_by_ccat ('id=%n - INFECTED: %V', 'id=%n - BANNED:
# %F', 'id=%n - UNCHECKED: encrypted', 'id=%n - spam', 'id=%n - spammy
# (tag3)', 'id=%n - BAD HEADER: nonencoded 8-bit character', 'id=%n -
# Message size exceeds recipient\'s size limit'); the status by contents
# category ("554 5.7.0" for virus, banned, unchecked, spam; "554 5.6.3" for
# a non-encoded 8-bit header; "552 5.3.4" oversized); the response
# sprintf("%s %s%s%s", status, "Reject" | "Bounce" | "Temporary failure",
# ...) -- "Reject" when amavisd answers the MTA in the SMTP session (a
# before-queue filter: the sending MTA's bounce quotes it after the data),
# "Bounce" in its own DSN; the DSN (delivery_status_notification:
# "Reporting-MTA: dns; %s", "Final-Recipient", "Action: failed", "Status",
# "Diagnostic-Code: smtp; <response>", "Last-Attempt-Date", "Final-Log-ID")
# and its templates after __DATA__: the neutral one (Subject "Undeliverable
# mail, <ccat>", "The message WAS NOT relayed to:", "This nondelivery
# report was generated by the program amavisd-new at host %h. Our internal
# reference code for your message is %n/%i"), the virus/banned one
# (Subject "BANNED contents from you (%F)", "BANNED CONTENTS ALERT", "Our
# content checker found", "in email presumably from you %s / to the
# following recipient: / -> %R", "Delivery of the email was stopped!"), the
# spam one (Subject "Considered UNSOLICITED BULK EMAIL, apparently from
# you", "A message from %s / to: %R / was considered unsolicited bulk
# e-mail (UBE)."); From '"Content-filter at %h" <postmaster@%h>'.
# --------------------------------------------------------------------------

AMAVIS_REPLIES = [
    (
        "spam",
        "554 5.7.0 Reject, id=12345-01 - spam",
        "5.7.0",
        "blocked",
        "spam_content",
    ),
    (
        "spammy",
        "554 5.7.0 Reject, id=12345-01 - spammy (tag3)",
        "5.7.0",
        "blocked",
        "spam_content",
    ),
    (
        "infected",
        "554 5.7.0 Reject, id=12345-01 - INFECTED: Eicar-Test-Signature",
        "5.7.0",
        "blocked",
        "virus",
    ),
    (
        "banned",
        "554 5.7.0 Reject, id=12345-01 - BANNED: .exe,.exe-ms,invoice.exe",
        "5.7.0",
        "blocked",
        None,
    ),
    (
        "unchecked",
        "554 5.7.0 Reject, id=12345-01 - UNCHECKED: encrypted",
        "5.7.0",
        "blocked",
        None,
    ),
    (
        "bad-header",
        "554 5.6.3 Reject, id=12345-01 - BAD HEADER: nonencoded 8-bit character",
        "5.6.3",
        "blocked",
        "content_rejected",
    ),
    (
        "oversized",
        "552 5.3.4 Reject, id=12345-01 - Message size exceeds recipient's size limit",
        "5.3.4",
        "soft",
        "message_too_large",
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "category", "reason"),
    [case[1:] for case in AMAVIS_REPLIES],
    ids=[case[0] for case in AMAVIS_REPLIES],
)
def test_amavis_smtp_replies(reply, status, category, reason):
    _assert_filter(reply, status, DATA, category, reason)


AMAVIS_FROM = '"Content-filter at mx.b.example" <postmaster@mx.b.example>'
AMAVIS_HEADERS = (
    "Return-Path: <bounces@erp.example.com>\n"
    "From: Accounting <bounces@erp.example.com>\n"
    "Message-ID: <invoice-42@erp.example.com>\n"
    "Subject: Invoice 42\n"
)


def _amavis_fields(response, status):
    return (
        "Reporting-MTA: dns; mx.b.example\n"
        "Received-From-MTA: dns; erp.example.com ([198.51.100.1])\n"
        "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0100 (CET)\n"
        "\n"
        "Original-Recipient: rfc822;nobody@b.example\n"
        "Final-Recipient: rfc822;nobody@b.example\n"
        "Action: failed\n"
        f"Status: {status}\n"
        f"Diagnostic-Code: smtp; {response}\n"
        "Last-Attempt-Date: Mon, 1 Jan 2024 10:00:02 +0100 (CET)\n"
        "Final-Log-ID: 12345-01/AbCdEfGh\n"
    )


def _amavis_neutral(response, status, subject, badh=""):
    notice = (
        "The message WAS NOT relayed to:\n"
        "  <nobody@b.example>\n"
        "\n"
        "This nondelivery report was generated by the program amavisd-new at host\n"
        "mx.b.example. Our internal reference code for your message is\n"
        "12345-01/AbCdEfGh\n"
        "\n"
        f"{badh}" + AMAVIS_HEADERS
    )
    return _report(
        notice, _amavis_fields(response, status), sender=AMAVIS_FROM, subject=subject
    )


def _amavis_virus(response, status, kind, found, subject):
    notice = (
        f"{kind}\n"
        "\n"
        "Our content checker found\n"
        f"    {found}\n"
        "\n"
        "in email presumably from you <bounces@erp.example.com>\n"
        "to the following recipient:\n"
        "-> nobody@b.example\n"
        "\n"
        "Our internal reference code for your message is 12345-01/AbCdEfGh\n"
        "\n"
        "First upstream SMTP client IP address: [198.51.100.1]:41234\n"
        "\n"
        "Received trace: ESMTP://[198.51.100.1]:41234\n"
        "\n" + AMAVIS_HEADERS + "\nDelivery of the email was stopped!\n"
    )
    return _report(
        notice, _amavis_fields(response, status), sender=AMAVIS_FROM, subject=subject
    )


def _amavis_spam(response, status):
    notice = (
        "A message from <bounces@erp.example.com>\n"
        "to: <nobody@b.example>\n"
        "\n"
        "was considered unsolicited bulk e-mail (UBE).\n"
        "\n"
        "Our internal reference code for your message is 12345-01/AbCdEfGh\n"
        "\n"
        "The message carried your return address, so it was either a genuine mail\n"
        "from you, or a sender address was faked and your e-mail address abused\n"
        "by third party, in which case we apologize for undesired notification.\n"
        "\n" + AMAVIS_HEADERS + "\nDelivery of the email was stopped!\n"
    )
    return _report(
        notice,
        _amavis_fields(response, status),
        sender=AMAVIS_FROM,
        subject="Considered UNSOLICITED BULK EMAIL, apparently from you",
    )


AMAVIS_DSNS = [
    (
        "banned",
        _amavis_virus(
            "554 5.7.0 Bounce, id=12345-01 - BANNED: .exe,.exe-ms,invoice.exe",
            "5.7.0",
            "BANNED CONTENTS ALERT",
            "banned name: .exe,.exe-ms,invoice.exe",
            "BANNED contents from you (.exe,.exe-ms,invoice.exe)",
        ),
        "blocked",
    ),
    (
        "virus",
        _amavis_virus(
            "554 5.7.0 Bounce, id=12345-01 - INFECTED: Eicar-Test-Signature",
            "5.7.0",
            "VIRUS ALERT",
            "virus: Eicar-Test-Signature",
            "VIRUS in message apparently from you (Eicar-Test-Signature)",
        ),
        "blocked",
    ),
    ("spam", _amavis_spam("554 5.7.0 Bounce, id=12345-01 - spam", "5.7.0"), "blocked"),
    (
        "bad-header",
        _amavis_neutral(
            "554 5.6.3 Bounce, id=12345-01 - BAD HEADER: nonencoded 8-bit character",
            "5.6.3",
            "Undeliverable mail, invalid header section: unencoded 8-bit character",
            "INVALID HEADER: INVALID NON-ASCII CHARACTERS IN HEADER SECTION\n\n",
        ),
        "blocked",
    ),
    (
        "oversized",
        _amavis_neutral(
            "552 5.3.4 Bounce, id=12345-01 - Message size exceeds recipient's size limit",
            "5.3.4",
            "Undeliverable mail, OVERSIZED message",
        ),
        "soft",
    ),
]


@pytest.mark.parametrize(
    ("raw", "category"),
    [case[1:] for case in AMAVIS_DSNS],
    ids=[case[0] for case in AMAVIS_DSNS],
)
def test_amavis_own_notices(raw, category):
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


# --------------------------------------------------------------------------
# MIMEDefang: The-McGrail-Foundation/MIMEDefang @
# 52e0727e0993cae6a01ec0f58e39e5c8aedf6b2a
# modules/lib/Mail/MIMEDefang/Actions.pm (action_bounce: "554" and "5.7.1"
# unless given; action_tempfail: "Try again later", 451 and 4.3.0),
# mimedefang.pl.in (send_filter_answer: a TEMPFAIL from filter_recipient
# is 451 4.3.0, a REJECT 554 5.7.1; "Message contained too many MIME
# parts.  We do not accept such complicated messages."),
# examples/suggested-minimum-filter-for-windows-clients ("MIME type
# message/partial not accepted here"), contrib/greylisting/mimedefang-filter
# ("Email greylisted, please come back later").
# --------------------------------------------------------------------------

MIMEDEFANG = [
    (
        "partial",
        "554 5.7.1 MIME type message/partial not accepted here",
        "5.7.1",
        DATA,
        "blocked",
    ),
    (
        "too-many-parts",
        "554 5.7.1 Message contained too many MIME parts.  We do not accept such complicated messages.",
        "5.7.1",
        DATA,
        "blocked",
    ),
    ("tempfail", "451 4.3.0 Try again later", "4.3.0", DATA, "soft"),
    (
        "greylisted",
        "451 4.3.0 Email greylisted, please come back later",
        "4.3.0",
        RCPT,
        "soft",
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "category"),
    [case[1:] for case in MIMEDEFANG],
    ids=[case[0] for case in MIMEDEFANG],
)
def test_mimedefang_replies(reply, status, stage, category):
    _assert_filter(reply, status, stage, category, None)


# --------------------------------------------------------------------------
# Greylisting policy daemons and milters, as a Postfix bounce reports them
# once the queue lifetime ran out:
# postgrey: schweikert/postgrey @ 6228bd1757591f15551d366befeaedf3b5bb136c
# postgrey (greylist_action DEFER_IF_PERMIT, greylist_text "Greylisted, see
# http://postgrey.schweikert.ch/help/%r.html"; Postfix's reply to a
# DEFER_IF_PERMIT is "450 4.7.1 <rcpt>: Recipient address rejected: <text>",
# 4.2.0 on older Postfix);
# sqlgrey: mmatuska/sqlgrey @ ae84f79ed905c2c9ff4c7ec8bb197a87ccde3fad
# sqlgrey (reject_code 450; "Greylisted for <n> minutes", "Throttling too
# many connections from new source -  Try again later.");
# milter-greylist: ryoqun/milter-greylist @
# b0a039272d4daaaf76cc66b897073bfa4123ef52 milter-greylist.c ("451",
# "4.7.1", "Greylisting in action, please come back in %R", the time as
# hh:mm:ss).
# --------------------------------------------------------------------------

GREYLISTING = [
    (
        "postgrey",
        "450 4.7.1 <nobody@b.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/b.example.html",
        "4.7.1",
    ),
    (
        "postgrey-old-postfix",
        "450 4.2.0 <nobody@b.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/b.example.html",
        "4.2.0",
    ),
    (
        "sqlgrey",
        "450 4.7.1 <nobody@b.example>: Recipient address rejected: Greylisted for 5 minutes",
        "4.7.1",
    ),
    (
        "milter-greylist",
        "451 4.7.1 Greylisting in action, please come back in 00:25:00",
        "4.7.1",
    ),
]


@pytest.mark.parametrize(
    ("reply", "status"),
    [case[1:] for case in GREYLISTING],
    ids=[case[0] for case in GREYLISTING],
)
def test_greylisting_until_expiry_is_soft(reply, status):
    _assert_filter(reply, status, RCPT, "soft", "greylisted")


def test_sqlgrey_throttling_is_a_rate_limit():
    reply = "450 4.7.1 <nobody@b.example>: Recipient address rejected: Throttling too many connections from new source -  Try again later."
    _assert_filter(reply, "4.7.1", RCPT, "soft", "rate_limited")


# --------------------------------------------------------------------------
# SPF, DKIM and DMARC checkers:
# pypolicyd-spf (spf-engine): mstraubAC/spf-engine-debian @
# bbb3b8cfa4ffd883d47bfb29b9efb36b9681b369 spf_engine/policydspfsupp.py
# ('Reason_Message': 'Message {rejectdefer} due to: {spf}. Please see
# {url}'), spf_engine/__init__.py (_rejectmessage: "rejected" / "deferred",
# the url "http://www.openspf.net/Why?s={0};id={1};ip={2};r={3}"),
# spf_engine/policyd_spf.py ("550 5.7.23" for a fail, "defer_if_permit
# 4.7.24" for a temporary error), pyspf's explanations ("SPF fail - not
# authorized", 'SPF Temporary Error: ' + the DNS error);
# postfix-policyd-spf-perl: pbruna/postfix-policyd-spf-perl @
# d1b4ed9a47704dec1c1dba477a19ddb1b924deb1 postfix-policyd-spf-perl.pl
# ("550 $authority_exp": Mail::SPF's default authority explanation "Please
# see http://www.openspf.org/Why?scope=%{_scope};identity=%{S};ip=%{I}");
# OpenDMARC: trusteddomainproject/OpenDMARC @
# bf37d53dace41970cce50f339397fffed2885261 opendmarc/opendmarc.c ("rejected
# by DMARC policy for %s" with DMARC_REJECT_SMTP "550" and DMARC_REJECT_ESC
# "5.7.1", opendmarc.h), at the end of the data.
# --------------------------------------------------------------------------

AUTHENTICATION = [
    (
        "pypolicyd-spf-fail",
        "550 5.7.23 <nobody@b.example>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=bounces@erp.example.com;ip=198.51.100.1;r=<UNKNOWN>",
        "5.7.23",
        RCPT,
        "blocked",
        "auth_failed",
    ),
    (
        "pypolicyd-spf-fail-old-status",
        "550 5.7.1 <nobody@b.example>: Recipient address rejected: Message rejected due to: SPF fail - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=bounces@erp.example.com;ip=198.51.100.1;r=nobody@b.example",
        "5.7.1",
        RCPT,
        "blocked",
        "auth_failed",
    ),
    (
        # the check of our SPF record failed with a DNS error for the whole
        # queue lifetime: RFC 7372's X.7.24 "SPF validation error", the
        # cause in our domain's DNS, so the remedy is ours (blocked), not a
        # retry
        "pypolicyd-spf-temperror",
        "450 4.7.24 <nobody@b.example>: Recipient address rejected: Message deferred due to: SPF Temporary Error: DNS Timeout. Please see http://www.openspf.net/Why?s=mfrom;id=bounces@erp.example.com;ip=198.51.100.1;r=<UNKNOWN>",
        "4.7.24",
        RCPT,
        "blocked",
        "auth_failed",
    ),
    (
        "policyd-spf-perl",
        "550 5.7.1 <nobody@b.example>: Recipient address rejected: Please see http://www.openspf.org/Why?scope=mfrom;identity=bounces@erp.example.com;ip=198.51.100.1",
        "5.7.1",
        RCPT,
        "blocked",
        "auth_failed",
    ),
    (
        "opendmarc",
        "550 5.7.1 rejected by DMARC policy for erp.example.com",
        "5.7.1",
        DATA,
        "blocked",
        "auth_failed",
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "category", "reason"),
    [case[1:] for case in AUTHENTICATION],
    ids=[case[0] for case in AUTHENTICATION],
)
def test_authentication_checkers(reply, status, stage, category, reason):
    _assert_filter(reply, status, stage, category, reason)


# --------------------------------------------------------------------------
# clamav-milter: Cisco-Talos/clamav @ 00ea836b9180620bbf2acfff840c71e163f2a3be
# clamav-milter/clamfi.c (OnInfected Reject: smfi_setreply(ctx, "550",
# "5.7.1", RejectMsg with %v the virus name); without RejectMsg the milter
# only returns SMFIS_REJECT and the receiving Postfix answers its own
# default "550 5.7.1 Command rejected" (vdukhovni/postfix @
# 17830e5c13c160d51c95cb971d137a46de84e48c, postfix/src/milter/milter8.c).
# --------------------------------------------------------------------------

CLAMAV_MILTER = [
    ("reject-msg", "550 5.7.1 Virus found: Eicar-Test-Signature", "blocked", "virus"),
    ("postfix-default", "550 5.7.1 Command rejected", "blocked", None),
]


@pytest.mark.parametrize(
    ("reply", "category", "reason"),
    [case[1:] for case in CLAMAV_MILTER],
    ids=[case[0] for case in CLAMAV_MILTER],
)
def test_clamav_milter(reply, category, reason):
    _assert_filter(reply, "5.7.1", DATA, category, reason)


# --------------------------------------------------------------------------
# qpsmtpd: smtpd/qpsmtpd @ df5b04d857e6f6602cef0dd4f2c09f163e20672f
# plugins (sender_permitted_from: DENY "SPF - fail: $why" at MAIL FROM;
# karma: "very bad karma: $karma"; dnsbl: "Blocked by $dnsbl"; headers:
# "Headers are missing"; dmarc: "failed DMARC policy"; dkim: "invalid DKIM
# signature with sign-all policy", DENYSOFT "Please try again later -
# $dkim->result_detail"; virus/clamdscan: "Virus found: $found";
# greylisting: "This mail is temporarily denied"; qmail_deliverable:
# "Sorry, no mailbox by that name. qd (#5.1.1)"), lib/Qpsmtpd/DSN.pm
# (relaying_denied "Relaying denied" X.7.1, media_unsupported X.6.1 with
# dspam's "dspam says, no spam please", too_many_hops "Too many hops"
# X.4.6).  A plain DENY carries no enhanced code.
# --------------------------------------------------------------------------

QPSMTPD = [
    (
        "spf-fail",
        "550 SPF - fail: Please see http://www.openspf.org/Why?s=mfrom;id=bounces@erp.example.com;ip=198.51.100.1;r=mx.b.example",
        "5.0.0",
        MAIL,
        "blocked",
        "auth_failed",
    ),
    ("karma", "550 very bad karma: -6", "5.0.0", RCPT, "blocked", "reputation"),
    (
        "dnsbl",
        "550 Blocked by zen.spamhaus.org",
        "5.0.0",
        RCPT,
        "blocked",
        "blocklisted",
    ),
    ("headers-missing", "550 Headers are missing", "5.0.0", DATA, "blocked", None),
    ("dmarc", "550 failed DMARC policy", "5.0.0", DATA, "blocked", "auth_failed"),
    (
        "dkim",
        "550 invalid DKIM signature with sign-all policy",
        "5.0.0",
        DATA,
        "blocked",
        "auth_failed",
    ),
    (
        "dkim-tempfail",
        "451 Please try again later - no key",
        "4.0.0",
        DATA,
        "soft",
        None,
    ),
    (
        "virus",
        "550 Virus found: Eicar-Test-Signature",
        "5.0.0",
        DATA,
        "blocked",
        "virus",
    ),
    (
        "dspam",
        "554 5.6.1 dspam says, no spam please",
        "5.6.1",
        DATA,
        "blocked",
        "spam_content",
    ),
    ("greylisting", "450 This mail is temporarily denied", "4.0.0", RCPT, "soft", None),
    (
        "relaying-denied",
        "550 5.7.1 Relaying denied",
        "5.7.1",
        RCPT,
        "blocked",
        "relay_denied",
    ),
    (
        "no-mailbox",
        "550 5.1.1 Sorry, no mailbox by that name. qd (#5.1.1)",
        "5.1.1",
        RCPT,
        "hard",
        "mailbox_unknown",
    ),
    ("too-many-hops", "554 5.4.6 Too many hops", "5.4.6", DATA, "soft", None),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "category", "reason"),
    [case[1:] for case in QPSMTPD],
    ids=[case[0] for case in QPSMTPD],
)
def test_qpsmtpd_plugins(reply, status, stage, category, reason):
    _assert_filter(reply, status, stage, category, reason)


# --------------------------------------------------------------------------
# GNU Mailman 2: jaredmauch/mailman2-python3 @
# b0de82ecac10b77b38e57ea472d18c6345ffd8c2 (Mailman 2.1's texts)
# Mailman/Handlers/Moderate.py (do_reject: "Your message has been rejected,
# probably because you are not subscribed to the / mailing list and the
# list's policy is to prohibit non-members from posting to / it.  If you
# think that your messages are being rejected in error, contact the /
# mailing list owner at %(listowner)s."), Mailman/Bouncer.py (BounceMessage:
# a UserNotification from the list's -owner address to the poster, the
# poster's own Subject, multipart/mixed with the notice and the message),
# templates/en/refuse.txt and Mailman/ListAdmin.py (__refuse: Subject
# "Request to mailing list %(realname)s rejected", 'Posting of your message
# titled "%s"'), templates/en/postheld.txt and Mailman/Handlers/Hold.py
# (Subject "Your message to %(listname)s awaits moderator approval", reason
# "Post by non-member to a members-only list"); Mailman 3's postheld.txt
# (terencehonles/mailman @ fe405ddae97cc792a343e3665b9ea645b9cf4539,
# src/mailman/templates/en/postheld.txt) is the same text.
# --------------------------------------------------------------------------


def _mailman_reject():
    raw = (
        "From: sales-owner@lists.example\n"
        f"To: {SENDER}\n"
        "Subject: Invoice 42\n"
        "Message-ID: <mailman.1.1704099600.1234.sales@lists.example>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="===============1=="\n'
        "X-Mailman-Version: 2.1.39\n"
        "Precedence: bulk\n"
        "\n"
        "--===============1==\n"
        'Content-Type: text/plain; charset="us-ascii"\n'
        "\n"
        "Your message has been rejected, probably because you are not subscribed to the\n"
        "mailing list and the list's policy is to prohibit non-members from posting to\n"
        "it.  If you think that your messages are being rejected in error, contact the\n"
        "mailing list owner at sales-owner@lists.example.\n"
        "\n"
        "--===============1==\n"
        "Content-Type: message/rfc822\n"
        "\n"
        f"From: {SENDER}\n"
        "To: sales@lists.example\n"
        "Subject: Invoice 42\n"
        "\n"
        "Hello\n"
        "--===============1==--\n"
    )
    return raw.encode()


def test_mailman2_non_member_rejection():
    _check(
        classify_message(_mailman_reject()),
        "failure",
        "blocked",
        ["sales@lists.example"],
        "not_member",
    )


MAILMAN_REFUSE = """Your request to the sales mailing list

    Posting of your message titled "Invoice 42"

has been rejected by the list moderator.  The moderator gave the
following reason for rejecting your request:

"Non-members are not allowed to post to this list."

Any questions or comments should be directed to the list administrator
at:

    sales-owner@lists.example
"""


def test_mailman2_moderator_refusal():
    raw = _mail(
        MAILMAN_REFUSE,
        sender="sales-owner@lists.example",
        subject="Request to mailing list Sales rejected",
    )
    _check(classify_message(raw), "failure", "blocked", ["sales@lists.example"])


MAILMAN_HELD = """Your mail to 'Sales' with the subject

    Invoice 42

Is being held until the list moderator can review it for approval.

The reason it is being held:

    Post by non-member to a members-only list

Either the message will get posted to the list, or you will receive
notification of the moderator's decision.  If you would like to cancel
this posting, please visit the following URL:

    https://lists.example/mailman/confirm/sales/0123456789abcdef
"""


def test_mailman_held_for_moderation_is_not_a_failure():
    raw = _mail(
        MAILMAN_HELD,
        sender="sales-owner@lists.example",
        subject="Your message to Sales awaits moderator approval",
    )
    assert classify_message(raw).kind in ("delay", "none")


# --------------------------------------------------------------------------
# ezmlm-idx: bruceg/ezmlm-idx @ a16cf16b97d1daf11aa6740a667c942687871875
# bin/ezmlm-checksub.c (prints TXT_ONLY_SUBSCRIBERS or TXT_REJECT_POSTS and
# exits 100: qmail-local turns the output into the permanent error of
# qmail-send's bounce), bin/ezmlm-store.c (ERR_NO_POST), bin/ezmlm-reject.c
# (ERR_MAX_SIZE, ERR_BAD_TYPE), lang/en_US/messages ("Sorry, only
# subscribers may post. If you are a subscriber, please forward this
# message to <#L#>-owner@<#H#> to get your new address included.",
# "Sorry, I've been told to reject your posts. Contact <#L#>-owner@<#H#> if
# you have questions about this.", "I'm sorry, you are not allowed to post
# messages to this list (#5.7.2)", "Sorry, I don't accept messages larger
# than <#1#> bytes (#5.2.3)", "Sorry, I don't accept messages of MIME
# Content-Type '<#1#>' (#5.2.3)"), with the FATAL prefixes
# "ezmlm-store: fatal: " and "ezmlm-reject: fatal: ".
# --------------------------------------------------------------------------


def _qmail_list(paragraph):
    return _qmail(paragraph).replace(b"nobody@b.example", b"sales@lists.example")


EZMLM = [
    (
        "only-subscribers",
        "Sorry, only subscribers may post. If you are a subscriber, please forward this message to sales-owner@lists.example to get your new address included.",
        "blocked",
    ),
    (
        "reject-posts",
        "Sorry, I've been told to reject your posts. Contact sales-owner@lists.example if you have questions about this.",
        "blocked",
    ),
    (
        "no-post",
        "ezmlm-store: fatal: I'm sorry, you are not allowed to post messages to this list (#5.7.2)",
        "blocked",
    ),
    (
        "max-size",
        "ezmlm-reject: fatal: Sorry, I don't accept messages larger than 100000 bytes (#5.2.3)",
        "soft",
    ),
    (
        "bad-type",
        "ezmlm-reject: fatal: Sorry, I don't accept messages of MIME Content-Type 'text/html' (#5.2.3)",
        "blocked",
    ),
]


@pytest.mark.parametrize(
    ("paragraph", "category"),
    [case[1:] for case in EZMLM],
    ids=[case[0] for case in EZMLM],
)
def test_ezmlm_refusals_in_qmail_bounces(paragraph, category):
    _check(
        classify_message(_qmail_list(paragraph)),
        "failure",
        category,
        ["sales@lists.example"],
    )


# --------------------------------------------------------------------------
# Sympa: sympa-community/sympa @ 1d59e9a4998f72ee7bd84d0ee2aa30aee5f8f5de
# default/mail_tt2/delivery_status_notification.tt2 (a multipart/report:
# "This is an automatic response sent by Sympa Mailing Lists Manager.",
# "Impossible to distribute your message for list '%1' for the following
# reason:", per status: 5.7.1 "Your message for list '%1' (attached
# below) was rejected. / You are not allowed to send this message for the
# following reason:" with report.tt2's auth entry ('send_subscriber':
# "Message distribution in the list is restricted to list subscribers."),
# 5.2.3 "Your message could not be sent because its size (%1 kB) was over
# the maximum size (%2 kB) allowed on this list.", 5.1.1 "List '%1' does
# not exist.", 5.7.0 "***** V I R U S    A L E R T *****"; then
# "Final-Recipient: rfc822; <list>", "Action", "Status", "Remote-MTA: dns;
# <domain>", "Diagnostic-Code: X-Sympa; <text>"), src/lib/Sympa.pm
# (send_dsn: the diagnostic texts by status; action "delayed" for 4.3.0,
# "delivered" for 2.x, else "failed"; the list address the recipient).
# --------------------------------------------------------------------------


def _sympa(body, status, action, diagnostic, subject):
    notice = (
        "This is an automatic response sent by Sympa Mailing Lists Manager.\n" + body
    )
    fields = (
        "Reporting-MTA: dns; lists.example\n"
        "Arrival-Date: Mon, 01 Jan 2024 10:00:00 +0100\n"
        "\n"
        "Final-Recipient: rfc822; sales@lists.example\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
        "Remote-MTA: dns; lists.example\n"
        f"Diagnostic-Code: X-Sympa; {diagnostic}\n"
    )
    return _report(
        notice,
        fields,
        sender="SYMPA <sympa@lists.example>",
        subject=subject,
        returned="To: sales@lists.example\nSubject: Invoice 42\n\nHello\n",
    )


SYMPA = [
    (
        "not-subscriber",
        _sympa(
            "Impossible to distribute your message for list 'sales@lists.example' for the following reason:\n\n"
            "Your message for list 'sales' (attached below) was rejected.\n"
            "You are not allowed to send this message for the following reason:\n\n"
            " Message distribution in the list is restricted to list subscribers.\n"
            "If you are subscribed to the list with a different email address, you should either use that other email address or update your list membership with the new email address.\n\n"
            "For further information, please contact sales-request@lists.example\n",
            "5.7.1",
            "failed",
            "You are not allowed to send this message",
            "Message distribution: Authorization denied",
        ),
        "blocked",
    ),
    (
        "too-large",
        _sympa(
            "Impossible to distribute your message for list 'sales@lists.example' for the following reason:\n\n"
            "Your message could not be sent because its size (2048 kB) was over the maximum size (1024 kB) allowed on this list.\n",
            "5.2.3",
            "failed",
            "Message could not be sent because its size was over the maximum size allowed on the list",
            "Too large message",
        ),
        "soft",
    ),
    (
        "list-unknown",
        _sympa(
            "Impossible to distribute your message for list 'sales@lists.example' for the following reason:\n\n"
            "List 'sales@lists.example' does not exist.\n",
            "5.1.2",
            "failed",
            "List does not exist",
            "List unknown",
        ),
        "hard",
    ),
    (
        "virus",
        _sympa(
            "Impossible to distribute your message for list 'sales@lists.example' for the following reason:\n\n"
            "    ***** V I R U S    A L E R T *****\n\n"
            "Our viruschecker found a virus named Eicar-Test-Signature in a message addressed to sales@lists.example and that seems to be yours (From: bounces@erp.example.com).\n\n"
            "Delivery of this message has been blocked.\n",
            "5.7.0",
            "failed",
            "A virus in your mail",
            "A virus in your mail",
        ),
        "blocked",
    ),
]


@pytest.mark.parametrize(
    ("raw", "category"),
    [case[1:] for case in SYMPA],
    ids=[case[0] for case in SYMPA],
)
def test_sympa_notifications(raw, category):
    _check(classify_message(raw), "failure", category, ["sales@lists.example"])


def test_sympa_forwarded_to_moderators_is_not_a_failure():
    raw = _sympa(
        "Your message to the list 'sales' has been forwarded to the moderator(s)\n",
        "2.3.0",
        "delivered",
        "Message has been forwarded to the list moderator(s)",
        "Message distribution: Forwarded",
    )
    assert classify_message(raw).kind in ("delay", "none")


# --------------------------------------------------------------------------
# DragonFly Mail Agent: corecode/dma @ 7f88bbe7806931bcc5b7ceb7354027f1fb87e190
# mail.c (bounce(): From "MAILER-DAEMON <>", Subject "Mail delivery failed",
# "This is the %s at %s." with VERSION "DragonFly Mail Agent v0.14",
# "There was an error delivering your mail to <%s>.", the reason, then
# "Message headers follow."), net.c (READ_REMOTE_CHECK: "%s [%s] did not
# like our %s:\n%s" for connect, MAIL FROM, RCPT TO, DATA, final DATA; "DNS
# lookup failure: host %s not found"), dma.c ("Could not deliver for the
# last %d seconds. Giving up." with MAX_TIMEOUT 5*24*60*60).
# --------------------------------------------------------------------------


def _dma(reason):
    body = (
        "This is the DragonFly Mail Agent v0.14 at erp.example.com.\n"
        "\n"
        "There was an error delivering your mail to <nobody@b.example>.\n"
        "\n"
        f"{reason}\n"
        "\n"
        "Message headers follow.\n"
        "\n"
        f"From: {SENDER}\nTo: nobody@b.example\nSubject: Invoice 42\n"
    )
    head = (
        "Received: from MAILER-DAEMON\n"
        "\tid 1a2b3c.4d5e6f\n"
        "\tby erp.example.com (DragonFly Mail Agent v0.14 on erp.example.com);\n"
        "\tMon, 01 Jan 2024 10:00:00 +0100\n"
        "X-Original-To: <nobody@b.example>\n"
        "From: MAILER-DAEMON <>\n"
        f"To: {SENDER}\n"
        "Subject: Mail delivery failed\n"
        "Message-Id: <1a2b3c.4d5e6f@erp.example.com>\n"
        "Date: Mon, 01 Jan 2024 10:00:00 +0100\n"
        "\n"
    )
    return (head + body).encode()


DMA = [
    (
        "rcpt-unknown",
        "mx.b.example [192.0.2.7] did not like our RCPT TO:\n550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown in virtual mailbox table",
        "hard",
    ),
    (
        "final-data-spam",
        "mx.b.example [192.0.2.7] did not like our final DATA:\n554 5.7.1 Spam message rejected",
        "blocked",
    ),
    (
        "mail-from",
        "mx.b.example [192.0.2.7] did not like our MAIL FROM:\n553 5.7.1 <bounces@erp.example.com>: Sender address rejected: not owned by user",
        "blocked",
    ),
    ("dns", "DNS lookup failure: host b.example not found", "hard"),
    ("gave-up", "Could not deliver for the last 432000 seconds. Giving up.", "soft"),
]


@pytest.mark.parametrize(
    ("reason", "category"),
    [case[1:] for case in DMA],
    ids=[case[0] for case in DMA],
)
def test_dragonfly_mail_agent(reason, category):
    _check(classify_message(_dma(reason)), "failure", category, ["nobody@b.example"])


# --------------------------------------------------------------------------
# Exim as the receiving server, its default ACLs and verification replies
# as a sending Postfix reports them (a multi-line reply joined on one line):
# Exim/exim @ 13835a3c1e057efad7da269c0f93bf2eac850205
# src/src/configure.default (acl_check_rcpt: "Restricted characters in
# address", "require verify = sender", "relay not permitted", "require
# verify = recipient", the commented DNS list example "rejected because
# $sender_host_address is in a black list at $dnslist_domain"; acl_check_data:
# "maximum allowed line length is 998 octets, got $max_received_linelength",
# "header syntax", the malware example "This message contains a virus
# ($malware_name)."; the localuser router's cannot_route_message "Unknown
# user"), src/src/acl.c ("Sender verify failed", "Could not complete sender
# verify"), src/src/smtp_in.c ("Verification failed for <%s>\n%s",
# "Postmaster verification failed while checking <%s>\n%s\nSeveral RFCs state
# ..."), src/src/verify.c (a callout's "Called: / Sent: / Response:" lines),
# src/src/route.c ("Unrouteable address").
# --------------------------------------------------------------------------

EXIM_ACL = [
    (
        # our sender failed Exim's verification: the callout's reply about
        # our address is quoted, its 5.1.1 is not the recipient's
        "sender-callout",
        "550-Verification failed for <bounces@erp.example.com> 550-Called:   198.51.100.2 550-Sent:     RCPT TO:<bounces@erp.example.com> 550-Response: 550 5.1.1 <bounces@erp.example.com>: Recipient address rejected: User unknown in virtual mailbox table 550 Sender verify failed",
        "5.0.0",
        RCPT,
        "blocked",
        "sender_rejected",
    ),
    (
        "postmaster-callout",
        "550-Postmaster verification failed while checking <bounces@erp.example.com> 550-Called:   198.51.100.2 550-Sent:     RCPT TO:<postmaster@erp.example.com> 550-Response: 550 5.1.1 <postmaster@erp.example.com>: Recipient address rejected: User unknown 550-Several RFCs state that you are required to have a postmaster 550-mailbox for each mail domain. This host does not accept mail 550-from domains whose servers reject the postmaster address. 550 Sender verify failed",
        "5.0.0",
        RCPT,
        "blocked",
        "sender_rejected",
    ),
    (
        "sender-unrouteable",
        "550-Verification failed for <bounces@erp.example.com> 550-Unrouteable address 550 Sender verify failed",
        "5.0.0",
        RCPT,
        "blocked",
        "sender_rejected",
    ),
    ("unknown-user", "550 Unknown user", "5.0.0", RCPT, "hard", "mailbox_unknown"),
    ("unrouteable", "550 Unrouteable address", "5.0.0", RCPT, "hard", "unroutable"),
    ("relay", "550 relay not permitted", "5.0.0", RCPT, "blocked", "relay_denied"),
    (
        "restricted-characters",
        "550 Restricted characters in address",
        "5.0.0",
        RCPT,
        "hard",
        None,
    ),
    (
        "dnslist",
        "550 rejected because 198.51.100.1 is in a black list at zen.spamhaus.org",
        "5.0.0",
        RCPT,
        "blocked",
        "blocklisted",
    ),
    (
        "line-length",
        "550 maximum allowed line length is 998 octets, got 1200",
        "5.0.0",
        DATA,
        "blocked",
        None,
    ),
    ("header-syntax", "550 header syntax", "5.0.0", DATA, "blocked", None),
    (
        "malware",
        "550 This message contains a virus (Eicar-Test-Signature).",
        "5.0.0",
        DATA,
        "blocked",
        "virus",
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "category", "reason"),
    [case[1:] for case in EXIM_ACL],
    ids=[case[0] for case in EXIM_ACL],
)
def test_exim_acl_replies(reply, status, stage, category, reason):
    _assert_filter(reply, status, stage, category, reason)


# --------------------------------------------------------------------------
# spamass-milter: andybalholm/spamass-milter @
# c45f851c57606a6b42f73590c6935dd229cc541c spamass-milter.cpp (rejecttext
# "Blocked by SpamAssassin", rejectcode "5.7.1", reject_reply_code "550");
# OpenDKIM: trusteddomainproject/OpenDKIM @
# 5c539587561785a66c1f67f720f2fb741f320785 opendkim/opendkim.c
# (dkimf_libstatus: "bad DKIM signature data", "no DKIM signature data",
# "DKIM key retrieval failed"; a reject is "550" "5.7.0", a tempfail "451"
# with "4.7.5" for a key failure; REPDENYSMTP "450", REPDENYESC "4.7.1",
# REPDENYTXT "Message deferred for policy reasons" for a domain's bad
# reputation), both at the end of the data.
# --------------------------------------------------------------------------

MILTERS = [
    (
        "spamass-milter",
        "550 5.7.1 Blocked by SpamAssassin",
        "5.7.1",
        "blocked",
        "spam_content",
    ),
    (
        "opendkim-badsig",
        "550 5.7.0 bad DKIM signature data",
        "5.7.0",
        "blocked",
        "auth_failed",
    ),
    (
        "opendkim-nosig",
        "550 5.7.0 no DKIM signature data",
        "5.7.0",
        "blocked",
        "auth_failed",
    ),
    (
        "opendkim-key",
        "451 4.7.5 DKIM key retrieval failed",
        "4.7.5",
        "blocked",
        "auth_failed",
    ),
    (
        "opendkim-reputation",
        "450 4.7.1 Message deferred for policy reasons",
        "4.7.1",
        "blocked",
        "policy",
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "category", "reason"),
    [case[1:] for case in MILTERS],
    ids=[case[0] for case in MILTERS],
)
def test_spamass_milter_and_opendkim(reply, status, category, reason):
    _assert_filter(reply, status, DATA, category, reason)


# --------------------------------------------------------------------------
# Postfix as the receiving server: vdukhovni/postfix @
# 17830e5c13c160d51c95cb971d137a46de84e48c
# postfix/src/postscreen/postscreen.c (a denylisted client under
# postscreen_denylist_action = enforce: "550 5.3.2 Service currently
# unavailable" -- no reason given), postscreen_early.c ("%s 5.7.1 Service
# unavailable; client [%s] blocked using %s", "550 5.5.1 Protocol error" for a
# client that failed the pregreet test), postfix/src/smtpd/smtpd_check.c
# ("<%s>: %s rejected: undeliverable address: %s" and "unverified address"
# for reject_unverified_sender with SND_DSN, "Domain %s does not accept mail
# (nullMX)" for our sender's domain, 5.7.27).
# --------------------------------------------------------------------------

POSTFIX_SERVER = [
    (
        "postscreen-denylist",
        "550 5.3.2 Service currently unavailable",
        "5.3.2",
        RCPT,
        "soft",
        None,
    ),
    (
        "postscreen-dnsbl",
        "550 5.7.1 Service unavailable; client [198.51.100.1] blocked using zen.spamhaus.org",
        "5.7.1",
        RCPT,
        "blocked",
        "blocklisted",
    ),
    (
        "postscreen-protocol",
        "550 5.5.1 Protocol error",
        "5.5.1",
        RCPT,
        "blocked",
        "ip_rejected",
    ),
    (
        "unverified-sender",
        "550 5.1.7 <bounces@erp.example.com>: Sender address rejected: undeliverable address: host mx.erp.example.com[198.51.100.2] said: 550 5.1.1 <bounces@erp.example.com>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)",
        "5.1.7",
        RCPT,
        "blocked",
        "sender_rejected",
    ),
    (
        "sender-null-mx",
        "550 5.7.27 <bounces@erp.example.com>: Sender address rejected: Domain erp.example.com does not accept mail (nullMX)",
        "5.7.27",
        RCPT,
        "blocked",
        "sender_rejected",
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "category", "reason"),
    [case[1:] for case in POSTFIX_SERVER],
    ids=[case[0] for case in POSTFIX_SERVER],
)
def test_postfix_server_replies(reply, status, stage, category, reason):
    _assert_filter(reply, status, stage, category, reason)


# --------------------------------------------------------------------------
# fml8: fmlorg/fml8 @ 851c6b2f7fe57e01843ef352a0eacfa0b248c5c6
# fml/lib/FML/Process/Distribute.pm (a post refused: the reason, then
# "error.reject_notice_preamble" and the first bytes of the message,
# indented), fml/lib/FML/Process/State.pm (restriction_state_reply_reason:
# permit_member_maps -> "error.not_member"),
# fml/share/message/us-ascii/error/not_member ("error: you are not a member
# of this $ml_name mailing list."), .../error/reject_notice_preamble,
# fml/lib/FML/Process/Kernel.pm (queue_in: From the maintainer, Precedence
# bulk, Reply-To the command address), fml/etc/default_config.cf.en.in
# (report_mail_subject "fml results ($ml_name ML)").
# --------------------------------------------------------------------------

FML8_REJECT = f"""error: you are not a member of this sales mailing list.

The following string is the first 2048 bytes of rejected message.

[caution]

We avoid the use of MIME/multipart to avoid virus infection by your
mail reader MUA.

Analyze received header fields et.al. for more details.


   From: {SENDER}
   To: sales@lists.example
   Subject: Invoice 42

   Hello
"""


def test_fml8_not_a_member():
    raw = _mail(
        FML8_REJECT,
        sender="sales-admin@lists.example",
        subject="fml results (sales ML)",
    ).decode()
    raw = raw.replace(
        "MIME-Version",
        "Reply-To: sales-ctl@lists.example\nPrecedence: bulk\nMIME-Version",
    )
    _check(
        classify_message(raw.encode()),
        "failure",
        "blocked",
        ["sales@lists.example"],
        "not_member",
    )


# --------------------------------------------------------------------------
# GNU Mailman 3: wikimedia/operations-debs-mailman3 @
# 96e43dd326efb87e5cb07226c238c22ddace6775 (Mailman 3.3's source)
# src/mailman/templates/en/list:user:notice:rejected.txt ("Your message to
# the $listname mailing-list was rejected for the following / reasons: /
# $reasons / The original message as received by Mailman is attached."),
# .../list:user:notice:hold.txt ("Your mail to '$listname' with the subject
# ... Is being held until the list moderator can review it for approval."),
# src/mailman/chains/reject.py and app/bounces.py (bounce_message: a
# UserNotification from the list's owner address, the poster's Subject,
# multipart/mixed with the notice and the message), the reasons:
# rules/moderation.py ("The message is not from a list member"),
# rules/max_size.py ("The message is larger than the {} KB maximum size"),
# rules/dmarc.py ("You are not allowed to post to this mailing list From: a
# domain which publishes a DMARC policy of reject or quarantine, and your
# message has been automatically rejected.  If you think that your messages
# are being rejected in error, contact the mailing list owner at
# ${listowner}.").
# --------------------------------------------------------------------------


def _mailman3_reject(reasons):
    raw = (
        "From: sales-owner@lists.example\n"
        f"To: {SENDER}\n"
        "Subject: Invoice 42\n"
        "Message-ID: <170409960012.1234.5678@lists.example>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="===============2=="\n'
        "Precedence: bulk\n"
        "\n"
        "--===============2==\n"
        'Content-Type: text/plain; charset="us-ascii"\n'
        "\n"
        "Your message to the Sales mailing-list was rejected for the following\n"
        "reasons:\n"
        "\n"
        f"{reasons}\n"
        "\n"
        "The original message as received by Mailman is attached.\n"
        "--===============2==\n"
        "Content-Type: message/rfc822\n"
        "\n"
        f"From: {SENDER}\n"
        "To: sales@lists.example\n"
        "Subject: Invoice 42\n"
        "\n"
        "Hello\n"
        "--===============2==--\n"
    )
    return raw.encode()


MAILMAN3 = [
    ("non-member", "The message is not from a list member", "blocked", "not_member"),
    (
        "dmarc",
        "You are not allowed to post to this mailing list From: a domain which\n"
        "publishes a DMARC policy of reject or quarantine, and your message has been\n"
        "automatically rejected.  If you think that your messages are being rejected in\n"
        "error, contact the mailing list owner at sales-owner@lists.example.",
        "blocked",
        None,
    ),
    (
        "max-size",
        "The message is larger than the 40 KB maximum size",
        "soft",
        "message_too_large",
    ),
]


@pytest.mark.parametrize(
    ("reasons", "category", "reason"),
    [case[1:] for case in MAILMAN3],
    ids=[case[0] for case in MAILMAN3],
)
def test_mailman3_rejections(reasons, category, reason):
    _check(
        classify_message(_mailman3_reject(reasons)),
        "failure",
        category,
        ["sales@lists.example"],
        reason,
    )


MAILMAN3_HELD = """Your mail to 'Sales' with the subject

    Invoice 42

Is being held until the list moderator can review it for approval.

The message is being held because:

The message is not from a list member

Either the message will get posted to the list, or you will receive
notification of the moderator's decision.
"""


def test_mailman3_held_is_not_a_failure():
    raw = _mail(
        MAILMAN3_HELD,
        sender="sales-owner@lists.example",
        subject="Your message to Sales awaits moderator approval",
    )
    assert classify_message(raw).kind in ("delay", "none")


# --------------------------------------------------------------------------
# Majordomo 2: jasontibbitts/majordomo @
# e100c588f6feb5790e7d851846f3d099eff17b1e
# files/en/ack_denial (Subject "Denied post to $LIST": "Your message to the
# $LIST list has been denied / for the following reason(s): / $REASONS"),
# files/en/error/restrict_post ("The author ($VICTIM) / is not a member of
# any of the restrict_post groups."), files/en/ack_stall (Subject "Stalled
# post to $LIST": "Your message to $LIST has been delayed, and requires the
# approval / of the moderators, for the following reason(s):"),
# files/en/help/configset_sender ("configset mylist sender = mylist-owner").
# --------------------------------------------------------------------------

MAJORDOMO_DENIAL = f"""Your message to the sales list has been denied
for the following reason(s):

The author ({SENDER})
  is not a member of any of the restrict_post groups.
"""

MAJORDOMO_STALL = """Your message to sales has been delayed, and requires the approval
of the moderators, for the following reason(s):

The message is larger than the maximum allowed size (40000 bytes).

If you do not wish the message to be posted, or have other concerns,
please send a message to the list owners at the following address:
  sales-owner@lists.example
"""


def test_majordomo2_denied_post():
    raw = _mail(
        MAJORDOMO_DENIAL,
        sender="sales-owner@lists.example",
        subject="Denied post to sales",
    )
    _check(
        classify_message(raw),
        "failure",
        "blocked",
        ["sales@lists.example"],
        "not_member",
    )


def test_majordomo2_stalled_post_is_not_a_failure():
    raw = _mail(
        MAJORDOMO_STALL,
        sender="sales-owner@lists.example",
        subject="Stalled post to sales",
    )
    assert classify_message(raw).kind in ("delay", "none")


# --------------------------------------------------------------------------
# ZMailer: rzachariassen/zmailer @ 54af9520 (2006; the 2023 commit
# 70d34a57 broke the field names) scheduler/msgerror.c (a multipart/report;
# the text part: proto/forms/delivery "This is a collection of reports about
# email delivery / process concerning a message you originated.", the
# per-message fields, then per recipient "FAILED:" and scnotaryreport's
# indented "  Final Recipient:\n      %s;%s", "  Status:", "  Diagnostic
# Code:", "  Control data:", "  Diagnostic texts:"; the delivery-status part
# "Final-Recipient: %s;%s" with typetag "RFC822", "Action", "Status",
# "Last-Attempt-Date", "Diagnostic-Code"), transports/smtp/smtp.c
# (notarystatsave: "smtp; <code> (<text>)" with the enhanced code moved to
# the Status and parentheses turned into brackets; the transcript lines
# "<<- <command>" and "->> <reply>"; a domain without MX nor address:
# status "5.4.4 (nameserver data inconsistency)", "smtp; 500 (nameserver
# data inconsistency. No MX, no address: '%.200s' (%s))", retried until it
# expires), From "The Post Office <postmaster>", Subject "Returned mail: see
# the transcript".
# --------------------------------------------------------------------------


def _zmailer(status, diagnostic, transcript):
    text = (
        "This is a collection of reports about email delivery\n"
        "process concerning a message you originated.\n"
        "\n"
        "Some explanations/translations for these reports\n"
        "can be found at:\n"
        "      http://zmailer.org/delivery-report-decoding.html\n"
        "\n"
        "Reporting-MTA: dns; mx.example.net\n"
        f"Return-Path: <{SENDER}>\n"
        "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0100\n"
        "Local-Spool-ID: S123456AbC\n"
        "\n"
        "\n"
        "FAILED:\n"
        "  Final Recipient:\n"
        "      RFC822;nobody@b.example\n"
        "  Status:\n"
        f"      {status}\n"
        "  Last Attempt Date:\n"
        "      Mon, 1 Jan 2024 10:00:05 +0100\n"
        "  Diagnostic Code:\n"
        f"      {diagnostic}\n"
        "  Control data:\n"
        "      smtp b.example nobody@b.example 99\n"
        "  Diagnostic texts:\n"
        f"      {transcript}\n"
    )
    fields = (
        "Reporting-MTA: dns; mx.example.net\n"
        "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0100\n"
        "Local-Spool-ID: S123456AbC\n"
        "\n"
        "Final-Recipient: RFC822;nobody@b.example\n"
        "Action: failed\n"
        f"Status: {status}\n"
        "Last-Attempt-Date: Mon, 1 Jan 2024 10:00:05 +0100\n"
        f"Diagnostic-Code: {diagnostic}\n"
    )
    return _report(
        text,
        fields,
        sender="The Post Office <postmaster@mx.example.net>",
        subject="Returned mail: see the transcript",
    )


ZMAILER = [
    (
        "user-unknown",
        _zmailer(
            "5.1.1",
            "smtp; 550 (<nobody@b.example>: Recipient address rejected: User unknown in virtual mailbox table)",
            "\n     <<- RCPT TO:<nobody@b.example>\n     ->> 550 5.1.1 <nobody@b.example>: Recipient address rejected: User unknown in virtual mailbox table",
        ),
        "hard",
    ),
    (
        "no-mx-no-address",
        _zmailer(
            "5.4.4 (nameserver data inconsistency)",
            "smtp; 500 (nameserver data inconsistency. No MX, no address: 'b.example' (NONAME))",
            "nameserver data inconsistency. No MX, no address: 'b.example' (NONAME)",
        ),
        "hard",
    ),
    (
        "data-refused",
        _zmailer(
            "5.7.1",
            "smtp; 554 (Message rejected: spam content)",
            "\n     <<- .\n     ->> 554 5.7.1 Message rejected: spam content",
        ),
        "blocked",
    ),
]


@pytest.mark.parametrize(
    ("raw", "category"),
    [case[1:] for case in ZMAILER],
    ids=[case[0] for case in ZMAILER],
)
def test_zmailer(raw, category):
    _check(classify_message(raw), "failure", category, ["nobody@b.example"])


# --------------------------------------------------------------------------
# Zimbra's mailbox server as the LMTP destination of its own Postfix:
# Zimbra/zm-mailbox @ 5c580876b855c8950619307e0e52dc6f8a570016
# store/src/java/com/zimbra/cs/lmtpserver/LmtpReply.java (NO_SUCH_USER "550
# 5.1.1 No such user here", PERMANENT_FAILURE_OVER_QUOTA "552 5.2.2 Over
# quota", TEMPORARY_FAILURE_OVER_QUOTA "452 4.2.2 Over quota",
# MAILBOX_DISABLED "450 4.2.1 Mailbox disabled, not accepting messages",
# MAILBOX_NOT_ON_THIS_SERVER "450 4.2.0 Mailbox is not on this server",
# TLS_REQUIRED "451 4.2.2 Server accepts messages only on TLS connection",
# TEMPORARY_FAILURE "451 4.0.0 Temporary message delivery failure try
# again", PERMANENT_MESSAGE_REFUSED "550 5.7.1 Message rejected").
# --------------------------------------------------------------------------

ZIMBRA = [
    (
        "no-such-user",
        "550 5.1.1 No such user here",
        "5.1.1",
        RCPT,
        "hard",
        "mailbox_unknown",
    ),
    ("over-quota", "552 5.2.2 Over quota", "5.2.2", RCPT, "soft", "mailbox_full"),
    (
        "over-quota-temporary",
        "452 4.2.2 Over quota",
        "4.2.2",
        RCPT,
        "soft",
        "mailbox_full",
    ),
    # "a 4.x.x 'mailbox is inactive and has been disabled' is hard"
    # (LABELLING.md, Crisp notes): the text, not the class, decides
    (
        "mailbox-disabled",
        "450 4.2.1 Mailbox disabled, not accepting messages",
        "4.2.1",
        RCPT,
        "hard",
        "mailbox_disabled",
    ),
    (
        "not-on-this-server",
        "450 4.2.0 Mailbox is not on this server",
        "4.2.0",
        RCPT,
        "soft",
        None,
    ),
    # the mailbox-full code reused for TLS
    (
        "tls-required",
        "451 4.2.2 Server accepts messages only on TLS connection",
        "4.2.2",
        MAIL,
        "soft",
        "tls_required",
    ),
    (
        "temporary",
        "451 4.0.0 Temporary message delivery failure try again",
        "4.0.0",
        DATA,
        "soft",
        None,
    ),
    ("refused", "550 5.7.1 Message rejected", "5.7.1", DATA, "blocked", None),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "category", "reason"),
    [case[1:] for case in ZIMBRA],
    ids=[case[0] for case in ZIMBRA],
)
def test_zimbra_lmtp_replies(reply, status, stage, category, reason):
    text = _said(reply, stage).replace(
        "mx.b.example[192.0.2.7]", "mailbox.b.example[192.0.2.8]"
    )
    raw = _postfix_dsn("nobody@b.example", status, "mailbox.b.example", "lmtp", text)
    _check(classify_message(raw), "failure", category, ["nobody@b.example"], reason)


# --------------------------------------------------------------------------
# postfwd: postfwd/postfwd @ 8221c9057eb6d2f8cad5a8c511f8ab5a5b8ec2b4
# etc/postfwd.cf.sample (its rule set's actions: "554 5.7.1 blocked using
# $$DSBL_count dnsbls, INFO: [$$DSBL_text]", "REJECT listed on dnsbl and
# $$client_name looks like dynip, INFO: [$$DSBL_text]", "rate($$client_address
# /1/300/450 4.7.1 please do not try more than once per 5 minutes)"), as
# Postfix's smtpd answers a policy server's action at RCPT TO.
# --------------------------------------------------------------------------

POSTFWD = [
    (
        "dnsbl",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: blocked using 2 dnsbls, INFO: [zen.spamhaus.org:127.0.0.2]",
        "5.7.1",
        "blocked",
        "blocklisted",
    ),
    (
        "dynip",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: listed on dnsbl and mail.erp.example.com looks like dynip, INFO: [zen.spamhaus.org]",
        "5.7.1",
        "blocked",
        "blocklisted",
    ),
    (
        "rate",
        "450 4.7.1 <nobody@b.example>: Recipient address rejected: please do not try more than once per 5 minutes",
        "4.7.1",
        "soft",
        None,
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "category", "reason"),
    [case[1:] for case in POSTFWD],
    ids=[case[0] for case in POSTFWD],
)
def test_postfwd_sample_rules(reply, status, category, reason):
    _assert_filter(reply, status, RCPT, category, reason)


# --------------------------------------------------------------------------
# Kopano's delivery agent (LMTP behind Postfix): Kopano-dev/kopano-core @
# 76cf85b895b5fdfada7be422f4a341950ea469bf spooler/DAgent.cpp (RCPT: "503
# 5.1.1 User does not exist", "503 5.1.4 Destination mailbox address
# ambiguous", "503 5.1.1 Connection error: " + the MAPI error in hex when
# the lookup fails; DATA: "503 5.1.1 Internal error during delivery", "451
# 5.1.1 Internal error during delivery"; per recipient after the data,
# snprintf'd with the address: "552 5.2.2 %s Quota exceeded", "450 4.2.0 %s
# Mailbox temporarily unavailable", "450 4.5.0 %s network or permissions
# error to storage server: " + hex).  The unknown-mailbox code is reused
# for the agent's own failures: the words decide.
# --------------------------------------------------------------------------

KOPANO = [
    (
        "user-unknown",
        "503 5.1.1 User does not exist",
        "5.1.1",
        RCPT,
        "hard",
        "mailbox_unknown",
    ),
    (
        "ambiguous",
        "503 5.1.4 Destination mailbox address ambiguous",
        "5.1.4",
        RCPT,
        "hard",
        None,
    ),
    (
        "lookup-connection-error",
        "503 5.1.1 Connection error: 0x80040115",
        "5.1.1",
        RCPT,
        "soft",
        "server_trouble",
    ),
    (
        "internal-error",
        "503 5.1.1 Internal error during delivery",
        "5.1.1",
        DATA,
        "soft",
        "local_error",
    ),
    (
        "internal-error-temporary",
        "451 5.1.1 Internal error during delivery",
        "5.1.1",
        DATA,
        "soft",
        "local_error",
    ),
    (
        "quota",
        "552 5.2.2 nobody@b.example Quota exceeded",
        "5.2.2",
        DATA,
        "soft",
        "mailbox_full",
    ),
    (
        "unavailable",
        "450 4.2.0 nobody@b.example Mailbox temporarily unavailable",
        "4.2.0",
        DATA,
        "soft",
        None,
    ),
    (
        "storage",
        "450 4.5.0 nobody@b.example network or permissions error to storage server: 0x80040115",
        "4.5.0",
        DATA,
        "soft",
        None,
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "category", "reason"),
    [case[1:] for case in KOPANO],
    ids=[case[0] for case in KOPANO],
)
def test_kopano_dagent_replies(reply, status, stage, category, reason):
    _assert_filter(reply, status, stage, category, reason)


# --------------------------------------------------------------------------
# policyd-weight: policyd-weight/policyd-weight @
# 18d2e97a40b7d836d35e25921def508e6a719e49 policyd-weight ($REJECTMSG "550
# Mail appeared to be SPAM or forged. Ask your Mail/DNS-Administrator to
# correct HELO and DNS MX settings or to get removed from DNSBLs", followed
# by "; MTA helo: %s, MTA hostname: %s[%s] (helo/hostname mismatch)";
# $DNSERRMSG "450 No DNS entries for your MTA, HELO and Domain. Contact YOUR
# administrator"; $CACHEREJECTMSG = $REJECTMSG . " [cached]" with " -
# retrying too fast. penalty: %s seconds x %s retries.");
# iRedAPD: iredmail/iRedAPD @ 60b2eed4a577a5a09aacc64d64d29d3402143221
# libs/__init__.py (SMTP_ACTIONS: "REJECT Policy rejection", "REJECT
# Blacklisted", "REJECT Not authorized", "REJECT Throttling quota exceeded",
# "REJECT Message size exceed (maybe caused by big attachment file)", "REJECT
# Too many recipients in single message", "REJECT Server IP address has bad
# reputation. FYI: https://www.senderscore.org/lookup.php?lookup=", "REJECT
# Blacklisted reverse DNS name of server IP address", greylisting "451
# 4.7.1"), libs/default_settings.py (GREYLISTING_MESSAGE "Intentional policy
# rejection, please try again later").  Both are Postfix policy servers:
# smtpd answers "<code> <dsn> <rcpt>: Recipient address rejected: <text>"
# (a REJECT is 554 5.7.1), a deferral expiring in the sender's queue.
# --------------------------------------------------------------------------

POLICY_SERVERS = [
    (
        "policyd-weight",
        "550 5.7.1 <nobody@b.example>: Recipient address rejected: Mail appeared to be SPAM or forged. Ask your Mail/DNS-Administrator to correct HELO and DNS MX settings or to get removed from DNSBLs; MTA helo: mail.erp.example.com, MTA hostname: unknown[198.51.100.1] (helo/hostname mismatch)",
        "5.7.1",
        "blocked",
        None,
    ),
    (
        "policyd-weight-cached",
        "450 4.7.1 <nobody@b.example>: Recipient address rejected: Mail appeared to be SPAM or forged. Ask your Mail/DNS-Administrator to correct HELO and DNS MX settings or to get removed from DNSBLs [cached] - retrying too fast. penalty: 30 seconds x 1 retries.",
        "4.7.1",
        "blocked",
        None,
    ),
    (
        # our server's DNS, deferred until the queue expired
        "policyd-weight-dns",
        "450 4.7.1 <nobody@b.example>: Recipient address rejected: No DNS entries for your MTA, HELO and Domain. Contact YOUR administrator",
        "4.7.1",
        "blocked",
        "ip_rejected",
    ),
    (
        "iredapd-policy",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: Policy rejection",
        "5.7.1",
        "blocked",
        "policy",
    ),
    (
        "iredapd-blacklisted",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: Blacklisted",
        "5.7.1",
        "blocked",
        None,
    ),
    (
        "iredapd-not-authorized",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: Not authorized",
        "5.7.1",
        "blocked",
        None,
    ),
    (
        "iredapd-throttle",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: Throttling quota exceeded",
        "5.7.1",
        "soft",
        "rate_limited",
    ),
    (
        "iredapd-size",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: Message size exceed (maybe caused by big attachment file)",
        "5.7.1",
        "soft",
        "message_too_large",
    ),
    (
        "iredapd-recipients",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: Too many recipients in single message",
        "5.7.1",
        "soft",
        "too_many_recipients",
    ),
    (
        "iredapd-senderscore",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: Server IP address has bad reputation. FYI: https://www.senderscore.org/lookup.php?lookup=198.51.100.1",
        "5.7.1",
        "blocked",
        "reputation",
    ),
    (
        "iredapd-rdns",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: Blacklisted reverse DNS name of server IP address",
        "5.7.1",
        "blocked",
        None,
    ),
    (
        "iredapd-greylisting",
        "451 4.7.1 <nobody@b.example>: Recipient address rejected: Intentional policy rejection, please try again later",
        "4.7.1",
        "soft",
        "greylisted",
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "category", "reason"),
    [case[1:] for case in POLICY_SERVERS],
    ids=[case[0] for case in POLICY_SERVERS],
)
def test_policyd_weight_and_iredapd(reply, status, category, reason):
    _assert_filter(reply, status, RCPT, category, reason)


# --------------------------------------------------------------------------
# Proxmox Mail Gateway: proxmox/pmg-api @
# 09158948b9568e8123f4319f47ddb10b9a292a78 src/PMG/SMTP.pm (the filter's
# reply "554 5.7.1 Rejected for policy reasons (%s)" after the data; with
# ndr_on_block, generate_ndr: Subject "Undelivered Mail", Auto-Submitted,
# a Postfix-like text ending "554 5.7.1 Recipient address(es) rejected for
# policy reasons", and a delivery-status part whose per-message fields run
# into the first recipient's without a blank line), src/bin/pmgpolicy
# (greylisting "defer_if_permit Service is unavailable (try later)", an SPF
# fail "reject" with Mail::SPF's default_authority_explanation "Rejected by
# SPF: %{C} is not a designated mailserver for %{S} (context %{_scope}, on
# %{R})").
# --------------------------------------------------------------------------

PMG_NDR = """This is a multi-part message in MIME format...

------------=_1704099602-1234-0
Content-Type: text/plain; charset=utf-8
Content-Disposition: inline
Content-Transfer-Encoding: 8bit

This is the mail system at host pmg.b.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report.
                   The mail system

554 5.7.1 Recipient address(es) rejected for policy reasons

------------=_1704099602-1234-0
Content-Type: message/delivery-status
Content-Disposition: inline
Content-Transfer-Encoding: 7bit
Content-Description: Delivery report

Reporting-MTA: dns; pmg.b.example
X-Proxmox-Queue-ID: 5A1B2C3D4E5F6A7B8C9D
X-Proxmox-Sender: rfc822; bounces@erp.example.com
Final-Recipient: rfc822; nobody@b.example
Original-Recipient: rfc822;nobody@b.example
Action: failed
Status: 5.7.1
Diagnostic-Code: smtp; 554 5.7.1 Recipient address rejected for policy reasons


------------=_1704099602-1234-0--
"""


def test_proxmox_mail_gateway_ndr():
    raw = (
        "From: postmaster@pmg.b.example\n"
        f"To: {SENDER}\n"
        "Subject: Undelivered Mail\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="----------=_1704099602-1234-0"\n'
        "\n" + PMG_NDR
    ).encode()
    _check(classify_message(raw), "failure", "blocked", ["nobody@b.example"], "policy")


PMG_REPLIES = [
    (
        "filter",
        "554 5.7.1 Rejected for policy reasons (5A1B2C3D4E5F6A7B8C9D)",
        "5.7.1",
        DATA,
        "blocked",
        "policy",
    ),
    (
        "greylisting",
        "450 4.7.1 <nobody@b.example>: Recipient address rejected: Service is unavailable (try later)",
        "4.7.1",
        RCPT,
        "soft",
        None,
    ),
    (
        "spf",
        "554 5.7.1 <nobody@b.example>: Recipient address rejected: Rejected by SPF: 198.51.100.1 is not a designated mailserver for bounces@erp.example.com (context mfrom, on pmg.b.example)",
        "5.7.1",
        RCPT,
        "blocked",
        "auth_failed",
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "category", "reason"),
    [case[1:] for case in PMG_REPLIES],
    ids=[case[0] for case in PMG_REPLIES],
)
def test_proxmox_mail_gateway_replies(reply, status, stage, category, reason):
    _assert_filter(reply, status, stage, category, reason)


# --------------------------------------------------------------------------
# MailScanner: MailScanner/v5 @ 76589ee4b82cb24e9aeceafe798b99536ce33178
# common/usr/share/MailScanner/reports/en/sender.spam.report.txt (Subject
# "{Bounce} Unsolicited commercial email rejected", "Our UCE (spam)
# detectors have been triggered by a message you sent:- / To: $to ... This
# message has been rejected."), sender.size.report.txt (Subject "Oversized
# email rejected", "Our email content filters have been triggered by a
# message you sent:- ... This message, or an attachment it contained, was too
# large and has been removed."), sender.virus.report.txt (Subject "Warning:
# E-mail viruses detected", "Any infected parts of the message ($filename) /
# have not been delivered. / This message is simply to warn you ..."), all
# From "$postmastername" <$localpostmaster> with "X-%org-name%-MailScanner:
# generated".
# --------------------------------------------------------------------------

# the signature delimiter keeps its trailing space
MAILSCANNER_FOOTER = (
    "\n-- \nMailScanner\nEmail Virus Scanner\nExample Corp\nwww.b.example\n"
)

MAILSCANNER_SPAM = (
    """Our UCE (spam) detectors have been triggered by a message you sent:-
  To: nobody@b.example
  Subject: Invoice 42
  Date: Mon Jan  1 10:00:01 2024
This message has been rejected. The detectors that were triggered are
SpamAssassin (score=12.3, required 6, BAYES_99 3.50, URIBL_BLACK 1.70).

Your message has been detected as spam based on both its contents and
the mail server which has sent the message to us.

We do not accept unsolicited commercial (spam) e-mail and actively
work to stop it.

If you have any questions about this, or you believe you have received
this message in error, please contact the site system administrators.
"""
    + MAILSCANNER_FOOTER
)

MAILSCANNER_SIZE = (
    """Our email content filters have been triggered by a message you sent:-
  To: nobody@b.example
  Subject: Invoice 42
  Date: Mon Jan  1 10:00:01 2024
This message has been rejected. The filters said this:
Message is larger than the maximum allowed size.

This message, or an attachment it contained, was too large and has been
removed.
Its length was 30000000 bytes, but the maximum allowed is 20000000.

Please try compressing the attachment file before sending it.

If you have any questions about this, or you believe you have received
this message in error, please contact the site system administrators.
"""
    + MAILSCANNER_FOOTER
)

MAILSCANNER_VIRUS = (
    """Our virus detector has just been triggered by a message you sent:-
  To: nobody@b.example
  Subject: Invoice 42
  Date: Mon Jan  1 10:00:01 2024
Any infected parts of the message (invoice.pdf.exe)
have not been delivered.

This message is simply to warn you that your computer system may have a
virus present and should be checked.

The virus detector said this about the message:
Report: ClamAV: invoice.pdf.exe was infected by Win.Trojan.Agent-1
"""
    + MAILSCANNER_FOOTER
)


def _mailscanner(subject, body):
    raw = _mail(body, sender='"MailScanner" <postmaster@b.example>', subject=subject)
    return raw.replace(
        b"MIME-Version", b"X-Example-MailScanner: generated\nMIME-Version"
    )


def test_mailscanner_spam_rejection():
    raw = _mailscanner(
        "{Bounce} Unsolicited commercial email rejected", MAILSCANNER_SPAM
    )
    _check(
        classify_message(raw),
        "failure",
        "blocked",
        ["nobody@b.example"],
        "spam_content",
    )


def test_mailscanner_size_rejection_names_its_reason():
    # the content filter is who refused; the size is why
    raw = _mailscanner("Oversized email rejected", MAILSCANNER_SIZE)
    _check(
        classify_message(raw),
        "failure",
        "soft",
        ["nobody@b.example"],
        "message_too_large",
    )


def test_mailscanner_virus_warning_is_not_a_non_delivery():
    # the message was delivered without its infected part: a warning
    raw = _mailscanner("Warning: E-mail viruses detected", MAILSCANNER_VIRUS)
    assert classify_message(raw).kind == "none"


# --------------------------------------------------------------------------
# OpenSMTPD as the receiving server (its own notices are in the first
# batch): OpenSMTPD/OpenSMTPD @ 3153385b02a0a155690061767491ca4009ccd4ee
# usr.sbin/smtpd/lka_session.c ("550 Invalid recipient", "451 Temporary
# failure", "524 5.2.4 Mailing list expansion problem"), smtp_session.c
# (IMSG_SMTP_EXPAND_RCPT: "%s: <%s>" with the recipient; "554 %s %s:
# Transaction failed, message too big", "550 %s %s: Message is not RFC 2822
# compliant", "500 %s %s: Loop detected", "530 %s %s: Must issue a STARTTLS
# command first", "530 %s %s: Must issue an AUTH command first", "452 %s %s:
# Too many messages sent", each with esc_code and esc_description),
# esc.c (the descriptions: "Message too big for system", "Delivery not
# authorized, message refused", "Routing loop detected", "Invalid command",
# "Too many recipients").
# --------------------------------------------------------------------------

OPENSMTPD_SERVER = [
    (
        "invalid-recipient",
        "550 Invalid recipient: <nobody@b.example>",
        "5.0.0",
        RCPT,
        "hard",
        "mailbox_unknown",
    ),
    (
        "expansion",
        "524 5.2.4 Mailing list expansion problem: <nobody@b.example>",
        "5.2.4",
        RCPT,
        "soft",
        None,
    ),
    (
        "temporary",
        "451 Temporary failure: <nobody@b.example>",
        "4.0.0",
        RCPT,
        "soft",
        None,
    ),
    (
        "too-big",
        "554 5.3.4 Message too big for system: Transaction failed, message too big",
        "5.3.4",
        DATA,
        "soft",
        "message_too_large",
    ),
    (
        "not-rfc2822",
        "550 5.7.1 Delivery not authorized, message refused: Message is not RFC 2822 compliant",
        "5.7.1",
        DATA,
        "blocked",
        None,
    ),
    (
        "loop",
        "500 5.4.6 Routing loop detected: Loop detected",
        "5.4.6",
        DATA,
        "soft",
        None,
    ),
    (
        "starttls-required",
        "530 5.5.1 Invalid command: Must issue a STARTTLS command first",
        "5.5.1",
        MAIL,
        "soft",
        "tls_required",
    ),
    (
        "auth-required",
        "530 5.5.1 Invalid command: Must issue an AUTH command first",
        "5.5.1",
        MAIL,
        "blocked",
        "auth_required",
    ),
    (
        "too-many-messages",
        "452 4.5.3 Too many recipients: Too many messages sent",
        "4.5.3",
        MAIL,
        "soft",
        None,
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "category", "reason"),
    [case[1:] for case in OPENSMTPD_SERVER],
    ids=[case[0] for case in OPENSMTPD_SERVER],
)
def test_opensmtpd_server_replies(reply, status, stage, category, reason):
    _assert_filter(reply, status, stage, category, reason)


# --------------------------------------------------------------------------
# Sendmail as the receiving server (its notices are in the first batch):
# hrs-allbsd/sendmail @ 19036c0d9fafa600b0748fc7ada98a939a56b0c8
# cf/m4/proto.m4 ("550 Relaying denied. Proper authentication required.",
# "550 Relaying denied. IP name possibly forged " $&{client_name}, "553
# Domain of sender address " $&f " does not exist" (5.1.8), "451 Domain of
# sender address " $&f " does not resolve" (4.1.8), "451 Client IP address
# $1 does not resolve" (4.1.8), "550 Access denied" (5.7.1)),
# cf/feature/dnsbl.m4 ("550 Rejected: " $&{client_addr} " listed at "
# <list>); sendmail puts "<address>... " before a recipient's error.
# --------------------------------------------------------------------------

SENDMAIL_SERVER = [
    (
        "relaying-denied",
        "550 5.7.1 <nobody@b.example>... Relaying denied. Proper authentication required.",
        "5.7.1",
        RCPT,
        None,
    ),
    (
        "ip-name-forged",
        "550 5.7.1 <nobody@b.example>... Relaying denied. IP name possibly forged [198.51.100.1]",
        "5.7.1",
        RCPT,
        "relay_denied",
    ),
    (
        "sender-domain",
        "553 5.1.8 <bounces@erp.example.com>... Domain of sender address bounces@erp.example.com does not exist",
        "5.1.8",
        MAIL,
        "sender_rejected",
    ),
    (
        "sender-domain-temporary",
        "451 4.1.8 Domain of sender address bounces@erp.example.com does not resolve",
        "4.1.8",
        MAIL,
        "sender_rejected",
    ),
    (
        "client-ip-unresolved",
        "451 4.1.8 Client IP address 198.51.100.1 does not resolve",
        "4.1.8",
        MAIL,
        None,
    ),
    (
        "dnsbl",
        "550 5.7.1 Rejected: 198.51.100.1 listed at zen.spamhaus.org",
        "5.7.1",
        MAIL,
        "blocklisted",
    ),
    (
        "access-denied",
        "550 5.7.1 <nobody@b.example>... Access denied",
        "5.7.1",
        RCPT,
        "policy",
    ),
]


@pytest.mark.parametrize(
    ("reply", "status", "stage", "reason"),
    [case[1:] for case in SENDMAIL_SERVER],
    ids=[case[0] for case in SENDMAIL_SERVER],
)
def test_sendmail_server_refusals_are_blocked(reply, status, stage, reason):
    _assert_filter(reply, status, stage, "blocked", reason)
