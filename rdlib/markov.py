"""Markov sources of any order: their exact entropy rate, samples and code lengths.

The validation source of chapter 12: a text generator whose entropy rate is known
exactly, so that every estimator's error can be measured before it meets real text.

An order-``k`` source over an alphabet of ``A`` symbols (``0 .. A-1``) draws each
symbol from a distribution that depends on the ``k`` symbols before it, its
*context*. It is given by a **transition array** in either of two layouts:

- shape ``(A,) * k + (A,)``: ``transition[s_1, ..., s_k, x]`` is the probability
  of ``x`` after the context ``s_1 .. s_k`` (``s_k`` the most recent symbol);
- shape ``(A**k, A)``: one row per context, the context ``s_1 .. s_k`` being the
  row ``s_1 A^(k-1) + ... + s_(k-1) A + s_k`` (its base-``A`` integer, oldest
  symbol most significant): the first layout reshaped in C order.

Order 0 (independent symbols) is a 1-D array of shape ``(A,)`` or a single row
``(1, A)``. Every row must be a probability vector.

The contexts themselves form a Markov chain (``s_1 .. s_k`` moves to
``s_2 .. s_k x``). Its stationary distribution ``pi`` weights the rows' entropies
into the entropy rate, ``sum_s pi(s) H(transition[s])`` bits per symbol, when the
chain has a single stationary distribution (one closed class of contexts), which
:func:`markov_entropy_rate` checks.
"""

from __future__ import annotations

import bisect
import itertools
import math
import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validate import as_float_array, check_distribution

__all__ = ["markov_code_length", "markov_entropy_rate", "sample_markov", "stationary_contexts"]

MAX_CONTEXTS = 4096
"""The most contexts (``A**k``) whose stationary distribution is solved for (a dense solve)."""

STATIONARY_TOLERANCE = 1e-9
"""How far ``pi P`` may be from ``pi`` (largest entry) for ``pi`` to count as stationary."""


def _transition_rows(transition: ArrayLike) -> tuple[NDArray[np.float64], int, int]:
    """The transition as a (A**k, A) array of checked rows, with A and k."""
    arr = None if isinstance(transition, str) else as_float_array(transition, "transition")
    if arr is None or arr.ndim == 0 or arr.size == 0:
        raise ValueError("transition must be a non-empty array of probabilities")
    alphabet = arr.shape[-1]
    if arr.ndim == 1:
        order = 0
    elif arr.ndim > 2 or arr.shape[0] == alphabet:
        if any(dim != alphabet for dim in arr.shape):
            raise ValueError(
                f"transition of shape {arr.shape} must have every axis of length A = "
                f"{alphabet} (shape (A,) * k + (A,)), or be a 2-D array (A**k, A)"
            )
        order = arr.ndim - 1
    else:
        contexts = arr.shape[0]
        order = round(math.log(contexts, alphabet)) if alphabet > 1 else -1
        if (alphabet < 2 and contexts != 1) or (alphabet >= 2 and alphabet**order != contexts):
            raise ValueError(
                f"transition of shape {arr.shape} must have A**k rows for its A = {alphabet} "
                f"columns and an order k >= 0; {contexts} is not a power of {alphabet}"
            )
    if alphabet**order > MAX_CONTEXTS:
        raise ValueError(
            f"transition has A**k = {alphabet}**{order} contexts; at most {MAX_CONTEXTS} "
            "are supported"
        )
    rows = check_distribution(arr.reshape(alphabet**order, alphabet), "transition (each row)")
    return rows, alphabet, order


