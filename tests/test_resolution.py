# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Resolved means resolved: a later success closes earlier failures."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_sending import SendingCase

FAILED_VIEW = [
    ("state", "in", ("hard_bounce", "blocked", "failed", "no_route")),
    ("resolved", "=", False),
]


@tagged("post_install", "-at_install")
class TestResolution(SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()

    def failure_activities(self, move):
        return move.activity_ids.filtered(
            lambda a: a.summary == "E-mail delivery failed"
        )

    def test_successful_resend_resolves_failures_and_activities(self):
        self.company.email_distribution_max_attachment_mb = 0.000001
        move = self.make_invoices(self.doc_customer)
        self.run_distribution_cron()
        self.assertEqual(move.email_distribution_state, "failed")
        failed = self.Attempt.search([("move_id", "=", move.id), *FAILED_VIEW])
        self.assertEqual(len(failed), 1)
        self.assertEqual(len(self.failure_activities(move)), 1)
        self.company.email_distribution_max_attachment_mb = 10
        result = move.action_email_distribution_resend()
        self.assertIn("queued for billing@doc.example", result["params"]["message"])
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(move.email_distribution_state, "sent")
        self.assertFalse(
            self.Attempt.search([("move_id", "=", move.id), *FAILED_VIEW]),
            "the old failure left the Failed view",
        )
        self.assertTrue(failed.resolved)
        self.assertFalse(self.failure_activities(move), "its activity is done")

    def test_resend_goes_only_to_those_who_did_not_get_it(self):
        self.Recipient.create(
            {
                "company_id": self.company.id,
                "customer_number": "50001",
                "email_to": "ok@dir.example, unknown@dir.example",
            }
        )
        partner = self.env["res.partner"].create({"name": "Half", "ref": "50001"})
        move = self.make_invoices(partner)
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(move.email_distribution_state, "hard_bounce")
        # The address is corrected in the directory (SMTP refusals do not
        # hold it), then the invoice is resent: only the one who missed it.
        self.sink.messages.clear()
        result = move.action_email_distribution_resend()
        new = move.email_distribution_delivery_ids.sorted("id")[-1]
        self.assertEqual(new.email_to, "unknown@dir.example")
        self.assertIn("unknown@dir.example", result["params"]["message"])
        # Asked explicitly: everyone.
        new.action_cancel()
        move.with_context(
            email_distribution_resend_all=True
        ).action_email_distribution_resend()
        everyone = move.email_distribution_delivery_ids.sorted("id")[-1]
        self.assertEqual(everyone.email_to, "ok@dir.example, unknown@dir.example")

    def test_resend_when_everyone_got_it_says_so(self):
        move = self.make_invoices(self.doc_customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        with self.assertRaisesRegex(UserError, "Resend to All"):
            move.action_email_distribution_resend()
        self.assertEqual(len(move.email_distribution_delivery_ids), 1)

    def test_one_open_activity_when_every_address_is_held(self):
        partner = self.env["res.partner"].create(
            {"name": "Held", "email": "held@doc.example"}
        )
        self.env["email.distribution.address"]._flag(
            self.company, "held@doc.example", "blocked", "554 5.7.1 spam"
        )
        move = self.make_invoices(partner)
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "no_route")
        self.assertIn("clear the hold", delivery.remedy)
        self.assertNotIn("Add the customer's address", delivery.remedy)
        for _n in range(2):
            move.action_email_distribution_resend()
        self.assertEqual(len(move.email_distribution_delivery_ids), 3)
        self.assertEqual(len(self.failure_activities(move)), 1)
        note = self.failure_activities(move).note
        self.assertNotIn(" - ", note)
        self.assertNotIn("to -", note)

    def test_cancelled_deliveries_stay_findable(self):
        move = self.make_invoices(self.doc_customer)
        move.email_distribution_delivery_ids.action_cancel()
        self.assertIn(
            move,
            self.env["account.move"].search(
                [("email_distribution_state", "=", "cancelled")]
            ),
        )
        filters = self.env.ref(
            "account_email_distribution.email_distribution_attempt_view_search"
        ).arch
        self.assertIn('name="cancelled"', filters)
