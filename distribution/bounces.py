"""Parse bounce e-mails and classify each failed recipient as hard, soft or blocked.

Odoo marks every bounce alike; an accountant needs to know *what to do*:
correct the address (hard), wait or ask the customer's IT (soft), or get our
sender unblocked (blocked).  This module reads a returned message -- a
standard RFC 3464 delivery status notification or the home-made text of an
older or proprietary mail server -- and returns plain data
(:class:`BounceResult`); it never imports ``odoo`` and only uses the
standard library's :mod:`email` package.

What kind of message is it (:attr:`BounceResult.kind`)
--------------------------------------------------------
``failure``
    The message was definitively not delivered to at least one recipient
    (DSN ``Action: failed``, or a bounce text without a delay warning).
``delay``
    A warning that delivery is still being retried (``Action: delayed``,
    "will retry", "this is a warning only", "has not yet been delivered").
    Not a failure: ``is_bounce`` is false and ``category`` is ``"none"``.
``autoreply``
    Out-of-office and other automatic replies (``Auto-Submitted:
    auto-replied``, ``X-Autoreply``, ``Precedence: auto_reply``, subjects such
    as "Automatic reply" / "Out of office") and read receipts
    (``multipart/report; report-type=disposition-notification``).
``none``
    Anything else, including successful-delivery DSNs.

Evidence of a bounce wins over auto-reply headers: several mail servers
(mail.ru, MailEnable, Vade) label their bounces ``Auto-Submitted:
auto-replied``.  A message without a readable DSN counts as a bounce when
it carries ``X-Failed-Recipients``, or when at least two of these agree (one
is enough with an unmistakable mail-system sentence such as "This message was
created automatically by mail delivery software" or "This is the qmail-send
program"): the sender is a mail system (MAILER-DAEMON, postmaster, "Mail
Delivery System"...); the subject is a bounce subject ("Undelivered Mail
Returned to Sender", "Delivery Status Notification (Failure)",
"Undeliverable:", "failure notice"...); the text reads like a bounce ("could
not be delivered", "did not reach the following recipient"...); the
original is returned as an attachment; the message is a
``multipart/report; report-type=delivery-status``.  Sieve/Dovecot
rejections, which are disposition notifications with ``Disposition: ...;
deleted``, are failures.

Who failed
----------
From a DSN, per recipient block: ``Original-Recipient`` (the address we sent
to) else ``Final-Recipient`` else ``X-Actual-Recipient``, without the
``rfc822;`` prefix and angle brackets, lower-cased; syntactically invalid
addresses are dropped (their evidence still classifies the bounce).  Without
a usable DSN: ``X-Failed-Recipients``, else the addresses the notification
text names as recipients (first thing on a line, or after "to", "for",
"recipient:", "address:", "expanded from"...), ignoring the returned copy of
the original message (everything after "--- Below this line is a copy of the
message", "Original message follows", ...), the bounce's own header
addresses and mail-system mailboxes (postmaster, MAILER-DAEMON).  A bare
mailbox name listed as a recipient (AOL screen names) is completed with the
reporting domain.

How a failure is classified (:func:`classify_status`)
-----------------------------------------------------
Servers reuse generic codes (``550``, ``5.0.0``, ``5.7.1``, ``5.3.0``) for
many reasons, so a recognised reason in the server's text outranks the
codes; the codes decide when the text says nothing we recognise.  Rules, in
order, first match wins:

====  ============================================================  ========
 #    Evidence                                                      Category
====  ============================================================  ========
 1    text: relaying denied / "unable to relay" (the domain is not  hard
      hosted there); "Recipient address rejected: Access denied"
      (Microsoft 365 directory-based edge blocking)
 2    text: greylisting                                             soft
 3    text: spam, unsolicited, blocked, blacklist/blocklist/        blocked
      denylist, listed in an RBL/DNSBL,
      Spamhaus/SpamCop/Barracuda, policy ("rejected for policy
      reasons"), reputation, virus, DMARC/SPF, "not accepting mail
      from", "not authorized", sender address / client host
      rejected, reverse DNS (PTR)
 4    text: over quota, mailbox/mail folder full, not enough        soft
      space; message/attachment too large, size limit; "host not
      found, try again" (temporary DNS failure)
 5    text: user unknown, no such user, does not exist, invalid /   hard
      bad mailbox, recipient not found, RecipientNotFound, address
      not found, account disabled/discontinued/closed, no longer
      valid, not recognized, unknown host/domain, "no such domain"
 6    text: "mailbox unavailable", "requested action not taken"     hard
      (weak: soft with a 4xx code, and yields to a specific status
      code other than 5.1.x)
 7    text: try again later, temporary, timed out, connection       soft
      refused/failed, not responding, unreachable, mail loop / too
      many hops, server busy, service unavailable, expired,
      exceeded maximum delivery attempts, "delivery failed N
      attempts", "all hosts have been failing", retry timeout
      exceeded, processing error, rate limited
 8    reply code 605 / 607 (address blocked after failed            blocked
      deliveries, seed 01)
 9    reply code 602 (problem at the recipient's server, seed 01)   soft
10    status 4.x.x                                                  soft
11    status 5.7.x; 5.1.7 / 5.1.8 (our sender's address refused)    blocked
12    status 5.1.x (bad mailbox, bad domain, 5.1.6 moved, 5.1.10)   hard
13    status 5.2.1 (mailbox disabled)                               hard
14    status 5.2.x other (5.2.2 full, 5.2.3 too large), 5.3.x       soft
      (mail system full / not accepting), 5.4.x except 5.4.4 (no
      answer, loop, 5.4.7 delivery expired)
15    status 5.4.4 (unable to route)                                hard
16    reply code 4xx, 552 (quota / size)                            soft
17    any other 5xx reply code, generic 5.0.0, or no evidence at    hard
      all (an unexplained permanent refusal)
====  ============================================================  ========

Within a DSN the recipient's own fields (``Diagnostic-Code``, the comment of
``Status``/``Action``, ``X400-Supplementary-Info``) come first; when they
name no reason and the status is missing or generic (``x.0.0``) the
human-readable part of the bounce is read as well.  The reported ``status``
is the DSN ``Status`` field, replaced by the enhanced code found in the
diagnostic when the field is generic (``5.0.0`` + "550 5.7.1 ..." gives
``5.7.1``).

What to do (:func:`remedy`)
---------------------------
One translatable advice per category (seed documents 01 and 02); soft
bounces caused by a full mailbox or a too large message get their own text.
"""

import base64
import binascii
import codecs
import html
import json
import quopri
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from email.utils import parseaddr

from .i18n import CoreMessage, _

HARD = "hard"
SOFT = "soft"
BLOCKED = "blocked"
NONE = "none"
CATEGORIES = (HARD, SOFT, BLOCKED)

FAILURE = "failure"
DELAY = "delay"
AUTOREPLY = "autoreply"
KINDS = (FAILURE, DELAY, AUTOREPLY, NONE)

_SEVERITY = {BLOCKED: 3, HARD: 2, SOFT: 1}
_MAX_DIAGNOSTIC = 1000
_MAX_DEPTH = 12

# --------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------


@dataclass
class RecipientFailure:
    """One recipient of a bounce, with the evidence about it.

    ``address`` is lower-cased without angle brackets; it is ``""`` only for
    :attr:`BounceResult.unattributed` evidence.
    """

    address: str
    category: str
    status: str | None = None
    reply_code: str | None = None
    diagnostic: str = ""
    action: str | None = None

    def to_dict(self):
        return {
            "address": self.address,
            "category": self.category,
            "status": self.status,
            "reply_code": self.reply_code,
            "diagnostic": self.diagnostic,
            "action": self.action,
        }


