# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _routing_handle_bounce(self, email_message, message_dict):
        """Let e-mail distribution read the bounce before Odoo's own handling."""
        self.env["email.distribution.delivery"].sudo()._process_bounce(
            email_message, message_dict
        )
        return super()._routing_handle_bounce(email_message, message_dict)
