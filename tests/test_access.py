# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Authorisation on the server: what users can do over RPC, not in the screens."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import csv_file
from .common_sending import SendingCase


@tagged("post_install", "-at_install")
class TestServerSideAccess(SendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.company_b.write(
            {
                "email": "billing@b.example",
                "email_distribution_enabled": True,
            }
        )
        cls.billing = new_test_user(
            cls.env,
            login="aed_rpc_billing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager_a = new_test_user(
            cls.env,
            login="aed_rpc_manager_a",
            groups="account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="aed_rpc_manager_b",
            groups="account.group_account_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def as_user(self, records, user):
        return records.with_user(user).with_context(
            allowed_company_ids=user.company_ids.ids
        )

    def invoice_of_company_b(self):
        partner = self.env["res.partner"].create(
            {"name": "B Customer", "email": "customer@b.example"}
        )
        move = (
            self.env["account.move"]
            .with_company(self.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": "2026-11-01",
                    "invoice_line_ids": [
                        Command.create({"name": "Service", "price_unit": 10.0})
                    ],
                }
            )
        )
        move.action_post()
        return move

    def test_directory_entry_never_moves_to_another_company(self):
        entry = self.Recipient.create(
            {"customer_number": "A-1", "email_to": "me@attacker.example"}
        )
        mine = self.as_user(entry, self.billing)
        with self.assertRaises(AccessError):
            mine.write({"company_id": self.company_b.id, "customer_number": "10023"})
        with self.assertRaises(AccessError):
            self.as_user(self.Recipient, self.billing).create(
                {
                    "company_id": self.company_b.id,
                    "customer_number": "B-1",
                    "email_to": "me@attacker.example",
                }
            )
        self.assertEqual(entry.company_id, self.company)
        # Still allowed: maintaining the entry in one's own company.
        mine.write({"email_to": "ap@own.example"})
        self.assertEqual(entry.email_to, "ap@own.example")

    def test_held_addresses_are_read_only_for_users(self):
        Address = self.env["email.distribution.address"]
        blocked = Address._flag(self.company, "spam@dir.example", "blocked", "5.7.1")
        hard = Address._flag(self.company, "gone@dir.example", "hard_bounce", "5.1.1")
        for user in (self.billing, self.manager_a):
            for vals in (
                {"active": False},
                {"company_id": self.company_b.id},
                {"email": "other@dir.example"},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaises(AccessError),
                ):
                    self.as_user(blocked, user).write(vals)
            with self.assertRaises(AccessError):
                self.as_user(Address, user).create(
                    {"email": "x@dir.example", "state": "blocked"}
                )
        with self.assertRaises(AccessError):
            self.as_user(blocked, self.billing).action_clear()
        self.assertTrue(blocked.active)
        self.as_user(hard, self.billing).action_clear()
        self.assertFalse(hard.active)
        self.assertEqual(hard.cleared_by_id, self.billing)
        self.as_user(blocked, self.manager_a).action_clear()
        self.assertEqual(
            (blocked.active, blocked.cleared_by_id), (False, self.manager_a)
        )
        # A manager of another company cannot clear ours.
        other = Address._flag(self.company, "other@dir.example", "blocked", "5.7.1")
        with self.assertRaises(AccessError):
            self.as_user(other, self.manager_b).action_clear()
        self.assertTrue(other.active)

    def test_deliveries_and_sending_list_are_written_by_the_module_only(self):
        move = self.make_invoices(self.doc_customer)
        delivery = move.email_distribution_delivery_ids
        line = delivery.attempt_ids
        for user in (self.billing, self.manager_a):
            for vals in (
                {"state": "sent"},
                {"email_to": "a@x.example\nBcc: evil@x.example"},
                {"company_id": self.company_b.id},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaises(AccessError),
                ):
                    self.as_user(delivery, user).write(vals)
            with self.assertRaises(AccessError):
                self.as_user(line, user).write(
                    {"state": "sent", "email": "x@y.example"}
                )
            with self.assertRaises(AccessError):
                self.as_user(self.Delivery, user).create({"move_id": move.id})
            with self.assertRaises(AccessError):
                self.as_user(self.Attempt, user).create(
                    {"delivery_id": delivery.id, "state": "sent"}
                )
            with self.assertRaises(AccessError):
                self.as_user(self.env["email.distribution.run"], user).create(
                    {"trigger": "manual"}
                )
        self.assertEqual((delivery.state, line.state), ("queued", "queued"))
        # Their actions go through the module's methods, which check the user.
        self.as_user(delivery, self.billing).action_cancel()
        self.assertEqual(delivery.state, "cancelled")
        self.as_user(move, self.billing).action_email_distribution_resend()
        self.assertEqual(len(move.email_distribution_delivery_ids), 2)
        readonly = new_test_user(
            self.env,
            login="aed_rpc_readonly",
            groups="account.group_account_readonly",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.as_user(
                move.email_distribution_delivery_ids[0], readonly
            ).action_cancel()
        with self.assertRaises(AccessError):
            self.as_user(move, readonly).action_email_distribution_resend()

    def test_send_now_stop_and_restart_act_on_the_users_companies_only(self):
        move_a = self.make_invoices(self.doc_customer)
        move_b = self.invoice_of_company_b()
        delivery_a = move_a.email_distribution_delivery_ids
        delivery_b = move_b.email_distribution_delivery_ids
        self.assertEqual(delivery_b.state, "queued")
        with self.assertRaises(AccessError):
            self.as_user(
                self.env["account.move"], self.billing
            ).action_email_distribution_send_now()
        self.as_user(
            self.env["account.move"], self.manager_a
        ).action_email_distribution_send_now()
        self.assertTrue(delivery_a.mail_id)
        self.assertFalse(delivery_b.mail_id, "another company's invoice is not sent")
        run_a = delivery_a.run_id
        self.assertEqual(run_a.company_id, self.company)
        # Stop and restart while company B has due deliveries: no AccessError,
        # and B's invoice still waits for B.
        self.as_user(run_a, self.manager_a).action_stop()
        self.assertEqual(run_a.state, "stopped")
        self.as_user(run_a, self.manager_a).action_restart()
        self.assertTrue(delivery_a.mail_id)
        self.assertFalse(delivery_b.mail_id)
        with self.assertRaises(AccessError):
            self.as_user(run_a, self.manager_b).action_stop()
        with self.assertRaises(AccessError):
            self.as_user(run_a, self.billing).action_restart()
        # The cron serves every company, one run each.
        self.run_distribution_cron()
        self.assertTrue(delivery_b.mail_id)
        self.assertEqual(delivery_b.run_id.company_id, self.company_b)
        runs_seen_by_a = self.as_user(
            self.env["email.distribution.run"], self.manager_a
        ).search([])
        self.assertNotIn(delivery_b.run_id, runs_seen_by_a)

    def test_import_error_lines_follow_the_company_rules(self):
        wizard = (
            self.env["email.distribution.recipient.import"]
            .with_user(self.manager_b)
            .with_context(allowed_company_ids=self.company_b.ids)
            .create({"file": csv_file("1,not-an-address\n"), "filename": "b.csv"})
        )
        wizard.action_preview()
        self.assertTrue(wizard.error_ids)
        self.assertEqual(wizard.error_ids.company_id, self.company_b)
        seen = self.as_user(
            self.env["email.distribution.recipient.import.error"], self.manager_a
        ).search([("id", "in", wizard.error_ids.ids)])
        self.assertFalse(seen)
