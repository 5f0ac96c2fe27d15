"""Why a delivery failed: one ordered, data-driven table of reasons.

Every failed recipient gets a *reason* (a stable code such as
``mailbox_unknown`` or ``blocklisted``), which gives its category (hard /
soft / blocked) and its *scope*: whether the refusal concerns the
``recipient`` (the address), our ``sender`` (our address, domain, server or
IP: a company-wide problem) or the ``message`` (its content or format).  The
Odoo layer holds an address only for hard reasons and for blocked reasons of
scope ``recipient``.

The evidence is read in tiers, first decision wins (:func:`explain`):

1. vendor rules (:data:`VENDOR_RULES`): codes and sentences that providers
   document for their own servers;
2. enhanced status codes that say one thing only (:data:`STATUS_TABLE`,
   strength ``strong``; RFC 3463, the IANA registry of RFC 5248, RFC 7505);
3. phrase families (:data:`PHRASE_RULES`), each scoped to whose address or
   what it talks about: "sender domain does not exist" is about our sender,
   "recipient account is blocked" about the recipient's account.  A phrase
   hedged with "may", "might", "possibly"... is not evidence;
4. the other enhanced status codes (strength ``weak``: X.7.1, X.6.x, ...)
   and the reply codes RFC 5321 / RFC 7504 give a meaning to (552, 551,
   553, 521, 556);
5. the SMTP stage of the refusal (:mod:`.stages`): at connection, HELO or
   MAIL the receiver refused *us*; at RCPT the address; after DATA the
   message;
6. the class: a temporary code is soft; a permanent refusal that says
   nothing is ``undetermined`` (soft: retried once, the address is not
   blamed -- telling an accountant to fix a good address is the worst
   outcome).

Codes stay the evidence they are: the ``status`` and ``reply_code`` reported
are the server's, whatever tier decided.
"""

import re
from dataclasses import dataclass

from ..i18n import _
from .model import BLOCKED, HARD, SOFT
from .stages import CONNECT, DATA, HELO, MAIL, RCPT
from .text import cached_by_text, is_generic_status, normalise_status

RECIPIENT = "recipient"
SENDER = "sender"
MESSAGE = "message"
SCOPES = (RECIPIENT, SENDER, MESSAGE)


@dataclass(frozen=True)
class Reason:
    """One reason: its code, category, scope and a short label (an English
    template marked for translation: the Odoo layer shows ``env._(label)``)."""

    code: str
    category: str
    scope: str
    label: str


_REASONS = (
    # hard: the address is bad
    Reason("mailbox_unknown", HARD, RECIPIENT, _("unknown mailbox")),
    Reason("domain_unknown", HARD, RECIPIENT, _("the domain does not exist")),
    Reason("null_mx", HARD, RECIPIENT, _("the domain accepts no mail (null MX)")),
    Reason("bad_address", HARD, RECIPIENT, _("invalid address")),
    Reason("mailbox_disabled", HARD, RECIPIENT, _("mailbox disabled or closed")),
    Reason("mailbox_moved", HARD, RECIPIENT, _("the address has moved")),
    Reason("unroutable", HARD, RECIPIENT, _("no route to the address")),
    Reason("recipient_rejected", HARD, RECIPIENT, _("the address was refused")),
    # soft: temporary
    Reason("mailbox_full", SOFT, RECIPIENT, _("mailbox full")),
    Reason("message_too_large", SOFT, MESSAGE, _("message too large")),
    Reason("greylisted", SOFT, SENDER, _("greylisting")),
    Reason("rate_limited", SOFT, SENDER, _("rate limited")),
    Reason("expired", SOFT, RECIPIENT, _("delivery time expired after retries")),
    Reason("server_trouble", SOFT, RECIPIENT, _("mail server or network trouble")),
    Reason("local_error", SOFT, RECIPIENT, _("mailer error on the receiving host")),
    Reason("too_many_recipients", SOFT, MESSAGE, _("too many recipients")),
    Reason("tls_required", SOFT, SENDER, _("encryption (TLS) required")),
    Reason("delayed", SOFT, RECIPIENT, _("delivery delayed, still retrying")),
    Reason("undetermined", SOFT, RECIPIENT, _("refused without a reason")),
    # blocked: the receiver refused us or our message
    Reason("spam_content", BLOCKED, MESSAGE, _("rejected as spam")),
    Reason("virus", BLOCKED, MESSAGE, _("rejected as a virus or phishing")),
    Reason("content_rejected", BLOCKED, MESSAGE, _("content or format refused")),
    Reason("policy", BLOCKED, MESSAGE, _("refused by policy")),
    Reason("blocklisted", BLOCKED, SENDER, _("our server is on a block list")),
    Reason("reputation", BLOCKED, SENDER, _("poor sending reputation")),
    Reason("sender_rejected", BLOCKED, SENDER, _("our sender address was refused")),
    Reason("ip_rejected", BLOCKED, SENDER, _("our sending server was refused")),
    Reason("auth_failed", BLOCKED, SENDER, _("SPF, DKIM or DMARC check failed")),
    Reason("auth_required", BLOCKED, SENDER, _("authentication required")),
    Reason("relay_denied", BLOCKED, RECIPIENT, _("relaying denied")),
    Reason("not_member", BLOCKED, RECIPIENT, _("mailing list for members only")),
    Reason("challenge_response", BLOCKED, RECIPIENT, _("challenge-response filter")),
    Reason(
        "recipient_refuses", BLOCKED, RECIPIENT, _("the recipient does not accept us")
    ),
)
REASONS = {reason.code: reason for reason in _REASONS}


@dataclass(frozen=True)
class Verdict:
    """The decision for one recipient: reason, tier that decided, extra facts."""

    reason: Reason
    tier: str
    blocklist: str | None = None

    @property
    def code(self):
        return self.reason.code

    @property
    def category(self):
        return self.reason.category

    @property
    def scope(self):
        return self.reason.scope


# --------------------------------------------------------------------------
# 1. Vendor rules: (reason, keywords, regex, source)
# --------------------------------------------------------------------------

_MS = "Microsoft, Email non-delivery reports and SMTP errors in Exchange Online"
_GOOGLE = "Google Workspace Admin Help, SMTP error reference (answer 3726730)"
_YAHOO = "Yahoo Sender Hub, SMTP error codes"
_SEED = "project seed documents 01/02 (codes 602, 605, 607 of the old gateway)"

_OUTLOOK = "Microsoft, Outlook.com postmaster: SMTP error codes (SC-, DY-, OU-)"
_AOL = "AOL postmaster error codes (RTR, HVU, DNS:NR...)"
_MIMECAST = "Mimecast, SMTP error codes (community.mimecast.com DOC-1369)"
_NETEASE = "NetEase (163.com / 126.com) postmaster, SMTP error codes"
_QQ = "Tencent QQ Mail / Exmail, SMTP error codes"
_ALIMAIL = (
    "Alibaba Mail (aliyun.com) bounce reasons, 退信原因, as its reseller lists them"
    " (aliyuntx.com news 351)"
)

_HARAKA = "Haraka, outbound/hmail.js (haraka/Haraka)"
_ZONEMTA = "ZoneMTA, lib/sender.js (zone-eu/zone-mta)"
_ZONEMTA_RULES = "ZoneMTA's bounce rules, config/bounces.txt (zone-eu/zone-mta)"
_COREMAIL = (
    "Coremail support, the bounce texts (退信提示) it lists"
    " (icoremail.vip/support/index.php?cate_id=84)"
)
_KOREAN = (
    "Korean portals' bounce guides: oliveit.tistory.com/39 (CHIC, CCRT, RUSR"
    " codes), puffinknight.tistory.com/102 (Naver, Daum, Paran)"
)
_MIMECAST_CODES = (
    "Mimecast, Mimecast SMTP Error Codes (community.mimecast.com/s/article"
    "/Mimecast-SMTP-Error-Codes-842605754), the 4xx table"
)
_SPARKPOST = (
    "SparkPost support, Message Delivery: Understanding Delays and Bounces"
    " (support.sparkpost.com/docs/faq/understanding-delays-bounces)"
)
_GOOGLE_GROUPS = (
    "Google Workspace Admin Help, answer 168383 (a message rejected by Google"
    " Groups: other users reported the sending IP as a spam source)"
)

