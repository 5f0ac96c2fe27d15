"""Benchmarks inside a real Odoo (prints figures; asserts nothing).

Run by ``bench/run`` against a throw-away database where the module is
installed; it commits there (the sending crons commit per batch, as in
production).  Figures:

* the import wizard on a 100 000-row CSV: seconds, rows/s, SQL queries;
* posting 1 000 invoices in one call with distribution on vs off: ratio of
  times, SQL queries added per invoice;
* the sending cron plus Odoo's mail cron through an SMTP sink on loopback:
  deliveries/s (PDF rendering included);
* bounces through ``message_process``: bounces/s;
* sending the same kind of invoices end to end (PDF, mail queue, SMTP sink)
  by this module and by Odoo's own batch *Send* (one PDF per wkhtmltopdf
  call, the path that works with Debian's wkhtmltopdf), interleaved rounds:
  invoices/s, wkhtmltopdf calls, SQL queries per invoice, and the ratio;
  then the same with a wkhtmltopdf that renders several documents per call
  (``tests/wkhtmltopdf_standin.py``, the cost profile of a build with patched
  Qt), Odoo batching as it does by default.

* the import wizard's peak memory (``--only import-memory``): 100 000 rows
  into a company whose directory already holds 200 000 entries, in *Update*
  and in *Replace* mode, each in a fresh child process that reports its peak
  resident set size (``ru_maxrss``) and the growth over the RSS it had just
  before the import; the child rolls everything back.

Usage: python bench/odoo_bench.py DB ADDONS_PATH [--rows N] [--invoices N]
       [--sends N] [--compare N] [--rounds N] [--only compare|import|import-memory]
       [--directory N] [--binary debian|batching|both]
"""

import argparse
import base64
import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import odoo
import odoo.http
import odoo.service.server
from odoo import Command, api

from odoo.addons.base.models.ir_actions_report import IrActionsReport as BaseReport

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from smtp_sink import SmtpSink, free_port

DSN = (
    Path(__file__).resolve().parent.parent / "tests/samples/dsn_postfix_hard.eml"
).read_text()


def queries(env):
    env.flush_all()
    return env.cr.sql_log_count


def bench_import(env, rows):
    text = "".join(f"{n},ap.{n}@customer{n % 2000}.example\n" for n in range(rows))
    wizard = env["email.distribution.recipient.import"].create(
        {"file": base64.b64encode(text.encode()), "filename": "bench.csv"}
    )
    start, q0 = time.perf_counter(), queries(env)
    wizard.action_import()
    env.flush_all()  # work left for the commit counts too
    elapsed, count = time.perf_counter() - start, queries(env) - q0
    env.cr.commit()
    return {
        "import rows": rows,
        "import seconds": round(elapsed, 2),
        "import rows/s": round(rows / elapsed),
        "import SQL queries": count,
        "import queries per 1000 rows": round(count * 1000 / rows, 1),
    }


