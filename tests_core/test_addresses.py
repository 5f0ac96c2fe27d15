"""Address lists: splitting, validation, normalisation, header safety."""

import random

import pytest
from email_validator import EmailNotValidError, validate_email

from distribution import addresses
from distribution.addresses import (
    AddressError,
    check_addresses,
    format_addresses,
    normalize_address,
    parse_addresses,
    split_addresses,
)
from distribution.i18n import CoreMessage


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, []),
        ("", []),
        ("   ", []),
        ("a@x.fi", ["a@x.fi"]),
        ("a@x.fi b@x.fi", ["a@x.fi", "b@x.fi"]),
        ("a@x.fi    \t b@x.fi", ["a@x.fi", "b@x.fi"]),
        ("a@x.fi\r\nb@x.fi\nc@x.fi", ["a@x.fi", "b@x.fi", "c@x.fi"]),
        ("a@x.fi;b@x.fi", ["a@x.fi", "b@x.fi"]),
        ("a@x.fi,b@x.fi", ["a@x.fi", "b@x.fi"]),
        ("a@x.fi ; b@x.fi , c@x.fi", ["a@x.fi", "b@x.fi", "c@x.fi"]),
        ("a@x.fi; b@x.fi c@x.fi,d@x.fi", ["a@x.fi", "b@x.fi", "c@x.fi", "d@x.fi"]),
        (";a@x.fi", ["a@x.fi"]),
        ("a@x.fi;", ["a@x.fi"]),
        (" , a@x.fi , ", ["a@x.fi"]),
        (";", []),
        ("not an address", ["not", "an", "address"]),
    ],
)
def test_split_addresses(text, expected):
    assert split_addresses(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a@x.fi,,b@x.fi",
        "a@x.fi; ;b@x.fi",
        "a@x.fi , , b@x.fi",
        "a@x.fi;,b@x.fi",
        ",,a@x.fi",
        "a@x.fi;;",
        ";;",
    ],
)
def test_split_addresses_refuses_an_empty_element(text):
    with pytest.raises(AddressError) as info:
        split_addresses(text)
    assert str(info.value).startswith("Empty address between two separators")
    assert info.value.address == ""


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("a@x.fi", "a@x.fi"),
        ("  a@x.fi\t", "a@x.fi"),
        ("AP@Example.COM", "AP@example.com"),
        ("first.last+tag@Sub.Example.co.uk", "first.last+tag@sub.example.co.uk"),
        ("o'brien@x.fi", "o'brien@x.fi"),
        ("#b@example.com", "#b@example.com"),
        ("Postmaster@X.fi", "postmaster@x.fi"),
        ("a@xn--mnchen-3ya.de", "a@xn--mnchen-3ya.de"),
        ("a@XN--MNCHEN-3YA.DE", "a@xn--mnchen-3ya.de"),
        ("a=b?c%d@x.fi", "a=b?c%d@x.fi"),
        ("a%20b=3D@x.fi", "a%20b=3D@x.fi"),
        ("x" * 64 + "@" + "d" * 60 + ".fi", "x" * 64 + "@" + "d" * 60 + ".fi"),
    ],
)
def test_normalize_address(address, expected):
    assert normalize_address(address) == expected


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("x@", "There must be something after the @-sign."),
        ("@x.fi", "There must be something before the @-sign."),
        ("a", "must have an @-sign"),
        ("a@x", "It should have a period."),
        ("a..b@x.fi", "two periods in a row"),
        (".a@x.fi", "cannot start with a period"),
        ("a@-x.fi", "hyphen"),
        ("a b@x.fi", "invalid characters before the @-sign"),
        ("a@b@x.fi", "invalid characters"),
        ("a@x.local", "special-use or reserved name"),
        ("a@localhost", "period"),
        ("a@[127.0.0.1]", "bracketed IP address"),
        ("a@x..fi", "period"),
        ("a(comment)@x.fi", "invalid characters"),
        ("x" * 250 + "@x.fi", "too long"),
        ("Bob <b@x.fi>", "angle brackets and names are not allowed"),
        ("<b@x.fi>", "angle brackets and names are not allowed"),
        ("b@x.fi>", "angle brackets and names are not allowed"),
        ('"Bob" b@x.fi', "quotation marks are not allowed"),
        ('"a b"@x.fi', "quotation marks are not allowed"),
        ("a@x.fi\r\nBcc: e@x.fi", "line break or another control character"),
        ("a@x.fi\n", "line break or another control character"),
        ("a@x.fi\r", "line break or another control character"),
        ("a\x00@x.fi", "line break or another control character"),
        ("a\x1b@x.fi", "line break or another control character"),
        ("a\x85@x.fi", "line break or another control character"),
        ("a@x.fi\u2028", "line break or another control character"),
        ("a\u200b@x.fi", "unsafe character"),
        ("a@MÜNCHEN.de", "ASCII (xn--) form: a@xn--mnchen-3ya.de"),
        ("a@\uff58.fi", "ASCII (xn--) form: a@x.fi"),
        ("matti.meikäläinen@example.com", "letters outside ASCII before the @-sign"),
        ("ä@münchen.de", "letters outside ASCII before the @-sign"),
    ],
)
def test_normalize_address_refuses(address, reason):
    with pytest.raises(AddressError) as info:
        normalize_address(address)
    err = info.value
    assert reason in str(err)
    assert str(err).startswith("Invalid address ")
    assert isinstance(err.message, CoreMessage)
    assert err.message.template == "Invalid address %(address)s: %(reason)s"
    assert err.address == address.strip(" \t")
    assert "\r" not in str(err) and "\n" not in str(err) and "\x00" not in str(err)


