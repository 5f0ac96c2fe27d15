# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .common import EmailDistributionCase


class TestRecipient(EmailDistributionCase):
    def test_addresses_are_normalised_and_deduplicated(self):
        entry = self.Recipient.create(
            {
                "customer_number": " 10023 ",
                "email_to": "Ap@Example.COM;  billing@example.com,ap@example.com",
                "email_cc": "boss@EXAMPLE.com   cfo@example.com",
            }
        )
        self.assertEqual(entry.customer_number, "10023")
        self.assertEqual(entry.email_to, "Ap@example.com, billing@example.com")
        self.assertEqual(entry.email_cc, "boss@example.com, cfo@example.com")
        entry.email_cc = ""
        self.assertFalse(entry.email_cc)

    def test_invalid_address_names_it(self):
        table = [
            ("x@", "x@"),
            ("ok@example.com, bad@@example.com", "bad@@example.com"),
            ("a@example.com,,b@example.com", "separators"),
        ]
        for value, expected in table:
            with self.subTest(value=value), self.assertRaises(ValidationError) as ctx:
                self.Recipient.create({"customer_number": "1", "email_to": value})
            self.assertIn(expected, str(ctx.exception))
            self.assertIn("customer number 1", str(ctx.exception))

    def test_header_injection_is_refused(self):
        for value in (
            "a@example.com\r\nBcc: victim@example.org",
            "a@example.com\nX-Evil: 1",
            '"Boss" <boss@example.com>',
        ):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                self.Recipient.create({"customer_number": "2", "email_to": value})
        entry = self.Recipient.create(
            {"customer_number": "2", "email_to": "a@example.com"}
        )
        with self.assertRaises(ValidationError):
            entry.email_cc = "c@example.com\rBcc: x@example.org"

    def test_empty_to_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            self.Recipient.create({"customer_number": "3", "email_to": " ; "})
        self.assertIn("3", str(ctx.exception))

    def test_one_active_entry_per_number_and_type(self):
        first = self.Recipient.create(
            {"customer_number": "10023", "email_to": "a@example.com"}
        )
        with self.assertRaises(ValidationError) as ctx:
            self.Recipient.create(
                {"customer_number": "10023", "email_to": "b@example.com"}
            )
        self.assertIn("10023", str(ctx.exception))
        # Another document type, an archived twin and another company are fine.
        self.Recipient.create(
            {
                "customer_number": "10023",
                "email_to": "b@example.com",
                "document_type": "other",
            }
        )
        first.active = False
        second = self.Recipient.create(
            {"customer_number": "10023", "email_to": "b@example.com"}
        )
        with self.assertRaises(ValidationError):
            first.active = True
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.Recipient.create(
            {
                "customer_number": "10023",
                "email_to": "c@example.com",
                "company_id": other_company.id,
            }
        )
        self.assertTrue(second.active)

    def test_database_constraint_backs_the_check(self):
        """Two workers creating twins at once are stopped by the database."""
        self.Recipient.create({"customer_number": "77", "email_to": "a@example.com"})
        self.env.flush_all()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "SET CONSTRAINTS email_distribution_recipient_active_uniq IMMEDIATE"
                )
                self.env.cr.execute(
                    """
                    INSERT INTO email_distribution_recipient
                        (company_id, customer_number, email_to, document_type, active)
                    VALUES (%s, '77', 'b@example.com', 'invoice', true)
                    """,
                    [self.company.id],
                )

    def test_entry_links_to_partner_by_reference(self):
        entry = self.Recipient.create(
            {"customer_number": "C-1", "email_to": "ap@example.com"}
        )
        self.assertFalse(entry.partner_id, "an entry may exist before its partner")
        partner = self.env["res.partner"].create(
            {"name": "Customer One", "ref": "C-1", "is_company": True}
        )
        self.assertEqual(entry.partner_id, partner)
        self.assertEqual(partner.email_distribution_recipient_ids, entry)
        partner.ref = "C-2"
        self.assertFalse(entry.partner_id, "the entry follows the number")
        entry2 = self.Recipient.create(
            {"customer_number": "C-2", "email_to": "new@example.com"}
        )
        self.assertEqual(entry2.partner_id, partner)
        partner.ref = "C-1"
        self.assertEqual(entry.partner_id, partner)
        self.assertFalse(entry2.partner_id)

    def test_contact_links_to_its_commercial_partner(self):
        company = self.env["res.partner"].create({"name": "Parent", "is_company": True})
        self.env["res.partner"].create(
            {"name": "Contact", "parent_id": company.id, "ref": "C-9"}
        )
        entry = self.Recipient.create(
            {"customer_number": "C-9", "email_to": "ap@example.com"}
        )
        self.assertEqual(entry.partner_id, company)

    def test_partner_of_another_company_is_not_linked(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.env["res.partner"].create(
            {"name": "Theirs", "ref": "X-1", "company_id": other_company.id}
        )
        entry = self.Recipient.create(
            {"customer_number": "X-1", "email_to": "ap@example.com"}
        )
        self.assertFalse(entry.partner_id)
        ours = self.env["res.partner"].create(
            {"name": "Ours", "ref": "X-1", "company_id": self.company.id}
        )
        self.assertEqual(entry.partner_id, ours)

    def test_effective_format_falls_back_to_company_default(self):
        entry = self.Recipient.create(
            {"customer_number": "F-1", "email_to": "ap@example.com"}
        )
        self.assertFalse(entry.format)
        self.assertEqual(entry.effective_format, "pdf")
        self.assertEqual(
            self.Recipient._selection_format()[0][0],
            self.company.email_distribution_format_invoice,
        )

    def test_partner_summary_tells_where_invoices_go(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Summary Customer",
                "ref": "S-1",
                "is_company": True,
                "email": "doc@example.com",
            }
        )
        self.Recipient.create(
            {
                "customer_number": "S-1",
                "email_to": "ap@example.com",
                "email_cc": "cfo@example.com",
            }
        )
        summary = partner.email_distribution_summary
        self.assertIn("doc@example.com", summary)
        self.assertIn("ap@example.com", summary)
        self.assertIn("cfo@example.com", summary)
        self.company.email_distribution_use_document_address = False
        partner.invalidate_recordset(["email_distribution_summary"])
        self.assertNotIn("doc@example.com", partner.email_distribution_summary)
        self.company.email_distribution_enabled = False
        partner.invalidate_recordset(["email_distribution_summary"])
        self.assertIn("off", partner.email_distribution_summary)
        self.assertNotIn("ap@example.com", partner.email_distribution_summary)


