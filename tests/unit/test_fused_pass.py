"""The fused line pass equals the detailed and reference paths, column by column.

:func:`simulator.fused.line_pass` computes metrics, a rule set's verdict and the 2002
and 2026 pay inputs in one kernel; here every metric column is compared exactly
with :func:`simulator.metrics.compute_metrics_array` (itself tested against the
plain-Python reference), every rule set's verdict with the detailed rules engine and,
on short lines, with the plain-Python reference checker, and every band and pay
column with :func:`simulator.contracts.price_welsh_arrays` fed by the detailed path.
Lines: synthetic cyclic lines of 1 to 26 weeks with random seeds, the bundled
department, and Hypothesis rotas with resident on-call, partial shifts, NROC, LTFT
and a calendar start over Christmas (bank holidays) or none.

With ``NUMBA_DISABLE_JIT=1`` the kernels run as Python, so the sizes shrink.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import fused
from simulator.compile import compile_rota
from simulator.contracts import load_params, price, price_welsh_arrays
from simulator.kernels import parallel
from simulator.kernels.intervals import longest_cyclic_run, max_window_minutes
from simulator.metrics import compute_metrics_array
from simulator.model import Line, Rota
from simulator.rules import RULESETS, check_reference, compliant_lines, load_ruleset
from simulator.rules.engine import compliant_lines_detailed
from simulator.synthetic import synthetic_compiled

from ..conftest import JIT_DISABLED
from ..helpers import MIXED_SHIFTS, make_rota, valid_days

pytestmark = pytest.mark.kernel

#: Lines per synthetic draw, and most weeks (smaller without the JIT).
N_LINES = 6 if JIT_DISABLED else 60
MAX_WEEKS = 4 if JIT_DISABLED else 26
EXAMPLES = 4 if JIT_DISABLED else 25

SHIFTS = MIXED_SHIFTS + (
    'W   = { start = "09:00", end = "09:00", kind = "nroc", expected_work = 20.0 }\n'
)
CELLS = ("-", "-", "-", "D", "D", "LD", "N", "LE", "E", "P", "ROC", "OC", "OCX", "W", "D+OC")
PARAMS = {c: load_params(c) for c in ("nhs-2002", "wales-2026")}


def assert_same(compiled, rules: str = "new-deal") -> dict:
    """Every output of the fused pass equals the detailed path's, exactly."""
    out = fused.line_pass(compiled, rules)
    metrics = compute_metrics_array(compiled)
    np.testing.assert_array_equal(out["metrics"], metrics)
    ok = compliant_lines_detailed(compiled, rules)
    np.testing.assert_array_equal(out["compliant"], ok)
    detailed = price_welsh_arrays(compiled, metrics, ok, PARAMS)
    for key, value in detailed.items():
        np.testing.assert_array_equal(out[key], value, err_msg=key)
    for other in RULESETS:
        got = fused.compliance(compiled, other, min_duties=0)
        np.testing.assert_array_equal(got, compliant_lines_detailed(compiled, other), other)
    return out


BASE = make_rota("- - - - - - -", SHIFTS)


@st.composite
def rotas(draw, max_weeks: int = 3, max_lines: int = 3) -> Rota:
    """Valid rotas from CELLS: any grade, LTFT or not, with or without a calendar."""
    weeks = draw(st.integers(1, max_weeks))
    lines = tuple(
        Line(
            id=str(i),
            grade=draw(st.sampled_from(["F1", "F2", "CT", "ST"])),
            years=draw(st.integers(0, 9)),
            ltft=draw(st.booleans()),
            days=valid_days(
                draw(st.lists(st.sampled_from(CELLS), min_size=7 * weeks, max_size=7 * weeks)),
                BASE.shifts,
            ),
        )
        for i in range(draw(st.integers(1, max_lines)))
    )
    start = draw(st.sampled_from([None, "2026-12-21", "2026-08-24", "2027-04-26"]))
    return Rota(
        name="fused",
        weeks=weeks,
        shifts=BASE.shifts,
        lines=lines,
        start=dt.date.fromisoformat(start) if start else None,
    )


def without_nroc_rest(name: str, overrides: dict | None = None):
    """A bundled rule set without its rest-during-NROC rules (decided in the kernel)."""
    rules = load_ruleset(name).with_overrides(overrides)
    return replace(rules, rules=tuple(r for r in rules.rules if r.family != "nroc_rest"))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, MAX_WEEKS))
def test_synthetic_lines_agree(seed, weeks):
    assert_same(synthetic_compiled(N_LINES, weeks, seed))


