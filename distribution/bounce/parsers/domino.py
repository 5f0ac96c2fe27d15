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

# "^[ \t]*", not "^\s*": a line-start "\s*" runs on over every blank line
# after it, and is retried from each one (quadratic on a notice of blank
# lines, which a forged bounce can be).
#
# The recipients and the reason follow their labels on the next lines
# (Domino 5 and later) or on the same line, in a two-column table (Lotus
# Notes 4 and the Lotus SMTP MTA; in Japanese "送信エラーレポート" with
# 件名 / 送信先 / 原因 for "Your document" / "was not delivered to" /
# "because", as the Lotus SMTP MTA 4.6 notice in fml8's regress/errormails
# shows).
_LIST = re.compile(
    r"^[ \t]*(?:was[ \t]+not[ \t]+delivered[ \t]+to|送信先)[ \t]*:(.*?)"
    r"^[ \t]*(?:because|原因)[ \t]*:[ \t]*(.*?)(?:\n[ \t]*\n|\Z)",
    re.I | re.M | re.S,
)


def parse(env):
    text = env.notice
    if env.parts.dsn or ("because:" not in text.lower() and "原因" not in text):
        return None
    match = _LIST.search(text)
    if not match:
        return None
    reason = " ".join(match.group(2).split())
    entries = [
        notice.Entry(address, reason)
        for address in ADDRESS_SCAN.findall(match.group(1))
    ]
    return notice.result(env, NAME, entries)
