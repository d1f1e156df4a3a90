"""Discrete sources: distortion matrices and closed-form rate–distortion functions."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validate import (
    as_float_array,
    check_distribution,
    check_nonnegative,
    check_unit_interval,
    scalar_or_array,
)
from .info import binary_entropy, entropy

__all__ = [
    "ConvergenceWarning",
    "RDCurve",
    "RDPoint",
    "blahut_arimoto",
    "expected_distortion",
    "hamming_distortion",
    "rate_distortion_at",
    "rate_distortion_bernoulli",
    "rate_distortion_curve",
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


def rate_distortion_uniform_hamming(m: int, D: ArrayLike) -> float | NDArray[np.float64]:
    """Rate–distortion function of a uniform source on `m` symbols, Hamming distortion.

    .. math:: R(D) = \\log_2 m - h(D) - D \\log_2(m - 1)
              \\text{ for } 0 \\le D < 1 - 1/m, \\text{ else } 0

    (a standard exercise in Cover & Thomas 2006, chapter 10). For ``m = 2`` this is the fair-coin
    case of :func:`rate_distortion_bernoulli`.

    Parameters
    ----------
    m : int
        Alphabet size, an integer >= 2.
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
    >>> rate_distortion_uniform_hamming(4, [0.25, 0.75]).round(4)
    array([0.7925, 0.    ])
    """
    if isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 2:
        raise ValueError(f"m must be an integer >= 2; got {m!r}")
    d = check_nonnegative(D, "D")
    inside = d < 1.0 - 1.0 / m
    dd = np.where(inside, d, 0.0)
    rate = np.log2(m) - binary_entropy(dd) - dd * np.log2(m - 1)
    return scalar_or_array(np.where(inside, np.maximum(rate, 0.0), 0.0), D)


def shannon_lower_bound_hamming(p_x: ArrayLike, D: ArrayLike) -> float | NDArray[np.float64]:
    """Shannon lower bound on R(D) for a source on m symbols with Hamming distortion.

    .. math:: R(D) \\ge R_{\\mathrm{SLB}}(D) = H(X) - h(D) - D \\log_2(m - 1)
              \\text{ for } 0 \\le D \\le 1 - 1/m, \\text{ else } 0,

    clipped at 0. It holds for every source and is an equality exactly when
    :math:`D \\le (m - 1) \\min_x p(x)` (Berger 1971; Cover & Thomas 2006,
    chapter 10 problems). For a uniform source it is
    :func:`rate_distortion_uniform_hamming`.

    Parameters
    ----------
    p_x : array_like, shape (m,)
        Source distribution on m >= 2 symbols: entries in [0, 1] summing to 1.
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


# ---------------------------------------------------------------------------
# Blahut–Arimoto: R(D) of any discrete source, with a certified error bound
# ---------------------------------------------------------------------------


class ConvergenceWarning(UserWarning):
    """Blahut–Arimoto stopped at ``max_iter`` before its certified gap reached ``tol``."""


@dataclass(frozen=True, eq=False)
class RDPoint:
    """One point computed by :func:`blahut_arimoto`: a test channel and its rate.

    Attributes
    ----------
    rate : float
        :math:`I(X; \\hat X)` of `channel`, in bits per source symbol.
    distortion : float
        :math:`E\\,d(X, \\hat X)` of `channel`.
    beta : float
        The slope magnitude used, in bits per unit of distortion.
    gap : float
        Certified bound: ``rate - R(distortion) <= gap`` (bits), from
        Blahut's lower bound on R(D).
    iterations : int
        Blahut–Arimoto updates performed; each costs about two
        matrix–vector products with the ``(n, m)`` kernel.
    q_xhat : ndarray, shape (m,)
        Output distribution :math:`p(\\hat x)` of `channel`.
    channel : ndarray, shape (n, m)
        The test channel :math:`p(\\hat x \\mid x)`; rows sum to 1.
    gap_history : ndarray, shape (iterations,)
        The certified gap after each update, for convergence plots.
    newton_steps : int
        Newton steps taken by the accelerated solver (0 for plain
        Blahut–Arimoto); each costs about as much as ``m / 2`` updates.
    """

    rate: float
    distortion: float
    beta: float
    gap: float
    iterations: int
    q_xhat: NDArray[np.float64] = field(repr=False)
    channel: NDArray[np.float64] = field(repr=False)
    gap_history: NDArray[np.float64] = field(repr=False)
    newton_steps: int = 0


