# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import file_open

from .common_sending import SendingCase


@tagged("post_install", "-at_install")
class TestBounces(SendingCase):
    """Real DSNs fed through Odoo's mail gateway (message_process)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()
        alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "company.example", "bounce_alias": "bounce"}
        )
        cls.company.alias_domain_id = alias_domain
        cls.bounce_address = "bounce@company.example"
        cls.customer = cls.env["res.partner"].create(
            {"name": "Bounce Customer", "email": "ap@dir.example"}
        )

    def sent_invoice(self, partner=None):
        move = self.make_invoices(partner or self.customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "sent")
        return move, delivery

    def feed(
        self, sample, delivery, rcpt="ap@dir.example", bounce_id="b1@mx.dir.example"
    ):
        with file_open(f"account_email_distribution/tests/samples/{sample}", "r") as f:
            text = f.read()
        raw = (
            text.replace("{bounce_to}", self.bounce_address)
            .replace("{bounce_id}", bounce_id)
            .replace("{rcpt}", rcpt)
            .replace("{original_id}", delivery.mail_message_id or "<none@nowhere>")
        )
        return self.env["mail.thread"].message_process(False, raw)

    def test_sent_mail_carries_the_bounce_return_path(self):
        self.sent_invoice()
        self.assertEqual(self.sink.messages[0]["mail_from"], self.bounce_address)

    def test_hard_bounce(self):
        move, delivery = self.sent_invoice()
        message_id = delivery.mail_message_id
        self.feed("dsn_postfix_hard.eml", delivery)
        self.assertEqual(delivery.state, "hard_bounce")
        self.assertEqual(move.email_distribution_state, "hard_bounce")
        line = delivery.attempt_ids
        self.assertEqual(
            (line.state, line.status_code, line.reply_code),
            ("hard_bounce", "5.1.1", "550"),
        )
        self.assertIn("User unknown", line.message)
        self.assertIn("Confirm the correct address", line.remedy)
        self.assertEqual(line.mail_message_id, message_id)
        flag = self.env["email.distribution.address"].search(
            [("email", "=", "ap@dir.example")]
        )
        self.assertEqual(flag.state, "hard_bounce")
        activities = move.activity_ids.filtered(
            lambda a: a.summary == "E-mail delivery failed"
        )
        self.assertEqual(len(activities), 1)
        self.assertIn("User unknown", activities.note)
        self.assertIn("ap@dir.example", self.customer.email_distribution_summary)
        # Further deliveries skip the address, with the reason.
        again = self.make_invoices(self.customer)
        held = again.email_distribution_delivery_ids
        self.assertEqual(held.state, "no_route")
        self.assertIn("bounced permanently", held.message)
        self.assertIn("User unknown", held.message)
        # Editing the address clears the flag.
        self.customer.email = "ap@dir.example"
        self.assertFalse(flag.active)
        self.assertEqual(flag.cleared_by_id, self.env.user)
        third = self.make_invoices(self.customer)
        self.assertEqual(third.email_distribution_delivery_ids.state, "queued")

    def test_same_bounce_twice_changes_nothing(self):
        move, delivery = self.sent_invoice()
        self.feed("dsn_postfix_hard.eml", delivery)
        line = delivery.attempt_ids
        write_date = line.write_date
        messages = len(move.message_ids)
        self.feed("dsn_postfix_hard.eml", delivery)
        self.assertEqual(line.write_date, write_date)
        self.assertEqual(len(move.message_ids), messages)
        self.assertEqual(len(move.activity_ids), 1)

    def test_soft_bounce_is_retried(self):
        self.company.write(
            {"email_distribution_retry_max": 3, "email_distribution_retry_delay": 30}
        )
        move, delivery = self.sent_invoice()
        self.feed("dsn_gmail_soft.eml", delivery)
        self.assertEqual(delivery.state, "soft_bounce")
        self.assertIn("over quota", delivery.message)
        self.assertIn("mailbox is full", delivery.remedy)
        retry_at = delivery.next_attempt_date
        self.assertGreater(retry_at, fields.Datetime.now() + timedelta(minutes=29))
        self.assertFalse(move.activity_ids, "no notification before the last attempt")
        self.assertFalse(self.env["email.distribution.address"].search([]))
        with self._freeze(retry_at + timedelta(minutes=1)):
            self.run_distribution_cron()
            self.run_mail_cron()
        self.assertEqual(delivery.attempt_count, 2)
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(len(self.sink.messages), 2)

    def _freeze(self, when):
        from freezegun import freeze_time

        return freeze_time(when)

    def test_blocked_and_unblock(self):
        manager = new_test_user(
            self.env,
            login="aed_bounce_manager",
            groups="account.group_account_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        invoicing = new_test_user(
            self.env,
            login="aed_bounce_user",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        _move, delivery = self.sent_invoice()
        # The recipient's own mailbox refuses us: that address is held.
        self.feed("dsn_o365_recipient_refuses.eml", delivery)
        self.assertEqual(delivery.state, "blocked")
        self.assertIn("does not accept mail from you", delivery.message)
        flag = self.env["email.distribution.address"].search(
            [("email", "=", "ap@dir.example")]
        )
        self.assertEqual(flag.state, "blocked")
        later = self.make_invoices(self.customer)
        self.assertIn(
            "Email was blocked", later.email_distribution_delivery_ids.message
        )
        with self.assertRaises(UserError):
            flag.with_user(invoicing).action_clear()
        self.assertTrue(flag.active)
        flag.with_user(manager).action_clear()
        self.assertFalse(flag.active)
        self.assertEqual(flag.cleared_by_id, manager)
        self.assertTrue(flag.cleared_date)
        resent = self.make_invoices(self.customer)
        self.assertEqual(resent.email_distribution_delivery_ids.state, "queued")

    def test_block_list_of_our_server_holds_no_address(self):
        """Spamhaus lists our sending IP: the customer's address is fine."""
        _move, delivery = self.sent_invoice()
        self.feed("dsn_o365_blocked.eml", delivery)
        self.assertEqual(delivery.state, "blocked")
        self.assertIn("Spamhaus", delivery.message)
        self.assertIn("block list", delivery.remedy)
        self.assertFalse(
            self.env["email.distribution.address"].search(
                [("email", "=", "ap@dir.example")]
            )
        )
        later = self.make_invoices(self.customer)
        self.assertEqual(later.email_distribution_delivery_ids.state, "queued")

    def test_delay_autoreply_unrelated_and_forged_change_nothing(self):
        move, delivery = self.sent_invoice()
        self.feed("dsn_delayed.eml", delivery, bounce_id="d1@mx.dir.example")
        self.assertEqual(delivery.state, "sent")
        self.assertIn("delayed", move.message_ids[0].body)
        self.feed("autoreply.eml", delivery, bounce_id="a1@mx.dir.example")
        self.assertEqual(delivery.state, "sent")
        # A bounce about a mail this database never sent.
        forged = self.env["email.distribution.delivery"].new(
            {"mail_message_id": "<forged@evil.example>"}
        )
        self.feed("dsn_postfix_hard.eml", forged, bounce_id="f1@mx.dir.example")
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(set(delivery.attempt_ids.mapped("state")), {"sent"})
        self.assertFalse(self.env["email.distribution.address"].search([]))
        self.assertFalse(move.activity_ids)

    def test_bounce_for_one_of_several_recipients(self):
        self.Recipient.create(
            {
                "company_id": self.company.id,
                "customer_number": "30001",
                "email_to": "one@dir.example, two@dir.example",
            }
        )
        partner = self.env["res.partner"].create({"name": "Two", "ref": "30001"})
        _move, delivery = self.sent_invoice(partner)
        self.feed("dsn_postfix_hard.eml", delivery, rcpt="two@dir.example")
        lines = {line.email: line.state for line in delivery.attempt_ids}
        self.assertEqual(
            lines, {"one@dir.example": "sent", "two@dir.example": "hard_bounce"}
        )
        self.assertEqual(delivery.state, "hard_bounce")
        entry = self.Recipient.search([("customer_number", "=", "30001")])
        self.assertIn("two@dir.example", entry.hold_message)

    def test_settings_show_the_bounce_address(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            settings.email_distribution_bounce_address, self.bounce_address
        )
        # Whether bounces come back is what the bounce-path check tells.
        self.assertIn("bounce-path check", settings.email_distribution_bounce_warning)
        self.assertFalse(settings.email_distribution_bounce_check_state)
