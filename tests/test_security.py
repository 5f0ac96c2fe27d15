# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import EmailDistributionCase, csv_file


class TestSecurity(EmailDistributionCase):
    def test_invoicing_user_cannot_change_settings(self):
        env = self.env(user=self.invoicing_user)
        with self.assertRaises(AccessError):
            env["res.config.settings"].create({"email_distribution_enabled": False})
        with self.assertRaises(AccessError):
            env.company.write({"email_distribution_enabled": False})
        self.assertTrue(self.company.email_distribution_enabled)

    def test_invoicing_user_cannot_import(self):
        env = self.env(user=self.invoicing_user)
        with self.assertRaises(AccessError):
            env["email.distribution.recipient.import"].create(
                {"file": csv_file("1,a@example.com\n"), "filename": "r.csv"}
            )
        self.assertFalse(self.directory())

    def test_invoicing_user_maintains_entries(self):
        env = self.env(user=self.invoicing_user)
        entry = env["email.distribution.recipient"].create(
            {"customer_number": "U-1", "email_to": "a@example.com"}
        )
        entry.email_cc = "b@example.com"
        entry.unlink()
        self.assertFalse(self.directory())

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        user_b = new_test_user(
            self.env,
            login="aed_user_b",
            groups="account.group_account_manager",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        ours = self.Recipient.create(
            {"customer_number": "M-1", "email_to": "a@example.com"}
        )
        env_b = self.env(user=user_b, context={"allowed_company_ids": company_b.ids})
        theirs = env_b["email.distribution.recipient"].create(
            {"customer_number": "M-1", "email_to": "b@example.com"}
        )
        self.assertEqual(theirs.company_id, company_b)
        visible = env_b["email.distribution.recipient"].search(
            [("customer_number", "=", "M-1")]
        )
        self.assertEqual(visible, theirs)
        with self.assertRaises(AccessError):
            ours.with_user(user_b).with_context(allowed_company_ids=company_b.ids).read(
                ["email_to"]
            )
        # B's import only touches B's directory, even in replace mode.
        wizard = env_b["email.distribution.recipient.import"].create(
            {
                "file": csv_file("M-2,c@example.com\n"),
                "filename": "b.csv",
                "mode": "replace",
            }
        )
        wizard.action_preview()
        self.assertEqual(wizard.archived_count, 1)
        wizard.action_import()
        self.assertTrue(ours.active)
        self.assertEqual(self.directory(), {"M-1": ("a@example.com", "")})
        self.assertEqual(
            self.directory(company=company_b), {"M-2": ("c@example.com", "")}
        )
