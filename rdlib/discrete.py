"""Discrete sources: distortion matrices and closed-form rate–distortion functions."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validate import (
    check_distribution,
    check_nonnegative,
    check_unit_interval,
    scalar_or_array,
)
from .info import binary_entropy, entropy

__all__ = [
    "expected_distortion",
    "hamming_distortion",
    "rate_distortion_bernoulli",
    "rate_distortion_hamming",
    "rate_distortion_uniform_hamming",
    "shannon_lower_bound_hamming",
]


def hamming_distortion(n: int) -> NDArray[np.float64]:
    """Hamming distortion matrix on an alphabet of `n` symbols.

    Parameters
    ----------
    n : int
        Alphabet size, an integer >= 2.

    Returns
    -------
    ndarray, shape (n, n)
        ``d[x, xhat] = 0`` if ``x == xhat`` else 1.

    Raises
    ------
    ValueError
        If `n` is not an integer >= 2.

    Examples
    --------
    >>> hamming_distortion(3).tolist()
    [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"n must be an integer >= 2; got {n!r}")
    return 1.0 - np.eye(int(n))


def rate_distortion_bernoulli(p: float, D: ArrayLike) -> float | NDArray[np.float64]:
    """Rate–distortion function of a Bernoulli(`p`) source with Hamming distortion.

    .. math:: R(D) = H_b(p) - H_b(D) \\text{ for } 0 \\le D < \\min(p, 1-p),
              \\text{ else } 0,

    where :math:`H_b` is the binary entropy function (Cover & Thomas 2006,
    Theorem 10.3.1). Rates are in bits per source symbol.

    Parameters
    ----------
    p : float
        Probability that the source emits 1, in [0, 1].
    D : float or array_like
        Largest acceptable probability of a symbol error, in [0, inf].

    Returns
    -------
    float or ndarray
        R(D) in bits per symbol; a float when `D` is a scalar.

    Raises
    ------
    ValueError
        If `p` is not a scalar in [0, 1], or `D` is negative or NaN.

    Examples
    --------
    >>> round(rate_distortion_bernoulli(0.5, 0.11), 4)
    0.5001
    >>> rate_distortion_bernoulli(0.2, [0.0, 0.2, 0.5]).round(4).tolist()
    [0.7219, 0.0, 0.0]
    """
    if np.ndim(p) != 0:
        raise ValueError(f"p must be a scalar probability in [0, 1]; got shape {np.shape(p)}")
    pp = float(check_unit_interval(p, "p"))
    d = check_nonnegative(D, "D")
    d_max = min(pp, 1.0 - pp)
    inside = d < d_max
    rate = np.where(inside, binary_entropy(pp) - binary_entropy(np.where(inside, d, 0.0)), 0.0)
    return scalar_or_array(rate, D)


def expected_distortion(
    p_x: ArrayLike, channel: ArrayLike, distortion: ArrayLike
) -> float | NDArray[np.float64]:
    """Average distortion :math:`\\mathbb E\\, d(X, \\hat X)` of a test channel.

    Parameters
    ----------
    p_x : array_like, shape (n,)
        Source distribution: entries in [0, 1] summing to 1.
    channel : array_like, shape (..., n, M)
        Test channel :math:`p(\\hat x \\mid x)`, rows summing to 1; leading axes
        hold many channels at once.
    distortion : array_like, shape (n, M)
        Distortion measure ``d[x, xhat]``, finite and >= 0.

    Returns
    -------
    float or ndarray
        :math:`\\sum_{x,\\hat x} p(x)\\, p(\\hat x|x)\\, d(x, \\hat x)`; a float for
        a single channel, else an array of shape ``channel.shape[:-2]``.

    Raises
    ------
    ValueError
        If any argument is out of range or the shapes do not agree.

    Examples
    --------
    >>> flip = [[0.9, 0.1], [0.1, 0.9]]  # a channel that flips 10 % of bits
    >>> round(expected_distortion([0.5, 0.5], flip, hamming_distortion(2)), 12)
    0.1
    """
    px = check_distribution(p_x, "p_x")
    if px.ndim != 1:
        raise ValueError(f"p_x must be one-dimensional; got shape {px.shape}")
    w = check_distribution(channel, "channel")
    d = check_nonnegative(distortion, "distortion")
    if not np.all(np.isfinite(d)):
        raise ValueError("distortion must be finite")
    if w.ndim < 2 or w.shape[-2] != px.shape[0]:
        raise ValueError(
            f"channel must have shape (..., {px.shape[0]}, m) to match p_x; got shape {w.shape}"
        )
    if d.shape != w.shape[-2:]:
        raise ValueError(
            f"distortion must have shape {w.shape[-2:]} to match channel; got shape {d.shape}"
        )
    avg = (px[:, None] * w * d).sum(axis=(-2, -1))
    return float(avg) if w.ndim == 2 else avg


