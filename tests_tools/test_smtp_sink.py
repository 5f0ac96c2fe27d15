"""The SMTP sink of the tests and the demo, over real SMTP on loopback."""

import importlib.util
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sink_module = _load("smtp_sink", ROOT / "tests" / "smtp_sink.py")


@pytest.fixture
def sink(tmp_path):
    returned = []
    sink = sink_module.SmtpSink(
        store_dir=tmp_path / "mail", deliver_dsn=returned.append, dsn_delay=0.1
    ).start()
    sink.returned = returned
    yield sink
    sink.stop()


def send(sink, *rcpts):
    message = EmailMessage()
    message["From"] = "Company Billing <invoices@company.example>"
    message["X-Odoo-Distribution"] = "aed-0123456789abcdef0123"
    message["To"] = ", ".join(rcpts)
    message["Subject"] = "Invoice INV/2026/0001"
    message["Message-Id"] = "<inv-1@company.example>"
    message.set_content("Please find attached your invoice.")
    with smtplib.SMTP("127.0.0.1", sink.port) as client:
        try:
            return client.send_message(
                message, from_addr="bounce@company.example", to_addrs=list(rcpts)
            )
        except smtplib.SMTPRecipientsRefused as err:
            return err.recipients


@pytest.mark.parametrize(
    "rcpt, code, status",
    [
        ("unknown@customer.example", 550, b"5.1.1"),
        ("Full.box@customer.example", 452, b"4.2.2"),
        ("spam@customer.example", 554, b"5.7.1"),
    ],
)
def test_reserved_local_parts_are_refused_like_real_receivers(sink, rcpt, code, status):
    refused = send(sink, rcpt)
    assert refused[rcpt][0] == code
    assert refused[rcpt][1].startswith(status)
    assert sink.messages == []


def test_plain_address_is_accepted_and_stored(sink, tmp_path):
    refused = send(sink, "ap@customer.example", "unknown@customer.example")
    assert list(refused) == ["unknown@customer.example"]
    assert len(sink.messages) == 1
    assert sink.messages[0]["rcpt_tos"] == ["ap@customer.example"]
    assert sink.messages[0]["mail_from"] == "bounce@company.example"
    stored = list((tmp_path / "mail").glob("*.eml"))
    assert len(stored) == 1
    assert b"Subject: Invoice INV/2026/0001" in stored[0].read_bytes()


def test_bounce_later_is_accepted_then_returns_a_real_dsn(sink):
    assert send(sink, "bounce-later@customer.example") == {}
    assert len(sink.messages) == 1
    for _ in range(50):
        if sink.returned:
            break
        time.sleep(0.05)
    assert len(sink.returned) == 1
    dsn = sink.returned[0]
    assert b"To: bounce@company.example" in dsn
    assert b"Final-Recipient: rfc822; bounce-later@customer.example" in dsn
    assert b"Status: 5.1.1" in dsn
    assert b"Message-Id: <inv-1@company.example>" in dsn


def test_dsn_is_classified_as_a_hard_bounce_of_the_recipient():
    from distribution.bounces import classify_message

    original = b"Message-Id: <inv-2@company.example>\r\nSubject: x\r\n\r\nbody\r\n"
    dsn = sink_module.build_dsn(
        original, "bounce-later@customer.example", "bounce@company.example"
    )
    result = classify_message(dsn)
    assert result.category == "hard"
    assert result.addresses == ["bounce-later@customer.example"]
    assert result.original_message_id == "<inv-2@company.example>"


def relay_sink(tmp_path, *modes, user=None):
    returned = []
    sink = sink_module.SmtpSink(
        deliver_dsn=returned.append, dsn_delay=0.01, relay=modes, relay_user=user
    ).start()
    sink.returned = returned
    return sink


def wait_for_dsn(sink):
    for _ in range(100):
        if sink.returned:
            return sink.returned[0]
        time.sleep(0.02)
    raise AssertionError("no DSN came back")


def test_invalid_domain_is_accepted_then_bounced_as_host_not_found(sink):
    assert send(sink, "check@bounce-check.invalid") == {}
    dsn = wait_for_dsn(sink)
    assert b"Status: 5.1.2" in dsn
    assert b"To: bounce@company.example" in dsn


def test_rewrite_return_path_bounces_to_the_authenticated_mailbox(tmp_path):
    sink = relay_sink(tmp_path, "rewrite-return-path")
    try:
        send(sink, "bounce-later@customer.example")
        dsn = wait_for_dsn(sink)
    finally:
        sink.stop()
    assert b"To: invoices@company.example" in dsn
    assert b"bounce@company.example" not in dsn
    assert b"Message-Id: <inv-1@company.example>" in dsn


def test_rewrite_return_path_uses_the_relay_user_when_given(tmp_path):
    sink = relay_sink(tmp_path, "rewrite-return-path", user="relay@gmail.example")
    try:
        send(sink, "bounce-later@customer.example")
        dsn = wait_for_dsn(sink)
    finally:
        sink.stop()
    assert b"To: relay@gmail.example" in dsn


def test_replace_message_id_quotes_the_relays_id_only(tmp_path):
    sink = relay_sink(tmp_path, "replace-message-id")
    try:
        send(sink, "bounce-later@customer.example")
        dsn = wait_for_dsn(sink)
    finally:
        sink.stop()
    assert b"inv-1@company.example" not in dsn
    assert b"X-Odoo-Distribution: aed-0123456789abcdef0123" in dsn
    delivered = sink.messages[0]["message"]
    assert delivered["Message-ID"] != "<inv-1@company.example>"


def test_strip_headers_drops_x_headers_from_delivery_and_dsn(tmp_path):
    sink = relay_sink(tmp_path, "strip-headers")
    try:
        send(sink, "bounce-later@customer.example")
        dsn = wait_for_dsn(sink)
    finally:
        sink.stop()
    assert b"X-Odoo-Distribution" not in dsn
    assert sink.messages[0]["message"]["X-Odoo-Distribution"] is None
    assert b"Message-Id: <inv-1@company.example>" in dsn


def test_unknown_relay_mode_is_refused():
    with pytest.raises(ValueError):
        sink_module.SmtpSink(relay=["teleport"])
