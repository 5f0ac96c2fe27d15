"""The reasons table of distribution.bounce: one row per rule, with its source.

Every vendor rule, phrase family, status-code entry and stage has an example
here; ``test_every_rule_has_an_example`` fails when a rule is added without
one.
"""

import pytest

from distribution.bounce import reasons, remedies
from distribution.bounce.model import BLOCKED, HARD, SOFT
from distribution.bounce.reasons import (
    MESSAGE,
    REASONS,
    RECIPIENT,
    SENDER,
    explain,
)
from distribution.bounce.stages import CONNECT, DATA, HELO, MAIL, RCPT, find_stage
from distribution.i18n import CoreMessage

from .test_bounce_vendor_docs import DOCUMENTED
from .test_bounce_vendor_docs2 import DOCUMENTED as DOCUMENTED2

# (text, expected reason) -- one row per vendor rule, in table order
VENDOR_EXAMPLES = [
    # Google, SMTP error reference (4.7.28): throttled for unsolicited mail
    (
        "550-5.7.28 Our system has detected an unusual rate of unsolicited mail "
        "originating from your IP address",
        "reputation",
    ),
    # Outlook.com 4.7.650: rate limited because of the IP's reputation
    (
        "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited "
        "due to IP reputation.",
        "reputation",
    ),
    # Google, SMTP error reference (4.7.28)
    ("421-4.7.28 mail has been temporarily rate limited", "rate_limited"),
    # Microsoft, NDRs in Exchange Online
    (
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP "
        "address lookup",
        "mailbox_unknown",
    ),
    ("550 5.1.10 jo wasn't found at example.org.", "mailbox_unknown"),
    ("550 5.4.1 Recipient address rejected: Access denied", "mailbox_unknown"),
    ("552 5.3.4 RESOLVER.RST.RecipSizeLimit; message too large", "message_too_large"),
    (
        "550 5.7.1 RESOLVER.RST.AuthRequired; authentication required",
        "recipient_refuses",
    ),
    ("550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized", "recipient_refuses"),
    ("550 5.7.133 RESOLVER.RST.SenderNotAuthenticatedForGroup", "recipient_refuses"),
    ("550 5.7.606 Access denied, banned sending IP [192.0.2.1]", "blocklisted"),
    ("550 5.7.708 Access denied, traffic not accepted from this IP", "reputation"),
    ("550 5.4.310 DNS domain example.com does not exist", "domain_unknown"),
    ("451 5.4.312 DNS query failed", "server_trouble"),
    ("550 5.4.316 Message expired, connection refused", "expired"),
    ("550 5.2.121 Recipient's per hour message receive limit", "rate_limited"),
    ("451 4.7.500 Server busy. Please try again later", "rate_limited"),
    # Google
    (
        "450-4.2.1 The user you are trying to contact is receiving mail at a rate "
        "that prevents additional messages from being delivered",
        "rate_limited",
    ),
    (
        "550-5.2.1 The email account that you tried to reach is disabled",
        "mailbox_disabled",
    ),
    (
        "550-5.1.1 The email account that you tried to reach does not exist",
        "mailbox_unknown",
    ),
    (
        "552-5.2.2 The recipient's inbox is out of storage space and inactive.",
        "mailbox_disabled",
    ),
    (
        "452-4.2.2 The email account that you tried to reach is over quota",
        "mailbox_full",
    ),
    # Alibaba Mail (reseller's list of its bounce reasons): "the recipient's
    # address does not exist", "the recipient's mailbox lacks capacity"
    ("退信原因:收件人邮件地址不存在,邮件无法送达\u3002", "mailbox_unknown"),
    (
        "退信原因:收件方邮箱可用容量不足\uff0c或该邮件大小超过收件方系统对单封邮件的限制",
        "mailbox_full",
    ),
    ("550-5.7.26 This mail is unauthenticated email", "auth_failed"),
    (
        "550-5.7.1 The IP you're using to send mail is not authorized to send email "
        "directly to our servers",
        "ip_rejected",
    ),
    # Yahoo Sender Hub
    ("421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred", "reputation"),
    (
        "451 Message temporarily deferred due to unresolvable RFC.5321 from domain",
        "sender_rejected",
    ),
    (
        "We're writing to let you know that the group you tried to contact "
        "(invoices) may not exist, or you may not have permission to post messages "
        "to the group.",
        "not_member",
    ),
    ("554 resimta blocked. See http://postmaster.comcast.net/#BL000000", "blocklisted"),
    ("421 too fast. See http://postmaster.comcast.net/#RL000001", "rate_limited"),
    ("421 4.7.0 [GL01] Message from 192.0.2.1 temporarily deferred", "greylisted"),
    # iRedAPD (iredmail/iRedAPD libs/default_settings.py GREYLISTING_MESSAGE)
    (
        "451 4.7.1 <jo@example.org>: Recipient address rejected: Intentional policy "
        "rejection, please try again later",
        "greylisted",
    ),
    # Outlook.com
    (
        "550 SC-001 (BAY004) Unfortunately, messages from 192.0.2.1 weren't sent",
        "blocklisted",
    ),
    (
        "550 DY-001 (SNT004) Unfortunately, messages from 192.0.2.1 weren't sent",
        "ip_rejected",
    ),
    (
        "550 OU-001 (SNT004) Unfortunately, messages from 192.0.2.1 weren't sent",
        "reputation",
    ),
    # AOL
    ("554 5.7.1 (DNS:NR) no reverse DNS for 192.0.2.1", "ip_rejected"),
    # AOL postmaster: RTR:BB is its list of dynamic / residential IP space
    ("554 5.7.1 (RTR:BB) refused from 192.0.2.1", "ip_rejected"),
    ("554 (RTR:CH) http://postmaster.info.aol.com/errors/554rtrch.html", "reputation"),
    # Google 5.7.0
    (
        "552-5.7.0 This message was blocked because its content presents a "
        "potential security issue",
        "virus",
    ),
    # Yahoo
    ("553 5.7.2 [TSS09] All recipients rejected: IP block", "blocklisted"),
    (
        "554 delivery error: dd This user doesn't have a yahoo.com account",
        "mailbox_unknown",
    ),
    # Coremail's list of bounce texts
    ("550 Requested mail action not taken: Invalid IP", "ip_rejected"),
    ("553 Requested mail action not taken: Fake sender", "sender_rejected"),
    ("550 User hangup", "mailbox_disabled"),
    ("550 User in blacklist", "recipient_refuses"),
    ("550 local server don't exists that user", "mailbox_unknown"),
    # ZoneMTA config/bounces.txt: T-Online refusing our IP
    (
        "554 IP:192.0.2.1 - A problem occurred. (Ask your postmaster for help)",
        "ip_rejected",
    ),
    # ZoneMTA lib/sender.js: our own TLS policy could not be met
    (
        "Policy error: Failed to establish a TLS connection to the MX server",
        "tls_required",
    ),
    # Haraka outbound/hmail.js: no MX answered, under the status X.1.2
    ("5.1.2 (550 Tried all MXs b.example)", "server_trouble"),
]

