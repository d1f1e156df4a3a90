"""Real text to measure: pinned corpora, fetched once from PyPI and checked on every load.

Two corpora, each taken from one pinned source distribution (sdist) on PyPI:

- **The Canterbury corpus**, the standard benchmark of text compression: four English
  texts (:data:`CANTERBURY_NAMES`) from ``tests/testdata/`` of ``brotli-1.2.1.tar.gz``.
  ``alice29`` is Lewis Carroll's *Alice's Adventures in Wonderland* (Millennium Fulcrum
  edition 2.9), ``asyoulik`` Shakespeare's *As You Like It*, ``lcet10`` the proceedings of
  the Library of Congress's 1992 *Workshop on Electronic Texts* (a Project Gutenberg
  etext), ``plrabn12`` Milton's *Paradise Lost* (Project Gutenberg, 1992). The texts are in
  the public domain; the brotli package that ships them is under the MIT licence.
- **Code**: the Python source of ``requests`` 2.32.3 (``src/requests/*.py`` of
  ``requests-2.32.3.tar.gz``, Apache License 2.0), a well-known, mature, hand-written
  library of about 190 kB, comparable in size to the Canterbury texts; and, separately,
  its docstrings (technical prose written by programmers).

Each sdist is pinned by URL and by the SHA-256 that PyPI publishes for it, and each text
taken out of it by its own SHA-256 (the constants below). The first use fetches the sdist
(with a message on stderr), checks it, extracts the texts with :mod:`tarfile` and stores
only them; every later load reads the stored file and checks its SHA-256 again, refusing
a file that fails (:class:`CorpusError`). Nothing touches the network at import time, and
only :func:`fetch_corpora` (which the loaders call on a missing file) ever does.

Where the files are kept (:func:`data_dir`): the folder named by the environment variable
``RDLIB_DATA`` if it is set; otherwise ``_data/`` in the repository when rdlib runs from a
clone of the book's repository (so a fresh clone proves the fetch); otherwise the user's
cache directory, ``$XDG_CACHE_HOME/rdlib`` or ``~/.cache/rdlib`` (Colab, an installed
rdlib).
"""

from __future__ import annotations

import ast
import hashlib
import http.client
import io
import os
import re
import sys
import tarfile
import tomllib
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CANTERBURY_NAMES",
    "CorpusError",
    "canterbury",
    "code_corpus",
    "code_docstrings",
    "data_dir",
    "fetch_corpora",
]

CANTERBURY_NAMES = ("alice29", "asyoulik", "lcet10", "plrabn12")
"""The four English texts of the Canterbury corpus, by their file names without ``.txt``."""

DATA_ENV = "RDLIB_DATA"
"""The environment variable that names the folder of the cached corpora, overriding both
the repository's ``_data/`` and the user's cache directory."""

FETCH_TIMEOUT_SECONDS = 60
"""How long one network read may stall before the fetch gives up."""


@dataclass(frozen=True)
class Sdist:
    """A source distribution on PyPI, pinned by URL and SHA-256.

    Attributes
    ----------
    filename : str
        The file's name on PyPI, e.g. ``brotli-1.2.1.tar.gz``.
    url : str
        Its address on files.pythonhosted.org.
    sha256 : str
        The SHA-256 PyPI publishes for it (the simple index's ``hashes``), hex.
    size : int
        Its size in bytes, for the message shown while it is fetched.
    licence : str
        The licence the package is distributed under.
    """

    filename: str
    url: str
    sha256: str
    size: int
    licence: str


BROTLI_SDIST = Sdist(
    filename="brotli-1.2.1.tar.gz",
    url=(
        "https://files.pythonhosted.org/packages/cf/81/"
        "1546c983678a9b4e77cb4718eaedd1b2caf24a6cdbf1eb8775938d22aff7/brotli-1.2.1.tar.gz"
    ),
    sha256="02b2f7b5a83485efe448a44ddf7983def05c3bb1dcf917d4f7154070260e13de",
    size=7_389_447,
    licence="MIT",
)
"""The sdist whose ``tests/testdata/`` holds the Canterbury texts."""

REQUESTS_SDIST = Sdist(
    filename="requests-2.32.3.tar.gz",
    url=(
        "https://files.pythonhosted.org/packages/63/70/"
        "2bf7780ad2d390a8d301ad0b550f1581eadbd9a20f896afe06353c2a2913/requests-2.32.3.tar.gz"
    ),
    sha256="55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760",
    size=131_218,
    licence="Apache-2.0",
)
"""The sdist whose ``src/requests/`` is the code corpus."""