def rate_distortion_uniform_hamming(m: int, D: ArrayLike) -> float | NDArray[np.float64]:
    """Rate–distortion function of a uniform source on `m` symbols, Hamming distortion.

    .. math:: R(D) = \\log_2 M - H_b(D) - D \\log_2(M - 1)
              \\text{ for } 0 \\le D < 1 - 1/M, \\text{ else } 0

    with :math:`M` = `m` symbols (a standard exercise in Cover & Thomas 2006,
    chapter 10). For ``m = 2`` this is the fair-coin
    case of :func:`rate_distortion_bernoulli`.

    Parameters
    ----------
    m : int
        Alphabet size :math:`M`, an integer >= 2.
    D : float or array_like
        Largest acceptable probability of a symbol error, in [0, inf].

    Returns
    -------
    float or ndarray
        R(D) in bits per symbol; a float when `D` is a scalar.

    Raises
    ------
    ValueError
        If `m` is not an integer >= 2, or `D` is negative or NaN.

    Examples
    --------
    >>> rate_distortion_uniform_hamming(4, 0.0)
    2.0
    >>> rate_distortion_uniform_hamming(4, [0.25, 0.75]).round(4).tolist()
    [0.7925, 0.0]
    """
    if isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 2:
        raise ValueError(f"m must be an integer >= 2; got {m!r}")
    d = check_nonnegative(D, "D")
    inside = d < 1.0 - 1.0 / m
    dd = np.where(inside, d, 0.0)
    rate = np.log2(m) - binary_entropy(dd) - dd * np.log2(m - 1)
    return scalar_or_array(np.where(inside, np.maximum(rate, 0.0), 0.0), D)


def shannon_lower_bound_hamming(p_x: ArrayLike, D: ArrayLike) -> float | NDArray[np.float64]:
    """Shannon lower bound on R(D) for a source on M symbols with Hamming distortion.

    .. math:: R(D) \\ge R_{\\mathrm{SLB}}(D) = H(X) - H_b(D) - D \\log_2(M - 1)
              \\text{ for } 0 \\le D \\le 1 - 1/M, \\text{ else } 0,

    clipped at 0. It holds for every source and equals R(D) when
    :math:`D \\le (M - 1) \\min_x p(x)` (Berger 1971; Cover & Thomas 2006,
    chapter 10 problems); both are also 0 for :math:`D \\ge 1 - \\max_x p(x)`.
    Between the two it is strictly below R(D), which
    :func:`rate_distortion_hamming` gives exactly. For a uniform source it is
    :func:`rate_distortion_uniform_hamming`.

    Parameters
    ----------
    p_x : array_like, shape (M,)
        Source distribution on M >= 2 symbols: entries in [0, 1] summing to 1.
    D : float or array_like
        Probability of a symbol error, in [0, inf].

    Returns
    -------
    float or ndarray
        The bound in bits per symbol; a float when `D` is a scalar.

    Raises
    ------
    ValueError
        If `p_x` is not a 1-D probability vector of length >= 2, or `D` is
        negative or NaN.

    Examples
    --------
    >>> p = [0.4, 0.3, 0.2, 0.1]
    >>> round(shannon_lower_bound_hamming(p, 0.0), 6)  # H(X): lossless
    1.846439
    >>> round(shannon_lower_bound_hamming(p, 0.2), 6)  # tight: 0.2 <= 3 * 0.1
    0.807519
    """
    px = check_distribution(p_x, "p_x")
    if px.ndim != 1 or px.size < 2:
        raise ValueError(f"p_x must be a 1-D distribution on >= 2 symbols; got shape {px.shape}")
    d = check_nonnegative(D, "D")
    m = px.size
    inside = d < 1.0 - 1.0 / m
    dd = np.where(inside, d, 0.0)
    bound = entropy(px) - binary_entropy(dd) - dd * np.log2(m - 1)
    return scalar_or_array(np.where(inside, np.maximum(bound, 0.0), 0.0), D)


