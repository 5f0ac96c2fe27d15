"""From the evidence a parser found about one recipient to its verdict.

A parser hands over what it read (:class:`Record`); :func:`to_failure`
completes mute evidence with the readable notice (a DSN's ``Status: 5.0.0``
with the reason only in the text part), finds the SMTP stage, asks
:func:`.reasons.explain` and builds the :class:`~.model.RecipientFailure`.
"""

from dataclasses import dataclass

from .model import RecipientFailure
from .reasons import WEAK_PHRASES, explain, phrase_reason
from .stages import find_stage
from .text import (
    codes_in,
    is_generic_status,
    line_around,
    one_line,
    paragraphs_naming,
)


def paragraphs_about(text, address):
    """The paragraphs of *text* that name *address* (or "")."""
    return "\n\n".join(paragraphs_naming(text, address))


@dataclass
class Record:
    """What one parser read about one recipient (all optional)."""

    address: str = ""
    action: str | None = None
    status: str | None = None
    reply_code: str | None = None
    evidence: str = ""
    shown: str = ""
    original_recipient: str | None = None
    final_recipient: str | None = None
    remote_mta: str | None = None
    stage: str | None = None


def to_failure(record, context="", fallback_codes=(None, None), final=True):
    """The :class:`RecipientFailure` for *record*.

    *context* is the notice text, read when the record's own evidence names
    no reason and its status is missing or generic; *fallback_codes* (status,
    reply code found anywhere in the bounce) are used only then.
    """
    # pylint cannot see that the matchers' results are tuples when truthy.
    # pylint: disable=unsubscriptable-object
    status = record.status
    reply = record.reply_code
    evidence = record.evidence or ""
    shown = record.shown or ""
    hit = phrase_reason(evidence)
    if hit is not None and shown.count("\n") >= 3:
        shown = line_around(evidence, hit[1])
    context_line = ""
    weak = hit is None or hit[0] in WEAK_PHRASES
    generic = is_generic_status(status)
    # a specific status with no words at all (maddy's DSN gives no
    # Diagnostic-Code for its own errors, only "Delivery to <rcpt> failed
    # with error: ..." in the text): the recipient's own paragraph only
    mute = not generic and not evidence.strip()
    if weak and context and (generic or mute):
        # the paragraphs naming this recipient first, then the whole notice
        about = paragraphs_about(context, record.address)
        context_hit = phrase_reason(about) if about else None
        if context_hit is not None and context_hit[0] not in WEAK_PHRASES:
            context = about
        elif mute:
            context_hit = None
        else:
            context_hit = phrase_reason(context)
        if context_hit is not None and (
            hit is None or context_hit[0] not in WEAK_PHRASES
        ):
            hit = context_hit
        else:
            context_hit = None
        if context_hit is not None:
            context_line = line_around(context, context_hit[1])
            line_status, line_reply = codes_in(context_line)
            if line_status and (status is None or line_status[0] == status[0]):
                status = line_status
            reply = reply or line_reply
            evidence = f"{evidence} {context_line}".strip()
            shown = shown or context_line
            if not record.shown:
                shown = context_line
    status = status or fallback_codes[0]
    reply = reply or fallback_codes[1]
    stage = record.stage or find_stage(evidence) or find_stage(context_line)
    if context_line and hit is not None:
        hit = phrase_reason(evidence)  # positions changed: search the joined text
    verdict = explain(status, reply, evidence, stage, final=final, phrase=hit)
    return RecipientFailure(
        address=record.address,
        category=verdict.category,
        status=status,
        reply_code=reply,
        diagnostic=one_line(shown, reply, status),
        action=record.action,
        reason=verdict.code,
        scope=verdict.scope,
        stage=stage,
        original_recipient=record.original_recipient,
        final_recipient=record.final_recipient,
        remote_mta=record.remote_mta,
        blocklist=verdict.blocklist,
        tier=verdict.tier,
    )
