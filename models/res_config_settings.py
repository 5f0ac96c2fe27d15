# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..distribution.recipient_file import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS


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
        servers = (
            self.env["fetchmail.server"].sudo().search_count([("state", "=", "done")])
        )
        for settings in self:
            if not settings.company_id.bounce_email:
                settings.email_distribution_bounce_warning = self.env._(
                    "No bounce address: set an alias domain (Settings > General "
                    "Settings > Emails) so that mails carry a Return-Path that "
                    "brings bounces back to Odoo."
                )
            elif not servers:
                settings.email_distribution_bounce_warning = self.env._(
                    "No incoming mail server is confirmed: bounces reach Odoo only "
                    "if the bounce mailbox is fetched by an incoming mail server "
                    "or piped to the mail gateway script."
                )
            else:
                settings.email_distribution_bounce_warning = False