@dataclass
class BounceResult:
    """What a returned message says.

    ``unattributed`` holds the failure evidence of a bounce that names no
    (valid) recipient, so that such a bounce still has a category.
    """

    is_bounce: bool
    kind: str
    recipients: list[RecipientFailure] = field(default_factory=list)
    original_message_id: str | None = None
    unattributed: RecipientFailure | None = None

    @property
    def worst(self):
        """The most severe recipient (blocked > hard > soft), or None."""
        candidates = self.recipients or (
            [self.unattributed] if self.unattributed else []
        )
        best = None
        for candidate in candidates:
            if best is None or _SEVERITY.get(candidate.category, 0) > _SEVERITY.get(
                best.category, 0
            ):
                best = candidate
        return best

    @property
    def category(self):
        """``hard``/``soft``/``blocked`` for a failure, else ``none``."""
        if self.kind != FAILURE:
            return NONE
        worst = self.worst
        return worst.category if worst else HARD

    @property
    def status(self):
        worst = self.worst
        return worst.status if worst else None

    @property
    def reply_code(self):
        worst = self.worst
        return worst.reply_code if worst else None

    @property
    def diagnostic(self):
        worst = self.worst
        return worst.diagnostic if worst else ""

    @property
    def addresses(self):
        return [recipient.address for recipient in self.recipients]

    @property
    def remedy(self):
        """The advice for the accountant (:func:`remedy`), or None."""
        if self.kind != FAILURE:
            return None
        return remedy(self.category, self.status, self.reply_code, self.diagnostic)

    def to_dict(self, file=None):
        return {
            "file": file,
            "is_bounce": self.is_bounce,
            "category": self.category,
            "recipients": self.addresses,
            "status": self.status,
            "reply_code": self.reply_code,
            "diagnostic": self.diagnostic,
            "original_message_id": self.original_message_id,
            "kind": self.kind,
            "details": [recipient.to_dict() for recipient in self.recipients],
        }


# --------------------------------------------------------------------------
# Classification rules
# --------------------------------------------------------------------------


class _Phrases:
    """Alternative regular expressions, each guarded by a keyword.

    A regex runs only when its lower-case keyword (or one of a tuple of
    keywords) occurs in the text: a substring test is a hundred times cheaper
    than an IGNORECASE alternation, and most phrases are absent from most
    bounces.  :meth:`search` returns the leftmost match of any phrase.
    """

    __slots__ = ("entries",)

    def __init__(self, *entries):
        self.entries = tuple(
            (
                (keyword,) if isinstance(keyword, str) else keyword,
                re.compile(regex, re.I),
            )
            for keyword, regex in entries
        )

    def search(self, text, lowered=None):
        if not text:
            return None
        if lowered is None:
            lowered = text.lower()
        best = None
        for keywords, pattern in self.entries:
            for keyword in keywords:
                if keyword in lowered:
                    match = pattern.search(text)
                    if match and (best is None or match.start() < best.start()):
                        best = match
                    break
        return best


def _rx(*alternatives):
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


