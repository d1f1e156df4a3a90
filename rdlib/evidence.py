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
    "FACTORY_2025",
    "CompactionResult",
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
    >>> ratio_from_removed([0.0, 50.0, 99.0]).round(6)
    array([  1.,   2., 100.])
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

#: The same evaluation's weakest dimension for every system, artifact trail:
#: the lowest and highest of the three systems' scores (0-5).
ARTIFACT_TRAIL_RANGE_2025: tuple[float, float] = (2.19, 2.45)
