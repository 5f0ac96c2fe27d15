"""Plain-text fallback: bounces without a delivery-status part.

Old and home-made formats: qmail's (D. J. Bernstein, "qmail-send bounce
message format", QSBMF: one "<address>:" paragraph per recipient), Sendmail's
and Exchange's texts without a DSN, provider notices, AOL screen names...
Recipients come from ``X-Failed-Recipients``,
else from the addresses the notification text names as recipients (first
thing on a line, or after "to", "for", "recipient:", "address:"...),
ignoring the returned copy of the original message, the bounce's own header
addresses and mail-system mailboxes -- except a ``postmaster@`` address the
text explicitly names as the failed recipient.  A bare mailbox name listed
as a recipient (AOL) is completed with the reporting domain.  Runs last.
"""

import functools
import re
from email.utils import parseaddr

from ..evidence import Record, to_failure
from ..model import DELAY, FAILURE, BounceResult
from ..text import (
    ADDRESS_SCAN,
    SYSTEM_LOCALPARTS,
    clean,
    codes_in,
    header,
    html_to_text,
    normalise_address,
    site_domain,
    text_codes,
)

NAME = "text"

_HEADERISH = re.compile(
    r"^\s*(?:from|to|cc|bcc|subject|sent|date|reply-to|sender|return-path|message-id"
    r"|in-reply-to|references|x-[\w-]+)\s*:",
    re.IGNORECASE,
)
_FROMISH = re.compile(r"^\s*(?:from|sender|reply-to|return-path|message-id)\s*:", re.I)
_CONTEXT = re.compile(
    r"(?:(?:\b(?:to|for|addressed|address(?:es)?|recipients?|user(?:id)?|mailbox|attempts"
    r"|rcpt\s+to|smtp|rfc822|error-for|(?:expanded|generated)\s+from"
    # Polish and Czech-without-accents labels (Interia: "adresat, odbiorca")
    r"|odbiorca|adresat)"
    # Chinese: "cannot be sent to", "recipient address", "recipient"
    r"|发送到|收信地址|收件人)"
    r"\s*[:=,;\uff1a]?\s*[<\[\"'(]*\s*)$",
    re.IGNORECASE,
)
# the recipient's label in Japanese (宛先, DTI's 受取人), Korean (수신자,
# 받는 사람), Russian, Czech, Portuguese and German notices: searched only in
# a text that is not ASCII (each alternative without a word boundary is
# tried from every position)
_LOCAL_CONTEXT = re.compile(
    r"(?:宛先|受取人|受信者|送信先|수신자|받는\s?사람"
    r"|\b(?:получател[ья]|адресат|p[řr][íi]jemce|destinat[áa]rio|empf(?:ä|ae)nger))"
    r"\s*[:=,;\uff1a]?\s*[<\[\"'(]*\s*$",
    re.IGNORECASE,
)
# a Message-ID named in the text ("Message-ID:", Postal's "Orginal Message
# ID: <...>"): never a mailbox (RFC 5322 section 3.6.4)
_MESSAGE_ID_LABEL = re.compile(r"\bmessage[\s-]?id\s*:\s*<?\s*$", re.I)
_EXPANDED = re.compile(r"\b(?:expanded|generated)\s+from\s*:?\s*[<\[\"'(]*\s*$", re.I)
_FROM_CONTEXT = re.compile(r"\bfrom\s*:?\s*[<\[\"'(]*\s*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{3}")
# an address the notice gives for questions, not a failed recipient
_CONTACT = re.compile(
    r"\b(?:contact|help|comments?|questions?|assistance|queries|write\s+to"
    r"|kontakt|contacter|contactez|contatta|contacte)\b[^@\n]{0,40}$",
    re.I,
)
# A mailing list's footer, kept by the list manager under a notice it
# distributes: GNU Mailman 3's default ``list:member:regular:footer``
# ("$display_name mailing list -- $listname" / "To unsubscribe send an email
# to ${short_listname}-leave@${domain}") and the like ("To unsubscribe from
# this group ... send an email to ...").  The addresses it gives are the
# list's own (RFC 2369 section 3's List-Unsubscribe / List-Post in words),
# never a failed recipient.
_LIST_FOOTER = re.compile(
    r"\b(?:un)?subscribe\b[^@\n]{0,80}$|\bmailing\s+list\s+--\s*$", re.I
)
# the end of a line broken inside a token: the characters an address's local
# part may hold (RFC 5321 section 4.1.2, Dot-string), no space before the break
_TOKEN_TAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+$")
_ROUTE_PREFIX = re.compile(r"^(?:smtp|rfc822|mailto)[=:]", re.I)
_LEADER = re.compile(r"^[\s>*\-|•\"'<\[(]*$")
_LISTED_AFTER = re.compile(r">?\s*(?::|$|\.\.\.\s)")
# One "@" and bounded like an address (RFC 5321 section 4.5.3.1: 64 + 255
# octets): unbounded runs that may hold any number of "@" rescan a long line
# without blanks from each of its positions (quadratic).
_EXPANDED_PAIR = re.compile(
    r"<?([^\s<>()@]{1,64}@[^\s<>()@]{1,255}?)>?\s*\((?:expanded|generated|alias)\s+"
    r"from\s*:?\s*<?([^\s<>()@]{1,64}@[^\s<>()@]{1,255}?)>?\)",
    re.I,
)
_BARE_NAME_LINE = re.compile(r"^[ \t]+([A-Za-z][\w.+-]{0,63})[ \t]*$")
# The recipients a content filter passed the message on to: amavisd-new's
# notices (amavisd 2.412's templates: "Your message WAS SUCCESSFULLY RELAYED
# to:" in its delivery status notification to the sender, "The message
# WILL BE relayed to:" in its notification to the administrator; "The
# message WAS NOT relayed to:" lists the others), one address per line.
_RELAYED = re.compile(
    r"^[ \t]*(?:the|your)\s+message\s+(?:will\s+be|was\s+successfully)\s+relayed\s+to:"
    r"[ \t]*\n((?:[ \t]*<?[^\s<>@]{1,64}@[^\s<>@]{1,255}>?[ \t]*\n){1,1000})",
    re.I | re.M,
)