def _rss_mb():
    """Current resident set size in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fill_directory(env, count, chunk=20_000):
    """Insert *count* active invoice entries for the company, in bulk chunks.

    Plain INSERT ... SELECT over generate_series: no record per row, so the
    set-up neither takes the time nor the memory the import is measured on.
    """
    company = env.company.id
    for start in range(0, count, chunk):
        env.cr.execute(
            """
            INSERT INTO email_distribution_recipient
                (company_id, customer_number, email_to, document_type, active,
                 create_uid, write_uid, create_date, write_date)
            SELECT %s, n::text, 'old.' || n || '@customer' || (n %% 2000)
                   || '.example', 'invoice', true, 1, 1,
                   now() at time zone 'utc', now() at time zone 'utc'
              FROM generate_series(%s, %s) AS n
            """,
            (company, start, min(start + chunk, count) - 1),
        )


def import_memory_child(env, mode, rows, directory):
    """One measured import (run in its own process); prints JSON, rolls back.

    The directory holds numbers 0 .. directory-1; the file holds the last
    rows/2 of them (every other one with a new address) and rows/2 new ones,
    so Update creates, changes and leaves alone, and Replace also archives
    the rest of the directory.
    """
    fill_directory(env, directory)
    first = directory - rows // 2
    text = "".join(
        f"{n},{'new' if n % 2 else 'old'}.{n}@customer{n % 2000}.example\n"
        for n in range(first, first + rows)
    )
    wizard = env["email.distribution.recipient.import"].create(
        {
            "file": base64.b64encode(text.encode()),
            "filename": "bench.csv",
            "mode": mode,
        }
    )
    del text
    env.flush_all()
    env.invalidate_all()
    before = _rss_mb()
    start, q0 = time.perf_counter(), queries(env)
    wizard.action_import()
    env.flush_all()
    elapsed, count = time.perf_counter() - start, queries(env) - q0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "mode": mode,
        "seconds": round(elapsed, 1),
        "queries": count,
        "peak_mb": round(peak),
        "rss_before_mb": round(before),
        "growth_mb": round(peak - before),
        "counts": [
            wizard.new_count,
            wizard.changed_count,
            wizard.unchanged_count,
            wizard.archived_count,
        ],
    }
    env.cr.rollback()
    sys.stdout.write("IMPORT-MEMORY " + json.dumps(result) + "\n")


def bench_import_memory(db, addons_path, rows, directory):
    figures = {}
    for mode in ("update", "replace"):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                db,
                addons_path,
                "--rows",
                str(rows),
                "--directory",
                str(directory),
                "--import-memory-child",
                mode,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        line = next(
            (x for x in out.stdout.splitlines() if x.startswith("IMPORT-MEMORY ")),
            None,
        )
        if line is None:
            sys.stderr.write(out.stdout[-3000:] + out.stderr[-3000:])
            figures[f"import memory {mode}"] = f"failed (exit {out.returncode})"
            continue
        r = json.loads(line.split(" ", 1)[1])
        prefix = f"import {rows} rows into {directory}, {mode}:"
        figures[f"{prefix} peak RSS MB"] = r["peak_mb"]
        figures[f"{prefix} RSS growth MB"] = (
            f"{r['growth_mb']} (from {r['rss_before_mb']})"
        )
        figures[f"{prefix} seconds"] = r["seconds"]
        figures[f"{prefix} SQL queries"] = r["queries"]
        figures[f"{prefix} new/changed/unchanged/archived"] = "/".join(
            str(c) for c in r["counts"]
        )
    return figures


def make_invoices(env, partner, count):
    product = env["product.product"].search([], limit=1) or env[
        "product.product"
    ].create({"name": "Bench service"})
    return env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": "2026-11-01",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": 100 + n,
                            "tax_ids": [],
                        }
                    )
                ],
            }
            for n in range(count)
        ]
    )


def bench_posting(env, count, rounds=3):
    """Posting with distribution off vs on, interleaved rounds, for invoices
    that are routed (the customer's e-mail) and invoices with no route (no
    address anywhere: a to-do and a note each)."""
    company = env.company
    routed = env["res.partner"].create(
        {"name": "Bench routed customer", "email": "ap@routed.example"}
    )
    unrouted = env["res.partner"].create({"name": "Bench customer", "ref": "0"})
    for enabled in (False, True):
        # Warm caches in both modes first: the first posting of a run is slower.
        company.email_distribution_enabled = enabled
        make_invoices(env, routed, 50).action_post()
        make_invoices(env, unrouted, 50).action_post()
        env.cr.commit()
    figures = {"posting invoices": count, "posting rounds": rounds}
    for label, partner in (("routed", routed), ("no route", unrouted)):
        times = {False: [], True: []}
        sql = {False: [], True: []}
        for round_no in range(rounds):
            # ABBA: neither mode always runs second (on a larger table).
            for enabled in (False, True) if round_no % 2 == 0 else (True, False):
                company.email_distribution_enabled = enabled
                moves = make_invoices(env, partner, count)
                env.cr.commit()
                env.invalidate_all()
                start, q0 = time.perf_counter(), queries(env)
                moves.action_post()
                env.flush_all()  # the deferred recomputations count too
                times[enabled].append(time.perf_counter() - start)
                sql[enabled].append(queries(env) - q0)
                # Keep the sending figures about their own invoices only.
                moves.email_distribution_delivery_ids.write({"state": "cancelled"})
                env.cr.commit()
        figures[f"posting {label}: seconds off / on"] = " / ".join(
            f"{off:.2f}-{on:.2f}"
            for off, on in zip(times[False], times[True], strict=True)
        )
        figures[f"posting {label}: time ratio on/off"] = " / ".join(
            f"{on / off:.3f}" for off, on in zip(times[False], times[True], strict=True)
        )
        figures[f"posting {label}: time ratio on/off, all rounds"] = round(
            sum(times[True]) / sum(times[False]), 3
        )
        figures[f"posting {label}: SQL queries added per invoice"] = round(
            (sum(sql[True]) - sum(sql[False])) / (count * rounds), 2
        )
    return figures


def _only_server(env, sink):
    """Make the loopback sink the only outgoing mail server."""
    env["ir.mail_server"].search([]).active = False
    env["ir.mail_server"].create(
        {
            "name": "sink",
            "smtp_host": "127.0.0.1",
            "smtp_port": sink.port,
            "smtp_encryption": "none",
        }
    )


def bench_sending(env, count):
    sink = SmtpSink().start()
    try:
        _only_server(env, sink)
        # Only this benchmark's invoices are due (earlier ones were warm-ups).
        env["email.distribution.delivery"].search(
            [("state", "in", ("queued", "soft_bounce"))]
        ).write({"state": "cancelled"})
        company = env.company
        company.write(
            {
                "email_distribution_enabled": True,
                "email": company.email or "billing@company.example",
            }
        )
        partner = env["res.partner"].create(
            {"name": "Bench mail customer", "email": "ap@customer.example"}
        )
        moves = make_invoices(env, partner, count)
        moves.action_post()
        env.cr.commit()
        start = time.perf_counter()
        env["email.distribution.delivery"]._cron_process_queue(limit=count)
        handed = time.perf_counter() - start
        env["mail.mail"].process_email_queue(batch_size=count)
        elapsed = time.perf_counter() - start
        sent = env["email.distribution.delivery"].search_count(
            [("move_id", "in", moves.ids), ("state", "=", "sent")]
        )
        return {
            "sending deliveries": count,
            "sending delivered (sink)": len(sink.messages),
            "sending deliveries sent": sent,
            "sending cron seconds (render + queue)": round(handed, 2),
            "sending deliveries/s end to end": round(sent / elapsed, 1),
        }, moves
    finally:
        sink.stop()


def bench_bounces(env, moves):
    deliveries = moves.email_distribution_delivery_ids.filtered("mail_message_id")
    start = time.perf_counter()
    for n, delivery in enumerate(deliveries):
        raw = (
            DSN.replace(
                "{bounce_to}", env.company.bounce_email or "bounce@company.example"
            )
            .replace("{bounce_id}", f"bench.{n}@mx.example")
            .replace("{rcpt}", "ap@customer.example")
            .replace("{original_id}", delivery.mail_message_id)
        )
        env["mail.thread"].message_process(False, raw)
    elapsed = time.perf_counter() - start
    bounced = deliveries.filtered(lambda d: d.state == "hard_bounce")
    env.cr.commit()
    return {
        "bounces fed": len(deliveries),
        "bounces applied": len(bounced),
        "bounces/s through message_process": round(len(deliveries) / elapsed, 1),
    }


class CallCounter:
    """Count wkhtmltopdf processes: Odoo's serial calls and the parallel ones."""

    def __init__(self):
        self.calls = 0

    def __enter__(self):
        from odoo.addons.account_email_distribution.models import ir_actions_report

        self.module = ir_actions_report
        self.real_parallel = ir_actions_report._render_one
        self.real_serial = BaseReport._run_wkhtmltopdf
        counter = self

        def parallel(*args):
            counter.calls += 1
            return counter.real_parallel(*args)

        def serial(report, *args, **kwargs):
            counter.calls += 1
            return counter.real_serial(report, *args, **kwargs)

        ir_actions_report._render_one = parallel
        BaseReport._run_wkhtmltopdf = serial
        return self

    def __exit__(self, *exc):
        self.module._render_one = self.real_parallel
        BaseReport._run_wkhtmltopdf = self.real_serial