@pytest.mark.parametrize("address", ["", "   ", "\t"])
def test_normalize_address_refuses_empty(address):
    with pytest.raises(AddressError, match="The address is empty."):
        normalize_address(address)


_ENCODED_WORD = "encoded word (=?…?=)"
_ENCODED_CONTROL = "the encoded form of a line break or another control character"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        # The examples: q encoding, an injected header, a forged body.
        ("=?utf-8?q?a=0D=0AReply-To=3Ax=40evil.io?=@x.example", _ENCODED_WORD),
        ("=?utf-8?q?a=0D=0A=0D=0Aforged?=@x.example", _ENCODED_WORD),
        # q and b, upper and lower case, with and without CR/LF inside.
        ("=?UTF-8?Q?a=0d=0aBcc=3Ae=40x.fi?=@x.example", _ENCODED_WORD),
        ("=?utf-8?q?plain?=@x.example", _ENCODED_WORD),
        ("=?utf-8?b?YQ0KQmNjOiBlQHguZmk=?=@x.example", _ENCODED_WORD),
        ("=?ISO-8859-1?B?YQ==?=@x.example", _ENCODED_WORD),
        ("a.=?utf-8?q?b?=.c@x.example", _ENCODED_WORD),
        # In the domain.
        ("a@=?utf-8?q?x=0D=0A?=.example", _ENCODED_WORD),
        ("a@=?UTF-8?B?eA==?=.example", _ENCODED_WORD),
        # Partial and broken ones.
        ("=?utf-8?q?a@x.example", _ENCODED_WORD),
        ("a?=@x.example", _ENCODED_WORD),
        ("a=?@x.example", _ENCODED_WORD),
        ("=??=@x.example", _ENCODED_WORD),
        # Quoted-printable and percent escapes of controls, outside any word.
        ("a=0D=0Ab@x.example", _ENCODED_CONTROL),
        ("a=0a@x.example", _ENCODED_CONTROL),
        ("a%0d%0aBcc:@x.example", _ENCODED_CONTROL),
        ("a%00@x.example", _ENCODED_CONTROL),
        ("a=7F@x.example", _ENCODED_CONTROL),
        ("a=C2=85b@x.example", _ENCODED_CONTROL),
        ("a%e2%80%a8b@x.example", _ENCODED_CONTROL),
        ("a@x%0A.example", _ENCODED_CONTROL),
    ],
)
def test_encoded_words_and_encoded_controls_are_refused(address, reason):
    with pytest.raises(AddressError) as info:
        normalize_address(address)
    assert reason in str(info.value)
    assert isinstance(info.value.message.params["reason"], CoreMessage)
    _found, errors = check_addresses(f"ok@x.fi {address}")
    assert len(errors) == 1 and reason in str(errors[0])
    with pytest.raises(AddressError, match=r"=\?…\?=|encoded form"):
        parse_addresses(f"ok@x.fi; {address}")


