# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from odoo import api, models
from odoo.tools.misc import format_datetime

from ..distribution.addresses import format_addresses
from ..distribution.routing import RoutingSettings, route_document
from .account_move import DISTRIBUTED_TYPES
from .ir_actions_report import BLAMED, RenderedCalls, aed_context


@contextmanager
def _blame(send, *invoices):
    """Tag an exception raised for one invoice of the distribution's batch
    with that invoice (see ``_prepare_documents`` of the delivery)."""
    try:
        yield
    except Exception as exc:
        if (
            len(invoices) == 1
            and aed_context(send.env, "aed_rendered_pdfs", RenderedCalls) is not None
            and not hasattr(exc, BLAMED)
        ):
            setattr(exc, BLAMED, invoices[0])
        raise


class AccountMoveSend(models.AbstractModel):
    """One e-mail channel: Odoo's *Send* e-mails distributed invoices through
    e-mail distribution.

    A customer invoice or credit note of a company with e-mail distribution on
    is *distributed*.  For those, the ``email`` sending method of the Send
    wizard, the batch wizard and its cron is carried out by e-mail
    distribution (routing, directory, formats, sending list, states) and never
    by Odoo's own mail; every other method (download, post, Peppol…) runs as in
    Odoo.  The rule, per invoice:

    - a delivery queued or waiting for a retry: nothing more is e-mailed;
    - a delivery already sent: nothing more is e-mailed, unless the user asked
      to send again in the Send wizard, then a new delivery is queued;
    - otherwise (none yet, or the last one failed, bounced, was blocked,
      cancelled or had no route): a new delivery is queued.

    Every decision is written in the invoice's chatter.
    """

    _inherit = "account.move.send"

    @api.model
    def _link_invoice_documents(self, invoices_data):
        """When the distribution renders (its sending cron), rendering is not
        sending: Odoo's engine leaves the Sent flag alone, the distribution
        sets it once the invoice reached someone.  Spares the account.move
        write setting it and the one undoing it."""
        if aed_context(self.env, "aed_rendered_pdfs", RenderedCalls) is not None:
            invoices_data = {
                invoice.with_context(aed_keep_is_move_sent=True): data
                for invoice, data in invoices_data.items()
            }
        return super()._link_invoice_documents(invoices_data)

    # The distribution's sending cron gives the engine a whole batch in one
    # call (structured formats built for the batch, documents linked at
    # once); an error raised for one invoice names it, so that the cron takes
    # that invoice out and runs the batch again without it.

    @api.model
    def _hook_invoice_document_before_pdf_report_render(self, invoice, invoice_data):
        with _blame(self, invoice):
            return super()._hook_invoice_document_before_pdf_report_render(
                invoice, invoice_data
            )

    @api.model
    def _hook_invoice_document_after_pdf_report_render(self, invoice, invoice_data):
        with _blame(self, invoice):
            return super()._hook_invoice_document_after_pdf_report_render(
                invoice, invoice_data
            )

    @api.model
    def _prepare_invoice_pdf_report(self, invoices_data):
        """In the distribution's cron, one invoice per call: its PDF was
        rendered by the parallel pass as a one-document call, and is picked
        up by that call (see ``ir.actions.report``)."""
        in_cron = aed_context(self.env, "aed_rendered_pdfs", RenderedCalls)
        if in_cron is None or len(invoices_data) < 2:
            with _blame(self, *invoices_data):
                return super()._prepare_invoice_pdf_report(invoices_data)
        for invoice, invoice_data in invoices_data.items():
            with _blame(self, invoice):
                super()._prepare_invoice_pdf_report({invoice: invoice_data})
        return None

    # ------------------------------------------------------------------
    # Defaults and sending methods
    # ------------------------------------------------------------------

    @api.model
    def _get_default_sending_method(self, move):
        # Set while queuing from Send: the user chose e-mail, so routing that
        # skips customers whose own method is not e-mail must not drop it.
        return self.env.context.get(
            "email_distribution_sending_method"
        ) or super()._get_default_sending_method(move)

    @api.model
    def _get_default_sending_settings(self, move, from_cron=False, **custom_settings):
        vals = super()._get_default_sending_settings(
            move, from_cron=from_cron, **custom_settings
        )
        vals["email_distribution_resend"] = bool(
            custom_settings.get("email_distribution_resend")
        )
        return vals

    @api.model
    def _is_applicable_to_move(self, method, move, **move_data):
        # The distribution finds the addresses (document or directory), not
        # the wizard's "To": a directory customer needs no e-mail on file.
        if method == "email" and self._email_distribution_applies(move):
            return True
        return super()._is_applicable_to_move(method, move, **move_data)

    # ------------------------------------------------------------------
    # Alerts
    # ------------------------------------------------------------------

    @api.model
    def _get_alerts(self, moves, moves_data):
        alerts = super()._get_alerts(moves, moves_data)
        distributed = moves.filtered(self._email_distribution_applies)
        if not distributed:
            return alerts
        if alerts.get("account_missing_email"):
            partners = (
                (moves - distributed)
                .filtered(
                    lambda m: "email" in (moves_data[m]["sending_methods"] or ())
                    and not m.partner_id.email
                )
                .partner_id
            )
            if partners:
                alerts["account_missing_email"]["action"] = (
                    partners._get_records_action(
                        name=self.env._("Check Partner(s) Email(s)")
                    )
                )
            else:
                del alerts["account_missing_email"]
        by_email = distributed.filtered(
            lambda m: "email" in (moves_data[m]["sending_methods"] or ())
        )
        if len(moves) == 1:
            alert = self._email_distribution_move_alert(moves, bool(by_email))
        else:
            alert = self._email_distribution_batch_alert(by_email)
        if alert:
            alerts["account_email_distribution"] = alert
        return alerts

    @api.model
    def _email_distribution_move_alert(self, move, by_email):
        """What e-mail distribution does with one invoice, for the Send wizard."""
        delivery, status = self._email_distribution_status(move)
        if status == "in_progress":
            message = self.env._(
                "E-mail distribution is delivering this invoice to %(to)s: it "
                "is not e-mailed a second time.",
                to=self._email_distribution_recipients_text(delivery),
            )
            return {"level": "info", "message": message}
        if status == "sent":
            message = self.env._(
                "E-mail distribution delivered this invoice to %(to)s on "
                "%(date)s: it is not e-mailed again unless you tick “Send "
                "Again by E-mail Distribution”.",
                to=self._email_distribution_recipients_text(delivery),
                date=format_datetime(self.env, delivery.sent_date),
            )
            route = by_email and self._email_distribution_preview_route(move)
            if route and route.ok:
                message = "%s %s" % (
                    message,
                    self._email_distribution_route_text(route, again=True),
                )
            return {"level": "info", "message": message}
        if not by_email:
            return None
        route = self._email_distribution_preview_route(move)
        if not route.ok:
            return {
                "level": "warning",
                "message": self.env._(
                    "E-mail distribution cannot send this invoice: %(reason)s",
                    reason=route.reason.translate(self.env._),
                ),
            }
        return {"level": "info", "message": self._email_distribution_route_text(route)}

    @api.model
    def _email_distribution_batch_alert(self, moves):
        if not moves:
            return None
        statuses = [self._email_distribution_status(move)[1] for move in moves]
        skipped = sum(1 for status in statuses if status in ("in_progress", "sent"))
        message = self.env._(
            "%(count)s invoice(s) are e-mailed by e-mail distribution, to the "
            "address in the invoice or in the recipient directory.",
            count=len(moves) - skipped,
        )
        if skipped:
            message = "%s %s" % (
                message,
                self.env._(
                    "%(count)s invoice(s) already delivered or being delivered "
                    "are not e-mailed again.",
                    count=skipped,
                ),
            )
        return {"level": "info", "message": message}

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    @api.model
    def _hook_if_success(self, moves_data):
        """E-mail distributed invoices by e-mail distribution, the rest as Odoo."""
        distributed = {
            move: move_data
            for move, move_data in moves_data.items()
            if "email" in (move_data.get("sending_methods") or ())
            and self._email_distribution_applies(move)
        }
        if not distributed:
            return super()._hook_if_success(moves_data)
        without_email = {
            move: {
                **move_data,
                "sending_methods": set(move_data["sending_methods"]) - {"email"},
            }
            for move, move_data in distributed.items()
        }
        result = super()._hook_if_success(
            {move: without_email.get(move, data) for move, data in moves_data.items()}
        )
        for move, move_data in without_email.items():
            # Errors other methods (Peppol…) reported reach the engine.
            distributed[move].update(
                {k: v for k, v in move_data.items() if k != "sending_methods"}
            )
        self._email_distribution_send(distributed)
        return result

    @api.model
    def _email_distribution_send(self, moves_data):
        """Queue a delivery for each invoice that needs one (see the rule)."""
        to_route = self.env["account.move"]
        for move, move_data in moves_data.items():
            delivery, status = self._email_distribution_status(move)
            if status == "in_progress":
                move._message_log(
                    body=self.env._(
                        "Send by e-mail: e-mail distribution is already "
                        "delivering this invoice to %(to)s; not e-mailed a "
                        "second time.",
                        to=self._email_distribution_recipients_text(delivery),
                    )
                )
            elif status == "sent" and not move_data.get("email_distribution_resend"):
                move._message_log(
                    body=self.env._(
                        "Send by e-mail: e-mail distribution already delivered "
                        "this invoice to %(to)s; not e-mailed again.",
                        to=self._email_distribution_recipients_text(delivery),
                    )
                )
            else:
                to_route |= move
        if not to_route:
            return self.env["email.distribution.delivery"]
        deliveries = to_route.with_context(
            email_distribution_sending_method="email"
        )._email_distribution_route()
        for delivery in deliveries.filtered(lambda d: d.state == "queued"):
            delivery.move_id._message_log(
                body=self.env._(
                    "Send by e-mail: handed to e-mail distribution for %(to)s.",
                    to=self._email_distribution_recipients_text(delivery),
                )
            )
        return deliveries

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _email_distribution_applies(self, move):
        return (
            move.move_type in DISTRIBUTED_TYPES
            and move.company_id.email_distribution_enabled
        )

    @api.model
    def _email_distribution_status(self, move):
        """``(delivery, status)``: ``in_progress``, ``sent`` or ``none``.

        Any sent delivery counts, so that a later cancelled resend does not
        make the invoice look never delivered.
        """
        deliveries = move.sudo().email_distribution_delivery_ids.sorted("id")
        active = deliveries.filtered(
            lambda d: d.state in ("queued", "soft_bounce") or d.next_attempt_date
        )
        if active:
            return active[-1], "in_progress"
        sent = deliveries.filtered(lambda d: d.state == "sent")
        if sent:
            return sent[-1], "sent"
        return deliveries[-1:], "none"

    @api.model
    def _email_distribution_preview_route(self, move):
        """Where a delivery queued now would go, without queuing it."""
        company = move.company_id
        number = move.commercial_partner_id.ref
        directory = self.env["email.distribution.recipient"]._directory_for(
            company, {number} if number else set(), "invoice"
        )
        held = self.env["email.distribution.recipient"]._held_addresses(company)
        return route_document(
            RoutingSettings(
                enabled=True,
                use_document_address=company.email_distribution_use_document_address,
                use_directory=company.email_distribution_use_directory,
            ),
            move.email_distribution_address,
            number,
            directory.get((company.id, number)),
            held.get(company.id, {}),
        )

    @api.model
    def _email_distribution_route_text(self, route, again=False):
        sources = {
            "document": self.env._("the address in the invoice"),
            "directory": self.env._("the recipient directory"),
        }
        values = {
            "to": format_addresses(route.to),
            "origin": sources.get(route.source, route.source),
        }
        if again:
            text = self.env._(
                "Sent again, it goes to %(to)s (from %(origin)s).", **values
            )
        else:
            text = self.env._(
                "E-mail distribution will send this invoice to %(to)s (from "
                "%(origin)s).",
                **values,
            )
        if route.cc:
            text = "%s %s" % (
                text,
                self.env._("In copy: %(cc)s.", cc=format_addresses(route.cc)),
            )
        if route.held:
            text = "%s %s" % (
                text,
                self.env._(
                    "Skipped: %(held)s.",
                    held="; ".join(f"{a} ({why})" for a, why in route.held),
                ),
            )
        return text

    @api.model
    def _email_distribution_recipients_text(self, delivery):
        if delivery.email_cc:
            return self.env._(
                "%(to)s, in copy %(cc)s", to=delivery.email_to, cc=delivery.email_cc
            )
        return delivery.email_to or "-"