VENDOR_RULES = (
    (
        "reputation",
        "ofr_999",
        r"\bOFR_999\b",
        "Orange's OFR_999 ('421 ... Service refuse. Veuillez essayer plus tard."
        " Service refused, please try later. OFR_999 [999]': the sending IP"
        " blocked for a while after complaints; suped.com, OFR_999 errors)",
    ),
    (
        "ip_rejected",
        "sender filtering",
        r"\bBlock\s+(?:temporarily|permanently)\s+\(Sender\s+Filtering",
        "Trend Micro Deep Discovery Email Inspector 5.1 online help, SMTP error"
        " codes ('421 Block temporarily (Sender Filtering/Authentication)', '521"
        " Block permanently (...)': its sender filtering refused our server)",
    ),
    (
        "reputation",
        ("ccrt", "spam_suspect"),
        r"\b421\s+4\.4\.5\s+CCRT\b|\bSPAM_SUSPECT:IP_CONTROL\b",
        _KOREAN + " ('421 4.4.5 CCRT <ip>: Connection refused. Server is"
        " busy(RT)': the spam centre took the IP for a spam source and blocks it"
        " for a while; Paran's 'Transaction failed. (SPAM_SUSPECT:IP_CONTROL)"
        " (http://cleanip.paran.com)': the IP blocked for bulk mail)",
    ),
    (
        "greylisted",
        "internal resource",
        r"\binternal\s+resource\s+temporarily\s+unavailable\b",
        _MIMECAST_CODES + " ('451 Internal resource temporarily unavailable': the"
        " sending server is greylisted, or its IP's reputation is being checked)",
    ),
    (
        "rate_limited",
        "sending ip",
        r"\bsending\s+IP\s+temporarily\s+suspended\b",
        _SPARKPOST + " ('451 4.3.0 [internal] Sending IP temporarily suspended': its"
        " adaptive delivery backing off a receiver's push-back)",
    ),
    (
        "reputation",
        "bulk email senders",
        r"\bBulk\s+Email\s+Senders\s+Guidelines\b",
        _GOOGLE_GROUPS + " ('Message rejected by Google Groups. Please visit"
        " http://support.google.com/mail/answer/188131 to review our Bulk Email"
        " Senders Guidelines.')",
    ),
    (
        "ip_rejected",
        ("invalid ip", "hangup"),
        r"\baction\s+not\s+taken:\s*Invalid\s+IP\b|\bIP\s+is\s+hang\s?up\b",
        _COREMAIL + " ('Requested mail action not taken: Invalid IP', 'IP is Hangup')",
    ),
    (
        "sender_rejected",
        "fake sender",
        r"\baction\s+not\s+taken:\s*Fake\s+sender\b",
        _COREMAIL + " ('Requested mail action not taken: Fake sender')",
    ),
    (
        "mailbox_disabled",
        "hangup",
        r"\bUser\s+hang\s?up\b",
        _COREMAIL + " ('User hangup': the account is suspended)",
    ),
    (
        "recipient_refuses",
        "in blacklist",
        r"\bUser\s+in\s+blacklist\b",
        _COREMAIL + " ('User in blacklist': the recipient's own refused senders)",
    ),
    (
        "mailbox_unknown",
        ("exists that user", "exist that user", "user of this server", "mail user"),
        r"\bdon'?t\s+exists?\s+that\s+user\b|\bnot\s+(?:a\s+)?user\s+of\s+this\s+server\b"
        r"|\bunavailable\s+mail\s+user\b",
        _COREMAIL + " ('local server don't exists that user', 'not user of this"
        " server', 'unavailable mail user')",
    ),
    (
        "ip_rejected",
        "a problem occurred",
        r"\b554\s+IP:\s*[\d.]+\s+-\s+A\s+problem\s+occurred\b",
        _ZONEMTA_RULES + " (T-Online's '554 IP:<ip> - A problem occurred. (Ask your"
        " postmaster ... tosa@rx.t-online.de ...)', category blacklist: our IP)",
    ),
    (
        "tls_required",
        "tls connection",
        r"\bfailed\s+to\s+establish\s+a\s+TLS\s+connection\b",
        _ZONEMTA + " (POLICY_RESPONSE, 'Policy error: Failed to establish a TLS"
        " connection to the MX server as requested by policy': our MTA-STS policy,"
        " not the receiver's)",
    ),
    (
        "server_trouble",
        "tried all mx",
        r"\btried\s+all\s+MXs\b",
        _HARAKA + " (try_deliver: no MX answered, given the status X.1.2 of"
        " DSN.addr_bad_dest_system; a bounce after 'Too many failures')",
    ),
    (
        "reputation",
        "unusual rate",
        r"unusual\s+rate\s+of\s+unsolicited\s+mail",
        _GOOGLE + " (4.7.28 / 5.7.28: rate limited because of unsolicited mail)",
    ),
    (
        "reputation",
        ("4.7.6", "reputation"),
        r"\b4\.7\.6[5-9]\d\b|\brate[\s-]limited\s+due\s+to\s+(?:ip\s+|domain\s+)?reputation",
        _OUTLOOK + " (4.7.650-699: rate limited for IP or domain reputation)",
    ),
    (
        "auth_failed",
        "because",
        r"\brate[\s-]limited\s+because\b[^.]{0,80}?\b(?:spf|dkim|dmarc|authenticat"
        r"|aligned)",
        _GOOGLE + " (4.7.27 / 4.7.30 / 4.7.32: rate limited because SPF or DKIM did not"
        " pass, or the From: domain is not aligned)",
    ),
    (
        "rate_limited",
        ("rate limited", "rate-limited"),
        r"\btemporarily\s+rate[\s-]limited\b|\bhas\s+been\s+rate[\s-]limited\b",
        _GOOGLE + " (4.7.28)",
    ),
    (
        "rate_limited",
        ("quota exceeded", "relay limit", "per connection"),
        r"\bsubmission\s+quota\s+exceeded\b|\bsending\s+quota\s+exceeded\b"
        r"|\b5\.7\.1\s+email\s+quota\s+exceeded\b|\bsmtp\s+relay\s+limit\s+exceeded\b"
        r"|\bmax(?:imum)?\s+messages?\s+per\s+connection\b",
        _MS + " (5.2.2 submission quota exceeded); " + _GOOGLE + " (4.2.1 / 5.4.5 /"
        " 5.7.1 sending quota and relay limits); " + _YAHOO + " (421 max message per"
        " connection)",
    ),
    (
        "too_many_recipients",
        ("transaction",),
        r"\bmultiple\s+destination\s+domains\s+per\s+transaction\b"
        r"|\bsize\s+per\s+transaction\s+exceeded\b",
        _GOOGLE + " (451 4.3.0 / 452 4.5.3: one transaction per domain or recipient)",
    ),
    (
        "ip_rejected",
        "whitelist",
        r"\bIP\s+not\s+in\s+whitelist\b",
        _GOOGLE + " (421 4.7.0 IP not in whitelist for RCPT domain)",
    ),
    (
        "relay_denied",
        "credentials for relay",
        r"\binvalid\s+credentials\s+for\s+relay\b",
        _GOOGLE + " (550 5.7.1 Invalid credentials for relay)",
    ),
    (
        "mailbox_unknown",
        "recip",
        r"\bRESOLVER\.ADR\.(?:Ex)?Recip(?:ient)?NotFound\b",
        _MS,
    ),
    (
        "mailbox_unknown",
        "found at",
        r"\bwasn'?t\s+found\s+at\s+\S+\.",
        _MS + ' (5.1.10 RecipientNotFound: "<name> wasn\'t found at <domain>")',
    ),
    (
        "mailbox_unknown",
        "access",
        r"\b5\.4\.1\s+recipient\s+address\s+rejected:\s*access\s+denied"
        r"|\brecipient\s+address\s+rejected:\s*access\s+denied\.?\s+AS\(\d+\)",
        _MS + " (5.4.1, directory-based edge blocking)",
    ),
    ("message_too_large", "sizelimit", r"\bRecipSizeLimit\b|\bSendSizeLimit\b", _MS),
    (
        "tls_required",
        ("4.7.32", "5.7.32", "starttls", "tlsa", "certificate"),
        r"\b[45]\.7\.32[1235]\b|\bstarttls-not-supported\b|\btlsa-invalid\b"
        r"|\bcertificate-(?:expired|host-mismatch)\b",
        _MS + " (4.7.321-325 / 5.7.321-325: TLS and DANE required by the receiver)",
    ),
    (
        "content_rejected",
        ("5.1.20", "multiple from", "linefeed", "5.7.512", "3.6.2"),
        r"\b5\.1\.20\b|\bmultiple\s+from\s+addresses\b|\bBareLinefeedsAreIllegal\b"
        r"|\bbare\s+linefeeds\b|\b5\.7\.512\b|\bsection\s+3\.6\.2\s+compliant\b",
        _MS + " (5.1.20 multiple From addresses, 5.6.11 bare linefeeds, 5.7.512"
        " From header not RFC 5322 section 3.6.2 compliant)",
    ),
    (
        "policy",
        ("5.3.190", "not authorized", "not authorised"),
        r"\b5\.3\.190\b|\bdelivery\s+not\s+authori[sz]ed,\s+message\s+refused\b",
        _MS + " (5.3.190 journaling refused; 5.7.1 delivery not authorized, message"
        " refused: RFC 3463's own words for X.7.1)",
    ),
    (
        "recipient_refuses",
        (
            "sendernotauthenticated",
            "organization",
            "organisation",
            "allowed",
            "restrictedto",
            "5.7.12",
        ),
        r"\bSenderNotAuthenticated\b|\bnot\s+authenticated\s+by\s+organi[sz]ation\b"
        r"|\bRestrictedTo\w*Permission\b|\bnot\s+in\s+(?:the\s+)?allowed[\s-]senders?"
        r"\s+list\b|\b5\.7\.12[49]\b|\b5\.7\.130\b",
        _MS + " (5.7.12, 5.7.124, 5.7.129, 5.7.130: the recipient or group accepts"
        " only some senders)",
    ),
    (
        "sender_rejected",
        ("send as", "5.7.50", "spam abuse"),
        r"\bpermissions?\s+to\s+send\s+as\s+this\s+sender\b|\b5\.7\.50[1-3]\b"
        r"|\bspam\s+abuse\s+detected\b",
        _MS + " (5.7.60 send-as denied; 5.7.501-503 our sending account banned)",
    ),
    (
        "blocklisted",
        "5.7.511",
        r"\b5\.7\.511\b",
        _MS + " (5.7.511 banned sender IP, delist@microsoft.com)",
    ),
    (
        "ip_rejected",
        ("5.7.510", "5.7.513"),
        r"\b5\.7\.51[03]\b",
        _MS + " (5.7.510 no mail over IPv4; 5.7.513 client host blocked by the"
        " recipient's organisation)",
    ),
    ("recipient_refuses", "authrequired", r"\bRESOLVER\.RST\.AuthRequired\b", _MS),
    ("recipient_refuses", "notauthorized", r"\bRESOLVER\.RST\.NotAuthorized\b", _MS),
    (
        "recipient_refuses",
        "5.7.13",
        r"\b5\.7\.13[3-6]\b",
        _MS + " (5.7.133-136: group or mailbox restricted to internal senders)",
    ),
    (
        "blocklisted",
        "5.7.",
        r"\b5\.7\.(?:60[6-9]|6[1-4]\d)\b",
        _MS + " (5.7.606-649: banned sending IP)",
    ),
    (
        "reputation",
        "5.7.",
        r"\b5\.7\.(?:7[0-4]\d|750)\b",
        _MS + " (5.7.700-750: tenant over its thresholds, traffic not accepted)",
    ),
    ("domain_unknown", "5.4.310", r"\b5\.4\.310\b", _MS + " (5.4.310: no such domain)"),
    (
        "server_trouble",
        "5.4.312",
        r"\b5\.4\.312\b",
        _MS + " (5.4.312: DNS query failed)",
    ),
    ("expired", "5.4.316", r"\b5\.4\.316\b", _MS + " (5.4.316: message expired)"),
    (
        "rate_limited",
        ("5.2.12", "5.1.90"),
        r"\b5\.2\.12[12]\b|\b5\.1\.90\b",
        _MS + " (receive / daily limits)",
    ),
    (
        "rate_limited",
        "4.7.",
        r"\b4\.7\.(?:5\d\d|6[0-4]\d|8[5-9]\d)\b",
        _MS + " (4.7.500-649, 4.7.850-899: server busy, throttled)",
    ),
    (
        "rate_limited",
        ("rate", "quickly"),
        r"receiving\s+mail\s+(?:at\s+a\s+rate|too\s+quickly)|rate\s+that\s+prevents",
        _GOOGLE + " (4.2.1)",
    ),
    (
        "mailbox_disabled",
        "disabled",
        r"account\s+that\s+you\s+tried\s+to\s+reach\s+is\s+(?:disabled|inactive)",
        _GOOGLE + " (5.2.1)",
    ),
    (
        "mailbox_unknown",
        "exist",
        r"account\s+that\s+you\s+tried\s+to\s+reach\s+does\s+not\s+exist",
        _GOOGLE + " (5.1.1)",
    ),
    (
        "mailbox_disabled",
        "inactive",
        r"out\s+of\s+storage\s+space\s+and\s+inactive",
        _GOOGLE + " (5.2.2 OverQuotaPerm: full and no longer used)",
    ),
    (
        "mailbox_full",
        ("quota", "storage"),
        r"tried\s+to\s+reach\s+is\s+over\s+quota|out\s+of\s+storage\s+space",
        _GOOGLE + " (4.2.2 / 5.2.2)",
    ),
    # Alibaba Mail's Chinese bounce notices ("退信原因: ..."); the texts have
    # no SMTP code of their own
    (
        "mailbox_unknown",
        "不存在",
        r"收件人(?:邮件|邮箱)?地址不存在|收件人(?:帐号|账号)?不存在",
        _ALIMAIL + " (550: the recipient's address does not exist)",
    ),
    (
        "mailbox_full",
        ("容量", "已满", "空间"),
        r"(?:邮箱|收件箱)(?:可用)?(?:容量|空间)(?:不足|已满)|收件箱已满",
        _ALIMAIL + " (552: the recipient's mailbox is full)",
    ),
    (
        "auth_failed",
        ("authenticat", "5.7.26"),
        r"\bunauthenticated\s+e?mail\b|\b5\.7\.2[67]\b.*\bauthenticat",
        _GOOGLE + " (5.7.26)",
    ),
    (
        "ip_rejected",
        ("ipv6", "directly"),
        r"ipv6\s+sending\s+guidelines|\bnot\s+authorized\s+to\s+send\s+e?mail\s+directly",
        _GOOGLE,
    ),
    ("reputation", "[ts", r"\[TSS?0[1-8]\]", _YAHOO + " (TS01-TS04, TSS01-TSS08)"),
    (
        "sender_rejected",
        "unresolvable",
        r"\bunresolvable\s+(?:rfc\.?\s?5321\s+)?from\s+domain\b",
        _YAHOO + " (451: unresolvable RFC5321 from domain)",
    ),
    (
        "not_member",
        "group you tried to contact",
        r"group\s+you\s+tried\s+to\s+contact\b.{0,120}?\bpermission\s+to\s+post",
        "Google Groups bounce text (hedged: may not exist, or no permission to post)",
    ),
    # Comcast's block codes are bit flags, one a list (BL000001 Spamhaus ZEN,
    # BL000010 Cloudmark CSI, BL000100 SenderScore...; BL000000 its own
    # block); ES000001 / ES000010: sent from dynamic / residential space
    (
        "blocklisted",
        "bl0",
        r"#BL\d{6}\b|\bBL0[01]{5}\b",
        "Comcast postmaster, Mail delivery error codes"
        " (postmaster.comcast.net/mail-error-codes: BL000000-BL000111)",
    ),
    (
        "ip_rejected",
        "es0000",
        r"\bES0000(?:01|10)\b",
        "Comcast postmaster, Mail delivery error codes (ES000001, ES000010:"
        " mail from dynamic / residential IP space)",
    ),
    ("rate_limited", "rl0", r"#RL\d{6}\b", "Comcast postmaster, SMTP error codes (RL)"),
    ("greylisted", "[gl01]", r"\[GL01\]", _YAHOO + " (GL01: deferred, try again)"),
    (
        # iRedMail's policy server greylists with this sentence (iRedAPD
        # libs/default_settings.py GREYLISTING_MESSAGE, sent with "451 4.7.1"
        # by plugins/greylisting.py)
        "greylisted",
        "intentional policy rejection",
        r"\bIntentional\s+policy\s+rejection,\s+please\s+try\s+again\s+later\b",
        "iRedAPD (iredmail/iRedAPD), greylisting message",
    ),
    ("blocklisted", "sc-00", r"\bSC-00[1-4]\b", _OUTLOOK),
    ("ip_rejected", "dy-00", r"\bDY-00[1-2]\b", _OUTLOOK),
    ("reputation", "ou-00", r"\bOU-00[1-2]\b", _OUTLOOK),
    ("ip_rejected", "dns:nr", r"\(DNS:NR\)", _AOL),
    (
        "ip_rejected",
        "rtr:",
        r"\(RTR:(?:BB|RD|BG|DU)\)",
        _AOL + " (postmaster.aol.com/errors: RTR:BB, RTR:DU dynamic or residential"
        " IP space, RTR:RD reverse DNS typical of a dynamic IP, RTR:BG an IP not"
        " yet allocated)",
    ),
    (
        "spam_content",
        "hvu:",
        r"\(HVU:\w+\)",
        _AOL + " (postmaster.aol.com/errors/554hvub1.html: a domain in the message"
        " body draws complaints, the block is content-based)",
    ),
    (
        "reputation",
        ("rtr:", "hvu:", "rly:", "con:", "dyn:", "mlk:"),
        r"\((?:RTR|HVU|RLY|CON|DYN|MLK):\w+\)",
        _AOL,
    ),
    (
        "virus",
        "security issue",
        r"content\s+presents\s+a\s+potential\s+security\s+issue",
        _GOOGLE + " (5.7.0)",
    ),
    ("blocklisted", ("[tss", "[bl"), r"\[TSS(?:09|11)\]|\[BL2[13]\]", _YAHOO),
    (
        "mailbox_unknown",
        "account",
        r"\bdoes\s*n[o']t\s+have\s+an?\s+\S+\s+account\b",
        _YAHOO + " (554 delivery error: dd)",
    ),
    (
        "policy",
        "[ph01]",
        r"\[PH01\]",
        _YAHOO + " (PH01: not accepted for policy reasons)",
    ),
    (
        "local_error",
        ("new email file", "will deliver to"),
        r"\bcan\s*not\s+open\s+new\s+email\s+file\b"
        r"|\bdoes\s+not\s+exist,\s+but\s+will\s+deliver\s+to\b[^\n]*\n[^\n]*\berror\b",
        'vpopmail, vdelivermail.c: "user does not exist, but will deliver to" a'
        " catch-all mailbox, then that delivery's own error (\"can not open new email"
        ' file", "system error"): the address is not the fault',
    ),
    (
        "mailbox_unknown",
        "possibly incorrect",
        r"\brecipient\s+e-?mail\s+address\s+is\s+possibly\s+incorrect\b",
        _MIMECAST + " (550: the recipient address is unknown)",
    ),
    (
        "recipient_refuses",
        "user entry",
        r"\benvelope\s+blocked\s*-\s*user\s+entry\b",
        _MIMECAST + " (550 Envelope blocked - User Entry: the recipient blocked us)",
    ),
    (
        "sender_rejected",
        "envelope blocked",
        r"\benvelope\s+blocked\b",
        _MIMECAST + " (550 Administrative prohibition - envelope blocked)",
    ),
    (
        "blocklisted",
        ("proofpoint", "reputation service", "mail-abuse", "(ers)"),
        r"\bipcheck\.proofpoint\.com\b|\bemail\s+reputation\s+service\b"
        r"|\bmail-abuse\.(?:com|org)\b|\bmatches\s+\(ERS\)",
        "Proofpoint, IP reputation check (ipcheck.proofpoint.com); Trend Micro Email"
        " Reputation Services (ERS, mail-abuse.com lookups; Deep Discovery Email"
        " Inspector's SMTP error codes: 'for Zombie matches (ERS)', 'for RBL+"
        " matches (ERS)')",
    ),
    # Sophos Central Email, SMTP error codes (docs.sophos.com ... SMTPErrorCodes)
    (
        "auth_failed",
        "xgemail_000",
        r"\bXGEMAIL_000[1-3]\b",
        "Sophos Email: XGEMAIL_0001-0003, no valid DKIM signature, SPF or DMARC failed",
    ),
    (
        "blocklisted",
        "xgemail_000",
        r"\bXGEMAIL_000[45]\b",
        "Sophos Email: XGEMAIL_0004 / 0005, sender IP on an RBL, domain on a DBL",
    ),
    ("tls_required", "xgemail_0006", r"\bXGEMAIL_0006\b", "Sophos Email: TLS version"),
    (
        "recipient_refuses",
        "xgemail_000",
        r"\bXGEMAIL_000[89]\b",
        "Sophos Email: XGEMAIL_0008 / 0009, we are on the admin's or the user's block"
        " list",
    ),
    (
        "relay_denied",
        "xgemail_0010",
        r"\bXGEMAIL_0010\b",
        "Sophos Email: not our domain",
    ),
    (
        "mailbox_unknown",
        "xgemail_0011",
        r"\bXGEMAIL_0011\b",
        "Sophos Email: no such address",
    ),
    ("message_too_large", "xgemail_0012", r"\bXGEMAIL_0012\b", "Sophos Email: size"),
    (
        "too_many_recipients",
        "xgemail_0013",
        r"\bXGEMAIL_0013\b",
        "Sophos Email: too many recipients for a large message",
    ),
    (
        "rate_limited",
        "xgemail_001",
        r"\bXGEMAIL_001[45]\b",
        "Sophos Email: XGEMAIL_0014 / 0015, the recipient's inbound rate limits",
    ),
    (
        "mailbox_unknown",
        "domino directory",
        r"\bnot\s+listed\s+in\s+(?:the\s+)?(?:public\s+)?Domino\s+Directory\b"
        r"|\bDomino\s+Directory\s+entry\s+does\s+not\s+specify\s+a\s+valid\b",
        'HCL Domino router messages ("User ... not listed in Domino Directory",'
        " \"Recipient's Domino Directory entry does not specify a valid Notes mail"
        ' file")',
    ),
    (
        "blocklisted",
        "(bl)",
        r"\bto\s+clarify\.\)\s*\(BL\)",
        'Deutsche Telekom (T-Online) postmaster: 554 IP=... "A problem occurred"'
        " refusals, (BL): the sending IP is on its block list",
    ),
    (
        "blocklisted",
        "aup#",
        r"\bAUP#(?:CX|CDR)?BL\b|\bAUP#IPBL[01]{4}\b|\bAUP#I-\d+\b",
        "Spectrum (Charter / Time Warner Cable) postmaster, AUP codes (AUP#BL,"
        " AUP#CXBL, AUP#I-xxxx: the sending IP blocked); Cox postmaster, Error"
        " Codes (postmaster.cox.net: CXBL blocked by Cox, CDRBL blocked for 24"
        " hours, IPBL0001-IPBL1111 listed on Spamhaus ZEN / Return Path /"
        " ivmSIP / Cloudmark CSI)",
    ),
    (
        "blocklisted",
        ("rblmx", "is blocked", "for abuse"),
        r"\bou=rblmx\b|^\s*(?:521[\s-]+)?<\s*\d{1,3}(?:\.\d{1,3}){3}\s*>\s+is\s+blocked\b"
        r"|\bblocked\s+for\s+abuse\b",
        "AT&T / BellSouth mailblock, Error Message Summary (rbl.att.net"
        ' block_enduser.html: "521 <ip> is blocked", "550 <ip> blocked by'
        ' ldap:ou=rblmx,dc=bellsouth,dc=net", "550 Error. Blocked for abuse":'
        " the sending system identified as a source of spam)",
    ),
    (
        "spam_content",
        ("ofr", "lpn007_510"),
        r"\bOFR(?:\d{3})?_506\b|\bLPN007_510\b",
        "Orange (ofr_506 'Mail rejete. Mail rejected.') and La Poste (LPN007_510"
        " 'Service refuse') refusals after DATA, listed as spam or virus by"
        " doc.gadz.org (filtrage des fournisseurs de messagerie): a 5.2.0 / 5.5.0"
        " that says nothing else",
    ),
    (
        "mailbox_disabled",
        "policy rejection",
        r"\bpolicy\s+rejection\s+on\s+the\s+target\s+address\b",
        "Yandex Mail help, non-delivery to Yandex (bounces/yandex.html: 'Policy"
        " rejection on the target address', the recipient's account blocked for"
        " violating the User Agreement)",
    ),
    (
        "mailbox_unknown",
        "no correct",
        r"\bno\s+correct\s+recipients?\b",
        "Yandex Mail help, non-delivery to Yandex ('No correct recipients': the"
        " address does not exist)",
    ),
    (
        "reputation",
        "spam statistics",
        r"\bblocked\s+by\s+spam\s+statistics\b",
        "Yandex Mail help, bounces (message-rejected-under-suspicion-of-spam:"
        " a sender that sends only spam is blocked for 24 hours)",
    ),
    (
        "spam_content",
        "dt:spm",
        r"\bDT:SPM\b",
        _NETEASE + " (DT:SPM: content judged spam)",
    ),
    ("blocklisted", "dt:rbl", r"\bDT:RBL\b", _NETEASE + " (DT:RBL: sending IP listed)"),
    (
        "reputation",
        ("hl:", "rp:cel"),
        r"\bHL:(?:IHU|IPB|MEP|RTR|ICC)\b|\bRP:CEL\b",
        _NETEASE + " (HL:IHU, HL:IPB, HL:MEP, HL:RTR, HL:ICC, RP:CEL: the sending IP's"
        " behaviour or reputation)",
    ),
    (
        "rate_limited",
        ("hl:ifc", "rp:", "frequency"),
        r"\bHL:IFC\b|\bRP:(?:QRC|TRC|DRC)\b|\bfrequency\s+limited\b",
        _NETEASE
        + " (HL:IFC, RP:QRC/TRC/DRC: connection and sending limits); "
        + _QQ
        + " (connection / IP / domain frequency limited)",
    ),
    ("auth_failed", "mi:spf", r"\bMI:SPF\b", _NETEASE + " (MI:SPF: SPF check failed)"),
    ("ip_rejected", "mi:nhd", r"\bMI:NHD\b", _NETEASE + " (MI:NHD: HELO not valid)"),
    (
        "content_rejected",
        "content denied",
        r"\bmail\s+content\s+denied\b",
        _QQ + " (550 Mail content denied)",
    ),
)

