"""OpenSMTPD's notice text (``usr.sbin/smtpd/bounce.c``): "This is the
MAILER-DAEMON, please DO NOT REPLY to this e-mail.", then "An error has
occurred while attempting to deliver a message for the following list of
recipients:" (later versions: "Delivery to the following recipients
failed.") or, in a warning, "A message is delayed for more than ... for the
following list of recipients:"; one ``address: reason`` line per recipient.
A report of delivered or relayed recipients ("Your message was successfully
delivered to these recipients.") is not a failure.
"""

import re

from ..model import DELAY, FAILURE, NONE, BounceResult
from . import notice

NAME = "opensmtpd"

_MARKER = re.compile(
    r"\bThis\s+is\s+the\s+MAILER-DAEMON,\s+please\s+DO\s+NOT\s+REPLY"
    r"|\bfollowing\s+list\s+of\s+recipients:|\bDelivery\s+to\s+the\s+following\s+recipients"
    r"\s+(?:failed|was\s+delayed)\.",
    re.I,
)
_START = re.compile(
    r"following\s+list\s+of\s+recipients:|following\s+recipients\s+(?:failed|was\s+delayed)\.",
    re.I,
)
_DELAYED = re.compile(
    r"\bis\s+delayed\s+for\s+more\s+than\b|\bwas\s+delayed\.|\btemporary\s+failure\s+report\b",
    re.I,
)
# bounce.c notice_success / notice_relay: a report of delivered recipients
_DELIVERED = re.compile(
    r"\bYour\s+message\s+was\s+(?:successfully\s+delivered|relayed)\s+to\s+these"
    r"\s+recipients\b",
    re.I,
)
_STOP = re.compile(r"^\s*(?:Below\s+is\s+a\s+copy|-{3,})", re.I)


def parse(env):
    text = env.notice
    head = env.head_lower
    if env.parts.dsn or ("recipients" not in head and "mailer-daemon" not in head):
        return None
    if not _MARKER.search(text[:3000]):
        return None
    if _DELIVERED.search(text[:3000]):
        return BounceResult(False, NONE, parser=NAME)
    start = _START.search(text)
    if not start:
        return None
    entries = notice.address_paragraphs(text[start.end() :], stop=_STOP)
    kind = DELAY if _DELAYED.search(text) else FAILURE
    return notice.result(env, NAME, entries, kind=kind)
