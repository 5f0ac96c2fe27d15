# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextvars
import email
import email.policy
import logging
import xmlrpc.client

from odoo import api, models

_logger = logging.getLogger(__name__)

# The raw bytes of the message being processed, so that the bounce code never
# has to re-serialise a parsed message (which a deeply nested MIME structure
# turns into a RecursionError).
_RAW_MESSAGE = contextvars.ContextVar("email_distribution_raw_message", default=None)
# The incoming mail server that fetched it (Odoo passes it in the context of
# message_process, which the routing does not keep).
_FETCHMAIL_SERVER = contextvars.ContextVar(
    "email_distribution_fetchmail_server", default=None
)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_process(self, model, message, *args, **kwargs):
        raw = message
        if isinstance(raw, xmlrpc.client.Binary):
            raw = bytes(raw.data)
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        token = _RAW_MESSAGE.set(raw if isinstance(raw, bytes) else None)
        server = _FETCHMAIL_SERVER.set(
            self.env.context.get("default_fetchmail_server_id")
        )
        try:
            return super().message_process(model, message, *args, **kwargs)
        finally:
            _RAW_MESSAGE.reset(token)
            _FETCHMAIL_SERVER.reset(server)

    def _routing_handle_bounce(self, email_message, message_dict):
        """Let e-mail distribution read the bounce before Odoo's own handling."""
        self._email_distribution_read_bounce(email_message, message_dict)
        return super()._routing_handle_bounce(email_message, message_dict)

    @api.model
    def _detect_loop_headers(self, msg_dict):
        """A customer's Odoo refusing our mail (its mail gateway's notice,
        ``_routing_create_bounce_email``) refers to Odoo's loop-detection tag,
        so Odoo ignores it before any routing, bounce handling included.  It
        must not answer it, and does not; but the notice is the refusal of a
        distributed mail, which e-mail distribution reads (it never answers a
        bounce)."""
        looped = super()._detect_loop_headers(msg_dict)
        raw = _RAW_MESSAGE.get()
        if looped and msg_dict.get("is_bounce") and raw:
            self._email_distribution_read_bounce(
                email.message_from_bytes(raw, policy=email.policy.SMTP), msg_dict
            )
        return looped

    def _email_distribution_read_bounce(self, email_message, message_dict):
        """Isolated: whatever goes wrong in the module's bounce code is rolled
        back to a savepoint and logged, and Odoo's own handling goes on, so
        the module can never stop Odoo from processing an incoming mail (a
        fetched POP mail failing forever, an IMAP one lost).
        """
        try:
            with self.env.cr.savepoint():
                self.env["email.distribution.delivery"].sudo().with_context(
                    email_distribution_fetchmail_server_id=_FETCHMAIL_SERVER.get()
                )._process_bounce(email_message, message_dict, raw=_RAW_MESSAGE.get())
        except Exception:  # the module must never break Odoo's mail gateway
            _logger.warning(
                "E-mail distribution could not apply bounce %s; Odoo's own "
                "bounce handling goes on",
                message_dict.get("message_id"),
                exc_info=True,
            )