_SEED_REPLY = {
    "605": "recipient_refuses",
    "607": "recipient_refuses",
    "602": "server_trouble",
}

# --------------------------------------------------------------------------
# 2/4. Enhanced status codes (RFC 3463, RFC 5248 registry, RFC 7505, 7372)
# --------------------------------------------------------------------------

# "X.s.d": (reason, strength); X.0.0-style codes carry no meaning
STATUS_TABLE = {
    "X.1.1": ("mailbox_unknown", "strong"),  # bad destination mailbox address
    "X.1.2": ("domain_unknown", "strong"),  # bad destination system address
    "X.1.3": ("bad_address", "strong"),  # bad destination mailbox address syntax
    "X.1.4": ("bad_address", "weak"),  # destination mailbox address ambiguous
    "X.1.6": ("mailbox_moved", "strong"),  # destination mailbox has moved
    "X.1.7": ("sender_rejected", "strong"),  # bad sender's mailbox address syntax
    "X.1.8": ("sender_rejected", "strong"),  # bad sender's system address
    "X.1.10": ("null_mx", "strong"),  # recipient address has null MX (RFC 7505)
    "X.2.1": ("mailbox_disabled", "strong"),  # mailbox disabled
    "X.2.2": ("mailbox_full", "strong"),  # mailbox full
    "X.2.3": ("message_too_large", "strong"),  # message length exceeds limit
    "X.2.4": ("server_trouble", "weak"),  # mailing list expansion problem
    "X.3.1": ("server_trouble", "weak"),  # mail system full
    "X.3.2": ("server_trouble", "weak"),  # system not accepting network messages
    "X.3.3": ("server_trouble", "weak"),  # system not capable of selected features
    "X.3.4": ("message_too_large", "strong"),  # message too big for system
    "X.3.5": ("server_trouble", "weak"),  # system incorrectly configured
    "X.4.1": ("server_trouble", "weak"),  # no answer from host
    "X.4.2": ("server_trouble", "weak"),  # bad connection
    "X.4.3": ("server_trouble", "weak"),  # directory server failure
    "X.4.4": ("unroutable", "weak"),  # unable to route
    "X.4.5": ("server_trouble", "weak"),  # mail system congestion
    "X.4.6": ("server_trouble", "weak"),  # routing loop detected
    "X.4.7": ("expired", "strong"),  # delivery time expired
    "X.5.3": ("too_many_recipients", "strong"),  # too many recipients
    "X.6.1": ("content_rejected", "weak"),  # media not supported
    "X.6.2": ("content_rejected", "weak"),  # conversion required and prohibited
    "X.6.3": ("content_rejected", "weak"),  # conversion required, not supported
    "X.6.4": ("content_rejected", "weak"),  # conversion with loss performed
    "X.6.5": ("content_rejected", "weak"),  # conversion failed
    "X.6.6": ("content_rejected", "weak"),  # message content not accepted
    "X.6.7": ("bad_address", "weak"),  # non-ASCII addresses not permitted (6531)
    "X.6.8": ("content_rejected", "weak"),  # UTF-8 reply required (RFC 6531)
    "X.6.9": ("content_rejected", "weak"),  # UTF-8 header cannot be transferred
    "X.6.10": ("content_rejected", "weak"),
    "X.7.0": ("policy", "weak"),  # other security or policy status
    "X.7.1": ("policy", "weak"),  # delivery not authorized, message refused
    "X.7.2": ("not_member", "weak"),  # mailing list expansion prohibited
    "X.7.3": ("content_rejected", "weak"),  # security conversion required
    "X.7.4": ("content_rejected", "weak"),  # security features not supported
    "X.7.5": ("content_rejected", "weak"),  # cryptographic failure
    "X.7.6": ("content_rejected", "weak"),  # cryptographic algorithm not supported
    "X.7.7": ("content_rejected", "weak"),  # message integrity failure
    "X.7.8": ("auth_failed", "weak"),  # authentication credentials invalid
    "X.7.9": ("auth_required", "weak"),  # authentication mechanism is too weak
    "X.7.10": ("tls_required", "weak"),  # encryption needed
    "X.7.11": ("tls_required", "weak"),  # encryption required for mechanism
    "X.7.12": ("auth_required", "weak"),  # a password transition is needed
    "X.7.13": ("mailbox_disabled", "strong"),  # user account disabled
    "X.7.14": ("recipient_refuses", "weak"),  # trust relationship required
    "X.7.15": ("server_trouble", "weak"),  # priority level is too low
    "X.7.16": ("message_too_large", "weak"),  # message too big for priority
    "X.7.17": ("mailbox_moved", "strong"),  # mailbox owner has changed
    "X.7.18": ("mailbox_moved", "strong"),  # domain owner has changed
    "X.7.19": ("server_trouble", "weak"),  # RRVS test cannot be completed
    "X.7.20": ("auth_failed", "strong"),  # no passing DKIM signature (RFC 7372)
    "X.7.21": ("auth_failed", "strong"),  # no acceptable DKIM signature
    "X.7.22": ("auth_failed", "strong"),  # no valid author-matched DKIM signature
    "X.7.23": ("auth_failed", "strong"),  # SPF validation failed
    "X.7.24": ("auth_failed", "strong"),  # SPF validation error
    "X.7.25": ("ip_rejected", "strong"),  # reverse DNS validation failed
    "X.7.26": ("auth_failed", "strong"),  # multiple authentication checks failed
    "X.7.27": ("sender_rejected", "strong"),  # sender address has null MX
    "X.7.28": ("rate_limited", "weak"),  # mail flood detected
    "X.7.29": ("auth_failed", "weak"),  # ARC validation failure
    "X.7.30": ("tls_required", "weak"),  # REQUIRETLS support required
}
# The rest of the IANA registry, on purpose not in the table: X.Y.0 are
# "other or undefined" (never specific); X.1.5 and X.1.9 report success; the
# protocol codes X.5.1/2/4/5/6 (invalid command, syntax error, invalid
# arguments, wrong protocol version, AUTH line too long) say nothing about
# whom a refusal concerns, so the SMTP stage decides.
NOT_IN_TABLE = frozenset(
    {"X.1.5", "X.1.9", "X.5.1", "X.5.2", "X.5.4", "X.5.5", "X.5.6"}
    | {f"X.{subject}.0" for subject in range(7)}
)  # X.7.0 stays in the table, weak: the class meaning of subject 7 (policy)
# Temporary codes never make an address bad by themselves, and RFC 3463
# gives the 4.x.x versions of these a temporary meaning.
_TEMPORARY_ONLY = {"X.1.1", "X.1.2", "X.1.3", "X.1.6", "X.1.10", "X.2.1", "X.7.13"}

# RFC 5321 section 4.2.3 and RFC 7504: (reason, stages where it holds)
REPLY_TABLE = {
    "551": ("mailbox_moved", (None, RCPT)),  # user not local
    "552": ("mailbox_full", (None, RCPT, DATA)),  # exceeded storage allocation
    "553": ("bad_address", (None, RCPT)),  # mailbox name not allowed
    "521": ("null_mx", (None, CONNECT, RCPT)),  # host does not accept mail
    "556": ("null_mx", (None, RCPT)),  # domain does not accept mail
    # RFC 4954 section 6 (AUTH) and RFC 3207 (STARTTLS): our credentials or TLS
    "530": ("auth_required", (None, HELO, MAIL, RCPT)),  # authentication required
    "534": ("auth_required", (None, HELO, MAIL)),  # mechanism is too weak
    "535": ("auth_required", (None, HELO, MAIL)),  # credentials invalid
    "538": ("tls_required", (None, HELO, MAIL)),  # encryption required for mechanism
}
# a reply whose meaning depends on the command: RFC 1870 section 6.1, 552 in
# reply to MAIL FROM with a SIZE the server will never accept
REPLY_AT_STAGE = {("552", MAIL): "message_too_large"}

# --------------------------------------------------------------------------
# 3. Phrase families: (reason, keywords, regex); first rule that matches
# unhedged wins.  Sources: the message texts of Postfix (smtpd_*_restrictions
# and bounce(5) templates), Exim (spec chapter "Bounce and warning messages",
# ACL texts), Sendmail (cf/README, sendmail.cf messages), qmail (qmail-send,
# qmail-remote), and the providers documented above.
# --------------------------------------------------------------------------

_OURS = r"(?:sender|envelope[\s-]from|return[\s-]path|mail\s+from)"
_STATE = (
    r"(?:disabled|blocked|suspended|locked|inactive|deactivated|closed|frozen|"
    r"expired|terminated|deleted|removed|discontinued|cancell?ed)"
)
_ADDRESSEE = r"(?:recipient|mailbox|address(?:ee)?|account|user|domain|host)"
_LISTS = (
    r"spamhaus|spamcop|barracudacentral|sorbs|uceprotect|psbl|"
    r"mailspike|invaluement|abuseat|spamrats|backscatterer|"
    # NiX Spam (iX / manitu's ix.dnsbl.manitu.net), as web.de names it:
    # "Your e-mail service was detected by mx-ha.web.de (NiX Spam)"
    r"nix\s?spam"
)

