import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rdlib import compression_gap_analysis, context_compression_analysis
from rdlib.context import vector_capacity

# The seed article's 200,000-token example, row by row:
# (ratio, compressed tokens, required bits per token, bits lost, feasible).
ARTICLE_ROWS = [
    (2, 100_000, 4.0, 0.0, True),
    (5, 40_000, 10.0, 0.0, True),
    (10, 20_000, 20.0, 60_000.0, False),
    (20, 10_000, 40.0, 230_000.0, False),
    (40, 5_000, 80.0, 315_000.0, False),
    (80, 2_500, 160.0, 357_500.0, False),
    (100, 2_000, 200.0, 366_000.0, False),
]


def test_article_example():
    result = context_compression_analysis(200_000)
    assert result.total_bits == 400_000
    assert result.threshold_ratio == 8.5
    got = [
        (r.ratio, r.compressed_tokens, r.required_rate, r.bits_lost, r.feasible)
        for r in result.rows
    ]
    assert got == ARTICLE_ROWS


def test_table_layout():
    lines = context_compression_analysis(200_000).table().splitlines()
    assert lines[0].split() == ["Ratio", "Compressed", "Required", "R", "Info", "Loss", "Feasible"]
    assert lines[2].split() == ["2:1", "100,000", "4.0", "0", "✓", "Lossless"]
    assert lines[-1].split() == ["100:1", "2,000", "200.0", "366,000", "✗", "Lose", "366000b"]


def test_numpy_numbers_are_accepted():
    import numpy as np

    result = context_compression_analysis(
        np.int64(200_000), np.float64(2.0), np.float32(17.0), ratios=np.array([10, 100])
    )
    assert result.original_tokens == 200_000 and type(result.original_tokens) is int
    assert [r.bits_lost for r in result.rows] == [60_000.0, 366_000.0]


def test_fraction_surviving_and_non_integer_ratio():
    result = context_compression_analysis(
        1_000, entropy_rate=2.0, token_capacity=17.0, ratios=(8.5, 17, 3)
    )
    assert [r.fraction_surviving for r in result.rows] == [1.0, 0.5, 1.0]
    assert result.rows[0].feasible  # exactly at the threshold: nothing lost
    assert result.rows[0].compressed_tokens == 117  # floor(1000 / 8.5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"original_tokens": 0}, "original_tokens must be an integer >= 1"),
        ({"original_tokens": -5}, "original_tokens must be an integer >= 1"),
        ({"original_tokens": 2.5}, "original_tokens must be an integer >= 1"),
        ({"original_tokens": True}, "original_tokens must be an integer >= 1"),
        ({"entropy_rate": 0.0}, "entropy_rate must be finite and > 0"),
        ({"entropy_rate": -1.0}, "entropy_rate must be finite and > 0"),
        ({"entropy_rate": math.nan}, "entropy_rate must be finite and > 0"),
        ({"entropy_rate": "2"}, "entropy_rate must be a real number"),
        ({"token_capacity": math.inf}, "token_capacity must be finite and > 0"),
        ({"token_capacity": 0}, "token_capacity must be finite and > 0"),
        ({"ratios": ()}, "ratios must be a non-empty sequence"),
        ({"ratios": (2, 0.5)}, r"ratios\[1\] must be >= 1"),
        ({"ratios": (math.nan,)}, r"ratios\[0\] must be finite and > 0"),
    ],
)
def test_context_bad_input(kwargs, match):
    args = {"original_tokens": 1_000} | kwargs
    with pytest.raises(ValueError, match=match):
        context_compression_analysis(**args)


@settings(deadline=None)
@given(
    n=st.integers(1, 10**7),
    h=st.floats(0.01, 20),
    cap=st.floats(1, 40),
    r1=st.floats(1, 500),
    r2=st.floats(1, 500),
)
def test_bits_lost_non_decreasing_in_ratio_and_zero_iff_feasible(n, h, cap, r1, r2):
    lo, hi = sorted((r1, r2))
    a, b = context_compression_analysis(n, h, cap, ratios=(lo, hi)).rows
    for row in (a, b):
        assert (row.bits_lost == 0) == (row.ratio * h <= cap) or row.compressed_tokens == 0
        assert row.bits_lost >= 0
    # More compression never loses fewer bits: (r h - C) floor(n / r) grows with r
    # while r h > C, up to the rounding of floor(); allow one token's worth.
    assert b.bits_lost >= a.bits_lost - (hi * h)


