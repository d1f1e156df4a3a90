import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rdlib import distortion_rate_gaussian, rate_distortion_gaussian, reverse_water_filling

variances = st.floats(min_value=1e-6, max_value=1e6)


# --- known values ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sigma_sq", "D", "expected"),
    [
        (1.0, 0.25, 1.0),
        (1.0, 1 / 16, 2.0),
        (4.0, 1.0, 1.0),
        (1.0, 0.001, 0.5 * math.log2(1000)),
        (2.0, 2.0, 0.0),  # D = sigma^2: nothing to send
        (2.0, 5.0, 0.0),  # D > sigma^2
        (1.0, math.inf, 0.0),
    ],
)
def test_rate_known_values(sigma_sq, D, expected):
    assert rate_distortion_gaussian(sigma_sq, D) == pytest.approx(expected, rel=1e-15, abs=0)


def test_rate_at_zero_distortion_is_infinite():
    assert rate_distortion_gaussian(1.0, 0.0) == math.inf


@pytest.mark.parametrize(("R", "expected"), [(0.0, 3.0), (1.0, 0.75), (2.0, 3 / 16), (math.inf, 0)])
def test_distortion_known_values(R, expected):
    assert distortion_rate_gaussian(3.0, R) == pytest.approx(expected, rel=1e-15, abs=0)


def test_each_bit_divides_distortion_by_four():
    d = distortion_rate_gaussian(1.0, np.arange(6.0))
    np.testing.assert_allclose(d[:-1] / d[1:], 4.0, rtol=1e-14)


# --- types and broadcasting ----------------------------------------------------


def test_scalars_give_python_float():
    assert type(rate_distortion_gaussian(1.0, 0.5)) is float
    assert type(distortion_rate_gaussian(1, 1)) is float


def test_arrays_broadcast():
    s = np.array([[1.0], [4.0]])
    D = np.array([0.25, 1.0, 4.0])
    out = rate_distortion_gaussian(s, D)
    assert isinstance(out, np.ndarray)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out, [[1.0, 0.0, 0.0], [2.0, 1.0, 0.0]], rtol=1e-15)
    out2 = distortion_rate_gaussian([1.0, 4.0], [[0.0], [1.0]])
    np.testing.assert_allclose(out2, [[1.0, 4.0], [0.25, 1.0]], rtol=1e-15)


def test_zero_distortion_in_array_raises_no_warning():
    # RuntimeWarnings are errors under this project's pytest settings.
    out = rate_distortion_gaussian(1.0, [0.0, 0.5])
    assert out[0] == math.inf


# --- bad input -----------------------------------------------------------


@pytest.mark.parametrize("bad", [-1.0, 0.0, math.nan, math.inf, -math.inf, [1.0, -2.0]])
@pytest.mark.parametrize("func", [rate_distortion_gaussian, distortion_rate_gaussian])
def test_bad_variance(func, bad):
    with pytest.raises(ValueError, match="sigma_sq"):
        func(bad, 0.5)


@pytest.mark.parametrize("bad", [-0.1, math.nan, -math.inf, [0.1, math.nan]])
def test_bad_distortion(bad):
    with pytest.raises(ValueError, match=r"D must be in \[0, inf\]"):
        rate_distortion_gaussian(1.0, bad)


@pytest.mark.parametrize("bad", [-1.0, math.nan, [1.0, -0.5]])
def test_bad_rate(bad):
    with pytest.raises(ValueError, match=r"R must be in \[0, inf\]"):
        distortion_rate_gaussian(1.0, bad)


def test_non_numeric_input():
    with pytest.raises(ValueError, match="D must be a real number"):
        rate_distortion_gaussian(1.0, "half")


# --- properties ------------------------------------------------------------


@settings(deadline=None)
@given(sigma_sq=variances, d1=st.floats(0, 2), d2=st.floats(0, 2))
def test_rate_non_increasing(sigma_sq, d1, d2):
    lo, hi = sorted((d1 * sigma_sq, d2 * sigma_sq))
    assert rate_distortion_gaussian(sigma_sq, lo) >= rate_distortion_gaussian(sigma_sq, hi)


@settings(deadline=None)
@given(sigma_sq=variances, a=st.floats(1e-6, 2), b=st.floats(1e-6, 2), t=st.floats(0, 1))
def test_rate_convex(sigma_sq, a, b, t):
    da, db = a * sigma_sq, b * sigma_sq
    mid = rate_distortion_gaussian(sigma_sq, t * da + (1 - t) * db)
    chord = t * rate_distortion_gaussian(sigma_sq, da) + (1 - t) * rate_distortion_gaussian(
        sigma_sq, db
    )
    assert mid <= chord + 1e-9


@settings(deadline=None)
@given(sigma_sq=variances, k=st.floats(1, 1e6))
def test_rate_zero_at_or_beyond_variance(sigma_sq, k):
    assert rate_distortion_gaussian(sigma_sq, k * sigma_sq) == 0.0


