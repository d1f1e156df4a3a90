"""Figure regressions: the plots rdlib's helpers draw, against reviewed baseline images.

Run with ``pytest --mpl`` (``make unit`` does); regenerate the baselines with
``make baselines`` after an intended change, and look at them before committing.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rdlib import (
    PALETTE,
    distortion_rate_gaussian,
    plot_distortion_rate,
    plot_rate_distortion,
    rate_distortion_bernoulli,
    rate_distortion_gaussian,
    use_book_style,
)
from rdlib.plotting import STYLE

BASELINE = "data/baseline"


COMPARE = {
    "baseline_dir": BASELINE,
    "tolerance": 2,
    "style": STYLE,  # the book's style file, not pytest-mpl's default "classic"
    "savefig_kwargs": {"dpi": 80, "bbox_inches": "tight"},
}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_style_is_applied_by_use_book_style():
    with matplotlib.rc_context():
        use_book_style()
        assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE["blue"]


@pytest.mark.mpl_image_compare(**COMPARE)
def test_rate_distortion_figure():
    fig, ax = plt.subplots(figsize=(5, 3.5))
    D = np.linspace(1e-3, 1.2, 300)
    plot_rate_distortion(
        D, rate_distortion_gaussian(1.0, D), ax=ax, label="Gaussian, $\\sigma^2 = 1$"
    )
    Db = np.linspace(0, 0.5, 200)
    plot_rate_distortion(
        Db,
        rate_distortion_bernoulli(0.5, Db),
        ax=ax,
        color=PALETTE["vermillion"],
        label="fair bit, Hamming",
    )
    ax.legend()
    return fig


@pytest.mark.mpl_image_compare(**COMPARE)
def test_distortion_rate_figure_log_scale():
    fig, ax = plt.subplots(figsize=(5, 3.5))
    R = np.linspace(0, 5, 200)
    plot_distortion_rate(R, distortion_rate_gaussian(1.0, R), ax=ax, log_distortion=True)
    return fig
