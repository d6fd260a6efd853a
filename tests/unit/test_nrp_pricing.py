"""The pricing dynamic programme finds the cheapest schedule an employee may work.

The oracle is exhaustive: every one of the 2^14 rosters of a one-employee,
one-shift instance is checked by the independent evaluator, and the cheapest
feasible one under random day weights must cost what the programme returns.
A two-shift instance adds forbidden successions, per-type limits and unequal
shift lengths (3^7 rosters).  The per-cell bounds (least cost of a legal
schedule making a given choice on a given day) and the listing of every
schedule within a cost limit are checked against the same exhaustive lists.
Compiled kernels and plain-Python references must agree exactly.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.nrp.evaluate import evaluate
from optimizer.nrp.instance import parse_instance
from optimizer.nrp.pricing import (
    cell_bounds,
    cell_bounds_kernel,
    cell_bounds_reference,
    cheapest_schedules,
    employee_rules,
    enumerate_kernel,
    enumerate_reference,
    price_kernel,
    price_reference,
    schedules_within,
    state_count,
)

pytestmark = pytest.mark.kernel

ONE_SHIFT = parse_instance(
    """\
SECTION_HORIZON
14

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=14,4800,1440,4,3,2,1

SECTION_DAYS_OFF
A,9

SECTION_SHIFT_ON_REQUESTS

SECTION_SHIFT_OFF_REQUESTS

SECTION_COVER
0,D,1,1,1
""",
    name="one-shift",
)

TWO_SHIFTS = parse_instance(
    """\
SECTION_HORIZON
7

SECTION_SHIFTS
E,480,
L,600,E

SECTION_STAFF
A,E=7|L=2,3000,1440,3,2,2,1

SECTION_DAYS_OFF
A,3

SECTION_SHIFT_ON_REQUESTS

SECTION_SHIFT_OFF_REQUESTS

