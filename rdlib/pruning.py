"""Exact limits of prompt pruning on a toy source, with and without the question.

The setting (chapter 11) is small enough to enumerate. A prompt is a binary
string ``x`` of length ``L`` from a symmetric two-state Markov chain:
``P(x_1 = 0) = 1/2`` and ``P(x_{t+1} = x_t) = stay``. A compressor keeps any
subset of positions; the compressed prompt is the kept bits in their original
order (positions are not sent), and its rate is the fraction kept. Four
questions, asked with equal probability, are answered by applying them to the
compressed prompt as if it were the prompt:

- ``"ones"``: the number of ones;
- ``"parity"``: the parity of the number of ones;
- ``"longest_run"``: the length of the longest run of equal symbols (0 for the
  empty string);
- ``"transitions"``: the number of positions ``t`` with ``s_t != s_{t+1}``.

The loss is 0/1: the answer is right or wrong. Encoders may randomise, so the
least expected loss at expected rate ``R`` is a linear program; it is solved
exactly through its Lagrangian dual, which here reduces to merging the lower
convex hulls of each prompt's (rate, loss) points (the best subset of each
size), steepest first. A *query-agnostic* encoder sees only the prompt; a
*query-aware* one also sees the question.

Prompts are integers: bit ``t`` of ``x`` is position ``t`` (position 0 first);
a set of kept positions is an integer mask in the same way.
"""

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
    "fixed_subset_losses",
    "keep_what_is_asked",
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
        Their common length, in ``[0, MAX_LENGTH]`` (0 is the empty string).

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
        Prompt length L, in ``[1, MAX_LENGTH]``.
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
    # compressed[x, S]: the kept bits of x, packed in order.
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
        Prompt length L, in ``[1, MAX_LENGTH]``.

    Returns
    -------
    ndarray of bool, shape (4, 2**length, 2**length)
        ``loss[q, x, S]`` is True when question ``QUERIES[q]`` asked of the
        kept bits of prompt ``x`` at positions ``S`` (an integer mask) gets a
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
    """Vertices of an optimal distortion–rate curve (piecewise linear between them)."""

    rates: NDArray[np.float64]
    """Expected fraction of positions kept, increasing from 0."""
    distortions: NDArray[np.float64]
    """Least expected 0/1 loss at each rate, non-increasing."""


def _merge_hulls(weights, losses_by_size, n) -> PruningCurve:
    """Exact LP optimum: merge the lower convex hulls of many (size, loss) lists.

    ``losses_by_size[i, k]`` is item i's least loss when keeping k of n
    positions; ``weights[i]`` its probability. Rate k / n.
    """
    items, sizes = losses_by_size.shape
    k_axis = np.arange(sizes)
    seg_w, seg_dr, seg_slope = [], [], []
    current = np.zeros(items, dtype=np.int64)
    active = np.ones(items, dtype=bool)
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
        seg_w.append(weights[idx])
        seg_dr.append((nxt[idx] - current[idx]) / n)
        seg_slope.append(best[idx] * n)  # loss per unit of rate
        current = np.where(active, nxt, current)
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


def pruning_curve(length: int, *, stay: float = 0.9, query_aware: bool = False) -> PruningCurve:
    """Vertices of the optimal distortion–rate curve D*(R) of prompt pruning.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, MAX_LENGTH]``.
    stay : float, optional
        Markov chain's probability of repeating a symbol, in (0, 1).
    query_aware : bool, optional
        If True the encoder also knows the question (``p(m | x, q)``); the
        rate budget is then an average over prompts and questions.

    Returns
    -------
    PruningCurve
        ``rates`` and ``distortions`` of the vertices; D*(R) is the linear
        interpolation between them and constant after the last.

    Raises
    ------
    ValueError
        If `length` or `stay` is out of range.

    See Also
    --------
    optimal_distortion_rate : D*(R) at given rates.

    Examples
    --------
    >>> c = pruning_curve(2)
    >>> float(c.rates[-1]) <= 1.0, float(c.distortions[-1])
    (True, 0.0)
    """
    n = _check_length(length)
    p = prompt_probabilities(n, stay=stay)
    loss = _losses(n)
    sizes = _popcount(np.arange(2**n, dtype=np.int64))
    order = np.argsort(sizes, kind="stable")
    bounds = np.searchsorted(sizes[order], np.arange(n + 1))
    if query_aware:
        per = loss.astype(np.float64)[:, :, order]  # (4, x, S sorted by size)
        best = np.minimum.reduceat(per, bounds, axis=2)  # (4, x, n + 1)
        weights = np.repeat(p[None, :] / len(QUERIES), len(QUERIES), axis=0).ravel()
        return _merge_hulls(weights, best.reshape(-1, n + 1), n)
    mean = loss.mean(axis=0)[:, order]  # (x, S sorted by size)
    best = np.minimum.reduceat(mean, bounds, axis=1)
    return _merge_hulls(p, best, n)


def optimal_distortion_rate(
    length: int, rates: ArrayLike, *, stay: float = 0.9, query_aware: bool = False
) -> NDArray[np.float64]:
    """Least expected 0/1 loss D*(R) of any (randomised) pruning encoder at rate R.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, MAX_LENGTH]`` (``MAX_LENGTH = 12``: every
        prompt and every subset of positions is enumerated).
    rates : array_like
        Expected fraction of positions kept, each in [0, 1].
    stay : float, optional
        ``P(x_{t+1} = x_t)`` of the prompt source, in (0, 1). Default 0.9.
    query_aware : bool, optional
        If True the encoder knows which question will be asked. Default False.

    Returns
    -------
    ndarray
        D*(R) for each rate, same shape as `rates`: the exact optimum of the
        linear program over encoders ``p(m | x)`` (or ``p(m | x, q)``).

    Raises
    ------
    ValueError
        If `length` is not an integer in ``[1, MAX_LENGTH]``, a rate lies
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
        Prompt length L, in ``[1, MAX_LENGTH]``.
    stay : float, optional
        Markov chain's probability of repeating a symbol, in (0, 1).

    Returns
    -------
    ndarray, shape (4, 2**length)
        ``out[q, S]`` is the probability that question ``QUERIES[q]`` is
        answered wrongly when positions ``S`` (an integer mask) are kept.

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
        Prompt length L, in ``[1, MAX_LENGTH]``.
    budgets : array_like of int
        Largest number of positions kept, each in ``[0, length]``.
    stay : float, optional
        Markov chain's probability of repeating a symbol, in (0, 1).

    Returns
    -------
    PruningCurve
        Expected rate (fraction of positions actually kept, averaged over
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
    """Least expected rate R*(D) at which some pruning encoder has expected loss <= D.

    The inverse of :func:`optimal_distortion_rate`.

    Parameters
    ----------
    length : int
        Prompt length L, in ``[1, MAX_LENGTH]``.
    distortions : array_like
        Expected 0/1 loss allowed, each in [0, 1].
    stay : float, optional
        Markov chain's probability of repeating a symbol, in (0, 1).
    query_aware : bool, optional
        If True the encoder knows which question will be asked.

    Returns
    -------
    ndarray
        R*(D) for each distortion, same shape as `distortions`; 0 where `D`
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
