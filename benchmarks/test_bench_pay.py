"""Pay under both Welsh contracts (2002 banding + 2026 pay) for 1,000,000 26-week lines.

Two measurements, each against the plain-Python reference timed on a sample in the
same run and scaled per line:

- pay kernels alone, over precomputed per-line metrics and New Deal compliance;
- end to end: metrics kernel + New Deal check (rules engine) + pay kernels.

``ROTA_BENCH_SMOKE=1`` runs 5,000 lines.
"""

from __future__ import annotations

import numpy as np

from benchmarks.workloads import SMOKE, compiled_workload, report, seconds
from simulator.contracts import load_params, price_welsh_arrays
from simulator.contracts.nhs2002 import new_deal_compliance
from simulator.contracts.reference import price_reference
from simulator.metrics import compute_metrics, compute_metrics_array
from simulator.rules import check_reference

PARAMS = {c: load_params(c) for c in ("nhs-2002", "wales-2026")}


def _reference_pay(sample, metrics_frame, new_deal) -> None:
    for contract in PARAMS:
        price_reference(sample, contract, PARAMS[contract], metrics_frame, new_deal)


def _end_to_end(compiled):
    metrics = compute_metrics_array(compiled)
    return price_welsh_arrays(compiled, metrics, new_deal_compliance(compiled), PARAMS)


def test_pay_kernels_throughput(benchmark):
    compiled = compiled_workload("lines-1m-26w")
    sample = compiled_workload("reference-sample-26w")
    metrics = compute_metrics_array(compiled)
    new_deal = new_deal_compliance(compiled)
    price_welsh_arrays(sample, compute_metrics_array(sample), new_deal_compliance(sample), PARAMS)
    result = benchmark.pedantic(
        price_welsh_arrays,
        args=(compiled, metrics, new_deal, PARAMS),
        rounds=3,
        iterations=1,
        warmup_rounds=0,
    )
    assert result["pay_2026"].shape == (compiled.n_lines, 7)
    assert (result["protection_cost"] >= 0).all()
    sample_frame = compute_metrics(sample)
    sample_nd = new_deal_compliance(sample)
    reference_s = seconds(lambda: _reference_pay(sample, sample_frame, sample_nd))
    info = report(
        benchmark,
        label="pay kernels (2002 band + 2026 pay)",
        lines=compiled.n_lines,
        kernel_s=benchmark.stats.stats.min,
        reference_lines=sample.n_lines,
        reference_s=reference_s,
    )
    # same totals from both implementations on the sample
    got = price_welsh_arrays(sample, compute_metrics_array(sample), sample_nd, PARAMS)
    ref = price_reference(sample, "wales-2026", PARAMS["wales-2026"], sample_frame)
    np.testing.assert_allclose(got["pay_2026"][:, 6], ref["total"].to_numpy(), rtol=1e-9)
    if not SMOKE:
        assert benchmark.stats.stats.min < 10.0
        assert info["ratio_vs_reference"] >= 100


def test_pay_end_to_end_throughput(benchmark):
    compiled = compiled_workload("lines-1m-26w")
    sample = compiled_workload("reference-sample-26w")
    _end_to_end(sample)
    result = benchmark.pedantic(_end_to_end, args=(compiled,), rounds=1, iterations=1)
    assert result["band"].shape == (compiled.n_lines,)

    def reference():
        frame = compute_metrics(sample, reference=True)
        new_deal = np.asarray(check_reference(sample, "new-deal").compliant, dtype=bool)
        _reference_pay(sample, frame, new_deal)

    report(
        benchmark,
        label="end to end (metrics + New Deal + pay)",
        lines=compiled.n_lines,
        kernel_s=benchmark.stats.stats.min,
        reference_lines=sample.n_lines,
        reference_s=seconds(reference),
    )
