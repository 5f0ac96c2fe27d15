"""Command line of the core: checks a directory file, classifies bounces.

Usage (from the addon's root)::

    python3 -m distribution check-recipients FILE [--document-type invoice]
    python3 -m distribution classify-bounce FILE... | -

Each sub-command lives beside the code it exercises (``recipient_file.cli_check``,
``bounces.cli_classify``); this module only parses arguments.
"""

import argparse
import sys


def build_parser():
    parser = argparse.ArgumentParser(prog="python3 -m distribution")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser(
        "check-recipients",
        help="validate a recipient directory file (.xlsx or .csv); print a JSON report",
    )
    check.add_argument("file")
    check.add_argument("--document-type", default="invoice")
    check.add_argument("--max-rows", type=int, default=None)
    check.add_argument("--max-bytes", type=int, default=None)

    classify = sub.add_parser(
        "classify-bounce",
        help="classify bounce e-mails; one JSON object per file and line",
    )
    classify.add_argument("files", nargs="+", help="message files, or - for stdin")
    return parser


def main(argv=None, stdout=None, stdin=None):
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    stdout = stdout or sys.stdout
    if args.command == "check-recipients":
        from .recipient_file import cli_check

        return cli_check(args, stdout)
    from .bounces import cli_classify

    return cli_classify(args, stdout, stdin or sys.stdin.buffer)