class RDCurve(NamedTuple):
    """Points of a rate–distortion curve from :func:`rate_distortion_curve`.

    Every field is an array with one entry per slope, in the order given.
    """

    rates: NDArray[np.float64]
    distortions: NDArray[np.float64]
    betas: NDArray[np.float64]
    gaps: NDArray[np.float64]


def _check_source(p_x: ArrayLike, distortion: ArrayLike) -> tuple[NDArray, NDArray]:
    px = check_distribution(p_x, "p_x")
    if px.ndim != 1:
        raise ValueError(f"p_x must be one-dimensional; got shape {px.shape}")
    d = check_nonnegative(distortion, "distortion")
    if d.ndim != 2 or d.shape[0] != px.shape[0] or d.shape[1] < 1:
        raise ValueError(
            f"distortion must have shape ({px.shape[0]}, m) with m >= 1 to match p_x; "
            f"got shape {d.shape}"
        )
    if not np.all(np.isfinite(d)):
        raise ValueError("distortion must be finite")
    return px, d


def _check_beta(beta: float) -> float:
    if np.ndim(beta) != 0:
        raise ValueError(f"beta must be a scalar; got shape {np.shape(beta)}")
    b = float(as_float_array(beta, "beta"))
    if not (np.isfinite(b) and b >= 0):
        raise ValueError(f"beta must be finite and >= 0; got {beta!r}")
    return b


def _check_tol(tol: float, name: str = "tol") -> float:
    t = float(as_float_array(tol, name)) if np.ndim(tol) == 0 else np.nan
    if not (np.isfinite(t) and t > 0):
        raise ValueError(f"{name} must be a finite number > 0; got {tol!r}")
    return t


def _check_max_iter(max_iter: int) -> int:
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1; got {max_iter!r}")
    return int(max_iter)


def _check_q0(q0: ArrayLike | None, m: int) -> NDArray[np.float64]:
    if q0 is None:
        return np.full(m, 1.0 / m)
    q = check_distribution(q0, "q0")
    if q.shape != (m,):
        raise ValueError(f"q0 must have shape ({m},) to match distortion; got shape {q.shape}")
    if np.any(q <= 0):
        raise ValueError(
            "q0 must have every entry > 0: a zero would rule out a reconstruction for good"
        )
    return q / q.sum()


def _kernel(d: NDArray, beta: float) -> NDArray:
    """``2**(-beta * d)``, each row scaled so its largest entry is 1 (no underflow of Z)."""
    return np.exp2(-beta * (d - d.min(axis=1, keepdims=True)))


def _update(A: NDArray, p: NDArray, q: NDArray, Z: NDArray | None = None):
    """One Blahut–Arimoto evaluation at output distribution `q`.

    Returns ``Z = A q`` (per-source-symbol normaliser), ``c = A^T (p / Z)``
    (so that ``q * c`` is the next output distribution) and the certified gap
    ``log2 max c - sum q c log2 c`` from Blahut's (1972) lower bound on R(D).
    """
    if Z is None:
        Z = A @ q
    with np.errstate(divide="ignore", invalid="ignore"):
        c = A.T @ np.where(p > 0, p / Z, 0.0)
        qc = q * c
        logc = np.log2(np.where(qc > 0, c, 1.0))
    if not np.all(np.isfinite(c)):
        raise FloatingPointError(
            "Blahut–Arimoto lost precision (a normaliser underflowed); try a smaller beta"
        )
    gap = float(np.log2(c.max()) - qc @ logc)
    return Z, c, max(gap, 0.0)


