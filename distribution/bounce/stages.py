"""Which SMTP command the receiving server refused (the *stage*).

The stage says whom a refusal concerns when the words do not: a refusal of
the connection, of HELO/EHLO or of MAIL FROM concerns our server or our
sender; of RCPT TO the address; after DATA the message.  Mail servers write
it in their own way:

* Postfix (bounce(5) templates, ``smtp_*`` clients): "(in reply to RCPT TO
  command)", "(in reply to end of DATA command)", "host ... refused to talk
  to me" (the greeting);
* Exim (spec, "SMTP error from remote mail server after ..."): "after
  initial connection", "after EHLO ...", "after MAIL FROM:<...>", "after RCPT
  TO:<...>", "after end of data", "after pipelined ...";
* Sendmail (transcript of the session): ">>> RCPT To:<...>" followed by the
  "<<< 550 ..." answer;
* qmail-remote: "Connected to ... but greeting failed", "... but sender was
  rejected", "... but my name was rejected", "... does not like recipient",
  "... failed on DATA command", "... failed after I sent the message".
"""

import re

from .text import cached_by_text

CONNECT = "connect"
HELO = "helo"
MAIL = "mail"
RCPT = "rcpt"
DATA = "data"
STAGES = (CONNECT, HELO, MAIL, RCPT, DATA)

_COMMANDS = (
    (CONNECT, r"initial\s+(?:connection|greeting)|greeting|banner|connect(?:ion)?"),
    (HELO, r"ehlo|helo|lhlo|starttls|auth"),
    (MAIL, r"mail(?:\s+from)?"),
    (RCPT, r"rcpt(?:\s+to)?"),
    (DATA, r"(?:end\s+of\s+)?data|bdat|message\s+body"),
)
_COMMAND = "|".join(f"(?P<{name}>{regex})" for name, regex in _COMMANDS)
_PATTERNS = (
    # Postfix
    re.compile(
        r"\(?in\s+reply\s+to\s+(?:the\s+)?(?:" + _COMMAND + r")(?:\s+command)?\b", re.I
    ),
    # Exim, Courier, Haraka...
    re.compile(
        r"\b(?:smtp|lmtp)\s+error\s+(?:from\s+remote\s+(?:mail\s+)?server\s+)?after\s+"
        r"(?:pipelined\s+)?(?:" + _COMMAND + r")\b",
        re.I,
    ),
    re.compile(
        r"\b(?:PRDR\s+)?error\s+after\s+(?:pipelined\s+)?(?:" + _COMMAND + r")\b", re.I
    ),
    # Sendmail transcripts
    re.compile(r"^>>>\s*(?:" + _COMMAND + r")\b", re.I | re.M),
    # qmail-remote
    re.compile(
        r"\bbut\s+(?:(?P<connect2>greeting)|(?P<helo2>my\s+name)|(?P<mail2>sender))"
        r"\s+(?:failed|was\s+rejected)",
        re.I,
    ),
    re.compile(r"\brefused\s+to\s+talk\s+to\s+me\b(?P<connect3>)", re.I),
    # qmail-remote.c: "<ip> does not like recipient.", "<ip> failed on DATA
    # command.", "<ip> failed after I sent the message."
    re.compile(
        r"\b(?:does\s+not\s+like\s+recipient(?P<rcpt2>)|failed\s+on\s+DATA\s+command"
        r"(?P<data2>)|failed\s+after\s+I\s+sent\s+the\s+message(?P<data3>))",
        re.I,
    ),
    # a greeting that refuses the session: RFC 5321 section 3.1, "554"
    # followed by the server's domain and nothing else, as Exchange relays a
    # Cisco IronPort's refusing banner ("#< #5.5.0 SMTP;
    # 554-ironport4.example> #SMTP#", pastebin.com/ZTwURw5w)
    # The reply opens the server's words (a line, or after "SMTP;", "said:",
    # a quote, "<<<"): "your attachment 554 invoice.pdf" is no greeting.
    re.compile(
        r"(?:^|(?<=[;:'\"(<]))[ \t]*(?:<<<[ \t]*)?"
        r"554[- ](?:[a-z0-9-]{1,63}\.){1,10}[a-z]{2,63}\.?"
        r"(?=[ \t]*(?:[>)'\"]|$))(?P<connect2>)",
        re.I | re.M,
    ),
)


_MARKERS = (
    "reply to",
    "after",
    ">>>",
    "but ",
    "refused to talk",
    "does not like",
    "failed on",
    "554",
)


@cached_by_text
def find_stage(text):
    """The stage named last in *text* (the refused command), or None.

    Cached as :func:`.reasons.phrase_reason` is (:func:`.text.cached_by_text`).
    """
    lowered = " ".join(text.lower().split())
    if not any(marker in lowered for marker in _MARKERS):
        return None
    found = None
    position = -1
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if match.start() < position:
                continue
            for name, value in match.groupdict().items():
                if value is not None:
                    found = name.rstrip("23")
                    position = match.start()
                    break
    return found