def _relayed(notice):
    """The addresses a notice says the message was (or will be) relayed to."""
    found = set()
    for match in _RELAYED.finditer(notice[:20000]):
        found.update(normalise_address(a) for a in ADDRESS_SCAN.findall(match.group(1)))
    return found


def _addresses_named(whole):
    """The addresses *whole* names, normalised: read in one scan, where a
    substring search of the whole message for each line's fragment was
    quadratic (a forged notice of 100 000 "a@b.c" lines: minutes)."""
    named = {normalise_address(found) for found in set(ADDRESS_SCAN.findall(whole))}
    named.discard(None)
    return named


def _wrapped_address(lines, index, token, named, excluded):
    """(whole address, the text before it) when *token*, first on its line,
    is the second half of an address the writer's software broke across the
    line end; None otherwise.

    An address holds no line break (RFC 5321 section 4.1.2; RFC 5322 section
    3.4.1: no folding white space inside a dot-atom), and RFC 5322 folding
    (section 2.2.3) only breaks at white space: a line that ends inside a
    token, continued at the next line's first column, is a hard wrap at a
    fixed width ("identity linux-f2fs-dev" / "el@lists.sourceforge.net").
    Such a fragment is taken for a wrap only when the joined address is
    named elsewhere in the message (a header, the returned copy, the text):
    "delivered to" / "user@example.com" stays two words.  *named* is a
    callable giving :func:`_addresses_named` of the whole message.
    """
    if not index:
        return None
    previous = lines[index - 1]
    tail = _TOKEN_TAIL.search(previous)
    if not tail or previous[tail.start() - 1 : tail.start()] == "@":
        return None  # an address's domain ends the line: no first half
    joined = normalise_address(tail.group(0) + token)
    if joined and (joined in excluded or joined in named()):
        return joined, previous[: tail.start()]
    return None


