# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Any document sent through the e-mail distribution.

A model that inherits ``email.distribution.document.mixin`` (and
``mail.thread``) gets deliveries routed by the customer number of its partner
and the *Other documents* entries of the recipient directory (or the address
in the document), a sending list, bounces and states like invoices.  It says
which report and which mail template make its e-mail by overriding the hooks
below; ``_email_distribution_send()`` queues the deliveries (the sending cron
renders and hands them to Odoo's mail queue, never inside the caller's
transaction).  ``account.payment`` (payment receipts) is the example in this
addon: see ``models/account_payment.py``.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .email_distribution_delivery import DELIVERY_STATES


def open_failure_activities(records):
    """The open "E-mail delivery failed" to-dos of *records* (invoices or
    other documents), the ones the distribution updates and closes."""
    summary = records.env._("E-mail delivery failed")
    todo = records.env.ref("mail.mail_activity_data_todo")
    return records.activity_ids.filtered(
        lambda a: a.activity_type_id == todo and a.summary == summary
    )


class EmailDistributionDocumentMixin(models.AbstractModel):
    _name = "email.distribution.document.mixin"
    _description = "Document Sent by E-mail Distribution"

    email_distribution_delivery_ids = fields.One2many(
        "email.distribution.delivery",
        "res_id",
        string="E-mail Deliveries",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
        copy=False,
    )
    email_distribution_state = fields.Selection(
        [("not_applicable", "Not applicable"), *DELIVERY_STATES],
        string="E-mail Delivery",
        compute="_compute_email_distribution_document_state",
    )
    email_distribution_message = fields.Text(
        string="E-mail Delivery Message",
        compute="_compute_email_distribution_document_state",
    )

    @api.depends("email_distribution_delivery_ids.state")
    def _compute_email_distribution_document_state(self):
        for record in self:
            last = record.sudo().email_distribution_delivery_ids.sorted("id")[-1:]
            record.email_distribution_state = last.state or "not_applicable"
            record.email_distribution_message = last.message or False

    # ------------------------------------------------------------------
    # Hooks: what a document model tells the distribution
    # ------------------------------------------------------------------

    def _email_distribution_document_type(self):
        """The directory entries that route it (``other`` or ``invoice``)."""
        return "other"

    def _email_distribution_partner(self):
        """The customer: its customer number (``ref``) finds the entry."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id

    def _email_distribution_name(self):
        self.ensure_one()
        return self.display_name

    def _email_distribution_document_address(self):
        """The e-mail address *in the document* (several separated by ';')."""
        self.ensure_one()
        return self.partner_id.email or False

    def _email_distribution_responsible(self):
        """Who is told when its delivery fails."""
        self.ensure_one()
        return self.create_uid

    def _email_distribution_report(self):
        """The ``ir.actions.report`` of the PDF the e-mail carries."""
        raise NotImplementedError()

    def _email_distribution_template(self):
        """The ``mail.template`` (on this model) of the e-mail's subject,
        body and language."""
        raise NotImplementedError()

    def _email_distribution_sent_field(self):
        """A Boolean field that means "it reached the customer", or None."""
        return None

    def _email_distribution_no_route_remedy(self):
        return self.env._(
            "Add the customer's e-mail address, or an entry for other documents "
            "under its customer number in the recipient directory, then resend."
        )

    def _email_distribution_can_send(self):
        """Whether this record is in a state to be sent (e.g. posted)."""
        return True

    # ------------------------------------------------------------------
    # What other modules call
    # ------------------------------------------------------------------

    def _email_distribution_send(self, received=None):
        """Route these documents and queue their deliveries; returns them.

        Nothing is rendered or sent here: the sending cron (triggered) does.
        """
        documents = self.filtered(
            lambda d: d.company_id.email_distribution_enabled
            and d._email_distribution_can_send()
        )
        return self.env["email.distribution.delivery"]._route_documents(
            documents, received=received
        )

    def _email_distribution_open_activities(self):
        """The open "E-mail delivery failed" to-dos of these documents."""
        return open_failure_activities(self)

    def unlink(self):
        # Deliveries name their document by model and id (no foreign key):
        # they go with it, as an invoice's go with the invoice.
        self.env["email.distribution.delivery"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).unlink()
        return super().unlink()

    def action_email_distribution_send(self):
        """Send (again) by e-mail distribution, from a list or a form."""
        # Deliveries are written by the module only: the user must be allowed
        # to change these documents.
        self.check_access("write")
        documents = self.filtered(lambda d: d._email_distribution_can_send())
        if not documents:
            raise UserError(self.env._("None of these documents can be sent yet."))
        disabled = documents.filtered(
            lambda d: not d.company_id.email_distribution_enabled
        )
        if disabled:
            raise UserError(
                self.env._(
                    "E-mail distribution is off for %(companies)s.",
                    companies=", ".join(disabled.company_id.mapped("name")),
                )
            )
        Delivery = self.env["email.distribution.delivery"]
        Delivery._check_none_in_progress(documents)
        deliveries = documents._email_distribution_send(
            received=Delivery._received_by_document(documents)
        )
        if not deliveries:
            raise UserError(
                self.env._(
                    "%(invoices)s already reached every recipient: nothing was "
                    "sent again (use Resend to All to send it to everyone).",
                    invoices=", ".join(documents.mapped("display_name")),
                )
            )
        return deliveries._queued_notification(
            self.env._("Send by E-mail Distribution")
        )

    def action_view_email_distribution_attempts(self):
        self.ensure_one()
        return self.env["email.distribution.attempt"]._action_for(
            [
                ("delivery_id.res_model", "=", self._name),
                ("delivery_id.res_id", "=", self.id),
            ]
        )
