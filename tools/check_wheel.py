"""Build the addon's wheel as OCA publishes it and check what is inside.

    python tools/check_wheel.py [--isolated]

Builds with ``pip wheel --no-deps .`` into a temporary directory (without
build isolation by default, with the whool of requirements-dev.txt, so that
no network is needed; ``--isolated`` lets pip fetch the build requirements of
pyproject.toml instead), then checks that:

- there is one wheel, ``odoo_addon_account_email_distribution-<manifest
  version>[.N]-py3-none-any.whl``;
- it holds the addon under ``odoo/addons/account_email_distribution/``: every
  file of the addon's own folders (models, views, data, demo, security,
  wizards, static, distribution, readme, tests, i18n when present), the
  manifest, README.rst and README.md, and each file the manifest loads;
- it holds nothing that only develops the addon (tests_core, tests_tools,
  bench, tools, CI and lint configuration, virtual environments, caches);
- its requirements are Odoo 18.0 and requirements.txt.

Prints what it found and exits non-zero on any problem.
"""

import ast
import subprocess
import sys
import tempfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = "account_email_distribution"
PREFIX = f"odoo/addons/{ADDON}/"
ADDON_DIRS = (
    "models",
    "views",
    "data",
    "demo",
    "security",
    "wizards",
    "static",
    "distribution",
    "readme",
    "tests",
    "i18n",
)
ADDON_FILES = ("__init__.py", "__manifest__.py", "README.rst", "README.md")
FORBIDDEN_DIRS = ("tests_core", "tests_tools", "bench", "tools", ".ci", ".git")
FORBIDDEN_NAMES = ("pyproject.toml", "PKG-INFO", "requirements-dev.txt")


def tracked_files():
    """The checkout's files: git's tracked ones, else every file."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode("utf-8")
        return {f for f in out.split("\0") if f and (ROOT / f).is_file()}
    except (OSError, subprocess.CalledProcessError):
        return {
            str(p.relative_to(ROOT))
            for p in ROOT.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }


def expected_files(manifest):
    files = tracked_files()
    expected = {f for f in files if f in ADDON_FILES or Path(f).parts[0] in ADDON_DIRS}
    for key in ("data", "demo"):
        expected.update(manifest.get(key, []))
    return expected


def forbidden(relpath):
    parts = Path(relpath).parts
    return (
        parts[0] in FORBIDDEN_DIRS
        or parts[0].startswith(".venv")
        or parts[0] == ".odoo-run"
        or (len(parts) == 1 and parts[0].startswith("."))
        or parts[-1] in FORBIDDEN_NAMES
        or "__pycache__" in parts
        or relpath.endswith(".pyc")
    )


def build(outdir, isolated):
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q"]
    cmd += ["--disable-pip-version-check", "-w", str(outdir), str(ROOT)]
    if not isolated:
        cmd.insert(5, "--no-build-isolation")
    print("$", " ".join(cmd))
    subprocess.run(cmd, check=True, cwd=ROOT)
    return sorted(Path(outdir).glob("*.whl"))


def check(wheel, manifest):
    problems = []
    version = manifest["version"]
    stem = f"odoo_addon_{ADDON}-"
    if not (
        wheel.name.startswith(stem + version)
        and wheel.name.endswith("-py3-none-any.whl")
    ):
        problems.append(f"wheel name {wheel.name}: expected {stem}{version}[.N]-…")
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        dist_info = [n for n in names if n.split("/")[0].endswith(".dist-info")]
        metadata_name = next((n for n in dist_info if n.endswith("/METADATA")), None)
        metadata = HeaderParser().parsestr(
            zf.read(metadata_name).decode("utf-8") if metadata_name else ""
        )
    addon = {n[len(PREFIX) :] for n in names if n.startswith(PREFIX)}
    stray = sorted(set(names) - set(dist_info) - {PREFIX + f for f in addon})
    if stray:
        problems.append(f"outside the addon and its dist-info: {stray}")
    missing = sorted(expected_files(manifest) - addon)
    if missing:
        problems.append(f"missing from the wheel: {missing}")
    bad = sorted(f for f in addon if forbidden(f))
    if bad:
        problems.append(f"not part of the addon, yet in the wheel: {bad}")
    wanted = {"odoo==18.0.*"}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            wanted.add(line)
    requires = set(metadata.get_all("Requires-Dist") or [])
    if requires != wanted:
        problems.append(f"requirements {sorted(requires)}, expected {sorted(wanted)}")
    if metadata["Name"] != f"odoo-addon-{ADDON}":
        problems.append(f"distribution name {metadata['Name']!r}")
    folders = sorted({f.split("/")[0] for f in addon if "/" in f})
    print(f"{wheel.name}: {len(addon)} files of the addon in {', '.join(folders)}")
    print(f"  requires: {', '.join(sorted(requires))}")
    return problems


def main(argv):
    manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        try:
            wheels = build(tmp, isolated="--isolated" in argv)
        except subprocess.CalledProcessError as err:
            print(f"FAIL: building the wheel failed (exit {err.returncode})")
            return 1
        if len(wheels) != 1:
            print(f"FAIL: expected one wheel, got {[w.name for w in wheels]}")
            return 1
        problems = check(wheels[0], manifest)
    for problem in problems:
        print("FAIL:", problem)
    if not problems:
        print("wheel OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