def _objective(p: NDArray, Z: NDArray) -> float:
    """``-sum p log2 Z``: the Lagrangian that each Blahut–Arimoto step lowers."""
    with np.errstate(divide="ignore"):
        return float(-(p @ np.log2(np.where(p > 0, Z, 1.0))))


def _newton(A, p, q, Z, c, gap):
    """Newton steps for the output distribution on its support, or None.

    On the support S of the optimum, c = 1 (Kuhn–Tucker). Newton's method on
    ``-sum p ln(A q)`` restricted to S and to ``sum q = 1`` converges
    quadratically where Blahut–Arimoto crawls. Symbols that a step would make
    negative are on their way out: they are shrunk a millionfold (not zeroed,
    so they can still come back) and the step is computed again without them.
    At most six steps; the result is kept only if it lowers the objective and
    shrinks the certified gap.
    """
    trial = q.copy()
    support = trial > 1e-12 * trial.max()
    Zt, ct = Z, c
    for _ in range(6):
        w = np.where(p > 0, p / (Zt * Zt), 0.0)
        cols = A[:, support]
        k = cols.shape[1]
        hessian = cols.T @ (w[:, None] * cols)
        kkt = np.zeros((k + 1, k + 1))
        # A little damping (Levenberg–Marquardt) keeps the step finite when
        # two reconstruction symbols are nearly interchangeable.
        kkt[:k, :k] = hessian + 1e-9 * np.trace(hessian) / k * np.eye(k)
        kkt[:k, k] = kkt[k, :k] = 1.0
        try:
            step = np.linalg.solve(kkt, np.append(ct[support], 0.0))[:k]
        except np.linalg.LinAlgError:
            return None
        new = trial[support] + step
        if np.all(new > 0):
            trial[support] = new
        else:
            leaving = np.flatnonzero(support)[new <= 0]
            trial[leaving] *= 1e-6
            support[leaving] = False
        trial /= trial.sum()
        Zt = A @ trial
        if not np.all(Zt[p > 0] > 0):
            return None
        _, ct, gap_t = _update(A, p, trial, Zt)
        if gap_t < gap and _objective(p, Zt) < _objective(p, Z):
            return trial, Zt
    return None


def _solve(A, p, q, tol, max_iter, accelerate):
    """Iterate from `q` until the gap is <= tol; return (q, Z, c, gaps, newton_steps)."""
    gaps: list[float] = []
    Z = None
    step_max = 1.0
    newton_steps, newton_tries, next_newton = 0, 0, 0
    while True:
        Z, c, gap = _update(A, p, q, Z)
        gaps.append(gap)
        if gap <= tol or len(gaps) >= max_iter:
            return q, Z, c, gaps, newton_steps
        if accelerate and newton_tries < 30 and gap < 1e-3 and len(gaps) >= max(next_newton, 20):
            # Close to the optimum: try a Newton step (costs about as much as
            # m / 2 updates); after a failure, wait 50 updates before retrying.
            newton_tries += 1
            polished = _newton(A, p, q, Z, c, gap)
            if polished is not None:
                q, Z = polished
                newton_steps += 1
                next_newton = len(gaps) + 1
                continue
            next_newton = len(gaps) + 50
        q1 = q * c
        q1 /= q1.sum()
        if not accelerate:
            q, Z = q1, None
            continue
        # SQUAREM (Varadhan & Roland 2008, scheme S3) applied to log q. The
        # update is multiplicative, so log q moves by log c at each step and
        # an extrapolated point is a distribution once normalised; a symbol
        # whose probability is dying out decays geometrically, which is
        # exactly what a linear extrapolation in log q captures.
        Z1, c1, gap1 = _update(A, p, q1)
        gaps.append(gap1)
        if gap1 <= tol or len(gaps) >= max_iter:
            return q1, Z1, c1, gaps, newton_steps
        q2 = q1 * c1
        q2 /= q2.sum()
        live = (q > 0) & (c > 0) & (c1 > 0)
        r = np.log(c[live])
        v = np.log(c1[live]) - r
        vv = float(v @ v)
        alpha = -step_max if vv == 0.0 else max(min(-np.sqrt(float(r @ r) / vv), -1.0), -step_max)
        # Safeguard: keep an extrapolated point only if it lowers the
        # objective at least as far as one plain step did; halve the way back
        # towards the plain double step (alpha = -1) up to three times, then
        # take the plain double step itself.
        target = _objective(p, Z1)
        for _ in range(3):
            u = np.full(q.shape, -np.inf)
            u[live] = np.log(q[live]) - 2.0 * alpha * r + alpha * alpha * v
            trial = np.exp(u - u.max())
            trial /= trial.sum()
            Zt = A @ trial
            if np.all(Zt[p > 0] > 0) and _objective(p, Zt) <= target:
                if alpha <= -step_max:
                    step_max *= 4.0  # the cap was binding: allow longer steps
                q, Z = trial, Zt
                break
            alpha = (alpha - 1.0) / 2.0
        else:
            step_max = max(1.0, step_max / 4.0)
            q, Z = q2, None