CANTERBURY_SHA256 = {
    "alice29": "7467306ee0feed4971260f3c87421154a05be571d944e9cb021a5713700c38f0",
    "asyoulik": "eaa3526fe53859f34ecdf255712f9ecf0b2c903451d4755b2edaa2e2599cb0fc",
    "lcet10": "5314ba1dbb03f471df88bec6cd120a938ef60d0fd3511c5c1dce61bf7463245f",
    "plrabn12": "07e2e0b461af78c7c647cb53dab39de560198e16f799b4516eccf0fbd69f764c",
}
"""SHA-256 of each Canterbury text, byte for byte as in the sdist (and the corpus)."""

CODE_CORPUS_SHA256 = "d6d5a0fe2d2e77e5aebb665b3ce7221a9ab10b57d5ffff12a55c5cf0fde247cd"
"""SHA-256 of the stored code corpus (the UTF-8 bytes that :func:`code_corpus` decodes)."""

CODE_FILE_HEADER = "# ==> {path} <==\n"
"""The line that precedes each source file in :func:`code_corpus` (``path`` as
``requests/api.py``); a Python comment, so the corpus stays Python."""

_CODE_PREFIX = "requests-2.32.3/src/"
_CANTERBURY_MEMBER = "brotli-1.2.1/tests/testdata/{name}.txt"
_CANTERBURY_FILE = "canterbury/{name}.txt"
_CODE_FILE = "code/requests-2.32.3.py.txt"
_CODE_HEADER_PATTERN = re.compile(r"^# ==> (\S+\.py) <==\n", flags=re.MULTILINE)
_MEGABYTE = 1_000_000


class CorpusError(RuntimeError):
    """A corpus could not be fetched, or a stored file failed its SHA-256 check."""


# ---------------------------------------------------------------------------------------
# Where the files live


def _repository_root() -> Path | None:
    """The book's repository when rdlib runs from a clone of it, else None.

    A clone is recognised by the package directory's parent holding ``.git`` (a folder,
    or a file in a worktree) and a ``pyproject.toml`` whose project is named rdlib.
    """
    root = Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    if not (root / ".git").exists() or not pyproject.is_file():
        return None
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return root if project.get("name") == "rdlib" else None


def data_dir() -> Path:
    """The folder that holds (or will hold) the cached corpora.

    In order: the environment variable ``RDLIB_DATA`` when set and not empty; ``_data/``
    of the repository when rdlib runs from a clone of the book's repository (git-ignored);
    else ``$XDG_CACHE_HOME/rdlib`` (when that variable holds an absolute path) or
    ``~/.cache/rdlib``. The folder is not created here.

    Returns
    -------
    pathlib.Path
        The folder, absolute.

    Examples
    --------
    >>> data_dir().is_absolute()
    True
    """
    override = os.environ.get(DATA_ENV, "")
    if override:
        return Path(override).expanduser().resolve()
    root = _repository_root()
    if root is not None:
        return root / "_data"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "rdlib"


# ---------------------------------------------------------------------------------------
# Fetching: one sdist at a time, hash-checked, its texts extracted and checked


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _download(url: str) -> bytes:
    """The bytes at ``url`` (the one place rdlib touches the network)."""
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
        return response.read()


def _canterbury_texts(tar: tarfile.TarFile) -> dict[str, tuple[bytes, str]]:
    texts = {}
    for name in CANTERBURY_NAMES:
        member = _CANTERBURY_MEMBER.format(name=name)
        source = tar.extractfile(member)  # KeyError if missing, reported by the caller
        if source is None:
            raise KeyError(member)
        texts[_CANTERBURY_FILE.format(name=name)] = (source.read(), CANTERBURY_SHA256[name])
    return texts


def _code_texts(tar: tarfile.TarFile) -> dict[str, tuple[bytes, str]]:
    members = sorted(
        (member.name.removeprefix(_CODE_PREFIX), member)
        for member in tar.getmembers()
        if member.isfile()
        and member.name.startswith(_CODE_PREFIX + "requests/")
        and member.name.endswith(".py")
    )
    if not members:
        raise KeyError(_CODE_PREFIX + "requests/*.py")
    parts = []
    for path, member in members:
        source = tar.extractfile(member)
        if source is None:
            raise KeyError(member.name)
        parts.append(CODE_FILE_HEADER.format(path=path).encode("utf-8"))
        parts.append(source.read())
    return {_CODE_FILE: (b"".join(parts), CODE_CORPUS_SHA256)}


