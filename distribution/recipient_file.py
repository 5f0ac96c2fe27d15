"""Read and validate recipient directory files (.xlsx or .csv).

The data contract of a directory file (seeds 03 and 04):

* column A: the customer number as printed on the documents;
* column B: the e-mail address(es), several separated by whitespace, ``;``
  or ``,``;
* column C (optional): address(es) in copy (CC), separated the same way;
* nothing in columns D and beyond: an old template had a column C that had
  to be deleted before upload, so a stray column is reported rather than
  ignored;
* rows whose first cell starts with ``#`` are comments; empty rows are
  skipped; the first other row may be a header (see :func:`is_header`);
* one document type per file, chosen by whoever imports it.

:func:`check_file` reads the whole file and returns a :class:`Report` with
every row error at once, because "nothing is imported if the list has errors"
and a user fixing a file one error per upload would give up.  Problems that
make the file unreadable as a whole raise :class:`FileError` instead.

Files come from strangers' spreadsheets, so the reader is defensive: the
content decides the format (the file name is only a hint for the message),
legacy and encrypted Office files are recognised by their OLE2 signature,
and a workbook whose declared unpacked size is absurd is refused before
openpyxl unpacks anything.

Nothing read is kept in proportion to the number of cells, so that any file
within the size limits is checked in bounded memory (``bench/bench_memory.py``
measures it): only columns A to P of a row are kept and any value further
right counts as one error for the row; a CSV line longer than
``MAX_LINE_CHARS``, or a worksheet row with more cells or a sheet with more
rows than Excel allows (found by streaming the XML before openpyxl parses
it), makes the file unreadable; and the report keeps the first
``MAX_ERRORS`` errors and counts the rest.
"""

import csv
import io
import itertools
import json
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from .addresses import check_addresses, display_address
from .i18n import CoreMessage, _

DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ZIP_RATIO = 20
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_CUSTOMER_NUMBER_LENGTH = 64
MAX_ADDRESSES_PER_ROW = 50
# Errors listed in a report; the rest are only counted (Report.omitted_errors).
MAX_ERRORS = 1000
# Columns of a row that are kept (A to P); further values are one error.
MAX_COLUMNS = 16
# Longest CSV line read: a valid row needs some 13 000 characters at most.
MAX_LINE_CHARS = 1024 * 1024
# Excel's longest cell; a longer cell of columns A-C is one error, unread.
MAX_CELL_CHARS = 32767
# Excel's widest row; a worksheet row with more cell elements is refused.
MAX_SHEET_ROW_CELLS = 16384
# Excel's longest sheet; a worksheet with more row elements is refused.
MAX_SHEET_ROWS = 1048576
# Longest text between two tags of a workbook's XML (a cell holds ~200 KB).
MAX_XML_TEXT = 1024 * 1024
_SCAN_CHUNK = MAX_XML_TEXT  # a longer gap must then span two chunks
DOCUMENT_TYPES = ("invoice", "other")
DELIMITERS = ("\t", ";", ",")
# Excel keeps 15 significant digits: a longer number typed in a cell that is
# not formatted as text has already lost its last digits.
EXCEL_EXACT_DIGITS_LIMIT = 10**15

MB = 1024 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Control characters that do not occur in text files (tab, line breaks and
# form feeds do); C1 controls show up when binary data is decoded as latin-1.
_BINARY = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BINARY_SAMPLE = 4096
_BINARY_SHARE = 0.05
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Well-formed UTF-8 multi-byte sequences, and any byte outside ASCII.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
# UTF-8 lead and continuation bytes as Windows-1252 shows them ("Ã©" for "é").
_CP1252_LEAD = bytes(range(0xC2, 0xF5)).decode("cp1252")
_CP1252_CONTINUATION = bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")
_DOUBLE_ENCODED = re.compile(
    f"[{re.escape(_CP1252_LEAD)}][{re.escape(_CP1252_CONTINUATION)}]{{1,3}}"
)
_DIGIT = re.compile(r"\d")
# Cell starts that spreadsheets evaluate (OWASP, CSV injection).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_FILENAME_UNSAFE = re.compile(r"[^\w .()-]|_", re.UNICODE)
_WINDOWS_DEVICES = frozenset(
    (
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"{kind}{n}" for kind in ("COM", "LPT") for n in range(1, 10)),
    )
)
# A formula element in worksheet XML: <f>, <f t="shared" .../>, <x:f>.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


class FileError(Exception):
    """The file cannot be read at all; ``message`` says why (a CoreMessage)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem of one row: file row (1-based), column letter, message."""

    row: int
    column: str | None
    message: CoreMessage

    @property
    def text(self):
        return str(self.message)

    def to_dict(self):
        return {"row": self.row, "column": self.column, "message": self.text}


@dataclass(frozen=True)
class Entry:
    """A valid row: normalised To and CC addresses of one customer number."""

    customer_number: str
    to: tuple
    cc: tuple
    row: int

    def to_dict(self):
        return {
            "customer_number": self.customer_number,
            "to": list(self.to),
            "cc": list(self.cc),
            "row": self.row,
        }