_RELAY_HARD = _Phrases(
    (
        "relay",
        r"\brelay(?:ing)?\s+(?:access\s+)?(?:denied|not\s+(?:permitted|allowed)|prohibited)",
    ),
    ("relay", r"\b(?:unable|not\s+permitted|not\s+allowed)\s+to\s+relay\b"),
    ("relay", r"\bwe\s+do\s+not\s+relay\b"),
    ("access", r"\brecipient\s+address\s+rejected:\s*access\s+denied"),
)
_GREYLIST_SOFT = _Phrases(("grey", r"\bgrey[\s-]?list"), ("gray", r"\bgray[\s-]?list"))
_BLOCKED = _Phrases(
    ("spam", r"\bspam(?:mer|ming|my|haus|cop)?\b"),
    ("unsolicited", r"\bunsolicited\b"),
    ("junk", r"\bjunk\s+mail\b"),
    ("block", r"\bblock(?:ed|ing)?\b"),
    ("list", r"\b(?:black|block|deny)[\s-]?list(?:ed)?\b"),
    ("listed", r"(?<!\bnot\s)(?<!n't\s)\blisted\s+(?:in|at|on|by)\b"),
    ("bl", r"\b(?:rbl|dnsbl)\b"),
    (("barracuda", "sorbs", "uceprotect"), r"\b(?:barracuda|sorbs|uceprotect)\b"),
    ("polic", r"\bpolic(?:y|ies)\b"),
    ("reputation", r"\breputation\b"),
    (("virus", "malware", "phishing"), r"\bvirus(?:es)?\b|\bmalware\b|\bphishing\b"),
    (("dmarc", "spf"), r"\bdmarc\b|\bspf\b"),
    ("accepting", r"\bnot\s+accepting\s+(?:e?-?mail|messages)\s+from\b"),
    ("authori", r"\bnot\s+authori[sz]ed\b"),
    ("authentication", r"\bauthentication\s+required\b"),
    ("authrequired", r"\bAuthRequired\b"),
    ("denied", r"\baccess\s+denied\b"),
    ("banned", r"\bbanned\b"),
    ("content", r"\bcontent\s+(?:rejected|filter)"),
    (
        "sender",
        r"\bsender\s+(?:address\s+|domain\s+)?(?:rejected|denied|refused|not\s+allowed)",
    ),
    ("client", r"\bclient\s+host\s+rejected\b"),
    ("unauthenticated", r"\bunauthenticated\s+senders?\b"),
    ("rejected", r"\bbut\s+(?:my\s+name|sender)\s+was\s+rejected\b"),
    (("ptr", "reverse", "rdns"), r"\bptr\s+record|\breverse\s+(?:dns|lookup)|\brdns\b"),
)
_MAILBOX_SOFT = _Phrases(
    ("quota", r"\bquota\b|\bover\s*quota\b"),
    ("full", r"\bmail\s?(?:box|folder)\s+(?:is\s+)?full\b"),
    ("full", r"\b(?:inbox|box)\s+is\s+full\b|\bfull\s+mailbox\b"),
    ("exceeded", r"\bmail\s?(?:box|folder)\s+(?:is\s+)?exceeded\b"),
    (
        "insufficient",
        r"\binsufficient\s+(?:disk\s+|storage\s+|mailbox\s+)?(?:space|storage)",
    ),
    ("enough", r"\bnot\s+enough\s+(?:disk\s+|storage\s+|mailbox\s+)?(?:space|storage)"),
    ("enough", r"\bspace\s+not\s+enough\b"),
    (
        "exceed",
        r"\bexceed\w*\s+(?:(?:the|its|their)\s+)?(?:mailbox\s+|storage\s+)?(?:size\s+)?"
        r"(?:limit|storage|quota)",
    ),
    ("much", r"\btoo\s+much\s+mail\b"),
    ("large", r"\btoo\s+large\b"),
    ("big", r"\b(?:message|mail|attachment)s?\s+(?:is\s+|was\s+)?too\s+big\b"),
    ("size", r"\bsize\s+(?:limit|exceeds?|too)"),
    (
        "size",
        r"\bexceed\w*\s+(?:the\s+)?(?:max\w*\s+)?(?:\w+\s+){0,2}(?:message\s+)?size\b",
    ),
    ("size", r"\bmessage\s+size\s+(?:exceeds|limit)"),
    ("length", r"\bmessage\s+length\s+(?:exceeds|limit)"),
    ("space", r"\bout\s+of\s+(?:storage\s+|disk\s+)?space\b"),
    ("try", r"\bhost\s+not\s+found,\s*try\s+again\b"),
    ("temporary", r"\btemporary\s+(?:dns|lookup|name\s+service)\s+(?:failure|error)\b"),
)
_ADDRESSEE = r"(?:recipient|mailbox|address(?:ee)?|account|user|domain|host)"
_HARD_STRONG = _Phrases(
    ("unknown", r"\buser\s+(?:is\s+)?unknown\b|\bunknown\s+(?:or\s+illegal\s+)?user\b"),
    (
        "unknown",
        r"\bunknown\s+(?:recipient|address(?:ee)?|mailbox|local[\s-]part|alias)\b",
    ),
    (
        "known",
        r"\b" + _ADDRESSEE + r"\s+(?:name\s+)?(?:is\s+)?(?:unknown|not\s+known)\b",
    ),
    ("found", r"\b" + _ADDRESSEE + r"\s+(?:name\s+)?(?:is\s+|was\s+)?not\s+found\b"),
    (
        "such",
        r"\bno\s+such\s+(?:user|mailbox|recipient|address|account|person|domain|host)\b",
    ),
    ("name", r"\bno\s+(?:user|mailbox)\s+(?:here\s+)?by\s+that\s+name\b"),
    ("exist", r"\bdoes\s*n[o']t\s+exist\b|\bnot\s+exist\b"),
    ("account", r"\bdoes\s*n[o']t\s+have\s+an?\s+\S+\s+account\b"),
    ("existe", r"\bn'existe\s+pas\b|\bno\s+existe\b"),
    ("existiert", r"\bexistiert\s+nicht\b"),
    ("unbekannt", r"\bunbekannt\b"),
    ("found", r"\brecip(?:ient)?\s*not\s*found\b"),
    ("notfound", r"\bRecip(?:ient)?NotFound\b"),
    (
        "invalid",
        r"\binvalid\s+(?:final\s+delivery\s+)?(?:recipient|mailbox|address|user(?:id)?|account)\b",
    ),
    (
        ("bad", "illegal"),
        r"\b(?:bad|illegal)\s+(?:destination\s+)?(?:mailbox|recipient|address|user)\b",
    ),
    ("listed", r"\bnot\s+listed\s+in\b"),
    ("valid", r"\bnot\s+a\s+valid\s+(?:user|recipient|mailbox|address)\b"),
    (("mailbox", "account"), r"\bno\s+(?:mailbox|account)\b"),
    ("unrout", r"\bunrout(?:e)?able\b"),
    ("unknown", r"\bunknown\s+(?:host|domain)\b"),
    ("found", r"\b(?:host|domain)\s+(?:or\s+domain\s+)?(?:name\s+)?not\s+found\b"),
    ("service", r"\bname\s+or\s+service\s+not\s+known\b"),
    (("mx", "exchanger"), r"\bno\s+(?:mx|mail\s+exchanger)\b"),
    (
        (
            "disabled",
            "discontinued",
            "deactivated",
            "closed",
            "inactive",
            "expired",
            "suspended",
            "terminated",
            "deleted",
            "removed",
            "locked",
        ),
        r"\b(?:account|mailbox|address|user)\s+(?:has\s+been\s+|is\s+|was\s+)?"
        r"(?:disabled|discontinued|deactivated|closed|inactive|expired|suspended|"
        r"terminated|deleted|removed|locked)\b",
    ),
    ("longer", r"\bno\s+longer\s+(?:valid|active|in\s+use|exists?|available)\b"),
    ("recogni", r"\bnot\s+recogni[sz]ed\b"),
    ("point", r"\bfinal\s+(?:e-?mail\s+)?delivery\s+point\b"),
    ("nameserver", r"\bno\s+matches\s+to\s+nameserver\b"),
    ("match", r"\bdid\s+not\s+(?:exactly\s+)?match\b"),
    ("collected", r"\bnot\s+(?:been\s+)?collected\b"),
    ("moved", r"\b(?:mailbox|user)\s+(?:has\s+)?moved\b"),
    ("local", r"\b(?:user|recipient)\s+not\s+local\b"),
    ("customer", r"\bnot\s+our\s+customer\b"),
    ("wrong", r"\bwrong\s+(?:or\s+no\s+longer\s+valid|address)\b"),
)
_HARD_WEAK = _Phrases(
    ("unavailable", r"\bmailbox\s+(?:is\s+)?unavailable\b"),
    ("available", r"\bmailbox\s+(?:is\s+)?not\s+available\b"),
    ("taken", r"\brequested\s+action\s+not\s+taken\b"),
    ("local", r"\bnot\s+local\b"),
)
_SOFT_TEMPORARY = _Phrases(
    ("later", r"\btry\s+again\s+later\b"),
    ("temporar", r"\btemporar(?:y|ily)\b"),
    ("time", r"\btimed?\s*out\b|\btime-?out\b"),
    ("connection", r"\bconnection\s+(?:refused|reset|timed|lost|failed|dropped)\b"),
    ("connection", r"\bconnection\s+to\s+\S+(?:\s+\S+)?\s+failed\b"),
    ("connect", r"\b(?:could|can)\s*(?:not|n't)\s+connect\b|\bunable\s+to\s+connect\b"),
    ("establish", r"\b(?:could|can)\s*(?:not|n't)\s+establish\b"),
    ("reachable", r"\bnot\s+(?:be\s+)?reachable\b|\bunreachable\b"),
    ("respond", r"\bnot\s+responding\b|\bdid\s+not\s+respond\b"),
    ("answer", r"\bno\s+answer\b"),
    ("many", r"\btoo\s+many\s+(?:hops|connections|messages|recipients)\b"),
    (
        "loop",
        r"\b(?:mail|routing|forwarding|alias(?:ing)?)\s+loop\b"
        r"|\bloop(?:ing)?\s+(?:detected|broken)\b|\blooping\b",
    ),
    ("busy", r"\bserver\s+(?:is\s+)?(?:too\s+)?busy\b"),
    ("unavailable", r"\bserver\s+(?:is\s+)?unavailable\b"),
    ("service", r"\bservice\s+(?:is\s+)?(?:not\s+available|unavailable)\b"),
    ("unavailable", r"\bresources?\s+(?:temporarily\s+)?unavailable\b"),
    ("expired", r"\bexpired\b"),
    (
        "maximum",
        r"\bexceeded\s+(?:the\s+)?maximum\s+(?:delivery\s+)?(?:attempts|retries)\b",
    ),
    ("attempts", r"\bdelivery\s+failed\s+\d+\s+attempts\b"),
    ("queue", r"\bqueued?\s+(?:too\s+long|period)\b|\bin\s+the\s+queue\s+too\s+long\b"),
    ("gateway", r"\bcould\s+not\s+find\s+a\s+gateway\b"),
    ("aborted", r"\baborted\s+after\b"),
    ("error", r"\bprocessing\s+error\b|\berror\s+while\s+(?:being\s+)?process"),
    ("died", r"\bcommand\s+died\b"),
    ("rate", r"\brate[\s-]limit"),
    ("throttl", r"\bthrottl"),
    ("failing", r"\bhave\s+been\s+failing\b"),
    ("retry", r"\bretry\s+time(?:out)?\s+(?:not\s+reached|exceeded)\b"),
    ("connect", r"\b(?:requests?|attempts?)\s+to\s+connect\b"),
    ("socket", r"\bsocket\s+error\b"),
)

# (phrases, category, weak) in priority order
_TEXT_RULES = (
    (_RELAY_HARD, HARD, False),
    (_GREYLIST_SOFT, SOFT, False),
    (_BLOCKED, BLOCKED, False),
    (_MAILBOX_SOFT, SOFT, False),
    (_HARD_STRONG, HARD, False),
    (_HARD_WEAK, HARD, True),
    (_SOFT_TEMPORARY, SOFT, False),
)

_STATUS_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)")
_REPLY_RE = re.compile(r"(?<![\w.\-#/])([45]\d\d)(?=[ \t\-:;,)\]]|$)", re.MULTILINE)
_REPLY_LEAD = re.compile(
    r"(?:^[ \t>*\-|]*"
    r"|(?:said|replied|returned|response|error(?:\s+code)?|code)\W{0,3})$",
    re.IGNORECASE,
)


def _match_text(text):
    """First text rule matching *text*: (category, weak, match) or None."""
    if not text:
        return None
    lowered = text.lower()
    for phrases, category, weak in _TEXT_RULES:
        match = phrases.search(text, lowered)
        if match:
            return category, weak, match
    return None


def _normalise_status(status):
    if not status:
        return None
    match = _STATUS_RE.search(status)
    return ".".join(match.groups()) if match else None


def _is_generic_status(status):
    return status is None or status.endswith(".0.0")


def _category_from_codes(status, reply_code):
    if reply_code in ("605", "607"):
        return BLOCKED
    if reply_code == "602":
        return SOFT
    if status:
        klass, subject, detail = status.split(".")
        if klass == "4":
            return SOFT
        if klass == "5":
            if subject == "7" or (subject == "1" and detail in ("7", "8")):
                return BLOCKED
            if subject == "1":
                return HARD
            if subject == "2":
                return HARD if detail == "1" else SOFT
            if subject == "3":
                return SOFT
            if subject == "4":
                return HARD if detail == "4" else SOFT
    if reply_code:
        if reply_code.startswith("4") or reply_code == "552":
            return SOFT
        return HARD
    return HARD


