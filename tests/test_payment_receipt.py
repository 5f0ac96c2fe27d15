# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import file_open

from .common_sending import SendingCase


@tagged("post_install", "-at_install")
class TestPaymentReceipt(SendingCase):
    """Payment receipts go through the distribution like invoices: routed by
    customer number to the directory's *Other documents* entries, sent by
    the sending cron and Odoo's mail queue, tracked and bounced."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()
        cls.company.alias_domain_id = cls.env["mail.alias.domain"].create(
            {"name": "company.example", "bounce_alias": "bounce"}
        )
        cls.company.email_distribution_payment_receipts = True
        cls.Recipient.create(
            {
                "company_id": cls.company.id,
                "customer_number": "10023",
                "document_type": "other",
                "email_to": "receipts@dir.example",
            }
        )

    def make_payment(self, partner, payment_type="inbound", partner_type="customer"):
        payment = self.env["account.payment"].create(
            {
                "payment_type": payment_type,
                "partner_type": partner_type,
                "partner_id": partner.id,
                "amount": 250.0,
                "journal_id": self.company_data["default_journal_bank"].id,
                "company_id": self.company.id,
            }
        )
        payment.action_post()
        return payment

    def test_receipt_routed_to_other_documents_entry_and_sent(self):
        payment = self.make_payment(self.dir_customer)
        delivery = payment.email_distribution_delivery_ids
        self.assertEqual(len(delivery), 1)
        self.assertEqual(
            (delivery.res_model, delivery.res_id, delivery.document_type),
            ("account.payment", payment.id, "other"),
        )
        self.assertFalse(delivery.move_id)
        self.assertEqual(delivery.route_source, "directory")
        self.assertEqual(delivery.email_to, "receipts@dir.example")
        self.assertFalse(delivery.email_cc, "the invoice entry's CC is not used")
        self.assertEqual(delivery.name, payment.display_name)
        self.assertEqual(delivery.company_id, self.company)
        self.assertEqual(delivery.partner_id, self.dir_customer)
        self.assertEqual(payment.email_distribution_state, "queued")
        self.assertFalse(self.sink.messages, "nothing is sent inside the posting")

        self.run_distribution_cron()
        self.run_mail_cron()

        self.assertEqual(payment.email_distribution_state, "sent")
        self.assertTrue(payment.is_sent, "Odoo's own Sent flag of the payment")
        self.assertEqual(len(self.sink.messages), 1)
        received = self.sink.messages[0]
        self.assertEqual(received["rcpt_tos"], ["receipts@dir.example"])
        message = received["message"]
        self.assertIn("Payment Receipt", message["Subject"])
        self.assertIn(payment.name, message["Subject"])
        names = [part.get_filename() for part in message.iter_attachments()]
        self.assertEqual(names, [delivery._document_pdf_name(payment)])
        self.assertTrue(names[0].startswith("Payment Receipt"))
        line = delivery.attempt_ids
        self.assertEqual((line.state, line.email), ("sent", "receipts@dir.example"))
        self.assertEqual(line.invoice_number, payment.display_name)
        self.assertTrue(
            any(
                "Handed to the mail queue by e-mail distribution" in body
                for body in payment.message_ids.mapped("body")
            )
        )

    def test_bounce_reaches_the_payment(self):
        payment = self.make_payment(self.dir_customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        delivery = payment.email_distribution_delivery_ids
        with file_open(
            "account_email_distribution/tests/samples/dsn_postfix_hard.eml", "r"
        ) as handle:
            raw = (
                handle.read()
                .replace("{bounce_to}", "bounce@company.example")
                .replace("{bounce_id}", "pay1@mx.dir.example")
                .replace("{rcpt}", "receipts@dir.example")
                .replace("{original_id}", delivery.mail_message_id)
            )
        self.env["mail.thread"].message_process(False, raw)
        self.assertEqual(payment.email_distribution_state, "hard_bounce")
        self.assertFalse(payment.is_sent, "it reached nobody after all")
        activity = payment._email_distribution_open_activities()
        self.assertEqual(len(activity), 1)
        self.assertIn("receipts@dir.example", activity.note)
        log = self.env["email.distribution.bounce"].search(
            [("delivery_id", "=", delivery.id)]
        )
        self.assertEqual(log.document_name, payment.name)

    def test_no_entry_and_no_document_address_is_no_route(self):
        self.company.email_distribution_use_document_address = False
        customer = self.env["res.partner"].create(
            {"name": "No entry", "ref": "55555", "email": "pay@none.example"}
        )
        payment = self.make_payment(customer)
        delivery = payment.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "no_route")
        self.assertIn("other documents", delivery.remedy)
        self.assertFalse(payment._email_distribution_open_activities())
        self.run_distribution_cron()  # the to-do comes from the sending cron
        self.assertEqual(len(payment._email_distribution_open_activities()), 1)

    def test_document_address_when_the_customer_has_no_entry(self):
        payment = self.make_payment(self.doc_customer)
        delivery = payment.email_distribution_delivery_ids
        self.assertEqual(
            (delivery.route_source, delivery.email_to),
            ("document", "billing@doc.example"),
        )

    def test_vendor_payments_and_setting_off_are_not_sent(self):
        self.make_payment(self.dir_customer, "outbound", "supplier")
        self.company.email_distribution_payment_receipts = False
        payment = self.make_payment(self.dir_customer)
        self.assertFalse(
            self.Delivery.search([("res_model", "=", "account.payment")]),
        )
        # The user sends it by hand instead.
        payment.action_email_distribution_send()
        self.assertEqual(payment.email_distribution_state, "queued")
        with self.assertRaises(UserError):
            payment.action_email_distribution_send()  # one in progress

    def test_manual_send_needs_write_access(self):
        payment = self.make_payment(self.doc_customer)
        reader = new_test_user(
            self.env,
            login="receipt_reader",
            groups="base.group_user",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            payment.with_user(reader).action_email_distribution_send()

    def test_one_failing_receipt_fails_alone(self):
        payments = self.make_payment(self.dir_customer) | self.make_payment(
            self.doc_customer
        )
        broken = payments[0]
        Report = type(self.env["ir.actions.report"])
        real = Report._render_qweb_pdf

        def render(report, report_ref, res_ids=None, data=None):
            if res_ids == broken.ids:
                raise UserError(self.env._("Wkhtmltopdf failed (error code: -11)."))
            return real(report, report_ref, res_ids=res_ids, data=data)

        with patch.object(Report, "_render_qweb_pdf", render):
            self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(broken.email_distribution_state, "failed")
        self.assertIn("Wkhtmltopdf failed", broken.email_distribution_message)
        self.assertEqual((payments - broken).email_distribution_state, "sent")
        self.assertEqual(len(self.sink.messages), 1)

    def test_same_payment_twice_in_one_call_is_routed_once(self):
        self.company.email_distribution_payment_receipts = False
        nobody = self.env["res.partner"].create({"name": "Nobody", "ref": "77777"})
        self.company.email_distribution_use_document_address = False
        payment = self.make_payment(nobody)
        twice = self.env["account.payment"].browse([payment.id, payment.id])
        twice.action_email_distribution_send()
        self.assertEqual(len(payment.email_distribution_delivery_ids), 1)
        self.assertEqual(len(payment._email_distribution_open_activities()), 1)

    def test_cancelled_after_queueing_is_not_sent(self):
        payment = self.make_payment(self.dir_customer)
        payment.action_cancel()
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(payment.email_distribution_state, "failed")
        self.assertFalse(self.sink.messages)

    def test_deleting_the_payment_deletes_its_deliveries(self):
        payment = self.make_payment(self.dir_customer)
        deliveries = payment.email_distribution_delivery_ids
        payment.action_draft()
        payment.unlink()
        self.assertFalse(deliveries.exists())

    def test_resend_leaves_out_who_already_received_it(self):
        payment = self.make_payment(self.dir_customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(payment.email_distribution_state, "sent")
        with self.assertRaises(UserError):
            payment.action_email_distribution_send()
        payment.with_context(
            email_distribution_resend_all=True
        ).action_email_distribution_send()
        self.assertEqual(len(payment.email_distribution_delivery_ids), 2)

    def test_online_payment_to_do_never_goes_to_the_portal_user(self):
        self.company.email_distribution_use_document_address = False
        nobody = self.env["res.partner"].create({"name": "Nobody", "ref": "88888"})
        portal = new_test_user(
            self.env, login="receipt_portal", groups="base.group_portal"
        )
        payment = (
            self.env["account.payment"]
            .with_user(portal)
            .sudo()
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": nobody.id,
                    "amount": 10.0,
                    "journal_id": self.company_data["default_journal_bank"].id,
                    "company_id": self.company.id,
                }
            )
        )
        self.assertEqual(payment.create_uid, portal)
        payment.sudo().action_post()
        self.run_distribution_cron()
        activity = payment._email_distribution_open_activities()
        self.assertEqual(len(activity), 1)
        self.assertNotEqual(activity.user_id, portal)
        self.assertTrue(activity.user_id._is_internal())

    def test_sending_list_searches_and_groups_by_document(self):
        payment = self.make_payment(self.dir_customer)
        invoice = self.make_invoices(self.dir_customer)
        names = {payment.display_name, invoice.name}
        found = self.Attempt.search([("invoice_number", "in", list(names))])
        self.assertEqual(set(found.mapped("invoice_number")), names)
        groups = self.Attempt.read_group(
            [("id", "in", found.ids)], ["invoice_number"], ["invoice_number"]
        )
        self.assertEqual({group["invoice_number"] for group in groups}, names)

    def test_billing_user_cannot_switch_receipts_or_touch_deliveries(self):
        billing = new_test_user(
            self.env,
            login="receipt_billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            self.company.with_user(billing).write(
                {"email_distribution_payment_receipts": False}
            )
        payment = self.make_payment(self.dir_customer)
        delivery = payment.email_distribution_delivery_ids.with_user(billing)
        with self.assertRaises(AccessError):
            delivery.write({"res_id": payment.id + 1})
        with self.assertRaises(AccessError):
            delivery.unlink()
        with self.assertRaises(AccessError):
            self.Delivery.with_user(billing).create(
                {"res_model": "account.payment", "res_id": payment.id}
            )

    def test_other_company_user_cannot_send_the_receipt(self):
        other = self.env["res.company"].create({"name": "Other company"})
        outsider = new_test_user(
            self.env,
            login="receipt_outsider",
            groups="account.group_account_invoice",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        payment = self.make_payment(self.dir_customer)
        with self.assertRaises(AccessError):
            payment.with_user(outsider).action_email_distribution_send()
        self.assertEqual(len(payment.email_distribution_delivery_ids), 1)
