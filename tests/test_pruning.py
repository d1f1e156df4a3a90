"""Prompt pruning limits: against an independent brute-force LP, and their properties."""

import itertools
import math

import numpy as np
import pytest
from scipy.optimize import linprog

from rdlib import (
    QUERIES,
    fixed_subset_losses,
    keep_what_is_asked,
    optimal_distortion_rate,
    optimal_rate_distortion,
    pruning_curve,
    pruning_losses,
)
from rdlib.pruning import (
    MAX_LENGTH,
    answer,
    best_loss_by_size,
    dual_bound,
    lower_hull,
    prompt_probabilities,
)

# ---------------------------------------------------------------- reference
# Everything below is written from the definitions with tuples and loops, sharing
# no code with rdlib.pruning.


def ref_answer(query, s):
    if query == "ones":
        return sum(s)
    if query == "parity":
        return sum(s) % 2
    if query == "transitions":
        return sum(a != b for a, b in itertools.pairwise(s))
    best = run = 0
    for i, bit in enumerate(s):
        run = run + 1 if i > 0 and bit == s[i - 1] else 1
        best = max(best, run)
    return best


def ref_source(L, stay):
    prompts = list(itertools.product((0, 1), repeat=L))
    probs = []
    for x in prompts:
        p = 0.5
        for a, b in itertools.pairwise(x):
            p *= stay if a == b else 1 - stay
        probs.append(p)
    return prompts, probs


def ref_subsets(L):
    return [s for k in range(L + 1) for s in itertools.combinations(range(L), k)]


def ref_loss(x, subset, query):
    kept = tuple(x[i] for i in subset)
    return float(ref_answer(query, kept) != ref_answer(query, x))


def ref_lp(L, stay, R, aware):
    """min E loss s.t. E rate <= R over randomised encoders, by scipy's HiGHS."""
    prompts, probs = ref_source(L, stay)
    subsets = ref_subsets(L)
    contexts = [(x, p, (q,)) for x, p in zip(prompts, probs, strict=True) for q in QUERIES]
    if not aware:
        contexts = [(x, p, QUERIES) for x, p in zip(prompts, probs, strict=True)]
    weight = 1.0 / len(QUERIES) if aware else 1.0
    cost, rate, eq_rows = [], [], []
    for c, (x, p, qs) in enumerate(contexts):
        for s in subsets:
            loss = sum(ref_loss(x, s, q) for q in qs) / len(qs)
            cost.append(weight * p * loss)
            rate.append(weight * p * len(s) / L)
            eq_rows.append(c)
    n_var = len(cost)
    A_eq = np.zeros((len(contexts), n_var))
    A_eq[eq_rows, np.arange(n_var)] = 1.0
    res = linprog(
        cost,
        A_ub=[rate],
        b_ub=[R],
        A_eq=A_eq,
        b_eq=np.ones(len(contexts)),
        bounds=(0, None),
        method="highs",
    )
    assert res.status == 0
    return res.fun


# ----------------------------------------------------------------- against the LP


@pytest.mark.parametrize("L", [1, 2, 3, 4])
@pytest.mark.parametrize("stay", [0.9, 0.6])
@pytest.mark.parametrize("aware", [False, True])
def test_matches_independent_linear_program(L, stay, aware):
    rates = [0.0, 0.1, 0.25, 1 / 3, 0.5, 0.6, 0.8, 1.0]
    ours = optimal_distortion_rate(L, rates, stay=stay, query_aware=aware)
    for R, d in zip(rates, ours, strict=True):
        assert d == pytest.approx(ref_lp(L, stay, R, aware), abs=1e-9)


def test_losses_match_the_definitions():
    L = 3
    prompts, _ = ref_source(L, 0.9)
    loss = pruning_losses(L)
    for x in itertools.product((0, 1), repeat=L):
        x_int = sum(bit << t for t, bit in enumerate(x))
        for subset in ref_subsets(L):
            mask = sum(1 << t for t in subset)
            for qi, q in enumerate(QUERIES):
                assert loss[qi, x_int, mask] == bool(ref_loss(x, subset, q)), (x, subset, q)
    assert len(prompts) == 2**L


