import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rdlib import (
    binary_entropy,
    entropy,
    expected_distortion,
    hamming_distortion,
    mutual_information,
    rate_distortion_bernoulli,
    rate_distortion_hamming,
    rate_distortion_uniform_hamming,
    shannon_lower_bound_hamming,
)


def test_hamming_distortion():
    d = hamming_distortion(4)
    assert d.shape == (4, 4)
    assert np.all(np.diag(d) == 0)
    assert d.sum() == 12


@pytest.mark.parametrize("bad", [1, 0, -3, 2.0, True, "3"])
def test_hamming_bad_n(bad):
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        hamming_distortion(bad)


def test_bernoulli_known_values():
    # R(0) = H(p): lossless; R at D_max and beyond = 0.
    assert rate_distortion_bernoulli(0.5, 0.0) == 1.0
    assert rate_distortion_bernoulli(0.3, 0.0) == pytest.approx(binary_entropy(0.3), rel=1e-15)
    assert rate_distortion_bernoulli(0.3, 0.3) == 0.0
    assert rate_distortion_bernoulli(0.7, 0.3) == 0.0
    assert rate_distortion_bernoulli(0.3, 0.9) == 0.0
    # fair coin at D = 1/4: 1 - h(1/4) = (3/4) log2 3 - 1
    assert rate_distortion_bernoulli(0.5, 0.25) == pytest.approx(0.75 * math.log2(3) - 1, rel=1e-14)
    # degenerate sources need no rate
    assert rate_distortion_bernoulli(0.0, 0.0) == 0.0
    assert rate_distortion_bernoulli(1.0, 0.0) == 0.0


def test_bernoulli_symmetric_in_p_and_vectorised():
    D = np.linspace(0, 0.5, 51)
    np.testing.assert_allclose(
        rate_distortion_bernoulli(0.2, D), rate_distortion_bernoulli(0.8, D), atol=1e-15
    )
    assert rate_distortion_bernoulli(0.2, D).shape == (51,)


@pytest.mark.parametrize(
    ("p", "D", "match"),
    [
        (-0.1, 0.1, "p must be a probability"),
        (1.5, 0.1, "p must be a probability"),
        (math.nan, 0.1, "p must be a probability"),
        ([0.2, 0.3], 0.1, "p must be a scalar"),
        (0.3, -0.1, r"D must be in \[0, inf\]"),
        (0.3, math.nan, r"D must be in \[0, inf\]"),
    ],
)
def test_bernoulli_bad_input(p, D, match):
    with pytest.raises(ValueError, match=match):
        rate_distortion_bernoulli(p, D)


def test_bernoulli_test_channel_attains_the_closed_form():
    # The optimal test channel is the backward BSC(D); its forward channel
    # has I(X; Xhat) = R(D) and E d = D (Cover & Thomas, section 10.3.1).
    p, D = 0.3, 0.1
    r = (p - D) / (1 - 2 * D)  # P(Xhat = 1)
    # forward channel p(xhat | x) from Bayes' rule on the backward channel
    joint = np.array([[(1 - r) * (1 - D), r * D], [(1 - r) * D, r * (1 - D)]])
    p_x = joint.sum(axis=1)
    channel = joint / p_x[:, None]
    np.testing.assert_allclose(p_x, [1 - p, p], rtol=1e-14)
    assert expected_distortion(p_x, channel, hamming_distortion(2)) == pytest.approx(D, rel=1e-13)
    assert mutual_information(p_x, channel) == pytest.approx(
        rate_distortion_bernoulli(p, D), rel=1e-12
    )


@settings(deadline=None)
@given(p=st.floats(0, 1), d1=st.floats(0, 0.6), d2=st.floats(0, 0.6), t=st.floats(0, 1))
def test_bernoulli_properties(p, d1, d2, t):
    lo, hi = sorted((d1, d2))
    r_lo, r_hi = rate_distortion_bernoulli(p, lo), rate_distortion_bernoulli(p, hi)
    assert r_lo >= r_hi >= 0.0  # non-increasing and non-negative
    mid = rate_distortion_bernoulli(p, t * lo + (1 - t) * hi)
    assert mid <= t * r_lo + (1 - t) * r_hi + 1e-12  # convex


