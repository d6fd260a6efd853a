"""Benchmark: check synthetic 26-week lines against wales-2026 (kernels vs reference).

``ROTA_BENCH_SMOKE=1`` uses 2,000 lines instead of 100,000. The plain-Python
reference is timed on a subset in the same run and scaled, to report the speed-up.
"""

from __future__ import annotations

import os
import time

import pytest

from simulator.definitions import load_definitions
from simulator.rules import check, load_ruleset
from simulator.rules.reference import reference_records
from simulator.synthetic import synthetic_compiled

SMOKE = os.environ.get("ROTA_BENCH_SMOKE", "0") == "1"
N_LINES = 2_000 if SMOKE else 100_000
N_REFERENCE = 20 if SMOKE else 200
WEEKS = 26
RULESET = "wales-2026"


@pytest.fixture(scope="module")
def workload():
    compiled = synthetic_compiled(N_LINES, WEEKS, seed=2026)
    rules = load_ruleset(RULESET)
    check(synthetic_compiled(8, WEEKS, seed=1), rules)  # compile the kernels first
    return compiled, rules


def test_bench_check_wales_2026(benchmark, workload):
    compiled, rules = workload
    result = benchmark.pedantic(
        lambda: check(compiled, rules).compliant, rounds=3, iterations=1, warmup_rounds=0
    )
    assert result.shape == (N_LINES,)
    kernel_s = benchmark.stats.stats.min
    t0 = time.perf_counter()
    reference_records(compiled, rules, load_definitions(), range(N_REFERENCE))
    reference_s = (time.perf_counter() - t0) * N_LINES / N_REFERENCE
    lines_per_s = N_LINES / kernel_s
    ratio = reference_s / kernel_s
    benchmark.extra_info.update(
        {
            "lines": N_LINES,
            "weeks": WEEKS,
            "ruleset": RULESET,
            "lines_per_s": round(lines_per_s),
            "reference_lines_timed": N_REFERENCE,
            "reference_lines_per_s": round(N_LINES / reference_s, 1),
            "ratio": round(ratio, 1),
        }
    )
    print(
        f"\nrules check {RULESET}: {N_LINES} lines x {WEEKS} weeks: {lines_per_s:,.0f} lines/s; "
        f"reference {N_LINES / reference_s:,.1f} lines/s; ratio {ratio:,.0f}x"
    )
