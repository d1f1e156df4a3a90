import math
import re
from pathlib import Path

import numpy as np
import pytest

from rdlib import ARTIFACT_TRAIL_RANGE_2025, FACTORY_2025, ratio_from_removed
from rdlib.evidence import (
    BELLARD_TSZIP_ALICE29,
    BROWN_1992,
    COVER_KING_1978,
    PUBLISHED_TEXT_RATES,
)

BIB = (Path(__file__).resolve().parent.parent / "references.bib").read_text()


def test_ratio_from_removed_values():
    assert ratio_from_removed(0.0) == 1.0
    assert ratio_from_removed(75.0) == 4.0
    np.testing.assert_allclose(ratio_from_removed([50.0, 90.0]), [2.0, 10.0], rtol=1e-14)
    assert type(ratio_from_removed(50)) is float


@pytest.mark.parametrize("bad", [-1.0, 100.0, 120.0, math.nan, [50.0, 100.0]])
def test_ratio_from_removed_bad_input(bad):
    with pytest.raises(ValueError, match=r"percent_removed must be in \[0, 100\)"):
        ratio_from_removed(bad)


def test_factory_records_as_published():
    got = {(r.system, r.score, r.percent_removed) for r in FACTORY_2025}
    assert got == {("Factory", 3.70, 98.6), ("Anthropic", 3.44, 98.7), ("OpenAI", 3.35, 99.3)}
    assert [round(r.ratio) for r in FACTORY_2025] == [71, 77, 143]
    assert all(0 <= r.score <= 5 and "LLM judge" in r.judge for r in FACTORY_2025)
    assert ARTIFACT_TRAIL_RANGE_2025 == (2.19, 2.45)


def test_every_record_cites_an_entry_in_references_bib():
    keys = set(re.findall(r"@\w+\{([^,]+),", BIB))
    assert {r.source for r in FACTORY_2025} <= keys


def test_published_text_rates_are_the_cited_figures():
    got = {(r.method, r.text, r.value, r.unit, r.source) for r in PUBLISHED_TEXT_RATES}
    assert got == {
        ("xz", "alice29.txt", 2.551, "bits per byte", "bellard_tszip"),
        ("ts_zip (RWKV 169M v4)", "alice29.txt", 1.142, "bits per byte", "bellard_tszip"),
        (
            "word trigram model",
            "Brown Corpus",
            1.75,
            "bits per character (printable ASCII)",
            "brown1992",
        ),
        (
            "human gamblers",
            "English text, 26 letters and space",
            1.3,
            "bits per symbol (27-symbol alphabet)",
            "cover1978",
        ),
    }
    assert BROWN_1992.kind == "upper bound" and COVER_KING_1978.kind == "estimate"
    assert {r.kind for r in BELLARD_TSZIP_ALICE29} == {"compressed size"}


def test_bellard_rates_agree_with_the_byte_counts_on_his_page():
    # bellard.org/ts_zip: alice29.txt is 152,089 bytes; xz 48,492 and ts_zip 21,713 bytes.
    xz, ts_zip = BELLARD_TSZIP_ALICE29
    assert round(8 * 48_492 / 152_089, 3) == xz.value
    assert round(8 * 21_713 / 152_089, 3) == ts_zip.value


def test_every_published_rate_cites_an_entry_in_references_bib():
    keys = set(re.findall(r"@\w+\{([^,]+),", BIB))
    assert {r.source for r in PUBLISHED_TEXT_RATES} <= keys


def test_published_rates_print_the_digits_their_sources_gave():
    from rdlib.evidence import BROWN_1992, COVER_KING_1978

    assert (COVER_KING_1978.formatted(), BROWN_1992.formatted()) == ("1.3", "1.75")
