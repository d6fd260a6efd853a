"""The fused line pass end to end, beside a streaming pass over the same arrays.

Metrics + New Deal compliance + 2002 band + 2026 pay for 100,000 synthetic 26-week
lines (5,000 in the smoke run) by :func:`simulator.fused.line_pass`; in the same run,
the detailed path (metrics kernel, rules engine, pay kernels) and one streaming pass
(a parallel sum over every per-duty field, the physical floor of any line pass).
Reports lines/s, shifts/s, and the ratios to the streaming pass and to the detailed
path.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from benchmarks.workloads import SMOKE, compiled_workload, seconds
from simulator import fused
from simulator.contracts import price
from simulator.metrics import compute_metrics_array
from simulator.rules.engine import compliant_lines_detailed, resolve


@njit(cache=True, parallel=True)
def _stream(start, length, kind, work):
    total = 0.0
    for i in prange(start.shape[0]):
        total += start[i] + length[i] + kind[i] + work[i]
    return total


def _streaming_pass(c) -> float:
    return _stream(c.start_min, c.duration_min, c.kind, c.work_min)


def _detailed(c) -> None:
    compute_metrics_array(c)
    compliant_lines_detailed(c, *resolve(c, "new-deal", None))
    price(c, "nhs-2002")
    price(c, "wales-2026")


def test_fused_line_pass(benchmark):
    compiled = compiled_workload("lines-100k-26w")
    sample = compiled_workload("reference-sample-26w")
    fused.line_pass(sample)  # compile (or load the cache) outside the timing
    _streaming_pass(sample)
    out = benchmark.pedantic(fused.line_pass, args=(compiled,), rounds=3, iterations=1)
    fused_s = benchmark.stats.stats.min
    stream_s = min(seconds(lambda: _streaming_pass(compiled)) for _ in range(3))
    detailed_s = seconds(lambda: _detailed(compiled))
    n, shifts = compiled.n_lines, compiled.n_duties
    info = {
        "lines": n,
        "lines_per_s": round(n / fused_s),
        "shifts_per_s": round(shifts / fused_s),
        "ratio_to_streaming_pass": round(fused_s / max(stream_s, 1e-9), 1),
        "speedup_vs_detailed": round(detailed_s / fused_s, 2),
        "smoke": SMOKE,
    }
    benchmark.extra_info.update(info)
    print(
        f"\nfused line pass: {n:,} lines ({shifts:,} shifts) in {fused_s:.2f} s = "
        f"{n / fused_s:,.0f} lines/s; streaming pass {stream_s:.3f} s "
        f"(ratio {info['ratio_to_streaming_pass']}x); detailed path {detailed_s:.2f} s "
        f"({info['speedup_vs_detailed']}x slower than fused)"
    )
    assert out["metrics"].shape[0] == n
    assert np.isfinite(out["pay_2026"]).all()
