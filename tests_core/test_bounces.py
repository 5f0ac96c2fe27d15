"""Bounce parsing and classification against a labelled corpus of real bounces."""

import email
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from distribution import bounces
from distribution.bounces import (
    BLOCKED,
    HARD,
    NONE,
    SOFT,
    BounceResult,
    RecipientFailure,
    classify_message,
    classify_status,
    normalise_address,
    remedy,
)
from distribution.i18n import CoreMessage

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests_core" / "samples" / "bounces"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))[
    "samples"
]
FIELDS = (
    "kind",
    "is_bounce",
    "category",
    "recipients",
    "status",
    "original_message_id",
)

MIN_CATEGORY_AGREEMENT = 0.95
MIN_RECIPIENT_AGREEMENT = 0.97


def _read(name):
    return (SAMPLES / name).read_bytes()


def _observed(result):
    return {
        "kind": result.kind,
        "is_bounce": result.is_bounce,
        "category": result.category,
        "recipients": sorted(result.addresses),
        "status": result.status,
        "original_message_id": result.original_message_id,
    }


def _expected(label):
    expected = {field: label[field] for field in FIELDS}
    expected["recipients"] = sorted(label["recipients"])
    return expected


def _missed_fields(label):
    """Fields named by a ``known_miss`` ("recipients: why ...")."""
    if "known_miss" not in label:
        return set()
    return {label["known_miss"].split(":", 1)[0].strip()}


# --------------------------------------------------------------------------
# classify_status: the rules table of the module docstring
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reply_code", "diagnostic", "expected"),
    [
        # enhanced status codes alone
        ("5.1.1", "550", "", HARD),
        ("5.1.2", None, "", HARD),
        ("5.1.6", "550", "", HARD),
        ("5.1.10", "550", "", HARD),
        ("5.2.1", "550", "", HARD),
        ("5.2.2", "552", "", SOFT),
        ("5.2.3", "552", "", SOFT),
        ("5.3.4", "552", "", SOFT),
        ("5.4.7", None, "", SOFT),
        ("4.4.7", None, "", SOFT),
        ("5.4.4", None, "", HARD),
        ("4.2.2", "452", "", SOFT),
        ("4.7.1", "450", "", SOFT),
        ("5.7.1", "550", "", BLOCKED),
        ("5.7.26", "550", "", BLOCKED),
        # an unexplained permanent refusal is not blamed on the address (#10)
        ("5.0.0", "550", "", SOFT),
        ("5.0.0", None, "", SOFT),
        ("5.5.0", "550", "", SOFT),
        # reply codes alone, including the seed's own codes
        (None, "550", "", SOFT),
        (None, "553", "", HARD),  # RFC 5321: mailbox name not allowed
        (None, "554", "", SOFT),
        (None, "552", "", SOFT),
        (None, "421", "", SOFT),
        (None, "451", "", SOFT),
        (None, "602", "", SOFT),
        (None, "605", "", BLOCKED),
        (None, "607", "", BLOCKED),
        (None, None, "", SOFT),
        # the text names the reason: it beats the generic codes
        (None, "550", "Message rejected as spam", BLOCKED),
        (None, "550", "Email was blocked", BLOCKED),
        (
            "5.0.0",
            "550",
            "Client host [192.0.2.1] blocked using zen.spamhaus.org",
            BLOCKED,
        ),
        ("5.7.9", "554", "Message not accepted for policy reasons", BLOCKED),
        (None, "550", "rejected for policy reasons", BLOCKED),
        (None, "550", "Your IP is on our blocklist", BLOCKED),
        (None, "554", "poor sender reputation", BLOCKED),
        (None, "550", "recipient is not accepting mail from this sender", BLOCKED),
        ("5.0.0", None, "blocked after failed deliveries", BLOCKED),
        ("5.1.1", "550", "User unknown", HARD),
        (None, "550", "No such user here", HARD),
        (None, "550", "The email account that you tried to reach does not exist", HARD),
        ("5.0.0", "550", "Recipient address rejected: User unknown", HARD),
        ("5.3.0", "553", "No such user here", HARD),
        (None, "554", "This account has been disabled or discontinued", HARD),
        (None, None, "Host or domain name not found", HARD),
        (None, None, "unknown host", HARD),
        ("5.1.1", "550", "Requested action not taken: mailbox unavailable", HARD),
        (None, "550", "Requested action not taken: mailbox unavailable", HARD),
        ("5.2.2", "552", "Requested action not taken: mailbox unavailable", SOFT),
        (None, "450", "Requested action not taken: mailbox unavailable", SOFT),
        ("5.0.0", None, "recipient reached disk quota", SOFT),
        (None, "550", "User account is overquota", SOFT),
        (None, "552", "Mailbox full", SOFT),
        (None, None, "mailbox is full", SOFT),
        (None, "552", "Message size exceeds fixed maximum message size", SOFT),
        (None, "553", "Exceeded maximum inbound message size", SOFT),
        (None, None, "The recipient's inbox is out of storage space", SOFT),
        ("5.0.0", None, "Name service error: Host not found, try again", SOFT),
        (None, "451", "Temporary local problem, please try again later", SOFT),
        (
            "5.0.0",
            None,
            "connect to mx.example.com[192.0.2.1]:25: Connection timed out",
            SOFT,
        ),
        (None, "554", "Too many hops 26 (25 max)", SOFT),
        ("5.0.0", None, "Reason: Exceeded Maximum Delivery Attempts.", SOFT),
        ("4.7.1", "450", "Recipient address rejected: Greylisted", SOFT),
        # relaying refused is blocked (issue #10 definitions)
        ("5.7.1", "554", "<a@example.com>: Relay access denied", BLOCKED),
        ("5.7.1", None, "Unable to relay for a@example.com", BLOCKED),
        ("5.4.1", "550", "Recipient address rejected: Access denied", HARD),
        # codes embedded in free text are found
        ("smtp; 550 5.1.1 <a@example.com>", None, "", HARD),
        ("Status: 4.4.1 (no answer from host)", None, "", SOFT),
    ],
)
def test_classify_status(status, reply_code, diagnostic, expected):
    assert classify_status(status, reply_code, diagnostic) == expected


