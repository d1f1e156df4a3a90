"""Blahut–Arimoto: against every closed form, and its certificate taken at its word."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rdlib import (
    ConvergenceWarning,
    binary_entropy,
    blahut_arimoto,
    entropy,
    expected_distortion,
    hamming_distortion,
    mutual_information,
    rate_distortion_at,
    rate_distortion_bernoulli,
    rate_distortion_curve,
    rate_distortion_gaussian,
    rate_distortion_hamming,
    rate_distortion_uniform_hamming,
    shannon_lower_bound_hamming,
)

BETAS = np.linspace(0.25, 14.0, 23)


def skewed_source(n):
    """p_i proportional to 1 + i/n: the benchmark's source, at any size."""
    p = 1.0 + np.arange(n) / n
    return p / p.sum()


def shannon_lower_bound(p, D):
    """H(X) - h(D) - D log2(n - 1), written out independently of rdlib."""
    n = len(p)
    return entropy(p) - binary_entropy(D) - D * math.log2(n - 1)


def assert_certified(pt, exact_rate, tol=1e-9):
    """The point lies on or above the curve, by at most its certified gap."""
    assert pt.gap <= tol
    err = pt.rate - exact_rate
    assert -1e-12 <= err <= pt.gap + 1e-12


# ---------------------------------------------------------------- closed forms


@pytest.mark.parametrize("p", [0.5, 0.3, 0.1, 0.9])
@pytest.mark.parametrize("accelerate", [True, False])
def test_bernoulli_over_a_grid_of_slopes(p, accelerate):
    for beta in BETAS:
        pt = blahut_arimoto([1 - p, p], hamming_distortion(2), beta, accelerate=accelerate)
        assert_certified(pt, rate_distortion_bernoulli(p, pt.distortion))


@pytest.mark.parametrize("m", [3, 5, 8])
def test_uniform_m_ary_over_a_grid_of_slopes(m):
    for beta in BETAS:
        pt = blahut_arimoto(np.full(m, 1 / m), hamming_distortion(m), beta)
        assert_certified(pt, rate_distortion_uniform_hamming(m, pt.distortion))


@pytest.mark.parametrize("accelerate", [True, False])
def test_skewed_source_where_the_shannon_lower_bound_is_tight(accelerate):
    n = 12
    p = skewed_source(n)
    checked = 0
    # Plain Blahut–Arimoto crawls at small slopes, where symbols drop out.
    for beta in BETAS if accelerate else BETAS[BETAS > 4]:
        pt = blahut_arimoto(p, hamming_distortion(n), beta, accelerate=accelerate)
        assert pt.gap <= 1e-9
        bound = shannon_lower_bound(p, pt.distortion)
        assert pt.rate >= bound - 1e-12  # a lower bound everywhere
        if pt.distortion <= (n - 1) * p.min():  # ... and tight here
            assert_certified(pt, bound)
            checked += 1
    assert checked >= 5


def test_binary_slope_has_the_textbook_value():
    # On the Bernoulli curve, dR/dD = -log2((1 - D) / D), so beta = log2(9) lands on D = 0.1.
    pt = blahut_arimoto([0.3, 0.7], hamming_distortion(2), math.log2(9))
    assert pt.distortion == pytest.approx(0.1, abs=1e-8)
    assert pt.rate == pytest.approx(rate_distortion_bernoulli(0.3, 0.1), abs=1e-8)


def test_finely_discretised_gaussian_approaches_the_gaussian_formula():
    step = 0.1
    x = np.arange(-5.0, 5.0 + step / 2, step)
    p = np.exp(-(x**2) / 2)
    p /= p.sum()
    d = (x[:, None] - x[None, :]) ** 2
    for beta in (2.0, 6.0, 20.0):
        pt = blahut_arimoto(p, d, beta)
        assert pt.gap <= 1e-9
        assert pt.rate == pytest.approx(rate_distortion_gaussian(1.0, pt.distortion), abs=1e-4)


