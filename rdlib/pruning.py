"""Exact limits of prompt pruning on a toy source, with and without the question.

The setting (chapter 11) is small enough to enumerate. A prompt is a binary
string ``x`` of length ``L`` from a symmetric two-state Markov chain:
``P(x_1 = 0) = 1/2`` and ``P(x_{t+1} = x_t) = stay``. A compressor keeps any
set :math:`\\mathcal K` of positions; the pruned prompt is the kept bits in
their original order (positions are not sent). What it spends is the *fraction of positions
kept*, written kappa in the book: positions, not bits per symbol. (The
functions call it ``rates`` and ``PruningCurve.rates``.) Four questions, asked
with equal probability, are answered by applying them to the compressed prompt
as if it were the prompt:

- ``"ones"``: the number of ones;
- ``"parity"``: the parity of the number of ones;
- ``"longest_run"``: the length of the longest run of equal symbols (0 for the
  empty string);
- ``"transitions"``: the number of positions ``t`` with ``x_t != x_{t+1}``.

The loss is 0/1: the answer is right or wrong. Encoders may randomise, so the
least expected loss at a given expected fraction kept is a linear program over
the test channels :math:`p(\\mathcal K \\mid x)` (one prompt at a time, the
decoder fixed in advance). It is solved exactly through
its Lagrangian dual, which here reduces to merging the lower convex hulls of
each prompt's (fraction kept, loss) points, steepest first. A *query-agnostic*
encoder sees only the prompt; a *query-aware* one also sees the question.

The chapter's three facts each have a function:

1. :func:`best_loss_by_size`: for a prompt and a number ``k`` of kept
   positions, only the best subset of that size matters; its loss is
   ``l*(x, k)``.
2. :func:`lower_hull`: randomising between sizes fills in the gaps, so only
   the falling part of the lower convex hull of the points ``(k, l*(x, k))``
   matters.
3. :func:`dual_bound`: the budget couples the prompts only through one
   number, the multiplier ``mu`` of the constraint on the fraction kept.

Prompts are integers: bit ``t`` of ``x`` is position ``t`` (position 0 first;
the book numbers positions 1 to L); a set of kept positions is an integer mask
in the same way.
"""

# How the enumeration uses bits, on a worked example (L = 4)
# ------------------------------------------------------------
# A prompt and a set of kept positions are both integers in [0, 2**L). The
# prompt 1, 0, 1, 1 (positions 0..3) is x = 0b1101 = 13: bit t of x is
# position t, so the binary literal reads right to left. Keeping positions
# {0, 2, 3} is the mask K = 0b1101 = 13 as well. Looping over
# range(2**L) therefore visits every prompt, and every subset, exactly once.
#
# - Size of a kept set: popcount(K), the number of set bits (3 here).
# - Packing the kept bits (``_losses``): position t, if kept, lands at index
#   rank = popcount(K & ((1 << t) - 1)), the number of kept positions before
#   it. For t = 3: K & 0b0111 = 0b0101, rank 2, so x's bit 3 (a 1) becomes
#   bit 2 of the pruned prompt. Doing this for t = 0, 2, 3 gives the pruned
#   prompt 0b111: the kept symbols 1, 1, 1 in their original order.
# - Transitions (``_answer``): x ^ (x >> 1) has bit t set when positions t
#   and t + 1 differ; the mask (1 << (L - 1)) - 1 = 0b0111 drops the bit
#   shifted in from beyond the end. 0b1101 ^ 0b0110 = 0b1011, masked 0b0011:
#   two transitions (positions 0-1 and 1-2).
# - First k positions: (1 << k) - 1; last k: ((1 << k) - 1) << (L - k). For
#   k = 2: 0b0011 and 0b1100.
# - Lowest set bit (``keep_what_is_asked``): x & -x, in two's complement.
#   For x = 0b1100, -x = ...0100, so x & -x = 0b0100, position 2.

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validate import as_float_array, check_unit_interval

