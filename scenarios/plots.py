"""Plots of rotas, pay and sweeps as PNG files (matplotlib, Agg backend).

Every function draws one figure, saves it to ``path`` and returns the path; none
shows a window. Money is in GBP/year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from simulator.compile import KIND_NROC, KIND_ONCALL, KIND_PARTIAL, CompiledRota  # noqa: E402
from simulator.model import MIN_PER_DAY  # noqa: E402

#: Heatmap categories: label and colour.
DUTY_CATEGORIES = (
    ("off", "#f4f4f4"),
    ("day shift", "#7fb3d5"),
    ("evening / long day", "#2e86c1"),
    ("night shift", "#1b2631"),
    ("partial shift", "#af7ac5"),
    ("resident on-call", "#e67e22"),
    ("non-resident on-call", "#f7dc6f"),
)
#: Night shift: starts at or after this clock time (min) or before 05:00.
NIGHT_FROM_MIN = 19 * 60
#: Evening / long day: ends after this many minutes after midnight of its start day.
LONG_END_MIN = 19 * 60 + 30
#: Pay components of the waterfall: (column in compare lines, label).
WATERFALL_2026 = (
    ("basic", "basic"),
    ("additional_hours", "additional hours"),
    ("unsocial", "unsocial"),
    ("nroc_availability", "NROC availability"),
    ("nroc_work", "NROC work"),
    ("premia", "premia"),
)


def _save(fig, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def duty_grid(compiled: CompiledRota) -> np.ndarray:
    """Category (index into :data:`DUTY_CATEGORIES`) of each line and cycle day.

    Returns
    -------
    ndarray of int8, shape (n_lines, n_days)
        The duty starting that day (the longest when several start the same day;
        a day spent only in a duty that started the day before shows that duty).
    """
    grid = np.zeros((compiled.n_lines, compiled.n_days), dtype=np.int8)
    for i in range(compiled.n_lines):
        sl = compiled.line_slice(i)
        for start, length, kind in zip(
            compiled.start_min[sl], compiled.duration_min[sl], compiled.kind[sl], strict=True
        ):
            day = int(start) // MIN_PER_DAY
            clock = int(start) % MIN_PER_DAY
            if kind == KIND_NROC:
                cat = 6
            elif kind == KIND_ONCALL:
                cat = 5
            elif kind == KIND_PARTIAL:
                cat = 4
            elif clock >= NIGHT_FROM_MIN or clock < 5 * 60:
                cat = 3
            elif clock + int(length) > LONG_END_MIN:
                cat = 2
            else:
                cat = 1
            # resident work wins over NROC on a shared day (D+OC shows as the day)
            if grid[i, day] == 0 or (grid[i, day] == 6 and cat != 6):
                grid[i, day] = cat
    return grid


def rota_heatmap(
    compiled: CompiledRota, path: str | Path, *, title: str = "", max_lines: int = 60
) -> Path:
    """Heatmap of a line set: cycle days across, lines down, coloured by duty kind.

    Parameters
    ----------
    compiled
        The lines.
    path
        PNG file to write.
    title
        Figure title.
    max_lines
        Draw at most this many lines (the first ones).
    """
    grid = duty_grid(compiled)[:max_lines]
    n_lines, n_days = grid.shape
    fig, ax = plt.subplots(figsize=(min(3 + 0.16 * n_days, 18), 1.2 + 0.3 * n_lines))
    cmap = ListedColormap([c for _, c in DUTY_CATEGORIES])
    ax.imshow(
        grid,
        aspect="auto",
        cmap=cmap,
        vmin=0,
        vmax=len(DUTY_CATEGORIES) - 1,
        interpolation="nearest",
    )
    ax.set_yticks(range(n_lines), compiled.line_ids[:n_lines], fontsize=7)
    ax.set_xticks(range(0, n_days, 7), [f"wk{w + 1}" for w in range(0, n_days // 7)], fontsize=7)
    for x in range(7, n_days, 7):
        ax.axvline(x - 0.5, color="white", lw=1.2)
    ax.set_xlabel("cycle day (weeks start on Monday)")
    ax.set_title(title or "Rota")
    ax.legend(
        handles=[Patch(color=c, label=label) for label, c in DUTY_CATEGORIES],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        frameon=False,
    )
    return _save(fig, path)


def pay_waterfall(lines: Sequence[Mapping], path: str | Path, *, title: str = "") -> Path:
    """Per-line pay waterfalls: 2002 basic + band supplement, then the 2026 components.

    Parameters
    ----------
    lines
        Lines of a :func:`simulator.contracts.compare` result (``pay_2002``,
        ``pay_2026``, ``band_2002``, ``id``), one panel each (at most 6 drawn).
    path
        PNG file to write.
    """
    lines = list(lines)[:6]
    n = max(len(lines), 1)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.6 * rows), squeeze=False)
    for ax in axes.flat[len(lines) :]:
        ax.axis("off")
    for ax, line in zip(axes.flat, lines, strict=False):
        p02, p26 = line["pay_2002"], line["pay_2026"]
        steps = [
            ("2002 basic", p02["basic"], "#5d6d7e"),
            (f"band {line['band_2002']}", p02["supplement"], "#aab7b8"),
        ]
        labels, bottoms, heights, colours = [], [], [], []
        level = 0.0
        for label, value, colour in steps:
            labels.append(label)
            bottoms.append(level)
            heights.append(value)
            colours.append(colour)
            level += value
        labels.append("2002 total")
        bottoms.append(0.0)
        heights.append(p02["total"])
        colours.append("#34495e")
        level = 0.0
        for key, label in WATERFALL_2026:
            value = float(p26[key])
            if value == 0 and key != "basic":
                continue
            labels.append(label)
            bottoms.append(level)
            heights.append(value)
            colours.append("#52be80")
            level += value
        labels.append("2026 total")
        bottoms.append(0.0)
        heights.append(p26["total"])
        colours.append("#1e8449")
        x = np.arange(len(labels))
        ax.bar(x, heights, bottom=bottoms, color=colours)
        ax.set_xticks(x, labels, rotation=45, ha="right", fontsize=7)
        ax.set_ylabel("GBP/year")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e3:,.0f}k"))
        change = p26["total"] - p02["total"]
        ax.set_title(f"{line['id']}: change {change:+,.0f}", fontsize=9)
    fig.suptitle(title or "Pay by component: 2002 vs 2026")
    fig.tight_layout()
    return _save(fig, path)


def winners_losers_histogram(
    change_gbp: pd.Series | np.ndarray,
    grade: Sequence[str],
    path: str | Path,
    *,
    title: str = "",
    bins: int = 20,
) -> Path:
    """Histogram of pay change (2026 − 2002, GBP/year) stacked by grade."""
    change = np.asarray(change_gbp, dtype=np.float64)
    grade = np.asarray(grade, dtype=object)
    fig, ax = plt.subplots(figsize=(7, 4))
    groups = [g for g in ("F1", "F2", "CT", "ST") if (grade == g).any()]
    data = [change[grade == g] for g in groups]
    if change.size:
        edges = np.histogram_bin_edges(change, bins=bins)
        ax.hist(data, bins=edges, stacked=True, label=groups)
    ax.axvline(0.0, color="black", lw=1)
    winners, losers = int((change > 0.005).sum()), int((change < -0.005).sum())
    ax.set_xlabel("pay change, 2026 − 2002 (GBP/year)")
    ax.set_ylabel("lines")
    ax.set_title(title or f"Winners {winners}, losers {losers}")
    if groups:
        ax.legend(title="grade")
    return _save(fig, path)


def protection_over_years(table: pd.DataFrame, path: str | Path, *, title: str = "") -> Path:
    """Stacked bars of protection cost by year and grade.

    Parameters
    ----------
    table
        Rows indexed by pay year, one column per grade, GBP/year.
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    bottom = np.zeros(len(table))
    for col in table.columns:
        values = table[col].to_numpy(dtype=np.float64)
        ax.bar(table.index.astype(str), values, bottom=bottom, label=str(col))
        bottom += values
    ax.set_ylabel("protection cost (GBP/year)")
    ax.set_xlabel("pay year")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e3:,.0f}k"))
    ax.set_title(title or "Pay protection cost until it runs off")
    if len(table.columns):
        ax.legend(title="grade")
    return _save(fig, path)


