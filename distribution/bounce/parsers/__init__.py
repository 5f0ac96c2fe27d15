"""The registry of bounce parsers, tried in order; the first that recognises
the message answers.

Each parser is a module with ``NAME`` and ``parse(envelope)`` returning a
:class:`~..model.BounceResult` or None (not its format).  Specific formats
come first; the generic RFC 3464 parser reads every other DSN; the
plain-text parser, last, reads what is left.
"""

from . import arf, exim, listmanager, mdn, postfix, rfc3464, ses, text

PARSERS = (ses, arf, exim, rfc3464, postfix, mdn, listmanager, text)

__all__ = ["PARSERS"]