# (text, expected reason) -- one row per phrase family, in table order; the
# sources are the MTAs' own message texts (Postfix, Exim, Sendmail, qmail)
PHRASE_EXAMPLES = [
    # Rackspace throttles senders it has no history for: reputation
    (
        "451 4.7.1 Received too many messages from a new or untrusted IP: 192.0.2.1",
        "reputation",
    ),
    ("550 Your host is not allowed to connect to this server.", "ip_rejected"),
    ("550 IP 192.0.2.1 is not authorized to send mail for a.example", "ip_rejected"),
    ("550 Please turn on SMTP Authentication in your mail client", "auth_required"),
    # Exchange's Danish NDR sentence for a 5.7.x refusal (Office 365 Dansk
    # wiki, "Fejl ved levering af mails")
    (
        "Din meddelelse blev ikke leveret pga. et tilladelses- eller"
        " sikkerhedsproblem.",
        "policy",
    ),
    (
        "Message distribution in the list is restricted to list subscribers.",
        "not_member",
    ),
    (
        "550 5.7.1 Your message was rejected because the sender is on the"
        " recipient's blocked senders list",
        "recipient_refuses",
    ),
    (
        "550 Domain a.example has exceeded the max emails per hour (111/100 (111%))"
        " allowed.  Message discarded.",
        "rate_limited",
    ),
    ("553 <a@b.example>: Sender address rejected: Domain not found", "sender_rejected"),
    ("553 5.1.8 Domain of sender address x@y.example must resolve", "sender_rejected"),
    ("451 Could not complete sender verify callout", "sender_rejected"),
    ("550 5.1.1 <bounces@ours.example>: unauthorized sender", "sender_rejected"),
    ("Connected to 192.0.2.1 but sender was rejected.", "sender_rejected"),
    ("Connected to 192.0.2.1 but my name was rejected.", "ip_rejected"),
    ("553 sorry, your envelope sender is in my badmailfrom list", "sender_rejected"),
    (
        "554 Service unavailable; Client host [192.0.2.1] blocked using "
        "zen.spamhaus.org",
        "blocklisted",
    ),
    ("450 Client host rejected: cannot find your hostname, [192.0.2.1]", "ip_rejected"),
    ("550 poor reputation of the sending domain", "reputation"),
    ("550 recipient account is blocked", "mailbox_disabled"),
    ("550 this address is no longer valid", "mailbox_disabled"),
    ("550 5.7.1 SPF check failed", "auth_failed"),
    # the Exim specification's SPF ACL example text (RFC 7208 section 8.4)
    (
        "550-192.0.2.53 is not allowed to send mail from ours.example.",
        "auth_failed",
    ),
    ("530 Authentication required", "auth_required"),
    ("554 5.7.1 <a@b.example>: Relay access denied", "relay_denied"),
    ("450 4.7.1 <a@b.example>: Recipient address rejected: Greylisted", "greylisted"),
    ("421 too many connections from your host, slow down", "rate_limited"),
    ("You are not a member of this list, only members may post", "not_member"),
    (
        "Please verify that you are human by replying to this message",
        "challenge_response",
    ),
    ("they are not accepting mail from x@y.example", "recipient_refuses"),
    ("554 Message rejected: virus found in attachment", "virus"),
    ("550 Message rejected as spam", "spam_content"),
    ("554 5.6.0 Message content rejected", "content_rejected"),
    ("554 Message refused", "content_rejected"),
    ("554 rejected for policy reasons", "policy"),
    ("552 Mailbox full", "mailbox_full"),
    ("552 Message size exceeds fixed maximum message size", "message_too_large"),
    ("550 Domain x.example does not accept mail (nullMX)", "null_mx"),
    ("unqualified recipient address not allowed", "bad_address"),
    (
        "Name service error for domain x.example: Host not found, try again",
        "server_trouble",
    ),
    ("Host or domain name not found", "domain_unknown"),
    (
        "550 5.1.1 <a@b.example>: Recipient address rejected: User unknown",
        "mailbox_unknown",
    ),
    ("Unrouteable address", "unroutable"),
    ("retry timeout exceeded", "expired"),
    ("pipe to |/usr/bin/procmail\n  local delivery failed", "local_error"),
    (
        "A message that you sent contained more recipients than allowed",
        "too_many_recipients",
    ),
    (
        "a TLS session is required, but the server did not offer TLS support",
        "tls_required",
    ),
    ("connect to mx.b.example[192.0.2.1]:25: Connection timed out", "server_trouble"),
    ("550 Requested action not taken: mailbox unavailable", "recipient_rejected"),
    ("550 Email was blocked", "policy"),
    # Broadcom KB 169901: a permanent reply that says only "Denied"
    ("554 Denied", "policy"),
    # Dovecot LDA / Pigeonhole Sieve reject
    (
        "Your message to <nobody@b.example> was automatically rejected: not wanted",
        "recipient_refuses",
    ),
    # Postfix smtp_proto.c: the message against the server's limit
    (
        "message size 20480000 exceeds size limit 10240000 of server mx.b.example",
        "message_too_large",
    ),
    # the second batch of open-source programs (test_bounce_mta_sources2.py)
    ("550 very bad karma: -6", "reputation"),  # qpsmtpd plugins/karma
    (
        "550 Please see http://www.openspf.org/Why?scope=mfrom;identity=jo@example.org",
        "auth_failed",
    ),
    ("Sorry, only subscribers may post.", "not_member"),  # ezmlm-idx
    ("Sorry, I've been told to reject your posts.", "recipient_refuses"),
    ("DNS lookup failure: host b.example not found", "domain_unknown"),  # dma
    ("550 5.5.1 Protocol error", "ip_rejected"),  # Postfix postscreen
    ("The message is larger than the 40 KB maximum size", "message_too_large"),
    ("Server accepts messages only on TLS connection", "tls_required"),  # Zimbra
    ("554 Internal error during delivery", "local_error"),  # Kopano dagent
    ("450 Connection error: 0x80040115", "server_trouble"),  # Kopano dagent
    (
        "450 No DNS entries for your MTA, HELO and Domain. Contact YOUR administrator",
        "ip_rejected",
    ),  # policyd-weight
    # localized notices (test_bounce_languages has them whole, with sources)
    ("受信拒否設定により配信できませんでした", "recipient_refuses"),
    ("收件人拒收了您的邮件", "recipient_refuses"),
    ("メールが迷惑メールと判定されました", "spam_content"),
    ("Письмо отмечено как спам", "spam_content"),
    ("受信者のメールボックスの容量がいっぱいです", "mailbox_full"),
    ("收件人空间不足", "mailbox_full"),
    ("수신자의 메일함이 가득 찼습니다", "mailbox_full"),
    ("Почтовый ящик получателя переполнен", "mailbox_full"),
    ("Benutzer hat das Speichervolumen ueberschritten", "mailbox_full"),
    ("El buzón del destinatario está lleno", "mailbox_full"),
    ("メールのサイズが大きすぎます", "message_too_large"),
    ("宛先のメールアドレスが見つかりませんでした", "mailbox_unknown"),
    ("该用户不存在", "mailbox_unknown"),
    ("사용자가 존재하지 않습니다", "mailbox_unknown"),
    ("550 Нет такого пользователя", "mailbox_unknown"),
    ("Uživatel neexistuje", "mailbox_unknown"),
    ("Konto do którego próbujesz wysłać maila nie istnieje", "mailbox_unknown"),
    ("Usuário desconhecido", "mailbox_unknown"),
    ("No se pudo encontrar la dirección de correo electrónico", "mailbox_unknown"),
    ("受信者のメールサーバーがダウンしています", "server_trouble"),
    ("用户由于长时间未登录处于休眠状态", "mailbox_disabled"),
    ("554 sender is unvalidated. (发信人地址不合法)", "sender_rejected"),
    # our sender's user, not the recipient's (the review's counter-example)
    ("550 发件人用户不存在", "sender_rejected"),
    ("550 收件人用户不存在", "mailbox_unknown"),
    ("[退信] 发信数超限制: sending quota exceeded", "rate_limited"),
    ("[退信] 域名不存在: DNS query error", "domain_unknown"),
    ("메일 수신 서버가 응답을 못하는 상황입니다", "server_trouble"),
]

