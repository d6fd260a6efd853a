"""Plots of rotas, pay and sweeps as PNG files (matplotlib, Agg backend).

Every function draws one figure, saves it to ``path`` and returns the path; none
shows a window. Money is in GBP/year, printed with ``£`` (``£40k``, ``−£10k``,
``£2.4m``); money axes start at zero. The rota grid is in :mod:`scenarios.plots_rota`
(re-exported here).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.axis import Axis  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from simulator.model import GRADES  # noqa: E402

from . import report_format as rf  # noqa: E402
from .plots_rota import (  # noqa: E402
    DUTY_CATEGORIES,
    duty_cells,
    duty_grid,
    duty_kinds_drawn,
    rota_figure,
    rota_heatmap,
)
from .plots_style import percents, pounds, save, styled, whole_numbers  # noqa: E402

__all__ = [
    "DUTY_CATEGORIES",
    "duty_cells",
    "duty_grid",
    "duty_kinds_drawn",
    "pay_bill_over_years",
    "pay_waterfall",
    "protection_over_years",
    "response_curves",
    "restoration_trajectory",
    "rota_figure",
    "rota_heatmap",
    "winners_losers_figure",
    "winners_losers_histogram",
    "zero_bin_edges",
]

#: Pay components of the waterfall: (key in compare ``pay_2026``, label).
WATERFALL_2026 = (
    ("basic", "basic"),
    ("additional_hours", "additional hours"),
    ("unsocial", "unsocial"),
    ("nroc_availability", "NROC availability"),
    ("nroc_work", "NROC work"),
    ("premia", "premia"),
)
#: Colours of the waterfall bars.
C_2002, C_2002_TOTAL, C_2026, C_2026_TOTAL = "#aab7b8", "#34495e", "#52be80", "#1e8449"
#: Grade colours (stable across plots).
GRADE_COLOURS = {
    "F1": "#1f77b4",
    "F2": "#ff7f0e",
    "CT": "#9467bd",
    "ST": "#2ca02c",
    "DCT": "#8c564b",
}


# ---------------------------------------------------------------------------
# Pay waterfall
# ---------------------------------------------------------------------------


def _mean_components(lines: Sequence[Mapping]) -> tuple[list[tuple[str, float, str]], float]:
    """Waterfall steps (label, mean GBP/year per line, colour) and the mean change."""
    n = max(len(lines), 1)

    def mean(part: str, key: str) -> float:
        return sum(float(ln[part][key]) for ln in lines) / n

    bands = sorted({str(ln["band_2002"]) for ln in lines})
    steps = [
        ("2002 basic", mean("pay_2002", "basic"), C_2002),
        (f"band {'/'.join(bands)} supplement", mean("pay_2002", "supplement"), C_2002),
        ("2002 total", mean("pay_2002", "total"), C_2002_TOTAL),
    ]
    for key, label in WATERFALL_2026:
        value = mean("pay_2026", key)
        if value != 0 or key == "basic":
            steps.append((f"2026 {label}" if key == "basic" else label, value, C_2026))
    steps.append(("2026 total", mean("pay_2026", "total"), C_2026_TOTAL))
    return steps, mean("pay_2026", "total") - mean("pay_2002", "total")


def _draw_waterfall(ax: Axes, label: str, lines: Sequence[Mapping]) -> None:
    steps, change = _mean_components(lines)
    bottoms, level = [], 0.0
    for name, value, _ in steps:
        if name.endswith("total"):
            bottoms.append(0.0)
            level = 0.0
        else:
            bottoms.append(level)
            level += value
    x = np.arange(len(steps))
    heights = [v for _, v, _ in steps]
    ax.bar(x, heights, bottom=bottoms, color=[c for _, _, c in steps])
    for xi, (name, value, _) in zip(x, steps, strict=True):
        if name.endswith("total"):
            ax.annotate(rf.money_short(value), (xi, value), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, [name for name, _, _ in steps], rotation=35, ha="right")
    ax.set_ylim(0, max(heights) * 1.15)
    pounds(ax.yaxis)
    ax.set_ylabel("£ a year, mean per line")
    who = f"{len(lines)} line{'s' if len(lines) != 1 else ''}"
    ax.set_title(f"{label} ({who})\nchange {rf.money(change, sign=True)} a year per line")


@styled
def pay_waterfall(
    groups: Mapping[str, Sequence[Mapping]] | Sequence[Mapping],
    path: str | Path,
    *,
    title: str = "",
) -> Path:
    """Pay waterfalls: 2002 basic + band supplement, then the 2026 components.

    Parameters
    ----------
    groups
        Panel label → lines of :func:`simulator.contracts.compare` results
        (``pay_2002``, ``pay_2026``, ``band_2002``), drawn as the mean per line of
        the group (one panel per rota or grade). A plain sequence of lines draws
        one panel per line.
    path
        PNG file to write.
    title
        Figure title.
    """
    if not isinstance(groups, Mapping):
        groups = {str(ln["id"]): [ln] for ln in groups}
    items = [(k, v) for k, v in groups.items() if len(v)]
    n = max(len(items), 1)
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.6 * cols, 4.4 * rows), squeeze=False)
    for ax in axes.flat[len(items) :]:
        fig.delaxes(ax)
    for ax, (label, lines) in zip(axes.flat, items, strict=False):
        _draw_waterfall(ax, label, lines)
    fig.suptitle(title or "Pay by component, 2002 contract vs 2026 contract (£ a year)")
    fig.tight_layout()
    return save(fig, path)


# ---------------------------------------------------------------------------
# Winners and losers
# ---------------------------------------------------------------------------


def _nice_step(span: float, bins: int) -> float:
    raw = max(span, 1.0) / max(bins, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= mult * power:
            return mult * power
    return 10.0 * power


def zero_bin_edges(values: np.ndarray, bins: int = 20) -> np.ndarray:
    """Histogram bin edges of round width with 0 as an edge, covering 0 and the values.

    No bin straddles zero, so a bar is all losers or all winners.

    Returns
    -------
    ndarray of float64
        Increasing edges; ``0.0`` is one of them.
    """
    v = np.asarray(values, dtype=np.float64)
    lo = min(float(v.min()), 0.0) if v.size else -1.0
    hi = max(float(v.max()), 0.0) if v.size else 1.0
    step = _nice_step(hi - lo, bins)
    first, last = math.floor(lo / step), math.ceil(hi / step)
    if last == math.floor(hi / step) and hi > 0:
        last += 1  # a value on the top edge still falls in a bin
    last = max(last, first + 1)
    return np.arange(first, last + 1, dtype=np.float64) * step


@styled
def winners_losers_figure(
    change_gbp: pd.Series | np.ndarray,
    grade: Sequence[str],
    *,
    title: str = "",
    bins: int = 20,
) -> Figure:
    """Draw the pay-change histogram (see :func:`winners_losers_histogram`)."""
    change = np.asarray(change_gbp, dtype=np.float64)
    grade = np.asarray(grade, dtype=object)
    fig, ax = plt.subplots(figsize=(8, 4.4))
    groups = [g for g in GRADES if (grade == g).any()]
    edges = zero_bin_edges(change, bins)
    if change.size:
        ax.hist(
            [change[grade == g] for g in groups],
            bins=edges,
            stacked=True,
            label=groups,
            color=[GRADE_COLOURS[g] for g in groups],
            edgecolor="white",
        )
    ax.axvspan(edges[0], 0.0, color="#fdecea", zorder=0)
    ax.axvline(0.0, color="black", lw=1)
    winners, losers = int((change > 0.005).sum()), int((change < -0.005).sum())
    top = ax.get_ylim()[1]
    ax.text(edges[0], top * 0.97, f" lose: {losers} lines", va="top", ha="left")
    ax.text(edges[-1], top * 0.97, f"gain: {winners} lines ", va="top", ha="right")
    pounds(ax.xaxis)
    whole_numbers(ax.yaxis)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel("pay change per line, 2026 contract − 2002 contract (£ a year)")
    ax.set_ylabel("lines")
    ax.set_title(title or f"{losers} lines lose pay, {winners} gain")
    if groups:
        ax.legend(title="grade", loc="center right")
    return fig


def winners_losers_histogram(
    change_gbp: pd.Series | np.ndarray,
    grade: Sequence[str],
    path: str | Path,
    *,
    title: str = "",
    bins: int = 20,
) -> Path:
    """Histogram of pay change (2026 − 2002, GBP/year) stacked by grade.

    Bins have a round width and zero is a bin edge (:func:`zero_bin_edges`); the
    losing side is shaded.
    """
    return save(winners_losers_figure(change_gbp, grade, title=title, bins=bins), path)


# ---------------------------------------------------------------------------
# Pay bill, protection, restoration
# ---------------------------------------------------------------------------


@styled
def protection_over_years(table: pd.DataFrame, path: str | Path, *, title: str = "") -> Path:
    """Stacked bars of protection cost by year and grade (grades with a cost only).

    Parameters
    ----------
    table
        Rows indexed by pay year, one column per grade, GBP/year.
    """
    fig, ax = plt.subplots(figsize=(8, 4.4))
    x = table.index.astype(str)
    bottom = np.zeros(len(table))
    for col in table.columns:
        values = table[col].to_numpy(dtype=np.float64)
        if not (values > 0.005).any():
            continue
        colour = GRADE_COLOURS.get(str(col))
        ax.bar(x, values, bottom=bottom, label=str(col), color=colour)
        bottom += values
    for xi, total in zip(x, bottom, strict=True):
        ax.annotate(rf.money_short(total), (xi, total), ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max(float(bottom.max(initial=0.0)) * 1.15, 1.0))
    pounds(ax.yaxis)
    ax.set_ylabel("protection cost (£ a year)")
    ax.set_xlabel("pay year")
    ax.set_title(title or "Pay protection cost until it runs off")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(title="grade")
    return save(fig, path)


@styled
def pay_bill_over_years(
    table: pd.DataFrame, path: str | Path, *, title: str = "", reference: str | None = None
) -> Path:
    """Pay bill by year (left, from £0) and each series minus a reference (right).

    Parameters
    ----------
    table
        Rows indexed by pay year, one column per series (paid, all on 2002, …), GBP.
    reference
        Column the right panel subtracts (default: the first whose name has ``2002``).
    """
    if reference is None:
        reference = next((c for c in table.columns if "2002" in str(c)), table.columns[0])
    x = table.index.astype(str)
    fig, (ax, dx) = plt.subplots(1, 2, figsize=(12, 4.4), gridspec_kw={"width_ratios": [1, 1]})
    for col in table.columns:
        ax.plot(x, table[col].to_numpy(), marker="o", label=str(col))
    ax.set_ylim(0, float(table.to_numpy().max()) * 1.1)
    pounds(ax.yaxis)
    ax.set_ylabel("pay bill (£ a year)")
    ax.set_xlabel("pay year")
    ax.set_title("Total pay bill (axis from £0)")
    ax.legend(loc="lower right")
    others = [c for c in table.columns if c != reference]
    width = 0.8 / max(len(others), 1)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, col in enumerate(others):
        diff = (table[col] - table[reference]).to_numpy(dtype=np.float64)
        pos = np.arange(len(x)) + (k - (len(others) - 1) / 2) * width
        colour = colours[list(table.columns).index(col) % len(colours)]
        dx.bar(pos, diff, width=width, label=str(col), color=colour)
    dx.axhline(0.0, color="black", lw=1)
    dx.set_xticks(np.arange(len(x)), x)
    pounds(dx.yaxis)
    dx.set_ylabel(f"difference from '{reference}' (£ a year)")
    dx.set_xlabel("pay year")
    dx.set_title(f"Compared with {reference}")
    dx.legend()
    fig.suptitle(title or "Pay bill by year")
    fig.tight_layout()
    return save(fig, path)


@styled
def restoration_trajectory(table: pd.DataFrame, path: str | Path, *, title: str = "") -> Path:
    """Erosion gap by year per restoration path (from ``measures.restoration_table``)."""
    fig, ax = plt.subplots(figsize=(8, 4.4))
    for name, g in table.groupby("path", sort=False):
        ax.plot(g["year"], g["erosion_gap"], marker="o", label=str(name).capitalize())
    ax.axhline(0.0, color="black", lw=1)
    percents(ax.yaxis)
    ax.set_ylabel("real-terms pay erosion (%)")
    ax.set_xlabel("pay year")
    ax.set_title(title or "Pay restoration trajectory (0% = pay fully restored)")
    ax.legend()
    return save(fig, path)


# ---------------------------------------------------------------------------
# Sweeps
# ---------------------------------------------------------------------------


def _format_axis(axis: Axis, code: str) -> None:
    k = rf.kind(code)
    if k in ("money", "change"):
        pounds(axis)
    elif k == "percent":
        percents(axis, digits=1)
    elif k in ("count", "year", "pay_year"):
        whole_numbers(axis)


@styled
def response_curves(
    summary: pd.DataFrame,
    params: Sequence[str],
    measures: Sequence[str],
    path: str | Path,
    *,
    title: str = "",
) -> Path:
    """Sweep response curves: each measure against each grid parameter.

    The measure is averaged over seeds and the other grid parameters at each value;
    the band shows their minimum and maximum. Axes carry plain labels with units
    (:func:`scenarios.report_format.label`); money in £k / £m, money axes from £0.

    Parameters
    ----------
    summary
        One row per run with grid columns and measure columns.
    params
        Grid columns (x axes).
    measures
        Measure columns (y axes); those absent from ``summary`` are left out.
    """
    params = [p for p in params if p in summary.columns] or ["seed"]
    measures = [m for m in measures if m in summary.columns] or list(measures)[:1]
    fig, axes = plt.subplots(
        len(measures), len(params), figsize=(5.0 * len(params), 3.4 * len(measures)), squeeze=False
    )
    for r, measure in enumerate(measures):
        for c, param in enumerate(params):
            ax = axes[r, c]
            if summary.empty or measure not in summary.columns:
                ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
                continue
            g = summary.groupby(param)[measure].agg(["mean", "min", "max"]).sort_index()
            x = g.index.to_numpy()
            numeric = np.issubdtype(np.asarray(x).dtype, np.number)
            xs = x if numeric else np.arange(len(x))
            ax.plot(xs, g["mean"], marker="o", label="mean")
            ax.fill_between(xs, g["min"], g["max"], alpha=0.2, label="min–max")
            if not numeric:
                ax.set_xticks(xs, [str(v) for v in x])
            if rf.kind(measure) in ("money", "count"):
                ax.set_ylim(0, max(float(g["max"].max()) * 1.1, 1.0))
            _format_axis(ax.yaxis, measure)
            if numeric:
                _format_axis(ax.xaxis, param)
                ax.set_xticks(np.unique(x))
            ax.set_xlabel(rf.label(param))
            ax.set_ylabel(rf.label(measure))
    axes[0, 0].legend(loc="best")
    fig.suptitle(title or "Sweep response curves: mean over seeds and other parameters")
    fig.tight_layout()
    return save(fig, path)
