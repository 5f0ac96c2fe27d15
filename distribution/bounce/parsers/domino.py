"""HCL (IBM, Lotus) Domino's Delivery Failure Report: "Your message ...
was not delivered to: <recipients> because: <reason>" (the Domino router's
texts, e.g. "User <name> (<address>) not listed in Domino Directory", "No
route found to domain <domain> from server <server>").  Every recipient of
the list shares the reason.
"""

import re

from ..text import ADDRESS_SCAN
from . import notice

NAME = "domino"

# The recipients and the reason follow their labels on the next lines
# (Domino 5 and later) or on the same line, in a two-column table (Lotus
# Notes 4 and the Lotus SMTP MTA; in Japanese "送信エラーレポート" with
# 件名 / 送信先 / 原因 for "Your document" / "was not delivered to" /
# "because", as the Lotus SMTP MTA 4.6 notice in fml8's regress/errormails
# shows).  Three single scans, not one pattern spanning from one label to
# the other: a regex that does is retried from every "was not delivered
# to:" of a forged notice, quadratic.  "^[ \t]*", not "^\s*": a line-start
# "\s*" runs on over every blank line after it, and is retried from each.
_TO = re.compile(
    r"^[ \t]*(?:was[ \t]+not[ \t]+delivered[ \t]+to|送信先)[ \t]*:", re.I | re.M
)
_BECAUSE = re.compile(r"^[ \t]*(?:because|原因)[ \t]*:", re.I | re.M)
_WHITESPACE = re.compile(r"\s*")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def parse(env):
    text = env.notice
    if env.parts.dsn or ("because:" not in text.lower() and "原因" not in text):
        return None
    to = _TO.search(text)
    because = _BECAUSE.search(text, to.end()) if to else None
    if not because:
        return None
    start = _WHITESPACE.match(text, because.end()).end()
    blank = _BLANK_LINE.search(text, start)
    reason = " ".join(text[start : blank.start() if blank else len(text)].split())
    entries = [
        notice.Entry(address, reason)
        for address in ADDRESS_SCAN.findall(text, to.end(), because.start())
    ]
    return notice.result(env, NAME, entries)
