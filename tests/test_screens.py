# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from ..models.email_distribution_attempt import summary_line
from .common_sending import SendingCase


@tagged("post_install", "-at_install")
class TestScreens(SendingCase):
    """What the screens show: dashboard, list actions, preview, runs, lists."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()
        cls.nobody = cls.env["res.partner"].create({"name": "No Address"})

    def test_dashboard_counts_failed_deliveries(self):
        journal = self.company_data["default_journal_sale"]
        self.make_invoices(self.nobody, count=2)
        self.make_invoices(self.doc_customer)
        data = journal._get_journal_dashboard_data_batched()[journal.id]
        self.assertEqual(data["email_distribution_failed_count"], 2)
        action = journal.action_email_distribution_open_failed()
        self.assertEqual(
            action["context"]["search_default_email_distribution_failed"], 1
        )
        self.assertIn(("journal_id", "=", journal.id), action["domain"])
        purchase = self.company_data["default_journal_purchase"]
        data = purchase._get_journal_dashboard_data_batched()[purchase.id]
        self.assertNotIn("email_distribution_failed_count", data)

    def test_list_action_resends_selected_invoices(self):
        moves = self.make_invoices(self.nobody, count=2)
        self.nobody.ref = "77001"
        self.Recipient.create(
            {
                "company_id": self.company.id,
                "customer_number": "77001",
                "email_to": "found@dir.example",
            }
        )
        action = self.env.ref(
            "account_email_distribution.action_email_distribution_resend_selected"
        )
        self.assertEqual(action.binding_model_id.model, "account.move")
        result = action.with_context(
            active_model="account.move", active_ids=moves.ids, active_id=moves[0].id
        ).run()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(set(moves.mapped("email_distribution_state")), {"queued"})

    def test_next_retry_is_shown_on_invoice_and_line(self):
        partner = self.env["res.partner"].create(
            {"name": "Full", "email": "full@doc.example"}
        )
        move = self.make_invoices(partner)
        self.run_distribution_cron()
        self.run_mail_cron()
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "soft_bounce")
        self.assertTrue(delivery.next_attempt_date)
        self.assertEqual(
            move.email_distribution_next_attempt_date, delivery.next_attempt_date
        )
        line = delivery.attempt_ids
        self.assertEqual(line.next_attempt_date, delivery.next_attempt_date)
        self.assertEqual(
            delivery.action_preview()["res_id"], delivery.id, "preview of the line"
        )

    def test_preview_shows_the_mail_as_it_goes_out(self):
        move = self.make_invoices(self.doc_customer)
        action = move.action_email_distribution_preview()
        self.assertEqual(action["target"], "new")
        delivery = self.Delivery.browse(action["res_id"])
        self.assertEqual(delivery.email_to, "billing@doc.example")
        self.assertIn(move.name, delivery.preview_subject)
        self.assertTrue(delivery.preview_body)
        self.assertEqual(
            delivery.preview_email_from, "Company Billing <invoices@company.example>"
        )
        self.assertEqual(delivery.preview_reply_to, "ar@company.example")
        self.assertEqual(
            delivery.preview_attachments, move._get_invoice_report_filename()
        )
        self.assertEqual(
            self.Attempt.search([("move_id", "=", move.id)]).action_preview()["res_id"],
            delivery.id,
        )

    def test_run_counts_recipients_and_shows_its_lines(self):
        # One invoice to the directory (2 To + 1 CC), one to its document address.
        moves = self.make_invoices(self.dir_customer)
        moves |= self.make_invoices(self.doc_customer)
        run = self.env["email.distribution.run"]._start("manual", self.company)
        run._process()
        self.assertEqual(run.queued_count, 2, "invoices handed over")
        self.assertEqual(run.line_count, 4, "recipients")
        self.assertEqual(len(run.attempt_ids), run.line_count)
        self.run_mail_cron()
        run.invalidate_recordset()
        self.assertEqual(run.sent_count + run.failed_count + run.pending_count, 4)
        self.assertEqual(
            run.action_view_attempts()["domain"], [("run_id", "=", run.id)]
        )

    def test_list_short_forms(self):
        table = [
            (False, False),
            ("", False),
            ("One line", "One line"),
            ("First\nSecond", "First"),
            ("x" * 200, "x" * 89 + "…"),
        ]
        for text, expected in table:
            with self.subTest(text=text):
                self.assertEqual(summary_line(text), expected)
        self.env["email.distribution.address"].sudo().create(
            {
                "company_id": self.company.id,
                "email": "ar@dir.example",
                "state": "hard_bounce",
                "reason": "550 5.1.1 User unknown",
            }
        )
        entry = self.Recipient.search([("customer_number", "=", "10023")])
        self.assertEqual(entry.held_addresses, "ar@dir.example")
        self.assertIn("550 5.1.1", entry.hold_message)
