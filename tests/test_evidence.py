import math
import re
from pathlib import Path

import numpy as np
import pytest

from rdlib import ARTIFACT_TRAIL_RANGE_2025, FACTORY_2025, ratio_from_removed

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