@dataclass
class Report:
    """The outcome of :func:`check_file`.

    ``rows`` counts data rows (header, comments and empty rows excluded);
    ``entries`` holds the rows without errors, ``errors`` the first
    ``MAX_ERRORS`` problems in file order and ``omitted_errors`` the number
    of further problems, counted but not kept (say "and N more errors");
    ``error_count`` is the total.  ``document_type`` echoes the type the file
    was checked for; ``encoding`` names the encoding a CSV file was read in
    (``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``utf-16-be``, ``cp1252`` or
    ``latin-1``; None for a workbook), so that a guess can be shown.
    """

    rows: int = 0
    entries: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    document_type: str = "invoice"
    omitted_errors: int = 0
    encoding: str | None = None

    @property
    def ok(self):
        return not self.errors and not self.omitted_errors

    @property
    def error_count(self):
        return len(self.errors) + self.omitted_errors

    def to_dict(self):
        return {
            "ok": self.ok,
            "rows": self.rows,
            "error_count": self.error_count,
            "omitted_errors": self.omitted_errors,
            "encoding": self.encoding,
            "errors": [error.to_dict() for error in self.errors],
            "entries": [entry.to_dict() for entry in self.entries],
        }


def _megabytes(size):
    """``20``, ``2.5``, ``3840``, ``0.001``: a size in MB as people write it."""
    value = size / MB
    if value >= 1:
        text = f"{value:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return f"{value:.2g}"


