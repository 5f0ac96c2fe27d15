"""Peak memory and time of the directory check on hostile files (prints a table).

Not a test: it asserts nothing.  Issue #9 measured 3.2 GB for a 5 MB CSV of
one row with 2.6 M empty cells, and 6.2 GB for a 585 KB workbook of one
4.9 M-cell row.  Each input below is written into a temporary directory, near
the default size limit (20 MB), and checked in a fresh subprocess that does
what the command line and the import wizard do with it: ``check_file``, the
JSON report (``to_dict``) and the error CSV (``errors_csv``).  The child
reports its peak resident set size (``ru_maxrss``) and the elapsed time.

Children run under an address-space limit (``--limit-mb``, 6 000 MB by
default) so that the old code fails with MemoryError instead of swapping;
such a row shows ``MemoryError`` in place of the figures.

Run from the addon's root: ``.venv/bin/python bench/bench_memory.py
[--only NAME] [--limit-mb N] [--timeout S]``.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
SIZE = 20 * MB - 4096  # just under recipient_file.DEFAULT_MAX_BYTES

_CHILD = """
import io, json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from distribution import recipient_file
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
result = {}
try:
    report = recipient_file.check_file(data, sys.argv[1])
    json.dumps(report.to_dict())
    recipient_file.errors_csv(report)
    result["rows"] = report.rows
    result["listed"] = len(report.errors)
    result["errors"] = getattr(report, "error_count", len(report.errors))
except recipient_file.FileError as err:
    result["file_error"] = str(err)[:70]
except MemoryError:
    result["file_error"] = "MemoryError"
result["seconds"] = time.perf_counter() - start
result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def csv_one_row_empty_cells(path):
    """One row, then nothing but delimiters: ~20 M empty cells."""
    head = b"10023;a@example.com;"
    path.write_bytes(head + b";" * (SIZE - len(head)))


