"""Split, validate and normalise lists of e-mail addresses.

Addresses come from people (directory files, form fields, invoice fields) and
end up in the ``To``/``Cc`` headers of outgoing mail, so this module is the
gate against header injection: anything with a line break or another control
character, angle brackets, quotes or a display name is refused, and only a
bare ``local@domain`` that `email-validator` accepts (syntax only, never DNS)
gets through.

Text that a mail library may decode later is refused too: Python's ``email``
package decodes RFC 2047 encoded words (``=?utf-8?q?a=0D=0A...?=``) found in
an address header, which let a dot-atom-looking address smuggle a line break,
an injected header or a body line to the SMTP server.  So any ``=?`` or
``?=`` (a whole or broken encoded word) and any quoted-printable or percent
escape of a control character (``=0D``, ``%0a``, ``=C2=85``) is refused.

Only ASCII addresses are accepted: Odoo hands mail to the SMTP server without
SMTPUTF8, so a non-ASCII local part cannot be delivered and an international
domain name must be written in its ASCII (``xn--``) form; the refusal of a
Unicode domain names that form.  Addresses are stored and returned in ASCII.

Lists are written the way the seed services accept them: addresses separated
by whitespace, ``;`` or ``,`` in any mix.  An empty element between two
punctuation separators (``a@x.fi,,b@x.fi``) is an error rather than silently
skipped, because the services' documentation calls an extra comma an error
(seed 03) and it often means an address was deleted by mistake.

Speed: a directory file of 100 000 rows is checked in one request, and
``validate_email`` costs some 70 µs per address, mostly spent splitting the
address character by character (to find display names and quoted local parts,
both refused here beforehand) and validating the domain through IDNA.  For
plain ASCII addresses the two halves are therefore checked directly with
email-validator's own rules: its dot-atom expression for the local part and
its domain validator, cached since domains repeat.  Everything else
(non-ASCII, anything the fast path does not accept outright) goes through the
full ``validate_email``, which stays the judge of syntax and the author of
every syntax error reason.  Whole verdicts are cached too (addresses repeat
across rows, imports and routing).
"""

import functools
import re

from email_validator import EmailNotValidError, validate_email

from .i18n import CoreMessage, _

try:
    from email_validator.rfc_constants import (
        CASE_INSENSITIVE_MAILBOX_NAMES,
        DOT_ATOM_TEXT,
    )
    from email_validator.syntax import validate_email_domain_name
except ImportError:  # pragma: no cover - another email-validator layout
    validate_email_domain_name = DOT_ATOM_TEXT = None
    CASE_INSENSITIVE_MAILBOX_NAMES = ()

_CASE_INSENSITIVE = frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)
_CASE_INSENSITIVE_LONGEST = max(map(len, _CASE_INSENSITIVE), default=0)
_FAST_PATH = DOT_ATOM_TEXT is not None

MAX_ADDRESS_LENGTH = 254

_TOKEN = re.compile(r"[;,]|[^\s;,]+")
# "Name <a@x.fi>" or "<a@x.fi>" as mail programs copy it: refused as one
# element with the address shown, not split into "Name" and "<a@x.fi>".
_NAMED = "\x00named\x00"
# The name and the blanks before "<" are bounded: unbounded, every start in a
# long cell without a closing address ran to its end (quadratic: 14 s for one
# 32 767-character cell).
_DISPLAY_NAME = re.compile(
    r"([^<>;,@\s][^<>;,@]{0,254}?)?\s{0,64}<([^<>\s;,]+@[^<>\s;,]+)>"
)
# C0 and C1 controls (CR, LF, NUL, TAB, ESC, NEL, ...) and the Unicode line and
# paragraph separators: none belongs in an address, all can break a header.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_UNSAFE = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029<>"]')
_DISPLAY_LIMIT = 80
# RFC 2047 encoded words, whole or broken: Python's email package decodes them.
_ENCODED_WORD = re.compile(r"=\?|\?=")
# Quoted-printable or percent escapes of C0/C1 controls, DEL, U+2028/U+2029.
_ENCODED_CONTROL = re.compile(
    r"[=%](?:[01][0-9a-f]|7f)|[=%]c2[=%][89][0-9a-f]|[=%]e2[=%]80[=%]a[89]",
    re.IGNORECASE,
)