def _point(p, d, A, beta, q, Z, c, gaps, newton_steps) -> RDPoint:
    with np.errstate(divide="ignore", invalid="ignore"):
        channel = (A * q) / np.where(Z > 0, Z, 1.0)[:, None]
    channel /= channel.sum(axis=1, keepdims=True)
    q_xhat = p @ channel
    distortion = float(p @ (channel * d).sum(axis=1))
    # I(X; Xhat) = sum p W log2(W / q_W) with W = q A / Z and q_W = q c:
    # log2(W / q_W) = log2 A - log2 Z - log2 c on the support of q.
    qc = q * c
    with np.errstate(divide="ignore", invalid="ignore"):
        logc = np.log2(np.where(qc > 0, c, 1.0))
    shifted = distortion - float(p @ d.min(axis=1))
    rate = -beta * shifted + _objective(p, Z) - float(qc @ logc)
    for arr in (q_xhat, channel):
        arr.setflags(write=False)
    history = np.asarray(gaps)
    history.setflags(write=False)
    return RDPoint(
        rate=max(rate, 0.0),
        distortion=distortion,
        beta=beta,
        gap=gaps[-1],
        iterations=len(gaps),
        q_xhat=q_xhat,
        channel=channel,
        gap_history=history,
        newton_steps=newton_steps,
    )


