"""Bounce classification: the public entry points, kept for the Odoo layer.

The classifier lives in the :mod:`.bounce` package (envelope, parsers,
reasons, remedies; see its docstring).  This module re-exports it and holds
the ``classify-bounce`` command line.
"""

import json

from .bounce import (
    AUTOREPLY,
    BLOCKED,
    CATEGORIES,
    DELAY,
    FAILURE,
    HARD,
    KINDS,
    MESSAGE,
    NONE,
    REASONS,
    RECIPIENT,
    SCOPES,
    SENDER,
    SOFT,
    STAGES,
    BounceResult,
    RecipientFailure,
    classify_message,
    classify_status,
    explain,
    normalise_address,
    remedy,
    remedy_for,
)

# The same names as the package's own __all__, on purpose (a re-export).
# pylint: disable=duplicate-code
__all__ = [
    "AUTOREPLY",
    "BLOCKED",
    "CATEGORIES",
    "DELAY",
    "FAILURE",
    "HARD",
    "KINDS",
    "MESSAGE",
    "NONE",
    "REASONS",
    "RECIPIENT",
    "SCOPES",
    "SENDER",
    "SOFT",
    "STAGES",
    "BounceResult",
    "RecipientFailure",
    "classify_message",
    "classify_status",
    "cli_classify",
    "explain",
    "normalise_address",
    "remedy",
    "remedy_for",
]


def cli_classify(args, stdout, stdin_bytes_stream):
    """``classify-bounce FILE... | -``: one JSON object per file and line.

    Each object is :meth:`BounceResult.to_dict`: the fields of old plus
    ``reason``, ``scope``, ``stage``, ``remedy``, ``parser`` and, per
    recipient in ``details``, ``reason``, ``scope``, ``stage``,
    ``original_recipient``, ``final_recipient``, ``remote_mta`` and
    ``blocklist``.  Returns 0, or 2 when a file could not be read (its line
    then carries an ``error`` instead of a classification).
    """
    exit_code = 0
    for path in args.files:
        try:
            if path == "-":
                raw = stdin_bytes_stream.read()
            else:
                with open(path, "rb") as handle:
                    raw = handle.read()
        except OSError as error:
            exit_code = 2
            reason = error.strerror or str(error)
            stdout.write(json.dumps({"file": path, "error": reason}) + "\n")
            continue
        stdout.write(json.dumps(classify_message(raw).to_dict(file=path)) + "\n")
    return exit_code
