"""Directory files: formats, encodings, limits and every row rule.

The sample files live in ``samples/recipients`` (``make_samples.py`` there
says how each was made); small cases are built inline.
"""

import ast
import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from distribution import recipient_file
from distribution.i18n import CoreMessage
from distribution.recipient_file import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    Entry,
    FileError,
    Report,
    RowError,
    check_file,
    detect_format,
    errors_csv,
    is_header,
    iter_rows,
    sniff_delimiter,
    template_csv,
    template_xlsx,
)

SAMPLES = Path(__file__).parent / "samples" / "recipients"


def sample(name):
    return (SAMPLES / name).read_bytes()


def xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def summary(report):
    """Entries as (number, to, cc, row) and errors as (row, column)."""
    return (
        [(e.customer_number, e.to, e.cc, e.row) for e in report.entries],
        [(e.row, e.column) for e in report.errors],
    )


# --------------------------------------------------------------------------
# Format detection
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("valid.xlsx", "xlsx"),
        ("valid_comma.csv", "csv"),
        ("valid_semicolon_bom.csv", "csv"),
        ("valid_tab.csv", "csv"),
        ("cp1252.csv", "csv"),
        ("corrupt_truncated.xlsx", "xlsx"),
    ],
)
def test_detect_format_of_samples(name, expected):
    assert detect_format(sample(name), name) == expected


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"10023;a@x.fi\n", None, "csv"),
        (b"10023;a@x.fi\n", "directory.xlsx", "csv"),
        (sample("valid.xlsx"), "directory.csv", "xlsx"),
        (sample("valid.xlsx"), None, "xlsx"),
        ("\ufeff1\ta@x.fi\n".encode("utf-16-le"), "unicode.txt", "csv"),
        (b"PK\x05\x06" + b"\0" * 18, None, "xlsx"),
    ],
)
def test_detect_format_trusts_content_not_name(data, filename, expected):
    assert detect_format(data, filename) == expected


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"\x00\x01\x02\xff" * 100, "junk.bin", "neither an Excel workbook"),
        (b"\x00\x01\x02\xff" * 100, "junk.xlsx", "named like an Excel workbook"),
        (bytes(range(256)) * 4, None, "neither an Excel workbook"),
        (b"%PDF-1.7\n\x00\x00binary", "a.pdf", "neither an Excel workbook"),
        (sample("legacy.xls"), "legacy.xls", "Excel 97-2003"),
        (sample("legacy.xls"), None, "Excel 97-2003"),
        (sample("legacy.xls"), "renamed.xlsx", "password-protected"),
        (sample("encrypted.xlsx"), "encrypted.xlsx", "password-protected"),
        (sample("encrypted.xlsx"), None, "password-protected"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "locked.xlsx", "password"),
        (b"\xef\xbb\xbf\xff\xfe\xfd", None, "holds bytes that are not UTF-8"),
    ],
)
def test_detect_format_refuses(data, filename, message):
    with pytest.raises(FileError) as info:
        detect_format(data, filename)
    assert message in str(info.value)
    assert isinstance(info.value.message, CoreMessage)


# --------------------------------------------------------------------------
# Unreadable files
# --------------------------------------------------------------------------


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (sample("empty.csv"), "empty.csv", "The file is empty."),
        (sample("only_comments.csv"), "c.csv", "no recipient rows"),
        (b"\n\n;;\n", "blank.csv", "no recipient rows"),
        (sample("corrupt_truncated.xlsx"), "c.xlsx", "damaged"),
        (sample("corrupt_sheet.xlsx"), "c.xlsx", "damaged"),
        (b"PK\x03\x04 this is no zip", "broken.xlsx", "damaged"),
        (sample("encrypted.xlsx"), "encrypted.xlsx", "password-protected"),
        (sample("legacy.xls"), "legacy.xls", "Excel 97-2003"),
        (sample("zip_bomb.xlsx"), "bomb.xlsx", "zip bomb"),
        (_zip({"a.txt": "hello"}), "a.zip", "zip archive but not an Excel"),
        (
            _zip({"[Content_Types].xml": "<Types/>"}, zipfile.ZIP_BZIP2),
            "bzip2.xlsx",
            "zip archive but not an Excel",
        ),
        (
            _zip(
                {
                    "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": "<x/>",
                }
            ),
            "sheet.ods",
            "OpenDocument",
        ),
        (
            _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<x/>"}),
            "fake.xlsx",
            "damaged",
        ),
    ],
)
def test_unreadable_files_raise_file_error(data, filename, message):
    with pytest.raises(FileError) as info:
        check_file(data, filename)
    assert message in str(info.value)


def test_zip_bomb_is_refused_before_unpacking():
    """A real highly compressed member, over 20 times the size limit."""
    data = _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/worksheets/sheet1.xml": b"\0" * (3 * 1024 * 1024),
        }
    )
    assert len(data) < 64 * 1024
    with pytest.raises(FileError, match="zip bomb"):
        check_file(data, "bomb.xlsx", max_bytes=128 * 1024)


