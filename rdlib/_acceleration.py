"""How rdlib's Blahut–Arimoto gets to a certified gap fast (a first reading can skip this).

Three devices, each judged only by the quantities of :mod:`rdlib._ba_equations`,
so none can cost correctness: whatever produced ``q``, the certificate
eq-certified-gap is computed the same way.

1. **SQUAREM on log q** (Varadhan & Roland 2008, scheme S3). The update
   eq-ba-update is multiplicative, the EM (minorise–maximise) step for
   maximising ``sum_x p(x) ln (A q)(x)`` over distributions ``q``; in ``log q``
   it is a fixed-point map whose slow modes are symbols dying out
   geometrically, which a squared extrapolation jumps over. This use of
   SQUAREM on ``log q`` is the book's adaptation. An extrapolated point is
   kept only if its ``G`` is no larger than after the first of the two plain
   updates it extrapolates from; otherwise the step is shortened, and after
   ``SQUAREM_BACKTRACKS`` tries the plain double step is taken instead.
2. **Newton steps on the support**, once the gap is below
   ``NEWTON_START_GAP``: on the support of the optimum ``c = 1``
   (Kuhn–Tucker), and Newton's method for ``max sum p ln(A q)`` restricted to
   the support and to ``sum q = 1`` converges quadratically once the support
   is right and the reduced Hessian is nonsingular. The step is damped and
   kept only if it clearly shrinks the certified gap.
3. **Support identification with exchange** (an active-set method), when the
   first two have not certified within ``ACTIVE_SET_AFTER`` updates, or at once
   when a Newton step is due on a support wider than ``NEWTON_MAX_SUPPORT``.
   This is the case of a continuous source on a fine grid: the optimal output
   distribution is a few clusters of grid points (Rose 1994), Blahut–Arimoto
   only drains mass towards them, and the certificate waits. The phase keeps
   ``q`` exactly zero off a small support; moves mass to the largest local
   maxima of ``c`` above 1 (``c`` is the gradient of the objective; ``c <= 1``
   everywhere is optimality, Lindsay 1983), each by an exact line search along
   its vertex direction; and solves the problem restricted to the support by
   Newton's method with a ratio test that drops symbols reaching 0. This is
   the structure of the constrained Newton method for mixing distributions
   (Wang 2007): computing R(D) at a fixed slope is the same concave problem
   as a mixture's maximum likelihood, ``max_q sum_x p(x) ln (A q)(x)``. It
   stops when the certificate is met.

Decisions that an exact comparison would leave to rounding (a step that merely
ties with the plain one, two symbols whose ``c`` agree to the last bits) use
relative margins (``OBJECTIVE_SLACK``, ``NEWTON_KEEP_RATIO``,
``LOCAL_MAX_SLACK``, ``ORDER_DIGITS``), so machines whose last bits differ
take the same path unless a quantity lands within a margin of its threshold.
The one exact test left is the stopping rule, ``gap <= tol``.

Work is counted in *update-equivalents*: one plain update costs two
matrix–vector products with the ``(n, M)`` kernel, ``2 n M`` multiply–adds;
a Newton step on ``k`` symbols costs ``n k^2 + k^3 / 3`` more, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._ba_equations import (
    certified_gap,
    evaluate,
    lagrangian_bound,
    normaliser,
    output_update,
    update_factor,
)

# SQUAREM
SQUAREM_BACKTRACKS = 3  # halvings towards the plain double step before taking it
STEP_GROWTH = 4.0  # factor by which the largest extrapolation grows or shrinks
OBJECTIVE_SLACK = 1e-12  # relative: G within this of its target counts as no worse

# Newton on the support
NEWTON_START_GAP = 1e-3  # try Newton steps once the certified gap is below this
NEWTON_FIRST_UPDATE = 20  # ... and not before this many updates
NEWTON_MAX_TRIES = 30  # Newton attempts per solve
NEWTON_RETRY_WAIT = 50  # updates to wait after a failed attempt
NEWTON_INNER_STEPS = 6  # Newton iterations within one attempt
NEWTON_MAX_SUPPORT = 512  # wider supports go to support identification instead
NEWTON_KEEP_RATIO = 0.5  # keep a Newton point only if its gap is at most this times the old
SUPPORT_FLOOR = 1e-12  # relative to max q: smaller entries are off the support
LEAVING_SHRINK = 1e-6  # factor applied to a symbol a Newton step would make negative
DAMPING = 1e-9  # Levenberg–Marquardt damping, relative to the mean Hessian diagonal

# Support identification with exchange
ACTIVE_SET_AFTER = 200  # updates without certification before this phase starts
ACTIVE_SET_ROUNDS = 500  # most exchange rounds
ACTIVE_SET_ADD = 20  # symbols entering per round: the largest local maxima of c above 1
ORDER_DIGITS = 9  # significant digits of c that order the candidates (ties go by index)
RESTRICTED_NEWTON_STEPS = 50  # most Newton steps per round on the support
KKT_FRACTION = 0.01  # the restricted problem is solved once |c - 1| <= this * tol on the support
KKT_STALL = 0.5  # ... or once a Newton step no longer shrinks |c - 1| by this factor
LOCAL_MAX_SLACK = 1e-12  # relative: c within this of a neighbour still counts as a maximum
ARMIJO = 1e-4  # sufficient-increase constant of the line searches


@dataclass
class Trace:
    """What a solve did: the certified gap at the start and after each update, and its cost."""

    gaps: list[float]
    work: float = 0.0
    newton_steps: int = 0

    def log(self, gap: float, work: float) -> None:
        self.gaps.append(gap)
        self.work += work


# --------------------------------------------------------------------- SQUAREM


def squarem_alpha(r: NDArray, v: NDArray, step_max: float) -> float:
    """Varadhan & Roland's (2008) step length S3, ``-|r| / |v|``, clipped to ``[-step_max, -1]``."""
    vv = float(v @ v)
    if vv == 0.0:
        return -step_max
    return max(min(-np.sqrt(float(r @ r) / vv), -1.0), -step_max)


