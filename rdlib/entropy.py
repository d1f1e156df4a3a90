"""How many bits is a token? Upper bounds on a text's entropy rate, measured.

A predictor is a compressor: any model that gives each symbol a probability
given the symbols before it codes the text in ``-sum log2 p`` bits (arithmetic
coding gets within 2 bits of that), so every model and every compressor gives
an **upper bound** on the entropy rate, and better models give smaller, tighter
upper bounds. This
module measures such bounds three ways:

- general-purpose compressors, in bits per character (:func:`bits_per_char`);
- an adaptive n-gram model over the tokens of a tokenizer, coded prequentially
  (:func:`ngram_costs`, :func:`ngram_code_length`);
- plug-in entropies of the empirical distribution of tokens and of blocks of
  tokens (:func:`unigram_entropy`, :func:`block_entropies`), which are *not*
  code lengths: they ignore what a decoder would have to learn, and they
  collapse when blocks are too rare to be counted (undersampling).

Per character and per token are different units: bits per token = bits per
character times characters per token, and characters per token depends on the
tokenizer and the content. :func:`entropy_report` puts every estimate for one
text in one table, with the threshold ratio ``log2 |V| / (bits per token)``
of chapter 4 for each tokenizer; ``python -m rdlib.entropy FILE`` prints it
for a file of your own (a transcript, say).

Reproducibility. ``zlib``, ``bz2`` and ``lzma`` are the standard library's
bindings to the machine's own C libraries, whose versions differ between
machines (this one, Binder, Colab) and can change a compressed size by a few
bytes, that is by about 1e-4 bits per character on a 150 kB text; print them at
3 decimals or fewer. ``zstandard``, ``brotli`` and ``pyppmd`` bundle their C
code in the pinned wheels, so their sizes depend only on those pins. The
n-gram costs are exact IEEE arithmetic except for the final ``log2``, which
NumPy may compute with SIMD code that differs in the last bit between CPUs;
totals agree to about 1e-12 relative.
"""

from __future__ import annotations

import argparse
import bz2
import lzma
import math
import numbers
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _ngram
from .tables import format_table

__all__ = [
    "COMPRESSORS",
    "DEFAULT_ORDER",
    "BlockEntropies",
    "EntropyEstimate",
    "EntropyReport",
    "TokenizerStats",
    "bits_per_char",
    "block_entropies",
    "entropy_report",
    "ngram_code_length",
    "ngram_costs",
    "unigram_entropy",
]

DEFAULT_ORDER = 3
"""The n-gram order of :func:`entropy_report`: three tokens of context.

On ``cl100k_base`` tokens of the four Canterbury texts, orders 3, 4 and 5 code
within 0.001 bits per character of each other and order 2 is 0.002 to 0.004
worse (``benchmarks/ngram_speed.py`` measures them all).
"""

# Compressor settings: each at its strongest standard setting.
ZLIB_LEVEL = 9
BZ2_LEVEL = 9
XZ_PRESET = 9 | lzma.PRESET_EXTREME
ZSTD_LEVEL = 22  # zstd's maximum ("--ultra -22")
BROTLI_QUALITY = 11
BROTLI_WINDOW_BITS = 24
PPMD_VARIANT = "H"
PPMD_ORDER = 32  # 7-Zip's "-mx=9" PPMd preset: order 32 ...
PPMD_MEMORY = 192 << 20  # ... with 192 MiB of model memory


def _zlib(data: bytes) -> bytes:
    return zlib.compress(data, ZLIB_LEVEL)


def _bz2(data: bytes) -> bytes:
    return bz2.compress(data, BZ2_LEVEL)


def _xz(data: bytes) -> bytes:
    return lzma.compress(data, format=lzma.FORMAT_XZ, preset=XZ_PRESET)


def _zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(data)


def _brotli(data: bytes) -> bytes:
    import brotli

    return brotli.compress(data, quality=BROTLI_QUALITY, lgwin=BROTLI_WINDOW_BITS)


def _ppmd(data: bytes) -> bytes:
    import pyppmd

    return pyppmd.compress(data, max_order=PPMD_ORDER, mem_size=PPMD_MEMORY, variant=PPMD_VARIANT)


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "zlib": _zlib,
    "bz2": _bz2,
    "xz": _xz,
    "zstd": _zstd,
    "brotli": _brotli,
    "ppmd": _ppmd,
}
"""The methods of :func:`bits_per_char`, by name: each maps bytes to their compressed form."""