@pytest.mark.parametrize(
    ("category", "status", "reply_code", "diagnostic", "expected"),
    [
        (HARD, "5.1.1", "550", "", "Confirm the correct address with the customer"),
        (SOFT, "5.2.2", "552", "", "The customer's mailbox is full"),
        (SOFT, "5.2.3", None, "", "The message is too large"),
        (SOFT, None, "552", "", "The customer's mailbox is full"),
        (SOFT, None, "550", "account is overquota", "The customer's mailbox is full"),
        (SOFT, None, "602", "", "The recipient's mail server had a temporary problem"),
        (
            SOFT,
            "4.4.1",
            "421",
            "",
            "The recipient's mail server had a temporary problem",
        ),
        (
            BLOCKED,
            "5.7.1",
            "550",
            "",
            "The address refused our mail (spam or policy block)",
        ),
        (
            BLOCKED,
            None,
            "605",
            "",
            "The address refused our mail (spam or policy block)",
        ),
    ],
)
def test_remedy(category, status, reply_code, diagnostic, expected):
    advice = remedy(category, status, reply_code, diagnostic)
    assert isinstance(advice, CoreMessage)
    assert str(advice).startswith(expected)
    assert advice.translate(lambda text: text.upper()) == str(advice).upper()


@pytest.mark.parametrize("category", [NONE, "unknown", None])
def test_remedy_of_a_non_failure_is_none(category):
    assert remedy(category) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("rfc822; <John.Doe@Example.COM>", "john.doe@example.com"),
        ("rfc822;userx@example.com", "userx@example.com"),
        ("RFC822; <joem@example.com>", "joem@example.com"),
        ("<userx@example.com.dk>", "userx@example.com.dk"),
        ("SMTP:userx@example.com", "userx@example.com"),
        ("x400; /RFC-822=pr(a)allen-heath.com/ADMD= /C=WW/", None),
        ("unknown; nair_s", None),
        ("rfc822;userx@sims-ms-daemon", None),
        ("rfc822;david...@gmail.com", None),
        # RFC 5322 comment after the address, a trailing full stop
        ("rfc822; userx@example.com (Joe User)", "userx@example.com"),
        ("<userx@example.com>.", "userx@example.com"),
        # RFC 5321 quoted local part, kept with its quotes
        ('rfc822;"joe user"@example.com', '"joe user"@example.com'),
        # RFC 6533 section 3: utf-8 address type with \\x{HEX} escapes
        ("utf-8; j\\x{F6}rg+t\\x{2B}@example.com", "j\u00f6rg+t+@example.com"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_address(value, expected):
    assert normalise_address(value) == expected


# --------------------------------------------------------------------------
# The corpus: every sample against its expert label
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample(name):
    label = EXPECTED[name]
    observed = _observed(classify_message(_read(name)))
    expected = _expected(label)
    missed = _missed_fields(label)
    for field in FIELDS:
        if field in missed:
            # a known miss must stay a miss: fixing it means updating the label
            assert observed[field] != expected[field], f"{name}: known miss now passes"
        else:
            assert observed[field] == expected[field], f"{name}: {field}"


def test_corpus_agreement():
    """Aggregate figures over the whole corpus; known misses count as misses."""
    total = category_hits = recipient_hits = 0
    for name, label in EXPECTED.items():
        observed = _observed(classify_message(_read(name)))
        expected = _expected(label)
        known_miss = "known_miss" in label
        total += 1
        category_hits += (
            not known_miss
            and observed["kind"] == expected["kind"]
            and observed["category"] == expected["category"]
        )
        recipient_hits += (
            not known_miss and observed["recipients"] == expected["recipients"]
        )
    assert total >= 150
    assert category_hits / total >= MIN_CATEGORY_AGREEMENT
    assert recipient_hits / total >= MIN_RECIPIENT_AGREEMENT


def test_corpus_covers_every_kind_and_category():
    kinds = {label["kind"] for label in EXPECTED.values()}
    categories = {label["category"] for label in EXPECTED.values()}
    assert kinds == {"failure", "delay", "autoreply", "none"}
    assert categories == {HARD, SOFT, BLOCKED, NONE}
    on_disk = {
        str(path.relative_to(SAMPLES))
        for path in SAMPLES.glob("*/*")
        if path.suffix in (".txt", ".eml")
    }
    assert on_disk == set(EXPECTED)


# --------------------------------------------------------------------------
# Input forms and line ends
# --------------------------------------------------------------------------

LINE_END_SAMPLES = [
    "own/postfix_hard_user_unknown.eml",
    "own/o365_recipient_not_found.eml",
    "own/exim_hard_two_recipients.eml",
    "own/mdn_read_receipt.eml",
    "flufl/dsn_10.txt",
    "flufl/qmail_02.txt",
    "flufl/yahoo_10.txt",
]


@pytest.mark.parametrize("name", LINE_END_SAMPLES)
@pytest.mark.parametrize("line_end", [b"\r\n", b"\r"])
def test_crlf_and_bare_cr_give_the_same_result(name, line_end):
    raw = _read(name)
    assert b"\r" not in raw
    reference = classify_message(raw).to_dict()
    assert classify_message(raw.replace(b"\n", line_end)).to_dict() == reference


@pytest.mark.parametrize("name", LINE_END_SAMPLES)
def test_bytes_str_and_message_inputs_agree(name):
    raw = _read(name)
    reference = classify_message(raw).to_dict()
    assert (
        classify_message(raw.decode("latin-1")).to_dict()["recipients"]
        == (reference["recipients"])
    )
    assert classify_message(email.message_from_bytes(raw)).to_dict() == reference


def test_to_dict_shape():
    result = classify_message(_read("own/postfix_mailbox_full.eml"))
    data = result.to_dict(file="x.eml")
    assert set(data) == {
        "file",
        "is_bounce",
        "category",
        "recipients",
        "status",
        "reply_code",
        "diagnostic",
        "original_message_id",
        "kind",
        "reason",
        "scope",
        "stage",
        "remedy",
        "parser",
        "details",
    }
    assert data["file"] == "x.eml"
    assert data["is_bounce"] is True
    assert data["category"] == SOFT
    assert data["recipients"] == ["kirjanpito@tilitoimisto.example"]
    assert data["status"] == "5.2.2"
    assert data["reply_code"] == "552"
    assert data["diagnostic"].startswith("552 5.2.2 <kirjanpito@tilitoimisto.example>")
    assert data["details"][0]["action"] == "failed"
    assert (data["reason"], data["scope"]) == ("mailbox_full", "recipient")
    assert data["remedy"].startswith("The customer's mailbox is full")
    assert data["details"][0]["original_recipient"] == data["recipients"][0]
    json.dumps(data)


def test_delay_is_not_a_failure_but_names_its_recipient():
    result = classify_message(_read("own/postfix_delay_warning.eml"))
    # a delayed DSN is soft with kind "delay" (issue #10); never a bounce
    assert (result.kind, result.is_bounce, result.category) == ("delay", False, SOFT)
    assert result.addresses == ["factures@boulangerie-martin.example"]
    assert result.status == "4.4.1"
    assert result.recipients[0].action == "delayed"
    assert result.remedy is None


def test_multi_recipient_dsn_keeps_failed_recipients_only():
    result = classify_message(_read("own/mixed_failed_and_delivered.eml"))
    assert result.addresses == ["cfo@widget-works.example"]
    assert result.category == HARD


def test_most_severe_recipient_decides():
    soft = RecipientFailure(
        "a@example.com", SOFT, "4.4.1", "421", "timed out", "failed"
    )
    hard = RecipientFailure(
        "b@example.com", HARD, "5.1.1", "550", "user unknown", "failed"
    )
    blocked = RecipientFailure(
        "c@example.com", BLOCKED, "5.7.1", "554", "spam", "failed"
    )
    result = BounceResult(True, "failure", [soft, hard, blocked])
    assert (result.category, result.status, result.reply_code) == (
        BLOCKED,
        "5.7.1",
        "554",
    )
    assert result.diagnostic == "spam"
    assert BounceResult(True, "failure", [soft, hard]).category == HARD
    assert BounceResult(True, "failure", [soft]).category == SOFT
    assert BounceResult(False, "delay", [soft]).category == SOFT
    assert BounceResult(False, "autoreply").category == NONE


def test_failure_without_named_recipient_still_has_a_category():
    result = classify_message(_read("flufl/simple_42.txt"))
    assert result.addresses == []
    assert (result.category, result.status, result.reply_code) == (
        BLOCKED,
        "5.7.1",
        "550",
    )
    assert "unsolicited" in result.diagnostic
    assert "550-5.7.1 likely" not in result.diagnostic  # continuation codes folded


def test_diagnostic_is_one_trimmed_line():
    for name in EXPECTED:
        diagnostic = classify_message(_read(name)).diagnostic
        assert "\n" not in diagnostic
        assert diagnostic == diagnostic.strip()
        assert len(diagnostic) <= 1000


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage",
        "Subject: hello\n\njust a note",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=X\n\n"
        b"--X\nContent-Type: message/delivery-status\nContent-Transfer-Encoding: base64"
        b"\n\n!!!not base64\n--X--\n",
        b"Content-Type: text/plain; charset=utf-7\n\n+AGEAYgBj-\xff\xfe+",
        b"Content-Type: message/rfc822\n\n" * 200 + b"Subject: deep\n\nhi",
    ],
)
def test_odd_input_is_not_a_bounce(raw):
    result = classify_message(raw)
    assert result.kind == NONE
    assert result.to_dict()["category"] == NONE