def classify_status(status, reply_code=None, diagnostic=""):
    """Category (``hard``/``soft``/``blocked``) of one failed delivery.

    *status* is an RFC 3463 enhanced code (``"5.1.1"``; any text around it
    is ignored), *reply_code* the SMTP reply code (``"550"``) or one of the
    seed's own codes (602, 605, 607), *diagnostic* the server's text.  The
    rules and their order are in the module docstring.
    """
    status = _normalise_status(status)
    reply_code = str(reply_code).strip() if reply_code else None
    # pylint: disable-next=unsubscriptable-object  # reply_code is a str here
    klass = status[0] if status else (reply_code[0] if reply_code else None)
    hit = _match_text(diagnostic)
    if hit:
        category, weak, _match = hit
        if not weak:
            return category
        if klass == "4":
            return SOFT
        if _is_generic_status(status) or status.startswith("5.1."):
            return HARD
    return _category_from_codes(status, reply_code)


# --------------------------------------------------------------------------
# Remedies
# --------------------------------------------------------------------------

_FULL_OR_LARGE_STATUS = ("5.2.2", "5.2.3", "4.2.2", "4.2.3", "5.3.4", "4.3.4")
_FULL_OR_LARGE_TEXT = _rx(
    r"\bquota\b|\boverquota\b|\bfull\b|\bspace\b|\btoo\s+(?:large|big)\b|\bsize\b"
)


def remedy(category, status=None, reply_code=None, diagnostic=""):
    """The advice shown to the accountant for a failure, or None.

    Returns a :class:`~.i18n.CoreMessage` (translated by the Odoo layer);
    ``None`` for ``"none"`` or an unknown category.
    """
    if category == HARD:
        return CoreMessage(
            _("Confirm the correct address with the customer, then resend.")
        )
    if category == BLOCKED:
        return CoreMessage(
            _(
                "The address refused our mail (spam or policy block): ask the customer "
                "to allow the sender address, then unblock the address and resend."
            )
        )
    if category == SOFT:
        status = _normalise_status(status)
        if (
            reply_code == "552"
            or status in _FULL_OR_LARGE_STATUS
            or (diagnostic and _FULL_OR_LARGE_TEXT.search(diagnostic))
        ):
            return CoreMessage(
                _(
                    "The mailbox is full or the attachment too large: ask the customer "
                    "to contact their IT, or resend later."
                )
            )
        return CoreMessage(
            _(
                "The recipient's mail server had a temporary problem: the delivery is "
                "retried automatically; if it keeps failing ask the customer to "
                "contact their IT."
            )
        )
    return None


# --------------------------------------------------------------------------
# Message structure
# --------------------------------------------------------------------------

# labels that say nothing reliable: decode as UTF-8, else Latin-1
_VAGUE_CHARSETS = frozenset({"us-ascii", "ascii", "x-unknown", "unknown-8bit"})
_CHARSET_ALIASES = {"unicode-1-1-utf-7": "utf-7"}


def _decode_bytes(data, charset):
    """Text of *data*; unknown or lying charsets never raise."""
    if charset in _VAGUE_CHARSETS:
        charset = None
    elif charset:
        charset = _CHARSET_ALIASES.get(charset, charset)
    if charset:
        try:
            codecs.lookup(charset)
        except (LookupError, ValueError):
            charset = None
    if charset is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    try:
        return data.decode(charset, "replace")
    except Exception:  # a broken codec (e.g. utf-7 on garbage) must not stop us
        return data.decode("latin-1")


def _clean(text):
    """Replace lone surrogates left by 8-bit headers with U+FFFD."""
    if not text:
        return ""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _header(msg, name):
    value = msg.get(name)
    if value is None:
        return ""
    if isinstance(value, str) and "=?" not in value:
        return _clean(value)
    try:
        text = str(make_header(decode_header(value)))
    except Exception:  # malformed encoded-words: keep the raw text
        text = str(value)
    return _clean(text)


def _part_text(part):
    """Decoded text of a leaf part."""
    try:
        data = part.get_payload(decode=True)
    except Exception:  # undecodable transfer encoding
        data = None
    if data is None:
        payload = part.get_payload()
        if not isinstance(payload, str):
            return ""
        data = payload.encode("utf-8", "surrogateescape")
    try:
        charset = part.get_content_charset()
    except Exception:  # odd RFC 2231 parameters
        charset = None
    return _decode_bytes(data, charset)