class QueryHistogram:
    """Count the round's SQL statements by shape (``BENCH_SQL=FILE``)."""

    def __init__(self, path, label):
        self.path, self.label = path, label
        self.counts = {}

    def __enter__(self):
        import re

        from odoo import sql_db

        self.cursor_class = sql_db.Cursor
        self.real_execute = sql_db.Cursor.execute
        histogram, numbers = self, re.compile(r"\b\d+\b")

        def execute(cursor, query, params=None, log_exceptions=True):
            text = query if isinstance(query, str) else str(query)
            key = numbers.sub("N", " ".join(text.split()))[:160]
            histogram.counts[key] = histogram.counts.get(key, 0) + 1
            return histogram.real_execute(cursor, query, params, log_exceptions)

        sql_db.Cursor.execute = execute
        return self

    def __exit__(self, *exc):
        self.cursor_class.execute = self.real_execute
        rows = sorted(self.counts.items(), key=lambda item: -item[1])
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(f"== {self.label}: {sum(self.counts.values())} statements\n")
            for key, count in rows[:60]:
                out.write(f"{count:6d}  {key}\n")


def _send_round(env, sink, partner, count, module):
    """Post ``count`` invoices and send them one way; the round's figures."""
    company = env.company
    company.email_distribution_enabled = module
    moves = make_invoices(env, partner, count)
    moves.action_post()
    env.cr.commit()
    sink.clear()
    env.invalidate_all()
    start, q0 = time.perf_counter(), queries(env)
    # Every cursor's: Odoo's Send e-mails with a new cursor after the commit,
    # and wkhtmltopdf's requests for the report's assets have their own.
    all0 = odoo.sql_db.sql_counter
    profile = None
    if module and os.environ.get("BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    histogram = contextlib.nullcontext()
    if os.environ.get("BENCH_SQL"):
        label = "module" if module else "Odoo Send"
        histogram = QueryHistogram(os.environ["BENCH_SQL"], label)
    with CallCounter() as counter, histogram:
        if module:
            env["email.distribution.delivery"]._cron_process_queue(limit=count)
        else:
            env["account.move.send"].with_context(
                mail_notify_force_send=False
            )._generate_and_send_invoices(moves, sending_methods={"email"})
            env.cr.commit()
        handover = time.perf_counter() - start
        q_handover = queries(env) - q0
        env["mail.mail"].process_email_queue(batch_size=count * 2)
    elapsed = time.perf_counter() - start
    if profile:
        profile.disable()
        profile.dump_stats(os.environ["BENCH_PROFILE"])
    count_q = queries(env) - q0
    count_all = odoo.sql_db.sql_counter - all0
    received = len(sink.messages)
    env.cr.commit()
    return {
        "seconds": elapsed,
        "handover": handover,
        "received": received,
        "per_s": received / elapsed,
        "calls": counter.calls,
        "sql_per_invoice": count_q / count,
        "sql_handover_per_invoice": q_handover / count,
        "sql_all_per_invoice": count_all / count,
    }


@contextlib.contextmanager
def batching_binary():
    """Put ``tests/wkhtmltopdf_standin.py`` first in PATH as ``wkhtmltopdf``:
    one process per call for several documents, as a wkhtmltopdf built with
    patched Qt renders them (Odoo and the module both find it there)."""
    import shutil
    import tempfile

    from wkhtmltopdf_standin import write_binary

    real = shutil.which("wkhtmltopdf")
    folder = tempfile.mkdtemp(prefix="aed_standin.")
    binary = write_binary(folder)
    saved = dict(os.environ)
    os.environ["AED_REAL_WKHTMLTOPDF"] = real
    os.environ["PATH"] = folder + os.pathsep + os.environ.get("PATH", "")
    try:
        yield binary
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(folder)


def bench_compare(env, count, rounds, batching=False):
    """This module vs Odoo's own batch Send, same invoices, same SMTP sink."""
    if batching:
        with batching_binary():
            # Odoo's own default: up to 80 (+1) documents per call.
            env["ir.config_parameter"].set_param("account.pdf_generation_batch", "80")
            figures = _bench_compare(env, count, rounds)
        return {f"{key} [batching binary]": value for key, value in figures.items()}
    # Odoo's working path with Debian's wkhtmltopdf: one PDF per call.
    env["ir.config_parameter"].set_param("account.pdf_generation_batch", "0")
    return _bench_compare(env, count, rounds)


def _bench_compare(env, count, rounds):
    sink = SmtpSink().start()
    try:
        _only_server(env, sink)
        env["email.distribution.delivery"].search(
            [("state", "in", ("queued", "soft_bounce"))]
        ).write({"state": "cancelled"})
        env.company.email = env.company.email or "billing@company.example"
        partner = env["res.partner"].create(
            {"name": "Compare customer", "email": "ap@compare.example"}
        )
        env.cr.commit()
        _send_round(env, sink, partner, 4, True)  # warm-up, both ways
        _send_round(env, sink, partner, 4, False)
        results = {True: [], False: []}
        for _round in range(rounds):
            for module in (True, False):
                results[module].append(_send_round(env, sink, partner, count, module))
    finally:
        sink.stop()
    figures = {"compare invoices per round": count, "compare rounds": rounds}
    for module, label in ((True, "module"), (False, "Odoo Send")):
        rows = results[module]
        figures[f"compare {label} invoices/s"] = " / ".join(
            f"{row['per_s']:.2f}" for row in rows
        )
        figures[f"compare {label} seconds: documents / total"] = " / ".join(
            f"{row['handover']:.1f}-{row['seconds']:.1f}" for row in rows
        )
        figures[f"compare {label} received"] = " / ".join(
            str(row["received"]) for row in rows
        )
        figures[f"compare {label} wkhtmltopdf calls"] = " / ".join(
            str(row["calls"]) for row in rows
        )
        figures[f"compare {label} SQL per invoice: documents + mail cron"] = " / ".join(
            f"{row['sql_handover_per_invoice']:.1f} + "
            f"{row['sql_per_invoice'] - row['sql_handover_per_invoice']:.1f}"
            for row in rows
        )
    for module, label in ((True, "module"), (False, "Odoo Send")):
        figures[f"compare {label} SQL per invoice, every cursor"] = " / ".join(
            f"{row['sql_all_per_invoice']:.1f}" for row in results[module]
        )
    figures["compare ratio module/Odoo (invoices/s)"] = " / ".join(
        f"{a['per_s'] / b['per_s']:.2f}"
        for a, b in zip(results[True], results[False], strict=True)
    )
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("addons_path")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1000)
    parser.add_argument("--sends", type=int, default=100)
    parser.add_argument("--compare", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--only", choices=["compare", "import", "import-memory", "posting"]
    )
    parser.add_argument("--directory", type=int, default=200_000)
    parser.add_argument(
        "--binary",
        choices=["debian", "batching", "both"],
        default="both",
        help="compare: the wkhtmltopdf found (Debian's: one document per "
        "call) and/or a stand-in for one built with patched Qt",
    )
    parser.add_argument(
        "--import-memory-child", choices=["update", "replace"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    odoo.tools.config.parse_config(["--addons-path", args.addons_path, "-d", args.db])
    if args.only == "import-memory":
        figures = bench_import_memory(
            args.db, args.addons_path, args.rows, args.directory
        )
        width = max(len(key) for key in figures)
        for key, value in figures.items():
            sys.stdout.write(f"{key:<{width}}  {value}\n")
        return
    registry = odoo.modules.registry.Registry(args.db)
    if args.import_memory_child:
        with registry.cursor() as cr:
            # As the other figures: no chatter per record.
            env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            import_memory_child(
                env, args.import_memory_child, args.rows, args.directory
            )
        return
    # wkhtmltopdf fetches the report's assets over HTTP, as in production.
    port = free_port()
    odoo.tools.config["http_port"] = port
    odoo.tools.config["http_interface"] = "127.0.0.1"
    odoo.service.server.ThreadedServer(odoo.http.root).http_spawn()
    figures = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        if not env["account.journal"].search_count([("type", "=", "sale")]):
            env["account.chart.template"].try_loading(
                "generic_coa", env.company, install_demo=False
            )
            cr.commit()
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{port}")
        cr.commit()
        if args.only in (None, "import"):
            figures.update(bench_import(env, args.rows))
        if args.only in (None, "posting"):
            figures.update(bench_posting(env, args.invoices, args.rounds))
        if args.only is None:
            sending, moves = bench_sending(env, args.sends)
            figures.update(sending)
            figures.update(bench_bounces(env, moves))
        if args.only in (None, "compare"):
            if args.binary in ("debian", "both"):
                figures.update(bench_compare(env, args.compare, args.rounds))
            if args.binary in ("batching", "both"):
                figures.update(
                    bench_compare(env, args.compare, args.rounds, batching=True)
                )
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        sys.stdout.write(f"{key:<{width}}  {value}\n")


if __name__ == "__main__":
    main()