def test_password_protected_zip_members_are_refused():
    data = bytearray(_zip({"[Content_Types].xml": "<Types/>"}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)
        data[position + offset] |= 0x1
    with pytest.raises(FileError, match="password-protected"):
        check_file(bytes(data), "x.xlsx")


def test_size_limit():
    data = b"".join(b"%d,user%d@example.com\n" % (n, n) for n in range(100))
    assert check_file(data, max_bytes=len(data)).rows == 100
    with pytest.raises(FileError, match="MB, more than the maximum of"):
        check_file(data, max_bytes=len(data) - 1)


@pytest.mark.parametrize(
    ("size", "text"),
    [(20 * 1024 * 1024, "20"), (2.5 * 1024 * 1024, "2.5"), (1048, "0.001")],
)
def test_sizes_are_shown_in_megabytes(size, text):
    assert recipient_file._megabytes(size) == text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_row_limit_counts_data_rows_only(kind):
    rows = [("# comment",), ("Customer number", "E-mail")]
    rows += [(str(n), f"user{n}@example.com") for n in range(1, 4)]
    if kind == "csv":
        data = "".join(",".join(row) + "\n" for row in rows).encode()
    else:
        data = xlsx(rows)
    assert check_file(data, max_rows=3).rows == 3
    with pytest.raises(FileError, match="more than 2 rows"):
        check_file(data, max_rows=2)
    with pytest.raises(FileError, match="more than 2 rows"):
        list(iter_rows(data, max_rows=2))


def test_defaults():
    assert DEFAULT_MAX_ROWS == 100_000
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("document_type", "ok"), [("invoice", True), ("other", True), ("bogus", False)]
)
def test_document_type(document_type, ok):
    data = b"1;a@example.com\n"
    if ok:
        report = check_file(data, document_type=document_type)
        assert report.document_type == document_type
    else:
        with pytest.raises(FileError, match="Unknown document type bogus"):
            check_file(data, document_type=document_type)


# --------------------------------------------------------------------------
# Reading: encodings, delimiters, cells, comments, header
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10023;a@x.fi, b@x.fi", ";"),
        ("10023,a@x.fi;b@x.fi", ","),
        ('10023,"a@x.fi; b@x.fi"', ","),
        ("10023\ta@x.fi; b@x.fi", "\t"),
        ("10023\ta@x.fi, b@x.fi", "\t"),
        ("Customer number;E-mail\n1;a@x.fi", ";"),
        ("# a, b; c\n1;a@x.fi", ";"),
        ("1,x@", ","),
        ("1;nothing\n2;here", ";"),
        ("1\tnothing", "\t"),
        ("10023 a@x.fi", ","),
        ("", ","),
    ],
)
def test_sniff_delimiter(text, expected):
    assert sniff_delimiter(text) == expected


@pytest.mark.parametrize(
    ("encoding", "bom", "reported"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        # README says UTF-16 is read: without a BOM too, found by its NULs.
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", b"", "utf-16-be"),
    ],
)
def test_csv_encodings(encoding, bom, reported):
    text = "Numéro client;E-mail\r\nCAFÉ-1;a@example.com\r\nMÜLLER-2;b@example.com\r\n"
    report = check_file(bom + text.encode(encoding), "x.csv")
    assert report.ok
    assert [entry.customer_number for entry in report.entries] == ["CAFÉ-1", "MÜLLER-2"]
    assert report.encoding == reported


_GOOD_UTF8 = "CAFÉ-1;a@example.com\nMÜLLER-2;b@example.com\n".encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # Cut in the middle of the last character.
        (_GOOD_UTF8 + "3;c@example.com;Ä".encode()[:-1], "line 3 holds bytes"),
        # Cut inside a three-byte character (€), then more text.
        (_GOOD_UTF8 + "€".encode()[:2] + b"3;c@example.com\n", "line 3 holds bytes"),
        # UTF-8 and Windows-1252 mixed (two files pasted together).
        (_GOOD_UTF8 + "CAFÉ-3;c@example.com\n".encode("cp1252"), "line 3 holds"),
        (b"\xef\xbb\xbf1;a@example.com\n2\xe9;b@example.com\n", "line 2 holds"),
        # UTF-8 garbled by a Windows-1252 round trip, saved as valid UTF-8.
        (
            "1;a@example.com\nCAFÉ-2;b@example.com\n".encode()
            .decode("cp1252")
            .encode(),
            "garbled on line 2: Ã‰ is probably É",
        ),
        (
            "\ufeffMÜLLER-1;a@example.com\n".encode().decode("cp1252").encode(),
            "garbled on line 1: ï»¿",
        ),
    ],
)
def test_broken_utf8_is_refused_not_read_as_cp1252(data, message):
    with pytest.raises(FileError) as info:
        check_file(data, "x.csv")
    assert message in str(info.value)
    assert isinstance(info.value.message, CoreMessage)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        # Windows-1252 text whose bytes happen to hold one UTF-8 pair (Ã©
        # written on purpose is É© in UTF-8 terms) among many accents.
        (
            "CAFÉ-1;a@example.com\nÉTÉ-2;b@example.com\nÅÄÖ-3;c@example.com\n"
            "Ã©-4;d@example.com\n",
            "cp1252",
        ),
        ("Åsa-1;a@example.com\nÖrn-2;b@example.com\n", "cp1252"),
        ("smörgåsbord-1;a@example.com\n", "cp1252"),
    ],
)
def test_windows_1252_files_are_still_read(text, encoding):
    report = check_file(text.encode(encoding), "x.csv")
    assert report.encoding == "cp1252"
    assert [entry.customer_number for entry in report.entries] == [
        line.split(";")[0] for line in text.splitlines()
    ]


def test_latin1_fallback_keeps_the_file_readable():
    """0x81 is undefined in cp1252: the file is decoded as latin-1."""
    data = b"# \x81 stray byte\n10023\xe9;cafe@example.com\n"
    report = check_file(data, "x.csv")
    assert report.entries[0].customer_number == "10023é"
    assert report.encoding == "latin-1"