def test_fixed_subsets_match_the_definitions():
    L, stay = 4, 0.8
    prompts, probs = ref_source(L, stay)
    out = fixed_subset_losses(L, stay=stay)
    for subset in ref_subsets(L):
        mask = sum(1 << t for t in subset)
        for qi, q in enumerate(QUERIES):
            expected = sum(p * ref_loss(x, subset, q) for x, p in zip(prompts, probs, strict=True))
            assert out[qi, mask] == pytest.approx(expected, abs=1e-12)


def test_prompt_probabilities():
    for L in (1, 5, 10):
        p = prompt_probabilities(L, stay=0.7)
        assert p.shape == (2**L,) and p.sum() == pytest.approx(1.0, abs=1e-12)
    _, ref = ref_source(5, 0.7)
    # the reference enumerates with position 0 as the *first* tuple entry
    order = [sum(b << t for t, b in enumerate(x)) for x in itertools.product((0, 1), repeat=5)]
    np.testing.assert_allclose(prompt_probabilities(5, stay=0.7)[order], ref, atol=1e-15)


@pytest.mark.parametrize("q", QUERIES)
def test_answers_match_the_definitions(q):
    for n in range(0, 7):
        for x in itertools.product((0, 1), repeat=n):
            s = sum(bit << t for t, bit in enumerate(x))
            assert int(answer(q, [s], n)[0]) == ref_answer(q, x)


# ----------------------------------------------------------------- properties


@pytest.mark.parametrize("L", [5, 8])
@pytest.mark.parametrize("stay", [0.5, 0.9])
def test_limits_and_shape(L, stay):
    R = np.linspace(0, 1, 101)
    agnostic = optimal_distortion_rate(L, R, stay=stay)
    aware = optimal_distortion_rate(L, R, stay=stay, query_aware=True)
    # R = 1: keep everything, lose nothing.  R = 0: answer on the empty string.
    assert agnostic[-1] == 0.0 and aware[-1] == 0.0
    prompts, probs = ref_source(L, stay)
    empty = sum(
        p * ref_loss(x, (), q) / 4 for x, p in zip(prompts, probs, strict=True) for q in QUERIES
    )
    assert agnostic[0] == pytest.approx(empty, abs=1e-12)
    assert aware[0] == pytest.approx(empty, abs=1e-12)
    # knowing the question never hurts
    assert np.all(aware <= agnostic + 1e-12)
    assert np.any(aware < agnostic - 1e-3)
    for d in (agnostic, aware):
        assert np.all(np.diff(d) <= 1e-12)  # non-increasing
        assert np.all(np.diff(d, 2) >= -1e-12)  # convex (equally spaced rates)


def test_curve_vertices_are_consistent():
    c = pruning_curve(7, query_aware=True)
    assert c.rates[0] == 0.0 and np.all(np.diff(c.rates) >= 0)
    assert c.distortions[-1] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(
        optimal_distortion_rate(7, c.rates, query_aware=True), c.distortions, atol=1e-12
    )


@pytest.mark.parametrize("aware", [False, True])
def test_rate_distortion_inverts_distortion_rate(aware):
    L = 8
    R = np.linspace(0, 1, 41)
    D = optimal_distortion_rate(L, R, query_aware=aware)
    back = optimal_rate_distortion(L, D, query_aware=aware)
    # R*(D*(R)) <= R, with equality wherever D* is still falling
    assert np.all(back <= R + 1e-12)
    falling = D > D.min() + 1e-12
    np.testing.assert_allclose(back[falling], R[falling], atol=1e-12)
    assert optimal_rate_distortion(L, [1.0], query_aware=aware)[0] == 0.0
    with pytest.raises(ValueError, match=r"distortions must be a probability in \[0, 1\]"):
        optimal_rate_distortion(L, [1.5])


def test_keep_what_is_asked():
    L = 8
    budgets = np.arange(L + 1)
    h = keep_what_is_asked(L, budgets)
    assert h.distortions[-1] == 0.0
    assert h.distortions[0] == pytest.approx(optimal_distortion_rate(L, [0.0])[0], abs=1e-12)
    assert np.all(np.diff(h.distortions) <= 1e-12) and np.all(np.diff(h.rates) >= 0)
    # a query-aware encoder, so it can never beat the query-aware limit
    limit = optimal_distortion_rate(L, h.rates, query_aware=True)
    assert np.all(h.distortions >= limit - 1e-12)