def squarem_point(q: NDArray, live: NDArray, r: NDArray, v: NDArray, alpha: float) -> NDArray:
    """The extrapolated distribution ``log q - 2 alpha r + alpha^2 v``, normalised."""
    u = np.full(q.shape, -np.inf)
    u[live] = np.log(q[live]) - 2.0 * alpha * r + alpha * alpha * v
    trial = np.exp(u - u.max())
    return trial / trial.sum()


def no_worse(value: float, target: float) -> bool:
    """``value <= target`` up to a relative slack, so rounding never decides."""
    return value <= target + OBJECTIVE_SLACK * max(1.0, abs(target))


# ---------------------------------------------------------- Newton on the support


def newton_on_support(A, p, q, Z, c, gap):
    """Up to ``NEWTON_INNER_STEPS`` Newton steps for ``c = 1`` on the support of `q`.

    Returns ``(q, Z, work)`` for a point whose certified gap is at most
    ``NEWTON_KEEP_RATIO`` times `gap` and whose ``G`` is no worse, else
    ``(None, None, work)``. Symbols a step would make negative are on their way
    out: they are shrunk by ``LEAVING_SHRINK`` (not zeroed, so they can come
    back) and the step is computed again without them.
    """
    n, m = A.shape
    trial = q.copy()
    support = trial > SUPPORT_FLOOR * trial.max()
    Zt, ct = Z, c
    work = 0.0
    for _ in range(NEWTON_INNER_STEPS):
        w = np.where(p > 0, p / (Zt * Zt), 0.0)
        cols = A[:, support]
        k = cols.shape[1]
        hessian = cols.T @ (w[:, None] * cols)
        kkt = np.zeros((k + 1, k + 1))
        kkt[:k, :k] = hessian + DAMPING * np.trace(hessian) / k * np.eye(k)
        kkt[:k, k] = kkt[k, :k] = 1.0
        work += (n * k * k + k**3 / 3.0) / (2.0 * n * m) + 1.0
        try:
            step = np.linalg.solve(kkt, np.append(ct[support], 0.0))[:k]
        except np.linalg.LinAlgError:
            return None, None, work
        new = trial[support] + step
        if np.all(new > 0):
            trial[support] = new
        else:
            leaving = np.flatnonzero(support)[new <= 0]
            trial[leaving] *= LEAVING_SHRINK
            support[leaving] = False
        trial /= trial.sum()
        Zt = normaliser(A, trial)
        if not np.all(Zt[p > 0] > 0):
            return None, None, work
        ct = update_factor(A, p, Zt)
        gap_t = certified_gap(trial, ct)
        if gap_t <= NEWTON_KEEP_RATIO * gap and no_worse(
            lagrangian_bound(p, Zt), lagrangian_bound(p, Z)
        ):
            return trial, Zt, work
    return None, None, work