@pytest.mark.parametrize(
    ("name", "entries"),
    [
        (
            "valid_comma.csv",
            [
                (
                    "10023",
                    ("ap@example.com", "billing@example.com"),
                    ("cfo@example.com",),
                    3,
                ),
                ("10024", ("invoices@example.com",), (), 4),
                ("10025", ("AP@example.com",), (), 6),
                ("C-77", ("ap@example.com",), (), 7),
            ],
        ),
        (
            "valid_semicolon_bom.csv",
            [
                ("10023", ("ap@example.com", "billing@example.com"), (), 2),
                (
                    "10024",
                    ("invoices@example.com",),
                    ("cfo@example.com", "audit@example.com"),
                    3,
                ),
                ("10025", ("reskontra@example.com",), (), 4),
            ],
        ),
        (
            "valid_tab.csv",
            [
                ("10023", ("ap@example.com", "billing@example.com"), (), 2),
                ("10024", ("invoices@example.com",), ("cfo@example.com",), 3),
            ],
        ),
        (
            "cp1252.csv",
            [
                ("MÜLLER-1", ("compta@example.com",), (), 3),
                ("CAFÉ-2", ("factures@example.com",), ("direction@example.com",), 4),
            ],
        ),
        (
            "comments.csv",
            [
                ("10001", ("a@example.com",), (), 4),
                ("10002", ("a@example.com", "#b@example.com"), (), 6),
                ("10004", ("c@example.com",), (), 9),
            ],
        ),
        (
            "valid.xlsx",
            [
                ("10023", ("ap@example.com",), (), 3),
                (
                    "10024",
                    ("ap@example.com", "billing@example.com"),
                    ("cfo@example.com",),
                    4,
                ),
                (
                    "C-77",
                    ("invoices@example.com",),
                    ("a@example.com", "b@example.com"),
                    6,
                ),
                ("00123", ("zero@example.com",), (), 8),
            ],
        ),
        (
            "formula_cached.xlsx",
            [
                ("10023", ("ap@example.com",), (), 2),
                ("10024", ("invoices@example.com",), (), 3),
            ],
        ),
    ],
)
def test_valid_samples(name, entries):
    report = check_file(sample(name), name)
    assert report.ok, report.errors
    assert report.rows == len(entries)
    assert summary(report) == (entries, [])


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  text\t", "text"),
        (10023, "10023"),
        (10023.0, "10023"),
        (-5.0, "-5"),
        (10023.5, "10023.5"),
        (0.1, "0.1"),
        (True, "TRUE"),
        (False, "FALSE"),
    ],
)
def test_cell_text(value, text):
    assert recipient_file._cell_text(value) == text


def test_iter_rows_yields_data_rows_as_text():
    data = xlsx(
        [
            ("# comment",),
            ("Customer number", "E-mail", "CC"),
            (10023.0, " a@example.com ", None),
            (None, None, None),
            (10024, "b@example.com", "c@example.com", "extra"),
            ("#10025", "commented@example.com"),
            ("x",),
        ]
    )
    assert list(iter_rows(data, "d.xlsx")) == [
        (3, ("10023", "a@example.com", "")),
        (5, ("10024", "b@example.com", "c@example.com")),
        (7, ("x", "", "")),
    ]


def test_iter_rows_refuses_unreadable_files_at_once():
    with pytest.raises(FileError, match="zip bomb"):
        iter_rows(sample("zip_bomb.xlsx"))


def test_csv_row_numbers_follow_physical_lines():
    data = b'# c\n\n1;"a@example.com\nb@example.com"\n\n2;c@example.com\n3;x@\n'
    report = check_file(data)
    assert summary(report) == (
        [
            ("1", ("a@example.com", "b@example.com"), (), 3),
            ("2", ("c@example.com",), (), 6),
        ],
        [(7, "B")],
    )


