# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from ..distribution.directory_sync import REPLACE
from ..models.email_distribution_attempt import summary_line
from .common import EmailDistributionCase, csv_file
from .common_sending import SendingCase
from .test_formats import StructuredFormatsCase


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

    def test_chatter_logs_the_email_with_its_attachments(self):
        move = self.make_invoices(self.doc_customer)
        self.run_distribution_cron()
        delivery = move.email_distribution_delivery_ids
        note = move.message_ids.filtered(
            lambda m: "handed to the mail queue" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("Please find attached our invoice", note.body)
        self.assertIn(move.name, note.subject)
        self.assertTrue(note.attachment_ids)
        self.assertEqual(note.attachment_ids, delivery.mail_id.attachment_ids)

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


class TestImportScreens(EmailDistributionCase):
    def test_dialog_keeps_its_title_and_close_reloads(self):
        wizard = self.import_wizard(csv_file("10023;a@example.com\n"), "d.csv")
        self.assertEqual(wizard.action_preview()["name"], "Import Recipients")
        self.assertEqual(wizard.action_import()["name"], "Import Recipients")
        self.assertEqual(wizard.action_close()["tag"], "soft_reload")

    def test_template_in_replace_mode_touches_no_real_entry(self):
        self.Recipient.create(
            {"customer_number": "10023", "email_to": "real@customer.example"}
        )
        for kind in ("csv", "xlsx"):
            with self.subTest(kind=kind):
                template = self.import_wizard(False, False)
                template.with_context(template_format=kind).action_download_template()
                wizard = self.import_wizard(
                    template.template_file, template.template_filename, mode=REPLACE
                )
                wizard.action_preview()
                self.assertEqual(wizard.error_count, 0)
                self.assertEqual(wizard.changed_count, 0)
                self.assertEqual(wizard.new_count, 3)
                self.assertEqual(wizard.archived_count, 1, "the real entry")
                self.assertEqual(wizard.unchanged_count, 0)

    def test_display_name_is_refused_with_the_address_shown(self):
        wizard = self.import_wizard(csv_file("10023;Bad Name <x@y.example>\n"), "d.csv")
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 1)
        message = wizard.error_ids.message
        self.assertIn("display names", message)
        self.assertIn("write only the address x@y.example", message)
        self.assertNotIn("Invalid address Bad:", message)


@tagged("post_install", "-at_install")
class TestFormatWarning(StructuredFormatsCase):
    def test_export_checks_warn_on_the_draft_invoice(self):
        """PDF + UBL without taxes fails in the run: the draft says so first."""
        self.entry.format = "pdf_ubl"
        move = self.make_invoices(self.buyer, post=False)

        def warning(record):
            # As in the form: each read is a new request.
            record.invalidate_recordset(["email_distribution_format_warning"])
            return record.email_distribution_format_warning

        self.assertIn("Peppol", warning(move))
        self.assertIn("at least one tax", warning(move))
        self.assertNotIn("Number", warning(move), "a draft has no number yet")
        self.entry.format = "pdf"
        self.assertFalse(warning(move))
        self.entry.format = "pdf_ubl"
        taxed = self.make_invoices(
            self.buyer, post=False, taxes=self.company_data["default_tax_sale"]
        )
        self.assertFalse(warning(taxed))
        # Posted: the delivery's format decides.
        move.action_post()
        self.assertIn("at least one tax", warning(move))
