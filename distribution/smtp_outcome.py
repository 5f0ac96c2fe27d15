"""Turn what the SMTP relay answered into a delivery outcome.

A relay refusing a recipient at RCPT/DATA time is the same evidence as a
bounce that comes back later, so the categories and remedies are those of
:mod:`.bounce` (the same reasons table, with the SMTP stage known here):
a refusal of our sender, server or message is *blocked*, of the address
*hard*, 4xx and connection errors *soft* (retried).
"""

import re
import smtplib
from dataclasses import dataclass

from .bounce.stages import CONNECT, DATA, HELO, MAIL, RCPT
from .bounces import explain, remedy
from .i18n import CoreMessage

STATE_BY_CATEGORY = {"hard": "hard_bounce", "soft": "soft_bounce", "blocked": "blocked"}
_ENHANCED = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")


@dataclass(frozen=True)
class SmtpOutcome:
    state: str  # hard_bounce | soft_bounce | blocked
    category: str
    message: str
    status: str | None
    reply_code: str | None
    remedy: CoreMessage
    reason: str = "undetermined"
    scope: str = "recipient"


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value or "")


_STAGE_OF_ERROR = (
    (smtplib.SMTPSenderRefused, MAIL),
    (smtplib.SMTPDataError, DATA),
    (smtplib.SMTPHeloError, HELO),
    (smtplib.SMTPConnectError, CONNECT),
)


def classify_smtp_reply(code, text, stage=RCPT):
    """Classify one refusal: *code* the reply code (int/str) or None, *text*
    the reply text, or an exception (connection errors are soft).

    *stage* is the SMTP command refused: RCPT for the per-recipient refusals
    smtplib reports; for an exception it follows its type (sender refused:
    MAIL, data error: DATA...), which tells a refusal of us from a refusal
    of the address (:mod:`.bounce.reasons`).
    """
    if isinstance(text, BaseException):
        exc = text
        stage = next(
            (name for kind, name in _STAGE_OF_ERROR if isinstance(exc, kind)), None
        )
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            stage = RCPT
        if isinstance(exc, smtplib.SMTPResponseException):
            code, text = exc.smtp_code, exc.smtp_error
        elif isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
            code, text = next(iter(exc.recipients.values()))
        elif isinstance(exc, OSError | smtplib.SMTPException):
            message = f"{type(exc).__name__}: {exc}"
            return SmtpOutcome(
                "soft_bounce",
                "soft",
                message,
                None,
                None,
                remedy("soft", None, None),
                "server_trouble",
            )
        else:
            code, text = None, f"{type(exc).__name__}: {exc}"
    reply_code = str(code) if code else None
    text = " ".join(_text(text).split())
    match = _ENHANCED.search(text)
    status = match.group(1) if match else None
    # A 4xx at sending time is a temporary refusal that we retry, not a
    # final failure: "421 Service shutting down" at MAIL is server trouble,
    # not a block of our sender.
    temporary = (reply_code or "").startswith("4") or (status or "").startswith("4")
    verdict = explain(status, reply_code, text, stage, final=not temporary)
    category = verdict.category
    message = f"{reply_code} {text}".strip() if reply_code else text
    return SmtpOutcome(
        STATE_BY_CATEGORY[category],
        category,
        message,
        status,
        reply_code,
        remedy(category, status, reply_code, text),
        verdict.code,
        verdict.scope,
    )