def grid_source(kind, n, half_width=4.0):
    """A density on [-half_width, half_width] sampled at n points, with squared error."""
    x = np.linspace(-half_width, half_width, n)
    density = {
        "gaussian": np.exp(-(x**2) / 2),
        "laplacian": np.exp(-np.sqrt(2.0) * np.abs(x)),
        "bimodal": np.exp(-((x - 1.5) ** 2) / 0.5) + 0.6 * np.exp(-((x + 1.5) ** 2) / 0.72),
    }[kind]
    return x, density / density.sum(), (x[:, None] - x[None, :]) ** 2


@pytest.mark.parametrize("beta", [1.0, 4.0, 16.0])
def test_gaussian_grid_of_1024_points_is_certified(beta):
    """The chapter's and the benchmark's case: no ConvergenceWarning (an error here)."""
    _, p, d = grid_source("gaussian", 1024)
    pt = blahut_arimoto(p, d, beta)
    assert pt.gap <= 1e-9
    # The optimal output is a few clusters of grid points, not a smear.
    assert np.count_nonzero(pt.q_xhat > 1e-12) < 200
    # Close to the continuous Gaussian's curve, at the distortion reached.
    assert pt.rate == pytest.approx(rate_distortion_gaussian(1.0, pt.distortion), abs=1e-3)


@pytest.mark.parametrize(
    ("kind", "n", "beta"),
    [
        ("laplacian", 257, 0.5),
        ("laplacian", 257, 8.0),
        ("laplacian", 257, 32.0),
        ("bimodal", 257, 3.0),
        ("bimodal", 257, 12.0),
        ("laplacian", 2048, 2.0),
        ("bimodal", 2048, 6.0),
    ],
)
def test_other_bounded_sources_on_grids_are_certified(kind, n, beta):
    _, p, d = grid_source(kind, n)
    _certified_and_no_worse_than_plain(p, d, beta)


def test_a_wide_grid_with_far_tails_is_certified():
    """Out to 6 sigma: tail probabilities near 1e-10, where Newton needs per-symbol damping."""
    _, p, d = grid_source("gaussian", 512, half_width=6.0)
    _certified_and_no_worse_than_plain(p, d, 16.0)


def _certified_and_no_worse_than_plain(p, d, beta):
    pt = blahut_arimoto(p, d, beta)
    assert pt.gap <= 1e-9
    # Its Lagrangian cannot be beaten by a plain run's (which only stops early).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = blahut_arimoto(p, d, beta, accelerate=False, max_iter=300)
    assert pt.rate + beta * pt.distortion <= plain.rate + beta * plain.distortion + 1e-9


# ------------------------------------------- Erokhin's exact curve, over all of it


@pytest.mark.parametrize("seed", range(12))
def test_random_sources_match_erokhin_over_the_whole_curve(seed):
    rng = np.random.default_rng(seed)
    m = 2 + seed % 11  # 2 to 12 symbols
    p = rng.dirichlet(np.full(m, 0.6 if seed % 2 else 2.0))
    d = hamming_distortion(m)
    # Slopes from near rate 0 to near lossless: the whole curve, every regime
    # in which symbols drop out of the reproduction alphabet.
    for beta in np.geomspace(0.05, 40.0, 25):
        pt = blahut_arimoto(p, d, beta)
        assert_certified(pt, rate_distortion_hamming(p, pt.distortion))
    for D in np.linspace(0.02, 1 - p.max() - 1e-3, 6):
        pt = rate_distortion_at(p, d, D)
        assert pt.distortion == pytest.approx(D, abs=1e-9)
        assert_certified(pt, rate_distortion_hamming(p, pt.distortion))


def test_symbols_drop_out_where_erokhin_says():
    p = np.array([0.4, 0.3, 0.2, 0.07, 0.03])
    d = hamming_distortion(5)
    for D, kept in [(0.1, 5), (0.2, 4), (0.45, 3), (0.55, 2)]:
        pt = rate_distortion_at(p, d, D)
        # the number of symbols reproduced, by Erokhin's rule
        s = np.cumsum(p)
        tail = 1 - s
        k = max(
            k
            for k in range(2, 6)
            if (D - tail[k - 1]) / s[k - 1] >= 0
            and p[k - 1] / s[k - 1] >= (D - tail[k - 1]) / s[k - 1] / (k - 1)
        )
        assert k == kept
        assert np.count_nonzero(pt.q_xhat > 1e-6) == kept


