# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Odoo side of the address gate.

Every address that can end up in a header of a distributed invoice (To, Cc,
Reply-To, From) goes through the core validator ``distribution.addresses``,
here, whether it comes from the directory, the import wizard, the invoice,
the settings, or a stored record at send time.  On top of it, RFC 2047
encoded words (``=?charset?q?…?=``) are refused: mail libraries decode them
while rebuilding headers, which is how a line break gets smuggled in.
"""

import re

from odoo.exceptions import ValidationError

from ..distribution.addresses import AddressError, parse_addresses

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _refusal(env, addresses):
    for address in addresses:
        if "=?" in address:
            return env._(
                "%(address)s contains an encoded word (=?…?=), which is not "
                "allowed in an address.",
                address=address,
            )
    return None


def checked_addresses(env, value, label):
    """The validated addresses of *value*, or a ValidationError naming *label*."""
    try:
        addresses = parse_addresses(value or "")
    except AddressError as err:
        raise ValidationError(
            env._(
                "%(field)s: %(reason)s",
                field=label,
                reason=err.message.translate(env._),
            )
        ) from err
    reason = _refusal(env, addresses)
    if reason:
        raise ValidationError(
            env._("%(field)s: %(reason)s", field=label, reason=reason)
        )
    return addresses


def address_refusal(env, address):
    """Why *address* must not go into a header, or None (send-time gate)."""
    try:
        addresses = parse_addresses(address or "")
    except AddressError as err:
        return err.message.translate(env._)
    if len(addresses) != 1:
        return env._("%(address)s is not exactly one address.", address=address)
    return _refusal(env, addresses)


def display_name_refusal(env, name):
    """Why a display name (the sender name) must not go into From, or None."""
    if name and (_CONTROL.search(name) or "=?" in name):
        return env._(
            "the sender name contains a line break, another control character "
            "or an encoded word (=?…?=)."
        )
    return None
