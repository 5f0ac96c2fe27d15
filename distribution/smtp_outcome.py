"""Turn what the SMTP relay answered into a delivery outcome.

A relay refusing a recipient at RCPT/DATA time is the same evidence as a
bounce that comes back later, so the categories and remedies are those of
:mod:`.bounces`: 5xx with 5.7.x or a policy/spam text is *blocked*, other 5xx
*hard*, 4xx and connection errors *soft* (retried).
"""

import re
import smtplib
from dataclasses import dataclass

from .bounces import classify_status, remedy
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


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value or "")


def classify_smtp_reply(code, text):
    """Classify one refusal: *code* the reply code (int/str) or None, *text*
    the reply text, or an exception (connection errors are soft)."""
    if isinstance(text, BaseException):
        exc = text
        if isinstance(exc, smtplib.SMTPResponseException):
            code, text = exc.smtp_code, exc.smtp_error
        elif isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
            code, text = next(iter(exc.recipients.values()))
        elif isinstance(exc, OSError | smtplib.SMTPException):
            message = f"{type(exc).__name__}: {exc}"
            return SmtpOutcome(
                "soft_bounce", "soft", message, None, None, remedy("soft", None, None)
            )
        else:
            code, text = None, f"{type(exc).__name__}: {exc}"
    reply_code = str(code) if code else None
    text = " ".join(_text(text).split())
    match = _ENHANCED.search(text)
    status = match.group(1) if match else None
    category = classify_status(status, reply_code, text)
    if category not in STATE_BY_CATEGORY:
        category = "soft" if (reply_code or "").startswith("4") else "hard"
    message = f"{reply_code} {text}".strip() if reply_code else text
    return SmtpOutcome(
        STATE_BY_CATEGORY[category],
        category,
        message,
        status,
        reply_code,
        remedy(category, status, reply_code),
    )