@settings(
    max_examples=3 * EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(rotas())
def test_hypothesis_rotas_agree(rota):
    compiled = compile_rota(rota)
    out = assert_same(compiled)
    if compiled.n_duties <= 60:  # the plain-Python reference checker, on short lines
        for name in RULESETS:
            ref = check_reference(compiled, name).compliant
            np.testing.assert_array_equal(fused.compliance(compiled, name, min_duties=0), ref)
    assert out["compliant"].dtype == np.bool_


def test_bank_holidays_are_exercised():
    """A dated rota over Christmas: bank-holiday hours and 2026 unsocial time differ."""
    rota = make_rota(
        {"a": "N N - - D D D", "b": "D - OC - LD LD -", "c": "ROC - - P - - W"},
        SHIFTS,
        weeks=1,
        start="2026-12-21",
    )
    compiled = compile_rota(rota)
    assert compiled.bank_holiday.any()
    out = assert_same(compiled)
    assert out["metrics"][:, 8].max() > 0  # bank_holiday_hours_per_week


def test_department_agrees(department_compiled):
    for compiled in department_compiled.values():
        for rules in RULESETS:
            assert_same(compiled, rules)


def test_department_prices_as_price(department_compiled):
    """Band and totals equal :func:`simulator.contracts.price` for each contract."""
    for compiled in department_compiled.values():
        out = fused.line_pass(compiled)
        p02 = price(compiled, "nhs-2002")
        p26 = price(compiled, "wales-2026")
        np.testing.assert_array_equal(out["pay_2002"][:, 2], p02["total"].to_numpy())
        np.testing.assert_array_equal(out["pay_2026"][:, 6], p26["total"].to_numpy())
        np.testing.assert_array_equal(out["banding_hours"], p02["banding_hours"].to_numpy())


def test_edge_lines_agree():
    """Empty lines, one duty, duty that never stops, and a one-week cycle."""
    shifts = 'D = { start = "08:00", end = "16:00" }\nH = { start = "00:00", end = "00:00" }'
    rota = make_rota({"empty": "- - - - - - -", "one": "D - - - - - -", "all": "H " * 7}, shifts)
    assert_same(compile_rota(rota))


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"consecutive_shifts.limit": 2, "consecutive_shifts.rest_after_run": 1},
        {"consecutive_nights.limit": 1, "consecutive_long_shifts.rest_after": 100},
        {"hours_in_168h.window": 24, "hours_in_168h.limit": 13},
    ],
)
def test_every_family_decided_in_the_kernel_agrees(overrides):
    """Wales 2026 without NROC rest: windows, runs with rest after, weekends, shift length."""
    rules = without_nroc_rest("wales-2026", overrides)
    for seed, weeks in ((5, 1), (6, 3), (7, 4)):
        compiled = synthetic_compiled(N_LINES, weeks, seed=seed)
        got = fused.compliance(compiled, rules, min_duties=0)
        np.testing.assert_array_equal(got, compliant_lines_detailed(compiled, rules))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rotas())
def test_hypothesis_rotas_agree_without_nroc_rest(rota):
    compiled = compile_rota(rota)
    for name in ("wales-2026", "england-2016"):
        rules = without_nroc_rest(name)
        got = fused.compliance(compiled, rules, min_duties=0)
        np.testing.assert_array_equal(got, compliant_lines_detailed(compiled, rules))


def test_compliant_lines_uses_either_path_with_one_answer(monkeypatch):
    compiled = synthetic_compiled(N_LINES, 4, seed=11)
    small = compliant_lines(compiled, "new-deal")
    monkeypatch.setattr(fused, "FUSED_MIN_DUTIES", 0)
    large = compliant_lines(compiled, "new-deal")
    np.testing.assert_array_equal(small, large)
    metrics, ok = fused.metrics_and_compliance(compiled, min_duties=0)
    np.testing.assert_array_equal(metrics, compute_metrics_array(compiled))
    np.testing.assert_array_equal(ok, small)


def test_threads_split_the_lines(monkeypatch):
    """Several ranges on several threads give the result of one range."""
    compiled = synthetic_compiled(N_LINES, 2, seed=3)
    one = fused.line_pass(compiled)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_DUTIES", 0)
    monkeypatch.setattr(parallel, "threads_for", lambda n, m=0: 2)
    many = fused.line_pass(compiled)
    for key in fused.LINE_PASS_KEYS:
        np.testing.assert_array_equal(one[key], many[key], err_msg=key)


def test_line_ranges_cover_every_line_once():
    offsets = np.array([0, 0, 5, 5, 100, 101, 150, 150], dtype=np.int64)
    for n in (1, 2, 3, 8, 20):
        for fractions in (np.linspace(0.0, 1.0, n + 1), parallel.range_fractions(n)):
            bounds = parallel.line_ranges(offsets, fractions)
            assert bounds[0] == 0 and bounds[-1] == 7
            assert (np.diff(bounds) > 0).all()


def test_guided_ranges_shrink_toward_the_end():
    """2 threads: each range takes a quarter of the duties left, down to 1/128 of all."""
    sizes = np.diff(parallel.range_fractions(2))
    # 1/4, then 1/4 of the 3/4 left (3/16), then 1/4 of 9/16 (9/64), ...
    np.testing.assert_allclose(sizes[:3], [1 / 4, 3 / 16, 9 / 64])
    assert sizes.sum() == pytest.approx(1.0)
    assert (sizes[:-1] >= 1 / 128 - 1e-12).all()  # none below the smallest share
    assert (np.diff(sizes[:-3]) < 0).all()  # shrinking until the smallest share
    assert sizes[-1] <= 1.5 / 128 + 1e-12  # the tail: at most 1.5 x the smallest share
    assert len(sizes) == 16
    # 1,000 lines of 10 duties: a boundary at the first line starting at or after its
    # share of the duties: 2,500 -> line 250; 4,375 -> 4,380 (line 438); 5,781.25 ->
    # 5,790 (line 579)
    offsets = np.arange(0, 10_001, 10, dtype=np.int64)
    bounds = parallel.line_ranges(offsets, parallel.range_fractions(2))
    assert list(bounds[:4]) == [0, 250, 438, 579]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 6))