def column_letter(index):
    """Spreadsheet letter of the 0-based column *index* (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --------------------------------------------------------------------------
# Format detection and decoding
# --------------------------------------------------------------------------


def _has_extension(filename, *extensions):
    return bool(filename) and filename.lower().endswith(extensions)


def _encrypted_error():
    return FileError(
        CoreMessage(
            _(
                "The workbook is password-protected (encrypted). Remove the "
                "password in Excel, save it, and upload it again."
            )
        )
    )


def _ole2_error(data, filename):
    """An OLE2 compound file is either an encrypted OOXML file or legacy Office.

    Excel saves a password-protected .xlsx as a compound file holding an
    ``EncryptedPackage`` stream (its name is stored in UTF-16); without that
    marker it is most likely an Excel 97-2003 workbook, unless the name says
    .xlsx, which only an encrypted workbook would produce.
    """
    if _ENCRYPTED_STREAM in data or _has_extension(filename, ".xlsx", ".xlsm"):
        return _encrypted_error()
    return FileError(
        CoreMessage(
            _(
                "The file is an old Excel 97-2003 workbook (.xls) or another legacy "
                "Office file. Save it as an Excel workbook (.xlsx) or as CSV."
            )
        )
    )


def _not_a_directory_file(filename):
    if _has_extension(filename, ".xlsx", ".xlsm"):
        return FileError(
            CoreMessage(
                _(
                    "The file is named like an Excel workbook but is not one; "
                    "it may be damaged. Save it again as .xlsx or as CSV."
                )
            )
        )
    return FileError(
        CoreMessage(
            _("The file is neither an Excel workbook (.xlsx) nor a CSV text file.")
        )
    )


def _decode(data):
    """Decode CSV bytes; returns ``(text, encoding)``, or None when not text.

    The rule, in order:

    * a byte-order mark decides (Excel writes UTF-8 with a BOM, its "Unicode
      text" is UTF-16); bytes that do not decode after a UTF-8 BOM are a
      :class:`FileError` naming the line;
    * UTF-16 without a BOM is recognised by its NUL bytes, nearly all on
      the odd (little-endian) or the even (big-endian) positions;
    * any other NUL byte means binary data;
    * valid UTF-8 is UTF-8, unless it reads like UTF-8 text that was once
      decoded as Windows-1252 and saved again (``Ã©`` for ``é``), which is
      a :class:`FileError` showing the garbled text;
    * bytes that are not valid UTF-8 but hold well-formed UTF-8 sequences
      too (a file cut in the middle of a character, or two encodings mixed)
      are a :class:`FileError` naming the first bad line, because reading
      them as Windows-1252 would import garbled text silently;
    * otherwise Windows-1252 (Excel's "CSV" on Western Windows), then
      latin-1, which decodes anything and so is judged by the share of
      control characters it produces.

    The encoding used is returned so that the report can say it.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as err:
                if encoding != "utf-8":
                    return None
                raise _invalid_utf8(data, err.start + len(bom)) from err
            encoding += "-sig" if encoding == "utf-8" else ""
            break
    else:
        encoding = _utf16_without_bom(data)
        if encoding:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
        elif b"\x00" in data:
            return None
        else:
            text, encoding = _decode_8bit(data)
    sample = text[:_BINARY_SAMPLE]
    controls = len(_BINARY.findall(sample))
    if "\x00" in text or (controls > 4 and controls > _BINARY_SHARE * len(sample)):
        return None
    if encoding.startswith("utf-8"):
        _refuse_double_encoded(text)
    return text, encoding


def _utf16_without_bom(data):
    """``utf-16-le``/``-be`` when the NUL bytes say so, else None.

    Text in UTF-16 has a NUL beside nearly every ASCII character, on the
    odd positions in little-endian and the even ones in big-endian; a file
    with NULs on both sides is binary.
    """
    sample = data[:_BINARY_SAMPLE]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    pairs = len(sample) // 2
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _decode_8bit(data):
    """UTF-8, or Windows-1252/latin-1 when the bytes are not UTF-8 at all."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        first_bad = err.start
    valid = len(_UTF8_SEQUENCE.findall(data))
    invalid = len(_HIGH_BYTE.findall(data)) - valid  # a rough count, enough
    if valid and valid * 4 >= invalid:
        raise _invalid_utf8(data, first_bad)
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _invalid_utf8(data, position):
    line = data.count(b"\n", 0, position) + 1
    return FileError(
        CoreMessage(
            _(
                "The file is meant to be UTF-8 text, but line %(line)s holds "
                "bytes that are not UTF-8 (%(bytes)s). It may have been cut "
                'short or mix two encodings; export it again as "CSV UTF-8" '
                "and upload it again."
            ),
            line=line,
            bytes=" ".join(f"0x{byte:02X}" for byte in data[position : position + 4]),
        )
    )


def _refuse_double_encoded(text):
    """Refuse UTF-8 text garbled by a Windows-1252 round trip (``Ã©``)."""
    for match in _DOUBLE_ENCODED.finditer(text):
        try:
            fixed = match.group().encode("cp1252").decode("utf-8")
        except UnicodeError:
            continue
        start = text.rfind("\n", 0, match.start()) + 1
        raise FileError(
            CoreMessage(
                _(
                    "The text of the file is garbled on line %(line)s: "
                    "%(garbled)s is probably %(fixed)s, UTF-8 text that was "
                    "read as Windows-1252 and saved again. Correct it, or "
                    'export the file again from the original as "CSV '
                    'UTF-8".'
                ),
                line=text.count("\n", 0, start) + 1,
                garbled=display_address(match.group()),
                fixed=display_address(fixed),
            )
        )


def _detect(data, filename):
    if not data:
        raise FileError(CoreMessage(_("The file is empty.")))
    if data.startswith(_ZIP_MAGIC):
        return "xlsx", None, None
    if data.startswith(_OLE2_MAGIC):
        raise _ole2_error(data, filename)
    decoded = _decode(data)
    if decoded is None:
        raise _not_a_directory_file(filename)
    return ("csv", *decoded)


def detect_format(data, filename=None):
    """Return ``"xlsx"`` or ``"csv"`` from the content of *data*.

    A zip archive is taken for a workbook (checked when read); an OLE2
    compound file raises :class:`FileError` (encrypted workbook or legacy
    .xls); anything that decodes as text is CSV, whatever its name; the rest
    raises :class:`FileError`.  *filename* only sharpens the messages.
    """
    return _detect(data, filename)[0]


# --------------------------------------------------------------------------
# Raw rows: (row number, cells as stripped strings, problems)
# --------------------------------------------------------------------------


@dataclass
class _Source:
    format: str
    rows: object  # iterator of (row, cells, problems)
    delimiter: str | None = None
    encoding: str | None = None


def _float_text(value):
    if value.is_integer():
        return str(int(value))
    return repr(value)


def _cell_text(value):
    """Text of a cell value as the user sees it: ``10023.0`` -> ``10023``."""
    if value is None:
        return ""
    kind = value.__class__
    if kind is str:
        return value.strip()
    if kind is int:
        return str(value)
    if kind is float:
        return _float_text(value)
    if kind is bool:
        return "TRUE" if value else "FALSE"
    return str(value).strip()


def _check_zip(data, max_bytes):
    """Refuse what is not a plain workbook before openpyxl unpacks anything.

    The sizes checked are those the archive declares; Python's zipfile never
    inflates a deflated entry beyond its declared size (it fails the CRC
    instead), so the declared total bounds what reading can cost.  Other
    compression methods (never used by Excel) are refused, since zipfile does
    not bound their output the same way.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as err:
        raise _damaged(err) from err
    limit = min(ZIP_RATIO * max_bytes, MAX_UNCOMPRESSED)
    total = sum(info.file_size for info in infos)
    if len(infos) > MAX_ZIP_ENTRIES or total > limit:
        raise FileError(
            CoreMessage(
                _(
                    "The workbook would unpack to %(size)s MB in %(count)s parts, "
                    "more than the %(max)s MB allowed; it is refused as a possible "
                    "zip bomb."
                ),
                size=_megabytes(total),
                count=len(infos),
                max=_megabytes(limit),
            )
        )
    names = {info.filename for info in infos}
    if any(info.flag_bits & 0x1 for info in infos):
        raise _encrypted_error()
    if any(
        info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        for info in infos
    ):
        raise FileError(
            CoreMessage(
                _("The file is a zip archive but not an Excel workbook."),
            )
        )
    if (
        "mimetype" in names
        and archive.getinfo("mimetype").file_size < 256
        and archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
    ):
        raise FileError(
            CoreMessage(
                _(
                    "OpenDocument spreadsheets (.ods) are not supported. Save the "
                    "file as an Excel workbook (.xlsx) or as CSV."
                )
            )
        )
    if "[Content_Types].xml" not in names:
        raise FileError(
            CoreMessage(_("The file is a zip archive but not an Excel workbook."))
        )
    return archive


def _too_wide_row():
    return FileError(
        CoreMessage(
            _(
                "The worksheet has a row with more than %(max)s cells, more than "
                "Excel allows; the workbook is damaged or was not saved by a "
                "spreadsheet program."
            ),
            max=MAX_SHEET_ROW_CELLS,
        )
    )


def _too_many_sheet_rows():
    return FileError(
        CoreMessage(
            _(
                "The worksheet has more than %(max)s rows, more than Excel "
                "allows; the workbook is damaged or was not saved by a "
                "spreadsheet program."
            ),
            max=MAX_SHEET_ROWS,
        )
    )


def _scan_parts(archive):
    """Stream every XML part once; returns the names of those with formulas.

    openpyxl builds every cell of a row before handing the row over (and
    does so already when it opens a sheet without recorded dimensions), so a
    row of millions of cells, a few hundred KB zipped, costs gigabytes; and
    it keeps an emptied element per row until the sheet ends.  Every part is
    scanned before openpyxl opens anything, whatever the workbook says its
    sheets are, and a row with more cell elements, or a part with more rows,
    than Excel allows is refused, as is an absurdly long text node.  The
    unpacked size was checked, so this reads a bounded amount; chunks are
    cut before their last ``<`` so that no tag is split.
    """
    with_formulas = set()
    for info in archive.infolist():
        if _scan_part(archive, info):
            with_formulas.add(info.filename)
    return with_formulas


def _scan_part(archive, info):
    formulas = False
    cells = 0  # cell elements of the current row so far
    rows = 0
    run = 0  # bytes since the last "<", in an XML part
    xml = None
    with archive.open(info) as stream:
        carry = b""
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            if xml is None:
                xml = chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
            if xml:
                run = _text_run(chunk, run)
            buffer = carry + chunk
            cut = buffer.rfind(b"<") if chunk else len(buffer)
            if cut <= 0:
                cut = len(buffer)
            text, carry = buffer[:cut], buffer[cut:]
            if not formulas and _FORMULA_TAG.search(text):
                formulas = True
            cells = _count_row_cells(text, cells)
            rows += len(_ROW_TAG.findall(text))
            if rows > MAX_SHEET_ROWS:
                raise _too_many_sheet_rows()
            if not chunk:
                return formulas


def _text_run(chunk, run):
    """Bytes since the last ``<`` after *chunk*; raises when text is absurd.

    expat and openpyxl build a text node as one string, so a single node of
    190 MB (a cell of millions of addresses) costs some 500 MB.  A gap
    between two ``<`` longer than a chunk must span chunks, so tracking the
    gap across chunk edges is enough.
    """
    first = chunk.find(b"<")
    if first == -1:
        run += len(chunk)
    elif run + first > MAX_XML_TEXT:
        raise _text_too_long()
    else:
        run = len(chunk) - chunk.rfind(b"<") - 1
    if run > MAX_XML_TEXT:
        raise _text_too_long()
    return run


def _text_too_long():
    return FileError(
        CoreMessage(
            _(
                "The workbook holds more than %(size)s MB of text in one piece, "
                "far more than a cell can hold; it is damaged or was not saved "
                "by a spreadsheet program."
            ),
            size=_megabytes(MAX_XML_TEXT),
        )
    )


def _count_row_cells(text, cells):
    """Cells of the current row after *text*; raises on a row too wide."""
    in_text = len(_CELL_TAG.findall(text))
    starts = [match.start() for match in _ROW_TAG.finditer(text)]
    if cells + in_text <= MAX_SHEET_ROW_CELLS:
        if not starts:
            return cells + in_text
        return len(_CELL_TAG.findall(text, starts[-1]))
    bounds = [0, *starts, len(text)]
    for start, end in itertools.pairwise(bounds):
        if start:
            cells = 0
        cells += len(_CELL_TAG.findall(text, start, end))
        if cells > MAX_SHEET_ROW_CELLS:
            raise _too_wide_row()
    return cells


def _damaged(err):
    return FileError(
        CoreMessage(
            _("The workbook is damaged and cannot be read (%(reason)s)."),
            reason=display_address(str(err) or err.__class__.__name__),
        )
    )


def _xlsx_source(data, max_bytes):
    """Open the first worksheet with openpyxl in read-only mode.

    ``data_only=True`` gives the values Excel saved for formulas; a formula
    cell that was never computed (files written by scripts) reads as empty.
    To report it instead of silently importing nothing, the worksheet XML is
    scanned for formula elements first; only when there are some is the
    sheet read a second time in formula mode, in step with the first, and an
    empty value whose formula-mode value is a formula is a row problem.
    Rows are read from openpyxl's worksheet parser directly, not through
    ``iter_rows``, which pads rows to their last column and fills the gaps
    between row numbers (a cell in column XFD, or a row numbered 900 000 000,
    would cost millions of empty values); that also ignores the sheet's
    recorded dimensions, which some generators write wrong.
    Opening is eager, so an unreadable workbook fails before any row is read.
    """
    import openpyxl

    archive = _check_zip(data, max_bytes)
    books = []
    try:
        with_formulas = _scan_parts(archive)
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
        books.append(book)
        if not book.worksheets:
            raise FileError(CoreMessage(_("The workbook has no worksheet.")))
        sheet = book.worksheets[0]
        path = getattr(sheet, "_worksheet_path", None)
        formulas = None
        if not path or path.lstrip("/") in with_formulas:
            formula_book = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=False, keep_links=False
            )
            books.append(formula_book)
            formulas = _sheet_rows(formula_book, formula_book.worksheets[0])
    except FileError:
        _close(archive, books)
        raise
    except Exception as err:
        _close(archive, books)
        raise _damaged(err) from err
    return _Source(
        "xlsx", _xlsx_rows(archive, books, _sheet_rows(book, sheet), formulas)
    )


def _sheet_rows(book, sheet):
    """``(row number, cells)`` of a read-only sheet, as openpyxl parses them.

    The cells are openpyxl's dicts (``column``, ``value``...), only those
    present in the XML.  This is what ``ReadOnlyWorksheet`` does internally.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    options = {
        "data_only": book.data_only,
        "epoch": book.epoch,
        "date_formats": book._date_formats,
    }
    if hasattr(book, "_timedelta_formats"):
        options["timedelta_formats"] = book._timedelta_formats
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, **options)
        yield from parser.parse()


def _close(archive, books):
    for book in books:
        book.close()
    archive.close()


def _xlsx_rows(archive, books, rows, formulas):
    try:
        for row_number, cells in rows:
            formula_cells = ()
            if formulas is not None:
                formula_cells = next(formulas, (0, ()))[1]
            row = _xlsx_row(row_number, cells, formula_cells)
            if row is not None:
                yield row
    except FileError:
        raise
    except Exception as err:
        raise _damaged(err) from err
    finally:
        _close(archive, books)


def _row_values(cells):
    """``(values, count, column)`` of a row given as openpyxl's cell dicts.

    *values* holds columns A to P; of the non-empty values beyond column P
    only their count and the first one's column (1-based) are kept.
    """
    values = []
    extra, first = 0, None
    for cell in cells:
        column = cell["column"]
        value = cell["value"]
        if column <= MAX_COLUMNS:
            if column > len(values):
                values += [None] * (column - len(values))
            values[column - 1] = value
        elif value is not None and _cell_text(value):
            extra += 1
            if first is None or column < first:
                first = column
    return values, extra, first


def _xlsx_row(row_number, row_cells, formula_cells):
    values, extra, first = _row_values(row_cells)
    cells = [
        value.strip() if value.__class__ is str else _cell_text(value)
        for value in values
    ]
    problems = ()
    if extra:
        problems += (_far_values_error(row_number, extra, first - 1),)
    if formula_cells:
        formula_row = _row_values(formula_cells)[0]
        for index, value in enumerate(values):
            if value is None and index < len(formula_row):
                formula = formula_row[index]
                if formula is not None:
                    problems += (
                        RowError(
                            row_number,
                            column_letter(index),
                            CoreMessage(
                                _(
                                    "The formula %(formula)s has no computed value "
                                    "in the file. Open and save the file in Excel, "
                                    "or paste the values instead of formulas."
                                ),
                                formula=display_address(str(formula)),
                            ),
                        ),
                    )
    if values and values[0].__class__ in (int, float):
        if abs(values[0]) >= EXCEL_EXACT_DIGITS_LIMIT:
            problems += (
                RowError(
                    row_number,
                    "A",
                    CoreMessage(
                        _(
                            "The customer number %(number)s has more digits than "
                            "Excel keeps in a number cell; format column A as text "
                            "and type the number again."
                        ),
                        number=f"{values[0]:.15g}",
                    ),
                ),
            )
    if not problems and not any(cells):
        return None
    if len(cells) < 3:
        cells += [""] * (3 - len(cells))
    return row_number, cells, problems + _long_cells(row_number, cells)


def _long_cells(row_number, cells):
    """One problem per cell of columns A to C longer than Excel allows.

    Such a cell is emptied and not validated: a cell of millions of broken
    addresses would otherwise give millions of errors before the cap.
    """
    problems = ()
    for index in range(3):
        if len(cells[index]) > MAX_CELL_CHARS:
            problems += (
                RowError(
                    row_number,
                    column_letter(index),
                    CoreMessage(
                        _(
                            "The cell holds %(length)s characters, more than "
                            "the %(max)s a spreadsheet cell can hold; it was "
                            "not read."
                        ),
                        length=len(cells[index]),
                        max=MAX_CELL_CHARS,
                    ),
                ),
            )
            cells[index] = ""
    return problems


def _sample_lines(text, limit=50):
    lines = []
    for line in text[:65536].splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            lines.append(line)
            if len(lines) >= limit:
                break
    return lines


def sniff_delimiter(text):
    """Pick the CSV delimiter among tab, ``;`` and ``,``.

    Counting characters is not enough: column B may itself hold ``,`` or
    ``;`` separated addresses (``10023;a@x.fi, b@x.fi``).  So each candidate
    splits the first data lines, and the one that most often yields an
    address-free column A followed by a column B holding an ``@`` wins; on a
    tie (for instance no address anywhere) the candidate found on most lines,
    then tab before ``;`` before ``,``; ``,`` when none is found at all.
    """
    lines = _sample_lines(text)
    best, best_score = ",", (0, 0, 0)
    for rank, delimiter in enumerate(reversed(DELIMITERS)):
        fitting = present = 0
        for fields in csv.reader(lines, delimiter=delimiter):
            if len(fields) >= 2:
                present += 1
                if "@" not in fields[0] and "@" in fields[1]:
                    fitting += 1
        score = (fitting, present, rank)
        if present and score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(text, encoding=None):
    """Rows of a CSV text, numbered by the physical line they start on.

    Comment lines are blanked before the csv module sees them, but only at
    a record boundary (not inside a quoted multi-line cell): an unbalanced
    quote in a comment would otherwise swallow the lines after it.
    """
    delimiter = sniff_delimiter(text)
    boundary = 0

    def lines():
        for consumed, line in enumerate(io.StringIO(text, newline="")):
            if len(line) > MAX_LINE_CHARS:
                raise _line_too_long(consumed + 1, len(line))
            if consumed == boundary and line.lstrip(" \t").startswith("#"):
                yield "\n"
            else:
                yield line

    reader = csv.reader(lines(), delimiter=delimiter)

    def rows():
        nonlocal boundary
        try:
            for fields in reader:
                row_number, boundary = boundary + 1, reader.line_num
                if not fields:
                    continue
                problems = ()
                if len(fields) > MAX_COLUMNS:
                    cells = [value.strip() for value in fields[:MAX_COLUMNS]]
                    problems = _far_csv_values(row_number, fields)
                else:
                    cells = [value.strip() for value in fields]
                if not problems and not any(cells):
                    continue
                if len(cells) < 3:
                    cells += [""] * (3 - len(cells))
                yield row_number, cells, problems + _long_cells(row_number, cells)
        except csv.Error as err:
            raise FileError(
                CoreMessage(
                    _("The CSV file cannot be read at line %(line)s: %(reason)s"),
                    line=reader.line_num,
                    reason=str(err),
                )
            ) from err

    return _Source("csv", rows(), delimiter, encoding)


def _far_csv_values(row_number, fields):
    """The one problem of the values beyond column P of a CSV row, if any."""
    extra, first = 0, None
    for index in range(MAX_COLUMNS, len(fields)):
        if fields[index] and not fields[index].isspace():
            extra += 1
            if first is None:
                first = index
    if not extra:
        return ()
    return (_far_values_error(row_number, extra, first),)


def _far_values_error(row_number, count, index):
    """Values beyond column P: one error for the row, however many there are."""
    return RowError(
        row_number,
        column_letter(index),
        CoreMessage(
            _(
                "%(count)s value(s) beyond column %(last)s, the first in column "
                "%(column)s. Only columns A (customer number), B (e-mail) and C "
                "(copy) are read; delete the other columns."
            ),
            count=count,
            last=column_letter(MAX_COLUMNS - 1),
            column=column_letter(index),
        ),
    )


def _line_too_long(line, length):
    return FileError(
        CoreMessage(
            _(
                "Line %(line)s is %(length)s characters long, more than the "
                "%(max)s a directory row can need; the file is damaged or is not "
                "a recipient directory."
            ),
            line=line,
            length=length,
            max=MAX_LINE_CHARS,
        )
    )


def _too_big(size, max_bytes):
    return FileError(
        CoreMessage(
            _("The file is %(size)s MB, more than the maximum of %(max)s MB."),
            size=_megabytes(size),
            max=_megabytes(max_bytes),
        )
    )


def _open(data, filename, max_bytes):
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes)
    kind, text, encoding = _detect(data, filename)
    if kind == "xlsx":
        return _xlsx_source(data, max_bytes)
    return _csv_rows(text, encoding)


def is_header(cells):
    """Whether the first data row of a file is a header row, not data.

    A header names the columns ("Customer number", "E-mail", "CC") in any
    language, so the rule is structural: no cell holds an ``@``, column A
    holds no digit (customer numbers nearly always do), and column B is not
    empty and holds no ``.`` (a mistyped address nearly always does).  A
    first row that fails the rule is validated as data, so a broken first
    row is reported, never skipped.
    """
    return (
        not any("@" in cell for cell in cells)
        and not _DIGIT.search(cells[0])
        and bool(cells[1])
        and "." not in cells[1]
    )


def _data_rows(source_rows, max_rows):
    """Skip comments, empty rows and the header row; enforce *max_rows*."""
    count = 0
    first = True
    for row_number, cells, problems in source_rows:
        if cells[0].startswith("#"):
            continue
        if first:
            first = False
            if not problems and is_header(cells):
                continue
        count += 1
        if count > max_rows:
            raise FileError(
                CoreMessage(
                    _(
                        "The file has more than %(max)s rows. Split it into "
                        "several files."
                    ),
                    max=max_rows,
                )
            )
        yield row_number, cells, problems


def iter_rows(
    data, filename=None, *, max_rows=DEFAULT_MAX_ROWS, max_bytes=DEFAULT_MAX_BYTES
):
    """Iterate over the data rows of a directory file, unvalidated.

    Yields ``(row_number, (a, b, c))``: the file row (1-based) and the text of
    columns A to C, stripped, numbers as typed (``10023.0`` -> ``"10023"``).
    Comment lines, empty rows and the header row are skipped.  Unreadable
    files raise :class:`FileError` at once; too many rows or a file damaged
    further on raise it while iterating.  Formulas without a value and values
    beyond column C are not visible here: :func:`check_file` reports them.
    """
    source = _open(data, filename, max_bytes)

    def rows():
        for row_number, cells, _problems in _data_rows(source.rows, max_rows):
            yield row_number, (cells[0], cells[1], cells[2])

    return rows()


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def _column_key(error):
    column = error.column or ""
    return (len(column), column)


def _customer_number_errors(row_number, number):
    if not number:
        return [
            RowError(row_number, "A", CoreMessage(_("The customer number is missing.")))
        ]
    errors = []
    if len(number) > MAX_CUSTOMER_NUMBER_LENGTH:
        errors.append(
            RowError(
                row_number,
                "A",
                CoreMessage(
                    _(
                        "The customer number is too long: %(length)s characters, "
                        "at most %(max)s."
                    ),
                    length=len(number),
                    max=MAX_CUSTOMER_NUMBER_LENGTH,
                ),
            )
        )
    if _CONTROL.search(number):
        errors.append(
            RowError(
                row_number,
                "A",
                CoreMessage(
                    _(
                        "The customer number %(number)s contains a line break or "
                        "another control character."
                    ),
                    number=display_address(number),
                ),
            )
        )
    return errors


def _check_row(row_number, cells, problems, first_rows, delimiter):
    """Validate one data row; returns ``(entry, errors)``, one of them empty.

    *first_rows* maps the customer numbers seen so far to their row.  Cells
    with a reader problem (a formula without value) are not validated again.
    """
    errors = list(problems)
    skip = {error.column for error in problems} if problems else ()
    number = cells[0]
    if "A" not in skip:
        if (
            not number
            or len(number) > MAX_CUSTOMER_NUMBER_LENGTH
            or _CONTROL.search(number)
        ):
            errors += _customer_number_errors(row_number, number)
        # A number too long is already an error: not kept for the duplicates.
        if number and len(number) <= MAX_CUSTOMER_NUMBER_LENGTH:
            first = first_rows.setdefault(number, row_number)
            if first != row_number:
                errors.append(
                    RowError(
                        row_number,
                        "A",
                        CoreMessage(
                            _(
                                "The customer number %(number)s is already on "
                                "row %(row)s."
                            ),
                            number=display_address(number),
                            row=first,
                        ),
                    )
                )
    to = cc = ()
    if "B" not in skip:
        to = _check_address_cell(row_number, "B", cells[1], errors)
        if not to and not cells[1]:
            errors.append(
                RowError(
                    row_number, "B", CoreMessage(_("No e-mail address in column B."))
                )
            )
        elif not to and not any(error.column == "B" for error in errors):
            errors.append(
                RowError(
                    row_number,
                    "B",
                    CoreMessage(_("No e-mail address in column B, only separators.")),
                )
            )
    if "C" not in skip and cells[2]:
        cc = _check_address_cell(row_number, "C", cells[2], errors)
    if len(to) + len(cc) > MAX_ADDRESSES_PER_ROW:
        errors.append(
            RowError(
                row_number,
                "B" if len(to) > MAX_ADDRESSES_PER_ROW or not cc else "C",
                CoreMessage(
                    _(
                        "Too many addresses: %(count)s, at most %(max)s per "
                        "customer number."
                    ),
                    count=len(to) + len(cc),
                    max=MAX_ADDRESSES_PER_ROW,
                ),
            )
        )
    if len(cells) > 3:
        for index in range(3, len(cells)):
            if cells[index] and column_letter(index) not in skip:
                errors.append(
                    _extra_cell_error(row_number, index, cells[index], delimiter)
                )
    if errors:
        errors.sort(key=_column_key)
        return None, errors
    return Entry(number, to, cc, row_number), errors


def _check_address_cell(row_number, column, text, errors):
    addresses, problems = check_addresses(text)
    if problems:
        errors.extend(
            RowError(row_number, column, problem.message) for problem in problems
        )
    return tuple(addresses)


def _extra_cell_error(row_number, index, value, delimiter):
    column = column_letter(index)
    value = display_address(value)
    if delimiter == ",":
        message = CoreMessage(
            _(
                "Unexpected value in column %(column)s: %(value)s. Only columns A "
                "to C are read. In this comma-separated file, separate several "
                "addresses with spaces or put the cell in quotes."
            ),
            column=column,
            value=value,
        )
    else:
        message = CoreMessage(
            _(
                "Unexpected value in column %(column)s: %(value)s. Only columns A "
                "(customer number), B (e-mail) and C (copy) are read; delete the "
                "other columns."
            ),
            column=column,
            value=value,
        )
    return RowError(row_number, column, message)


def check_file(
    data,
    filename=None,
    *,
    document_type="invoice",
    max_rows=DEFAULT_MAX_ROWS,
    max_bytes=DEFAULT_MAX_BYTES,
    max_errors=MAX_ERRORS,
):
    """Read and validate a whole directory file.

    Raises :class:`FileError` when the file cannot be read (wrong type,
    damaged, encrypted, legacy .xls, too big, too many rows, zip bomb), has
    no data row at all (an import in replace mode would archive the whole
    directory), or *document_type* is unknown.  Otherwise returns a
    :class:`Report` listing every row error: customer number missing, too
    long or with control characters, or already on an earlier row; no
    address in column B; each invalid address or empty list element in B
    and C; more than ``MAX_ADDRESSES_PER_ROW`` addresses; any value beyond
    column C (one error for all the values beyond column P); formulas
    without a value.  Only the first *max_errors* errors are kept, the
    others counted in ``omitted_errors``.  Customer numbers are compared as
    typed (trimmed, case kept); one address may serve several customer
    numbers.
    """
    if document_type not in DOCUMENT_TYPES:
        raise FileError(
            CoreMessage(
                _("Unknown document type %(type)s; use one of: %(types)s."),
                type=display_address(str(document_type)),
                types=", ".join(DOCUMENT_TYPES),
            )
        )
    source = _open(data, filename, max_bytes)
    report = Report(document_type=document_type, encoding=source.encoding)
    first_rows = {}
    for row_number, cells, problems in _data_rows(source.rows, max_rows):
        report.rows += 1
        entry, errors = _check_row(
            row_number, cells, problems, first_rows, source.delimiter
        )
        if errors:
            room = max_errors - len(report.errors)
            if room >= len(errors):
                report.errors.extend(errors)
            else:
                report.errors.extend(errors[: max(room, 0)])
                report.omitted_errors += len(errors) - max(room, 0)
        else:
            report.entries.append(entry)
    if not report.rows:
        raise FileError(
            CoreMessage(
                _(
                    "The file has no recipient rows, only comments, a header or "
                    "empty lines."
                )
            )
        )
    return report


# --------------------------------------------------------------------------
# Templates, error list, command line
# --------------------------------------------------------------------------

_TEMPLATE_COMMENTS = (
    "# Recipient directory for e-mail distribution. Lines starting with # are "
    "comments.",
    "# Column A: the customer number exactly as it appears on the documents.",
    "# Column B: the e-mail address. Separate several addresses with a space "
    "(or a semicolon or a comma).",
    "# Column C (optional): addresses in copy (CC) separated the same way.",
    "# One row per customer number. One address may serve several customer numbers.",
    "# Write addresses only: display names (Name <ap@example.com>) are not accepted.",
    "# The EXAMPLE-… rows only show the layout and match no customer: replace them "
    "with your own rows. In Replace mode every entry missing from the file is "
    "archived.",
)
_TEMPLATE_HEADER = ("Customer number", "E-mail", "CC")
# Sample numbers that no real customer number looks like: importing the
# template as it is must never overwrite a real entry.
_TEMPLATE_ROWS = (
    ("EXAMPLE-1", "invoices@example.com", ""),
    ("EXAMPLE-2", "ap@example.com billing@example.com", "controller@example.com"),
    ("EXAMPLE-3", "invoices@example.com", ""),
)


def template_csv():
    """The CSV template: UTF-8 with a BOM (so Excel reads it right), ``;``.

    ``;`` is the list separator of Excel in the Nordic and French locales the
    seeds come from; the comments avoid it so that they stay in one cell.
    """
    buffer = io.StringIO()
    for comment in _TEMPLATE_COMMENTS:
        buffer.write(comment + "\r\n")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_TEMPLATE_HEADER)
    writer.writerows(_TEMPLATE_ROWS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx():
    """The Excel template: comments, a bold header, examples; A is text.

    Column A is formatted as text so that customer numbers typed into it keep
    their leading zeros and every digit.
    """
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Recipients"
    for comment in _TEMPLATE_COMMENTS:
        sheet.append([comment])
    sheet.append(list(_TEMPLATE_HEADER))
    header_row = sheet.max_row
    for row in _TEMPLATE_ROWS:
        sheet.append([value or None for value in row])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=header_row + 1, max_col=1):
        for cell in row:
            cell.number_format = "@"
    sheet.column_dimensions["A"].number_format = "@"
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 45
    sheet.column_dimensions["C"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def errors_csv(errors, header=None):
    """The error list as a CSV download: row, column, message.

    *errors* is a :class:`Report`, :class:`RowError` objects, or
    ``(row, column, message)`` tuples (callers that translated the messages
    pass those, and add the translated :func:`omitted_errors_message` of a
    capped report themselves); *header* replaces the English column titles.
    UTF-8 with a BOM, so that Excel shows accented letters right.
    """
    omitted = 0
    if isinstance(errors, Report):
        errors, omitted = errors.errors, errors.omitted_errors
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(map(csv_cell, header or (_("Row"), _("Column"), _("Message"))))
    for error in errors:
        if isinstance(error, RowError):
            error = (error.row, error.column or "", error.text)
        writer.writerow(map(csv_cell, error))
    if omitted:
        writer.writerow(("", "", csv_cell(str(omitted_errors_message(omitted)))))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_cell(value):
    """*value* made safe for a spreadsheet: formula triggers are neutralised.

    Messages quote what people typed (``=HYPERLINK(...)`` in a customer
    number), and Excel runs a cell starting with ``=``, ``+``, ``-`` or
    ``@`` (or a tab or carriage return before one) as a formula.  Following
    OWASP's advice on CSV injection, such a text gets a leading ``'``,
    which spreadsheets show as text; numbers are left alone.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_filename(name, default="file", max_length=100):
    """A download name built from a user-supplied *name*.

    Only the last path component is kept; control characters (bidi
    overrides included), quotes and everything but letters, digits, space,
    ``.``, ``-``, ``_``, ``(`` and ``)`` become ``_``; leading and trailing
    dots and spaces go (no hidden file, no ``..``); Windows device names get
    a ``_``; the stem is shortened so that the whole fits *max_length*
    characters, keeping the extension.  An empty result gives *default*.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = _FILENAME_UNSAFE.sub("_", name)
    name = re.sub(r"_{2,}", "_", name).strip(" .")
    if not name:
        return default
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 16:
        stem, dot, extension = name, "", ""
    if stem.split(".")[0].upper() in _WINDOWS_DEVICES:
        stem = "_" + stem
    room = max_length - len(dot) - len(extension)
    return stem[: max(room, 1)].rstrip(" .") + dot + extension


def omitted_errors_message(count):
    """The line that ends a capped error list: "N more error(s) not listed"."""
    return CoreMessage(_("%(count)s more error(s) not listed."), count=count)


def _print_json(stdout, value):
    stdout.write(json.dumps(value) + "\n")


def cli_check(args, stdout):
    """``check-recipients``: print the JSON report; exit 0, 1 (errors) or 2.

    2 means the file could not be read at all (missing, unreadable, or a
    :class:`FileError`); the output is then ``{"ok": false, "error": ...}``.
    """
    max_rows = DEFAULT_MAX_ROWS if args.max_rows is None else args.max_rows
    max_bytes = DEFAULT_MAX_BYTES if args.max_bytes is None else args.max_bytes
    try:
        with open(args.file, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(max_bytes + 1) if size <= max_bytes else None
    except OSError as err:
        message = CoreMessage(
            _("Cannot read %(file)s: %(reason)s"),
            file=args.file,
            reason=err.strerror or str(err),
        )
        _print_json(stdout, {"ok": False, "error": str(message)})
        return 2
    try:
        if data is None:
            raise _too_big(size, max_bytes)
        report = check_file(
            data,
            os.path.basename(args.file),
            document_type=args.document_type,
            max_rows=max_rows,
            max_bytes=max_bytes,
        )
    except FileError as err:
        _print_json(stdout, {"ok": False, "error": str(err)})
        return 2
    _print_json(stdout, report.to_dict())
    return 0 if report.ok else 1
