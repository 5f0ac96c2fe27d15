#!/usr/bin/env python3
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Install Odoo 18.0 from a source into the project's virtual environment.

Odoo is on no package registry, so the project installs it from a *source*
named by ``ODOO_SOURCE`` (or ``--source``):

- an archive of an Odoo 18.0 tree (``.tar.xz``, ``.tar.gz``, ``.tgz``, ``.zip``);
- a directory holding such a tree (used in place, never copied);
- an ``http(s)://`` URL of such an archive (downloaded once into the cache).

Without one, the default is :data:`DEFAULT_SOURCE`, the archive of one pinned
Odoo 18.0 commit (README.md, *Quick start*).

Steps, each printed with its duration: resolve the source → extract it (cached
by the archive's SHA-256 under ``.odoo-run/src/``) → check that it is Odoo 18
→ Debian build packages (apt-get when root) → the virtual environment (never
one that sees the system's site-packages, so no Odoo installed system-wide is
used by mistake) → Odoo's ``requirements.txt`` (with ``setuptools<70`` as a
build constraint, which ``cbor2==5.4.2`` needs) → the tree itself
(``pip install --no-deps -e``) → the addon's test requirements.  A stamp in
the environment records what was installed: a second run with the same source
checks the stamp and an ``import odoo`` and takes a second or two.

Only the standard library is used, so the system's ``python3`` runs it.
Exit status: 0 ready, 2 the source is unusable, 3 an install step failed.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".odoo-run"
DEFAULT_SOURCE = (
    "https://github.com/hlaadhari/odoo-18.0/archive/"
    "1b5d156449e9794be555824400d9920c5670aef2.tar.gz"
)
SHARED_ARCHIVE_HINT = "../shared/odoo/odoo-18.0-1b5d156.tar.xz"
ARCHIVE_SUFFIXES = (".tar.xz", ".tar.gz", ".tgz", ".tar.bz2", ".tar", ".zip")
BUILD_PACKAGES = ("libldap2-dev", "libsasl2-dev", "libpq-dev")
TEST_PACKAGES = ("chromium", "wkhtmltopdf")
STAMP = "odoo-source.json"
DOWNLOAD_TIMEOUT = 20


class SetupError(Exception):
    """A step failed; ``advice`` says what to do about it."""

    def __init__(self, message, advice="", code=3):
        super().__init__(message)
        self.advice = advice
        self.code = code


def say(message):
    print(f"[odoo-setup] {message}", flush=True)