# (status, reply, text, stage, final, expected reason, source)
STATUS_AND_STAGE = [
    ("5.1.1", "550", "", None, True, "mailbox_unknown", "RFC 3463 X.1.1"),
    ("5.1.2", None, "", None, True, "domain_unknown", "RFC 3463 X.1.2"),
    ("5.1.3", None, "", None, True, "bad_address", "RFC 3463 X.1.3"),
    ("5.1.6", None, "", None, True, "mailbox_moved", "RFC 3463 X.1.6"),
    ("5.1.7", None, "", None, True, "sender_rejected", "RFC 3463 X.1.7"),
    ("5.1.8", None, "", None, True, "sender_rejected", "RFC 3463 X.1.8"),
    ("5.1.10", None, "", None, True, "null_mx", "RFC 7505 section 4.2"),
    ("5.2.0", None, "", None, True, "undetermined", "RFC 3463: X.2.0 is 'other'"),
    ("5.2.1", None, "", None, True, "mailbox_disabled", "RFC 3463 X.2.1"),
    ("5.2.2", None, "", None, True, "mailbox_full", "RFC 3463 X.2.2"),
    ("5.2.3", None, "", None, True, "message_too_large", "RFC 3463 X.2.3"),
    ("5.3.4", None, "", None, True, "message_too_large", "RFC 3463 X.3.4"),
    ("5.4.4", None, "", None, True, "unroutable", "RFC 3463 X.4.4"),
    ("5.4.7", None, "", None, True, "expired", "RFC 3463 X.4.7"),
    ("4.4.7", None, "", None, True, "expired", "RFC 3463 X.4.7"),
    ("5.5.3", None, "", None, True, "too_many_recipients", "RFC 3463 X.5.3"),
    ("5.6.1", None, "", None, True, "content_rejected", "RFC 3463 X.6.1"),
    ("5.6.0", None, "", None, True, "content_rejected", "RFC 3463 X.6.0"),
    ("5.7.1", "550", "", None, True, "policy", "RFC 3463 X.7.1"),
    ("5.7.13", None, "", None, True, "mailbox_disabled", "RFC 5248 X.7.13"),
    ("5.7.23", None, "", None, True, "auth_failed", "RFC 7372 X.7.23"),
    ("5.7.25", None, "", None, True, "ip_rejected", "RFC 7372 X.7.25"),
    ("5.7.26", None, "", None, True, "auth_failed", "RFC 7372 X.7.26"),
    ("5.7.27", None, "", None, True, "sender_rejected", "RFC 7505 X.7.27"),
    (
        "5.7.1",
        "554",
        "554 5.7.1 Domain published RFC 7505 Null MX",
        DATA,
        True,
        "sender_rejected",
        "Rspamd mx_check: after the data a null MX is our sender's",
    ),
    (
        "5.1.1",
        "550",
        "550-Verification failed for <jo@example.org> 550-Response: 550 5.1.1 "
        "<jo@example.org>: User unknown 550 Sender verify failed",
        RCPT,
        True,
        "sender_rejected",
        "Exim acl.c: a sender callout quotes its own 5.1.1",
    ),
    ("4.2.1", "450", "", None, True, "server_trouble", "4.x.x: temporary"),
    ("4.7.1", "450", "", None, True, "server_trouble", "bare 4.7.1: temporary"),
    (None, "552", "", None, True, "mailbox_full", "RFC 5321 4.2.3: 552"),
    (None, "551", "", None, True, "mailbox_moved", "RFC 5321 4.2.3: 551"),
    (None, "553", "", None, True, "bad_address", "RFC 5321 4.2.3: 553"),
    (None, "521", "", None, True, "null_mx", "RFC 7504: 521"),
    (None, "556", "", None, True, "null_mx", "RFC 7504: 556"),
    (None, "550", "", CONNECT, True, "ip_rejected", "stage: greeting"),
    (None, "554", "", HELO, True, "ip_rejected", "stage: HELO"),
    (None, "550", "", MAIL, True, "sender_rejected", "stage: MAIL FROM"),
    (None, "550", "", RCPT, True, "recipient_rejected", "stage: RCPT TO"),
    (None, "554", "", DATA, True, "content_rejected", "stage: DATA"),
    (None, "550", "", None, True, "undetermined", "class: permanent, no reason"),
    (None, "451", "", None, True, "server_trouble", "class: temporary"),
    (None, "605", "", None, True, "recipient_refuses", "seed code 605"),
    (None, "602", "", None, True, "server_trouble", "seed code 602"),
]