def _check_text(text: str) -> str:
    if not isinstance(text, str):
        raise ValueError(f"text must be a str; got {type(text).__name__}")
    if not text:
        raise ValueError("text must be a non-empty str (a rate per character needs characters)")
    return text


def bits_per_char(text: str, method: str) -> float:
    """A compressor's rate on a text: compressed size in bits per character.

    The text is encoded as UTF-8 and compressed whole, in one call, with the
    method's container (headers and checksums included, as a file would be);
    the rate is ``8 * len(compressed) / len(text)``, per character of the
    ``str`` (for ASCII text, per byte). Settings, each the strongest standard one:

    - ``"zlib"``: level 9 (DEFLATE, as ``gzip -9``; zlib's 6-byte container);
    - ``"bz2"``: level 9 (900 kB blocks, as ``bzip2 -9``);
    - ``"xz"``: preset ``9 | PRESET_EXTREME`` (as ``xz -9e``; .xz container, CRC64);
    - ``"zstd"``: level 22, zstd's highest ("ultra") level;
    - ``"brotli"``: quality 11, window ``2**24`` bytes (``lgwin=24``, the largest
      standard window);
    - ``"ppmd"``: PPMd variant H (Shkarin's PPMII, as in 7-Zip's .7z) with model
      order 32 and 192 MiB of memory, 7-Zip's ``-mx=9`` preset.

    ``zlib``, ``bz2`` and ``xz`` call the machine's own C libraries (their sizes
    may differ by a few bytes between library versions); ``zstd``, ``brotli``
    and ``ppmd`` use the C code bundled in the pinned ``zstandard``, ``brotli``
    and ``pyppmd`` wheels.

    Parameters
    ----------
    text : str
        The text, non-empty.
    method : str
        One of ``"zlib"``, ``"bz2"``, ``"xz"``, ``"zstd"``, ``"brotli"``, ``"ppmd"``.

    Returns
    -------
    float
        Bits per character: an upper bound on the text's entropy rate per
        character (plus the container's few bytes).

    Raises
    ------
    ValueError
        If ``text`` is not a non-empty ``str`` or ``method`` is not one of the six.

    Examples
    --------
    >>> bits_per_char("abc" * 1000, "bz2") < 0.5
    True
    """
    if not isinstance(method, str) or method not in COMPRESSORS:
        raise ValueError(f"method must be one of {', '.join(COMPRESSORS)}; got {method!r}")
    text = _check_text(text)
    return 8 * len(COMPRESSORS[method](text.encode("utf-8"))) / len(text)


# ----------------------------------------------------------------- token sequences


def _check_symbols(symbols: ArrayLike) -> NDArray[np.int64]:
    """A non-empty 1-D array of non-negative integers, as int64."""
    arr = np.asarray(symbols)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"symbols must be a non-empty 1-D sequence; got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"symbols must be integers (token ids); got dtype {arr.dtype}")
    if arr.min() < 0 or (arr.dtype == np.uint64 and arr.max() > np.iinfo(np.int64).max):
        raise ValueError(f"symbols must be integers in [0, 2**63); got {arr.min()} .. {arr.max()}")
    return arr.astype(np.int64, copy=False)