def test_xlsx_ignores_wrong_recorded_dimensions():
    """Some generators record a dimension smaller than the data."""
    rows = [("1", "a@example.com"), ("2", "b@example.com"), ("3", "c@example.com")]
    source = zipfile.ZipFile(io.BytesIO(xlsx(rows)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:B3"' in content
                content = content.replace(b'ref="A1:B3"', b'ref="A1:A1"')
            target.writestr(info.filename, content)
    report = check_file(buffer.getvalue(), "d.xlsx")
    assert [entry.to for entry in report.entries] == [(row[1],) for row in rows]


def test_only_the_first_worksheet_is_read():
    book = openpyxl.Workbook()
    book.active.append(["1", "first@example.com"])
    book.create_sheet("Other").append(["2", "second@example.com"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = check_file(buffer.getvalue(), "two.xlsx")
    assert [entry.to for entry in report.entries] == [("first@example.com",)]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["Customer number", "E-mail", "CC"], True),
        (["Asiakasnumero", "Sähköposti", ""], True),
        (["Numéro client", "Adresse e-mail", "Copie"], True),
        (["Customer no.", "E-mail"], True),
        (["", "E-mail"], True),
        (["10023", "E-mail"], False),
        (["Customer", "a@example.com"], False),
        (["Customer", ""], False),
        (["ACME", "acme.example.com"], False),
        (["Customer", "E-mail", "cc@example.com"], False),
        (["Nr 1", "Email"], False),
    ],
)
def test_is_header(cells, expected):
    assert is_header([*cells, "", ""][: max(3, len(cells))]) is expected


def test_header_is_only_looked_for_on_the_first_data_row():
    report = check_file(b"# c\n1;a@example.com\nCustomer;E-mail\n")
    assert summary(report)[1] == [(3, "B")]


# --------------------------------------------------------------------------
# Row rules
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("10023;a@example.com", []),
        ("10023;a@example.com b@example.com;c@example.com", []),
        ("10023;a@example.com;a@example.com", []),
        (";a@example.com", [("A", "The customer number is missing.")]),
        ("X" * 64 + ";a@example.com", []),
        ("X" * 65 + ";a@example.com", [("A", "too long: 65 characters, at most 64")]),
        ('"1\x1b2";a@example.com', [("A", "control character")]),
        ("10023;", [("B", "No e-mail address in column B.")]),
        ("10023;;c@example.com", [("B", "No e-mail address in column B.")]),
        ("10023; ;", [("B", "No e-mail address in column B.")]),
        (
            '0,zero@example.com\n10023,"a@example.com, ;b@example.com"',
            [("B", "Empty address between two separators")],
        ),
        ("10023;,", [("B", "only separators")]),
        ("10023;x@", [("B", "Invalid address x@: There must be something after")]),
        (
            "10023;x@ y@example y@example.com",
            [("B", "Invalid address x@"), ("B", "Invalid address y@example:")],
        ),
        ("10023;a@example.com;cc@", [("C", "Invalid address cc@")]),
        ("10023;a@example.com;a@example.com,,b@example.com", [("C", "Empty address")]),
        (
            "10023;Bob <b@example.com>",
            [("B", "Bob <b@example.com>: display names and angle brackets")],
        ),
        (
            "10023;Bad Name <x@y.example> ok@example.com",
            [("B", "write only the address x@y.example.")],
        ),
        ('10023;"a@example.com\r\nBcc: e@example.com"', [("B", "Bcc:")]),
        (
            "10023;=?utf-8?q?a=0D=0AReply-To=3Ax=40evil.io?=@x.example",
            [("B", "encoded word (=?…?=)")],
        ),
        (
            "10023;a@example.com;=?UTF-8?B?YQ0KQmNjOg==?=@x.example",
            [("C", "encoded word (=?…?=)")],
        ),
        ("10023;a=0D=0Ab@x.example", [("B", "it contains =0D, the encoded form")]),
        ("10023;a@MÜNCHEN.de", [("B", "ASCII (xn--) form: a@xn--mnchen-3ya.de")]),
        ("10023;a@example.com;;x", [("D", "Unexpected value in column D: x.")]),
        ("10023;a@example.com;;;;y", [("F", "Unexpected value in column F: y.")]),
        (
            "0,zero@example.com\n10023,a@example.com,,b@example.com",
            [("D", "In this comma-separated file, separate several addresses")],
        ),
        (";;;x", [("A", "missing"), ("B", "No e-mail"), ("D", "column D")]),
    ],
)
def test_row_rules(line, expected):
    """Each line follows a valid first line, which also settles the delimiter."""
    if not line.startswith("0,"):
        line = "0;zero@example.com\n" + line
    report = check_file(line.encode() + b"\n", "x.csv")
    found = [(error.column, error.text) for error in report.errors]
    assert [column for column, _text in found] == [column for column, _ in expected]
    for (_column, text), (_column_expected, fragment) in zip(
        found, expected, strict=True
    ):
        assert fragment in text
    assert report.ok is not expected
    assert {error.row for error in report.errors} <= {2}
    assert len(report.entries) == (1 if expected else 2)


@pytest.mark.parametrize(
    ("count", "cc", "column"),
    [(50, 0, None), (51, 0, "B"), (30, 20, None), (30, 21, "C"), (51, 1, "B")],
)
def test_too_many_addresses(count, cc, column):
    to = " ".join(f"to{n}@example.com" for n in range(count))
    copies = " ".join(f"cc{n}@example.com" for n in range(cc))
    report = check_file(f"1;{to};{copies}\n".encode())
    assert [error.column for error in report.errors] == ([column] if column else [])
    if column:
        assert "Too many addresses" in report.errors[0].text


def test_duplicate_customer_numbers_name_the_first_row():
    data = b"10023;a@example.com\n10024;b@example.com\n10023;c@example.com\n"
    data += b" 10023 ;d@example.com\nabc;e@example.com\nABC;f@example.com\n"
    report = check_file(data)
    assert [(error.row, error.column, error.text) for error in report.errors] == [
        (3, "A", "The customer number 10023 is already on row 1."),
        (4, "A", "The customer number 10023 is already on row 1."),
    ]
    assert [entry.customer_number for entry in report.entries] == [
        "10023",
        "10024",
        "abc",
        "ABC",
    ]


def test_one_address_may_serve_several_customer_numbers():
    report = check_file(b"1;shared@example.com\n2;shared@example.com\n")
    assert report.ok
    assert len(report.entries) == 2


def test_excel_numbers_become_customer_numbers():
    data = xlsx([(10023.0, "a@example.com"), (10023, "b@example.com")])
    report = check_file(data, "d.xlsx")
    assert [(error.row, error.column) for error in report.errors] == [(2, "A")]
    assert "10023 is already on row 1" in report.errors[0].text


ERRORS_CSV = [
    (4, "A", "The customer number is missing."),
    (5, "B", "Invalid address x@: There must be something after the @-sign."),
    (6, "B", "Empty address between two separators"),
    (7, "A", "The customer number 10001 is already on row 3."),
    (8, "B", "No e-mail address in column B."),
    (9, "C", "Invalid address cc@"),
    (10, "B", "Invalid address Bob <bob@example.com>: display names and angle"),
    (11, "D", "Unexpected value in column D: stray@example.com."),
    (12, "A", "too long: 65 characters"),
    (13, "A", "The customer number 100\\n11 contains a line break"),
    (16, "B", "Too many addresses: 51, at most 50"),
    (18, "C", "Empty address between two separators"),
]