def _rule_index(ruleset, text):
    lowered = text.lower()
    for index, (_reason, keywords, pattern) in enumerate(ruleset.rules):
        if not any(keyword in lowered for keyword in keywords):
            continue
        if pattern.search(text):
            return index
    return None


@pytest.mark.parametrize(("text", "expected"), VENDOR_EXAMPLES)
def test_vendor_rule(text, expected):
    assert explain(None, None, text).code == expected


@pytest.mark.parametrize(("text", "expected"), PHRASE_EXAMPLES)
def test_phrase_rule(text, expected):
    assert explain(None, None, text).code == expected


def test_every_rule_has_an_example():
    """Here or among the documented refusals of test_bounce_vendor_docs
    and test_bounce_vendor_docs2."""
    documented = [row[4] for row in (*DOCUMENTED, *DOCUMENTED2)]
    vendor = {
        _rule_index(reasons._VENDOR, text)
        for text in [text for text, _ in VENDOR_EXAMPLES] + documented
    }
    phrases = {
        _rule_index(reasons._PHRASES, text)
        for text in [text for text, _ in PHRASE_EXAMPLES] + documented
    }
    assert vendor >= set(range(len(reasons.VENDOR_RULES)))
    assert phrases >= set(range(len(reasons.PHRASE_RULES)))


