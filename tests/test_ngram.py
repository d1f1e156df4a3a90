"""The adaptive n-gram model: against its plain-Python reference, on a Markov source, properties."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rdlib._ngram import ngram_costs_plain
from rdlib.entropy import ngram_code_length, ngram_costs
from rdlib.markov import markov_code_length, markov_entropy_rate, sample_markov

# Sequences over small alphabets, so that contexts repeat and every branch of the
# model (unseen context, seen context, new symbol, discount estimate) is exercised.
sequences = st.integers(1, 6).flatmap(
    lambda a: st.tuples(st.just(a), st.lists(st.integers(0, a - 1), min_size=1, max_size=60))
)
orders = st.integers(0, 5)
fast = settings(max_examples=150, deadline=None)


# ------------------------------------------------------------ the plain reference


@fast
@given(sequences, orders, st.integers(0, 3))
def test_vectorised_costs_equal_the_plain_dictionary_model(seq, order, extra):
    alphabet, x = seq
    size = alphabet + extra
    expected = ngram_costs_plain(x, order, size)
    np.testing.assert_allclose(ngram_costs(x, order, size), expected, rtol=0, atol=1e-9)


@pytest.mark.parametrize(("n", "alphabet", "order"), [(3000, 2, 4), (3000, 30, 2), (2000, 500, 3)])
def test_equal_to_the_reference_on_longer_random_sequences(n, alphabet, order):
    rng = np.random.default_rng(n + alphabet + order)
    x = rng.zipf(1.5, n) % alphabet  # skewed, as token frequencies are
    expected = ngram_costs_plain(x.tolist(), order, alphabet)
    np.testing.assert_allclose(ngram_costs(x, order, alphabet), expected, rtol=0, atol=1e-9)


def test_a_hand_computed_example():
    # 0 1 0 1 at order 1, A = 2 (see rdlib/_ngram.py for the recursion):
    # x0: nothing seen, 1/2.  x1: order 0 has a = 1, D = 1: 1/2; context "0" unseen.
    # x2: order 0 has a(0) = a(1) = 1, D = 1: 1/2; context "1" unseen.
    # x3: order 0: a(1) = 1, a = 3, n1 = 1, n2 = 1, D = 1/3: (2/3 + 1/3 * 2 * 1/2) / 3 = 1/3;
    #     order 1, context "0": a(0, 1) = 1, a = 1, T = 1, D = 1: (0 + 1/3) / 1 = 1/3.
    costs = ngram_costs([0, 1, 0, 1], order=1, alphabet_size=2)
    np.testing.assert_allclose(costs, [1, 1, 1, math.log2(3)], rtol=1e-15)


# ------------------------------------------------------------ a source with a known rate

ALPHABET = 8
SOURCE = np.random.default_rng(12).dirichlet(np.full(ALPHABET, 0.5), size=64).reshape(8, 8, 8)
"""An order-2 Markov source over 8 symbols: rows drawn once from Dirichlet(1/2)."""


@pytest.fixture(scope="module")
def markov_sample():
    return sample_markov(SOURCE, 1_000_000, seed=2026)


def test_converges_to_the_entropy_rate_of_an_order_2_source(markov_sample):
    rate = markov_entropy_rate(SOURCE)
    per_symbol = ngram_code_length(markov_sample, 2, ALPHABET) / markov_sample.size
    assert per_symbol == pytest.approx(rate, rel=0.02)
    assert per_symbol > rate - 0.01  # an upper bound, up to sampling noise


# A sequential code's length beats the true source's by c bits with probability at
# most 2**-c (Barron's competitive bound: Markov's inequality on the ratio of the two
# probabilities). With c = 20 each check below fails by chance with probability
# below one in a million.
COMPETITIVE_SLACK_BITS = 20


def test_never_beats_the_true_source_by_more_than_c_bits(markov_sample):
    model = ngram_code_length(markov_sample, 2, ALPHABET)
    assert model >= markov_code_length(SOURCE, markov_sample) - COMPETITIVE_SLACK_BITS


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("order", [0, 2, 4])
def test_never_beats_the_true_source_on_short_samples(seed, order):
    x = sample_markov(SOURCE, 300, seed=seed)
    model = ngram_code_length(x, order, ALPHABET)
    assert model >= markov_code_length(SOURCE, x) - COMPETITIVE_SLACK_BITS


# ------------------------------------------------------------ properties


@fast
@given(sequences, orders, st.data())
def test_no_look_ahead(seq, order, data):
    alphabet, x = seq
    j = data.draw(st.integers(0, len(x) - 1))
    changed = list(x)
    changed[j] = data.draw(st.integers(0, alphabet))
    size = alphabet + 1
    before = ngram_costs(x, order, size)[:j]
    after = ngram_costs(changed, order, size)[:j]
    np.testing.assert_array_equal(before, after)


@fast
@given(sequences, orders)
def test_costs_are_positive(seq, order):
    alphabet, x = seq
    costs = ngram_costs(x, order, alphabet + 1)
    assert np.all(costs > 0)
    assert np.all(np.isfinite(costs))


@fast
@given(sequences, orders, st.data())
def test_a_prefix_costs_the_sum_of_its_costs(seq, order, data):
    alphabet, x = seq
    m = data.draw(st.integers(1, len(x)))
    costs = ngram_costs(x, order, alphabet)
    assert ngram_code_length(x[:m], order, alphabet) == pytest.approx(
        math.fsum(costs[:m]), rel=1e-12, abs=1e-12
    )


@fast
@given(sequences, orders, st.randoms(use_true_random=False))
def test_invariant_under_relabelling_the_alphabet(seq, order, rnd):
    alphabet, x = seq
    size = alphabet + 2
    relabel = list(range(size))
    rnd.shuffle(relabel)
    np.testing.assert_allclose(
        ngram_costs([relabel[s] for s in x], order, size),
        ngram_costs(x, order, size),
        rtol=0,
        atol=1e-12,
    )


@fast
@given(sequences, orders)
def test_the_next_symbol_probabilities_sum_to_one(seq, order):
    """Kraft with equality: the costs are those of a complete sequential code."""
    alphabet, x = seq
    size = alphabet + 1
    last = [ngram_costs([*x, a], order, size)[-1] for a in range(size)]
    assert math.fsum(2.0 ** -np.array(last)) == pytest.approx(1.0, abs=1e-12)


def test_orders_beyond_the_length_change_nothing():
    x = [3, 1, 4, 1, 5, 9, 2, 6]
    np.testing.assert_array_equal(ngram_costs(x, 7, 10), ngram_costs(x, 50, 10))


def test_default_alphabet_is_the_largest_symbol_plus_one():
    x = np.array([0, 5, 5, 2, 5])
    np.testing.assert_array_equal(ngram_costs(x, 1), ngram_costs(x, 1, 6))
    assert ngram_costs([7], 0)[0] == pytest.approx(3.0)  # 1/8


def test_one_symbol_alphabet_costs_nothing():
    np.testing.assert_array_equal(ngram_costs([0, 0, 0], 2, 1), [0.0, 0.0, 0.0])


def test_accepts_any_integer_dtype_and_huge_ids():
    x = np.array([2**40, 7, 2**40, 7], dtype=np.uint64)
    np.testing.assert_allclose(
        ngram_costs(x, 1, 2**41), ngram_costs([1, 0, 1, 0], 1, 2**41), rtol=0, atol=1e-12
    )


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("symbols", "order", "size", "match"),
    [
        ([], 1, None, "non-empty"),
        ([[0, 1]], 1, None, "1-D"),
        ([0.0, 1.0], 1, None, "integers"),
        ([True, False], 1, None, "integers"),
        ([0, -1], 1, None, r"\[0, 2\*\*63\)"),
        ("abc", 1, None, "1-D"),
        (["a", "b"], 1, None, "integers"),
        ([0, 1], -1, None, "order must be an integer >= 0"),
        ([0, 1], 1.0, None, "order must be an integer >= 0"),
        ([0, 1], True, None, "order must be an integer >= 0"),
        ([0, 3], 1, 3, "alphabet_size must be > the largest symbol"),
        ([0, 1], 1, 0, "alphabet_size must be an integer >= 1"),
        ([0, 1], 1, 2.0, "alphabet_size must be an integer >= 1"),
    ],
)
def test_bad_input_raises(symbols, order, size, match):
    with pytest.raises(ValueError, match=match):
        ngram_costs(symbols, order, size)
    with pytest.raises(ValueError, match=match):
        ngram_code_length(symbols, order, size)
