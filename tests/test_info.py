import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rdlib import binary_entropy, entropy, mutual_information


def test_entropy_known_values():
    assert entropy([1.0]) == 0.0
    assert entropy([0.5, 0.5]) == 1.0
    assert entropy([0.25] * 4) == 2.0
    assert entropy([0.5, 0.25, 0.125, 0.125]) == 1.75
    assert entropy([0.5, 0.5], base=math.e) == pytest.approx(math.log(2), rel=1e-15)


def test_entropy_zero_probability_contributes_nothing():
    assert entropy([0.5, 0.0, 0.5]) == 1.0


def test_entropy_vectorised_over_leading_axes():
    out = entropy([[1.0, 0.0], [0.5, 0.5], [0.9, 0.1]])
    assert out.shape == (3,)
    np.testing.assert_allclose(out, [0.0, 1.0, binary_entropy(0.1)], rtol=1e-15)


@pytest.mark.parametrize(
    ("p", "match"),
    [
        ([0.5, 0.6], "sum to 1"),
        ([1.2, -0.2], r"p must be a probability in \[0, 1\]"),
        ([math.nan, 1.0], r"p must be a probability"),
        ([], "non-empty"),
        (0.5, "non-empty"),
    ],
)
def test_entropy_bad_p(p, match):
    with pytest.raises(ValueError, match=match):
        entropy(p)


@pytest.mark.parametrize("base", [1, 0, -2, math.nan, math.inf])
def test_entropy_bad_base(base):
    with pytest.raises(ValueError, match="base"):
        entropy([0.5, 0.5], base=base)


def test_binary_entropy_known_values():
    assert binary_entropy(0.0) == 0.0
    assert binary_entropy(1.0) == 0.0
    assert binary_entropy(0.5) == 1.0
    # h(1/4) = 2 - (3/4) log2 3
    assert binary_entropy(0.25) == pytest.approx(2 - 0.75 * math.log2(3), rel=1e-15)
    assert type(binary_entropy(0.3)) is float


def test_binary_entropy_array_and_symmetry():
    p = np.linspace(0, 1, 101)
    h = binary_entropy(p)
    assert isinstance(h, np.ndarray)
    np.testing.assert_allclose(h, h[::-1], atol=1e-15)
    assert h.max() == 1.0


@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan, [0.2, 2.0]])
def test_binary_entropy_bad_input(bad):
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\]"):
        binary_entropy(bad)


@settings(deadline=None)
@given(arrays(float, st.integers(1, 8), elements=st.floats(0, 1)).filter(lambda a: a.sum() > 0))
def test_entropy_bounds(w):
    p = w / w.sum()
    h = entropy(p)
    assert -1e-12 <= h <= math.log2(len(p)) + 1e-12


def test_mutual_information_known_values():
    assert mutual_information([0.5, 0.5], np.eye(2)) == 1.0
    assert mutual_information([0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]]) == 0.0
    # binary symmetric channel with crossover 0.1 and uniform input: 1 - h(0.1)
    bsc = [[0.9, 0.1], [0.1, 0.9]]
    assert mutual_information([0.5, 0.5], bsc) == pytest.approx(1 - binary_entropy(0.1), rel=1e-13)
    # identity channel carries the whole entropy of the source
    p = [0.2, 0.3, 0.5]
    assert mutual_information(p, np.eye(3)) == pytest.approx(entropy(p), rel=1e-14)


def test_mutual_information_non_square_and_batched():
    p = [0.25, 0.75]
    erase = [[0.8, 0.2, 0.0], [0.0, 0.2, 0.8]]  # binary erasure channel, erasure prob 0.2
    assert mutual_information(p, erase) == pytest.approx(0.8 * entropy(p), rel=1e-13)
    batch = np.stack([np.eye(2), np.full((2, 2), 0.5)])
    np.testing.assert_allclose(mutual_information(p, batch), [entropy(p), 0.0], atol=1e-15)


@pytest.mark.parametrize(
    ("p_x", "channel", "match"),
    [
        ([0.5, 0.6], np.eye(2), "p_x must sum to 1"),
        ([[0.5, 0.5]], np.eye(2), "p_x must be one-dimensional"),
        ([0.5, 0.5], np.eye(3), r"channel must have shape \(\.\.\., 2, m\)"),
        ([0.5, 0.5], [0.5, 0.5], r"channel must have shape"),
        ([0.5, 0.5], [[0.5, 0.6], [0.5, 0.5]], "channel must sum to 1"),
        ([0.5, 0.5], [[1.5, -0.5], [0.5, 0.5]], r"channel must be a probability"),
    ],
)
def test_mutual_information_bad_input(p_x, channel, match):
    with pytest.raises(ValueError, match=match):
        mutual_information(p_x, channel)