ERRORS_XLSX = [
    (2, "A", "The customer number is missing."),
    (3, "B", "Invalid address x@"),
    (4, "A", "The customer number 10023 is already on row 3."),
    (5, "A", "1.23456789012346e+19 has more digits than Excel keeps"),
    (6, "B", 'The formula =CONCAT("a","@example.com") has no computed value'),
    (7, "A", "The formula =1+1 has no computed value"),
    (8, "E", "Unexpected value in column E: stray."),
    (9, "C", "Invalid address cc@@example.com"),
    (10, "B", "Empty address between two separators"),
    (11, "B", "No e-mail address in column B."),
]


@pytest.mark.parametrize(
    ("name", "expected_errors", "entry_rows"),
    [
        ("errors.csv", ERRORS_CSV, [3, 15, 17, 19]),
        ("errors.xlsx", ERRORS_XLSX, [12]),
        (
            "formula_no_value.xlsx",
            [(2, "B", 'The formula =LOWER("AP@EXAMPLE.COM") has no computed value')],
            [3],
        ),
        (
            "old_template.csv",
            [(2, "D", "Unexpected value in column D: obsolete.")],
            [3],
        ),
    ],
)
def test_every_error_of_a_sample_is_reported(name, expected_errors, entry_rows):
    report = check_file(sample(name), name)
    assert not report.ok
    found = [(error.row, error.column, error.text) for error in report.errors]
    assert [(row, column) for row, column, _text in found] == [
        (row, column) for row, column, _text in expected_errors
    ]
    for (_row, _column, text), (_r, _c, fragment) in zip(
        found, expected_errors, strict=True
    ):
        assert fragment in text
    assert [entry.row for entry in report.entries] == entry_rows
    assert report.rows == len({row for row, _c, _t in expected_errors}) + len(
        entry_rows
    )


def test_formula_problem_replaces_the_other_checks_of_its_cell():
    report = check_file(sample("formula_no_value.xlsx"), "f.xlsx")
    assert [error.column for error in report.errors] == ["B"]
    assert "No e-mail address" not in report.errors[0].text


# --------------------------------------------------------------------------
# Report shapes, error list, templates
# --------------------------------------------------------------------------


def test_report_to_dict_is_json():
    report = check_file(b"1;A@Example.com;c@example.com\n2;x@\n")
    data = json.loads(json.dumps(report.to_dict()))
    assert data == {
        "ok": False,
        "rows": 2,
        "error_count": 1,
        "omitted_errors": 0,
        "encoding": "utf-8",
        "errors": [
            {
                "row": 2,
                "column": "B",
                "message": "Invalid address x@: There must be something after "
                "the @-sign.",
            }
        ],
        "entries": [
            {
                "customer_number": "1",
                "to": ["A@example.com"],
                "cc": ["c@example.com"],
                "row": 1,
            }
        ],
    }


def test_dataclasses():
    message = CoreMessage("Problem %(x)s", x=1)
    error = RowError(3, "B", message)
    assert error.text == "Problem 1"
    assert error.to_dict() == {"row": 3, "column": "B", "message": "Problem 1"}
    assert RowError(1, None, message).to_dict()["column"] is None
    entry = Entry("1", ("a@x.fi",), (), 2)
    assert entry.to_dict() == {
        "customer_number": "1",
        "to": ["a@x.fi"],
        "cc": [],
        "row": 2,
    }
    with pytest.raises(AttributeError):
        entry.row = 3
    report = Report()
    assert report.ok and report.to_dict() == {
        "ok": True,
        "rows": 0,
        "error_count": 0,
        "omitted_errors": 0,
        "encoding": None,
        "errors": [],
        "entries": [],
    }


@pytest.mark.parametrize("kind", ["report", "row_errors", "tuples"])
def test_errors_csv(kind):
    report = check_file(b"1;x@\n;a@example.com\n")
    errors = {
        "report": report,
        "row_errors": report.errors,
        "tuples": [(e.row, e.column, e.text) for e in report.errors],
    }[kind]
    data = errors_csv(errors)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [
        ["Row", "Column", "Message"],
        ["1", "B", "Invalid address x@: There must be something after the @-sign."],
        ["2", "A", "The customer number is missing."],
    ]


def test_errors_csv_with_a_translated_header():
    data = errors_csv([(1, "", "Virhe")], header=("Rivi", "Sarake", "Viesti"))
    assert data.decode("utf-8-sig").splitlines() == ["Rivi,Sarake,Viesti", "1,,Virhe"]


@pytest.mark.parametrize(
    ("template", "filename"), [(template_csv, "t.csv"), (template_xlsx, "t.xlsx")]
)
def test_templates_are_accepted_as_they_are(template, filename):
    data = template()
    report = check_file(data, filename)
    assert report.ok
    assert report.rows == 3
    assert [entry.customer_number for entry in report.entries] == [
        "EXAMPLE-1",
        "EXAMPLE-2",
        "EXAMPLE-3",
    ]
    assert report.entries[1].to == ("ap@example.com", "billing@example.com")
    assert report.entries[1].cc == ("controller@example.com",)
    assert all(
        address.endswith("@example.com")
        for entry in report.entries
        for address in entry.to + entry.cc
    )


