# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import config
from odoo.tools.pdf import OdooPdfFileReader

from odoo.addons.account_edi_ubl_cii.models.account_move_send import (
    AccountMoveSend as UblSend,
)

from .common_sending import SendingCase


class StructuredFormatsCase(SendingCase):
    """A German seller and buyer whose invoices every format can carry."""

    @classmethod
    def _create_company(cls, **create_values):
        create_values["currency_id"] = cls.env.ref("base.EUR").id
        return super()._create_company(**create_values)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()
        cls.company.partner_id.write(
            {
                "street": "Hauptstrasse 1",
                "zip": "10115",
                "city": "Berlin",
                "vat": "DE257486969",
                "country_id": cls.env.ref("base.de").id,
                "phone": "+49 30 1234567",
                "bank_ids": [Command.create({"acc_number": "DE89370400440532013000"})],
            }
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Structured Buyer GmbH",
                "ref": "40001",
                "is_company": True,
                "street": "Marktplatz 5",
                "zip": "80331",
                "city": "München",
                "vat": "DE813495425",
                "country_id": cls.env.ref("base.de").id,
                "email": "ap@buyer.example",
            }
        )
        cls.entry = cls.Recipient.create(
            {
                "company_id": cls.company.id,
                "customer_number": "40001",
                "email_to": "ap@buyer.example",
            }
        )

        cls.company.email_distribution_use_document_address = False

    def deliver(self, fmt, partner=None):
        self.entry.format = fmt
        move = self.make_invoices(
            partner or self.buyer, taxes=self.company_data["default_tax_sale"]
        )
        self.run_distribution_cron()
        self.run_mail_cron()
        return move

    def received_attachments(self):
        self.assertEqual(len(self.sink.messages), 1)
        message = self.sink.messages[0]["message"]
        return {
            part.get_filename(): part.get_content()
            for part in message.iter_attachments()
        }

    def assert_xml_carries_invoice(self, xml_bytes, move):
        tree = etree.fromstring(xml_bytes)
        text = etree.tostring(tree, encoding="unicode")
        self.assertIn(move.name, text)
        self.assertIn(f"{move.amount_total:.2f}", text)
        return tree


