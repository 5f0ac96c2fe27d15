# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_sending import SendingCase

# The mailbox each arrival path hands the DSN to Odoo from.
MAILBOXES = {
    "bounce address": b"bounce@company.example",
    "catchall": b"catchall@company.example",
    "sender mailbox": b"invoices@company.example",
}
MODES = {
    "direct": (),
    "google": ("rewrite-return-path",),
    "ses": ("replace-message-id",),
    "stripping": ("strip-headers",),
    "google+ses": ("rewrite-return-path", "replace-message-id"),
}


@tagged("post_install", "-at_install")
class TestRelays(SendingCase):
    """Bounces through relays that rewrite the Return-Path or the Message-Id.

    The loopback SMTP sink behaves like each relay kind; its DSN comes back
    through Odoo's mail gateway by the bounce address, the catchall or the
    sender's mailbox (an incoming mail server), as in real deployments.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()
        cls.company.alias_domain_id = cls.env["mail.alias.domain"].create(
            {
                "name": "company.example",
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Late Bouncer", "email": "bounce-later@customer.example"}
        )
        cls.fetchmail = cls.env["fetchmail.server"].create(
            {
                "name": "Invoices mailbox",
                "server": "127.0.0.1",
                "server_type": "imap",
                "user": "invoices@company.example",
                "password": "x",
            }
        )
        cls.Bounce = cls.env["email.distribution.bounce"]

    def setUp(self):
        super().setUp()
        # The mailbox a rewriting relay authenticated as, and bounces to.
        self.sink.relay_user = "invoices@company.example"

    def tearDown(self):
        self.sink.relay = set()
        super().tearDown()

    def release_held(self):
        self.env["email.distribution.address"].sudo().search(
            [("email", "=", "bounce-later@customer.example")]
        ).unlink()

    def bounce_back(self, modes, arrival):
        """Send an invoice through a relay of ``modes``; feed its DSN back."""
        self.sink.relay = set(modes)
        move = self.make_invoices(self.customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(len(self.sink.dsns), 1, "the relay bounced it")
        dsn = self.sink.dsns.pop()
        to = re.search(rb"^To: (.*)$", dsn, re.M).group(1).strip()
        if "rewrite-return-path" in modes:
            self.assertEqual(to, b"invoices@company.example")
        else:
            self.assertEqual(to, b"bounce@company.example")
        # Where the mailbox that received the DSN hands it to Odoo: the
        # bounce address (or forwarded there), the catchall, or the sender's
        # mailbox fetched by an incoming mail server.
        Thread = self.env["mail.thread"]
        dsn = dsn.replace(b"To: " + to, b"To: " + MAILBOXES[arrival], 1)
        if arrival == "sender mailbox":
            Thread = Thread.with_context(default_fetchmail_server_id=self.fetchmail.id)
        Thread.message_process(False, dsn)
        return move

    def test_every_relay_and_arrival_path_ends_in_hard_bounce(self):
        for name, modes in MODES.items():
            for arrival in ("bounce address", "catchall", "sender mailbox"):
                with self.subTest(relay=name, arrival=arrival):
                    # Held after the previous round's hard bounce: release it.
                    self.release_held()
                    move = self.bounce_back(modes, arrival)
                    self.assertEqual(move.email_distribution_state, "hard_bounce")
                    line = move.email_distribution_delivery_ids.attempt_ids
                    self.assertEqual(line.status_code, "5.1.1")
                    log = self.Bounce.search([("move_id", "=", move.id)])
                    self.assertEqual(len(log), 1)
                    expected = (
                        "token" if "replace-message-id" in modes else "message_id"
                    )
                    self.assertEqual(log.matched_by, expected)
                    self.assertEqual(
                        log.arrival,
                        {
                            "bounce address": "bounce_alias",
                            "catchall": "catchall",
                            "sender mailbox": "other",
                        }[arrival],
                    )
                    if arrival == "sender mailbox":
                        self.assertEqual(log.fetchmail_server_id, self.fetchmail)

    def test_mail_carries_the_token_in_a_header_and_references(self):
        move = self.make_invoices(self.customer)
        self.run_distribution_cron()
        self.run_mail_cron()
        sent = self.sink.messages[0]["message"]
        line = move.email_distribution_delivery_ids.attempt_ids
        self.assertRegex(line.correlation_token, r"^aed-[0-9a-f]{20}$")
        self.assertEqual(sent["X-Odoo-Distribution"], line.correlation_token)
        self.assertIn(line.correlation_token, sent["References"])
        self.sink.dsns.clear()

    def test_someone_elses_bounce_is_ignored_through_every_relay_and_path(self):
        for name, modes in MODES.items():
            for arrival in ("bounce address", "catchall", "sender mailbox"):
                with self.subTest(relay=name, arrival=arrival):
                    self.release_held()
                    self.sink.relay = set(modes)
                    move = self.make_invoices(self.customer)
                    self.run_distribution_cron()
                    self.run_mail_cron()
                    dsn = self.sink.dsns.pop()
                    line = move.email_distribution_delivery_ids.attempt_ids
                    # The same bounce, but of a mail that is not ours: no
                    # Message-Id and no token of this database in it.
                    other = (
                        dsn.replace(
                            line.correlation_token.encode(), b"aed-" + b"0" * 20
                        )
                        .replace(
                            line.mail_message_id.encode(),
                            b"<someone.else@elsewhere.example>",
                        )
                        .replace(b"References:", b"X-Old-References:")
                    )
                    mailbox = MAILBOXES[arrival]
                    other = re.sub(
                        rb"^To: .*$", b"To: " + mailbox, other, count=1, flags=re.M
                    )
                    self.env["mail.thread"].message_process(False, other)
                    self.assertEqual(move.email_distribution_state, "sent")
                    log = self.Bounce.search([], limit=1)
                    self.assertEqual(log.matched_by, "none")
                    self.assertFalse(log.company_id)
                    self.assertIn("no Message-Id and no correlation token", log.note)

    def check_bounce_path(self, modes=(), arrival="bounce address"):
        self.sink.relay = set(modes)
        with self.real_smtp():
            check = self.env["email.distribution.bounce.check"]._start(self.company)
        self.assertEqual(check.state, "waiting")
        self.assertTrue(check.test_address.endswith("@bounce-check.invalid"))
        self.assertEqual(len(self.sink.dsns), 1)
        dsn = self.sink.dsns.pop()
        dsn = re.sub(
            rb"^To: .*$", b"To: " + MAILBOXES[arrival], dsn, count=1, flags=re.M
        )
        self.env["mail.thread"].message_process(False, dsn)
        return check

    def test_bounce_path_check_reports_what_happened(self):
        expected = {
            ("direct", "bounce address"): ("ok", "via the bounce address"),
            ("direct", "sender mailbox"): ("ok", "rewrites the Return-Path"),
            ("google", "sender mailbox"): ("ok", "rewrites the Return-Path"),
            ("google", "bounce address"): ("ok", "via the bounce address"),
            ("ses", "bounce address"): ("rewritten", "Message-Id was rewritten"),
            ("ses", "sender mailbox"): ("rewritten", "correlation token"),
            ("stripping", "bounce address"): ("ok", "via the bounce address"),
            ("google+ses", "sender mailbox"): ("rewritten", "rewrites the Return-Path"),
        }
        for (name, arrival), (state, words) in expected.items():
            with self.subTest(relay=name, arrival=arrival):
                check = self.check_bounce_path(MODES[name], arrival)
                self.assertEqual(check.state, state)
                self.assertIn(words, check.result)
                if arrival == "sender mailbox":
                    self.assertIn("invoices@company.example", check.result)
                else:
                    self.assertIn("bounce@company.example", check.result)

    def test_bounce_path_check_without_bounce_times_out_with_advice(self):
        self.sink.relay = set()
        with self.real_smtp():
            check = self.env["email.distribution.bounce.check"]._start(self.company)
        self.sink.dsns.clear()  # the relay's bounce never reaches Odoo
        check.sudo().date_sent = check.date_sent.replace(year=check.date_sent.year - 1)
        self.env["email.distribution.bounce.check"].sudo()._cron_timeout()
        self.assertEqual(check.state, "no_bounce")
        self.assertIn("No bounce arrived in 10 minutes", check.result)
        self.assertIn("invoices@company.example", check.result)
        self.assertIn("incoming mail server", check.result)

    def test_bounce_path_check_refused_at_once(self):
        with self.real_smtp():
            self.mail_server.smtp_port = 1  # nothing listens there
            try:
                check = self.env["email.distribution.bounce.check"]._start(self.company)
            finally:
                self.mail_server.smtp_port = self.sink.port
        self.assertEqual(check.state, "refused")
        self.assertIn("refused the check at once", check.result)

    def test_bounce_path_check_is_for_administrators(self):
        manager = new_test_user(
            self.env,
            login="aed_relay_manager",
            groups="account.group_account_manager",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            self.env["email.distribution.bounce.check"].with_user(manager)._start(
                self.company
            )

    def test_settings_show_the_last_check(self):
        check = self.check_bounce_path()
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.email_distribution_bounce_check_state, "ok")
        self.assertEqual(settings.email_distribution_bounce_check_result, check.result)

    def test_bounce_log_and_checks_are_written_by_the_module_only(self):
        """Over RPC: a Billing user cannot see, create, write or delete the
        bounce log or the checks; a manager only reads them, and only those
        of their own companies; an administrator of another company cannot
        start a check for this one."""
        check = self.check_bounce_path()
        log = self.Bounce.search([("check_id", "=", check.id)])
        self.assertTrue(log)
        billing = new_test_user(
            self.env,
            login="aed_relay_billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        manager = new_test_user(
            self.env,
            login="aed_relay_reader",
            groups="account.group_account_manager",
            company_id=self.company.id,
        )
        for record in (log, check):
            with self.assertRaises(AccessError):
                record.with_user(billing).read(["id"])
            with self.assertRaises(AccessError):
                record.with_user(manager).write({"company_id": False})
            with self.assertRaises(AccessError):
                record.with_user(manager).unlink()
            with self.assertRaises(AccessError):
                record.with_user(manager).create({"company_id": self.company.id})
            self.assertTrue(record.with_user(manager).read(["company_id"]))
        other = self.env["res.company"].create({"name": "Other Co"})
        outsider = new_test_user(
            self.env,
            login="aed_relay_outsider",
            groups="account.group_account_manager,base.group_system",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertFalse(self.Bounce.with_user(outsider).search([("id", "=", log.id)]))
        with self.assertRaises(AccessError):
            self.env["email.distribution.bounce.check"].with_user(outsider)._start(
                self.company
            )