SECTION_COVER
0,E,1,1,1
""",
    name="two-shifts",
)


def _feasible_rosters(instance) -> list[tuple[int, ...]]:
    """Every single-employee roster (shift index per day, -1 off) the evaluator accepts."""
    shifts = instance.shifts
    out = []
    for pattern in itertools.product(range(-1, len(shifts)), repeat=instance.horizon):
        row = [shifts[k].id if k >= 0 else None for k in pattern]
        if evaluate(instance, [row]).feasible:
            out.append(pattern)
    return out


FEASIBLE = {inst.name: _feasible_rosters(inst) for inst in (ONE_SHIFT, TWO_SHIFTS)}


def _price(kernel, instance, weight: np.ndarray, n_best: int = 3):
    return cheapest_schedules(employee_rules(instance, 0), weight, n_best, kernel)


def _cost(weight: np.ndarray, schedule) -> float:
    return float(sum(weight[d, k] for d, k in enumerate(schedule) if k >= 0))


def test_rules_arrays_of_the_two_shift_instance() -> None:
    r = employee_rules(TWO_SHIFTS, 0)
    # gcd(480, 600) = 120 minutes: E is 4 units, L is 5; 3000 min = 25 units,
    # 1440 min = 12 units.
    assert r.units.tolist() == [4, 5]
    assert (r.max_units, r.min_units) == (25, 12)
    # L may be worked at most twice (binding: 6 days are open); E=7 cannot bind.
    assert r.limit.tolist() == [-1, 2]
    assert r.forbidden.tolist() == [[False, False], [True, False]]
    # Day 3 is a day off: no shift, but off is allowed (the last column).
    assert r.allowed[3].tolist() == [False, False, True] and r.allowed[2].all()
    # One weekend in a 7-day horizon and a limit of 1: the limit cannot bind.
    assert r.max_weekends == -1
    # (2 shifts + off) x 3 run lengths x 2 x 1 weekend state x 26 unit states x 3 counts
    assert state_count(r) == 3 * 3 * 2 * 1 * 26 * 3


def test_all_ones_weight_hand_worked() -> None:
    # Weight -1 per shift: the cheapest schedule works as many days as the rules
    # allow.  Runs of at most 4 shifts, interior runs of at least 3, interior
    # rests of at least 2 days, day 9 off, at most one weekend (days 5-6 or
    # 12-13).  Using weekend 2: days 0-3 (a run touching the start), then 7-8
    # would be an interior run of 2 before day 9, so they stay off, and 10-13
    # (a run touching the end): 4 + 4 = 8 shifts.  Using weekend 1 instead:
    # 0-3 and 6-8, and 11 alone would be an interior run of 1: 7 shifts.  A run
    # of 5 is not allowed, so 8 is the most: cost -8.
    weight = -np.ones((14, 1))
    schedules, costs = _price(price_kernel, ONE_SHIFT, weight)
    assert costs[0] == -8.0
    assert _cost(weight, schedules[0]) == -8.0
    assert min(_cost(weight, s) for s in FEASIBLE["one-shift"]) == -8.0


@pytest.mark.parametrize("instance", [ONE_SHIFT, TWO_SHIFTS], ids=lambda i: i.name)
@pytest.mark.parametrize("seed", range(6))
def test_kernel_matches_exhaustive_search(instance, seed: int) -> None:
    rng = np.random.default_rng(seed)
    weight = rng.normal(0.0, 3.0, (instance.horizon, len(instance.shifts))) - 1.0
    feasible = FEASIBLE[instance.name]
    best = min(_cost(weight, s) for s in feasible)
    schedules, costs = _price(price_kernel, instance, weight, n_best=4)
    assert costs[0] == pytest.approx(best, abs=1e-9)
    assert list(costs) == sorted(costs)
    for schedule, cost in zip(schedules, costs, strict=True):
        assert tuple(schedule) in set(feasible)  # every schedule returned is legal
        assert _cost(weight, schedule) == pytest.approx(cost, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=14, max_size=14))
def test_kernel_and_reference_agree(values: list[int]) -> None:
    weight = np.array(values, dtype=float).reshape(7, 2)
    k_sched, k_cost = _price(price_kernel, TWO_SHIFTS, weight, n_best=3)
    r_sched, r_cost = _price(price_reference, TWO_SHIFTS, weight, n_best=3)
    assert np.array_equal(k_sched, r_sched)
    assert np.array_equal(k_cost, r_cost)


def test_no_schedule_when_rules_cannot_be_met() -> None:
    # Minimum 1440 min = 3 shifts, but every day is a fixed day off.
    inst = parse_instance(
        "SECTION_HORIZON\n7\n\nSECTION_SHIFTS\nD,480,\n\nSECTION_STAFF\n"
        "A,D=7,4800,1440,4,1,1,1\n\nSECTION_DAYS_OFF\nA,0,1,2,3,4,5,6\n\n"
        "SECTION_SHIFT_ON_REQUESTS\n\nSECTION_SHIFT_OFF_REQUESTS\n\n"
        "SECTION_COVER\n0,D,1,1,1\n",
        name="none",
    )
    schedules, costs = _price(price_kernel, inst, np.zeros((7, 1)))
    assert schedules.shape == (0, 7) and costs.shape == (0,)


def _through(weight: np.ndarray, feasible, d: int, k: int, n_shifts: int) -> float:
    """Least cost of a listed schedule whose day ``d`` choice is ``k`` (``n_shifts`` = off)."""
    choice = -1 if k == n_shifts else k
    costs = [_cost(weight, s) for s in feasible if s[d] == choice]
    return min(costs, default=np.inf)


@pytest.mark.parametrize("instance", [ONE_SHIFT, TWO_SHIFTS], ids=lambda i: i.name)
@pytest.mark.parametrize("seed", range(4))
def test_cell_bounds_match_exhaustive_search(instance, seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    n_shifts = len(instance.shifts)
    weight = rng.normal(0.0, 3.0, (instance.horizon, n_shifts)) - 1.0
    feasible = FEASIBLE[instance.name]
    bound = cell_bounds(employee_rules(instance, 0), weight)
    assert bound.shape == (instance.horizon, n_shifts + 1)
    for d in range(instance.horizon):
        for k in range(n_shifts + 1):
            expected = _through(weight, feasible, d, k, n_shifts)
            if np.isinf(expected):
                assert np.isinf(bound[d, k]), (d, k)
            else:
                assert bound[d, k] == pytest.approx(expected, abs=1e-9), (d, k)
    # Every day's least bound is the cheapest schedule.
    cheapest = min(_cost(weight, s) for s in feasible)
    assert bound.min(axis=1) == pytest.approx(np.full(instance.horizon, cheapest), abs=1e-9)


def test_cell_bounds_hand_worked() -> None:
    # Weight -1 per shift on the one-shift instance: the best schedule works 8
    # shifts (see test_all_ones_weight_hand_worked), e.g. 0-3 and 10-13, or
    # 1-4 and 10-13 (then 5-6 off, and 7-8 would be an interior run of 2).
    weight = -np.ones((14, 1))
    bound = cell_bounds(employee_rules(ONE_SHIFT, 0), weight)
    off = 1
    # Day 9 is a fixed day off: working it is impossible; being off costs -8.
    assert np.isinf(bound[9, 0]) and bound[9, off] == -8.0
    # Day 0 worked (0-3, 10-13) or off (1-4, 10-13), day 4 worked (1-4, 10-13):
    # all reach 8 shifts.
    assert bound[0, 0] == bound[0, off] == bound[4, 0] == -8.0
    # Day 5 worked uses the one weekend allowed, so 12-13 stay off; then 10-11
    # could only be an interior run of 2.  Best: 0-2, days 3-4 off, 5-8: 7 shifts.
    assert bound[5, 0] == -7.0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=14, max_size=14))
def test_cell_bounds_kernel_and_reference_agree(values: list[int]) -> None:
    weight = np.array(values, dtype=float).reshape(7, 2)
    rules = employee_rules(TWO_SHIFTS, 0)
    compiled = cell_bounds(rules, weight, cell_bounds_kernel)
    reference = cell_bounds(rules, weight, cell_bounds_reference)
    assert np.array_equal(compiled, reference)


@pytest.mark.parametrize("instance", [ONE_SHIFT, TWO_SHIFTS], ids=lambda i: i.name)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("slack", [0.0, 2.5, 7.0])
def test_schedules_within_match_exhaustive_search(instance, seed: int, slack: float) -> None:
    rng = np.random.default_rng(200 + seed)
    # Integer weights: many ties, and the limit is then exact.
    weight = rng.integers(-4, 3, (instance.horizon, len(instance.shifts))).astype(float)
    feasible = FEASIBLE[instance.name]
    limit = min(_cost(weight, s) for s in feasible) + slack
    expected = {s for s in feasible if _cost(weight, s) <= limit}
    found = schedules_within(employee_rules(instance, 0), weight, limit, 10_000)
    assert found is not None
    schedules, costs = found
    listed = [tuple(int(k) for k in row) for row in schedules]
    assert len(listed) == len(set(listed))  # no schedule twice
    assert set(listed) == expected
    for row, cost in zip(listed, costs, strict=True):
        assert _cost(weight, row) == cost


def test_schedules_within_hand_worked() -> None:
    # Weight -1 per shift on the one-shift instance: the best schedules work 8
    # shifts.  Those are exactly days 0-3 + 10-13 and 1-4 + 10-13 (see
    # test_cell_bounds_hand_worked: working day 5 or 6 gives at most 7), so a
    # limit of -8 lists those two.
    weight = -np.ones((14, 1))
    found = schedules_within(employee_rules(ONE_SHIFT, 0), weight, -8.0, 100)
    assert found is not None
    work = {tuple(d for d, k in enumerate(row) if k == 0) for row in found[0].tolist()}
    assert work == {(0, 1, 2, 3, 10, 11, 12, 13), (1, 2, 3, 4, 10, 11, 12, 13)}
    assert found[1].tolist() == [-8.0, -8.0]


def test_schedules_within_reports_overflow() -> None:
    weight = np.zeros((7, 2))
    n_legal = len(FEASIBLE["two-shifts"])
    rules = employee_rules(TWO_SHIFTS, 0)
    # Every legal schedule costs 0: all are within the limit.
    exact = schedules_within(rules, weight, 0.0, n_legal)
    assert exact is not None and len(exact[0]) == n_legal
    assert schedules_within(rules, weight, 0.0, n_legal - 1) is None


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=14, max_size=14), st.integers(0, 12))
def test_enumeration_kernel_and_reference_agree(values: list[int], slack: int) -> None:
    weight = np.array(values, dtype=float).reshape(7, 2)
    rules = employee_rules(TWO_SHIFTS, 0)
    limit = float(min(_cost(weight, s) for s in FEASIBLE["two-shifts"]) + slack)
    compiled = schedules_within(rules, weight, limit, 5_000, enumerate_kernel)
    reference = schedules_within(rules, weight, limit, 5_000, enumerate_reference)
    assert compiled is not None and reference is not None
    assert np.array_equal(compiled[0], reference[0])
    assert np.array_equal(compiled[1], reference[1])
