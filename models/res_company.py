# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from email.utils import formataddr

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize, encapsulate_email, mute_logger, plaintext2html

from .address_gate import checked_addresses, display_name_refusal


class ResCompany(models.Model):
    _inherit = "res.company"

    email_distribution_enabled = fields.Boolean(
        string="E-mail Distribution",
        help="Deliver posted customer invoices and credit notes by e-mail. "
        "Without it nothing is delivered by e-mail distribution.",
    )
    email_distribution_use_document_address = fields.Boolean(
        string="Send to the E-mail Address in the Document",
        default=True,
        help="Deliver to the address(es) carried by the invoice itself.",
    )
    email_distribution_use_directory = fields.Boolean(
        string="Use the Recipient Directory",
        default=True,
        help="Deliver to the addresses listed in the recipient directory for the "
        "customer number shown on the invoice.",
    )
    email_distribution_sender_email = fields.Char(
        string="Sender Address",
        help="From address of distributed invoices; empty: the company e-mail.",
    )
    email_distribution_sender_name = fields.Char(
        string="Sender Name",
        help="Display name of the sender; empty: the company name.",
    )
    email_distribution_reply_to = fields.Char(
        string="Reply-To Address",
        help="Where customers' replies go; empty: the sender address.",
    )
    email_distribution_payment_receipts = fields.Boolean(
        string="Send Payment Receipts",
        help="Send the receipt of each confirmed customer payment by e-mail "
        "distribution, routed by the customer number to the directory's "
        "entries for other documents.",
    )
    email_distribution_format_invoice = fields.Selection(
        selection="_selection_email_distribution_format",
        string="Default Format for Invoices",
        default="pdf",
        required=True,
    )
    email_distribution_format_other = fields.Selection(
        selection="_selection_email_distribution_format",
        string="Default Format for Other Documents",
        default="pdf",
        required=True,
    )
    email_distribution_retry_max = fields.Integer(
        string="Soft-Bounce Attempts",
        default=3,
        help="How many times a delivery is attempted when the receiving server "
        "refuses it temporarily (soft bounce), the first attempt included.",
    )
    email_distribution_retry_delay = fields.Integer(
        string="Retry Delay (minutes)",
        default=60,
        help="Wait before the first retry; each later retry waits twice as long.",
    )
    email_distribution_max_attachment_mb = fields.Float(
        string="Maximum Attachment Size (MB)",
        default=10.0,
        help="A delivery whose attachments are larger fails before sending.",
    )

    _sql_constraints = [
        (
            "email_distribution_retry_max_positive",
            "CHECK(email_distribution_retry_max >= 1)",
            "The number of soft-bounce attempts must be at least 1.",
        ),
        (
            "email_distribution_retry_delay_positive",
            "CHECK(email_distribution_retry_delay >= 0)",
            "The retry delay cannot be negative.",
        ),
        (
            "email_distribution_max_attachment_mb_positive",
            "CHECK(email_distribution_max_attachment_mb > 0)",
            "The maximum attachment size must be positive.",
        ),
    ]

    @api.model
    def _selection_email_distribution_format(self):
        return self.env["email.distribution.recipient"]._selection_format()

    @api.constrains(
        "email_distribution_sender_email",
        "email_distribution_reply_to",
        "email_distribution_sender_name",
    )
    def _check_email_distribution_addresses(self):
        for company in self:
            for field_name in (
                "email_distribution_sender_email",
                "email_distribution_reply_to",
            ):
                value = company[field_name]
                if not value:
                    continue
                label = self._fields[field_name]._description_string(self.env)
                addresses = checked_addresses(self.env, value, label)
                if len(addresses) != 1:
                    raise ValidationError(
                        self.env._(
                            "%(field)s must be exactly one e-mail address.",
                            field=label,
                        )
                    )
            reason = display_name_refusal(
                self.env, company.email_distribution_sender_name
            )
            if reason:
                raise ValidationError(
                    self.env._(
                        "%(field)s: %(reason)s",
                        field=self._fields[
                            "email_distribution_sender_name"
                        ]._description_string(self.env),
                        reason=reason,
                    )
                )

    def _email_distribution_email_from(self):
        """The From of distributed mail: the sender address, else the company's."""
        self.ensure_one()
        address = self.email_distribution_sender_email or self.email
        if not address:
            return False
        return formataddr((self.email_distribution_sender_name or self.name, address))

    def _email_distribution_visible_from(self, email_from=None):
        """The From customers see: Odoo's own choice of server and From.

        ``mail.mail`` sends with the alias domain's notification address in
        context and asks ``ir.mail_server._find_mail_server``; when it answers
        with that notification address, ``_prepare_email_message`` puts it in
        the From and keeps the sender's name ("Name" <notifications@…>).
        """
        self.ensure_one()
        if email_from is None:
            email_from = self._email_distribution_email_from()
        if not email_from:
            return False
        MailServer = self.env["ir.mail_server"].sudo().with_company(self)
        if self.alias_domain_id:
            MailServer = MailServer.with_context(
                domain_notifications_email=self.alias_domain_id.default_from_email
            )
        # Its fallback warning is for sending time, not for a settings screen.
        with mute_logger("odoo.addons.base.models.ir_mail_server"):
            _server, smtp_from = MailServer._find_mail_server(email_from)
        notifications_email = email_normalize(
            MailServer.env.context.get("domain_notifications_email")
            or MailServer._get_default_from_address()
        )
        if (
            notifications_email
            and email_normalize(smtp_from) == notifications_email
            and email_normalize(email_from) != notifications_email
        ):
            smtp_from = encapsulate_email(email_from, notifications_email)
        return smtp_from

    def _email_distribution_notify_admins(self, reason, message, todo):
        """A refusal of our sender, server or message: tell an administrator
        once (one open to-do on the company), not once per invoice."""
        self.ensure_one()
        summary = self.env._("E-mail distribution: our mail is being refused")
        partner = self.partner_id.sudo()
        if partner.activity_ids.filtered(lambda a: a.summary == summary):
            return
        admin = (
            self.env.ref("base.group_system")
            .sudo()
            .users.filtered(lambda u: self in u.company_ids and not u.share)[:1]
        )
        partner.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=plaintext2html(
                self.env._(
                    "Receiving servers refuse mail of %(company)s itself "
                    "(%(reason)s), not a customer's address: %(message)s\n"
                    "What to do: %(todo)s",
                    company=self.name,
                    reason=reason,
                    message=message,
                    todo=todo,
                )
            ),
            user_id=(admin or self.env.ref("base.user_admin")).id,
        )

    def _email_distribution_default_format(self, document_type):
        """Company default format for *document_type* (``invoice``/``other``)."""
        self.ensure_one()
        field_name = f"email_distribution_format_{document_type}"
        if field_name in self._fields:
            return self[field_name]
        return self.email_distribution_format_other
