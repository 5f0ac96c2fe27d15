# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One e-mail channel: Odoo's Send wizard, batch send and its cron e-mail
distributed invoices through e-mail distribution, never a second time."""

from odoo.tests import Form, new_test_user, tagged

from .common_sending import SendingCase
from .test_formats import StructuredFormatsCase


class OneChannelMixin:
    def send_wizard(self, move, user=None, **values):
        return (
            self.env["account.move.send.wizard"]
            .with_user(user or self.env.user)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(values)
        )

    def batch_wizard(self, moves):
        return (
            self.env["account.move.send.batch.wizard"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({})
        )

    def send(self, wizard):
        """Press Send, letting any mail Odoo sends at once reach the sink."""
        with self.real_smtp():
            return wizard.action_send_and_print()

    def run_send_cron(self):
        with self.real_smtp():
            self.env["account.move"]._cron_account_move_send()

    def deliver_everything(self):
        self.run_distribution_cron()
        self.run_mail_cron()

    def received_for(self, move):
        return [m for m in self.sink.messages if move.name in m["message"]["Subject"]]

    def post_undistributed(self, partner, count=1, **kwargs):
        """Invoices posted while distribution was off: no delivery yet."""
        self.company.email_distribution_enabled = False
        moves = self.make_invoices(partner, count=count, **kwargs)
        self.company.email_distribution_enabled = True
        self.assertFalse(moves.email_distribution_delivery_ids)
        return moves


@tagged("post_install", "-at_install")
class TestOneChannel(OneChannelMixin, SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()

    def test_send_on_delivered_invoice_sends_no_second_email(self):
        move = self.make_invoices(self.doc_customer)
        self.deliver_everything()
        self.assertEqual(move.email_distribution_state, "sent")
        self.assertEqual(len(self.received_for(move)), 1)
        wizard = self.send_wizard(move)
        self.assertEqual(wizard.sending_methods, ["email"])
        self.assertTrue(wizard.email_distribution_delivered)
        alert = wizard.alerts["account_email_distribution"]
        self.assertIn("delivered this invoice to billing@doc.example", alert["message"])
        self.assertIn("Sent again, it goes to billing@doc.example", alert["message"])
        self.send(wizard)
        self.deliver_everything()
        self.assertEqual(len(self.received_for(move)), 1, "no second e-mail")
        self.assertEqual(len(move.email_distribution_delivery_ids), 1)
        self.assertTrue(
            any("not e-mailed again" in str(b) for b in move.message_ids.mapped("body"))
        )

    def test_send_again_goes_through_the_distribution(self):
        move = self.make_invoices(self.dir_customer)
        self.deliver_everything()
        first = move.email_distribution_delivery_ids
        self.send(self.send_wizard(move, email_distribution_resend=True))
        second = move.email_distribution_delivery_ids - first
        self.assertEqual(len(second), 1)
        self.assertEqual(second.state, "queued")
        self.assertEqual(second.route_source, "directory")
        self.assertEqual(
            sorted(second.attempt_ids.mapped("email")),
            ["ap@dir.example", "ar@dir.example", "cfo@dir.example"],
        )
        self.assertEqual(len(self.received_for(move)), 1, "nothing sent directly")
        self.deliver_everything()
        received = self.received_for(move)
        self.assertEqual(len(received), 2)
        again = received[1]
        self.assertEqual(
            sorted(again["rcpt_tos"]),
            ["ap@dir.example", "ar@dir.example", "cfo@dir.example"],
        )
        self.assertIn("invoices@company.example", again["message"]["From"])
        self.assertEqual(second.state, "sent")
        self.assertEqual(set(second.attempt_ids.mapped("state")), {"sent"})

    def test_send_while_delivery_in_progress_adds_nothing(self):
        move = self.make_invoices(self.doc_customer)
        wizard = self.send_wizard(move)
        self.assertFalse(wizard.email_distribution_delivered)
        self.assertIn(
            "is delivering this invoice",
            wizard.alerts["account_email_distribution"]["message"],
        )
        self.send(wizard)
        self.assertEqual(len(move.email_distribution_delivery_ids), 1)
        self.deliver_everything()
        self.assertEqual(len(self.received_for(move)), 1)
        self.assertEqual(move.email_distribution_state, "sent")

    def test_send_queues_a_delivery_through_the_directory(self):
        move = self.post_undistributed(self.dir_customer)
        form = Form(
            self.env["account.move.send.wizard"].with_context(
                active_model="account.move", active_ids=move.ids
            )
        )
        # No "To" needed: the distribution finds the addresses.
        wizard = form.save()
        alert = wizard.alerts["account_email_distribution"]
        self.assertEqual(alert["level"], "info")
        self.assertIn("ap@dir.example, ar@dir.example", alert["message"])
        self.assertIn("cfo@dir.example", alert["message"])
        self.assertIn("recipient directory", alert["message"])
        self.send(wizard)
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(
            (delivery.state, delivery.route_source), ("queued", "directory")
        )
        self.assertEqual(self.sink.messages, [], "Odoo's own mail sent nothing")
        self.deliver_everything()
        received = self.received_for(move)
        self.assertEqual(len(received), 1)
        self.assertEqual(
            sorted(received[0]["rcpt_tos"]),
            ["ap@dir.example", "ar@dir.example", "cfo@dir.example"],
        )
        self.assertEqual(delivery.state, "sent")

    def test_send_after_a_failure_queues_a_new_delivery(self):
        self.company.email_distribution_max_attachment_mb = 0.000001
        move = self.make_invoices(self.doc_customer)
        self.run_distribution_cron()
        self.assertEqual(move.email_distribution_state, "failed")
        self.company.email_distribution_max_attachment_mb = 10
        self.send(self.send_wizard(move))
        self.assertEqual(len(move.email_distribution_delivery_ids), 2)
        self.deliver_everything()
        self.assertEqual(len(self.received_for(move)), 1)
        self.assertEqual(move.email_distribution_state, "sent")

    def test_unroutable_invoice_says_why(self):
        nobody = self.env["res.partner"].create({"name": "Nobody", "ref": "77"})
        move = self.post_undistributed(nobody)
        wizard = self.send_wizard(move)
        alert = wizard.alerts["account_email_distribution"]
        self.assertEqual(alert["level"], "warning")
        self.assertIn("cannot send this invoice", alert["message"])
        self.assertIn("customer number 77", alert["message"])
        self.send(wizard)
        self.assertEqual(move.email_distribution_state, "no_route")
        self.deliver_everything()
        self.assertEqual(self.sink.messages, [])

    def test_download_leaves_email_to_the_distribution(self):
        move = self.make_invoices(self.doc_customer)
        wizard = self.send_wizard(move, sending_methods=["manual"])
        action = self.send(wizard)
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(len(move.email_distribution_delivery_ids), 1)
        self.deliver_everything()
        self.assertEqual(len(self.received_for(move)), 1, "the distribution's only")
        # Not yet distributed: download e-mails nothing at all.
        other = self.post_undistributed(self.doc_customer)
        wizard = self.send_wizard(other, sending_methods=["manual"])
        self.assertNotIn("account_email_distribution", wizard.alerts or {})
        self.send(wizard)
        self.deliver_everything()
        self.assertFalse(other.email_distribution_delivery_ids)
        self.assertEqual(self.received_for(other), [])

    def test_batch_send_goes_through_the_distribution(self):
        moves = self.post_undistributed(self.doc_customer, count=2)
        moves |= self.post_undistributed(self.dir_customer)
        delivered = self.make_invoices(self.doc_customer)
        self.deliver_everything()
        self.sink.clear()
        batch = self.batch_wizard(moves | delivered)
        self.assertNotIn(
            "account_missing_email", batch.alerts, "directory customers need none"
        )
        message = batch.alerts["account_email_distribution"]["message"]
        self.assertIn("3 invoice(s) are e-mailed by e-mail distribution", message)
        self.assertIn("1 invoice(s) already delivered", message)
        self.send(batch)
        self.run_send_cron()
        self.assertFalse((moves | delivered).filtered("sending_data"))
        self.assertEqual(self.sink.messages, [], "Odoo's own mail sent nothing")
        self.deliver_everything()
        for move in moves:
            self.assertEqual(len(self.received_for(move)), 1, move.name)
        self.assertEqual(self.received_for(delivered), [])
        self.assertEqual(len(self.sink.messages), 3)
        self.assertEqual(
            set(moves.email_distribution_delivery_ids.mapped("state")), {"sent"}
        )
        self.assertEqual(len(delivered.email_distribution_delivery_ids), 1)
        dir_move = moves.filtered(lambda m: m.partner_id == self.dir_customer)
        self.assertEqual(
            sorted(self.received_for(dir_move)[0]["rcpt_tos"]),
            ["ap@dir.example", "ar@dir.example", "cfo@dir.example"],
        )
        for move in moves - dir_move:
            self.assertEqual(
                self.received_for(move)[0]["rcpt_tos"], ["billing@doc.example"]
            )

    def test_customer_sending_method_is_respected(self):
        """The customer's method is the default, as in Odoo; e-mail chosen
        by the user still goes through the distribution."""
        partner = self.env["res.partner"].create(
            {"name": "By hand", "email": "hand@doc.example"}
        )
        partner.with_company(self.company).invoice_sending_method = "manual"
        move = self.make_invoices(partner)
        at_posting = move.email_distribution_delivery_ids
        self.assertEqual(self.send_wizard(move).sending_methods, ["manual"])
        self.send(self.batch_wizard(move | self.make_invoices(partner)))
        self.run_send_cron()
        self.assertEqual(move.email_distribution_delivery_ids, at_posting)
        self.deliver_everything()
        self.assertEqual(len(self.received_for(move)), len(at_posting))
        chosen = self.post_undistributed(partner)
        self.send(self.send_wizard(chosen, sending_methods=["email"]))
        self.assertEqual(chosen.email_distribution_state, "queued")
        self.deliver_everything()
        self.assertEqual(self.received_for(chosen)[0]["rcpt_tos"], ["hand@doc.example"])

    def test_invoicing_user_sends_through_the_distribution(self):
        user = new_test_user(
            self.env,
            login="aed_send_user",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        move = self.post_undistributed(self.dir_customer)
        wizard = self.send_wizard(move, user=user)
        self.assertIn(
            "ap@dir.example", wizard.alerts["account_email_distribution"]["message"]
        )
        self.send(wizard)
        self.assertEqual(move.email_distribution_state, "queued")
        self.deliver_everything()
        self.assertEqual(len(self.received_for(move)), 1)
        self.assertEqual(move.email_distribution_state, "sent")

    def test_distribution_off_leaves_odoo_send_untouched(self):
        self.company.email_distribution_enabled = False
        move = self.make_invoices(self.doc_customer)
        wizard = self.send_wizard(move)
        self.assertFalse(wizard.email_distribution_applies)
        self.assertNotIn("account_email_distribution", wizard.alerts or {})
        self.send(wizard)
        self.run_mail_cron()
        self.assertFalse(move.email_distribution_delivery_ids)
        received = self.received_for(move)
        self.assertEqual(len(received), 1, "Odoo's own mail, as without the module")
        self.assertEqual(received[0]["rcpt_tos"], ["billing@doc.example"])
        self.assertNotIn("invoices@company.example", received[0]["message"]["From"])


@tagged("post_install", "-at_install")
class TestOneChannelFormats(OneChannelMixin, StructuredFormatsCase):
    def test_batch_send_uses_the_directory_format(self):
        self.entry.format = "pdf_ubl"
        taxes = self.company_data["default_tax_sale"]
        move = self.post_undistributed(self.buyer, taxes=taxes)
        other = self.post_undistributed(self.buyer, taxes=taxes)
        self.send(self.batch_wizard(move | other))
        self.run_send_cron()
        self.deliver_everything()
        self.assertEqual(
            (move | other).mapped("email_distribution_state"), ["sent", "sent"]
        )
        received = self.received_for(move)
        self.assertEqual(len(received), 1)
        self.assertEqual(len(self.sink.messages), 2)
        names = [p.get_filename() for p in received[0]["message"].iter_attachments()]
        self.assertEqual(len(names), 2)
        self.assertTrue(any(name.endswith(".pdf") for name in names), names)
        self.assertTrue(any(name.endswith(".xml") for name in names), names)
        self.assertEqual(move.email_distribution_delivery_ids.format, "pdf_ubl")
