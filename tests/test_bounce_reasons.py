# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged
from odoo.tools.mail import generate_tracking_message_id

from .common_sending import SendingCase
from .smtp_sink import build_dsn

DMARC = (
    "550 5.7.26 Unauthenticated email from company.example is not accepted due "
    "to domain's DMARC policy. Please contact the administrator of "
    "company.example domain."
)
SPAMHAUS = (
    "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using "
    "zen.spamhaus.org"
)
FULL = "452 4.2.2 <{rcpt}>: Mailbox full, try again later"
UNKNOWN = "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown"


@tagged("post_install", "-at_install")
class TestBounceReasons(SendingCase):
    """The reason layer end to end: real DSNs through Odoo's mail gateway."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()
        cls.company.alias_domain_id = cls.env["mail.alias.domain"].create(
            {"name": "company.example", "bounce_alias": "bounce"}
        )
        cls.Held = cls.env["email.distribution.address"].sudo()

    def bounce(self, email, reply):
        customer = self.env["res.partner"].create({"name": email, "email": email})
        move = self.make_invoices(customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(move.email_distribution_state, "sent")
        sent = self.sink.messages[-1]["message"].as_bytes()
        self.env["mail.thread"].message_process(
            False, build_dsn(sent, email, "bounce@company.example", reply)
        )
        return move, move.email_distribution_delivery_ids.attempt_ids

    def admin_todos(self):
        return self.company.partner_id.sudo().activity_ids.filtered(
            lambda a: "our mail is being refused" in (a.summary or "")
        )

    def test_dmarc_failure_says_spf_dkim_and_holds_no_address(self):
        move, line = self.bounce("ap@dmarc.example", DMARC)
        self.assertEqual(move.email_distribution_state, "blocked")
        self.assertTrue(line.reason)
        self.assertIn("SPF and DKIM", line.remedy)
        self.assertFalse(self.Held.search([("email", "=", "ap@dmarc.example")]))
        self.assertEqual(len(self.admin_todos()), 1)
        # A second refusal of our sender: still one to-do for the administrator.
        self.bounce("ar@dmarc.example", DMARC)
        self.assertEqual(len(self.admin_todos()), 1)

    def test_block_list_is_named(self):
        move, line = self.bounce("ap@listed.example", SPAMHAUS)
        self.assertEqual(move.email_distribution_state, "blocked")
        self.assertIn("zen.spamhaus.org", line.remedy)
        self.assertFalse(self.Held.search([("email", "=", "ap@listed.example")]))

    def test_mailbox_full_says_when_it_is_retried(self):
        move, line = self.bounce("ap@fullbox.example", FULL)
        self.assertEqual(move.email_distribution_state, "soft_bounce")
        self.assertIn("mailbox is full", line.remedy)
        self.assertIn("Retried automatically at", line.remedy)
        self.assertFalse(self.Held.search([("email", "=", "ap@fullbox.example")]))

    def test_unknown_user_holds_the_address(self):
        move, line = self.bounce("ap@gone.example", UNKNOWN)
        self.assertEqual(move.email_distribution_state, "hard_bounce")
        self.assertIn("Confirm the correct address", line.remedy)
        self.assertTrue(self.Held.search([("email", "=", "ap@gone.example")]))
        self.assertFalse(self.admin_todos())

    def odoo_refusal(self, email, render):
        """Send an invoice to *email*, then have Odoo's own mail gateway code
        answer it as a customer's Odoo does (``_routing_create_bounce_email``,
        through the loopback SMTP server) with the body *render* makes from
        the parsed mail, and feed that answer to our mail gateway."""
        customer = self.env["res.partner"].create({"name": email, "email": email})
        move = self.make_invoices(customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(move.email_distribution_state, "sent")
        received = self.sink.messages[-1]
        message = received["message"]
        # What the receiving MTA adds at final delivery, and Odoo answers to.
        message["Return-Path"] = f"<{received['mail_from']}>"
        Thread = self.env["mail.thread"].with_context(lang="fi_FI")
        message_dict = Thread.message_parse(message)
        with self.real_smtp():
            Thread._routing_create_bounce_email(
                message_dict["email_from"],
                render(message_dict),
                message,
                references=f"{message_dict['message_id']} "
                f"{generate_tracking_message_id('loop-detection-bounce-email')}",
            )
        answer = self.sink.messages[-1]
        self.assertEqual(answer["rcpt_tos"], [received["mail_from"]])
        self.env["mail.thread"].message_process(False, answer["message"].as_bytes())
        return move, move.email_distribution_delivery_ids.attempt_ids

    def test_a_customer_s_odoo_refusals_in_finnish(self):
        self.env["res.lang"]._activate_lang("fi_FI")
        self.env["ir.module.module"]._load_module_terms(["mail"], ["fi_FI"])
        alias = self.env["mail.alias"].create(
            {
                "alias_name": "laskut",
                "alias_domain_id": self.env["mail.alias.domain"]
                .create({"name": "asiakas.example"})
                .id,
                "alias_model_id": self.env["ir.model"]._get_id("res.partner"),
                "alias_contact": "partners",
            }
        )

        def restricted(message_dict):
            return alias.with_context(lang="fi_FI")._get_alias_bounced_body(
                message_dict
            )

        move, line = self.odoo_refusal("laskut@asiakas.example", restricted)
        self.assertIn("Vain", line.message)  # Odoo's Finnish text
        self.assertEqual(move.email_distribution_state, "blocked")
        self.assertTrue(line.reason)
        self.assertIn("allow the sender address", line.remedy)
        self.assertTrue(self.Held.search([("email", "=", "laskut@asiakas.example")]))
        self.assertFalse(self.admin_todos())
        log = self.env["email.distribution.bounce"].search([], limit=1)
        self.assertEqual(log.matched_by, "message_id")

        def catchall(message_dict):
            return (
                self.env["ir.qweb"]
                .with_context(lang="fi_FI")
                ._render(
                    "mail.mail_bounce_catchall",
                    {"message": message_dict, "res_company": self.env.company},
                    minimal_qcontext=True,
                )
            )

        move, line = self.odoo_refusal("catchall@asiakas.example", catchall)
        self.assertIn("ei voida käsitellä", line.message)
        self.assertEqual(move.email_distribution_state, "hard_bounce")
        self.assertIn("Confirm the correct address", line.remedy)
        self.assertTrue(self.Held.search([("email", "=", "catchall@asiakas.example")]))
