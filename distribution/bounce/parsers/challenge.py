"""Challenge-response requests: an automatic reply that holds our message
until we prove we are a person (cPanel BoxTrapper, TMDA, Spam Arrest...).

The message was not delivered and will not be unless someone answers the
challenge: a failure, ``blocked`` with reason ``challenge_response`` (issue
#10's definitions).  Only automatic replies (RFC 3834 ``Auto-Submitted``,
``Precedence: auto_reply``, ``X-Autorespond``...) whose text asks the sender
to verify or confirm being a person are read; the request names no recipient
of ours (the address it protects is only in the returned headers), so the
failure is unattributed.
"""

from ..evidence import Record, to_failure
from ..model import FAILURE, BounceResult
from ..reasons import phrase_reason

NAME = "challenge"
_KEYS = ("verif", "confirm", "human", "challenge")


def parse(env):
    if env.parts.dsn or not env.is_autoreply():
        return None
    head = env.head_lower
    if not any(key in head for key in _KEYS):
        return None
    head = env.notice[:4000]
    hit = phrase_reason(head)
    if hit is None or hit[0] != "challenge_response":
        return None
    # the match is over the text with its addresses masked: its positions
    # are the text's own
    evidence = head[hit[1].start() : hit[1].end()]
    failure = to_failure(Record(action="failed", evidence=evidence, shown=evidence))
    return BounceResult(
        is_bounce=True,
        kind=FAILURE,
        original_message_id=env.original_id(),
        unattributed=failure,
        parser=NAME,
    )
