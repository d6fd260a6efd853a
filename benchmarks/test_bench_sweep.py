"""A sweep of 1,000 parameter sets over 10,000 synthetic 26-week lines.

Metrics, New Deal compliance, 2002 bands and paid NROC hours are computed once
(:class:`scenarios.measures.LinePricer`); each parameter set (2026 unsocial
multiplier × yearly pay award, priced two years ahead with progression) then runs
only the 2002 and 2026 pay kernels and protection: 1,000 × 10,000 = 10M line
evaluations (one line priced under both contracts with its protection cost).
Target: under 60 s. ``ROTA_BENCH_SMOKE=1`` runs 50 sets over 1,000 lines.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.workloads import SMOKE
from scenarios.measures import Group, LinePricer, scaled_params
from scenarios.sweep import kernel_sweep
from simulator.contracts import load_params, price_welsh_arrays
from simulator.contracts.nhs2002 import new_deal_compliance
from simulator.metrics import compute_metrics_array
from simulator.synthetic import synthetic_compiled

LINES = 1_000 if SMOKE else 10_000
SETS = 50 if SMOKE else 1_000
YEARS_AHEAD = 2
TARGET_S = 60.0


def _grid(n_sets: int) -> tuple[np.ndarray, np.ndarray]:
    n_award = 25 if n_sets >= 25 else 1
    um = np.linspace(1.0, 2.0, n_sets // n_award)
    aw = np.linspace(0.0, 0.06, n_award)
    mesh_um, mesh_aw = np.meshgrid(um, aw, indexing="ij")
    return mesh_um.ravel(), mesh_aw.ravel()


def test_sweep_throughput(benchmark):
    compiled = synthetic_compiled(LINES, 26, seed=20260803)
    t0 = time.perf_counter()
    metrics = compute_metrics_array(compiled)
    group = Group("synthetic", None, compiled, metrics, new_deal_compliance(compiled))
    p02, p26 = load_params("nhs-2002"), load_params("wales-2026")
    pricer = LinePricer(group, p02, p26)
    setup_s = time.perf_counter() - t0
    um, aw = _grid(SETS)
    kernel_sweep(pricer, um[:2], aw[:2], years_ahead=YEARS_AHEAD)  # warm up
    table = benchmark.pedantic(
        kernel_sweep,
        args=(pricer, um, aw),
        kwargs={"years_ahead": YEARS_AHEAD},
        rounds=1,
        iterations=1,
        warmup_rounds=0,
    )
    sweep_s = benchmark.stats.stats.min
    assert len(table) == um.size == SETS
    evaluations = SETS * LINES
    info = {
        "lines": LINES,
        "parameter_sets": SETS,
        "line_evaluations": evaluations,
        "setup_s": round(setup_s, 3),
        "sweep_s": round(sweep_s, 3),
        "runs_per_s": round(SETS / sweep_s, 1),
        "line_evaluations_per_s": round(evaluations / sweep_s, 0),
        "smoke": SMOKE,
    }
    benchmark.extra_info.update(info)
    print(
        f"\nsweep: {SETS:,} parameter sets x {LINES:,} lines = {evaluations:,} line "
        f"evaluations in {sweep_s:.2f} s (setup {setup_s:.2f} s): {SETS / sweep_s:,.1f} runs/s, "
        f"{evaluations / sweep_s:,.0f} line evaluations/s"
    )
    # one parameter set re-priced through the public array path gives the same totals
    s = SETS // 2
    factor = (1.0 + aw[s]) ** YEARS_AHEAD
    aged = compiled.__class__(
        **{
            **{f: getattr(compiled, f) for f in compiled.__slots__},
            "years": (compiled.years + YEARS_AHEAD).astype(np.int16),
        }
    )
    p26_s = scaled_params(
        load_params("wales-2026", overrides={"wales-2026.unsocial_multiplier": float(um[s])}),
        factor,
    )
    check = price_welsh_arrays(
        aged, metrics, group.new_deal, {"nhs-2002": scaled_params(p02, factor), "wales-2026": p26_s}
    )
    np.testing.assert_allclose(table["pay_bill_2002_gbp"][s], check["pay_2002"][:, 2].sum())
    np.testing.assert_allclose(table["pay_bill_2026_gbp"][s], check["pay_2026"][:, 6].sum())
    if not SMOKE:
        assert sweep_s < TARGET_S