def _message_part_text(part):
    """Text of a message/* part (delivery-status, rfc822-headers...)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        chunks = []
        for sub in payload:
            if not isinstance(sub, Message):
                continue
            lines = [f"{key}: {value}" for key, value in sub.items()]
            body = sub.get_payload()
            if isinstance(body, str) and body.strip():
                lines.append("")
                lines.append(body)
            chunks.append("\n".join(lines))
        text = "\n\n".join(chunks)
    elif isinstance(payload, str):
        text = payload
    else:
        return ""
    text = _clean(text)
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding == "base64":
        try:
            raw = base64.b64decode("".join(text.split()), validate=False)
        except (binascii.Error, ValueError):  # not base64 after all: keep the text
            raw = None
        if raw is not None:
            text = _decode_bytes(raw, part.get_content_charset())
    elif encoding == "quoted-printable":
        text = _decode_bytes(
            quopri.decodestring(text.encode("utf-8", "replace")), "utf-8"
        )
    return text


_BREAK_TAGS = re.compile(r"<\s*/?\s*(?:br|p|div|tr|li|h\d|hr|table|pre)\b[^>]*>", re.I)
_DROP_BLOCKS = re.compile(r"<(style|script|head)\b.*?</\1\s*>", re.I | re.S)
_TAGS = re.compile(r"<[^>]*>")
_PRE_BLOCKS = re.compile(r"(<pre\b.*?</pre\s*>)", re.I | re.S)


def _html_to_text(markup):
    markup = _DROP_BLOCKS.sub(" ", markup)
    if _BREAK_TAGS.search(markup):
        # source line breaks are not significant in HTML, except inside <pre>
        pieces = _PRE_BLOCKS.split(markup)
        markup = "".join(
            piece if index % 2 else piece.replace("\r", " ").replace("\n", " ")
            for index, piece in enumerate(pieces)
        )
        markup = _BREAK_TAGS.sub("\n", markup)
    return html.unescape(_TAGS.sub("", markup))


_DSN_TYPES = ("message/delivery-status", "message/global-delivery-status")
_MDN_TYPES = (
    "message/disposition-notification",
    "message/global-disposition-notification",
)
_RETURNED_HEADER_TYPES = (
    "text/rfc822-headers",
    "message/rfc822-headers",
    "message/global-headers",
)


class _Parts:
    __slots__ = ("dsn", "htmls", "mdn", "report", "returned", "texts")

    def __init__(self):
        self.dsn = []
        self.mdn = []
        self.texts = []
        self.htmls = []
        self.returned = []
        self.report = None


def _is_wrapped_report(inner):
    """A bounce forwarded as an attachment, rather than the returned original."""
    ctype = inner.get_content_type()
    if ctype == "multipart/report":
        return True
    if inner.is_multipart():
        return any(
            sub.get_content_type() in _DSN_TYPES
            for sub in inner.get_payload()
            if isinstance(sub, Message)
        )
    return False


def _collect(part, acc, depth=0):
    if depth > _MAX_DEPTH:
        return
    ctype = part.get_content_type()
    if ctype == "multipart/report" and acc.report is None:
        acc.report = (part.get_param("report-type") or "").lower()
    if ctype in _DSN_TYPES:
        acc.dsn.append(_message_part_text(part))
    elif ctype in _MDN_TYPES:
        acc.mdn.append(_message_part_text(part))
    elif ctype in ("message/rfc822", "message/global"):
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message) and _is_wrapped_report(inner):
            _collect(inner, acc, depth + 1)
        elif inner is not None:
            acc.returned.append(inner)
    elif ctype in _RETURNED_HEADER_TYPES:
        if part.is_multipart():
            acc.returned.append(_message_part_text(part))
        else:
            acc.returned.append(_part_text(part))
    elif part.is_multipart():
        for sub in part.get_payload():
            if isinstance(sub, Message):
                _collect(sub, acc, depth + 1)
    elif ctype == "text/html":
        acc.htmls.append(_part_text(part))
    elif part.get_content_maintype() == "text":
        acc.texts.append(_part_text(part))


# --------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------

_ADDRESS_SCAN = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_LOCAL_OK = re.compile(r"^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*$")
_DOMAIN_OK = re.compile(r"^(?:[\w](?:[\w-]*[\w])?\.)+[\w](?:[\w-]*[\w])?$")
_SYSTEM_LOCALPARTS = frozenset(
    {
        "postmaster",
        "mailer-daemon",
        "mailerdaemon",
        "mail-daemon",
        "maildaemon",
        "mdaemon",
        "root",
        "abuse",
        "hostmaster",
        "mailer",
        "ndr",
        "daemon",
    }
)


def normalise_address(value):
    """``"rfc822; <John@Example.COM>"`` -> ``"john@example.com"``, or None."""
    if not value:
        return None
    value = value.strip()
    if ";" in value:
        kind, rest = value.split(";", 1)
        if kind.strip().lower() in ("rfc822", "utf-8", "internet", "smtp", ""):
            value = rest
        else:
            found = _ADDRESS_SCAN.search(rest)
            value = found.group(0) if found else ""
    value = value.strip().strip("<>\"'[](),;: \t").rstrip(".")
    if value.lower().startswith(("smtp:", "mailto:")):
        value = value.split(":", 1)[1]
    if value.count("@") != 1:
        return None
    local, domain = value.rsplit("@", 1)
    if not _LOCAL_OK.match(local) or not _DOMAIN_OK.match(domain):
        return None
    return value.lower()


def _site_domain(host):
    labels = host.lower().strip(".").split(".")
    if len(labels) <= 2:
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in {
        "co",
        "com",
        "ac",
        "org",
        "net",
        "gov",
        "edu",
    }:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


# --------------------------------------------------------------------------
# DSN fields
# --------------------------------------------------------------------------

_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")
_RECIPIENT_FIELDS = ("final-recipient", "original-recipient", "x-actual-recipient")
_DIAGNOSTIC_TYPE = re.compile(r"^\s*[A-Za-z][\w-]*\s*;\s*")


def _parse_fields(text):
    """Split DSN/MDN text into records of {field: value} (unfolded)."""
    records = []
    current = {}
    last = None
    for line in text.split("\n"):
        if not line.strip():
            if current:
                records.append(current)
                current = {}
            last = None
            continue
        if line[0] in " \t":
            if last:
                current[last] += " " + line.strip()
            continue
        match = _FIELD.match(line)
        if not match:
            last = None
            continue
        key = match.group(1).lower()
        value = match.group(2).strip()
        if key in _RECIPIENT_FIELDS and key in current:
            records.append(current)
            current = {}
        if key not in current:
            current[key] = value
            last = key
        else:
            last = None
    if current:
        records.append(current)
    return records


_CONTINUATION = re.compile(r"(?<=\s)([45]\d\d)[ -]([245]\.\d{1,3}\.\d{1,3})(?:\s+|$)")


def _one_line(text, reply_code, status):
    """One trimmed line; ``550-5.7.1 a 550-5.7.1 b`` -> ``550-5.7.1 a b``."""
    text = " ".join(_clean(text).split())
    if reply_code and status and f"{reply_code}-{status}" in text:
        first = text.find(reply_code)
        head, tail = text[: first + 4], text[first + 4 :]
        tail = _CONTINUATION.sub(
            lambda m: "" if m.groups() == (reply_code, status) else m.group(0), tail
        )
        text = head + tail
    return text[:_MAX_DIAGNOSTIC].strip()


def _unwrap(text):
    """Trim blanks and one pair of enclosing parentheses."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def _codes_in(text):
    status = None
    reply = None
    if text:
        match = _STATUS_RE.search(text)
        if match and match.group(1) != "2":
            status = ".".join(match.groups())
        match = _REPLY_RE.search(text)
        if match:
            reply = match.group(1)
    return status, reply


_ACTION_ALIASES = {"failure": "failed", "error": "failed", "fail": "failed"}


def _dsn_recipient(record):
    """(address or None, action, status, reply, evidence, diagnostic)."""
    address = None
    for key in ("original-recipient", "final-recipient", "x-actual-recipient"):
        address = normalise_address(record.get(key))
        if address:
            break
    action_field = record.get("action", "")
    action = (
        action_field.split()[0].lower().strip("();,") if action_field.split() else None
    )
    action = _ACTION_ALIASES.get(action, action)
    action_comment = action_field[len(action_field.split()[0]) :] if action else ""

    status_field = record.get("status", "")
    status = _normalise_status(status_field)
    status_comment = ""
    reply = None
    if status:
        status_comment = _STATUS_RE.sub("", status_field, count=1)
    elif status_field:
        match = re.match(r"\s*([245]\d\d)\b(.*)", status_field)
        if match:
            reply = match.group(1) if match.group(1)[0] != "2" else None
            status_comment = match.group(2)
        else:
            status_comment = status_field

    diagnostic = _DIAGNOSTIC_TYPE.sub("", record.get("diagnostic-code", ""), count=1)
    supplementary = " ".join(
        value for key, value in record.items() if key.endswith("supplementary-info")
    )
    evidence = " ".join(
        _unwrap(piece)
        for piece in (diagnostic, supplementary, status_comment, action_comment)
        if piece and _unwrap(piece)
    )
    found_status, found_reply = _codes_in(evidence)
    if found_status and (
        status is None or (_is_generic_status(status) and found_status[0] == status[0])
    ):
        status = found_status
    reply = reply or found_reply
    shown = _unwrap(
        diagnostic or supplementary or _unwrap(status_comment) or action_comment
    )
    return address, action, status, reply, evidence, shown


# --------------------------------------------------------------------------
# Notification text
# --------------------------------------------------------------------------

_CUT = _Phrases(
    ("below", r"below\s+(?:this|the\s+next)\s+line\s+is\s+a\s+copy"),
    (
        "copy",
        r"this\s+is\s+a\s+copy\s+of\s+(?:the|your)\s+message|copy\s+of\s+the\s+original\s+message"
        r"|included\s+is\s+a\s+copy\s+of\s+the\s+message|attachment\s+is\s+a\s+copy"
        r"|copy\s+of\s+the\s+message\s+(?:below|follows)",
    ),
    (
        "original",
        r"original\s+message\s+(?:follows|below|headers|details|as\s+received)"
        r"|-{2,}\s*original\s+message",
    ),
    (
        "returned",
        r"start\s+of\s+returned\s+message|returned\s+mail\s+follows|-{2,}\s*returned\s+mail\s*-{2,}",
    ),
    ("unsent", r"unsent\s+message\s+(?:below|follows)"),
    ("follow", r"message\s+(?:header|text|body)s?\s+follows?"),
    (
        "header",
        r"header\s+of\s+the\s+(?:original|source)\s+(?:message|mail)"
        r"|header\s+and\s+top\s+\d+\s+lines|undelivered\s+message\s+headers?:",
    ),
    ("forwarded", r"-{2,}\s*forwarded\s+message"),
    ("reads", r"your\s+message\s+reads\s+\(in\s+part\)"),
    ("lines", r"lines\s+of\s+(?:your|the)\s+(?:original\s+)?message"),
    ("summary", r"summary\s+of\s+the\s+undelivered\s+message"),
    ("mensaje", r"mensaje\s+original"),
    ("origine", r"-{2,}\s*message\s+d'origine"),
    ("nachricht", r"-{2,}\s*urspr(?:ü|ue)ngliche\s+nachricht"),
)


def _cut_returned(text):
    """The notification without the returned copy of the original message."""
    match = _CUT.search(text)
    if not match:
        return text
    return text[: text.rfind("\n", 0, match.start()) + 1]


