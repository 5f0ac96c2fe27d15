# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

# As the invoices' "Failed Deliveries" filter: a soft bounce is still retried.
FAILED_STATES = ("hard_bounce", "blocked", "failed", "no_route")


class AccountJournal(models.Model):
    _inherit = "account.journal"

    def _fill_sale_purchase_dashboard_data(self, dashboard_data):
        """Sale journals: how many posted invoices failed to reach a customer."""
        res = super()._fill_sale_purchase_dashboard_data(dashboard_data)
        sale = self.filtered(lambda j: j.type == "sale")
        if sale:
            sale._fill_dashboard_data_count(
                dashboard_data,
                "account.move",
                "email_distribution_failed_count",
                [
                    ("state", "=", "posted"),
                    ("email_distribution_state", "in", FAILED_STATES),
                ],
            )
        return res

    def action_email_distribution_open_failed(self):
        """The journal's invoices whose e-mail delivery failed."""
        self.ensure_one()
        return self.with_context(
            search_default_email_distribution_failed=1, search_default_posted=1
        ).open_action()