def test_damaged_samples_never_raise():
    rnd = random.Random(20240312)
    for name in sorted(EXPECTED)[::3]:
        data = bytearray(_read(name))
        for _ in range(5):
            damaged = bytearray(data)
            for _ in range(rnd.randint(1, 40)):
                damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
            cut = rnd.randrange(1, len(damaged))
            classify_message(bytes(damaged[:cut])).to_dict()


def test_kinds_and_categories_are_exported():
    assert bounces.KINDS == ("failure", "delay", "autoreply", "none")
    assert set(bounces.CATEGORIES) == {HARD, SOFT, BLOCKED}


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def _run_cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "distribution", "classify-bounce", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        check=False,
        timeout=60,
    )


def test_cli_one_json_object_per_file():
    first = SAMPLES / "own/postfix_hard_user_unknown.eml"
    second = SAMPLES / "flufl/simple_03.txt"
    completed = _run_cli(str(first), str(second))
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.decode().splitlines()
    assert len(lines) == 2
    hard, delay = (json.loads(line) for line in lines)
    assert hard["file"] == str(first)
    assert (hard["is_bounce"], hard["category"]) == (True, HARD)
    assert hard["recipients"] == ["accounts.payable@nordwind.example"]
    assert hard["status"] == "5.1.1"
    assert hard["reply_code"] == "550"
    assert hard["original_message_id"].startswith("<171023124098.3321.")
    assert (delay["is_bounce"], delay["category"], delay["kind"]) == (
        False,
        SOFT,
        "delay",
    )


def test_cli_reads_stdin():
    completed = _run_cli("-", stdin=_read("own/gmail_address_not_found.eml"))
    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["file"] == "-"
    assert data["recipients"] == ["anna.virtanen@gmail.com"]
    assert data["category"] == HARD


def test_cli_unreadable_file_exits_2_and_continues(tmp_path):
    missing = tmp_path / "missing.eml"
    good = SAMPLES / "own/postfix_blocked_spamhaus.eml"
    completed = _run_cli(str(missing), str(good))
    assert completed.returncode == 2
    error, result = (
        json.loads(line) for line in completed.stdout.decode().splitlines()
    )
    assert error["file"] == str(missing)
    assert error["error"]
    assert result["category"] == BLOCKED
