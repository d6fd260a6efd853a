"""The CP-SAT model accepts exactly the rosters the independent evaluator accepts.

Every roster of a small one-shift instance is fixed in the model in turn; the
model must be feasible exactly when the evaluator reports no hard violation,
and then both must give the same objective.  The instance exercises the run
rules (minimum / maximum consecutive shifts, minimum consecutive days off,
including runs touching the horizon ends), weekends, total minutes and a fixed
day off.
"""

from __future__ import annotations

import itertools

from ortools.sat.python import cp_model

from optimizer.nrp.evaluate import evaluate
from optimizer.nrp.formulation import build_model
from optimizer.nrp.instance import parse_instance

RUNS = parse_instance(
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
A,0,D,2
A,6,D,3

SECTION_SHIFT_OFF_REQUESTS
A,3,D,4

SECTION_COVER
2,D,1,5,1
12,D,0,5,7
""",
    name="runs",
)


NM = build_model(RUNS)


def _model_objective(pattern: tuple[int, ...]) -> int | None:
    """Objective of the model with the roster fixed, or None when infeasible."""
    NM.model.clear_assumptions()
    NM.model.add_assumptions(
        [NM.work[0, d] if on else ~NM.work[0, d] for d, on in enumerate(pattern)]
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(NM.model)
    if status == cp_model.INFEASIBLE:
        return None
    assert status == cp_model.OPTIMAL
    return round(solver.objective_value)


def test_model_and_evaluator_agree_on_every_roster_of_a_window() -> None:
    # All patterns of days 2..11 (days 0-1 and 12-13 fixed) keep the test fast
    # while covering interior runs and runs that touch either end.
    checked = feasible = 0
    for head, tail in (((0, 0), (0, 0)), ((1, 1), (1, 1)), ((0, 1), (1, 0))):
        for middle in itertools.product((0, 1), repeat=10):
            pattern = head + middle + tail
            ev = evaluate(RUNS, [["D" if on else None for on in pattern]])
            got = _model_objective(pattern)
            if ev.violations:
                assert got is None, (pattern, ev.violations)
            else:
                assert got == ev.objective, pattern
                feasible += 1
            checked += 1
    assert checked == 3 * 1024
    assert feasible >= 10