@pytest.mark.parametrize(
    ("status", "reply", "text", "stage", "final", "expected", "source"),
    STATUS_AND_STAGE,
)
def test_status_reply_stage_and_class(
    status, reply, text, stage, final, expected, source
):
    assert explain(status, reply, text, stage, final).code == expected, source


@pytest.mark.parametrize(
    ("text", "status", "expected", "scope"),
    [
        # the subject of the sentence decides (issue #10)
        ("550 5.1.0 sender domain does not exist", "5.1.0", "sender_rejected", SENDER),
        ("550 recipient account is blocked", None, "mailbox_disabled", RECIPIENT),
        ("550 5.7.1 Your IP 192.0.2.1 is blocked", "5.7.1", "ip_rejected", SENDER),
        ("550 the IP address 192.0.2.1 has been blocked", None, "ip_rejected", SENDER),
        (
            "550 5.7.1 Connection refused - too many bad commands",
            "5.7.1",
            "policy",
            MESSAGE,
        ),
        (
            "550 sending mail server appears to be on a dynamic IP address",
            None,
            "ip_rejected",
            SENDER,
        ),
        # hedged texts are not evidence: the codes decide
        (
            "550 The address may not exist, or your server may be blacklisted",
            "5.0.0",
            "undetermined",
            RECIPIENT,
        ),
        # a specific code some servers reuse yields to an explicit refusal of us
        ("550 5.1.1 rejected as spam", "5.1.1", "spam_content", MESSAGE),
        ("User over quota. (#5.1.1)", "5.1.1", "mailbox_full", RECIPIENT),
        # rate limits are not blocks
        ("421 4.7.0 rate limited, blocked for 1 hour", "4.7.0", "rate_limited", SENDER),
        # X.2.0 is not "mailbox full"
        ("550 5.2.0 mailbox error", "5.2.0", "undetermined", RECIPIENT),
    ],
)
def test_scoping_and_hedging(text, status, expected, scope):
    verdict = explain(status, None, text)
    assert (verdict.code, verdict.scope) == (expected, scope)