PHRASE_RULES = (
    # our sender: its address or domain, whatever the sentence says about it
    # (in Chinese, the glosses of a Chinese mail host's refusal list,
    # blog.sina.com.cn/s/blog_8dc13ec50101fxxr: "发件人地址不合法",
    # "发信人地址不合法", "拒绝发件人地址")
    (
        "sender_rejected",
        ("发件人", "发信人", "寄件人"),
        # (also "发件人用户不存在": our sender's user does not exist)
        r"(?:发件人|发信人|寄件人)(?:地址|邮箱|用户|帐号|账号|账户)?"
        r"(?:不存在|不合法|无效|被拒绝)|拒绝发件人",
    ),
    (
        "sender_rejected",
        ("sender", "from", "return"),
        r"\b" + _OURS + r"\s+(?:e-?mail\s+)?(?:address\s+|domain\s+)?(?:\S+\s+){0,3}?"
        r"(?:rejected|denied|refused|not\s+allowed|not\s+permitted|does\s*n[o']t\s+exist"
        r"|not\s+found|unknown|invalid|is\s+not\s+valid|unverified|not\s+verified|verify"
        r"\s+failed|verification\s+failed|blacklisted|blocked|banned)\b",
    ),
    (
        "sender_rejected",
        "domain",
        r"\bdomain\s+of\s+sender\s+address\b|\bsender\s+domain\s+must\s+(?:exist|resolve)"
        # AT&T / BellSouth mailblock: "550 [permfail] <domain> requires valid
        # sender domain"; 1&1: "421 unable to verify sender domain"
        r"|\b(?:requires?\s+(?:a\s+)?valid|unable\s+to\s+verify)\s+sender\s+domain\b",
    ),
    ("sender_rejected", "verify", r"\bsender\s+verif(?:y|ication)\b"),
    (
        "sender_rejected",
        ("valid sender",),
        r"(?:\bnot|n't)\s+(?:recogni[sz]ed\s+as\s+)?a\s+valid\s+sender\b"
        r"|\bno\s+valid\s+sender\s+in\s+any\s+header\s+line\b",
    ),
    ("sender_rejected", "sender", r"\bunauthori[sz]ed\s+sender\b"),
    # our own account may no longer send (Mail.ru: "550 Message sending for
    # this account is disabled"): not the recipient's account
    (
        "sender_rejected",
        ("sending", "unusual"),
        r"\b(?:message\s+)?sending\s+(?:for|from)\s+(?:this|your)\s+account\s+"
        r"(?:is\s+|has\s+been\s+)?(?:disabled|blocked|suspended)\b"
        # Zoho restricts an account's outgoing mail on unusual activity
        # ("550 5.4.6 Unusual sending activity detected", its usage policy)
        r"|\bunusual\s+sending\s+activity\b",
    ),
    (
        "sender_rejected",
        ("badmailfrom", "not verified"),
        r"\bbadmailfrom\b|\b(?:e-?mail\s+)?address\s+is\s+not\s+verified\b",
    ),
    (
        "ip_rejected",
        "rejected",
        r"\bbut\s+my\s+name\s+was\s+rejected\b",  # qmail-remote: HELO refused,
    ),
    # the recipient's own block list: that recipient refuses us
    (
        "recipient_refuses",
        ("user", "recipient", "blocked sender", "permission"),
        # a Korean portal: "550 You are registered as spammer (by user's
        # reject list)"
        r"\b(?:user|recipient)(?:'s)?\s+(?:deny|block|black|reject)[\s-]?list\b"
        r"|\brecipient\s+has\s+blocked\b"
        # Interia: "550 5.7.1 Recipient doesn't want your mail" (its help: the
        # recipient put us on a block list)
        r"|\brecipient\s+(?:does\s*n[o']t|does\s+not)\s+want\s+your\s+(?:e-?)?mail\b"
        # Exchange, a group that takes mail from some senders only ("Your
        # message can't be delivered because you do not have permissions to
        # send to this distribution list": University of Macau ICTO FAQ)
        r"|\b(?:do(?:es)?\s+not|don'?t)\s+have\s+permissions?\s+to\s+send\s+to\b"
        # Outlook's per-user "Blocked Senders list" (junk e-mail options)
        r"|\bblocked\s+senders?\s+list\b",
    ),
    # a listed link in the message is about the content, not our server
    (
        "spam_content",
        ("url", "uri", "link"),
        r"\b(?:black|block|deny)[\s-]?listed\s+(?:url|uri|link|domain)s?\s+in\b"
        r"|\b(?:url|uri)\s*(?:black|block|deny)[\s-]?list",
    ),
    # greylisting, before the block lists: a greylisting server may name its
    # list like a DNSBL ("421 4.7.1 ... Client host [x] blocked using grey.rbl
    # ... Greylisting in action, please try again later", zone-eu/zone-mta
    # config/bounces.txt, category greylist)
    ("greylisted", ("grey", "gray"), r"\bgr[ae]y[\s-]?list"),
    # block lists, then our server / IP
    (
        "blocklisted",
        (
            "list",
            "bl",
            "blocked using",
            "spamhaus",
            "spamcop",
            "barracuda",
            "sorbs",
            "uceprotect",
            "psbl",
            "mailspike",
            "invaluement",
            "abuseat",
            "spamrats",
            "backscatterer",
            "nix",
        ),
        r"\b(?:black|block|deny)[\s-]?list(?:ed)?\b|\b(?:rbl|dnsbl|dnsrbl)\b"
        r"|\bblocked\s+using\b|(?<!\bnot\s)(?<!n't\s)\blisted\s+(?:in|at|on|by)\b"
        r"|\b(?:" + _LISTS + r")\b",
    ),
    (
        "ip_rejected",
        (
            "client",
            "helo",
            "ehlo",
            "ptr",
            "reverse",
            "rdns",
            "hostname",
            "ip",
            "dynamic",
            "dial",
            "residential",
            "host",
            "protocol",
            "dns",
        ),
        r"\bclient\s+host\s+(?:\[\S+\]\s+)?rejected\b|\b(?:helo|ehlo)\s+command\s+rejected"
        # 1&1 / GMX: "Bad DNS PTR resource record" (postmaster.gmx.net, c=rdns)
        r"|\bptr\s+(?:resource\s+)?record|\breverse\s+(?:dns|lookup|hostname)|\brdns\b"
        r"|\bcannot\s+find\s+your\s+(?:reverse\s+)?hostname"
        r"|\b(?:invalid|bad)\s+(?:helo|ehlo)\b|\b(?:helo|ehlo)\s+name\b"
        r"|\b(?:helo|ehlo)(?:/ehlo)?\s+argument\s+is\s+invalid\b"
        # IceWarp: "501 5.5.1 HELO/EHLO requires domain address"; a Chinese
        # server's "555 helohost error." (its HELO host check failed)
        r"|\b(?:helo|ehlo)(?:/ehlo)?\s+requires?\b|\bhelo\s?host\s+(?:error|invalid)\b"
        r"|\bdynamic\s+(?:ip|address|pool|range)|\bdial-?up\b|\bresidential\s+(?:ip|address)"
        r"|\byour\s+(?:ip|server|host|mail\s+server|network)\b[^.;\n]{0,60}?"
        r"\b(?:blocked|banned|rejected|refused|denied|not\s+allowed)"
        r"|\b(?:ip|host)\s+(?:address\s+)?\S*\s*(?:is\s+|has\s+been\s+|was\s+)?"
        # "<host> is not allowed to send mail from <domain>" is an SPF fail
        # (RFC 7208 section 8.4; Interia: "550 5.7.0 [SPF] host <ip> is not
        # allowed to send mail from domain"), read below
        r"(?:blocked|banned|not\s+allowed(?!\s+to\s+send\s+(?:e-?)?mail\s+from\b)"
        r"|not\s+authori[sz]ed|blacklisted|forbidden)\b"
        # Postfix postscreen's refusal of a client that failed its protocol
        # tests (postscreen_early.c, postscreen_smtpd.c: "550 5.5.1 Protocol
        # error", "521 5.5.1 Protocol error"): our client, not the address
        r"|\b5\d\d[\s-]+(?:5\.5\.\d\s+)?protocol\s+error\b"
        # policyd-weight's $DNSERRMSG (policyd-weight/policyd-weight
        # policyd-weight: "450 No DNS entries for your MTA, HELO and Domain.
        # Contact YOUR administrator"): our server's DNS, not the address
        r"|\bno\s+dns\s+(?:entries|records?)\s+for\s+your\b",
    ),
    # "too many messages from a new or untrusted IP" (Rackspace's throttling of
    # senders it has no history for) is about who we are, not about volume
    (
        "reputation",
        ("reputation", "untrusted", "dictionary", "harvest", "karma"),
        r"\breputation\b|\buntrusted\s+(?:ip|host|sender|source|server)"
        # an address-harvesting pattern seen from our IP (Baruwa: "Dictionary
        # attack detected"; open-mail.org 3strikes: "seems to be involved in
        # a dictionary attack or probing for email addresses")
        r"|\bdictionary\s+attack|\bdirectory\s+harvest"
        # qpsmtpd's karma plugin scores each sending host by its history
        # (smtpd/qpsmtpd plugins/karma: "very bad karma: $karma")
        r"|\bbad\s+karma\b",
    ),
    # the recipient's account is in a state: about the address, not about us
    # a dormant account, in Chinese: mail hosts' lists of 退信原因 ("用户由于长时间
    # 未登录处于休眠状态", mysdqq.cn news 1981: the account sleeps until its
    # owner logs in again; "帐号为冻结状态", a frozen account), a locked
    # mailbox ("550 user is locked. (邮箱被锁)",
    # blog.sina.com.cn/s/blog_8dc13ec50101fxxr)
    (
        "mailbox_disabled",
        ("休眠", "未登录", "被锁", "冻结", "凍結"),
        r"长时间未登录|处于休眠状态|帐号已休眠|账号已休眠|邮箱被锁"
        r"|(?:用户|帐号|账号|邮箱)(?:已|为)?(?:被)?(?:冻结|凍結)",
    ),
    (
        "mailbox_disabled",
        (
            "disabled",
            "blocked",
            "suspended",
            "locked",
            "inactive",
            "deactivated",
            "closed",
            "frozen",
            "expired",
            "terminated",
            "deleted",
            "removed",
            "discontinued",
            "cancel",
        ),
        r"(?<!\bip\s)(?<!\bip-)\b(?:recipient\s+)?(?:account|mailbox|user|address"
        r"|e-?mail\s+address)"
        r"(?:\s+\S+){0,2}?\s+(?:has\s+been\s+|is\s+|was\s+|is\s+currently\s+)?"
        + _STATE
        + r"\b",
    ),
    (
        "mailbox_disabled",
        "longer",
        # bouncesaying(1)'s example in qmail: "This address no longer accepts mail."
        r"\bno\s+longer\s+(?:valid|active|in\s+use|exists?|available"
        r"|accept(?:s|ing)?\s+(?:e-?mails?|mail|messages))\b",
    ),
    # a check that could not run is no verdict on our mail: Cisco AsyncOS's
    # default SPF defer text "451 #4.4.3 Temporary error occurred during SPF
    # verification." (RFC 7208 section 2.6.6, temperror: a transient DNS
    # error while checking)
    (
        "server_trouble",
        ("temporary error", "temperror", "temp error"),
        r"\btemp(?:orary)?\s*error\b[^.\n]{0,40}?\b(?:spf|dkim|dmarc)\b"
        r"|\b(?:spf|dkim|dmarc)\b[^.\n]{0,20}?\btemp\s*error\b",
    ),
    # authentication of our mail
    (
        "auth_failed",
        ("spf", "dkim", "dmarc"),
        r"(?<![@.\w-])(?:spf|dkim|dmarc)\b(?![@\w-]|\.\w)"
        # Mail::SPF's default explanation of a "fail", the whole refusal of
        # postfix-policyd-spf-perl ("550 Please see
        # http://www.openspf.org/Why?scope=mfrom;identity=...;ip=...")
        r"|\bopenspf\.(?:org|net)/why\b",
    ),
    (
        # an SPF "fail" in the words of the Exim specification's SPF ACL
        # example ("$sender_host_address is not allowed to send mail from
        # <domain>"), RFC 7208 section 8.4: our IP is not authorised for
        # our domain
        "auth_failed",
        "allowed to send mail from",
        r"(?:\b\d{1,3}(?:\.\d{1,3}){3}|\b[0-9a-f]*:[0-9a-f:]+)\s+is\s+not\s+allowed\s+to"
        r"\s+send\s+mail\s+from\b",
    ),
    (
        "auth_required",
        ("authentica", "authrequired", "password"),
        r"\bauthentication\s+(?:is\s+)?required\b|\bunauthenticated\s+senders?\b"
        r"|\bnot\s+authenticated\b|\bAuthRequired\b"
        r"|\bunrecognized\s+authentication\s+type\b|\bauthentication\s+credentials"
        r"\s+invalid\b|\busername\s+and\s+password\s+not\s+accepted\b"
        r"|\bapplication-specific\s+password\s+required\b"
        r"|\b(?:turn\s+on|enable)\s+smtp\s+auth",
    ),
    # relaying
    (
        "relay_denied",
        ("relay", "rcpthosts", "local user"),
        # Libero: "RELAYING NOT ALLOWED (550 Relay Disabled)"
        # Kerio Connect: "550 5.7.1 Relaying is denied" (its outbound delivery
        # troubleshooting article)
        # Korean portals: "554 Relay operation rejected"; a Chinese server:
        # "553 host denies relay."
        r"\brelay(?:ing)?\s+(?:is\s+)?(?:access\s+|operation\s+)?(?:denied|not\s+"
        r"(?:permitted|allowed)|prohibited|disabled|rejected|refused)"
        r"|\bden(?:y|ies)\s+relay"
        r"|\b(?:unable|not\s+permitted|not\s+allowed)\s+to\s+relay\b|\bwe\s+do\s+not\s+relay\b"
        r"|\brcpthosts\b|\bno\s+relaying\b"
        # RFC 5321 section 3.6.2: a server that is not the destination and
        # does not relay for us ("501 This system is not configured to relay
        # mail to <x> for <ip>")
        r"|\bnot\s+configured\s+to\s+relay\b"
        # Coremail: "553 Requested action not taken: Local user only" (the
        # server takes mail for its own users only)
        r"|\blocal\s+users?\s+only\b",
    ),
    # temporary conditions named as such
    # our sending volume, in Chinese ("发信数超限制", emailhost.com.cn service
    # help, 退信 categories; "收信频率限制", Tencent Exmail reseller help)
    (
        "rate_limited",
        ("超限制", "频率限制", "頻率限制"),
        r"发信(?:数|数量|量)?超(?:过)?限制|[收发]信频率限制|頻率限制",
    ),
    (
        "rate_limited",
        (
            "rate",
            "throttl",
            "too many",
            "limit",
            "frequency",
            "volume",
            "per hour",
            "threshold",
            "exceeded your",
            "sent per",
        ),
        r"\brate[\s-]?limit|\bthrottl|\btoo\s+many\s+(?:messages|connections|mails|e-?mails"
        r"|sessions|concurrent)|\b(?:sending|hourly|daily|message)\s+(?:rate\s+)?limit"
        r"\s+(?:exceeded|reached)|\bexceeded\s+(?:the\s+)?(?:sending|hourly|daily|rate)"
        r"|\b(?:unexpected|excessive)\s+volume\b|\bsending\s+frequency\b"
        # iCloud Mail: "421 4.7.1 Messages to <x> deferred due to excessive
        # volume" (the reply links Apple's postmaster page, HT204137); Cox
        # postmaster, Error Codes: "452 - [Message threshold exceeded]", one
        # of its rate limits
        r"|\b(?:message|connection|sending)\s+threshold\s+(?:exceeded|reached)\b"
        # cPanel's hourly cap of a domain's outgoing mail ("Domain x has
        # exceeded the max emails per hour (111/100 (111%)) allowed")
        r"|\bexceeded\s+the\s+max(?:imum)?\s+(?:number\s+of\s+)?(?:e-?mails|messages)"
        r"\s+per\s+hour\b"
        # a relay's quota of what *we* send (Prolateral outMail: "554 5.7.1
        # <x>: Recipient address rejected: You have exceeded your Outmail
        # quota."), not the recipient's mailbox quota
        r"|\byou\s+have\s+exceeded\s+your\s+(?:\w+\s+){0,2}?quota\b"
        # OCI Email Delivery: "455 Maximum messages sent per minute reached :
        # limit is <n>" (its burst and daily sending rates)
        r"|\bmax(?:imum)?\s+(?:e-?mails|messages)\s+sent\s+per\s+(?:minute|hour|day)"
        r"\s+reached\b",
    ),
    # mailing lists and challenge-response
    (
        "not_member",
        ("member", "closed", "moderat", "subscri", "private list"),
        r"\bnot\s+a\s+(?:list\s+)?member\b|\bnon-?members?\b|\bmembers?\s+only\b"
        r"|\bclosed\s+mailing\s+list\b|\bonly\s+(?:list\s+)?(?:members|subscribers)\b"
        r"|\bnot\s+subscribed\b|\bmoderator\s+approval\b"
        # Sympa's report.tt2 (send_subscriber, send_editor, send_owner)
        r"|\bdistribution\s+(?:in|for)\s+(?:the|this)\s+list\s+is\s+restricted\s+to\b"
        # a Chinese server: "553 private list access denied."
        r"|\bprivate\s+list\s+access\b",
    ),
    (
        "challenge_response",
        ("challenge", "verify", "human", "confirm"),
        r"\bchallenge[\s-]response\b"
        r"|\bverify\s+(?:that\s+)?you\s+are\s+(?:a\s+)?(?:real\s+)?(?:live\s+)?human"
        r"|\bconfirm\s+(?:that\s+)?you\s+are\s+(?:a\s+)?(?:real|human)"
        r"|\bsender\s+(?:needs\s+to\s+be\s+)?(?:approved|whitelisted)\b",
    ),
    # the recipient's own refusal, in the words of Japanese, Chinese and
    # Korean notices: 受信拒否 ("reception refused", the carriers' and ISPs'
    # domain filters: NTT Communications support, OCN mail FAQ pid2300000e64;
    # Gmail Help answer 6596 hl=ja, "受信者の設定で、あなたからのメールを
    # 許可していない"),
    # 拒收 (Tencent Exmail's reseller help, qqmail.zj.cn article 159:
    # "收件人拒收了您的邮件"), 수신거부 / 수신차단 (Korean mail help pages:
    # puffinknight.tistory.com 102, kin.naver.com docId 228964450)
    (
        "recipient_refuses",
        ("受信拒否", "許可していない", "拒收", "拒绝接收", "拒絕接收", "수신"),
        r"受信拒否|メールを許可していない|拒收|拒[绝絕]接收|수신\s?(?:거부|차단)",
    ),
    (
        "recipient_refuses",
        (
            "accept",
            "restricted",
            "authori",
            "allow",
            "destination domain",
            "posts",
            "originator",
            "restriction",
        ),
        r"\bnot\s+accepting\s+(?:e-?mail|mail|messages)\s+from\b"
        # Zoho: "541 5.4.1 Mail rejected by destination domain", filters the
        # receiving domain set (smtp.codes/zoho)
        r"|\b(?:e-?mail|mail|message)\s+rejected\s+by\s+(?:the\s+)?destination\s+domain\b"
        r"|\bdoes\s*n[o']t\s+accept\s+(?:e-?mail|mail|messages)\s+from\b"
        r"|\bhas\s+restricted\b|\brestricted\s+(?:sms\s+)?e-?mail\b"
        r"|\bonly\s+accepts?\s+(?:e-?mail|mail|messages)\s+from\b"
        r"|\bnot\s+(?:authori[sz]ed|allowed|permitted)\s+to\s+send\s+(?:e-?mail\s+|mail\s+)?to\b"
        r"|\brefuses?\s+to\s+accept\b"
        # a list that refuses one poster (ezmlm-idx bin/ezmlm-checksub.c,
        # TXT_REJECT_POSTS: "Sorry, I've been told to reject your posts.")
        r"|\breject\s+your\s+posts\b"
        # Exchange 4.0-5.5's MTA, a mailbox's or a list's delivery
        # restrictions (KB Q149359: "A restriction in the system prevented
        # delivery of the message."; Q152875: "The originator does not have
        # permission to submit message.")
        r"|\brestriction\s+in\s+the\s+system\s+prevented\s+delivery\b"
        r"|\boriginator\s+does\s*n[o']t\s+have\s+permission\s+to\s+submit\b",
    ),
    # the message: virus, spam, content, filters
    (
        "virus",
        ("virus", "malware", "phishing", "infected", "trojan"),
        # "No viruses were found." (amavisd-new's notices) finds none
        r"(?<!scanned\sfor\s)(?<!anti-)(?<!anti)(?<!\bno\s)\bvirus(?:es)?\b|\bmalware\b"
        r"|\bphishing\b"
        r"|(?<!not\s)\binfected\b|\btrojan\b",
    ),
    (
        "spam_content",
        ("spam", "unsolicited", "junk", "bulk", "scored"),
        r"\bspam(?:mer|ming|my|assassin)?\b|\bunsolicited\b|\bjunk\s+mail\b|\bbulk\s+mail\b"
        # a content scanner's score quoted in the refusal: the Exim
        # specification's SpamAssassin ACL example ("Content scanning at ACL
        # time": "message = This message scored $spam_score spam points.")
        r"|\bmessage\s+scored\s+-?\d+(?:\.\d+)?\s+(?:spam\s+)?points\b",
    ),
    # spam in Japanese (Gmail Help answer 6596 hl=ja: "迷惑メールに分類された",
    # "迷惑メールとして報告された"), Chinese (GoDaddy help zh 3568: "标记为垃圾邮件";
    # Tencent Exmail: "垃圾邮件") and Russian (the Russian wording of a
    # "550 spam message rejected", errorsmaster.ru: "отмечено ... как спам")
    (
        "spam_content",
        ("迷惑メール", "垃圾邮件", "垃圾郵件", "спам"),
        r"迷惑メール(?:と(?:して|判定)|に分類)|垃圾[邮郵]件"
        r"|\b(?:распознан|отмечен|признан|похож)\w*\s+(?:\S+\s+){0,4}?(?:как\s+|на\s+)?спам",
    ),
    (
        "content_rejected",
        (
            "content",
            "filter",
            "message",
            "attachment",
            "wanted",
            "scan",
            "header",
            "field",
            "executable",
            "macro",
            "too long",
        ),
        r"\bcontent\s+(?:rejected|refused|not\s+accepted|policy)"
        # Exchange 4.0-5.5's MTA, the X.400 content-type-not-supported
        # diagnostic (KB Q169694: "The message contains a content type that
        # is not supported")
        r"|\bcontent\s+type\s+(?:that\s+)?(?:is\s+)?not\s+supported\b"
        # Broadcom KB 162445 (Email Security.cloud), among the refusals of
        # suspicious content: "552 MS-Office file containing VBA macros found
        # inside of the email" (a 552 that is not a full mailbox)
        r"|\b(?:files?|attachments?|documents?)\s+containing\s+(?:vba\s+)?macros\b"
        r"|\b(?:vba\s+)?macros?\s+(?:found|detected)\b"
        # Hornetsecurity (antispameurope classification codes): "554 5.5.7
        # e-mail Rejected Content Attachment"; Broadcom KB 169925: "554
        # Rejected due to banned content"
        r"|\brejected\s+(?:due\s+to\s+|for\s+)?(?:banned\s+)?(?:content|attachments?)\b"
        # a line over RFC 5322's 998 characters (docomo: "500 Line Too Long")
        r"|\b(?:text\s+)?line\s+(?:is\s+)?too\s+long\b"
        r"|\b(?:filter(?:ed)?\s+fail|\(filter\s+fail\)|message\s+filter)"
        r"|\battachments?\s+(?:type\s+)?(?:not\s+allowed|rejected|blocked|forbidden)"
        r"|\b(?:potentially\s+)?executable\s+attachment\b"
        r"|\bthis\s+message\s+isn't\s+wanted\b|\brejected\s+by\s+(?:the\s+)?"
        r"(?:local\s+)?(?:scanning|content)\b"
        r"|\b(?:missing|no)\s+(?:[\w-]+:?\s+)?(?:header|field)\b(?:\s+given)?",
    ),
    (
        "policy",
        ("polic", "prohibition", "administrator"),
        r"\bpolic(?:y|ies)\b|\badministrative\s+prohibition\b"
        # a site's rule, not a statement about the address: Cisco AsyncOS's
        # DSN reason for a message filter's bounce() action ("5.x.0 - Message
        # bounced by administrator")
        r"|\bmessage\s+(?:was\s+)?(?:bounced|rejected)\s+by\s+(?:the\s+)?administrator\b",
    ),
    # Exchange's Danish NDR for a 5.7.x refusal of the message (the Office
    # 365 Dansk wiki page "Fejl ved levering af mails": "Din meddelelse blev
    # ikke leveret pga. et tilladelses- eller sikkerhedsproblem. Den er måske
    # blevet afvist af en redaktør, adressen accepterer kun mails fra visse
    # afsendere, eller en anden begrænsning forhindrer levering."): a rule of
    # the receiving side about our message, whatever the address
    (
        "policy",
        "sikkerhedsproblem",
        r"\btilladelses-\s+eller\s+sikkerhedsproblem",
    ),
    # soft: the mailbox or the message size
    # the message's size against the server's limit, not the mailbox's:
    # Postfix smtp_proto.c "message size %lu exceeds size limit %.0f of server
    # %s", smtpd "Message size exceeds fixed limit" (unless a quota is named)
    (
        "message_too_large",
        ("size",),
        r"\bmessage\s+(?:size|length)\s+(?:\d+\s+(?:bytes\s+)?)?exceeds?\b"
        r"(?![^\n]{0,40}\bquota\b)",
    ),
    # a full mailbox in other languages: Japanese (Gmail Help answer 6596
    # hl=ja "受信者の受信トレイがいっぱい"; MEGA EGG FAQ 296 "メールボックスの容量が
    # いっぱい"; pa-solution FAQ 921 "容量オーバー"), Chinese (QQ Mail help,
    # 退信 reasons: "收件人空间不足"; Tencent Exmail reseller: "收件人邮箱已满"),
    # Korean (foxydog.tistory.com 180: "메일함이 가득 찼습니다"; kin.naver.com:
    # "메일함 용량이 ... 초과"), Russian (mailout.ru, Mail.ru errors: "лимит
    # свободного места ... превышен", a "переполненный" mailbox), Polish
    # (Interia help, "Dlaczego wiadomość nie została dostarczona?": "odbiorca
    # ma przepełnioną skrzynkę"), Portuguese (br.ccm.net FAQ 28855 "Caixa do
    # destinatário lotada"; maxiprod.com.br "caixa de correio cheia"), German
    # (WEB.DE replies listed by sitepackage.de: "Benutzer hat das
    # Speichervolumen ueberschritten", "Benutzer hat zuviele Mails auf dem
    # Server"; schieb.de: "Das Postfach des Empfängers ist voll"), Spanish
    # (Exchange's Spanish NDR: "El buzón del destinatario está lleno").
    # Exchange's own NDR text for 5.2.2 in Japanese, Polish, Swedish and
    # Hebrew as Microsoft Learn quotes it ("554 5.2.2 mailbox full" when
    # sending emails to a mail-enabled public folder, exchange/troubleshoot
    # /email-delivery/cannot-send-mail-mepf, ja-jp: "受信者のメールボックスが
    # いっぱいになり", pl-pl: "Skrzynka pocztowa adresata jest pełna", sv-se:
    # "Mottagarens postlåda är full", nl-nl: "Het postvak van de ontvanger
    # is vol", he-il); Chinese hosts' 退信 categories
    # ("收件容量满: Quota exceeded", emailhost.com.cn)
    (
        "mailbox_full",
        (
            "いっぱい",
            "満杯",
            "容量",
            "已满",
            "已滿",
            "不足",
            "가득",
            "초과",
            "переполнен",
            "превыш",
            "przepełnion",
            "przepelnion",
            "pełna",
            "pelna",
            "postlåda",
            "postlada",
            "postvak",
            "מלאה",
            "容量满",
            "cheia",
            "lotada",
            "speichervolumen",
            "zuviele",
            "zu viele",
            "voll",
            "lleno",
        ),
        r"(?:メールボックス|受信トレイ|受信箱|メールボックス容量)[^\n。]{0,12}?"
        r"(?:いっぱい|満杯|容量オーバー|容量を超|制限値に達|容量制限に達)"
        r"|(?:邮箱|收件箱|信箱|郵箱|空间|空間)(?:容量)?(?:已满|已滿|不足)"
        r"|메일함(?:이|의)?\s?(?:가득\s?[차찼]|용량(?:이|을)?\s?(?:\S+\s)?초과)"
        r"|\b(?:ящик|почта)\w*\s+(?:\S+\s+){0,2}?переполнен|\b(?:переполненн)\w*\s+(?:почтов\w+\s+)?ящик"
        r"|\b(?:лимит|квот)\w*\s+(?:\S+\s+){0,3}?превышен"
        r"|\bprze(?:pe[łl]nion|kroczon)\w*\s+(?:\S+\s+){0,2}?skrzynk|\bskrzynk\w*\s+(?:\S+\s+){0,2}?"
        r"(?:jest\s+)?(?:pe[łl]na|przepe[łl]niona)"
        r"|\bcaixa\s+(?:postal|de\s+(?:correio|entrada)|do\s+destinat[áa]rio)\s+(?:\S+\s+){0,3}?"
        r"(?:cheia|lotada)"
        r"|\bpostfach\s+des\s+empf(?:ä|ae)ngers\s+(?:ist\s+)?voll\b"
        r"|\bspeichervolumen\s+(?:ü|ue)berschritten|\bzu\s?viele\s+mails\s+auf\s+dem\s+server"
        r"|\bbuz[oó]n\s+del\s+destinatario\s+(?:est[aá]\s+)?lleno\b"
        r"|\bpostl[åa]d(?:a|an)\s+(?:\S+\s+){0,2}?(?:är\s+)?full\b|(?:收件|邮箱)?容量满"
        r"|\bpostvak\s+van\s+de\s+ontvanger\s+is\s+vol\b"
        r"|תיבת\s+הדואר\s+(?:\S+\s+){0,3}?מלאה",
    ),
    (
        "mailbox_full",
        (
            "file too",
            "quota",
            "full",
            "exceed",
            "insufficient",
            "enough",
            "much",
            "space",
            "storage",
            "voll",
            "pleine",
            "lleno",
            "piena",
        ),
        r"\bquota\b|\bover\s*quota\b|\bmail\s?(?:box|folder)\s+(?:is\s+)?(?:full|exceeded)\b"
        # Yandex: "Mailbox size limit exceeded" is a full mailbox, not a size;
        # SmarterMail's "The domain size limit has been exceeded" is the
        # receiving domain's disk allocation (its hosts' knowledge bases:
        # kb.indsoft.net a70, support.rackteam.com a136)
        r"|\b(?:mailbox|domain)\s+size\s+(?:limit\s+)?(?:has\s+been\s+|is\s+)?exceeded\b"
        # GNU Mailutils' maidag: "message would exceed maximum mailbox size for
        # this recipient" (the mailbox's quota, not the message's size)
        r"|\bexceed\w*\s+(?:the\s+)?max(?:imum)?\s+mailbox\s+size\b"
        r"|\b(?:inbox|box)\s+is\s+full\b|\bfull\s+mailbox\b"
        r"|\binsufficient\s+(?:disk\s+|storage\s+|mailbox\s+)?(?:space|storage)"
        r"|\bnot\s+enough\s+(?:disk\s+|storage\s+|mailbox\s+)?(?:space|storage)"
        r"|\bspace\s+not\s+enough\b|\btoo\s+much\s+mail\b"
        # not the message's own limit (Exchange 5.5's IMS, KB Q146264:
        # "3903 Message exceeds size limit"), which is read below
        r"|(?<!message\s)\bexceed\w*\s+(?:(?:the|its|their)\s+)?(?:mailbox\s+|storage\s+)?"
        r"(?:size\s+)?(?:limit|storage|quota)|\bout\s+of\s+(?:storage\s+|disk\s+)?space\b"
        r"|\bpostfach\s+(?:ist\s+)?voll\b|\bbo[iî]te\s+(?:aux\s+lettres\s+)?pleine\b"
        r"|\bbuz[oó]n\s+(?:est[aá]\s+)?lleno\b|\bcasella\s+(?:di\s+posta\s+)?piena\b"
        # EFBIG writing the mailbox file: Postfix global/mbox_open.c maps
        # EDQUOT and EFBIG to 5.2.2 (mailbox full), "cannot update mailbox %s
        # for user %s. error writing message: File too large"
        # (an "attachment file too large" is the message's size)
        r"|(?<!attachment\s)\bfile\s+too\s+large\b",
    ),
    (
        "message_too_large",
        ("large", "big", "size", "length", "too long"),
        # a Chinese server: "552 message is too long.", "554 attachment is too
        # long." (a single attachment over the size limit)
        r"\btoo\s+large\b|\b(?:message|mail|attachment)s?\s+(?:is\s+|was\s+)?too\s+(?:big|long)\b"
        r"|\bsize\s+(?:limit|exceeds?|too)|\bmessage\s+(?:size|length)\s+(?:exceeds|limit)"
        r"|\bexceed\w*\s+(?:the\s+)?(?:max\w*\s+)?(?:\w+\s+){0,2}(?:message\s+)?size\b"
        # a limit named by its figure (Mailman 3 rules/max_size.py: "The
        # message is larger than the {} KB maximum size"; ezmlm-idx
        # ERR_MAX_SIZE: "messages larger than <#1#> bytes")
        r"|\b(?:larger|bigger)\s+than\s+(?:the\s+)?(?:[\d.,]+\s*(?:[kmg]i?b|bytes?|octets)\b"
        r"|(?:maximum|max|allowed|permitted)\b)",
    ),
    # too large, in Japanese: Gmail Help answer 6596 hl=ja ("メールのサイズが大きすぎて
    # 受信者の受信トレイに入らない"); MEGA EGG FAQ 296 ("メールの容量が大きい");
    # in Chinese: "邮件过大: exceeded mailsize limit" (emailhost.com.cn), "这封
    # 邮件太大了" (wz.0733.com.cn, 常见退信原因), "邮件大小超过限制" / "单个附件
    # 大小超出限制" (blog.sina.com.cn/s/blog_8dc13ec50101fxxr)
    (
        "message_too_large",
        ("大きすぎ", "大き", "过大", "太大", "大小超"),
        r"(?:メール|メッセージ)の?(?:サイズ|容量)が大き(?:すぎ|い)|(?:邮件|信件)(?:过大|太大)"
        r"|(?:邮件|信件|附件)大小超(?:过|出)限制",
    ),
    (
        "bad_address",
        (
            "unqualified",
            "malformed",
            "constructed",
            "syntax",
            "fully",
            "incorrect",
            "ambiguous",
        ),
        r"\bunqualified\s+(?:recipient\s+)?address|\bmalformed\s+(?:recipient\s+)?address"
        # Exchange 4.0-5.5, the X.400 diagnostic as its NDR words it (KB
        # Q145585: "the specified recipient postal address was incorrect")
        r"|\brecipient\s+(?:\w+\s+){0,2}?address\s+(?:was|is)\s+incorrect\b"
        # an address that names more than one mailbox (RFC 3463 X.1.4;
        # Exchange 5.5's IMS, KB Q251152: "The recipient name is ambiguous.",
        # "(000C0595) Ambiguous Recipient")
        r"|\b(?:recipient|address(?:ee)?|mailbox)\s+(?:name\s+|address\s+)?(?:is\s+)?ambiguous\b"
        r"|\bambiguous\s+(?:recipient|address|mailbox)\b"
        r"|\bincorrectly\s+constructed\b|\bsyntax\s+error\s+in\s+(?:the\s+)?(?:recipient"
        r"\s+)?address|\binvalid\s+address\s+syntax\b"
        # Yandex Mail help, non-delivery to Yandex: "Bad recipient address
        # syntax", "Bad address mailbox syntax", "Recipient address rejected:
        # need fully-qualified address" (Postfix reject_non_fqdn_recipient;
        # a sender's is caught above as our sender)
        r"|\bbad\s+(?:destination\s+|recipient\s+)?(?:address\s+|mailbox\s+){1,2}syntax\b"
        r"|\bneed\s+(?:a\s+)?fully[\s-]qualified\s+address\b",
    ),
    # hard: the address (a temporary DNS failure first: it is not one)
    (
        "server_trouble",
        ("try again", "temporar"),
        r"\bhost\s+not\s+found,\s*try\s+again\b"
        r"|\btemporary\s+(?:dns|lookup|name\s+service)\s+(?:failure|error)\b",
    ),
    (
        "null_mx",
        ("null", "accept"),
        # OpenSMTPD mta.c names no domain: "Domain does not accept mail"
        r"\bnull\s*-?mx\b|\bdomain\s+(?:\S+\s+)?does\s*n[o']t\s+accept\s+(?:e-?)?mail\b"
        r"(?!\s+from)",
    ),
    # no such domain, in Chinese (emailhost.com.cn service help, 退信
    # categories: "[退信] 域名不存在: DNS query error")
    (
        "domain_unknown",
        ("域名不存在", "網域不存在"),
        r"(?:收件人)?(?:域名|網域)不存在",
    ),
    (
        "domain_unknown",
        (
            "domain",
            "host",
            "mx",
            "exchanger",
            "nameserver",
            "service",
            "existent",
            "mail server",
        ),
        r"\bunknown\s+(?:host|domain)\b|\b(?:host|domain)\s+(?:or\s+domain\s+)?(?:name\s+)?"
        r"not\s+found\b|\bname\s+or\s+service\s+not\s+known\b"
        r"|\bno\s+(?:mx|mail\s+exchanger)\b|\bno\s+such\s+(?:domain|host)\b"
        r"|\bno\s+matches\s+to\s+nameserver\b|\bunrouteable\s+mail\s+domain\b"
        r"|\bdomain\s+(?:name\s+)?(?:does\s*n[o']t\s+exist|is\s+not\s+valid|invalid)\b"
        r"|\bdomain\s+(?:name\s+)?(?:couldn'?t|could\s+not|can\s*not)\s+be\s+found\b"
        # Exchange 2000/2003, #5.4.0: "The destination server for this
        # recipient could not be found in Domain Name Service (DNS)."
        r"|\bcould\s+not\s+be\s+found\s+in\s+(?:the\s+)?domain\s+name\s+(?:service|system)\b"
        r"|\billegal\s+host/domain\s+name\b"
        r"|\bhost\s+unknown\b|\bcouldn'?t\s+find\s+any\s+host\s+(?:named|by)\b"
        # DragonFly Mail Agent net.c, a permanent DNS failure: "DNS lookup
        # failure: host %s not found"
        r"|\bhost\s+[\w.-]+\s+not\s+found\b(?!,\s*try\s+again)"
        r"|\bfind\s+a\s+mail\s+exchanger\b|\bpoints?\s+to\s+non-?existent\s+hosts?\b"
        # hMailServer ExternalDelivery.cpp: the DNS answered, with no MX nor
        # address ("No mail servers appear to exists for the recipient's
        # address.")
        r"|\bno\s+mail\s+servers?\s+appears?\s+to\s+exists?\b"
        # "Unable to find the recipient mail server" (no MX nor address; the
        # wording of a review's counter-example, no vendor document found: the
        # words say the domain has no mail server, as hMailServer's above)
        r"|\b(?:unable\s+to|couldn'?t|could\s+not|can'?t|cannot)\s+find\s+(?:the\s+)?"
        r"(?:recipient(?:['\u2019]s)?\s+)?mail\s+(?:server|exchanger|host)\b",
    ),
    # no such address, in other languages (hard).  Japanese: Gmail Help
    # answer 6596 hl=ja ("送信先のメール アカウントは存在しません"), Gmail's own
    # Japanese notice ("アドレスが見つからなかったか、メールを受信できないアドレスで
    # あるため", as public Apps Script code that reads it quotes it), DTI's
    # translated example (dream.jp techinfo mail error05, "宛先のメールアドレスが
    # 見つからなかった場合": "<x> のユーザーは登録されていません"), ISP help pages
    # naming the case 宛先不明 (pa-solution FAQ 921, catv-yokohama FAQ 11387),
    # Exchange Online's NDR in Japanese ("contoso.com でユーザーが見つかりません
    # でした", "SMTP アドレス検索で受信者が見つかりません": Microsoft Support ja-jp
    # KB 3197393).
    # Chinese: QQ Mail help, 退信 reasons ("该用户不存在", "该用户未开通QQ邮箱");
    # Alibaba Mail above.  Korean: "받는사람이 존재하지 않는 경우"
    # (puffinknight.tistory.com 102).  Russian: "No such user" / "User not
    # found" as Russian notices word them ("Нет такого пользователя",
    # "пользователь не найден"; mailout.ru, Mail.ru errors).  Czech: Seznam
    # help, "Uživatel neexistuje" (napoveda.seznam.cz/uzivatel-neexistuje:
    # "neexistující adresát").  Polish: Interia help ("Konto do którego
    # próbujesz wysłać maila nie istnieje").  Portuguese: "esta caixa postal
    # não existe", "Usuário desconhecido" (clubedohardware.com.br, br.ccm.net
    # FAQ 28855).  Spanish: Exchange's Spanish NDR ("No se pudo encontrar la
    # dirección de correo electrónico que escribiste").  German: WEB.DE
    # ("550 Benutzer nicht bekannt/User unknown", sitepackage.de).  Never
    # our sender's address: 送信元 / 差出人 / отправитель / nadawca /
    # remetente before the words are left to the sender families
    (
        "mailbox_unknown",
        (
            "見つか",
            "存在しません",
            "登録されていません",
            "宛先不明",
            "不存在",
            "未开通",
            "未開通",
            "존재하지",
            "нет такого",
            "не найден",
            "не существует",
            "neexistuj",
            "nie istnieje",
            "existe",
            "desconhecido",
            "inexistente",
            "encontrar",
            "bekannt",
        ),
        r"(?<!送信元)(?<!差出人の)(?<!送信者の)(?<!メール)(?<!メール )"
        r"(?:メール\s?)?アドレスが見つか(?:らない|らなかった|りませんでした|りません)"
        r"|(?:アカウント|アドレス|ユーザー?)は存在しません|ユーザーは登録されていません|宛先不明"
        r"|(?:ユーザー|受信者)が見つかりません"
        r"|(?<!发件人)(?<!发信人)(?<!寄件人)"
        r"(?:用户|用戶|收件人|收件者|帐号|账号|账户|帳號|使用者)名?不存在"
        r"|(?<!发件人)(?<!发信人)(?<!寄件人)(?:邮箱地址|邮件地址|地址)不存在"
        r"|未开通\S{0,8}?邮箱|未開通\S{0,8}?郵箱"
        r"|(?:사용자|계정|주소|수신자|받는\s?사람)(?:가|이|는|은)?\s?존재하지\s?않"
        r"|нет\s+такого\s+(?:пользователя|адресата|получателя|(?:почтового\s+)?ящика)"
        r"|\b(?:пользовател|адресат|получател|ящик)\w*\s+(?:(?!отправител)\S+\s+){0,2}?"
        r"(?:не\s+найден|не\s+существует)"
        r"|\bu[žz]ivatel\s+neexistuje|\bneexistuj[íi]c[íi]\s+(?:adres[áa]t|u[žz]ivatel|schr[áa]nk)"
        r"|\b(?:adres[áa]t|schr[áa]nka|adresa)\s+neexistuje"
        r"|\b(?:konto|adres|adresat|u[żz]ytkownik|skrzynka)\w*\s+(?:(?!nadawc)\S+\s+){0,5}?"
        r"nie\s+istnieje"
        r"|\b(?:endere[çc]o|usu[áa]rio|destinat[áa]rio|conta|caixa\s+postal)\s+"
        r"(?:(?!remetente)\S+\s+){0,3}?"
        r"(?:n[ãa]o\s+existe|desconhecido|inexistente)\b"
        r"|\bno\s+se\s+(?:pudo|ha\s+podido)\s+encontrar\s+la\s+direcci[oó]n\b"
        r"|\b(?:benutzer|empf(?:ä|ae)nger)\s+(?:ist\s+)?nicht\s+bekannt\b",
    ),
    (
        "mailbox_unknown",
        (
            "unknown",
            "known",
            "found",
            "such",
            "name",
            "exist",
            "invalid",
            "bad",
            "illegal",
            "listed",
            "valid",
            "mailbox",
            "account",
            "recogni",
            "point",
            "match",
            "local",
            "customer",
            "wrong",
            "existe",
            "existiert",
            "find",
            "unbekannt",
            "notfound",
            "be found",
            "found at",
            "inconnu",
            "desconocido",
            "sconosciuto",
            "inesistente",
            "verif",
        ),
        r"\buser\s+(?:is\s+)?unknown\b|\bunknown\s+(?:or\s+illegal\s+)?user\b"
        r"|\bunknown\s+(?:e-?mail\s+)?(?:recipient|address(?:ee)?|mailbox|local[\s-]part|alias)\b"
        # "was not known": Exchange 4.0-5.5's X.400 text (KB Q251168: "the
        # recipient postal address was not known at this address")
        r"|\b"
        + _ADDRESSEE
        + r"\s+(?:name\s+)?(?:is\s+|was\s+)?(?:unknown|not\s+known)\b"
        r"|\b" + _ADDRESSEE + r"\s+(?:name\s+)?(?:is\s+|was\s+)?not\s+found\b"
        # the name quoted between them: "The recipient 'jo' is unknown"
        r"|\b(?:recipient|user|mailbox|addressee)\s+(?:'[^'\s]{1,320}'|\"[^\"\s]{1,320}\"|<[^<>\s]{1,320}>)"
        r"\s+(?:is\s+)?(?:unknown|not\s+known)\b"
        r"|\bno\s+such\s+(?:user|mailbox|recipient|address|account|person)\b"
        r"|\bno\s+(?:user|mailbox)\s+(?:here\s+)?by\s+that\s+name\b"
        r"|\bdoes\s*n[o']t\s+exist\b|\bnot\s+exist\b|\bn'existe\s+pas\b|\bno\s+existe\b"
        r"|\bexistiert\s+nicht\b|\bunbekannt\b|\brecip(?:ient)?\s*not\s*found\b"
        r"|\bRecip(?:ient)?NotFound\b|\berr\.nosuchuser\b"
        # Proofpoint Essentials: "Recipient address rejected: User email
        # address is marked as invalid" (SMTP Discovery's invalid list)
        r"|\b(?:e-?mail\s+)?address\s+is\s+(?:marked\s+as\s+)?(?:not\s+valid|invalid)\b"
        # Baruwa: "Recipient verification failed" (the address could not
        # be verified)
        r"|\brecipient\s+(?:address\s+)?verif(?:y|ication)\s+failed\b"
        r"|\binvalid\s+(?:final\s+delivery\s+)?(?:recipient|mailbox|address|user(?:id)?"
        r"|account)\b|\b(?:bad|illegal)\s+(?:destination\s+)?(?:mailbox|recipient|address"
        r"|user)\b|\bnot\s+listed\s+in\b|\bnot\s+a\s+valid\s+(?:user|recipient|mailbox"
        r"|address)\b|\bno\s+(?:mailbox|account)\b|\bnot\s+recogni[sz]ed\b"
        r"|\bfinal\s+(?:e-?mail\s+)?delivery\s+point\b|\bdid\s+not\s+(?:exactly\s+)?match\b"
        r"|\b(?:user|recipient)\s+not\s+local\b|\bnot\s+our\s+customer\b"
        r"|\bwrong\s+(?:or\s+no\s+longer\s+valid|address)\b|\baddress\s+unknown\b"
        r"|\bkonnte\s+nicht\s+gefunden\s+werden\b"
        r"|\b(?:couldn'?t|could\s+not|can'?t|cannot)\s+be\s+found\b|\bwasn'?t\s+found\s+at\b"
        # MSN's mail service (2001, CPIMSSMTP): "The user's email name is
        # not found."
        r"|\buser['\u2019]s\s+e-?mail\s+name\s+is\s+not\s+found\b"
        # Prodigy (2002): "Unable to find user: <x>"
        r"|\b(?:unable\s+to|couldn'?t|could\s+not|can'?t|cannot)\s+find\s+(?:the\s+)?"
        r"(?:user|recipient|mailbox|addressee)\b"
        r"(?!['\u2019]s\b|\s+(?:mail\s+)?(?:domain|server|host|exchanger))"
        r"|\b(?:utilisateur|destinataire|adresse|bo[iî]te)\s+inconnue?\b"
        r"|\bmailbox\s+inconnue\b|\busuario\s+desconocido\b"
        r"|\butente\s+(?:sconosciuto|inesistente)\b|\bempf(?:ä|ae)nger\s+unbekannt\b",
    ),
    (
        "unroutable",
        ("unrout", "route", "collected", "moved", "forced", ":fail:"),
        r"\bunrout(?:e)?able\b|\bcannot\s+route\b|\bno\s+route\s+(?:found\s+)?to\b(?!\s+host\b)|\bnot\s+(?:been\s+)?collected\b"
        r"|\b(?:mailbox|user)\s+(?:has\s+)?moved\b|\bforced\s+failure\b|\(:fail:\)",
    ),
    # soft: expiry, local mailer errors, network trouble
    (
        "expired",
        (
            "expired",
            "retry",
            "maximum",
            "attempts",
            "queue",
            "failing",
            "aborted",
            "days",
            "time limit",
        ),
        r"\bretry\s+time(?:out)?\s+(?:not\s+reached|exceeded)\b|\bexpired\b"
        r"|\bexceeded\s+(?:the\s+)?maximum\s+(?:delivery\s+)?(?:attempts|retries)\b"
        r"|\bdelivery\s+failed\s+\d+\s+attempts\b|\bqueued?\s+(?:too\s+long|period)\b"
        r"|\bin\s+the\s+queue\s+too\s+long\b|\bhave\s+been\s+failing\b|\baborted\s+after\b"
        r"|\bin\s+the\s+time\s+limit\s+specified\b"
        r"|\b(?:could\s+not\s+be\s+delivered|cannot\s+send\s+message)\s+for\s+\d+\s+days\b",
    ),
    (
        "local_error",
        (
            "pipe",
            "save",
            "local",
            "filter",
            "died",
            "mailer",
            "transport",
            "error",
            "append",
            "output file",
            "program",
            "internal",
        ),
        r"^\s*(?:pipe\s+to\s+\||save\s+to\s)|\blocal\s+delivery\s+failed\b"
        r"|\blocal\s+(?:configuration|mailer)\s+(?:problem|error)\b|\bcommand\s+died\b"
        r"|\bprocessing\s+error\b|\berror\s+while\s+(?:being\s+)?process"
        r"|\bmailer\s+error\b|\btransport\s+error\b|\bno\s+recipient\s+addresses\b"
        r"|\bunable\s+to\s+(?:create|write|open)\b|\bcannot\s+append\s+message\s+to\b"
        # Postfix global/sys_exits.c: EX_CANTCREAT of a local command
        r"|\bcan'?t\s+create\s+user\s+output\s+file\b"
        # Netscape Mail Server 2 (Program-Deliver module): "their delivery
        # program(s) failed"
        r"|\bdelivery\s+program(?:\(s\)|s)?\s+failed\b"
        # the delivery agent's own failure (Kopano's dagent,
        # spooler/DAgent.cpp: "503 5.1.1 Internal error during delivery")
        r"|\binternal\s+(?:server\s+|system\s+)?error\b",
    ),
    (
        "too_many_recipients",
        ("recipients",),
        r"\bmore\s+recipients\s+than\s+allowed\b|\btoo\s+many\s+recipients\b",
    ),
    (
        "tls_required",
        ("tls", "starttls", "encrypt"),
        r"\b(?:tls|starttls)\b[^.\n]{0,40}\brequired\b|\brequires?\s+(?:tls|starttls"
        r"|encryption)\b|\bencryption\s+(?:is\s+)?required\b"
        r"|\bmust\s+issue\s+a\s+starttls\s+command\s+first\b"
        # Zimbra's LMTP server (zm-mailbox lmtpserver/LmtpReply.java,
        # TLS_REQUIRED "451 4.2.2 Server accepts messages only on TLS
        # connection", under the mailbox-full code)
        r"|\bonly\s+(?:on|over|via|with|through)\s+(?:an?\s+)?(?:tls|ssl|encrypted|secure)"
        r"\s+(?:connections?|channels?|sessions?)\b",
    ),
    # the receiving server out of reach, in Japanese (Gmail Help answer 6596
    # hl=ja: "受信者のメールサーバーがダウンしている", "受信側のメールサーバーに
    # 接続できない") and Korean (oliveit.tistory.com 39: "메일 수신 서버가 응답을
    # 못하는 상황입니다")
    (
        "server_trouble",
        ("ダウン", "接続できな", "응답"),
        r"サーバー?が(?:ダウン|停止)|サーバー?に接続できな|서버가\s?응답(?:을|이)?\s?(?:못|없)",
    ),
    (
        "server_trouble",
        (
            "later",
            "temporar",
            "time",
            "connect",
            "establish",
            "reachable",
            "respond",
            "answer",
            "hops",
            "loop",
            "busy",
            "unavailable",
            "service",
            "gateway",
            "socket",
            "try",
            "dns",
            "lookup",
            "mx",
            "resources",
            "route",
            "lost",
            "hop",
            "accepting",
            "econn",
            "etimedout",
            "unreach",
        ),
        r"\bno\s+route\s+to\s+host\b|\btry\s+again\s+later\b|\btemporar(?:y|ily)\b|\btimed?\s*out\b|\btime-?out\b"
        r"|\bconnection\s+(?:refused|reset|timed|lost|failed|dropped|error)\b"
        # the errno names Node.js puts in its errors (ZoneMTA lib/sender.js
        # "Network error: Error connecting to %s. connect ECONNREFUSED ...")
        r"|\bE(?:CONNREFUSED|CONNRESET|TIMEDOUT|HOSTUNREACH|NETUNREACH)\b"
        r"|\bconnection\s+to\s+\S+(?:\s+\S+)?\s+failed\b|\blost\s+connection\s+with\b"
        r"|\bhop\s+count\s+exceeded\b|\bexceeded\s+\d+\s+hops\b"
        r"|\bis\s*n[o']t\s+accepting\s+messages\s+now\b"
        r"|\b(?:could|can)\s*(?:not|n't)\s+(?:connect|establish)\b|\bunable\s+to\s+connect\b"
        r"|\bnot\s+(?:be\s+)?reachable\b|\bunreachable\b|\bnot\s+responding\b"
        r"|\bdid\s+not\s+respond\b|\bno\s+answer\b|\btoo\s+many\s+hops\b"
        # Postfix local/alias.c: "alias database loop for %s"
        r"|\b(?:mail|routing|forwarding|alias(?:ing)?)(?:\s+database)?\s+loop\b"
        r"|\bloop(?:ing)?\s+(?:detected|broken)\b|\blooping\b|\bloops\s+back\b"
        r"|\b(?:server|network)\s+(?:is\s+)?(?:too\s+)?busy\b|\bserver\s+(?:is\s+)?unavailable\b"
        r"|\bservice\s+(?:is\s+)?(?:not\s+available|unavailable)\b"
        r"|\bresources?\s+(?:temporarily\s+)?unavailable\b|\bcould\s+not\s+find\s+a\s+gateway"
        r"|\bsocket\s+error\b|\b(?:requests?|attempts?)\s+to\s+connect\b"
        r"|\bhost\s+not\s+found,\s*try\s+again\b"
        r"|\btemporary\s+(?:dns|lookup|name\s+service)\s+(?:failure|error)\b"
        r"|\bmx\s+record\s+points\s+to\s+local\s+host\b|\bpoints\s+to\s+local\s+host\b",
    ),
    # "the message was rejected because ...": the message, unless a reason
    # above (its size, the mailbox, the address...) is named.  Not the
    # boilerplate of Exchange 5.5-2003's NDR template, "This message was
    # rejected by the recipient's e-mail system", written for any refusal
    # whatever its reason (which is in the diagnostic, when there is one)
    (
        "content_rejected",
        ("message", "content"),
        r"\bmessage\s+(?:was\s+)?(?:rejected|refused)\s+(?:because|due"
        r"|by(?!\s+the\s+recipient['\u2019]s\s+(?:e-?mail|mail)\s+system))"
        r"|\bmessage\s+refused\b"
        # a content filter names who refused, not why: a reason above (the
        # size, the mailbox) wins (MailScanner reports/en/sender.size.report.txt:
        # "Our email content filters have been triggered by a message you
        # sent ... was too large and has been removed")
        r"|\bcontent\s+filter",
    ),
    # Dovecot's LDA and Pigeonhole's Sieve reject (lib-lda/lda-settings.c
    # rejection_reason, lib-sieve/sieve-actions.c: "Your message to <%s> was
    # automatically rejected:" and the script's reason): the recipient's own
    # filter refused us, unless a reason above (quota...) is named
    (
        "recipient_refuses",
        "automatically rejected",
        r"\bwas\s+automatically\s+rejected\b",
    ),
    # weak: generic refusals that name the mailbox
    (
        "recipient_rejected",
        ("unavailable", "available", "taken", "local", "rejected", "undeliverable"),
        r"\bmailbox\s+(?:is\s+)?(?:unavailable|not\s+available)\b"
        r"|\brequested\s+action\s+not\s+taken\b|\bnot\s+local\b"
        r"|\b(?:recipient\s+)?address\s+rejected\b|\bundeliverable\s+address\b",
    ),
    # generic "blocked"/"denied" with no subject: a refusal of us or our mail
    (
        "policy",
        ("block", "banned", "denied", "refused", "not allowed"),
        r"\bblock(?:ed|ing)?\b|\bbanned\b|\baccess\s+denied\b|\bnot\s+authori[sz]ed\b"
        # a permanent reply that says only "Denied" (Broadcom KB 162445,
        # 169901, 169925: "554 Denied (Mode: normal)", "550 Permission denied")
        r"|^\s*5\d\d[\s-]+(?:5\.\d\.\d{1,3}\s+)?(?:permission\s+)?denied\b",
    ),
)

