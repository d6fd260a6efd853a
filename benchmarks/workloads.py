"""Registry of benchmark workloads: named, seeded, sized for full and smoke runs.

Set ``ROTA_BENCH_SMOKE=1`` for the quick CI run (small sizes, same code paths).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from simulator.compile import CompiledRota
from simulator.synthetic import synthetic_compiled

SMOKE = os.environ.get("ROTA_BENCH_SMOKE", "0") == "1"


@dataclass(frozen=True, slots=True)
class Workload:
    """A named workload: ``n_lines`` synthetic lines of ``weeks`` weeks (``smoke_lines`` in CI)."""

    name: str
    n_lines: int
    smoke_lines: int
    weeks: int = 26
    seed: int = 20260803

    @property
    def lines(self) -> int:
        """Lines for this run (smoke or full)."""
        return self.smoke_lines if SMOKE else self.n_lines


WORKLOADS = {
    w.name: w
    for w in (
        Workload("lines-10k-26w", n_lines=10_000, smoke_lines=1_000),
        Workload("lines-100k-26w", n_lines=100_000, smoke_lines=2_000),
        Workload("lines-1m-26w", n_lines=1_000_000, smoke_lines=5_000),
        Workload("reference-sample-26w", n_lines=200, smoke_lines=20, seed=7),
    )
}


@cache
def compiled_workload(name: str) -> CompiledRota:
    """The compiled synthetic rota of a registered workload (built once per session)."""
    w = WORKLOADS[name]
    return synthetic_compiled(w.lines, w.weeks, w.seed)


def seconds(fn: Callable[[], object]) -> float:
    """Wall time of one call, seconds."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def report(
    benchmark, *, label: str, lines: int, kernel_s: float, reference_lines: int, reference_s: float
) -> dict:
    """Record throughput and the ratio to the reference in ``benchmark.extra_info`` and print."""
    kernel_rate = lines / kernel_s
    reference_rate = reference_lines / reference_s
    info = {
        "lines": lines,
        "kernel_lines_per_s": round(kernel_rate, 1),
        "reference_lines_per_s": round(reference_rate, 2),
        "ratio_vs_reference": round(kernel_rate / reference_rate, 1),
        "smoke": SMOKE,
    }
    benchmark.extra_info.update(info)
    print(
        f"\n{label}: {lines:,} lines in {kernel_s:.2f} s = {kernel_rate:,.0f} lines/s; "
        f"reference {reference_rate:,.1f} lines/s; ratio {kernel_rate / reference_rate:,.0f}x"
    )
    return info