_Extractor = Callable[[tarfile.TarFile], dict[str, tuple[bytes, str]]]
# Each cache subfolder, with the sdist its files come from and how they are taken out.
_SOURCES: dict[str, tuple[Sdist, _Extractor]] = {
    "canterbury": (BROTLI_SDIST, _canterbury_texts),
    "code": (REQUESTS_SDIST, _code_texts),
}


def _write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, so no reader sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _fetch(sdist: Sdist, extract: _Extractor, directory: Path) -> list[Path]:
    """Fetch ``sdist``, check it, and store the texts ``extract`` takes out of it."""
    print(
        f"rdlib: fetching {sdist.filename} from PyPI ({sdist.size / _MEGABYTE:.2g} MB) once; "
        f"cached in {directory}",
        file=sys.stderr,
    )
    try:
        data = _download(sdist.url)
    except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
        raise CorpusError(
            f"could not fetch {sdist.url}: {exc}. rdlib fetches its corpora from PyPI once, "
            f"on first use: connect to the internet and run again, or copy a filled cache "
            f"folder to {directory} (or point the environment variable {DATA_ENV} at one)."
        ) from exc
    actual = _sha256(data)
    if actual != sdist.sha256:
        raise CorpusError(
            f"{sdist.filename} as fetched from {sdist.url} has SHA-256 {actual}, not the "
            f"pinned {sdist.sha256} that PyPI publishes; nothing was stored. Run again to "
            f"retry the download."
        )
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            texts = extract(tar)
    except (KeyError, tarfile.TarError) as exc:
        raise CorpusError(f"{sdist.filename} does not hold the expected files: {exc}") from exc
    for relative, (content, expected) in texts.items():
        actual = _sha256(content)
        if actual != expected:
            raise CorpusError(
                f"{relative} taken from {sdist.filename} has SHA-256 {actual}, not the pinned "
                f"{expected}; nothing was stored."
            )
    written = []
    for relative, (content, _) in texts.items():
        path = directory / relative
        try:
            _write_atomically(path, content)
        except OSError as exc:
            raise CorpusError(
                f"cannot write {path}: {exc}. Set the environment variable {DATA_ENV} to a "
                f"folder you can write to."
            ) from exc
        written.append(path)
    return written


def _source_of(relative: str) -> tuple[Sdist, _Extractor]:
    return _SOURCES[relative.split("/", 1)[0]]


def _expected_files() -> dict[str, str]:
    files = {_CANTERBURY_FILE.format(name=n): h for n, h in CANTERBURY_SHA256.items()}
    files[_CODE_FILE] = CODE_CORPUS_SHA256
    return files


def _verified(path: Path, expected: str) -> bytes:
    """The bytes of a stored file, refused unless they have the pinned SHA-256."""
    data = path.read_bytes()
    actual = _sha256(data)
    if actual != expected:
        raise CorpusError(
            f"{path} is corrupt: its SHA-256 is {actual}, but the pinned value is {expected}. "
            f"Delete the file (rm '{path}') and run again: rdlib then fetches it afresh from "
            f"PyPI."
        )
    return data


def _load(relative: str) -> bytes:
    """A stored corpus file, fetched first if missing, checked against its SHA-256."""
    directory = data_dir()
    path = directory / relative
    if not path.is_file():
        _fetch(*_source_of(relative), directory)
    return _verified(path, _expected_files()[relative])


def fetch_corpora(directory: str | os.PathLike[str] | None = None) -> dict[Path, bool]:
    """Fill the cache: fetch every corpus not yet stored, and check every stored file.

    Idempotent: files already present are only checked (a corrupt one raises
    :class:`CorpusError` rather than being replaced silently). This is what
    ``scripts/fetch_corpora.py`` (run by ``make``) calls; the loaders call the same fetch
    on first use, one sdist at a time.

    Parameters
    ----------
    directory : str or path-like, optional
        Where to store the files; :func:`data_dir` when omitted.

    Returns
    -------
    dict of pathlib.Path to bool
        Each stored file, mapped to True if it was fetched by this call and False if it
        was already there (and passed its SHA-256 check).

    Raises
    ------
    CorpusError
        If a fetch fails, or a file (fetched or stored) fails its SHA-256 check.

    Examples
    --------
    >>> sorted(path.name for path in fetch_corpora())[:2]
    ['alice29.txt', 'asyoulik.txt']
    """
    target = data_dir() if directory is None else Path(directory).expanduser().resolve()
    status: dict[Path, bool] = {}
    for relative, expected in _expected_files().items():
        path = target / relative
        if not path.is_file():
            for written in _fetch(*_source_of(relative), target):
                status[written] = True
        _verified(path, expected)
        status.setdefault(path, False)
    return status


