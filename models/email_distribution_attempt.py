# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .email_distribution_delivery import DELIVERY_STATES

# How bad a recipient's outcome is: an event never lowers it (a later soft
# bounce does not undo a block); only a new attempt starts a new line.
LINE_RANK = {
    "queued": 0,
    "sent": 1,
    "soft_bounce": 2,
    "failed": 3,
    "hard_bounce": 4,
    "blocked": 5,
}


def summary_line(text, size=90):
    """The first line of *text*, cut at *size* characters: the list's short form."""
    line = (text or "").strip().split("\n", 1)[0].strip()
    if len(line) > size:
        line = line[: size - 1].rstrip() + "…"
    return line or False


class EmailDistributionAttempt(models.Model):
    """A line of the sending list: one attempt to one recipient.

    ``message`` keeps the exact reason (the relay's reply, a bounce's
    diagnostic, or an internal failure) and ``remedy`` what to do about it.
    """

    _name = "email.distribution.attempt"
    _description = "E-mail Distribution Sending List Line"
    _order = "id desc"

    delivery_id = fields.Many2one(
        "email.distribution.delivery", required=True, index=True, ondelete="cascade"
    )
    # Computed before the insert (precompute): no UPDATE of each new line.
    move_id = fields.Many2one(
        related="delivery_id.move_id",
        store=True,
        index=True,
        precompute=True,
        string="Invoice",
    )
    invoice_number = fields.Char(
        related="delivery_id.name",
        string="Document",
        store=True,
        index=True,
        precompute=True,
    )
    partner_id = fields.Many2one(
        related="delivery_id.partner_id",
        store=True,
        precompute=True,
        string="Customer",
    )
    company_id = fields.Many2one(
        related="delivery_id.company_id", store=True, index=True, precompute=True
    )
    run_id = fields.Many2one("email.distribution.run", readonly=True, index=True)
    attempt_number = fields.Integer(readonly=True, default=1)
    email = fields.Char(string="Address", readonly=True)
    recipient_type = fields.Selection(
        [("to", "To"), ("cc", "CC")], default="to", readonly=True
    )
    state = fields.Selection(DELIVERY_STATES, required=True, readonly=True, index=True)
    message = fields.Text(readonly=True)
    remedy = fields.Text(string="What to Do", readonly=True)
    status_code = fields.Char(string="Status", readonly=True, help="e.g. 5.1.1")
    reply_code = fields.Char(readonly=True, help="e.g. 550")
    mail_message_id = fields.Char(
        string="Message-Id", readonly=True, index=True, help="Of the mail sent."
    )
    correlation_token = fields.Char(
        readonly=True,
        index=True,
        copy=False,
        help="Random token the mail carries (header and References), so that a "
        "bounce is matched even when a relay rewrote the Message-Id.",
    )
    reason = fields.Char(
        readonly=True, help="Why the receiving side refused it, in plain words."
    )
    bounce_message_id = fields.Char(
        readonly=True, index=True, help="Message-Id of the bounce that settled it."
    )
    resolved = fields.Boolean(
        readonly=True,
        index=True,
        help="A later successful delivery made this failure obsolete.",
    )
    date_queued = fields.Datetime(string="Queued On", readonly=True)
    date_done = fields.Datetime(string="Done On", readonly=True)
    next_attempt_date = fields.Datetime(
        related="delivery_id.next_attempt_date", string="Next Retry"
    )
    message_summary = fields.Char(
        compute="_compute_summaries",
        help="First line of the message; the line's form shows all of it.",
    )
    remedy_summary = fields.Char(
        string="What to Do (Summary)",
        compute="_compute_summaries",
        help="First line of what to do; the line's form shows all of it.",
    )

    @api.depends("message", "remedy")
    def _compute_summaries(self):
        for line in self:
            line.message_summary = summary_line(line.message)
            line.remedy_summary = summary_line(line.remedy, size=60)

    def _current(self):
        """These lines that belong to their delivery's current attempt (an
        earlier attempt's lines, and its mail, no longer settle anything)."""
        return self.filtered(
            lambda line: line.attempt_number == line.delivery_id.attempt_count
        )

    def _apply_event(self, state, vals):
        """The one place a sending-list line changes state.

        Severity only goes up; returns the lines the event was applied to.
        """
        applied = self.filtered(
            lambda line: line.state in LINE_RANK
            and LINE_RANK[state] >= LINE_RANK[line.state]
        )
        applied.sudo().write(dict(vals, state=state))
        return applied

    def action_cancel(self):
        return self.delivery_id.action_cancel()

    def action_resend(self):
        deliveries = self.delivery_id
        action = None
        # Other documents (e.g. payment receipts), per model; then invoices.
        for model in dict.fromkeys(
            deliveries.filtered(lambda d: not d.move_id).mapped("res_model")
        ):
            ids = deliveries.filtered(lambda d, m=model: d.res_model == m).mapped(
                "res_id"
            )
            action = self.env[model].browse(ids).action_email_distribution_send()
        if deliveries.move_id:
            action = deliveries.move_id.action_email_distribution_resend()
        return action

    def action_preview(self):
        self.ensure_one()
        return self.delivery_id.action_preview()

    @api.model
    def _action_for(self, domain):
        """The sending list restricted to *domain*, without its default filter."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_email_distribution.email_distribution_attempt_action"
        )
        action["domain"] = domain
        action["context"] = {}
        return action