def _recipient_occurrences(text, excluded, whole=""):
    """[(address, line index, strong, header-like line)] of candidate recipients.

    *whole* is the lower-cased text of the entire message (with its returned
    part), where an address broken across a line end is looked for whole."""
    found = []
    lines = text.split("\n")
    # read once, and only when a line looks like a wrapped address's end
    named = functools.cache(functools.partial(_addresses_named, whole))

    for index, line in enumerate(lines):
        if "@" not in line:
            continue
        headerish = bool(_HEADERISH.match(line))
        fromish = bool(_FROMISH.match(line))
        for match in ADDRESS_SCAN.finditer(line):
            token, start = match.group(0), match.start()
            routed = _ROUTE_PREFIX.match(token)
            if routed:
                token, start = token[routed.end() :], start + routed.end()
            address = normalise_address(token)
            prefix = line[:start]
            if address and not start and whole:
                # the second half of an address wrapped at the line end: the
                # whole address, read in the context of the line it began on
                wrapped = _wrapped_address(lines, index, token, named, excluded)
                if wrapped:
                    address, prefix = wrapped
            if not address or address in excluded:
                continue
            # the patterns below read the end of the prefix: searched over a
            # whole long line for each of its addresses they are quadratic
            near = prefix[-200:]
            if address.split("@", 1)[0] in SYSTEM_LOCALPARTS and not (
                _LEADER.match(prefix) and _LISTED_AFTER.match(line, match.end())
            ):
                # a mail-system mailbox, unless the line lists it as a
                # failed recipient ("<postmaster@example.com>: ...")
                continue
            if fromish or (_FROM_CONTEXT.search(near) and not _EXPANDED.search(near)):
                continue
            if _MESSAGE_ID_LABEL.search(near):
                continue
            if _CONTACT.search(near):
                continue  # "for help, contact <postmaster's address>"
            if _LIST_FOOTER.search(near):
                continue  # "To unsubscribe send an email to <list>-leave@..."
            strong = not headerish and bool(
                _LEADER.match(prefix)
                or _CONTEXT.search(near)
                or (not near.isascii() and _LOCAL_CONTEXT.search(near))
            )
            found.append((address, index, strong, headerish))
    return found


def _blocks(text, occurrences):
    """Text about each recipient: every line naming it, each with the
    following non-blank lines up to the next recipient's paragraph."""
    lines = text.split("\n")
    starts = {}
    for address, index, *_flags in occurrences:
        starts.setdefault(index, address)
    # a set per address, and a walk stops where an earlier one went: a block
    # can be every line of a long notice (quadratic before)
    taken = {}
    for address, index, *_flags in occurrences:
        indexes = taken.setdefault(address, set())
        if index in indexes:
            continue
        indexes.add(index)
        for following in range(index + 1, len(lines)):
            if following in indexes:
                break  # walked already: the rest of the block is taken
            line = lines[following]
            if not line.strip():
                break
            other = starts.get(following)
            if (
                other
                and other != address
                and _LEADER.match(line[: line.lower().find(other)])
            ):
                break
            indexes.add(following)
    return {
        address: "\n".join(lines[i] for i in sorted(indexes))
        for address, indexes in taken.items()
    }


def _strip_leading_address(text, address):
    """The block's text without its leading address; "" when only addresses remain."""
    stripped = text.lstrip(" \t\n>*-|\"'<[(")
    if stripped.lower().startswith(address):
        text = stripped[len(address) :].lstrip(">]\"')").lstrip(" \t\n:.,")
    rest = text.lower().replace(address, "")
    return text if _WORD.search(rest) else ""


def failed_header_addresses(msg):
    addresses = []
    for value in msg.get_all("X-Failed-Recipients") or []:
        for piece in re.split(r"[,\s]+", str(value)):
            address = normalise_address(piece)
            if address and address not in addresses:
                addresses.append(address)
    return addresses


def _human_readable_first(msg):
    """True when *msg* is a multipart/report whose first part is text."""
    try:
        if msg.get_content_type() != "multipart/report":
            return False
        parts = msg.get_payload()
        return bool(parts) and parts[0].get_content_maintype() in ("text", "multipart")
    except Exception:  # odd structure: not this case
        return False


# Phishing dressed as a bounce ("You have 10 pending messages... Authorize
# delivery", "Release all", "Retrieve messages here"): a call to act on mail
# held for the reader.  Not a rule of a standard but its converse: a delivery
# report names at least one recipient (RFC 3464 section 2.3, the
# per-recipient fields) and a non-delivery notice returns or quotes the
# message (RFC 5321 section 6.1; RFC 3461 section 6.2), so a notice with
# neither, which asks the reader to click, is not a bounce.
_LURE = re.compile(
    r"\b(?:click|tap)\s+(?:here|below|the\s+(?:button|link)\s+below)\b"
    r"|\b(?:pending|suspended|held|hanging|stuck|quarantined|blocked)\s+(?:incoming\s+"
    r"|outgoing\s+)?(?:messages?|e-?mails?|mails)\b"
    r"|\b(?:messages|e-?mails|mails)\s+(?:are\s+)?(?:on\s+hold|awaiting\s+your)\b"
    r"|\b(?:release|retrieve|restore|authori[sz]e|read)\s+(?:all\s+)?(?:your\s+)?"
    r"(?:pending\s+|held\s+|undelivered\s+)?(?:messages|e-?mails|mails|delivery)\b"
    r"|\b(?:verify|confirm)\s+your\s+(?:e-?mail\s+)?account\b",
    re.IGNORECASE,
)


