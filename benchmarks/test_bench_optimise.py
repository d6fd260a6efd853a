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


def test_bench_optimise_generated_department(benchmark, tmp_path):
    """Time to the first compliant rota of a generated department: staged vs plain CP-SAT.

    Both run in the same process on the same problem and time limit; the ratio (plain
    ÷ staged time to the first rota) is printed and kept in ``extra_info``. The full
    table over sizes 8 × 6 to 40 × 20 is ``benchmarks/optimiser_table.py``.
    """
    from benchmarks.department import generate_problem
    from benchmarks.optimiser_table import plain_cp_sat, staged
    from benchmarks.workloads import SMOKE

    doctors, weeks, shape = (8, 6, "medical") if SMOKE else (12, 12, "ed")
    seconds = 20.0 if SMOKE else 60.0
    path = tmp_path / "problem.toml"
    path.write_text(generate_problem(doctors, weeks, seed=1, shape=shape), encoding="utf-8")
    ours = benchmark.pedantic(
        staged, args=(path, "pay-loss", seconds, 1, 2), rounds=1, iterations=1
    )
    plain = plain_cp_sat(path, "pay-loss", seconds, 1, 2)
    assert ours.first_rota_s is not None
    ratio = plain.first_rota_s / ours.first_rota_s if plain.first_rota_s else None
    benchmark.extra_info.update(
        first_rota_s=ours.first_rota_s, plain_first_rota_s=plain.first_rota_s, ratio=ratio
    )
    print(
        f"\n{shape} {doctors}x{weeks}: first rota {ours.first_rota_s:.1f} s staged, "
        f"{plain.first_rota_s if plain.first_rota_s is not None else float('nan'):.1f} s "
        f"plain CP-SAT; gap {ours.gap}"
    )
