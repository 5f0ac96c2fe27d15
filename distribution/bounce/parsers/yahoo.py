"""Yahoo Mail's own bounce notice (its outbound servers, a qmail descendant).

"Sorry, we were unable to deliver your message to the following address."
then ``<address>:`` and the remote server's words ("Remote host said: 550
5.1.1 ... [RCPT_TO]"); the bracketed tag names the refused SMTP command
(``[MAIL_FROM]``, ``[RCPT_TO]``, ``[DATA]``/``[BODY]``, ``[HELO]``/``[EHLO]``,
``[CONNECT]``).  "Message will be retried for N more day(s)" makes it a
delay.  The list ends at "--- Below this line is a copy of the message.".
"""

import re

from ..model import DELAY, FAILURE
from ..stages import CONNECT, DATA, HELO, MAIL, RCPT
from . import notice

NAME = "yahoo"

_MARKER = re.compile(
    r"\bSorry,\s+we\s+were\s+unable\s+to\s+deliver\s+your\s+message\s+to\s+the\s+following"
    r"\s+address",
    re.I,
)
_STOP = re.compile(r"^---\s+Below\s+this\s+line", re.I)
_RETRY = re.compile(r"\bwill\s+be\s+retried\s+for\b", re.I)
_TAG = re.compile(r"\[(RCPT_TO|MAIL_FROM|DATA|BODY|HELO|EHLO|CONNECT)\]")
_TAGS = {
    "RCPT_TO": RCPT,
    "MAIL_FROM": MAIL,
    "DATA": DATA,
    "BODY": DATA,
    "HELO": HELO,
    "EHLO": HELO,
    "CONNECT": CONNECT,
}


def parse(env):
    if env.parts.dsn or "unable to deliver your message" not in env.head_lower:
        return None
    if not _MARKER.search(env.notice[:3000]):
        return None
    entries = notice.address_paragraphs(env.notice, stop=_STOP)
    for entry in entries:
        tags = _TAG.findall(entry.evidence)
        if tags:
            entry.stage = _TAGS[tags[-1]]
    kind = DELAY if _RETRY.search(env.notice) else FAILURE
    return notice.result(env, NAME, entries, kind=kind)
