# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Posted invoices are not rewritten, and show where they actually went."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_sending import SendingCase


@tagged("post_install", "-at_install")
class TestPostedInvoice(SendingCase):
    def test_partner_email_change_does_not_rewrite_posted_invoices(self):
        partner = self.env["res.partner"].create(
            {"name": "Frozen", "email": "first@frozen.example"}
        )
        draft = self.make_invoices(partner, post=False)
        posted = self.make_invoices(partner)
        typed = self.make_invoices(partner, post=False)
        typed.email_distribution_address = "typed@frozen.example"
        typed.action_post()
        partner.email = "second@frozen.example"
        self.env.flush_all()
        self.assertEqual(posted.email_distribution_address, "first@frozen.example")
        self.assertEqual(typed.email_distribution_address, "typed@frozen.example")
        self.assertEqual(draft.email_distribution_address, "second@frozen.example")

    def test_posted_address_is_not_editable(self):
        move = self.make_invoices(self.doc_customer)
        with self.assertRaises(UserError):
            move.email_distribution_address = "other@doc.example"
        move.button_draft()
        move.email_distribution_address = "other@doc.example"
        self.assertEqual(move.email_distribution_address, "other@doc.example")

    def test_invoice_shows_where_it_went(self):
        move = self.make_invoices(self.dir_customer)
        self.assertFalse(move.email_distribution_address)
        self.assertEqual(
            move.email_distribution_recipients,
            "ap@dir.example, ar@dir.example, cfo@dir.example",
        )
        nobody = self.env["res.partner"].create({"name": "Nobody", "ref": "none"})
        self.assertFalse(self.make_invoices(nobody).email_distribution_recipients)

    def test_install_hook_leaves_existing_invoices_alone(self):
        from ..hooks import pre_init_hook

        move = self.make_invoices(self.doc_customer)
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        pre_init_hook(self.env)
        # Columns exist: only the one UPDATE of rows without a state, none here.
        self.assertLessEqual(self.env.cr.sql_log_count - start, 8)
        move.invalidate_recordset()
        self.assertEqual(move.email_distribution_state, "queued")
