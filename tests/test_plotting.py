import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

import rdlib.plotting
from rdlib import (
    PALETTE,
    plot_distortion_rate,
    plot_rate_distortion,
    show_figure,
    use_book_style,
)
from rdlib.plotting import STYLE


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
    matplotlib.rcdefaults()


def test_style_ships_with_the_package_and_uses_the_palette():
    assert Path(STYLE).is_file()
    use_book_style()
    cycle = [to_hex(c["color"]).upper() for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert cycle == [c.upper() for c in PALETTE.values()]


def test_rate_distortion_plot_draws_and_labels():
    _, ax = plt.subplots()
    D = np.array([0.0, 0.25, 0.5, 1.0])
    R = np.array([math.inf, 1.0, 0.5, 0.0])
    out = plot_rate_distortion(D, R, ax=ax, label="curve")
    assert out is ax
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), D)
    assert ax.get_xlim()[0] == 0 and ax.get_ylim()[0] == 0
    assert "bits" in ax.get_ylabel()


def test_distortion_rate_plot_on_current_axes():
    plt.figure()
    ax = plot_distortion_rate([0, 1, 2], [1, 0.25, 0.0625])
    assert ax is plt.gca()
    assert "bits" in ax.get_xlabel()
    assert ax.get_yscale() == "linear"


@pytest.mark.parametrize("func", [plot_rate_distortion, plot_distortion_rate])
def test_bad_input(func):
    with pytest.raises(ValueError, match="same length"):
        func([0, 1], [1, 2, 3])
    with pytest.raises(ValueError, match=r"must be in \[0, inf\]"):
        func([0, -1], [1, 2])
    with pytest.raises(ValueError, match=r"must be in \[0, inf\]"):
        func([0, 1], [1, math.nan])
    with pytest.raises(ValueError, match="ax must be a matplotlib Axes"):
        func([0, 1], [1, 2], ax="left")


def test_show_figure_outside_ipython_closes_the_figure():
    fig, _ = plt.subplots()
    show_figure(fig)
    assert not plt.fignum_exists(fig.number)


def test_show_figure_in_ipython_displays_png_only(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(rdlib.plotting, "_ipython_active", lambda: True)
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    plt.figure(figsize=(5, 3))
    show_figure()  # the current figure
    ((bundle, kwargs),) = shown
    assert list(bundle) == ["image/png"]
    assert bundle["image/png"].startswith(b"\x89PNG")
    assert kwargs == {"raw": True, "metadata": {"image/png": {"width": 500}}}
    assert plt.get_fignums() == []


def test_show_figure_bad_input():
    with pytest.raises(ValueError, match="fig must be a matplotlib Figure"):
        show_figure("figure 1")