def test_temporary_code_with_a_bad_address_on_a_final_failure_is_hard():
    text = "450 4.1.2 <a@b.example>: Recipient address rejected: Domain not found"
    assert explain("4.1.2", "450", text, final=True).category == HARD
    assert explain("4.1.2", "450", text, final=False).category == SOFT


def test_reputation_deferral_that_ended_in_failure_is_blocked():
    text = "421 4.7.0 [TSS04] Messages from 192.0.2.1 deferred due to user complaints"
    assert explain("4.7.0", "421", text).category == BLOCKED


def test_blocklist_is_named():
    verdict = explain(
        "5.7.1", "554", "Client host [192.0.2.1] blocked using zen.spamhaus.org"
    )
    assert (verdict.code, verdict.blocklist) == ("blocklisted", "zen.spamhaus.org")


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("said: 550 5.1.1 unknown (in reply to RCPT TO command)", RCPT),
        ("said: 554 5.7.1 blocked (in reply\n    to RCPT TO command)", RCPT),
        ("said: 554 5.7.1 spam (in reply to end of DATA command)", DATA),
        ("said: 553 sender rejected (in reply to MAIL FROM command)", MAIL),
        ("host x refused to talk to me: 554 go away", CONNECT),
        ("SMTP error from remote mail server after initial connection:", CONNECT),
        ("SMTP error from remote mail server after EHLO x.example:", HELO),
        ("SMTP error from remote mail server after MAIL FROM:<a@b> SIZE=1:", MAIL),
        ("SMTP error from remote mail server after RCPT TO:<a@b.example>:", RCPT),
        ("SMTP error from remote mail server after end of data:", DATA),
        (">>> RCPT To:<a@b.example>\n<<< 550 5.1.1 User unknown", RCPT),
        (">>> DATA\n<<< 554 5.7.1 rejected", DATA),
        ("Connected to 192.0.2.1 but my name was rejected.", HELO),
        ("Connected to 192.0.2.1 but greeting failed.", CONNECT),
        ("550 user unknown", None),
    ],
)
def test_find_stage(text, stage):
    assert find_stage(text) == stage


def test_every_reason_has_a_translatable_remedy():
    assert set(remedies.TEMPLATES) >= set(REASONS)
    for code, reason in REASONS.items():
        assert reason.category in (HARD, SOFT, BLOCKED), code
        assert reason.scope in (RECIPIENT, SENDER, MESSAGE), code
    advice = remedies.remedy(BLOCKED, "5.7.1", "554", "blocked using zen.spamhaus.org")
    assert isinstance(advice, CoreMessage)
    assert "zen.spamhaus.org" in str(advice)
    assert str(remedies.remedy(BLOCKED, "5.7.23", "550", "SPF fail")).endswith(
        "publish SPF and DKIM for the sender domain."
    )


@pytest.mark.parametrize("key", sorted(reasons.STATUS_TABLE))
def test_every_status_code_row(key):
    """Each row of the RFC 3463 / RFC 5248 table decides a mute 5.x.x refusal."""
    status = "5" + key[1:]
    expected = reasons.STATUS_TABLE[key][0]
    assert explain(status, "550" if key != "X.2.2" else "552", "").code == expected