def test_encoded_control_names_the_sequence():
    with pytest.raises(AddressError) as info:
        normalize_address("a%0Ab@x.fi")
    assert "it contains %0A, the encoded form" in str(info.value)


def test_control_characters_are_shown_escaped():
    with pytest.raises(AddressError) as info:
        normalize_address("a@x.fi\r\nBcc: evil@x.fi")
    assert "a@x.fi\\r\\nBcc: evil@x.fi" in str(info.value)


def test_long_input_is_shortened_in_messages():
    with pytest.raises(AddressError) as info:
        normalize_address("y" * 300 + "@x.fi")
    assert len(str(info.value)) < 300
    assert "…" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected", "problems"),
    [
        ("", [], []),
        ("a@x.fi", ["a@x.fi"], []),
        ("A@x.fi a@X.FI b@x.fi", ["A@x.fi", "b@x.fi"], []),
        ("b@x.fi; a@x.fi, B@x.fi", ["b@x.fi", "a@x.fi"], []),
        (
            "x@ a@x.fi,,b@x.fi bad",
            ["a@x.fi", "b@x.fi"],
            [
                "Empty address between two separators",
                "Invalid address x@",
                "Invalid address bad",
            ],
        ),
        ("<a@x.fi> a@x.fi", ["a@x.fi"], ["Invalid address <a@x.fi>"]),
    ],
)
def test_check_addresses_collects_every_problem(text, expected, problems):
    found, errors = check_addresses(text)
    assert found == expected
    assert len(errors) == len(problems)
    for error, start in zip(errors, problems, strict=True):
        assert str(error).startswith(start)


def test_parse_addresses_raises_the_first_problem():
    assert parse_addresses("A@x.fi, a@x.fi b@Y.fi") == ["A@x.fi", "b@y.fi"]
    with pytest.raises(AddressError, match="Invalid address x@"):
        parse_addresses("a@x.fi x@ y@")
    with pytest.raises(AddressError, match="Empty address"):
        parse_addresses("x@ a@x.fi,,b@x.fi")


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], ""),
        (["a@x.fi"], "a@x.fi"),
        (["a@x.fi", "b@y.fi"], "a@x.fi, b@y.fi"),
        (("a@x.fi", "b@y.fi", "c@z.fi"), "a@x.fi, b@y.fi, c@z.fi"),
    ],
)
def test_format_addresses_round_trips(items, expected):
    text = format_addresses(items)
    assert text == expected
    assert parse_addresses(text) == list(items)


def test_error_is_a_value_error_with_a_translatable_message():
    with pytest.raises(ValueError) as info:
        normalize_address("Bob <b@x.fi>")
    err = info.value
    catalogue = {
        "Invalid address %(address)s: %(reason)s": (
            "Virheellinen osoite %(address)s: %(reason)s"
        ),
        "angle brackets and names are not allowed, write only the address.": (
            "vain osoite, ilman nimeä."
        ),
    }
    translated = err.message.translate(catalogue.get)
    assert translated == "Virheellinen osoite Bob <b@x.fi>: vain osoite, ilman nimeä."


# Fast path versus email-validator: the fast path must never accept what
# validate_email refuses, nor normalise differently.

_TRICKY = [
    "a@x.fi",
    "A.B-C_d+e@Sub-Domain.Example.COM",
    "info@x.fi",
    "INFO@x.fi",
    "PostMaster@x.fi",
    "a@xn--mnchen-3ya.de",
    "a@XN--MNCHEN-3YA.DE",
    "a@x.fi.",
    "a@.x.fi",
    "a@x-.fi",
    "a@1.2.3.4",
    "a@123.fi",
    "a@x.123",
    "a@x.f",
    "a@x_y.fi",
    "a@x.test",
    "a@x.invalid",
    "a@example",
    "a@x.onion",
    "a@" + "d" * 64 + ".fi",
    "a@" + "d" * 63 + ".fi",
    "x" * 65 + "@x.fi",
    "x" * 200 + "@" + "d" * 50 + ".fi",
    "a.@x.fi",
    "a!#$%&'*+/=?^_`{|}~@x.fi",
    "a@x.fi@x.fi",
    "a@-",
    "a@x..fi",
]