class Step:
    """Print a step's name and, when it ends, how long it took."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.start = time.monotonic()
        say(f"{self.name} ...")
        return self

    def __exit__(self, exc_type, exc, tb):
        took = time.monotonic() - self.start
        say(f"{self.name}: {'done' if exc is None else 'FAILED'} in {took:.1f} s")
        return False


# --------------------------------------------------------------------------
# Source handling (no network needed except for a URL source)
# --------------------------------------------------------------------------


def classify_source(source):
    """``("url" | "dir" | "archive", value)`` for an ``ODOO_SOURCE`` value."""
    source = (source or "").strip()
    if not source:
        raise SetupError(
            "ODOO_SOURCE is empty",
            "set ODOO_SOURCE to an Odoo 18.0 archive, directory or URL",
            code=2,
        )
    if source.startswith(("http://", "https://")):
        return "url", source
    if source.startswith("file://"):
        source = source[len("file://") :]
    path = Path(source).expanduser()
    if path.is_dir():
        return "dir", path.resolve()
    if path.is_file():
        if not path.name.lower().endswith(ARCHIVE_SUFFIXES):
            raise SetupError(
                f"{path} is not an archive this tool reads",
                "use a .tar.xz, .tar.gz, .tgz or .zip of an Odoo 18.0 tree",
                code=2,
            )
        return "archive", path.resolve()
    raise SetupError(
        f"ODOO_SOURCE {source!r} is neither a directory, an archive nor a URL "
        "(no such file or directory)",
        f"point ODOO_SOURCE at an Odoo 18.0 archive (e.g. {SHARED_ARCHIVE_HINT}), "
        "a source tree, or an http(s) URL of an archive",
        code=2,
    )


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url, cache, timeout=DOWNLOAD_TIMEOUT):
    """Download ``url`` into ``cache/downloads`` once; return the file."""
    name = url.rstrip("/").rsplit("/", 1)[-1] or "odoo.tar.gz"
    if not name.lower().endswith(ARCHIVE_SUFFIXES):
        name += ".tar.gz"
    key = hashlib.sha256(url.encode()).hexdigest()[:12]
    target = cache / "downloads" / f"{key}-{name}"
    if target.is_file():
        say(f"reusing the download of {url}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            with open(partial, "wb") as out:
                shutil.copyfileobj(response, out, 1 << 20)
    except (urllib.error.URLError, OSError, ValueError) as err:
        partial.unlink(missing_ok=True)
        raise SetupError(
            f"could not download {url}: {getattr(err, 'reason', err)}",
            "no network or the URL is wrong: download an Odoo 18.0 archive "
            "elsewhere, or point ODOO_SOURCE at a local archive or tree "
            f"(e.g. ODOO_SOURCE={SHARED_ARCHIVE_HINT})",
            code=2,
        ) from err
    partial.rename(target)
    return target


def _safe_members(archive, dest):
    """Refuse members that would land outside ``dest`` (absolute, ``..``)."""
    dest = os.path.realpath(dest)
    for name in archive:
        full = os.path.realpath(os.path.join(dest, name))
        if full != dest and not full.startswith(dest + os.sep):
            raise SetupError(
                f"the archive has an unsafe member {name!r}",
                "use an archive of an Odoo source tree",
                code=2,
            )


def extract(archive, cache):
    """Extract ``archive`` under ``cache/src/<sha256[:16]>``, once; the tree."""
    key = sha256_of(archive)[:16]
    target = cache / "src" / key
    if (target / ".complete").is_file():
        say(f"reusing the tree extracted from {archive.name} ({target})")
        return find_tree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=target.parent))
    try:
        if archive.name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as zipped:
                _safe_members(zipped.namelist(), work)
                zipped.extractall(work)
        else:
            with tarfile.open(archive) as tarred:
                _safe_members(tarred.getnames(), work)
                if hasattr(tarfile, "data_filter"):
                    tarred.extractall(work, filter="data")
                else:  # pragma: no cover - Python < 3.11.4
                    tarred.extractall(work)
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as err:
        shutil.rmtree(work, ignore_errors=True)
        raise SetupError(
            f"could not extract {archive}: {err}",
            "the archive is damaged or not an archive; download it again",
            code=2,
        ) from err
    except SetupError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    try:
        tree = find_tree(work)
    except SetupError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    shutil.rmtree(target, ignore_errors=True)
    work.rename(target)
    (target / ".complete").write_text(str(archive) + "\n")
    return target / tree.relative_to(work)


def find_tree(root, depth=2):
    """The Odoo source tree at or just below ``root`` (has odoo/release.py)."""
    root = Path(root)
    candidates = [root]
    for _level in range(depth):
        found = [c for c in candidates if (c / "odoo" / "release.py").is_file()]
        if found:
            return found[0]
        candidates = [
            child
            for parent in candidates
            for child in sorted(parent.iterdir())
            if child.is_dir() and not child.name.startswith(".")
        ]
    found = [c for c in candidates if (c / "odoo" / "release.py").is_file()]
    if found:
        return found[0]
    raise SetupError(
        f"no Odoo source tree in {root} (no odoo/release.py)",
        "ODOO_SOURCE must be an Odoo 18.0 Community tree or an archive of one",
        code=2,
    )


def tree_version(tree):
    """Odoo's ``version_info`` read from the tree, without importing it."""
    namespace = {}
    code = (Path(tree) / "odoo" / "release.py").read_text(encoding="utf-8")
    exec(compile(code, "release.py", "exec"), namespace)
    return namespace.get("version_info")