@pytest.mark.parametrize(
    ("status", "reply", "text", "expected"),
    [
        # a plain sentence beats the code some servers reuse for everything
        ("5.2.3", "554", "554 5.2.3 MailPolicy violation", "policy"),
        (
            "5.1.1",
            "550",
            "550 5.1.1 <b@ours.example>: unauthorized sender",
            "sender_rejected",
        ),
        # the socket error EHOSTUNREACH is network trouble, not a bad route
        (
            None,
            None,
            "connect to mx.b.example[192.0.2.1]:25: No route to host",
            "server_trouble",
        ),
        # an address that happens to read "dmarc@" is not an authentication failure
        (None, "550", "<dmarc@b.example>: 550 Recipient rejected", "undetermined"),
        # RFC 5321 section 3.6.2: a host that does not relay for us
        (
            None,
            "501",
            "501 This system is not configured to relay mail to <a@b.example> for "
            "192.0.2.7",
            "relay_denied",
        ),
        # the Exim specification's SpamAssassin ACL example ("This message
        # scored $spam_score spam points."), as SourceForge's MX words it
        (
            None,
            "550",
            "550 This message scored 12.7 points. Congratulations!",
            "spam_content",
        ),
        ("5.0.0", "550", "550 This message scored 3.4 spam points.", "spam_content"),
        # a user's "scored" is not a score
        (
            None,
            "550",
            "550 <scored@b.example>: Recipient address rejected: User unknown",
            "mailbox_unknown",
        ),
        # a delivery time expired whose last error says the domain has no mail
        # route is a non-existent domain on a final failure (SparkPost's
        # bounce classification documents this reply); other last errors
        # stay a queue expiry
        (
            "5.4.7",
            "554",
            "554 5.4.7 [internal] message timeout (last transfail: [internal] No MX"
            " or A for domain)",
            "domain_unknown",
        ),
        (
            "4.4.7",
            None,
            "delivery temporarily suspended: connect to mx.b.example[192.0.2.1]:25:"
            " Connection timed out",
            "expired",
        ),
        # amavisd-new's "No viruses were found." names no virus
        (None, None, "No viruses were found.", "undetermined"),
        (None, "554", "554 5.7.0 Reject, id=1 - INFECTED: Eicar virus", "virus"),
        # the recipient's mail server not found: the domain, not the mailbox
        ("5.0.0", "550", "Unable to find the recipient mail server", "domain_unknown"),
        # "internal error" decides over a 5.1.1 code only when no other
        # phrase names the reason (Kopano's "503 5.1.1 Internal error during
        # delivery" does not; this one does)
        (
            "5.1.1",
            "550",
            "550 5.1.1 <x@b.example>: User unknown (internal error while rewriting)",
            "mailbox_unknown",
        ),
        ("5.1.1", "503", "503 5.1.1 Internal error during delivery", "local_error"),
        ("5.0.0", "550", "Unable to find user: <x@b.example>", "mailbox_unknown"),
        # an attachment too large is the message's size (Postfix's EFBIG
        # "File too large" writing the mailbox stays a full mailbox)
        ("5.0.0", "552", "552 Attachment file too large", "message_too_large"),
        (
            "5.2.2",
            "550",
            "cannot update mailbox /var/mail/x for user x. error writing message: "
            "File too large",
            "mailbox_full",
        ),
    ],
)
def test_explicit_phrases(status, reply, text, expected):
    assert explain(status, reply, text).code == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the lookup failed for now: a queue expiry, not a missing domain
        (
            "Unrouteable address; no mail exchanger found, try again later",
            "expired",
        ),
        ("Unable to find the recipient mail server: DNS lookup timed out", "expired"),
        (
            "Could not find a mail exchanger for b.example: DNS server failure"
            " (SERVFAIL)",
            "expired",
        ),
        # Postfix's "delivery temporarily suspended:" prefixes any dead
        # destination's last error: "Host not found" alone is still no domain
        (
            "delivery temporarily suspended: Host or domain name not found. Name"
            " service error for name=b.example type=MX: Host not found",
            "domain_unknown",
        ),
    ],
)
def test_an_expired_delivery_after_a_temporary_dns_failure_stays_expired(
    text, expected
):
    """The expired + no-mail-route override reads a domain that does not
    exist; a DNS lookup that timed out, failed with SERVFAIL or says "try
    again" is a temporary failure (LABELLING.md: "Host not found, try again"
    is soft), whatever phrase names the domain beside it."""
    assert explain("4.4.7", None, text, final=True).code == expected


def test_hedged_text_is_undetermined_not_the_stage_default():
    """cPanel's "may not exist, they may be blacklisted": nobody knows why."""
    text = (
        "550-The mail server could not deliver mail to a@b.example. The account or "
        "domain may not exist, they may be blacklisted, or missing the proper dns "
        "entries."
    )
    verdict = explain(None, "550", text, RCPT)
    assert (verdict.code, verdict.category) == ("undetermined", SOFT)


