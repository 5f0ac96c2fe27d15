# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from unittest.mock import patch

import odoo
from odoo import Command
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .smtp_sink import SmtpSink


class SendingCase(AccountTestInvoicingCommon):
    """Invoices of a company with e-mail distribution on, and helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "email": "accounting@company.example",
                "email_distribution_enabled": True,
                "email_distribution_use_document_address": True,
                "email_distribution_use_directory": True,
                "email_distribution_sender_email": "invoices@company.example",
                "email_distribution_sender_name": "Company Billing",
                "email_distribution_reply_to": "ar@company.example",
            }
        )
        cls.Delivery = cls.env["email.distribution.delivery"]
        cls.Attempt = cls.env["email.distribution.attempt"]
        cls.Recipient = cls.env["email.distribution.recipient"]
        cls.doc_customer = cls.env["res.partner"].create(
            {"name": "Document Customer", "email": "billing@doc.example"}
        )
        cls.dir_customer = cls.env["res.partner"].create(
            {"name": "Directory Customer", "ref": "10023", "is_company": True}
        )
        cls.Recipient.create(
            {
                "company_id": cls.company.id,
                "customer_number": "10023",
                "email_to": "ap@dir.example, ar@dir.example",
                "email_cc": "cfo@dir.example",
            }
        )

    @classmethod
    def start_smtp_sink(cls):
        """A real SMTP server on loopback as the only outgoing mail server."""
        cls.sink = SmtpSink().start()
        cls.addClassCleanup(cls.sink.stop)
        cls.env["ir.mail_server"].search([]).active = False
        cls.mail_server = cls.env["ir.mail_server"].create(
            {
                "name": "Loopback sink",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.sink.port,
                "smtp_encryption": "none",
            }
        )

    def setUp(self):
        super().setUp()
        if getattr(self, "sink", None):
            self.sink.clear()

    @classmethod
    def make_invoices(
        cls, partner, count=1, move_type="out_invoice", post=True, taxes=None
    ):
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": "2026-11-01",
                    "company_id": cls.company.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product_a.id,
                                "quantity": 1,
                                "price_unit": 100.0 + n,
                                "tax_ids": [Command.set(taxes.ids if taxes else [])],
                            }
                        )
                    ],
                }
                for n in range(count)
            ]
        )
        if post:
            moves.action_post()
        return moves

    def run_distribution_cron(self):
        self.env["email.distribution.delivery"]._cron_process_queue()

    @contextmanager
    def real_smtp(self):
        """Let Odoo really talk SMTP (it never does in test mode)."""
        with patch.object(odoo.modules.module, "current_test", False):
            yield

    def run_mail_cron(self):
        # Odoo logs every refused mail as an error; here refusals are expected.
        with self.real_smtp(), mute_logger("odoo.addons.mail.models.mail_mail"):
            self.env["mail.mail"].process_email_queue()