class AddressError(ValueError):
    """An address (or an element of an address list) that cannot be used.

    ``address`` is the offending text as typed (empty for an empty element);
    ``message`` the translatable :class:`~.i18n.CoreMessage`; ``str()`` gives
    the English text.
    """

    def __init__(self, address, message):
        super().__init__(str(message))
        self.address = address
        self.message = message


def display_address(text):
    """Make *text* safe to show inside a message.

    Control characters are shown escaped (``\\r``, ``\\x00``) so that an
    error message never carries the line break it complains about, and very
    long input is shortened.
    """
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)
    if len(text) > _DISPLAY_LIMIT:
        text = text[: _DISPLAY_LIMIT - 1] + "…"
    return text


def _invalid(address, reason):
    return AddressError(
        address,
        CoreMessage(
            _("Invalid address %(address)s: %(reason)s"),
            address=display_address(address),
            reason=reason,
        ),
    )


def _empty_element(text, start, end):
    """The error for an empty element; *start*/*end* delimit the separators."""
    context = text[max(0, start - 30) : end + 30].strip()
    return AddressError(
        "",
        CoreMessage(
            _(
                "Empty address between two separators (an extra comma or "
                "semicolon): %(text)s"
            ),
            text=display_address(context),
        ),
    )


def _split(text):
    """Split *text*; returns ``(elements, errors)`` with every empty element."""
    if not text:
        return [], []
    if ";" not in text and "," not in text:
        return text.split(), []
    elements, errors = [], []
    previous = None  # the last punctuation separator, if nothing came after it
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ";,":
            if previous is not None:
                errors.append(_empty_element(text, previous.start(), match.end()))
            previous = match
        else:
            elements.append(token)
            previous = None
    return elements, errors


def split_addresses(text):
    """Split an address list on whitespace, ``;`` and ``,``.

    Whitespace around a punctuation separator is part of it; a separator at
    the start or the end is tolerated (``a@x.fi;`` is common in mail clients);
    two punctuation separators with nothing between them raise
    :class:`AddressError`.  The elements are returned as typed, not validated.
    """
    elements, errors = _split(text)
    if errors:
        raise errors[0]
    return elements


@functools.lru_cache(maxsize=8192)
def _domain(domain):
    """email-validator's verdict on a domain, cached: domains repeat a lot.

    Returns the normalised domain, or None when the full validation must
    give the reason.
    """
    try:
        info = validate_email_domain_name(domain)
    except EmailNotValidError:
        return None
    return info["domain"]


def _fast_syntax(address):
    """Accept a plain ASCII address with email-validator's own rules.

    Returns the normalised address, or None when undecided: the caller then
    runs the full ``validate_email``.  It only ever accepts what
    ``validate_email`` accepts (``tests_core`` compares both): the address is
    ASCII (no Unicode normalisation), has no quotes or brackets (so the first
    ``@`` splits it exactly as email-validator does), its local part matches
    email-validator's dot-atom expression (the branch of its local-part
    validator that returns the part unchanged) and is not a case-insensitive
    mailbox name, and the normalised domain stays ASCII, so every length
    equals ``len(address)``.
    """
    if not _FAST_PATH or not address.isascii() or len(address) > MAX_ADDRESS_LENGTH:
        return None
    local, at, domain = address.partition("@")
    if not at or not DOT_ATOM_TEXT.match(local):
        return None
    if len(local) <= _CASE_INSENSITIVE_LONGEST and local.lower() in _CASE_INSENSITIVE:
        return None
    normalized_domain = _domain(domain)
    if normalized_domain is None or not normalized_domain.isascii():
        return None
    return f"{local}@{normalized_domain}"


@functools.lru_cache(maxsize=65536)
def _syntax(address):
    """Return ``(normalised, None)`` or ``(None, reason)`` for a bare address.

    Encoded words and encoded controls are refused first (a dot-atom may
    hold ``=``, ``?`` and ``%``, so the fast path would accept them).  The
    other refusals of this module come before email-validator's verdict, but
    after the fast path: nothing it accepts can hold a control character,
    a bracket or a quote (none is allowed in a dot-atom or a host name), or
    a non-ASCII character.
    """
    reason = _encoded_reason(address)
    if reason is not None:
        return None, reason
    normalized = _fast_syntax(address)
    if normalized is not None:
        return normalized, None
    if _UNSAFE.search(address):
        return None, _unsafe_reason(address)
    try:
        info = validate_email(
            address,
            check_deliverability=False,
            allow_smtputf8=True,
            allow_display_name=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
        )
    except EmailNotValidError as err:
        return None, str(err)
    if not info.local_part.isascii():
        return None, CoreMessage(
            _(
                "letters outside ASCII before the @-sign cannot be sent by this "
                "mail server (no SMTPUTF8); use an address written in ASCII only."
            )
        )
    if not address.isascii():
        return None, CoreMessage(
            _(
                "international domain names are not supported; write the domain "
                "in its ASCII (xn--) form: %(ascii)s"
            ),
            ascii=info.ascii_email,
        )
    return info.ascii_email, None


