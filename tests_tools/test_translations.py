"""The translations in i18n/ are complete, up to date and keep their placeholders.

Fails when a language of ``LANGUAGES`` has no .po, when a .po is out of date
with the .pot (an entry missing or one the .pot no longer has: run
``tools/i18n_export``), when a msgid has no (or a fuzzy) translation, or when
a translation drops, adds or changes a placeholder (``%(name)s``, ``%s``,
``{{ ... }}``) or the QWeb/HTML markup of the mail template.

Standard library only: a small reader for the .po format Odoo writes.
"""

import ast
import collections
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
I18N = ROOT / "i18n"
POT = I18N / "account_email_distribution.pot"
LANGUAGES = ("fi", "fr", "nb", "sv", "de")

Entry = collections.namedtuple("Entry", "msgctxt msgid msgstr flags comments")
# OCA's po-pretty-format empties a msgstr equal to its msgid (Odoo then shows
# the source); tools/i18n_merge.py marks such an entry with this translator
# comment, the only way an empty msgstr counts as translated.
SAME_AS_SOURCE = "same as the source"


def read_po(path):
    """The entries of a .po/.pot file (header excluded, obsolete skipped)."""
    entries = []
    current, field, flags, comments = {}, None, set(), []

    def flush():
        nonlocal current, field, flags, comments
        if "msgid" in current:
            msgstr = current.get("msgstr", current.get("msgstr[0]", ""))
            entries.append(
                Entry(
                    current.get("msgctxt"),
                    current["msgid"],
                    msgstr,
                    frozenset(flags),
                    tuple(comments),
                )
            )
        current, field, flags, comments = {}, None, set(), []

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if field is not None:
                flush()
            flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if field is not None and field.startswith("msgstr"):
                flush()
            if line == "#" or line.startswith("# "):
                comments.append(line[2:])
            continue
        if line.startswith('"'):
            current[field] += ast.literal_eval(line)
            continue
        keyword, _, value = line.partition(" ")
        if keyword == "msgctxt" or (
            keyword == "msgid" and field and field.startswith("msgstr")
        ):
            flush()
        field = keyword
        current[field] = ast.literal_eval(value)
    flush()
    header = [entry for entry in entries if entry.msgid == ""]
    return [entry for entry in entries if entry.msgid != ""], (
        header[0].msgstr if header else ""
    )


PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdrfi]|%[sdrfi]|\{\{.*?\}\}")
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)([^>]*)>")
QWEB_ATTR = re.compile(r"\b(t-[\w-]+)\s*=\s*\"([^\"]*)\"")


def placeholders(text):
    return collections.Counter(PLACEHOLDER.findall(text))


def markup(text):
    """The tags of *text* with their QWeb attributes, as a multiset."""
    return collections.Counter(
        (closing, name.lower(), tuple(sorted(QWEB_ATTR.findall(attrs))))
        for closing, name, attrs in TAG.findall(text)
    )


@pytest.fixture(scope="module")
def pot_entries():
    assert POT.exists(), "i18n/account_email_distribution.pot is missing"
    entries, _header = read_po(POT)
    assert entries, "the .pot has no entries"
    return entries


def test_reader_understands_odoo_po_format(tmp_path):
    sample = tmp_path / "x.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: fi\\n"\n\n'
        "#. module: m\n#: code:addons/m/a.py:0\n#, python-format\n"
        'msgid ""\n"Two %(n)s "\n"lines"\nmsgstr "Kaksi %(n)s riviä"\n\n'
        '#, fuzzy\nmsgid "Guess"\nmsgstr "Arvaus"\n\n'
        '# same as the source\n#: model:x\nmsgid "PDF"\nmsgstr ""\n\n'
        '#~ msgid "Old"\n#~ msgstr "Vanha"\n',
        encoding="utf-8",
    )
    entries, header = read_po(sample)
    assert header == "Language: fi\n"
    assert entries == [
        Entry(
            None,
            "Two %(n)s lines",
            "Kaksi %(n)s riviä",
            frozenset({"python-format"}),
            (),
        ),
        Entry(None, "Guess", "Arvaus", frozenset({"fuzzy"}), ()),
        Entry(None, "PDF", "", frozenset(), ("same as the source",)),
    ]


def test_the_core_messages_are_in_the_pot(pot_entries):
    """Odoo's export picks up the core's ``_()`` marks (distribution/, bounce/)."""
    ids = {entry.msgid for entry in pot_entries}
    assert "Confirm the correct address with the customer, then resend." in ids
    assert "unknown mailbox" in ids
    assert "No route: %(missing)s." in ids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_po_is_complete_and_up_to_date(lang, pot_entries):
    path = I18N / f"{lang}.po"
    assert path.exists(), f"i18n/{lang}.po is missing"
    entries, header = read_po(path)
    assert f"Language: {lang}\\n" in header.replace("\n", "\\n"), header
    assert "Plural-Forms: nplurals=" in header, header
    pot_keys = [(entry.msgctxt, entry.msgid) for entry in pot_entries]
    po_keys = [(entry.msgctxt, entry.msgid) for entry in entries]
    missing = [key[1][:80] for key in pot_keys if key not in set(po_keys)]
    extra = [key[1][:80] for key in po_keys if key not in set(pot_keys)]
    assert not missing and not extra, (
        f"i18n/{lang}.po is out of date with the .pot (run tools/i18n_export): "
        f"missing {missing}, no longer in the .pot {extra}"
    )
    untranslated = [
        entry.msgid[:80]
        for entry in entries
        if not entry.msgstr.strip() and SAME_AS_SOURCE not in entry.comments
    ]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated: {untranslated}"
    fuzzy = [entry.msgid[:80] for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, f"{lang}: fuzzy translations: {fuzzy}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_placeholders_and_markup(lang):
    path = I18N / f"{lang}.po"
    if not path.exists():
        pytest.fail(f"i18n/{lang}.po is missing")
    entries, _header = read_po(path)
    problems = []
    for entry in entries:
        if not entry.msgstr:
            continue
        if placeholders(entry.msgid) != placeholders(entry.msgstr):
            source = sorted(placeholders(entry.msgid).elements())
            translated = sorted(placeholders(entry.msgstr).elements())
            problems.append(
                f"placeholders {source} != {translated} in {entry.msgid[:60]!r}"
            )
        if markup(entry.msgid) != markup(entry.msgstr):
            problems.append(f"markup differs in {entry.msgid[:60]!r}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


def test_every_python_file_is_readable_by_odoos_string_extractor():
    """Odoo exports code strings with babel; a file babel cannot read (an
    f-string among a translated call's arguments) silently loses every one of
    its strings from the .pot."""
    extract = pytest.importorskip("babel.messages.extract")
    root = pathlib.Path(__file__).resolve().parent.parent
    skip = {".venv", ".odoo-run", ".git", "bench", "tools", "tests_core"}
    skip.add("tests_tools")
    failures = []
    for path in sorted(root.rglob("*.py")):
        if skip & set(path.relative_to(root).parts):
            continue
        with open(path, "rb") as handle:
            try:
                list(extract.extract("python", handle, keywords={"_": None}))
            except Exception as err:  # report every file
                failures.append(f"{path.relative_to(root)}: {err!r}")
    assert not failures, failures
