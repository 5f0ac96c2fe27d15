"""Bring i18n/*.po up to date with i18n/account_email_distribution.pot.

    python tools/i18n_merge.py [--check] [LANG ...]   (default: every i18n/*.po)

Each .po gets exactly the .pot's entries (in the .pot's order, with its
references and comments); a msgstr is kept when the same msgid (and msgctxt)
was translated before, and a translation whose msgid is no longer in the .pot
is dropped (git keeps it). The .po's own header (Language, Plural-Forms) is
kept. Then every entry still untranslated is listed, per language, so it can
be filled in; the exit code is 1 when there is one.

The files are written the way OCA's ``oca-checks-po`` (po-pretty-format)
wants them: entries sorted by msgid, wrapped at 78 columns, and a msgstr equal
to its msgid left empty (Odoo then shows the source text). Such an entry is
not "untranslated": it carries the translator comment ``same as the source``
(``SAME_AS_SOURCE``), which this tool adds when it empties one and keeps
across merges; tests_tools/test_translations.py accepts only those empty.

``--check`` changes nothing: it only reports the .po files that are out of
date and the untranslated entries (exit code 1 when there is either).

Needs polib (Odoo's own requirement, so any Odoo virtual environment has it).
"""

import argparse
import pathlib
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent
I18N = ROOT / "i18n"
POT = I18N / "account_email_distribution.pot"

# Odoo's own headers for these languages (as in addons/account/i18n/*.po).
PLURAL_FORMS = {
    "fr": "nplurals=3; plural=(n == 0 || n == 1) ? 0 : "
    "n != 0 && n % 1000000 == 0 ? 1 : 2;",
}
DEFAULT_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
SAME_AS_SOURCE = "same as the source"


def pretty(po):
    """*po* as OCA's po-pretty-format writes it (see the module docstring)."""
    po = polib.pofile(str(po))
    po.sort(key=lambda entry: entry.msgid)
    for entry in po:
        if entry.msgstr and entry.msgstr == entry.msgid:
            entry.msgstr = ""
            entry.tcomment = SAME_AS_SOURCE
    return str(po)


def is_translated(entry):
    return bool(entry.msgstr) or entry.tcomment == SAME_AS_SOURCE


def merge(pot, po_path):
    """Return (new pofile, changed?) for *po_path* merged with *pot*."""
    lang = po_path.stem
    old = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    known = {
        (entry.msgctxt, entry.msgid): entry
        for entry in old
        if is_translated(entry) and "fuzzy" not in entry.flags and not entry.obsolete
    }
    new = polib.POFile(wrapwidth=78)
    new.header = pot.header
    new.metadata = dict(pot.metadata)
    new.metadata.update(
        {key: value for key, value in old.metadata.items() if value}
        if old.metadata
        else {}
    )
    new.metadata["Language"] = lang
    new.metadata.setdefault(
        "Plural-Forms", PLURAL_FORMS.get(lang, DEFAULT_PLURAL_FORMS)
    )
    if not new.metadata["Plural-Forms"].strip():
        new.metadata["Plural-Forms"] = PLURAL_FORMS.get(lang, DEFAULT_PLURAL_FORMS)
    for entry in pot:
        translated = known.get((entry.msgctxt, entry.msgid))
        new.append(
            polib.POEntry(
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgstr=translated.msgstr if translated else "",
                tcomment=translated.tcomment if translated else "",
                occurrences=entry.occurrences,
                comment=entry.comment,
                flags=[flag for flag in entry.flags if flag != "fuzzy"],
            )
        )
    text = pretty(new)
    changed = text != (po_path.read_text(encoding="utf-8") if po_path.exists() else "")
    return polib.pofile(text), text, changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only")
    parser.add_argument("langs", nargs="*", help="e.g. fi de (default: all)")
    args = parser.parse_args(argv)
    pot = polib.pofile(str(POT))
    langs = args.langs or sorted(path.stem for path in I18N.glob("*.po"))
    missing_total = stale = 0
    for lang in langs:
        po_path = I18N / f"{lang}.po"
        new, text, changed = merge(pot, po_path)
        if changed and args.check:
            print(f"{po_path.relative_to(ROOT)}: out of date with the .pot")
            stale += 1
        elif changed:
            po_path.write_text(text, encoding="utf-8")
            print(f"{po_path.relative_to(ROOT)}: updated")
        untranslated = [entry for entry in new if not is_translated(entry)]
        missing_total += len(untranslated)
        print(
            f"{lang}: {len(new) - len(untranslated)}/{len(new)} translated"
            + (f", {len(untranslated)} missing:" if untranslated else "")
        )
        for entry in untranslated:
            where = entry.occurrences[0][0] if entry.occurrences else ""
            print(f"    {where}: {entry.msgid[:100]!r}")
    return 1 if missing_total or stale else 0


if __name__ == "__main__":
    sys.exit(main())
