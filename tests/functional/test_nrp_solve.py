"""End-to-end solves of benchmark instances, checked by the independent evaluator."""

from __future__ import annotations

import argparse
import json

import pytest

from optimizer.nrp import solve
from optimizer.nrp.evaluate import evaluate
from scenarios.commands.nrp import register

from ..helpers import benchmark_instance


def test_instance1_reaches_proven_optimum_607() -> None:
    inst = benchmark_instance(1)
    result = solve(inst, time_limit_s=15, seed=1, workers=2)
    assert result.status == "OPTIMAL"
    assert result.objective == 607
    assert result.bound == 607
    assert result.best_known == 607
    assert result.gap == 0.0
    assert result.solver_objective == 607
    assert not result.objective_mismatch
    assert result.violations == ()
    # The evaluator, run again on the returned roster, agrees.
    assert evaluate(inst, result.roster).objective == 607
    assert result.wall_time_s < 15


def test_instance2_roster_is_feasible_and_agrees_with_evaluator() -> None:
    inst = benchmark_instance(2)
    result = solve(inst, time_limit_s=10, seed=1, workers=2)
    assert result.status in ("FEASIBLE", "OPTIMAL")
    assert result.roster is not None
    ev = evaluate(inst, result.roster)
    assert ev.violations == []
    assert ev.objective == result.objective == result.solver_objective
    assert not result.objective_mismatch
    # 828 is optimal for this instance; the bound must be valid.
    assert 828 <= result.objective
    assert result.bound <= 828
    assert result.gap == pytest.approx((result.objective - 828) / 828)
    assert len(result.roster) == 14 and all(len(row) == 14 for row in result.roster)


@pytest.mark.slow
@pytest.mark.parametrize(("number", "optimum"), [(5, 1143), (6, 1950)])
def test_instances_5_and_6_are_proven_optimal(number: int, optimum: int) -> None:
    # Their root bounds round up to 1141 and 1949: the dives stop a unit or two
    # above, and CP-SAT on the compact model cut by the root duals finds the
    # optimum and proves that nothing cheaper is left.  One worker: dives are
    # counted and CP-SAT runs on deterministic time, so this does not depend on
    # the machine's load (about 10 s each here).
    inst = benchmark_instance(number)
    result = solve(inst, time_limit_s=40, seed=1, workers=1)
    assert result.status == "OPTIMAL"
    assert result.objective == result.bound == optimum
    assert evaluate(inst, result.roster).objective == optimum
    assert not result.objective_mismatch and result.violations == ()


def test_workers_1_is_reproducible_with_fixed_seed() -> None:
    inst = benchmark_instance(1)
    first = solve(inst, time_limit_s=10, seed=3, workers=1)
    second = solve(inst, time_limit_s=10, seed=3, workers=1)
    assert first.objective == second.objective == 607
    assert first.roster == second.roster


def test_cli_prints_json_summary(capsys: pytest.CaptureFixture[str]) -> None:
    benchmark_instance(1)
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["nrp", "1", "--time-limit", "10", "--seed", "2"])
    assert args.run(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["objective"] == 607
    assert payload["best_known"] == 607
    assert payload["gap"] == 0.0
    assert payload["status"] == "OPTIMAL"
    assert payload["bound"] == 607.0


def test_cli_reports_malformed_file(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("SECTION_HORIZON\nseven\n")
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["nrp", str(bad)])
    assert args.run(args) == 2
    err = capsys.readouterr().err
    assert err == "rota: error: bad.txt: missing section SECTION_SHIFTS\n"
