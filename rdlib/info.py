"""Entropy and mutual information of discrete distributions, in bits by default."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validate import (
    as_float_array,
    check_distribution,
    check_unit_interval,
    scalar_or_array,
)

__all__ = ["binary_entropy", "entropy", "mutual_information"]


def _check_base(base: float) -> float:
    b = float(as_float_array(base, "base"))
    if not (np.isfinite(b) and b > 0 and b != 1):
        raise ValueError(f"base must be finite, > 0 and != 1; got {base!r}")
    return b


def _plogp(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Elementwise p * log2(p) with the convention 0 * log 0 = 0."""
    safe = np.where(p > 0, p, 1.0)
    return np.where(p > 0, p * np.log2(safe), 0.0)


def entropy(p: ArrayLike, base: float = 2) -> float | NDArray[np.float64]:
    """Shannon entropy of probability vectors taken along the last axis.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1] summing to 1 (to within 1e-9) along the last
        axis. Leading axes index several distributions at once.
    base : float, optional
        Logarithm base, finite, > 0 and != 1. Default 2 (bits); use ``np.e``
        for nats.

    Returns
    -------
    float or ndarray
        :math:`-\\sum_i p_i \\log p_i`, with :math:`0 \\log 0 = 0`. A float for a
        single 1-D distribution, else an array of shape ``p.shape[:-1]``.

    Raises
    ------
    ValueError
        If an entry of `p` lies outside [0, 1] or is NaN, if a vector does not
        sum to 1, or if `base` is invalid.

    Examples
    --------
    >>> entropy([0.5, 0.25, 0.25])
    1.5
    >>> entropy([[1.0, 0.0], [0.5, 0.5]]).tolist()
    [0.0, 1.0]
    """
    b = _check_base(base)
    arr = check_distribution(p, "p")
    h = -_plogp(arr).sum(axis=-1) / np.log2(b)
    h = h + 0.0  # turn -0.0 into 0.0
    return float(h) if arr.ndim == 1 else h


def binary_entropy(p: ArrayLike) -> float | NDArray[np.float64]:
    """Binary entropy function :math:`H_b(p) = -p\\log_2 p - (1-p)\\log_2(1-p)` in bits.

    Parameters
    ----------
    p : float or array_like
        Probability of one of the two outcomes, in [0, 1]. Elementwise.

    Returns
    -------
    float or ndarray
        :math:`H_b(p)` in bits, with :math:`H_b(0) = H_b(1) = 0`. A float for a
        scalar input.

    Raises
    ------
    ValueError
        If an entry of `p` lies outside [0, 1] or is NaN.

    Examples
    --------
    >>> binary_entropy(0.5)
    1.0
    >>> binary_entropy([0.0, 0.11, 1.0]).round(4).tolist()
    [0.0, 0.4999, 0.0]
    """
    arr = check_unit_interval(p, "p")
    h = -(_plogp(arr) + _plogp(1.0 - arr)) + 0.0
    return scalar_or_array(h, p)


def mutual_information(p_x: ArrayLike, channel: ArrayLike) -> float | NDArray[np.float64]:
    """Mutual information :math:`I(X; \\hat X)` in bits between a source and a channel's output.

    Parameters
    ----------
    p_x : array_like, shape (n,)
        Source distribution: entries in [0, 1] summing to 1.
    channel : array_like, shape (..., n, M)
        Transition probabilities :math:`p(\\hat x \\mid x)`: row ``x`` is the
        distribution of the output given input ``x``. Leading axes hold many
        channels at once (for a grid search, say).

    Returns
    -------
    float or ndarray
        :math:`\\sum_{x, \\hat x} p(x)\\, p(\\hat x|x) \\log_2
        \\frac{p(\\hat x|x)}{p(\\hat x)}`; a float for a single channel, else an
        array of shape ``channel.shape[:-2]``.

    Raises
    ------
    ValueError
        If `p_x` is not a probability vector, `channel` has fewer than two
        axes or a second-to-last axis of length other than ``len(p_x)``, or a
        row of `channel` is not a probability vector.

    Examples
    --------
    >>> mutual_information([0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]])  # noiseless bit
    1.0
    >>> mutual_information([0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]])  # useless channel
    0.0
    """
    px = check_distribution(p_x, "p_x")
    if px.ndim != 1:
        raise ValueError(f"p_x must be one-dimensional; got shape {px.shape}")
    w = check_distribution(channel, "channel")
    if w.ndim < 2 or w.shape[-2] != px.shape[0]:
        raise ValueError(
            f"channel must have shape (..., {px.shape[0]}, m) to match p_x; got shape {w.shape}"
        )
    joint = px[:, None] * w  # p(x) p(xhat|x)
    q = joint.sum(axis=-2, keepdims=True)  # output marginal p(xhat)
    # I = H(Xhat) - H(Xhat | X), each computed with 0 log 0 = 0.
    h_out = -_plogp(q).sum(axis=(-2, -1))
    h_cond = -(px[:, None] * _plogp(w)).sum(axis=(-2, -1))
    mi = np.maximum(h_out - h_cond, 0.0) + 0.0
    return float(mi) if w.ndim == 2 else mi
