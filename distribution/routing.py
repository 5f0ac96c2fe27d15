"""Decide where a posted document is delivered, without the ORM.

Rules, in order (seed 03, issue #3):

1. E-mail distribution off for the company: no route (``applicable`` False).
2. *Send to the e-mail address in the document* on and the document carries
   deliverable addresses: deliver there (source ``document``), no CC.
3. Otherwise *use the recipient directory* on and the directory has an entry
   for the customer number and document type with deliverable addresses:
   deliver there with its CC (source ``directory``).
4. Otherwise no route, with a reason that names what was missing.

An address is *deliverable* unless the caller lists it in *held* (blocked or
bounced permanently) with the reason; held addresses are dropped from To and
CC and reported in ``held``.  If every address of a candidate is held, the
next candidate is tried, and if none is left the reason says they were held.
"""

from dataclasses import dataclass, field

from .addresses import AddressError, parse_addresses
from .i18n import CoreMessage, _

DOCUMENT = "document"
DIRECTORY = "directory"


@dataclass(frozen=True)
class RoutingSettings:
    enabled: bool
    use_document_address: bool
    use_directory: bool


@dataclass(frozen=True)
class DirectoryEntry:
    to: tuple
    cc: tuple = ()
    format: str | None = None


@dataclass(frozen=True)
class Route:
    applicable: bool
    source: str | None = None
    to: tuple = ()
    cc: tuple = ()
    format: str | None = None
    reason: CoreMessage | None = None
    held: tuple = field(default=())  # ((address, reason), ...)

    @property
    def ok(self):
        return bool(self.to)


def _deliverable(addresses, held):
    kept, dropped = [], []
    for address in addresses:
        reason = held.get(address.lower())
        if reason is None:
            kept.append(address)
        else:
            dropped.append((address, reason))
    return tuple(kept), dropped


def route_document(settings, document_addresses, customer_number, entry, held=None):
    """Return the :class:`Route` of one document.

    *document_addresses* is the text of the document's distribution address
    field (or None); *customer_number* the customer's number (or None);
    *entry* the matching :class:`DirectoryEntry` (or None); *held* maps
    lower-cased addresses to the reason they must not be used.
    """
    held = held or {}
    if not settings.enabled:
        return Route(
            applicable=False, reason=CoreMessage(_("E-mail distribution is off."))
        )
    dropped = []
    missing = []
    if settings.use_document_address:
        try:
            addresses = parse_addresses(document_addresses or "")
        except AddressError as err:
            return Route(
                applicable=True,
                reason=CoreMessage(
                    _("The address in the document is invalid: %(reason)s"),
                    reason=str(err),
                ),
            )
        if addresses:
            to, held_here = _deliverable(addresses, held)
            dropped += held_here
            if to:
                return Route(True, DOCUMENT, to, (), None, None, tuple(dropped))
        else:
            missing.append(CoreMessage(_("no address in the document")))
    if settings.use_directory:
        if not customer_number:
            missing.append(CoreMessage(_("the customer has no customer number")))
        elif entry is None:
            missing.append(
                CoreMessage(
                    _("no directory entry for customer number %(number)s"),
                    number=customer_number,
                )
            )
        else:
            to, held_to = _deliverable(entry.to, held)
            cc, held_cc = _deliverable(entry.cc, held)
            dropped += held_to + held_cc
            if to:
                return Route(
                    True, DIRECTORY, to, cc, entry.format, None, tuple(dropped)
                )
    if dropped:
        reason = CoreMessage(
            _("Every address is held: %(addresses)s"),
            addresses="; ".join(f"{address} ({why})" for address, why in dropped),
        )
    elif missing:
        while len(missing) > 1:
            missing[-2:] = [
                CoreMessage(
                    _("%(first)s and %(second)s"), first=missing[-2], second=missing[-1]
                )
            ]
        reason = CoreMessage(_("No route: %(missing)s."), missing=missing[0])
    else:
        reason = CoreMessage(
            _("No route: neither the document address nor the directory is enabled.")
        )
    return Route(applicable=True, reason=reason, held=tuple(dropped))
