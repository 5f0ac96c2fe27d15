# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A real SMTP server on loopback: the Odoo tests' and the demo's mail sink.

One implementation (aiosmtpd) for both uses:

- the Odoo tests start :class:`SmtpSink` in-process and read what it received;
- ``tools/odoo_run serve`` runs this file as a program beside the demo Odoo
  (``python tests/smtp_sink.py --help``), storing every message as an ``.eml``
  file and printing a line per message.

It answers like real receivers do for reserved local parts (the part before
``@``, compared case-insensitively by prefix), so that every delivery state
can be produced live:

============  ========================================================
local part    answer
============  ========================================================
unknown…      ``550 5.1.1`` at RCPT: hard bounce
full…         ``452 4.2.2`` at RCPT: soft bounce (retried)
spam…         ``554 5.7.1`` at RCPT: blocked
bounce-later  accepted (``250``), then a real RFC 3464 DSN (``5.1.1``,
              user unknown) is returned to the envelope sender a few
              seconds later: a bounce arriving after acceptance
anything else accepted
============  ========================================================

Recipients on a ``.invalid`` domain (RFC 2606: never resolvable) are
accepted and then bounced with ``5.1.2`` (host not found), as a relay does:
the settings' bounce-path check sends to such an address.

Relay modes (``relay=…``, combinable) behave like the relays many Odoo users
send through, for the bounce-path tests:

``rewrite-return-path``
    Google Workspace / Microsoft 365: the envelope sender is replaced by the
    authenticated mailbox (``relay_user``), so the DSN goes there instead of
    to Odoo's bounce address.
``replace-message-id``
    Amazon SES: the message gets the relay's own Message-Id before delivery,
    so the DSN quotes that one, not Odoo's.
``strip-headers``
    The relay drops unknown ``X-`` headers from what it delivers and quotes.

The DSN goes to ``deliver_dsn(raw_bytes)`` when one is given (the demo posts
it to Odoo's mail gateway over XML-RPC, as Odoo's ``odoo-mailgate.py`` does);
otherwise it is kept in :attr:`SmtpSink.dsns` for a test to feed through
``message_process``.
"""

import argparse
import email
import email.policy
import email.utils
import logging
import socket
import sys
import threading
import time
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO level.
logging.getLogger("mail.log").setLevel(logging.WARNING)
_logger = logging.getLogger(__name__)

SINK_HOST = "sink.localhost"
REFUSALS = {
    "unknown": "550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown",
    "full": "452 4.2.2 <{rcpt}>: Mailbox full, try again later",
    "spam": "554 5.7.1 <{rcpt}>: Message rejected as spam by policy",
}
BOUNCE_LATER = "bounce-later"
RELAY_MODES = ("rewrite-return-path", "replace-message-id", "strip-headers")
NO_SUCH_DOMAIN_REPLY = (
    "550 5.1.2 <{rcpt}>: Recipient address rejected: Host or domain name not found"
)
LATE_BOUNCE_REPLY = (
    "550 5.1.1 <{rcpt}>: Recipient address rejected: "
    "User unknown in local recipient table"
)
DEMO_ADDRESSES = {
    "unknown@…": "refused at RCPT: 550 5.1.1 (hard bounce)",
    "full@…": "refused at RCPT: 452 4.2.2 (soft bounce, retried)",
    "spam@…": "refused at RCPT: 554 5.7.1 (blocked)",
    "bounce-later@…": "accepted, then a DSN 5.1.1 comes back (hard bounce)",
    "…@….invalid": "accepted, then a DSN 5.1.2 comes back (bounce-path check)",
}


def _local_part(address):
    return address.rsplit("@", 1)[0].lower()


def _relay_rewrite(raw, modes, host=SINK_HOST):
    """The message as a relay in ``modes`` delivers (and later quotes) it."""
    if not modes & {"replace-message-id", "strip-headers"}:
        return raw
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    newline = b"\r\n" if b"\r\n" in head else b"\n"
    lines = []
    for line in head.split(newline):
        name = line.split(b":", 1)[0].strip().lower()
        continued = line[:1] in (b" ", b"\t")
        if continued and lines and lines[-1] is None:
            continue
        if not continued and (
            ("replace-message-id" in modes and name == b"message-id")
            or ("strip-headers" in modes and name.startswith(b"x-"))
        ):
            lines.append(None)
            continue
        lines.append(line)
    lines = [line for line in lines if line is not None]
    if "replace-message-id" in modes:
        lines.insert(0, f"Message-ID: <{uuid.uuid4().hex}@{host}>".encode())
    return newline.join(lines) + sep + body


def build_dsn(original, rcpt, mail_from, reply=LATE_BOUNCE_REPLY, host=SINK_HOST):
    """An RFC 3464 delivery status notification, as Postfix writes one.

    ``original`` is the returned message (bytes); its header block is
    returned as ``text/rfc822-headers`` so that the receiver can match the
    bounce to the message it sent (Message-Id, References).
    """
    reply = reply.format(rcpt=rcpt)
    code, status = reply.split(" ", 2)[:2]
    headers = original.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    headers = headers.replace(b"\r\n", b"\n").decode("ascii", "replace")
    boundary = f"dsn-{uuid.uuid4().hex}"
    date = email.utils.formatdate(localtime=False)
    text = f"""\
