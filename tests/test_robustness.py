# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Nothing stuck in Queued, one bad delivery never stalls the queue, and the
truth is kept per recipient."""

from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import file_open, mute_logger

from .common_sending import SendingCase
from .smtp_sink import SinkHandler, SmtpSink


class Refuse421Handler(SinkHandler):
    """Answers 421 to MAIL FROM, as a relay shutting down does."""

    async def handle_MAIL(self, _server, _session, _envelope, _address, _options):
        return "421 4.3.2 Service shutting down, closing transmission channel"


class DropHandler(SinkHandler):
    """Drops the connection at MAIL FROM."""

    async def handle_MAIL(self, server, _session, _envelope, _address, _options):
        server.transport.close()
        return "421 4.4.2 Connection dropped"


class ScriptedSmtpCase(SendingCase):
    """A loopback SMTP server whose behaviour each test chooses."""

    handler_class = SinkHandler

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sink_class = type(
            "ScriptedSink", (SmtpSink,), {"handler_class": cls.handler_class}
        )
        cls.handler = sink_class().start()
        cls.addClassCleanup(cls.handler.stop)
        cls.env["ir.mail_server"].search([]).active = False
        cls.env["ir.mail_server"].create(
            {
                "name": "Scripted loopback",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.handler.port,
                "smtp_encryption": "none",
            }
        )

    def send_all(self):
        self.run_distribution_cron()
        with mute_logger("odoo.addons.base.models.ir_mail_server", "mail.log"):
            self.run_mail_cron()
        # The mail side wakes the sending cron, which closes settled runs.
        self.run_distribution_cron()


@tagged("post_install", "-at_install")
class TestServer421(ScriptedSmtpCase):
    handler_class = Refuse421Handler

    def test_421_to_mail_from_leaves_nothing_queued(self):
        moves = self.make_invoices(self.doc_customer, count=2)
        deliveries = moves.email_distribution_delivery_ids.sorted("id")
        self.send_all()
        self.assertEqual(deliveries.mapped("state"), ["soft_bounce", "soft_bounce"])
        self.assertTrue(all(deliveries.mapped("next_attempt_date")))
        self.assertIn("421", deliveries[0].message)
        self.assertIn("SMTPServerDisconnected", deliveries[1].message)
        self.assertFalse(deliveries.attempt_ids.filtered(lambda a: a.state == "queued"))
        self.assertNotEqual(deliveries.run_id.state, "running")
        # Odoo will not send those mails again behind the module's back.
        self.assertFalse(
            self.env["mail.mail"].search(
                [("state", "=", "outgoing"), ("res_id", "in", moves.ids)]
            )
        )
        self.assertEqual(self.handler.messages, [])


@tagged("post_install", "-at_install")
class TestServerDrops(ScriptedSmtpCase):
    handler_class = DropHandler

    def test_dropped_connection_is_a_soft_bounce(self):
        self.company.email_distribution_retry_max = 1
        moves = self.make_invoices(self.doc_customer, count=2)
        deliveries = moves.email_distribution_delivery_ids
        self.send_all()
        # Odoo's mail cron stops its batch at a dropped connection; the mails
        # after it wait for its next pass, which settles them too.
        with mute_logger("odoo.addons.base.models.ir_mail_server", "mail.log"):
            self.run_mail_cron()
        self.assertNotIn("queued", deliveries.mapped("state"))
        # Last attempt: failed, with the reason.
        self.assertEqual(set(deliveries.mapped("state")), {"failed"})
        for delivery in deliveries:
            self.assertIn("SMTPServerDisconnected", delivery.message)


@tagged("post_install", "-at_install")
class TestIsolation(SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()

    def test_broken_template_fails_one_delivery_and_the_rest_go_on(self):
        template = self.env.ref("account_email_distribution.mail_template_invoice")
        template.subject = (
            "{{ object.name if object.partner_id.name != 'Broken' "
            "else object.no_such_field }}"
        )
        broken = self.env["res.partner"].create(
            {"name": "Broken", "email": "broken@doc.example"}
        )
        bad = self.make_invoices(broken)
        good = self.make_invoices(self.doc_customer)
        with mute_logger(
            "odoo.addons.account_email_distribution.models.email_distribution_delivery",
            "odoo.addons.mail.models.mail_render_mixin",
        ):
            self.run_distribution_cron()
        bad_delivery = bad.email_distribution_delivery_ids
        self.assertEqual(bad_delivery.state, "failed")
        self.assertIn("could not be prepared", bad_delivery.message)
        self.assertEqual(
            bad_delivery.attempt_ids.mapped("state"), ["failed"], "its line says so"
        )
        activity = bad.activity_ids.filtered(
            lambda a: a.summary == "E-mail delivery failed"
        )
        self.assertEqual(len(activity), 1)
        self.assertTrue(good.email_distribution_delivery_ids.mail_id)
        self.run_mail_cron()
        self.assertEqual(good.email_distribution_state, "sent")
        self.assertEqual(len(self.sink.messages), 1)

    def test_mail_that_cannot_be_created_fails_alone(self):
        """The batch creates its mails in one call; when that fails, they are
        created one by one and only the broken one fails."""
        bad = self.make_invoices(
            self.env["res.partner"].create(
                {"name": "Bad mail", "email": "bad@doc.example"}
            )
        )
        good = self.make_invoices(self.doc_customer, count=2)
        MailModel = type(self.env["mail.mail"])
        real_create = MailModel.create

        def create(model, vals_list):
            vals = [vals_list] if isinstance(vals_list, dict) else vals_list
            if any(v.get("email_to") == "bad@doc.example" for v in vals):
                raise ValueError("simulated mail failure")
            return real_create(model, vals_list)

        with (
            patch.object(MailModel, "create", create),
            mute_logger(
                "odoo.addons.account_email_distribution.models."
                "email_distribution_delivery"
            ),
        ):
            self.run_distribution_cron()
        bad_delivery = bad.email_distribution_delivery_ids
        self.assertEqual(bad_delivery.state, "failed")
        self.assertIn("simulated mail failure", bad_delivery.message)
        self.assertEqual(bad_delivery.attempt_ids.mapped("state"), ["failed"])
        self.assertFalse(
            bad.message_ids.filtered(lambda m: "handed to the mail queue" in m.body),
            "no note says it was handed over",
        )
        self.assertTrue(all(good.email_distribution_delivery_ids.mapped("mail_id")))
        self.run_mail_cron()
        self.assertEqual(set(good.mapped("email_distribution_state")), {"sent"})
        self.assertEqual(len(self.sink.messages), 2)


@tagged("post_install", "-at_install")
class TestPerRecipient(SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()
        alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "company.example", "bounce_alias": "bounce"}
        )
        cls.company.alias_domain_id = alias_domain
        cls.company.write(
            {"email_distribution_retry_max": 3, "email_distribution_retry_delay": 10}
        )

    def customer(self, number, to, cc=False):
        self.Recipient.create(
            {
                "company_id": self.company.id,
                "customer_number": number,
                "email_to": to,
                "email_cc": cc,
            }
        )
        return self.env["res.partner"].create({"name": number, "ref": number})

    def feed(self, sample, delivery, rcpt, bounce_id):
        with file_open(f"account_email_distribution/tests/samples/{sample}", "r") as f:
            raw = (
                f.read()
                .replace("{bounce_to}", "bounce@company.example")
                .replace("{bounce_id}", bounce_id)
                .replace("{rcpt}", rcpt)
                .replace("{original_id}", delivery.mail_message_id)
            )
        return self.env["mail.thread"].message_process(False, raw)

    def test_soft_recipient_is_retried_although_another_hard_bounced(self):
        partner = self.customer("40001", "unknown@dir.example, full@dir.example")
        move = self.make_invoices(partner)
        delivery = move.email_distribution_delivery_ids
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(delivery.state, "hard_bounce", "the worst open state")
        self.assertTrue(delivery.next_attempt_date, "full@ waits for its retry")
        with freeze_time(delivery.next_attempt_date + timedelta(seconds=1)):
            self.run_distribution_cron()
            self.run_mail_cron()
        self.assertEqual(delivery.attempt_count, 2)
        second = delivery.attempt_ids.filtered(lambda a: a.attempt_number == 2)
        self.assertEqual(second.mapped("email"), ["full@dir.example"])
        self.assertEqual(second.state, "soft_bounce")
        self.assertEqual(delivery.state, "hard_bounce")

    def test_retry_rechecks_held_addresses(self):
        partner = self.customer("40002", "full@dir.example")
        move = self.make_invoices(partner)
        delivery = move.email_distribution_delivery_ids
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(delivery.state, "soft_bounce")
        # Meanwhile another invoice's bounce blocked the address.
        self.env["email.distribution.address"]._flag(
            self.company, "full@dir.example", "blocked", "554 5.7.1 spam"
        )
        with freeze_time(delivery.next_attempt_date + timedelta(seconds=1)):
            self.run_distribution_cron()
            self.run_mail_cron()
        self.assertEqual(self.sink.messages, [], "a held address is not retried")
        self.assertEqual(delivery.state, "blocked")
        self.assertFalse(delivery.next_attempt_date)
        line = delivery.attempt_ids.filtered(lambda a: a.attempt_number == 2)
        self.assertEqual(line.state, "blocked")
        self.assertIn("held", line.message)

    def test_severity_only_goes_up(self):
        partner = self.customer("40003", "ap@dir.example")
        move = self.make_invoices(partner)
        delivery = move.email_distribution_delivery_ids
        self.run_distribution_cron()
        self.run_mail_cron()
        self.feed("dsn_o365_blocked.eml", delivery, "ap@dir.example", "b1@mx")
        self.assertEqual(delivery.state, "blocked")
        self.feed("dsn_gmail_soft.eml", delivery, "ap@dir.example", "b2@mx")
        line = delivery.attempt_ids
        self.assertEqual(line.state, "blocked")
        self.assertIn("Spamhaus", line.message)
        self.assertEqual(delivery.state, "blocked")
        self.assertFalse(delivery.next_attempt_date, "nothing to retry")

    def test_bounce_naming_a_mixed_case_address(self):
        partner = self.customer("40004", "John.Doe@dir.example")
        move = self.make_invoices(partner)
        delivery = move.email_distribution_delivery_ids
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(delivery.state, "sent")
        self.feed("dsn_postfix_hard.eml", delivery, "JOHN.DOE@DIR.EXAMPLE", "b3@mx")
        self.assertEqual(delivery.state, "hard_bounce")
        self.assertEqual(delivery.attempt_ids.state, "hard_bounce")


@tagged("post_install", "-at_install")
class TestMailTakenAway(SendingCase):
    def test_cancelled_or_deleted_mail_does_not_leave_the_delivery_queued(self):
        moves = self.make_invoices(self.doc_customer, count=2)
        self.run_distribution_cron()
        first, second = moves.email_distribution_delivery_ids.sorted("id")
        first.mail_id.cancel()
        second.mail_id.unlink()
        self.assertEqual((first.state, second.state), ("failed", "failed"))
        self.assertIn("cancelled in Odoo's mail queue", first.message)
        self.assertIn("deleted from Odoo's mail queue", second.message)
        self.assertFalse(first.mail_id)
        # The sending cron, woken by the settlement, closes the run.
        self.run_distribution_cron()
        self.assertNotEqual(first.run_id.state, "running")
