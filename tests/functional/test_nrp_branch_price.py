"""Branch and price over the schedule pool finds the optimum and proves nothing is cheaper.

Two oracles.  A three-employee, seven-day instance (requests repeated, as the
format allows: their weights add up) small enough to try every roster (the
product of the employees' legal schedules, each scored by the independent
evaluator) gives the exact optimum; instance 1 has the proven
optimum 607, and CP-SAT on the compact model finds an optimal roster whose
schedules the pool for target 607 must all contain.  Pool pricing is checked
against a brute-force scan, compiled and plain-Python alike.
"""

from __future__ import annotations

import itertools
import random
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from optimizer.nrp.branch_price import (
    capped,
    pool_price_kernel,
    pool_price_reference,
    schedule_pool,
    search,
)
from optimizer.nrp.columns import ColumnGeneration
from optimizer.nrp.evaluate import evaluate
from optimizer.nrp.formulation import build_model, roster_from_values
from optimizer.nrp.instance import parse_instance
from optimizer.nrp.pool_dive import dive_pools, list_dive_pools, pool_dives
from optimizer.nrp.reduced_cost import reduced_cost_cuts

from ..helpers import benchmark_instance

OPTIMUM_1 = 607

TINY = parse_instance(
    """\
SECTION_HORIZON
7

SECTION_SHIFTS
E,480,
L,600,E

SECTION_STAFF
A,E=7|L=2,3000,1440,3,2,2,1
B,E=7|L=3,3000,2880,4,2,1,1
C,E=0|L=7,2400,1200,3,2,1,1

SECTION_DAYS_OFF
A,3
C,0

SECTION_SHIFT_ON_REQUESTS
C,1,E,4
A,2,E,2
B,5,L,3
C,1,E,3

SECTION_SHIFT_OFF_REQUESTS
B,1,L,3
B,1,E,1
B,1,E,1

SECTION_COVER
0,E,0,1,5
0,L,1,5,5
1,E,1,100,5
1,L,0,1,1
2,E,1,5,5
2,L,2,100,1
3,E,0,5,5
3,L,2,5,5
4,E,1,5,5
4,L,1,5,5
5,E,1,100,5
5,L,0,5,1
6,E,2,1,5
6,L,1,100,5
""",
    name="tiny",
)


def _legal_schedules(instance, e: int) -> list[tuple[int, ...]]:
    """Every schedule of employee ``e`` that the evaluator accepts (the employee alone)."""
    alone = instance.alone(e)
    shifts = instance.shifts
    return [
        pattern
        for pattern in itertools.product(range(-1, len(shifts)), repeat=instance.horizon)
        if evaluate(alone, [[shifts[k].id if k >= 0 else None for k in pattern]]).feasible
    ]


def _grid(instance, roster) -> list[list[str | None]]:
    return [[instance.shifts[k].id if k >= 0 else None for k in row] for row in roster]


def _root(instance) -> ColumnGeneration:
    cg = ColumnGeneration(instance, workers=1, seed=1)
    cg.add_initial_columns(None)
    state = cg.run(time.monotonic() + 60, None)
    assert state.converged
    return cg


@pytest.fixture(scope="module")
def tiny_optimum() -> int:
    legal = [_legal_schedules(TINY, e) for e in range(len(TINY.staff))]
    assert all(legal)
    best = min(
        evaluate(TINY, _grid(TINY, roster)).objective
        for roster in itertools.product(*legal)
        if evaluate(TINY, _grid(TINY, roster)).feasible
    )
    return best


def test_tiny_instance_optimum_found_and_proven(tiny_optimum: int) -> None:
    cg = _root(TINY)
    cuts = reduced_cost_cuts(cg, cg.cover_duals())
    # The root relaxation is not integral here: the search must branch.
    assert cuts is not None and cuts.bound < tiny_optimum - 1
    pool = schedule_pool(cg, cuts, tiny_optimum, 100_000)
    found = search(cg, pool, time.monotonic() + 60)
    assert found.roster is not None and found.cost == tiny_optimum
    ev = evaluate(TINY, _grid(TINY, found.roster))
    assert ev.feasible and ev.objective == tiny_optimum
    below = search(cg, schedule_pool(cg, cuts, tiny_optimum - 1, 100_000), time.monotonic() + 60)
    assert below.roster is None and below.exhausted and below.nodes > 1


@pytest.fixture(scope="module")
def instance_1():
    inst = benchmark_instance(1)
    cg = _root(inst)
    return inst, cg, reduced_cost_cuts(cg, cg.cover_duals())


