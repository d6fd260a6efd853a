"""Reduced-cost cuts keep every roster at or below the target and nothing the duals rule out.

Instance 1 (8 staff, 14 days, one shift) has the proven optimum 607 and a
root bound of about 558, so the cuts are far from trivial there: with target
607 the cut model must still contain an optimal roster, and with target 606
it must contain none.  The split of the objective that the cuts rest on is
checked exactly, in integer units, on rosters drawn from the column pool.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from ortools.sat.python import cp_model

from optimizer.nrp.columns import ColumnGeneration, dive
from optimizer.nrp.evaluate import evaluate
from optimizer.nrp.formulation import build_model, roster_from_values
from optimizer.nrp.reduced_cost import cut_model, reduced_cost_cuts, strengthened_model

from ..helpers import benchmark_instance

OPTIMUM_1 = 607


@pytest.fixture(scope="module")
def root():
    """Instance 1 with its root relaxation solved."""
    inst = benchmark_instance(1)
    cg = ColumnGeneration(inst, workers=2, seed=1)
    with ThreadPoolExecutor(max_workers=2) as pool:
        cg.add_initial_columns(pool)
        state = cg.run(time.monotonic() + 60, pool)
    assert state.converged
    cg.lp_value = state.value
    return inst, cg, cg.cover_duals()


def _solve(model: cp_model.CpModel) -> tuple[int, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 1
    solver.parameters.max_time_in_seconds = 60
    return solver.solve(model), solver


def test_cuts_bound_is_the_lagrangian_bound(root) -> None:
    inst, cg, duals = root
    cuts = reduced_cost_cuts(cg, duals)
    # Any duals give a bound no higher than the LP value (weak duality) ...
    assert cuts.bound <= cg.lp_value + 1e-9
    # ... and rounding them by at most 1/2000 each moves sum(pi req) by at most
    # sum(req) / 2000 and each employee's least reduced cost by at most
    # horizon / 2000 (one cover cell per day).
    total_requirement = sum(c.requirement for c in inst.cover)
    tolerance = (total_requirement + cg.n_staff * inst.horizon) / (2 * cuts.scale)
    assert cuts.bound == pytest.approx(cg.lagrangian_bound, abs=tolerance)
    assert cuts.bound < OPTIMUM_1
    # gap_units: scale * (target - bound), exactly.
    assert cuts.gap_units(OPTIMUM_1) == round(cuts.scale * (OPTIMUM_1 - cuts.bound))


def test_objective_splits_exactly_into_duals_reduced_costs_and_slacks(root) -> None:
    inst, cg, duals = root
    cuts = reduced_cost_cuts(cg, duals)
    scale = cuts.scale
    # The rounded duals in units: pi = scale * request cost - reduced-cost weight.
    pi = np.rint(cg.request_costs(0) * scale).astype(np.int64) - cuts.weights[0]
    rng = np.random.default_rng(5)
    days = np.arange(inst.horizon)
    for _ in range(20):
        roster = [cg.columns[e][rng.integers(len(cg.columns[e]))] for e in range(cg.n_staff)]
        grid = [[inst.shifts[k].id if k >= 0 else None for k in row] for row in roster]
        cost = evaluate(inst, grid).objective
        reduced = []
        for e, sched in enumerate(roster):
            worked = np.asarray(sched) >= 0
            w = cuts.weights[e][days[worked], np.asarray(sched)[worked]]
            reduced.append(cuts.constant[e] + int(w.sum()))
            assert reduced[-1] >= cuts.minimum[e]  # no legal schedule is cheaper
        slack = 0
        for c in inst.cover:
            k = cg.shift_index[c.shift]
            n_on = sum(sched[c.day] == k for sched in roster)
            under, over = max(0, c.requirement - n_on), max(0, n_on - c.requirement)
            slack += (scale * c.weight_under - pi[c.day, k]) * under
            slack += (scale * c.weight_over + pi[c.day, k]) * over
            assert scale * c.weight_under - pi[c.day, k] >= 0
            assert scale * c.weight_over + pi[c.day, k] >= 0
        assert scale * cost == cuts.base + sum(reduced) + slack


def test_cut_model_keeps_an_optimal_roster(root) -> None:
    inst, cg, duals = root
    nm = build_model(inst)
    strong, exhausted = cut_model(nm, reduced_cost_cuts(cg, duals), OPTIMUM_1)
    assert not exhausted and strong is not None
    status, solver = _solve(strong.model)
    assert status == cp_model.OPTIMAL
    assert round(solver.objective_value) == OPTIMUM_1
    ev = evaluate(inst, roster_from_values(strong, solver.value))
    assert ev.feasible and ev.objective == OPTIMUM_1


def test_cut_model_below_the_optimum_is_empty(root) -> None:
    inst, cg, duals = root
    cuts = reduced_cost_cuts(cg, duals)
    strong, exhausted = cut_model(build_model(inst), cuts, OPTIMUM_1 - 1)
    assert not exhausted  # the cuts alone do not show it ...
    status, _ = _solve(strong.model)
    assert status == cp_model.INFEASIBLE  # ... but no roster below 607 survives them


def test_target_below_the_bound_leaves_nothing(root) -> None:
    inst, cg, duals = root
    cuts = reduced_cost_cuts(cg, duals)
    below = math.ceil(cuts.bound) - 1
    assert cuts.gap_units(below) < 0
    assert strengthened_model(build_model(inst), cuts, below) is None
    assert cut_model(build_model(inst), cuts, below) == (None, True)
    assert cut_model(build_model(inst), None, below) == (None, False)


def test_cuts_fix_cells(root) -> None:
    # With the target at the optimum some choices cost more reduced cost than
    # the gap allows: the cut model fixes them (and those are never worked in
    # an optimal roster of the cut model, checked above).
    inst, cg, duals = root
    cuts = reduced_cost_cuts(cg, duals)
    limit = [m + cuts.gap_units(OPTIMUM_1) for m in cuts.minimum]
    fixed = sum(int((cuts.through[e] > limit[e]).sum()) for e in range(cg.n_staff))
    assert fixed > 0


def test_dive_stops_when_the_stall_handler_proves_optimality() -> None:
    inst = benchmark_instance(1)
    calls = []

    def on_stall(cg, duals, roster, cost):
        calls.append((cost, duals.shape))
        return None, True

    result = dive(inst, time.monotonic() + 30, workers=2, seed=1, on_stall=on_stall)
    assert len(calls) == 1
    assert calls[0] == (result.cost, (inst.horizon, len(inst.shifts)))
    assert result.proven
    assert result.root_duals is not None and result.root_duals.shape == calls[0][1]
