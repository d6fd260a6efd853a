"""Plots of the on-call simulation: the distribution of simulated annual pay per line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


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
    ax.legend(unique.values(), unique.keys(), loc="best", fontsize=8)
    ax.set_xticks(positions, ids, rotation=30 if len(ids) > 6 else 0)
    ax.set_ylabel("annual pay, GBP thousand (2026 Wales)")
    runs = len(data[0]) if data else 0
    ax.set_title(f"{title} ({runs} runs per line)", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    return path