def rate_distortion_hamming(p_x: ArrayLike, D: ArrayLike) -> float | NDArray[np.float64]:
    """Exact rate–distortion function of any finite source under Hamming distortion.

    Erokhin's (1958) formula. Sort the probabilities in decreasing order,
    :math:`p_{(1)} \\ge p_{(2)} \\ge \\dots`, and let :math:`\\tau_k` be the total
    of the `k` largest. With the `k` most likely symbols reproduced, and
    :math:`D_k` the error probability among them,

    .. math:: R(D) = \\tau_k \\Bigl[ H\\bigl(p_{(1..k)} / \\tau_k\\bigr) - H_b(D_k)
              - D_k \\log_2 (k - 1) \\Bigr], \\qquad
              D_k = \\frac{D - 1 + \\tau_k}{\\tau_k},

    where ``k >= 2`` is the largest index with :math:`D_k \\ge 0` and
    :math:`p_{(k)} / \\tau_k \\ge D_k / (k - 1)`: the less likely symbols
    are never reproduced and always cost an error. For :math:`k = M` this is the
    Shannon lower bound (:func:`shannon_lower_bound_hamming`); R(D) = 0 once
    :math:`D \\ge 1 - \\max_x p(x)`.

    Parameters
    ----------
    p_x : array_like, shape (M,)
        Source distribution on M >= 2 symbols: entries in [0, 1] summing to 1
        (zeros allowed).
    D : float or array_like
        Largest acceptable probability of a symbol error, in [0, inf].

    Returns
    -------
    float or ndarray
        R(D) in bits per symbol, the shape of `D`; a float when `D` is a scalar.

    Raises
    ------
    ValueError
        If `p_x` is not a 1-D probability vector of length >= 2, or `D` is
        negative or NaN.

    See Also
    --------
    shannon_lower_bound_hamming : the bound this equals for small D.
    rate_distortion_at : R(D) for any distortion measure, computed.

    Examples
    --------
    A skewed source on four symbols: the Shannon lower bound is exact up to
    D = 3 min p = 0.15; beyond it the least likely symbol drops out.

    >>> p = [0.5, 0.25, 0.2, 0.05]
    >>> rate_distortion_hamming(p, [0.0, 0.1, 0.3, 0.5]).round(6).tolist()
    [1.680482, 1.05299, 0.354184, 0.0]
    """
    px = check_distribution(p_x, "p_x")
    if px.ndim != 1 or px.size < 2:
        raise ValueError(f"p_x must be a 1-D distribution on >= 2 symbols; got shape {px.shape}")
    d = check_nonnegative(D, "D")
    p_sorted = np.sort(px)[::-1]
    m = p_sorted.size
    k = np.arange(2, m + 1)  # candidate numbers of reproduced symbols
    total = np.cumsum(p_sorted)[1:]  # tau_k
    # 1 - tau_k as the sum of the symbols left out, so that it is exactly 0 for k = m
    tail = np.append(np.cumsum(p_sorted[::-1])[::-1][2:], 0.0)
    # Entropy of the k largest, renormalised: H_k = log2 tau_k - (1/tau_k) sum p log2 p.
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p_sorted > 0, p_sorted * np.log2(np.where(p_sorted > 0, p_sorted, 1.0)), 0)
    head_entropy = np.log2(total) - np.cumsum(plogp)[1:] / total
    dd = np.atleast_1d(d).astype(float)[..., None]  # broadcast D against k
    eps = (dd - tail) / total  # D_k
    valid = (eps >= 0) & (p_sorted[1:] / total >= eps / (k - 1))
    # The largest valid k, for each D (the last True along the k axis).
    best = m - 2 - np.argmax(valid[..., ::-1], axis=-1)
    some = valid.any(axis=-1)
    e = np.clip(np.take_along_axis(eps, best[..., None], axis=-1)[..., 0], 0.0, 1.0)
    kk, s_k, h_k = k[best], total[best], head_entropy[best]
    log_others = np.log2(np.maximum(kk - 1, 1))
    rate = s_k * (h_k - binary_entropy(e) - e * log_others)
    zero = (np.atleast_1d(d) >= 1.0 - p_sorted[0]) | ~some
    rate = np.where(zero, 0.0, np.maximum(rate, 0.0))
    return scalar_or_array(rate.reshape(np.shape(d)), D)
