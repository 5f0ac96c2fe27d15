# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_date


class EmailDistributionAddress(models.Model):
    """An address e-mail distribution holds back, per company.

    *Hard bounce*: the address does not exist; deliveries to it are skipped
    until someone edits the address or clears the flag.  *Blocked*: the
    receiving side refused our mail as spam or by policy; deliveries are held
    until a manager unblocks it.  Cleared flags stay archived as a log of who
    cleared them and when.
    """

    _name = "email.distribution.address"
    _description = "E-mail Distribution Held Address"
    _order = "date desc, id desc"
    _rec_name = "email"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    email = fields.Char(required=True, index=True, readonly=True)
    state = fields.Selection(
        [("hard_bounce", "Bounced permanently"), ("blocked", "Blocked")],
        required=True,
        readonly=True,
    )
    active = fields.Boolean(default=True, readonly=True)
    reason = fields.Text(readonly=True, help="The diagnostic that flagged it.")
    status_code = fields.Char(readonly=True)
    date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    delivery_id = fields.Many2one(
        "email.distribution.delivery", readonly=True, ondelete="set null"
    )
    cleared_by_id = fields.Many2one("res.users", readonly=True)
    cleared_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "active_uniq",
            "EXCLUDE (company_id WITH =, email WITH =) WHERE (active) "
            "DEFERRABLE INITIALLY DEFERRED",
            "An address can be held only once per company.",
        )
    ]

    def _hold_reason(self):
        self.ensure_one()
        if self.state == "blocked":
            return self.env._("Email was blocked")
        if not self.reason:
            return self.env._(
                "address bounced permanently on %(date)s",
                date=format_date(self.env, self.date),
            )
        return self.env._(
            "address bounced permanently on %(date)s: %(diagnostic)s",
            date=format_date(self.env, self.date),
            diagnostic=self.reason,
        )

    @api.model
    def _held_map(self, companies):
        """{company id: {address: reason}} of the active holds, in one query."""
        held = {}
        for flag in self.sudo().search([("company_id", "in", companies.ids)]):
            held.setdefault(flag.company_id.id, {})[flag.email] = flag._hold_reason()
        return held

    @api.model
    def _flag(self, company, email, state, reason, status=None, delivery=None):
        """Hold *email*; a block outranks a hard bounce already recorded."""
        email = email.lower()
        current = self.sudo().search(
            [("company_id", "=", company.id), ("email", "=", email)], limit=1
        )
        if current and (current.state == "blocked" or state == "hard_bounce"):
            current.write(
                {"reason": reason, "status_code": status, "date": fields.Datetime.now()}
            )
            return current
        current.write({"active": False})
        return self.sudo().create(
            {
                "company_id": company.id,
                "email": email,
                "state": state,
                "reason": reason,
                "status_code": status,
                "delivery_id": delivery.id if delivery else False,
            }
        )

    @api.model
    def _clear_hard_bounces(self, companies, emails):
        """Someone edited these addresses: give them another chance."""
        emails = [email.lower() for email in emails if email]
        if not emails:
            return
        flags = self.sudo().search(
            [
                ("company_id", "in", companies.ids),
                ("email", "in", emails),
                ("state", "=", "hard_bounce"),
            ]
        )
        flags._clear()

    def _clear(self):
        self.write(
            {
                "active": False,
                "cleared_by_id": self.env.user.id,
                "cleared_date": fields.Datetime.now(),
            }
        )

    def action_clear(self):
        """Clear a flag; unblocking is for accounting managers only.

        Held addresses are read-only for users: this method is the only way to
        clear one, and it records who did it and when.
        """
        if not self.env.su:
            if not self.env.user.has_group("account.group_account_invoice"):
                raise AccessError(
                    self.env._("Only invoicing users can clear a held address.")
                )
            if self.filtered(
                lambda f: f.state == "blocked"
            ) and not self.env.user.has_group("account.group_account_manager"):
                raise AccessError(
                    self.env._("Only accounting managers can unblock an address.")
                )
            self.check_access("read")
        self.sudo()._clear()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Held Addresses"),
                "message": self.env._(
                    "Cleared: %(addresses)s. Later deliveries use them again; "
                    "resend the invoices that skipped them.",
                    addresses=", ".join(self.mapped("email")),
                ),
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