def blahut_arimoto(
    p_x: ArrayLike,
    distortion: ArrayLike,
    beta: float,
    *,
    tol: float = 1e-9,
    max_iter: int = 100_000,
    accelerate: bool = True,
    q0: ArrayLike | None = None,
) -> RDPoint:
    """The point of slope ``-beta`` on the rate–distortion curve, with a certified bound.

    Blahut–Arimoto alternates two minimisations (Blahut 1972; Arimoto 1972):
    for a fixed output distribution :math:`q(\\hat x)` the best test channel is

    .. math:: p(\\hat x \\mid x) \\propto q(\\hat x)\\, 2^{-\\beta d(x, \\hat x)},

    and for a fixed channel the best :math:`q` is its output distribution.
    Each step lowers :math:`I(X; \\hat X) + \\beta\\, E\\,d(X, \\hat X)`. It stops
    when Blahut's lower bound on R(D) certifies that the rate is within `tol`
    bits of the curve: ``rate - R(distortion) <= gap <= tol``.

    Parameters
    ----------
    p_x : array_like, shape (n,)
        Source distribution: entries in [0, 1] summing to 1 (to within 1e-9).
    distortion : array_like, shape (n, m)
        Distortion ``d[x, xhat]``, finite and >= 0; ``m`` may differ from ``n``.
    beta : float
        Slope magnitude in bits per unit distortion, finite and >= 0. Large
        `beta` buys low distortion at a high rate; ``beta = 0`` gives rate 0.
    tol : float, optional
        Stop when the certified gap is at most `tol` bits (> 0). Default 1e-9.
    max_iter : int, optional
        Most updates to perform (>= 1). If the gap has not reached `tol` by
        then, a :class:`ConvergenceWarning` is issued and the point returned
        still carries its (larger) certified gap.
    accelerate : bool, optional
        Extrapolate with SQUAREM (Varadhan & Roland 2008) on the logarithm of
        the output distribution, safeguarded by the objective: a step is kept
        only if it beats a plain step. Once the gap is below 1e-3, also try
        Newton steps on the support of the output distribution, each kept
        only if it shrinks the certified gap. ``False`` gives plain
        Blahut–Arimoto.
    q0 : array_like, shape (m,), optional
        Starting output distribution, every entry > 0. Default uniform.

    Returns
    -------
    RDPoint
        Rate (bits), distortion, gap, iterations, the output distribution and
        the test channel.

    Raises
    ------
    ValueError
        If `p_x` is not a probability vector, `distortion` has the wrong shape
        or a negative, NaN or infinite entry, `beta` is negative or NaN, or
        `tol`, `max_iter` or `q0` is out of range.

    Examples
    --------
    A fair bit at slope :math:`\\beta = \\log_2 9` sits at D = 0.1, where
    R(D) = 1 - h(0.1):

    >>> import numpy as np
    >>> pt = blahut_arimoto([0.5, 0.5], hamming_distortion(2), np.log2(9))
    >>> round(pt.distortion, 9), round(pt.rate, 9), pt.gap <= 1e-9
    (0.1, 0.531004406, True)
    """
    px, d = _check_source(p_x, distortion)
    b = _check_beta(beta)
    t = _check_tol(tol)
    n_max = _check_max_iter(max_iter)
    q = _check_q0(q0, d.shape[1])
    return _run(px, d, b, t, n_max, bool(accelerate), [q], stacklevel=3)


def _run(px, d, beta, tol, max_iter, accelerate, starts, stacklevel=2) -> RDPoint:
    """Solve from whichever starting distribution has the smallest certified gap."""
    A = _kernel(d, beta)
    q = min(starts, key=lambda s: _update(A, px, s)[2]) if len(starts) > 1 else starts[0]
    q, Z, c, gaps, newton_steps = _solve(A, px, q, tol, max_iter, accelerate)
    if gaps[-1] > tol:
        warnings.warn(
            f"Blahut–Arimoto stopped after max_iter={max_iter} updates with certified gap "
            f"{gaps[-1]:.3g} bits > tol={tol:g}",
            ConvergenceWarning,
            stacklevel=stacklevel,
        )
    return _point(px, d, A, beta, q, Z, c, gaps, newton_steps)


def _starts(previous: RDPoint | None, m: int) -> list[NDArray]:
    """Candidate starts for the next slope: uniform, and a warm start from `previous`.

    The warm start mixes in one per cent of uniform, so that a symbol unused
    at the last slope but needed at this one regrows in a few steps. Neither
    start is best for every source, so the solver takes the one with the
    smaller certified gap.
    """
    uniform = np.full(m, 1.0 / m)
    if previous is None:
        return [uniform]
    return [0.99 * previous.q_xhat + 0.01 / m, uniform]


