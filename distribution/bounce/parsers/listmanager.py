"""Notices of mailing-list managers (GNU Mailman, Majordomo, ezmlm, LISTSERV,
Sympa): a post refused because the sender is not a member is *blocked*
(reason ``not_member``, the list address is the recipient); a post held for
the moderator is not a failure yet (kind ``delay``).

Recognised by the sender (``*-owner@``, ``*-bounces@``, ``*-request@``,
``owner-*@``, or the manager's name) together with the texts these programs
send (Mailman's ``Mailman/Handlers/Hold.py`` and ``Moderate.py`` messages,
Majordomo's and ezmlm's rejection texts).
"""

import re
from email.utils import parseaddr

from ..evidence import Record, to_failure
from ..model import DELAY, FAILURE, BounceResult
from ..reasons import REASONS, phrase_reason
from ..text import ADDRESS_SCAN, header, normalise_address

NAME = "listmanager"

_MANAGER_LOCAL = re.compile(
    r"(?:-owner|-bounces?)(?:\+.*)?$|^owner-|^(?:mailman|majordomo|"
    r"ezmlm|listserv|sympa|listar|ecartis|lyris)$",
    re.I,
)
# "-request" and "-admin" mailboxes are lists' only with a list header or
# marked as automated bulk mail: a customer's "billing-admin@" writing
# "requires approval" is a person.  fml8 answers from the list's maintainer
# ("<list>-admin@") with "Precedence: bulk" and no list header
# (fmlorg/fml8 fml/lib/FML/Process/Kernel.pm, queue_in)
_LIST_LOCAL = re.compile(r"(?:-request|-admin)(?:\+.*)?$", re.I)
_BULK = ("bulk", "list")
_LIST_HEADERS = (
    "List-Id",
    "X-Mailman-Version",
    "X-List-Administrivia",
    "X-Ecartis-Version",
)
_REJECTED = re.compile(
    r"\bnot\s+(?:allowed|authori[sz]ed|permitted)\s+to\s+post\b|\bnon-?members?\b"
    r"|\bnot\s+a\s+member\b|\bmembers?[\s-]only\b|\bonly\s+(?:list\s+)?(?:members|subscribers)\b"
    r"|\bnot\s+subscribed\b|\bauto-?discard|\bposting\s+(?:was\s+)?rejected\b"
    # Mailman 3's list:user:notice:rejected.txt: "Your message to the <list>
    # mailing-list was rejected for the following reasons:"
    r"|\byour\s+message\s+(?:to\s+(?:the\s+)?\S+\s+(?:mailing[\s-]list\s+)?)?"
    r"(?:was\s+|has\s+been\s+)?rejected\b",
    re.I,
)
_HELD = re.compile(
    r"\bawaits?\s+moderator\s+approval\b|\bheld\s+(?:for|until)\s+(?:the\s+)?"
    r"(?:list\s+)?moderat|\bis\s+being\s+held\b|\brequires?\s+(?:moderator\s+)?approval\b",
    re.I,
)
# a refusal whose stated reason is about the message itself, not about who
# posted it (Mailman 3's rules/max_size.py "The message is larger than the
# {} KB maximum size"): that reason, not "members only"
_MESSAGE_REASONS = frozenset({"message_too_large", "virus", "spam_content"})
_LIST_NAMED = re.compile(
    r"\b(?:your\s+(?:message|mail|post(?:ing)?)\s+to|posting\s+to|to\s+the\s+list)"
    r"\s+['\"<]?([^\s'\"<>]+@[^\s'\"<>]+?)['\">]?[\s.,:;]",
    re.I,
)


def _list_address(env, sender):
    match = _LIST_NAMED.search(env.notice[:3000] + " ")
    if match:
        found = normalise_address(match.group(1))
        if found:
            return found
    local, _at, domain = sender.partition("@")
    base = re.sub(
        r"(?:-owner|-bounces?|-request|-admin)(?:\+.*)?$", "", local, flags=re.I
    )
    base = re.sub(r"^owner-", "", base, flags=re.I)
    if base and domain and base.lower() not in ("mailman", "majordomo", "sympa"):
        return normalise_address(f"{base}@{domain}")
    return None


def parse(env):
    _name, sender = parseaddr(header(env.msg, "From"))
    local = sender.split("@", 1)[0] if "@" in sender else ""
    if not local:
        return None
    listed = any(env.msg.get(name) is not None for name in _LIST_HEADERS) or (
        header(env.msg, "Precedence").strip().lower() in _BULK
    )
    if not (_MANAGER_LOCAL.search(local) or (listed and _LIST_LOCAL.search(local))):
        return None
    head = f"{env.subject}\n{env.notice[:3000]}"
    held = _HELD.search(head)
    rejected = None if held else _REJECTED.search(head)
    if not (held or rejected):
        return None
    address = _list_address(env, sender)
    if address and address in ADDRESS_SCAN.findall(str(env.msg.get("To", ""))):
        address = None  # the notice's own recipient is us
    kind = DELAY if held else FAILURE
    match = held or rejected
    line_start = head.rfind("\n", 0, match.start()) + 1
    line_end = head.find("\n", match.end())
    line = head[line_start : line_end if line_end != -1 else len(head)]
    record = Record(
        address=address or "",
        action="delayed" if held else "failed",
        evidence=line,
        shown=line,
        original_recipient=address,
    )
    failure = to_failure(record, final=not held)
    stated = None if held else phrase_reason(head)
    if stated and stated[0] in _MESSAGE_REASONS:
        failure.decided_by(REASONS[stated[0]])
    else:
        failure.decided_by(REASONS["not_member"])
    return BounceResult(
        is_bounce=not held,
        kind=kind,
        recipients=[failure] if address else [],
        unattributed=None if address else failure,
        parser=NAME,
    )
