"""The rota grid: lines down, cycle days across, each day coloured by the duties in it.

A day with two duties starting on it (``D+OC``: a day shift, then non-resident
on-call from home) is drawn as a split cell, the duties side by side in time order,
so every duty kind stays visible. Weekends (and bank holidays, when the rota has a
start date) are shaded; day letters and week numbers label the columns; the legend
lists only the kinds drawn.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.legend_handler import HandlerTuple  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from simulator.compile import KIND_NROC, KIND_ONCALL, KIND_PARTIAL, CompiledRota  # noqa: E402
from simulator.model import MIN_PER_DAY  # noqa: E402

from .plots_style import save, styled  # noqa: E402

#: Grid categories: label and colour (index 0 is a day with no duty starting).
DUTY_CATEGORIES = (
    ("off", "#ffffff"),
    ("day shift", "#7fb3d5"),
    ("evening / long day", "#2e86c1"),
    ("night shift", "#1b2631"),
    ("partial shift", "#af7ac5"),
    ("resident on-call", "#e67e22"),
    ("non-resident on-call", "#f4d03f"),
)
#: Category index of non-resident on-call.
NROC = 6
#: Night shift: starts at or after this clock time (min) or before 05:00.
NIGHT_FROM_MIN = 19 * 60
#: Evening / long day: ends after this many minutes after midnight of its start day.
LONG_END_MIN = 19 * 60 + 30
#: Most duties drawn in one cell.
MAX_PARTS = 3
#: Shade of weekend and bank-holiday columns.
WEEKEND_SHADE = "#d9d9d9"
DAY_LETTERS = ("M", "T", "W", "T", "F", "S", "S")


def duty_category(kind: int, start_min: int, length_min: int) -> int:
    """Grid category (index into :data:`DUTY_CATEGORIES`) of one duty."""
    clock = int(start_min) % MIN_PER_DAY
    if kind == KIND_NROC:
        return NROC
    if kind == KIND_ONCALL:
        return 5
    if kind == KIND_PARTIAL:
        return 4
    if clock >= NIGHT_FROM_MIN or clock < 5 * 60:
        return 3
    if clock + int(length_min) > LONG_END_MIN:
        return 2
    return 1


def duty_cells(compiled: CompiledRota) -> np.ndarray:
    """Categories of the duties starting on each line and cycle day, in time order.

    Returns
    -------
    ndarray of int8, shape (n_lines, n_days, MAX_PARTS)
        ``[i, d, :]`` lists the distinct categories of the duties line ``i`` starts
        on day ``d`` in start order, padded with 0 (``D+OC`` gives ``[1, 6, 0]``).
    """
    cells = np.zeros((compiled.n_lines, compiled.n_days, MAX_PARTS), dtype=np.int8)
    for i in range(compiled.n_lines):
        sl = compiled.line_slice(i)
        order = np.argsort(compiled.start_min[sl], kind="stable")
        starts = compiled.start_min[sl][order]
        lengths = compiled.duration_min[sl][order]
        kinds = compiled.kind[sl][order]
        for start, length, kind in zip(starts, lengths, kinds, strict=True):
            day = int(start) // MIN_PER_DAY
            cat = duty_category(int(kind), int(start), int(length))
            row = cells[i, day]
            free = np.flatnonzero(row == 0)
            if cat not in row and free.size:
                row[free[0]] = cat
    return cells


def duty_grid(compiled: CompiledRota) -> np.ndarray:
    """One category per line and day: the first duty starting that day (0 when none).

    Returns
    -------
    ndarray of int8, shape (n_lines, n_days)
    """
    return duty_cells(compiled)[:, :, 0].copy()


def _cell_patches(cells: np.ndarray, gap: float = 0.08) -> tuple[list[Rectangle], list[str]]:
    patches, colours = [], []
    for (i, d), parts in np.ndenumerate(np.count_nonzero(cells, axis=2)):
        width = (1.0 - gap) / max(parts, 1)
        for k in range(parts):
            x = d - 0.5 + gap / 2 + k * width
            patches.append(Rectangle((x, i - 0.5 + gap / 2), width, 1.0 - gap))
            colours.append(DUTY_CATEGORIES[cells[i, d, k]][1])
    return patches, colours


def _shade_days(ax: Axes, compiled: CompiledRota, n_days: int) -> str:
    """Shade weekend and bank-holiday columns; return the legend label of the shade."""
    holiday = np.asarray(compiled.bank_holiday, dtype=bool)[:n_days]
    weekend = (np.arange(n_days) % 7) >= 5
    for d in np.flatnonzero(weekend | holiday):
        ax.axvspan(d - 0.5, d + 0.5, color=WEEKEND_SHADE, zorder=0, lw=0)
    return "weekend or bank holiday" if (holiday & ~weekend).any() else "weekend"


def _label_days(ax: Axes, n_days: int, day_width_in: float) -> None:
    """Day letters below (when wide enough), week numbers above."""
    if day_width_in >= 0.11:
        ax.set_xticks(range(n_days), [DAY_LETTERS[d % 7] for d in range(n_days)])
        ax.tick_params(axis="x", length=0)
    else:
        ax.set_xticks(range(0, n_days, 7), ["M"] * len(range(0, n_days, 7)))
    weeks = n_days // 7
    step = 1 if weeks <= 13 else 4
    top = ax.secondary_xaxis("top")
    top.set_xticks(
        [7 * w + 3 for w in range(0, weeks, step)], [f"week {w + 1}" for w in range(0, weeks, step)]
    )
    top.tick_params(axis="x", length=0)
    for x in range(7, n_days, 7):
        ax.axvline(x - 0.5, color="#555555", lw=0.8, zorder=3)


def duty_kinds_drawn(cells: np.ndarray) -> list[str]:
    """Labels of the duty kinds and same-day combinations in :func:`duty_cells` output."""
    present = sorted(set(np.unique(cells).tolist()) - {0})
    labels = [DUTY_CATEGORIES[c][0] for c in present]
    combos = {tuple(int(v) for v in p if v) for p in cells.reshape(-1, MAX_PARTS) if p[1]}
    labels += [" then ".join(DUTY_CATEGORIES[c][0] for c in combo) for combo in sorted(combos)]
    return labels


def _legend_handles(cells: np.ndarray, shade_label: str) -> tuple[list, list[str]]:
    present = sorted(set(np.unique(cells).tolist()) - {0})
    handles: list = [Patch(facecolor="white", edgecolor="#999999")]
    labels = ["off"]
    handles.append(Patch(facecolor=WEEKEND_SHADE))
    labels.append(f"{shade_label} (shaded)")
    for c in present:
        handles.append(Patch(color=DUTY_CATEGORIES[c][1]))
        labels.append(DUTY_CATEGORIES[c][0])
    combos = {tuple(int(v) for v in p if v) for p in cells.reshape(-1, MAX_PARTS) if p[1]}
    for combo in sorted(combos)[:3]:
        handles.append(tuple(Patch(color=DUTY_CATEGORIES[c][1]) for c in combo))
        labels.append(" then ".join(DUTY_CATEGORIES[c][0] for c in combo) + " (split day)")
    return handles, labels


@styled
def rota_figure(compiled: CompiledRota, *, title: str = "", max_lines: int = 60) -> Figure:
    """Draw the grid of a line set (see :func:`rota_heatmap`) and return the figure."""
    cells = duty_cells(compiled)[:max_lines]
    n_lines, n_days, _ = cells.shape
    width = min(4.5 + 0.17 * n_days, 20.0)
    fig, ax = plt.subplots(figsize=(width, 1.6 + 0.32 * n_lines))
    shade_label = _shade_days(ax, compiled, n_days)
    patches, colours = _cell_patches(cells)
    ax.add_collection(PatchCollection(patches, facecolors=colours, edgecolors="none", zorder=2))
    ax.set_xlim(-0.5, n_days - 0.5)
    ax.set_ylim(n_lines - 0.5, -0.5)
    ax.set_yticks(range(n_lines), compiled.line_ids[:n_lines])
    _label_days(ax, n_days, (width - 4.0) / max(n_days, 1))
    ax.set_xlabel("cycle day (weeks start on Monday)")
    ax.set_title(title or "Rota", pad=22)
    handles, labels = _legend_handles(cells, shade_label)
    ax.legend(
        handles,
        labels,
        handler_map={tuple: HandlerTuple(ndivide=None, pad=0.0)},
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
    )
    return fig


@styled
def rota_heatmap(
    compiled: CompiledRota, path: str | Path, *, title: str = "", max_lines: int = 60
) -> Path:
    """Grid of a line set: cycle days across, lines down, coloured by duty kind.

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

    Returns
    -------
    pathlib.Path
        The file written.
    """
    return save(rota_figure(compiled, title=title, max_lines=max_lines), path)
