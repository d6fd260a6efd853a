"""Metric kernels over 100,000 synthetic 26-week lines vs the plain-Python reference."""

from __future__ import annotations

import numpy as np

from benchmarks.workloads import SMOKE, WORKLOADS, compiled_workload, report, seconds
from simulator.metrics import compute_metrics, compute_metrics_array


def test_metrics_throughput(benchmark):
    compiled = compiled_workload("lines-100k-26w")
    sample = compiled_workload("reference-sample-26w")
    compute_metrics_array(sample)  # compile (or load the cache) outside the timing
    result = benchmark.pedantic(
        compute_metrics_array, args=(compiled,), rounds=3, iterations=1, warmup_rounds=0
    )
    assert result.shape[0] == compiled.n_lines
    reference_s = seconds(lambda: compute_metrics(sample, reference=True))
    kernel_s = benchmark.stats.stats.min
    info = report(
        benchmark,
        label="metrics",
        lines=compiled.n_lines,
        kernel_s=kernel_s,
        reference_lines=sample.n_lines,
        reference_s=reference_s,
    )
    # same numbers from both implementations on the sample
    np.testing.assert_allclose(
        compute_metrics(sample).to_numpy(),
        compute_metrics(sample, reference=True).to_numpy(),
        atol=1e-9,
    )
    if not SMOKE:
        assert WORKLOADS["lines-100k-26w"].n_lines == compiled.n_lines
        assert info["ratio_vs_reference"] >= 100
