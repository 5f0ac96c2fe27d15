# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Incoming bounces as the administrator sees them, and the bounce-path check.

Relays rewrite what Odoo relies on to match a bounce: Google Workspace and
Microsoft 365 replace the Return-Path with the authenticated mailbox (the
bounce lands in the sender's mailbox, not at Odoo's bounce address), Amazon
SES replaces the Message-Id.  Every distributed mail therefore also carries a
random correlation token of ours (an ``X-Odoo-Distribution`` header and a
``References`` entry), which MTAs return with the original headers; a bounce
is matched by the Message-Id it quotes or by the token, whichever mailbox
Odoo fetched it from.  Each bounce that reaches the module is logged here
with how it arrived and how (or why not) it was matched.
"""

import re
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

TOKEN_HEADER = "X-Odoo-Distribution"
TOKEN_DOMAIN = "distribution.invalid"
_TOKEN = re.compile(rb"aed-([0-9a-f]{20})\b")
# A token sits in the returned headers; read no more than this of a bounce.
_TOKEN_SCAN_LIMIT = 1024 * 1024
CHECK_TIMEOUT_MINUTES = 10
CHECK_DOMAIN = "bounce-check.invalid"

CHECK_STATES = [
    ("waiting", "Waiting for the bounce"),
    ("ok", "Bounces reach Odoo"),
    ("rewritten", "Bounces reach Odoo (Message-Id rewritten)"),
    ("no_bounce", "No bounce arrived"),
    ("refused", "Refused at once"),
]
ARRIVALS = [
    ("bounce_alias", "Bounce address"),
    ("catchall", "Catchall address"),
    ("other", "Another mailbox"),
]


def new_token():
    """A random correlation token (80 bits: unguessable, so unforgeable)."""
    return f"aed-{secrets.token_hex(10)}"


def tokens_in(raw):
    """The correlation tokens a returned message quotes."""
    return {f"aed-{m.decode()}" for m in _TOKEN.findall(raw[:_TOKEN_SCAN_LIMIT])}


def token_references(token):
    return f"<{token}@{TOKEN_DOMAIN}>"


class EmailDistributionBounce(models.Model):
    """One incoming bounce the module read, matched or not."""

    _name = "email.distribution.bounce"
    _description = "E-mail Distribution Incoming Bounce"
    _order = "id desc"
    _rec_name = "subject"

    date = fields.Datetime(default=fields.Datetime.now, readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    message_id = fields.Char(string="Bounce Message-Id", readonly=True, index=True)
    subject = fields.Char(readonly=True)
    email_from = fields.Char(string="From", readonly=True)
    email_to = fields.Char(string="Arrived At", readonly=True)
    arrival = fields.Selection(ARRIVALS, readonly=True)
    fetchmail_server_id = fields.Many2one(
        "fetchmail.server", string="Incoming Mail Server", readonly=True
    )
    matched_by = fields.Selection(
        [
            ("message_id", "Message-Id"),
            ("token", "Correlation token"),
            ("none", "Not matched"),
        ],
        readonly=True,
        required=True,
        default="none",
    )
    kind = fields.Selection(
        [
            ("failure", "Failure"),
            ("delay", "Delay"),
            ("other", "Not a failure"),
        ],
        readonly=True,
    )
    delivery_id = fields.Many2one(
        "email.distribution.delivery", readonly=True, index=True
    )
    move_id = fields.Many2one(related="delivery_id.move_id")
    # Any document's name: an invoice's, a payment receipt's.
    document_name = fields.Char(related="delivery_id.name", string="Document")
    check_id = fields.Many2one("email.distribution.bounce.check", readonly=True)
    note = fields.Char(readonly=True)

    @api.model
    def _arrival(self, message_dict):
        """Which mailbox the bounce came through, from its To/Cc."""
        recipients = " ".join(
            filter(None, [message_dict.get("to"), message_dict.get("cc")])
        ).lower()
        domains = self.env["mail.alias.domain"].sudo().search([], limit=100)
        if any(d.bounce_email and d.bounce_email in recipients for d in domains):
            return "bounce_alias"
        if any(d.catchall_email and d.catchall_email in recipients for d in domains):
            return "catchall"
        return "other"

    @api.model
    def _log(self, message_dict, vals, fetchmail_server_id=None):
        return self.sudo().create(
            {
                "message_id": message_dict.get("message_id"),
                "subject": (message_dict.get("subject") or "")[:250],
                "email_from": (message_dict.get("email_from") or "")[:250],
                "email_to": (message_dict.get("to") or "")[:250],
                "arrival": self._arrival(message_dict),
                "fetchmail_server_id": fetchmail_server_id
                or self.env.context.get("email_distribution_fetchmail_server_id")
                or self.env.context.get("default_fetchmail_server_id"),
                **vals,
            }
        )


class EmailDistributionBounceCheck(models.Model):
    """Send a mail that must bounce and report how the bounce came back."""

    _name = "email.distribution.bounce.check"
    _description = "E-mail Distribution Bounce-Path Check"
    _order = "id desc"
    _rec_name = "date_sent"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    user_id = fields.Many2one("res.users", readonly=True)
    date_sent = fields.Datetime(readonly=True)
    date_arrived = fields.Datetime(readonly=True)
    token = fields.Char(readonly=True, index=True, copy=False)
    mail_message_id = fields.Char(readonly=True, index=True, copy=False)
    test_address = fields.Char(readonly=True)
    state = fields.Selection(CHECK_STATES, readonly=True, default="waiting")
    arrival = fields.Selection(ARRIVALS, readonly=True)
    result = fields.Text(readonly=True)

    # ------------------------------------------------------------------
    # Starting a check
    # ------------------------------------------------------------------

    @api.model
    def _start(self, company):
        """Send the check mail now through the configured outgoing server."""
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(
                self.env._("Only administrators can check the bounce path.")
            )
        if company not in self.env.user.company_ids:
            raise AccessError(self.env._("You cannot check another company."))
        sender = company._email_distribution_email_from()
        if not sender:
            raise UserError(
                self.env._(
                    "Set the sender address (or the company e-mail) first: the "
                    "check sends from the address invoices are sent from."
                )
            )
        token = new_token()
        check = self.sudo().create(
            {
                "company_id": company.id,
                "user_id": self.env.user.id,
                "token": token,
                "test_address": f"{token}@{CHECK_DOMAIN}",
            }
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "subject": self.env._("E-mail distribution bounce-path check"),
                    "body_html": self.env._(
                        "<p>This message is sent to an address that cannot "
                        "exist, so that it bounces: Odoo measures how the "
                        "bounce comes back.</p>"
                    ),
                    "email_from": sender,
                    "email_to": check.test_address,
                    "headers": repr({TOKEN_HEADER: token}),
                    "references": token_references(token),
                    "auto_delete": False,
                    "message_type": "email_outgoing",
                }
            )
        )
        check.write(
            {"mail_message_id": mail.message_id, "date_sent": fields.Datetime.now()}
        )
        mail.send(raise_exception=False)
        if mail.state == "exception":
            check.write(
                {
                    "state": "refused",
                    "result": self.env._(
                        "The outgoing mail server refused the check at once: "
                        "%(reason)s. Bounces cannot be measured this way; check "
                        "the outgoing mail server settings.",
                        reason=mail.failure_reason or mail.failure_type or "?",
                    ),
                }
            )
        else:
            check.result = self.env._(
                "Sent to %(address)s at %(time)s; waiting up to %(minutes)s "
                "minutes for the bounce.",
                address=check.test_address,
                time=fields.Datetime.to_string(check.date_sent),
                minutes=CHECK_TIMEOUT_MINUTES,
            )
            cron = self.env.ref(
                "account_email_distribution.ir_cron_bounce_check_timeout",
                raise_if_not_found=False,
            )
            if cron:
                cron.sudo()._trigger(
                    check.date_sent
                    + timedelta(minutes=CHECK_TIMEOUT_MINUTES, seconds=5)
                )
        return check

    # ------------------------------------------------------------------
    # Outcome
    # ------------------------------------------------------------------

    def _arrived(self, bounce, matched_by):
        """A bounce of this check came back (``bounce``: its log line)."""
        for check in self.filtered(lambda c: c.state in ("waiting", "no_bounce")):
            now = fields.Datetime.now()
            seconds = int((now - (check.date_sent or now)).total_seconds())
            where = {
                "bounce_alias": self.env._("via the bounce address %(address)s"),
                "catchall": self.env._("via the catchall address %(address)s"),
                "other": self.env._("via the mailbox %(address)s"),
            }[bounce.arrival or "other"] % {"address": bounce.email_to or "?"}
            if bounce.fetchmail_server_id:
                where += self.env._(
                    " (incoming mail server %(server)s)",
                    server=bounce.fetchmail_server_id.name,
                )
            if matched_by == "token":
                state = "rewritten"
                result = self.env._(
                    "A bounce arrived after %(seconds)s s %(where)s, but its "
                    "Message-Id was rewritten by the relay: bounces are matched "
                    "by the correlation token instead.",
                    seconds=seconds,
                    where=where,
                )
            else:
                state = "ok"
                result = self.env._(
                    "Bounces reach Odoo (%(seconds)s s, %(where)s).",
                    seconds=seconds,
                    where=where,
                )
            if bounce.arrival != "bounce_alias":
                result += " " + self.env._(
                    "Your relay rewrites the Return-Path: bounces come back to "
                    "the sender's mailbox, which Odoo must keep fetching."
                )
            check.write(
                {
                    "state": state,
                    "date_arrived": now,
                    "arrival": bounce.arrival,
                    "result": result,
                }
            )

    @api.model
    def _cron_timeout(self):
        limit = fields.Datetime.now() - timedelta(minutes=CHECK_TIMEOUT_MINUTES)
        late = self.search([("state", "=", "waiting"), ("date_sent", "<=", limit)])
        for check in late:
            sender = check.company_id._email_distribution_email_from() or "?"
            check.write(
                {
                    "state": "no_bounce",
                    "result": self.env._(
                        "No bounce arrived in %(minutes)s minutes: your relay "
                        "probably rewrites the Return-Path. Add an incoming mail "
                        "server for %(sender)s (the mailbox the relay bounces "
                        "to), or use a relay that keeps the Return-Path, then "
                        "check again.",
                        minutes=CHECK_TIMEOUT_MINUTES,
                        sender=sender,
                    ),
                }
            )
        return len(late)
