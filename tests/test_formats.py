# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import config
from odoo.tools.pdf import OdooPdfFileReader

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
