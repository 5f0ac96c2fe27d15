"""tools/odoo_setup.py: where Odoo comes from (no network, no real install)."""

import importlib.util
import io
import socket
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load():
    spec = importlib.util.spec_from_file_location(
        "odoo_setup", ROOT / "tools" / "odoo_setup.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


setup = _load()

RELEASE = "version_info = ({major}, 0, 0, 'final', 0, '')\n"


def make_tree(base, major=18, name="odoo-18.0"):
    tree = base / name
    (tree / "odoo").mkdir(parents=True)
    (tree / "odoo" / "release.py").write_text(RELEASE.format(major=major))
    (tree / "requirements.txt").write_text("")
    return tree


def make_tar(tmp_path, major=18, suffix=".tar.gz", extra=None):
    src = tmp_path / "build"
    make_tree(src, major)
    archive = tmp_path / f"odoo{suffix}"
    mode = {".tar.gz": "w:gz", ".tar.xz": "w:xz", ".tgz": "w:gz"}[suffix]
    with tarfile.open(archive, mode) as tar:
        tar.add(src / "odoo-18.0", arcname="odoo-18.0")
        if extra:
            info = tarfile.TarInfo(extra)
            data = b"x"
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("suffix", [".tar.gz", ".tar.xz", ".tgz"])
def test_archive_is_extracted_and_found(tmp_path, suffix):
    archive = make_tar(tmp_path, suffix=suffix)
    tree = setup.resolve_tree(str(archive), tmp_path / "cache")
    assert (tree / "odoo" / "release.py").is_file()
    assert tree.name == "odoo-18.0"
    assert tree.is_relative_to(tmp_path / "cache" / "src")


def test_zip_archive(tmp_path):
    src = make_tree(tmp_path / "build")
    archive = tmp_path / "odoo.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in src.rglob("*"):
            zipped.write(path, path.relative_to(src.parent))
    tree = setup.resolve_tree(str(archive), tmp_path / "cache")
    assert setup.tree_version(tree)[0] == 18


def test_second_extraction_reuses_the_cache(tmp_path, capsys):
    archive = make_tar(tmp_path)
    first = setup.resolve_tree(str(archive), tmp_path / "cache")
    (first / "marker").write_text("kept")
    second = setup.resolve_tree(str(archive), tmp_path / "cache")
    assert second == first
    assert (second / "marker").read_text() == "kept"
    assert "reusing the tree" in capsys.readouterr().out


def test_directory_is_used_in_place(tmp_path):
    tree = make_tree(tmp_path)
    assert setup.resolve_tree(str(tmp_path), tmp_path / "cache") == tree
    assert not (tmp_path / "cache").exists()


def test_file_url_prefix_is_a_path(tmp_path):
    tree = make_tree(tmp_path)
    assert setup.resolve_tree(f"file://{tree}", tmp_path / "cache") == tree


def test_bad_path_says_what_to_do(tmp_path):
    with pytest.raises(setup.SetupError) as err:
        setup.resolve_tree(str(tmp_path / "nowhere.tar.xz"), tmp_path / "cache")
    assert err.value.code == 2
    assert "no such file or directory" in str(err.value)
    assert "ODOO_SOURCE" in err.value.advice


def test_empty_source_is_refused(tmp_path):
    with pytest.raises(setup.SetupError) as err:
        setup.classify_source("  ")
    assert "empty" in str(err.value)


def test_a_file_that_is_not_an_archive(tmp_path):
    notes = tmp_path / "odoo.txt"
    notes.write_text("hello")
    with pytest.raises(setup.SetupError) as err:
        setup.resolve_tree(str(notes), tmp_path / "cache")
    assert "not an archive" in str(err.value)


def test_damaged_archive_leaves_no_cache_entry(tmp_path):
    archive = tmp_path / "odoo.tar.xz"
    archive.write_bytes(b"\xfd7zXZ\x00 truncated")
    with pytest.raises(setup.SetupError) as err:
        setup.resolve_tree(str(archive), tmp_path / "cache")
    assert "could not extract" in str(err.value)
    assert not list((tmp_path / "cache" / "src").iterdir())


def test_unsafe_member_is_refused(tmp_path):
    archive = make_tar(tmp_path, extra="../escape.txt")
    with pytest.raises(setup.SetupError) as err:
        setup.resolve_tree(str(archive), tmp_path / "cache")
    assert "unsafe member" in str(err.value)
    assert not (tmp_path / "cache" / "escape.txt").exists()


def test_archive_without_odoo(tmp_path):
    (tmp_path / "build" / "other").mkdir(parents=True)
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "build" / "other", arcname="other")
    with pytest.raises(setup.SetupError) as err:
        setup.resolve_tree(str(archive), tmp_path / "cache")
    assert "no Odoo source tree" in str(err.value)


def test_other_odoo_version_is_refused(tmp_path):
    make_tree(tmp_path, major=17)
    with pytest.raises(setup.SetupError) as err:
        setup.resolve_tree(str(tmp_path), tmp_path / "cache")
    assert "not 18" in str(err.value)


def test_unreachable_url_says_no_network_and_what_to_do(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/odoo-18.0.tar.gz"
    with pytest.raises(setup.SetupError) as err:
        setup.resolve_tree(url, tmp_path / "cache")
    assert err.value.code == 2
    assert "could not download" in str(err.value)
    assert "no network" in err.value.advice
    assert "ODOO_SOURCE=" in err.value.advice
    assert not list((tmp_path / "cache" / "downloads").glob("*"))


def test_url_is_downloaded_once(tmp_path, monkeypatch):
    archive = make_tar(tmp_path)
    calls = []

    def fake_urlopen(url, timeout):
        calls.append(url)
        return open(archive, "rb")

    monkeypatch.setattr(setup.urllib.request, "urlopen", fake_urlopen)
    url = "https://example.invalid/odoo/archive/abc.tar.gz"
    first = setup.resolve_tree(url, tmp_path / "cache")
    second = setup.resolve_tree(url, tmp_path / "cache")
    assert first == second
    assert calls == [url]


def test_main_reports_a_bad_source_with_exit_code_2(tmp_path, capsys):
    code = setup.main(
        ["--source", str(tmp_path / "missing"), "--venv", str(tmp_path / "venv")]
    )
    out = capsys.readouterr().out
    assert code == 2
    assert "ERROR:" in out and "what to do:" in out
    assert not (tmp_path / "venv").exists()


def test_a_relative_venv_is_made_absolute(tmp_path, monkeypatch):
    """bench/run passes ``--venv .venv``: the venv's python is later run
    with another working directory, so the path must not stay relative."""
    seen = {}
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        setup, "setup", lambda source, venv, **kw: seen.update(venv=venv)
    )
    assert setup.main(["--venv", ".venv", "--source", str(tmp_path)]) == 0
    assert seen["venv"] == tmp_path / ".venv"
    assert seen["venv"].is_absolute()
