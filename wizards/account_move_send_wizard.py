# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class AccountMoveSendWizard(models.TransientModel):
    """The Send wizard of a distributed invoice: e-mail goes through e-mail
    distribution, so its own composer (To, subject, body) is hidden and the
    alert says where the distribution sends the invoice."""

    _inherit = "account.move.send.wizard"

    email_distribution_applies = fields.Boolean(
        compute="_compute_email_distribution_status"
    )
    email_distribution_delivered = fields.Boolean(
        compute="_compute_email_distribution_status"
    )
    email_distribution_resend = fields.Boolean(
        string="Send Again by E-mail Distribution",
        help="This invoice was already delivered by e-mail distribution. Tick "
        "to queue a new delivery to the addresses it routes to now.",
    )

    @api.depends("move_id")
    def _compute_email_distribution_status(self):
        for wizard in self:
            applies = self._email_distribution_applies(wizard.move_id)
            wizard.email_distribution_applies = applies
            wizard.email_distribution_delivered = (
                applies and self._email_distribution_status(wizard.move_id)[1] == "sent"
            )

    def _get_sending_settings(self):
        settings = super()._get_sending_settings()
        settings["email_distribution_resend"] = self.email_distribution_resend
        return settings