def test_decisions_do_not_hang_on_the_last_bit():
    """The same path when the source moves by a few ulps, as on another CPU."""
    rng = np.random.default_rng(3)
    n = 32
    p = 1.0 + np.arange(n) / n
    p /= p.sum()
    for beta in (2.0, 3.0, 6.0):
        a = blahut_arimoto(p, hamming_distortion(n), beta)
        nudged = p * (1 + 4e-16 * rng.standard_normal(n))
        b = blahut_arimoto(nudged / nudged.sum(), hamming_distortion(n), beta)
        assert (a.iterations, a.newton_steps) == (b.iterations, b.newton_steps)
        assert a.rate == pytest.approx(b.rate, abs=1e-12)


# --------------------------------------------------------- the certificate


def test_gap_bounds_the_error_even_when_stopped_early():
    n = 16
    p = skewed_source(n)
    stopped_early = 0
    for beta in (8.0, 10.0):
        for max_iter in (1, 2, 3, 5):
            with pytest.warns(ConvergenceWarning, match="max_iter"):
                pt = blahut_arimoto(
                    p, hamming_distortion(n), beta, tol=1e-14, max_iter=max_iter, accelerate=False
                )
            exact = shannon_lower_bound(p, pt.distortion)
            assert pt.distortion <= (n - 1) * p.min()
            assert -1e-12 <= pt.rate - exact <= pt.gap + 1e-12
            stopped_early += pt.gap > 1e-6
    assert stopped_early >= 4  # the bound was exercised, not trivially met


def test_gap_history_is_recorded_and_ends_below_tol():
    p = skewed_source(32)
    pt = blahut_arimoto(p, hamming_distortion(32), 3.0, accelerate=False)
    assert pt.iterations + 1 == len(pt.gap_history) > 10
    assert pt.work == pt.iterations  # plain: one update-equivalent per update
    assert pt.gap_history[-1] == pt.gap <= 1e-9
    assert pt.gap_history[0] > 1e-3
    # plain Blahut–Arimoto's objective never rises; its gap may wobble but trends down
    assert pt.gap_history[-1] < pt.gap_history[len(pt.gap_history) // 2] < pt.gap_history[0]


def test_point_is_self_consistent():
    p = skewed_source(7)
    d = np.abs(np.subtract.outer(np.arange(7), np.arange(7))).astype(float)
    pt = blahut_arimoto(p, d, 1.5)
    np.testing.assert_allclose(pt.channel.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(pt.q_xhat, p @ pt.channel, atol=1e-15)
    assert mutual_information(p, pt.channel) == pytest.approx(pt.rate, abs=1e-12)
    assert expected_distortion(p, pt.channel, d) == pytest.approx(pt.distortion, abs=1e-14)
    assert pt.beta == 1.5
    with pytest.raises(ValueError):
        pt.channel[0, 0] = 0.0  # results are read-only


def test_reconstruction_alphabet_may_differ_in_size():
    # A binary source with an extra "don't know" reconstruction that costs 1/2.
    d = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.5]])
    pt = blahut_arimoto([0.5, 0.5], d, 4.0)
    assert pt.channel.shape == (2, 3) and pt.q_xhat.shape == (3,)
    assert pt.gap <= 1e-9
    # The extra symbol can only help: the curve lies on or below the Hamming one.
    assert pt.rate <= rate_distortion_bernoulli(0.5, pt.distortion) + 1e-9


def test_accelerated_and_plain_agree_and_acceleration_pays():
    n = 64
    p = skewed_source(n)
    d = hamming_distortion(n)
    for beta in (2.0, 5.0, 9.0):
        fast = blahut_arimoto(p, d, beta)
        slow = blahut_arimoto(p, d, beta, accelerate=False, max_iter=10**6)
        # Both minimise rate + beta * distortion; their values agree to the gaps.
        lagrangian = [pt.rate + beta * pt.distortion for pt in (fast, slow)]
        assert abs(lagrangian[0] - lagrangian[1]) <= fast.gap + slow.gap
        assert fast.work <= slow.work
    assert blahut_arimoto(p, d, 2.0).work * 5 < slow_work(p, d, 2.0)


