"""Benchmark instances: solve time of Instance1, pricing speed on Instance7,
CP-SAT on the reduced-cost cut model against the plain compact model on Instance6,
branch and price over the schedule pool against the cut model on Instance5, and
dives over capped pools against the column-generation dives on Instance7."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest
from ortools.sat.python import cp_model

from benchmarks.workloads import SMOKE
from optimizer.nrp import solve
from optimizer.nrp.branch_price import schedule_pool, search
from optimizer.nrp.columns import ColumnGeneration, CpSatPricer, _dive_once, roster_cost
from optimizer.nrp.formulation import build_model, objective_expression
from optimizer.nrp.pool_dive import list_dive_pools, pool_dives
from optimizer.nrp.pricing import DpPricer
from optimizer.nrp.reduced_cost import cut_model, reduced_cost_cuts
from tests.helpers import benchmark_instance


def test_bench_nrp_instance1(benchmark) -> None:
    inst = benchmark_instance(1)
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
    inst = benchmark_instance(7)
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


def _cp_sat(model: cp_model.CpModel, time_limit_s: float) -> tuple[str, float | None, float]:
    """One-worker CP-SAT; return (status, objective, wall seconds)."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    solver.parameters.linearization_level = 2
    solver.parameters.max_time_in_seconds = time_limit_s
    start = time.perf_counter()
    status = solver.solve(model)
    seconds = time.perf_counter() - start
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return solver.status_name(status), solver.objective_value if found else None, seconds


def test_bench_nrp_cut_model(benchmark) -> None:
    """Find and prove the optimum of Instance6 among rosters costing at most 1950.

    The cut model (the compact model with the reduced-cost cuts of the root
    duals) against the plain compact model with the same ``objective <= 1950``
    constraint, the search it replaces; one CP-SAT worker each.  The plain
    model is capped at 60 s (5 s in smoke mode): its ratio is then a lower bound.
    """
    inst = benchmark_instance(6)
    target = 1950
    cg = ColumnGeneration(inst, workers=1, seed=1)
    cg.add_initial_columns(None)
    assert cg.run(time.monotonic() + 60, None).converged
    nm = build_model(inst)

    def run_cut() -> tuple[str, float | None, float]:
        strong, _ = cut_model(nm, reduced_cost_cuts(cg, cg.cover_duals()), target)
        return _cp_sat(strong.model, 60.0)

    status, objective, _ = benchmark.pedantic(run_cut, rounds=1 if SMOKE else 3, iterations=1)
    cut_s = benchmark.stats.stats.min
    assert (status, objective) == ("OPTIMAL", 1950.0)
    plain = nm.model.clone()
    plain.add(objective_expression(nm) <= target)
    cap_s = 5.0 if SMOKE else 60.0
    plain_status, plain_objective, plain_s = _cp_sat(plain, cap_s)
    if plain_status == "OPTIMAL":
        assert plain_objective == 1950.0
    benchmark.extra_info["cut_model_s"] = cut_s
    benchmark.extra_info["plain_model_s"] = plain_s
    benchmark.extra_info["plain_status"] = plain_status
    benchmark.extra_info["speedup"] = plain_s / cut_s
    bound = "" if plain_status == "OPTIMAL" else " (capped: at least)"
    print(
        f"\ninstance 6 at most {target}: cut model {cut_s:.2f} s ({status}),"
        f" plain compact model {plain_s:.1f} s ({plain_status}), {plain_s / cut_s:.0f}x{bound}"
    )


def _root(number: int):
    """An instance, its column generator converged at the root (one worker) and its cuts."""
    inst = benchmark_instance(number)
    cg = ColumnGeneration(inst, workers=1, seed=1)
    cg.add_initial_columns(None)
    assert cg.run(time.monotonic() + 60, None).converged
    return inst, cg, reduced_cost_cuts(cg, cg.cover_duals())


