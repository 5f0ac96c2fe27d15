# ruff: noqa: E501  (the templates keep their programs' long lines)
"""Non-delivery notices of older mail systems (1990s-2000s formats).

Real bounce collections still hold the notices of mail systems that
predate RFC 3464 or never adopted it: Sendmail's pre-DSN "Returned mail"
transcripts (Sendmail 5.x, 4.4BSD's 8.x), MMDF's "Failed mail" and
"Waiting mail", Microsoft Exchange 4.0-5.5's X.400 texts ("Your message
did not reach some or all of the intended recipients", "MSEXCH:..."),
Exchange 2000/2003's SMTP texts, Exchange's Internet Mail Service and
its Lotus cc:Mail connector, the Windows SMTP service's "This is an
automatically generated Delivery Status Notification", Sun Java System
Messaging Server's "Your message cannot be delivered to the following
recipients", Lotus Notes' Delivery Failure Report in the client's layout,
SmarterMail 2.x-5.x, AOL's and Yahoo!'s notices and replies of the 2000s.
Each fixture is built from the exact texts the software writes, from its
source code (repository, commit and file named above it) or from its
vendor's documentation or a page that quotes a real notice (the Microsoft
Knowledge Base articles are cited by Q number, as the ``jeffpar/kbarchive``
copy keeps them).  A whole notice is written in the layout the source
shows (header, template, per-recipient paragraph, reason) and is checked
for kind, category, reason and recipients, labelled by
``tests_core/samples/bounces/LABELLING.md``.  Hosts and addresses are
reserved ones (``*.example``, 192.0.2.0/24) except public providers' own
host names.  They are unit fixtures, not part of the measured corpus.
"""

import pytest

from distribution.bounce import classify_message

from .test_bounce_mta_sources import SENDER, _check, bare_notice

RCPT = "nobody@b.example"


# --------------------------------------------------------------------------
# Sendmail before DSNs (8.1-8.6, 4.4BSD): dank101/4.4BSD-Alpha @
# b119e6613a15af07855e4cda5dd9f0e78adcbf40 usr.sbin/sendmail/src/
# savemail.c (returntosender: Subject "Returned mail: %s" with the first
# error, From "Mail Delivery Subsystem"; errbody: "   ----- Transcript of
# session follows -----", then the transcript, then "   ----- Unsent
# message follows -----" or "  ----- Message header follows -----"), err.c
# (fmtmsg: "<code> <to>... <message>", errstring: "Connection refused by
# %s", "Host %s is down"); the message texts are sendmail's SysExMsg table
# (sysexits.c, CSRG history: "550 User unknown", "550 Host unknown", "554
# Service unavailable", "554 Remote protocol error").
# --------------------------------------------------------------------------


def _sendmail_v8_early(subject, transcript):
    body = (
        "   ----- Transcript of session follows -----\n"
        f"{transcript}\n"
        "\n"
        "   ----- Unsent message follows -----\n"
        "Received: by erp.example.com; Mon, 1 Jan 1996 10:00:00 +0100\n"
        f"From: {SENDER}\n"
        f"To: {RCPT}\n"
        "Subject: Invoice 42\n"
        "\n"
        "Hello\n"
    )
    return bare_notice(
        body,
        "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>",
        f"Returned mail: {subject}",
    )


SENDMAIL_EARLY = [
    (
        "user-unknown",
        "User unknown",
        f"550 {RCPT}... User unknown",
        "hard",
        "mailbox_unknown",
    ),
    (
        "host-unknown",
        "Host unknown",
        f"550 {RCPT}... Host unknown",
        "hard",
        "domain_unknown",
    ),
    (
        "service-unavailable",
        "Service unavailable",
        f"554 {RCPT}... Service unavailable",
        "soft",
        "server_trouble",
    ),
]


@pytest.mark.parametrize(
    ("subject", "transcript", "category", "reason"),
    [case[1:] for case in SENDMAIL_EARLY],
    ids=[case[0] for case in SENDMAIL_EARLY],
)
def test_sendmail_before_dsn(subject, transcript, category, reason):
    result = classify_message(_sendmail_v8_early(subject, transcript))
    _check(result, "failure", category, [RCPT], reason)


# Sendmail 5.x, the whole notice as "Zen and the Art of the Internet"
# (Brendan P. Kehoe, 1992, "Bounced Mail";
# softlab.ntua.gr/facilities/documentation/internet/zen-1.0/zen-1.0_14.html)
# prints one of 1991: From "Mail Delivery Subsystem <MAILER-DAEMON>"
# without a domain, a Cc to the remote postmaster, "While talking to
# <host>:", ">>> RCPT To:<...>", "<<< 550 <...>... User unknown" and
# sendmail's own "550 <local part>... User unknown" naming only the local
# part (not an address: the recipient is the one of the RCPT line).


def test_sendmail_5_transcript_with_the_remote_reply():
    body = (
        "   ----- Transcript of session follows -----\n"
        "While talking to mx.b.example:\n"
        f">>> RCPT To:<{RCPT}>\n"
        f"<<< 550 <{RCPT}>... User unknown\n"
        "550 nobody... User unknown\n"
        "\n"
        "   ----- Unsent message follows -----\n"
        "Received: by erp.example.com id AA06528; Sat, 25 May 91 16:45:14 -0400\n"
        "Date: Sat, 25 May 91 16:45:14 -0400\n"
        f"From: Accounts <{SENDER}>\n"
        "Message-Id: <9105252045.AA06528@erp.example.com>\n"
        f"To: {RCPT}\n"
        "Subject: Invoice 42\n"
        "\n"
        "Hello\n"
    )
    raw = bare_notice(
        body,
        "Mail Delivery Subsystem <MAILER-DAEMON>",
        "Returned mail: User unknown",
        extra="Cc: Postmaster@b.example\n",
    )
    _check(classify_message(raw), "failure", "hard", [RCPT], "mailbox_unknown")