# ---------------------------------------------------------------------------------------
# The corpora


def canterbury(name: str) -> str:
    """One English text of the Canterbury corpus, exactly as the benchmark has it.

    The files are pure ASCII, so they are decoded as ASCII (strictly) and each byte is one
    character: a rate in bits per character of the returned string is a rate in bits per
    byte of the file, the unit in which compression results on the corpus are published.
    The line ends are kept as they are (``alice29``, ``lcet10`` and ``plrabn12`` end their
    lines with CR LF, ``asyoulik`` with LF), each CR counting as a character.

    The texts, Carroll's *Alice's Adventures in Wonderland*, Shakespeare's
    *As You Like It*, the proceedings of the Library of Congress's 1992 *Workshop on
    Electronic Texts* and Milton's *Paradise Lost*, are in the public domain; they are
    taken from the MIT-licensed ``brotli-1.2.1.tar.gz`` on PyPI, fetched and checked on
    first use.

    Parameters
    ----------
    name : str
        One of ``"alice29"``, ``"asyoulik"``, ``"lcet10"``, ``"plrabn12"``.

    Returns
    -------
    str
        The text (152,089; 125,179; 426,754 and 481,861 characters respectively).

    Raises
    ------
    ValueError
        If ``name`` is not one of the four.
    CorpusError
        If the text cannot be fetched, or its stored file fails its SHA-256 check.

    Examples
    --------
    >>> text = canterbury("alice29")
    >>> len(text), text.split()[:3]
    (152089, ["ALICE'S", 'ADVENTURES', 'IN'])
    """
    if not isinstance(name, str) or name not in CANTERBURY_NAMES:
        raise ValueError(f"name must be one of {', '.join(CANTERBURY_NAMES)}; got {name!r}")
    return _load(_CANTERBURY_FILE.format(name=name)).decode("ascii")


def _code_files() -> list[tuple[str, str]]:
    """The code corpus split back into its files: (path, source) in sorted path order."""
    parts = _CODE_HEADER_PATTERN.split(code_corpus())
    if parts[0]:
        raise CorpusError("the code corpus does not start with a file header")
    return list(zip(parts[1::2], parts[2::2], strict=True))


def code_corpus() -> str:
    """Python source code: every ``.py`` file of ``requests`` 2.32.3, concatenated.

    The files of ``src/requests/`` in the sdist ``requests-2.32.3.tar.gz`` (Apache License
    2.0), in sorted path order (``requests/__init__.py`` first, ``requests/utils.py``
    last), each preceded by one comment line, ``# ==> {path} <==``
    (``rdlib.corpora.CODE_FILE_HEADER``), e.g. ``# ==> requests/api.py <==``. The files
    are decoded as UTF-8 (Python's source encoding); a few hold non-ASCII characters, so
    characters are slightly fewer than bytes. Line ends are LF. Fetched from PyPI and
    checked on first use, independent of whatever ``requests`` is installed.

    Returns
    -------
    str
        The source, 18 files, 189,005 characters (189,011 bytes).

    Raises
    ------
    CorpusError
        If the corpus cannot be fetched, or its stored file fails its SHA-256 check.

    Examples
    --------
    >>> source = code_corpus()
    >>> source.splitlines()[0]
    '# ==> requests/__init__.py <=='
    """
    return _load(_CODE_FILE).decode("utf-8")


def _docstrings(source: str, path: str) -> list[str]:
    tree = ast.parse(source, filename=path)
    owners = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    owners.sort(key=lambda node: getattr(node, "lineno", 0))  # the module first, then in order
    found = (ast.get_docstring(node, clean=True) for node in owners)
    return [doc for doc in found if doc]


def code_docstrings() -> str:
    """The docstrings of :func:`code_corpus`: technical prose written by programmers.

    Every docstring of a module, class or function (``ast.get_docstring`` with
    ``clean=True``, which removes the indentation), file by file in sorted path order and
    in source order within a file, empty ones skipped, joined by one blank line
    (``"\\n\\n"``). From ``requests`` 2.32.3 (Apache License 2.0).

    Returns
    -------
    str
        The docstrings, 47,348 characters.

    Raises
    ------
    CorpusError
        If the corpus cannot be fetched, or its stored file fails its SHA-256 check.

    Examples
    --------
    >>> code_docstrings().splitlines()[0]
    'Requests HTTP Library'
    """
    docs = []
    for path, source in _code_files():
        docs.extend(_docstrings(source, path))
    return "\n\n".join(docs)