def test_bench_nrp_pool_search(benchmark) -> None:
    """Prove that no roster of Instance5 costs 1142 or less (so 1143 is optimal).

    Branch and price over the listed schedules such a roster could use (pool
    listing included in the timing) against CP-SAT on the cut model with the
    same target, the search it is tried before; one worker each.  CP-SAT is
    capped at 60 s (10 s in smoke mode): its ratio is then a lower bound.
    """
    inst, cg, cuts = _root(5)
    target = 1142

    def run_pool():
        pool = schedule_pool(cg, cuts, target, 1_000_000)
        return pool, search(cg, pool, time.monotonic() + 60)

    pool, found = benchmark.pedantic(run_pool, rounds=1 if SMOKE else 3, iterations=1)
    pool_s = benchmark.stats.stats.min
    assert found.roster is None and found.exhausted
    strong, _ = cut_model(build_model(inst), cuts, target)
    cap_s = 10.0 if SMOKE else 60.0
    cp_status, _, cp_s = _cp_sat(strong.model, cap_s)
    assert cp_status in ("INFEASIBLE", "UNKNOWN")
    benchmark.extra_info["pool_schedules"] = pool.size
    benchmark.extra_info["nodes"] = found.nodes
    benchmark.extra_info["pool_search_s"] = pool_s
    benchmark.extra_info["cut_model_s"] = cp_s
    benchmark.extra_info["cut_model_status"] = cp_status
    benchmark.extra_info["speedup"] = cp_s / pool_s
    bound = "" if cp_status == "INFEASIBLE" else " (capped: at least)"
    print(
        f"\ninstance 5 nothing at most {target}: pool search {pool_s:.2f} s"
        f" ({pool.size} schedules, {found.nodes} nodes), cut model {cp_s:.1f} s"
        f" ({cp_status}), {cp_s / pool_s:.0f}x{bound}"
    )


def test_bench_nrp_pool_dives(benchmark) -> None:
    """Find a roster of Instance7 costing 1056 (its best known) from the root.

    Dives over capped schedule pools (listing included in the timing) against
    the column-generation dives (random restarts from the root abandoned once
    they cannot reach the target), the search they run beside; one worker
    each, from the same converged root.  The column dives are capped at 90 s
    (15 s in smoke mode): the ratio is then a lower bound.
    """
    _, cg, cuts = _root(7)
    target = 1056

    def run_pool():
        pools = list_dive_pools(cg, cuts, target, 50_000)
        return pools, pool_dives(cg, pools, time.monotonic() + 120, random.Random(1))

    pools, found = benchmark.pedantic(run_pool, rounds=1, iterations=1)
    pool_s = benchmark.stats.stats.min
    assert found.cost is not None and found.cost <= target
    assert roster_cost(cg, found.roster) == found.cost
    cap_s = 15.0 if SMOKE else 90.0
    rng = random.Random(1)
    began = time.monotonic()
    peer_cost, peer_dives = None, 0
    while peer_cost is None and time.monotonic() - began < cap_s:
        roster = _dive_once(cg, began + cap_s, None, rng, target + 1e-6)
        peer_dives += 1
        if roster is not None:
            peer_cost = roster_cost(cg, roster)
    cg.unfix_all()
    peer_s = time.monotonic() - began
    benchmark.extra_info["pool_schedules"] = [p.size for p in pools]
    benchmark.extra_info["pool_dives"] = found.dives
    benchmark.extra_info["pool_dives_s"] = pool_s
    benchmark.extra_info["column_dives"] = peer_dives
    benchmark.extra_info["column_dives_s"] = peer_s
    benchmark.extra_info["column_dives_cost"] = peer_cost
    benchmark.extra_info["speedup"] = peer_s / pool_s
    bound = "" if peer_cost is not None else " (capped: at least)"
    print(
        f"\ninstance 7 at most {target}: pool dives {pool_s:.1f} s ({found.dives} dives over"
        f" {[p.size for p in pools]} schedules), column dives {peer_s:.1f} s ({peer_dives} dives,"
        f" {'none' if peer_cost is None else peer_cost}), {peer_s / pool_s:.1f}x{bound}"
    )