def slow_work(p, d, beta):
    return blahut_arimoto(p, d, beta, accelerate=False, max_iter=10**6).work


def test_max_iter_counts_updates_applied():
    p, d = [0.7, 0.3], hamming_distortion(2)
    with pytest.warns(ConvergenceWarning):
        one = blahut_arimoto(p, d, 2.0, max_iter=1, accelerate=False, tol=1e-15)
    # One update from the uniform start, q1 = q c, written out by hand; the
    # channel returned is q1(xhat) A(x, xhat) / Z(x), so each row is
    # proportional to q1 * A(x, .).
    A = np.exp2(-2.0 * d)
    c = A.T @ (np.asarray(p) / (A @ [0.5, 0.5]))
    q1 = 0.5 * c / (0.5 * c).sum()
    assert one.iterations == 1 and len(one.gap_history) == 2
    for row, a in zip(one.channel, A, strict=True):
        np.testing.assert_allclose(row, q1 * a / (q1 @ a), rtol=0, atol=1e-15)


def test_zero_slope_costs_nothing():
    pt = blahut_arimoto(skewed_source(5), hamming_distortion(5), 0.0)
    assert pt.rate == 0.0 and pt.gap == 0.0


def test_warm_start_q0_is_used():
    p = skewed_source(20)
    d = hamming_distortion(20)
    cold = blahut_arimoto(p, d, 6.0)
    warm = blahut_arimoto(p, d, 6.0, q0=0.99 * cold.q_xhat + 0.01 / 20)
    assert warm.iterations < cold.iterations


# ----------------------------------------------------------------- the curve


def test_warm_started_curve_matches_cold_points():
    n = 24
    p = skewed_source(n)
    d = hamming_distortion(n)
    betas = np.arange(1.0, 13.0)
    curve = rate_distortion_curve(p, d, betas)
    np.testing.assert_array_equal(curve.betas, betas)
    assert curve.gaps.max() <= 1e-9
    for i, beta in enumerate(betas):
        cold = blahut_arimoto(p, d, beta)
        warm_value = curve.rates[i] + beta * curve.distortions[i]
        assert warm_value == pytest.approx(cold.rate + beta * cold.distortion, abs=2e-9)


def test_curve_unpacks_into_four_arrays():
    rates, distortions, betas, gaps = rate_distortion_curve(
        [0.5, 0.5], hamming_distortion(2), [1.0, 2.0, 4.0]
    )
    assert rates.shape == distortions.shape == betas.shape == gaps.shape == (3,)
    np.testing.assert_allclose(rates, rate_distortion_bernoulli(0.5, distortions), atol=1e-9)


# --------------------------------------------------------------- R at a given D


@pytest.mark.parametrize(("p", "D"), [(0.5, 0.1), (0.3, 0.05), (0.3, 0.29), (0.11, 0.001)])
def test_rate_at_a_distortion_matches_bernoulli(p, D):
    pt = rate_distortion_at([1 - p, p], hamming_distortion(2), D)
    assert pt.distortion == pytest.approx(D, abs=1e-9)
    slope = math.log2((1 - D) / D)
    # within the gap, plus the slope times the distortion tolerance
    assert pt.rate == pytest.approx(rate_distortion_bernoulli(p, D), abs=pt.gap + slope * 1e-9)


def test_rate_at_a_distortion_on_a_skewed_source():
    n = 40
    p = skewed_source(n)
    for D in (0.02, 0.3, 0.6):
        assert D <= (n - 1) * p.min()
        pt = rate_distortion_at(p, hamming_distortion(n), D, tol=1e-10)
        assert abs(pt.distortion - D) <= 1e-10
        assert pt.rate == pytest.approx(shannon_lower_bound(p, D), abs=2e-9)


