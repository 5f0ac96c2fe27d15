# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Header injection: every address path goes through the validator, and the
send-time gate keeps whatever slipped through out of the headers."""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import csv_file
from .common_sending import SendingCase

ENCODED = "=?utf-8?q?x=0D=0ABcc=3A_evil=40evil.example?=@victim.example"


@tagged("post_install", "-at_install")
class TestAddressPaths(SendingCase):
    def test_directory_entry(self):
        for field in ("email_to", "email_cc"):
            with (
                self.subTest(field=field),
                self.assertRaisesRegex(
                    ValidationError, "(E-mail|CC) of customer number H-1"
                ),
            ):
                self.Recipient.create(
                    {
                        "customer_number": "H-1",
                        "email_to": "ok@h.example",
                        field: ENCODED,
                    }
                )

    def test_import_wizard(self):
        wizard = self.env["email.distribution.recipient.import"].create(
            {"file": csv_file(f"H-2,{ENCODED}\n"), "filename": "h.csv"}
        )
        wizard.action_preview()
        self.assertEqual([(e.row, e.column) for e in wizard.error_ids], [(1, "B")])
        self.assertIn("encoded word", wizard.error_ids.message)
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertFalse(self.Recipient.search([("customer_number", "=", "H-2")]))

    def test_invoice_distribution_address(self):
        move = self.make_invoices(self.doc_customer, post=False)
        with self.assertRaisesRegex(ValidationError, "Distribution address"):
            move.email_distribution_address = ENCODED
        # Nor is it taken from the customer's e-mail.
        partner = self.env["res.partner"].create({"name": "Enc", "email": ENCODED})
        move = self.make_invoices(partner, post=False)
        self.assertFalse(move.email_distribution_address)

    def test_settings_sender_and_reply_to(self):
        cases = [
            ("email_distribution_sender_email", ENCODED, "Sender Address"),
            ("email_distribution_reply_to", ENCODED, "Reply-To Address"),
            (
                "email_distribution_sender_name",
                "Billing\r\nBcc: evil@evil.example",
                "Sender Name",
            ),
            ("email_distribution_sender_name", "=?utf-8?q?Bill?=", "Sender Name"),
        ]
        for n, (field, value, label) in enumerate(cases):
            company = self.env["res.company"].create({"name": f"Gate {n}"})
            with (
                self.subTest(field=field, value=value),
                self.assertRaisesRegex(ValidationError, label),
            ):
                company.write({field: value})


@tagged("post_install", "-at_install")
class TestHeaderInjectionOnTheWire(SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()

    def test_stored_encoded_word_recipient_never_reaches_the_wire(self):
        move = self.make_invoices(self.dir_customer)
        delivery = move.email_distribution_delivery_ids
        line = delivery.attempt_ids.filtered(lambda a: a.email == "ar@dir.example")
        # Stored before the validator refused encoded words.
        self.env.cr.execute(
            "UPDATE email_distribution_attempt SET email = %s WHERE id = %s",
            [ENCODED, line.id],
        )
        self.env.cr.execute(
            "UPDATE email_distribution_delivery SET email_to = %s WHERE id = %s",
            [f"ap@dir.example, {ENCODED}", delivery.id],
        )
        self.env.invalidate_all()
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(len(self.sink.messages), 1)
        sent = self.sink.messages[0]
        self.assertEqual(
            sorted(sent["rcpt_tos"]), ["ap@dir.example", "cfo@dir.example"]
        )
        message = sent["message"]
        self.assertIsNone(message["Bcc"])
        for name, value in message.items():
            self.assertNotIn("evil", str(value), name)
            self.assertNotIn("=?utf-8?q?x", str(value), name)
        self.assertEqual(line.state, "failed")
        self.assertIn("encoded word", line.message)
        self.assertEqual(delivery.state, "failed")

    def test_stored_encoded_word_sender_sends_nothing(self):
        move = self.make_invoices(self.doc_customer)
        self.env.cr.execute(
            "UPDATE res_company SET email_distribution_reply_to = %s WHERE id = %s",
            [ENCODED, self.company.id],
        )
        self.env.invalidate_all()
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(self.sink.messages, [])
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "failed")
        self.assertIn("Reply-To address refused", delivery.message)
