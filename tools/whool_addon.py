"""PEP 517 build backend: whool, as OCA publishes addons, for this repository.

whool (``whool.buildapi``) builds an Odoo addon's wheel,
``odoo_addon_<addon>-<version>-py3-none-any.whl`` with the addon under
``odoo/addons/<addon>/``, from its manifest (name, version with git's post
count, ``depends`` as ``odoo==18.0.*`` or ``odoo-addon-*``,
``external_dependencies`` as requirements). Two things of this repository
do not fit it as is:

- the repository root is the addon, so whool would package every tracked
  file, including what only develops it (``tests_core/``, ``bench/``,
  ``tools/``, CI and lint configuration);
- whool names the addon after the directory it is built in, and a checkout
  may be named anything (a git worktree, a CI clone).

So this backend stages the addon's files in a directory named after the
addon, with the metadata whool computes for the checkout (its name
corrected) as ``PKG-INFO``, and lets whool build from there: its supported
path for building from an sdist. The wheel's contents are checked by
``tools/check_wheel.py`` in the test command.
"""

import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from email.generator import Generator
from email.parser import HeaderParser
from pathlib import Path

from whool import buildapi as whool

ADDON = "account_email_distribution"

# What only develops the addon, relative to the repository root: never in the
# wheel. Everything else git tracks is the addon and goes in.
DEV_ONLY_DIRS = (".ci", ".github", "bench", "tests_core", "tests_tools", "tools")
DEV_ONLY_FILES = ("requirements-dev.txt",)
# Without git (an unpacked archive), also leave out what a run leaves behind.
UNTRACKED_SKIP = ("__pycache__", "build", "dist")


def _is_dev_only(relpath):
    parts = Path(relpath).parts
    if not parts:
        return True
    if len(parts) == 1 and (parts[0].startswith(".") or parts[0] in DEV_ONLY_FILES):
        return True
    return parts[0] in DEV_ONLY_DIRS or parts[0].startswith(".")


def _source_files(root):
    """The files of the checkout: git's tracked files, else (an sdist, an
    unpacked archive) every file."""
    try:
        if (root / "PKG-INFO").is_file():
            raise OSError("an sdist: every file is the addon's")
        out = subprocess.run(
            ["git", "ls-files", "-z"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        files = [f for f in out.split("\0") if f and (root / f).is_file()]
    except (OSError, subprocess.CalledProcessError):
        files = [
            str(p.relative_to(root))
            for p in root.rglob("*")
            if p.is_file()
            and not any(part in UNTRACKED_SKIP for part in p.relative_to(root).parts)
        ]
    return sorted(files)


def _metadata(root):
    """whool's metadata for the checkout (or its sdist's), named after ADDON."""
    pkg_info = root / "PKG-INFO"
    if pkg_info.is_file():
        text = pkg_info.read_text(encoding="utf-8")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            with _cwd(root):
                dist_info = whool.prepare_metadata_for_build_wheel(tmp)
            text = (Path(tmp) / dist_info / "METADATA").read_text(encoding="utf-8")
    metadata = HeaderParser().parsestr(text)
    name = re.sub(r"^(odoo\d*-addon-).*$", r"\g<1>" + ADDON, metadata["Name"])
    metadata.replace_header("Name", name)
    return metadata


@contextmanager
def _cwd(path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


@contextmanager
def _staged(dev_files):
    """A directory named ADDON holding the addon's files and PKG-INFO."""
    root = Path.cwd()
    metadata = _metadata(root)
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / ADDON
        stage.mkdir()
        for relpath in _source_files(root):
            if relpath == "PKG-INFO" or (not dev_files and _is_dev_only(relpath)):
                continue
            target = stage / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / relpath, target)
        with open(stage / "PKG-INFO", "w", encoding="utf-8") as f:
            Generator(f, mangle_from_=False, maxheaderlen=0).flatten(metadata)
        with _cwd(stage):
            yield stage


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = str(Path(wheel_directory).resolve())
    with _staged(dev_files=False):
        return whool.build_wheel(wheel_directory, config_settings)


def build_sdist(sdist_directory, config_settings=None):
    # The sdist keeps every tracked file (this backend among them), so that a
    # wheel built from it is the same as one built from the checkout.
    sdist_directory = str(Path(sdist_directory).resolve())
    with _staged(dev_files=True):
        return whool.build_sdist(sdist_directory, config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    metadata_directory = str(Path(metadata_directory).resolve())
    with _staged(dev_files=False):
        return whool.prepare_metadata_for_build_wheel(
            metadata_directory, config_settings
        )


# An editable install links the checkout itself; whool names it after the
# checkout's directory, which is ADDON where the addon is on an addons path.
build_editable = whool.build_editable
prepare_metadata_for_build_editable = whool.prepare_metadata_for_build_editable
