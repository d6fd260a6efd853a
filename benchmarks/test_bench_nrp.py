"""Benchmark instances: solve time of Instance1, pricing speed on Instance7."""

from __future__ import annotations

import time

import numpy as np
import pytest

from benchmarks.workloads import SMOKE
from optimizer.nrp import instance_path, read_instance, solve
from optimizer.nrp.columns import CpSatPricer
from optimizer.nrp.pricing import DpPricer


def test_bench_nrp_instance1(benchmark) -> None:
    path = instance_path(1)
    if not path.exists():
        pytest.skip("benchmark data not available")
    inst = read_instance(path)
    result = benchmark.pedantic(solve, args=(inst, 20.0), rounds=1, iterations=1)
    benchmark.extra_info["objective"] = result.objective
    benchmark.extra_info["best_known"] = result.best_known
    benchmark.extra_info["gap"] = result.gap
    benchmark.extra_info["status"] = result.status
    assert result.objective == 607
    assert result.status == "OPTIMAL"


def test_bench_nrp_pricing(benchmark) -> None:
    """Pricing every employee of Instance7: the dynamic programme against CP-SAT.

    The workload is one round of column generation at fixed random duals: each
    employee's cheapest schedule, found by the compiled dynamic programme and
    by CP-SAT on that employee's rules (the pricer it replaces).  Both must
    agree on every optimum.
    """
    path = instance_path(7)
    if not path.exists():
        pytest.skip("benchmark data not available")
    inst = read_instance(path)
    n_staff = 4 if SMOKE else len(inst.staff)
    rng = np.random.default_rng(20261123)
    weight = rng.normal(0.0, 3.0, (inst.horizon, len(inst.shifts)))
    dp = [DpPricer(inst, e, n_best=1) for e in range(n_staff)]
    cp = [CpSatPricer(inst, e) for e in range(n_staff)]
    dp[0].solve(weight)  # compile outside the timing

    def run_dp() -> list[tuple[int, ...]]:
        return [p.solve(weight)[0] for p in dp]

    schedules = benchmark.pedantic(run_dp, rounds=3 if SMOKE else 20, iterations=1)
    start = time.perf_counter()
    reference = [p.solve(weight, 1, 10.0)[0] for p in cp]
    cp_s = time.perf_counter() - start
    dp_s = benchmark.stats.stats.min

    def cost(schedule: tuple[int, ...]) -> float:
        return sum(weight[d, k] for d, k in enumerate(schedule) if k >= 0)

    for got, want in zip(schedules, reference, strict=True):
        assert cost(got) == pytest.approx(cost(want), abs=1e-3)
    benchmark.extra_info["employees"] = n_staff
    benchmark.extra_info["dp_ms_per_employee"] = 1000 * dp_s / n_staff
    benchmark.extra_info["cp_sat_ms_per_employee"] = 1000 * cp_s / n_staff
    benchmark.extra_info["speedup_vs_cp_sat"] = cp_s / dp_s
    print(
        f"\npricing {n_staff} employees: DP {1000 * dp_s / n_staff:.2f} ms each,"
        f" CP-SAT {1000 * cp_s / n_staff:.1f} ms each, {cp_s / dp_s:.0f}x"
    )