# --------------------------------------------------------------------------
# MMDF: NishiOwO/mmdf @ dc2a5aa (MMDF-IIb) lib/mmdf/rtn_proc.c:
# rtn_error ("Failed mail  (<queue file>)", "    Your message could not be
# delivered to\n'<address> (host: <host>) (queue: <channel>)' for the
# following\nreason:  '<reply>'", then "    Your message follows:" or
# "    Your message begins as follows:"), rtn_time (the same subject,
# "    After %d days (%d hours), your message could not be\nfully
# delivered.", "    It failed to be received by the following
# address(es):", one tab-indented address per line, "    Problems usually
# are due to service interruptions at the receiving\nmachine.  Less often,
# they are caused by the communication system."), rtn_warn ("Waiting mail
# (<queue file>)", "has not yet been\nfully delivered.  Attempts to deliver
# the message will continue\nfor %d more days.  No further action is
# required by you.", "    Delivery attempts are still pending for the
# following address(es):"); the reason is the channel's reply line
# (src/deliver/deliver.c: rtn_error (..., rply.rp_line)).
# --------------------------------------------------------------------------

# conf/*/conf.c: sitesignature "Mail System (MMDF)"; configure: MMDFLOGIN
# "mmdf"; rtn_mlinit: "<locfullname> <sitesignature> <<mmdflogin>@<host>>"
MMDF_FROM = "mx.example.net Mail System (MMDF) <mmdf@mx.example.net>"


def _mmdf_error(reason):
    body = (
        "    Your message could not be delivered to\n"
        f"'{RCPT} (host: b.example) (queue: smtp)' for the following\n"
        f"reason:  '{reason}'\n"
        "\n"
        "\n"
        "    Your message begins as follows:\n"
        "\n"
        f"From: {SENDER}\nTo: {RCPT}\nSubject: Invoice 42\n\n"
    )
    return bare_notice(body, MMDF_FROM, "Failed mail  (msg.aa01234)")


MMDF_ERRORS = [
    (
        "user-unknown",
        f"550 <{RCPT}>... User unknown",
        "hard",
        "mailbox_unknown",
    ),
    (
        "mailbox-full",
        f"552 <{RCPT}>... Mailbox full",
        "soft",
        "mailbox_full",
    ),
    (
        "relay-denied",
        f"550 <{RCPT}>... Relaying denied",
        "blocked",
        "relay_denied",
    ),
]


@pytest.mark.parametrize(
    ("reason_text", "category", "reason"),
    [case[1:] for case in MMDF_ERRORS],
    ids=[case[0] for case in MMDF_ERRORS],
)
def test_mmdf_failed_mail(reason_text, category, reason):
    _check(
        classify_message(_mmdf_error(reason_text)), "failure", category, [RCPT], reason
    )


def test_mmdf_timeout():
    body = (
        "    After 5 days (120 hours), your message could not be\n"
        "fully delivered.\n"
        "\n"
        "    It failed to be received by the following address(es):\n"
        "\n"
        f"\t{RCPT} (host: b.example) (queue: smtp)\n"
        "\n"
        "    Problems usually are due to service interruptions at the receiving\n"
        "machine.  Less often, they are caused by the communication system.\n"
        "\n"
        "    Your message begins as follows:\n"
        "\n"
        f"From: {SENDER}\nTo: {RCPT}\nSubject: Invoice 42\n\n"
    )
    raw = bare_notice(body, MMDF_FROM, "Failed mail  (msg.aa01234)")
    _check(classify_message(raw), "failure", "soft", [RCPT])


def test_mmdf_waiting_mail_is_a_delay():
    body = (
        "    After 2 days (48 hours), your message has not yet been\n"
        "fully delivered.  Attempts to deliver the message will continue\n"
        "for 3 more days.  No further action is required by you.\n"
        "\n"
        "    Delivery attempts are still pending for the following address(es):\n"
        "\n"
        f"\t{RCPT} (host: b.example) (queue: smtp)\n"
        "\n"
        "    Problems usually are due to service interruptions at the receiving\n"
        "machine.  Less often, they are caused by the communication system.\n"
        "\n"
        "    Your message begins as follows:\n"
        "\n"
        f"From: {SENDER}\nTo: {RCPT}\nSubject: Invoice 42\n\n"
    )
    raw = bare_notice(body, MMDF_FROM, "Waiting mail  (msg.aa01234)")
    _check(classify_message(raw), "delay", "soft", [RCPT])


