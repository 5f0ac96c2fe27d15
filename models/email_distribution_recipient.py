# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..distribution.addresses import AddressError, format_addresses, parse_addresses
from ..distribution.routing import DirectoryEntry
from .address_gate import address_refusal

ADDRESS_FIELDS = ("email_to", "email_cc")


class EmailDistributionRecipient(models.Model):
    """One line of the recipient directory.

    A customer number (the ``ref`` printed on the customer's documents) maps to
    the addresses its documents of one type are delivered to.  The entry is
    keyed by the number, not by the partner: it may be imported before the
    partner exists and follows the number when a partner's ``ref`` changes.
    """

    _name = "email.distribution.recipient"
    _inherit = ["mail.thread"]
    _description = "E-mail Distribution Recipient"
    _rec_name = "customer_number"
    _order = "customer_number, document_type, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    customer_number = fields.Char(
        required=True,
        index=True,
        tracking=True,
        help="The customer number that appears on the documents: the "
        "customer's Reference.",
    )
    email_to = fields.Char(
        string="E-mail",
        required=True,
        tracking=True,
        help="One or more addresses, separated by spaces, ';' or ','.",
    )
    email_cc = fields.Char(
        string="CC",
        tracking=True,
        help="Addresses in copy, separated by spaces, ';' or ','.",
    )
    document_type = fields.Selection(
        selection="_selection_document_type",
        required=True,
        default="invoice",
        tracking=True,
        help="Invoice covers customer invoices and credit notes.",
    )
    format = fields.Selection(
        selection="_selection_format",
        tracking=True,
        help="Empty: the company's default format for the document type.",
    )
    effective_format = fields.Selection(
        selection="_selection_format",
        compute="_compute_effective_format",
    )
    active = fields.Boolean(default=True, tracking=True)
    hold_message = fields.Text(
        string="Held Addresses",
        compute="_compute_hold_message",
        help="Addresses of this entry that bounced permanently or are blocked, "
        "with the last reason; deliveries skip them until cleared.",
    )
    held_addresses = fields.Char(
        string="Held",
        compute="_compute_hold_message",
        help="The held addresses of this entry; the entry's form says why.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        # Computed with the batch before its INSERT: an import of 100 000
        # entries does not UPDATE them all again afterwards (the import
        # wizard even gives it, see _partners_by_number).
        precompute=True,
        readonly=False,
        index="btree_not_null",
        ondelete="set null",
        help="The customer whose Reference is this customer number, in this "
        "company or shared; empty until such a customer exists.",
    )

    # One active entry per company, customer number and document type.  The
    # exclusion constraint is deferred to commit so that _check_unique_active
    # reports a readable error first; the database still stops concurrent twins.
    _sql_constraints = [
        (
            "active_uniq",
            "EXCLUDE (company_id WITH =, customer_number WITH =, "
            "document_type WITH =) WHERE (active) DEFERRABLE INITIALLY DEFERRED",
            "A customer number can have only one active entry per document type "
            "and company.",
        )
    ]

    @api.model
    def _selection_document_type(self):
        return [
            ("invoice", self.env._("Invoice / credit note")),
            ("other", self.env._("Other documents")),
        ]

    @api.model
    def _selection_format(self):
        """Delivery formats; modules add more by extending this and
        ``email.distribution.delivery._edi_format``."""
        return [
            ("pdf", self.env._("PDF")),
            ("pdf_ubl", self.env._("PDF + UBL (Peppol BIS Billing 3.0)")),
            ("facturx", self.env._("Factur-X (PDF with CII XML)")),
            ("xrechnung", self.env._("XRechnung (UBL XML)")),
        ]

    @api.depends("format", "document_type", "company_id")
    def _compute_effective_format(self):
        for entry in self:
            entry.effective_format = (
                entry.format
                or entry.company_id._email_distribution_default_format(
                    entry.document_type or "invoice"
                )
                if entry.company_id
                else entry.format
            )

    @api.depends("email_to", "email_cc", "company_id")
    def _compute_hold_message(self):
        held = self.env["email.distribution.address"]._held_map(self.company_id)
        for entry in self:
            company_held = held.get(entry.company_id.id, {})
            entry.hold_message = (
                "\n".join(
                    f"{address}: {company_held[address.lower()]}"
                    for address in split_stored(entry.email_to)
                    + split_stored(entry.email_cc)
                    if address.lower() in company_held
                )
                or False
            )
            entry.held_addresses = (
                ", ".join(
                    address
                    for address in split_stored(entry.email_to)
                    + split_stored(entry.email_cc)
                    if address.lower() in company_held
                )
                or False
            )

    @api.depends("customer_number", "company_id")
    def _compute_partner_id(self):
        """Link each entry to the customer carrying its number, in one search."""
        partners = self._partners_by_number(
            self.company_id,
            {entry.customer_number for entry in self if entry.customer_number},
        )
        for entry in self:
            entry.partner_id = partners.get(
                (entry.company_id.id, entry.customer_number)
            ) or partners.get((False, entry.customer_number), False)

    @api.model
    def _partners_by_number(self, companies, numbers):
        """``{(company id or False, number): commercial partner}`` of the
        customers whose Reference is one of *numbers*, in one search."""
        by_key = {}
        if not numbers:
            return by_key
        partners = (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("ref", "in", list(numbers)),
                    ("company_id", "in", [False, *companies.ids]),
                ],
                order="id",
            )
        )
        for partner in partners:
            by_key.setdefault(
                (partner.company_id.id, partner.ref), partner.commercial_partner_id
            )
        return by_key

    @api.constrains("company_id", "customer_number", "document_type", "active")
    def _check_unique_active(self):
        active = self.filtered("active")
        if not active:
            return
        seen = {}
        others = self.search(
            [
                ("id", "not in", active.ids),
                ("customer_number", "in", list(set(active.mapped("customer_number")))),
                ("company_id", "in", active.company_id.ids),
            ]
        )
        for entry in others + active:
            key = (entry.company_id.id, entry.customer_number, entry.document_type)
            if key in seen:
                raise ValidationError(
                    self.env._(
                        "Customer number %(number)s already has an active "
                        "directory entry for %(type)s in %(company)s.",
                        number=entry.customer_number,
                        type=dict(
                            self._fields["document_type"]._description_selection(
                                self.env
                            )
                        ).get(entry.document_type),
                        company=entry.company_id.display_name,
                    )
                )
            seen[key] = entry

    @api.constrains("customer_number")
    def _check_customer_number(self):
        for entry in self:
            number = entry.customer_number or ""
            if number != number.strip() or not number.strip():
                raise ValidationError(
                    self.env._(
                        "The customer number %(number)r must not be empty or "
                        "start or end with spaces.",
                        number=number,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_address_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_address_vals(vals)
        result = super().write(vals)
        if "company_id" in vals and not self.env.su:
            # The record rules are checked before a write, on the old company:
            # check them again so that an entry never moves to a company the
            # user may not use.
            self.check_access("write")
        edited = [vals[name] for name in ADDRESS_FIELDS if vals.get(name)]
        # The import wizard clears them once for its whole batch.
        if edited and not self.env.context.get("email_distribution_batch_edit"):
            self.env["email.distribution.address"]._clear_hard_bounces(
                self.company_id, [a for value in edited for a in split_stored(value)]
            )
        return result

    @api.model
    def _normalize_address_vals(self, vals):
        """Validate and normalise the address fields of *vals* in place."""
        if isinstance(vals.get("customer_number"), str):
            vals["customer_number"] = vals["customer_number"].strip()
        for field_name in ADDRESS_FIELDS:
            if field_name not in vals:
                continue
            value = vals[field_name] or ""
            try:
                addresses = parse_addresses(value)
            except AddressError as err:
                raise ValidationError(
                    self.env._(
                        "%(field)s of customer number %(number)s: %(reason)s",
                        field=self._fields[field_name]._description_string(self.env),
                        number=vals.get("customer_number")
                        or ", ".join(self.mapped("customer_number")),
                        reason=err.message.translate(self.env._),
                    )
                ) from err
            refusals = [address_refusal(self.env, a) for a in addresses]
            if any(refusals):
                raise ValidationError(
                    self.env._(
                        "%(field)s of customer number %(number)s: %(reason)s",
                        field=self._fields[field_name]._description_string(self.env),
                        number=vals.get("customer_number")
                        or ", ".join(self.mapped("customer_number")),
                        reason=next(r for r in refusals if r),
                    )
                )
            if field_name == "email_to" and not addresses:
                raise ValidationError(
                    self.env._(
                        "Customer number %(number)s needs at least one e-mail "
                        "address.",
                        number=vals.get("customer_number")
                        or ", ".join(self.mapped("customer_number")),
                    )
                )
            vals[field_name] = format_addresses(addresses) or False

    @api.model
    def _relink_customer_numbers(self, numbers):
        """Recompute the partner link of the entries with these numbers."""
        numbers = [number for number in numbers if number]
        if not numbers:
            return
        entries = (
            self.sudo()
            .with_context(active_test=False)
            .search([("customer_number", "in", numbers)])
        )
        if entries:
            self.env.add_to_compute(self._fields["partner_id"], entries)

    @api.model
    def _directory_for(self, companies, numbers, document_type):
        """Active entries for these numbers, in one query.

        Returns {(company id, customer number): DirectoryRow}.
        """
        if not numbers:
            return {}
        entries = self.sudo().search(
            [
                ("company_id", "in", companies.ids),
                ("customer_number", "in", list(numbers)),
                ("document_type", "=", document_type),
            ]
        )
        return {
            (entry.company_id.id, entry.customer_number): DirectoryEntry(
                split_stored(entry.email_to),
                split_stored(entry.email_cc),
                entry.format or None,
            )
            for entry in entries
        }

    @api.model
    def _held_addresses(self, companies):
        """{company id: {address: reason}} of addresses not to deliver to."""
        return self.env["email.distribution.address"]._held_map(companies)


def split_stored(value):
    """Addresses of a stored field, which create/write keep in canonical form."""
    return tuple(value.split(", ")) if value else ()