def test_window_and_runs_primitives_agree(seed, weeks):
    """The O(m) window and the day run equal the binary-search and flag versions."""
    from simulator.kernels.fused import longest_day_run
    from simulator.kernels.intervals import compact_kinds, max_window_cycle

    compiled = synthetic_compiled(4, weeks, seed)
    cycle = compiled.cycle_min
    n_days = compiled.n_days
    for i in range(compiled.n_lines):
        sl = compiled.line_slice(i)
        start, length, kind = compiled.start_min[sl], compiled.duration_min[sl], compiled.kind[sl]
        m_max = len(start) + 2
        cs, ce, cum = (np.empty(m_max, np.int64) for _ in range(3))
        s3, c3 = np.empty(3 * m_max, np.int64), np.empty(3 * m_max, np.int64)
        for window in (1, 600, 4320, 10080, cycle - 1, cycle, cycle + 1, 2 * cycle, 3 * cycle):
            for mask in (7, 15, 8):  # resident duties, every duty (touching), NROC only
                m = compact_kinds(start, length, kind, mask, cs, ce, cum)
                got = max_window_cycle(cs, ce, cum, m, cycle, window, s3, c3)
                sel = (mask >> kind.astype(np.int64)) & 1 == 1
                assert got == max_window_minutes(start, length, sel, cycle, window), (
                    window,
                    mask,
                )
        flags = np.zeros(n_days, dtype=np.bool_)
        flags[start // 1440] = True
        assert longest_day_run(start // 1440, n_days) == longest_cyclic_run(flags)


@pytest.mark.parametrize(
    ("every_min", "length_min", "expected_min"),
    [
        # one 8-hour duty a day: a 7-day window from a start holds 7 duties whole; the
        # 8th starts where the window ends (7 x 480 = 3360), fewer starts than the
        # look-ahead, so no pointer
        (1440, 480, 7 * 480),
        # a 1-hour duty every 12 hours: 15 starts from a window's own to its end (the
        # 15th at the end, 0 minutes), more than the look-ahead of 10, so the line is
        # measured again with pointers: 14 x 60 = 840
        (720, 60, 14 * 60),
    ],
)
def test_168_hour_window_with_few_and_many_starts(every_min, length_min, expected_min):
    """Both ways of :func:`max_window_laps` on a 2-week cycle, worked by hand."""
    from simulator.kernels.intervals import WINDOW_LOOKAHEAD, max_window_laps

    cycle = 2 * 10080
    starts = np.arange(0, cycle, every_min, dtype=np.int64)
    m = starts.size
    s2 = np.empty(3 * m + WINDOW_LOOKAHEAD, np.int64)
    c2 = np.empty(3 * m + WINDOW_LOOKAHEAD, np.int64)
    s2[:m] = starts
    c2[: m + 1] = np.arange(m + 1) * length_min
    assert max_window_laps(s2, c2, m, cycle, 10080) == expected_min
    sel = np.ones(m, dtype=np.bool_)
    lengths = np.full(m, length_min, dtype=np.int64)
    assert max_window_minutes(starts, lengths, sel, cycle, 10080) == expected_min


def test_cycles_longer_than_a_weekend_word_agree():
    """Cycles of 28 weeks and more: weekend weeks flagged per week instead of in a word.

    Up to 27 weeks both definitions share one 64-bit word (a 27-week cycle's last
    week sets bit 31 of each half, the sign bit for the 2016/2026 weeks).
    """
    for weeks in (26, 27, 28, 29, 52):
        assert_same(synthetic_compiled(2 if JIT_DISABLED else 8, weeks, seed=weeks))


def test_unknown_shift_indices_are_computed_exactly():
    """Shift indices outside the table, or inconsistent with their times, still agree."""
    compiled = synthetic_compiled(N_LINES, 2, seed=9)
    odd = replace(compiled, shift_index=(compiled.shift_index * 7 - 3).astype(np.int32))
    a = fused.line_pass(odd)
    np.testing.assert_array_equal(a["metrics"], compute_metrics_array(compiled))
    mixed = replace(compiled, shift_index=np.zeros_like(compiled.shift_index))
    np.testing.assert_array_equal(
        fused.line_pass(mixed)["metrics"], compute_metrics_array(compiled)
    )


def test_early_may_bank_holiday():
    """Monday 3 May 2027 (early May bank holiday) is day 7 of a rota from 26 April."""
    rota = make_rota("- D D D D D -\nD LD N - - D D", SHIFTS, weeks=2, start="2027-04-26")
    compiled = compile_rota(rota)
    assert compiled.bank_holiday[7] and compiled.bank_holiday.sum() == 1
    assert_same(compiled)