def _check_count(value: int, name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        raise ValueError(f"{name} must be an integer >= {least}; got {value!r}")
    return int(value)


def _check_alphabet(alphabet_size: int | None, x: NDArray[np.int64]) -> int:
    largest = int(x.max())
    if alphabet_size is None:
        return largest + 1
    size = _check_count(alphabet_size, "alphabet_size", 1)
    if size <= largest:
        raise ValueError(
            f"alphabet_size must be > the largest symbol ({largest}); got {alphabet_size!r}"
        )
    return size


def ngram_costs(
    symbols: ArrayLike, order: int, alphabet_size: int | None = None
) -> NDArray[np.float64]:
    """Per-symbol ideal code lengths of an adaptive n-gram model, in bits.

    The model conditions each symbol on the ``order`` symbols before it (order
    ``k`` means ``k`` symbols of context, as for a Markov source of order ``k``)
    and is coded *prequentially*: symbol ``i`` is coded with counts from the
    symbols before ``i`` only, never ahead, so the costs are the code lengths of
    a real sequential code (decodable, since the decoder rebuilds the same counts)
    and their sum is an upper bound on the information in the sequence.

    Smoothing: interpolated Kneser–Ney. With ``count(ctx, x)`` the count of
    symbol ``x`` after context ``ctx`` so far (a raw count at the top order; at
    lower orders the number of distinct symbols seen just before ``ctx x``),
    ``count(ctx)`` its sum over ``x`` and ``distinct(ctx)`` the number of
    distinct ``x`` seen after ``ctx`` (its distinct continuations), the
    probability of order ``j`` is built on that of order ``j - 1``, whose
    context ``ctx'`` drops the oldest symbol:

    .. code-block:: text

        p_{-1}(x)     = 1 / |𝒳|
        p_j(x | ctx)  = (max(count(ctx, x) - discount_j, 0)
                         + discount_j * distinct(ctx) * p_{j-1}(x | ctx')) / count(ctx)
                                                                  if count(ctx) > 0
        p_j(x | ctx)  = p_{j-1}(x | ctx')                         if count(ctx) = 0

    with ``|𝒳|`` the alphabet size and the discount of order ``j`` Ney, Essen
    and Kneser's (1994) ``once / (once + 2 twice)``, where ``once`` and
    ``twice`` are the numbers of distinct ``(j + 1)``-grams counted exactly once
    and twice so far (the discount is 1/2 before any is counted once).
    Nothing is tuned. A position ``i < k`` has only ``i`` symbols before it and
    uses orders ``0 .. i``. The counts are computed for all positions at once by
    sorting (see ``rdlib/_ngram.py``): about 0.6 s for 10^6 tokens at order 3 on a
    2-core machine (``benchmarks/ngram_speed.py``).

    Parameters
    ----------
    symbols : array_like of int
        The sequence (token ids, say): non-empty, 1-D, integers >= 0.
    order : int
        ``k``, the number of symbols of context, >= 0.
    alphabet_size : int, optional
        ``|𝒳|``, the alphabet size: the number of possible symbols (for tokens,
        the vocabulary's size); must exceed the largest symbol. Default: the
        largest symbol + 1.

    Returns
    -------
    ndarray of float64, shape (n,)
        ``-log2 p_k(x_i | x_{i-k} .. x_{i-1})`` for every position ``i``; each > 0
        (or 0 when the alphabet has one symbol).

    Raises
    ------
    ValueError
        If ``symbols`` is empty, not 1-D, not integers or negative; ``order`` is
        not an integer >= 0; or ``alphabet_size`` is not an integer larger than
        every symbol.

    Examples
    --------
    >>> ngram_costs([0, 1, 0, 1, 0, 1], order=1, alphabet_size=2).round(3).tolist()
    [1.0, 1.0, 1.0, 1.585, 0.17, 0.263]
    """
    x = _check_symbols(symbols)
    k = _check_count(order, "order", 0)
    size = _check_alphabet(alphabet_size, x)
    # Orders above n - 1 never have a context seen before: they change nothing.
    probabilities = _ngram.ngram_probabilities(x, min(k, x.size - 1), size)
    return -np.log2(probabilities) + 0.0


def ngram_code_length(symbols: ArrayLike, order: int, alphabet_size: int | None = None) -> float:
    """Total ideal code length, in bits, of the adaptive n-gram model of :func:`ngram_costs`.

    The sum of the per-symbol costs (added exactly, with ``math.fsum``).
    Divided by the number of tokens it is an upper bound on the entropy rate in
    bits per token; divided by the number of characters, in bits per character.

    Parameters
    ----------
    symbols : array_like of int
        The sequence: non-empty, 1-D, integers >= 0.
    order : int
        ``k``, the number of symbols of context, >= 0.
    alphabet_size : int, optional
        The number of possible symbols, larger than every symbol. Default: the
        largest symbol + 1.

    Returns
    -------
    float
        Bits.

    Raises
    ------
    ValueError
        As :func:`ngram_costs`.

    Examples
    --------
    >>> round(ngram_code_length([0, 1, 0, 1, 0, 1], order=1, alphabet_size=2), 3)
    5.018
    """
    return math.fsum(ngram_costs(symbols, order, alphabet_size).tolist())


def _plug_in_entropy(counts: NDArray[np.int64]) -> float:
    """Entropy in bits of the empirical distribution with these counts."""
    c = counts[counts > 0].astype(np.float64)
    total = c.sum()
    return float(np.log2(total) - np.dot(c, np.log2(c)) / total) + 0.0


def unigram_entropy(symbols: ArrayLike) -> float:
    """The plug-in entropy of the symbols' empirical distribution, in bits per symbol.

    ``-sum_x f(x) log2 f(x)`` with ``f(x)`` the share of positions holding ``x``:
    what ignoring context gives. It is not a code length (a decoder would first
    need the frequencies) and it is biased low on short sequences.

    Parameters
    ----------
    symbols : array_like of int
        Non-empty, 1-D, integers >= 0.

    Returns
    -------
    float
        Bits per symbol, in ``[0, log2 n]``.

    Raises
    ------
    ValueError
        If ``symbols`` is empty, not 1-D, not integers or negative.

    Examples
    --------
    >>> unigram_entropy([0, 0, 1, 2])
    1.5
    """
    x = _check_symbols(symbols)
    _, counts = np.unique(x, return_counts=True)
    return _plug_in_entropy(counts)


@dataclass(frozen=True)
class BlockEntropies:
    """Result of :func:`block_entropies`: plug-in entropies of blocks of ``k`` symbols.

    Attributes
    ----------
    orders : ndarray of int64
        The block lengths ``k = 1 .. max_k``.
    block : ndarray of float64
        ``H_k``: the plug-in entropy of the ``n - k + 1`` overlapping blocks, in
        bits per block.
    per_symbol : ndarray of float64
        ``H_k / k``, bits per symbol.
    conditional : ndarray of float64
        ``H_k - H_{k-1}`` (``H_0 = 0``), the plug-in estimate of the entropy of a
        symbol given the ``k - 1`` before it.
    distinct : ndarray of int64
        The number of distinct blocks of length ``k`` seen.
    samples : ndarray of int64
        ``n - k + 1``, the number of blocks counted. Once ``distinct`` nears
        ``samples``, ``H_k`` nears ``log2(samples)`` and stops growing: the
        conditional entropy collapses towards 0 (undersampling), not because the
        text became predictable.
    """

    orders: NDArray[np.int64]
    block: NDArray[np.float64]
    per_symbol: NDArray[np.float64]
    conditional: NDArray[np.float64]
    distinct: NDArray[np.int64]
    samples: NDArray[np.int64]


def block_entropies(symbols: ArrayLike, max_k: int) -> BlockEntropies:
    """Plug-in block entropies ``H_k``, ``H_k / k`` and ``H_k - H_{k-1}`` for ``k = 1 .. max_k``.

    For a stationary source both ``H_k / k`` and ``H_k - H_{k-1}`` fall to the
    entropy rate as ``k`` grows; estimated from one sequence of ``n`` symbols they
    do so only while blocks repeat often enough to be counted. Once most blocks
    of length ``k`` are seen once, ``H_k`` is stuck near ``log2 n`` and the
    estimates collapse: this is the bias the chapter shows.

    Parameters
    ----------
    symbols : array_like of int
        Non-empty, 1-D, integers >= 0.
    max_k : int
        The longest block, an integer in ``1 .. n``.

    Returns
    -------
    BlockEntropies
        One entry per ``k`` in each array.

    Raises
    ------
    ValueError
        If ``symbols`` is invalid (as :func:`unigram_entropy`) or ``max_k`` is not
        an integer in ``1 .. n``.

    Examples
    --------
    >>> result = block_entropies([0, 1, 0, 1, 0, 1, 0, 1], max_k=2)
    >>> result.per_symbol.round(3).tolist(), result.conditional.round(3).tolist()
    ([1.0, 0.493], [1.0, -0.015])
    """
    x = _check_symbols(symbols)
    k_max = _check_count(max_k, "max_k", 1)
    n = x.size
    if k_max > n:
        raise ValueError(f"max_k must be at most the number of symbols ({n}); got {max_k!r}")
    dense, m = _ngram.dense_symbols(x, int(x.max()) + 1)
    grams = None
    block, distinct = [], []
    for k in range(1, k_max + 1):
        grams = _ngram.Grams(*_ngram.gram_keys(grams, dense, m))
        counts = np.bincount(grams.ids[k - 1 :])  # blocks lying inside the sequence
        block.append(_plug_in_entropy(counts))
        distinct.append(int(np.count_nonzero(counts)))
    orders = np.arange(1, k_max + 1, dtype=np.int64)
    h = np.array(block)
    return BlockEntropies(
        orders=orders,
        block=h,
        per_symbol=h / orders,
        conditional=np.diff(h, prepend=0.0),
        distinct=np.array(distinct, dtype=np.int64),
        samples=n - orders + 1,
    )


# ----------------------------------------------------------------- the report


@dataclass(frozen=True)
class TokenizerStats:
    """One tokenizer's view of the text in :class:`EntropyReport`.

    Attributes
    ----------
    encoding : str
        The tokenizer (``"cl100k_base"``, ``"o200k_base"``).
    vocabulary_size : int
        ``|V|``, tiktoken's ``n_vocab``.
    capacity : float
        ``log2 |V|``, the most bits one token can carry.
    tokens : int
        The number of tokens of the text.
    chars_per_token : float
        Characters per token (the book's gamma) on this text.
    """

    encoding: str
    vocabulary_size: int
    capacity: float
    tokens: int
    chars_per_token: float


@dataclass(frozen=True)
class EntropyEstimate:
    """One estimate of the entropy rate, in both units, for one tokenizer.

    Attributes
    ----------
    method : str
        ``"zlib"`` ... ``"ppmd"`` (a compressor, :func:`bits_per_char`),
        ``"unigram"`` (plug-in entropy of the tokens, not a code length) or
        ``"ngram-k"`` (the adaptive model of :func:`ngram_costs` at order ``k``).
    encoding : str
        The tokenizer whose tokens (for the token models) and characters per
        token (for the conversion) are used.
    bits_per_char : float
        Bits per character of the text.
    bits_per_token : float
        ``bits_per_char`` times that tokenizer's characters per token.
    threshold_ratio : float
        ``log2 |V| / bits_per_token``: the compression ratio ``r*`` below which,
        at this entropy rate, nothing has to be lost (chapter 4).
    """

    method: str
    encoding: str
    bits_per_char: float
    bits_per_token: float
    threshold_ratio: float


@dataclass(frozen=True)
class EntropyReport:
    """Result of :func:`entropy_report`: every estimate for one text.

    Attributes
    ----------
    characters : int
        The text's length in characters.
    order : int
        The n-gram model's order.
    tokenizers : tuple of TokenizerStats
        One per tokenizer, in the order asked.
    estimates : tuple of EntropyEstimate
        For each tokenizer, the six compressors, the unigram plug-in entropy and
        the n-gram model.
    """

    characters: int
    order: int
    tokenizers: tuple[TokenizerStats, ...]
    estimates: tuple[EntropyEstimate, ...]

    def table(self) -> str:
        """The estimates as a fixed-width table, one row per (tokenizer, method).

        Returns
        -------
        str
            Columns: tokenizer, method, bits per character, bits per token and the
            threshold ratio ``r*``.
        """
        rows = [
            [e.encoding, e.method, e.bits_per_char, e.bits_per_token, e.threshold_ratio]
            for e in self.estimates
        ]
        return format_table(
            ["tokenizer", "estimate", "bits/char", "bits/token", "r* = log2|V| / rate"],
            rows,
            ["{}", "{}", "{:.3f}", "{:.2f}", "{:.1f}:1"],
            align="<<>>>",
        )


def entropy_report(
    text: str,
    encodings: Sequence[str] = ("cl100k_base", "o200k_base"),
    order: int = DEFAULT_ORDER,
    progress: Callable[[str], None] | None = None,
) -> EntropyReport:
    """Every estimate of a text's entropy rate, per character and per token of each tokenizer.

    For the text: the six compressors of :func:`bits_per_char`. For each
    tokenizer: its tokens (:func:`~rdlib.tokenize`), its characters per token,
    the plug-in unigram entropy of the tokens (:func:`unigram_entropy`; a
    lower-biased estimate, not a code length) and the adaptive n-gram model
    (:func:`ngram_code_length` at ``order``, alphabet the vocabulary). Every
    estimate appears in bits per character and in bits per token of each
    tokenizer (bits per token = bits per character times characters per token),
    with the threshold ratio ``log2 |V| / (bits per token)`` it implies.

    Parameters
    ----------
    text : str
        The text, non-empty.
    encodings : sequence of str, optional
        Tokenizers among ``"cl100k_base"`` and ``"o200k_base"``; non-empty.
    order : int, optional
        The n-gram order, an integer >= 0 (default :data:`DEFAULT_ORDER`).
    progress : callable, optional
        Called with a short message (``"[3/10] xz"``) before each stage; the
        command line prints these on stderr.

    Returns
    -------
    EntropyReport
        The tokenizers' statistics and the estimates; ``.table()`` formats them.

    Raises
    ------
    ValueError
        If ``text`` is not a non-empty ``str``, ``encodings`` is empty or names an
        unknown tokenizer, or ``order`` is not an integer >= 0.

    Examples
    --------
    >>> report = entropy_report("the cat sat on the mat. " * 50, encodings=("cl100k_base",))
    >>> [e.method for e in report.estimates][:3], report.tokenizers[0].tokens
    (['zlib', 'bz2', 'xz'], 351)
    """
    from . import tokens as _tokens  # tiktoken is loaded only when a report is asked for

    text = _check_text(text)
    k = _check_count(order, "order", 0)
    if isinstance(encodings, str) or len(encodings) == 0:
        raise ValueError("encodings must be a non-empty sequence of tokenizer names")
    for name in encodings:
        _tokens._check_encoding(name)
    say = progress or (lambda message: None)
    stages = len(COMPRESSORS) + 2 * len(encodings)
    step = 0

    def stage(label: str) -> None:
        nonlocal step
        step += 1
        say(f"[{step}/{stages}] {label}")

    compressed = {}
    for method in COMPRESSORS:
        stage(method)
        compressed[method] = bits_per_char(text, method)
    tokenizers, estimates = [], []
    for name in encodings:
        stage(f"tokenizing ({name})")
        ids = _tokens.tokenize(text, name)
        size = _tokens.vocabulary_size(name)
        stats = TokenizerStats(
            encoding=name,
            vocabulary_size=size,
            capacity=math.log2(size),
            tokens=int(ids.size),
            chars_per_token=len(text) / ids.size,
        )
        tokenizers.append(stats)
        stage(f"n-gram model, order {k} ({name}, {ids.size:,} tokens)")
        per_char = dict(compressed)
        per_char["unigram"] = unigram_entropy(ids) / stats.chars_per_token
        per_char[f"ngram-{k}"] = ngram_code_length(ids, k, size) / len(text)
        for method, rate in per_char.items():
            per_token = rate * stats.chars_per_token
            estimates.append(
                EntropyEstimate(method, name, rate, per_token, stats.capacity / per_token)
            )
    return EntropyReport(len(text), k, tuple(tokenizers), tuple(estimates))


# ----------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m rdlib.entropy FILE [--order K] [--encoding NAME ...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m rdlib.entropy",
        description=(
            "Measure upper bounds on a text file's entropy rate (compressors and an adaptive "
            "n-gram model over tokens) and the threshold ratio r* = log2|V| / (bits per "
            "token) each implies, per tokenizer."
        ),
    )
    parser.add_argument("file", help="a UTF-8 text file (a transcript, say)")
    parser.add_argument(
        "--order", type=int, default=DEFAULT_ORDER, help=f"n-gram order (default {DEFAULT_ORDER})"
    )
    parser.add_argument(
        "--encoding",
        action="append",
        choices=("cl100k_base", "o200k_base"),
        help="a tokenizer; repeat for several (default: both)",
    )
    args = parser.parse_args(argv)
    try:
        # newline="" keeps the file's line endings: every character is counted.
        with open(args.file, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        parser.error(f"cannot read {args.file} as UTF-8 text: {exc}")
    encodings = tuple(args.encoding) if args.encoding else ("cl100k_base", "o200k_base")

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        report = entropy_report(text, encodings, args.order, progress=progress)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"{args.file}: {report.characters:,} characters")
    for t in report.tokenizers:
        print(
            f"  {t.encoding}: {t.tokens:,} tokens, {t.chars_per_token:.2f} characters/token, "
            f"|V| = {t.vocabulary_size:,} (log2|V| = {t.capacity:.2f} bits)"
        )
    print()
    print(report.table())
    print()
    best = {}
    for e in report.estimates:
        if e.method != "unigram" and (
            e.encoding not in best or e.bits_per_token < best[e.encoding].bits_per_token
        ):
            best[e.encoding] = e
    for name, e in best.items():
        print(
            f"Best upper bound with {name}: {e.bits_per_token:.2f} bits/token ({e.method}), "
            f"so r* >= {e.threshold_ratio:.1f}:1 (the seed article assumed 2 bits/token, 8.5:1)."
        )
    print("Compressors and n-gram models give upper bounds on the rate, so lower bounds on r*.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