def resolve_tree(source, cache):
    """The Odoo 18.0 tree for ``source`` (extracting or downloading it)."""
    kind, value = classify_source(source)
    if kind == "url":
        with Step(f"download {value}"):
            value = download(value, cache)
        kind = "archive"
    if kind == "archive":
        with Step(f"extract {value.name}"):
            tree = extract(value, cache)
    else:
        tree = find_tree(value)
    version = tree_version(tree)
    if not version or version[0] != 18:
        raise SetupError(
            f"the tree in {tree} is Odoo {version and version[0]}, not 18",
            "this addon targets Odoo 18.0: use an Odoo 18.0 source",
            code=2,
        )
    return tree


# --------------------------------------------------------------------------
# Installing
# --------------------------------------------------------------------------


def run(cmd, env=None, quiet=True):
    """Run ``cmd``; on failure raise with the tail of its output."""
    result = subprocess.run(
        cmd,
        env=env,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        text=True,
        check=False,
    )
    if result.returncode:
        tail = "\n".join((result.stdout or "").splitlines()[-25:])
        raise SetupError(f"`{' '.join(map(str, cmd))}` failed:\n{tail}")
    return result.stdout or ""


def missing_debian_packages(names):
    if not shutil.which("dpkg-query"):
        return []
    missing = []
    for name in names:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        if "install ok installed" not in out:
            missing.append(name)
    return missing


