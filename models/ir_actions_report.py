# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Render a batch of invoice PDFs with wkhtmltopdf processes in parallel.

A wkhtmltopdf call costs about a second, nearly all of it idle (the report's
``--javascript-delay``, ``report.print_delay``), and Debian's wkhtmltopdf
(unpatched Qt) cannot render several documents in one call.  So the sending
cron renders a batch in two passes through Odoo's own invoice engine:

1. *collect*: each invoice's documents are generated inside a savepoint that
   is rolled back; :meth:`_run_wkhtmltopdf` records the exact call (bodies,
   header, footer, the command line Odoo builds) instead of running it, and
   :meth:`_render_qweb_html` keeps the HTML it rendered;
2. the recorded calls run concurrently, at most
   ``account_email_distribution.pdf_workers`` processes at a time (default 8),
   without touching the ORM from the worker threads; with a wkhtmltopdf built
   with patched Qt (which renders several documents per call), the calls that
   differ only by their document are first joined as Odoo's own engine joins
   them (``account.pdf_generation_batch`` documents per call) and the PDF is
   split as Odoo splits it; a batch that fails is rendered one by one;
3. *replay*: the documents are generated for real; :meth:`_render_qweb_html`
   returns the HTML kept for the same arguments (QWeb renders each invoice
   once), :meth:`_run_wkhtmltopdf` returns the PDF rendered for an identical
   call, and both fall back to Odoo's own rendering for anything they have
   nothing for (so an invoice whose rendering failed in parallel fails alone,
   with Odoo's own error).

Nothing changes for other reports or outside that context.  The command line
is Odoo's own (same paper format) except for the idle wait after the page has
loaded (``--javascript-delay``, see :meth:`_aed_single_document_delay`): the
PDFs are the same as Odoo's own.
"""

import copy
import hashlib
import io
import logging
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

import lxml.html

from odoo import api, models
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

DEFAULT_PDF_WORKERS = 8
MAX_PDF_WORKERS = 32
# Milliseconds wkhtmltopdf waits after a one-document page has loaded (its
# images, stylesheets and fonts included) before printing it.
DEFAULT_PDF_DELAY = 100
MAX_PDF_DELAY = 10_000


# Attribute of an exception raised for one invoice of the distribution's
# batch: that invoice (see account.move.send).
BLAMED = "aed_blamed_document"


class PdfCallCollected(Exception):
    """Raised inside the collect pass once a wkhtmltopdf call is recorded."""


class RenderedCalls(dict):
    """What the replay picks up: PDFs by wkhtmltopdf call (the dict) and, in
    ``html``, the HTML the collect pass rendered, by rendering arguments (and
    the reports, paper formats and layout it looked up)."""

    def __init__(self, pdfs=(), html=None):
        super().__init__(pdfs)
        self.html = html if html is not None else {}


class CollectedCalls(dict):
    """The collect pass's recorded wkhtmltopdf calls, by call key."""


class KeptHtml(dict):
    """The collect pass's QWeb HTML and lookups, by rendering arguments."""


def aed_context(env, key, kind):
    """The distribution's own object in the context under *key*, or None.

    Only the sending cron puts these there; a context that comes over RPC
    (JSON) cannot hold one, so a user cannot steer a report through them."""
    value = env.context.get(key)
    return value if isinstance(value, kind) else None


def _call_key(*parts):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _render_one(binary, args, bodies, header, footer):
    """Run one wkhtmltopdf call (no ORM): ``(pdf bytes, None)`` or ``(None, err)``."""
    files = []
    try:
        extra = []
        for flag, html in (("--header-html", header), ("--footer-html", footer)):
            if html:
                fd, path = tempfile.mkstemp(suffix=".html", prefix="report.aed.")
                with os.fdopen(fd, "wb") as handle:
                    handle.write(html.encode())
                files.append(path)
                extra += [flag, path]
        paths = []
        for index, body in enumerate(bodies):
            # Named as Odoo names them: web.minimal_layout's subst() picks the
            # document's header and footer by this index (the fourth
            # dot-separated part of the file name).
            fd, path = tempfile.mkstemp(
                suffix=".html", prefix=f"report.body.tmp.{index}.aed."
            )
            with os.fdopen(fd, "wb") as handle:
                handle.write(body.encode())
            files.append(path)
            paths.append(path)
        fd, out = tempfile.mkstemp(suffix=".pdf", prefix="report.aed.")
        os.close(fd)
        files.append(out)
        process = subprocess.run(
            [binary, *args, *extra, *paths, out],
            capture_output=True,
            check=False,
        )
        if process.returncode not in (0, 1):
            return None, process.stderr.decode(errors="replace")[-1000:]
        with open(out, "rb") as handle:
            content = handle.read()
        if not content:
            return None, "wkhtmltopdf produced an empty file"
        return content, None
    except OSError as err:
        return None, str(err)
    finally:
        for path in files:
            try:
                os.unlink(path)
            except OSError:
                _logger.warning("could not remove %s", path)


LAYOUT_DIVS = ("minimal_layout_report_headers", "minimal_layout_report_footers")


def _joined_layout(html, count):
    """The header (footer) page of a call joining *count* one-document calls
    that share *html*: its document's header repeated once per document, as
    Odoo's own multi-document call holds one per document (subst() picks the
    one of the document's index).  None when *html* does not hold exactly one
    per div (it cannot be joined)."""
    if not html:
        return html
    try:
        root = lxml.html.document_fromstring(html)
    except Exception:  # not joined: rendered alone
        return None
    nodes = [
        node for div_id in LAYOUT_DIVS for node in root.xpath(f'//div[@id="{div_id}"]')
    ]
    if not nodes:
        return html
    for node in nodes:
        children = list(node)
        if len(children) != 1:
            return None
        for _copy in range(count - 1):
            node.append(copy.deepcopy(children[0]))
    return lxml.html.tostring(root.getroottree(), encoding="unicode")


# wkhtmltopdf binaries by path: whether they render several documents per
# call (built with patched Qt).  Asked once per process and binary.
_BATCHING = {}


def _batching_binary(binary):
    """The binary renders several documents in one call: its ``--version``
    says it was built "with patched qt", as wkhtmltopdf's own packages do;
    Debian's (unpatched Qt) refuses a second document."""
    if binary not in _BATCHING:
        try:
            process = subprocess.run(
                [binary, "--version"], capture_output=True, timeout=30, check=False
            )
            _BATCHING[binary] = b"patched qt" in process.stdout.lower()
        except (OSError, subprocess.SubprocessError):
            _BATCHING[binary] = False
    return _BATCHING[binary]


def _split_pdf(content, count):
    """Split a PDF of *count* documents as Odoo's engine does
    (``_render_qweb_pdf_prepare_streams``): one page each when the page count
    says so, else at the top-level outlines; None when it cannot tell where
    the documents start."""
    if count == 1:
        return [content]
    try:
        reader = PdfFileReader(io.BytesIO(content))
        pages = reader.numPages
        if pages == count:
            starts = list(range(count))
        else:
            root = reader.trailer["/Root"]
            if "/Outlines" not in root or "/First" not in root["/Outlines"]:
                return None
            starts = []
            node = root["/Outlines"]["/First"]
            while True:
                starts.append(root["/Dests"][node["/Dest"]][0])
                if "/Next" not in node:
                    break
                node = node["/Next"]
            starts = sorted(set(starts))
            if len(starts) != count or starts[0] != 0:
                return None
        pieces = []
        for index, first in enumerate(starts):
            last = starts[index + 1] if index + 1 < len(starts) else pages
            writer = PdfFileWriter()
            for page in range(first, last):
                writer.addPage(reader.getPage(page))
            stream = io.BytesIO()
            writer.write(stream)
            pieces.append(stream.getvalue())
        return pieces
    except Exception:  # a PDF pypdf cannot read: rendered one by one
        _logger.info("a batched PDF could not be split", exc_info=True)
        return None


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _aed_html_key(self, report_ref, docids, data):
        """What a QWeb rendering depends on besides the database: the report,
        the records, the data, the language, company and user."""
        if isinstance(report_ref, models.BaseModel):
            report_ref = report_ref.id
        if isinstance(docids, int):
            docids = [docids]
        return _call_key(
            report_ref,
            tuple(docids or ()),
            sorted((data or {}).items()),
            self.env.lang,
            self.env.company.id,
            self.env.uid,
            self.env.context.get("debug"),
        )

    def _aed_memo(self):
        """Lookups kept for the distribution's two passes (None outside)."""
        memo = aed_context(self.env, "aed_collect_html", KeptHtml)
        return memo if memo is not None else self._aed_replay_html()

    def _aed_replay_html(self):
        """The collect pass's HTML, in the replay (None outside)."""
        rendered = aed_context(self.env, "aed_rendered_pdfs", RenderedCalls)
        return rendered.html if rendered is not None else None

    def _get_report(self, report_ref):
        """Within the distribution's two passes, each report is looked up
        once (Odoo searches it by name at every step of every rendering)."""
        memo = self._aed_memo()
        if memo is None or not isinstance(report_ref, str):
            return super()._get_report(report_ref)
        key = ("report", report_ref)
        if key not in memo:
            memo[key] = super()._get_report(report_ref).id
        return self.env["ir.actions.report"].sudo().browse(memo[key])

    def get_paperformat_by_xmlid(self, xml_id):
        """As :meth:`_get_report`: Odoo's layouts ask for it several times per
        document, each an ``env.ref`` with its query."""
        memo = self._aed_memo()
        if memo is None:
            return super().get_paperformat_by_xmlid(xml_id)
        key = ("paperformat", xml_id, self.env.company.id)
        if key not in memo:
            memo[key] = super().get_paperformat_by_xmlid(xml_id).id
        return self.env["report.paperformat"].browse(memo[key])

    def _get_layout(self):
        memo = self._aed_memo()
        if memo is None:
            return super()._get_layout()
        key = ("layout",)
        if key not in memo:
            layout = super()._get_layout()
            memo[key] = layout.id if layout else False
        return self.env["ir.ui.view"].browse(memo[key])

    @api.model
    def _render_qweb_html(self, report_ref, docids, data=None):
        """In the collect pass, keep the HTML; in the replay, return it."""
        kept = aed_context(self.env, "aed_collect_html", KeptHtml)
        replay = self._aed_replay_html()
        if kept is None and not replay:
            return super()._render_qweb_html(report_ref, docids, data=data)
        key = self._aed_html_key(report_ref, docids, data)
        if replay and key in replay:
            return replay.pop(key)
        result = super()._render_qweb_html(report_ref, docids, data=data)
        if kept is not None:
            kept[key] = result
        return result

    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        rendered = aed_context(self.env, "aed_rendered_pdfs", RenderedCalls)
        collected = aed_context(self.env, "aed_collect_pdf_calls", CollectedCalls)
        if rendered is not None or collected is not None:
            key = _call_key(
                bodies,
                report_ref,
                header,
                footer,
                landscape,
                specific_paperformat_args,
                set_viewport_size,
            )
            if rendered is not None and rendered.get(key):
                return rendered.pop(key)
            if collected is not None:
                report = self._get_report(report_ref) if report_ref else self
                args = self._build_wkhtmltopdf_args(
                    report.get_paperformat(),
                    landscape,
                    specific_paperformat_args=specific_paperformat_args,
                    set_viewport_size=set_viewport_size,
                )
                single = (
                    self._aed_single_document_delay(args) if len(bodies) == 1 else args
                )
                # Odoo's own command line is kept for a batched call (several
                # documents in one page need Odoo's wait).
                collected[key] = (single, list(bodies), header, footer, args)
                raise PdfCallCollected()
        # Outside a batch, or a call the parallel pass has no PDF for.
        return super()._run_wkhtmltopdf(
            bodies,
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )

    def _aed_pdf_workers(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("account_email_distribution.pdf_workers", DEFAULT_PDF_WORKERS)
        )
        try:
            return max(1, min(int(value), MAX_PDF_WORKERS))
        except (TypeError, ValueError):
            return DEFAULT_PDF_WORKERS

    def _aed_single_document_delay(self, args):
        """Odoo's command line with a short ``--javascript-delay``.

        ``report.print_delay`` (1 000 ms by default) gives the pages of a
        *multi-document* call time to draw their logos and backgrounds
        (odoo/odoo#108494, #113560) and is spent idle otherwise.  A
        one-document call, the only kind the parallel pass runs, is printed
        once wkhtmltopdf has loaded the page with its images, stylesheets and
        fonts; ``account_email_distribution.pdf_delay`` (100 ms by default)
        is added as a margin.  The PDF is the same as Odoo's own (tested byte
        for byte, logo included); set the parameter to the value of
        ``report.print_delay`` to keep Odoo's wait.
        """
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("account_email_distribution.pdf_delay", DEFAULT_PDF_DELAY)
        )
        try:
            delay = max(0, min(int(value), MAX_PDF_DELAY))
        except (TypeError, ValueError):
            delay = DEFAULT_PDF_DELAY
        args = list(args)
        if "--javascript-delay" in args:
            index = args.index("--javascript-delay")
            args[index + 1] = str(delay)
        return args

    def _aed_render_collected(self, collected, html=None):
        """Run the recorded calls concurrently: ``{key: pdf bytes}``, with the
        collect pass's *html* for the replay (:class:`RenderedCalls`).

        Failed calls are left out (the replay renders them the usual way and
        meets Odoo's own error); so is everything when wkhtmltopdf is missing.
        """
        rendered = RenderedCalls(html=html)
        if not collected:
            return rendered
        try:
            binary = _get_wkhtmltopdf_bin()
        except OSError:
            return rendered
        if not binary:
            return rendered
        tasks = self._aed_batched_tasks(binary, collected)
        batched = {key for keys, _call in tasks for key in keys}
        tasks += [
            ([key], collected[key][:4]) for key in collected if key not in batched
        ]
        retry = []
        for keys, (content, error) in self._aed_run_tasks(binary, tasks):
            pieces = _split_pdf(content, len(keys)) if content else None
            if pieces:
                rendered.update(zip(keys, pieces, strict=True))
            elif len(keys) > 1:
                # A batch that failed or cannot be split: each alone, in
                # parallel, as on a binary that cannot batch.
                _logger.info("batched PDF rendering failed, split up: %s", error)
                retry += [([key], collected[key][:4]) for key in keys]
            else:
                _logger.info("parallel PDF rendering failed, retried alone: %s", error)
        for keys, (content, error) in self._aed_run_tasks(binary, retry):
            if content:
                rendered[keys[0]] = content
            else:
                _logger.info("parallel PDF rendering failed, retried alone: %s", error)
        return rendered

    def _aed_run_tasks(self, binary, tasks):
        """Run ``(keys, call)`` tasks concurrently: ``[(keys, result)]``."""
        if not tasks:
            return []
        workers = min(self._aed_pdf_workers(), len(tasks))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda task: _render_one(binary, *task[1]), tasks))
        return [
            (keys, result) for (keys, _call), result in zip(tasks, results, strict=True)
        ]

    def _aed_batched_tasks(self, binary, collected):
        """With a wkhtmltopdf that renders several documents per call (built
        with patched Qt), the one-document calls that differ only by their
        body, i.e. the same report, paper format, company header and footer,
        grouped as Odoo's own engine groups them: at most
        ``account.pdf_generation_batch`` documents (Odoo's parameter, 80 by
        default; 0 or 1: one per call) per call, with Odoo's own command
        line, and in as many calls as the machine has cores (bounded by
        ``pdf_workers``), run at once.  ``[(keys, call)]``; none on a binary
        that cannot batch."""
        size = self._aed_pdf_batch_size()
        if size < 2 or not _batching_binary(binary):
            return []
        groups = {}
        for key, (_single, bodies, header, footer, args) in collected.items():
            if len(bodies) == 1:
                groups.setdefault((tuple(args), header, footer), []).append(key)
        # A batched call renders on one core: a group is also spread over the
        # machine's cores (within the workers allowed), one call each.
        cores = min(self._aed_pdf_workers(), os.cpu_count() or 1)
        tasks = []
        for (args, header, footer), keys in groups.items():
            if len(keys) < 2:
                continue
            calls = max(-(-len(keys) // size), min(cores, len(keys) // 2))
            step = -(-len(keys) // calls)
            for start in range(0, len(keys), step):
                chunk = keys[start : start + step]
                bodies = [collected[key][1][0] for key in chunk]
                joined = [_joined_layout(html, len(chunk)) for html in (header, footer)]
                if len(chunk) > 1 and None in joined:
                    continue  # each rendered alone
                tasks.append((chunk, (list(args), bodies, *joined)))
        return tasks

    def _aed_pdf_batch_size(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("account.pdf_generation_batch", "80")
        )
        try:
            return max(1, int(value))
        except (TypeError, ValueError):
            return 80