def test_csv_template_explains_the_columns():
    text = template_csv().decode("utf-8-sig")
    lines = text.splitlines()
    comments = [line for line in lines if line.startswith("#")]
    assert len(comments) >= 3
    assert any("Column A" in line for line in comments)
    assert any("Column B" in line and "space" in line for line in comments)
    assert any("Column C" in line for line in comments)
    assert not any(";" in line for line in comments)
    assert "Customer number;E-mail;CC" in lines
    assert sniff_delimiter(text) == ";"


def test_xlsx_template_keeps_customer_numbers_as_text():
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0].startswith("#")
    header = next(
        index for index, row in enumerate(values) if row[0] == "Customer number"
    )
    assert all(isinstance(row[0], str) for row in values[header + 1 :])
    assert sheet.cell(header + 2, 1).number_format == "@"


# --------------------------------------------------------------------------
# Messages are translatable templates
# --------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["recipient_file.py", "addresses.py"])
def test_every_message_is_an_inline_marked_literal(module):
    """Odoo's export only sees ``_("literal")`` written at the call."""
    source = (Path(__file__).parent.parent / "distribution" / module).read_text()
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "CoreMessage"
    ]
    assert calls
    for call in calls:
        template = call.args[0]
        assert isinstance(template, ast.Call) and template.func.id == "_", ast.dump(
            call
        )
        assert isinstance(template.args[0], ast.Constant), ast.dump(call)
        assert isinstance(template.args[0].value, str)


# --------------------------------------------------------------------------
# Bounded work: error cap, columns kept per row, absurd rows
# --------------------------------------------------------------------------


def test_errors_beyond_the_cap_are_counted_not_kept():
    data = "".join(f"{n};x@\n" for n in range(1, 1501)).encode()
    report = check_file(data, "x.csv")
    assert recipient_file.MAX_ERRORS == 1000
    assert len(report.errors) == 1000
    assert [error.row for error in report.errors] == list(range(1, 1001))
    assert report.omitted_errors == 500
    assert report.error_count == 1500
    assert not report.ok
    result = report.to_dict()
    assert result["error_count"] == 1500 and result["omitted_errors"] == 500
    assert len(result["errors"]) == 1000


@pytest.mark.parametrize(
    ("max_errors", "listed", "omitted"),
    [(0, 0, 9), (1, 1, 8), (2, 2, 7), (3, 3, 6), (4, 4, 5), (9, 9, 0), (10, 9, 0)],
)
def test_error_cap_cuts_inside_a_row(max_errors, listed, omitted):
    """Three rows of three errors each: the cap may fall inside a row."""
    data = b"".join(b"%d;x@ y@;z@\n" % n for n in range(1, 4))
    report = check_file(data, "x.csv", max_errors=max_errors)
    assert len(report.errors) == listed
    assert report.omitted_errors == omitted
    assert report.error_count == 9
    assert not report.ok


def test_errors_csv_says_how_many_more():
    data = "".join(f"{n};x@\n" for n in range(1, 8)).encode()
    report = check_file(data, "x.csv", max_errors=5)
    rows = list(csv.reader(io.StringIO(errors_csv(report).decode("utf-8-sig"))))
    assert len(rows) == 1 + 5 + 1
    assert rows[-1] == ["", "", "2 more error(s) not listed."]
    message = recipient_file.omitted_errors_message(2)
    assert isinstance(message, CoreMessage) and str(message) == rows[-1][2]


def _wide_csv_row(values):
    return ("0;zero@example.com\n10023;a@example.com;;" + ";".join(values)).encode()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # Columns D to P are reported one by one, as before.
        (["x"], [("D", "Unexpected value in column D: x.")]),
        ([""] * 12 + ["p"], [("P", "Unexpected value in column P: p.")]),
        # Beyond P: one error for the row, whatever the count.
        (
            [""] * 13 + ["q"],
            [("Q", "1 value(s) beyond column P, the first in column Q")],
        ),
        ([""] * 20 + ["x", "", " ", "y"], [("X", "2 value(s) beyond column P")]),
        ([""] * 13 + ["v"] * 100_000, [("Q", "100000 value(s) beyond column P")]),
        ([""] * 100_000, []),
        (
            ["d"] + [""] * 12 + ["q", "r"],
            [("D", "column D: d."), ("Q", "2 value(s) beyond column P")],
        ),
    ],
)
def test_csv_values_beyond_column_p_are_one_error(values, expected):
    report = check_file(_wide_csv_row(values), "x.csv")
    found = [(error.column, error.text) for error in report.errors]
    assert [column for column, _text in found] == [column for column, _ in expected]
    for (_column, text), (_expected_column, fragment) in zip(
        found, expected, strict=True
    ):
        assert fragment in text


def test_only_far_values_make_a_row():
    report = check_file(b"0;zero@example.com\n" + b";" * 20 + b"x\n", "x.csv")
    assert [(e.row, e.column) for e in report.errors][-1] == (2, "U")
    assert report.rows == 2


