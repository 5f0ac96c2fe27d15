# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import smtplib

from odoo import models

from .email_distribution_bounce import TOKEN_HEADER
from .mail_mail import batch_tokens


class _RecordingSession:
    """Delegates to an SMTP session and keeps what ``send_message`` returned.

    Odoo ignores the refused-recipients dict that smtplib returns when the
    relay accepts some recipients and refuses others; e-mail distribution
    needs it to tell each recipient's outcome.
    """

    def __init__(self, session):
        self._session = session
        self.refused = {}
        self.error = None

    def __getattr__(self, name):
        return getattr(self._session, name)

    def send_message(self, *args, **kwargs):
        try:
            self.refused = self._session.send_message(*args, **kwargs) or {}
        except smtplib.SMTPRecipientsRefused as exc:
            self.refused = dict(exc.recipients)
            raise
        except Exception as exc:
            # Every other error hits every recipient: a refused sender (a 421
            # to MAIL FROM, after which smtplib closes the session), refused
            # data, a dropped connection (SMTPServerDisconnected, which Odoo
            # re-raises without marking the mail), a timeout.
            self.error = exc
            raise
        return self.refused


class IrMailServer(models.Model):
    _inherit = "ir.mail_server"

    def send_email(self, message, *args, smtp_session=None, **kwargs):
        delivery = self.env["email.distribution.delivery"]
        token = message[TOKEN_HEADER]
        batch = batch_tokens(self.env) or {}
        if smtp_session is not None and token and token.strip() in batch:
            # Looked up with the rest of mail.mail._send's batch (each mail's
            # commit clears the cache: nothing is read ahead).
            delivery = delivery.sudo().browse(batch[token.strip()])
        elif smtp_session is not None and token:
            # By the delivery's own token, not the Message-Id: the mail sends
            # the invoice's chatter note, whose Message-Id a follower's
            # notification of that note shares.
            line = (
                self.env["email.distribution.attempt"]
                .sudo()
                .search(
                    [
                        ("correlation_token", "=", token.strip()),
                        ("delivery_id.mail_id", "!=", False),
                    ],
                    limit=1,
                )
            )
            # Only the current attempt's mail settles the delivery: an earlier
            # attempt's mail, retried from Odoo's mail queue, is sent as Odoo
            # sends any mail.
            delivery = line._current().delivery_id
        if not delivery:
            return super().send_email(
                message, *args, smtp_session=smtp_session, **kwargs
            )
        session = _RecordingSession(smtp_session)
        try:
            result = super().send_email(message, *args, smtp_session=session, **kwargs)
        except smtplib.SMTPServerDisconnected as exc:
            # Odoo's mail cron re-raises this one and leaves the mail as it
            # is: settle the delivery (soft, retried by the module) and take
            # the mail out of Odoo's queue so that it is not sent twice.
            mail = delivery.mail_id
            delivery._record_smtp_outcome(error=session.error or exc)
            # Odoo's mail cron stops its batch here: the mails after this one
            # go at its next pass, woken now rather than at its hourly one.
            delivery._trigger_mail_queue()
            mail.write(
                {
                    "state": "exception",
                    "failure_type": "mail_smtp",
                    "failure_reason": f"{type(exc).__name__}: {exc}",
                }
            )
            raise
        except Exception:
            if session.refused or session.error:
                delivery._record_smtp_outcome(
                    refused=session.refused, error=session.error
                )
            raise
        delivery._record_smtp_outcome(refused=session.refused)
        return result