def pay_bill_over_years(table: pd.DataFrame, path: str | Path, *, title: str = "") -> Path:
    """Lines of pay bill by year (columns: series such as paid, 2002 only, 2026 only)."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for col in table.columns:
        ax.plot(table.index.astype(str), table[col].to_numpy(), marker="o", label=str(col))
    ax.set_ylabel("pay bill (GBP/year)")
    ax.set_xlabel("pay year")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e6:,.2f}m"))
    ax.set_title(title or "Total pay bill by year")
    ax.legend()
    return _save(fig, path)


def restoration_trajectory(table: pd.DataFrame, path: str | Path, *, title: str = "") -> Path:
    """Erosion gap by year per restoration path (from ``measures.restoration_table``)."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, g in table.groupby("path", sort=False):
        ax.plot(g["year"], 100 * g["erosion_gap"], marker="o", label=str(name))
    ax.axhline(0.0, color="black", lw=1)
    ax.set_ylabel("real-terms pay erosion (%)")
    ax.set_xlabel("pay year")
    ax.set_title(title or "Pay restoration trajectory")
    ax.legend()
    return _save(fig, path)


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
    the band shows their minimum and maximum.

    Parameters
    ----------
    summary
        One row per run with grid columns and measure columns.
    params
        Grid columns (x axes).
    measures
        Measure columns (y axes).
    """
    params = [p for p in params if p in summary.columns] or ["seed"]
    fig, axes = plt.subplots(
        len(measures),
        len(params),
        figsize=(4.6 * len(params), 3.0 * len(measures)),
        squeeze=False,
    )
    for r, measure in enumerate(measures):
        for c, param in enumerate(params):
            ax = axes[r, c]
            if summary.empty or measure not in summary.columns:
                ax.axis("off")
                continue
            g = summary.groupby(param)[measure].agg(["mean", "min", "max"]).sort_index()
            x = g.index.to_numpy()
            numeric = np.issubdtype(np.asarray(x).dtype, np.number)
            xs = x if numeric else np.arange(len(x))
            ax.plot(xs, g["mean"], marker="o")
            ax.fill_between(xs, g["min"], g["max"], alpha=0.2)
            if not numeric:
                ax.set_xticks(xs, [str(v) for v in x])
            ax.set_xlabel(param, fontsize=8)
            ax.set_ylabel(measure, fontsize=8)
    fig.suptitle(title or "Sweep response curves")
    fig.tight_layout()
    return _save(fig, path)
