"""Shared by the parsers of mail servers' own notice texts.

Those parsers (:mod:`.qmail`, :mod:`.sendmail`, :mod:`.courier`,
:mod:`.opensmtpd`, :mod:`.gmail`, :mod:`.yahoo`, :mod:`.exchange`,
:mod:`.domino`) each know where their format puts the failed recipients and
the words about each; this module turns those entries into a
:class:`~..model.BounceResult`: codes read from the entry, the SMTP stage
from the entry (:func:`..stages.find_stage`) unless the format names it, the
reason from :func:`..reasons.explain`.  They only read messages without an
RFC 3464 part (the generic parser reads those first) and give up (None) when
their format has no recipient, so that the plain-text fallback still can.
"""

import re
from dataclasses import dataclass

from ..evidence import Record, to_failure
from ..model import DELAY, FAILURE, BounceResult
from ..stages import find_stage
from ..text import codes_in, normalise_address, text_codes


@dataclass
class Entry:
    """One failed recipient as a format lists it."""

    address: str
    evidence: str = ""
    original: str | None = None
    stage: str | None = None


# "<user@example.com>:" or "user@example.com:" opening a line (QSBMF, Yahoo,
# Courier, OpenSMTPD)
ADDRESS_LINE = re.compile(
    r"^[ \t]*<?((?:\"[^\"\n]{1,64}\"|[^\s<>\"():,;]+)@[^\s<>()\[\]:,;]+?)>?:[ \t]*(.*)$"
)


def address_paragraphs(text, stop=None):
    """[Entry] of the lines opening with an address and a colon, each with
    the following non-blank lines up to the next such line.  *stop* (a
    compiled regex) ends the list at a matching line."""
    entries = []
    current = None
    for line in text.split("\n"):
        if stop is not None and stop.match(line):
            break
        match = ADDRESS_LINE.match(line)
        if match:
            current = Entry(match.group(1), match.group(2).strip())
            entries.append(current)
        elif current is not None and line.strip():
            current.evidence = f"{current.evidence}\n{line.strip()}".strip()
        else:
            current = None
    return entries


# The address alternative starts a run only (quadratic on a long word
# without "@" otherwise); the same "@" is reached from the run's start.
_ADDRESS_ONLY = re.compile(r"(?<![^\s<>@])[^\s<>@]+@[^\s<>]+|[\s<>:;,()*\-]+")


def _only_addresses(evidence):
    """Whether *evidence* holds addresses and punctuation only."""
    return bool(evidence) and not _ADDRESS_ONLY.sub("", evidence)


def kind_of(env, delay=None):
    """FAILURE or DELAY: *delay* when the format says, else the notice's words."""
    if delay is None:
        delay = env.delay_text() and not env.permanent_text()
    return DELAY if delay else FAILURE


def result(env, name, entries, kind=None):
    """The :class:`BounceResult` for *entries*, or None when none names a
    valid address."""
    kind = kind or kind_of(env)
    action = "delayed" if kind == DELAY else "failed"
    fallback = None
    recipients = []
    seen = set()
    for entry in entries:
        final = normalise_address(entry.address)
        original = normalise_address(entry.original) if entry.original else None
        address = original or final
        if not address or address in seen:
            continue
        seen.add(address)
        evidence = entry.evidence.strip()
        if _only_addresses(evidence):
            # the recipient's own line repeated ("Delivery to the following
            # recipients failed permanently: / <address>"): no words about it
            evidence = ""
        status, reply = codes_in(evidence)
        context = ""
        codes = (None, None)
        if not evidence:
            # the format names the recipient but says nothing about it
            context = env.notice
            if fallback is None:
                fallback = text_codes(env.notice)
            codes = fallback
        record = Record(
            address=address,
            action=action,
            status=status,
            reply_code=reply,
            evidence=evidence,
            shown=evidence,
            original_recipient=address,
            final_recipient=final if final != address else None,
            stage=entry.stage or find_stage(evidence),
        )
        recipients.append(to_failure(record, context, codes, final=kind == FAILURE))
    if not recipients:
        return None
    return BounceResult(
        is_bounce=kind == FAILURE, kind=kind, recipients=recipients, parser=name
    )
