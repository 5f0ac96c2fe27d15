# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2.errors import CheckViolation

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .common import EmailDistributionCase


class TestSettings(EmailDistributionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin_accountant = new_test_user(
            cls.env,
            login="aed_admin_accountant",
            groups="account.group_account_manager,base.group_system",
            company_id=cls.company.id,
        )

    def settings(self, **values):
        env = self.env(user=self.admin_accountant)
        return env["res.config.settings"].create(values)

    def test_settings_are_saved_on_the_company(self):
        self.company.email_distribution_enabled = False
        self.settings(
            email_distribution_enabled=True,
            email_distribution_use_document_address=False,
            email_distribution_use_directory=True,
            email_distribution_sender_email="Invoices@Example.COM",
            email_distribution_sender_name="Example Billing",
            email_distribution_reply_to="ar@example.com",
            email_distribution_retry_max=5,
            email_distribution_retry_delay=30,
            email_distribution_max_attachment_mb=4.5,
            email_distribution_import_max_rows=500,
        ).execute()
        company = self.company
        self.assertTrue(company.email_distribution_enabled)
        self.assertFalse(company.email_distribution_use_document_address)
        self.assertEqual(
            company.email_distribution_sender_email, "Invoices@Example.COM"
        )
        self.assertEqual(company.email_distribution_reply_to, "ar@example.com")
        self.assertEqual(company.email_distribution_retry_max, 5)
        self.assertEqual(company.email_distribution_retry_delay, 30)
        self.assertEqual(company.email_distribution_max_attachment_mb, 4.5)
        self.assertEqual(company.email_distribution_format_invoice, "pdf")
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(
                "account_email_distribution.import_max_rows"
            ),
            "500",
        )
        # A new settings form shows what is saved.
        fresh = self.settings()
        self.assertEqual(fresh.email_distribution_sender_name, "Example Billing")
        self.assertEqual(fresh.email_distribution_import_max_rows, 500)

    def test_invalid_addresses_are_refused_with_the_field_named(self):
        table = [
            ("email_distribution_sender_email", "billing@", "Sender Address"),
            ("email_distribution_reply_to", "a@example.com b@example.com", "Reply-To"),
            (
                "email_distribution_reply_to",
                "a@example.com\r\nBcc: x@e.org",
                "Reply-To",
            ),
        ]
        for field_name, value, label in table:
            with self.subTest(field=field_name, value=value):
                with self.assertRaises(ValidationError) as ctx:
                    self.settings(**{field_name: value}).execute()
                self.assertIn(label, str(ctx.exception))
        self.assertFalse(self.company.email_distribution_reply_to)

    def test_retry_policy_bounds(self):
        for field_name, value in (
            ("email_distribution_retry_max", 0),
            ("email_distribution_retry_delay", -5),
            ("email_distribution_max_attachment_mb", 0),
        ):
            with self.subTest(field=field_name), mute_logger("odoo.sql_db"):
                with self.assertRaises(CheckViolation), self.env.cr.savepoint():
                    self.company[field_name] = value
                    self.company.flush_recordset()

    def test_format_selection_is_extensible(self):
        """Structured formats plug in by extending one method."""
        selection = self.company._fields[
            "email_distribution_format_invoice"
        ]._description_selection(self.env)
        self.assertEqual(
            [key for key, _label in selection],
            ["pdf", "pdf_ubl", "facturx", "xrechnung"],
        )
        self.assertEqual(
            self.company._email_distribution_default_format("invoice"), "pdf"
        )

    def test_visible_from_follows_odoos_from_filtering(self):
        """The From customers see is the one Odoo's server choice leaves."""
        self.env["ir.mail_server"].search([]).active = False
        self.company.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "mail.example.org", "default_from": "notifications"}
        )
        server = self.env["ir.mail_server"].create(
            {
                "name": "Relay",
                "smtp_host": "localhost",
                "from_filter": "mail.example.org",
            }
        )
        values = {
            "email_distribution_sender_email": "invoices@example.com",
            "email_distribution_sender_name": "Example Billing",
        }
        settings = self.settings(**values)
        self.assertEqual(
            settings.email_distribution_visible_from,
            '"Example Billing" <notifications@mail.example.org>',
        )
        self.assertIn("invoices@example.com", settings.email_distribution_from_warning)
        self.assertIn(
            "notifications@mail.example.org",
            settings.email_distribution_from_warning,
        )
        # A server whose FROM filtering covers the sender keeps it.
        server.from_filter = "mail.example.org,example.com"
        settings = self.settings(**values)
        self.assertEqual(
            settings.email_distribution_visible_from,
            "Example Billing <invoices@example.com>",
        )
        self.assertFalse(settings.email_distribution_from_warning)
        # A server without FROM filtering sends as the alias domain's
        # notification address too; without an alias domain the sender stays.
        server.from_filter = False
        self.company.write(values)
        self.assertEqual(
            self.company._email_distribution_visible_from(),
            '"Example Billing" <notifications@mail.example.org>',
        )
        self.company.alias_domain_id = False
        self.assertEqual(
            self.company._email_distribution_visible_from(),
            "Example Billing <invoices@example.com>",
        )