WEAK_PHRASES = frozenset({"recipient_rejected"})
# reasons about the recipient's domain (not its mailbox)
_DOMAIN_REASONS = frozenset({"null_mx", "domain_unknown"})
# conditions named so explicitly that they win over a specific status code
# some servers reuse for everything ("5.1.1 ... spam", "over quota (#5.1.1)")
_OVERRIDE_STATUS = frozenset(
    {
        "blocklisted",
        "ip_rejected",
        "reputation",
        "auth_failed",
        "spam_content",
        "virus",
        "mailbox_full",  # vpopmail's "User over quota. (#5.1.1)"
        "message_too_large",
        "null_mx",  # Haraka's "(NULL MX)" under X.1.2 (DSN.addr_bad_dest_system)
        "tls_required",  # Zimbra's "4.2.2 ... only on TLS connection"
    }
)
# The last error of a delivery whose time expired that gives a domain reason
# (_DOMAIN_REASONS): a non-existent domain "also when reported with a 4.x.x
# status on a final failure" (issue #10's definition of hard), not a queue
# expiry, unless it says the lookup failed for now: "Host not found, try again"
# is a temporary DNS failure (LABELLING.md, soft), as are a DNS timeout and a
# SERVFAIL (RFC 2308 section 7.1: a server failure, not a name error)
_DNS_TEMPORARY = re.compile(
    # (not Postfix's "delivery temporarily suspended:", said of any dead
    # destination before its last error)
    r"\btry\s+again\b|\btemporar(?:y|ily)\s+(?:dns|lookup|name|resolver|resolution)\b"
    r"|\bservfail\b|\bserver\s+failure\b"
    r"|\b(?:dns|lookup|query|resolver|name\s+server)\s+(?:\w+\s+)?(?:time[sd]?\s*-?\s*out)",
    re.I,
)
# sentences that name their reason so plainly that a specific status code
# beside them (Zoho's "5.2.3 MailPolicy violation", Apple's "5.1.1 <our
# address>: unauthorized sender") is the server's reuse of a code
_EXPLICIT = (
    ("policy", re.compile(r"\b(?:mail\s*)?policy\s+violation\b", re.I)),
    # a refused MIME type under the size code (ezmlm-idx lang/en_US/messages,
    # ERR_BAD_TYPE "Sorry, I don't accept messages of MIME Content-Type
    # '<#1#>' (#5.2.3)", ERR_BAD_PART "... has an unacceptable MIME
    # Content-Type: '<#1#>' (#5.2.3)"): the content, not its length
    (
        "content_rejected",
        re.compile(
            r"\b(?:accept\s+messages\s+of|unacceptable)\s+MIME\s+content-type\b", re.I
        ),
    ),
    ("sender_rejected", re.compile(r"\bunauthori[sz]ed\s+sender\b", re.I)),
    # Exim's refusal after verifying our sender by a callout (src/src/acl.c
    # "Sender verify failed", smtp_in.c "Verification failed for <%s>\n%s"):
    # the callout's own reply about our address ("550 5.1.1 <our address>:
    # ... User unknown") is quoted inside it, its code is not the recipient's
    (
        "sender_rejected",
        re.compile(r"\bsender\s+verify\s+failed\b", re.I),
    ),
    # the delivery agent's own trouble under the unknown-mailbox code
    # (Kopano's dagent, spooler/DAgent.cpp: "503 5.1.1 Internal error during
    # delivery", "503 5.1.1 Connection error: <hex>" when the user lookup
    # could not reach the storage server)
    ("local_error", re.compile(r"\binternal\s+(?:server\s+|system\s+)?error\b", re.I)),
    ("server_trouble", re.compile(r"\bconnection\s+error\b", re.I)),
    # a mailbox code beside "sender is blacklisted": the recipient's own list
    # (grhosting.cz / aspone.cz: "550 5.1.1 <x> sender is blacklisted", the
    # recipient set a blacklist for the mailbox and our address matches it)
    (
        "recipient_refuses",
        re.compile(
            r"\bsender\s+(?:address\s+)?is\s+(?:black|block|deny)[\s-]?listed\b", re.I
        ),
    ),
)
_HEDGE = re.compile(
    r"\b(?:may|might|possibly|perhaps|probably)\b(?:\s+\S+){0,3}\s*$", re.I
)
_LIST_NAME = re.compile(r"\b(" + _LISTS + r")\b|\b([\w-]+(?:\.[\w-]+)+)\b", re.I)


