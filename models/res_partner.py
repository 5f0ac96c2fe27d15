# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import email_split

from .email_distribution_recipient import split_stored

RELINK_FIELDS = {"ref", "company_id", "parent_id", "active"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    email_distribution_recipient_ids = fields.One2many(
        "email.distribution.recipient",
        "partner_id",
        string="Recipient Directory",
    )
    email_distribution_summary = fields.Text(
        string="Where Invoices Go",
        compute="_compute_email_distribution_summary",
    )

    @api.depends(
        "ref",
        "email",
        "child_ids.email",
        "child_ids.type",
        "email_distribution_recipient_ids.email_to",
        "email_distribution_recipient_ids.email_cc",
        "email_distribution_recipient_ids.active",
        "email_distribution_recipient_ids.document_type",
    )
    @api.depends_context("company")
    def _compute_email_distribution_summary(self):
        company = self.env.company
        for partner in self:
            partner.email_distribution_summary = "\n".join(
                partner._email_distribution_summary_lines(company)
            )

    def _email_distribution_summary_lines(self, company):
        """Plain-language lines telling where this customer's invoices go."""
        self.ensure_one()
        if not company.email_distribution_enabled:
            return [
                self.env._(
                    "E-mail distribution is off for %(company)s: invoices are not "
                    "delivered by e-mail distribution.",
                    company=company.name,
                )
            ]
        lines = []
        commercial = self.commercial_partner_id
        if company.email_distribution_use_document_address:
            invoice_contact = self.browse(
                commercial.address_get(["invoice"])["invoice"]
            )
            if invoice_contact.email:
                lines.append(
                    self.env._(
                        "Address in the document: %(email)s (invoice address "
                        "%(contact)s).",
                        email=invoice_contact.email,
                        contact=invoice_contact.display_name,
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "Address in the document: none (the invoice address has "
                        "no e-mail)."
                    )
                )
        if company.email_distribution_use_directory:
            if not commercial.ref:
                lines.append(
                    self.env._(
                        "Recipient directory: this customer has no customer number "
                        "(Reference)."
                    )
                )
            else:
                entries = commercial.email_distribution_recipient_ids.filtered(
                    lambda e: e.active and e.company_id == company
                )
                if not entries:
                    lines.append(
                        self.env._(
                            "Recipient directory: no entry for customer number "
                            "%(number)s.",
                            number=commercial.ref,
                        )
                    )
                for entry in entries:
                    type_label = dict(
                        entry._fields["document_type"]._description_selection(self.env)
                    )[entry.document_type]
                    if entry.email_cc:
                        lines.append(
                            self.env._(
                                "Recipient directory, customer number %(number)s, "
                                "%(type)s: %(to)s, in copy %(cc)s.",
                                number=entry.customer_number,
                                type=type_label,
                                to=entry.email_to,
                                cc=entry.email_cc,
                            )
                        )
                    else:
                        lines.append(
                            self.env._(
                                "Recipient directory, customer number %(number)s, "
                                "%(type)s: %(to)s.",
                                number=entry.customer_number,
                                type=type_label,
                                to=entry.email_to,
                            )
                        )
        held = (
            self.env["email.distribution.address"]
            ._held_map(company)
            .get(company.id, {})
        )
        watched = set(email_split(self.commercial_partner_id.email or ""))
        for entry in self.commercial_partner_id.email_distribution_recipient_ids:
            watched.update(split_stored(entry.email_to) + split_stored(entry.email_cc))
        for address in sorted(a for a in watched if a.lower() in held):
            lines.append(
                self.env._(
                    "Held: %(address)s, %(reason)s.",
                    address=address,
                    reason=held[address.lower()],
                )
            )
        if not lines:
            lines.append(
                self.env._(
                    "Neither routing is enabled: invoices are not delivered by e-mail."
                )
            )
        return lines

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        self.env["email.distribution.recipient"]._relink_customer_numbers(
            {partner.ref for partner in partners}
        )
        return partners

    def write(self, vals):
        if vals.get("email"):
            self.env["email.distribution.address"]._clear_hard_bounces(
                self.env.companies, email_split(vals["email"])
            )
        relink = RELINK_FIELDS & vals.keys()
        old_refs = set(self.mapped("ref")) if relink else set()
        result = super().write(vals)
        if relink:
            self.env["email.distribution.recipient"]._relink_customer_numbers(
                old_refs | set(self.mapped("ref"))
            )
        return result
