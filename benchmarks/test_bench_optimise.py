"""Time to redesign the bundled F1 medicine rota (build, solve, re-check, re-price)."""

from __future__ import annotations

from optimizer.problem import read_problem
from optimizer.solve import solve
from simulator.examples import example_path


def test_bench_optimise_department(benchmark):
    problem = read_problem(example_path("department/problems/medicine_f1.toml"))
    result = benchmark.pedantic(
        solve,
        args=(problem,),
        kwargs={"time_limit_s": 20.0, "seed": 0, "workers": 2},
        rounds=1,
        iterations=1,
    )
    assert result.compliant
