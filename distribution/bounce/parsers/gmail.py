"""Gmail's own notice text (mailer-daemon@googlemail.com), when it carries no
delivery-status part.

Two generations of texts:

* until 2015: "Delivery to the following recipient(s) failed permanently:"
  (or "... has been delayed:"), the addresses indented below, then
  "Technical details of permanent failure:" with "Google tried to deliver
  your message, but it was rejected by the server for the recipient domain
  ..." and "The error that the other server returned was: <reply>";
* since: a heading ("Address not found", "Message not delivered", "Message
  blocked", "Delivery incomplete"...), "Your message wasn't delivered to
  <address> because ...", "There was a (temporary) problem delivering your
  message to <address>", and "The response from the remote server was:
  <reply>".  "Delivery incomplete" / "Gmail will retry" is a delay.
"""

import re

from ..model import DELAY, FAILURE
from ..text import ADDRESS_SCAN, paragraphs_naming
from . import notice

NAME = "gmail"
_KEYS = (
    "google tried",
    "response",
    "error that the other",
    "gmail will retry",
    "delivery to the following",
)

_OLD = re.compile(
    r"Delivery\s+to\s+the\s+following\s+recipients?\s+(?:failed\s+permanently|has\s+been"
    r"\s+delayed|was\s+delayed|failed\s+temporarily):[ \t]*$",
    re.I | re.M,
)
_NEW = re.compile(
    r"\b(?:wasn't|was\s+not|couldn't\s+be|could\s+not\s+be)\s+delivered\s+to\s+"
    r"|\bproblem\s+delivering\s+your\s+message\s+to\s+|\bmessage\s+to\s+(?=\S+@\S+\s+"
    r"(?:couldn't|could\s+not|has\s+been|was))",
    re.I,
)
_MARKER = re.compile(
    r"\bGoogle\s+tried\s+to\s+deliver\s+your\s+message\b|\bThe\s+response\s+from\s+the\s+"
    r"remote\s+server\s+was:|\bThe\s+error\s+that\s+the\s+other\s+server\s+returned\s+was:"
    r"|\bGmail\s+will\s+retry\b|" + _OLD.pattern,
    re.I | re.M,
)
_DELAY = re.compile(
    r"\bhas\s+been\s+delayed\b|\bwas\s+delayed\b|\bfailed\s+temporarily\b"
    r"|\bGmail\s+will\s+retry\b|\bDelivery\s+incomplete\b|\btemporary\s+problem\s+delivering\b",
    re.I,
)
_TECHNICAL = re.compile(
    r"(?:Technical\s+details\s+of\s+(?:permanent|temporary)\s+failure:"
    r"|The\s+response\s+(?:from\s+the\s+remote\s+server\s+)?was:"
    r"|The\s+error\s+that\s+the\s+other\s+server\s+returned\s+was:)",
    re.I,
)


def _old_addresses(text, match):
    found = []
    for line in text[match.end() :].split("\n")[1:]:
        if not line.strip():
            if found:
                break
            continue
        address = ADDRESS_SCAN.search(line)
        if not address:
            break
        found.append(address.group(0))
    return found


def parse(env):
    text = env.notice
    head = env.head_lower
    if env.parts.dsn or not any(k in head for k in _KEYS):
        return None
    if not _MARKER.search(text[:4000]):
        return None
    old = _OLD.search(text)
    if old:
        addresses = _old_addresses(text, old)
    else:
        addresses = []
        for match in _NEW.finditer(text[:4000]):
            address = ADDRESS_SCAN.match(text, match.end())
            if address and address.group(0) not in addresses:
                addresses.append(address.group(0))
    if not addresses:
        return None
    technical = _TECHNICAL.search(text)
    details = text[technical.start() :] if technical else ""
    # the words about each address: its own sentence, then the technical part
    entries = []
    for address in addresses:
        own = "\n".join(
            paragraph.strip()
            for paragraph in paragraphs_naming(
                text[: technical.start()] if technical else text, address
            )
            if len(paragraph) < 1000
        )
        entries.append(notice.Entry(address, f"{own}\n{details}".strip()))
    kind = DELAY if _DELAY.search(text[:4000]) else FAILURE
    return notice.result(env, NAME, entries, kind=kind)
