"""Rate–distortion of a Gaussian source under mean-squared error.

For :math:`X \\sim \\mathcal N(0, \\sigma^2)` and distortion
:math:`d(x, \\hat x) = (x - \\hat x)^2` (Cover & Thomas 2006, Theorem 10.3.2)

.. math::

    R(D) = \\max\\Bigl(0, \\tfrac12 \\log_2 \\frac{\\sigma^2}{D}\\Bigr),
    \\qquad D(R) = \\sigma^2\\, 2^{-2R}.

Rates are in bits per source sample.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validate import check_nonnegative, check_positive_finite, scalar_or_array

__all__ = ["distortion_rate_gaussian", "rate_distortion_gaussian"]


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
    >>> rate_distortion_gaussian(1.0, [0.5, 1.0, 2.0])
    array([0.5, 0. , 0. ])
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
    >>> distortion_rate_gaussian(4.0, [0.0, 0.5, 2.0])
    array([4.  , 2.  , 0.25])
    """
    s = check_positive_finite(sigma_sq, "sigma_sq")
    r = check_nonnegative(R, "R")
    return scalar_or_array(s * np.exp2(-2.0 * r), sigma_sq, R)