# --------------------------------------------------------------------------
# Microsoft Exchange Server 4.0-5.5 (MTA, Information Store and Internet
# Mail Connector/Service): the Microsoft Knowledge Base, as
# jeffpar/kbarchive @ e92bde762b keeps it (txt/<nnn>/Q<number>.TXT):
# "Your message did not reach some or all of the intended recipients.",
# "Subject:", "Sent:", "The following recipient(s) could not be reached:",
# "<name or address> on <date>", then the X.400 reason text and the
# "MSEXCH:<component>:<site>:<server>" line.  Texts: Q168557 ("The
# recipient name is not recognized" + "MSEXCH:IMC:...  3902 Host Unknown"
# for a domain that does not exist; "Recipient Not Found" for an unknown
# user), Q172364 ("Unable to deliver the message due to a communications
# failure"), Q158399 ("Reason:1", "Diagnostic:5", "The maximum time for
# delivering the message expired"), Q145585 ("The message was undelivered
# because the specified recipient postal address was incorrect"), Q149359
# ("A restriction in the system prevented delivery of the message."),
# Q152875 ("The originator does not have permission to submit message."),
# Q192349 ("No transport provider was available for delivery to this
# recipient."), Q191261 (the IMC relaying the remote "We do not relay"),
# Q152666 ("The recipient could not be processed due to congestion in the
# message transfer service"), Q194504 ("A required directory operation was
# unsuccessful"), Q262124 ("The message size exceeds the maximum allowed
# for the recipient or transport, or you have exceeded the storage limit on
# your mailbox."), Q266092 ("The content length of the message is too long
# for the recipient to take delivery."), Q251168 ("The message was
# undeliverable because the recipient postal address was not known at this
# address."), Q189492 ("The recipient name is not recognized" and the
# IMC's "3553 553 malformed address:"), Q185024 ("The recipient was
# detected looping within the message transfer service."), Q182557 ("The
# recipient was unavailable to take delivery of the message", a mailbox
# over its receive limit), Q169694 ("The message contains a content type
# that is not supported"), Q181947 ("The recipient could not be
# transferred because it could not be downgraded"), Q166866 ("One or more
# arguments in the recipient was detected as being invalid": the article's
# cause is a service-pack fault, the words blame nothing we can act on),
# Q193924 (the IMC relaying "553 5.1.1 unknown or illegal user:"),
# Q146264 (the IMC's own size limit: "<server> 3903 Message exceeds size
# limit"), Q242961 ("Unable to deliver the message due to a communications
# failure" above "MSEXCH:IMS:...  3902 (000B099C) Host Unknown": the host
# name, not the transport, decides).
# Exchange 2000: Q279428 ("The e-mail account does not exist at the
# organization this message was sent to. Check the e-mail address, or
# contact the recipient directly to find out the correct address." and
# "<server.domain.com #5.1.1>").
# --------------------------------------------------------------------------


def _exchange55(lines, subject="Undeliverable: Invoice 42"):
    body = (
        "Your message did not reach some or all of the intended recipients.\n"
        "\n"
        "      Subject:\tInvoice 42\n"
        "      Sent:\t3/27/97 11:21:30 AM\n"
        "\n"
        "The following recipient(s) could not be reached:\n"
        "\n"
        f"      '{RCPT}' on 3/27/97 11:21:30 AM\n"
        + "".join(f"            {line}\n" for line in lines)
    )
    return bare_notice(
        body, "System Administrator <postmaster@mx.example.net>", subject
    )


