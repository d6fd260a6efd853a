"""On-call simulation: NROC shifts per second, SimPy model vs the Numba twin, in one run.

Workload: the bundled registrar NROC rota (8 lines, 7 NROC shifts and 36 resident
shifts per 8-week cycle), one-year runs (7 cycles), default parameters. SimPy
simulates a few runs; the twin 10 million NROC shifts (with their resident shifts'
overruns) on both cores of the machine (two threads; the kernel releases the GIL),
and a tenth of that on one thread for the per-core ratio. Targets: the twin at
least 1000x the SimPy model's rate and 10 million NROC shifts in under 30 s.
``ROTA_BENCH_SMOKE=1`` runs small counts through the same code.
"""

from __future__ import annotations

from benchmarks.workloads import SMOKE, seconds
from simulator.compile import compile_rota
from simulator.examples import example_path
from simulator.io import read_rota
from simulator.oncall import simulate_totals
from simulator.oncall.accounting import R

#: Rota cycles per run (one year of the 8-week rota).
CYCLES = 7
#: NROC shifts the twin simulates (full run) and SimPy runs per line.
TWIN_SHIFTS = 200_000 if SMOKE else 10_000_000
SIMPY_RUNS = 1 if SMOKE else 4
#: Threads of the main twin run (the machine has two cores).
WORKERS = 2


def test_oncall_throughput(benchmark):
    compiled = compile_rota(read_rota(example_path("department/registrar_medicine.toml")))
    shifts_per_run = int(
        simulate_totals(compiled, 1, seed=0, n_cycles=CYCLES)[:, :, R["nroc_shifts"]].sum()
    )  # also compiles or loads the kernels outside the timing
    twin_runs = -(-TWIN_SHIFTS // shifts_per_run)

    simpy_s = seconds(
        lambda: simulate_totals(compiled, SIMPY_RUNS, seed=1, engine="simpy", n_cycles=CYCLES)
    )
    simpy_rate = SIMPY_RUNS * shifts_per_run / simpy_s

    one_thread_runs = max(1, twin_runs // 10)
    one_thread_s = seconds(
        lambda: simulate_totals(compiled, one_thread_runs, seed=3, n_cycles=CYCLES, workers=1)
    )
    one_thread_rate = one_thread_runs * shifts_per_run / one_thread_s

    result = benchmark.pedantic(
        simulate_totals,
        args=(compiled, twin_runs, 2),
        kwargs={"n_cycles": CYCLES, "workers": WORKERS},
        rounds=1,
        iterations=1,
        warmup_rounds=0,
    )
    twin_s = benchmark.stats.stats.min
    twin_shifts = int(result[:, :, R["nroc_shifts"]].sum())
    twin_rate = twin_shifts / twin_s
    info = {
        "twin_nroc_shifts": twin_shifts,
        "twin_seconds": round(twin_s, 3),
        "twin_nroc_shifts_per_s": round(twin_rate, 1),
        "simpy_nroc_shifts": SIMPY_RUNS * shifts_per_run,
        "simpy_seconds": round(simpy_s, 3),
        "simpy_nroc_shifts_per_s": round(simpy_rate, 1),
        "ratio_twin_vs_simpy": round(twin_rate / simpy_rate, 1),
        "twin_workers": WORKERS,
        "twin_one_thread_nroc_shifts_per_s": round(one_thread_rate, 1),
        "ratio_per_core": round(one_thread_rate / simpy_rate, 1),
        "smoke": SMOKE,
    }
    benchmark.extra_info.update(info)
    print(
        f"\non-call: twin {twin_shifts:,} NROC shifts in {twin_s:.2f} s = {twin_rate:,.0f}/s; "
        f"SimPy {SIMPY_RUNS * shifts_per_run:,} in {simpy_s:.2f} s = {simpy_rate:,.0f}/s; "
        f"ratio {twin_rate / simpy_rate:,.0f}x ({WORKERS} threads); one thread "
        f"{one_thread_rate:,.0f}/s, ratio per core {one_thread_rate / simpy_rate:,.0f}x"
    )
    assert twin_shifts >= TWIN_SHIFTS
    if not SMOKE:
        assert twin_rate / simpy_rate >= 1000
        assert twin_s < 30.0