def test_rate_at_or_beyond_d_max_is_zero():
    p = skewed_source(6)
    d = hamming_distortion(6)
    d_max = 1 - p.max()
    for D in (d_max, 0.99, 5.0):
        pt = rate_distortion_at(p, d, D)
        assert pt.rate == 0.0 and pt.distortion == pytest.approx(d_max, abs=1e-15)
        assert pt.q_xhat.argmax() == 5


def test_rate_at_a_straight_piece_of_the_curve_time_shares():
    # Binary source; reconstruct exactly (cost 0), say "erased" (cost 1), or get
    # it wrong (cost 20). R(D) is (almost exactly) the straight line 1 - D on [0, 1]:
    # one slope, beta = 1, carries every point of it.
    d = np.array([[0.0, 20.0, 1.0], [20.0, 0.0, 1.0]])
    pt = rate_distortion_at([0.5, 0.5], d, 0.5)
    assert pt.distortion == pytest.approx(0.5, abs=1e-12)
    assert pt.rate == pytest.approx(0.5, abs=1e-5)
    assert pt.gap <= 1e-8
    assert pt.beta == pytest.approx(1.0, abs=1e-4)


# ----------------------------------------------------------------- properties


def source_and_distortion():
    n = st.integers(2, 5)
    m = st.integers(2, 5)
    return st.tuples(n, m).flatmap(
        lambda nm: st.tuples(
            st.lists(st.floats(0.05, 1.0), min_size=nm[0], max_size=nm[0]),
            st.lists(
                st.lists(st.floats(0.0, 3.0), min_size=nm[1], max_size=nm[1]),
                min_size=nm[0],
                max_size=nm[0],
            ),
        )
    )


@settings(deadline=None, max_examples=40)
@given(sd=source_and_distortion(), betas=st.lists(st.floats(0.0, 12.0), min_size=3, max_size=6))
def test_random_sources_give_a_non_increasing_convex_curve(sd, betas):
    weights, dist = sd
    p = np.asarray(weights) / np.sum(weights)
    d = np.asarray(dist)
    curve = rate_distortion_curve(p, d, sorted(betas))
    assert np.all(curve.rates >= 0.0)
    assert np.all(curve.gaps <= 1e-9)
    D, R, g = curve.distortions, curve.rates, curve.gaps
    # non-increasing: if D_i <= D_j then R_i >= R(D_i) >= R(D_j) >= R_j - g_j
    for i in range(len(D)):
        for j in range(len(D)):
            if D[i] <= D[j]:
                assert R[i] >= R[j] - g[j] - 1e-12
    # convex: a middle point lies below the chord of its neighbours, to its gap
    order = np.argsort(D)
    D, R, g = D[order], R[order], g[order]
    for k in range(1, len(D) - 1):
        if D[k + 1] - D[k - 1] > 1e-9:
            t = (D[k + 1] - D[k]) / (D[k + 1] - D[k - 1])
            assert R[k] <= t * R[k - 1] + (1 - t) * R[k + 1] + g[k] + 1e-9


# ------------------------------------------------------------------ bad input

H2 = hamming_distortion(2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"p_x": [0.6, 0.6]}, "p_x must sum to 1"),
        ({"p_x": [1.2, -0.2]}, r"p_x must be a probability in \[0, 1\]"),
        ({"p_x": [math.nan, 1.0]}, r"p_x must be a probability in \[0, 1\]"),
        ({"p_x": [[0.5, 0.5]]}, "p_x must be one-dimensional"),
        ({"distortion": np.ones((3, 3))}, r"distortion must have shape \(2, m\)"),
        ({"distortion": np.ones(2)}, r"distortion must have shape \(2, m\)"),
        ({"distortion": [[0, -1], [1, 0]]}, r"distortion must be in \[0, inf\]"),
        ({"distortion": [[0, math.nan], [1, 0]]}, r"distortion must be in \[0, inf\]"),
        ({"distortion": [[0, math.inf], [1, 0]]}, "distortion must be finite"),
        ({"beta": -1.0}, "beta must be finite and >= 0"),
        ({"beta": math.nan}, "beta must be finite and >= 0"),
        ({"beta": math.inf}, "beta must be finite and >= 0"),
        ({"beta": [1.0, 2.0]}, "beta must be a scalar"),
        ({"tol": 0.0}, "tol must be a finite number > 0"),
        ({"tol": math.nan}, "tol must be a finite number > 0"),
        ({"max_iter": 0}, "max_iter must be an integer >= 1"),
        ({"max_iter": 2.5}, "max_iter must be an integer >= 1"),
        ({"q0": [1.0, 0.0]}, "q0 must have every entry > 0"),
        ({"q0": [0.5, 0.25, 0.25]}, r"q0 must have shape \(2,\)"),
        ({"q0": [0.5, 0.6]}, "q0 must sum to 1"),
    ],
)
def test_blahut_arimoto_bad_input(kwargs, match):
    args = {"p_x": [0.5, 0.5], "distortion": H2, "beta": 1.0} | kwargs
    with pytest.raises(ValueError, match=match):
        blahut_arimoto(**args)