__all__ = [
    "MAX_LENGTH",
    "QUERIES",
    "PruningCurve",
    "answer",
    "best_loss_by_size",
    "dual_bound",
    "fixed_subset_losses",
    "keep_what_is_asked",
    "lower_hull",
    "optimal_distortion_rate",
    "optimal_rate_distortion",
    "prompt_probabilities",
    "pruning_curve",
    "pruning_losses",
]

MAX_LENGTH = 12
"""Longest prompt enumerated: 2**L prompts times 2**L subsets must fit in memory."""

QUERIES = ("ones", "parity", "longest_run", "transitions")
"""The four questions, in the order used by every array in this module."""


def _check_length(length: int) -> int:
    if isinstance(length, bool) or not isinstance(length, int | np.integer):
        raise ValueError(f"length must be an integer in [1, {MAX_LENGTH}]; got {length!r}")
    if not 1 <= length <= MAX_LENGTH:
        raise ValueError(
            f"length must be an integer in [1, {MAX_LENGTH}] (2**length prompts times "
            f"2**length subsets are enumerated); got {length!r}"
        )
    return int(length)


def _check_stay(stay: float) -> float:
    if np.ndim(stay) != 0:
        raise ValueError(f"stay must be a scalar in (0, 1); got shape {np.shape(stay)}")
    s = float(as_float_array(stay, "stay"))
    if not 0.0 < s < 1.0:
        raise ValueError(f"stay must be in (0, 1) (open interval); got {stay!r}")
    return s


def _popcount(a: NDArray[np.int64]) -> NDArray[np.int64]:
    return np.bitwise_count(a.astype(np.uint64)).astype(np.int64)


def answer(query: str, strings: ArrayLike, length: int) -> NDArray[np.int64]:
    """The answer to `query` on binary strings of a given length.

    Parameters
    ----------
    query : str
        One of :data:`QUERIES`.
    strings : array_like of int
        Strings as integers in ``[0, 2**length)``; bit ``t`` is symbol ``t``.
    length : int
        Their common length, in ``[0, 12]`` (0 is the empty string; 12 is
        ``rdlib.pruning.MAX_LENGTH``).

    Returns
    -------
    ndarray of int
        One answer per string.

    Raises
    ------
    ValueError
        If `query` is unknown, `length` is out of range, or a string does not
        fit in `length` bits.

    Examples
    --------
    >>> s = 0b0110  # the string 0, 1, 1, 0 (bit t is symbol t)
    >>> [int(answer(q, [s], 4)[0]) for q in QUERIES]
    [2, 0, 2, 2]
    >>> int(answer("longest_run", [0], 0)[0])  # the empty string
    0
    """
    if query not in QUERIES:
        raise ValueError(f"query must be one of {QUERIES}; got {query!r}")
    if isinstance(length, bool) or not isinstance(length, int | np.integer):
        raise ValueError(f"length must be an integer in [0, {MAX_LENGTH}]; got {length!r}")
    if not 0 <= length <= MAX_LENGTH:
        raise ValueError(f"length must be an integer in [0, {MAX_LENGTH}]; got {length!r}")
    s = np.asarray(strings)
    if s.dtype.kind not in "iu" or np.any(s < 0) or np.any(s >= 2**length):
        raise ValueError(f"strings must be integers in [0, 2**length) = [0, {2**length})")
    return _answer(query, s.astype(np.int64), int(length))