# ------------------------------------------- support identification with exchange


def local_maxima(values: NDArray) -> NDArray:
    """Mask of entries at least as large as both neighbours in index order (with slack).

    On a grid the index order is the geometry, so these are the peaks of a
    function of the reconstruction point; for an unordered alphabet they are
    simply a set of candidates that always contains the largest entry.
    """
    padded = np.concatenate(([-np.inf], values, [-np.inf]))
    slack = LOCAL_MAX_SLACK * np.abs(values)
    return (values >= padded[:-2] - slack) & (values >= padded[2:] - slack)


def significant(values: NDArray) -> NDArray:
    """`values` (> 0) rounded to ``ORDER_DIGITS`` significant digits.

    Candidates are ranked on these, so that two symbols whose ``c`` differ only
    in the last bits (a symmetric source has many such pairs) tie, and the tie
    is broken by index, the same way on every machine.
    """
    scale = 10.0 ** np.floor(np.log10(values))
    return np.round(values / scale, ORDER_DIGITS - 1) * scale


def vertex_step(A, p, q, Z, j):
    """Move mass to symbol `j`: the best ``q <- (1 - t) q + t e_j``, ``0 <= t < 1``.

    ``t`` maximises ``sum p ln((1 - t) Z + t A[:, j])``, a concave function of
    one variable whose slope at 0 is ``c_j - 1``; safeguarded Newton on its
    derivative, bracketed by bisection. Returns ``(q, Z, evaluations)``.
    """
    direction = A[:, j] - Z
    lo, hi, t = 0.0, 1.0, 0.0
    evaluations = 0
    for evaluations in range(1, 101):  # noqa: B007 (the count is returned)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ratio = direction / (Z + t * direction)
            slope = float(p @ np.where(p > 0, ratio, 0.0))
            # In a far tail Z can be tiny: an infinite curvature means bisection.
            curvature = -float(p @ np.where(p > 0, ratio * ratio, 0.0))
        if not np.isfinite(slope):  # past a zero of some Z: come back
            hi, t = t, 0.5 * (lo + t)
            continue
        if slope > 0:
            lo = t
        else:
            hi = t
        if hi - lo <= 1e-15:
            break
        nxt = t - slope / curvature if -np.inf < curvature < 0 else 0.5 * (lo + hi)
        if not lo < nxt < hi:
            nxt = 0.5 * (lo + hi)
        converged = abs(nxt - t) <= 1e-15 * max(t, 1e-300)
        t = nxt
        if converged:
            break
    if t <= 0.0:
        return q, Z, evaluations
    q = (1.0 - t) * q
    q[j] += t
    return q, Z + t * direction, evaluations