EXCHANGE55 = [
    (
        "Q168557-host-unknown",
        [
            "The recipient name is not recognized",
            "MSEXCH:IMC:EXAMPLE:SITE:SERVER 3902 Host Unknown",
        ],
        "hard",
        "domain_unknown",
    ),
    (
        "Q168557-recipient-not-found",
        ["Recipient Not Found", "MSEXCH:IMC:REMOTESERVER:REMOTESITE:REMOTEORG"],
        "hard",
        "mailbox_unknown",
    ),
    (
        "Q172364-communications-failure",
        [
            "Unable to deliver the message due to a communications failure",
            "MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        # soft either way; not "server_trouble": Exchange 2007's template
        # says "A communication failure occurred during the delivery of
        # this message" above a refusal whose stage decides
        # (test_bounce_vendor_docs2.py, exchange-greeting)
        "soft",
        "undetermined",
    ),
    (
        "Q158399-maximum-time-expired",
        [
            "Reason:1",
            "Diagnostic:5",
            "The maximum time for delivering the message expired",
            "MSEXCH:MSExchangeMTA:DOMAIN:SERVER",
        ],
        "soft",
        "expired",
    ),
    (
        "Q145585-postal-address-incorrect",
        [
            "The message was undelivered because the specified recipient postal address was",
            "incorrect MSEXCH:MSExchangeIS:SITE:SERVER",
        ],
        "hard",
        "bad_address",
    ),
    (
        "Q149359-restriction",
        [
            "A restriction in the system prevented delivery of the message.",
            "MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        "blocked",
        "recipient_refuses",
    ),
    (
        "Q152875-no-permission",
        [
            "The originator does not have permission to submit message.",
            "MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        "blocked",
        "recipient_refuses",
    ),
    (
        "Q192349-no-transport-provider",
        [
            "No transport provider was available for delivery to this recipient.",
            "MSEXCH:MSExchangeIS:SITE:SERVER",
        ],
        "soft",
        "undetermined",
    ),
    (
        "Q191261-we-do-not-relay",
        [
            "The recipient name is not recognized.",
            "Microsoft Exchange:IMS:EXAMPLE:mx.example.net",
            "mx.b.example  751 twili => We do not relay",
        ],
        "blocked",
        "relay_denied",
    ),
    (
        "Q152666-congestion",
        [
            "The recipient could not be processed due to congestion in the message transfer",
            "service",
            "MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        "soft",
        "undetermined",
    ),
    (
        "Q194504-directory-operation",
        [
            "A required directory operation was unsuccessful",
            "MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        "soft",
        "undetermined",
    ),
    (
        "Q262124-size-or-storage-limit",
        [
            "The message size exceeds the maximum allowed for the recipient or transport, or",
            "you have exceeded the storage limit on your mailbox.",
            "MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        "soft",
        "message_too_large",
    ),
    (
        "Q266092-content-too-long",
        [
            "The content length of the message is too long for the recipient to take delivery.",
            "MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        "soft",
        "message_too_large",
    ),
    (
        "Q251168-postal-address-not-known",
        [
            "The message was undeliverable because the recipient postal address was not",
            "known at this address.",
            "MSEXCH:MSExchangeIS:SITE:SERVER",
        ],
        "hard",
        "mailbox_unknown",
    ),
    (
        "Q189492-malformed-address",
        [
            "The recipient name is not recognized",
            "MSEXCH:IMC:EXAMPLE:SITE:SERVER 3553 553 malformed address:",
        ],
        "hard",
        "bad_address",
    ),
    (
        "Q185024-looping",
        [
            "The recipient was detected looping within the message transfer service.",
            "MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        "soft",
        "server_trouble",
    ),
    (
        "Q182557-unavailable-to-take-delivery",
        [
            "The recipient was unavailable to take delivery of the message",
            "MSEXCH:MSExchangeIS:SITE:SERVER",
        ],
        "soft",
        "undetermined",
    ),
    (
        "Q169694-content-type-not-supported",
        [
            "The message contains a content type that is not supported",
            "MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        "blocked",
        "content_rejected",
    ),
    (
        "Q181947-not-downgraded",
        [
            "The recipient could not be transferred because it could not be",
            "downgraded MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        "soft",
        "undetermined",
    ),
    (
        "Q193924-unknown-or-illegal-user",
        [
            "The recipient name is not recognized",
            "MSEXCH:IMC:EXAMPLE:SITE:SERVER 3553 553 5.1.1 unknown or illegal",
            f"user: {RCPT}",
        ],
        "hard",
        "mailbox_unknown",
    ),
    (
        "Q146264-imc-size-limit",
        [
            "The content length of the message is too long for the recipient to take",
            "delivery.",
            "",
            "mx.example.net 3903 Message exceeds size limit, choose Maximum to",
            "restrict the message size and set the value to 50K.",
        ],
        "soft",
        "message_too_large",
    ),
    (
        "Q242961-communications-failure-host-unknown",
        [
            "Unable to deliver the message due to a communications failure",
            "The MTS-ID of the original message is: c=US;a= ;p=Example;l=SERVER-991003384222Z-1",
            "MSEXCH:IMS:Organization:Site:SERVER 3902 (000B099C) Host Unknown",
        ],
        "hard",
        "domain_unknown",
    ),
    (
        "Q166866-invalid-arguments",
        [
            "One or more arguments in the recipient was detected as being invalid",
            "MSEXCH:MSExchangeMTA:SITE:SERVER",
        ],
        "soft",
        "undetermined",
    ),
]


@pytest.mark.parametrize(
    ("lines", "category", "reason"),
    [case[1:] for case in EXCHANGE55],
    ids=[case[0] for case in EXCHANGE55],
)
def test_exchange_55(lines, category, reason):
    _check(classify_message(_exchange55(lines)), "failure", category, [RCPT], reason)


def test_exchange_2000_account_does_not_exist():
    body = (
        "Your message did not reach some or all of the intended recipients.\n"
        "\n"
        "      Subject:\tInvoice 42\n"
        "      Sent:\t2/13/2001 12:00 PM\n"
        "\n"
        "The following recipient(s) could not be reached:\n"
        "\n"
        f"      {RCPT} on 2/13/2001 12:00 PM\n"
        "\n"
        "            The e-mail account does not exist at the organization this message was sent\n"
        "            to. Check the e-mail address, or contact the recipient directly to find out\n"
        "            the correct address.\n"
        "            <mx.b.example #5.1.1>\n"
    )
    raw = bare_notice(
        body,
        "System Administrator <postmaster@mx.example.net>",
        "Undeliverable: Invoice 42",
    )
    _check(classify_message(raw), "failure", "hard", [RCPT], "mailbox_unknown")


# Exchange 2000/2003, the SMTP transport's texts as administrators' pages
# quote them: "Could not deliver the message in the time limit specified.
# Please retry or contact your administrator." with "<server #4.4.7>"
# (madvigsolutions.com/helpdesk/Non-Delivery.htm; snmail.co.uk/support/
# failure-timelimit.htm shows the same text under Exchange 2003's "Your
# message ... did not reach the following recipient(s):" heading), and
# "There was a SMTP communication problem with the recipient's email
# server. Please contact your system administrator." with the remote
# refusal "<host #5.5.0 smtp;554 <address>: Relay access denied>"
# (technet.microsoft.com/en-us/exchange/bb288511.aspx, Exchange Hosted
# Services, example 1); "The destination server for this recipient could
# not be found in Domain Name Service (DNS). Please verify the email
# address and retry. If that fails, contact your administrator." with
# "<server #5.4.0>", and "The e-mail system was unable to deliver the
# message, but did not report a specific reason. ..." above a relayed "450
# ...: Sender address rejected: Domain not found" (snmail.co.uk/support/
# failure-dns.htm, variations 1 and 2; the page reads the second as the
# recipient's domain, the words are about the sender's: blocked by
# LABELLING.md).


def _exchange2003(lines, heading="did_not_reach"):
    if heading == "did_not_reach":
        intro = (
            "Your message did not reach some or all of the intended recipients.\n"
            "\n"
            "      Subject:\tInvoice 42\n"
            "      Sent:\t3/12/2002 12:30 PM\n"
            "\n"
            "The following recipient(s) could not be reached:\n"
        )
    else:
        intro = (
            "Your message\n"
            "\n"
            "  Subject: Invoice 42\n"
            "  Sent: 3/12/2002 12:30 PM\n"
            "\n"
            "did not reach the following recipient(s):\n"
        )
    body = (
        intro
        + "\n"
        + f"      {RCPT} on 3/12/2002 12:30 PM\n"
        + "".join(f"            {line}\n" for line in lines)
    )
    return bare_notice(
        body,
        "System Administrator <postmaster@mx.example.net>",
        "Undeliverable: Invoice 42",
    )


EXCHANGE2003 = [
    (
        "time-limit-4.4.7",
        "did_not_reach",
        [
            "Could not deliver the message in the time limit specified. Please retry or contact your administrator.",
            "<mx.example.net #4.4.7>",
        ],
        "soft",
        "expired",
    ),
    (
        "time-limit-4.4.7-short-heading",
        "your_message",
        [
            "Could not deliver the message in the time limit specified. Please retry or contact your administrator.",
            "<mx.example.net #4.4.7>",
        ],
        "soft",
        "expired",
    ),
    (
        "smtp-problem-relay-denied",
        "did_not_reach",
        [
            "There was a SMTP communication problem with the recipient's email server. Please contact your system administrator.",
            f"<mx.example.net #5.5.0 smtp;554 <{RCPT}>: Relay access denied>",
        ],
        "blocked",
        "relay_denied",
    ),
    (
        "destination-not-in-dns-5.4.0",
        "your_message",
        [
            "The destination server for this recipient could not be found in Domain Name Service (DNS). Please verify the email address and retry.",
            "If that fails, contact your administrator.",
            "<mx.example.net #5.4.0>",
        ],
        "hard",
        "domain_unknown",
    ),
    (
        "no-specific-reason-sender-rejected",
        "your_message",
        [
            "The e-mail system was unable to deliver the message, but did not report a specific reason. Check the address and try again. If it still fails, contact your system administrator.",
            f"<mx.example.net #4.0.0 smtp;450 <{SENDER}>: Sender address rejected: Domain not found>",
        ],
        "blocked",
        "sender_rejected",
    ),
]


@pytest.mark.parametrize(
    ("heading", "lines", "category", "reason"),
    [case[1:] for case in EXCHANGE2003],
    ids=[case[0] for case in EXCHANGE2003],
)
def test_exchange_2003(heading, lines, category, reason):
    raw = _exchange2003(lines, heading)
    _check(classify_message(raw), "failure", category, [RCPT], reason)


# Exchange 5.0/5.5's Internet Mail Service as a Lotus cc:Mail user reads
# its notice through the cc:Mail connector (KB Q183588: "Your message was
# not delivered to all recipients.", "The message was not delivered to the
# following recipient(s):", "The recipient name is not recognized",
# "MSEXCH:IMS:<Org>:<Site>:<servername> 0 (000C05A6) Unknown Recipient").


def test_exchange_ims_notice_through_cc_mail():
    body = (
        "Your message was not delivered to all recipients.\n"
        " Subject: Invoice 42\n"
        " Sent:    6/26/97 6:58 PM\n"
        "\n"
        "The message was not delivered to the following recipient(s):\n"
        f"{RCPT}\n"
        "The recipient name is not recognized\n"
        "MSEXCH:IMS:EXAMPLE:SITE:SERVER 0 (000C05A6) Unknown Recipient\n"
    )
    raw = bare_notice(
        body,
        "System Administrator <postmaster@mx.example.net>",
        "Undeliverable: Invoice 42",
    )
    _check(classify_message(raw), "failure", "hard", [RCPT], "mailbox_unknown")


# Exchange 4.0-5.5 to an X.400 recipient: the notice names an X.400
# address, not an Internet one (KB Q258678: "Your message did not reach all
# or some of the intended recipients.", "c=US;a= ;p=Organization;o=Site
# A;dda:MSEXCHANGE=...; on 12/7/99 3:06 PM", "The recipient name is not
# recognized."): a failure with no recipient we sent to (LABELLING.md).


def test_exchange_x400_recipient_is_not_an_address_we_sent_to():
    body = (
        "Your message did not reach all or some of the intended recipients.\n"
        "\n"
        "The following recipient(s) could not be reached:\n"
        "\n"
        "c=US;a= ;p=Organization;o=Site A;dda:MSEXCHANGE=/o=EXAMPLE/ou=SITE/cn=Recipients/cn=b4501a7a-4060570b; on 12/7/99 3:06 PM\n"
        "\n"
        "The recipient name is not recognized.\n"
    )
    raw = bare_notice(
        body,
        "System Administrator <postmaster@mx.example.net>",
        "Undeliverable: Invoice 42",
    )
    _check(classify_message(raw), "failure", "hard", [])


# --------------------------------------------------------------------------
# The Windows 2000/2003 SMTP service (IIS SMTPSVC, and Exchange 2000/2003
# in front of it): Q295734 (jeffpar/kbarchive @ e92bde762b,
# txt/295/Q295734.TXT): "This is an automatically generated Delivery Status
# Notification." / "Delivery to the following recipients failed." and the
# address alone on its line (a real one posted on pastebin.com/CPtpMARD
# reads the same); the notice gives no reason (the article's cause, a
# Domino server without 8BITMIME, is not in it): soft, undetermined
# (LABELLING.md).
# --------------------------------------------------------------------------


def test_windows_smtp_service_without_a_reason():
    body = (
        "This is an automatically generated Delivery Status Notification.\n"
        "\n"
        "Delivery to the following recipients failed.\n"
        "\n"
        f"       {RCPT}\n"
        "\n"
    )
    raw = bare_notice(
        body,
        "postmaster@mx.example.net",
        "Delivery Status Notification (Failure)",
    )
    _check(classify_message(raw), "failure", "soft", [RCPT], "undetermined")


# --------------------------------------------------------------------------
# Yahoo! Mail's servers in the 2000s, as a qmail notice quotes them:
# Yahoo! Help, "My email is being blocked by Yahoo! Mail. What can I do?"
# (help.yahoo.com/l/in/yahoo/mail/original/abuse/abuse-57.html, 2008:
# "554 delivery error: dd This user doesn't have a yahoo.com account
# (<address>)", "554 delivery error: dd Sorry, your message to <address>
# cannot be delivered. This account is over quota.", "421 Resources
# temporarily unavailable. Please try again later.", "553 VS99-IP1
# deferred", "451 VS1-IP Excessive unknown recipients - possible Open
# Relay (#4.1.8)"), and Yahoo Help SLN3275 ("Email 'Failed Delivery'
# message": the qmail-send notice, "Remote host said: 554 delivery error:
# dd This user doesn't have a ... account ... [-5] - ..." after "failed
# after I sent the message.").
# --------------------------------------------------------------------------


def _qmail_yahoo(paragraph, address="nobody@yahoo.com"):
    body = (
        "Hi. This is the qmail-send program at mx.example.net.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n"
        "\n"
        f"<{address}>:\n{paragraph}\n"
        "\n"
        "--- Below this line is a copy of the message.\n"
        "\n"
        f"Return-Path: <{SENDER}>\nTo: {address}\nSubject: Invoice 42\n"
    )
    return bare_notice(body, "MAILER-DAEMON@mx.example.net", "failure notice")


YAHOO_2000S = [
    (
        "no-account",
        "98.136.101.117 failed after I sent the message.\n"
        "Remote host said: 554 delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [-5] - mta1012.mail.mud.yahoo.com",
        "hard",
        "mailbox_unknown",
    ),
    (
        "over-quota",
        "98.136.101.117 failed after I sent the message.\n"
        "Remote host said: 554 delivery error: dd Sorry, your message to nobody@yahoo.com cannot be delivered. This account is over quota. - mta1012.mail.mud.yahoo.com",
        "soft",
        "mailbox_full",
    ),
    (
        "connection-deferred",
        "Connected to 98.136.101.117 but greeting failed.\n"
        "Remote host said: 553 VS99-IP1 deferred",
        "blocked",
        "ip_rejected",
    ),
    (
        "open-relay-suspicion",
        "Connected to 98.136.101.117 but sender was rejected.\n"
        "Remote host said: 451 VS1-IP Excessive unknown recipients - possible Open Relay (#4.1.8)\n"
        "I'm not going to try again; this message has been in the queue too long.",
        "blocked",
        "sender_rejected",
    ),
    (
        "resources-unavailable",
        "Connected to 98.136.101.117 but greeting failed.\n"
        "Remote host said: 421 Resources temporarily unavailable. Please try again later.\n"
        "I'm not going to try again; this message has been in the queue too long.",
        "soft",
        "expired",
    ),
]


@pytest.mark.parametrize(
    ("paragraph", "category", "reason"),
    [case[1:] for case in YAHOO_2000S],
    ids=[case[0] for case in YAHOO_2000S],
)
def test_yahoo_2000s_replies_in_a_qmail_notice(paragraph, category, reason):
    result = classify_message(_qmail_yahoo(paragraph))
    _check(result, "failure", category, ["nobody@yahoo.com"], reason)


# --------------------------------------------------------------------------
# Sun Java System Messaging Server 6.2 (iPlanet / Netscape Messaging Server
# lineage, PMDF's notice texts): a notice of 2008 as a fax gateway's public
# Java test quotes it (getUndeliveredFaxMessageInputStreamTR31888_B: the
# index that holds it names no repository): Subject "Delivery
# Notification: Delivery has failed", "This report relates to a message
# you sent with the following header fields:", the quoted header fields,
# "Your message cannot be delivered to the following recipients:",
# "  Recipient address: ...", "  Original address: ...", "  Reason: ..."
# ("Illegal host/domain name found", "SMTP transmission failure has
# occurred"), then a delivery-status part ("Status: 5.4.4 (Illegal
# host/domain name found)") -- read with it and without it (a relay that
# kept only the text).
# --------------------------------------------------------------------------


def _sun_messaging(reason, status, with_dsn):
    text = (
        "This report relates to a message you sent with the following header fields:\n"
        "\n"
        "  Message-id: <42@erp.example.com>\n"
        "  Date: Fri, 08 Feb 2008 12:09:19 +0100 (MET)\n"
        f"  From: {SENDER}\n"
        f"  To: {RCPT}\n"
        "  Subject: Invoice 42\n"
        "\n"
        "Your message cannot be delivered to the following recipients:\n"
        "\n"
        f"  Recipient address: {RCPT}\n"
        f"  Original address: {RCPT}\n"
        f"  Reason: {reason}\n"
        "\n"
    )
    head = (
        "From: postmaster@mx.example.net\n"
        f"To: {SENDER}\n"
        "Subject: Delivery Notification: Delivery has failed\n"
        "Message-id: <0JVX00H042ZKPI00@mx.example.net>\n"
        "MIME-version: 1.0\n"
    )
    if not with_dsn:
        return (head + "Content-type: text/plain; charset=us-ascii\n\n" + text).encode()
    return (
        head + "Content-type: multipart/report;\n"
        ' boundary="Boundary_(ID_Afd8fhR5FgEacy6p8hftTQ)"; report-type=delivery-status\n'
        "\n"
        "--Boundary_(ID_Afd8fhR5FgEacy6p8hftTQ)\n"
        "Content-type: text/plain; charset=us-ascii\n"
        "Content-language: en-US\n"
        "\n"
        f"{text}\n"
        "--Boundary_(ID_Afd8fhR5FgEacy6p8hftTQ)\n"
        "Content-type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns;mx.example.net (tcp_intranet-daemon)\n"
        "\n"
        f"Original-recipient: rfc822;{RCPT}\n"
        f"Final-recipient: rfc822;{RCPT}\n"
        "Action: failed\n"
        f"Status: {status} ({reason})\n"
        "\n"
        "--Boundary_(ID_Afd8fhR5FgEacy6p8hftTQ)--\n"
    ).encode()


SUN_MESSAGING = [
    (
        "illegal-host",
        "Illegal host/domain name found",
        "5.4.4",
        "hard",
        "domain_unknown",
    ),
    (
        "smtp-transmission-failure",
        "SMTP transmission failure has occurred",
        "5.0.0",
        "soft",
        "undetermined",
    ),
]


@pytest.mark.parametrize("with_dsn", [True, False], ids=["dsn", "text-only"])
@pytest.mark.parametrize(
    ("reason_text", "status", "category", "reason"),
    [case[1:] for case in SUN_MESSAGING],
    ids=[case[0] for case in SUN_MESSAGING],
)
def test_sun_messaging_server(reason_text, status, category, reason, with_dsn):
    raw = _sun_messaging(reason_text, status, with_dsn)
    _check(classify_message(raw), "failure", category, [RCPT], reason)


# --------------------------------------------------------------------------
# Lotus Notes / Domino's Delivery Failure Report as the Notes client lays
# out its form in plain text, the table's cells one under the other (a
# real report posted on pastebin.com/ESqDdi4N, 2017: "Delivery Failure
# Report", "Your <subject> message:", "was not <address> delivered to:",
# "because: 5.1.2 - Bad destination host 'DNS Hard Error looking up <domain>
# (A): domain has no A record' (delivery attempts: 0)", "What should you
# do?" and the Resend advice, then the routing servers).  The column
# layout the Domino parser reads ("was not delivered to:" alone on its
# line) is ``test_bounce_notice_parsers.py``'s.
# --------------------------------------------------------------------------


def test_domino_report_in_the_notes_client_layout():
    body = (
        "Delivery Failure Report\n"
        "Your Invoice 42\n"
        "message:\n"
        f"was not {RCPT}\n"
        "delivered\n"
        "to:\n"
        "because: 5.1.2 - Bad destination host 'DNS Hard Error looking up\n"
        "b.example (A): domain has no A record' (delivery attempts: 0)\n"
        "What should you do?\n"
        "You can resend the undeliverable document to the recipients listed above\n"
        "by choosing the Resend button or the Resend command on the Actions menu.\n"
        "Once you have resent the document you may delete this Delivery Failure\n"
        "Report.\n"
        "If resending the document is not successful you will receive a new\n"
        "failure report.\n"
        "Unless you receive other Delivery Failure Reports, the document was\n"
        "successfully delivered to all other recipients.\n"
        "mailhub1/EXAMPLE, mail01/EXAMPLE\n"
    )
    raw = bare_notice(body, "Postmaster@mx.example.net", "Delivery Failure Report")
    _check(classify_message(raw), "failure", "hard", [RCPT], "domain_unknown")


# --------------------------------------------------------------------------
# SmarterMail 2.x-5.x (SmarterTools, 2003-2008), its notice as two hosts'
# knowledge bases quote it (kb.indsoft.net/kb/a70/common-email-delivery-
# errors.aspx; support.rackteam.com/kb/a136/common-email-delivery-errors-
# you-may-receive.aspx): "Could not deliver message to the following
# recipient(s):", "Failed Recipient: <address>", "Reason: ..." ("Failed to
# connect to the recipients mail server. No MX records were found for the
# '<domain>' domain.", then "Failed all attempts to connect to the
# recipients mail server." and "Attempted to send the message to the
# following ip's: ..."; "The mailbox is full"; "The domain size limit has
# been exceeded", the receiving domain's disk allocation).  The pages show
# the body only; the header is SmarterMail's usual one.
# --------------------------------------------------------------------------

SMARTERMAIL = [
    (
        "no-mx",
        "Failed to connect to the recipients mail server. No MX records were found for the 'b.example' domain.\n"
        "\n"
        "Failed all attempts to connect to the recipients mail server.\n"
        "Attempted to send the message to the following ip's: 192.0.2.7",
        "hard",
        "domain_unknown",
    ),
    ("mailbox-full", "The mailbox is full", "soft", "mailbox_full"),
    (
        # the domain's storage, not the message's size
        "domain-size-limit",
        "The domain size limit has been exceeded",
        "soft",
        "mailbox_full",
    ),
]


@pytest.mark.parametrize(
    ("reason_text", "category", "reason"),
    [case[1:] for case in SMARTERMAIL],
    ids=[case[0] for case in SMARTERMAIL],
)
def test_smartermail_2000s(reason_text, category, reason):
    body = (
        "Could not deliver message to the following recipient(s):\n"
        "\n"
        f"Failed Recipient: {RCPT}\n"
        f"Reason: {reason_text}\n"
    )
    raw = bare_notice(
        body, "System Administrator <postmaster@mx.example.net>", "Undeliverable Mail"
    )
    _check(classify_message(raw), "failure", category, [RCPT], reason)


# --------------------------------------------------------------------------
# America Online's own notice around 2000, as ChiliPepperWeb's support
# pages quote it beside the Sendmail ones (chilipepperweb.net/email-support
# /mail-quota-exceeded.html: "The mail you sent could not be delivered
# to:" and "552 <address> has a full mailbox"; the page shows the body
# only).
# --------------------------------------------------------------------------


def test_aol_classic_full_mailbox():
    body = (
        "The mail you sent could not be delivered to:\n"
        "\n"
        "552 nobody@aol.com has a full mailbox\n"
        "\n"
    )
    raw = bare_notice(
        body, "Mail Delivery Subsystem <MAILER-DAEMON@aol.com>", "Returned mail"
    )
    _check(classify_message(raw), "failure", "soft", ["nobody@aol.com"], "mailbox_full")


# Domino R5's report whose reason is the remote server's acceptance (IBM
# technote 1100477, "Domino R5: Improperly Addressed SMTP Mail Returns
# Cryptic Error Message", as atnotes.de quotes it: "Delivery Failure
# Report", "Your document:", "was not delivered to:", "because:", "250
# Message received OK."): a failure whose words give no reason (soft,
# undetermined), not a delivery.


def test_domino_r5_report_with_an_acceptance_as_its_reason():
    body = (
        "Delivery Failure Report\n"
        "\n"
        "Your document:\n"
        "Invoice 42\n"
        "was not delivered to:\n"
        f"{RCPT}\n"
        "because:\n"
        "250 Message received OK.\n"
    )
    raw = bare_notice(body, "Postmaster@mx.example.net", "Delivery Failure Report")
    _check(classify_message(raw), "failure", "soft", [RCPT], "undetermined")


# Exchange 5.5's Internet Mail Service in its own words: "Your message ...
# did not reach the following recipient(s):", "The recipient name is
# ambiguous." and "MSEXCH:IMS:...  0 (000C0595) Ambiguous Recipient" (KB
# Q251152): an address that names more than one mailbox is a bad address
# (RFC 3463 X.1.4); and the IMS's list of recipients "did not receive the
# attached mail" with "(00010256) Too many recipients." under X.500 names,
# which are not addresses we sent to (KB Q246051).


def test_exchange_ims_ambiguous_recipient():
    body = (
        "Your message\n"
        "\n"
        "  Subject: Invoice 42\n"
        "  Sent:    Mon, 17 Jan 2000 16:48:45 -0500\n"
        "\n"
        "did not reach the following recipient(s):\n"
        "\n"
        f"{RCPT} on Mon, 17 Jan 2000 16:49:22 -0500\n"
        "    The recipient name is ambiguous.\n"
        "      The MTS-ID of the original message is: c=US;a= ;p=Example;l=user110001172149D1FCA2JL\n"
        "    MSEXCH:IMS:Example:site:SERVER1 0 (000C0595) Ambiguous Recipient\n"
    )
    raw = bare_notice(
        body,
        "System Administrator <postmaster@mx.example.net>",
        "Undeliverable: Invoice 42",
    )
    _check(classify_message(raw), "failure", "hard", [RCPT], "bad_address")


def test_exchange_ims_too_many_recipients_under_x500_names():
    body = (
        "The following recipients did not receive the attached mail. Reasons are listed with each recipient:\n"
        "\n"
        "</o=Organization/ou=Site/cn=Recipients/cn=User1> User1\n"
        "\tMSEXCH:IMS:Organization:SITE:DESTSRVR 0 (00010256) Too many recipients.\n"
        "</o=Organization/ou=Site/cn=Recipients/cn=User2> User2\n"
        "\tMSEXCH:IMS:Organization:SITE:DESTSRVR 0 (00010256) Too many recipients.\n"
        "\n"
        "The message that caused this notification was:\n"
    )
    raw = bare_notice(
        body, "IMS Admin <postmaster@mx.example.net>", "Undeliverable: Invoice 42"
    )
    _check(classify_message(raw), "failure", "soft", [], "too_many_recipients")


# The Exchange connector for Lotus cc:Mail (KB Q180641: "Your message was
# not delivered to all recipients", "The cause of the failure(s) is listed
# below", "***  Unknown Date Format  ***"): the gateway's conversion failed
# and the notice names no recipient: a failure without a reason or a
# recipient (soft, undetermined, LABELLING.md).


def test_cc_mail_connector_notice_without_a_recipient():
    body = (
        "Your message was not delivered to all recipients\n"
        "The cause of the failure(s) is listed below\n"
        "     ***  Unknown Date Format  ***\n"
    )
    raw = bare_notice(
        body,
        "System Administrator <postmaster@mx.example.net>",
        "Undeliverable: Invoice 42",
    )
    _check(classify_message(raw), "failure", "soft", [], "undetermined")
