"""qmail's bounce notice (D. J. Bernstein, "qmail-send Bounce Message Format",
QSBMF, and the texts of ``qmail-send.c`` / ``qmail-remote.c`` of qmail 1.03,
kept by netqmail, vpopmail and qmail-ldap).

The notice opens with "Hi. This is the qmail-send program at <host>." and
lists each failed address as a paragraph starting with ``<address>:``; the
paragraph is qmail-remote's report, which names the refused SMTP command:
"Connected to <ip> but greeting failed." (connection), "... but my name was
rejected." (HELO), "... but sender was rejected." (MAIL FROM), "<ip> does not
like recipient." (RCPT TO), "<ip> failed on DATA command." / "<ip> failed
after I sent the message." (DATA); then "Remote host said: <reply>".  The
list ends at "--- Below this line is a copy of the message.".  qmail sends
no delay notices: every notice is a failure.
"""

import re

from ..model import FAILURE
from . import notice

NAME = "qmail"

_MARKER = re.compile(
    r"^[ \t]*Hi\.\s+This\s+is\s+the\s+qmail-send\s+program\b"
    r"|\bqmail-send\s+program\s+at\b",
    re.I | re.M,
)
_STOP = re.compile(r"^---\s+(?:Below\s+this\s+line|Enclosed\s+are)", re.I)


def parse(env):
    if env.parts.dsn or "qmail-send" not in env.head_lower:
        return None
    if not _MARKER.search(env.notice[:2000]):
        return None
    entries = notice.address_paragraphs(env.notice, stop=_STOP)
    return notice.result(env, NAME, entries, kind=FAILURE)