def csv_one_row_values(path):
    """One row with ~10 M one-letter cells beyond column C."""
    head = b"10023;a@example.com;;"
    path.write_bytes(head + b"x;" * ((SIZE - len(head)) // 2))


def csv_many_rows_many_cells(path):
    """100 000 rows of ~200 bytes: an address, then ~90 stray values."""
    rows = []
    size = 0
    for n in range(100_000):
        row = f"{n};a{n}@example.com;;" + "x;" * 90 + "\n"
        size += len(row)
        if size > SIZE:
            break
        rows.append(row)
    path.write_text("".join(rows))


def csv_100k_error_rows(path):
    """100 000 rows, each with three invalid addresses and a stray value."""
    path.write_text(
        "".join(f"{n};x@ y@ @z.example;bad;stray\n" for n in range(100_000))
    )


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def write_sheet(path, rows_xml):
    """A minimal workbook whose first sheet's rows are the given XML chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for chunk in rows_xml:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")


_CELL = b"<c><v>1</v></c>"
# The unpacked-size limit (200 MB) bounds a sheet, not the archive's size.
_UNPACKED = 190 * MB


def xlsx_one_huge_row(path):
    """One row of ~12 M cells (the issue's 4.9 M-cell row, larger)."""
    count = _UNPACKED // len(_CELL)
    head = (
        b'<row r="1"><c t="inlineStr"><is><t>10023</t></is></c>'
        b'<c t="inlineStr"><is><t>a@example.com</t></is></c>'
    )
    per_chunk = 100_000

    def chunks():
        yield head
        for _ in range(count // per_chunk):
            yield _CELL * per_chunk
        yield b"</row>"

    write_sheet(path, chunks())


def xlsx_rows_of_excel_width(path):
    """Rows of 16 384 cells each (Excel's widest), until the unpacked limit."""
    row_cells = _CELL * 16_382
    per_row = len(row_cells) + 120
    rows = _UNPACKED // per_row

    def chunks():
        for n in range(1, rows + 1):
            yield (
                (
                    f'<row r="{n}"><c t="inlineStr"><is><t>{n}</t></is></c>'
                    f'<c t="inlineStr"><is><t>a{n}@example.com</t></is></c>'
                ).encode()
                + row_cells
                + b"</row>"
            )

    write_sheet(path, chunks())


def xlsx_far_column_cells(path):
    """99 999 rows with a value in column XFD, then a row numbered 900 M."""

    def chunks():
        for n in range(1, 100_000):
            yield (
                f'<row r="{n}"><c r="A{n}"><v>{n}</v></c>'
                f'<c r="B{n}" t="inlineStr"><is><t>a{n}@example.com</t></is></c>'
                f'<c r="XFD{n}"><v>1</v></c></row>'
            ).encode()
        yield b'<row r="900000000"><c r="A900000000"><v>1</v></c></row>'

    write_sheet(path, chunks())


def xlsx_empty_rows(path, count):
    """*count* empty row elements, no dimension recorded."""
    per_chunk = 100_000

    def chunks():
        for start in range(0, count, per_chunk):
            yield b"<row/>" * min(per_chunk, count - start)
        yield b'<row><c t="inlineStr"><is><t>1</t></is></c>'
        yield b'<c t="inlineStr"><is><t>a@example.com</t></is></c></row>'

    write_sheet(path, chunks())


def xlsx_one_huge_cell(path):
    """One cell of 60 M broken addresses (180 MB of text, 170 KB zipped)."""

    def chunks():
        yield b'<row r="1"><c t="inlineStr"><is><t>10023</t></is></c>'
        yield b'<c t="inlineStr"><is><t>'
        for _ in range(60):
            yield b"x@ " * 1_000_000
        yield b"</t></is></c></row>"

    write_sheet(path, chunks())


def csv_long_cells(path):
    """6 500 rows whose column B holds 1 000 broken addresses (20 MB)."""
    cell = "x@ " * 1000
    path.write_text("".join(f"{n};{cell}\n" for n in range(6_500)))


INPUTS = {
    "csv: 1 row, 20 M empty cells": ("csv", csv_one_row_empty_cells),
    "csv: 1 row, 10 M values": ("csv", csv_one_row_values),
    "csv: 100k rows x 90 values": ("csv", csv_many_rows_many_cells),
    "csv: 100k rows all errors": ("csv", csv_100k_error_rows),
    "csv: 6 500 cells of 1 000 errors": ("csv", csv_long_cells),
    "xlsx: 1 row, 12 M cells": ("xlsx", xlsx_one_huge_row),
    "xlsx: one 180 MB cell": ("xlsx", xlsx_one_huge_cell),
    "xlsx: rows of 16 384 cells": ("xlsx", xlsx_rows_of_excel_width),
    "xlsx: 100k rows, cell in XFD": ("xlsx", xlsx_far_column_cells),
    "xlsx: 1 048 575 empty rows": (
        "xlsx",
        lambda path: xlsx_empty_rows(path, 1_048_575),
    ),
    "xlsx: 30 M empty rows": ("xlsx", lambda path: xlsx_empty_rows(path, 30_000_000)),
}


def _limit(megabytes):
    def apply():
        limit = megabytes * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def measure(path, limit_mb, timeout):
    """Run the check in a fresh interpreter; returns its JSON result."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), str(ROOT)],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_limit(limit_mb),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"file_error": f"timeout after {timeout} s"}
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"file_error": last[:70], "seconds": time.perf_counter() - start}
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=None, help="run inputs containing this")
    parser.add_argument("--limit-mb", type=int, default=6000)
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()
    write = sys.stdout.write
    write(f"{'input':30} {'size':>8} {'peak RSS':>10} {'time':>8}  outcome\n")
    with tempfile.TemporaryDirectory() as tmp:
        for label, (suffix, writer) in INPUTS.items():
            if args.only and args.only not in label:
                continue
            path = Path(tmp, f"hostile.{suffix}")
            writer(path)
            size = path.stat().st_size
            result = measure(path, args.limit_mb, args.timeout)
            peak = result.get("peak_mb")
            seconds = result.get("seconds")
            if "file_error" in result:
                outcome = f"refused/failed: {result['file_error']}"
            else:
                outcome = (
                    f"rows={result['rows']} errors={result['errors']} "
                    f"(listed {result['listed']})"
                )
            write(
                f"{label:30} {size / MB:6.2f}MB "
                f"{f'{peak:8.0f}MB' if peak else '       -  '} "
                f"{f'{seconds:7.1f}s' if seconds else '      - '}  {outcome}\n"
            )
            sys.stdout.flush()
            path.unlink()


if __name__ == "__main__":
    main()