# ------------------------------------------------------------ the three facts


@pytest.mark.parametrize("L", [1, 3, 4])
def test_best_loss_by_size_matches_the_definitions(L):
    prompts, _ = ref_source(L, 0.9)
    agnostic = best_loss_by_size(L)
    aware = best_loss_by_size(L, query_aware=True)
    assert agnostic.shape == (2**L, L + 1) and aware.shape == (4, 2**L, L + 1)
    for x in prompts:
        x_int = sum(bit << t for t, bit in enumerate(x))
        for k in range(L + 1):
            subsets = list(itertools.combinations(range(L), k))
            mean = min(sum(ref_loss(x, s, q) for q in QUERIES) / 4 for s in subsets)
            assert agnostic[x_int, k] == mean, (x, k)
            for qi, q in enumerate(QUERIES):
                assert aware[qi, x_int, k] == min(ref_loss(x, s, q) for s in subsets)


def ref_lower_hull(y):
    """Vertices of the falling part of the lower hull, by Andrew's monotone chain."""
    hull = []
    for p in enumerate(y):
        while len(hull) >= 2:
            (ox, oy), (ax, ay) = hull[-2], hull[-1]
            if (ax - ox) * (p[1] - oy) - (ay - oy) * (p[0] - ox) > 0:
                break
            hull.pop()  # not a strict left turn: a[-1] is above, or on, the chord
        hull.append(p)
    first_min = min(range(len(y)), key=lambda k: (y[k], k))
    return [k for k, _ in hull if k <= first_min]


def test_lower_hull_against_monotone_chain():
    rng = np.random.default_rng(11)
    for _ in range(300):
        n = int(rng.integers(0, 9))
        y = rng.integers(0, 9, size=n + 1) / 8  # multiples of 1/8: exact arithmetic
        mask = lower_hull(y)
        assert np.flatnonzero(mask).tolist() == ref_lower_hull(y.tolist()), y
    # several rows at once, leading axes kept
    ys = rng.integers(0, 9, size=(2, 3, 6)) / 8
    masks = lower_hull(ys)
    assert masks.shape == ys.shape
    for idx in np.ndindex(2, 3):
        assert np.flatnonzero(masks[idx]).tolist() == ref_lower_hull(ys[idx].tolist())


def test_lower_hull_of_best_losses_reproduces_the_curve():
    # Randomising only between hull vertices loses nothing: the LP optimum computed
    # from the vertices alone (HiGHS) equals the curve.
    L, stay, kappa = 4, 0.8, 0.3
    best = best_loss_by_size(L)
    vertices = lower_hull(best)
    p = prompt_probabilities(L, stay=stay)
    rows, cost, spend = [], [], []
    for x in range(2**L):
        for k in np.flatnonzero(vertices[x]):
            rows.append(x)
            cost.append(p[x] * best[x, k])
            spend.append(p[x] * k / L)
    a_eq = np.zeros((2**L, len(rows)))
    a_eq[rows, np.arange(len(rows))] = 1.0
    res = linprog(cost, A_ub=[spend], b_ub=[kappa], A_eq=a_eq, b_eq=np.ones(2**L), method="highs")
    assert res.status == 0
    assert res.fun == pytest.approx(optimal_distortion_rate(L, [kappa], stay=stay)[0], abs=1e-9)


def ref_dual(L, stay, kappa, mu, aware):
    """g(mu) from the definition: each context picks its best subset of any size alone."""
    prompts, probs = ref_source(L, stay)
    subsets = ref_subsets(L)
    groups = [(q,) for q in QUERIES] if aware else [QUERIES]
    total = 0.0
    for x, p in zip(prompts, probs, strict=True):
        for qs in groups:
            inner = min(
                sum(ref_loss(x, s, q) for q in qs) / len(qs) + mu * len(s) / L for s in subsets
            )
            total += p * inner / len(groups)
    return total - mu * kappa


@pytest.mark.parametrize("aware", [False, True])
def test_dual_bound_matches_the_definition(aware):
    mus = [0.0, 0.3, 1.0, 2.5]
    ours = dual_bound(3, 0.4, mus, stay=0.7, query_aware=aware)
    for mu, g in zip(mus, ours, strict=True):
        assert g == pytest.approx(ref_dual(3, 0.7, 0.4, mu, aware), abs=1e-12)


