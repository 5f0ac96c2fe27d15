"""Postfix's own notice text, read when no delivery-status part is there.

Postfix's bounce(8) daemon writes the notice of bounce(5) ("This is the mail
system at host ...", then "The mail system" and one paragraph per
recipient) and, for each recipient, the line of ``bounce_notify_util.c``::

    <final@example.com> (expanded from <sent@example.com>): host
        mx.example.com[192.0.2.1] said: 550 5.1.1 <final@example.com>: User
        unknown (in reply to RCPT TO command)

The recipient stands at the start of the line; the reason follows, folded
onto lines indented by four spaces (which can themselves begin with an
address: the remote server's words, not a recipient).  The address we sent
to is the one "expanded from" names.  A notice that says "THIS IS A WARNING
ONLY" (the ``delay`` template) is a delay.  When the message also carries
the RFC 3464 part, the generic parser reads that one first.
"""

import re

from ..evidence import Record, to_failure
from ..model import DELAY, FAILURE, NONE, BounceResult
from ..text import codes_in, normalise_address

NAME = "postfix"

_MARKER = re.compile(
    r"^[ \t]*this\s+is\s+the\s+(?:mail\s+system\s+at\s+host\b"
    r"|(?:[\w ]+ )?postfix\b[^\n]*program)",
    re.I | re.M,
)
_RECIPIENT = re.compile(
    r"^<((?:\"[^\"\n]{1,64}\"|[^\s<>\"]+)@[^\s<>]+)>"
    r"(?:\s+\(expanded\s+from\s+<([^<>\s]+)>\))?:(.*)$"
)
# the success_template of bounce(5) ("Successful Mail Delivery Report",
# postfix/src/bounce/template_test.ref): the recipients listed were delivered
_SUCCESS = re.compile(
    r"^[ \t]*Your\s+message\s+was\s+successfully\s+delivered\s+to\s+the\s+destination",
    re.I | re.M,
)
_REMOTE = re.compile(r"\bhost\s+([\w.-]+\.[a-z]{2,})\[", re.I)


def _paragraphs(notice):
    """[(final address, original address or None, reason text)]."""
    found = []
    open_paragraph = False
    for line in notice.split("\n"):
        match = _RECIPIENT.match(line)
        if match and open_paragraph:
            # bounce(8) starts each recipient after a blank line
            # (bounce_notify_util.c, bounce_recipient_log): an address at the
            # start of a line inside a paragraph is the remote reply quoting
            # one, on a continuation line that lost its indent
            match = None
        if match:
            found.append((match.group(1), match.group(2), [match.group(3).strip()]))
            open_paragraph = True
        elif open_paragraph and line.strip():
            # bounce(8) indents the reply's continuation lines; a relay or
            # an archive that re-wrapped or stripped them still leaves the
            # paragraph whole up to its blank line
            found[-1][2].append(line.strip())
        else:
            open_paragraph = False
    return [
        (final, original, " ".join(part for part in text if part))
        for final, original, text in found
    ]


def parse(env):
    notice = env.notice
    if env.parts.dsn or not _MARKER.search(notice):
        return None
    paragraphs = _paragraphs(notice)
    if not paragraphs:
        return None
    if _SUCCESS.search(notice[:2000]):
        return BounceResult(False, NONE, parser=NAME)
    kind = DELAY if env.delay_text() and not env.permanent_text() else FAILURE
    action = "delayed" if kind == DELAY else "failed"
    recipients = []
    seen = set()
    for final, original, text in paragraphs:
        final = normalise_address(final)
        original = normalise_address(original) if original else None
        address = original or final
        if not address or address in seen:
            continue
        seen.add(address)
        status, reply = codes_in(text)
        remote = _REMOTE.search(text)
        record = Record(
            address=address,
            action=action,
            status=status,
            reply_code=reply,
            evidence=text,
            shown=text,
            original_recipient=address,
            final_recipient=final if final != address else None,
            remote_mta=remote.group(1).lower() if remote else None,
        )
        # each paragraph is complete: another recipient's codes are not evidence
        recipients.append(to_failure(record, final=kind == FAILURE))
    if not recipients:
        return None
    return BounceResult(
        is_bounce=kind == FAILURE, kind=kind, recipients=recipients, parser=NAME
    )
