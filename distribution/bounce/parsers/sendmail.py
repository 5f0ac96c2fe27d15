"""Sendmail's own notice text, read when no delivery-status part is there.

``savemail.c`` of Sendmail 8 writes "----- The following addresses had
permanent fatal errors -----" (or "... transient non-fatal errors -----" in a
warning), one address per line with "(reason: ...)" and "(expanded from:
...)" below it, then "----- Transcript of session follows -----": the SMTP
dialogue with the remote server, ``>>> RCPT To:<address>`` for each command
sent and ``<<< 550 5.1.1 ...`` for each reply.  The command before a
refusing reply is the SMTP stage; a refusal of ``RCPT To`` concerns the
address it names, a refusal of the connection, ``HELO``, ``MAIL From`` or
``DATA`` every recipient (with PIPELINING the RCPT replies follow ``>>>
DATA``: an addressing status, X.1.x, still answers the RCPT).  Local
deliveries write "<address>... User unknown" lines instead.
"""

import re

from ..model import DELAY, FAILURE, NONE, BounceResult
from ..stages import DATA, RCPT, find_stage
from ..text import ADDRESS_SCAN, codes_in, normalise_address
from . import notice

NAME = "sendmail"

_HEADING = re.compile(r"^[ \t]*-{3,}\s*(.+?)\s*-{3,}\s*$", re.M)
_MARKER = re.compile(
    r"-{3,}\s*(?:The\s+following\s+addresses\s+had\s+(?:permanent\s+fatal|transient"
    r"\s+non-fatal)\s+errors|Transcript\s+of\s+session\s+follows)\s*-{3,}",
    re.I,
)
_TRANSIENT = re.compile(r"transient\s+non-fatal", re.I)
_REASON = re.compile(r"^\s*\((?:reason|expanded\s+from):\s*(.*?)\)?\s*$", re.I)
_EXPANDED = re.compile(r"^\s*\(expanded\s+from:\s*<?([^\s<>()]+)>?\s*\)", re.I)
_COMMAND = re.compile(r"^\s*>>>\s*(.*)$")
_REPLY = re.compile(r"^\s*<<<\s*([45]\d\d\b.*)$")
_TALKING = re.compile(r"^\s*\.\.\.\s+while\s+talking\s+to\b", re.I)


def _sections(text):
    """{heading (lower case): body} of the "----- heading -----" sections."""
    found = {}
    marks = list(_HEADING.finditer(text))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        found.setdefault(mark.group(1).lower(), text[mark.end() : end])
    return found


def _listed(body):
    """[Entry] of the "addresses had ... errors" section."""
    entries = []
    for line in body.split("\n"):
        if not line.strip():
            if entries:
                break
            continue
        reason = _REASON.match(line)
        if reason and entries:
            expanded = _EXPANDED.match(line)
            if expanded:
                entries[-1].original = expanded.group(1)
            else:
                entries[-1].evidence += "\n" + reason.group(1)
            continue
        found = ADDRESS_SCAN.search(line)
        if found and (not line.startswith((" ", "\t")) or not entries):
            entries.append(notice.Entry(found.group(0)))
    return entries


def _transcript(body, entries):
    """Each refusal of the transcript added to the entries it concerns: the
    address of a refused ``RCPT To``; for another command, the addresses sent
    in the same "... while talking to <host>" exchange, else those no other
    refusal concerned."""
    by_address = {normalise_address(e.address): e for e in entries}
    touched = set()
    command = ""
    sent = []
    for line in body.split("\n"):
        if _TALKING.match(line):
            command, sent = "", []
            continue
        match = _COMMAND.match(line)
        if match:
            command = match.group(1)
            target = ADDRESS_SCAN.search(command)
            named = (
                by_address.get(normalise_address(target.group(0))) if target else None
            )
            if named is not None and command.lower().startswith("rcpt"):
                sent.append(named)
            continue
        reply = _REPLY.match(line)
        concerned = []
        if reply:
            text = f">>> {command}\n<<< {reply.group(1)}" if command else reply.group(1)
            if command.lower().startswith("rcpt") and sent:
                concerned = [sent[-1]]
            else:
                concerned = (
                    sent
                    or [e for e in entries if id(e) not in touched]
                    or list(entries)
                )
        else:
            # local delivery: "<address>... User unknown"
            text = line.strip()
            for address, entry in by_address.items():
                if address and f"{address}..." in line.lower():
                    concerned = [entry]
        for entry in concerned:
            touched.add(id(entry))
            if text not in entry.evidence:
                entry.evidence = f"{entry.evidence}\n{text}".strip()
            stage = find_stage(text)
            if (
                stage == DATA
                and reply
                and (codes_in(reply.group(1))[0] or "")[2:4] == "1."
            ):
                # with PIPELINING the RCPT replies arrive after ">>> DATA":
                # an addressing status (X.1.x) answers the RCPT, not DATA
                stage = RCPT
            if stage and reply and entry.stage is None:
                entry.stage = stage  # the first refusal; later ones follow from it


def parse(env):
    text = env.notice
    if env.parts.dsn or "-----" not in text or not _MARKER.search(text):
        return None
    sections = _sections(text)
    entries = []
    transient = False
    delivered = False
    for heading, body in sections.items():
        if "following addresses had" not in heading:
            continue
        if "successful" in heading:
            # "... had successful delivery notifications -----": a return
            # receipt (savemail.c, deliver.c "relayed; expect no further
            # notifications"), not a failure
            delivered = True
            continue
        entries.extend(_listed(body))
        transient = transient or bool(_TRANSIENT.search(heading))
    if not entries:
        return BounceResult(False, NONE, parser=NAME) if delivered else None
    for heading, body in sections.items():
        if "transcript of session" in heading:
            _transcript(body, entries)
    delay = transient or (env.delay_text() and not env.permanent_text())
    return notice.result(env, NAME, entries, kind=DELAY if delay else FAILURE)
