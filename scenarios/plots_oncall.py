"""Plots of the on-call simulation: simulated annual pay per line, and the on-call load.

:func:`plot_pay_distribution` needs the per-run samples (``rota simulate --plot``);
:func:`plot_oncall_summary` needs only the JSON report (the demo report draws it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .plots_style import DPI, STYLE
from .report_format import money_short


def plot_pay_distribution(
    samples: pd.DataFrame, path: str | Path, *, title: str = "Simulated annual pay"
) -> Path:
    """Write a PNG of the simulated annual pay per line (violin, 5th-95th band, template).

    Parameters
    ----------
    samples
        Output of :func:`simulator.oncall.simulate_samples` (columns ``id``, ``pay_gbp``;
        ``attrs["template"]`` gives the template pay per line).
    path
        PNG file to write.
    title
        Figure title.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    ids = list(dict.fromkeys(samples["id"]))
    data = [samples.loc[samples["id"] == i, "pay_gbp"].to_numpy() / 1000.0 for i in ids]
    template = samples.attrs.get("template", {})
    fig = Figure(figsize=(max(6.0, 0.9 * len(ids) + 2.0), 4.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    positions = np.arange(1, len(ids) + 1)
    if all(len(d) > 1 and np.ptp(d) > 0 for d in data):
        parts = ax.violinplot(data, positions=positions, showextrema=False, widths=0.8)
        for body in parts["bodies"]:
            body.set_alpha(0.45)
    for x, d in zip(positions, data, strict=True):
        p5, p50, p95 = np.percentile(d, [5, 50, 95])
        ax.vlines(x, p5, p95, color="tab:blue", linewidth=3, label="5th-95th percentile")
        ax.plot(x, d.mean(), "o", color="tab:blue", label="mean")
        ax.plot(x, p50, "_", color="black", markersize=14, label="median")
    tpl = [template.get(i, {}).get("pay_gbp", np.nan) / 1000.0 for i in ids]
    ax.plot(positions, tpl, "x", color="tab:red", markersize=9, label="template (expected work)")
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), loc="best", fontsize=9)
    ax.set_xticks(positions, ids, rotation=30 if len(ids) > 6 else 0)
    ax.set_ylabel("annual pay, £ thousand (2026 Wales)")
    runs = len(data[0]) if data else 0
    ax.set_title(f"{title} ({runs} runs per line)", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    return path


#: Colours of the on-call summary plot.
_BREACH, _REPORT, _FINE_DR, _FINE_POT, _WORK = "#c0392b", "#f1948a", "#5d6d7e", "#aab7b8", "#f4d03f"


def plot_oncall_summary(report: Mapping, path: str | Path, *, title: str = "") -> Path:
    """Write a PNG of the simulated on-call load per line: breaches, fines, hours.

    Three panels, one bar group per line: NROC rest breaches and exception reports
    a year (mean; the whisker reaches the 95th percentile of breaches), fines a
    year (doctor's and pot's shares stacked, £) and NROC hours worked a week
    (simulated mean beside the rota's expected work).

    Parameters
    ----------
    report
        The JSON-ready report of ``rota simulate`` (``lines`` with
        ``breaches_per_year``, ``breaches_per_year_p95``,
        ``exception_reports_per_year``, ``fines_per_year``,
        ``nroc_hours_worked_per_week``, ``nroc_expected_work_hours_per_week``).
    path
        PNG file to write.
    title
        Figure title (default: the rota and the number of runs).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    lines = list(report["lines"])
    ids = [str(ln["id"]) for ln in lines]
    x = np.arange(len(ids))
    with rc_context(STYLE):
        fig = Figure(figsize=(max(11.0, 1.1 * len(ids) + 5.0), 4.2), dpi=DPI)
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, 3)
        _breach_panel(axes[0], lines, x)
        _fines_panel(axes[1], lines, x)
        _hours_panel(axes[2], lines, x)
        for ax in axes:
            ax.set_xticks(x, ids, rotation=45 if len(ids) > 6 else 0, ha="right")
            ax.grid(axis="y", alpha=0.3)
        runs, years = report.get("runs", ""), float(report.get("years_per_run", 1.0))
        rota = report.get("rota", "")
        fig.suptitle(
            title or f"On-call as worked: {rota} ({runs} runs of {years:.2f} years per line)"
        )
        fig.tight_layout()
        fig.savefig(path, bbox_inches="tight")
    return path


def _legend_below(ax: Axes) -> None:
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)


def _breach_panel(ax: Axes, lines: Sequence[Mapping], x: np.ndarray) -> None:
    mean = np.array([ln["breaches_per_year"] for ln in lines], dtype=np.float64)
    p95 = np.array([ln.get("breaches_per_year_p95", np.nan) for ln in lines], dtype=np.float64)
    reports = np.array([ln.get("exception_reports_per_year", 0.0) for ln in lines], float)
    ax.bar(x - 0.2, mean, width=0.4, color=_BREACH, label="rest breaches (mean)")
    ax.errorbar(
        x - 0.2,
        mean,
        yerr=[np.zeros_like(mean), np.clip(p95 - mean, 0, None)],
        fmt="none",
        ecolor="black",
        capsize=3,
        label="95th percentile",
    )
    ax.bar(x + 0.2, reports, width=0.4, color=_REPORT, label="exception reports")
    ax.set_ylabel("a year, per line")
    ax.set_title("NROC rest breaches and exception reports")
    _legend_below(ax)


def _fines_panel(ax: Axes, lines: Sequence[Mapping], x: np.ndarray) -> None:
    doctor = np.array([ln["fines_per_year"]["doctor"] for ln in lines], dtype=np.float64)
    pot = np.array([ln["fines_per_year"]["pot"] for ln in lines], dtype=np.float64)
    ax.bar(x, doctor, color=_FINE_DR, label="to the doctor")
    ax.bar(x, pot, bottom=doctor, color=_FINE_POT, label="to the doctors' pot")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: money_short(v)))
    ax.set_ylabel("£ a year, per line")
    ax.set_title("Fines for breaches (mean)")
    _legend_below(ax)


def _hours_panel(ax: Axes, lines: Sequence[Mapping], x: np.ndarray) -> None:
    worked = np.array([ln["nroc_hours_worked_per_week"] for ln in lines], dtype=np.float64)
    expected = np.array(
        [ln.get("nroc_expected_work_hours_per_week", np.nan) for ln in lines], dtype=np.float64
    )
    ax.bar(x - 0.2, worked, width=0.4, color=_WORK, label="simulated (mean)")
    ax.bar(x + 0.2, expected, width=0.4, color="#7fb3d5", label="rota's expected work")
    ax.set_ylabel("hours a week")
    ax.set_title("NROC work done from home")
    _legend_below(ax)