def test_xlsx_values_beyond_column_p_are_one_error():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["10023", "a@example.com", None, "d"])
    sheet.cell(1, 17, "q")
    sheet.cell(1, 20, 0)
    sheet.cell(1, 16384, "far")
    sheet.append(["10024", "b@example.com"])
    sheet.cell(2, 16384, None)
    buffer = io.BytesIO()
    book.save(buffer)
    report = check_file(buffer.getvalue(), "x.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(1, "D"), (1, "Q")]
    assert "3 value(s) beyond column P, the first in column Q" in report.errors[1].text
    assert [entry.customer_number for entry in report.entries] == ["10024"]


def _raw_xlsx(sheet_xml):
    """A minimal workbook around the worksheet XML *sheet_xml* (bytes)."""
    ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _zip(
        {
            "[Content_Types].xml": (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types"><Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/><Default '
                'Extension="xml" ContentType="application/xml"/><Override '
                'PartName="/xl/workbook.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                '"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                'worksheet+xml"/></Types>'
            ),
            "_rels/.rels": (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                f'2006/relationships"><Relationship Id="rId1" Type="{rel}/'
                'officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'<workbook xmlns="{ns.decode()}" xmlns:r="{rel}"><sheets><sheet '
                'name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                f'2006/relationships"><Relationship Id="rId1" Type="{rel}/'
                'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": (
                b'<worksheet xmlns="'
                + ns
                + b'"><sheetData>'
                + sheet_xml
                + b"</sheetData></worksheet>"
            ),
        }
    )


def _inline(reference, text):
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


@pytest.mark.parametrize("extra", [16384 - 2, 16384 - 1])
def test_xlsx_row_as_wide_as_excel_allows_is_read(extra):
    row = b'<row r="1">' + _inline("A1", "1") + _inline("B1", "a@example.com")
    row += b"<c><v>1</v></c>" * extra + b"</row>"
    if extra + 2 > recipient_file.MAX_SHEET_ROW_CELLS:
        with pytest.raises(FileError, match="more than 16384 cells"):
            check_file(_raw_xlsx(row), "x.xlsx")
    else:
        report = check_file(_raw_xlsx(row), "x.xlsx")
        # Cells without a reference follow B: C (not an address), D to P, Q...
        assert [e.column for e in report.errors] == [
            recipient_file.column_letter(index) for index in range(2, 17)
        ]
        assert f"{extra - 14} value(s) beyond column P" in report.errors[-1].text


@pytest.mark.parametrize("chunk_edge", [0, 1, 5, 11])
def test_xlsx_too_wide_row_is_refused_before_openpyxl_reads_it(chunk_edge):
    """Counted across the 1 MB chunks of the scan, with namespace prefixes."""
    cells = b"<x:c><x:v>1</x:v></x:c>" * 50_000
    row = b" " * chunk_edge + b'<x:row r="1">' + cells + b"</x:row>"
    data = _raw_xlsx(row).replace(
        b"<worksheet xmlns=", b'<x:worksheet xmlns:x="urn:x" xmlns='
    )
    with pytest.raises(FileError, match="more than 16384 cells"):
        recipient_file._scan_parts(zipfile.ZipFile(io.BytesIO(data)))


def test_xlsx_many_narrow_rows_are_not_one_wide_row():
    rows = b"".join(
        b'<row r="%d">' % n + b"<c><v>1</v></c>" * 3 + b"</row>"
        for n in range(1, 30_000)
    )
    archive = zipfile.ZipFile(io.BytesIO(_raw_xlsx(rows)))
    assert recipient_file._scan_parts(archive) == set()


def test_xlsx_row_numbers_far_apart_are_not_filled_in():
    rows = (
        b'<row r="1">' + _inline("A1", "1") + _inline("B1", "a@example.com") + b"</row>"
        b'<row r="900000000">'
        + _inline("A900000000", "2")
        + _inline("B900000000", "b@example.com")
        + b"</row>"
    )
    report = check_file(_raw_xlsx(rows), "x.xlsx")
    assert report.ok
    assert [entry.row for entry in report.entries] == [1, 900000000]


def test_csv_line_longer_than_a_row_can_need_is_refused():
    data = b"1;a@example.com\n2;b@example.com;" + b";" * recipient_file.MAX_LINE_CHARS
    with pytest.raises(FileError, match="Line 2 is 1048592 characters long"):
        check_file(data, "x.csv")


_PEAK_RSS = """
import resource, sys
sys.path.insert(0, sys.argv[2])
from distribution import recipient_file
data = open(sys.argv[1], "rb").read()
try:
    report = recipient_file.check_file(data, sys.argv[1])
    recipient_file.errors_csv(report)
    print(report.error_count, len(report.errors))
except recipient_file.FileError as err:
    print("FileError", err)
# The peak of this process alone: Linux keeps ru_maxrss across exec, so it
# would count the forking pytest's own peak; VmHWM is the new image's.
try:
    with open("/proc/self/status") as status:
        hwm = [line for line in status if line.startswith("VmHWM:")]
    print(int(hwm[0].split()[1]) // 1024)
except (OSError, IndexError):
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


@pytest.mark.parametrize(
    ("name", "content", "outcome"),
    [
        # The 5 MB CSV: one row of 2.6 M cells (3.2 GB before).
        ("row.csv", b"1;a@example.com;" + b"x;" * 2_600_000, "FileError Line 1"),
        # 5 MB, 2.6 M values in 52 000 rows of 50 stray values each.
        (
            "rows.csv",
            b"".join(
                b"%d;a@example.com;" % n + b"x;" * 50 + b"\n" for n in range(52_000)
            ),
            "780000 1000",
        ),
        # One row of 4.9 M cells zipped to some 150 KB (6.2 GB before).
        (
            "row.xlsx",
            _raw_xlsx(b'<row r="1">' + b"<c><v>1</v></c>" * 4_900_000 + b"</row>"),
            "FileError The worksheet has a row with more than",
        ),
    ],
    ids=["csv-one-row", "csv-many-rows", "xlsx-one-row"],
)
def test_peak_memory_of_hostile_files(tmp_path, name, content, outcome):
    path = tmp_path / name
    path.write_bytes(content)
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, str(path), str(root)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    first, peak = result.stdout.strip().splitlines()
    assert first.startswith(outcome)
    assert int(peak) < 300, f"peak RSS {peak} MB"


# --------------------------------------------------------------------------
# Downloads: CSV injection, file names
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Invalid address =1@x: ...", "Invalid address =1@x: ..."),
        ("", ""),
        (5, 5),
        (-5, -5),
        (None, None),
    ],
)
def test_csv_cell_neutralises_formula_triggers(value, expected):
    assert recipient_file.csv_cell(value) == expected


@pytest.mark.parametrize("kind", ["report", "tuples"])
def test_errors_csv_neutralises_every_cell(kind):
    errors = [(1, "A", "=cmd|' /C calc'!A0"), (2, "-B", "@x"), (3, "", "+1")]
    if kind == "report":
        errors = Report(
            errors=[
                RowError(row, column, CoreMessage(text)) for row, column, text in errors
            ]
        )
    rows = list(
        csv.reader(
            io.StringIO(
                errors_csv(errors, header=("=Row", "Col", "Msg")).decode("utf-8-sig")
            )
        )
    )
    assert rows == [
        ["'=Row", "Col", "Msg"],
        ["1", "A", "'=cmd|' /C calc'!A0"],
        ["2", "'-B", "'@x"],
        ["3", "", "'+1"],
    ]


def test_error_of_a_formula_in_a_customer_number_is_safe_to_open():
    report = check_file(b'"=HYPERLINK(""http://evil"")";a@example.com;=1+2\n', "x.csv")
    text = errors_csv(report).decode("utf-8-sig")
    for row in list(csv.reader(io.StringIO(text)))[1:]:
        assert not row[2].startswith(("=", "+", "-", "@"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("directory-errors.csv", "directory-errors.csv"),
        ("Répertoire clients (2).xlsx", "Répertoire clients (2).xlsx"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\directory.csv", "directory.csv"),
        ("a\"b'c`d.csv", "a_b_c_d.csv"),
        ("x\r\nContent-Type: text.csv", "x_Content-Type_ text.csv"),
        ("list\u202egpj.exe", "list_gpj.exe"),
        ("a?b#c%d&e;f.csv", "a_b_c_d_e_f.csv"),
        ("..", "file"),
        ("", "file"),
        (None, "file"),
        (" . ", "file"),
        (".hidden.csv", "hidden.csv"),
        ("con.csv", "_con.csv"),
        ("LPT1", "_LPT1"),
        ("x" * 300 + ".csv", "x" * 96 + ".csv"),
        ("a." + "b" * 300, "a." + "b" * 98),
    ],
)
def test_safe_filename(name, expected):
    assert recipient_file.safe_filename(name) == expected
    assert len(recipient_file.safe_filename(name)) <= 100


def test_xlsx_with_more_rows_than_excel_allows_is_refused(monkeypatch):
    monkeypatch.setattr(recipient_file, "MAX_SHEET_ROWS", 1000)
    rows = b"<row/>" * 1000 + b'<row r="1001">' + _inline("A1001", "1")
    rows += _inline("B1001", "a@example.com") + b"</row>"
    assert check_file(_raw_xlsx(rows.replace(b"<row/>", b"", 1)), "x.xlsx").ok
    with pytest.raises(FileError, match="more than 1000 rows, more than Excel"):
        check_file(_raw_xlsx(rows), "x.xlsx")


def test_every_part_is_scanned_whatever_its_name():
    """openpyxl opens the sheet the relationships name, with any extension."""
    row = b'<row r="1">' + b"<c><v>1</v></c>" * 16385 + b"</row>"
    data = _raw_xlsx(row).replace(b"sheet1.xml", b"sheet1.bin")
    with pytest.raises(FileError, match="more than 16384 cells"):
        check_file(data, "x.xlsx")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_cell_longer_than_excel_allows_is_one_error(kind):
    long_cell = "x@ " * 11_000
    rows = [("1", long_cell), ("2", "a@example.com", "y" * 32_768), ("3", "b@x.fi")]
    if kind == "csv":
        data = "".join(";".join(row) + "\n" for row in rows).encode()
    else:  # openpyxl would cut the strings at 32 767 characters on saving
        data = _raw_xlsx(
            b"".join(
                b'<row r="%d">' % number
                + b"".join(
                    _inline(f"{letter}{number}", value)
                    for letter, value in zip("ABC", row, strict=False)
                )
                + b"</row>"
                for number, row in enumerate(rows, 1)
            )
        )
    report = check_file(data, f"x.{kind}")
    assert [(e.row, e.column) for e in report.errors] == [(1, "B"), (2, "C")]
    assert "The cell holds 32999 characters, more than the 32767" in (
        report.errors[0].text
    )
    assert [entry.customer_number for entry in report.entries] == ["3"]


def test_xlsx_text_node_longer_than_any_cell_is_refused():
    cell = b'<c t="inlineStr"><is><t>' + b"x@ " * 400_000 + b"</t></is></c>"
    row = b'<row r="1">' + _inline("A1", "1") + cell + b"</row>"
    with pytest.raises(FileError, match="more than 1 MB of text in one piece"):
        check_file(_raw_xlsx(row), "x.xlsx")
    # A long but possible cell is read (and refused as a cell).
    cell = b'<c t="inlineStr"><is><t>' + b"x@ " * 100_000 + b"</t></is></c>"
    row = b'<row r="1">' + _inline("A1", "1") + cell + b"</row>"
    report = check_file(_raw_xlsx(row), "x.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(1, "B")]
