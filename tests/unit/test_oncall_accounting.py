"""Hand-worked cases of the on-call accounting: rest, breaches, whole-shift pay, overruns.

Shifts are simulated with given calls through the SimPy model, so the queue and the
shared accounting kernels are both checked against figures worked out by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.compile import compile_rota
from simulator.oncall import load_oncall_params, prepare
from simulator.oncall.accounting import overrun_outcome, plain_minutes
from simulator.oncall.des import nroc_shift, shift_work
from tests.helpers import make_rota

pytestmark = pytest.mark.kernel

SHIFTS = """
D  = { start = "09:00", end = "17:00" }
OC = { start = "17:00", end = "09:00", kind = "nroc", expected_work = 3.0 }
OE = { start = "17:00", end = "22:30", kind = "nroc", expected_work = 1.0 }
"""
PARAMS = load_oncall_params()


def plan_of(pattern: str):
    return prepare(compile_rota(make_rota(pattern, SHIFTS)), PARAMS)


def shift(pattern: str, calls, j: int = 0, **kw):
    return nroc_shift(plan_of(pattern), 0, j, PARAMS, calls=calls, **kw)


def test_no_calls_no_work_full_rest_no_breach():
    r = shift("OC - - - - - -", [])
    assert r["calls"] == 0 and r["worked_min"] == 0 and r["paid_plain_min"] == 0
    assert r["total_rest_min"] == 24 * 60
    assert r["continuous_rest_min"] == 9 * 60  # the whole 22:00-07:00 window
    assert r["total_rest_breach"] == 0 and r["continuous_rest_breach"] == 0


def test_single_call_at_two_am_breaks_continuous_rest():
    # Monday 17:00 start; call at 02:00 (540 min in) for 60 min: window 22:00-07:00 is
    # [300, 840) -> free 240 min before and 240 min after: 4 h < 5 h.
    r = shift("OC - - - - - -", [(540.0, 60.0)])
    assert r["worked_min"] == 60 and r["worked_unsocial_min"] == 60
    assert (r["paid_plain_min"], r["paid_unsocial_min"]) == (0, 60)
    assert r["continuous_rest_min"] == 240
    assert r["continuous_rest_breach"] == 1
    assert r["total_rest_min"] == 24 * 60 - 60 and r["total_rest_breach"] == 0


def test_single_call_at_eleven_pm_leaves_seven_and_a_half_hours():
    r = shift("OC - - - - - -", [(360.0, 30.0)])
    assert r["continuous_rest_min"] == 450
    assert r["continuous_rest_breach"] == 0


def test_queue_is_first_come_first_served():
    busy_lo, busy_hi = shift_work(1020.0, 960.0, PARAMS.pack(0.75), calls=[(0, 30), (10, 30)])
    np.testing.assert_array_equal(busy_lo, [0, 30])
    np.testing.assert_array_equal(busy_hi, [30, 60])


def test_more_than_75_percent_worked_pays_the_whole_shift():
    # 80% of 960 min worked from 17:00: whole shift paid, in its own plain/unsocial time:
    # plain Mon 17:00-19:00 and Tue 07:00-09:00 = 240 min; unsocial 720 min.
    r = shift("OC - - - - - -", [(0.0, 768.0)])
    assert r["whole_shift"] == 1
    assert (r["paid_plain_min"], r["paid_unsocial_min"]) == (240, 720)
    # exactly 75% is not "more than": the 720 minutes worked are paid (17:00-05:00)
    r = shift("OC - - - - - -", [(0.0, 720.0)])
    assert r["whole_shift"] == 0
    assert (r["paid_plain_min"], r["paid_unsocial_min"]) == (120, 600)


def test_work_past_the_end_is_paid_and_breaks_total_rest():
    # 1000 min from 17:00 ends Tue 09:40: whole shift + 40 min plain spill; rest in the
    # 24 h from the start 440 min < 8 h.
    r = shift("OC - - - - - -", [(0.0, 1000.0)])
    assert (r["paid_plain_min"], r["paid_unsocial_min"]) == (280, 720)
    assert r["total_rest_min"] == 440 and r["total_rest_breach"] == 1


def test_resident_duty_next_day_is_not_rest():
    # OC Monday night, D Tuesday 09:00-17:00 is in the 24 h from Monday 17:00
    r = shift("OC D - - - - -", [])
    assert r["total_rest_min"] == 24 * 60 - 480
    r = shift("OC D - - - - -", [(0.0, 500.0)])
    assert r["total_rest_min"] == 24 * 60 - 480 - 500 and r["total_rest_breach"] == 1


def test_partial_window_counts_off_shift_time_as_rest():
    # 17:00-22:30 covers 30 min of the window; a call running to 23:15 leaves
    # 23:15-07:00 free (7 h 45 min), off-shift time counted as rest.
    r = shift("OE - - - - - -", [(300.0, 75.0)])
    assert r["continuous_rest_min"] == 7 * 60 + 45 and r["continuous_rest_breach"] == 0
    # a shift that misses the window entirely has no continuous-rest figure
    rota = make_rota("E - - - - - -", 'E = { start = "09:00", end = "17:00", kind = "nroc" }')
    r = nroc_shift(prepare(compile_rota(rota), PARAMS), 0, 0, PARAMS, calls=[])
    assert math.isnan(r["continuous_rest_min"]) and r["continuous_rest_breach"] == 0


def test_weekend_and_bank_holiday_are_unsocial():
    plain_day = np.array([True] * 5 + [False] * 2)
    assert plain_minutes(420.0, 1140.0, 420.0, 1140.0, plain_day) == 720  # Monday
    assert plain_minutes(5 * 1440 + 420.0, 5 * 1440 + 600.0, 420.0, 1140.0, plain_day) == 0
    # laps of the cycle wrap onto the day mask
    assert plain_minutes(7 * 1440 + 400.0, 7 * 1440 + 500.0, 420.0, 1140.0, plain_day) == 80


def test_overrun_eats_into_the_eleven_hour_rest():
    prm = PARAMS.pack(0.75)
    plain_day = np.array([True] * 5 + [False] * 2)
    # D ends Monday 17:00 (1020); 3 h overrun: 2 h plain, 1 h unsocial
    unsocial, breach = overrun_outcome(180.0, 1020.0, 16 * 60.0, prm, plain_day, 420.0, 1140.0)
    assert (unsocial, breach) == (60.0, 0.0)
    unsocial, breach = overrun_outcome(45.0, 1020.0, 11.5 * 60, prm, plain_day, 420.0, 1140.0)
    assert breach == 1.0
    # already below 11 h on the rota: not caused by the overrun
    _, breach = overrun_outcome(45.0, 1020.0, 10 * 60.0, prm, plain_day, 420.0, 1140.0)
    assert breach == 0.0
    assert overrun_outcome(0.0, 1020.0, 11.5 * 60, prm, plain_day, 420.0, 1140.0) == (0.0, 0.0)


def test_prepare_rest_after_and_wrap():
    plan = plan_of("D D D D D - -")
    np.testing.assert_array_equal(plan.lines[0].res_rest_after / 60, [16, 16, 16, 16, 64])
    plan = plan_of("D+OC - - - - - -")
    line = plan.lines[0]
    assert line.res_rest_after[0] == 7 * 1440 - 480
    # the Monday day shift lies just before the NROC shift
    lo = line.fixed_lo[line.fixed_offsets[0] : line.fixed_offsets[1]]
    assert -480.0 in lo