def _answer(query: str, s: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    if query == "ones":
        return _popcount(s)
    if query == "parity":
        return _popcount(s) % 2
    if query == "transitions":
        if n <= 1:
            return np.zeros_like(s)
        return _popcount((s ^ (s >> 1)) & ((1 << (n - 1)) - 1))
    # longest run
    if n == 0:
        return np.zeros_like(s)
    run = np.ones_like(s)
    best = np.ones_like(s)
    for t in range(1, n):
        same = ((s >> t) & 1) == ((s >> (t - 1)) & 1)
        run = np.where(same, run + 1, 1)
        best = np.maximum(best, run)
    return best


def prompt_probabilities(length: int, *, stay: float = 0.9) -> NDArray[np.float64]:
    """Probability of every prompt of the symmetric two-state Markov chain.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, 12]`` (12 is ``rdlib.pruning.MAX_LENGTH``).
    stay : float, optional
        ``P(x_{t+1} = x_t)``, in (0, 1). Default 0.9.

    Returns
    -------
    ndarray, shape (2**length,)
        ``p[x] = 1/2 * stay**(L - 1 - k) * (1 - stay)**k`` with ``k`` the
        number of transitions of ``x``; sums to 1.

    Raises
    ------
    ValueError
        If `length` or `stay` is out of range.

    Examples
    --------
    >>> prompt_probabilities(2, stay=0.9).round(3).tolist()  # 00, 10, 01, 11
    [0.45, 0.05, 0.05, 0.45]
    """
    n = _check_length(length)
    s = _check_stay(stay)
    k = _answer("transitions", np.arange(2**n, dtype=np.int64), n)
    return 0.5 * s ** (n - 1 - k) * (1.0 - s) ** k


@lru_cache(maxsize=4)
def _losses(n: int) -> NDArray[np.bool_]:
    """0/1 loss of every (query, prompt, kept-subset): shape (4, 2**n, 2**n)."""
    size = 2**n
    x = np.arange(size, dtype=np.int64)
    masks = np.arange(size, dtype=np.int64)
    kept_len = _popcount(masks)
    # compressed[x, K]: the kept bits of x, packed in order.
    compressed = np.zeros((size, size), dtype=np.int64)
    for t in range(n):
        in_mask = ((masks >> t) & 1).astype(bool)
        rank = _popcount(masks & ((1 << t) - 1))  # where bit t lands if kept
        bit = (x >> t) & 1
        compressed |= np.where(in_mask[None, :], bit[:, None] << rank[None, :], 0)
    losses = np.empty((len(QUERIES), size, size), dtype=bool)
    for qi, query in enumerate(QUERIES):
        truth = _answer(query, x, n)
        got = np.empty((size, size), dtype=np.int64)
        for m in range(n + 1):
            cols = kept_len == m
            got[:, cols] = _answer(query, compressed[:, cols], m)
        losses[qi] = got != truth[:, None]
    losses.setflags(write=False)
    return losses


def pruning_losses(length: int) -> NDArray[np.bool_]:
    """The 0/1 loss of every question, prompt and set of kept positions.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, 12]`` (12 is ``rdlib.pruning.MAX_LENGTH``).

    Returns
    -------
    ndarray of bool, shape (4, 2**length, 2**length)
        ``loss[j, x, K]`` is True when question ``QUERIES[j]`` asked of the
        kept bits of prompt ``x`` at positions ``K`` (an integer mask) gets a
        different answer from the one it gets on ``x``. Read-only.

    Raises
    ------
    ValueError
        If `length` is out of range.

    Examples
    --------
    >>> loss = pruning_losses(3)
    >>> x, keep_all, keep_none = 0b101, 0b111, 0
    >>> loss[:, x, keep_all].tolist(), loss[:, x, keep_none].tolist()
    ([False, False, False, False], [True, False, True, True])
    """
    return _losses(_check_length(length))


class PruningCurve(NamedTuple):
    """Vertices of an optimal distortion curve (piecewise linear between them)."""

    rates: NDArray[np.float64]
    """Expected fraction of positions kept (kappa in the book), increasing from 0."""
    distortions: NDArray[np.float64]
    """Least expected 0/1 loss at each fraction kept, non-increasing."""


def _check_query_aware(query_aware: bool) -> bool:
    if not isinstance(query_aware, bool | np.bool_):
        raise ValueError(f"query_aware must be True or False; got {query_aware!r}")
    return bool(query_aware)


def _best_by_size(n: int, query_aware: bool) -> NDArray[np.float64]:
    """Least loss over the subsets of each size: (2**n, n + 1) or (4, 2**n, n + 1)."""
    loss = _losses(n)
    sizes = _popcount(np.arange(2**n, dtype=np.int64))
    order = np.argsort(sizes, kind="stable")  # subsets grouped by size
    bounds = np.searchsorted(sizes[order], np.arange(n + 1))  # where each size starts
    if query_aware:
        per = loss.astype(np.float64)[:, :, order]  # (4, x, K sorted by size)
        return np.minimum.reduceat(per, bounds, axis=2)
    mean = loss.mean(axis=0)[:, order]  # (x, K sorted by size)
    return np.minimum.reduceat(mean, bounds, axis=1)


def best_loss_by_size(length: int, *, query_aware: bool = False) -> NDArray[np.float64]:
    """Fact 1: the least loss of any ``k`` kept positions, for every prompt and ``k``.

    For a given prompt and a given number ``k`` of kept positions, an optimal
    compressor only ever uses the best subset of that size, so each prompt
    reduces to ``L + 1`` numbers ``l*(x, k)``, ``k = 0, ..., L``. The prompt
    distribution does not enter.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, 12]`` (12 is ``rdlib.pruning.MAX_LENGTH``).
    query_aware : bool, optional
        If False (default) the loss is the mean over the four questions (the
        compressor does not know which is asked); if True, one table per
        question.

    Returns
    -------
    ndarray
        Shape ``(2**length, length + 1)``: ``out[x, k]`` is the least mean loss
        of prompt ``x`` over the subsets of ``k`` positions; or, if
        `query_aware`, shape ``(4, 2**length, length + 1)`` with ``out[j, x, k]``
        the least loss of question ``QUERIES[j]``.

    Raises
    ------
    ValueError
        If `length` is not an integer in ``[1, 12]`` or `query_aware`
        is not a bool.

    Examples
    --------
    >>> best = best_loss_by_size(2)
    >>> best[0b11].tolist()  # prompt 1, 1, keeping k = 0, 1, 2 positions
    [0.5, 0.75, 0.0]
    >>> best_loss_by_size(2, query_aware=True)[:, 0b11, 1].tolist()  # k = 1, per question
    [1.0, 1.0, 1.0, 0.0]
    """
    return _best_by_size(_check_length(length), _check_query_aware(query_aware))


def _hull_walk(
    losses_by_size: NDArray[np.float64],
) -> list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]]:
    """Walk the falling part of each row's lower convex hull, from size 0.

    ``losses_by_size[i, k]`` is item i's least loss when keeping k positions.
    From the current vertex, the next one is the point reached by the steepest
    line (the farthest point on it, so collinear points merge); an item stops
    when no point lies strictly lower. Each step returns, for the items still
    falling, their index, the sizes at both ends and the slope (loss per
    position, negative).
    """
    items, sizes = losses_by_size.shape
    k_axis = np.arange(sizes)
    current = np.zeros(items, dtype=np.int64)
    active = np.ones(items, dtype=bool)
    steps = []
    for _ in range(sizes - 1):
        if not active.any():
            break
        cur_loss = losses_by_size[np.arange(items), current]
        dk = k_axis[None, :] - current[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(dk > 0, (losses_by_size - cur_loss[:, None]) / dk, np.inf)
        best = slope.min(axis=1)
        # The farthest point on the steepest line, so collinear points merge.
        on_best = np.isclose(slope, best[:, None], rtol=0, atol=1e-12) & (dk > 0)
        nxt = np.where(on_best, k_axis[None, :], -1).max(axis=1)
        active &= best < 0  # no further gain: the hull is flat from here
        idx = np.flatnonzero(active)
        steps.append((idx, current[idx], nxt[idx], best[idx]))
        current = np.where(active, nxt, current)
    return steps


def lower_hull(losses: ArrayLike) -> NDArray[np.bool_]:
    """Fact 2: the vertices of the falling part of the lower convex hull.

    A compressor that keeps ``k1`` positions with probability :math:`1 - \\alpha`
    and ``k2`` with probability :math:`\\alpha` reaches every point of the
    segment between ``(k1, losses[k1])`` and ``(k2, losses[k2])``. So of a
    prompt's points ``(k, losses[k])``, ``k = 0, ..., L``, only the lower convex hull matters,
    and only its falling part, from ``k = 0`` to the first ``k`` with the
    least loss: beyond it, keeping more buys nothing.

    Parameters
    ----------
    losses : array_like, shape (..., L + 1)
        Finite losses at sizes ``k = 0, ..., L`` along the last axis (at least
        one size); leading axes index several prompts at once.

    Returns
    -------
    ndarray of bool, same shape as `losses`
        True at the sizes that are vertices of the falling part of the lower
        convex hull (always at ``k = 0``; never at a point in the middle of a
        straight edge).

    Raises
    ------
    ValueError
        If `losses` is not an array of finite real numbers with at least one
        entry along its last axis.

    Examples
    --------
    >>> lower_hull([0.5, 0.75, 0.0]).tolist()  # keeping 1 of 2 is never worth it
    [True, False, True]
    >>> lower_hull([1.0, 0.5, 0.25, 0.25]).tolist()  # flat after k = 2
    [True, True, True, False]
    """
    arr = as_float_array(losses, "losses")
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ValueError(
            "losses must have at least one entry (size k = 0) along its last axis; "
            f"got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("losses must be finite real numbers (no NaN or inf)")
    rows = arr.reshape(-1, arr.shape[-1])
    mask = np.zeros(rows.shape, dtype=bool)
    mask[:, 0] = True
    for idx, _, end, _ in _hull_walk(rows):
        mask[idx, end] = True
    return mask.reshape(arr.shape)


def _merge_hulls(weights, losses_by_size, n) -> PruningCurve:
    """Exact LP optimum: merge the lower convex hulls of many (size, loss) lists.

    ``losses_by_size[i, k]`` is item i's least loss when keeping k of n
    positions; ``weights[i]`` its probability. Fraction kept k / n.
    """
    steps = _hull_walk(losses_by_size)
    seg_w = [weights[idx] for idx, _, _, _ in steps]
    seg_dr = [(end - start) / n for _, start, end, _ in steps]
    seg_slope = [slope * n for _, _, _, slope in steps]  # loss per unit fraction kept
    w = np.concatenate(seg_w) if seg_w else np.zeros(0)
    dr = np.concatenate(seg_dr) if seg_dr else np.zeros(0)
    sl = np.concatenate(seg_slope) if seg_slope else np.zeros(0)
    order = np.argsort(sl, kind="stable")  # steepest descent first
    rates = np.concatenate(([0.0], np.cumsum(w[order] * dr[order])))
    # Sum the drops from the far end, so the last vertex is the floor exactly
    # (0 when every item can be answered without loss).
    floor = float(weights @ losses_by_size.min(axis=1))
    drops = -(w[order] * dr[order] * sl[order])
    remaining = np.concatenate((np.cumsum(drops[::-1])[::-1], [0.0]))
    return PruningCurve(rates, floor + remaining)


def _items(n: int, stay: float, query_aware: bool) -> tuple[NDArray, NDArray]:
    """Weights and best-loss-by-size rows of the items the LP treats separately.

    Query-agnostic: one item per prompt, weight p(x). Query-aware: one item per
    (question, prompt), weight p(x) / 4.
    """
    p = prompt_probabilities(n, stay=stay)
    best = _best_by_size(n, query_aware)
    if query_aware:
        weights = np.repeat(p[None, :] / len(QUERIES), len(QUERIES), axis=0).ravel()
        return weights, best.reshape(-1, n + 1)
    return p, best


def pruning_curve(length: int, *, stay: float = 0.9, query_aware: bool = False) -> PruningCurve:
    """Vertices of the optimal curve D*(kappa) of prompt pruning.

    kappa is the expected fraction of positions kept (the book's symbol; not
    bits per symbol).

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, 12]`` (12 is ``rdlib.pruning.MAX_LENGTH``).
    stay : float, optional
        Markov chain's probability of repeating a symbol, in (0, 1).
    query_aware : bool, optional
        If True the encoder also knows the question :math:`j`, and is a test
        channel :math:`p(\\mathcal K \\mid x, j)`; the budget on the fraction
        kept is then an average over prompts and questions.

    Returns
    -------
    PruningCurve
        ``rates`` (fractions of positions kept) and ``distortions`` of the
        vertices; D*(kappa) is the linear interpolation between them and
        constant after the last.

    Raises
    ------
    ValueError
        If `length` or `stay` is out of range.

    See Also
    --------
    optimal_distortion_rate : D*(kappa) at given fractions kept.

    Examples
    --------
    >>> c = pruning_curve(2)
    >>> float(c.rates[-1]) <= 1.0, float(c.distortions[-1])
    (True, 0.0)
    """
    n = _check_length(length)
    weights, best = _items(n, stay, bool(query_aware))
    return _merge_hulls(weights, best, n)


def dual_bound(
    length: int,
    rate: float,
    multipliers: ArrayLike,
    *,
    stay: float = 0.9,
    query_aware: bool = False,
) -> NDArray[np.float64]:
    """Fact 3: the Lagrangian dual of the pruning LP, a lower bound on D*(kappa).

    For a multiplier :math:`\\mu \\ge 0` on the constraint "expected fraction
    kept at most :math:`\\kappa`", the dual function is

    .. math:: \\sum_x p(x) \\min_k \\bigl[\\ell^*(x, k) + \\mu k / L\\bigr] - \\mu \\kappa

    (query-aware: the sum runs over questions and prompts, weight
    ``p(x) / 4``). Each item then picks its own size alone; the items are
    coupled only through the one number :math:`\\mu`. Every value of the dual
    function is at most D*(kappa), and by linear-programming duality the
    largest equals it.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, 12]`` (12 is ``rdlib.pruning.MAX_LENGTH``).
    rate : float
        The budget kappa: expected fraction of positions kept, in [0, 1].
    multipliers : array_like
        Values of ``mu``, each finite and >= 0 (loss per unit fraction kept).
    stay : float, optional
        Markov chain's probability of repeating a symbol, in (0, 1).
    query_aware : bool, optional
        If True the encoder knows which question will be asked.

    Returns
    -------
    ndarray
        The dual function at each multiplier, same shape as `multipliers`.

    Raises
    ------
    ValueError
        If `length`, `rate` (a scalar in [0, 1]), `stay` or `query_aware` is
        invalid, or a multiplier is negative, infinite or NaN.

    See Also
    --------
    optimal_distortion_rate : D*(kappa), the largest value of the bound.

    Examples
    --------
    >>> d = float(optimal_distortion_rate(6, [0.25])[0])
    >>> bound = dual_bound(6, 0.25, np.linspace(0.0, 3.0, 301))
    >>> bool(bound.max() <= d + 1e-12), round(d - float(bound.max()), 3)
    (True, 0.0)
    >>> float(dual_bound(6, 0.25, 0.0))  # mu = 0: keep everything for free
    0.0
    """
    n = _check_length(length)
    if np.ndim(rate) != 0:
        raise ValueError(f"rate must be a scalar probability in [0, 1]; got shape {np.shape(rate)}")
    kappa = float(check_unit_interval(rate, "rate"))
    mu = as_float_array(multipliers, "multipliers")
    bad = ~(np.isfinite(mu) & (mu >= 0))
    if np.any(bad):
        example = mu[bad].flat[0] if mu.ndim else mu.item()
        raise ValueError(f"multipliers must be finite and >= 0; got {example!r}")
    weights, best = _items(n, stay, _check_query_aware(query_aware))
    kept = np.arange(n + 1) / n
    out = np.array(
        [weights @ (best + m * kept[None, :]).min(axis=1) - m * kappa for m in mu.ravel()]
    )
    return out.reshape(mu.shape)


def optimal_distortion_rate(
    length: int, rates: ArrayLike, *, stay: float = 0.9, query_aware: bool = False
) -> NDArray[np.float64]:
    """Least expected 0/1 loss D*(kappa) of any pruning encoder keeping a fraction kappa.

    kappa is the expected fraction of positions kept (the book's symbol; not
    bits per symbol). Encoders may randomise.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, 12]`` (12 is ``rdlib.pruning.MAX_LENGTH``: every
        prompt and every subset of positions is enumerated).
    rates : array_like
        Expected fractions of positions kept (kappa), each in [0, 1].
    stay : float, optional
        ``P(x_{t+1} = x_t)`` of the prompt source, in (0, 1). Default 0.9.
    query_aware : bool, optional
        If True the encoder knows which question will be asked. Default False.

    Returns
    -------
    ndarray
        D*(kappa) for each fraction kept, same shape as `rates`: the optimum of the
        linear program over encoders :math:`p(\\mathcal K \\mid x)` (or
        :math:`p(\\mathcal K \\mid x, j)`).

    Raises
    ------
    ValueError
        If `length` is not an integer in ``[1, 12]``, a fraction lies
        outside [0, 1] or is NaN, or `stay` is outside (0, 1).

    Examples
    --------
    >>> d = optimal_distortion_rate(6, [0.0, 0.5, 1.0])
    >>> float(d[2]), bool(d[0] > d[1] > 0.0)
    (0.0, True)
    """
    r = check_unit_interval(rates, "rates")
    curve = pruning_curve(length, stay=stay, query_aware=query_aware)
    return np.interp(r, curve.rates, curve.distortions)


def fixed_subset_losses(length: int, *, stay: float = 0.9) -> NDArray[np.float64]:
    """Expected loss of always keeping the same positions, for every question and subset.

    A content-blind compressor keeps a fixed set of positions whatever the
    prompt says: the first k, the last k, or k chosen at random.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, 12]`` (12 is ``rdlib.pruning.MAX_LENGTH``).
    stay : float, optional
        Markov chain's probability of repeating a symbol, in (0, 1).

    Returns
    -------
    ndarray, shape (4, 2**length)
        ``out[j, K]`` is the probability that question ``QUERIES[j]`` is
        answered wrongly when positions ``K`` (an integer mask) are kept.

    Raises
    ------
    ValueError
        If `length` or `stay` is out of range.

    Examples
    --------
    >>> L = 4
    >>> out = fixed_subset_losses(L)
    >>> first_two = 0b0011
    >>> out[:, first_two].round(3).tolist()
    [0.55, 0.1, 0.909, 0.19]
    """
    n = _check_length(length)
    p = prompt_probabilities(n, stay=stay)
    return np.einsum("x,qxs->qs", p, _losses(n).astype(np.float64))


def _runs(x: NDArray[np.int64], n: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Start mask of every run, and the mask of the first longest run, of each string."""
    starts = np.ones_like(x)  # position 0 starts a run
    for t in range(1, n):
        changed = ((x >> t) & 1) != ((x >> (t - 1)) & 1)
        starts |= np.where(changed, 1 << t, 0)
    best_len = np.zeros_like(x)
    best_start = np.zeros_like(x)
    run_start = np.zeros_like(x)
    for t in range(n):
        if t > 0:
            run_start = np.where((starts >> t) & 1 == 1, t, run_start)
        length = t - run_start + 1
        better = length > best_len
        best_len = np.where(better, length, best_len)
        best_start = np.where(better, run_start, best_start)
    longest = ((1 << best_len) - 1) << best_start
    return starts, longest


def _first_bits(masks: NDArray[np.int64], k: int, n: int) -> NDArray[np.int64]:
    """The lowest `k` set bits of each mask (all of them if it has fewer)."""
    out = np.zeros_like(masks)
    count = np.zeros_like(masks)
    for t in range(n):
        take = (((masks >> t) & 1) == 1) & (count < k)
        out |= np.where(take, 1 << t, 0)
        count += take
    return out


def keep_what_is_asked(length: int, budgets: ArrayLike, *, stay: float = 0.9) -> PruningCurve:
    """A simple query-aware pruning rule: keep the positions the question is about.

    With a budget of ``k`` positions, for each question:

    - ``"ones"``: keep the first ``k`` ones;
    - ``"parity"``: keep one 1 if the number of ones is odd, nothing if even;
    - ``"longest_run"``: keep the first ``k`` symbols of the first longest run;
    - ``"transitions"``: keep the first symbol of each of the first ``k`` runs.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, 12]`` (12 is ``rdlib.pruning.MAX_LENGTH``).
    budgets : array_like of int
        Largest number of positions kept, each in ``[0, length]``.
    stay : float, optional
        Markov chain's probability of repeating a symbol, in (0, 1).

    Returns
    -------
    PruningCurve
        Expected fraction of positions actually kept (kappa, averaged over
        prompts and the four equally likely questions) and expected 0/1 loss,
        one entry per budget.

    Raises
    ------
    ValueError
        If `length` or `stay` is out of range, or a budget is not an integer
        in ``[0, length]``.

    Examples
    --------
    >>> c = keep_what_is_asked(6, [0, 6])
    >>> c.distortions.round(4).tolist()  # nothing kept; then every answer right
    [0.5896, 0.0]
    """
    n = _check_length(length)
    b = np.atleast_1d(np.asarray(budgets))
    if b.ndim != 1 or b.dtype.kind not in "iu" or np.any(b < 0) or np.any(b > n):
        raise ValueError(f"budgets must be integers in [0, length] = [0, {n}]; got {budgets!r}")
    p = prompt_probabilities(n, stay=stay)
    loss = _losses(n)
    x = np.arange(2**n, dtype=np.int64)
    starts, longest = _runs(x, n)
    ones = _popcount(x) % 2 == 1
    first_one = x & -x  # lowest set bit
    rates, dists = [], []
    for k in b:
        chosen = [
            _first_bits(x, int(k), n),
            np.where(ones & (k >= 1), first_one, 0),
            _first_bits(longest, int(k), n),
            _first_bits(starts, int(k), n),
        ]
        r = sum(float(p @ _popcount(m)) for m in chosen) / (len(QUERIES) * n)
        d = sum(float(p @ loss[q, x, m]) for q, m in enumerate(chosen)) / len(QUERIES)
        rates.append(r)
        dists.append(d)
    return PruningCurve(np.array(rates), np.array(dists))


def optimal_rate_distortion(
    length: int, distortions: ArrayLike, *, stay: float = 0.9, query_aware: bool = False
) -> NDArray[np.float64]:
    """Least expected fraction of positions kept, kappa*(D), for an expected loss <= D.

    The inverse of :func:`optimal_distortion_rate`.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, 12]`` (12 is ``rdlib.pruning.MAX_LENGTH``).
    distortions : array_like
        Expected 0/1 loss allowed, each in [0, 1].
    stay : float, optional
        Markov chain's probability of repeating a symbol, in (0, 1).
    query_aware : bool, optional
        If True the encoder knows which question will be asked.

    Returns
    -------
    ndarray
        kappa*(D) for each distortion, same shape as `distortions`; 0 where `D`
        is at least the loss of keeping nothing.

    Raises
    ------
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> d = optimal_distortion_rate(6, [0.25])
    >>> bool(abs(optimal_rate_distortion(6, d)[0] - 0.25) < 1e-12)
    True
    """
    d = check_unit_interval(distortions, "distortions")
    curve = pruning_curve(length, stay=stay, query_aware=query_aware)
    # Vertices fall strictly in D, so the curve can be read backwards.
    return np.interp(d, curve.distortions[::-1], curve.rates[::-1])
