"""Discrete sources: distortion matrices and closed-form rate–distortion functions."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validate import check_distribution, check_nonnegative, check_unit_interval, scalar_or_array
from .info import binary_entropy

__all__ = ["expected_distortion", "hamming_distortion", "rate_distortion_bernoulli"]


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
    >>> hamming_distortion(3)
    array([[0., 1., 1.],
           [1., 0., 1.],
           [1., 1., 0.]])
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"n must be an integer >= 2; got {n!r}")
    return 1.0 - np.eye(int(n))


def rate_distortion_bernoulli(p: float, D: ArrayLike) -> float | NDArray[np.float64]:
    """Rate–distortion function of a Bernoulli(`p`) source with Hamming distortion.

    .. math:: R(D) = h(p) - h(D) \\text{ for } 0 \\le D < \\min(p, 1-p),
              \\text{ else } 0,

    where :math:`h` is the binary entropy function (Cover & Thomas 2006,
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
    >>> rate_distortion_bernoulli(0.2, [0.0, 0.2, 0.5]).round(4)
    array([0.7219, 0.    , 0.    ])
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
    """Average distortion :math:`E\\,d(X, \\hat X)` of a test channel.

    Parameters
    ----------
    p_x : array_like, shape (n,)
        Source distribution: entries in [0, 1] summing to 1.
    channel : array_like, shape (..., n, m)
        Test channel :math:`p(\\hat x \\mid x)`, rows summing to 1; leading axes
        hold many channels at once.
    distortion : array_like, shape (n, m)
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
