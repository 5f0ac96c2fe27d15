"""Regenerate the sample directory files of this folder.

The samples are committed; this script documents how each was made and
rebuilds them: ``python tests_core/samples/recipients/make_samples.py``.
It needs openpyxl; ``encrypted.xlsx`` also needs ``msoffcrypto-tool`` (not a
project dependency: install it in a throw-away virtualenv), and is kept as
committed when that is missing.  The tests read the files; they never run
this script.
"""

import io
import re
import struct
import sys
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
CRLF = "\r\n"


def write(name, data):
    (HERE / name).write_bytes(data)
    sys.stdout.write(f"{name}: {len(data)} bytes\n")


def text_file(lines, encoding="utf-8", bom=False):
    text = CRLF.join(lines) + CRLF
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def workbook(rows, title="Recipients"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_zip(data, name, transform):
    """Copy the archive *data*, passing member *name* through *transform*."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == name:
                content = transform(content)
            target.writestr(info.filename, content)
    return buffer.getvalue()


def declare_huge_size(data, name, size=0xF0000000):
    """Patch the declared uncompressed size of *name* (local + central).

    The archive stays small; only what it claims to unpack to is absurd,
    which is what the zip-bomb check must catch before anything is inflated.
    """
    data = bytearray(data)
    encoded = name.encode()
    for signature, size_offset, name_length_offset, header_length in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        position = data.find(signature)
        while position != -1:
            (name_length,) = struct.unpack_from(
                "<H", data, position + name_length_offset
            )
            start = position + header_length
            if bytes(data[start : start + name_length]) == encoded:
                struct.pack_into("<I", data, position + size_offset, size)
            position = data.find(signature, position + 4)
    return bytes(data)


def minimal_cfb():
    """The 512-byte header of an OLE2 compound file, then empty sectors.

    Enough for format detection (the magic number), which is all the code
    looks at: a stand-in for a legacy .xls that needs no Excel to produce.
    """
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<H", header, 32, 6)
    return bytes(header) + b"\x00" * 1024


def csv_samples():
    write(
        "valid_comma.csv",
        text_file(
            [
                "# Recipient directory, comma-separated, UTF-8 without BOM",
                "Customer number,E-mail,CC",
                '10023,"ap@example.com, billing@example.com",cfo@example.com',
                "10024,invoices@example.com",
                "",
                " 10025 , AP@Example.COM ,",
                "C-77,ap@example.com",
            ]
        ),
    )
    write(
        "valid_semicolon_bom.csv",
        text_file(
            [
                "Asiakasnumero;Sähköposti;Kopio",
                "10023;ap@example.com, billing@example.com;",
                "10024;invoices@example.com;cfo@example.com, audit@example.com",
                "10025;reskontra@example.com",
            ],
            bom=True,
        ),
    )
    write(
        "valid_tab.csv",
        text_file(
            [
                "Customer number\tE-mail\tCC",
                "10023\tap@example.com; billing@example.com\t",
                "10024\tinvoices@example.com\tcfo@example.com",
            ]
        ),
    )
    write(
        "cp1252.csv",
        text_file(
            [
                "# Liste export\u00e9e depuis Excel (Windows) \u2013 \u20ac",
                "Num\u00e9ro client;Adresse e-mail;Copie",
                "M\u00dcLLER-1;compta@example.com;",
                "CAF\u00c9-2;factures@example.com;direction@example.com",
            ],
            encoding="cp1252",
        ),
    )
    write(
        "comments.csv",
        text_file(
            [
                "# First comment line",
                '# An unbalanced "quote, in a comment; must not swallow lines',
                "   # an indented comment",
                "10001,a@example.com",
                "# a comment between data rows",
                '10002,"a@example.com',
                '#b@example.com"',
                "#10003,commented-out@example.com",
                "10004,c@example.com",
            ]
        ),
    )
    write(
        "old_template.csv",
        text_file(
            [
                "Customer number;E-mail;Old column C;Old column D",
                "10023;ap@example.com;;obsolete",
                "10024;invoices@example.com;cfo@example.com;",
            ]
        ),
    )
    too_many = " ".join(f"user{n}@example.com" for n in range(51))
    write(
        "errors.csv",
        text_file(
            [
                "# Every kind of row error; the tests name them by file line",
                "Customer number;E-mail;CC",
                "10001;ok@example.com;",
                ";nobody@example.com;",
                "10003;x@;",
                "10004;a@example.com,,b@example.com;",
                "10001;again@example.com;",
                "10006;;",
                "10007;ok@example.com;cc@",
                "10008;Bob <bob@example.com>;",
                "10009;ok@example.com;;stray@example.com",
                "X" * 65 + ";ok@example.com;",
                '"100\n11";ok@example.com;',
                "10012;ok@example.com;",
                f"10013;{too_many};",
                '10014;"a@example.com;b@example.com";',
                "10015;ok@example.com;cc@example.com, ,dd@example.com",
                "10016;ok@example.com;",
            ]
        ),
    )
    write("empty.csv", b"")
    write(
        "only_comments.csv",
        text_file(["# nothing but comments", "Customer number;E-mail;CC"]),
    )


def xlsx_samples():
    valid = workbook(
        [
            ("# Recipient directory (Excel); comment rows start with #",),
            ("Customer number", "E-mail", "CC"),
            (10023.0, "ap@example.com", None),
            (10024, "ap@example.com billing@example.com", "cfo@example.com"),
            (),
            ("C-77", "  invoices@EXAMPLE.com ", "a@example.com; b@example.com"),
            ("# a comment between data rows",),
            ("00123", "zero@example.com", None),
        ]
    )
    write("valid.xlsx", valid)
    write(
        "errors.xlsx",
        workbook(
            [
                ("Customer number", "E-mail", "CC"),
                (None, "a@example.com"),
                (10023.0, "x@"),
                (10023, "b@example.com"),
                (1.2345678901234567e19, "big@example.com"),
                (10026, '=CONCAT("a","@example.com")'),
                ("=1+1", "ok@example.com"),
                (10028, "ok@example.com", None, None, "stray"),
                (10029, "ok@example.com", "cc@@example.com"),
                (10030, "a@example.com,,b@example.com"),
                (10031, None, "cc@example.com"),
                (10032, "ok@example.com"),
            ]
        ),
    )
    with_formula = workbook(
        [
            ("Customer number", "E-mail"),
            (10023, '=LOWER("AP@EXAMPLE.COM")'),
            (10024, "invoices@example.com"),
        ]
    )
    write("formula_no_value.xlsx", with_formula)
    write(
        "formula_cached.xlsx",
        rewrite_zip(
            with_formula,
            "xl/worksheets/sheet1.xml",
            lambda xml: re.sub(
                rb'<c r="B2"><f>(.*?)</f><v ?/>(</v>)?</c>',
                rb'<c r="B2" t="str"><f>\1</f><v>ap@example.com</v></c>',
                xml,
            ),
        ),
    )
    write("corrupt_truncated.xlsx", valid[: len(valid) // 2])
    write(
        "corrupt_sheet.xlsx",
        rewrite_zip(
            valid,
            "xl/worksheets/sheet1.xml",
            lambda xml: xml[: len(xml) // 2],
        ),
    )
    write("zip_bomb.xlsx", declare_huge_size(valid, "xl/worksheets/sheet1.xml"))
    write("legacy.xls", minimal_cfb())
    try:
        import msoffcrypto.format.ooxml
    except ImportError:
        sys.stdout.write("encrypted.xlsx: kept (msoffcrypto-tool is not installed)\n")
    else:
        encrypted = io.BytesIO()
        msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(valid)).encrypt(
            "secret", encrypted
        )
        write("encrypted.xlsx", encrypted.getvalue())


if __name__ == "__main__":
    csv_samples()
    xlsx_samples()
    sys.exit(0)