def restricted_newton(A, p, q, Z, kkt_tol):
    """Maximise ``sum p ln(A q)`` over distributions supported where ``q > 0``.

    Newton's method on the face of the simplex, with a ratio test: a step
    that would take a symbol below 0 is cut at the boundary and the symbol is
    dropped from the support; every step passes an Armijo line search, so the
    objective never falls (beyond rounding). Stops once ``|c - 1| <= kkt_tol``
    on the support, or when a step on an unchanged support no longer shrinks
    ``|c - 1|`` by the factor ``KKT_STALL`` (rounding has taken over). Returns
    ``(q, Z, steps, work)``.
    """
    n, m = A.shape
    steps, work = 0, 0.0
    previous, support_size = np.inf, -1
    for _ in range(RESTRICTED_NEWTON_STEPS):
        support = np.flatnonzero(q > 0)
        cols = A[:, support]
        k = support.size
        r = np.where(p > 0, p / Z, 0.0)
        c_s = cols.T @ r
        violation = float(np.max(np.abs(c_s - 1.0)))
        if violation <= kkt_tol or (k == support_size and violation > KKT_STALL * previous):
            break  # solved, or Newton no longer gains on the same support (rounding)
        previous, support_size = violation, k
        hessian = cols.T @ ((r / Z)[:, None] * cols)
        kkt = np.zeros((k + 1, k + 1))
        # Marquardt's damping, relative to each diagonal entry: symbols in a far
        # tail have tiny curvature, and damping them by the mean would stall them.
        kkt[:k, :k] = hessian + DAMPING * np.diag(np.diag(hessian))
        kkt[:k, k] = kkt[k, :k] = 1.0
        work += (n * k * k + k**3 / 3.0) / (2.0 * n * m)
        try:
            step = np.linalg.solve(kkt, np.append(c_s, 0.0))[:k]
        except np.linalg.LinAlgError:
            break
        steps += 1
        q_s = q[support]
        falling = step < 0
        limits = np.full(k, np.inf)
        limits[falling] = -q_s[falling] / step[falling]
        t_max = min(1.0, float(limits.min()))
        base = float(p @ np.log(np.where(p > 0, Z, 1.0)))
        rise = float(c_s @ step)
        if t_max < 1.0:
            # Projected Newton: the full step with every symbol it takes below 0
            # removed at once, kept if it raises the objective (removed symbols
            # can come back through the exchange).
            clipped = np.maximum(q_s + step, 0.0)
            Z_clip = cols @ clipped / clipped.sum()
            work += k / (2.0 * m)
            if np.all(Z_clip[p > 0] > 0) and float(
                p @ np.log(np.where(p > 0, Z_clip, 1.0))
            ) > base + OBJECTIVE_SLACK * max(1.0, abs(base)):
                q = np.zeros_like(q)
                q[support] = clipped / clipped.sum()
                Z = Z_clip
                continue
        t = t_max
        while True:
            new = np.maximum(q_s + t * step, 0.0)
            Z_new = cols @ new
            work += k / (2.0 * m)
            if np.all(Z_new[p > 0] > 0):
                value = float(p @ np.log(np.where(p > 0, Z_new, 1.0)))
                if value >= base + ARMIJO * t * rise - OBJECTIVE_SLACK * max(1.0, abs(base)):
                    break
            t *= 0.5
            if t < 1e-12:
                return q, Z, steps, work
        if t == t_max and t_max < 1.0:
            new[limits <= t_max * (1.0 + 1e-12)] = 0.0  # the blocking symbols leave
        total = new.sum()
        q = np.zeros_like(q)
        q[support] = new / total
        Z = cols @ new / total
    return q, Z, steps, work