def _lure(env, addresses):
    """A phishing lure dressed as a bounce: no failed address, no delivery
    report, no returned message, and a call to release the reader's mail."""
    if addresses or env.parts.returned or env.parts.dsn:
        return False
    if _LURE.search(env.notice[:4000]):
        return True
    # the lure is often in the HTML alternative only
    return any(
        _LURE.search(html_to_text(clean(markup[:20000])))
        for markup in env.parts.htmls[:2]
        if markup
    )


def is_bounce(env):
    """Enough independent signs that *env* is a bounce without a DSN."""
    if env.msg.get_all("X-Failed-Recipients"):
        return True
    if env.report_type == "delivery-status" and _human_readable_first(env.msg):
        # RFC 6522: a multipart/report of this type, its first part the
        # human-readable notice, is a DSN even when the delivery-status part
        # is missing or empty
        return True
    signals = env.bounce_signals()
    _system, _subject, body, _returned, report = signals
    if env.autoreply_subject() and not (body or report):
        # a vacation or out-of-office reply that quotes our message, from a
        # shared mailbox or a system address ("postmaster", "noreply"): two
        # signals, but it says nothing about a failed delivery (RFC 3834
        # section 3.1.5's auto-reply, not RFC 3464's report)
        return False
    return sum(signals) >= 2 or (any(signals) and env.strong_body())


def parse(env):
    if not is_bounce(env):
        return None
    notice = env.notice
    delay = env.delay_text() or env.delay_subject()
    kind = DELAY if delay and not env.permanent_text() else FAILURE
    action = "delayed" if kind == DELAY else "failed"

    addresses = failed_header_addresses(env.msg)
    occurrences = _recipient_occurrences(notice, env.excluded, env.plain_lower)
    relayed = _relayed(notice) if "relayed" in env.head_lower else set()
    if relayed:
        occurrences = [o for o in occurrences if o[0] not in relayed]
    if not addresses:
        strong = [o for o in occurrences if o[2]]
        for address, *_rest in strong or occurrences:
            if address not in addresses:
                addresses.append(address)
    if not addresses:
        if relayed:
            return None  # passed on to every recipient: nothing failed
        addresses = _bare_names(env.msg, notice)
    if _lure(env, addresses):
        return None
    # "<final@x> (expanded from <sent@y>)": we sent to the second (Postfix)
    originals = {}
    lowered = notice.lower()
    # the pair's opening words first: the pattern, tried from every position
    # of a long word, reads up to 64 characters there before failing
    pairs = any(f"({word}" in lowered for word in ("expanded", "generated", "alias"))
    for match in _EXPANDED_PAIR.finditer(notice) if pairs else ():
        final = normalise_address(match.group(1))
        original = normalise_address(match.group(2))
        if final and original:
            originals[final] = original

    blocks = _blocks(notice, [o for o in occurrences if o[0] in addresses and not o[3]])
    fallback = text_codes(notice)
    recipients = []
    seen = set()
    mentioned_originals = set(originals.values())
    for address in addresses:
        if address in mentioned_originals and address not in originals:
            continue  # only named as the origin of an expanded address
        block = blocks.get(address, "")
        status, reply = codes_in(block)
        shown = _strip_leading_address(block, address) if block else ""
        original = originals.get(address, address)
        if original in seen:
            continue
        seen.add(original)
        record = Record(
            address=original,
            action=action,
            status=status,
            reply_code=reply,
            evidence=block,
            shown=shown,
            original_recipient=original,
            final_recipient=address if original != address else None,
        )
        recipients.append(to_failure(record, notice, fallback, final=kind == FAILURE))
    unattributed = None
    if not recipients:
        unattributed = to_failure(
            Record(action=action), notice, fallback, final=kind == FAILURE
        )
    return BounceResult(
        is_bounce=kind == FAILURE,
        kind=kind,
        recipients=recipients,
        unattributed=unattributed,
        parser=NAME,
    )


def _bare_names(msg, notice):
    """AOL-style recipients listed by mailbox name only, completed with the domain."""
    _name, sender = parseaddr(header(msg, "From"))
    if "@" not in sender:
        return []
    domain = site_domain(sender.rsplit("@", 1)[1])
    lines = notice.split("\n")
    names = []
    for index in range(1, len(lines)):
        previous = lines[index - 1].strip().lower()
        if not previous.endswith(":") or not re.search(r"recipient|address", previous):
            continue
        for line in lines[index:]:
            match = _BARE_NAME_LINE.match(line)
            if not match:
                break
            address = normalise_address(f"{match.group(1)}@{domain}")
            if address and address not in names:
                names.append(address)
    return names
