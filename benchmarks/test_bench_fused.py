"""The fused line pass beside the physical limit: one streaming pass over the same arrays.

For 10,000, 100,000 and 1,000,000 synthetic 26-week lines (1,000, 2,000 and 5,000
with ``ROTA_BENCH_SMOKE=1``) this measures, in the same run and back to back (the
best of 5 runs each at 1,000,000 lines, up to 40 at smaller sizes, interleaved:
other tenants of a shared machine slow one pass or the other by a third for a
second or more at times, so each size is measured over a second or two):

- end to end: :func:`simulator.fused.line_pass` -- metrics, New Deal compliance,
  2002 band and pay, 2026 pay and protection of every line;
- the streaming pass: one parallel sum over every per-duty field of the compiled
  rota (start, length, kind, work, rest, expected work, day, shift index), the
  least time any pass over these arrays can take;

and reports lines/s, shifts (duties)/s, the ratio of the two, time per shift at each
size (cost must grow linearly: at 100,000 lines within ±30 % of the largest size; the
10,000-line call, about 30 ms, is reported but not held to it, since a few
milliseconds of it are fixed per call -- reading the rule set and time definitions,
starting the threads), and the peak memory of the pass (resident set size, which
sees Numba's allocations: the high-water mark is reset just before the pass where
Linux allows it, else the growth of ``ru_maxrss``). The full run fails when
1,000,000 lines take 5 s or more, need 4 GB or more beyond their inputs, or take
more than 12 times the streaming pass (a regression: runs measure 7-9.5 times on
the 2-core machine), and reports an expected failure (XFAIL) between 10 and 12
times: other tenants of a shared machine can slow the processor-bound pass more
than the memory-bound streaming pass (docs/performance.md).
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

import numpy as np
import pytest
from numba import njit, prange

from benchmarks.workloads import SMOKE, WORKLOADS, compiled_workload
from simulator.compile import CompiledRota
from simulator.contracts import load_params
from simulator.fused import line_pass
from simulator.synthetic import synthetic_compiled

SIZES = ("lines-10k-26w", "lines-100k-26w", "lines-1m-26w")
PARAMS = {"params02": load_params("nhs-2002"), "params26": load_params("wales-2026")}
#: Targets of the full run (issue 19).
TARGET_1M_S = 5.0
TARGET_RATIO = 10.0
#: Above this the ratio is a regression, not the noise of a shared machine.
REGRESSION_RATIO = 12.0
TARGET_EXTRA_GB = 4.0
#: Time per shift at each size of LINEAR_SIZES stays within this of the largest size's.
LINEAR_TOLERANCE = 0.30
#: Sizes held to LINEAR_TOLERANCE (10,000 lines take ~30 ms, several of them fixed per call).
LINEAR_SIZES = SIZES[1:]
#: Runs of each pass per size (the best is kept): about 2 s of passes, 5 to 40 runs.
ROUND_LINES = 2_000_000
MIN_ROUNDS, MAX_ROUNDS = 5, 40
_RESULTS: dict[str, dict] = {}


@njit(parallel=True, cache=True)
def _stream_sum(start, length, kind, work, rest, expw, day, shift):
    """One pass over every per-duty field (NaN expected work counts as 0)."""
    total = 0.0
    for i in prange(start.shape[0]):
        e = expw[i]
        total += (
            start[i] + length[i] + kind[i] + work[i] + rest[i] + day[i] + shift[i]
            + (e if e == e else 0.0)
        )  # fmt: skip
    return total


def streaming_pass(c: CompiledRota) -> float:
    """The streaming pass over ``c``'s per-duty arrays (see the module docstring)."""
    return _stream_sum(
        c.start_min, c.duration_min, c.kind, c.work_min, c.rest_min, c.expected_work_min,
        c.day, c.shift_index,
    )  # fmt: skip


