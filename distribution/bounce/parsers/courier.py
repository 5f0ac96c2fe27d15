"""The Courier mail server's notice text (``courier/module.dsn``): "This is a
delivery status notification from <host>, running the Courier mail server",
then "UNDELIVERABLE MAIL" (or "DELAYED MAIL") and "Your message to the
following recipients cannot be delivered:", one ``<address>:`` paragraph per
recipient holding the remote server's name and the SMTP dialogue
(``>>> RCPT TO:<address>`` / ``<<< 550 5.1.1 ...``): the command before the
reply is the SMTP stage.  Current versions (svarshavchik/courier,
module.dsn/dsndelayed.txt) head a delay "DELAYS IN DELIVERING YOUR MESSAGE";
a notice of return receipts only ("MESSAGE DELIVERED SUCCESSFULLY",
dsndelivered.txt) is not a failure.
"""

import re

from ..model import DELAY, FAILURE, NONE, BounceResult
from . import notice

NAME = "courier"

_MARKER = re.compile(
    r"\brunning\s+the\s+Courier\s+mail\s+server\b"
    r"|^[ \t]*(?:UNDELIVERABLE|DELAYED)\s+MAIL\s*$",
    re.I | re.M,
)
# module.dsn/dsndelayed.txt of current versions: "DELAYS IN DELIVERING YOUR
# MESSAGE ... This is an advisory notice for the following addresses only:"
_DELAYED = re.compile(
    r"^[ \t]*DELAYED\s+MAIL\s*$|\bhas\s+not\s+yet\s+been\s+delivered\b"
    r"|^[ \t]*DELAYS\s+IN\s+DELIVERING\s+YOUR\s+MESSAGE\s*$",
    re.M,
)
# dsndelivered.txt / dsnrelayed.txt: return receipts, not failures
_DELIVERED = re.compile(
    r"^[ \t]*MESSAGE\s+DELIVERED\s+(?:SUCCESSFULLY|TO\s+A\s+MAIL\s+GATEWAY)\s*$", re.M
)
_FAILED = re.compile(r"^[ \t]*UNDELIVERABLE\s+MAIL\s*$", re.M)
_STOP = re.compile(r"^-{10,}\s*$")


def _entries(text):
    entries = []
    current = None
    for line in text.split("\n"):
        match = notice.ADDRESS_LINE.match(line)
        if match and not line.lstrip().startswith((">>>", "<<<")):
            current = notice.Entry(match.group(1), match.group(2).strip())
            entries.append(current)
        elif current is not None and _STOP.match(line):
            current = None
        elif current is not None and line.strip():
            current.evidence = f"{current.evidence}\n{line.strip()}".strip()
    return entries


def parse(env):
    text = env.notice
    head = env.head_lower
    if env.parts.dsn or ("courier" not in head and " mail" not in head):
        return None
    if not _MARKER.search(text[:3000]):
        return None
    delayed = bool(_DELAYED.search(text))
    if not delayed and not _FAILED.search(text) and _DELIVERED.search(text):
        return BounceResult(False, NONE, parser=NAME)
    start = re.search(
        r"following\s+recipients?\s+(?:cannot|could\s+not|has\s+not)"
        r"|\badvisory\s+notice\s+for\s+the\s+following\s+addresses\b",
        text,
        re.I,
    )
    entries = _entries(text[start.end() :] if start else text)
    kind = DELAY if delayed else FAILURE
    return notice.result(env, NAME, entries, kind=kind)
