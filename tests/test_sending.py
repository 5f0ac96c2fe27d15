# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import config, mute_logger

from .common_sending import SendingCase


@tagged("post_install", "-at_install")
class TestRoutingAtPosting(SendingCase):
    def test_routing_table_for_every_setting(self):
        table = [
            # use doc, use dir, partner, state, to, cc, source
            (True, True, "doc", "queued", "billing@doc.example", False, "document"),
            (
                True,
                True,
                "dir",
                "queued",
                "ap@dir.example, ar@dir.example",
                "cfo@dir.example",
                "directory",
            ),
            (False, True, "doc", "no_route", False, False, False),
            (True, False, "dir", "no_route", False, False, False),
            (False, False, "doc", "no_route", False, False, False),
        ]
        for use_doc, use_dir, who, state, to, cc, source in table:
            with self.subTest(use_doc=use_doc, use_dir=use_dir, who=who):
                self.company.write(
                    {
                        "email_distribution_use_document_address": use_doc,
                        "email_distribution_use_directory": use_dir,
                    }
                )
                partner = self.doc_customer if who == "doc" else self.dir_customer
                move = self.make_invoices(partner)
                delivery = move.email_distribution_delivery_ids
                self.assertEqual(len(delivery), 1)
                self.assertEqual(delivery.state, state)
                self.assertEqual(delivery.email_to, to)
                self.assertEqual(delivery.email_cc, cc)
                self.assertEqual(delivery.route_source, source)
                self.assertEqual(move.email_distribution_state, state)

    def test_no_route_names_the_reason_and_notifies(self):
        nobody = self.env["res.partner"].create({"name": "Nobody", "ref": "99"})
        move = self.make_invoices(nobody)
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "no_route")
        self.assertIn("no address in the document", delivery.message)
        self.assertIn("customer number 99", delivery.message)
        self.assertEqual(move.email_distribution_message, delivery.message)
        line = delivery.attempt_ids
        self.assertEqual((line.state, line.invoice_number), ("no_route", move.name))
        # The to-do is not made inside the posting: the sending cron makes it.
        self.assertTrue(delivery.notify_pending)
        self.assertFalse(move.activity_ids)
        self.run_distribution_cron()
        self.assertFalse(delivery.notify_pending)
        activity = move.activity_ids.filtered(
            lambda a: a.summary == "E-mail delivery failed"
        )
        self.assertEqual(len(activity), 1)

    def test_no_route_batch_notifies_each_invoice_once_in_bulk(self):
        nobody = self.env["res.partner"].create({"name": "Nobody", "ref": "98"})
        moves = self.make_invoices(nobody, count=3, post=False)
        moves.action_post()
        self.run_distribution_cron()
        for move in moves:
            activities = move.activity_ids.filtered(
                lambda a: a.summary == "E-mail delivery failed"
            )
            self.assertEqual(len(activities), 1)
            self.assertIn(move.name, activities.note)
            self.assertIn("What to do", activities.note)
            self.assertEqual(activities.user_id, move.invoice_user_id)
            notes = move.message_ids.filtered(
                lambda m, name=move.name: name in (m.body or "")
                and "could not be delivered" in m.body
            )
            self.assertEqual(len(notes), 1)
        self.assertTrue(all(moves.email_distribution_delivery_ids.mapped("notified")))
        # A later failure of the same invoice updates its to-do.
        moves[:1].with_context(
            email_distribution_resend_all=True
        ).action_email_distribution_resend()
        activities = moves[0].activity_ids.filtered(
            lambda a: a.summary == "E-mail delivery failed"
        )
        self.assertEqual(len(activities), 1)

    def test_disabled_company_and_vendor_bills_are_not_applicable(self):
        bill = self.init_invoice("in_invoice", amounts=[10], post=True)
        self.assertFalse(bill.email_distribution_delivery_ids)
        self.assertEqual(bill.email_distribution_state, "not_applicable")
        self.company.email_distribution_enabled = False
        move = self.make_invoices(self.doc_customer)
        self.assertFalse(move.email_distribution_delivery_ids)

    def test_credit_notes_are_routed(self):
        refund = self.make_invoices(self.dir_customer, move_type="out_refund")
        self.assertEqual(refund.email_distribution_delivery_ids.state, "queued")

    def test_document_address_is_editable_and_validated(self):
        move = self.make_invoices(self.doc_customer, post=False)
        self.assertEqual(move.email_distribution_address, "billing@doc.example")
        move.email_distribution_address = "a@doc.example; b@doc.example"
        move.action_post()
        self.assertEqual(
            move.email_distribution_delivery_ids.email_to,
            "a@doc.example, b@doc.example",
        )
        draft = self.make_invoices(self.doc_customer, post=False)
        with self.assertRaises(ValidationError):
            draft.email_distribution_address = "a@doc.example\nBcc: x@evil.example"

    def test_posting_renders_and_sends_nothing(self):
        mails_before = self.env["mail.mail"].search_count([])
        moves = self.make_invoices(self.dir_customer, count=3)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        self.assertFalse(moves.invoice_pdf_report_id)
        self.assertEqual(
            set(moves.email_distribution_delivery_ids.mapped("state")), {"queued"}
        )

    def test_batch_posting_adds_a_constant_number_of_queries(self):
        def added_queries(count):
            per_mode = {}
            for enabled in (False, True):
                self.company.email_distribution_enabled = enabled
                moves = self.make_invoices(self.dir_customer, count=count, post=False)
                self.env.flush_all()
                self.env.invalidate_all()
                start = self.env.cr.sql_log_count
                moves.action_post()
                self.env.flush_all()
                per_mode[enabled] = self.env.cr.sql_log_count - start
            return per_mode[True] - per_mode[False]

        small, large = added_queries(5), added_queries(25)
        # What distribution adds does not grow with the number of invoices.
        self.assertLessEqual(large - small, 2 * 20, (small, large))
        self.assertLessEqual((large - small) / 20, 2, (small, large))

    def test_reposting_creates_a_new_delivery(self):
        move = self.make_invoices(self.dir_customer)
        first = move.email_distribution_delivery_ids
        move.button_draft()
        move.action_post()
        self.assertEqual(len(move.email_distribution_delivery_ids), 2)
        self.assertIn(first, move.email_distribution_delivery_ids)


