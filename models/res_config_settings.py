# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from email.utils import formataddr

from odoo import api, fields, models
from odoo.tools import email_normalize

from ..distribution.recipient_file import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS
from .email_distribution_bounce import CHECK_STATES


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    email_distribution_enabled = fields.Boolean(
        related="company_id.email_distribution_enabled", readonly=False
    )
    email_distribution_use_document_address = fields.Boolean(
        related="company_id.email_distribution_use_document_address", readonly=False
    )
    email_distribution_use_directory = fields.Boolean(
        related="company_id.email_distribution_use_directory", readonly=False
    )
    email_distribution_payment_receipts = fields.Boolean(
        related="company_id.email_distribution_payment_receipts", readonly=False
    )
    email_distribution_sender_email = fields.Char(
        related="company_id.email_distribution_sender_email", readonly=False
    )
    email_distribution_sender_name = fields.Char(
        related="company_id.email_distribution_sender_name", readonly=False
    )
    email_distribution_reply_to = fields.Char(
        related="company_id.email_distribution_reply_to", readonly=False
    )
    email_distribution_format_invoice = fields.Selection(
        related="company_id.email_distribution_format_invoice", readonly=False
    )
    email_distribution_format_other = fields.Selection(
        related="company_id.email_distribution_format_other", readonly=False
    )
    email_distribution_retry_max = fields.Integer(
        related="company_id.email_distribution_retry_max", readonly=False
    )
    email_distribution_retry_delay = fields.Integer(
        related="company_id.email_distribution_retry_delay", readonly=False
    )
    email_distribution_max_attachment_mb = fields.Float(
        related="company_id.email_distribution_max_attachment_mb", readonly=False
    )
    email_distribution_bounce_address = fields.Char(
        related="company_id.bounce_email", string="Bounce Address"
    )
    email_distribution_bounce_warning = fields.Char(
        compute="_compute_email_distribution_bounce_warning"
    )
    email_distribution_bounce_check_state = fields.Selection(
        CHECK_STATES,
        string="Last Bounce-Path Check",
        compute="_compute_email_distribution_bounce_warning",
    )
    email_distribution_bounce_check_result = fields.Text(
        string="Bounce-Path Check Result",
        compute="_compute_email_distribution_bounce_warning",
    )
    email_distribution_visible_from = fields.Char(
        string="Customers Will See",
        compute="_compute_email_distribution_visible_from",
        help="The From of distributed mail once Odoo has chosen the outgoing "
        "server: Odoo replaces a From that no server's FROM filtering covers.",
    )
    email_distribution_from_warning = fields.Char(
        compute="_compute_email_distribution_visible_from"
    )
    email_distribution_import_max_rows = fields.Integer(
        string="Import: Maximum Rows",
        config_parameter="account_email_distribution.import_max_rows",
        default=DEFAULT_MAX_ROWS,
    )
    email_distribution_import_max_mb = fields.Integer(
        string="Import: Maximum File Size (MB)",
        config_parameter="account_email_distribution.import_max_mb",
        default=DEFAULT_MAX_BYTES // (1024 * 1024),
    )

    @api.depends("company_id")
    def _compute_email_distribution_bounce_warning(self):
        """No bounce address, or what the last bounce-path check found."""
        Check = self.env["email.distribution.bounce.check"].sudo()
        for settings in self:
            company = settings.company_id
            last = Check.search([("company_id", "=", company.id)], limit=1)
            settings.email_distribution_bounce_check_state = last.state
            settings.email_distribution_bounce_check_result = last.result
            if not company.bounce_email:
                settings.email_distribution_bounce_warning = self.env._(
                    "No bounce address: set an alias domain (Settings > General "
                    "Settings > Emails) so that mails carry a Return-Path that "
                    "brings bounces back to Odoo."
                )
            elif not last:
                settings.email_distribution_bounce_warning = self.env._(
                    "Nobody has checked yet whether bounces come back to Odoo: "
                    "an administrator can run the bounce-path check below."
                )
            else:
                settings.email_distribution_bounce_warning = False

    @api.depends(
        "company_id",
        "email_distribution_sender_email",
        "email_distribution_sender_name",
    )
    def _compute_email_distribution_visible_from(self):
        """The From after Odoo's outgoing-server choice, and why it differs."""
        for settings in self:
            company = settings.company_id
            address = settings.email_distribution_sender_email or company.email
            configured = address and formataddr(
                (settings.email_distribution_sender_name or company.name, address)
            )
            visible = company._email_distribution_visible_from(configured)
            settings.email_distribution_visible_from = visible
            if configured and email_normalize(visible) != email_normalize(configured):
                settings.email_distribution_from_warning = self.env._(
                    "No outgoing mail server's FROM filtering covers %(sender)s: "
                    "Odoo replaces it with %(visible)s. Add the sender's domain "
                    "to an outgoing server's FROM filtering (Settings > Technical "
                    "> Outgoing Mail Servers) or use an address of a covered "
                    "domain.",
                    sender=address,
                    visible=visible,
                )
            else:
                settings.email_distribution_from_warning = False

    def action_email_distribution_check_bounce_path(self):
        """Send a mail that must bounce; the result shows here within minutes."""
        self.ensure_one()
        self.env["email.distribution.bounce.check"]._start(self.company_id)
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_email_distribution_view_bounces(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "account_email_distribution.email_distribution_bounce_action"
        )
