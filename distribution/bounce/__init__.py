"""Parse bounce e-mails and say, per failed recipient, why and what to do.

The pipeline (issue #10):

``envelope``
    raw bytes to MIME parts, bounded (size, nesting depth), with defect
    recovery, never raising (:mod:`.envelope`);
``parsers``
    a registry of small per-format parsers (:mod:`.parsers`: Amazon SES JSON,
    ARF feedback reports, Exim texts, RFC 3464 DSNs, disposition
    notifications, Postfix notice text, the notice texts of other MTAs,
    mailing-list managers, challenge-response requests, plain-text
    fallback), each emitting
    per-recipient records: original and final recipient, action, status,
    reply code, SMTP stage, diagnostic, remote MTA;
``reasons``
    one ordered, data-driven table (:mod:`.reasons`: vendor rules, enhanced
    status codes, scoped phrase families, SMTP stage, class) giving a reason
    code, its category (hard / soft / blocked) and its scope (recipient /
    sender / message);
``remedies``
    one translatable advice per reason (:mod:`.remedies`).

Categories: *hard* the address is bad; *soft* temporary (a *delay* DSN is
soft with kind ``delay``); *blocked* the receiver refused us or our message;
*none* not a failure (auto-replies, delivered DSNs, feedback reports).
"""

from .envelope import Envelope, first_id
from .model import (
    AUTOREPLY,
    BLOCKED,
    CATEGORIES,
    DELAY,
    FAILURE,
    HARD,
    KINDS,
    NONE,
    SOFT,
    BounceResult,
    RecipientFailure,
)
from .parsers import PARSERS
from .reasons import (
    MESSAGE,
    REASONS,
    RECIPIENT,
    SCOPES,
    SENDER,
    classify_status,
    explain,
)
from .remedies import remedy, remedy_for
from .stages import STAGES
from .text import normalise_address


def classify_message(raw):
    """Classify one e-mail (bytes, str or :class:`email.message.Message`).

    Never raises: what cannot be read is treated as absent, and a message
    no parser can read is ``kind="none"``.
    """
    try:
        return _classify(raw)
    except Exception:  # last resort: malformed mail must not break the gateway
        return BounceResult(False, NONE)


def _classify(raw):
    env = Envelope(raw)
    if env.worm_imitation() or env.postmaster_copy() or env.person_passing_on():
        return BounceResult(False, NONE)
    for parser in PARSERS:
        try:
            result = parser.parse(env)
        except Exception:  # this parser could not read it; the next may
            result = None
        if result is None:
            continue
        if result.original_message_id is None and (
            result.kind != NONE or parser.NAME == "rfc3464"
        ):
            result.original_message_id = env.original_id()
        return result
    if env.is_autoreply():
        return BounceResult(
            False,
            AUTOREPLY,
            original_message_id=first_id(str(env.msg.get("In-Reply-To", ""))),
        )
    return BounceResult(False, NONE)


__all__ = [
    "AUTOREPLY",
    "BLOCKED",
    "CATEGORIES",
    "DELAY",
    "FAILURE",
    "HARD",
    "KINDS",
    "MESSAGE",
    "NONE",
    "REASONS",
    "RECIPIENT",
    "SCOPES",
    "SENDER",
    "SOFT",
    "STAGES",
    "BounceResult",
    "RecipientFailure",
    "classify_message",
    "classify_status",
    "explain",
    "normalise_address",
    "remedy",
    "remedy_for",
]
