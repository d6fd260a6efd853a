"""Independent evaluator: objective components and each hard-constraint rule.

The tiny instance has one week (day 0 = Monday, days 5-6 = weekend), shifts D
(480 min) and N (600 min, D may not follow N), and two employees:

* A: at most 3 D and 1 N, 960-2400 minutes, runs of 2-3 shifts, at least 2 days
  off in a row, at most 1 weekend, day 6 off;
* B: at most 7 of each, 0-2800 minutes, runs of 1-7 shifts, no weekend.
"""

from __future__ import annotations

import pytest

from optimizer.nrp import instance_path
from optimizer.nrp.evaluate import evaluate
from optimizer.nrp.instance import parse_instance, read_instance

TINY = parse_instance(
    """\
SECTION_HORIZON
7

SECTION_SHIFTS
D,480,
N,600,D

SECTION_STAFF
A,D=3|N=1,2400,960,3,2,2,1
B,D=7|N=7,2800,0,7,1,1,0

SECTION_DAYS_OFF
A,6

SECTION_SHIFT_ON_REQUESTS
A,0,D,2
B,1,N,3

SECTION_SHIFT_OFF_REQUESTS
A,1,D,4
B,2,D,1

SECTION_COVER
0,D,1,100,1
1,D,2,50,2
1,N,1,30,5
""",
    name="tiny",
)


def _rows(a: str, b: str = ".......") -> list[list[str | None]]:
    """Roster from two 7-character strings ('.' = day off)."""
    return [[None if c == "." else c for c in row] for row in (a, b)]


def test_empty_instance1_scores_7137() -> None:
    path = instance_path(1)
    if not path.exists():
        pytest.skip("benchmark data not available")
    inst = read_instance(path)
    result = evaluate(inst, {})
    assert result.objective == 7137
    # Every employee is below MinTotalMinutes (3360) when not working.
    assert len(result.violations) == 8


def test_empty_roster_components() -> None:
    result = evaluate(TINY, {})
    # On requests: 2 + 3 unmet.  Under cover: 1*100 + 2*50 + 1*30.
    assert result.on_request_penalty == 5
    assert result.off_request_penalty == 0
    assert result.under_cover_penalty == 230
    assert result.over_cover_penalty == 0
    assert result.objective == 235
    assert result.violations == ["A: 0 minutes < min 960"]


def test_mapping_roster_every_penalty_type() -> None:
    roster = {("A", 0): "D", ("A", 1): "D", ("B", 0): "D", ("B", 1): "N"}
    result = evaluate(TINY, roster)
    # Both on requests met; A's off request (day 1 D, weight 4) violated;
    # day 0 D has 2 for 1 (over 1 * 1); day 1 D has 1 for 2 (under 1 * 50).
    assert result.on_request_penalty == 0
    assert result.off_request_penalty == 4
    assert result.under_cover_penalty == 50
    assert result.over_cover_penalty == 1
    assert result.objective == 55
    assert result.feasible


def test_grid_and_mapping_agree() -> None:
    grid = _rows("DD.....", "DN.....")
    mapping = {("A", 0): "D", ("A", 1): "D", ("B", 0): "D", ("B", 1): "N", ("B", 3): None}
    assert evaluate(TINY, grid) == evaluate(TINY, mapping)


def test_over_cover_and_off_request_weights() -> None:
    # B works D on day 2 (off request weight 1); A works N on day 1 with B on N too:
    # day 1 N has 2 for 1 -> over 1 * 5; day 1 D has 0 for 2 -> under 2 * 50;
    # day 0 D has 0 for 1 -> under 100; on requests: A day 0 D unmet (2).
    result = evaluate(TINY, _rows(".NN....", ".ND...."))
    assert result.violations == ["A: 2 shifts of type N > max 1", "B days 1-2: D may not follow N"]
    assert result.off_request_penalty == 1
    assert result.over_cover_penalty == 5
    assert result.under_cover_penalty == 200
    assert result.on_request_penalty == 2
    assert result.objective == 208


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (".NN....", ".......", "A: 2 shifts of type N > max 1"),
        ("...DD..", "NNNNN..", "B: 3000 minutes > max 2800"),
        ("D......", ".......", "A: 480 minutes < min 960"),
        ("DDDN...", ".......", "A days 0-3: 4 consecutive shifts > max 3"),
        (".D..DD.", ".......", "A days 1-1: 1 consecutive shifts < min 2"),
        ("DD.DN..", ".......", "A days 2-2: 1 consecutive days off < min 2"),
        ("...DD..", ".....N.", "B: 1 weekends worked > max 0"),
        (".....DD", ".......", "A day 6: works D on a day off"),
        ("...DD..", "ND.....", "B days 0-1: D may not follow N"),
    ],
)
def test_each_hard_rule(a: str, b: str, expected: str) -> None:
    assert evaluate(TINY, _rows(a, b)).violations == [expected]


def test_unknown_shift_is_a_violation_and_counts_no_minutes() -> None:
    violations = evaluate(TINY, _rows("...DX..")).violations
    assert violations == ["A day 4: unknown shift 'X'", "A: 480 minutes < min 960"]


def test_short_runs_at_horizon_ends_are_not_violations() -> None:
    # A: one shift on day 0 (run touches the start), then a run of two;
    # then a single day off on day 6 (touches the end).  B: idle.
    assert evaluate(TINY, _rows("D..DD..", ".......")).violations == []
    assert evaluate(TINY, _rows("...DDD.", ".......")).violations == []


def test_rejects_wrong_shape() -> None:
    with pytest.raises(ValueError, match="rows"):
        evaluate(TINY, [[None] * 7])
    with pytest.raises(ValueError, match="days"):
        evaluate(TINY, [[None] * 6, [None] * 7])