def test_pool_holds_every_schedule_of_an_optimal_roster(instance_1) -> None:
    inst, cg, cuts = instance_1
    nm = build_model(inst)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(nm.model) == cp_model.OPTIMAL
    assert round(solver.objective_value) == OPTIMUM_1
    grid = roster_from_values(nm, solver.value)
    sidx = cg.shift_index
    pool = schedule_pool(cg, cuts, OPTIMUM_1, 1_000_000)
    assert pool is not None and pool.target == OPTIMUM_1
    gap = cuts.gap_units(OPTIMUM_1)
    for e, row in enumerate(grid):
        sched = tuple(-1 if s is None else sidx[s] for s in row)
        listed = {tuple(r) for r in pool.schedules[e].tolist()}
        assert sched in listed
        # Every listed schedule spends between 0 and the gap above the minimum,
        # and its penalty is the generator's request penalty.
        assert pool.excess[e].min() >= 0 and pool.excess[e].max() <= gap
        j = next(i for i, r in enumerate(pool.schedules[e].tolist()) if tuple(r) == sched)
        assert pool.penalty[e][j] == cg.cost(e, sched)


def test_instance_1_optimum_found_and_proven(instance_1) -> None:
    inst, cg, cuts = instance_1
    found = search(cg, schedule_pool(cg, cuts, OPTIMUM_1, 1_000_000), time.monotonic() + 60)
    assert found.cost == OPTIMUM_1
    ev = evaluate(inst, _grid(inst, found.roster))
    assert ev.feasible and ev.objective == OPTIMUM_1
    below = search(cg, schedule_pool(cg, cuts, OPTIMUM_1 - 1, 1_000_000), time.monotonic() + 60)
    assert below.roster is None and below.exhausted and below.nodes >= 1


def test_pool_below_the_bound_is_empty(instance_1) -> None:
    _, cg, cuts = instance_1
    below = int(np.ceil(cuts.bound)) - 1
    pool = schedule_pool(cg, cuts, below, 1_000)
    assert pool is not None and pool.size == 0
    result = search(cg, pool, time.monotonic() + 5)
    assert result.exhausted and result.nodes == 0


def test_pool_over_capacity_is_refused(instance_1) -> None:
    _, cg, cuts = instance_1
    full = schedule_pool(cg, cuts, OPTIMUM_1, 1_000_000)
    assert schedule_pool(cg, cuts, OPTIMUM_1, full.size - 1) is None
    assert schedule_pool(cg, cuts, OPTIMUM_1, full.size).size == full.size


def _brute_price(schedules, penalty, duals, allowed):
    off = duals.shape[1] - 1
    best = []
    for i, row in enumerate(schedules.tolist()):
        cols = [off if k < 0 else k for k in row]
        if all(allowed[d, c] for d, c in enumerate(cols)):
            best.append((penalty[i] - sum(duals[d, c] for d, c in enumerate(cols)), i))
    return sorted(best)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_pool_pricing_matches_brute_force(seed: int, n_best: int) -> None:
    rng = np.random.default_rng(seed)
    horizon, n_shifts = 6, 2
    schedules = rng.integers(-1, n_shifts, (40, horizon)).astype(np.int8)
    penalty = rng.integers(0, 5, 40).astype(float)
    duals = np.zeros((horizon, n_shifts + 1))
    duals[:, :n_shifts] = rng.integers(-3, 4, (horizon, n_shifts))
    allowed = rng.random((horizon, n_shifts + 1)) < 0.85
    expected = _brute_price(schedules, penalty, duals, allowed)[:n_best]
    for kernel in (pool_price_kernel, pool_price_reference):
        index, reduced = kernel(schedules, penalty, duals, allowed, n_best)
        assert len(index) == len(expected)
        # Least reduced cost first; among ties, the lower row.
        assert [(float(r), int(i)) for r, i in zip(reduced, index, strict=True)] == [
            (float(r), i) for r, i in expected
        ]


# -- capped pools and pool dives ------------------------------------------------


