# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

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

    def action_email_distribution_check_bounce_path(self):
        """Send a mail that must bounce; the result shows here within minutes."""
        self.ensure_one()
        self.env["email.distribution.bounce.check"]._start(self.company_id)
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_email_distribution_view_bounces(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "account_email_distribution.email_distribution_bounce_action"
        )
