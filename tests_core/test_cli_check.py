"""``python3 -m distribution check-recipients``: exit codes and JSON shape.

Run as a real process from the addon's root, the way people and CI use it.
"""

import io
import json
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from distribution.recipient_file import cli_check, template_csv

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).parent / "samples" / "recipients"


def run(*args):
    result = subprocess.run(
        [sys.executable, "-m", "distribution", "check-recipients", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "code", "rows", "encoding"),
    [
        ("valid.xlsx", 0, 4, None),
        ("valid_comma.csv", 0, 4, "utf-8"),
        ("valid_semicolon_bom.csv", 0, 3, "utf-8-sig"),
        ("errors.csv", 1, 16, "utf-8"),
        ("errors.xlsx", 1, 11, None),
        ("formula_no_value.xlsx", 1, 2, None),
    ],
)
def test_exit_code_and_report_shape(name, code, rows, encoding):
    returncode, stdout, stderr = run(SAMPLES / name)
    assert returncode == code, stderr
    report = json.loads(stdout)
    assert set(report) == {
        "ok",
        "rows",
        "error_count",
        "omitted_errors",
        "encoding",
        "errors",
        "entries",
    }
    assert report["encoding"] == (None if name.endswith(".xlsx") else encoding)
    assert report["error_count"] == len(report["errors"])
    assert report["omitted_errors"] == 0
    assert report["ok"] is (code == 0)
    assert report["rows"] == rows
    for error in report["errors"]:
        assert set(error) == {"row", "column", "message"}
        assert isinstance(error["row"], int)
        assert error["column"] in {"A", "B", "C", "D", "E"}
        assert error["message"]
    for entry in report["entries"]:
        assert {"customer_number", "to", "cc"} <= set(entry)
        assert isinstance(entry["to"], list) and entry["to"]
        assert isinstance(entry["cc"], list)
    assert bool(report["errors"]) is (code == 1)


def test_errors_carry_rows_columns_and_reasons():
    _code, stdout, _stderr = run(SAMPLES / "errors.csv")
    errors = json.loads(stdout)["errors"]
    assert {
        "row": 5,
        "column": "B",
        "message": ("Invalid address x@: There must be something after the @-sign."),
    } in errors
    assert {
        "row": 7,
        "column": "A",
        "message": "The customer number 10001 is already on row 3.",
    } in errors


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("=?utf-8?q?a=0D=0AReply-To=3Ax=40evil.io?=@x.example", "encoded word"),
        ("=?utf-8?q?a=0D=0A=0D=0Aforged?=@x.example", "encoded word"),
        ("=?UTF-8?B?YQ0KUmVwbHktVG86IHhAZXZpbC5pbw==?=@x.example", "encoded word"),
        ("a@=?utf-8?q?x?=.example", "encoded word"),
        ("a%0D%0Ab@x.example", "encoded form of a line break"),
    ],
)
def test_encoded_words_are_refused(tmp_path, address, reason):
    """The issue's header and body injection: refused before any import."""
    path = tmp_path / "directory.csv"
    path.write_text(f"10023;{address}\n10024;ok@x.example\n", encoding="utf-8")
    returncode, stdout, stderr = run(path)
    assert returncode == 1, stderr
    report = json.loads(stdout)
    assert [entry["customer_number"] for entry in report["entries"]] == ["10024"]
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(1, "B")]
    assert reason in report["errors"][0]["message"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((SAMPLES / "does-not-exist.csv",), "Cannot read"),
        ((SAMPLES,), "Cannot read"),
        ((SAMPLES / "empty.csv",), "The file is empty."),
        ((SAMPLES / "encrypted.xlsx",), "password-protected"),
        ((SAMPLES / "legacy.xls",), "Excel 97-2003"),
        ((SAMPLES / "corrupt_truncated.xlsx",), "damaged"),
        ((SAMPLES / "zip_bomb.xlsx",), "zip bomb"),
        ((SAMPLES / "valid.xlsx", "--max-rows", "2"), "more than 2 rows"),
        ((SAMPLES / "valid.xlsx", "--max-bytes", "1000"), "more than the maximum"),
        ((SAMPLES / "valid.xlsx", "--document-type", "order"), "Unknown document"),
    ],
)
def test_unreadable_files_exit_2(args, message):
    returncode, stdout, _stderr = run(*args)
    assert returncode == 2
    result = json.loads(stdout)
    assert result["ok"] is False
    assert set(result) == {"ok", "error"}
    assert message in result["error"]


def test_document_type_other_is_accepted():
    returncode, stdout, _stderr = run(
        SAMPLES / "valid_tab.csv", "--document-type", "other"
    )
    assert returncode == 0
    assert json.loads(stdout)["ok"] is True


def test_usage_error_exits_2():
    returncode, _stdout, stderr = run()
    assert returncode == 2
    assert "usage" in stderr


def test_cli_check_in_process(tmp_path):
    path = tmp_path / "template.csv"
    path.write_bytes(template_csv())
    stdout = io.StringIO()
    args = Namespace(
        file=str(path), document_type="invoice", max_rows=None, max_bytes=None
    )
    assert cli_check(args, stdout) == 0
    report = json.loads(stdout.getvalue())
    assert report["ok"] is True
    assert [entry["customer_number"] for entry in report["entries"]] == [
        "EXAMPLE-1",
        "EXAMPLE-2",
        "EXAMPLE-3",
    ]