def _validator(address):
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _gate(address):
    """What normalize_address must answer: email-validator's ASCII form, or
    None for what it refuses and for this module's own refusals."""
    if (
        addresses._ENCODED_WORD.search(address)
        or addresses._ENCODED_CONTROL.search(address)
        or not address.isascii()
    ):
        return None
    try:
        return validate_email(address, check_deliverability=False).ascii_email
    except EmailNotValidError:
        return None


def _random_addresses(count, seed):
    """Mostly plausible addresses with a sprinkle of what breaks them."""
    rng = random.Random(seed)
    atext = "abcXYZ019!#$%&'*+/=?^_`{|}~-."
    specials = '@ ()[]:;,\\<>"\x00\r\n\u00e4\u200b'
    good = ["x", "Ex-Ample", "xn--mnchen-3ya", "mail", "b1", "A" * 63]
    bad = ["-x", "x-", "", "localhost", "b_c", "a" * 64, "123"]
    tlds = ["fi", "COM", "org", "xn--p1ai", "local", "test", "", "c0m", "123", "x"]
    for _ in range(count):
        pool = atext + (specials if rng.random() < 0.15 else "")
        local = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        labels = [
            rng.choice(good if rng.random() < 0.9 else bad)
            for _ in range(rng.randint(1, 3))
        ]
        tld = rng.choice(tlds[:4] if rng.random() < 0.8 else tlds)
        domain = ".".join([*labels, tld])
        yield f"{local}@{domain.upper() if rng.random() < 0.1 else domain}"


def test_fast_path_agrees_with_email_validator():
    """Thousands of addresses; about a third take the fast path."""
    mismatches, fast_accepted = [], 0
    for address in [*_TRICKY, *_random_addresses(5000, seed=20241123)]:
        fast = addresses._fast_syntax(address)
        expected = _validator(address)
        if fast is not None:
            fast_accepted += 1
            if fast != expected:
                mismatches.append((address, fast, expected))
        if addresses._UNSAFE.search(address):
            continue
        try:
            normalized = normalize_address(address)
        except AddressError:
            normalized = None
        if normalized != _gate(address.strip(" \t")):
            mismatches.append((address, normalized, expected))
    assert not mismatches
    assert fast_accepted > 1000


def test_fast_path_is_used_for_plain_addresses():
    assert addresses._FAST_PATH
    assert addresses._fast_syntax("AP@Example.COM") == "AP@example.com"
    assert addresses._fast_syntax("ä@x.fi") is None
    assert addresses._fast_syntax("info@x.fi") is None


def test_accepted_addresses_cannot_inject_headers():
    for address in [*_TRICKY, *_random_addresses(2000, seed=7)]:
        for text in (address, address + "\r\nBcc: e@x.fi", f"Name <{address}>"):
            try:
                normalized = normalize_address(text)
            except AddressError:
                continue
            assert not any(char in normalized for char in '\r\n\x00<>"'), text
            assert "=?" not in normalized and normalized.isascii(), text


def test_accepted_addresses_survive_the_mail_library_unchanged():
    """What the SMTP server receives: the header as Python's email parses it."""
    from email import message_from_string, policy

    for address in [*_TRICKY, *_random_addresses(2000, seed=11)]:
        try:
            normalized = normalize_address(address)
        except AddressError:
            continue
        message = message_from_string(f"To: {normalized}\n\nbody\n", policy=policy.SMTP)
        decoded = str(message["To"])
        assert not addresses._CONTROL.search(decoded), address
        assert "Reply-To" not in decoded and message.get_payload() == "body\n"


@pytest.mark.parametrize(
    "cell",
    [
        "a " * 16_383 + "<",  # a long name, then no address in brackets
        " " * 32_766 + "<",  # blanks before a lone "<"
        "a" * 32_765 + "<x",
    ],
    ids=["words", "blanks", "word"],
)
def test_a_full_cell_without_a_bracketed_address_is_read_in_linear_time(
    cell, grows_linearly
):
    """A cell of the directory file's largest size (32 767 characters) that
    looks like the start of "Name <address>" but is not: once, not once
    per character (14 s for one such cell before)."""
    found, errors = check_addresses(cell)
    assert not found
    assert errors
    # the same shape at an eighth of the length, then the whole cell
    assert grows_linearly(
        check_addresses, lambda size: cell[: size - 2] + cell[-2:], len(cell)
    )
