"""Postal's bounce of a message to one of its routes
(postalserver/postal, ``app/models/bounce_message.rb``).

Postal sends it when a route is set to Bounce or Reject, or its endpoint
failed for good (``message_dequeuer/incoming_message_processor.rb``): From
"Mail Delivery Service <route address>" -- the address we wrote to, which
is why the plain-text parser, which never takes the bounce's own header
addresses, cannot read it -- and the text "This is the mail delivery service
responsible for delivering mail to <route>. / The message you've sent
cannot be delivered...", then "Mail from: <sender>" and "Rcpt To:
<recipient>".  It gives no reason.
"""

import re

from ..model import FAILURE
from . import notice

NAME = "postal"

_MARKER = re.compile(
    r"\bThis\s+is\s+the\s+mail\s+delivery\s+service\s+responsible\s+for\s+delivering"
    r"\s+mail\s+to\b",
    re.I,
)
_RCPT_TO = re.compile(r"^[ \t]*Rcpt\s+To:\s*<?([^\s<>]+@[^\s<>]+?)>?\s*$", re.I | re.M)


def parse(env):
    text = env.notice
    if env.parts.dsn or "mail delivery" not in env.head_lower:
        return None
    if not _MARKER.search(text[:2000]):
        return None
    entries = [notice.Entry(match.group(1)) for match in _RCPT_TO.finditer(text)]
    return notice.result(env, NAME, entries, kind=FAILURE)
