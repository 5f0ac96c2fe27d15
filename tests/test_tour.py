# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingHttpCommon


@tagged("post_install", "-at_install")
class TestEmailDistributionTour(AccountTestInvoicingHttpCommon):
    """The accountant's path in a real browser (issue 5).

    The tour (``static/src/js/tours/email_distribution_tour.js``) switches the
    feature on in the settings, imports the recipient directory through the
    wizard's file input (a file with an error, then the fixed one), posts the
    draft invoice prepared here and resends the failed delivery prepared here.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "email": "accounting@tour-company.example",
                "email_distribution_enabled": True,
                # The common setup has a cash-basis tax; without this the
                # settings page opens on an error about that tax.
                "tax_exigibility": True,
            }
        )
        cls.accountant = new_test_user(
            cls.env,
            login="aed_tour_accountant",
            groups="account.group_account_manager,base.group_system",
            company_id=cls.company.id,
        )
        failed_customer = cls.env["res.partner"].create(
            {"name": "Tour Failed Customer", "email": "ap@tour-failed.example"}
        )
        cls.failed_invoice = cls._invoice(failed_customer)
        cls.failed_invoice.action_post()
        delivery = cls.failed_invoice.email_distribution_delivery_ids
        delivery.sudo().attempt_count = 1
        delivery._record_smtp_outcome(failure="No outgoing mail server is configured.")
        # The feature was on when that invoice was sent; the tour turns it on again.
        cls.company.email_distribution_enabled = False
        cls.draft_invoice = cls._invoice(
            cls.env["res.partner"].create(
                {"name": "Tour Document Customer", "email": "billing@tour-doc.example"}
            )
        )

    @classmethod
    def _invoice(cls, partner):
        return cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "invoice_user_id": cls.accountant.id,
                "invoice_date": "2026-11-01",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Consulting", "quantity": 1, "price_unit": 100.0}
                    )
                ],
            }
        )

    def test_accountant_tour(self):
        self.assertEqual(self.failed_invoice.email_distribution_state, "failed")
        self.start_tour(
            "/odoo/action-account.action_account_config",
            "account_email_distribution_tour",
            login=self.accountant.login,
        )
        self.assertTrue(self.company.email_distribution_enabled)
        self.assertEqual(
            self.company.email_distribution_sender_email,
            "invoices@tour-company.example",
        )
        entries = self.env["email.distribution.recipient"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            {(e.customer_number, e.email_to, e.email_cc or "") for e in entries},
            {
                ("71001", "ap@tour-one.example", "cfo@tour-one.example"),
                ("71002", "invoices@tour-two.example", ""),
            },
        )
        self.assertEqual(self.draft_invoice.state, "posted")
        self.assertEqual(self.draft_invoice.email_distribution_state, "queued")
        self.assertEqual(
            self.failed_invoice.email_distribution_delivery_ids.mapped("state"),
            ["queued", "failed"],
        )

    def test_accountant_tour_in_finnish(self):
        """The same path for a Finnish accountant: the tour asserts the
        module's labels in Finnish (i18n/fi.po)."""
        self.env["res.lang"]._activate_lang("fi_FI")
        # Activating a language in a test loads no module terms: load them.
        self.env["ir.module.module"]._load_module_terms(
            ["base", "web", "mail", "account", "account_email_distribution"],
            ["fi_FI"],
            overwrite=True,
        )
        self.accountant.lang = "fi_FI"
        self.start_tour(
            "/odoo/action-account.action_account_config",
            "account_email_distribution_tour_fi",
            login=self.accountant.login,
        )
        self.assertTrue(self.company.email_distribution_enabled)
        self.assertEqual(self.draft_invoice.email_distribution_state, "queued")
        self.assertEqual(
            self.failed_invoice.email_distribution_delivery_ids.mapped("state"),
            ["queued", "failed"],
        )