def ensure_debian_packages(names, why):
    missing = missing_debian_packages(names)
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SetupError(
            f"Debian packages missing for {why}: {' '.join(missing)}",
            f"install them: sudo apt-get install {' '.join(missing)}",
        )
    with Step(f"apt-get install {' '.join(missing)} ({why})"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", *missing], env=env)


def venv_python(venv):
    return Path(venv) / "bin" / "python"


def ensure_venv(venv):
    cfg = Path(venv) / "pyvenv.cfg"
    if cfg.is_file() and "include-system-site-packages = true" in cfg.read_text():
        say(f"{venv} sees the system's site-packages: making a new one")
        shutil.rmtree(venv)
    if not venv_python(venv).is_file():
        with Step(f"create the virtual environment {venv}"):
            run([sys.executable, "-m", "venv", str(venv)])


def installed_odoo(venv):
    """``(major, path of the odoo package)`` importable in ``venv``, or None."""
    python = venv_python(venv)
    if not python.is_file():
        return None
    result = subprocess.run(
        [
            str(python),
            "-c",
            "import os, odoo.release as r; "
            "print(r.version_info[0]); "
            "print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )
    if result.returncode:
        return None
    major, path = result.stdout.split("\n")[:2]
    return int(major), Path(path)


def read_stamp(venv):
    try:
        return json.loads((Path(venv) / STAMP).read_text())
    except (OSError, ValueError):
        return {}


def requirements_hash():
    digest = hashlib.sha256()
    for name in ("requirements.txt", "requirements-dev.txt"):
        path = ROOT / name
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def pip_install(venv, args, constraint=None):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if constraint:
        env["PIP_CONSTRAINT"] = str(constraint)
    run([str(venv_python(venv)), "-m", "pip", "install", "-q", *args], env=env)


def install(tree, venv, source, with_test_tools):
    stamp = read_stamp(venv)
    found = installed_odoo(venv)
    if (
        found
        and found[0] == 18
        and found[1] == Path(tree)
        and stamp.get("tree") == str(tree)
        and stamp.get("requirements") == requirements_hash()
    ):
        say(f"Odoo 18 already installed in {venv} from {tree}")
        return
    packages = list(BUILD_PACKAGES) + (list(TEST_PACKAGES) if with_test_tools else [])
    ensure_debian_packages(packages, "Odoo's requirements and the tests")
    ensure_venv(venv)
    if not (found and found[1] == Path(tree) and stamp.get("tree") == str(tree)):
        constraint = CACHE / "build-constraints.txt"
        constraint.parent.mkdir(parents=True, exist_ok=True)
        # cbor2==5.4.2 (Odoo's pin) only builds with setuptools < 70.
        constraint.write_text("setuptools<70\n")
        with Step("pip install Odoo's requirements.txt"):
            pip_install(venv, ["-r", str(Path(tree) / "requirements.txt")], constraint)
        with Step(f"pip install -e {tree}"):
            pip_install(venv, ["--no-deps", "-e", str(tree)], constraint)
    with Step("pip install the addon's requirements-dev.txt"):
        pip_install(venv, ["-r", str(ROOT / "requirements-dev.txt")])
    found = installed_odoo(venv)
    if not found or found[0] != 18 or found[1] != Path(tree):
        raise SetupError(
            f"after installing, {venv_python(venv)} does not import Odoo 18 "
            f"from {tree} (found: {found})",
            "remove the virtual environment and run this again",
        )
    (Path(venv) / STAMP).write_text(
        json.dumps(
            {
                "source": str(source),
                "tree": str(tree),
                "requirements": requirements_hash(),
                "installed": time.strftime("%Y-%m-%dT%H:%M:%S"),
            },
            indent=1,
        )
    )


def setup(source, venv, cache=CACHE, with_test_tools=False):
    """Make ``venv`` hold Odoo 18 from ``source``; return its Python.

    With no ``source`` (``ODOO_SOURCE`` unset) an Odoo 18 this tool already
    installed in ``venv`` is kept, whatever it came from; otherwise
    :data:`DEFAULT_SOURCE` is installed.  With a ``source``, the environment
    is reused only when it was installed from that same source.
    """
    started = time.monotonic()
    if source and not str(source).startswith(("http://", "https://")):
        # Record where a local source really is: a relative path means
        # something else from another checkout sharing this environment.
        local = Path(str(source).removeprefix("file://")).expanduser()
        if local.exists():
            source = str(local.resolve())
    stamp = read_stamp(venv)
    found = installed_odoo(venv)
    ready = (
        found
        and found[0] == 18
        and str(found[1]) == stamp.get("tree")
        and stamp.get("requirements") == requirements_hash()
        and (source is None or stamp.get("source") == str(source))
    )
    if ready:
        if with_test_tools:
            ensure_debian_packages(TEST_PACKAGES, "the tests")
        say(f"Odoo 18 ready in {venv} (from {stamp.get('source')}, cached)")
        return venv_python(venv)
    source = source or stamp.get("source") or DEFAULT_SOURCE
    tree = resolve_tree(source, Path(cache))
    install(tree, venv, source, with_test_tools)
    say(f"Odoo 18 ready in {venv} from {tree} ({time.monotonic() - started:.0f} s)")
    return venv_python(venv)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        default=os.environ.get("ODOO_SOURCE") or None,
        help="archive, directory or URL of Odoo 18.0 (default: $ODOO_SOURCE; "
        "without it, the Odoo already installed in the environment, else the "
        "pinned archive named in README.md)",
    )
    parser.add_argument("--venv", default=os.environ.get("VENV") or str(ROOT / ".venv"))
    parser.add_argument(
        "--with-test-tools",
        action="store_true",
        help="also install Debian's chromium and wkhtmltopdf (browser tour, PDFs)",
    )
    parser.add_argument(
        "--only-test-tools",
        action="store_true",
        help="only install Debian's chromium and wkhtmltopdf (with ODOO_PATH)",
    )
    args = parser.parse_args(argv)
    try:
        if args.only_test_tools:
            ensure_debian_packages(TEST_PACKAGES, "the tests")
            return 0
        # Absolute: the checks below run the venv's python from other folders.
        venv = Path(args.venv).absolute()
        setup(args.source, venv, with_test_tools=args.with_test_tools)
    except SetupError as err:
        say(f"ERROR: {err}")
        if err.advice:
            say(f"what to do: {err.advice}")
        return err.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