def exchange(A, p, q, tol, max_work, trace: Trace):
    """Support identification with exchange, from `q`, until the gap is <= tol."""
    m = A.shape[1]
    keep = (q >= SUPPORT_FLOOR * q.max()) & local_maxima(q)
    q = np.where(keep, q, 0.0)
    q /= q.sum()
    Z = normaliser(A, q)
    c = update_factor(A, p, Z)
    trace.log(certified_gap(q, c), 1.0)
    for _ in range(ACTIVE_SET_ROUNDS):
        if trace.gaps[-1] <= tol or trace.work >= max_work:
            break
        entering = np.flatnonzero(local_maxima(c) & (c > 1.0 + LOCAL_MAX_SLACK) & (q == 0))
        entering = entering[np.lexsort((entering, -significant(c[entering])))][:ACTIVE_SET_ADD]
        work = 0.0
        for j in entering:
            q, Z, evaluations = vertex_step(A, p, q, Z, j)
            work += evaluations / m
        q, Z, steps, newton_work = restricted_newton(A, p, q, Z, KKT_FRACTION * tol)
        trace.newton_steps += steps
        c = update_factor(A, p, Z)
        trace.log(certified_gap(q, c), work + newton_work + 0.5)
    return q, Z, c


# ----------------------------------------------------------------- the whole solve


def accelerated_solve(A, p, q, tol, max_iter):
    """Accelerated Blahut–Arimoto from `q`; returns ``(q, Z, c, trace)``.

    `max_iter` bounds the work, in update-equivalents.
    """
    trace = Trace(gaps=[])
    Z = None
    step_max = 1.0
    newton_tries, next_newton = 0, 0
    while True:
        # The start's evaluation is not counted (plain iteration needs it too);
        # with Z known, an evaluation is one product, half an update.
        cost = 0.0 if not trace.gaps else (0.5 if Z is not None else 1.0)
        Z, c, gap = evaluate(A, p, q, Z)
        trace.log(gap, cost)
        if gap <= tol or trace.work >= max_iter:
            return q, Z, c, trace
        if len(trace.gaps) > ACTIVE_SET_AFTER:
            q, Z, c = exchange(A, p, q, tol, max_iter, trace)
            return q, Z, c, trace
        updates = len(trace.gaps) - 1
        if (
            newton_tries < NEWTON_MAX_TRIES
            and gap < NEWTON_START_GAP
            and updates >= max(next_newton, NEWTON_FIRST_UPDATE)
        ):
            if np.count_nonzero(q > SUPPORT_FLOOR * q.max()) > NEWTON_MAX_SUPPORT:
                # A Newton step this wide costs hundreds of updates: identify
                # the (usually much smaller) support of the optimum instead.
                q, Z, c = exchange(A, p, q, tol, max_iter, trace)
                return q, Z, c, trace
            newton_tries += 1
            polished, Z_polished, work = newton_on_support(A, p, q, Z, c, gap)
            trace.work += work
            if polished is not None:
                q, Z = polished, Z_polished
                trace.newton_steps += 1
                next_newton = updates + 1
                continue
            next_newton = updates + NEWTON_RETRY_WAIT
        # SQUAREM: two plain updates give r and v; extrapolate in log q.
        q1 = output_update(q, c)
        Z1, c1, gap1 = evaluate(A, p, q1)
        trace.log(gap1, 1.0)
        if gap1 <= tol or trace.work >= max_iter:
            return q1, Z1, c1, trace
        q2 = output_update(q1, c1)
        live = (q > 0) & (c > 0) & (c1 > 0)
        r = np.log(c[live])
        v = np.log(c1[live]) - r
        alpha = squarem_alpha(r, v, step_max)
        # Keep an extrapolated point only if G is no worse than after one plain
        # step; halve the way back towards the plain double step (alpha = -1)
        # up to SQUAREM_BACKTRACKS times, then take the plain double step.
        target = lagrangian_bound(p, Z1)
        for _ in range(SQUAREM_BACKTRACKS):
            trial = squarem_point(q, live, r, v, alpha)
            Z_trial = normaliser(A, trial)
            trace.work += 0.5
            if np.all(Z_trial[p > 0] > 0) and no_worse(lagrangian_bound(p, Z_trial), target):
                if alpha <= -step_max:
                    step_max *= STEP_GROWTH  # the cap was binding: allow longer steps
                q, Z = trial, Z_trial
                break
            alpha = (alpha - 1.0) / 2.0
        else:
            step_max = max(1.0, step_max / STEP_GROWTH)
            q, Z = q2, None
