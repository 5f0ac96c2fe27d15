# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's own flags agree with the deliveries: the customer's sending method
is respected and ``is_move_sent`` means "it reached someone"."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_sending import SendingCase


@tagged("post_install", "-at_install")
class TestOdooFlags(SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()

    def test_hard_bounced_invoice_is_not_marked_sent(self):
        partner = self.env["res.partner"].create(
            {"name": "Gone", "email": "unknown@doc.example"}
        )
        move = self.make_invoices(partner)
        self.run_distribution_cron()
        self.assertFalse(move.is_move_sent, "rendering the PDF is not sending")
        self.run_mail_cron()
        self.assertEqual(move.email_distribution_state, "hard_bounce")
        self.assertFalse(move.is_move_sent)

    def test_delivered_invoice_is_marked_sent(self):
        move = self.make_invoices(self.doc_customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(move.email_distribution_state, "sent")
        self.assertTrue(move.is_move_sent)

    def test_customer_sending_method_is_respected(self):
        methods = dict(
            self.env["res.partner"]._fields["invoice_sending_method"].selection
        )
        for method in [m for m in methods if m != "email"]:
            with self.subTest(method=method):
                partner = self.env["res.partner"].create(
                    {"name": f"By {method}", "email": "billing@manual.example"}
                )
                partner.with_company(self.company).invoice_sending_method = method
                move = self.make_invoices(partner)
                self.assertFalse(move.email_distribution_delivery_ids)
                self.assertEqual(move.email_distribution_state, "not_applicable")
                with self.assertRaisesRegex(UserError, "sending method"):
                    move.action_email_distribution_resend()
        partner = self.env["res.partner"].create(
            {"name": "By e-mail", "email": "billing@byemail.example"}
        )
        partner.with_company(self.company).invoice_sending_method = "email"
        move = self.make_invoices(partner)
        self.assertEqual(move.email_distribution_state, "queued")
