"""Shared look of the report plots: fonts, saving, pound and percent axes.

Matplotlib uses the Agg backend (files only, no window). :func:`styled` draws a
function's figure with fonts of at least 9 pt without touching the global
``rcParams`` of the caller.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axis import Axis  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from .report_format import money_short  # noqa: E402

#: Font sizes of every report plot (points).
STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "figure.titlesize": 12,
    "axes.formatter.useoffset": False,
}
#: Resolution of saved PNGs (dots per inch).
DPI = 110

P = ParamSpec("P")
R = TypeVar("R")


def styled(func: Callable[P, R]) -> Callable[P, R]:
    """Run a plotting function under :data:`STYLE`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with plt.rc_context(STYLE):
            return func(*args, **kwargs)

    return wrapper


def save(fig: Figure, path: str | Path) -> Path:
    """Save a figure as PNG (creating the folder), close it and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return path


def pounds(axis: Axis) -> None:
    """Label an axis in compact pounds (``£1.9m``, ``−£10k``)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _: money_short(v)))


def percents(axis: Axis, *, scale: float = 100.0, digits: int = 0) -> None:
    """Label an axis in percent; ``scale`` 100 for fractions, 1 for values already in %."""
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * scale:.{digits}f}%"))


def whole_numbers(axis: Axis) -> None:
    """Put ticks on whole numbers only (counts)."""
    axis.set_major_locator(MaxNLocator(integer=True))
