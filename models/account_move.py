# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..distribution.addresses import AddressError, parse_addresses
from .address_gate import address_refusal, checked_addresses
from .email_distribution_delivery import DELIVERY_STATES, EDI_FORMATS
from .email_distribution_document import open_failure_activities

_logger = logging.getLogger(__name__)

DISTRIBUTED_TYPES = ("out_invoice", "out_refund")


# Fields of an invoice that the sending writes and that have nothing to do
# with its accounting.
NON_ACCOUNTING_FLAGS = {"is_move_sent", "message_main_attachment_id"}


class AccountMove(models.Model):
    _inherit = "account.move"

    email_distribution_address = fields.Char(
        string="Distribution Address",
        compute="_compute_email_distribution_address",
        store=True,
        readonly=False,
        copy=False,
        help="Where e-mail distribution delivers this invoice when 'Send to the "
        "e-mail address in the document' is on; several separated by ';'. "
        "Defaults to the invoice address's e-mail.",
    )
    email_distribution_recipients = fields.Char(
        string="Delivered To",
        compute="_compute_email_distribution_recipients",
        help="Where e-mail distribution actually sent this invoice: the "
        "recipients of its latest delivery, in copy included.",
    )
    email_distribution_delivery_ids = fields.One2many(
        "email.distribution.delivery", "move_id", string="E-mail Deliveries"
    )
    email_distribution_state = fields.Selection(
        [("not_applicable", "Not applicable"), *DELIVERY_STATES],
        string="E-mail Delivery",
        compute="_compute_email_distribution_state",
        store=True,
        index=True,
        copy=False,
    )
    email_distribution_message = fields.Text(
        string="E-mail Delivery Message",
        compute="_compute_email_distribution_state",
        store=True,
        copy=False,
    )
    email_distribution_attempt_count = fields.Integer(
        compute="_compute_email_distribution_attempt_count"
    )
    email_distribution_format_warning = fields.Text(
        compute="_compute_email_distribution_format_warning",
        help="What Odoo's own export checks say about the structured format "
        "e-mail distribution will attach, before the invoice is sent.",
    )
    email_distribution_next_attempt_date = fields.Datetime(
        string="Next E-mail Retry",
        compute="_compute_email_distribution_next_attempt_date",
        help="When the soft-bounced recipients of the latest delivery are tried "
        "again.",
    )

    @api.depends("partner_id.email", "move_type", "state")
    def _compute_email_distribution_address(self):
        """Follow the customer's e-mail while the invoice is a draft only.

        Posted invoices are never rewritten: the address is frozen at posting
        (also one typed by hand), whatever happens to the partner later.
        """
        for move in self:
            if move.state != "draft":
                continue
            if move.move_type in DISTRIBUTED_TYPES and move.partner_id.email:
                try:
                    addresses = parse_addresses(move.partner_id.email)
                except AddressError:
                    addresses = []
                if any(address_refusal(self.env, a) for a in addresses):
                    addresses = []
                move.email_distribution_address = "; ".join(addresses) or False
            elif not move.email_distribution_address:
                move.email_distribution_address = False

    @api.depends("email_distribution_delivery_ids.email_to")
    def _compute_email_distribution_recipients(self):
        for move in self:
            last = move.email_distribution_delivery_ids.sorted("id")[-1:]
            move.email_distribution_recipients = (
                ", ".join(a for a in (last.email_to, last.email_cc) if a) or False
            )

    @api.depends(
        "email_distribution_delivery_ids.state",
        "email_distribution_delivery_ids.message",
    )
    def _compute_email_distribution_state(self):
        for move in self:
            last = move.email_distribution_delivery_ids.sorted("id")[-1:]
            move.email_distribution_state = last.state or "not_applicable"
            move.email_distribution_message = last.message or False

    def _compute_email_distribution_format_warning(self):
        for move in self:
            move.email_distribution_format_warning = (
                move._origin._email_distribution_format_warning()
                if move._origin
                else False
            )

    def _email_distribution_format(self):
        """The format e-mail distribution attaches: the latest delivery's, else
        the directory entry's, else the company default (as routing decides)."""
        self.ensure_one()
        last = self.email_distribution_delivery_ids.sorted("id")[-1:]
        if last.format:
            return last.format
        number = self.commercial_partner_id.ref
        entry = (
            self.env["email.distribution.recipient"]
            ._directory_for(self.company_id, {number} if number else set(), "invoice")
            .get((self.company_id.id, number))
        )
        return (entry and entry.format) or (
            self.company_id._email_distribution_default_format("invoice")
        )

    def _email_distribution_format_warning(self):
        """Odoo's own export checks for the structured format, before sending:
        a customer without country or VAT fails here instead of in the run."""
        self.ensure_one()
        if (
            self.move_type not in DISTRIBUTED_TYPES
            or self.state == "cancel"
            or not self.company_id.email_distribution_enabled
            or self.ubl_cii_xml_id
            or self.email_distribution_state == "sent"
        ):
            return False
        edi_format = EDI_FORMATS.get(self._email_distribution_format())
        if not edi_format or not self._need_ubl_cii_xml(edi_format):
            return False
        # An empty recordset of the builder model: test it against None.
        builder = self.commercial_partner_id._get_edi_builder(edi_format)
        if builder is None:
            return False
        try:
            _xml, errors = builder._export_invoice(self)
        except Exception:  # a warning never breaks the form
            _logger.warning(
                "E-mail distribution: export check of %s failed",
                self.display_name,
                exc_info=True,
            )
            return False
        if self.state == "draft":
            # The number comes at posting: not a problem of the draft.
            errors = set(errors) - {builder._check_required_fields(self, "name")}
        if not errors:
            return False
        return self.env._(
            "E-mail distribution attaches %(format)s, which Odoo cannot build "
            "for this invoice yet:\n%(errors)s",
            format=dict(
                self.env["email.distribution.recipient"]._selection_format()
            ).get(self._email_distribution_format()),
            errors="\n".join(f"- {error}" for error in sorted(errors)),
        )

    @api.depends("email_distribution_delivery_ids.next_attempt_date")
    def _compute_email_distribution_next_attempt_date(self):
        for move in self:
            last = move.email_distribution_delivery_ids.sorted("id")[-1:]
            move.email_distribution_next_attempt_date = last.next_attempt_date

    def _compute_email_distribution_attempt_count(self):
        groups = self.env["email.distribution.attempt"]._read_group(
            [("move_id", "in", self.ids)], ["move_id"], ["__count"]
        )
        counts = {move.id: count for move, count in groups}
        for move in self:
            move.email_distribution_attempt_count = counts.get(move.id, 0)

    @api.constrains("email_distribution_address")
    def _check_email_distribution_address(self):
        for move in self.filtered("email_distribution_address"):
            checked_addresses(
                self.env,
                move.email_distribution_address,
                self.env._("Distribution address of %(move)s", move=move.display_name),
            )

    def write(self, vals):
        if self.env.context.get("aed_keep_is_move_sent") and "is_move_sent" in vals:
            # Rendered by the distribution, not sent (see account.move.send).
            vals = {key: value for key, value in vals.items() if key != "is_move_sent"}
            if not vals:
                return True
        if vals and vals.keys() <= NON_ACCOUNTING_FLAGS:
            # The Sent flag or the main attachment: no line to synchronise and
            # no balance to check (each would read the invoice's lines again).
            return super(
                AccountMove,
                self.with_context(skip_invoice_sync=True, check_move_validity=False),
            ).write(vals)
        if "email_distribution_address" in vals and any(
            move.state == "posted"
            and move.email_distribution_address != vals["email_distribution_address"]
            for move in self
        ):
            raise UserError(
                self.env._(
                    "The distribution address of a posted invoice cannot be "
                    "changed: reset it to draft first."
                )
            )
        return super().write(vals)

    def _post(self, soft=True):
        # Freeze the distribution address as computed on the draft.
        self.filtered(lambda m: m.state == "draft").mapped("email_distribution_address")
        posted = super()._post(soft=soft)
        # An invoice routed nowhere gets its to-do from the sending cron,
        # seconds later, not inside the posting.
        posted.with_context(
            email_distribution_notify_later=True
        )._email_distribution_route()
        return posted

    def _email_distribution_route(self, received=None):
        """Route posted customer invoices and queue their deliveries.

        *received* maps invoice ids to the addresses (lower-case) that already
        received them: a resend leaves them out, and an invoice with nobody
        left gets no new delivery.  Constant number of queries for the batch:
        one directory read, one read of held addresses, one create.  Nothing
        is rendered or sent here.
        """
        received = received or {}
        moves = self.filtered(
            lambda m: m.move_type in DISTRIBUTED_TYPES
            and m.company_id.email_distribution_enabled
            and m._email_distribution_sending_method_is_email()
        )
        return self.env["email.distribution.delivery"]._route_documents(
            moves, received=received
        )

    # Hooks of email.distribution.document.mixin, for the delivery model.

    def _email_distribution_document_type(self):
        return "invoice"

    def _email_distribution_partner(self):
        self.ensure_one()
        return self.commercial_partner_id

    def _email_distribution_name(self):
        self.ensure_one()
        return self.name

    def _email_distribution_document_address(self):
        self.ensure_one()
        return self.email_distribution_address

    def _email_distribution_responsible(self):
        self.ensure_one()
        return self.invoice_user_id or self.create_uid

    def _email_distribution_sent_field(self):
        return "is_move_sent"

    def _email_distribution_no_route_remedy(self):
        return self.env._(
            "Add the customer's address to the invoice or to the "
            "recipient directory, then resend."
        )

    def _email_distribution_sending_method_is_email(self):
        """Whether the customer's own sending method (Odoo's
        ``invoice_sending_method``: download, e-mail, Peppol, post…) is e-mail;
        empty means e-mail, as for Odoo's own Send."""
        self.ensure_one()
        return (
            self.env["account.move.send"]._get_default_sending_method(self) == "email"
        )

    def action_email_distribution_resend(self):
        """Queue a new delivery for each invoice (after an address was fixed)."""
        # Deliveries are written by the module only: the user must be allowed
        # to change these invoices.
        self.check_access("write")
        moves = self.filtered(lambda m: m.state == "posted")
        if not moves:
            raise UserError(self.env._("Only posted invoices can be sent."))
        not_email = moves.filtered(
            lambda m: not m._email_distribution_sending_method_is_email()
        )
        if not_email:
            raise UserError(
                self.env._(
                    "%(invoices)s: the customer's invoice sending method is not "
                    "e-mail; change it on the customer to deliver by e-mail.",
                    invoices=", ".join(not_email.mapped("name")),
                )
            )
        Delivery = self.env["email.distribution.delivery"]
        Delivery._check_none_in_progress(moves)
        received = Delivery._received_by_document(moves)
        deliveries = moves._email_distribution_route(received=received)
        skipped = moves - deliveries.move_id
        already = self.env._(
            "%(invoices)s already reached every recipient: nothing was sent "
            "again (use Resend to All to send it to everyone).",
            invoices=", ".join(skipped.mapped("name")),
        )
        if not deliveries:
            raise UserError(already)
        return deliveries._queued_notification(
            self.env._("Resend"), [already] if skipped else []
        )

    def _email_distribution_open_activities(self):
        """The open "E-mail delivery failed" to-dos of these invoices."""
        return open_failure_activities(self)

    def action_email_distribution_send_now(self):
        """Managers: process the queue of their companies now instead of waiting
        for the cron."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(self.env._("Only accounting managers can send now."))
        Run = self.env["email.distribution.run"]
        runs = Run
        # env.companies: the companies the user works in, never others.
        for company in self.env.companies:
            runs |= Run._start("manual", company)._process()
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Sending Runs"),
            "res_model": "email.distribution.run",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", runs.ids)],
        }
        if len(runs) == 1:
            action.update(res_id=runs.id, view_mode="form", views=[(False, "form")])
        return action

    def action_email_distribution_preview(self):
        """The e-mail of the invoice's latest delivery."""
        self.ensure_one()
        delivery = self.email_distribution_delivery_ids.sorted("id")[-1:]
        if not delivery:
            raise UserError(
                self.env._("This invoice has no e-mail delivery to preview.")
            )
        return delivery.action_preview()

    def action_view_email_distribution_attempts(self):
        self.ensure_one()
        return self.env["email.distribution.attempt"]._action_for(
            [("move_id", "=", self.id)]
        )