_HEADERISH = re.compile(
    r"^\s*(?:from|to|cc|bcc|subject|sent|date|reply-to|sender|return-path|message-id"
    r"|in-reply-to|references|x-[\w-]+)\s*:",
    re.IGNORECASE,
)
_FROMISH = re.compile(r"^\s*(?:from|sender|reply-to|return-path|message-id)\s*:", re.I)
_CONTEXT = re.compile(
    r"(?:\b(?:to|for|addressed|address(?:es)?|recipients?|user(?:id)?|mailbox|attempts"
    r"|rcpt\s+to|smtp|rfc822|error-for|(?:expanded|generated)\s+from)"
    r"\s*[:=,;]?\s*[<\[\"'(]*\s*)$",
    re.IGNORECASE,
)
_EXPANDED = re.compile(r"\b(?:expanded|generated)\s+from\s*:?\s*[<\[\"'(]*\s*$", re.I)
_FROM_CONTEXT = re.compile(r"\bfrom\s*:?\s*[<\[\"'(]*\s*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{3}")
_ROUTE_PREFIX = re.compile(r"^(?:smtp|rfc822|mailto)[=:]", re.I)
_LEADER = re.compile(r"^[\s>*\-|•\"'<\[(]*$")
_BARE_NAME_LINE = re.compile(r"^[ \t]+([A-Za-z][\w.+-]{0,63})[ \t]*$")


def _recipient_occurrences(text, excluded):
    """[(address, line index, strong, header-like line)] of candidate recipients."""
    found = []
    for index, line in enumerate(text.split("\n")):
        if "@" not in line:
            continue
        headerish = bool(_HEADERISH.match(line))
        fromish = bool(_FROMISH.match(line))
        for match in _ADDRESS_SCAN.finditer(line):
            token, start = match.group(0), match.start()
            routed = _ROUTE_PREFIX.match(token)
            if routed:
                token, start = token[routed.end() :], start + routed.end()
            address = normalise_address(token)
            if not address or address in excluded:
                continue
            if address.split("@", 1)[0] in _SYSTEM_LOCALPARTS:
                continue
            prefix = line[:start]
            if fromish or (
                _FROM_CONTEXT.search(prefix) and not _EXPANDED.search(prefix)
            ):
                continue
            if prefix.rstrip().lower().endswith("message-id:"):
                continue
            strong = not headerish and bool(
                _LEADER.match(prefix) or _CONTEXT.search(prefix)
            )
            found.append((address, index, strong, headerish))
    return found


def _blocks(text, occurrences):
    """Text about each recipient: every line naming it, each with the
    following non-blank lines up to the next recipient's paragraph."""
    lines = text.split("\n")
    starts = {}
    for address, index, *_flags in occurrences:
        starts.setdefault(index, address)
    taken = {}
    for address, index, *_flags in occurrences:
        indexes = taken.setdefault(address, [])
        if index in indexes:
            continue
        indexes.append(index)
        for following in range(index + 1, len(lines)):
            line = lines[following]
            if not line.strip():
                break
            other = starts.get(following)
            if (
                other
                and other != address
                and _LEADER.match(line[: line.lower().find(other)])
            ):
                break
            if following not in indexes:
                indexes.append(following)
    return {
        address: "\n".join(lines[i] for i in sorted(indexes))
        for address, indexes in taken.items()
    }


def _strip_leading_address(text, address):
    """The block's text without its leading address; "" when only addresses remain."""
    stripped = text.lstrip(" \t\n>*-|\"'<[(")
    if stripped.lower().startswith(address):
        text = stripped[len(address) :].lstrip(">]\"')").lstrip(" \t\n:.,")
    rest = text.lower().replace(address, "")
    return text if _WORD.search(rest) else ""


# --------------------------------------------------------------------------
# Bounce / auto-reply detection
# --------------------------------------------------------------------------

_SUBJECT_BOUNCE = _rx(
    r"\bundeliver|\bundelivered\b|\breturned\s+(?:mail|to\s+sender)\b",
    r"\bdelivery\s+(?:status\s+)?(?:notification|failure|failed|problem|report|error"
    r"|has\s+failed|warning|delayed|delay)",
    r"\bmail\s+delivery\s+(?:failed|failure|problem|system)",
    r"\bfailure\s+(?:notice|delivery|notification)\b|\bfailed\s+(?:mail|delivery)\b",
    r"\bnon[-\s]?delivery\b|\bnot\s+delivered\b|\bcould\s+not\s+be\s+delivered\b",
    r"\bmail\s+(?:system\s+)?error\b|\bdelayed\s+mail\b|\bmessage\s+delayed\b",
    r"\bwarning:\s+message\b|\bautomatically\s+rejected\b|\brejected\s+mail\b",
    r"\buser\s+unknown\b|\bprocessing\s+error\b|\bmail\s+(?:failed|failure)\b",
    r"\breturning\s+(?:message\s+)?to\s+sender\b",
    r"\bне\s+доставлено\b",  # noqa: RUF001 -- Russian "not delivered" (mail.ru)
    r"\bunzustellbar\b|\bnon\s+remis\b|\bnon\s+recapitabile\b|\bonbestelbaar\b",
    r"\bno\s+se\s+puede\s+entregar\b|\bolevererbar|\bkan\s+ikke\s+leveres\b",
)
_BODY_BOUNCE = _Phrases(
    (
        "deliver",
        r"\bcould\s*(?:not|n'?t)\s+(?:be\s+)?deliver|\bcannot\s+be\s+delivered\b"
        r"|\b(?:was|were|wasn't|has\s+not\s+been)\s+(?:not\s+)?delivered\b"
        r"|\bnot\s+(?:be\s+)?delivered\s+to\b"
        r"|\b(?:unable|not\s+able|wasn'?t\s+able|failed)\s+to\s+deliver\b"
        r"|\bdelivery\s+(?:to\s+the\s+following\s+recipients?\s+)?(?:has\s+)?failed\b"
        r"|\bundeliverable\b|\bmail\s+delivery\s+(?:software|system|subsystem)\b"
        r"|\bnon-?delivery\b|\bdelivery\s+status\s+notification\b"
        r"|\bnot\s+yet\s+been\s+delivered\b|\bdelivery\s+(?:has\s+been\s+)?delayed\b"
        r"|\bdelivery\s+(?:failure|problems?)\b|\bproblem\s+delivering\b"
        r"|\bdelivery\s+of\s+(?:e-?mail|your\s+message)\b",
    ),
    ("reach", r"\bdid\s+not\s+reach\b|\bcould\s+not\s+be\s+reached\b"),
    ("recipient", r"\bfailed\s+recipients?\b"),
    ("permanent", r"\bpermanent\s+(?:fatal\s+)?errors?\b"),
    ("following", r"\bfollowing\s+address(?:es|\(es\))?\s+(?:had|failed)"),
    ("returned", r"\breturned\s+mail\b"),
    (
        ("qmail", "postfix", "host"),
        r"\bqmail-send\b|\bpostfix\s+program\b|\bmail\s+system\s+at\s+host\b",
    ),
    (
        ("such", "unknown", "found"),
        r"\bno\s+such\s+user\b|\buser\s+unknown\b|\baddress\s+not\s+found\b",
    ),
    ("failed", r"\bfailed\s+addresses\b"),
    ("postponed", r"\bpostponed\b"),
    (
        ("accepted", "rejected"),
        r"\b(?:message|mail)\s+(?:was|has\s+been)\s+(?:not\s+accepted|rejected)\b",
    ),
    ("sent", r"\ba\s+message\s+that\s+you\s+(?:have\s+)?sent\b"),
)
_STRONG_BODY = _Phrases(
    (
        "automatically",
        r"this\s+message\s+was\s+created\s+automatically\s+by\s+mail\s+delivery\s+software",
    ),
    ("qmail", r"this\s+is\s+the\s+qmail-send\s+program"),
    ("postfix", r"this\s+is\s+the\s+(?:[\w ]+ )?postfix\b[^\n]*program"),
    ("system", r"this\s+is\s+the\s+mail\s+system\s+at\s+host"),
    ("notification", r"delivery\s+status\s+notification"),
    ("fatal", r"the\s+following\s+addresses\s+had\s+permanent\s+fatal\s+errors"),
    ("recipients", r"delivery\s+has\s+failed\s+to\s+these\s+recipients"),
)
_MTA_NAME = _rx(
    r"mail\s+delivery|delivery\s+(?:sub)?system|mailer[-\s]?daemon|postmaster"
    r"|system\s+administrator|mail\s+administrator|mdaemon|delivery\s+service"
)
_DELAY_TEXT = _Phrases(
    (
        "warning",
        r"\bwarning\s+(?:message\s+)?only\b|\bthis\s+is\s+(?:just\s+|only\s+)?a\s+warning\b",
    ),
    (
        "delivered",
        r"\bnot\s+yet\s+been\s+delivered\b|\bhas\s+not\s+been\s+delivered\s+yet\b",
    ),
    ("still", r"\bstill\s+(?:being\s+)?(?:retried|trying|queued|awaiting)\b"),
    (
        "will",
        r"\bwill\s+(?:continue\s+(?:to\s+)?(?:try|attempt)|be\s+retried|retry|keep\s+trying)\b",
    ),
    ("continue", r"\bdelivery\s+attempts\s+will\s+continue\b|\bcontinue\s+trying\b"),
    (
        "resend",
        r"\b(?:do|need)\s+not\s+(?:need\s+to\s+)?resend\b|\bno\s+need\s+to\s+resend\b"
        r"|\bdo\s+not\s+resend\b",
    ),
    (
        "delayed",
        r"\bhas\s+been\s+delayed\b|\bdelivery\s+(?:has\s+been\s+)?delayed\b"
        r"|\bmessage\s+delayed\b|\bdelayed\s+mail\b",
    ),
    ("postponed", r"\bpostponed\b"),
    ("advisory", r"\badvisory[-\s]only\b"),
    ("action", r"\bno\s+action\s+is\s+required\b"),
)
_PERMANENT_TEXT = _Phrases(
    ("permanent", r"\bpermanent(?:ly)?\s+(?:error|failure|fatal)"),
    ("permanently", r"\bfailed\s+permanently\b"),
    (
        ("given", "gave", "giving"),
        r"\bi'?ve\s+given\s+up\b|\bgave\s+up\b|\bgiving\s+up\b",
    ),
    ("again", r"\bnot\s+going\s+to\s+try\s+again\b"),
    ("will", r"\bwill\s+not\s+(?:try|retry|be\s+retried)\b"),
    ("further", r"\bno\s+further\s+(?:delivery\s+)?attempts\b"),
)
_AUTOREPLY_SUBJECT = _rx(
    r"^\s*(?:re:\s*)?(?:auto(?:matic|matische|matisk|maattinen)?[\s_-]*"
    r"(?:reply|response|respond|antwort|answer|svar|vastaus))",
    r"^\s*out\s+of\s+(?:the\s+)?office\b|^\s*abwesenheit|^\s*absence\b",
    r"^\s*r[ée]ponse\s+automatique|^\s*respuesta\s+autom[áa]tica",
    r"^\s*risposta\s+automatica|^\s*automatisch\s+antwoord|^\s*fravær",
    r"^\s*vacation\b|^\s*on\s+vacation\b|^\s*away\s+from\b|^\s*autosvar",
)
_READ_RECEIPT_SUBJECT = _rx(r"^\s*(?:read|lu|gelesen|le[ií]do|letto|gelezen|läst)\s*:")
_MDN_REJECTED = _rx(r"\bdeleted\b|\bdenied\b|\bfailed\b|\berror\b|\brejected\b")