@settings(deadline=None)
@given(a=st.floats(0, 1), b=st.floats(0, 1), p=st.floats(0.01, 0.99))
def test_no_binary_test_channel_beats_the_closed_form(a, b, p):
    # R(D) is a minimum over test channels: every channel lies on or above it.
    channel = np.array([[1 - a, a], [b, 1 - b]])
    p_x = np.array([1 - p, p])
    D = expected_distortion(p_x, channel, hamming_distortion(2))
    assert mutual_information(p_x, channel) >= rate_distortion_bernoulli(p, D) - 1e-12


def test_expected_distortion_batched():
    p_x = [0.5, 0.5]
    batch = np.stack([np.eye(2), np.full((2, 2), 0.5), np.eye(2)[::-1]])
    np.testing.assert_allclose(
        expected_distortion(p_x, batch, hamming_distortion(2)), [0.0, 0.5, 1.0], atol=1e-15
    )


@pytest.mark.parametrize(
    ("p_x", "channel", "d", "match"),
    [
        ([0.5, 0.5], np.eye(2), np.ones((2, 3)), r"distortion must have shape \(2, 2\)"),
        ([0.5, 0.5], np.eye(2), [[0, -1], [1, 0]], r"distortion must be in \[0, inf\]"),
        ([0.5, 0.5], np.eye(2), [[0, math.nan], [1, 0]], r"distortion must be in \[0, inf\]"),
        ([0.5, 0.5], np.eye(2), [[0, math.inf], [1, 0]], "distortion must be finite"),
        ([0.5, 0.4], np.eye(2), np.ones((2, 2)), "p_x must sum to 1"),
        ([0.5, 0.5], np.eye(3), np.ones((3, 3)), "channel must have shape"),
    ],
)
def test_expected_distortion_bad_input(p_x, channel, d, match):
    with pytest.raises(ValueError, match=match):
        expected_distortion(p_x, channel, d)


def test_uniform_hamming_known_values():
    assert rate_distortion_uniform_hamming(4, 0.0) == 2.0
    # 2 - h(1/4) - (1/4) log2 3, by hand: 2 - 0.811278... - 0.396240... = 0.792481...
    assert rate_distortion_uniform_hamming(4, 0.25) == pytest.approx(0.7924812503605781, abs=1e-15)
    assert rate_distortion_uniform_hamming(4, 0.75) == 0.0  # D_max = 1 - 1/m
    assert rate_distortion_uniform_hamming(4, 2.0) == 0.0
    D = np.linspace(0, 0.6, 31)
    np.testing.assert_allclose(
        rate_distortion_uniform_hamming(2, D), rate_distortion_bernoulli(0.5, D), atol=1e-15
    )


@settings(deadline=None)
@given(m=st.integers(2, 1000), d1=st.floats(0, 1), d2=st.floats(0, 1), t=st.floats(0, 1))
def test_uniform_hamming_properties(m, d1, d2, t):
    lo, hi = sorted((d1, d2))
    r_lo = rate_distortion_uniform_hamming(m, lo)
    r_hi = rate_distortion_uniform_hamming(m, hi)
    assert math.log2(m) + 1e-12 >= r_lo >= r_hi >= 0.0
    mid = rate_distortion_uniform_hamming(m, t * lo + (1 - t) * hi)
    assert mid <= t * r_lo + (1 - t) * r_hi + 1e-12


@pytest.mark.parametrize(
    ("m", "D", "match"),
    [
        (1, 0.1, "m must be an integer >= 2"),
        (3.0, 0.1, "m must be an integer >= 2"),
        (True, 0.1, "m must be an integer >= 2"),
        (4, -0.1, r"D must be in \[0, inf\]"),
        (4, math.nan, r"D must be in \[0, inf\]"),
    ],
)
def test_uniform_hamming_bad_input(m, D, match):
    with pytest.raises(ValueError, match=match):
        rate_distortion_uniform_hamming(m, D)


# ----------------------------------------------- Erokhin's exact R(D) for Hamming


