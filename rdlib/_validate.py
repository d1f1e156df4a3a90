"""Argument checks shared by the public functions of rdlib.

Every check raises :class:`ValueError` whose message names the offending
parameter and the range of values it accepts, so that bad input never turns
into a silent ``nan`` further down.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def as_float_array(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """Convert ``value`` to a float array, refusing what is not numeric."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a real number or an array of them") from exc
    return arr


def _fail(name: str, valid: str, arr: NDArray[np.float64], bad: NDArray[np.bool_]) -> None:
    example = arr[bad].flat[0] if arr.ndim else arr.item()
    raise ValueError(f"{name} must be {valid}; got {example!r}")


def check_positive_finite(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """Values in (0, inf): a variance, a scale."""
    arr = as_float_array(value, name)
    bad = ~(np.isfinite(arr) & (arr > 0))
    if np.any(bad):
        _fail(name, "finite and > 0", arr, bad)
    return arr


def check_nonnegative(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """Values in [0, inf]: a distortion or a rate (``inf`` is allowed, NaN is not)."""
    arr = as_float_array(value, name)
    bad = np.isnan(arr) | (arr < 0)
    if np.any(bad):
        _fail(name, "in [0, inf] (not NaN)", arr, bad)
    return arr


def check_unit_interval(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """Values in [0, 1]: a probability."""
    arr = as_float_array(value, name)
    bad = ~((arr >= 0) & (arr <= 1))  # NaN fails both comparisons
    if np.any(bad):
        _fail(name, "a probability in [0, 1]", arr, bad)
    return arr


def check_distribution(value: ArrayLike, name: str, atol: float = 1e-9) -> NDArray[np.float64]:
    """Probability vectors along the last axis: entries in [0, 1] summing to 1."""
    arr = check_unit_interval(value, name)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(f"{name} must be a non-empty probability vector (last axis)")
    sums = arr.sum(axis=-1)
    if np.any(np.abs(sums - 1.0) > atol):
        worst = sums.flat[int(np.argmax(np.abs(sums - 1.0)))]
        raise ValueError(
            f"{name} must sum to 1 along its last axis (to within {atol:g}); got a sum of {worst!r}"
        )
    return arr


def scalar_or_array(result: NDArray[np.float64], *inputs: ArrayLike) -> float | NDArray[np.float64]:
    """Return a Python float when every input was a scalar, else the array."""
    if all(np.ndim(x) == 0 for x in inputs):
        return float(result)
    return result
