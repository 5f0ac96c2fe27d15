#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A stand-in for a wkhtmltopdf built with patched Qt, over Debian's.

Debian's wkhtmltopdf (unpatched Qt) refuses more than one input document
per call, so Odoo's batched invoice rendering cannot run on it.  This
program answers ``--version`` as a patched build does and, given several
input documents, renders them *in one process* like a patched build: their
bodies are joined into one page, each starting on a new sheet, and printed
by the real binary once (one start-up, one ``--javascript-delay``).  One
input document goes straight to the real binary.

It is the cost profile of a batching binary, not its output (no per-document
headers: Debian's binary ignores ``--header-html`` in any case).  Used by the
tests and ``bench/`` to exercise and measure batched rendering on machines
that have no patched build; never by the module itself.

The real binary is ``$AED_REAL_WKHTMLTOPDF`` or the first ``wkhtmltopdf`` in
``PATH`` that is not this program.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

VERSION = "wkhtmltopdf 0.12.6 (with patched qt)"
VALUED = {"--header-html", "--footer-html"}
BODY = re.compile(rb"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
BREAK = b'<div style="page-break-before: always;"></div>'


def real_binary():
    if os.environ.get("AED_REAL_WKHTMLTOPDF"):
        return os.environ["AED_REAL_WKHTMLTOPDF"]
    here = os.path.dirname(os.path.realpath(sys.argv[0]))
    path = [
        folder
        for folder in os.environ.get("PATH", os.defpath).split(os.pathsep)
        if os.path.realpath(folder or ".") != here
    ]
    return shutil.which("wkhtmltopdf", path=os.pathsep.join(path))


def write_binary(folder):
    """Write ``folder/wkhtmltopdf``, which runs this stand-in with this
    Python (found where Odoo finds its binary); returns its path."""
    binary = os.path.join(folder, "wkhtmltopdf")
    standin = os.path.abspath(__file__)
    with open(binary, "w", encoding="utf-8") as handle:
        handle.write(f'#!/bin/sh\nexec "{sys.executable}" "{standin}" "$@"\n')
    os.chmod(binary, 0o755)
    return binary


def main(argv):
    if "--version" in argv or "-V" in argv:
        sys.stdout.write(VERSION + "\n")
        return 0
    real = real_binary()
    inputs = [
        index
        for index, arg in enumerate(argv[:-1])
        if arg.endswith(".html") and (index == 0 or argv[index - 1] not in VALUED)
    ]
    if len(inputs) < 2:
        return subprocess.call([real, *argv])
    documents = []
    for index in inputs:
        with open(argv[index], "rb") as handle:
            documents.append(handle.read())
    first = documents[0]
    bodies = [match.group(1) if (match := BODY.search(d)) else d for d in documents]
    joined = BREAK.join(bodies)
    match = BODY.search(first)
    combined = (
        first[: match.start(1)] + joined + first[match.end(1) :] if match else joined
    )
    fd, path = tempfile.mkstemp(suffix=".html", prefix="standin.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(combined)
        args = [arg for index, arg in enumerate(argv) if index not in inputs[1:]]
        args[inputs[0]] = path
        return subprocess.call([real, *args])
    finally:
        os.unlink(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
