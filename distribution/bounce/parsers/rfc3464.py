"""RFC 3464 delivery status notifications (and RFC 6533 global ones).

The generic parser of every ``message/delivery-status`` part, whichever
mail server wrote it (Postfix, Exim, Sendmail, Exchange, Gmail, Courier,
OpenSMTPD, Domino...).  Per-recipient fields: ``Original-Recipient`` (the
address we sent to) and ``Final-Recipient``, ``Action``, ``Status``,
``Diagnostic-Code``, ``Remote-MTA``, plus the vendor extensions that carry
the reason: ``X-Exim-Diagnostic``, ``X400-Supplementary-Info``
(Exchange/Domino), ``X-Supplementary-Info``.  Non-standard ``Action`` values
seen in the wild ("failure", "error", "bounced", "deferred"...) are mapped
to the RFC's.
"""

import re

from ..evidence import Record, to_failure
from ..model import DELAY, FAILURE, NONE, BounceResult
from ..stages import find_stage
from ..text import (
    STATUS_RE,
    codes_in,
    is_generic_status,
    normalise_address,
    normalise_status,
    paragraphs_naming,
    unwrap,
)

NAME = "rfc3464"

_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")
# the characters of an address (RFC 5322 atext, the dot and the at-sign)
_ADDRESS_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~.@")
RECIPIENT_FIELDS = ("final-recipient", "original-recipient", "x-actual-recipient")
_DIAGNOSTIC_TYPE = re.compile(r"^\s*[A-Za-z][\w-]*\s*;\s*")
_ACTION_ALIASES = {
    "failure": "failed",
    "error": "failed",
    "fail": "failed",
    "bounced": "failed",
    "bounce": "failed",
    "rejected": "failed",
    "undeliverable": "failed",
    "permanent": "failed",
    "delay": "delayed",
    "deferred": "delayed",
    "retrying": "delayed",
    "transient": "delayed",
    "warning": "delayed",
}
_EXTRA_EVIDENCE = ("x-exim-diagnostic", "x-supplementary-info", "x-postfix-diagnostic")


def parse_fields(text):
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
        if key in RECIPIENT_FIELDS and key in current:
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


def _strip_type(value):
    return _DIAGNOSTIC_TYPE.sub("", value or "", count=1).strip()


def read_record(fields):
    """A :class:`Record` from the fields of one recipient block."""
    original = normalise_address(fields.get("original-recipient"))
    final = normalise_address(fields.get("final-recipient")) or normalise_address(
        fields.get("x-actual-recipient")
    )
    action_field = fields.get("action", "")
    words = action_field.split()
    action = words[0].lower().strip("();,.") if words else None
    action = _ACTION_ALIASES.get(action, action)
    action_comment = action_field[len(words[0]) :] if words else ""

    status_field = fields.get("status", "")
    status = normalise_status(status_field)
    status_comment = ""
    reply = None
    if status:
        status_comment = STATUS_RE.sub("", status_field, count=1)
    elif status_field:
        match = re.match(r"\s*([245]\d\d)\b(.*)", status_field)
        if match:
            reply = match.group(1) if match.group(1)[0] != "2" else None
            status_comment = match.group(2)
        else:
            status_comment = status_field

    diagnostic = _strip_type(fields.get("diagnostic-code", ""))
    supplementary = " ".join(
        _strip_type(value)
        for key, value in fields.items()
        if key.endswith("supplementary-info") or key in _EXTRA_EVIDENCE
    )
    evidence = " ".join(
        unwrap(piece)
        for piece in (diagnostic, supplementary, status_comment, action_comment)
        if piece and unwrap(piece)
    )
    found_status, found_reply = codes_in(evidence)
    if found_status and (
        status is None or (is_generic_status(status) and found_status[0] == status[0])
    ):
        status = found_status
    reply = reply or found_reply
    if (
        status
        and reply
        and status[2] == "5"
        and status.replace(".", "") == reply
        and (found_status or "") != status
    ):
        # a reply code written as a status: Stalwart (crates/smtp/src/queue/
        # dsn.rs, write_dsn_status) makes "5.5.3" of a "553" reply that has
        # no enhanced code, which is not RFC 3463's X.5.3 (too many
        # recipients); the words decide, as under a generic status
        status = (
            found_status
            if found_status and found_status[0] == status[0]
            else f"{status[0]}.0.0"
        )
    shown = unwrap(
        diagnostic or supplementary or unwrap(status_comment) or action_comment
    )
    remote = _strip_type(fields.get("remote-mta", "")) or None
    return Record(
        address=original or final or "",
        action=action,
        status=status,
        reply_code=reply,
        evidence=evidence,
        shown=shown,
        original_recipient=original,
        final_recipient=final,
        remote_mta=remote,
    )


