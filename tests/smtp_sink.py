# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A real SMTP server on loopback for end-to-end tests (aiosmtpd).

Recipients whose local part starts with ``unknown`` are refused at RCPT time
with ``550 5.1.1``, ``full`` with ``452 4.2.2``, ``spam`` with ``554 5.7.1``;
every accepted message is kept with its envelope.
"""

import email
import email.policy
import logging
import socket

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO level.
logging.getLogger("mail.log").setLevel(logging.WARNING)

REFUSALS = {
    "unknown": "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown",
    "full": "452 4.2.2 <{rcpt}>: Mailbox full, try again later",
    "spam": "554 5.7.1 <{rcpt}>: Message rejected as spam by policy",
}


class SinkHandler:
    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        for prefix, reply in REFUSALS.items():
            if address.lower().startswith(prefix):
                return reply.format(rcpt=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "message": email.message_from_bytes(
                    envelope.original_content, policy=email.policy.default
                ),
            }
        )
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """Start/stop an aiosmtpd server on 127.0.0.1 and expose what it received."""

    def __init__(self):
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def messages(self):
        return self.handler.messages