@pytest.mark.parametrize(
    ("stage", "expected"),
    [(DATA, "content_rejected"), (MAIL, "sender_rejected"), (CONNECT, "ip_rejected")],
)
def test_hedged_text_after_data_or_before_rcpt_is_the_stage_default(stage, expected):
    """QQ Mail's "550 Domain may not exist or DNS check failed (in reply to end
    of DATA command)": the hedge says nothing about the address, the stage
    says the message or our sender was refused (LABELLING.md, stage rules)."""
    text = "550 Domain may not exist or DNS check failed [MGf IP: 192.0.2.9]."
    verdict = explain("5.0.0", "550", text, stage)
    assert (verdict.code, verdict.category) == (expected, BLOCKED)


# the IANA SMTP Enhanced Status Codes registry (RFC 5248), every X.Y.Z entry
REGISTRY = (
    [f"X.0.{d}" for d in (0,)]
    + [f"X.1.{d}" for d in range(11)]
    + [f"X.2.{d}" for d in range(5)]
    + [f"X.3.{d}" for d in range(6)]
    + [f"X.4.{d}" for d in range(8)]
    + [f"X.5.{d}" for d in range(7)]
    + [f"X.6.{d}" for d in range(11)]
    + [f"X.7.{d}" for d in range(31)]
)


def test_every_registry_code_is_in_the_table_or_left_out_on_purpose():
    for code in REGISTRY:
        assert (code in reasons.STATUS_TABLE) != (code in reasons.NOT_IN_TABLE), code
    assert set(reasons.STATUS_TABLE) <= set(REGISTRY)


@pytest.mark.parametrize("subject", range(8))
def test_other_or_undefined_codes_are_never_specific(subject):
    """X.Y.0 is "other or undefined": never the specific strong reason."""
    assert reasons.status_reason(f"5.{subject}.0", "strong") is None


def test_a_permanent_connection_refused_is_a_refusal_of_us():
    """Broadcom KB 169901 lists "550 Connection refused - we hate spammers!"
    among the block-list refusals: a server that answers 5xx refused us."""
    text = "550 Connection refused - we hate spammers!"
    assert explain(None, "550", text).code == "ip_rejected"
    # a connection that could not be made stays network trouble
    text = "connect to mx.b.example[192.0.2.1]:25: Connection refused"
    assert explain("4.4.1", None, text).code == "server_trouble"


def test_a_hard_reason_in_reply_to_mail_from_is_our_sender():
    """No recipient is named before RCPT TO: an address that "does not
    exist" in reply to MAIL FROM is ours (SoftBank's "553 <domain> does not
    exist" for an envelope sender domain without DNS records)."""
    text = "553 ours.example does not exist"
    assert explain(None, "553", text, MAIL).code == "sender_rejected"
    assert explain("5.1.1", "550", "550 5.1.1 unknown", MAIL).code == "sender_rejected"
    assert explain(None, "553", text, RCPT).code == "mailbox_unknown"


@pytest.mark.parametrize(
    "status, text",
    [
        # Exchange Online's NDR when the receiving host refused the TCP
        # connection (WSAECONNREFUSED, socket error 10061): a 550 wrapping a
        # network status, not a server that answered and refused us
        (
            "4.4.316",
            "550 4.4.316 Connection refused [Message=Socket error code 10061]"
            " [LastAttemptedServerName=mx.b.example] [LastAttemptedIP=192.0.2.1:25]",
        ),
        ("5.4.316", "550 5.4.316 Connection refused [Message=Socket error code 10061]"),
    ],
)
def test_a_permanent_reply_over_a_network_status_is_not_a_refusal_of_us(status, text):
    """Under an X.4.x status (RFC 3463: network and routing) "Connection
    refused" is the TCP connection, whatever the wrapping reply code."""
    found = explain(status, "550", text)
    assert found.category == SOFT
    assert found.code != "ip_rejected"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#< #5.5.0 SMTP; 554-ironport4.b.example> #SMTP#", CONNECT),
        ("Remote Server returned '554 mx.b.example'", CONNECT),
        ("host mx.b.example[192.0.2.1] said: 554 mx.b.example", CONNECT),
        ("<<< 554 mx.b.example", CONNECT),
        # a file name after a number is no greeting
        ("550 5.0.0 rejected\nyour attachment 554 invoice.pdf", None),
        ("see order 554 catalog.html", None),
    ],
)
def test_a_refusing_greeting_opens_the_server_s_words(text, expected):
    """ "554 <domain>" is a greeting (the connection stage) only where the
    server's reply begins: at a line's start, after "SMTP;", "said:", a quote
    or "<<<"; not after any word."""
    assert find_stage(text) == expected