def _names(text, address):
    """Whether *text* names *address* whole ("al@x" is not in "sal@x.org")."""
    start = text.find(address)
    while start != -1:
        end = start + len(address)
        before = text[start - 1] if start else ""
        after = text[end : end + 1]
        if after == ".":
            # a full stop ends the sentence unless the domain goes on
            after = text[end + 1 : end + 2]
        if before not in _ADDRESS_CHARS and after not in _ADDRESS_CHARS:
            return True
        start = text.find(address, start + 1)
    return False


def _forwarded_from(env, record):
    """A forward target's failure, reported without ``Original-Recipient``:
    the address we wrote to is the one the notice names that the returned
    message was addressed to.

    Sendmail, for one, lists the address as it was given to it ("<a@x>",
    savemail.c) while its DSN's ``Final-Recipient`` is where an alias or a
    ``.forward`` sent it (``b@y``).  Only when the final address is not among
    the returned message's own recipients and exactly one of those is named
    in the notice.
    """
    final = record.final_recipient
    if record.original_recipient or not final:
        return
    written_to = env.returned_recipients()
    if not written_to or final in written_to:
        return
    notice = env.notice.lower()
    named = [address for address in written_to if _names(notice, address)]
    address = normalise_address(named[0]) if len(named) == 1 else None
    if address:
        record.address = record.original_recipient = address


def parse(env):
    records = []
    for text in env.parts.dsn:
        records.extend(
            fields
            for fields in parse_fields(text)
            if any(key in fields for key in RECIPIENT_FIELDS)
        )
    if not records:
        return None
    notice = env.notice
    failed, delayed, other = [], [], []
    for fields in records:
        record = read_record(fields)
        if record.action is None and record.status:
            if record.status[0] == "5":
                record.action = "failed"
            elif record.status[0] == "4":
                delay = env.delay_text() and not env.permanent_text()
                record.action = "delayed" if delay else "failed"
        if record.action == "failed":
            failed.append(record)
        elif record.action == "delayed":
            delayed.append(record)
        elif record.action is not None:
            other.append(record)
    if failed:
        kind, chosen = FAILURE, failed
    elif delayed:
        kind, chosen = DELAY, delayed
    elif other:
        return BounceResult(False, NONE, parser=NAME)
    else:
        return None
    if len(chosen) == 1:
        _forwarded_from(env, chosen[0])
    recipients = []
    seen = set()
    unattributed = None
    for record in chosen:
        if not record.stage:
            about = next(iter(paragraphs_naming(notice, record.address)), "")
            record.stage = find_stage(record.evidence) or find_stage(about)
            if not record.stage and len(chosen) == 1:
                record.stage = find_stage(notice)
        failure = to_failure(record, notice, final=kind == FAILURE)
        if not record.address:
            unattributed = unattributed or failure
            continue
        if record.address in seen:
            continue
        seen.add(record.address)
        recipients.append(failure)
    return BounceResult(
        is_bounce=kind == FAILURE,
        kind=kind,
        recipients=recipients,
        unattributed=None if recipients else unattributed,
        parser=NAME,
    )
