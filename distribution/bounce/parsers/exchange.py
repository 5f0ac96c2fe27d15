"""Microsoft Exchange and Microsoft 365 notices without a delivery-status part.

Texts of the NDR templates (Microsoft Learn, "Email non-delivery reports
and SMTP errors in Exchange Online"; Exchange 2007-2019 and 2003):

* Exchange 2007 and later, Microsoft 365: "Delivery has failed to these
  recipients or groups:" (Exchange 2007: "... recipients or distribution
  lists:") / "Your message to <address> couldn't be delivered.", then
  "Diagnostic information for administrators:",
  "Generating server: <host>" and, per recipient, the address on its own
  line followed by ``#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##``
  or "Remote Server returned '550 5.1.1 ...'"; the text part converted from
  the HTML one lists each recipient as ``name<mailto:address>`` with the
  template's sentence under it, which is all a notice without the
  diagnostic section says (an Exchange 2007 notice as posted on
  pastebin.com/WcW417md: "The recipient's mailbox is full and can't accept
  messages now.");
* Exchange 2000/2003: "Your message did not reach some or all of the
  intended recipients." and "The following recipient(s) cannot be
  reached:", one "<address> on <date>" line per recipient with the reason
  indented below it (``<host #5.1.1 smtp;550 5.1.1 ...>``);
* hMailServer's copy of that template ("The following recipient(s) could
  not be reached:", the address alone on its line, then indented "Error
  Type: SMTP", "hMailServer sent: RCPT TO:<...>", "Remote server replied:
  451 ...", as its delivery code writes them).

The template is translated into the sending mailbox's language; the
headings this parser knows in other languages are the ones Microsoft's
pages or a published notice show (``envelope.EXCHANGE_HEADING``).  The
server's reply under them stays English ("Remote Server returned '...'",
"#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##").

Exchange does not say which SMTP command was refused; a relayed reply that
does ("(in reply to RCPT TO command)") is read.
"""

import re

from ..envelope import EXCHANGE_HEADING, EXCHANGE_LIST
from ..text import ADDRESS_SCAN
from . import notice

NAME = "exchange"
_KEYS = (
    "diagnostic information",
    "administrat",
    "fejlfindingsoplysninger",
    "診断情報",
    "modtagere eller grupper",
    "remote server returned",
    "recipients or groups",
    "recipients or distribution lists",
    "cannot be reached",
    "could not be reached",
    "intended recipients",
)

_MARKER = re.compile(
    r"Diagnostic\s+information\s+for\s+administrators|Remote\s+Server\s+returned\s+'"
    rf"|{EXCHANGE_HEADING}|{EXCHANGE_LIST}"
    r"|Delivery\s+has\s+failed\s+to\s+these\s+recipients\s+or\s+(?:groups"
    r"|distribution\s+lists)"
    r"|The\s+following\s+recipient\(s\)\s+(?:cannot|could\s+not)\s+be\s+reached"
    r"|did\s+not\s+reach\s+some\s+or\s+all\s+of\s+the\s+intended\s+recipients",
    re.I,
)
_DIAGNOSTIC = re.compile(
    rf"(?:Diagnostic\s+information\s+for\s+administrators|{EXCHANGE_HEADING})\s?:?",
    re.I,
)
_OLD_LIST = re.compile(
    r"The\s+following\s+recipient\(s\)\s+(?:cannot|could\s+not)\s+be\s+reached:", re.I
)
# the server lines and the headers' heading, also as the Spanish NDR
# (pastebin JHaPQHk7: "Generando servidor:", "Encabezados de mensajes
# originales:") and the Danish one (Office 365 Dansk wiki: "Genererende
# server:") write them
_SERVER_LINE = re.compile(
    r"^\s*(?:(?:Generating|Receiving|Sending|Reporting)\s+server|Generando\s+servidor"
    r"|Genererende\s+server):|^\s*(?:Original\s+message\s+headers"
    r"|Encabezados\s+de\s+mensajes\s+originales):"
    r"|^\s*(?:Received|Return-Path|From|To|Subject|Date|Message-ID):",
    re.I,
)
_HEADERS_START = ("original message", "encabezados", "received", "return-path")
_BARE_ADDRESS = re.compile(r"^\s*<?([^\s<>@]+@[^\s<>]+?)>?\s*$")
# "<address> <receiving host> Remote Server returned '550 ...'" on one line:
# the template's form when it names the server that refused the recipient
_ADDRESS_RETURNED = re.compile(
    r"^\s*<?([^\s<>@]+@[^\s<>]+?)>?\s+(?:\S+\s+)?(Remote\s+Server\s+returned\s.*)$",
    re.I,
)
_RETURNED = re.compile(r"Remote\s+Server\s+returned\s", re.I)
_FAILED_LIST = re.compile(
    r"(?:Delivery\s+has\s+failed\s+to\s+these\s+recipients\s+or\s+(?:groups"
    rf"|distribution\s+lists)|{EXCHANGE_LIST}):",
    re.I,
)
# "name<mailto:address>" (the HTML link flattened into the text part); the
# name's class holds the blanks before it (a leading "\s*" beside it was
# retried with every length of the name along a long run of blanks)
_MAILTO = re.compile(r"^[^<>\n]{0,200}<mailto:([^\s<>@]+@[^\s<>]+?)>\s*$", re.I)
_LIST_END = re.compile(r"^\s*(?:_{5,}|-{5,}|Sent\s+by\s+Microsoft\s+Exchange)", re.I)
_ON_DATE = re.compile(r"^(\s*)(?:\S.*?\s)?<?([^\s<>@]+@[^\s<>]+?)>?\s+on\s+\S", re.I)