_MSGID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
_BODY_MSGID = re.compile(
    r"^[ \t>]*message-id[ \t]*:[ \t]*(?:\n[ \t]+)?(<[^<>\s]+@[^<>\s]+>)",
    re.IGNORECASE | re.MULTILINE,
)


def _first_id(value):
    match = _MSGID.search(value or "")
    return match.group(0) if match else None


def _returned_id(returned, own_id):
    for item in returned:
        if isinstance(item, Message):
            candidate = _first_id(str(item.get("Message-ID", "")))
            if candidate is None:
                body = item.get_payload()
                if isinstance(body, str):
                    match = _BODY_MSGID.search(_clean(body))
                    candidate = match.group(1) if match else None
        else:
            match = _BODY_MSGID.search(item)
            candidate = match.group(1) if match else None
        if candidate and candidate != own_id:
            return candidate
    return None


def _mail_system_sender(msg):
    raw_from = _header(msg, "From")
    if _MTA_NAME.search(raw_from):
        return True
    name, address = parseaddr(raw_from)
    local = address.split("@", 1)[0].lower() if address else ""
    if local in _SYSTEM_LOCALPARTS or local.startswith(("mailer-daemon", "postmaster")):
        return True
    return bool(_MTA_NAME.search(name or "")) or (not address and bool(name))


def _is_autoreply(msg, subject):
    auto = _header(msg, "Auto-Submitted").lower()
    if auto.startswith("auto-replied"):
        return True
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"):
        if msg.get(name) is not None:
            return True
    for name in ("Precedence", "X-Precedence"):
        if _header(msg, name).strip().lower() in ("auto_reply", "auto-reply"):
            return True
    return bool(_AUTOREPLY_SUBJECT.search(subject))


# --------------------------------------------------------------------------
# Classification of one message
# --------------------------------------------------------------------------


def _to_message(raw):
    if isinstance(raw, Message):
        return raw
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    raw = bytes(raw)
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return message_from_bytes(raw)


def _recipient_from_evidence(
    address,
    action,
    status,
    reply,
    evidence,
    shown,
    context,
    fallback_codes=(None, None),
):
    """Build a RecipientFailure, reading *context* when the evidence is mute.

    *fallback_codes* (status, reply code found anywhere in the bounce) are
    used only when no reason phrase is recognised at all.
    """
    hit = _match_text(evidence)
    if hit is not None and shown.count("\n") >= 3:
        shown = _line_around(evidence, hit[2])
    context_hit = _match_text(context) if hit is None and context else None
    if context_hit is not None and _is_generic_status(status):
        line = _line_around(context, context_hit[2])
        line_status, line_reply = _codes_in(line)
        if line_status and (status is None or line_status[0] == status[0]):
            status = line_status
        reply = reply or line_reply
        evidence = f"{evidence} {line}"
        shown = line
        context_hit = None
    status = status or fallback_codes[0]
    reply = reply or fallback_codes[1]
    category = classify_status(status, reply, evidence)
    if context_hit is not None and not shown and context_hit[0] == category:
        shown = _line_around(context, context_hit[2])
    shown = _one_line(shown, reply, status)
    return RecipientFailure(
        address=address,
        category=category,
        status=status,
        reply_code=reply,
        diagnostic=shown,
        action=action,
    )


def _line_around(text, match):
    """The paragraph holding *match* when short, else its line."""
    start = text.rfind("\n\n", 0, match.start())
    start = 0 if start == -1 else start + 2
    end = text.find("\n\n", match.end())
    paragraph = text[start : end if end != -1 else len(text)].strip()
    if len(paragraph) <= 300:
        return paragraph
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    line = text[start : end if end != -1 else len(text)]
    if len(line.strip()) < 12:
        # a bare reason ("quota exceeded") reads better with its address line
        before = text.rfind("\n", 0, max(start - 1, 0)) + 1
        line = text[before:start] + line
    return line.strip()


def _text_codes(text):
    """Status and reply code from SMTP-looking lines of a free text."""
    status = None
    match = _STATUS_RE.search(text)
    if match and match.group(1) != "2":
        status = ".".join(match.groups())
    for match in _REPLY_RE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if _REPLY_LEAD.search(
            text[max(line_start, match.start() - 24) : match.start()]
        ):
            return status, match.group(1)
    return status, None


