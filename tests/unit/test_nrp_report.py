"""Instance lists and markdown rendering of benchmark results."""

from __future__ import annotations

import pytest

from optimizer.nrp.best_known import best_known_for
from optimizer.nrp.model import NrpResult
from optimizer.nrp.report import TableRow, markdown_table, parse_instance_list


def test_parse_instance_list() -> None:
    assert parse_instance_list("1-3,7,2,10-11") == [1, 2, 3, 7, 10, 11]
    assert parse_instance_list("5") == [5]
    with pytest.raises(ValueError, match="range"):
        parse_instance_list("4-2")
    with pytest.raises(ValueError, match="item"):
        parse_instance_list("a-b")


def test_best_known_lookup() -> None:
    assert best_known_for("Instance1") == 607
    assert best_known_for("Instance7.txt") == 1056
    assert best_known_for("Instance24") == 40439
    assert best_known_for("Instance99") is None
    assert best_known_for("mine") is None


def test_markdown_table_row() -> None:
    result = NrpResult(
        instance="Instance3",
        objective=1010,
        solver_objective=1010,
        objective_mismatch=False,
        bound=300.0,
        best_known=1001,
        gap=9 / 1001,
        status="FEASIBLE",
        wall_time_s=60.04,
        roster=(("D",),),
        violations=(),
        lns_iterations=5,
    )
    table = markdown_table([TableRow(3, 14, 20, 3, result)])
    lines = table.splitlines()
    assert len(lines) == 3
    assert lines[2] == "| 3 | 14 | 20 | 3 | 1010 | 300 | 1001 | 0.90% | FEASIBLE | 60.0 | ok |"