@tagged("post_install", "-at_install")
class TestStructuredFormats(StructuredFormatsCase):
    """Each format is built by account_edi_ubl_cii and arrives at the server."""

    def test_pdf(self):
        move = self.deliver("pdf")
        self.assertEqual(move.email_distribution_state, "sent")
        self.assertEqual(
            list(self.received_attachments()), [move._get_invoice_report_filename()]
        )

    def test_pdf_and_ubl_bis3(self):
        move = self.deliver("pdf_ubl")
        self.assertEqual(
            move.email_distribution_state, "sent", move.email_distribution_message
        )
        attachments = self.received_attachments()
        xml_name = f"{move.name.replace('/', '_')}_ubl_bis3.xml"
        self.assertEqual(
            sorted(attachments), sorted([move._get_invoice_report_filename(), xml_name])
        )
        tree = self.assert_xml_carries_invoice(attachments[xml_name], move)
        self.assertIn("peppol", tree.findtext("{*}CustomizationID"))

    def test_xrechnung(self):
        move = self.deliver("xrechnung")
        self.assertEqual(
            move.email_distribution_state, "sent", move.email_distribution_message
        )
        attachments = self.received_attachments()
        xml_name = f"{move.name.replace('/', '_')}_ubl_de.xml"
        self.assertEqual(list(attachments), [xml_name])
        tree = self.assert_xml_carries_invoice(attachments[xml_name], move)
        self.assertIn("xrechnung", tree.findtext("{*}CustomizationID"))

    def test_facturx(self):
        move = self.deliver("facturx")
        self.assertEqual(
            move.email_distribution_state, "sent", move.email_distribution_message
        )
        self.assertEqual(
            list(self.received_attachments()), [move._get_invoice_report_filename()]
        )
        # Odoo embeds the CII XML in the PDF; in test mode (no wkhtmltopdf PDF)
        # it stores the same XML beside the invoice instead.
        xml = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "=", move.id),
                ("name", "=", "factur-x.xml"),
            ]
        )
        self.assertEqual(len(xml), 1)
        tree = self.assert_xml_carries_invoice(xml.raw, move)
        self.assertEqual(etree.QName(tree).localname, "CrossIndustryInvoice")

    def test_export_error_fails_before_sending(self):
        """Lines without VAT: Peppol BIS 3 cannot be built, Odoo says why."""
        self.entry.format = "pdf_ubl"
        move = self.make_invoices(self.buyer, taxes=None)
        self.run_distribution_cron()
        self.run_mail_cron()
        delivery = move.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "failed")
        self.assertIn("EDI document", delivery.message)
        self.assertIn("at least one tax", delivery.message)
        self.assertFalse(delivery.mail_id)
        self.assertEqual(self.sink.messages, [])
        self.assertEqual(len(move.activity_ids), 1)

    def test_a_batch_is_built_in_one_engine_call_an_export_error_fails_alone(self):
        self.entry.format = "pdf_ubl"
        taxed = self.make_invoices(
            self.buyer, count=2, taxes=self.company_data["default_tax_sale"]
        )
        untaxed = self.make_invoices(self.buyer, taxes=None)
        Send = type(self.env["account.move.send"])
        real = Send._generate_invoice_documents
        calls = []

        def engine(send, invoices_data, *args, **kwargs):
            calls.append(len(invoices_data))
            return real(send, invoices_data, *args, **kwargs)

        with patch.object(Send, "_generate_invoice_documents", engine):
            self.run_distribution_cron()
        self.assertEqual(calls, [3], "the batch's formats in one call of the engine")
        self.run_mail_cron()
        delivery = untaxed.email_distribution_delivery_ids
        self.assertEqual(delivery.state, "failed")
        self.assertIn("at least one tax", delivery.message)
        self.assertEqual(set(taxed.mapped("email_distribution_state")), {"sent"})
        self.assertEqual(len(self.sink.messages), 2)
        for message in self.sink.messages:
            parts = message["message"].iter_attachments()
            names = [part.get_filename() for part in parts]
            self.assertEqual(len(names), 2)
            self.assertTrue(any(name.endswith("_ubl_bis3.xml") for name in names))
        self.assertFalse(untaxed.ubl_cii_xml_id)

    def test_an_invoice_raising_in_the_engine_fails_alone(self):
        self.entry.format = "pdf_ubl"
        moves = self.make_invoices(
            self.buyer, count=3, taxes=self.company_data["default_tax_sale"]
        )
        broken = moves[1]
        # Below this module's override, as another module's hook would be.
        Send = UblSend
        real = Send._hook_invoice_document_before_pdf_report_render
        calls = []

        def hook(send, invoice, invoice_data):
            calls.append(invoice)
            if invoice == broken:
                raise ValueError("a module's hook crashed")
            return real(send, invoice, invoice_data)

        hook_name = "_hook_invoice_document_before_pdf_report_render"
        with patch.object(Send, hook_name, hook):
            self.run_distribution_cron()
        self.run_mail_cron()
        self.assertEqual(broken.email_distribution_state, "failed")
        self.assertIn("a module's hook crashed", broken.email_distribution_message)
        self.assertEqual(
            set((moves - broken).mapped("email_distribution_state")), {"sent"}
        )
        self.assertEqual(
            calls,
            [moves[0], broken, moves[0], moves[2]],
            "the batch, then again without the invoice that raised",
        )

    def test_company_default_format_applies_without_entry_format(self):
        self.company.email_distribution_format_invoice = "pdf_ubl"
        self.entry.format = False
        move = self.make_invoices(self.buyer)
        self.assertEqual(move.email_distribution_delivery_ids.format, "pdf_ubl")


@tagged("post_install", "-at_install")
class TestFacturXPdf(StructuredFormatsCase, HttpCase):
    """Factur-X with a real PDF: Odoo's CII XML embedded in what was received.

    An HttpCase, so that wkhtmltopdf's requests for the report's stylesheets
    are served inside the test transaction.
    """

    def test_facturx_xml_is_embedded_in_the_received_pdf(self):
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            self.fail("wkhtmltopdf is needed to build a real Factur-X PDF")
        self.env["ir.config_parameter"].set_param("report.url", self.base_url())
        # Test mode renders reports as HTML and skips the embedding: lift it
        # for this one delivery.
        with patch.dict(config.options, {"test_enable": False}):
            move = self.deliver("facturx")
        self.assertEqual(
            move.email_distribution_state, "sent", move.email_distribution_message
        )
        attachments = self.received_attachments()
        pdf = attachments[move._get_invoice_report_filename()]
        self.assertTrue(pdf.startswith(b"%PDF"))
        embedded = dict(
            OdooPdfFileReader(io.BytesIO(pdf), strict=False).getAttachments()
        )
        tree = self.assert_xml_carries_invoice(embedded["factur-x.xml"], move)
        self.assertEqual(etree.QName(tree).localname, "CrossIndustryInvoice")
