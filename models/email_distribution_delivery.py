# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import logging
import threading
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import config, format_datetime, plaintext2html
from odoo.tools.safe_eval import safe_eval

from ..distribution.addresses import format_addresses
from ..distribution.bounce import REASONS
from ..distribution.bounces import classify_message
from ..distribution.routing import RoutingSettings, route_document
from ..distribution.smtp_outcome import STATE_BY_CATEGORY, classify_smtp_reply
from .address_gate import address_refusal, display_name_refusal
from .email_distribution_bounce import (
    TOKEN_HEADER,
    new_token,
    token_references,
    tokens_in,
)
from .email_distribution_recipient import split_stored
from .ir_actions_report import (
    BLAMED,
    CollectedCalls,
    KeptHtml,
    PdfCallCollected,
    RenderedCalls,
)
from .mail_mail import SETTLED_MAILS, batch_tokens

_logger = logging.getLogger(__name__)

DELIVERY_STATES = [
    ("no_route", "No route"),
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("soft_bounce", "Soft bounce"),
    ("hard_bounce", "Hard bounce"),
    ("blocked", "Blocked"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]
EDI_FORMATS = {"pdf_ubl": "ubl_bis3", "facturx": "facturx", "xrechnung": "xrechnung"}
# What the Failed view lists until a later success resolves it.
FAILURE_STATES = ("hard_bounce", "blocked", "failed", "no_route", "soft_bounce")
# Failed invoices after which a batch is no longer rendered in one savepoint.
BATCH_RENDER_RETRIES = 4
# Most severe first: the state a delivery takes from its recipients' outcomes.
SEVERITY = ["blocked", "hard_bounce", "failed", "soft_bounce", "queued", "sent"]


class EmailDistributionDelivery(models.Model):
    """One delivery of one posted invoice to its routed recipients.

    State lives here, not on ``mail.mail`` (invoice mails are auto-deleted once
    sent).  Every attempt and recipient has a line in the sending list
    (``email.distribution.attempt``).
    """

    _name = "email.distribution.delivery"
    _description = "E-mail Distribution Delivery"
    _order = "id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    # The document delivered: the invoice (move_id) or any record of a model
    # inheriting email.distribution.document.mixin (a payment receipt...).
    # Computed for invoices, given at creation for other documents (hence
    # readonly=False: nobody but the module writes deliveries, see the access
    # rights).
    res_model = fields.Char(
        string="Document Model",
        compute="_compute_res_document",
        store=True,
        precompute=True,
        readonly=False,
        index=True,
    )
    res_id = fields.Many2oneReference(
        string="Document ID",
        model_field="res_model",
        compute="_compute_res_document",
        store=True,
        precompute=True,
        readonly=False,
        index=True,
    )
    document_type = fields.Selection(
        selection=lambda self: self.env[
            "email.distribution.recipient"
        ]._selection_document_type(),
        default="invoice",
        readonly=True,
        required=True,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_document_fields",
        store=True,
        index=True,
        precompute=True,
        readonly=False,
    )
    partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_document_fields",
        store=True,
        precompute=True,
        readonly=False,
        string="Customer",
    )
    name = fields.Char(
        compute="_compute_document_fields",
        store=True,
        precompute=True,
        readonly=False,
        string="Document",
    )
    state = fields.Selection(
        DELIVERY_STATES, required=True, default="queued", index=True, readonly=True
    )
    route_source = fields.Selection(
        [("document", "Address in the document"), ("directory", "Recipient directory")],
        readonly=True,
    )
    email_to = fields.Char(string="To", readonly=True)
    email_cc = fields.Char(string="CC", readonly=True)
    format = fields.Selection(
        selection=lambda self: self.env[
            "email.distribution.recipient"
        ]._selection_format(),
        readonly=True,
    )
    message = fields.Text(
        readonly=True, help="The last server or internal reason, as received."
    )
    remedy = fields.Text(string="What to Do", readonly=True)
    attempt_count = fields.Integer(readonly=True)
    next_attempt_date = fields.Datetime(readonly=True, index=True)
    sent_date = fields.Datetime(readonly=True)
    mail_id = fields.Many2one("mail.mail", readonly=True, ondelete="set null")
    mail_message_id = fields.Char(
        string="Message-Id", readonly=True, index=True, copy=False
    )
    run_id = fields.Many2one("email.distribution.run", readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        compute="_compute_user_id",
        store=True,
        readonly=False,
    )
    attempt_ids = fields.One2many("email.distribution.attempt", "delivery_id")
    reached = fields.Boolean(
        readonly=True, help="At least one recipient accepted this delivery."
    )
    marked_move_sent = fields.Boolean(
        readonly=True,
        help="This delivery set the invoice's Sent flag (is_move_sent).",
    )
    notified = fields.Boolean(
        readonly=True, help="The responsible user has been given a to-do activity."
    )
    notify_pending = fields.Boolean(
        readonly=True,
        index=True,
        help="Routed nowhere at posting: the sending cron gives the to-do.",
    )
    preview_email_from = fields.Char(
        string="From", compute="_compute_preview", help="As customers will see it."
    )
    preview_reply_to = fields.Char(string="Reply-To", compute="_compute_preview")
    preview_subject = fields.Char(string="Subject", compute="_compute_preview")
    preview_body = fields.Html(string="Body", compute="_compute_preview")
    preview_attachments = fields.Char(string="Attachments", compute="_compute_preview")

    @api.depends("move_id")
    def _compute_res_document(self):
        for delivery in self:
            if delivery.move_id:
                delivery.res_model = "account.move"
                delivery.res_id = delivery.move_id.id
            else:  # set at creation by the document's own routing
                delivery.res_model = delivery.res_model
                delivery.res_id = delivery.res_id

    @api.depends(
        "move_id.company_id",
        "move_id.commercial_partner_id",
        "move_id.name",
        "res_model",
        "res_id",
    )
    def _compute_document_fields(self):
        for delivery in self:
            document = delivery._document()
            if document:
                delivery.company_id = document.company_id
                delivery.partner_id = document._email_distribution_partner()
                delivery.name = document._email_distribution_name()
            else:
                delivery.company_id = delivery.company_id
                delivery.partner_id = delivery.partner_id
                delivery.name = delivery.name

    @api.depends("move_id", "res_model", "res_id")
    def _compute_user_id(self):
        for delivery in self:
            document = delivery._document()
            delivery.user_id = (
                document._email_distribution_responsible() if document else False
            )

    def _document(self):
        """The delivered record (as superuser: the module's own bookkeeping),
        an empty recordset when it is gone."""
        self.ensure_one()
        if self.move_id:
            return self.move_id.sudo()
        if not self.res_model or self.res_model not in self.env or not self.res_id:
            return self.env["account.move"].sudo()
        return self.env[self.res_model].sudo().browse(self.res_id).exists()

    def _is_invoice(self):
        return bool(self.move_id)

    def _compute_preview(self):
        """The e-mail as it would go out now: rendered from the module's
        template, the From after Odoo's server choice, the documents named as
        Odoo's own Send names them before rendering them."""
        template = self.env.ref(
            "account_email_distribution.mail_template_invoice", raise_if_not_found=False
        )
        Send = self.env["account.move.send"].sudo()
        for delivery in self:
            move = delivery.move_id.sudo()
            document = delivery._document()
            doc_template = template if move else delivery._document_template()
            company = delivery.company_id.sudo()
            rendered = {}
            if doc_template and document:
                rendered = doc_template.sudo()._generate_template(
                    [document.id], ["subject", "body_html"]
                )[document.id]
            delivery.preview_subject = rendered.get("subject") or False
            delivery.preview_body = rendered.get("body_html") or False
            delivery.preview_email_from = company._email_distribution_visible_from()
            delivery.preview_reply_to = (
                company.email_distribution_reply_to
                or company._email_distribution_email_from()
            )
            names = []
            if move:
                documents = Send._get_placeholder_mail_attachments_data(
                    move, invoice_edi_format=delivery._edi_format()
                ) + Send._get_invoice_extra_attachments_data(move)
                names = [doc["name"] for doc in documents]
                if delivery.format == "xrechnung":
                    # XRechnung goes as the XML alone (the PDF is inside it).
                    names = [n for n in names if not n.lower().endswith(".pdf")]
                elif not delivery._edi_format() or delivery.format == "facturx":
                    names = [n for n in names if not n.lower().endswith(".xml")]
            elif document:
                names = [delivery._document_pdf_name(document)]
            delivery.preview_attachments = ", ".join(dict.fromkeys(names)) or False

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_preview(self):
        """The e-mail of this delivery, in a dialog."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("E-mail Preview"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "account_email_distribution."
                        "email_distribution_delivery_view_preview"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }

    def _check_user_action(self):
        """Deliveries are read-only for users; their actions check here that the
        user works in invoicing and may see these deliveries."""
        if not self.env.su and not self.env.user.has_group(
            "account.group_account_invoice"
        ):
            raise AccessError(
                self.env._("Only invoicing users can act on e-mail deliveries.")
            )
        self.check_access("read")

    def action_cancel(self):
        """Cancel deliveries not yet accepted by the mail server."""
        self._check_user_action()
        cancellable = self.sudo().filtered(
            lambda d: d.state in ("queued", "soft_bounce") or d.next_attempt_date
        )
        if not cancellable:
            raise UserError(self.env._("Only queued deliveries can be cancelled."))
        mails = cancellable.mail_id.filtered(lambda m: m.state == "outgoing")
        mails.with_context(email_distribution_own_cancel=True).cancel()
        cancellable.attempt_ids.filtered(lambda a: a.state == "queued").write(
            {
                "state": "cancelled",
                "message": self.env._(
                    "Cancelled by %(user)s.", user=self.env.user.name
                ),
                "date_done": fields.Datetime.now(),
            }
        )
        cancellable.write(
            {"state": "cancelled", "next_attempt_date": False, "mail_id": False}
        )
        for delivery in cancellable.filtered(lambda d: d._document()):
            delivery._document()._message_log(
                body=self.env._(
                    "E-mail delivery to %(to)s cancelled.",
                    to=delivery.email_to or self.env._("no address"),
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Cancel"),
                "message": self.env._(
                    "Cancelled: %(invoices)s. Mails already accepted by the "
                    "server cannot be recalled.",
                    invoices=", ".join(cancellable.mapped("name")),
                ),
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Routing (at posting, or when a document is sent)
    # ------------------------------------------------------------------

    @api.model
    def _route_documents(self, documents, received=None):
        """Route *documents* (records of one model: invoices, or a model of
        ``email.distribution.document.mixin``) and queue their deliveries.

        *received* maps document ids to the addresses (lower-case) that
        already received them: a resend leaves them out, and a document with
        nobody left gets no new delivery.  Constant number of queries for the
        batch: one directory read, one read of held addresses, one create.
        Nothing is rendered or sent here.
        """
        received = received or {}
        # Once per document, whatever the caller passed (ids may repeat).
        documents = documents.browse(list(dict.fromkeys(documents.ids)))
        if not documents:
            return self.browse()
        document_type = documents._email_distribution_document_type()
        is_move = documents._name == "account.move"
        partners = {doc: doc._email_distribution_partner() for doc in documents}
        directory = self.env["email.distribution.recipient"]._directory_for(
            documents.company_id,
            {partner.ref for partner in partners.values() if partner.ref},
            document_type,
        )
        held = self.env["email.distribution.recipient"]._held_addresses(
            documents.company_id
        )
        vals_list = []
        for document in documents:
            company = document.company_id
            settings = RoutingSettings(
                enabled=True,
                use_document_address=company.email_distribution_use_document_address,
                use_directory=company.email_distribution_use_directory,
            )
            number = partners[document].ref
            entry = directory.get((company.id, number))
            route = route_document(
                settings,
                document._email_distribution_document_address(),
                number,
                entry,
                held.get(company.id, {}),
            )
            # What the computed fields would find, given here: no compute
            # per delivery, no recomputation after the create.
            vals = {
                "res_model": document._name,
                "res_id": document.id,
                "document_type": document_type,
                "company_id": company.id,
                "partner_id": partners[document].id,
                "name": document._email_distribution_name(),
                "user_id": document._email_distribution_responsible().id,
            }
            if is_move:
                vals["move_id"] = document.id
            to, cc = list(route.to), list(route.cc)
            if route.ok and received.get(document.id):
                to = [a for a in to if a.lower() not in received[document.id]]
                cc = [a for a in cc if a.lower() not in received[document.id]]
                if not to and not cc:
                    continue
                if not to:
                    to, cc = cc, []
            if route.ok:
                vals.update(
                    state="queued",
                    route_source=route.source,
                    email_to=format_addresses(to),
                    email_cc=format_addresses(cc) or False,
                    format=self._document_format(
                        route.format
                        or company._email_distribution_default_format(document_type),
                        is_move,
                    ),
                    message=False,
                )
                if route.held:
                    vals["message"] = self.env._(
                        "Skipped: %(held)s",
                        held="; ".join(f"{a} ({why})" for a, why in route.held),
                    )
            elif route.held:
                vals.update(
                    state="no_route",
                    message=route.reason.translate(self.env._),
                    remedy=self.env._(
                        "Every address of this customer is held: confirm it with "
                        "the customer, then clear the hold under Held Addresses "
                        "(a manager unblocks a blocked address) and resend."
                    ),
                )
            else:
                vals.update(
                    state="no_route",
                    message=route.reason.translate(self.env._),
                    remedy=document._email_distribution_no_route_remedy(),
                )
            vals_list.append(vals)
        deliveries = self.sudo().create(vals_list)
        lines = []
        for delivery in deliveries:
            if delivery.state == "queued":
                lines += delivery._attempt_line_vals(
                    1, delivery._pending_recipients(), delivery.create_date
                )
            else:
                lines.append(
                    {
                        "delivery_id": delivery.id,
                        "attempt_number": 0,
                        "state": "no_route",
                        "message": delivery.message,
                        "remedy": delivery.remedy,
                        "date_queued": delivery.create_date,
                        "date_done": delivery.create_date,
                    }
                )
        self.env["email.distribution.attempt"].sudo().create(lines)
        unrouted = deliveries.filtered(lambda delivery: delivery.state == "no_route")
        notify_later = bool(
            unrouted and self.env.context.get("email_distribution_notify_later")
        )
        if notify_later:
            # At posting: the to-do and the note are the sending cron's
            # (woken now), not the posting's; see _notify_pending.
            unrouted.notify_pending = True
        else:
            self._notify_responsibles(
                {delivery: (delivery.message, delivery.remedy) for delivery in unrouted}
            )
        if notify_later or any(delivery.state == "queued" for delivery in deliveries):
            # Sent within seconds of posting, not at the next scheduled run.
            deliveries._trigger_sending()
        return deliveries

    @api.model
    def _notify_pending(self, limit=1000):
        """Give the to-dos and notes of the deliveries routed nowhere at
        posting (see _route_documents), in bulk; the sending cron calls it
        first.  Returns how many were handled."""
        pending = self.sudo().search(
            [("notify_pending", "=", True)], limit=limit, order="id"
        )
        if not pending:
            return 0
        self._notify_responsibles(
            {
                delivery: (delivery.message, delivery.remedy)
                for delivery in pending
                if delivery.state == "no_route"
            }
        )
        pending.notify_pending = False
        return len(pending)

    @api.model
    def _check_none_in_progress(self, documents):
        """Refuse to queue *documents* again while a delivery of one of them
        is queued or waits for a retry."""
        active = documents.sudo().email_distribution_delivery_ids.filtered(
            lambda d: d.state in ("queued", "soft_bounce") or d.next_attempt_date
        )
        if active:
            raise UserError(
                self.env._(
                    "%(invoices)s still has a delivery in progress: cancel it "
                    "first in the sending list.",
                    invoices=", ".join(dict.fromkeys(active.mapped("name"))),
                )
            )

    @api.model
    def _received_by_document(self, documents):
        """``{document id: addresses (lower-case)}`` that accepted the
        latest delivery of each document: a resend leaves them out, unless
        the context asks to resend to all."""
        received = {}
        if self.env.context.get("email_distribution_resend_all"):
            return received
        for document in documents.sudo():
            last = document.email_distribution_delivery_ids.sorted("id")[-1:]
            if last and last.attempt_count:
                received[document.id] = {
                    (line.email or "").lower()
                    for line in last._open_lines()
                    if line.state == "sent"
                }
        return received

    def _queued_notification(self, title, extra_lines=()):
        """The notification of a (re)send: one line per delivery."""
        lines = [
            self.env._(
                "%(invoice)s: queued for %(to)s.",
                invoice=d.name,
                to=", ".join(a for a in (d.email_to, d.email_cc) if a),
            )
            if d.state == "queued"
            else self.env._(
                "%(invoice)s: not queued, %(reason)s", invoice=d.name, reason=d.message
            )
            for d in self
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": "\n".join([*lines, *extra_lines]),
                "type": "success"
                if all(d.state == "queued" for d in self)
                else "warning",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _document_format(self, format_code, is_invoice):
        """Structured formats exist for invoices only: other documents go
        as their PDF whatever their directory entry says."""
        return format_code if is_invoice else "pdf"

    # ------------------------------------------------------------------
    # Queue processing
    # ------------------------------------------------------------------

    @api.model
    def _cron_process_queue(self, limit=200):
        """Sending cron: hand due deliveries to Odoo's mail queue, one run per
        company that has some."""
        Run = self.env["email.distribution.run"].sudo()
        Run._finish_running()
        while self._notify_pending() and self._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit
        runs = Run
        for company in self.sudo()._due_companies():
            run = Run._start("cron", company)
            runs |= run._process(limit=limit, auto_commit=self._can_commit())
        if self.sudo()._due_companies():
            # More than one run's worth is due: go on right after this one.
            self._trigger_sending()
        return runs

    @api.model
    def _trigger_sending(self, at=None):
        """Wake the sending cron now (or ``at`` a retry's due time), once."""
        woken = self.env.cr.precommit.data.setdefault(
            "account_email_distribution.woken", set()
        )
        if at in woken:
            return
        woken.add(at)
        cron = self.env.ref(
            "account_email_distribution.ir_cron_process_queue", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger(at)

    @api.model
    def _trigger_mail_queue(self):
        """Wake Odoo's mail queue cron: it runs hourly on its own."""
        cron = self.env.ref(
            "mail.ir_cron_mail_scheduler_action", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()

    def _can_commit(self):
        # As mail.mail.process_email_queue: never commit inside a test.
        return not getattr(threading.current_thread(), "testing", False)

    @api.model
    def _due_domain_sql(self):
        """The SQL condition of a due delivery (alias ``d``, run alias ``r``).

        Due: never handed over yet (queued), or a retry whose time has come
        (``next_attempt_date`` is only set while some recipient waits for a
        retry), and not held by a stopped run.
        """
        return """
            d.mail_id IS NULL
            AND ((d.state = 'queued' AND d.next_attempt_date IS NULL)
                 OR d.next_attempt_date <= %s)
            AND (r.id IS NULL OR r.state != 'stopped')
        """

    @api.model
    def _due_companies(self):
        """Companies (among the user's when not superuser) with due deliveries."""
        self.env["email.distribution.delivery"].flush_model()
        self.env["email.distribution.run"].flush_model(["state"])
        self.env.cr.execute(
            f"""
            SELECT DISTINCT d.company_id FROM email_distribution_delivery d
              LEFT JOIN email_distribution_run r ON r.id = d.run_id
             WHERE {self._due_domain_sql()}
            """,  # constant SQL text, values are parameters
            [fields.Datetime.now()],
        )
        return self.env["res.company"].browse(
            sorted(row[0] for row in self.env.cr.fetchall())
        )

    @api.model
    def _due_count(self, companies):
        """How many deliveries of *companies* are due (see _due_domain_sql)."""
        self.env["email.distribution.delivery"].flush_model()
        self.env["email.distribution.run"].flush_model(["state"])
        self.env.cr.execute(
            f"""
            SELECT count(*) FROM email_distribution_delivery d
              LEFT JOIN email_distribution_run r ON r.id = d.run_id
             WHERE {self._due_domain_sql()}
               AND d.company_id IN %s
            """,  # constant SQL text, values are parameters
            [fields.Datetime.now(), tuple(companies.ids) or (0,)],
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _lock_due(self, limit, companies):
        """Ids of due deliveries of *companies*, locked so that two workers never
        share one.

        Deliveries of a stopped run wait until the run is restarted.
        """
        self.env["email.distribution.delivery"].flush_model()
        self.env["email.distribution.run"].flush_model(["state"])
        self.env.cr.execute(
            f"""
            SELECT d.id FROM email_distribution_delivery d
              LEFT JOIN email_distribution_run r ON r.id = d.run_id
             WHERE {self._due_domain_sql()}
               AND d.company_id IN %s
             ORDER BY d.id
             LIMIT %s
               FOR UPDATE OF d SKIP LOCKED
            """,  # constant SQL text, values are parameters
            [fields.Datetime.now(), tuple(companies.ids) or (0,), limit],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _prepare_documents(self):
        """Render each invoice's documents once: ``({move: attachments}, errors)``.

        Uses the invoice sending engine of ``account`` so that the stored PDF
        (``invoice_pdf_report_id``) is reused and structured formats hook in.
        PDFs still to render are rendered in parallel first (see
        ``models/ir_actions_report.py``); the batch then goes through the
        engine in one call (structured formats built for the batch) inside
        one savepoint.  An invoice the engine reports an error for fails with
        it; one that raises is taken out and the batch run again without it;
        an error that names no invoice, or too many, and the rest goes
        invoice by invoice, each in its own savepoint.  Other
        documents are rendered by :meth:`_prepare_other_documents`.
        """
        others = self.filtered(lambda delivery: not delivery.move_id)
        if others:
            result, errors = others._prepare_other_documents()
            if others != self:
                more, more_errors = (self - others)._prepare_documents()
                result.update(more)
                errors.update(more_errors)
            return result, errors
        Send = self.env["account.move.send"]
        pending = {}
        for delivery in self:
            move = delivery.move_id.sudo()
            pending.setdefault(move, delivery)
        rendered = self._render_pdfs_in_parallel(pending)
        Send = Send.with_context(aed_rendered_pdfs=rendered)
        result = {}
        errors = {}
        # Optimistic: the batch in one engine call and one savepoint. An
        # invoice that raises is recorded with its error and the batch is
        # undone and run again without it; after a few failures the rest goes
        # invoice by invoice, each in its own savepoint.
        remaining = list(pending)
        for _attempt in range(BATCH_RENDER_RETRIES):
            if len(remaining) < 2:
                break
            pdfs = dict(rendered)
            html = dict(getattr(rendered, "html", None) or {})
            datas = {
                move: pending[move]._invoice_data(Send, move) for move in remaining
            }
            try:
                with self.env.cr.savepoint():
                    self._generate_batch_documents(Send, datas)
            except Exception as exc:  # that invoice fails alone, the rest again
                current = getattr(exc, BLAMED, None)
                rendered.clear()
                rendered.update(pdfs)
                if getattr(rendered, "html", None) is not None:
                    rendered.html.clear()
                    rendered.html.update(html)
                if current not in datas:
                    break  # not one invoice's: each in its own savepoint
                errors[current] = self._document_error(current, exc)
                remaining.remove(current)
                continue
            for move, invoice_data in datas.items():
                if invoice_data.get("error"):
                    errors[move] = Send._format_error_text(invoice_data["error"])
                else:
                    result[move] = pending[move]._collect_attachments(
                        move, invoice_data
                    )
            return result, errors
        pending = {move: pending[move] for move in remaining}
        for move, delivery in pending.items():
            invoice_data = delivery._invoice_data(Send, move)
            try:
                with self.env.cr.savepoint():
                    self._generate_invoice_documents(Send, move, invoice_data)
            except Exception as exc:  # one invoice never stalls the rest
                errors[move] = self._document_error(move, exc)
                continue
            result[move] = delivery._collect_attachments(move, invoice_data)
        return result, errors

    @api.model
    def _document_error(self, move, exc):
        """The reason an invoice's documents could not be made, from *exc*."""
        if isinstance(exc, UserError):
            return str(exc.args[0])
        _logger.warning(
            "E-mail distribution: documents of %s could not be rendered",
            move.display_name,
            exc_info=True,
        )
        return f"{type(exc).__name__}: {exc}"

    @api.model
    def _generate_batch_documents(self, send, invoices_data):
        """A batch's documents through Odoo's engine in one call (structured
        formats built for the batch, documents linked at once).  An invoice
        the engine reports an error for keeps it in its ``invoice_data`` and
        gets nothing linked; an exception raised for one invoice names it
        (see ``account.move.send``)."""
        was_sent = {move: move.is_move_sent for move in invoices_data}
        send._generate_invoice_documents(invoices_data)
        for move, sent in was_sent.items():
            # Rendering is not sending: is_move_sent is set when the invoice
            # reached someone (see _settle).
            if move.is_move_sent != sent:
                move.is_move_sent = sent

    @api.model
    def _generate_invoice_documents(self, send, move, invoice_data):
        """The invoice's documents through Odoo's engine; raises on error."""
        self._generate_batch_documents(send, {move: invoice_data})
        if invoice_data.get("error"):
            raise UserError(send._format_error_text(invoice_data["error"]))

    def _prepare_other_documents(self):
        """The PDF of each other document (its model's report), rendered
        once per document in its own savepoint: ``({document: attachment},
        errors)``."""
        Attachment = self.env["ir.attachment"].sudo()
        result = {}
        errors = {}
        rendered = self._render_other_pdfs_in_parallel()
        Report = self.env["ir.actions.report"].with_context(aed_rendered_pdfs=rendered)
        for delivery in self:
            document = delivery._document()
            if not document:
                errors[document] = self.env._("The document no longer exists.")
                continue
            if document in result or document in errors:
                continue
            if not document._email_distribution_can_send():
                # Cancelled or reset to draft since it was queued.
                errors[document] = self.env._(
                    "None of these documents can be sent yet."
                )
                continue
            try:
                with self.env.cr.savepoint():
                    report = document._email_distribution_report()
                    content, _kind = Report.with_company(
                        document.company_id
                    )._render_qweb_pdf(report.report_name, document.ids)
                    result[document] = Attachment.create(
                        {
                            "name": delivery._document_pdf_name(document),
                            "raw": content,
                            "res_model": document._name,
                            "res_id": document.id,
                            "mimetype": "application/pdf",
                        }
                    )
            except UserError as err:
                errors[document] = str(err.args[0])
            except Exception as exc:  # one document never stalls the rest
                _logger.warning(
                    "E-mail distribution: the PDF of %s could not be rendered",
                    document.display_name,
                    exc_info=True,
                )
                errors[document] = f"{type(exc).__name__}: {exc}"
        return result, errors

    def _render_other_pdfs_in_parallel(self):
        """:meth:`_render_pdfs_in_parallel` for other documents: each one's
        wkhtmltopdf call is recorded in a rolled-back savepoint, the calls
        run concurrently; the real pass picks the PDFs up."""
        documents = {}
        for delivery in self:
            document = delivery._document()
            if document:
                documents.setdefault(document, delivery)
        if len(documents) < 2:
            return RenderedCalls()
        collected = CollectedCalls()
        Report = self.env["ir.actions.report"].with_context(
            aed_collect_pdf_calls=collected
        )
        for document in documents:
            try:
                with self.env.cr.savepoint():
                    report = document._email_distribution_report()
                    Report.with_company(document.company_id)._pre_render_qweb_pdf(
                        report.report_name, res_ids=document.ids
                    )
            except PdfCallCollected:
                continue
            except Exception:  # the real pass meets it and reports it
                _logger.debug("collect pass of %s failed", document.display_name)
                continue
        self.env.invalidate_all()
        return self.env["ir.actions.report"]._aed_render_collected(collected)

    def _document_pdf_name(self, document):
        """The file name Odoo gives the report's PDF (its print name)."""
        report = document._email_distribution_report()
        name = report.name
        if report.print_report_name:
            name = safe_eval(
                report.print_report_name, {"object": document, "time": time}
            )
        return f"{name}.pdf"

    def _document_template(self):
        """The mail template of this delivery's e-mail."""
        self.ensure_one()
        if self.move_id:
            return self.env.ref(
                "account_email_distribution.mail_template_invoice",
                raise_if_not_found=False,
            )
        document = self._document()
        return document._email_distribution_template() if document else False

    def _invoice_data(self, send, move):
        return {
            "pdf_report": send._get_default_pdf_report_id(move),
            "sending_methods": set(),
            "extra_edis": set(),
            "invoice_edi_format": self._edi_format(),
            "author_user_id": self.env.user.id,
            "author_partner_id": self.env.user.partner_id.id,
        }

    @api.model
    def _render_pdfs_in_parallel(self, pending):
        """Record the wkhtmltopdf call of each invoice without a PDF, run them.

        For each invoice, the engine's own PDF step (``_pre_render_qweb_pdf``
        of its report, as ``account.move.send._prepare_invoice_pdf_report``
        calls it) runs until its wkhtmltopdf call is recorded, in one
        savepoint rolled back after the last invoice (as Odoo's engine
        renders a batch: one cache, not one cold start per invoice).
        Returns the rendered PDFs keyed by call, and the HTML, for the real
        pass to pick up.
        """
        to_render = {
            move: delivery
            for move, delivery in pending.items()
            if not move.invoice_pdf_report_id
        }
        if len(to_render) < 2:
            return RenderedCalls()
        collected = CollectedCalls()
        html = KeptHtml()
        Send = self.env["account.move.send"]
        Report = self.env["ir.actions.report"].with_context(
            aed_collect_pdf_calls=collected, aed_collect_html=html
        )
        collect = self.env.cr.savepoint()
        try:
            # The invoices' lines, read for the batch at once (as Odoo's engine
            # reads them for a batch), not invoice by invoice by QWeb.
            moves = self.env["account.move"].sudo().union(*to_render)
            moves.invoice_line_ids.mapped("display_type")
            moves.line_ids.mapped("tax_ids")
            for move in to_render:
                report = Send._get_default_pdf_report_id(move)
                kept = set(html)
                # No savepoint per invoice: rendering up to the recorded call
                # writes nothing, and whatever an invoice that fails leaves
                # behind is rolled back with the whole pass; at worst the
                # invoices after it are rendered by the real pass, alone.
                try:
                    Report.with_company(move.company_id)._pre_render_qweb_pdf(
                        report.report_name, res_ids=move.ids
                    )
                except PdfCallCollected:
                    continue
                except Exception:  # the real pass meets it and reports it
                    _logger.debug("collect pass of %s failed", move.display_name)
                    for key in set(html) - kept:
                        del html[key]
                    continue
        finally:
            # Nothing of the collect pass stays, in the database or the cache.
            collect.close(rollback=True)
        self.env.invalidate_all()
        return self.env["ir.actions.report"]._aed_render_collected(collected, html)

    def _edi_format(self):
        """The ``invoice_edi_format`` of ``account_edi_ubl_cii`` for this format.

        The XML itself is always built by Odoo's own generators, through the
        invoice sending engine's document hooks; None means a plain PDF.
        """
        return EDI_FORMATS.get(self.format)

    def _collect_attachments(self, move, invoice_data):  # pylint: disable=unused-argument
        """What the mail carries, named as Odoo names the invoice documents.

        Factur-X is the PDF itself (Odoo embeds the CII XML in it); XRechnung
        is the UBL XML alone (Odoo embeds the PDF in it). *invoice_data* is
        what the sending engine produced, for modules that add a format.
        """
        if self.format == "xrechnung":
            return move.ubl_cii_xml_id
        if self.format == "pdf_ubl":
            return move.invoice_pdf_report_id | move.ubl_cii_xml_id
        return move.invoice_pdf_report_id

    def _check_before_send(self, attachments, template):
        """Internal reasons not to send, as a message, or None."""
        self.ensure_one()
        if not template:
            return self.env._(
                "The e-mail template of e-mail distribution is missing; "
                "reinstall or update the module."
            )
        if not attachments:
            if not self.move_id:
                return self.env._("The document's PDF could not be rendered.")
            return self.env._("The invoice PDF could not be rendered.")
        limit = self.company_id.email_distribution_max_attachment_mb
        size = sum(attachments.sudo().mapped("file_size"))
        if limit and size > limit * 1024 * 1024:
            return self.env._(
                "The attachments are %(size).1f MB, more than the maximum of "
                "%(limit).1f MB set in the settings.",
                size=size / 1024 / 1024,
                limit=limit,
            )
        if not self._mail_server_configured():
            return self.env._("No outgoing mail server is configured.")
        return None

    def _mail_server_configured(self):
        """An outgoing mail server exists (checked once per hand-over batch)."""
        batch = self.env.context.get("aed_handover")
        if batch is not None and "server" in batch:
            return batch["server"]
        configured = bool(
            self.env["ir.mail_server"].sudo().search_count([])
            or config.get("smtp_server")
        )
        if batch is not None:
            batch["server"] = configured
        return configured

    def _email_from(self):
        return self.company_id._email_distribution_email_from()

    def _hand_to_mail_queue(self, run, documents, doc_errors):
        """Create the mail of each delivery, or fail it with the reason.

        Each delivery is isolated in a savepoint: whatever goes wrong with one
        (a broken template, a rendering error) fails that one with the reason
        and notifies its responsible user; the others go on.  What is the same
        for the whole batch is done once (see :meth:`_handover_batch`): the
        template is rendered for every invoice in one call, the mail server
        checked once, held addresses read once, the mails created in one call
        and the deliveries settled together.  A batch step that fails falls
        back to one delivery at a time, so one broken record still fails
        alone.
        """
        template = self.env.ref(
            "account_email_distribution.mail_template_invoice", raise_if_not_found=False
        )
        batch = self._handover_batch(template)
        # no_new_invoice: the chatter note carries the invoice's own PDF, which
        # account must not try to import into the (posted) invoice: it would
        # post "The invoice is not a draft..." each time (Odoo's own Send
        # posts with it too).
        deliveries = self.with_context(aed_handover=batch, no_new_invoice=True)
        queued = failed = 0
        for delivery in deliveries:
            attempt_no = delivery.attempt_count + 1
            try:
                with self.env.cr.savepoint():
                    reason = delivery._hand_one(run, documents, doc_errors, template)
            except Exception as exc:  # isolate one delivery
                reason = delivery._handover_error(exc)
            if reason:
                delivery._fail_internal(
                    reason, attempt_no, delivery._pending_recipients(), run
                )
                failed += 1
            elif reason is None:
                queued += 1
        handed, failures = deliveries._create_queued_mails()
        for entry, reason in failures:
            delivery = entry["delivery"]
            # The chatter note said it was handed over: it was not.
            self.env["mail.message"].sudo().browse(
                entry["vals"]["mail_message_id"]
            ).unlink()
            delivery._fail_internal(
                reason, entry["attempt_no"], entry["recipients"], entry["run"]
            )
            queued -= 1
            failed += 1
        handed._settle()
        return queued, failed

    def _handover_error(self, exc):
        """The reason a delivery could not be handed over, from *exc*."""
        _logger.warning(
            "E-mail distribution: delivery %s could not be handed to the mail queue",
            self.id,
            exc_info=True,
        )
        # Outside the _() call: Odoo's string extractor (babel) cannot
        # read an f-string among a translated call's arguments and
        # then skips every string of this file.
        error = (
            exc.args[0]
            if isinstance(exc, UserError) and exc.args
            else f"{type(exc).__name__}: {exc}"
        )
        return self.env._("The e-mail could not be prepared: %(error)s", error=error)

    def _handover_batch(self, template):
        """What the deliveries of one hand-over share, computed once.

        ``rendered``: the template rendered for all their invoices in one
        call (empty when that fails: each delivery then renders its own, in
        its savepoint); ``held``: the held-address flags of their recipients;
        ``mails``: the mails queued by :meth:`_queue_mail`, created together
        by :meth:`_create_queued_mails`.
        """
        batch = {"mails": [], "rendered": {}}
        moves = self.move_id
        if template and moves:
            try:
                with self.env.cr.savepoint():
                    rendered = template._generate_template(
                        moves.ids, ["subject", "body_html", "lang"]
                    )
                batch["rendered"] = {
                    (template.id, move_id): values
                    for move_id, values in rendered.items()
                }
            except Exception:  # each delivery renders alone and fails alone
                _logger.info(
                    "E-mail distribution: batch rendering failed, rendering one "
                    "invoice at a time",
                    exc_info=True,
                )
        emails = {
            address.lower()
            for delivery in self
            for address, _kind in delivery._pending_recipients()
        }
        flags = (
            self.env["email.distribution.address"]
            .sudo()
            .search(
                [
                    ("company_id", "in", self.company_id.ids),
                    ("email", "in", sorted(emails)),
                ]
            )
        )
        batch["held"] = {(flag.company_id.id, flag.email): flag for flag in flags}
        return batch

    def _render_mail(self, template, move):
        """Subject, body and language of the mail, rendered with the batch
        when it could be."""
        batch = self.env.context.get("aed_handover") or {}
        rendered = batch.get("rendered", {}).get((template.id, move.id))
        if rendered is None:
            rendered = template._generate_template(
                [move.id], ["subject", "body_html", "lang"]
            )[move.id]
        return rendered

    def _queue_mail(self, vals, token, attempt_no, recipients, run):
        """Create this delivery's mail, now or with its hand-over batch."""
        self.ensure_one()
        entry = {
            "delivery": self,
            "vals": vals,
            "token": token,
            "attempt_no": attempt_no,
            "recipients": recipients,
            "run": run,
        }
        batch = self.env.context.get("aed_handover")
        if batch is not None:
            batch["mails"].append(entry)
            return
        mail = self.env["mail.mail"].sudo().create(vals)
        self._mails_created([(entry, mail)])
        self._settle()

    def _create_queued_mails(self):
        """Create the mails of the batch in one call, or one by one (each in
        its savepoint) when that fails.

        Returns the deliveries handed over and ``[(entry, reason)]`` for the
        mails that could not be created.
        """
        entries = (self.env.context.get("aed_handover") or {}).get("mails") or []
        Mail = self.env["mail.mail"].sudo()
        created, failures = [], []
        if not entries:
            return self.browse(), failures
        try:
            with self.env.cr.savepoint():
                mails = Mail.create([entry["vals"] for entry in entries])
            created = list(zip(entries, mails, strict=True))
        except Exception:  # one by one: one broken mail fails alone
            for entry in entries:
                try:
                    with self.env.cr.savepoint():
                        created.append((entry, Mail.create(entry["vals"])))
                except Exception as exc:
                    failures.append((entry, entry["delivery"]._handover_error(exc)))
        self._mails_created(created)
        handed = self.browse([entry["delivery"].id for entry, _mail in created])
        return handed, failures

    @api.model
    def _mails_created(self, created):
        """Record each created mail on its delivery and sending-list lines;
        *created* is ``[(entry, mail)]`` (see :meth:`_queue_mail`)."""
        now = fields.Datetime.now()
        to_create = []
        for entry, mail in created:
            delivery, attempt_no = entry["delivery"], entry["attempt_no"]
            delivery.write(
                {
                    "mail_id": mail.id,
                    "mail_message_id": mail.message_id,
                    "attempt_count": attempt_no,
                    "run_id": entry["run"].id,
                    "next_attempt_date": False,
                }
            )
            delivery._new_attempt_lines(
                attempt_no, entry["recipients"], entry["run"], now, to_create
            )
        self.env["email.distribution.attempt"].create(to_create)
        for entry, mail in created:
            delivery, attempt_no = entry["delivery"], entry["attempt_no"]
            delivery.attempt_ids.filtered(
                lambda line, n=attempt_no: line.attempt_number == n
                and line.state == "queued"
            ).write(
                {
                    "mail_message_id": mail.message_id,
                    "correlation_token": entry["token"],
                }
            )

    def _hand_one(self, run, documents, doc_errors, template):
        """Create the mail of this delivery (with its batch's, see
        :meth:`_queue_mail`).

        Returns None when handed over, False when nobody is left to send to,
        or the reason not to send.
        """
        self.ensure_one()
        move = self._document()
        if not self.move_id:
            template = self._document_template()
        attempt_no = self.attempt_count + 1
        recipients = self._pending_recipients()
        reason = doc_errors.get(move) or self._check_before_send(
            documents.get(move), template
        )
        if not reason and not self._email_from():
            reason = self.env._(
                "No sender address: set the company e-mail or the sender "
                "address in the settings."
            )
        if not reason:
            reason = self._sender_refusal()
        if reason:
            return reason
        recipients = self._skip_unsafe(recipients, attempt_no, run)
        recipients = self._skip_held(recipients, attempt_no, run)
        if not recipients:
            # Every recipient left is held: nothing goes out, the lines say why.
            self.write({"attempt_count": attempt_no, "run_id": run.id})
            self._settle()
            return False
        rendered = self._render_mail(template, move)
        to = [address for address, kind in recipients if kind == "to"]
        cc = [address for address, kind in recipients if kind == "cc"]
        attachments = documents[move]
        # The chatter shows the e-mail itself, attachments included, as
        # Odoo's own Send logs it; the first line says where it went.
        header = (
            self.env._(
                "Invoice handed to the mail queue for %(to)s%(cc)s (attempt %(n)s).",
                to=", ".join(to),
                cc=self.env._(", in copy %(cc)s", cc=", ".join(cc)) if cc else "",
                n=attempt_no,
            )
            if self.move_id
            else self.env._(
                "Handed to the mail queue by e-mail distribution for "
                "%(to)s%(cc)s (attempt %(n)s).",
                to=", ".join(to),
                cc=self.env._(", in copy %(cc)s", cc=", ".join(cc)) if cc else "",
                n=attempt_no,
            )
        )
        note = move.message_post(
            body=Markup("<p>%s</p>%s")
            % (header, Markup(rendered.get("body_html") or "")),
            subject=rendered.get("subject"),
            attachment_ids=attachments.ids,
            subtype_xmlid="mail.mt_note",
            message_type="comment",
        )
        token = new_token()
        # The mail sends the chatter note itself (its subject, attachments
        # and Message-Id), as Odoo's own notifications do: once sent and
        # auto-deleted, only the mail goes, the note stays.
        self._queue_mail(
            {
                "mail_message_id": note.id,
                "is_notification": True,
                "headers": repr({TOKEN_HEADER: token}),
                "references": token_references(token),
                "body_html": rendered.get("body_html"),
                "email_from": self._email_from(),
                "reply_to": self.company_id.email_distribution_reply_to
                or self._email_from(),
                "email_to": ", ".join(to),
                "email_cc": ", ".join(cc),
                "auto_delete": True,
            },
            token,
            attempt_no,
            recipients,
            run,
        )
        return None

    def _pending_recipients(self):
        """(address, 'to'|'cc') that still need this invoice.

        The first attempt goes to every routed address; a retry only to the
        recipients whose own last line is a soft bounce (or still queued, after
        a stopped run): retries are per recipient, whatever happened to the
        others.
        """
        self.ensure_one()
        if not self.attempt_count:
            return [(a, "to") for a in split_stored(self.email_to)] + [
                (a, "cc") for a in split_stored(self.email_cc)
            ]
        return [
            (line.email, line.recipient_type)
            for line in self._open_lines()
            if line.state in ("soft_bounce", "queued")
        ]

    def _open_lines(self):
        """The latest sending-list line of each recipient: what is true now."""
        self.ensure_one()
        latest = {}
        for line in self.attempt_ids.filtered(lambda a: a.attempt_number >= 1):
            key = (line.email or "").lower()
            current = latest.get(key)
            if not current or (line.attempt_number, line.id) > (
                current.attempt_number,
                current.id,
            ):
                latest[key] = line
        return self.env["email.distribution.attempt"].union(*latest.values())

    def _skip_held(self, recipients, attempt_no, run):
        """Drop the recipients held since routing (a hard bounce or a block
        seen on another invoice); their lines say why.  Returns the others."""
        self.ensure_one()
        batch_flags = (self.env.context.get("aed_handover") or {}).get("held")
        if batch_flags is not None:
            company = self.company_id.id
            held = {
                address.lower(): batch_flags[company, address.lower()]
                for address, _kind in recipients
                if (company, address.lower()) in batch_flags
            }
        else:
            flags = (
                self.env["email.distribution.address"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", self.company_id.id),
                        ("email", "in", [a.lower() for a, _kind in recipients]),
                    ]
                )
            )
            held = {flag.email: flag for flag in flags}
        if not held:
            return recipients
        now = fields.Datetime.now()
        skipped = [(a, kind) for a, kind in recipients if a.lower() in held]
        self._new_attempt_lines(attempt_no, skipped, run, now)
        for address, _kind in skipped:
            flag = held[address.lower()]
            line = self.attempt_ids.filtered(
                lambda a, n=attempt_no, e=address: a.attempt_number == n
                and a.email == e
            )
            line._apply_event(
                flag.state,
                {
                    "message": self.env._(
                        "Not sent, the address is held: %(reason)s",
                        reason=flag._hold_reason(),
                    ),
                    "remedy": self._hold_remedy(flag.state),
                    "date_done": now,
                },
            )
        return [(a, kind) for a, kind in recipients if a.lower() not in held]

    def _sender_refusal(self):
        """Send-time gate for From and Reply-To: the last check before a
        ``mail.mail`` is created, whatever is stored in the settings."""
        company = self.company_id
        for label, address in (
            (
                self.env._("Sender address"),
                company.email_distribution_sender_email or company.email,
            ),
            (self.env._("Reply-To address"), company.email_distribution_reply_to),
        ):
            reason = address and address_refusal(self.env, address)
            if reason:
                return self.env._(
                    "%(field)s refused: %(reason)s", field=label, reason=reason
                )
        reason = display_name_refusal(
            self.env, company.email_distribution_sender_name or company.name
        )
        if reason:
            return self.env._("Sender name refused: %(reason)s", reason=reason)
        return None

    def _skip_unsafe(self, recipients, attempt_no, run):
        """Send-time gate for To and Cc: a recipient the core validator refuses
        (or that carries an encoded word) never reaches a header; its line
        fails with the reason.  Returns the others."""
        self.ensure_one()
        refused = {}
        for address, _kind in recipients:
            reason = address_refusal(self.env, address)
            if reason:
                refused[address] = reason
        if not refused:
            return recipients
        now = fields.Datetime.now()
        self._new_attempt_lines(
            attempt_no, [(a, k) for a, k in recipients if a in refused], run, now
        )
        for address, reason in refused.items():
            line = self.attempt_ids.filtered(
                lambda a, n=attempt_no, e=address: a.attempt_number == n
                and a.email == e
            )
            line._apply_event(
                "failed",
                {
                    "message": self.env._(
                        "Not sent, the address is refused: %(reason)s", reason=reason
                    ),
                    "remedy": self.env._(
                        "Correct the address in the directory or on the invoice, "
                        "then resend."
                    ),
                    "date_done": now,
                },
            )
        return [(a, kind) for a, kind in recipients if a not in refused]

    def _hold_remedy(self, state):
        if state == "blocked":
            return self.env._(
                "Ask the customer to allow the sender address, then have a manager "
                "unblock the address under Held Addresses and resend."
            )
        return self.env._(
            "Confirm the address with the customer, correct it or clear the hold "
            "under Held Addresses, then resend."
        )

    def _attempt_line_vals(self, attempt_no, recipients, now, run=None):
        """Values of the queued sending-list lines of one attempt."""
        self.ensure_one()
        return [
            {
                "delivery_id": self.id,
                "attempt_number": attempt_no,
                "email": address,
                "recipient_type": kind,
                "state": "queued",
                "run_id": run.id if run else False,
                "date_queued": now,
            }
            for address, kind in recipients
        ]

    def _new_attempt_lines(self, attempt_no, recipients, run, now, to_create=None):
        """Queue the lines of an attempt, reusing those queued at posting.

        With *to_create*, the values of missing lines are added to it, for
        the caller to create with a batch's."""
        self.ensure_one()
        lines = self.attempt_ids.filtered(
            lambda line: line.attempt_number == attempt_no and line.state == "queued"
        )
        by_email = {line.email: line for line in lines}
        for address in by_email.keys() & {address for address, _kind in recipients}:
            by_email[address].write({"run_id": run.id, "date_queued": now})
        missing = [(a, kind) for a, kind in recipients if a not in by_email]
        vals_list = self._attempt_line_vals(attempt_no, missing, now, run)
        if to_create is not None:
            to_create += vals_list
        else:
            self.env["email.distribution.attempt"].create(vals_list)

    def _fail_internal(self, reason, attempt_no, recipients, run):
        """An internal failure before sending: nothing goes out."""
        self.ensure_one()
        now = fields.Datetime.now()
        todo = self._internal_remedy()
        self.write(
            {
                "attempt_count": attempt_no,
                "run_id": run.id,
                "next_attempt_date": False,
                "mail_id": False,
            }
        )
        self._new_attempt_lines(attempt_no, recipients, run, now)
        lines = self.attempt_ids.filtered(
            lambda line: line.attempt_number == attempt_no and line.state == "queued"
        )
        lines._apply_event(
            "failed", {"message": reason, "remedy": todo, "date_done": now}
        )
        if not lines:
            # Nobody to write it on (no recipient left): the delivery says it.
            self.write({"state": "failed", "message": reason, "remedy": todo})
            self._notify_responsible(reason, todo)
            return
        self._settle()

    # ------------------------------------------------------------------
    # SMTP outcome
    # ------------------------------------------------------------------

    def _record_smtp_outcome(self, refused=None, error=None, failure=None):
        """Write what happened to each recipient of the last attempt.

        *refused* maps addresses to (code, text) as smtplib reports them;
        *error* is an SMTP or connection error that hit every recipient;
        *failure* is an internal reason (no SMTP answer) that failed them all.
        """
        now = fields.Datetime.now()
        refused = {address.lower(): reply for address, reply in (refused or {}).items()}
        # The funnel: users read deliveries, the module writes them.
        for delivery in self.sudo():
            lines = delivery.attempt_ids._current().filtered(
                lambda line: line.state == "queued"
            )
            for line in lines:
                reply = refused.get(line.email.lower())
                if failure:
                    line._apply_event(
                        "failed",
                        {
                            "message": failure,
                            "remedy": self._internal_remedy(),
                            "date_done": now,
                        },
                    )
                    continue
                if error is not None:
                    outcome = classify_smtp_reply(None, error)
                elif reply:
                    outcome = classify_smtp_reply(*reply)
                else:
                    line._apply_event("sent", {"message": False, "date_done": now})
                    continue
                line._apply_event(
                    outcome.state,
                    {
                        "message": outcome.message,
                        "status_code": outcome.status,
                        "reply_code": outcome.reply_code,
                        "remedy": outcome.remedy.translate(self.env._),
                        "date_done": now,
                    },
                )
            delivery._settle()

    @api.model
    def _process_bounce(self, email_message, message_dict, raw=None):
        """Apply a bounce that came through the mail gateway to its delivery.

        The delivery is found by the Message-Id of the mail we sent, as the
        bounce quotes it; a bounce naming no mail of ours (unrelated or forged)
        changes nothing, and the same bounce received twice is applied once
        (by its Message-Id, or by its content when it has none).  *raw* are
        the bytes received: the parsed message is re-serialised only when they
        are not available.
        """
        if raw is None:
            raw = email_message.as_bytes()
        result = classify_message(raw)
        Bounce = self.env["email.distribution.bounce"]
        kind = result.kind if result.kind in ("failure", "delay") else "other"
        quoted = set(message_dict.get("bounced_msg_ids") or [])
        if result.original_message_id:
            quoted.add(result.original_message_id)
        tokens = tokens_in(raw)
        if self._process_check_bounce(message_dict, quoted, tokens, kind):
            return False
        Attempt = self.env["email.distribution.attempt"].sudo()
        lines = (
            Attempt.search([("mail_message_id", "in", list(quoted))])
            if quoted
            else Attempt
        )
        matched_by = "message_id"
        if not lines and tokens:
            # The relay rewrote the Message-Id (e.g. Amazon SES): our token
            # came back in the returned headers.
            lines = Attempt.search([("correlation_token", "in", list(tokens))])
            matched_by = "token"
        if not lines:
            _logger.info(
                "Bounce %s names no e-mail distribution mail; ignored",
                message_dict.get("message_id"),
            )
            Bounce._log(
                message_dict,
                {
                    "matched_by": "none",
                    "kind": kind,
                    "note": self.env._(
                        "It quotes no Message-Id and no correlation token of a "
                        "distributed mail: another mail's bounce, or forged."
                    ),
                },
            )
            return False
        log_vals = {
            "company_id": lines[:1].delivery_id.company_id.id,
            "delivery_id": lines[:1].delivery_id.id,
            "matched_by": matched_by,
            "kind": kind,
        }
        bounce_id = self._bounce_key(email_message, message_dict, raw)
        if bounce_id and Attempt.search_count([("bounce_message_id", "=", bounce_id)]):
            _logger.info("Bounce %s already applied; ignored", bounce_id)
            Bounce._log(
                message_dict, dict(log_vals, note=self.env._("Already applied."))
            )
            return False
        if result.kind == "delay":
            for delivery in lines.delivery_id.filtered(lambda d: d._document()):
                delivery._document()._message_log(
                    body=self.env._(
                        "E-mail delivery delayed, the receiving server keeps "
                        "trying: %(diagnostic)s",
                        diagnostic=result.diagnostic,
                    )
                    if result.diagnostic
                    else self.env._(
                        "E-mail delivery delayed, the receiving server keeps trying."
                    )
                )
            Bounce._log(
                message_dict,
                dict(log_vals, note=self.env._("Delay notice: nothing to retry.")),
            )
            return False
        if not result.is_bounce:
            Bounce._log(message_dict, dict(log_vals, note=self.env._("Not a failure.")))
            return False
        touched, failures = self._apply_bounce(lines, result, bounce_id)
        for delivery in touched.delivery_id:
            mine = touched.filtered(lambda line, d=delivery: line.delivery_id == d)
            for line in mine:
                failure = failures[line]
                if failure.holds_address:
                    self.env["email.distribution.address"]._flag(
                        delivery.company_id,
                        line.email,
                        line.state,
                        line.message,
                        line.status_code,
                        delivery,
                    )
                elif line.state == "blocked":
                    # Our sender, server or message was refused: a problem of
                    # the whole company, not of the customer's address.
                    delivery.company_id._email_distribution_notify_admins(
                        failure.reason, line.message, line.remedy
                    )
            delivery._settle()
        Bounce._log(
            message_dict,
            dict(
                log_vals,
                note=self.env._(
                    "Applied to %(count)s recipient(s): %(addresses)s",
                    count=len(touched),
                    addresses=", ".join(touched.mapped("email")),
                )
                if touched
                else self.env._("Names none of the mail's recipients."),
            ),
        )
        return bool(touched)

    @api.model
    def _apply_bounce(self, lines, result, bounce_id):
        """Apply each failed recipient of *result* to its line (funnel).

        Returns the lines that changed and the failure applied to each.
        """
        Attempt = self.env["email.distribution.attempt"].sudo()
        now = fields.Datetime.now()
        by_address = {}
        for failure in result.recipients:
            for address in (
                failure.address,
                failure.original_recipient,
                failure.final_recipient,
            ):
                if address:
                    by_address.setdefault(address.lower(), failure)
        if not by_address and result.unattributed and len(lines) == 1:
            by_address[(lines.email or "").lower()] = result.unattributed
        touched = Attempt
        failures = {}
        for line in lines:
            failure = by_address.get((line.email or "").lower())
            if not failure or line.state in ("cancelled", "no_route"):
                continue
            state = STATE_BY_CATEGORY[failure.category]
            message = failure.diagnostic or ""
            prefix = " ".join(
                code
                for code in (failure.reply_code, failure.status)
                if code and code not in message
            )
            message = f"{prefix} {message}".strip()
            reason = REASONS.get(failure.reason)
            applied = line._apply_event(
                state,
                {
                    "message": message,
                    "status_code": failure.status,
                    "reply_code": failure.reply_code,
                    "reason": self.env._(reason.label) if reason else False,
                    "remedy": failure.remedy.translate(self.env._),
                    "bounce_message_id": bounce_id,
                    "date_done": now,
                },
            )
            if applied:
                touched |= line
                failures[line] = failure
            elif bounce_id and not line.bounce_message_id:
                # Less severe than what the line already says: remember it only.
                line.bounce_message_id = bounce_id
        return touched, failures

    @api.model
    def _process_check_bounce(self, message_dict, quoted, tokens, kind):
        """A bounce of the settings' bounce-path check: record how it came."""
        if not quoted and not tokens:
            return False
        Check = self.env["email.distribution.bounce.check"].sudo()
        by_id = (
            Check.search([("mail_message_id", "in", list(quoted))]) if quoted else Check
        )
        checks = by_id or (
            Check.search([("token", "in", list(tokens))]) if tokens else Check
        )
        if not checks:
            return False
        matched_by = "message_id" if by_id else "token"
        log = self.env["email.distribution.bounce"]._log(
            message_dict,
            {
                "company_id": checks[:1].company_id.id,
                "matched_by": matched_by,
                "kind": kind,
                "check_id": checks[:1].id,
                "note": self.env._("Bounce of the bounce-path check."),
            },
        )
        checks._arrived(log, matched_by)
        return True

    @api.model
    def _bounce_key(self, email_message, message_dict, raw):
        """What identifies a bounce: its Message-Id or, without one (Odoo
        then makes up a new one each time), a digest of its content."""
        if email_message.get("Message-Id"):
            return message_dict.get("message_id") or False
        body = raw.split(b"\r\n\r\n", 1) if b"\r\n\r\n" in raw else None
        body = body[1] if body else raw.split(b"\n\n", 1)[-1]
        return "<sha256-%s@email-distribution>" % hashlib.sha256(body).hexdigest()

    def _internal_remedy(self):
        return self.env._(
            "Fix the cause, then resend the invoice from the invoice or the "
            "sending list."
        )

    def _settle(self):
        """Settle each of these deliveries (see :meth:`_settle_one`): a
        hand-over settles its batch at once, reading their lines together."""
        for delivery in self:
            delivery._settle_one()

    def _settle_one(self):
        """Derive the delivery state from its recipients' open lines.

        The state is the worst open state (blocked > hard > failed > soft >
        queued > sent); while a mail is in flight nothing else changes.  Once
        none is, soft-bounced recipients are retried after the delay (each of
        them, whatever happened to the others) or, after the last attempt,
        fail.  Nothing else writes a delivery's state.
        """
        self.ensure_one()
        if self.state == "cancelled":
            return
        lines = self._open_lines()
        if not lines:
            return
        vals = {}
        in_flight = "queued" in lines.mapped("state")
        if not in_flight:
            if self.mail_id:
                self.env.cr.precommit.data.setdefault(SETTLED_MAILS, set()).add(
                    self.mail_id.id
                )
            vals.update(mail_id=False, next_attempt_date=False)
            soft = lines.filtered(lambda line: line.state == "soft_bounce")
            company = self.company_id
            if soft and self.attempt_count < company.email_distribution_retry_max:
                delay = company.email_distribution_retry_delay * 2 ** (
                    self.attempt_count - 1
                )
                vals["next_attempt_date"] = fields.Datetime.now() + timedelta(
                    minutes=delay
                )
                self._trigger_sending(at=vals["next_attempt_date"])
                when = format_datetime(
                    self.env,
                    vals["next_attempt_date"],
                    tz=self.user_id.tz or self.env.user.tz,
                    dt_format="short",
                )
                note = self.env._("Retried automatically at %(when)s.", when=when)
                for line in soft:
                    line.remedy = f"{line.remedy}\n{note}" if line.remedy else note
            elif soft:
                for line in soft:
                    line._apply_event(
                        "failed",
                        {
                            "message": self.env._(
                                "Soft bounce after %(count)s attempts: %(message)s",
                                count=self.attempt_count,
                                message=line.message,
                            )
                        },
                    )
        states = set(lines.mapped("state"))
        worst = next(state for state in SEVERITY if state in states)
        worst_line = lines.filtered(lambda line: line.state == worst)[:1]
        vals.update(
            state=worst,
            message=worst_line.message or False,
            remedy=worst_line.remedy or False,
        )
        if worst == "sent" and not self.sent_date:
            vals["sent_date"] = fields.Datetime.now()
        reached = "sent" in states
        vals["reached"] = reached
        self.write(vals)
        self._sync_is_move_sent()
        if reached:
            self._resolve_failures()
        if not in_flight and self.state in ("hard_bounce", "blocked", "failed"):
            self._notify_responsible(self.message, self.remedy)
        if batch_tokens(self.env) is None:
            # Settled outside a mail batch (a bounce, a connection failure):
            # a mail batch wakes its runs once at its end instead.
            self.run_id._wake_when_settled()

    def _sync_is_move_sent(self):
        """Keep Odoo's ``is_move_sent`` meaning "it reached someone": set when
        a recipient accepted it, unset again when every recipient of every
        delivery of the invoice bounced after all (unless Odoo's own Send had
        set it before any delivery reached anyone).  Other documents keep
        the flag their model names (a payment's ``is_sent``) the same way."""
        document = self._document()
        field = document and document._email_distribution_sent_field()
        if not field:
            return
        if self.reached:
            if not document[field]:
                document[field] = True
                self.marked_move_sent = True
            return
        deliveries = document.email_distribution_delivery_ids
        if not any(deliveries.mapped("reached")) and any(
            deliveries.mapped("marked_move_sent")
        ):
            document[field] = False
            deliveries.marked_move_sent = False

    def _notify_responsible(self, reason, todo):
        """A chatter note, and one open to-do activity per invoice at most:
        a later failure of the same invoice updates it instead of adding
        another; a later success marks it done (see _resolve_failures)."""
        self.ensure_one()
        self._notify_responsibles({self: (reason, todo)})

    @api.model
    def _notify_responsibles(self, reasons):
        """:meth:`_notify_responsible` for many deliveries at once (e.g. the
        invoices of a posting that have no route): *reasons* maps deliveries
        to ``(reason, what to do)``.  One read of the open to-dos, one
        activity create and one batch of notes per document model."""
        by_model = {}
        for delivery, (reason, todo) in reasons.items():
            document = delivery._document()
            if document:
                by_model.setdefault(document._name, []).append(
                    (delivery, document, reason, todo)
                )
        summary = self.env._("E-mail delivery failed")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        notified = self.browse()
        for model, rows in by_model.items():
            documents = (
                self.env[model]
                .sudo()
                .browse(dict.fromkeys(document.id for _d, document, _r, _t in rows))
            )
            open_activities = {}
            for activity in documents._email_distribution_open_activities():
                open_activities.setdefault(activity.res_id, activity)
            new_activities = []
            scheduled = {}  # document id: index in new_activities
            bodies = {}
            for delivery, document, reason, todo in rows:
                note = delivery._failure_note(reason, todo)
                # The note is HTML: escaped, so that "<ap@x.example>" in a
                # server's answer is shown, not dropped as a tag.
                note_html = plaintext2html(note)
                activity = open_activities.get(document.id)
                if activity:
                    activity.note = note_html
                elif document.id in scheduled:
                    new_activities[scheduled[document.id]]["note"] = note_html
                else:
                    user = (
                        delivery.user_id
                        or document._email_distribution_responsible()
                        or delivery._fallback_responsible()
                    )
                    new_activities.append(
                        {
                            "activity_type_id": todo_type.id,
                            "summary": summary,
                            "automated": True,
                            "note": note_html,
                            "date_deadline": fields.Date.context_today(self),
                            "res_model_id": self.env["ir.model"]._get(model).id,
                            "res_id": document.id,
                            "user_id": user.id,
                        }
                    )
                    scheduled[document.id] = len(new_activities) - 1
                bodies[document.id] = (
                    f"{bodies[document.id]}\n{note}" if document.id in bodies else note
                )
                notified |= delivery
            if new_activities and not self.env.context.get(
                "mail_activity_automation_skip"
            ):
                self.env["mail.activity"].sudo().create(new_activities)
            documents._message_log_batch(
                {res_id: plaintext2html(body) for res_id, body in bodies.items()}
            )
        notified.sudo().notified = True

    def _fallback_responsible(self):
        """The current user when internal; else (a payment made online, as
        the portal or public user) an accounting manager of the company."""
        self.ensure_one()
        if self.env.user._is_internal():
            return self.env.user
        managers = self.env.ref("account.group_account_manager").sudo().users
        return managers.filtered(
            lambda user: self.company_id in user.company_ids and user._is_internal()
        )[:1] or self.env.ref("base.user_admin", raise_if_not_found=False)

    def _failure_note(self, reason, todo):
        self.ensure_one()
        if self.email_to:
            note = self.env._(
                "%(invoice)s could not be delivered to %(to)s: %(reason)s",
                invoice=self.name,
                to=self.email_to,
                reason=reason,
            )
        else:
            note = self.env._(
                "%(invoice)s could not be delivered: %(reason)s",
                invoice=self.name,
                reason=reason,
            )
        if todo:
            note += "\n" + self.env._("What to do: %(remedy)s", remedy=todo)
        return note

    def _resolve_failures(self):
        """A success resolves the failures it makes obsolete.

        Earlier failures to an address that has now received the invoice, and,
        once this delivery reached every recipient, every earlier failure of
        the invoice, leave the Failed view; the invoice's open "E-mail
        delivery failed" activity is then marked done.
        """
        self.ensure_one()
        open_lines = self._open_lines()
        sent = {
            (line.email or "").lower() for line in open_lines if line.state == "sent"
        }
        delivered = self.state == "sent"
        Attempt = self.env["email.distribution.attempt"].sudo()
        # The invoice's only delivery, each of its lines still the open one
        # (a first attempt): nothing earlier to resolve, no search.  The
        # invoice's deliveries are read for its state anyway.
        nothing_earlier = (
            self.move_id
            and self.move_id.email_distribution_delivery_ids == self
            and self.attempt_ids == open_lines
        )
        failures = (
            Attempt
            if nothing_earlier
            else Attempt.search(
                [
                    ("delivery_id.res_model", "=", self.res_model),
                    ("delivery_id.res_id", "=", self.res_id),
                    ("state", "in", list(FAILURE_STATES)),
                    ("resolved", "=", False),
                    ("id", "not in", open_lines.ids),
                ]
            )
        )
        failures.filtered(
            lambda line: delivered or (line.email or "").lower() in sent
        ).write({"resolved": True})
        # A failure to-do is only ever opened with a failure line that stays
        # unresolved until now: without one there is no to-do to look for.
        if delivered and (failures or self.notified):
            activities = self._document()._email_distribution_open_activities()
            if activities:
                activities.action_feedback(
                    feedback=self.env._(
                        "Delivered to %(to)s.",
                        to=", ".join(a for a in (self.email_to, self.email_cc) if a),
                    )
                )
