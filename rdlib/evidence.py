"""Published measurements the book discusses, typed in once with their sources.

Each record names the key of its source in ``references.bib``. Chapters import
these instead of retyping the figures, so a correction is made in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validate import as_float_array, scalar_or_array

__all__ = [
    "ARTIFACT_TRAIL_RANGE_2025",
    "BELLARD_TSZIP_ALICE29",
    "BROWN_1992",
    "COVER_KING_1978",
    "FACTORY_2025",
    "PUBLISHED_TEXT_RATES",
    "CompactionResult",
    "PublishedRate",
    "ratio_from_removed",
]


def ratio_from_removed(percent_removed: ArrayLike) -> float | NDArray[np.float64]:
    """Compression ratio :math:`r = 1 / \\kappa` from the per cent of tokens removed.

    Here :math:`\\kappa` is the share of tokens kept, ``1 - percent_removed / 100``.

    Parameters
    ----------
    percent_removed : float or array_like
        Share of the tokens removed, in per cent, in [0, 100).

    Returns
    -------
    float or ndarray
        The ratio r (1 at 0 % removed); a float for a scalar input.

    Raises
    ------
    ValueError
        If a value is NaN or outside [0, 100).

    Examples
    --------
    >>> round(ratio_from_removed(98.0), 9)
    50.0
    >>> ratio_from_removed([0.0, 50.0, 99.0]).round(6).tolist()
    [1.0, 2.0, 100.0]
    """
    pct = as_float_array(percent_removed, "percent_removed")
    bad = ~((pct >= 0) & (pct < 100))
    if np.any(bad):
        example = pct[bad].flat[0] if pct.ndim else pct.item()
        raise ValueError(f"percent_removed must be in [0, 100); got {example!r}")
    return scalar_or_array(1.0 / (1.0 - pct / 100.0), percent_removed)


@dataclass(frozen=True)
class CompactionResult:
    """One compaction system's result in a published evaluation.

    Attributes
    ----------
    system : str
        Whose compaction was evaluated.
    score : float
        Overall probe score on a 0–5 scale.
    percent_removed : float
        Share of tokens removed, in per cent, as reported (rounded).
    judge : str
        Who assigned the scores.
    source : str
        Key of the source in ``references.bib``.
    """

    system: str
    score: float
    percent_removed: float
    judge: str
    source: str

    @property
    def ratio(self) -> float:
        """Compression ratio implied by :attr:`percent_removed`."""
        return float(ratio_from_removed(self.percent_removed))


#: Factory Research, "Evaluating Context Compression for AI Agents" (16 Dec 2025):
#: overall probe scores (0-5) graded by an LLM judge, and tokens removed.
FACTORY_2025: tuple[CompactionResult, ...] = (
    CompactionResult("Factory", 3.70, 98.6, "LLM judge (GPT-5.2)", "factory2025"),
    CompactionResult("Anthropic", 3.44, 98.7, "LLM judge (GPT-5.2)", "factory2025"),
    CompactionResult("OpenAI", 3.35, 99.3, "LLM judge (GPT-5.2)", "factory2025"),
)

#: The weakest dimension of the evaluation in FACTORY_2025 (artifact trail), for every
#: system: the lowest and highest of the three systems' scores (0-5).
ARTIFACT_TRAIL_RANGE_2025: tuple[float, float] = (2.19, 2.45)


@dataclass(frozen=True)
class PublishedRate:
    """One published rate of a model or compressor on English text, as it was published.

    Rates in different units are not comparable without care: bits per byte of a raw
    file, bits per character of all printable ASCII, and bits per symbol of a 27-symbol
    alphabet (26 letters and space) each count a different amount of text. For the
    Canterbury texts, which are ASCII, a bit per byte is a bit per character.

    Attributes
    ----------
    method : str
        The model or compressor.
    text : str
        What it was measured on.
    value : float
        The rate.
    unit : str
        The unit, as published.
    kind : str
        ``"compressed size"`` (a real code's output), ``"upper bound"`` (a model's
        cross-entropy on a test text) or ``"estimate"`` (an approximate figure).
    source : str
        Key of the source in ``references.bib``.
    digits : int
        How many decimals the source printed (1.3 has one, 1.75 two), so that the
        figure is shown as published, neither padded nor cut.

    Examples
    --------
    >>> COVER_KING_1978.formatted(), BROWN_1992.formatted()
    ('1.3', '1.75')
    """

    method: str
    text: str
    value: float
    unit: str
    kind: str
    source: str
    digits: int

    def formatted(self) -> str:
        """The rate with the decimals the source printed, as a string."""
        return f"{self.value:.{self.digits}f}"


#: Bellard's ts_zip page: alice29.txt of the Canterbury corpus (152,089 bytes) compressed
#: by xz (48,492 bytes; the page names neither version nor preset) and by ts_zip, an
#: arithmetic coder driven by the RWKV 169M v4 language model (21,713 bytes).
BELLARD_TSZIP_ALICE29: tuple[PublishedRate, ...] = (
    PublishedRate(
        "xz", "alice29.txt", 2.551, "bits per byte", "compressed size", "bellard_tszip", 3
    ),
    PublishedRate(
        "ts_zip (RWKV 169M v4)",
        "alice29.txt",
        1.142,
        "bits per byte",
        "compressed size",
        "bellard_tszip",
        3,
    ),
)

#: Brown et al. (1992): a word trigram model trained on 583 million words, its
#: cross-entropy on the 5.96-million-character Brown Corpus, all printable ASCII predicted.
BROWN_1992 = PublishedRate(
    "word trigram model",
    "Brown Corpus",
    1.75,
    "bits per character (printable ASCII)",
    "upper bound",
    "brown1992",
    2,
)

#: Cover and King (1978): human subjects betting on the next symbol of English text
#: reduced to 26 letters and space ("approximately 1.3 bits/symbol", in the abstract).
COVER_KING_1978 = PublishedRate(
    "human gamblers",
    "English text, 26 letters and space",
    1.3,
    "bits per symbol (27-symbol alphabet)",
    "estimate",
    "cover1978",
    1,
)

#: Every published rate on English text (BELLARD_TSZIP_ALICE29, BROWN_1992,
#: COVER_KING_1978), for a table.
PUBLISHED_TEXT_RATES: tuple[PublishedRate, ...] = (
    *BELLARD_TSZIP_ALICE29,
    BROWN_1992,
    COVER_KING_1978,
)
