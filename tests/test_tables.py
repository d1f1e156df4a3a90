import math

import pytest

from rdlib import format_table


def test_layout_multiline_headers_and_rule():
    text = format_table(["Name", "Value\n(bits)"], [["a", 1.5], ["bb", math.inf]], ["{}", "{:.2f}"])
    assert text.splitlines() == [
        "Name   Value",
        "      (bits)",
        "============",
        "   a    1.50",
        "  bb     inf",
    ]


def test_custom_template_rule_and_gap():
    text = format_table(["r"], [[6.42], [math.inf]], ["{:.1f}:1"], rule="-", gap=3)
    assert text.splitlines() == ["    r", "-----", "6.4:1", "inf:1"]
    assert "=" not in format_table(["x"], [[1]], ["{}"], rule="")


def test_none_prints_as_missing():
    text = format_table(["a", "b"], [[1.0, None]], ["{:.1f}", "{:.1f}"])
    assert text.splitlines()[-1] == "1.0  —"
    text = format_table(["a", "b"], [[1.0, None]], ["{:.1f}", "{:.1f}"], missing="n/a")
    assert text.splitlines()[-1] == "1.0  n/a"


def test_left_aligned_column():
    text = format_table(
        ["Method", "MSE"], [["short", 0.5], ["much longer", 0.25]], ["{}", "{:.2f}"], align="<>"
    )
    assert text.splitlines() == [
        "Method        MSE",
        "=================",
        "short        0.50",
        "much longer  0.25",
    ]


def test_empty_body_prints_header():
    assert format_table(["a", "b"], [], ["{}", "{}"]).splitlines() == ["a  b", "===="]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"headers": []}, "headers must name at least one column"),
        ({"formats": ["{}"]}, r"formats must have one template per column \(2\)"),
        ({"rows": [[1]]}, r"rows\[0\] must have 2 values"),
        ({"formats": ["{:d}", "{}"], "rows": [[1.5, 2]]}, r"formats\[0\] = '\{:d\}' cannot format"),
        ({"rule": "=="}, "rule must be a single character"),
        ({"gap": 0}, "gap must be an integer >= 1"),
        ({"align": "<"}, r"align must be one '<' or '>' per column \(2\)"),
        ({"align": "<^"}, "align must be one"),
    ],
)
def test_bad_input(kwargs, match):
    args = {"headers": ["a", "b"], "rows": [[1, 2]], "formats": ["{}", "{}"]} | kwargs
    with pytest.raises(ValueError, match=match):
        format_table(**args)