def rate_distortion_curve(
    p_x: ArrayLike,
    distortion: ArrayLike,
    betas: ArrayLike,
    *,
    tol: float = 1e-9,
    accelerate: bool = True,
) -> RDCurve:
    """Trace the rate–distortion curve at many slopes, warm-starting each from the last.

    Parameters
    ----------
    p_x : array_like, shape (n,)
        Source distribution: entries in [0, 1] summing to 1.
    distortion : array_like, shape (n, m)
        Distortion ``d[x, xhat]``, finite and >= 0.
    betas : array_like, shape (k,)
        Slope magnitudes in bits per unit distortion, each finite and >= 0.
        Sorted order (either way) makes the warm starts most useful.
    tol : float, optional
        Certified gap in bits for every point (> 0). Default 1e-9.
    accelerate : bool, optional
        Use the accelerated iteration (default) or plain Blahut–Arimoto.

    Returns
    -------
    RDCurve
        ``rates``, ``distortions``, ``betas`` and ``gaps``, one entry per slope.

    Raises
    ------
    ValueError
        As :func:`blahut_arimoto`, or if `betas` is not a 1-D array.

    See Also
    --------
    blahut_arimoto : one point, with its test channel.

    Examples
    --------
    >>> curve = rate_distortion_curve([0.5, 0.5], hamming_distortion(2), [1.0, 3.0])
    >>> curve.distortions.round(4), bool(curve.gaps.max() <= 1e-9)
    (array([0.3333, 0.1111]), True)
    """
    px, d = _check_source(p_x, distortion)
    b = np.atleast_1d(as_float_array(betas, "betas"))
    if b.ndim != 1 or b.size == 0:
        raise ValueError(f"betas must be a non-empty 1-D array; got shape {np.shape(betas)}")
    for value in b:
        _check_beta(value)
    t = _check_tol(tol)
    out = np.empty((4, b.size))
    pt = None
    for i, beta in enumerate(b):
        starts = _starts(pt, d.shape[1])
        pt = _run(px, d, float(beta), t, 100_000, bool(accelerate), starts, stacklevel=3)
        out[:, i] = pt.rate, pt.distortion, pt.beta, pt.gap
    return RDCurve(rates=out[0], distortions=out[1], betas=out[2], gaps=out[3])


