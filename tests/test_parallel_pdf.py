# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import ExitStack
from unittest.mock import patch

import lxml.html

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import config
from odoo.tools.pdf import PdfFileReader

from odoo.addons.base.models.ir_actions_report import IrActionsReport as BaseReport

from ..models import ir_actions_report
from .common_sending import SendingCase
from .wkhtmltopdf_standin import write_binary


@tagged("post_install", "-at_install")
class TestParallelPdf(SendingCase, HttpCase):
    """Real wkhtmltopdf PDFs, rendered for a batch by parallel processes.

    An HttpCase so that wkhtmltopdf's requests for the report's stylesheets
    are served inside the test transaction; test mode (HTML instead of PDF)
    is lifted around the sending cron.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_smtp_sink()

    def setUp(self):
        super().setUp()
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            self.fail("wkhtmltopdf is needed to render real PDFs")
        self.env["ir.config_parameter"].set_param("report.url", self.base_url())
        self.serial_calls = 0
        self.parallel_calls = 0
        self.parallel_args = []
        self.parallel_pdfs = []
        self.parallel_bodies = []
        self.parallel_body_texts = []
        self.qweb_renders = []

    def batching_binary(self):
        """A wkhtmltopdf that renders several documents per call, as one
        built with patched Qt does (``tests/wkhtmltopdf_standin.py`` over
        Debian's binary); the module finds it where Odoo finds its binary."""
        real = shutil.which("wkhtmltopdf")
        folder = tempfile.mkdtemp(prefix="aed_standin.")
        self.addCleanup(shutil.rmtree, folder)
        binary = write_binary(folder)
        stack = ExitStack()
        stack.enter_context(patch.dict(os.environ, {"AED_REAL_WKHTMLTOPDF": real}))
        stack.enter_context(
            patch.object(ir_actions_report, "_get_wkhtmltopdf_bin", lambda: binary)
        )
        self.addCleanup(stack.close)
        return binary

    def send_with_counters(self, fail_for=None):
        """Run the crons with real PDFs, counting serial and parallel calls."""
        real_render_one = ir_actions_report._render_one
        real_serial = BaseReport._run_wkhtmltopdf
        real_qweb = BaseReport._render_qweb_html

        def render_one(binary, args, bodies, header, footer):
            self.parallel_calls += 1
            self.parallel_bodies.append(len(bodies))
            self.parallel_body_texts.append(list(bodies))
            self.parallel_args.append(args)
            if fail_for and any(fail_for in body for body in bodies):
                return None, "simulated crash"
            result = real_render_one(binary, args, bodies, header, footer)
            self.parallel_pdfs.append(result[0])
            return result

        def serial(report, bodies, *args, **kwargs):
            self.serial_calls += 1
            if fail_for and any(fail_for in body for body in bodies):
                raise UserError(self.env._("Wkhtmltopdf failed (error code: -11)."))
            return real_serial(report, bodies, *args, **kwargs)

        def qweb(report, report_ref, docids, *args, **kwargs):
            self.qweb_renders.append(tuple(docids))
            return real_qweb(report, report_ref, docids, *args, **kwargs)

        with (
            patch.dict(config.options, {"test_enable": False}),
            patch.object(ir_actions_report, "_render_one", render_one),
            patch.object(BaseReport, "_run_wkhtmltopdf", serial),
            patch.object(BaseReport, "_render_qweb_html", qweb),
        ):
            self.run_distribution_cron()
        self.run_mail_cron()

    def received_pdfs(self):
        return {
            part.get_filename(): part.get_content()
            for message in self.sink.messages
            for part in message["message"].iter_attachments()
        }

    def test_batch_is_rendered_by_parallel_processes(self):
        moves = self.make_invoices(self.doc_customer, count=4)
        self.send_with_counters()
        self.assertEqual(set(moves.mapped("email_distribution_state")), {"sent"})
        self.assertEqual(self.parallel_calls, 4)
        self.assertEqual(self.serial_calls, 0, "every PDF came from the parallel pass")
        self.assertEqual(
            sorted(self.qweb_renders),
            sorted((move.id,) for move in moves),
            "QWeb renders each invoice once: the replay reuses the HTML",
        )
        pdfs = self.received_pdfs()
        for move in moves:
            pdf = pdfs[move._get_invoice_report_filename()]
            self.assertTrue(pdf.startswith(b"%PDF"))
            self.assertEqual(move.invoice_pdf_report_id.raw, pdf, "stored as Odoo does")

    def test_a_batching_binary_renders_the_batch_in_one_call(self):
        binary = self.batching_binary()
        self.assertTrue(ir_actions_report._batching_binary(binary))
        self.assertFalse(
            ir_actions_report._batching_binary(shutil.which("wkhtmltopdf"))
        )
        moves = self.make_invoices(self.doc_customer, count=4)
        with patch.object(ir_actions_report.os, "cpu_count", lambda: 1):
            self.send_with_counters()
        self.assertEqual(set(moves.mapped("email_distribution_state")), {"sent"})
        self.assertEqual((self.parallel_bodies, self.serial_calls), ([4], 0))
        args = self.parallel_args[0]
        delay = args[args.index("--javascript-delay") + 1]
        self.assertNotEqual(delay, "100", "a batched call keeps Odoo's wait")
        # Which page of the batched PDF is whose: the order of the bodies.
        self.assertEqual(len(self.parallel_body_texts), 1)
        bodies = self.parallel_body_texts[0]
        batch = PdfFileReader(io.BytesIO(self.parallel_pdfs[0]))
        self.assertEqual(batch.numPages, 4)

        def drawn(reader, page):
            return reader.getPage(page).getContents().getData()

        pdfs = self.received_pdfs()
        for move in moves:
            (index,) = [i for i, body in enumerate(bodies) if move.name in body]
            pdf = pdfs[move._get_invoice_report_filename()]
            reader = PdfFileReader(io.BytesIO(pdf))
            self.assertEqual(reader.numPages, 1, "split as Odoo splits it")
            self.assertEqual(
                drawn(reader, 0), drawn(batch, index), "each invoice gets its own page"
            )
            self.assertEqual(move.invoice_pdf_report_id.raw, pdf)
        self.assertEqual(len({drawn(batch, page) for page in range(4)}), 4)

    def test_a_batch_is_spread_over_the_cores(self):
        binary = self.batching_binary()
        Report = self.env["ir.actions.report"]
        args = ["--javascript-delay", "1000"]
        collected = {
            f"key{n}": (["--javascript-delay", "100"], [f"body{n}"], "h", "f", args)
            for n in range(7)
        }
        collected["other"] = (args, ["body"], "another header", "f", args)

        def calls(cores, workers="8"):
            self.env["ir.config_parameter"].set_param(
                "account_email_distribution.pdf_workers", workers
            )
            with patch.object(ir_actions_report.os, "cpu_count", lambda: cores):
                tasks = Report._aed_batched_tasks(binary, collected)
            return [(keys, call[1]) for keys, call in tasks]

        one = [(list(collected)[:7], [f"body{n}" for n in range(7)])]
        self.assertEqual(calls(1), one, "the other header is not joined")
        first, second = [f"key{n}" for n in range(4)], ["key4", "key5", "key6"]
        self.assertEqual(
            calls(2),
            [
                (first, [key.replace("key", "body") for key in first]),
                (second, [key.replace("key", "body") for key in second]),
            ],
        )
        self.assertEqual(len(calls(16)), 3, "two documents a call at least")
        self.assertEqual(len(calls(16, workers="2")), 2, "no more than the workers")
        self.assertEqual(
            Report._aed_batched_tasks(shutil.which("wkhtmltopdf"), collected),
            [],
            "Debian's binary: one document per call",
        )

    def test_batch_size_is_odoo_s_parameter(self):
        self.batching_binary()
        self.env["ir.config_parameter"].set_param("account.pdf_generation_batch", "2")
        moves = self.make_invoices(self.doc_customer, count=5)
        self.send_with_counters()
        self.assertEqual(set(moves.mapped("email_distribution_state")), {"sent"})
        self.assertEqual(sorted(self.parallel_bodies), [1, 2, 2])
        self.env["ir.config_parameter"].set_param("account.pdf_generation_batch", "0")
        moves = self.make_invoices(self.doc_customer, count=2)
        self.parallel_bodies = []
        self.send_with_counters()
        self.assertEqual(self.parallel_bodies, [1, 1], "0: one document per call")

    def test_one_invoice_failing_in_a_batched_call_fails_alone(self):
        self.batching_binary()
        moves = self.make_invoices(self.doc_customer, count=3)
        broken = moves[1]
        self.send_with_counters(fail_for=broken.name)
        self.assertEqual(self.parallel_bodies, [3, 1, 1, 1], "the batch split up")
        self.assertEqual(broken.email_distribution_state, "failed")
        self.assertEqual(
            set((moves - broken).mapped("email_distribution_state")), {"sent"}
        )
        self.assertEqual(self.serial_calls, 1, "only the failed one was retried alone")
        self.assertEqual(len(self.sink.messages), 2)

    def test_stored_pdf_is_reused(self):
        moves = self.make_invoices(self.doc_customer, count=3)
        self.send_with_counters()
        self.assertEqual(self.parallel_calls, 3)
        moves.with_context(
            email_distribution_resend_all=True
        ).action_email_distribution_resend()
        self.parallel_calls = 0
        self.send_with_counters()
        self.assertEqual((self.parallel_calls, self.serial_calls), (0, 0))
        self.assertEqual(set(moves.mapped("email_distribution_state")), {"sent"})

    def test_one_invoice_failing_to_render_fails_alone(self):
        moves = self.make_invoices(self.doc_customer, count=3)
        broken = moves[1]
        self.send_with_counters(fail_for=broken.name)
        self.assertEqual(broken.email_distribution_state, "failed")
        self.assertIn("Wkhtmltopdf failed", broken.email_distribution_message)
        self.assertEqual(
            set((moves - broken).mapped("email_distribution_state")), {"sent"}
        )
        self.assertEqual(self.serial_calls, 1, "only the failed one was retried alone")
        self.assertEqual(len(self.sink.messages), 2)
        self.assertEqual(len(self.qweb_renders), 3, "the retry reuses the HTML too")

    def test_short_delay_gives_the_same_pdf_as_odoo(self):
        """The parallel pass skips Odoo's idle second, not anything drawn.

        The company logo is an image the page loads; the PDF rendered with
        the short delay is Odoo's own PDF, byte for byte but for its
        creation date.
        """
        # A 2x2 red PNG.
        self.env.company.logo = base64.b64encode(
            bytes.fromhex(
                "89504e470d0a1a0a0000000d49484452000000020000000208020000"
                "00fdd49a730000001249444154789c63f8cfc0f01f8461004ae20ff1"
                "ee4a57d50000000049454e44ae426082"
            )
        )
        self.env["ir.config_parameter"].set_param("report.print_delay", "1000")
        moves = self.make_invoices(self.doc_customer, count=2)
        self.send_with_counters()
        self.assertEqual(set(moves.mapped("email_distribution_state")), {"sent"})
        self.assertEqual(self.parallel_calls, 2)
        for args in self.parallel_args:
            delay = args[args.index("--javascript-delay") + 1]
            self.assertEqual(delay, "100", "Odoo's 1 000 ms wait is not spent")
        with patch.dict(config.options, {"test_enable": False}):
            odoo_pdf, _kind = self.env["ir.actions.report"]._render_qweb_pdf(
                "account.account_invoices", moves[0].ids
            )
        self.assertEqual(self.serial_calls, 0)

        def undated(pdf):
            return re.sub(rb"/CreationDate \(D:[0-9Z+'-]*\)", b"", pdf)

        self.assertIn(b"/CreationDate", odoo_pdf)
        ours = [undated(pdf) for pdf in self.parallel_pdfs]
        self.assertNotEqual(ours[0], self.parallel_pdfs[0], "dated by wkhtmltopdf")
        self.assertTrue(undated(odoo_pdf) in ours, "the same PDF as Odoo's own")

    def test_a_context_from_rpc_cannot_stand_in_for_the_cron_s_pdfs(self):
        """The cron's rendered PDFs and recorded calls are its own objects in
        the context; the plain dicts an RPC context can carry are ignored."""
        bodies = ["<html><body>x</body></html>"]
        key = ir_actions_report._call_key(bodies, False, None, None, False, None, False)
        Report = self.env["ir.actions.report"].with_context(
            aed_rendered_pdfs={key: "forged"}, aed_collect_pdf_calls={}
        )
        with patch.object(BaseReport, "_run_wkhtmltopdf", lambda *a, **k: b"%PDF-real"):
            self.assertEqual(Report._run_wkhtmltopdf(bodies), b"%PDF-real")
        rendered = ir_actions_report.RenderedCalls({key: b"%PDF-cron"})
        Report = self.env["ir.actions.report"].with_context(aed_rendered_pdfs=rendered)
        self.assertEqual(Report._run_wkhtmltopdf(bodies), b"%PDF-cron")

    def test_delay_parameter(self):
        Report = self.env["ir.actions.report"]
        args = ["--quiet", "--javascript-delay", "1000", "--dpi", "90"]
        self.assertEqual(
            Report._aed_single_document_delay(args),
            ["--quiet", "--javascript-delay", "100", "--dpi", "90"],
        )
        param = self.env["ir.config_parameter"]
        param.set_param("account_email_distribution.pdf_delay", "1000")
        self.assertEqual(Report._aed_single_document_delay(args)[2], "1000")
        param.set_param("account_email_distribution.pdf_delay", "nonsense")
        self.assertEqual(Report._aed_single_document_delay(args)[2], "100")
        param.set_param("account_email_distribution.pdf_delay", "99999999")
        self.assertEqual(Report._aed_single_document_delay(args)[2], "10000")

    def test_payment_receipts_are_rendered_by_parallel_processes(self):
        self.company.email_distribution_payment_receipts = True
        payments = self.env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.doc_customer.id,
                    "amount": 100.0 + n,
                    "journal_id": self.company_data["default_journal_bank"].id,
                }
                for n in range(3)
            ]
        )
        payments.action_post()
        self.send_with_counters()
        self.assertEqual(set(payments.mapped("email_distribution_state")), {"sent"})
        self.assertEqual((self.parallel_calls, self.serial_calls), (3, 0))
        self.assertEqual(len(self.sink.messages), 3)
        for message in self.sink.messages:
            (pdf,) = [
                part.get_content() for part in message["message"].iter_attachments()
            ]
            self.assertTrue(pdf.startswith(b"%PDF"))


