# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import models

_logger = logging.getLogger(__name__)

# Key of cr.precommit.data: ids of mails whose delivery no longer waits for
# them (settled in this transaction).
SETTLED_MAILS = "account_email_distribution.settled_mails"
# Context key: ``((token, delivery id), ...)`` of the mails being sent by one
# ``_send`` batch, so that ``ir.mail_server.send_email`` finds each mail's
# delivery without a query per mail.
BATCH_TOKENS = "email_distribution_batch_tokens"


class BatchTokens(tuple):
    """The map under BATCH_TOKENS: only ``_send`` makes one (a context that
    comes over RPC, as JSON, cannot hold it)."""


def batch_tokens(env):
    """``{token: delivery id}`` of the mail batch being sent, or None."""
    value = env.context.get(BATCH_TOKENS)
    return dict(value) if isinstance(value, BatchTokens) else None


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _email_distribution_batch_lines(self):
        """The sending-list lines of the current attempts whose mails are
        these, with the token map ``_send`` passes on (see BATCH_TOKENS).

        A line of an earlier attempt is left out: its mail, retried from
        Odoo's mail queue by someone, must not settle the current attempt.
        """
        lines = (
            self.env["email.distribution.attempt"]
            .sudo()
            .search_fetch(
                [("delivery_id.mail_id", "in", self.ids)],
                ["correlation_token", "delivery_id", "run_id", "attempt_number"],
            )
        )._current()
        tokens = BatchTokens(
            sorted(
                {
                    (line.correlation_token, line.delivery_id.id)
                    for line in lines
                    if line.correlation_token
                }
            )
        )
        return lines, tokens

    def _send(self, auto_commit=False, raise_exception=False, **kwargs):
        """Look up the deliveries of the whole batch once, and settle their
        runs once after it (not a lookup and a count per mail)."""
        lines, tokens = self._email_distribution_batch_lines()
        if not lines:
            # Nothing of the distribution: no map either, whatever the caller's
            # context said.
            return super(MailMail, self.with_context(**{BATCH_TOKENS: None}))._send(
                auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
            )
        runs = lines.run_id
        try:
            result = super(MailMail, self.with_context(**{BATCH_TOKENS: tokens}))._send(
                auto_commit=auto_commit, raise_exception=raise_exception, **kwargs
            )
        except Exception:
            # Odoo re-raises a dropped connection (SMTPServerDisconnected) or
            # a database error; its mail cron logs it and keeps what was
            # settled, whose runs are woken all the same (unless the cursor
            # is unusable: then the sending cron's schedule closes them).
            try:
                with self.env.cr.savepoint():
                    runs._wake_when_settled()
            except Exception:  # the original error is the one to raise
                _logger.info("runs not woken after a failed mail batch", exc_info=True)
            raise
        runs._wake_when_settled()
        return result

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        """Settle the deliveries of these mails before Odoo may delete them.

        Per-recipient refusals were already recorded while sending (see
        ``ir.mail_server.send_email``); what is left here is the mail-level
        outcome: accepted, a connection problem (soft, retried), or an internal
        error (failed).
        """
        # A mail whose delivery was settled while it was sent (see
        # ir.mail_server.send_email) has no delivery left pointing at it.
        settled = self.env.cr.precommit.data.get(SETTLED_MAILS, set())
        pending = [mail_id for mail_id in self.ids if mail_id not in settled]
        deliveries = (
            self.env["email.distribution.delivery"]
            .sudo()
            .search([("mail_id", "in", pending)])
            if pending
            else self.env["email.distribution.delivery"]
        )
        for delivery in deliveries:
            reason = failure_reason or delivery.mail_id.failure_reason or failure_type
            if not failure_type:
                delivery._record_smtp_outcome()
            elif failure_type == "mail_smtp":
                delivery._record_smtp_outcome(error=ConnectionError(reason))
            else:
                delivery._record_smtp_outcome(failure=reason)
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    def _email_distribution_taken_away(self, reason):
        """These mails leave Odoo's queue unsent (cancelled or deleted by
        someone): their deliveries must not wait for them forever."""
        if self.env.context.get("email_distribution_own_cancel"):
            return
        deliveries = (
            self.env["email.distribution.delivery"]
            .sudo()
            .search([("mail_id", "in", self.ids)])
        )
        for delivery in deliveries:
            delivery._record_smtp_outcome(failure=reason)

    def cancel(self):
        self.filtered(
            lambda m: m.state in ("outgoing", "exception")
        )._email_distribution_taken_away(
            self.env._(
                "The mail was cancelled in Odoo's mail queue before it was sent."
            )
        )
        return super().cancel()

    def unlink(self):
        self.filtered(
            lambda m: m.state in ("outgoing", "exception")
        )._email_distribution_taken_away(
            self.env._(
                "The mail was deleted from Odoo's mail queue before it was sent."
            )
        )
        return super().unlink()