def _mix(p, d, lo: RDPoint, hi: RDPoint, D: float) -> RDPoint:
    """Time-share two points so the distortion is exactly D (a straight piece of the curve)."""
    lam = (lo.distortion - D) / (lo.distortion - hi.distortion)
    channel = (1.0 - lam) * lo.channel + lam * hi.channel
    q_xhat = p @ channel
    joint = p[:, None] * channel
    outer = p[:, None] * q_xhat[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = float(np.sum(np.where(joint > 0, joint * np.log2(joint / outer), 0.0)))
    # R(D) lies above each point's supporting line R(D_i) - beta_i (D - D_i),
    # and R(D_i) >= rate_i - gap_i.
    lower = max(pt.rate - pt.gap - pt.beta * (D - pt.distortion) for pt in (lo, hi))
    for arr in (q_xhat, channel):
        arr.setflags(write=False)
    history = np.asarray([max(rate - lower, 0.0)])
    history.setflags(write=False)
    return RDPoint(
        rate=rate,
        distortion=float(p @ (channel * d).sum(axis=1)),
        beta=hi.beta,
        gap=float(history[0]),
        iterations=lo.iterations + hi.iterations,
        newton_steps=lo.newton_steps + hi.newton_steps,
        q_xhat=q_xhat,
        channel=channel,
        gap_history=history,
    )


def rate_distortion_at(
    p_x: ArrayLike,
    distortion: ArrayLike,
    D: float,
    *,
    tol: float = 1e-9,
) -> RDPoint:
    """The point of the rate–distortion curve at distortion `D`.

    The distortion of Blahut–Arimoto's point falls as the slope ``beta``
    grows; this searches ``beta`` (doubling to bracket `D`, then the
    Illinois variant of regula falsi, each solve warm-started from the last)
    until the point's distortion is within `tol` of `D`. Where the curve has
    a straight piece, no single slope reaches `D`; the two end points are
    then time-shared, which gives distortion `D` exactly.

    Parameters
    ----------
    p_x : array_like, shape (n,)
        Source distribution: entries in [0, 1] summing to 1.
    distortion : array_like, shape (n, m)
        Distortion ``d[x, xhat]``, finite and >= 0.
    D : float
        Target distortion, greater than
        :math:`D_{\\min} = \\sum_x p(x) \\min_{\\hat x} d(x, \\hat x)`. At or
        above :math:`D_{\\max} = \\min_{\\hat x} \\sum_x p(x) d(x, \\hat x)`
        the rate is 0 and the point returned is the zero-rate point at
        :math:`D_{\\max}`.
    tol : float, optional
        Largest acceptable ``|distortion - D|`` (> 0). Default 1e-9. Each
        point's certified gap is at most 1e-9 bits.

    Returns
    -------
    RDPoint
        The point, its slope ``beta`` and its certified ``gap``.

    Raises
    ------
    ValueError
        If `D` is NaN or not above :math:`D_{\\min}`, or another argument is
        out of range (see :func:`blahut_arimoto`).

    Examples
    --------
    >>> pt = rate_distortion_at([0.5, 0.5], hamming_distortion(2), 0.1)
    >>> round(pt.rate, 6), round(pt.beta, 6)  # 1 - h(0.1); log2(9)
    (0.531004, 3.169925)
    """
    px, d = _check_source(p_x, distortion)
    if np.ndim(D) != 0:
        raise ValueError(f"D must be a scalar; got shape {np.shape(D)}")
    target = float(check_nonnegative(D, "D"))
    t = _check_tol(tol)
    d_min = float(px @ d.min(axis=1))
    column_means = px @ d
    d_max = float(column_means.min())
    if not target > d_min:
        raise ValueError(f"D must be > D_min = {d_min:.6g} for this source; got {D!r}")
    if target >= d_max:
        # Send nothing: always reconstruct the symbol with the least mean distortion.
        channel = np.zeros_like(d)
        channel[:, int(np.argmin(column_means))] = 1.0
        q_xhat = px @ channel
        for arr in (q_xhat, channel):
            arr.setflags(write=False)
        history = np.zeros(1)
        history.setflags(write=False)
        return RDPoint(0.0, d_max, 0.0, 0.0, 0, q_xhat, channel, history)

    def solve(beta: float, previous: RDPoint | None) -> RDPoint:
        return _run(px, d, beta, 1e-9, 100_000, True, _starts(previous, d.shape[1]), 4)

    lo: RDPoint | None = None  # distortion above the target
    hi = solve(1.0, None)
    while hi.distortion > target + t:
        lo = hi
        hi = solve(2.0 * hi.beta, hi)
    if lo is None:  # beta = 1 overshoots: halve until the distortion is above the target
        while hi.distortion < target - t:
            lo_candidate = solve(hi.beta / 2.0, hi)
            if lo_candidate.distortion > target + t:
                lo = lo_candidate
                break
            hi = lo_candidate
        else:
            return hi
    f_lo, f_hi = lo.distortion - target, hi.distortion - target
    if abs(f_hi) <= t:
        return hi
    side = 0
    for _ in range(200):
        if hi.beta - lo.beta <= 1e-12 * hi.beta:
            return _mix(px, d, lo, hi, target)
        beta = (lo.beta * f_hi - hi.beta * f_lo) / (f_hi - f_lo)
        beta = min(max(beta, lo.beta), hi.beta)
        mid = solve(beta, hi if side <= 0 else lo)
        f_mid = mid.distortion - target
        if abs(f_mid) <= t:
            return mid
        if f_mid > 0:
            lo, f_lo = mid, f_mid
            if side == 1:
                f_hi /= 2.0  # Illinois: stop the far end from sticking
            side = 1
        else:
            hi, f_hi = mid, f_mid
            if side == -1:
                f_lo /= 2.0
            side = -1
    return _mix(px, d, lo, hi, target)