class TestDirectoryTracking(EmailDistributionCase):
    """The directory decides where invoices go: who changed what, and when."""

    def flush_tracking(self, records):
        self.env.flush_all()
        self.env.cr.precommit.run()
        records.invalidate_recordset(["message_ids"])

    def test_address_changes_are_tracked_with_their_author(self):
        Recipient = self.Recipient.with_context(tracking_disable=False)
        entry = Recipient.create(
            {"customer_number": "T-1", "email_to": "old@track.example"}
        )
        # Changes are tracked from the transaction after the creation.
        self.flush_tracking(entry)
        entry.with_user(self.invoicing_user).write(
            {"email_to": "new@track.example", "email_cc": "cc@track.example"}
        )
        self.flush_tracking(entry)
        tracked = entry.message_ids.filtered("tracking_value_ids")
        self.assertEqual(len(tracked), 1)
        self.assertEqual(tracked.author_id, self.invoicing_user.partner_id)
        values = {
            value.field_id.name: (value.old_value_char, value.new_value_char)
            for value in tracked.tracking_value_ids
        }
        self.assertEqual(values["email_to"], ("old@track.example", "new@track.example"))
        self.assertEqual(values["email_cc"][1], "cc@track.example")
        entry.with_user(self.invoicing_user).write({"active": False})
        self.flush_tracking(entry)
        self.assertEqual(len(entry.message_ids.filtered("tracking_value_ids")), 2)
