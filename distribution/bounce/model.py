"""Result types of the bounce classifier: plain data for the Odoo layer."""

from dataclasses import dataclass, field

HARD = "hard"
SOFT = "soft"
BLOCKED = "blocked"
NONE = "none"
CATEGORIES = (HARD, SOFT, BLOCKED)

FAILURE = "failure"
DELAY = "delay"
AUTOREPLY = "autoreply"
KINDS = (FAILURE, DELAY, AUTOREPLY, NONE)

SEVERITY = {BLOCKED: 3, HARD: 2, SOFT: 1}


@dataclass
class RecipientFailure:
    """One recipient of a bounce, with the evidence about it.

    ``address`` is the address we sent to (``Original-Recipient``, else the
    final recipient), lower-cased without angle brackets; it is ``""`` only
    for :attr:`BounceResult.unattributed` evidence.  Added for the Odoo
    layer:

    ``reason``
        a stable code from :data:`.reasons.REASONS` (``mailbox_unknown``,
        ``blocklisted``, ``auth_failed``, ``undetermined``...);
    ``scope``
        whom the refusal concerns: ``recipient`` (the address: hold it only
        for these and for hard reasons), ``sender`` (our address, domain,
        server or IP: a company-wide problem) or ``message`` (its content);
    ``stage``
        the SMTP command refused (``connect``, ``helo``, ``mail``, ``rcpt``,
        ``data``) or None;
    ``original_recipient`` / ``final_recipient``
        both addresses of the DSN when it gives them (None otherwise);
    ``remote_mta``
        the server that refused, when the bounce names it;
    ``blocklist``
        the block list named by a ``blocklisted`` refusal, or None;
    ``tier``
        which evidence decided: vendor, status, phrase, reply, stage, class.
    """

    address: str
    category: str
    status: str | None = None
    reply_code: str | None = None
    diagnostic: str = ""
    action: str | None = None
    reason: str = "undetermined"
    scope: str = "recipient"
    stage: str | None = None
    original_recipient: str | None = None
    final_recipient: str | None = None
    remote_mta: str | None = None
    blocklist: str | None = None
    tier: str | None = None

    def decided_by(self, reason, tier="vendor"):
        """Take *reason* (a :class:`~.reasons.Reason`) as the verdict: a
        parser that knows its format's meaning better than the table."""
        self.reason, self.category, self.scope = (
            reason.code,
            reason.category,
            reason.scope,
        )
        self.tier = tier

    @property
    def holds_address(self):
        """True when the address itself should be held: a hard reason, or a
        block of this recipient (not of our sender, server or message)."""
        return self.category == HARD or (
            self.category == BLOCKED and self.scope == "recipient"
        )

    @property
    def command(self):
        """Alias of :attr:`stage` (the SMTP command that was refused)."""
        return self.stage

    @property
    def remedy(self):
        """The advice for this recipient (:func:`.remedies.remedy_for`)."""
        from .remedies import remedy_for

        return remedy_for(self)

    def to_dict(self):
        return {
            "address": self.address,
            "category": self.category,
            "status": self.status,
            "reply_code": self.reply_code,
            "diagnostic": self.diagnostic,
            "action": self.action,
            "reason": self.reason,
            "scope": self.scope,
            "stage": self.stage,
            "original_recipient": self.original_recipient,
            "final_recipient": self.final_recipient,
            "remote_mta": self.remote_mta,
            "blocklist": self.blocklist,
            "holds_address": self.holds_address,
        }


@dataclass
class BounceResult:
    """What a returned message says.

    ``unattributed`` holds the failure evidence of a bounce that names no
    (valid) recipient, so that such a bounce still has a category.  ``parser``
    names the parser of :mod:`.parsers` that read it.
    """

    is_bounce: bool
    kind: str
    recipients: list[RecipientFailure] = field(default_factory=list)
    original_message_id: str | None = None
    unattributed: RecipientFailure | None = None
    parser: str | None = None

    @property
    def worst(self):
        """The most severe recipient (blocked > hard > soft), or None."""
        candidates = self.recipients or (
            [self.unattributed] if self.unattributed else []
        )
        best = None
        for candidate in candidates:
            if best is None or SEVERITY.get(candidate.category, 0) > SEVERITY.get(
                best.category, 0
            ):
                best = candidate
        return best

    @property
    def category(self):
        """``hard``/``soft``/``blocked`` for a failure, ``soft`` for a delay
        (the remote side is still retrying), else ``none``."""
        if self.kind == DELAY:
            return SOFT
        if self.kind != FAILURE:
            return NONE
        worst = self.worst
        return worst.category if worst else SOFT

    def _worst_attr(self, name, default=None):
        worst = self.worst
        return getattr(worst, name) if worst else default

    @property
    def status(self):
        return self._worst_attr("status")

    @property
    def reply_code(self):
        return self._worst_attr("reply_code")

    @property
    def diagnostic(self):
        return self._worst_attr("diagnostic", "")

    @property
    def reason(self):
        """Reason code of the most severe recipient (``delayed`` for a delay
        without one), or None when not a failure or delay."""
        if self.kind not in (FAILURE, DELAY):
            return None
        return self._worst_attr("reason", "delayed" if self.kind == DELAY else None)

    @property
    def scope(self):
        if self.kind not in (FAILURE, DELAY):
            return None
        return self._worst_attr("scope")

    @property
    def stage(self):
        return self._worst_attr("stage")

    @property
    def addresses(self):
        return [recipient.address for recipient in self.recipients]

    @property
    def remedy(self):
        """The advice for the accountant, or None when not a failure."""
        if self.kind != FAILURE:
            return None
        from .remedies import remedy_for

        worst = self.worst
        if worst is None:
            return remedy_for(None)
        return remedy_for(worst)

    def to_dict(self, file=None):
        remedy = self.remedy
        return {
            "file": file,
            "is_bounce": self.is_bounce,
            "category": self.category,
            "recipients": self.addresses,
            "status": self.status,
            "reply_code": self.reply_code,
            "diagnostic": self.diagnostic,
            "original_message_id": self.original_message_id,
            "kind": self.kind,
            "reason": self.reason,
            "scope": self.scope,
            "stage": self.stage,
            "remedy": str(remedy) if remedy is not None else None,
            "parser": self.parser,
            "details": [recipient.to_dict() for recipient in self.recipients],
        }