# the delivery agent's own trouble, named by words that also accompany other
# reasons: they decide over the status code only when no other phrase of the
# table names the reason ("550 5.1.1 User unknown; internal error while
# rewriting" is an unknown mailbox)
_EXPLICIT_UNLESS_PHRASE = frozenset({"local_error", "server_trouble"})


class _RuleSet:
    """Ordered rules, each guarded by keywords (a substring test is far
    cheaper than a regex, and most phrases are absent from most bounces)."""

    __slots__ = ("_last", "keywords", "rules")

    def __init__(self, rules):
        self.rules = tuple(
            (
                reason,
                frozenset((keywords,) if isinstance(keywords, str) else keywords),
                re.compile(regex, re.I | re.M),
            )
            for reason, keywords, regex, *_source in rules
        )
        self.keywords = tuple(sorted(set().union(*(rule[1] for rule in self.rules))))
        self._last = ("", frozenset())

    def _present(self, lowered):
        """The keywords found in *lowered*.  The last text's are kept: the
        same evidence is often asked about twice in a row (the phrase, then
        the hedge check), and each search runs every keyword over the whole
        text (a long forged block costs one pass less)."""
        last = self._last  # one tuple, replaced whole: safe across threads
        if last[0] == lowered:
            return last[1]
        present = frozenset(keyword for keyword in self.keywords if keyword in lowered)
        self._last = (lowered, present)
        return present

    def first(self, text, lowered, skip_hedged=False):
        """(reason code, match) of the first rule matching *text*, or None."""
        present = self._present(lowered)
        if not present:
            return None
        for reason, keywords, pattern in self.rules:
            if present.isdisjoint(keywords):
                continue
            for match in pattern.finditer(text):
                if skip_hedged and _HEDGE.search(
                    text[max(0, match.start() - 40) : match.start()]
                ):
                    continue
                return reason, match
        return None