@pytest.mark.parametrize(
    ("betas", "match"),
    [
        ([], "betas must be a non-empty 1-D array"),
        ([[1.0]], "betas must be a non-empty 1-D"),
        ([1.0, -2.0], "beta must be finite and >= 0"),
        ([math.nan], "beta must be finite"),
    ],
)
def test_curve_bad_input(betas, match):
    with pytest.raises(ValueError, match=match):
        rate_distortion_curve([0.5, 0.5], H2, betas)


@pytest.mark.parametrize(
    ("D", "match"),
    [
        (0.0, r"D must be > D_min = 0"),
        (-0.1, r"D must be in \[0, inf\]"),
        (math.nan, r"D must be in \[0, inf\]"),
        ([0.1], "D must be a scalar"),
    ],
)
def test_rate_at_bad_input(D, match):
    with pytest.raises(ValueError, match=match):
        rate_distortion_at([0.5, 0.5], H2, D)


def test_rate_at_refuses_distortion_below_the_smallest_possible():
    d = np.array([[1.0, 2.0], [2.0, 1.0]])  # D_min = 1
    with pytest.raises(ValueError, match=r"D must be > D_min = 1"):
        rate_distortion_at([0.5, 0.5], d, 0.5)


def test_no_warning_when_converged():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        blahut_arimoto(skewed_source(10), hamming_distortion(10), 4.0)


def test_shannon_lower_bound_function_matches_the_formula_and_the_solver():
    p = skewed_source(10)
    D = np.linspace(0.0, 0.85, 35)
    np.testing.assert_allclose(
        shannon_lower_bound_hamming(p, D), np.maximum(shannon_lower_bound(p, D), 0), atol=1e-14
    )
    np.testing.assert_allclose(
        shannon_lower_bound_hamming(np.full(6, 1 / 6), D),
        rate_distortion_uniform_hamming(6, D),
        atol=1e-14,
    )
    assert shannon_lower_bound_hamming(p, 0.95) == 0.0
    # Beyond (n-1) min p the bound is strict: the solver's rate lies above it.
    zipf = 1.0 / np.arange(1, 11)
    zipf /= zipf.sum()
    pt = rate_distortion_at(zipf, hamming_distortion(10), 0.5)
    assert 0.5 > 9 * zipf.min()
    assert pt.rate > shannon_lower_bound_hamming(zipf, 0.5) + 0.01


@pytest.mark.parametrize(
    ("p", "D", "match"),
    [
        ([1.0], 0.1, "p_x must be a 1-D distribution on >= 2 symbols"),
        ([[0.5, 0.5]], 0.1, "p_x must be a 1-D distribution"),
        ([0.5, 0.6], 0.1, "p_x must sum to 1"),
        ([0.5, 0.5], -1.0, r"D must be in \[0, inf\]"),
        ([0.5, 0.5], math.nan, r"D must be in \[0, inf\]"),
    ],
)
def test_shannon_lower_bound_bad_input(p, D, match):
    with pytest.raises(ValueError, match=match):
        shannon_lower_bound_hamming(p, D)