@pytest.mark.parametrize("aware", [False, True])
@pytest.mark.parametrize("kappa", [0.05, 0.2, 0.35, 0.6])
def test_dual_bound_is_tight_at_the_right_multiplier(aware, kappa):
    L = 7
    d = optimal_distortion_rate(L, [kappa], query_aware=aware)[0]
    # weak duality: never above D*
    mus = np.linspace(0.0, 6.0, 121)
    assert np.all(dual_bound(L, kappa, mus, query_aware=aware) <= d + 1e-12)
    # strong duality: equal at minus the slope of the curve's segment through kappa
    c = pruning_curve(L, query_aware=aware)
    i = int(np.searchsorted(c.rates, kappa))
    if i == len(c.rates):  # past the last vertex the curve is flat: mu = 0
        mu = 0.0
    else:
        mu = (c.distortions[i - 1] - c.distortions[i]) / (c.rates[i] - c.rates[i - 1])
    assert dual_bound(L, kappa, mu, query_aware=aware) == pytest.approx(d, abs=1e-12)
    assert np.ndim(dual_bound(L, kappa, mu)) == 0


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("length", "match"),
    [
        (0, r"length must be an integer in \[1, 12\]"),
        (MAX_LENGTH + 1, r"length must be an integer in \[1, 12\] \(2\*\*length prompts"),
        (2.0, "length must be an integer"),
        (True, "length must be an integer"),
    ],
)
def test_bad_length(length, match):
    with pytest.raises(ValueError, match=match):
        optimal_distortion_rate(length, [0.5])


@pytest.mark.parametrize("rates", [[-0.1], [1.1], [math.nan], [0.2, 2.0]])
def test_bad_rates(rates):
    with pytest.raises(ValueError, match=r"rates must be a probability in \[0, 1\]"):
        optimal_distortion_rate(4, rates)


@pytest.mark.parametrize("stay", [0.0, 1.0, -0.2, 1.5, math.nan, [0.5, 0.6]])
def test_bad_stay(stay):
    with pytest.raises(ValueError, match="stay must be"):
        optimal_distortion_rate(4, [0.5], stay=stay)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"query": "vowels"}, "query must be one of"),
        ({"strings": [16]}, r"strings must be integers in \[0, 2\*\*length\)"),
        ({"strings": [-1]}, "strings must be integers"),
        ({"strings": [0.5]}, "strings must be integers"),
        ({"length": 13}, r"length must be an integer in \[0, 12\]"),
    ],
)
def test_answer_bad_input(kwargs, match):
    args = {"query": "ones", "strings": [3], "length": 4} | kwargs
    with pytest.raises(ValueError, match=match):
        answer(args["query"], args["strings"], args["length"])


@pytest.mark.parametrize("budgets", [[-1], [9], [1.5], [[1, 2]]])
def test_keep_what_is_asked_bad_budgets(budgets):
    with pytest.raises(ValueError, match=r"budgets must be integers in \[0, length\]"):
        keep_what_is_asked(8, budgets)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: best_loss_by_size(0), r"length must be an integer in \[1, 12\]"),
        (lambda: best_loss_by_size(3, query_aware="yes"), "query_aware must be True or False"),
        (lambda: lower_hull([]), "losses must have at least one entry"),
        (lambda: lower_hull(0.5), "losses must have at least one entry"),
        (lambda: lower_hull([1.0, math.nan]), "losses must be finite"),
        (lambda: lower_hull(["a"]), "losses must be a real number"),
        (lambda: dual_bound(4, 1.5, [0.0]), r"rate must be a probability in \[0, 1\]"),
        (lambda: dual_bound(4, [0.1, 0.2], [0.0]), r"rate must be a scalar probability"),
        (lambda: dual_bound(4, 0.5, [1.0, -0.1]), "multipliers must be finite and >= 0"),
        (lambda: dual_bound(4, 0.5, math.inf), "multipliers must be finite and >= 0"),
        (lambda: dual_bound(4, 0.5, [math.nan]), "multipliers must be finite and >= 0"),
        (lambda: dual_bound(13, 0.5, [1.0]), r"length must be an integer in \[1, 12\]"),
        (lambda: dual_bound(4, 0.5, [1.0], stay=1.0), "stay must be in"),
    ],
)
def test_fact_functions_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