_VENDOR = _RuleSet(VENDOR_RULES)
_PHRASES = _RuleSet(PHRASE_RULES)


def _status_key(status):
    klass, subject, detail = status.split(".")
    return klass, f"X.{subject}.{detail}"


def status_reason(status, strength=None):
    """(reason code, strength) for an enhanced status code, or None."""
    status = normalise_status(status)
    if not status or is_generic_status(status) or status.endswith(".0"):
        if (
            status
            and strength != "strong"
            and status.split(".")[1] in ("6", "7")
            and status.endswith(".0")
        ):
            return STATUS_TABLE[f"X.{status.split('.')[1]}.1"][0], "weak"
        return None
    klass, key = _status_key(status)
    entry = STATUS_TABLE.get(key)
    if entry is None:
        return None
    code, found_strength = entry
    if klass == "4" and key in _TEMPORARY_ONLY:
        return None
    if strength and found_strength != strength:
        return None
    return code, found_strength


_LOCAL_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-"
)
_DOMAIN_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-"
)


def _addresses_masked(text):
    """*text* with the letters and digits of every address replaced by "x",
    same length: an address's own words ("spam-enabled=false", "virus@",
    "nospam") are no phrase about it.  Linear: each "@" looks at most 64
    characters back and 255 ahead."""
    at = text.find("@")
    if at == -1:
        return text
    chars = list(text)
    while at != -1:
        start = at
        while start > 0 and at - start < 64 and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        end = at + 1
        while end < len(text) and end - at < 256 and text[end] in _DOMAIN_CHARS:
            end += 1
        if start < at and "." in text[at + 1 : end]:
            for index in range(start, end):
                if chars[index].isalnum():
                    chars[index] = "x"
        at = text.find("@", end)
    return "".join(chars)


