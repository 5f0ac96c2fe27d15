# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payment receipts, sent through the e-mail distribution.

The example of ``email.distribution.document.mixin``: a confirmed customer
payment is routed by the customer number of its partner to the *Other
documents* entries of the recipient directory (or to the partner's e-mail,
the address in the document), and sent with Odoo's own *Payment Receipt*
report and mail template, when the company sends payment receipts.
"""

from odoo import models


class AccountPayment(models.Model):
    _name = "account.payment"
    _inherit = ["account.payment", "email.distribution.document.mixin"]

    def _email_distribution_can_send(self):
        self.ensure_one()
        return (
            self.state in ("in_process", "paid")
            and self.payment_type == "inbound"
            and self.partner_type == "customer"
            and bool(self.partner_id)
        )

    def _email_distribution_report(self):
        return self.env.ref("account.action_report_payment_receipt")

    def _email_distribution_template(self):
        return self.env.ref(
            "account.mail_template_data_payment_receipt", raise_if_not_found=False
        )

    def _email_distribution_sent_field(self):
        return "is_sent"

    def _email_distribution_responsible(self):
        """Who created the payment, if an internal user: a payment made online
        is created as the portal or public user, who must never get the
        to-do; then the salesperson of the invoices it pays."""
        self.ensure_one()
        if self.create_uid._is_internal():
            return self.create_uid
        return self.reconciled_invoice_ids.invoice_user_id.filtered(
            lambda user: user._is_internal()
        )[:1]

    def action_post(self):
        result = super().action_post()
        self.filtered(
            lambda payment: payment.company_id.email_distribution_payment_receipts
            and not payment.sudo().email_distribution_delivery_ids
        ).with_context(email_distribution_notify_later=True)._email_distribution_send()
        return result