def classify_message(raw):
    """Classify one e-mail (bytes, str or :class:`email.message.Message`).

    Never raises on malformed mail: what cannot be read is treated as absent.
    """
    msg = _to_message(raw)
    subject = _header(msg, "Subject")
    own_id = _first_id(str(msg.get("Message-ID", "")))
    parts = _Parts()
    if msg.is_multipart() or msg.get_content_maintype() == "message":
        _collect(msg, parts)
    elif msg.get_content_type() == "text/html":
        parts.htmls.append(_part_text(msg))
    else:
        parts.texts.append(_part_text(msg))

    plain = "\n".join(_clean(t) for t in parts.texts if t and t.strip())
    if not plain.strip() and parts.htmls:
        plain = "\n".join(_html_to_text(_clean(h)) for h in parts.htmls)
    plain = plain.replace("\r\n", "\n").replace("\r", "\n")
    notice = _cut_returned(plain)

    excluded = set()
    for name in (
        "From",
        "To",
        "Cc",
        "Sender",
        "Reply-To",
        "Return-Path",
        "Errors-To",
    ):
        for value in msg.get_all(name) or ():
            for address in _ADDRESS_SCAN.findall(str(value)):
                normalised = normalise_address(address)
                if normalised:
                    excluded.add(normalised)

    # ---- delivery status notifications -------------------------------
    dsn_records = []
    for text in parts.dsn:
        dsn_records.extend(
            record
            for record in _parse_fields(text)
            if any(key in record for key in _RECIPIENT_FIELDS)
        )
    if dsn_records:
        result = _from_dsn(dsn_records, notice)
        if result is not None:
            result.original_message_id = _original_id(msg, parts, plain, own_id)
            return result

    # ---- disposition notifications (read receipts, Sieve rejects) -----
    if parts.mdn or parts.report == "disposition-notification":
        fields = {}
        for text in parts.mdn:
            for record in _parse_fields(text):
                fields.update(record)
        disposition = fields.get("disposition", "")
        original = _first_id(fields.get("original-message-id")) or _original_id(
            msg, parts, plain, own_id
        )
        if _MDN_REJECTED.search(disposition):
            address = normalise_address(
                fields.get("original-recipient") or fields.get("final-recipient")
            )
            failure = _recipient_from_evidence(
                address or "", "failed", None, None, "", notice, notice
            )
            if _match_text(notice) is None:
                failure.category = BLOCKED
            return BounceResult(
                is_bounce=True,
                kind=FAILURE,
                recipients=[failure] if address else [],
                original_message_id=original,
                unattributed=None if address else failure,
            )
        return BounceResult(False, AUTOREPLY, original_message_id=original)

    # ---- free-text bounces -------------------------------------------
    failed_header = msg.get_all("X-Failed-Recipients") or []
    signals = (
        _mail_system_sender(msg),
        bool(_SUBJECT_BOUNCE.search(subject)),
        bool(_BODY_BOUNCE.search(notice[:4000])),
        bool(parts.returned),
        parts.report == "delivery-status" or bool(parts.dsn),
    )
    if (
        failed_header
        or sum(signals) >= 2
        or (any(signals) and _STRONG_BODY.search(notice[:4000]))
    ):
        result = _from_text(msg, subject, notice, failed_header, excluded)
        result.original_message_id = _original_id(msg, parts, plain, own_id)
        return result

    if _is_autoreply(msg, subject) or _READ_RECEIPT_SUBJECT.search(subject):
        return BounceResult(
            False,
            AUTOREPLY,
            original_message_id=_first_id(str(msg.get("In-Reply-To", ""))),
        )
    return BounceResult(False, NONE)


def _original_id(msg, parts, plain, own_id):
    found = _returned_id(parts.returned, own_id)
    if found:
        return found
    found = _first_id(str(msg.get("In-Reply-To", "")))
    if found and found != own_id:
        return found
    references = _MSGID.findall(str(msg.get("References", "")))
    if references and references[-1] != own_id:
        return references[-1]
    for match in _BODY_MSGID.finditer(plain):
        if match.group(1) != own_id:
            return match.group(1)
    return None


def _from_dsn(records, notice):
    failed = []
    delayed = []
    other = []
    for record in records:
        address, action, status, reply, evidence, shown = _dsn_recipient(record)
        if action is None and status:
            if status[0] == "5":
                action = "failed"
            elif status[0] == "4":
                has_delay = _DELAY_TEXT.search(notice) and not _PERMANENT_TEXT.search(
                    notice
                )
                action = "delayed" if has_delay else "failed"
        entry = (address, action, status, reply, evidence, shown)
        if action == "failed":
            failed.append(entry)
        elif action == "delayed":
            delayed.append(entry)
        elif action is not None:
            other.append(entry)
    if failed:
        kind, chosen = FAILURE, failed
    elif delayed:
        kind, chosen = DELAY, delayed
    elif other:
        return BounceResult(False, NONE)
    else:
        return None
    recipients = []
    seen = set()
    unattributed = None
    for address, action, status, reply, evidence, shown in chosen:
        failure = _recipient_from_evidence(
            address or "", action, status, reply, evidence, shown, notice
        )
        if not address:
            unattributed = unattributed or failure
            continue
        if address in seen:
            continue
        seen.add(address)
        recipients.append(failure)
    return BounceResult(
        is_bounce=kind == FAILURE,
        kind=kind,
        recipients=recipients,
        unattributed=None if recipients else unattributed,
    )


def _from_text(msg, subject, notice, failed_header, excluded):
    delay = bool(_DELAY_TEXT.search(notice) or _DELAY_TEXT.search(subject))
    kind = DELAY if delay and not _PERMANENT_TEXT.search(notice) else FAILURE
    action = "delayed" if kind == DELAY else "failed"

    addresses = []
    for value in failed_header:
        for piece in re.split(r"[,\s]+", str(value)):
            address = normalise_address(piece)
            if address and address not in addresses:
                addresses.append(address)
    occurrences = _recipient_occurrences(notice, excluded)
    if not addresses:
        strong = [o for o in occurrences if o[2]]
        for address, *_rest in strong or occurrences:
            if address not in addresses:
                addresses.append(address)
    if not addresses:
        addresses = _bare_names(msg, notice)

    blocks = _blocks(notice, [o for o in occurrences if o[0] in addresses and not o[3]])
    text_status, text_reply = _text_codes(notice)
    recipients = []
    fallback = (text_status, text_reply)
    for address in addresses:
        block = blocks.get(address, "")
        status, reply = _codes_in(block)
        shown = _strip_leading_address(block, address) if block else ""
        recipients.append(
            _recipient_from_evidence(
                address, action, status, reply, block, shown, notice, fallback
            )
        )
    unattributed = None
    if not recipients:
        unattributed = _recipient_from_evidence(
            "", action, None, None, "", "", notice, fallback
        )
    return BounceResult(
        is_bounce=kind == FAILURE,
        kind=kind,
        recipients=recipients,
        unattributed=unattributed,
    )


def _bare_names(msg, notice):
    """AOL-style recipients listed by mailbox name only, completed with the domain."""
    _name, sender = parseaddr(_header(msg, "From"))
    if "@" not in sender:
        return []
    domain = _site_domain(sender.rsplit("@", 1)[1])
    lines = notice.split("\n")
    names = []
    for index in range(1, len(lines)):
        previous = lines[index - 1].strip().lower()
        if not previous.endswith(":") or not re.search(r"recipient|address", previous):
            continue
        for line in lines[index:]:
            match = _BARE_NAME_LINE.match(line)
            if not match:
                break
            address = normalise_address(f"{match.group(1)}@{domain}")
            if address and address not in names:
                names.append(address)
    return names


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def cli_classify(args, stdout, stdin_bytes_stream):
    """``classify-bounce FILE... | -``: one JSON object per file and line.

    Returns 0, or 2 when a file could not be read (its line then carries an
    ``error`` instead of a classification).
    """
    exit_code = 0
    for path in args.files:
        try:
            if path == "-":
                raw = stdin_bytes_stream.read()
            else:
                with open(path, "rb") as handle:
                    raw = handle.read()
        except OSError as error:
            exit_code = 2
            reason = error.strerror or str(error)
            stdout.write(json.dumps({"file": path, "error": reason}) + "\n")
            continue
        stdout.write(json.dumps(classify_message(raw).to_dict(file=path)) + "\n")
    return exit_code
