"""Rate–distortion of a Gaussian source under mean-squared error.

For :math:`X \\sim \\mathcal N(0, \\sigma^2)` and distortion
:math:`d(x, \\hat x) = (x - \\hat x)^2` (Cover & Thomas 2006, Theorem 10.3.2)

.. math::

    R(D) = \\max\\Bigl(0, \\tfrac12 \\log_2 \\frac{\\sigma^2}{D}\\Bigr),
    \\qquad D(R) = \\sigma^2\\, 2^{-2R}.

Rates are in bits per source sample.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validate import check_nonnegative, check_positive_finite, scalar_or_array

__all__ = [
    "WaterFilling",
    "distortion_rate_gaussian",
    "rate_distortion_gaussian",
    "reverse_water_filling",
]


def rate_distortion_gaussian(sigma_sq: ArrayLike, D: ArrayLike) -> float | NDArray[np.float64]:
    """Rate–distortion function of a Gaussian source, in bits per sample.

    Parameters
    ----------
    sigma_sq : float or array_like
        Variance of the source, finite and > 0.
    D : float or array_like
        Largest acceptable mean-squared error, in [0, inf]. Broadcasts
        against `sigma_sq`.

    Returns
    -------
    float or ndarray
        ``0.5 * log2(sigma_sq / D)`` where ``D < sigma_sq`` and 0 elsewhere;
        ``inf`` at ``D == 0``. A float when both inputs are scalars.

    Raises
    ------
    ValueError
        If `sigma_sq` is not finite and positive, or `D` is negative or NaN.

    See Also
    --------
    distortion_rate_gaussian : the inverse, D as a function of R.

    Examples
    --------
    >>> round(rate_distortion_gaussian(1.0, 0.25), 6)
    1.0
    >>> rate_distortion_gaussian(1.0, [0.5, 1.0, 2.0]).tolist()
    [0.5, 0.0, 0.0]
    """
    s = check_positive_finite(sigma_sq, "sigma_sq")
    d = check_nonnegative(D, "D")
    # A difference of logarithms cannot overflow, even for subnormal D;
    # log2(0) = -inf gives the rate inf at D = 0.
    with np.errstate(divide="ignore"):
        rate = np.where(d < s, 0.5 * (np.log2(s) - np.log2(d)), 0.0)
    return scalar_or_array(rate, sigma_sq, D)


def distortion_rate_gaussian(sigma_sq: ArrayLike, R: ArrayLike) -> float | NDArray[np.float64]:
    """Distortion–rate function of a Gaussian source: the least MSE at rate `R`.

    Parameters
    ----------
    sigma_sq : float or array_like
        Variance of the source, finite and > 0.
    R : float or array_like
        Rate in bits per sample, in [0, inf]. Broadcasts against `sigma_sq`.

    Returns
    -------
    float or ndarray
        ``sigma_sq * 2 ** (-2 * R)``: every bit of rate divides the distortion
        by four. A float when both inputs are scalars.

    Raises
    ------
    ValueError
        If `sigma_sq` is not finite and positive, or `R` is negative or NaN.

    See Also
    --------
    rate_distortion_gaussian : the inverse, R as a function of D.

    Examples
    --------
    >>> distortion_rate_gaussian(1.0, 1.0)
    0.25
    >>> distortion_rate_gaussian(4.0, [0.0, 0.5, 2.0]).tolist()
    [4.0, 2.0, 0.25]
    """
    s = check_positive_finite(sigma_sq, "sigma_sq")
    r = check_nonnegative(R, "R")
    return scalar_or_array(s * np.exp2(-2.0 * r), sigma_sq, R)


class WaterFilling(NamedTuple):
    """Result of :func:`reverse_water_filling`."""

    level: float
    """The water level :math:`\\lambda`, which bounds every component's distortion."""
    distortions: NDArray[np.float64]
    """:math:`D_i = \\min(\\lambda, \\sigma_i^2)`, one per component; they sum to D."""
    rate: float
    """Total rate :math:`\\sum_i \\tfrac12 \\log_2(\\sigma_i^2 / D_i)` in bits."""


def reverse_water_filling(variances: ArrayLike, D: float) -> WaterFilling:
    """Rate–distortion of independent Gaussian components: reverse water-filling.

    For independent :math:`X_i \\sim \\mathcal N(0, \\sigma_i^2)` and a total
    mean-squared error budget :math:`D = \\sum_i D_i`, the optimum gives every
    component the same distortion :math:`\\lambda` unless its variance is
    smaller, in which case it is not described at all (Cover & Thomas 2006,
    Theorem 10.3.3):

    .. math::

        D_i = \\min(\\lambda, \\sigma_i^2), \\qquad
        R(D) = \\sum_i \\tfrac12 \\log_2 \\frac{\\sigma_i^2}{D_i}.

    The level is found exactly: with the variances sorted, the sum
    :math:`\\sum_i \\min(\\lambda, \\sigma_i^2)` is linear in :math:`\\lambda`
    between consecutive variances, so one solves a linear equation on the
    right interval.

    Parameters
    ----------
    variances : array_like, shape (k,)
        Component variances, finite and >= 0 (a zero-variance component needs
        no rate). At least one.
    D : float
        Total mean-squared error allowed, in [0, inf].

    Returns
    -------
    WaterFilling
        ``level``, per-component ``distortions`` and the total ``rate`` in
        bits (``inf`` at ``D = 0`` unless every variance is 0; 0 once
        ``D >= sum(variances)``, with the level then equal to the largest
        variance).

    Raises
    ------
    ValueError
        If `variances` is empty, not 1-D, or has a negative, NaN or infinite
        entry, or if `D` is negative or NaN.

    Examples
    --------
    >>> wf = reverse_water_filling([4.0, 1.0, 0.25], 1.5)
    >>> wf.level, wf.distortions.tolist(), round(wf.rate, 6)
    (0.625, [0.625, 0.625, 0.25], 1.678072)
    """
    var = np.asarray(check_nonnegative(variances, "variances"), dtype=float)
    if var.ndim != 1 or var.size == 0:
        raise ValueError(f"variances must be a non-empty 1-D array; got shape {var.shape}")
    if not np.all(np.isfinite(var)):
        raise ValueError("variances must be finite")
    if np.ndim(D) != 0:
        raise ValueError(f"D must be a scalar; got shape {np.shape(D)}")
    total = float(check_nonnegative(D, "D"))
    if total >= var.sum():
        return WaterFilling(float(var.max()), var.copy(), 0.0)
    s = np.sort(var)
    k = s.size
    # With lambda in [s[j-1], s[j]], sum_i min(lambda, s_i) = below[j] + (k - j) lambda,
    # where below[j] is the sum of the j smallest variances.
    below = np.concatenate(([0.0], np.cumsum(s)[:-1]))
    filled = below + (k - np.arange(k)) * s  # the sum at lambda = s[j]
    j = int(np.searchsorted(filled, total, side="left"))  # first j with filled[j] >= D
    lower = s[j - 1] if j > 0 else 0.0
    level = float(np.clip((total - below[j]) / (k - j), lower, s[j]))
    distortions = np.minimum(level, var)
    described = distortions < var
    with np.errstate(divide="ignore"):
        terms = 0.5 * (np.log2(var[described]) - np.log2(distortions[described]))
    return WaterFilling(level, distortions, float(terms.sum()))
