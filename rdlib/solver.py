"""The Blahut–Arimoto solver: R(D) of any discrete source, with a certified error bound.

The equations it iterates live in :mod:`rdlib._ba_equations`; what makes it
fast lives in :mod:`rdlib._acceleration`, which a first reading can skip.
Plain Blahut–Arimoto (``accelerate=False``) is the loop in :func:`_plain_solve`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._acceleration import Trace, accelerated_solve
from ._ba_equations import evaluate, kernel, lagrangian_bound, output_update, test_channel
from ._validate import as_float_array, check_distribution, check_nonnegative

__all__ = [
    "ConvergenceWarning",
    "RDCurve",
    "RDPoint",
    "blahut_arimoto",
    "rate_distortion_at",
    "rate_distortion_curve",
]

MAX_WORK = 100_000  # default bound on updates (update-equivalents when accelerated)


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
        :math:`\\mathbb E\\, d(X, \\hat X)` of `channel`.
    beta : float
        The slope magnitude used, in bits per unit of distortion.
    gap : float
        Certified bound: ``rate - R(distortion) <= gap`` (bits), from
        Blahut's lower bound on R(D).
    iterations : int
        Blahut–Arimoto updates applied (evaluations of the update map, for
        the accelerated solver); 0 means the starting point was returned.
    q_xhat : ndarray
        Output distribution :math:`q(\\hat x)` of `channel`, shape ``(M,)``.
    channel : ndarray
        The test channel :math:`p(\\hat x \\mid x)`, shape ``(n, M)``; rows sum to 1.
    gap_history : ndarray
        The certified gap at the start and after each update, for
        convergence plots; shape ``(iterations + 1,)``.
    newton_steps : int
        Newton steps taken by the accelerated solver (0 for plain
        Blahut–Arimoto).
    work : float
        All the arithmetic done, in update-equivalents: one plain update (two
        matrix–vector products with the ``(n, M)`` kernel) counts 1, and a
        Newton step on ``k`` symbols counts about ``k^2 / (2M) + k^3 / (6nM)``
        more. For plain Blahut–Arimoto it equals `iterations`.
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
    work: float = 0.0


class RDCurve(NamedTuple):
    """Points of a rate–distortion curve from :func:`rate_distortion_curve`.

    Every field is an array with one entry per slope, in the order given.
    """

    rates: NDArray[np.float64]
    """The rate of each point, in bits per source symbol."""
    distortions: NDArray[np.float64]
    """The expected distortion of each point."""
    betas: NDArray[np.float64]
    """The slope magnitude of each point, in bits per unit of distortion."""
    gaps: NDArray[np.float64]
    """Each point's certified gap in bits, as in :attr:`RDPoint.gap`."""


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


def _plain_solve(A, p, q, tol, max_iter) -> tuple:
    """Plain Blahut–Arimoto: ``q <- q c`` until the certified gap is <= tol."""
    trace = Trace(gaps=[])
    Z, c, gap = evaluate(A, p, q)
    trace.log(gap, 0.0)
    while gap > tol and trace.work < max_iter:
        q = output_update(q, c)
        Z, c, gap = evaluate(A, p, q)
        trace.log(gap, 1.0)
    return q, Z, c, trace


def _point(p, d, A, beta, q, Z, c, trace: Trace) -> RDPoint:
    channel = test_channel(A, q, Z)
    q_xhat = p @ channel
    distortion = float(p @ (channel * d).sum(axis=1))
    # I(X; Xhat) = sum p W log2(W / q_W) with W = q A / Z and q_W = q c:
    # log2(W / q_W) = log2 A - log2 Z - log2 c on the support of q.
    qc = q * c
    with np.errstate(divide="ignore", invalid="ignore"):
        logc = np.log2(np.where(qc > 0, c, 1.0))
    shifted = distortion - float(p @ d.min(axis=1))
    rate = -beta * shifted + lagrangian_bound(p, Z) - float(qc @ logc)
    for arr in (q_xhat, channel):
        arr.setflags(write=False)
    history = np.asarray(trace.gaps)
    history.setflags(write=False)
    return RDPoint(
        rate=max(rate, 0.0),
        distortion=distortion,
        beta=beta,
        gap=trace.gaps[-1],
        iterations=len(trace.gaps) - 1,
        q_xhat=q_xhat,
        channel=channel,
        gap_history=history,
        newton_steps=trace.newton_steps,
        work=float(trace.work),
    )