def _encoded_reason(address):
    """The refusal of an encoded word or an encoded control, or None."""
    if "=" not in address and "%" not in address:
        return None  # every pattern below holds one of them
    if _ENCODED_WORD.search(address):
        return CoreMessage(
            _(
                "it contains an encoded word (=?…?=), which mail programs decode "
                "into other text; write the address in plain characters."
            )
        )
    match = _ENCODED_CONTROL.search(address)
    if match:
        return CoreMessage(
            _(
                "it contains %(sequence)s, the encoded form of a line break or "
                "another control character."
            ),
            sequence=match.group(),
        )
    return None


def _unsafe_reason(text):
    if _CONTROL.search(text):
        return CoreMessage(_("it contains a line break or another control character."))
    if '"' in text:
        return CoreMessage(_("quotation marks are not allowed."))
    return CoreMessage(
        _("angle brackets and names are not allowed, write only the address.")
    )


def normalize_address(address):
    """Validate one address and return its normalised form.

    Surrounding spaces and tabs are stripped; line breaks are not, even at
    the ends, since an address carrying one is suspect wherever it came from.
    Refused with :class:`AddressError` naming the reason: control characters,
    encoded words and encoded controls, angle brackets (``Name <a@x.fi>``),
    quotes, non-ASCII characters, and whatever email-validator rejects.  The
    result is email-validator's ASCII form: the domain lower-cased (an
    ``xn--`` domain stays in that form), the local part as typed.
    """
    text = address.strip(" \t")
    if not text:
        raise AddressError(address, CoreMessage(_("The address is empty.")))
    normalized, reason = _syntax(text)
    if reason is not None:
        raise _invalid(text, reason)
    return normalized


def check_addresses(text):
    """Split, validate and de-duplicate an address list, collecting problems.

    Returns ``(addresses, errors)``: the normalised addresses in the order
    first typed, without case-insensitive duplicates, and every
    :class:`AddressError` found (empty elements first, then invalid addresses
    in order).  Callers that must report every problem at once (directory
    files) use this; :func:`parse_addresses` stops at the first.
    """
    named = []
    if text and "<" in text:
        # Each one stands in the list as one element, in its place.
        named = [_display_name_error(match) for match in _DISPLAY_NAME.finditer(text)]
        text = _DISPLAY_NAME.sub(_NAMED, text)
    elements, errors = _split(text)
    addresses, seen = [], None
    for element in elements:
        if element == _NAMED:
            errors.append(named.pop(0))
            continue
        # Elements hold no whitespace: what normalize_address strips is gone.
        normalized, reason = _syntax(element)
        if reason is not None:
            errors.append(_invalid(element, reason))
            continue
        if addresses:
            if seen is None:
                seen = {address.lower() for address in addresses}
            key = normalized.lower()
            if key in seen:
                continue
            seen.add(key)
        addresses.append(normalized)
    return addresses, errors


def _display_name_error(match):
    return AddressError(
        match.group(),
        CoreMessage(
            _(
                "Invalid address %(text)s: display names and angle brackets are "
                "not accepted; write only the address %(address)s."
            ),
            text=display_address(match.group().strip()),
            address=display_address(match.group(2)),
        ),
    )


def parse_addresses(text):
    """Like :func:`check_addresses` but raise the first :class:`AddressError`."""
    addresses, errors = check_addresses(text)
    if errors:
        raise errors[0]
    return addresses


def format_addresses(addresses):
    """The storage and display form of an address list: ``a@x.fi, b@y.fi``.

    Valid as a ``To``/``Cc`` header value and read back unchanged by
    :func:`parse_addresses`, so stored values can be split on ``", "``.
    """
    return ", ".join(addresses)
