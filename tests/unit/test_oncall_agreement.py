"""The Numba twin and the SimPy model agree statistically on the same parameters.

Each engine runs with its own seed (independent samples). For every compared
statistic we build a two-sample confidence bound from the sample sizes and
variances; all bounds together hold with probability at least 99.9% (Bonferroni),
so a failure means a real difference between the engines, not bad luck. Seeds are
fixed, so the outcome is also reproducible.

- Means: under the hypothesis that both engines sample one distribution, the
  difference of the sample means has variance sigma^2 (1/n + 1/m); sigma^2 is
  estimated from the large twin sample (the small SimPy sample misses rare events,
  e.g. overruns running past 19:00, and would understate it):
  |mean_simpy - mean_twin| <= z * sqrt(var_twin (1/n + 1/m)).
- Quantiles: with q_twin the twin's q-quantile, the share of SimPy runs at or below
  it estimates F_simpy(q_twin), which equals q when the distributions agree; its
  sampling error (plus the twin quantile's own) gives
  |share - q| <= z * sqrt(q (1 - q) (1/n + 1/m)).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest

from simulator.compile import compile_rota
from simulator.oncall import load_oncall_params, simulate_totals
from simulator.oncall.accounting import R
from tests.helpers import make_rota

FAMILY_ALPHA = 0.001

MEANS = (
    "calls",
    "nroc_worked_min",
    "nroc_worked_unsocial_min",
    "nroc_paid_plain_min",
    "nroc_paid_unsocial_min",
    "whole_shifts",
    "breaches",
    "total_rest_breaches",
    "continuous_rest_breaches",
    "total_rest_min",
    "continuous_rest_min",
    "overruns",
    "overrun_min",
    "overrun_unsocial_min",
    "rest_between_shifts_breaches",
)
QUANTILES = (
    ("nroc_worked_min", 0.5),
    ("nroc_worked_min", 0.95),
    ("continuous_rest_min", 0.1),
    ("nroc_paid_unsocial_min", 0.9),
)


def z_bound(n_checks: int) -> float:
    """Two-sided normal critical value for ``n_checks`` checks at family level FAMILY_ALPHA."""
    return NormalDist().inv_cdf(1.0 - FAMILY_ALPHA / (2.0 * n_checks))


def assert_agree(simpy_runs: np.ndarray, twin_runs: np.ndarray) -> dict:
    n, m = len(simpy_runs), len(twin_runs)
    z = z_bound(len(MEANS) + len(QUANTILES))
    report = {}
    for name in MEANS:
        a = simpy_runs[:, R[name]]
        b = twin_runs[:, R[name]]
        se = np.sqrt(b.var(ddof=1) * (1 / n + 1 / m))
        diff = a.mean() - b.mean()
        report[name] = (a.mean(), b.mean(), z * se)
        if se == 0:
            assert diff == 0, name
        else:
            assert abs(diff) <= z * se, f"{name}: simpy {a.mean():.4f} twin {b.mean():.4f}"
    for name, q in QUANTILES:
        a = simpy_runs[:, R[name]]
        b = twin_runs[:, R[name]]
        q_twin = np.quantile(b, q)
        share = float((a <= q_twin).mean())
        bound = z * np.sqrt(q * (1 - q) * (1 / n + 1 / m))
        report[f"{name}@{q}"] = (share, q, bound)
        assert abs(share - q) <= bound, f"{name} q{q}: simpy share {share:.4f} vs {q}"
    return report


SHIFTS = """
D   = { start = "09:00", end = "17:00" }
OC  = { start = "17:00", end = "09:00", kind = "nroc", expected_work = 3.0 }
OCW = { start = "09:00", end = "09:00", kind = "nroc", expected_work = 7.0 }
"""


def test_weekday_nroc_default_parameters():
    """A 17:00-09:00 NROC shift after a day shift, default parameters."""
    compiled = compile_rota(make_rota("D+OC D - - - - -", SHIFTS))
    simpy_runs = simulate_totals(compiled, 1200, seed=101, engine="simpy")[0]
    twin_runs = simulate_totals(compiled, 60_000, seed=202)[0]
    report = assert_agree(simpy_runs, twin_runs)
    # the calibration: about 3 h of work per weekday shift
    assert report["nroc_worked_min"][1] == pytest.approx(180, rel=0.02)
    assert 0.05 < report["breaches"][1] < 0.6  # breaches happen, not always


def test_busy_weekend_queueing_and_whole_shift_pay():
    """A 24 h weekend NROC shift with heavy exponential load: queueing and whole-shift pay."""
    compiled = compile_rota(make_rota("- - - - - OCW -", SHIFTS))
    params = load_oncall_params(
        overrides={
            "calls.rate_per_hour": [1.0] * 24,
            "work.distribution": "exponential",
            "work.mean_min": 30.0,
            "travel.in_person_probability": 0.25,
        }
    )
    simpy_runs = simulate_totals(compiled, 500, seed=303, params=params, engine="simpy")[0]
    twin_runs = simulate_totals(compiled, 60_000, seed=404, params=params)[0]
    report = assert_agree(simpy_runs, twin_runs)
    assert 0.05 < report["whole_shifts"][1] < 0.9  # the 75% rule is exercised