def erokhin_by_hand(p, D):
    """Erokhin's formula written out with a loop over k, independently of rdlib."""
    ps = sorted(p, reverse=True)
    if D >= 1 - ps[0]:
        return 0.0
    best = None
    for k in range(2, len(ps) + 1):
        s = sum(ps[:k])
        eps = (D - sum(ps[k:])) / s  # 1 - S_k as what is left out: exactly 0 for k = m
        if eps >= 0 and ps[k - 1] / s >= eps / (k - 1):
            best = (k, s, eps)
    k, s, eps = best
    head = -sum(x / s * math.log2(x / s) for x in ps[:k] if x > 0)
    return s * (head - float(binary_entropy(eps)) - eps * math.log2(k - 1))


def test_hamming_exact_known_values():
    p = [0.5, 0.25, 0.2, 0.05]
    # Up to D = 3 min p it is the Shannon lower bound; at D = 0.3 only three
    # symbols are reproduced: S = 0.95, eps = 0.25 / 0.95.
    s, eps = 0.95, 0.25 / 0.95
    head = -sum(x / s * math.log2(x / s) for x in (0.5, 0.25, 0.2))
    expected = s * (head - float(binary_entropy(eps)) - eps)
    assert rate_distortion_hamming(p, 0.3) == pytest.approx(expected, abs=1e-15)
    assert rate_distortion_hamming(p, 0.1) == pytest.approx(
        float(shannon_lower_bound_hamming(p, 0.1)), abs=1e-15
    )
    assert rate_distortion_hamming(p, 0.0) == pytest.approx(1.680482, abs=1e-6)
    assert rate_distortion_hamming(p, 0.5) == 0.0


@pytest.mark.parametrize("p", [0.5, 0.3, 0.11, 0.97])
def test_hamming_exact_is_the_bernoulli_formula_for_two_symbols(p):
    D = np.linspace(0, 0.6, 61)
    np.testing.assert_allclose(
        rate_distortion_hamming([p, 1 - p], D), rate_distortion_bernoulli(p, D), atol=1e-14
    )


@pytest.mark.parametrize("m", [3, 5, 12])
def test_hamming_exact_is_the_uniform_formula(m):
    D = np.linspace(0, 1, 101)
    np.testing.assert_allclose(
        rate_distortion_hamming(np.full(m, 1 / m), D),
        rate_distortion_uniform_hamming(m, D),
        atol=1e-13,
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0), min_size=2, max_size=12).filter(lambda w: sum(w) > 0.01),
    st.floats(0.0, 1.0),
)
def test_hamming_exact_matches_the_formula_by_hand(weights, D):
    p = np.asarray(weights) / sum(weights)
    assert rate_distortion_hamming(p, D) == pytest.approx(erokhin_by_hand(p, D), abs=1e-12)


def test_hamming_exact_is_decreasing_convex_and_vectorised():
    rng = np.random.default_rng(7)
    for _ in range(50):
        p = rng.dirichlet(np.full(rng.integers(2, 13), 0.7))
        D = np.linspace(0, 1, 401)
        R = rate_distortion_hamming(p, D)
        assert R.shape == D.shape
        assert R[0] == pytest.approx(float(entropy(p)), abs=1e-12)
        assert np.all(np.diff(R) <= 1e-13)
        assert np.all(np.diff(R, 2) >= -1e-9)  # convex (second differences)
        assert np.all(R >= shannon_lower_bound_hamming(p, D) - 1e-13)
        assert np.all(R[D >= 1 - p.max()] == 0.0)
    grid = rate_distortion_hamming([0.6, 0.3, 0.1], np.full((2, 3), 0.05))
    assert grid.shape == (2, 3) and isinstance(rate_distortion_hamming([0.6, 0.4], 0.1), float)


@pytest.mark.parametrize(
    ("p", "D", "match"),
    [
        ([0.6, 0.3], 0.1, "p_x must sum to 1"),
        ([1.0], 0.1, "p_x must be a 1-D distribution on >= 2 symbols"),
        ([[0.5, 0.5]], 0.1, "p_x must be a 1-D distribution on >= 2 symbols"),
        ([0.5, -0.5, 1.0], 0.1, "p_x must be a probability"),
        ([0.5, 0.5], -0.1, "D must be in"),
        ([0.5, 0.5], float("nan"), "D must be in"),
        ([0.5, 0.5], "x", "D must be a real number"),
    ],
)
def test_hamming_exact_bad_input(p, D, match):
    with pytest.raises(ValueError, match=match):
        rate_distortion_hamming(p, D)
