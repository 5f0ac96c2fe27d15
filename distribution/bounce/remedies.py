"""What the accountant should do about each reason (translatable).

Each reason of :mod:`.reasons` has its own advice, a
:class:`~distribution.i18n.CoreMessage` that the Odoo layer translates with
``env._``.  Refusals of our sender, server or IP say so: they are a
company-wide problem for the administrator, not the customer's address.
"""

from ..i18n import CoreMessage, _
from .model import BLOCKED, HARD, SOFT
from .reasons import REASONS, explain

_HARD_GENERIC = _("Confirm the correct address with the customer, then resend.")
_SOFT_GENERIC = _(
    "The recipient's mail server had a temporary problem: the delivery is "
    "retried automatically; if it keeps failing ask the customer to "
    "contact their IT."
)
_BLOCKED_GENERIC = _(
    "The address refused our mail (spam or policy block): ask the customer "
    "to allow the sender address, then unblock the address and resend."
)
_CONTENT = _(
    "The receiving server refused the message itself (spam or content "
    "filter): check the text and attachments, ask the customer to allow the "
    "sender address, then resend."
)
_SERVER = _(
    "The receiving server refused our sending server (reputation, reverse DNS "
    "or host name): this is not the customer's address; ask your "
    "administrator to check the outgoing mail server."
)

TEMPLATES = {
    "mailbox_unknown": _HARD_GENERIC,
    "recipient_rejected": _HARD_GENERIC,
    "bad_address": _HARD_GENERIC,
    "unroutable": _HARD_GENERIC,
    "domain_unknown": _(
        "The address's domain does not exist: confirm the correct address "
        "with the customer, then resend."
    ),
    "null_mx": _(
        "The address's domain accepts no e-mail at all: ask the customer for "
        "another address, then resend."
    ),
    "mailbox_disabled": _(
        "The mailbox is disabled or closed: ask the customer for their current "
        "address, then resend."
    ),
    "mailbox_moved": _(
        "The address has moved: ask the customer for their new address, then resend."
    ),
    "mailbox_full": _(
        "The customer's mailbox is full: the delivery is retried automatically; "
        "if it keeps failing ask the customer to free space."
    ),
    "message_too_large": _(
        "The message is too large for the customer's mail server: send a "
        "smaller attachment or ask the customer to raise their limit."
    ),
    "greylisted": _SOFT_GENERIC,
    "server_trouble": _SOFT_GENERIC,
    "expired": _SOFT_GENERIC,
    "local_error": _SOFT_GENERIC,
    "delayed": _(
        "The delivery is delayed: the receiving side keeps trying, nothing to "
        "do yet."
    ),
    "rate_limited": _(
        "The customer's mail server limits how fast it accepts our mail: the "
        "delivery is retried automatically later."
    ),
    "tls_required": _(
        "The customer's mail server requires an encrypted connection: ask your "
        "administrator to enable TLS on the outgoing mail server."
    ),
    "too_many_recipients": _(
        "Too many recipients in one message: send to fewer recipients at a time."
    ),
    "undetermined": _(
        "The receiving server refused the mail without giving a reason: it is "
        "retried automatically; if it fails again, check the address with the "
        "customer."
    ),
    "spam_content": _CONTENT,
    "virus": _(
        "The receiving server found a virus or phishing in the message: check "
        "the attachment and our outgoing mail, then resend."
    ),
    "content_rejected": _CONTENT,
    "policy": _BLOCKED_GENERIC,
    "recipient_refuses": _BLOCKED_GENERIC,
    "blocklisted": _(
        "Our sending server is on the %(blocklist)s block list (not a problem of "
        "the customer's address): ask your administrator to request removal; "
        "meanwhile the customer's IT can allow the sender address."
    ),
    "reputation": _SERVER,
    "ip_rejected": _SERVER,
    "sender_rejected": _(
        "The receiving server refused our sender address or its domain: ask "
        "your administrator to check the sender address and its domain's DNS."
    ),
    "auth_failed": _(
        "The receiving server could not authenticate our mail (SPF, DKIM or "
        "DMARC): ask your administrator to publish SPF and DKIM for the sender "
        "domain."
    ),
    "auth_required": _(
        "The receiving server requires authenticated mail (SPF, DKIM or "
        "DMARC): ask your administrator to publish SPF and DKIM for the sender "
        "domain."
    ),
    "relay_denied": _(
        "The customer's mail server does not accept mail for this address "
        "(relaying denied): confirm the address and the customer's mail set-up, "
        "then resend."
    ),
    "not_member": _(
        "The address is a mailing list that accepts only its members: ask the "
        "customer for a personal address or to allow the sender."
    ),
    "challenge_response": _(
        "The customer uses a challenge-response filter: ask them to allow the "
        "sender address, then resend."
    ),
}
_BLOCKLIST_UNNAMED = _(
    "Our sending server is on a block list (not a problem of the customer's "
    "address): ask your administrator to find which one and request removal; "
    "meanwhile the customer's IT can allow the sender address."
)


def _blocklisted(name):
    if name:
        return CoreMessage(TEMPLATES["blocklisted"], blocklist=name)
    return CoreMessage(_BLOCKLIST_UNNAMED)


def remedy_for(recipient):
    """The advice for one :class:`~.model.RecipientFailure` (or None: an
    unexplained failure)."""
    if recipient is None:
        return CoreMessage(TEMPLATES["undetermined"])
    template = TEMPLATES.get(recipient.reason)
    if template is None:
        return remedy(recipient.category)
    if recipient.reason == "blocklisted":
        return _blocklisted(recipient.blocklist)
    return CoreMessage(template)


def remedy(category, status=None, reply_code=None, diagnostic=""):
    """The advice shown to the accountant for a failure, or None.

    Kept for callers that know only the codes: the reason is worked out from
    them (:func:`.reasons.explain`); when it disagrees with *category* (set
    by the caller) the category's general advice is given.  ``None`` for
    ``"none"`` or an unknown category.
    """
    if category not in (HARD, SOFT, BLOCKED):
        return None
    verdict = explain(status, reply_code, diagnostic or "")
    if verdict.category == category and verdict.code != "undetermined":
        if verdict.code == "blocklisted":
            return _blocklisted(verdict.blocklist)
        return CoreMessage(TEMPLATES[verdict.code])
    return CoreMessage(
        {HARD: _HARD_GENERIC, SOFT: _SOFT_GENERIC, BLOCKED: _BLOCKED_GENERIC}[category]
    )


assert set(TEMPLATES) >= set(REASONS)