From: Mail Delivery System <MAILER-DAEMON@{host}>
To: {mail_from}
Subject: Undelivered Mail Returned to Sender
Date: {date}
Message-ID: <{uuid.uuid4().hex}@{host}>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
 boundary="{boundary}"

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host {host}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{rcpt}>: host {host}[127.0.0.1] said: {reply} (in reply to RCPT TO
    command)

--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; {host}
Arrival-Date: {date}

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: {status}
Remote-MTA: dns; {host}
Diagnostic-Code: smtp; {reply}

--{boundary}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{headers}

--{boundary}--
"""
    assert code.isdigit()
    return text.replace("\n", "\r\n").encode("utf-8")


class SinkHandler:
    """aiosmtpd handler: refuses the reserved local parts, keeps the rest."""

    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, _server, _session, envelope, address, _rcpt_options):
        local = _local_part(address)
        for prefix, reply in REFUSALS.items():
            if local.startswith(prefix):
                self.sink.log(f"RCPT {address}: {reply.format(rcpt=address)}")
                return reply.format(rcpt=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        self.sink.received(
            envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
        )
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """Start/stop an aiosmtpd server on 127.0.0.1 and expose what it received.

    :param store_dir: folder where every accepted message is written as
        ``<n>-<recipient>.eml`` (None: kept in memory only)
    :param deliver_dsn: callable taking a DSN's bytes; None keeps DSNs in
        :attr:`dsns`
    :param dsn_delay: seconds between accepting a ``bounce-later`` message
        and returning its DSN (only with ``deliver_dsn``)
    """

    handler_class = SinkHandler

    def __init__(
        self,
        port=None,
        store_dir=None,
        deliver_dsn=None,
        dsn_delay=5.0,
        verbose=False,
        relay=(),
        relay_user=None,
    ):
        self.port = port or free_port()
        self.store_dir = Path(store_dir) if store_dir else None
        self.deliver_dsn = deliver_dsn
        self.dsn_delay = dsn_delay
        self.verbose = verbose
        unknown = set(relay) - set(RELAY_MODES)
        if unknown:
            raise ValueError(f"unknown relay modes: {sorted(unknown)}")
        self.relay = set(relay)
        self.relay_user = relay_user
        self.messages = []
        self.dsns = []
        self._count = 0
        self._lock = threading.Lock()
        self.handler = self.handler_class(self)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        if self.store_dir:
            self.store_dir.mkdir(parents=True, exist_ok=True)
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def log(self, line):
        if self.verbose:
            sys.stdout.write(f"[smtp-sink] {line}\n")
            sys.stdout.flush()

    def received(self, mail_from, rcpt_tos, raw):
        raw = _relay_rewrite(raw, self.relay)
        if "rewrite-return-path" in self.relay:
            # The relay bounces to the mailbox it authenticated, not to Odoo.
            message = email.message_from_bytes(raw, policy=email.policy.default)
            mail_from = (
                self.relay_user
                or email.utils.parseaddr(str(message.get("from", "")))[1]
            )
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            self._count += 1
            number = self._count
            self.messages.append(
                {"mail_from": mail_from, "rcpt_tos": rcpt_tos, "message": message}
            )
        stored = ""
        if self.store_dir:
            name = f"{number:05d}-{(rcpt_tos or ['none'])[0]}".replace("/", "_")
            path = self.store_dir / f"{name}.eml"
            path.write_bytes(raw)
            stored = f" -> {path}"
        self.log(
            f"250 accepted #{number} from <{mail_from}> to {', '.join(rcpt_tos)} "
            f"subject {str(message.get('subject', ''))!r}{stored}"
        )
        for rcpt in rcpt_tos:
            if rcpt.lower().endswith(".invalid"):
                self._bounce_later(raw, rcpt, mail_from, NO_SUCH_DOMAIN_REPLY)
            elif _local_part(rcpt).startswith(BOUNCE_LATER):
                self._bounce_later(raw, rcpt, mail_from)

    def _bounce_later(self, raw, rcpt, mail_from, reply=LATE_BOUNCE_REPLY):
        dsn = build_dsn(raw, rcpt, mail_from, reply)
        if self.deliver_dsn is None:
            self.dsns.append(dsn)
            return

        def deliver():
            try:
                self.deliver_dsn(dsn)
                self.log(f"DSN for <{rcpt}> returned to <{mail_from}>")
            except Exception as err:
                self.log(f"could not return the DSN for <{rcpt}>: {err}")

        timer = threading.Timer(self.dsn_delay, deliver)
        timer.daemon = True
        timer.start()

    def clear(self):
        self.messages.clear()
        self.dsns.clear()


def odoo_gateway(url, db, login, password):
    """A ``deliver_dsn`` that hands a DSN to Odoo's mail gateway (XML-RPC)."""
    import xmlrpc.client

    def deliver(raw):
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        uid = common.authenticate(db, login, password, {})
        models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
        models.execute_kw(
            db,
            uid,
            password,
            "mail.thread",
            "message_process",
            [False, xmlrpc.client.Binary(raw)],
            {},
        )

    return deliver


def main(argv=None):
    parser = argparse.ArgumentParser(description="SMTP sink on loopback (demo)")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--store", help="folder for the received .eml files")
    parser.add_argument("--odoo-url", help="Odoo to return DSNs to (XML-RPC)")
    parser.add_argument("--db")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--dsn-delay", type=float, default=5.0)
    parser.add_argument(
        "--relay",
        action="append",
        choices=RELAY_MODES,
        default=[],
        help="behave like a relay (repeatable)",
    )
    parser.add_argument("--relay-user", help="the mailbox a rewriting relay uses")
    args = parser.parse_args(argv)
    deliver = None
    if args.odoo_url:
        deliver = odoo_gateway(args.odoo_url, args.db, args.login, args.password)
    sink = SmtpSink(
        port=args.port,
        store_dir=args.store,
        deliver_dsn=deliver,
        dsn_delay=args.dsn_delay,
        verbose=True,
        relay=args.relay,
        relay_user=args.relay_user,
    ).start()
    sink.log(f"listening on 127.0.0.1:{sink.port}, storing in {args.store or '-'}")
    for address, what in DEMO_ADDRESSES.items():
        sink.log(f"  {address:<16} {what}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sink.log("stopped")
    finally:
        sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