def _status(key: str) -> int | None:
    """A ``/proc/self/status`` field in bytes (``VmRSS``, ``VmHWM``), or None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset the resident high-water mark (Linux ``clear_refs`` 5); False where not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_memory(fn) -> tuple[float, float]:
    """Run ``fn`` once: (peak resident bytes beyond the resident set before it, peak bytes)."""
    before = _status("VmRSS")
    if before is not None and _reset_peak():
        fn()
        peak = _status("VmHWM") or 0
        return float(peak - before), float(peak)
    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    fn()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return float(peak - start), float(peak)


def best_of(fn, rounds: int = 3) -> float:
    """Least wall time of ``rounds`` calls, seconds."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def measure(name: str) -> dict:
    """End-to-end and streaming times, throughput and memory for one workload (cached)."""
    if name in _RESULTS:
        return _RESULTS[name]
    c = compiled_workload(name)
    warm = synthetic_compiled(50, 26, 1)
    line_pass(warm, **PARAMS)  # compile (or load) outside the timings
    streaming_pass(warm)
    fused_s = stream_s = float("inf")
    rounds = max(MIN_ROUNDS, min(MAX_ROUNDS, ROUND_LINES // c.n_lines))
    for _ in range(rounds):  # interleaved: both see the same machine load
        stream_s = min(stream_s, best_of(lambda: streaming_pass(c), 1))
        fused_s = min(fused_s, best_of(lambda: line_pass(c, **PARAMS), 1))
    extra, peak = peak_memory(lambda: line_pass(c, **PARAMS))
    inputs = sum(
        a.nbytes
        for a in (
            c.start_min, c.duration_min, c.kind, c.work_min, c.rest_min,
            c.expected_work_min, c.day, c.shift_index, c.offsets,
        )
    )  # fmt: skip
    result = {
        "lines": c.n_lines,
        "shifts": c.n_duties,
        "end_to_end_s": round(fused_s, 4),
        "stream_s": round(stream_s, 4),
        "ratio_to_stream": round(fused_s / stream_s, 1),
        "lines_per_s": round(c.n_lines / fused_s),
        "shifts_per_s": round(c.n_duties / fused_s),
        "ns_per_shift": round(fused_s / c.n_duties * 1e9, 2),
        "peak_extra_gb": round(extra / 1e9, 3),
        "peak_process_gb": round(peak / 1e9, 3),
        "inputs_gb": round(inputs / 1e9, 3),
        "smoke": SMOKE,
    }
    _RESULTS[name] = result
    print(
        f"\nfused line pass, {c.n_lines:,} lines ({c.n_duties:,} shifts): "
        f"{fused_s:.3f} s = {result['lines_per_s']:,} lines/s, {result['shifts_per_s']:,} "
        f"shifts/s; streaming pass {stream_s:.3f} s, ratio {result['ratio_to_stream']}x; "
        f"peak memory +{result['peak_extra_gb']} GB over inputs of {result['inputs_gb']} GB "
        f"(process {result['peak_process_gb']} GB)"
    )
    return result


@pytest.mark.parametrize("name", SIZES)
def test_fused_end_to_end(benchmark, name):
    result = measure(name)
    c = compiled_workload(name)
    out = benchmark.pedantic(
        line_pass, args=(c,), kwargs=PARAMS, rounds=1, iterations=1, warmup_rounds=0
    )
    assert out["metrics"].shape == (c.n_lines, 23)
    assert out["pay_2026"].shape == (c.n_lines, 7)
    benchmark.extra_info.update(result)
    if not SMOKE and name == "lines-1m-26w":
        assert WORKLOADS[name].n_lines == c.n_lines == 1_000_000
        assert result["end_to_end_s"] < TARGET_1M_S, result
        assert result["peak_extra_gb"] < TARGET_EXTRA_GB, result
        assert result["ratio_to_stream"] <= REGRESSION_RATIO, result
        if result["ratio_to_stream"] > TARGET_RATIO:  # a loaded machine (docs/performance.md)
            pytest.xfail(
                f"{result['ratio_to_stream']}x the streaming pass; target {TARGET_RATIO:g}x"
            )


def test_cost_grows_linearly_in_shifts():
    """Time per shift at 100k lines within ±30 % of 1M lines' (full run only; 10k reported)."""
    results = [measure(name) for name in SIZES]
    table = "\n".join(
        f"{r['lines']:>9,} lines  {r['shifts']:>12,} shifts  {r['end_to_end_s']:8.3f} s  "
        f"{r['lines_per_s']:>10,} lines/s  {r['shifts_per_s']:>12,} shifts/s  "
        f"{r['ratio_to_stream']:5.1f}x stream  {r['ns_per_shift']:6.2f} ns/shift  "
        f"+{r['peak_extra_gb']:.2f} GB"
        for r in results
    )
    print("\n" + table)
    if SMOKE:
        return  # small sizes are dominated by fixed costs
    largest = results[-1]["ns_per_shift"]
    for name, r in zip(SIZES, results, strict=True):
        if name in LINEAR_SIZES:
            assert abs(r["ns_per_shift"] / largest - 1.0) <= LINEAR_TOLERANCE, table
    assert np.isfinite([r["ns_per_shift"] for r in results]).all()
