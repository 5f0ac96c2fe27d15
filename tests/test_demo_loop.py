# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import smtplib
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, api, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_mail_server import IrMailServer as BaseMailServer

from ..models.mail_mail import BatchTokens, batch_tokens
from .common_sending import SendingCase


@tagged("post_install", "-at_install")
class TestDemoLoop(SendingCase):
    """The live loop of ``tools/odoo_run serve``: crons woken, sink answers.

    The SMTP sink here is the same program the demo runs beside Odoo; its
    reserved addresses produce each delivery state, and ``bounce-later@``
    is accepted and bounced afterwards with a real DSN through Odoo's gateway.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()
        cls.company.alias_domain_id = cls.env["mail.alias.domain"].create(
            {"name": "company.example", "bounce_alias": "bounce"}
        )
        cls.sending_cron = cls.env.ref(
            "account_email_distribution.ir_cron_process_queue"
        )
        cls.mail_cron = cls.env.ref("mail.ir_cron_mail_scheduler_action")

    def customer(self, email):
        return self.env["res.partner"].create({"name": email, "email": email})

    def triggers(self, cron):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    def test_posting_wakes_the_sending_cron_and_hand_over_the_mail_cron(self):
        before = self.triggers(self.sending_cron)
        self.make_invoices(self.customer("ap@plain.example"))
        self.assertEqual(self.triggers(self.sending_cron), before + 1)
        mail_before = self.triggers(self.mail_cron)
        self.run_distribution_cron()
        self.assertEqual(self.triggers(self.mail_cron), mail_before + 1)

    def test_the_run_s_last_mail_wakes_the_sending_cron_to_close_it(self):
        moves = self.make_invoices(self.customer("ap@plain.example"), count=3)
        self.run_distribution_cron()
        deliveries = moves.email_distribution_delivery_ids
        run = deliveries.run_id
        self.assertEqual(run.state, "running")
        mails = deliveries.mail_id
        self.env.cr.precommit.data.pop("account_email_distribution.woken", None)
        before = self.triggers(self.sending_cron)
        with self.real_smtp():
            mails[:2].send()
        self.assertEqual(
            self.triggers(self.sending_cron), before, "a line of the run still waits"
        )
        self.assertEqual(len(self.sink.messages), 2)
        with self.real_smtp():
            mails[2:].send()
        self.assertEqual(self.triggers(self.sending_cron), before + 1)
        self.assertEqual(set(deliveries.mapped("state")), {"sent"})
        self.run_distribution_cron()
        self.assertEqual(run.state, "done")

    def test_a_dropped_connection_still_wakes_the_sending_cron(self):
        """The mail cron's batch ends with SMTPServerDisconnected (Odoo
        re-raises it, its cron logs it and commits what was settled): the
        run whose last line that settled is woken all the same, as it was
        when each mail's settling checked its run."""
        moves = self.make_invoices(self.customer("ap@plain.example"), count=2)
        self.run_distribution_cron()
        deliveries = moves.email_distribution_delivery_ids.sorted("id")
        run = deliveries.run_id
        self.assertEqual(run.state, "running")
        mails = deliveries.mail_id
        self.env.cr.precommit.data.pop("account_email_distribution.woken", None)
        soon = fields.Datetime.now() + timedelta(minutes=1)

        def now_triggers():
            return self.env["ir.cron.trigger"].search_count(
                [("cron_id", "=", self.sending_cron.id), ("call_at", "<=", soon)]
            )

        before = now_triggers()
        mail_cron_before = self.triggers(self.mail_cron)
        real_send = BaseMailServer.send_email
        dropped = deliveries[1].mail_id.message_id

        def send_email(server, message, *args, **kwargs):
            if message["Message-Id"] == dropped:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            return real_send(server, message, *args, **kwargs)

        # Not assertRaises: Odoo's rolls its savepoint back, and the mail
        # cron keeps (commits) what was settled.
        raised = None
        with (
            self.real_smtp(),
            patch.object(BaseMailServer, "send_email", send_email),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            try:
                mails.send()
            except smtplib.SMTPServerDisconnected as exc:
                raised = exc
        self.assertTrue(raised, "Odoo re-raises a dropped connection")
        self.assertEqual(deliveries.mapped("state"), ["sent", "soft_bounce"])
        self.assertFalse(deliveries.attempt_ids.filtered(lambda a: a.state == "queued"))
        self.assertEqual(now_triggers(), before + 1, "the settled run is woken")
        self.assertEqual(
            self.triggers(self.mail_cron),
            mail_cron_before + 1,
            "the mails after the drop go at the mail cron's next pass, now",
        )
        self.run_distribution_cron()
        self.assertNotEqual(run.state, "running")

    def test_a_dropped_connection_sent_by_a_settings_user_is_retried(self):
        """An administrator (Settings) without Invoicing rights sends the
        queue by hand (Technical > Emails > Send Now) and the connection
        drops: the delivery is a soft bounce, retried, as from the mail cron;
        its lookup is the module's bookkeeping, not the user's reading."""
        moves = self.make_invoices(self.customer("ap@plain.example"))
        self.run_distribution_cron()
        delivery = moves.email_distribution_delivery_ids
        mail = delivery.mail_id
        admin = self.env["res.users"].create(
            {
                "name": "Settings only",
                "login": "settings-only@example.com",
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref("base.group_system").id,
                        ]
                    )
                ],
            }
        )
        self.assertFalse(admin.has_group("account.group_account_invoice"))

        def send_email(server, message, *args, **kwargs):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

        with (
            self.real_smtp(),
            patch.object(BaseMailServer, "send_email", send_email),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            raised = None
            try:
                mail.with_user(admin).send()
            except smtplib.SMTPServerDisconnected as exc:
                raised = exc
        self.assertTrue(raised, "Odoo re-raises a dropped connection")
        self.assertEqual(delivery.state, "soft_bounce")
        self.assertTrue(delivery.next_attempt_date, "retried")

    def test_a_token_map_from_rpc_is_not_the_mail_batch_s(self):
        """Only mail.mail._send makes the batch's token map: one passed in a
        context (JSON over RPC) neither finds deliveries nor stops a run
        from being woken."""
        env = self.env(context={"email_distribution_batch_tokens": [["tok", 1]]})
        self.assertIsNone(batch_tokens(env))
        env = self.env(
            context={"email_distribution_batch_tokens": BatchTokens([("tok", 1)])}
        )
        self.assertEqual(batch_tokens(env), {"tok": 1})

    def test_posting_without_route_wakes_the_sending_cron_for_its_to_do(self):
        before = self.triggers(self.sending_cron)
        move = self.make_invoices(self.env["res.partner"].create({"name": "No Mail"}))
        self.assertEqual(self.triggers(self.sending_cron), before + 1)
        self.assertFalse(move.activity_ids)
        self.run_distribution_cron()
        self.assertEqual(len(move.activity_ids), 1)
        self.assertEqual(self.sink.messages, [])

    def test_soft_bounce_wakes_the_sending_cron_at_the_retry_time(self):
        move = self.make_invoices(self.customer("full@mailbox.example"))
        self.run_distribution_cron()
        self.run_mail_cron()
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "soft_bounce")
        at_retry = self.env["ir.cron.trigger"].search(
            [
                ("cron_id", "=", self.sending_cron.id),
                ("call_at", "=", delivery.next_attempt_date),
            ]
        )
        self.assertEqual(len(at_retry), 1)

    def test_each_reserved_address_ends_in_its_state(self):
        expected = {
            "ap@plain.example": "sent",
            "unknown@customer.example": "hard_bounce",
            "full@customer.example": "soft_bounce",
            "spam@customer.example": "blocked",
        }
        moves = {email: self.make_invoices(self.customer(email)) for email in expected}
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(
            {email: move.email_distribution_state for email, move in moves.items()},
            expected,
        )

    def test_bounce_after_acceptance_comes_back_as_a_hard_bounce(self):
        move = self.make_invoices(self.customer("bounce-later@customer.example"))
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(move.email_distribution_state, "sent")
        self.assertEqual(len(self.sink.dsns), 1)
        self.env["mail.thread"].message_process(False, self.sink.dsns[0])
        self.assertEqual(move.email_distribution_state, "hard_bounce")
        line = move.email_distribution_delivery_ids.attempt_ids
        self.assertEqual((line.status_code, line.reply_code), ("5.1.1", "550"))

    def test_bounce_through_the_mail_gateway_script_path(self):
        """odoo-mailgate.py and the demo's sink call message_process over
        XML-RPC: the module's override must keep it an @api.model method."""
        move = self.make_invoices(self.customer("bounce-later@customer.example"))
        self.run_distribution_cron()
        self.run_mail_cron()
        api.call_kw(
            self.env["mail.thread"], "message_process", [False, self.sink.dsns[0]], {}
        )
        self.assertEqual(move.email_distribution_state, "hard_bounce")
