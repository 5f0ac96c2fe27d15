"""The registry of bounce parsers, tried in order; the first that recognises
the message answers.

Each parser is a module with ``NAME`` and ``parse(envelope)`` returning a
:class:`~..model.BounceResult` or None (not its format).  Specific formats
come first; the generic RFC 3464 parser reads every other DSN; the notice
texts of Postfix, qmail, Sendmail, Courier, OpenSMTPD, Yahoo, Gmail, Exchange,
Domino and Postal are read only in messages without a DSN part; the plain-text
parser, last, reads what is left (after the challenge-response requests and
the refusals of an Odoo database's mail gateway).
"""

from . import (
    arf,
    challenge,
    courier,
    domino,
    exchange,
    exim,
    gmail,
    listmanager,
    mdn,
    odoo,
    opensmtpd,
    postal,
    postfix,
    qmail,
    rfc3464,
    sendmail,
    ses,
    text,
    yahoo,
)

PARSERS = (
    ses,
    arf,
    exim,
    rfc3464,
    postfix,
    qmail,
    sendmail,
    courier,
    opensmtpd,
    yahoo,
    gmail,
    exchange,
    domino,
    postal,
    mdn,
    listmanager,
    challenge,
    odoo,
    text,
)

__all__ = ["PARSERS"]
