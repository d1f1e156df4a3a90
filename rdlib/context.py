"""Counting bits when a conversation of tokens is compressed into fewer tokens.

A conversation of :math:`n` tokens carries about :math:`n \\bar h` bits of
information, where :math:`\\bar h` is the entropy rate of the text in bits per
token (the functions' parameter ``entropy_rate``). Compressed into
``m = n // r`` tokens (a ratio of :math:`r` to 1), each compressed token must
carry :math:`r \\bar h` bits; one token can carry at most
:math:`C = \\log_2 \\lvert V \\rvert` bits for a vocabulary of
:math:`\\lvert V \\rvert` tokens. Whatever exceeds that capacity cannot survive.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

from ._validate import check_positive_finite
from .gaussian import rate_distortion_gaussian
from .tables import format_table

__all__ = [
    "CompressionRow",
    "ContextAnalysis",
    "GapAnalysis",
    "compression_gap_analysis",
    "context_compression_analysis",
    "vector_capacity",
]


def _positive_integer(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value!r}")
    return int(value)


def _positive_scalar(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number; got {value!r}")
    return float(check_positive_finite(value, name))


def _ratio(value: float, name: str) -> float:
    r = _positive_scalar(value, name)
    if r < 1:
        raise ValueError(f"{name} must be >= 1 (a compression ratio r:1); got {value!r}")
    return r


@dataclass(frozen=True)
class CompressionRow:
    """One compression ratio in a :class:`ContextAnalysis`.

    Attributes
    ----------
    ratio : float
        The compression ratio r (r tokens in for each token out).
    compressed_tokens : int
        ``m = n // r``, the length of the compressed conversation.
    required_rate : float
        :math:`r \\bar h`, the bits each compressed token would have to carry.
    bits_lost : float
        :math:`\\max(0, (r \\bar h - C)\\, m)`, the bits that cannot fit (the
        seed article's formula). It grows with r when r divides n; otherwise the
        rounding in ``m = n // r`` can lower it by less than :math:`r \\bar h`.
    feasible : bool
        True when :math:`r \\bar h \\le C`: nothing has to be lost.
    fraction_surviving : float
        :math:`\\min(1, C / (r \\bar h))`, the largest share of the information
        that fits.
    """

    ratio: float
    compressed_tokens: int
    required_rate: float
    bits_lost: float
    feasible: bool
    fraction_surviving: float


@dataclass(frozen=True)
class ContextAnalysis:
    """Result of :func:`context_compression_analysis`.

    Attributes
    ----------
    original_tokens : int
        n, the length of the conversation in tokens.
    entropy_rate : float
        :math:`\\bar h`, bits of information per original token.
    token_capacity : float
        C, the most bits one compressed token can carry.
    total_bits : float
        :math:`n \\bar h`, the information in the conversation.
    threshold_ratio : float
        :math:`C / \\bar h`, the largest ratio at which nothing has to be lost.
    rows : tuple of CompressionRow
        One row per requested ratio, in the order given.
    """

    original_tokens: int
    entropy_rate: float
    token_capacity: float
    total_bits: float
    threshold_ratio: float
    rows: tuple[CompressionRow, ...]

    def table(self) -> str:
        """The rows as a fixed-width table, laid out like the seed article's.

        Returns
        -------
        str
            Columns: ratio, compressed tokens, required bits per compressed
            token, bits lost, and a verdict.

        Examples
        --------
        >>> result = context_compression_analysis(1000, ratios=(5, 10))
        >>> print(result.table())
        Ratio  Compressed  Required R  Info Loss     Feasible
        =====================================================
          5:1         200        10.0          0   ✓ Lossless
         10:1         100        20.0        300  ✗ Lose 300b
        """
        rows = [
            [
                row.ratio,
                row.compressed_tokens,
                row.required_rate,
                row.bits_lost,
                "✓ Lossless" if row.feasible else f"✗ Lose {row.bits_lost:.0f}b",
            ]
            for row in self.rows
        ]
        return format_table(
            ["Ratio", "Compressed", "Required R", "Info Loss", "Feasible"],
            rows,
            ["{:g}:1", "{:,d}", "{:.1f}", "{:,.0f}", "{}"],
        )


def context_compression_analysis(
    original_tokens: int,
    entropy_rate: float = 2.0,
    token_capacity: float = 17.0,
    ratios: Sequence[float] = (2, 5, 10, 20, 40, 80, 100),
) -> ContextAnalysis:
    """How many bits must be lost when `original_tokens` tokens are compressed r:1.

    Parameters
    ----------
    original_tokens : int
        Length n of the conversation, an integer >= 1.
    entropy_rate : float, optional
        :math:`\\bar h`, the information per original token in bits, finite
        and > 0.
        Default 2.0, the seed article's assumption.
    token_capacity : float, optional
        C, the most bits one token can carry, ``log2`` of the vocabulary
        size; finite and > 0. Default 17.0 (a vocabulary of about 131,000).
    ratios : sequence of float, optional
        Compression ratios r >= 1 to tabulate.

    Returns
    -------
    ContextAnalysis
        Totals and one :class:`CompressionRow` per ratio.

    Raises
    ------
    ValueError
        If `original_tokens` is not an integer >= 1, `entropy_rate` or
        `token_capacity` is not finite and positive (or is NaN), or a ratio is
        below 1, NaN or infinite, or `ratios` is empty.

    Examples
    --------
    >>> result = context_compression_analysis(200_000)
    >>> result.total_bits, result.threshold_ratio
    (400000.0, 8.5)
    >>> row = result.rows[2]
    >>> row.ratio, row.compressed_tokens, row.required_rate, row.bits_lost
    (10.0, 20000, 20.0, 60000.0)
    """
    n = _positive_integer(original_tokens, "original_tokens")
    h = _positive_scalar(entropy_rate, "entropy_rate")
    cap = _positive_scalar(token_capacity, "token_capacity")
    if isinstance(ratios, str | bytes) or len(ratios) == 0:
        raise ValueError("ratios must be a non-empty sequence of numbers >= 1")
    rows = []
    for i, value in enumerate(ratios):
        r = _ratio(value, f"ratios[{i}]")
        m = math.floor(n / r)
        required = r * h
        feasible = required <= cap
        lost = 0.0 if feasible else (required - cap) * m
        rows.append(
            CompressionRow(
                ratio=r,
                compressed_tokens=m,
                required_rate=required,
                bits_lost=lost,
                feasible=feasible,
                fraction_surviving=min(1.0, cap / required),
            )
        )
    return ContextAnalysis(
        original_tokens=n,
        entropy_rate=h,
        token_capacity=cap,
        total_bits=n * h,
        threshold_ratio=cap / h,
        rows=tuple(rows),
    )


@dataclass(frozen=True)
class GapAnalysis:
    """Result of :func:`compression_gap_analysis`: the seed article's quantities and a fix.

    Attributes
    ----------
    ratio : float
        The compression ratio r.
    retention : float
        ``quality_score / max_score``, a judge's score read as a fraction kept.
    distortion : float
        ``1 - retention``, which the article treats as a mean squared error.
    gaussian_rate : float
        R(D) of a Gaussian source with variance `sigma_sq` at that distortion,
        in bits per source *dimension*.
    rate_fraction : float
        ``1 / r``, the share of the original *tokens* that is kept.
    article_efficiency : float
        ``gaussian_rate / (rate_fraction * token_capacity)``, the article's
        "efficiency": a ratio of quantities in different units.
    max_fraction_surviving : float
        :math:`\\min(1, C / (r \\bar h))`: the largest share of the conversation's
        information that r:1 compression into tokens can keep.
    """

    ratio: float
    retention: float
    distortion: float
    gaussian_rate: float
    rate_fraction: float
    article_efficiency: float
    max_fraction_surviving: float


def compression_gap_analysis(
    ratio: float = 60.0,
    quality_score: float = 3.5,
    max_score: float = 5.0,
    *,
    sigma_sq: float = 1.0,
    entropy_rate: float = 2.0,
    token_capacity: float = 17.0,
) -> GapAnalysis:
    """The seed article's "gap" calculation, with the unit-consistent bound beside it.

    Parameters
    ----------
    ratio : float, optional
        Compression ratio r >= 1; default 60 (the middle of 40:1 to 80:1).
    quality_score : float, optional
        A quality score in [0, `max_score`]; default 3.5.
    max_score : float, optional
        The top of the score's scale, finite and > 0; default 5.
    sigma_sq : float, optional
        Variance of the Gaussian model the article uses; default 1.
    entropy_rate : float, optional
        :math:`\\bar h` in bits per token, finite and > 0; default 2.
    token_capacity : float, optional
        C in bits per token, finite and > 0; default 17.

    Returns
    -------
    GapAnalysis
        The article's quantities (retention, distortion, Gaussian rate, rate fraction,
        efficiency) and the largest share of the information r:1 compression can keep.

    Raises
    ------
    ValueError
        If a parameter is outside the range stated above, NaN or infinite.

    Examples
    --------
    >>> gap = compression_gap_analysis()
    >>> round(gap.distortion, 2), round(gap.gaussian_rate, 3), round(gap.rate_fraction, 4)
    (0.3, 0.868, 0.0167)
    >>> round(gap.article_efficiency, 2), round(gap.max_fraction_surviving, 3)
    (3.07, 0.142)
    """
    r = _ratio(ratio, "ratio")
    top = _positive_scalar(max_score, "max_score")
    if isinstance(quality_score, bool) or not isinstance(quality_score, numbers.Real):
        raise ValueError(f"quality_score must be a real number; got {quality_score!r}")
    if not 0 <= quality_score <= top:
        raise ValueError(
            f"quality_score must be in [0, max_score] = [0, {top:g}]; got {quality_score!r}"
        )
    s = _positive_scalar(sigma_sq, "sigma_sq")
    h = _positive_scalar(entropy_rate, "entropy_rate")
    cap = _positive_scalar(token_capacity, "token_capacity")
    retention = quality_score / top
    distortion = 1.0 - retention
    gaussian_rate = rate_distortion_gaussian(s, distortion)
    rate_fraction = 1.0 / r
    return GapAnalysis(
        ratio=r,
        retention=retention,
        distortion=distortion,
        gaussian_rate=gaussian_rate,
        rate_fraction=rate_fraction,
        article_efficiency=gaussian_rate / (rate_fraction * cap),
        max_fraction_surviving=min(1.0, cap / (r * h)),
    )


def vector_capacity(width: int, bits: int) -> int:
    """The most bits one compressed vector can hold: :math:`C_{\\text{vec}} = W b`.

    A learned compressor (gist tokens, 500xCompressor) writes its summary as
    continuous vectors, not tokens. A vector of :math:`W` coordinates stored
    at :math:`b` bits each takes at most :math:`2^{W b}` distinct values, so
    by the same counting as for a token it carries at most
    :math:`C_{\\text{vec}} = W b` bits. This is a counting limit: what a model
    can decode from a vector is far less.

    Parameters
    ----------
    width : int
        :math:`W`, the number of coordinates of the model's vectors (its
        hidden size), an integer >= 1.
    bits : int
        :math:`b`, the bits stored per coordinate (16 for bfloat16, 8 or 4
        when quantised), an integer >= 1.

    Returns
    -------
    int
        ``width * bits``, in bits per vector.

    Raises
    ------
    ValueError
        If `width` or `bits` is not an integer >= 1 (booleans are refused).

    Examples
    --------
    Llama-3.1-8B's 4,096 coordinates in bfloat16, and the same width
    quantised to 4 bits, against 17 bits for a token of a vocabulary of
    2**17:

    >>> vector_capacity(4096, 16), vector_capacity(4096, 4)
    (65536, 16384)
    """
    w = _positive_integer(width, "width")
    b = _positive_integer(bits, "bits")
    return w * b
