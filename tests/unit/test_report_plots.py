"""Report plots: what the figure shows (legend entries, bin edges), and number formats."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from scenarios import plots
from scenarios import report_format as rf
from scenarios.plots_oncall import plot_oncall_summary
from simulator.compile import compile_rota
from tests.helpers import make_rota

SHIFTS = """
D  = { start = "09:00", end = "17:00" }
OC = { start = "17:00", end = "09:00", kind = "nroc", expected_work = 3.0 }
"""


def _legend(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_day_plus_nroc_is_a_split_cell_with_its_own_legend_entries():
    rota = make_rota("D+OC D - - - - -", SHIFTS)
    compiled = compile_rota(rota)
    cells = plots.duty_cells(compiled)
    assert cells[0, 0].tolist() == [1, 6, 0]  # day shift, then NROC
    assert cells[0, 1].tolist() == [1, 0, 0]
    fig = plots.rota_figure(compiled, title="t")
    try:
        labels = _legend(fig)
    finally:
        plt.close(fig)
    assert "non-resident on-call" in labels
    assert "day shift then non-resident on-call (split day)" in labels
    # only the kinds drawn (no night shift, partial shift or resident on-call)
    assert not {"night shift", "partial shift", "resident on-call"} & set(labels)
    assert "weekend (shaded)" in labels


def test_rota_figure_labels_days_and_weeks():
    compiled = compile_rota(make_rota("D D D D D - -", SHIFTS))
    fig = plots.rota_figure(compiled)
    try:
        ax = fig.axes[0]
        days = [t.get_text() for t in ax.get_xticklabels()]
        sizes = {t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()}
    finally:
        plt.close(fig)
    assert days == ["M", "T", "W", "T", "F", "S", "S"]
    assert min(sizes) >= 9


@pytest.mark.parametrize(
    "values",
    [
        [-9936.94, -2176.48, -304.12, 197.64, 1013.24, 22490.03],
        [150.0, 2000.0, 2500.0],
        [-800.0, -10.0],
        [-1.0, 1.0],
        [0.0],
        [],
    ],
)
def test_histogram_bins_have_zero_as_an_edge(values):
    edges = plots.zero_bin_edges(np.array(values))
    assert 0.0 in edges
    assert np.all(np.diff(edges) > 0)
    if values:
        assert edges[0] <= min(values) and max(values) < edges[-1]


def test_no_histogram_bar_straddles_zero():
    change = np.array([-9936.94, -2176.48, -304.12, 197.64, 1013.24, 22490.03])
    fig = plots.winners_losers_figure(change, ["F2", "F1", "F1", "ST", "ST", "ST"])
    try:
        ax = fig.axes[0]
        bars = [p for p in ax.patches if p.get_height() > 0 and p.get_width() < 1e5]
        ticks = [t.get_text() for t in ax.get_xticklabels()]
    finally:
        plt.close(fig)
    assert bars
    for bar in bars:
        assert not (bar.get_x() < 0 < bar.get_x() + bar.get_width())
    assert any(t.startswith("−£") and t.endswith("k") for t in ticks), ticks
    assert not any("-10000" in t for t in ticks)


def test_money_axes_and_sweep_labels(tmp_path):
    summary = pd.DataFrame(
        {
            "awards.default": [0.02, 0.04, 0.02, 0.04],
            "seed": [1, 1, 2, 2],
            "losers": [11.0, 9.0, 11.0, 10.0],
            "pay_bill_last_gbp": [2.09e6, 2.2e6, 2.1e6, 2.21e6],
        }
    )
    path = plots.response_curves(
        summary, ["awards.default"], ["pay_bill_last_gbp", "losers"], tmp_path / "s.png"
    )
    assert path.stat().st_size > 1000
    for code in (
        "pay_bill_last_gbp",
        "protection_cost_total_gbp",
        "wales-2026.unsocial_multiplier",
    ):
        assert "_" not in rf.label(code)
    assert rf.label("pay_bill_first_gbp") == "Pay bill, first year (£)"
    assert rf.money_short(1.885e6) == "£1.89m"
    assert rf.money_short(-10000) == "−£10k"


def test_oncall_summary_plot(tmp_path):
    line = {
        "breaches_per_year": 10.9,
        "breaches_per_year_p95": 14.9,
        "exception_reports_per_year": 10.9,
        "fines_per_year": {"doctor": 1360.9, "pot": 1360.9},
        "nroc_hours_worked_per_week": 3.58,
        "nroc_expected_work_hours_per_week": 3.63,
    }
    report = {"rota": "R", "runs": 10, "lines": [{"id": f"L{i}", **line} for i in range(3)]}
    path = plot_oncall_summary(report, tmp_path / "oc.png")
    assert path.stat().st_size > 1000


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        ("pay_year", 2029.0, "2029/30"),
        ("pay_year", "2026/27", "2026/27"),
        ("year", 2026.0, "2026"),
        ("count", 12.0, "12"),
        ("money", 39747.75, "£39,748"),
        ("money", -9936.94, "−£9,937"),
        ("change", 1013.24, "+£1,013"),
        ("money_pence", 71713.5, "£71,713.50"),
        ("percent", 0.161, "16.1%"),
        ("hours", 41.625, "41.6"),
        ("pay_year", float("nan"), "–"),
    ],
)
def test_formats_by_kind(kind, value, text):
    assert rf.KINDS[kind](value) == text


def test_format_frame_infers_integers_and_keeps_text():
    frame = pd.DataFrame({"Lines": [4, 7], "Rota": ["a", "b"], "Pay year": [2026.0, 2027.0]})
    out = rf.format_frame(frame, {"Pay year": "pay_year"})
    assert out.to_dict("list") == {
        "Lines": ["4", "7"],
        "Rota": ["a", "b"],
        "Pay year": ["2026/27", "2027/28"],
    }