@cached_by_text
def phrase_reason(text):
    """(reason code, match) of the first unhedged phrase family in *text*,
    its addresses masked (the match's positions are the text's own).

    Cached (:func:`.text.cached_by_text`): the same notice is read for every
    recipient of a bounce.
    """
    masked = _addresses_masked(text)
    return _PHRASES.first(masked, masked.lower(), skip_hedged=True)


def blocklist_name(text):
    """The block list a refusal names (``zen.spamhaus.org``), or None."""
    if not text:
        return None
    lowered = text.lower()
    for marker in ("blocked using", "listed in", "listed at", "listed on", "listed by"):
        index = lowered.find(marker)
        if index != -1:
            match = _LIST_NAME.search(text, index + len(marker))
            if match and match.start() - index < len(marker) + 12:
                return match.group(0).rstrip(".;,")
    match = re.search(r"\b(" + _LISTS + r")\b", text, re.I)
    return match.group(0) if match else None


_UNSET = object()


def explain(
    status=None, reply_code=None, text="", stage=None, final=True, phrase=_UNSET
):
    """The :class:`Verdict` for one failed (or delayed) recipient.

    *status* is the enhanced status code, *reply_code* the SMTP reply code,
    *text* the server's words about this recipient, *stage* the SMTP command
    refused (:mod:`.stages`), *final* whether the message was given up (a
    temporary code on a final failure can still be a bad address); *phrase*
    is :func:`phrase_reason` of *text* when the caller already has it.
    """
    # pylint cannot see that the matchers' results are tuples when truthy.
    # pylint: disable=unsubscriptable-object
    status = normalise_status(status)
    reply_code = str(reply_code).strip() if reply_code else None
    text = text or ""
    lowered = text.lower()

    def verdict(code, tier):
        blocklist = blocklist_name(text) if code == "blocklisted" else None
        return Verdict(REASONS[code], tier, blocklist)

    klass = status[0] if status else (reply_code[0] if reply_code else None)
    # 1. vendor rules (they may name the status code the DSN gives apart)
    if text and status and status not in text:
        hit = _VENDOR.first(f"{status} {text}", f"{status} {lowered}")
    else:
        hit = _VENDOR.first(text, lowered) if text else None
    if hit:
        return verdict(hit[0], "vendor")
    if reply_code in _SEED_REPLY:
        return verdict(_SEED_REPLY[reply_code], "vendor")
    # 2. unambiguous enhanced status codes
    found = status_reason(status, "strong") if status else None
    hit = phrase_reason(text) if phrase is _UNSET else phrase
    if hit and hit[0] == "server_trouble" and status and status.startswith("5.7."):
        hit = None  # "550 5.7.1 Connection refused": a policy refusal in words
    elif (
        hit
        and hit[0] == "server_trouble"
        and (reply_code or "").startswith("5")
        and hit[1].group(0).lower().startswith("connection refused")
        # under a network status (X.4.x) it is the TCP connection that was
        # refused (Exchange Online: "550 4.4.316 Connection refused
        # [Message=Socket error code 10061]"), whatever the reply code
        and not (status and status[2:4] == "4.")
    ):
        # a server that answers "550 Connection refused" refused us, it is
        # not out of reach (Broadcom KB 169901, a block list's refusal:
        # "550 Connection refused - we hate spammers!")
        hit = ("ip_rejected", hit[1])
    if found:
        if hit and hit[0] in _OVERRIDE_STATUS and REASONS[found[0]].category != BLOCKED:
            return verdict(hit[0], "phrase")
        if (
            found[0] == "expired"
            and hit
            and hit[0] in _DOMAIN_REASONS
            and not _DNS_TEMPORARY.search(text)
        ):
            return verdict(hit[0], "phrase")
        if REASONS[found[0]].category != BLOCKED:
            for code, pattern in _EXPLICIT:
                if code in _EXPLICIT_UNLESS_PHRASE and hit and hit[0] != code:
                    continue  # "550 5.1.1 User unknown (internal error ...)"
                if pattern.search(text):
                    return verdict(code, "phrase")
        if stage == MAIL and REASONS[found[0]].category == HARD:
            return verdict("sender_rejected", "stage")
        return verdict(found[0], "status")
    # 3. phrases
    if hit and hit[0] not in WEAK_PHRASES:
        code = hit[0]
        if stage == MAIL and REASONS[code].category == HARD:
            # in reply to MAIL FROM no recipient has been named yet: "does not
            # exist" is about our sender (SoftBank: "553 <domain> does not
            # exist", an envelope sender domain without DNS records)
            return verdict("sender_rejected", "phrase")
        if stage == DATA and code in _DOMAIN_REASONS:
            # after the data the recipient's domain has been resolved and its
            # server has accepted the recipient: a domain that "does not
            # exist" or "published a null MX" is our sender's (Rspamd's
            # mx_check, src/plugins/lua/mx_check.lua, checks the sender's
            # domain on the message: "Domain published RFC 7505 Null MX")
            return verdict("sender_rejected", "phrase")
        if klass == "4" and REASONS[code].category == HARD and not final:
            return verdict("server_trouble", "phrase")
        return verdict(code, "phrase")
    # 4. the other codes
    found = status_reason(status, "weak") if status and klass == "5" else None
    if found:
        return verdict(found[0], "status")
    if hit:  # a weak phrase ("mailbox unavailable")
        if klass == "4":
            return verdict("server_trouble", "phrase")
        if status is None or is_generic_status(status) or status.startswith("5.1."):
            return verdict("recipient_rejected", "phrase")
    if (reply_code, stage) in REPLY_AT_STAGE:
        return verdict(REPLY_AT_STAGE[reply_code, stage], "reply")
    if reply_code in REPLY_TABLE:
        code, stages = REPLY_TABLE[reply_code]
        if stage in stages:
            return verdict(code, "reply")
    # a text that only hedges ("the account or domain may not exist, they may
    # be blacklisted") does not know the reason: not the stage's default
    # (at RCPT only: at connection, HELO, MAIL or after DATA the stage says
    # whom the refusal concerns, a hedged guess about an address does not)
    if (
        hit is None
        and stage not in (CONNECT, HELO, MAIL, DATA)
        and text
        and _PHRASES.first(text, lowered) is not None
    ):
        return verdict("undetermined", "phrase")
    # 5. the SMTP stage
    if klass == "5" or (klass == "4" and final and stage in (CONNECT, HELO, MAIL)):
        if stage in (CONNECT, HELO):
            return verdict("ip_rejected", "stage")
        if stage == MAIL:
            return verdict("sender_rejected", "stage")
        if stage == RCPT and klass == "5":
            return verdict("recipient_rejected", "stage")
        if stage == DATA:
            return verdict("content_rejected", "stage")
    # 6. the class
    if klass == "4":
        return verdict("server_trouble", "class")
    return verdict("undetermined", "class")


def classify_status(status, reply_code=None, diagnostic="", stage=None):
    """Category (``hard``/``soft``/``blocked``) of one failed delivery.

    *status* is an RFC 3463 enhanced code (``"5.1.1"``; text around it is
    ignored), *reply_code* the SMTP reply code (``"550"``) or one of the
    seed's own codes (602, 605, 607), *diagnostic* the server's text.  See
    :func:`explain` for the reason behind it.
    """
    return explain(status, reply_code, diagnostic, stage).category


__all__ = [
    "MESSAGE",
    "REASONS",
    "RECIPIENT",
    "SCOPES",
    "SENDER",
    "STATUS_TABLE",
    "Reason",
    "Verdict",
    "blocklist_name",
    "classify_status",
    "explain",
]

# sanity: every rule names a known reason
assert all(rule[0] in REASONS for rule in (*VENDOR_RULES, *PHRASE_RULES))
assert all(entry[0] in REASONS for entry in STATUS_TABLE.values())
assert all(code in REASONS for code in _SEED_REPLY.values())
