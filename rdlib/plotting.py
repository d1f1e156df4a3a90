"""The book's figure style and the plotting helpers the chapters share.

Every figure in the book is drawn after :func:`use_book_style`, which applies
``book.mplstyle`` (shipped inside rdlib): the colour-blind-safe Okabe–Ito
palette, light grids and no top or right spines. Rates are labelled in bits.
"""

from __future__ import annotations

import io
from importlib import resources
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ._validate import check_nonnegative

__all__ = [
    "PALETTE",
    "STYLE",
    "plot_distortion_rate",
    "plot_rate_distortion",
    "show_figure",
    "use_book_style",
]

#: The Okabe–Ito colours by name, in the order of the style's colour cycle: blue,
#: vermillion, green, purple, orange, sky, black, yellow.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}

#: Path of the style sheet shipped with rdlib.
STYLE: str = str(resources.files("rdlib") / "book.mplstyle")


def use_book_style() -> None:
    """Apply the book's matplotlib style to every figure drawn from now on.

    Examples
    --------
    >>> use_book_style()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["axes.spines.top"]
    False
    """
    plt.style.use(STYLE)


def _ipython_active() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return False
    return get_ipython() is not None


def show_figure(fig: Figure | None = None) -> None:
    """Show a figure in a notebook as a PNG image only, then close it.

    Jupyter's inline display stores a text repr (``<Figure size …>``) beside
    every figure; chapters call this instead, so their stored outputs hold
    the image and nothing else. Outside IPython the figure is just closed:
    save it with ``fig.savefig`` first if you want it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure, optional
        The figure to show; the current figure by default.

    Raises
    ------
    ValueError
        If `fig` is neither a matplotlib Figure nor None.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> show_figure(fig)  # in a notebook, the image appears here
    >>> plt.fignum_exists(fig.number)
    False
    """
    if fig is None:
        fig = plt.gcf()
    if not isinstance(fig, Figure):
        raise ValueError(f"fig must be a matplotlib Figure or None; got {type(fig).__name__}")
    if _ipython_active():
        from IPython.display import display

        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        # Shown at the figure's nominal size (100 px per inch), so the
        # higher-resolution PNG stays sharp on dense screens.
        width = round(fig.get_figwidth() * 100)
        display({"image/png": buf.getvalue()}, raw=True, metadata={"image/png": {"width": width}})
    plt.close(fig)


def _curve(
    x: ArrayLike, y: ArrayLike, xname: str, yname: str, ax: Axes | None
) -> tuple[np.ndarray, np.ndarray, Axes]:
    xs = check_nonnegative(x, xname)
    ys = check_nonnegative(y, yname)
    if xs.ndim != 1 or xs.shape != ys.shape:
        raise ValueError(
            f"{xname} and {yname} must be 1-D arrays of the same length; "
            f"got shapes {xs.shape} and {ys.shape}"
        )
    if ax is not None and not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    return xs, ys, (ax if ax is not None else plt.gca())


def plot_rate_distortion(
    D: ArrayLike,
    R: ArrayLike,
    *,
    ax: Axes | None = None,
    distortion_label: str = "Distortion $D$",
    rate_label: str = "Rate $R(D)$ (bits per symbol)",
    **line_kwargs: Any,
) -> Axes:
    """Draw a rate–distortion curve, distortion across and rate up.

    Parameters
    ----------
    D, R : array_like, shape (k,)
        Distortions and the rates in bits that go with them; both >= 0
        (``inf`` rates, as at D = 0, are left off the plot by matplotlib).
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default.
    distortion_label, rate_label : str, optional
        Axis labels, with units.
    **line_kwargs
        Passed on to ``matplotlib.axes.Axes.plot`` (``label``, ``color``…).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on, with both axes starting at 0.

    Raises
    ------
    ValueError
        If `D` or `R` is negative or NaN, or their shapes differ.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_rate_distortion([0.1, 0.5, 1.0], [1.66, 0.5, 0.0], ax=ax)
    >>> ax.get_ylabel()
    'Rate $R(D)$ (bits per symbol)'
    >>> plt.close(fig)
    """
    xs, ys, ax = _curve(D, R, "D", "R", ax)
    ax.plot(xs, ys, **line_kwargs)
    ax.set_xlabel(distortion_label)
    ax.set_ylabel(rate_label)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    return ax


def plot_distortion_rate(
    R: ArrayLike,
    D: ArrayLike,
    *,
    ax: Axes | None = None,
    rate_label: str = "Rate $R$ (bits per symbol)",
    distortion_label: str = "Distortion $D(R)$",
    log_distortion: bool = False,
    **line_kwargs: Any,
) -> Axes:
    """Draw a distortion–rate curve, rate across and distortion up.

    Parameters
    ----------
    R, D : array_like, shape (k,)
        Rates in bits and the distortions that go with them; both >= 0.
    ax : matplotlib.axes.Axes, optional
        Where to draw; the current axes by default.
    rate_label, distortion_label : str, optional
        Axis labels, with units.
    log_distortion : bool, optional
        Put the distortion on a logarithmic axis (then `D` should be > 0).
    **line_kwargs
        Passed on to ``matplotlib.axes.Axes.plot``.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        If `R` or `D` is negative or NaN, or their shapes differ.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_distortion_rate([0, 1, 2], [1.0, 0.25, 0.0625], ax=ax, log_distortion=True)
    >>> ax.get_yscale()
    'log'
    >>> plt.close(fig)
    """
    xs, ys, ax = _curve(R, D, "R", "D", ax)
    ax.plot(xs, ys, **line_kwargs)
    ax.set_xlabel(rate_label)
    ax.set_ylabel(distortion_label)
    ax.set_xlim(left=0)
    if log_distortion:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    return ax