def _successors(alphabet: int, order: int) -> NDArray[np.int64]:
    """``next[s, x]``: the context after context ``s`` is followed by ``x``."""
    contexts = alphabet**order
    shifted = (np.arange(contexts) % (contexts // alphabet if order else 1)) * alphabet
    if order == 0:
        return np.zeros((1, alphabet), dtype=np.int64)
    return shifted[:, None] + np.arange(alphabet)[None, :]


def _reaches_from_everywhere(rows: NDArray, successors: NDArray, target: int) -> bool:
    """Whether context ``target`` can be reached from every context (one closed class)."""
    allowed = rows > 0
    reached = np.zeros(rows.shape[0], dtype=bool)
    reached[target] = True
    while True:
        grown = reached | np.any(allowed & reached[successors], axis=1)
        if np.array_equal(grown, reached):
            return bool(reached.all())
        reached = grown


def _stationary(rows: NDArray[np.float64], alphabet: int, order: int) -> NDArray[np.float64]:
    """``pi`` for checked rows; raises if the context chain has several closed classes."""
    contexts = alphabet**order
    if order == 0:
        return np.ones(1)
    successors = _successors(alphabet, order)
    chain = np.zeros((contexts, contexts))
    np.add.at(chain, (np.repeat(np.arange(contexts), alphabet), successors.ravel()), rows.ravel())
    # pi (I - P + 1 1^T) = 1^T has a unique solution iff the chain has one closed class.
    system = np.eye(contexts) - chain + 1.0
    try:
        pi = np.linalg.solve(system.T, np.ones(contexts))
    except np.linalg.LinAlgError:
        pi = None
    single = pi is not None and _reaches_from_everywhere(rows, successors, int(np.argmax(pi)))
    if not single or np.max(np.abs(pi @ chain - pi)) > STATIONARY_TOLERANCE or pi.min() < -1e-12:
        raise ValueError(
            "transition must define a context chain with a single stationary distribution "
            "(one closed class of contexts); this one has several"
        )
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()


def stationary_contexts(transition: ArrayLike) -> NDArray[np.float64]:
    """The stationary distribution of the contexts of an order-``k`` Markov source.

    Parameters
    ----------
    transition : array_like
        The source, in either of the two layouts described in the introduction of
        ``rdlib.markov`` in the API reference: shape ``(A,) * k + (A,)`` or ``(A**k, A)``,
        rows summing to 1, at most 4,096 contexts (``rdlib.markov.MAX_CONTEXTS``).

    Returns
    -------
    ndarray of float64, shape (A**k,)
        ``pi(s)``, indexed like the rows of the ``(A**k, A)`` layout (a 1-element
        array for order 0).

    Raises
    ------
    ValueError
        If the shape or a row is invalid, or the context chain does not have a
        single stationary distribution (two closed classes of contexts).

    Examples
    --------
    >>> stationary_contexts([[0.9, 0.1], [0.5, 0.5]]).round(6).tolist()
    [0.833333, 0.166667]
    """
    return _stationary(*_transition_rows(transition))


def markov_entropy_rate(transition: ArrayLike) -> float:
    """The entropy rate of an order-``k`` Markov source, in bits per symbol.

    ``sum_s pi(s) H(transition[s])``: the rows' entropies weighted by the
    stationary distribution ``pi`` of the contexts (:func:`stationary_contexts`).
    It is the limit of ``H(X^n) / n`` and of ``H(X_n | X^(n-1))``, the quantity the
    estimators of ``rdlib.entropy`` try to recover from a sample.

    Parameters
    ----------
    transition : array_like
        Shape ``(A,) * k + (A,)`` or ``(A**k, A)`` (the layouts are described in
        the introduction of ``rdlib.markov`` in the API reference); every row a
        probability vector; at most 4,096 contexts (``rdlib.markov.MAX_CONTEXTS``); the
        context chain with a single stationary distribution.

    Returns
    -------
    float
        Bits per symbol, in ``[0, log2 A]``.

    Raises
    ------
    ValueError
        As :func:`stationary_contexts`.

    Examples
    --------
    >>> markov_entropy_rate([0.5, 0.25, 0.25])
    1.5
    >>> round(markov_entropy_rate([[0.9, 0.1], [0.1, 0.9]]), 6)
    0.468996
    """
    rows, alphabet, order = _transition_rows(transition)
    pi = _stationary(rows, alphabet, order)
    safe = np.where(rows > 0, rows, 1.0)
    row_entropy = -np.sum(np.where(rows > 0, rows * np.log2(safe), 0.0), axis=1)
    return float(pi @ row_entropy) + 0.0


def _positive_count(n: int, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {n!r}")
    return int(n)


def _thresholds(probabilities: NDArray[np.float64]) -> list[float]:
    """Cumulative sums, added left to right in Python floats, the last positive one made inf.

    A uniform draw ``u`` in [0, 1) selects the first symbol whose threshold exceeds
    it; a symbol of probability 0 never is, and rounding cannot push ``u`` past
    the end.
    """
    cumulative = list(itertools.accumulate(float(p) for p in probabilities))
    last = max(i for i, p in enumerate(probabilities) if p > 0)
    return [*cumulative[:last], math.inf] + [math.inf] * (len(cumulative) - last - 1)


def sample_markov(transition: ArrayLike, n: int, seed: int) -> NDArray[np.int64]:
    """Draw ``n`` symbols from an order-``k`` Markov source, started in its stationary state.

    The first context (the first ``min(k, n)`` symbols) is drawn from the
    stationary distribution of the contexts, so the sample is stationary from
    its first symbol. Every draw turns one uniform number of
    ``np.random.default_rng(seed).random(n + 1)`` into a symbol by comparing it
    with cumulative probabilities (added in a fixed order in Python floats): no
    platform-dependent arithmetic, so a seed gives the same sample on every CPU.

    Parameters
    ----------
    transition : array_like
        The source: shape ``(A,) * k + (A,)`` or ``(A**k, A)`` (the layouts are
        described in the introduction of ``rdlib.markov`` in the API reference), with a
        single stationary distribution of contexts.
    n : int
        Number of symbols, >= 1.
    seed : int
        Seed of ``numpy.random.default_rng``, an integer >= 0.

    Returns
    -------
    ndarray of int64, shape (n,)
        The symbols, in ``0 .. A-1``.

    Raises
    ------
    ValueError
        If ``n`` < 1 or not an integer, ``seed`` is not an integer >= 0, or
        ``transition`` is invalid (as :func:`stationary_contexts`).

    Examples
    --------
    >>> sample_markov([[0.0, 1.0], [1.0, 0.0]], 6, seed=1).tolist()
    [1, 0, 1, 0, 1, 0]
    """
    n = _positive_count(n, "n")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0; got {seed!r}")
    rows, alphabet, order = _transition_rows(transition)
    pi = _stationary(rows, alphabet, order)
    uniforms = np.random.default_rng(seed).random(n + 1).tolist()
    context = bisect.bisect_right(_thresholds(pi), uniforms[0])
    digits = [(context // alphabet ** (order - 1 - t)) % alphabet for t in range(order)]
    out = digits[:n]
    thresholds = [_thresholds(row) for row in rows]
    modulus = alphabet ** (order - 1) if order else 1
    for u in uniforms[1 + len(out) : n + 1]:
        x = bisect.bisect_right(thresholds[context], u)
        out.append(x)
        context = (context % modulus) * alphabet + x if order else 0
    return np.asarray(out, dtype=np.int64)


def markov_code_length(transition: ArrayLike, symbols: ArrayLike) -> float:
    """The ideal code length, in bits, of ``symbols`` under the true source.

    ``-log2`` of the sample's probability: the first context (the first ``k``
    symbols) under the stationary distribution of the contexts, as
    :func:`sample_markov` draws it, then ``-log2 transition[s, x]`` for every
    later symbol. No code does better on average; an adaptive model's code
    length is compared with it.

    Parameters
    ----------
    transition : array_like
        The source: shape ``(A,) * k + (A,)`` or ``(A**k, A)`` (the layouts are
        described in the introduction of ``rdlib.markov`` in the API reference).
    symbols : array_like of int
        A sequence in ``0 .. A-1``, at least ``k`` symbols long.

    Returns
    -------
    float
        Bits (``inf`` if the source cannot produce the sequence).

    Raises
    ------
    ValueError
        If ``symbols`` is not a 1-D integer sequence in ``0 .. A-1`` of length >= max(k, 1),
        or ``transition`` is invalid.

    Examples
    --------
    >>> markov_code_length([0.5, 0.25, 0.25], [0, 1, 2])
    5.0
    """
    rows, alphabet, order = _transition_rows(transition)
    x = np.asarray(symbols)
    if x.ndim != 1 or x.size < max(order, 1) or not np.issubdtype(x.dtype, np.integer):
        raise ValueError(
            f"symbols must be a 1-D integer sequence of length >= {max(order, 1)}; "
            f"got shape {x.shape}, dtype {x.dtype}"
        )
    if x.min() < 0 or x.max() >= alphabet:
        raise ValueError(f"symbols must lie in 0 .. {alphabet - 1}; got {x.min()} .. {x.max()}")
    x = x.astype(np.int64)
    pi = _stationary(rows, alphabet, order)
    weights = alphabet ** np.arange(order - 1, -1, -1, dtype=np.int64)
    first = int(x[:order] @ weights) if order else 0
    windows = np.lib.stride_tricks.sliding_window_view(x, order + 1)
    contexts = windows[:, :order] @ weights if order else np.zeros(len(x), dtype=np.int64)
    probabilities = rows[contexts, windows[:, order]]
    with np.errstate(divide="ignore"):
        bits = -np.log2(probabilities)
        start = -np.log2(pi[first]) if order else 0.0
    return math.fsum([start, *bits.tolist()]) + 0.0