def blahut_arimoto(
    p_x: ArrayLike,
    distortion: ArrayLike,
    beta: float,
    *,
    tol: float = 1e-9,
    max_iter: int = MAX_WORK,
    accelerate: bool = True,
    q0: ArrayLike | None = None,
) -> RDPoint:
    """The point of slope ``-beta`` on the rate–distortion curve, with a certified bound.

    Blahut–Arimoto alternates two minimisations (Blahut 1972):
    for a fixed output distribution :math:`q(\\hat x)` the best test channel is

    .. math:: p(\\hat x \\mid x) \\propto q(\\hat x)\\, 2^{-\\beta d(x, \\hat x)},

    and for a fixed channel the best :math:`q` is its output distribution.
    Each step lowers :math:`I(X; \\hat X) + \\beta\\, \\mathbb E\\, d(X, \\hat X)`. It stops
    when Blahut's lower bound on R(D) certifies that the rate is within `tol`
    bits of the curve: ``rate - R(distortion) <= gap <= tol``, or when
    `max_iter` is reached, with a :class:`ConvergenceWarning`.

    Parameters
    ----------
    p_x : array_like, shape (n,)
        Source distribution: entries in [0, 1] summing to 1 (to within 1e-9).
    distortion : array_like, shape (n, M)
        Distortion ``d[x, xhat]``, finite and >= 0; ``M`` may differ from ``n``.
    beta : float
        Slope magnitude in bits per unit distortion, finite and >= 0. Large
        `beta` buys low distortion at a high rate; ``beta = 0`` gives rate 0.
    tol : float, optional
        Stop when the certified gap is at most `tol` bits (> 0). Default 1e-9.
    max_iter : int, optional
        Most updates to apply (>= 1); for the accelerated solver, the most
        work in update-equivalents (see :attr:`RDPoint.work`). If the gap has
        not reached `tol` by then, a :class:`ConvergenceWarning` is issued and
        the point returned still carries its (larger) certified gap.
    accelerate : bool, optional
        ``True`` (default): SQUAREM extrapolation on the logarithm of the
        output distribution, Newton steps on its support once the gap is below
        1e-3, and, if those have not certified within 200 updates, support
        identification with exchange (an active-set method for sources whose
        optimal output is a few clusters of a fine grid). Each device is
        judged by the certificate, so none can cost correctness.
        ``False`` gives plain Blahut–Arimoto.
    q0 : array_like, shape (M,), optional
        Starting output distribution, every entry > 0. Default uniform.

    Returns
    -------
    RDPoint
        Rate (bits), distortion, gap, iterations, work, the output
        distribution and the test channel.

    Raises
    ------
    ValueError
        If `p_x` is not a probability vector, `distortion` has the wrong shape
        or a negative, NaN or infinite entry, `beta` is negative or NaN, or
        `tol`, `max_iter` or `q0` is out of range.

    Examples
    --------
    A fair bit at slope :math:`\\beta = \\log_2 9` sits at D = 0.1, where
    R(D) = 1 - H_b(0.1):

    >>> import numpy as np
    >>> from rdlib import hamming_distortion
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
    A = kernel(d, beta)
    q = min(starts, key=lambda s: evaluate(A, px, s)[2]) if len(starts) > 1 else starts[0]
    solve = accelerated_solve if accelerate else _plain_solve
    q, Z, c, trace = solve(A, px, q, tol, max_iter)
    if trace.gaps[-1] > tol:
        warnings.warn(
            f"Blahut–Arimoto stopped with certified gap {trace.gaps[-1]:.3g} bits > tol={tol:g} "
            f"after {trace.work:.0f} update-equivalents of work (max_iter={max_iter})",
            ConvergenceWarning,
            stacklevel=stacklevel,
        )
    return _point(px, d, A, beta, q, Z, c, trace)


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
    distortion : array_like, shape (n, M)
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
    >>> from rdlib import hamming_distortion
    >>> curve = rate_distortion_curve([0.5, 0.5], hamming_distortion(2), [1.0, 3.0])
    >>> curve.distortions.round(4).tolist(), bool(curve.gaps.max() <= 1e-9)
    ([0.3333, 0.1111], True)
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
        pt = _run(px, d, float(beta), t, MAX_WORK, bool(accelerate), starts, stacklevel=3)
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
        work=lo.work + hi.work,
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
    distortion : array_like, shape (n, M)
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
    >>> from rdlib import hamming_distortion
    >>> pt = rate_distortion_at([0.5, 0.5], hamming_distortion(2), 0.1)
    >>> round(pt.rate, 6), round(pt.beta, 6)  # 1 - H_b(0.1); log2(9)
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
        return _run(px, d, beta, 1e-9, MAX_WORK, True, _starts(previous, d.shape[1]), 4)

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
