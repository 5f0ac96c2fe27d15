# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Nothing the module does can stop Odoo's mail gateway from processing a
mail, and the same bounce is applied once even without a Message-Id."""

from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import file_open, mute_logger

from .common_sending import SendingCase

DELIVERY_MODULE = (
    "odoo.addons.account_email_distribution.models.email_distribution_delivery"
)


def nested_bounce(depth, original_id):
    """A bounce whose MIME parts nest *depth* levels deep."""
    lines = [
        "From: MAILER-DAEMON@mx.dir.example",
        "To: bounce@company.example",
        "Subject: Undelivered Mail Returned to Sender",
        "Message-Id: <deep@mx.dir.example>",
        f"In-Reply-To: {original_id}",
        "MIME-Version: 1.0",
    ]
    for level in range(depth):
        lines += [
            f'Content-Type: multipart/mixed; boundary="b{level}"',
            "",
            f"--b{level}",
        ]
    lines += ["Content-Type: text/plain", "", "550 5.1.1 User unknown", ""]
    lines += [f"--b{level}--" for level in reversed(range(depth))]
    return "\n".join(lines) + "\n"


@tagged("post_install", "-at_install")
class TestBounceGateway(SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()
        alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "company.example", "bounce_alias": "bounce"}
        )
        cls.company.alias_domain_id = alias_domain
        cls.customer = cls.env["res.partner"].create(
            {"name": "Gateway Customer", "email": "ap@dir.example"}
        )

    def sent_delivery(self):
        move = self.make_invoices(self.customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "sent")
        return move, delivery

    def sample(self, name, delivery, bounce_id="g1@mx.dir.example"):
        with file_open(f"account_email_distribution/tests/samples/{name}", "r") as f:
            return (
                f.read()
                .replace("{bounce_to}", "bounce@company.example")
                .replace("{bounce_id}", bounce_id)
                .replace("{rcpt}", "ap@dir.example")
                .replace("{original_id}", delivery.mail_message_id)
            )

    def test_deeply_nested_bounce_does_not_break_the_gateway(self):
        _move, delivery = self.sent_delivery()
        raw = nested_bounce(300, delivery.mail_message_id)
        with mute_logger(
            "odoo.addons.account_email_distribution.models.mail_thread",
            "odoo.addons.mail.models.mail_thread",
        ):
            self.env["mail.thread"].message_process(False, raw)
        # Re-serialising that message raises RecursionError; the module reads
        # the bytes received instead, and whatever it decides, it did not stop
        # the gateway.
        self.assertIn(delivery.state, ("sent", "hard_bounce"))

    def test_a_failing_bounce_handler_lets_odoo_go_on(self):
        _move, delivery = self.sent_delivery()
        raw = self.sample("dsn_postfix_hard.eml", delivery)
        with (
            patch(f"{DELIVERY_MODULE}.classify_message", side_effect=RecursionError),
            mute_logger("odoo.addons.account_email_distribution.models.mail_thread"),
        ):
            self.env["mail.thread"].message_process(False, raw)
        self.assertEqual(delivery.state, "sent", "the module's part rolled back")
        # Odoo's own bounce handling still ran.
        self.assertEqual(self.customer.message_bounce, 1)

    def test_same_bounce_without_message_id_is_applied_once(self):
        move, delivery = self.sent_delivery()
        raw = "\n".join(
            line
            for line in self.sample("dsn_postfix_hard.eml", delivery).splitlines()
            if not line.lower().startswith("message-id: <g1@")
        )
        self.env["mail.thread"].message_process(False, raw)
        self.assertEqual(delivery.state, "hard_bounce")
        line = delivery.attempt_ids
        messages = len(move.message_ids)
        bounce_key = line.bounce_message_id
        self.assertTrue(bounce_key)
        self.env["mail.thread"].message_process(False, raw)
        self.assertEqual(line.bounce_message_id, bounce_key)
        self.assertEqual(len(move.message_ids), messages, "no second note")