def test_listing_with_a_cap_equals_filtering_the_full_pool(instance_1) -> None:
    _, cg, cuts = instance_1
    target = OPTIMUM_1 + 2
    full = schedule_pool(cg, cuts, target, 1_000_000)
    gap = cuts.gap_units(target)
    for cap in (0, gap // 3, gap // 2, gap, 10 * gap):
        listed = schedule_pool(cg, cuts, target, 1_000_000, cap=cap)
        filtered = capped(full, cap)
        assert listed.size == filtered.size <= full.size
        for e in range(cg.n_staff):
            assert {tuple(r) for r in listed.schedules[e].tolist()} == {
                tuple(r) for r in filtered.schedules[e].tolist()
            }
            assert filtered.excess[e].size == 0 or filtered.excess[e].max() <= min(cap, gap)
            # Every schedule of the full pool within the cap is kept.
            assert (full.excess[e] <= cap).sum() == len(filtered.schedules[e])
    assert capped(full, gap).size == full.size


def test_dive_pools_are_nested_and_distinct(instance_1) -> None:
    _, cg, cuts = instance_1
    target = OPTIMUM_1 + 2
    gap = cuts.gap_units(target)
    full = schedule_pool(cg, cuts, target, 1_000_000)
    pools = dive_pools(full, gap, (1.0, 1.0, 0.5, 0.0))
    sizes = [p.size for p in pools]
    # The repeated share is dropped; the others shrink.
    assert len(pools) == 3 and sizes[0] == full.size and sizes[0] > sizes[1] > sizes[2]
    for wide, narrow, cap in zip(pools[:-1], pools[1:], (gap // 2, 0), strict=True):
        for e in range(cg.n_staff):
            # Every employee keeps its least-reduced-cost schedules (excess 0).
            assert len(narrow.schedules[e]) > 0 and narrow.excess[e].max() <= cap
            assert {tuple(r) for r in narrow.schedules[e].tolist()} <= {
                tuple(r) for r in wide.schedules[e].tolist()
            }


def test_dive_pools_are_listed_at_the_widest_cap_that_fits(instance_1) -> None:
    _, cg, cuts = instance_1
    target = 570  # near the bound (558): every share below caps the pool differently
    gap = cuts.gap_units(target)
    full = schedule_pool(cg, cuts, target, 1_000_000)
    at = {share: capped(full, int(share * gap)).size for share in (1.0, 0.7, 0.5, 0.35, 0.25)}
    assert at[1.0] > at[0.7] > at[0.5] > at[0.35] > at[0.25]
    assert [p.size for p in list_dive_pools(cg, cuts, target, at[1.0])][0] == at[1.0]
    # One schedule short of the whole pool: the widest is the 0.7 cap.
    narrower = list_dive_pools(cg, cuts, target, at[1.0] - 1)
    assert narrower[0].size == at[0.7] and narrower[-1].size == at[0.35]
    # Room for less than the 0.35 cap: one pool, capped at the first narrow share that fits.
    alone = list_dive_pools(cg, cuts, target, at[0.35] - 1)
    assert len(alone) == 1 and alone[0].size == at[0.25]
    assert list_dive_pools(cg, cuts, int(np.ceil(cuts.bound)) - 1, 10**6) == []


def test_pool_dives_reach_the_optimum_of_the_tiny_instance(tiny_optimum: int) -> None:
    cg = _root(TINY)
    cuts = reduced_cost_cuts(cg, cg.cover_duals())
    pool = schedule_pool(cg, cuts, tiny_optimum, 100_000)
    found = pool_dives(cg, [pool], time.monotonic() + 60, random.Random(1), max_dives=200)
    assert found.roster is not None and found.cost == tiny_optimum and found.dives <= 200
    ev = evaluate(TINY, _grid(TINY, found.roster))
    assert ev.feasible and ev.objective == tiny_optimum


def test_pool_dives_find_nothing_below_the_optimum(tiny_optimum: int) -> None:
    # Nothing costs less than the optimum, so every dive must come back empty.
    cg = _root(TINY)
    cuts = reduced_cost_cuts(cg, cg.cover_duals())
    # The bound is below optimum - 1 (see above): every employee has schedules.
    pool = schedule_pool(cg, cuts, tiny_optimum - 1, 100_000)
    assert all(len(s) > 0 for s in pool.schedules)
    found = pool_dives(cg, [pool], time.monotonic() + 60, random.Random(2), max_dives=50)
    assert found.roster is None and found.cost is None and found.dives == 50


def test_pool_dives_reach_607_on_instance_1(instance_1) -> None:
    inst, cg, cuts = instance_1
    gap = cuts.gap_units(OPTIMUM_1)
    pools = dive_pools(schedule_pool(cg, cuts, OPTIMUM_1, 1_000_000), gap)
    found = pool_dives(cg, pools, time.monotonic() + 60, random.Random(1), max_dives=300)
    assert found.cost == OPTIMUM_1
    ev = evaluate(inst, _grid(inst, found.roster))
    assert ev.feasible and ev.objective == OPTIMUM_1
