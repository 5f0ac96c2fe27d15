"""Message disposition notifications (RFC 8098): read receipts are not
failures; a Sieve/Dovecot rejection (``Disposition: ...; deleted``, RFC 5429)
is a failure of the recipient that refused it.  Dovecot's rejection
(``mail_send_rejection``) also marks itself ``Auto-Submitted: auto-replied
(rejected)``: that mark decides when the disposition part is empty."""

import re

from ..envelope import first_id, mdn_rejected
from ..evidence import Record, to_failure
from ..model import AUTOREPLY, FAILURE, BounceResult
from ..reasons import REASONS
from ..text import normalise_address
from .rfc3464 import parse_fields

NAME = "mdn"
_REJECTED_MARK = re.compile(r"\(\s*rejected\s*\)", re.I)


def parse(env):
    if not (env.parts.mdn or env.report_type == "disposition-notification"):
        return None
    fields = {}
    for text in env.parts.mdn:
        for record in parse_fields(text):
            fields.update(record)
    original_id = first_id(fields.get("original-message-id")) or env.original_id()
    disposition = fields.get("disposition", "")
    rejected = mdn_rejected(disposition) or (
        not disposition.strip()
        and _REJECTED_MARK.search(str(env.msg.get("Auto-Submitted", "")))
    )
    if not rejected:
        return BounceResult(
            False, AUTOREPLY, original_message_id=original_id, parser=NAME
        )
    original = normalise_address(fields.get("original-recipient"))
    final = normalise_address(fields.get("final-recipient"))
    address = original or final or ""
    record = Record(
        address=address,
        action="failed",
        original_recipient=original,
        final_recipient=final,
    )
    failure = to_failure(record, env.notice)
    if failure.reason == "undetermined":
        # the recipient's own filter refused the message (the tier stays:
        # the table found no reason, the format gives this one)
        failure.decided_by(REASONS["recipient_refuses"], tier=failure.tier)
    return BounceResult(
        is_bounce=True,
        kind=FAILURE,
        recipients=[failure] if address else [],
        original_message_id=original_id,
        unattributed=None if address else failure,
        parser=NAME,
    )