@tagged("post_install", "-at_install")
class TestSendingQueue(SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()

    def test_end_to_end_both_routes(self):
        doc_move = self.make_invoices(self.doc_customer)
        dir_move = self.make_invoices(self.dir_customer)
        self.run_distribution_cron()
        deliveries = (doc_move | dir_move).email_distribution_delivery_ids
        self.assertTrue(all(deliveries.mapped("mail_message_id")))
        self.assertEqual(set(deliveries.mapped("state")), {"queued"})
        self.assertEqual(self.sink.messages, [], "the distribution cron never sends")
        self.run_mail_cron()
        self.assertEqual(set(deliveries.mapped("state")), {"sent"})
        self.assertTrue(all(deliveries.mapped("sent_date")))
        by_subject = {m["message"]["Subject"]: m for m in self.sink.messages}
        self.assertEqual(len(by_subject), 2)
        dir_mail = next(m for s, m in by_subject.items() if dir_move.name in s)
        msg = dir_mail["message"]
        self.assertEqual(
            sorted(dir_mail["rcpt_tos"]),
            ["ap@dir.example", "ar@dir.example", "cfo@dir.example"],
        )
        self.assertIn("ap@dir.example", msg["To"])
        self.assertIn("cfo@dir.example", msg["Cc"])
        self.assertIn("invoices@company.example", msg["From"])
        self.assertIn("Company Billing", msg["From"])
        self.assertEqual(msg["Reply-To"], "ar@company.example")
        self.assertIn(dir_move.name, msg["Subject"])
        attachment_names = [part.get_filename() for part in msg.iter_attachments()]
        self.assertEqual(attachment_names, [dir_move._get_invoice_report_filename()])
        doc_mail = next(m for s, m in by_subject.items() if doc_move.name in s)
        self.assertEqual(doc_mail["rcpt_tos"], ["billing@doc.example"])
        lines = deliveries.attempt_ids
        self.assertEqual(set(lines.mapped("state")), {"sent"})
        self.assertEqual(len(lines), 4)
        self.assertEqual(
            set(lines.mapped("invoice_number")), {doc_move.name, dir_move.name}
        )

    def test_hand_over_renders_and_creates_once_per_batch(self):
        moves = self.make_invoices(self.doc_customer, count=3)
        Template = type(self.env["mail.template"])
        MailModel = type(self.env["mail.mail"])
        real_generate = Template._generate_template
        real_create = MailModel.create
        calls = []

        def generate(template, res_ids, *args, **kwargs):
            calls.append(("render", frozenset(res_ids)))
            return real_generate(template, res_ids, *args, **kwargs)

        def create(model, vals_list):
            calls.append(("create", len(vals_list)))
            return real_create(model, vals_list)

        with (
            patch.object(Template, "_generate_template", generate),
            patch.object(MailModel, "create", create),
        ):
            self.run_distribution_cron()
        self.assertEqual(calls, [("render", frozenset(moves.ids)), ("create", 3)])
        self.assertFalse(
            moves.message_ids.filtered(lambda m: "not updated from" in m.body),
            "the note's PDF is not taken for an invoice to import",
        )
        self.run_mail_cron()
        self.assertEqual(set(moves.mapped("email_distribution_state")), {"sent"})
        subjects = sorted(m["message"]["Subject"] for m in self.sink.messages)
        self.assertEqual(len(subjects), 3)
        for move in moves:
            self.assertEqual(sum(move.name in subject for subject in subjects), 1)

    def test_sending_cron_reports_its_progress(self):
        self.make_invoices(self.doc_customer, count=3)
        cron = self.env.ref("account_email_distribution.ir_cron_process_queue")
        cron, progress = cron._add_progress()
        Delivery = self.Delivery.with_env(cron.env)
        Delivery._cron_process_queue(limit=2)
        self.assertEqual((progress.done, progress.remaining), (2, 1))
        Delivery._cron_process_queue()
        self.assertEqual((progress.done, progress.remaining), (1, 0))

    def test_refusals_at_rcpt_time(self):
        self.Recipient.create(
            {
                "company_id": self.company.id,
                "customer_number": "20001",
                "email_to": "unknown@dir.example, ok@dir.example",
                "email_cc": "full@dir.example",
            }
        )
        partner = self.env["res.partner"].create({"name": "Mixed", "ref": "20001"})
        move = self.make_invoices(partner)
        delivery = move.email_distribution_delivery_ids
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(self.sink.messages[0]["rcpt_tos"], ["ok@dir.example"])
        lines = {line.email: line for line in delivery.attempt_ids}
        self.assertEqual(lines["ok@dir.example"].state, "sent")
        hard = lines["unknown@dir.example"]
        self.assertEqual(hard.state, "hard_bounce")
        self.assertEqual((hard.reply_code, hard.status_code), ("550", "5.1.1"))
        self.assertIn("550 5.1.1", hard.message)
        self.assertIn("User unknown", hard.message)
        self.assertIn("Confirm the correct address", hard.remedy)
        self.assertEqual(lines["full@dir.example"].state, "soft_bounce")
        self.assertEqual(delivery.state, "hard_bounce")
        self.assertEqual(move.email_distribution_state, "hard_bounce")
        activities = move.activity_ids.filtered(
            lambda a: a.summary == "E-mail delivery failed"
        )
        self.assertEqual(len(activities), 1)

    def full_mailbox_delivery(self, retry_max):
        """The delivery of an invoice to an address whose mailbox is full
        (the sink answers 452), retried every 10 minutes up to *retry_max*."""
        self.company.write(
            {
                "email_distribution_retry_max": retry_max,
                "email_distribution_retry_delay": 10,
            }
        )
        partner = self.env["res.partner"].create(
            {"name": "Full", "email": "full@doc.example"}
        )
        return self.make_invoices(partner).email_distribution_delivery_ids

    def test_soft_bounce_is_retried_then_fails(self):
        delivery = self.full_mailbox_delivery(retry_max=2)
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(delivery.state, "soft_bounce")
        self.assertIn("452 4.2.2", delivery.message)
        retry_at = delivery.next_attempt_date
        self.assertTrue(retry_at > fields.Datetime.now() + timedelta(minutes=9))
        self.run_distribution_cron()
        self.assertEqual(delivery.attempt_count, 1, "not due yet")
        with freeze_time(retry_at + timedelta(seconds=1)):
            self.run_distribution_cron()
            self.run_mail_cron()
        self.assertEqual(delivery.attempt_count, 2)
        self.assertEqual(delivery.state, "failed")
        self.assertIn("after 2 attempts", delivery.message)
        self.assertEqual(sorted(delivery.attempt_ids.mapped("attempt_number")), [1, 2])
        self.assertEqual(self.sink.messages, [])

    def test_an_old_attempt_s_mail_sent_again_leaves_the_current_one_alone(self):
        """An administrator who retries the first attempt's mail from Odoo's
        mail queue while the second attempt is queued: what that old mail
        meets is not the second attempt's outcome."""
        delivery = self.full_mailbox_delivery(retry_max=3)
        self.run_distribution_cron()
        old_mail = delivery.mail_id
        self.run_mail_cron()
        self.assertEqual(delivery.state, "soft_bounce")
        with freeze_time(delivery.next_attempt_date + timedelta(seconds=1)):
            self.run_distribution_cron()
        self.assertEqual(delivery.attempt_count, 2)
        self.assertEqual(delivery.state, "queued")
        self.assertNotEqual(delivery.mail_id, old_mail)
        self.assertTrue(old_mail.exists())
        new_mail = delivery.mail_id
        # One mail's batch: found by its token (ir.mail_server.send_email).
        old_mail.mark_outgoing()
        with self.real_smtp(), mute_logger("odoo.addons.mail.models.mail_mail"):
            old_mail.send()
        self.assertEqual(old_mail.state, "exception", "sent, refused by the sink")
        current = delivery.attempt_ids.filtered(lambda line: line.attempt_number == 2)
        self.assertEqual(current.mapped("state"), ["queued"])
        self.assertEqual(delivery.state, "queued")
        self.assertEqual(delivery.mail_id, new_mail)
        # Both in one batch: the batch's map holds the current token only.
        lines, tokens = (old_mail | new_mail)._email_distribution_batch_lines()
        self.assertEqual(lines, current)
        self.assertEqual(dict(tokens), {current.correlation_token: delivery.id})

    def test_internal_failures_stop_before_sending(self):
        self.company.email_distribution_max_attachment_mb = 0.000001
        move = self.make_invoices(self.doc_customer)
        self.run_distribution_cron()
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "failed")
        self.assertIn("more than the maximum", delivery.message)
        self.assertFalse(delivery.mail_id)
        self.run_mail_cron()
        self.assertEqual(self.sink.messages, [])
        self.assertEqual(len(move.activity_ids), 1)
        # Fixed and resent: it goes out.
        self.company.email_distribution_max_attachment_mb = 10
        move.action_email_distribution_resend()
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(move.email_distribution_state, "sent")
        self.assertEqual(len(self.sink.messages), 1)

    def test_missing_template_fails_with_reason(self):
        self.env.ref("account_email_distribution.mail_template_invoice").unlink()
        move = self.make_invoices(self.doc_customer)
        self.run_distribution_cron()
        self.assertEqual(move.email_distribution_state, "failed")
        self.assertIn("template", move.email_distribution_message)

    def test_no_outgoing_mail_server_fails_with_reason(self):
        self.env["ir.mail_server"].search([]).active = False
        move = self.make_invoices(self.doc_customer)
        with patch.dict(config.options, {"smtp_server": False}):
            self.run_distribution_cron()
        self.assertEqual(move.email_distribution_state, "failed")
        self.assertIn("No outgoing mail server", move.email_distribution_message)
        self.assertFalse(move.email_distribution_delivery_ids.mail_id)

    def test_spam_refusal_at_rcpt_time_is_blocked(self):
        partner = self.env["res.partner"].create(
            {"name": "Spam filter", "email": "spamtrap@doc.example"}
        )
        move = self.make_invoices(partner)
        self.run_distribution_cron()
        self.run_mail_cron()
        line = move.email_distribution_delivery_ids.attempt_ids
        self.assertEqual((line.state, line.status_code), ("blocked", "5.7.1"))
        self.assertIn("554 5.7.1", line.message)
        self.assertIn("allow the sender", line.remedy)
        self.assertEqual(move.email_distribution_state, "blocked")

    def test_cron_is_idempotent(self):
        move = self.make_invoices(self.doc_customer)
        self.run_distribution_cron()
        mail = move.email_distribution_delivery_ids.mail_id
        self.run_distribution_cron()
        self.assertEqual(move.email_distribution_delivery_ids.mail_id, mail)
        self.assertEqual(move.email_distribution_delivery_ids.attempt_count, 1)
        self.run_mail_cron()
        self.run_mail_cron()
        self.run_distribution_cron()
        self.assertEqual(len(self.sink.messages), 1)

    def test_cancel_and_resend(self):
        move = self.make_invoices(self.doc_customer)
        self.run_distribution_cron()
        delivery = move.email_distribution_delivery_ids
        mail = delivery.mail_id
        delivery.action_cancel()
        self.assertEqual(delivery.state, "cancelled")
        self.assertEqual(mail.state, "cancel")
        self.run_mail_cron()
        self.assertEqual(self.sink.messages, [])
        with self.assertRaises(UserError):
            delivery.action_cancel()
        move.action_email_distribution_resend()
        self.assertEqual(len(move.email_distribution_delivery_ids), 2)
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(move.email_distribution_state, "sent")
        self.assertEqual(len(self.sink.messages), 1)

    def test_resend_refused_while_in_progress(self):
        move = self.make_invoices(self.doc_customer)
        with self.assertRaises(UserError):
            move.action_email_distribution_resend()

    def test_stop_and_restart_a_run(self):
        moves = self.make_invoices(self.doc_customer, count=3)
        run = self.env["email.distribution.run"]._start("manual", self.company)
        run._process()
        self.assertEqual(run.queued_count, 3)
        run.action_stop()
        self.assertEqual(run.state, "stopped")
        deliveries = moves.email_distribution_delivery_ids
        self.assertEqual(set(deliveries.mapped("state")), {"queued"})
        self.assertFalse(deliveries.mail_id)
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(self.sink.messages, [], "a stopped run's deliveries wait")
        run.action_restart()
        self.run_mail_cron()
        self.assertEqual(len(self.sink.messages), 3)
        self.assertEqual(set(deliveries.mapped("state")), {"sent"})
        self.assertEqual(run.state, "running", "the mail cron never writes a run")
        self.run_distribution_cron()
        self.assertEqual(run.state, "done")

    def test_access_rights(self):
        invoicing_user = new_test_user(
            self.env,
            login="aed_billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        move = self.make_invoices(self.doc_customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        env = self.env(user=invoicing_user)
        lines = env["email.distribution.attempt"].search([("move_id", "=", move.id)])
        self.assertEqual(lines.mapped("state"), ["sent"])
        env["account.move"].browse(move.id).with_context(
            email_distribution_resend_all=True
        ).action_email_distribution_resend()
        run = env["email.distribution.run"].search([], limit=1)
        with self.assertRaises(UserError):
            run.action_stop()
        with self.assertRaises(UserError):
            env["account.move"].action_email_distribution_send_now()
