# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io

import openpyxl

from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


def csv_file(text, encoding="utf-8"):
    """A CSV upload as the web client sends it: base64 of the bytes."""
    return base64.b64encode(text.encode(encoding))


def xlsx_file(rows):
    """A real .xlsx built with openpyxl, base64-encoded for a Binary field."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return base64.b64encode(buffer.getvalue())


class EmailDistributionCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.email_distribution_enabled = True
        cls.Recipient = cls.env["email.distribution.recipient"]
        cls.Import = cls.env["email.distribution.recipient.import"]
        cls.manager = new_test_user(
            cls.env,
            login="aed_manager",
            groups="account.group_account_manager,base.group_partner_manager",
            company_id=cls.company.id,
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            login="aed_invoicing",
            groups="account.group_account_invoice,base.group_partner_manager",
            company_id=cls.company.id,
        )

    def import_wizard(self, data, filename, user=None, **values):
        env = self.env(user=user or self.manager)
        return env["email.distribution.recipient.import"].create(
            {"file": data, "filename": filename, **values}
        )

    def directory(self, document_type="invoice", company=None):
        """{customer number: (to, cc)} of the active entries."""
        entries = self.Recipient.search(
            [
                ("company_id", "=", (company or self.company).id),
                ("document_type", "=", document_type),
            ]
        )
        return {e.customer_number: (e.email_to, e.email_cc or "") for e in entries}