def _diagnostic_entries(text):
    entries = []
    current = None
    for line in text.split("\n"):
        if _SERVER_LINE.match(line):
            if line.lower().lstrip().startswith(_HEADERS_START):
                break
            current = None
            continue
        bare = _BARE_ADDRESS.match(line)
        returned = None if bare else _ADDRESS_RETURNED.match(line)
        if bare:
            current = notice.Entry(bare.group(1))
            entries.append(current)
        elif returned:
            current = notice.Entry(returned.group(1), returned.group(2))
            entries.append(current)
        elif current is not None and line.strip():
            current.evidence = f"{current.evidence}\n{line.strip()}".strip()
    return [entry for entry in entries if entry.evidence]


def _old_entries(text):
    entries = []
    current = None
    indent = None
    for line in text.split("\n"):
        match = _ON_DATE.match(line) or _BARE_ADDRESS.match(line)
        if match:
            current = notice.Entry(match.group(match.lastindex))
            indent = len(line) - len(line.lstrip())
            entries.append(current)
        elif current is not None and line.strip():
            if len(line) - len(line.lstrip()) <= indent:
                break
            current.evidence = f"{current.evidence}\n{line.strip()}".strip()
    return entries


def _listed_entries(text):
    """Entries of the recipient list under "Delivery has failed to these
    recipients or ...:", each ``name<mailto:address>`` line followed by its
    sentence."""
    entries = []
    current = None
    for line in text.split("\n"):
        if _LIST_END.match(line) or _SERVER_LINE.match(line):
            break
        listed = _MAILTO.match(line) or _BARE_ADDRESS.match(line)
        if listed:
            current = notice.Entry(listed.group(1))
            entries.append(current)
        elif line.strip():
            if current is None:
                # the list opens with a recipient; a sentence first is not
                # this template (a lure copying its heading)
                return []
            current.evidence = f"{current.evidence}\n{line.strip()}".strip()
    return entries


def _summary_about(text, address):
    """The user-facing paragraphs before the diagnostics that name *address*
    or explain the failure ("wasn't found at", "mailbox is full")."""
    lowered = address.lower()
    return "\n".join(
        p.strip() for p in text.split("\n\n") if lowered in p.lower() and len(p) < 800
    )


def parse(env):
    text = env.notice
    head = env.head_lower
    if env.parts.dsn or not any(k in head for k in _KEYS):
        return None
    if not _MARKER.search(text):
        return None
    entries = []
    diagnostic = _DIAGNOSTIC.search(text)
    if diagnostic:
        entries = _diagnostic_entries(text[diagnostic.end() :])
        summary = text[: diagnostic.start()]
        for entry in entries:
            about = _summary_about(summary, entry.address)
            if about:
                entry.evidence = f"{entry.evidence}\n{about}"
    if not entries and not diagnostic:
        # a translated template ("Diagnostische gegevens voor beheerders",
        # "Diagnoseinformationen für Administratoren"): the server's reply
        # stays "Remote Server returned '...'" in English; its paragraph
        # opens with the recipient
        returned = _RETURNED.search(text)
        if returned:
            start = text.rfind("\n\n", 0, returned.start())
            entries = _diagnostic_entries(text[start + 1 if start >= 0 else 0 :])
            summary = text[: max(start, 0)]
            for entry in entries:
                about = _summary_about(summary, entry.address)
                if about:
                    entry.evidence = f"{entry.evidence}\n{about}"
    if not entries:
        listed = _OLD_LIST.search(text)
        if listed:
            entries = _old_entries(text[listed.end() :])
    if not entries and not diagnostic:
        listed = _FAILED_LIST.search(text)
        if listed:
            entries = _listed_entries(text[listed.end() :])
    if not entries:
        # "Your message to <address> couldn't be delivered." and nothing else
        for match in re.finditer(r"\bmessage\s+to\s+", text[:3000], re.I):
            address = ADDRESS_SCAN.match(text, match.end())
            if address:
                entries.append(
                    notice.Entry(
                        address.group(0), _summary_about(text, address.group(0))
                    )
                )
    return notice.result(env, NAME, entries)
