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
    message["From"] = "invoices@company.example"
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