@settings(deadline=None)
@given(sigma_sq=variances, frac=st.floats(1e-12, 1))
def test_distortion_inverts_rate(sigma_sq, frac):
    D = frac * sigma_sq
    assert distortion_rate_gaussian(sigma_sq, rate_distortion_gaussian(sigma_sq, D)) == (
        pytest.approx(D, rel=1e-12)
    )


@settings(deadline=None)
@given(sigma_sq=variances, R=st.floats(0, 60))
def test_rate_inverts_distortion(sigma_sq, R):
    assert rate_distortion_gaussian(sigma_sq, distortion_rate_gaussian(sigma_sq, R)) == (
        pytest.approx(R, rel=1e-9, abs=1e-9)
    )


def test_subnormal_distortion_gives_finite_rate():
    # Found by hypothesis: sigma_sq / D overflowed for subnormal D.
    tiny = 2.225073858507203e-309
    assert rate_distortion_gaussian(1.0, tiny) == pytest.approx(-0.5 * math.log2(tiny), rel=1e-15)


# ------------------------------------------------------- reverse water-filling


def test_water_filling_worked_example():
    # 0.25 + 2 lambda = 1.5 gives lambda = 0.625; the smallest component is dropped.
    wf = reverse_water_filling([4.0, 1.0, 0.25], 1.5)
    assert wf.level == pytest.approx(0.625, rel=1e-15)
    np.testing.assert_allclose(wf.distortions, [0.625, 0.625, 0.25], rtol=1e-15)
    expected = 0.5 * math.log2(4.0 / 0.625) + 0.5 * math.log2(1.0 / 0.625)
    assert wf.rate == pytest.approx(expected, rel=1e-14)


def test_water_filling_limiting_cases():
    var = [3.0, 1.0, 0.5]
    zero = reverse_water_filling(var, 0.0)
    assert zero.level == 0.0 and zero.rate == math.inf
    np.testing.assert_array_equal(zero.distortions, 0.0)
    for D in (4.5, 10.0, math.inf):
        none = reverse_water_filling(var, D)
        assert none.rate == 0.0 and none.level == 3.0
        np.testing.assert_array_equal(none.distortions, var)
    # A single component is the scalar Gaussian case.
    one = reverse_water_filling([2.0], 0.5)
    assert one.rate == pytest.approx(rate_distortion_gaussian(2.0, 0.5), rel=1e-15)
    # Equal variances share the budget equally.
    eq = reverse_water_filling([1.0] * 4, 0.4)
    np.testing.assert_allclose(eq.distortions, 0.1, rtol=1e-14)
    # Zero-variance components cost nothing and take no budget.
    z = reverse_water_filling([0.0, 1.0], 0.25)
    assert z.rate == pytest.approx(1.0, rel=1e-14)
    np.testing.assert_allclose(z.distortions, [0.0, 0.25])


def test_water_filling_level_exactly_at_a_variance():
    wf = reverse_water_filling([4.0, 1.0, 0.25], 0.75)  # lambda = 0.25 = smallest variance
    assert wf.level == pytest.approx(0.25, rel=1e-15)
    assert wf.rate == pytest.approx(3.0, rel=1e-14)


@settings(deadline=None)
@given(
    var=st.lists(st.floats(1e-3, 100.0), min_size=1, max_size=12),
    frac=st.floats(1e-6, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_water_filling_properties(var, frac, seed):
    var = np.asarray(var)
    D = frac * var.sum()
    wf = reverse_water_filling(var, D)
    assert wf.distortions.sum() == pytest.approx(min(D, var.sum()), rel=1e-9)
    np.testing.assert_allclose(wf.distortions, np.minimum(wf.level, var), rtol=1e-12)
    per_component = rate_distortion_gaussian(var, wf.distortions)
    assert wf.rate == pytest.approx(per_component.sum(), rel=1e-9, abs=1e-12)
    # No other split of the same budget does better (it is the minimum).
    rng = np.random.default_rng(seed)
    other = np.minimum(rng.dirichlet(np.ones(var.size)) * D, var)
    if other.sum() >= D * (1 - 1e-12) and np.all(other > 0):
        assert rate_distortion_gaussian(var, other).sum() >= wf.rate - 1e-9


@pytest.mark.parametrize(
    ("var", "D", "match"),
    [
        ([1.0, -1.0], 0.5, r"variances must be in \[0, inf\]"),
        ([1.0, math.nan], 0.5, r"variances must be in \[0, inf\]"),
        ([1.0, math.inf], 0.5, "variances must be finite"),
        ([], 0.5, "variances must be a non-empty 1-D array"),
        ([[1.0, 2.0]], 0.5, "variances must be a non-empty 1-D array"),
        ([1.0, 2.0], -0.1, r"D must be in \[0, inf\]"),
        ([1.0, 2.0], math.nan, r"D must be in \[0, inf\]"),
        ([1.0, 2.0], [0.1, 0.2], "D must be a scalar"),
    ],
)
def test_water_filling_bad_input(var, D, match):
    with pytest.raises(ValueError, match=match):
        reverse_water_filling(var, D)