@tagged("post_install", "-at_install")
class TestPdfLayoutIndex(SendingCase):
    """wkhtmltopdf prints each document's header and footer from one header
    (footer) page holding every document's: ``web.minimal_layout``'s
    ``subst()`` keeps the child of ``minimal_layout_report_headers`` whose
    index is the fourth dot-separated part of the body file's name (Odoo
    names them ``report.body.tmp.<i>.*.html``).  A call run by the module
    must let every document find its own header and footer there, or it is
    printed without them on a wkhtmltopdf that draws headers (patched Qt).
    """

    def prepared(self, move):
        Report = self.env["ir.actions.report"]
        html = Report._render_qweb_html("account.account_invoices", move.ids)[0]
        report = Report._get_report("account.account_invoices")
        bodies, _ids, header, footer, _args = report.with_company(
            move.company_id
        )._prepare_html(html, report_model="account.move")
        return bodies, header, footer

    def layouts_seen(self, calls):
        """For each call, each body: (its header child, its footer child)."""
        seen = []

        def run(command, **_kwargs):
            header = command[command.index("--header-html") + 1]
            footer = command[command.index("--footer-html") + 1]
            with open(header, encoding="utf-8") as handle:
                header = handle.read()
            with open(footer, encoding="utf-8") as handle:
                footer = handle.read()
            bodies = [arg for arg in command[1:-1] if ".body." in arg]

            def child(html, div_id, path):
                index = ("file://" + path).split(".", 4)[3]
                children = lxml.html.fromstring(html).xpath(f'//div[@id="{div_id}"]/*')
                if not index.isdigit() or int(index) >= len(children):
                    return None
                return lxml.html.tostring(children[int(index)])

            seen.append(
                [
                    (
                        child(header, "minimal_layout_report_headers", path),
                        child(footer, "minimal_layout_report_footers", path),
                    )
                    for path in bodies
                ]
            )
            with open(command[-1], "wb") as handle:
                handle.write(b"%PDF-1.4 fake")
            return subprocess.CompletedProcess(command, 0, b"", b"")

        with patch.object(ir_actions_report.subprocess, "run", run):
            for call in calls:
                ir_actions_report._render_one("/fake/wkhtmltopdf", *call)
        return seen

    def test_each_document_of_a_call_finds_its_header_and_footer(self):
        moves = self.make_invoices(self.doc_customer, count=3)
        args = ["--javascript-delay", "1000"]
        collected = {}
        for move in moves:
            bodies, header, footer = self.prepared(move)
            self.assertEqual(len(bodies), 1)
            self.assertIn("minimal_layout_report_headers", header)
            collected[move.name] = (args, bodies, header, footer, args)
        # One document per call (any wkhtmltopdf).
        seen = self.layouts_seen([collected[moves[0].name][:4]])
        self.assertEqual(len(seen), 1)
        self.assertTrue(all(seen[0][0]), "the document's own header and footer")
        # Joined calls (a wkhtmltopdf built with patched Qt).
        with (
            patch.object(ir_actions_report, "_batching_binary", lambda binary: True),
            patch.object(ir_actions_report.os, "cpu_count", lambda: 1),
        ):
            tasks = self.env["ir.actions.report"]._aed_batched_tasks(
                "/fake/wkhtmltopdf", collected
            )
        self.assertEqual([len(keys) for keys, _call in tasks], [3])
        seen = self.layouts_seen([call for _keys, call in tasks])
        self.assertEqual(len(seen), 1)
        batched = seen[0]
        self.assertEqual(len(batched), 3)
        for header, footer in batched:
            self.assertTrue(header and footer, "every document finds its header")
