"""Benchmark ``check_file`` on 100 000-row directory files (prints figures).

Not a test: it asserts nothing.  It writes a CSV and two .xlsx files into a
temporary directory and prints rows per second of ``check_file`` on each:

* ``csv``: UTF-8 with a BOM, ``;``-separated, as Excel saves it;
* ``xlsx (Excel-like)``: shared strings and a ``<dimension>`` element, the way
  Excel writes workbooks;
* ``xlsx (openpyxl)``: saved by openpyxl's write-only mode, with inline
  strings and no ``<dimension>``, so openpyxl parses the sheet once more just
  to size it: the slowest realistic case.

Each row has a customer number, one or two addresses in B (local parts all
different, domains from a pool of 2 000) and a CC on every third row.  The
address caches are cleared before each run so that the figures are cold.

Run from the addon's root: ``.venv/bin/python bench/bench_check_recipients.py
[ROWS] [RUNS]``.
"""

import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from distribution import addresses, recipient_file


def make_rows(count):
    rows = []
    for n in range(count):
        domain = f"customer{n % 2000}.example.com"
        to = f"ap.{n}@{domain}"
        if n % 2:
            to += f" invoices.{n}@{domain}"
        cc = f"controller.{n}@{domain}" if n % 3 == 0 else ""
        rows.append((str(100000 + n), to, cc))
    return rows


def write_csv(rows, path):
    lines = ["# benchmark directory", "Customer number;E-mail;CC"]
    lines += [";".join(row) for row in rows]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def write_xlsx_openpyxl(rows, path):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Customer number", "E-mail", "CC"])
    for number, to, cc in rows:
        sheet.append([int(number), to, cc or None])
    book.save(path)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def write_xlsx_excel_like(rows, path):
    """A minimal workbook laid out as Excel writes one: shared strings."""
    strings, index = [], {}

    def shared(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    sheet_rows = []
    for number, (a, b, c) in enumerate([("Customer number", "E-mail", "CC"), *rows]):
        row = number + 1
        cells = []
        if a.isdigit():
            cells.append(f'<c r="A{row}"><v>{a}</v></c>')
        else:
            cells.append(f'<c r="A{row}" t="s"><v>{shared(a)}</v></c>')
        cells.append(f'<c r="B{row}" t="s"><v>{shared(b)}</v></c>')
        if c:
            cells.append(f'<c r="C{row}" t="s"><v>{shared(c)}</v></c>')
        sheet_rows.append(f'<row r="{row}">{"".join(cells)}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:C{len(rows) + 1}"/><sheetData>'
        + "".join(sheet_rows)
        + "</sheetData></worksheet>"
    )
    shared_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared_xml)


def measure(path, runs):
    data = path.read_bytes()
    timings = []
    for _run in range(runs):
        report = None
        addresses._syntax.cache_clear()
        addresses._domain.cache_clear()
        start = time.perf_counter()
        report = recipient_file.check_file(data, path.name)
        timings.append(time.perf_counter() - start)
        summary = (report.rows, len(report.errors))
    return summary, statistics.median(timings), min(timings), len(data)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rows = make_rows(count)
    sys.stdout.write(
        f"{count} rows, {runs} runs each, {os.cpu_count()} CPUs, cold caches\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        files = [
            ("csv", Path(tmp, "directory.csv"), write_csv),
            ("xlsx (Excel-like)", Path(tmp, "excel.xlsx"), write_xlsx_excel_like),
            ("xlsx (openpyxl)", Path(tmp, "openpyxl.xlsx"), write_xlsx_openpyxl),
        ]
        for label, path, writer in files:
            writer(rows, path)
            (rows_read, errors), median, best, size = measure(path, runs)
            sys.stdout.write(
                f"{label:18} {size / 1e6:6.1f} MB  rows={rows_read} "
                f"errors={errors}  median {median:6.2f} s "
                f"= {rows_read / median:8.0f} rows/s  "
                f"(best {rows_read / best:8.0f} rows/s)\n"
            )


if __name__ == "__main__":
    main()
