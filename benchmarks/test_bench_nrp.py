"""Solve time of benchmark Instance1 (proven optimal in about a second)."""

from __future__ import annotations

import pytest

from optimizer.nrp import instance_path, read_instance, solve


def test_bench_nrp_instance1(benchmark) -> None:
    path = instance_path(1)
    if not path.exists():
        pytest.skip("benchmark data not available")
    inst = read_instance(path)
    result = benchmark.pedantic(solve, args=(inst, 20.0), rounds=1, iterations=1)
    benchmark.extra_info["objective"] = result.objective
    benchmark.extra_info["best_known"] = result.best_known
    benchmark.extra_info["gap"] = result.gap
    benchmark.extra_info["status"] = result.status
    assert result.objective == 607
    assert result.status == "OPTIMAL"
