"""README.rst is OCA's generated addon description, up to date with its sources.

oca-gen-addon-readme (OCA/maintainer-tools) builds README.rst from the
readme/ fragments and __manifest__.py, and writes the sha256 of those sources
into it ("source digest"). That tool is not on PyPI, so the test command does
not regenerate README.rst; it recomputes the digest the same way (every file
name and content, sorted, dot files skipped). When the digest differs because
the manifest changed in what README.rst does not show (its data files, its
version), that is no reason to regenerate: the test then asks only that the
manifest's shown values are in README.rst and, from git, that no fragment
changed since README.rst was last committed.
"""

import ast
import hashlib
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = (
    "README.rst is older than readme/ or __manifest__.py: regenerate it with "
    "oca-gen-addon-readme --addon-dir=account_email_distribution --branch=18.0 "
    "--org-name=account-email-distribution --repo-name=account_email_distribution "
    "(run from a copy of the addon in a directory of that name), see README.md"
)


def source_files(root):
    yield "__manifest__.py"
    for dirpath, dirnames, filenames in os.walk(root / "readme"):
        dirnames.sort()
        reldir = os.path.relpath(dirpath, root)
        for filename in sorted(filenames):
            if not filename.startswith("."):
                yield os.path.join(reldir, filename)


def source_digest(root):
    digest = hashlib.sha256()
    for name in source_files(root):
        digest.update(name.encode("utf-8"))
        digest.update((root / name).read_bytes())
    return f"sha256:{digest.hexdigest()}"


def test_fragments_are_there():
    for name in ("DESCRIPTION", "CONFIGURE", "USAGE", "ROADMAP", "CONTRIBUTORS"):
        assert (ROOT / "readme" / f"{name}.md").is_file(), name


def git(*args):
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def fragments_changed_since_readme_rst():
    """True/False from git; None when git cannot tell (no repository)."""
    try:
        commit = git("log", "-1", "--format=%H", "--", "README.rst").strip()
        if not commit:
            return True
        changed = git("diff", "--name-only", commit, "--", "readme")
        untracked = git("ls-files", "--others", "--exclude-standard", "readme")
    except (OSError, subprocess.CalledProcessError):
        return None
    return bool(changed.strip() or untracked.strip())


def test_readme_rst_is_generated_from_the_current_sources():
    text = (ROOT / "README.rst").read_text(encoding="utf-8")
    match = re.search(r"!! source digest: (sha256:\w+)", text)
    assert match, "README.rst has no source digest: " + REGENERATE
    if match.group(1) == source_digest(ROOT):
        return
    manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text())
    shown = [manifest["name"], manifest["author"], manifest["development_status"]]
    shown += [f"license-{manifest['license'].replace('-', '--')}"]
    shown += [f"maintainer-{login}" for login in manifest.get("maintainers", [])]
    missing = [value for value in shown if value not in text]
    assert not missing, f"{missing} not in README.rst: {REGENERATE}"
    changed = fragments_changed_since_readme_rst()
    if changed is None:
        pytest.skip("no git history to tell whether readme/ changed")
    assert not changed, REGENERATE