def test_gap_analysis_reproduces_article():
    gap = compression_gap_analysis()
    assert gap.ratio == 60
    assert gap.retention == pytest.approx(0.70)
    assert gap.distortion == pytest.approx(0.30)
    assert f"{gap.gaussian_rate:.3f}" == "0.868"
    assert f"{gap.rate_fraction:.4f}" == "0.0167"
    assert f"{gap.article_efficiency:.2f}" == "3.07"
    assert gap.max_fraction_surviving == pytest.approx(17 / 120)


def test_gap_analysis_full_score_and_high_capacity():
    gap = compression_gap_analysis(ratio=2, quality_score=5, token_capacity=17)
    assert gap.distortion == 0.0 and gap.gaussian_rate == math.inf
    assert gap.max_fraction_surviving == 1.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ratio": 0.5}, "ratio must be >= 1"),
        ({"ratio": math.nan}, "ratio must be finite and > 0"),
        ({"quality_score": 6}, r"quality_score must be in \[0, max_score\]"),
        ({"quality_score": -1}, r"quality_score must be in \[0, max_score\]"),
        ({"quality_score": math.nan}, r"quality_score must be in \[0, max_score\]"),
        ({"max_score": 0}, "max_score must be finite and > 0"),
        ({"sigma_sq": -1}, "sigma_sq must be finite and > 0"),
        ({"entropy_rate": 0}, "entropy_rate must be finite and > 0"),
        ({"token_capacity": math.nan}, "token_capacity must be finite and > 0"),
    ],
)
def test_gap_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        compression_gap_analysis(**kwargs)


@settings(deadline=None)
@given(
    r1=st.integers(1, 60),
    r2=st.integers(1, 60),
    t=st.integers(1, 1000),
    h=st.floats(0.01, 20),
    cap=st.floats(1, 40),
)
def test_bits_lost_strictly_monotone_when_ratios_divide_n(r1, r2, t, h, cap):
    # With m = n / r exact, bits lost = n (h - C / r) when r h > C: non-decreasing.
    lo, hi = sorted((r1, r2))
    a, b = context_compression_analysis(r1 * r2 * t, h, cap, ratios=(lo, hi)).rows
    assert b.bits_lost >= a.bits_lost - 1e-9 * max(1.0, a.bits_lost)
    assert (a.bits_lost == 0) == (lo * h <= cap)


def test_floor_can_make_bits_lost_dip_slightly():
    # n = 10, h = C = 1: r = 3 keeps 3 tokens and loses 6 bits; r = 3.4 keeps 2 and loses 4.8.
    a, b = context_compression_analysis(10, 1.0, 1.0, ratios=(3, 3.4)).rows
    assert (a.bits_lost, b.bits_lost) == (6.0, pytest.approx(4.8))


def test_vector_capacity_counts_bits_per_vector():
    import numpy as np

    assert vector_capacity(4096, 16) == 65_536
    assert vector_capacity(16_384, 4) == vector_capacity(4096, 16)
    assert vector_capacity(1, 1) == 1
    result = vector_capacity(np.int64(8192), np.int32(8))
    assert result == 65_536 and type(result) is int
    # A vector of W coordinates at b bits takes 2 ** (W b) values: for a tiny
    # vector, count them and compare with the number of bits.
    width, bits = 3, 2
    values = {tuple(v) for v in np.ndindex(*(2**bits,) * width)}
    assert math.log2(len(values)) == vector_capacity(width, bits)


@pytest.mark.parametrize(
    ("width", "bits", "match"),
    [
        (0, 16, "width must be an integer >= 1"),
        (-4096, 16, "width must be an integer >= 1"),
        (4096.0, 16, "width must be an integer >= 1"),
        (True, 16, "width must be an integer >= 1"),
        (4096, 0, "bits must be an integer >= 1"),
        (4096, 2.5, "bits must be an integer >= 1"),
        (4096, "16", "bits must be an integer >= 1"),
    ],
)
def test_vector_capacity_bad_input(width, bits, match):
    with pytest.raises(ValueError, match=match):
        vector_capacity(width, bits)
