"""The Numba twin: reproducibility, chunking, parallel = sequential, exact degenerate cases."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.compile import compile_rota
from simulator.oncall import (
    RUN_NAMES,
    load_oncall_params,
    simulate_rota,
    simulate_samples,
    simulate_totals,
)
from simulator.oncall.accounting import R
from simulator.oncall.montecarlo import chunks, streams
from tests.helpers import make_rota

pytestmark = pytest.mark.kernel

SHIFTS = """
D  = { start = "09:00", end = "17:00" }
OC = { start = "17:00", end = "09:00", kind = "nroc", expected_work = 3.0 }
"""
PATTERN = "D+OC D D - - - -"


@pytest.fixture(scope="module")
def compiled():
    return compile_rota(make_rota({"a": PATTERN, "b": "D D+OC - - - - -"}, SHIFTS))


def test_same_seed_same_result_other_seed_differs(compiled):
    a = simulate_totals(compiled, 6, seed=11, n_cycles=2)
    b = simulate_totals(compiled, 6, seed=11, n_cycles=2)
    c = simulate_totals(compiled, 6, seed=12, n_cycles=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == (2, 6, len(RUN_NAMES))


def test_parallel_equals_sequential(compiled):
    sequential = simulate_totals(compiled, 10, seed=5, chunk_runs=3, workers=1)
    parallel = simulate_totals(compiled, 10, seed=5, chunk_runs=3, workers=2)
    np.testing.assert_array_equal(sequential, parallel)


def test_chunks_are_prefix_stable(compiled):
    """More runs leave the earlier chunks unchanged: seeds are per (line, chunk)."""
    few = simulate_totals(compiled, 4, seed=3, chunk_runs=2)
    many = simulate_totals(compiled, 7, seed=3, chunk_runs=2)
    np.testing.assert_array_equal(few, many[:, :4])
    assert chunks(7, 3) == [(0, 3), (3, 3), (6, 1)]


def test_streams_are_the_spawned_children():
    root = np.random.SeedSequence(42)
    child = root.spawn(2)[1].spawn(4)[3].spawn(4)[2]
    expected = np.random.Generator(np.random.PCG64(child)).random(3)
    np.testing.assert_array_equal(streams(42, 1, 3)[2].random(3), expected)


def test_parallel_simpy_matches_its_own_seeding(compiled):
    a = simulate_totals(compiled, 2, seed=9, engine="simpy")
    b = simulate_totals(compiled, 2, seed=9, engine="simpy")
    np.testing.assert_array_equal(a, b)


def test_deterministic_case_engines_agree_exactly(compiled):
    """No calls and a fixed overrun on every shift: both engines give the same totals."""
    params = load_oncall_params(
        overrides={
            "calls.rate_per_hour": [0.0] * 24,
            "overrun.probability": 1.0,
            "overrun.distribution": "fixed",
            "overrun.mean_min": 60.0,
        }
    )
    mc = simulate_totals(compiled, 3, seed=1, params=params, n_cycles=2)
    des = simulate_totals(compiled, 3, seed=1, params=params, n_cycles=2, engine="simpy")
    np.testing.assert_array_equal(mc, des)
    line_a = mc[0, 0]
    assert line_a[R["calls"]] == 0 and line_a[R["nroc_worked_min"]] == 0
    assert line_a[R["breaches"]] == 0
    assert line_a[R["resident_shifts"]] == 2 * 3 and line_a[R["overruns"]] == 6
    assert line_a[R["overrun_min"]] == 6 * 60
    # Monday's D is followed by the NROC shift, not resident duty: 16 h rest, no breach;
    # Wednesday D to next Monday D: long rest; the overruns 17:00-18:00 are plain time
    assert line_a[R["overrun_unsocial_min"]] == 0
    assert line_a[R["rest_between_shifts_breaches"]] == 0


def test_zero_calls_pay_is_template_without_nroc_work(compiled):
    params = load_oncall_params(
        overrides={"calls.rate_per_hour": [0.0] * 24, "overrun.probability": 0.0}
    )
    table = simulate_rota(compiled, 3, seed=0, params=params, years=0.1)
    expected = table["pay_template_gbp"] - table["nroc_work_pay_template_gbp"]
    np.testing.assert_allclose(table["pay_mean_gbp"], expected)
    np.testing.assert_allclose(table["pay_p5_gbp"], expected)
    assert (table["breaches_per_year"] == 0).all()
    assert (table["nroc_hours_worked_per_week"] == 0).all()


def test_overrun_pay_uses_the_hourly_rate(compiled):
    """Every resident shift overruns 60 min in plain time: pay = hours x r x weeks a year."""
    params = load_oncall_params(
        overrides={
            "calls.rate_per_hour": [0.0] * 24,
            "overrun.probability": 1.0,
            "overrun.distribution": "fixed",
            "overrun.mean_min": 60.0,
        }
    )
    samples = simulate_samples(compiled, 2, seed=0, params=params, years=1.0)
    from simulator.contracts import load_params, price

    cp = load_params("wales-2026")
    rate = price(compiled, "wales-2026", params=cp)["hourly_rate_gbp"].to_numpy()
    per_line = samples.groupby("id", sort=False)["overrun_pay_gbp"].mean().to_numpy()
    # line a: 3 resident shifts a week, 1 h each
    np.testing.assert_allclose(per_line[0], 3 * rate[0] * cp["weeks_per_year"])
    hours = samples.groupby("id", sort=False)["overrun_hours_per_week"].mean().to_numpy()
    np.testing.assert_allclose(hours, [3.0, 2.0])


def test_bad_arguments_are_user_errors(compiled):
    from simulator.model import UserError

    with pytest.raises(UserError, match="runs"):
        simulate_rota(compiled, 0, seed=1)
    with pytest.raises(UserError, match="seed"):
        simulate_rota(compiled, 1, seed=-1)
    with pytest.raises(UserError, match="engine"):
        simulate_rota(compiled, 1, seed=1, engine="fast")
