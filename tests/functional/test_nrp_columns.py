"""Column generation: a valid, tight lower bound and rosters the evaluator accepts."""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from optimizer.nrp.columns import ColumnGeneration, dive, integer_master, roster_cost
from optimizer.nrp.evaluate import evaluate

from ..helpers import benchmark_instance


def _grid(instance, roster):
    return [[instance.shifts[k].id if k >= 0 else None for k in row] for row in roster]


@pytest.mark.parametrize(("number", "optimum"), [(2, 828), (3, 1001), (4, 1716)])
def test_root_bound_meets_proven_optimum(number: int, optimum: int) -> None:
    # The published optima of instances 2-4 equal the rounded-up root bound.
    inst = benchmark_instance(number)
    result = dive(inst, time.monotonic() + 30, workers=2, seed=1)
    assert result.bound <= optimum
    assert math.ceil(result.bound - 1e-6) == optimum
    assert result.cost == optimum
    ev = evaluate(inst, _grid(inst, result.roster))
    assert ev.feasible and ev.objective == optimum


def test_instance1_bound_is_valid_and_dives_stop_at_the_deadline() -> None:
    # Instance 1's optimum (607) lies above its root bound, so dives go on
    # until the deadline; every roster they return is legal and scored right.
    inst = benchmark_instance(1)
    start = time.monotonic()
    result = dive(inst, start + 2.0, workers=1, seed=1)
    assert time.monotonic() - start < 4.0
    assert result.bound <= 607
    assert result.dives >= 1
    ev = evaluate(inst, _grid(inst, result.roster))
    assert ev.feasible
    assert ev.objective == result.cost == roster_cost(result.generator, result.roster)
    assert result.cost >= 607


def test_lagrangian_bound_never_exceeds_the_lp_value() -> None:
    inst = benchmark_instance(2)
    cg = ColumnGeneration(inst, workers=2, seed=1)
    with ThreadPoolExecutor(2) as pool:
        cg.add_initial_columns(pool)
        values = []
        for _ in range(50):
            state = cg.iterate(pool, 5.0)
            values.append(state.value)
            assert state.lagrangian_bound <= state.value + 1e-9
            if state.converged:
                break
    assert state.converged
    # The restricted master's value never rises as columns are added.
    assert all(b <= a + 1e-9 for a, b in zip(values, values[1:], strict=False))


def test_integer_master_keeps_the_hinted_roster_or_better() -> None:
    inst = benchmark_instance(2)
    result = dive(inst, time.monotonic() + 30, workers=2, seed=1)
    roster, cost = integer_master(result.generator, result.roster, 5.0, workers=1, seed=1)
    assert cost is not None and cost <= result.cost
    assert evaluate(inst, _grid(inst, roster)).objective == cost
