"""Vectorised machinery of the adaptive n-gram model of :mod:`rdlib.entropy`.

The model: interpolated Kneser–Ney, coded prequentially
-------------------------------------------------------
Symbol ``x_i`` is coded with counts of the symbols *before* it only. For a
context ``ctx`` of ``j`` symbols (``ctx = x_{i-j} .. x_{i-1}``) and a symbol
``x``, counting over the positions ``t < i`` only:

- at the top order ``j = k``, ``count(ctx, x)`` is the number of times ``x``
  followed ``ctx`` (a raw count);
- at a lower order ``j < k``, ``count(ctx, x)`` is the number of *distinct*
  symbols ``y`` seen just before ``ctx x`` (Kneser and Ney's continuation count:
  how many contexts ``x`` completes, not how often);
- ``count(ctx) = sum_x count(ctx, x)``, and ``distinct(ctx)``, the distinct
  continuations of ``ctx``, is the number of symbols ``x`` with
  ``count(ctx, x) > 0``.

The probability of order ``j`` is built on the one of order ``j - 1``, whose
context ``ctx'`` is ``ctx`` without its oldest symbol; with ``|𝒳|`` the alphabet
size and ``discount_j`` the discount of order ``j``::

    p_{-1}(x)     = 1 / |𝒳|
    p_j(x | ctx)  = (max(count(ctx, x) - discount_j, 0)
                     + discount_j * distinct(ctx) * p_{j-1}(x | ctx')) / count(ctx)
                                                              if count(ctx) > 0
    p_j(x | ctx)  = p_{j-1}(x | ctx')                         if count(ctx) = 0

and the cost of ``x_i`` is ``-log2 p_k(x_i | x_{i-k} .. x_{i-1})`` bits. The
discount of order ``j`` is Ney, Essen and Kneser's (1994) estimate
``once / (once + 2 twice)``, where ``once`` and ``twice`` are the numbers of
distinct ``(j + 1)``-grams whose count is exactly 1 and exactly 2, again
counted over the positions before ``i`` (the discount is 1/2 while ``once = 0``).
So the model has no tuned constant and never looks ahead. As every discount
lies in (0, 1], every ``p_j( . | ctx)`` sums to 1 over the alphabet: the costs
are the code lengths of a real sequential code (arithmetic coding gets within
2 bits of their sum).

A position ``i < k`` has only ``i`` symbols before it: its orders above ``i``
are skipped (they behave as contexts never seen, ``count(ctx) = 0``). The
symbol before position 0, needed for a continuation count, is a padding symbol
outside the alphabet.

How the counts are vectorised
-----------------------------
``G_L(e)`` is an integer id of the ``L``-gram ``x_{e-L+1} .. x_e`` ending at
position ``e``: equal grams, equal ids. It is built one length at a time,
``G_L(e) = rank(G_{L-1}(e-1) * m + x_e)`` (``m`` distinct symbols), re-ranked at
each length so that the keys stay far below 2**63. A gram that would start
before position 0 is padded; its id is unique (it occurs once), so it is never
counted as seen, which is exactly the rule for positions ``i < k`` above.

At position ``i`` the context of order ``j`` is the gram ``G_j(i-1)``, the pair
(context, symbol) is ``G_{j+1}(i)`` and the pair with one more symbol on the
left is ``G_{j+2}(i)``. One sort per gram length gives the ids and

    N_L(e) = the number of e' < e with G_L(e') = G_L(e)     (earlier occurrences)

because the keys are packed with the position in their low bits: sorting them
sorts by (gram, position), and a position's rank inside its run of equal grams
is ``N_L``. Every count above is then a running total, over the earlier
positions of one run, of a flag: raw counts count every position; continuation
counts count the positions where ``G_{j+2}`` is new (``N_{j+2} = 0``); the
distinct continuations count those where ``G_{j+1}`` is new; ``once`` and
``twice`` are running totals over all positions of the flags "a count left 0
(or 1, 2)".
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

# Keys are packed as (key << position_bits) | position in an int64; past this many
# bits the packing would overflow and a stable argsort is used instead.
PACKED_KEY_BITS = 62
# Relabel the symbols by a lookup table (O(alphabet)) when the alphabet is at most
# this many times the length of the sequence; otherwise by sorting (np.unique).
LOOKUP_TABLE_FACTOR = 8
# The discount while an order has no gram seen exactly once yet (once = 0).
DEFAULT_DISCOUNT = 0.5


def dense_symbols(x: NDArray[np.int64], alphabet_size: int) -> tuple[NDArray[np.int64], int]:
    """Relabel the symbols that occur as 0 .. m-1 (in increasing order); return them and m.

    The model treats symbols only as labels (its one use of the alphabet is the
    uniform ``1 / |𝒳|``), so relabelling changes no probability.
    """
    if alphabet_size <= LOOKUP_TABLE_FACTOR * x.size + 65536:
        present = np.zeros(alphabet_size, dtype=np.int64)
        present[x] = 1
        label = np.cumsum(present) - 1
        return label[x], int(present.sum())
    values, inverse = np.unique(x, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), int(values.size)


class Grams:
    """The grams of one length ``L`` at every end position, sorted once.

    Attributes
    ----------
    ids : int64 array (n,)
        ``G_L(e)``, the gram's rank among the distinct grams of this length.
    earlier : int64 array (n,)
        ``N_L(e)``, the number of earlier positions with the same gram.
    order : int64 array (n,)
        The end positions ``e`` sorted by (gram, position).
    run_start : int64 array (n,)
        For each place in ``order``, the place where its run of equal grams starts.
    """

    __slots__ = ("earlier", "ids", "order", "run_start")

    def __init__(self, keys: NDArray[np.int64], key_bound: int) -> None:
        n = keys.size
        position_bits = max(1, (n - 1).bit_length())
        if key_bound.bit_length() + position_bits <= PACKED_KEY_BITS:
            packed = keys << position_bits
            packed |= np.arange(n, dtype=np.int64)
            packed.sort()
            order = packed & ((1 << position_bits) - 1)
            sorted_keys = packed >> position_bits
        else:
            order = np.argsort(keys, kind="stable").astype(np.int64)
            sorted_keys = keys[order]
        new_run = np.empty(n, dtype=bool)
        new_run[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=new_run[1:])
        places = np.arange(n, dtype=np.int64)
        run_start = np.maximum.accumulate(places * new_run)
        self.ids = np.empty(n, dtype=np.int64)
        self.ids[order] = np.cumsum(new_run, dtype=np.int64) - 1
        self.earlier = np.empty(n, dtype=np.int64)
        self.earlier[order] = places - run_start
        self.order = order
        self.run_start = run_start

    def running_totals(self, shift: int, *flags: NDArray) -> tuple[NDArray[np.int64], ...]:
        """At each position ``i``, the sums of ``flags[t]`` over ``t < i`` in the same run.

        The run of position ``i`` is that of the gram ending at ``i - shift``:
        ``shift = 0`` groups positions by their own gram (a pair), ``shift = 1``
        by the gram just before them (a context). Position 0 has no gram before
        it and gets 0 when ``shift = 1``. One array of totals per flag array.
        """
        n = self.order.size
        positions = self.order + shift  # up to n when shift = 1: a slot past the end
        totals = []
        for f in flags:
            padded = np.zeros(n + shift, dtype=np.int64)
            padded[:n] = f
            in_run_order = padded.take(positions)  # 1-D takes: far faster than 2-D indexing
            before = np.cumsum(in_run_order)
            before -= in_run_order  # exclusive running total along the sorted order
            before -= before.take(self.run_start)
            total = np.empty(n + shift, dtype=np.int64)
            total[positions] = before
            total[:shift] = 0
            totals.append(total[:n])
        return tuple(totals)


def gram_keys(shorter: Grams | None, symbols: NDArray[np.int64], m: int) -> tuple:
    """Keys of the grams one symbol longer, ``G_{L-1}(e-1) * m + x_e``, and a bound on them.

    Position 0 extends the all-padding gram, given the id ``n`` that no real gram has.
    """
    if shorter is None:  # L = 1: the gram is the symbol itself
        return symbols, m
    n = symbols.size
    before = np.empty(n, dtype=np.int64)
    before[0] = n
    before[1:] = shorter.ids[:-1]
    return before * m + symbols, (n + 1) * m


def earlier_total(flags: NDArray) -> NDArray[np.int64]:
    """``sum(flags[t] for t < i)`` at every ``i``."""
    total = np.cumsum(flags, dtype=np.int64)
    total -= flags
    return total


def ney_discount(count_before: NDArray[np.int64], counted: NDArray[np.bool_]) -> NDArray:
    """The discount ``once / (once + 2 twice)`` from the grams' counts before ``i``.

    ``once`` and ``twice`` are the numbers of grams counted exactly once and
    twice over the positions before ``i``. ``count_before[t]`` is the count of
    position ``t``'s gram just before ``t``; where ``counted[t]``, that count
    rises by one at ``t``. A count leaving 0 adds a gram to ``once``; leaving 1
    moves one from ``once`` to ``twice``; leaving 2 removes one from ``twice``.
    """
    leaving = np.where(counted, np.minimum(count_before, 3), 3)  # 3: once, twice unchanged
    into_1 = (leaving == 0).astype(np.int8) - (leaving == 1)
    into_2 = (leaving == 1).astype(np.int8) - (leaving == 2)
    n1 = earlier_total(into_1)
    n2 = earlier_total(into_2)
    known = n1 > 0
    return np.where(known, n1 / np.where(known, n1 + 2 * n2, 1), DEFAULT_DISCOUNT)


def kneser_ney_update(
    lower: NDArray[np.float64],
    pair_count: NDArray[np.int64],
    context_count: NDArray[np.int64],
    types: NDArray[np.int64],
    discount: NDArray[np.float64],
) -> NDArray[np.float64]:
    """One step of the recursion: ``p_j`` from ``p_{j-1}`` (``lower``).

    ``(max(count(ctx, x) - discount, 0) + discount * distinct(ctx) * p_{j-1})
    / count(ctx)`` where ``count(ctx) > 0``, else ``p_{j-1}``; ``pair_count`` is
    ``count(ctx, x)``, ``context_count`` is ``count(ctx)`` and ``types`` is
    ``distinct(ctx)``.
    """
    seen = context_count > 0
    kept = np.maximum(pair_count - discount, 0.0)
    blended = (kept + discount * types * lower) / np.where(seen, context_count, 1)
    return np.where(seen, blended, lower)


def ngram_probabilities(x: NDArray[np.int64], order: int, alphabet_size: int) -> NDArray:
    """``p_k(x_i | x_{i-k} .. x_{i-1})`` at every position, by the recursion above."""
    n = x.size
    symbols, m = dense_symbols(x, alphabet_size)
    positions = np.arange(n, dtype=np.int64)
    grams: dict[int, Grams] = {}  # by length L; only L = j .. j + 2 are kept at order j

    def length(L: int) -> Grams:
        if L not in grams:
            grams[L] = Grams(*gram_keys(grams.get(L - 1), symbols, m))
        return grams[L]

    probability = np.full(n, 1.0 / alphabet_size)
    for j in range(order + 1):
        grams.pop(j - 1, None)
        pairs = length(j + 1)  # the context of order j, then x_i
        pair_is_new = pairs.earlier == 0
        if j == order:  # raw counts: every occurrence counts
            counted = positions >= j  # positions whose context lies inside the sequence
            pair_count = pairs.earlier
            if j == 0:
                context_count, types = positions, earlier_total(pair_is_new)
            else:
                context_count = np.zeros(n, dtype=np.int64)
                context_count[1:] = grams[j].earlier[:-1]  # count(ctx) = N_j(i - 1)
                (types,) = grams[j].running_totals(1, pair_is_new)
        else:  # continuation counts: an occurrence counts when its left extension is new
            counted = (length(j + 2).earlier == 0) & (positions >= j)
            (pair_count,) = pairs.running_totals(0, counted)
            if j == 0:
                context_count, types = earlier_total(counted), earlier_total(pair_is_new)
            else:
                context_count, types = grams[j].running_totals(1, counted, pair_is_new)
        discount = ney_discount(pair_count, counted)
        probability = kneser_ney_update(probability, pair_count, context_count, types, discount)
    return probability


def ngram_costs_plain(symbols: list[int], order: int, alphabet_size: int) -> list[float]:
    """The same model with dictionaries and loops: the reference the tests compare against.

    For each order ``j``: ``count[j]`` maps (context, x) to ``count(ctx, x)``,
    ``total[j]`` a context to ``count(ctx)``, ``types[j]`` a context to its
    distinct continuations ``distinct(ctx)``, ``left[j]`` holds the
    (y, context, x) already seen (lower orders), and ``n1[j]``, ``n2[j]`` are
    ``once`` and ``twice``, the numbers of pairs counted exactly once and twice.
    """
    pad = object()  # the symbol before position 0
    count: list[dict] = [{} for _ in range(order + 1)]
    total: list[dict] = [{} for _ in range(order + 1)]
    types: list[dict] = [{} for _ in range(order + 1)]
    left: list[set] = [set() for _ in range(order + 1)]
    n1 = [0] * (order + 1)
    n2 = [0] * (order + 1)
    costs = []
    for i, x in enumerate(symbols):
        p = 1.0 / alphabet_size
        top = min(i, order)
        for j in range(top + 1):
            s = tuple(symbols[i - j : i])
            if total[j].get(s, 0) > 0:
                d = n1[j] / (n1[j] + 2 * n2[j]) if n1[j] > 0 else DEFAULT_DISCOUNT
                kept = max(count[j].get((s, x), 0) - d, 0.0)
                p = (kept + d * types[j][s] * p) / total[j][s]
        costs.append(-math.log2(p))
        for j in range(top + 1):
            s = tuple(symbols[i - j : i])
            if j < order:  # continuation count: only a new left extension counts
                y = symbols[i - j - 1] if i - j - 1 >= 0 else pad
                if (y, s, x) in left[j]:
                    continue
                left[j].add((y, s, x))
            before = count[j].get((s, x), 0)
            count[j][(s, x)] = before + 1
            total[j][s] = total[j].get(s, 0) + 1
            if before == 0:
                types[j][s] = types[j].get(s, 0) + 1
                n1[j] += 1
            elif before == 1:
                n1[j] -= 1
                n2[j] += 1
            elif before == 2:
                n2[j] -= 1
    return costs
