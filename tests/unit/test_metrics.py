"""Line metrics: hand-worked values, cycle-wrap boundaries, kernel = reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.compile import compile_rota
from simulator.io.toml_rota import rotate_days
from simulator.metrics import compute_metrics
from simulator.model import Line, Rota
from tests.helpers import make_rota, valid_days

pytestmark = pytest.mark.kernel

DAY_SHIFTS = """
D  = { start = "08:00", end = "16:00" }
LD = { start = "08:00", end = "20:30" }
N  = { start = "20:00", end = "08:30" }
"""


def metrics_of(rota: Rota):
    compiled = compile_rota(rota)
    kernel = compute_metrics(compiled)
    reference = compute_metrics(compiled, reference=True)
    np.testing.assert_allclose(kernel.to_numpy(), reference.to_numpy(), atol=1e-9)
    return kernel


def test_f1_line_hand_worked(department):
    """The bundled F1 line 1, worked by hand week by week.

    Hours: wk1 LD+4D = 12.5+32 = 44.5; wk2 4LD+D = 50+8 = 58; wk3 5D = 40;
    wk4 4N = 50; wk5 2LD = 25; wk6 3N = 37.5; total 255 h / 6 = 42.5 h/wk.
    Unsocial (outside Mon-Fri 07-19): weekday LD 1.5 h, weekend LD 12.5 h,
    weekday-to-weekday N 11 h (20:00-07:00), Fri/Sat N 12.5 h, Sun N 11 h:
    wk1 1.5; wk2 1.5+1.5+12.5+12.5 = 28; wk4 11+12.5+12.5+11 = 47; wk5 3; wk6 33;
    total 112.5 h -> 18.75 h/wk, share 112.5/255 = 0.44118.
    The cycle starts 2026-08-03; cycle day 28 (wk5 Mon) is the August bank holiday,
    31 Aug 2026. Line 1's Sunday night of wk4 runs 00:00-08:30 into it: 8.5 h on the
    bank holiday, of which 07:00-08:30 (1.5 h) becomes unsocial under 2026 rules:
    (112.5 + 1.5) / 6 = 19.0 h/wk unsocial resident; 8.5 / 6 bank-holiday h/wk.
    """
    m = metrics_of(department["f1_medicine"]).loc["F1-1"]
    assert m.duty_hours_per_week == pytest.approx(255 / 6)
    assert m.work_hours_per_week == pytest.approx(255 / 6)
    assert m.unsocial_hours_per_week == pytest.approx(112.5 / 6)
    assert m.unsocial_fraction == pytest.approx(112.5 / 255)
    assert m.unsocial_resident_hours_per_week == pytest.approx(19.0)
    assert m.bank_holiday_hours_per_week == pytest.approx(8.5 / 6)
    # weekends (Sat/Sun): wk2 LD, wk4 N -> 2 of 6; DRS adds wk5 Fri LD to 20:30 -> 3 of 6
    assert m.weekends == 2 and m.weekend_frequency == pytest.approx(1 / 3)
    assert m.weekends_2002 == 3 and m.weekend_frequency_2002 == pytest.approx(0.5)
    # nights: 4 + 3; long shifts (> 10 h): 7 LD + 7 N = 14; no long evenings (ends 20:30)
    assert (m.nights, m.long_shifts, m.long_evenings) == (7, 14, 0)
    # shortest rest: LD ends 20:30, next D/LD 08:00 -> 11.5 h
    assert m.shortest_rest_hours == pytest.approx(11.5)
    assert m.longest_duty_hours == pytest.approx(12.5)
    # wk2 Sat, Sun + wk3 Mon-Fri = 7 consecutive duty days
    assert m.max_consecutive_duty_days == 7
    # 168 h from wk4 Thu 20:00: 4 N (50 h) + wk5 Thu LD up to 20:00 (12 h) = 62 h;
    # from wk2 Sat 08:00: 2 LD (25 h) + wk3 5 D (40 h) = 65 h, the maximum.
    assert m.max_hours_in_168h == pytest.approx(65.0)


def test_registrar_nroc_hand_worked(department):
    """Bundled registrar line 1: 38 D shifts of 8 h; NROC 5 OC (16 h) + 2 OCW (24 h).

    Resident 38 x 8 = 304 h / 8 wk = 38 h/wk; NROC (5 x 16 + 2 x 24) = 128 / 8 = 16 h/wk;
    expected NROC work (5 x 3 + 2 x 7) / 8 = 3.625 h/wk; work = 38 + 3.625.
    On-call frequency 7 / 56 days = 1 in 8. Longest continuous duty: OCW Sat 09:00 to
    Mon 09:00 = 48 h. Shortest rest: D+OC+D ends 17:00, next D 09:00 = 16 h.
    """
    m = metrics_of(department["registrar_medicine"]).loc["StR-1"]
    assert m.resident_hours_per_week == pytest.approx(38.0)
    assert m.nroc_hours_per_week == pytest.approx(16.0)
    assert m.duty_hours_per_week == pytest.approx(54.0)
    assert m.nroc_expected_work_hours_per_week == pytest.approx(3.625)
    assert m.work_hours_per_week == pytest.approx(41.625)
    assert m.oncall_duties == 7 and m.oncall_frequency == pytest.approx(0.125)
    assert m.longest_duty_hours == pytest.approx(48.0)
    assert m.shortest_rest_hours == pytest.approx(16.0)
    assert m.nights == 0  # NROC is not a night shift


def test_night_on_last_day_wraps_into_day_zero():
    """A Sunday night in a one-week cycle runs into Monday 00:00-08:30 of the cycle start.

    Pattern N on Sun only: 12.5 h; one weekend; the Monday 07:00-08:30 part is plain
    time, so unsocial = 12.5 - 1.5 = 11 h; rest until next Sunday 20:00 = 168 - 12.5 h.
    """
    m = metrics_of(make_rota("- - - - - - N", DAY_SHIFTS)).iloc[0]
    assert m.duty_hours_per_week == pytest.approx(12.5)
    assert m.unsocial_hours_per_week == pytest.approx(11.0)
    assert m.weekends == 1 and m.weekends_2002 == 1
    assert m.nights == 1
    assert m.shortest_rest_hours == pytest.approx(168 - 12.5)


def test_rest_gap_across_cycle_end():
    """Sunday LD 08:00-20:30, Monday (day 0) LD 08:00: 11.5 h gap only across the wrap."""
    shifts = DAY_SHIFTS
    m = metrics_of(make_rota("LD - - - - - LD", shifts)).iloc[0]
    assert m.shortest_rest_hours == pytest.approx(11.5)
    # the two LDs are consecutive days across the wrap
    assert m.max_consecutive_duty_days == 2


def test_continuous_duty_merges_across_wrap():
    """Sun 09:00 24 h on-call, then Mon 09:00 day shift: one 32 h duty period."""
    shifts = """
D   = { start = "09:00", end = "17:00" }
OCW = { start = "09:00", end = "09:00", kind = "nroc", expected_work = 4.0 }
"""
    m = metrics_of(make_rota("D - - - - - OCW", shifts)).iloc[0]
    assert m.longest_duty_hours == pytest.approx(32.0)
    # Mon 17:00 -> Sun 09:00 = 6 days x 24 - 8 h = 136 h rest
    assert m.shortest_rest_hours == pytest.approx(136.0)
    assert m.oncall_frequency == pytest.approx(1 / 7)
    # DRS weekend: Sunday on-call; Sat/Sun weekend too
    assert m.weekends_2002 == 1 and m.weekends == 1


def test_weekend_2002_friday_evening_and_monday_morning():
    """DRS counts Fri after 19:00 and Mon before 07:00; the Sat/Sun definition does not."""
    shifts = """
E = { start = "12:00", end = "20:00" }
M = { start = "05:00", end = "13:00" }
"""
    friday = metrics_of(make_rota("- - - - E - -", shifts)).iloc[0]
    assert friday.weekends_2002 == 1 and friday.weekends == 0
    monday = metrics_of(make_rota("M - - - - - -", shifts)).iloc[0]
    assert monday.weekends_2002 == 1 and monday.weekends == 0
    # Mon 05:00-07:00 unsocial (2 h), Fri 19:00-20:00 unsocial (1 h)
    assert monday.unsocial_hours_per_week == pytest.approx(2.0)
    assert friday.unsocial_hours_per_week == pytest.approx(1.0)


def test_night_threshold_exactly_three_hours():
    """Night = at least 3 h in 23:00-06:00: 20:00-02:00 has exactly 3 h, 20:00-01:59 not."""
    shifts = """
A = { start = "20:00", end = "02:00" }
B = { start = "20:00", end = "01:59" }
"""
    a = metrics_of(make_rota("A - - - - - -", shifts)).iloc[0]
    b = metrics_of(make_rota("B - - - - - -", shifts)).iloc[0]
    assert a.nights == 1 and b.nights == 0


def test_long_shift_and_long_evening_boundaries():
    """Long = more than 10 h; long evening = long, starts before 16:00, ends after 23:00."""
    shifts = """
X = { start = "08:00", end = "18:00" }
Y = { start = "08:00", end = "18:01" }
E = { start = "13:00", end = "23:30" }
F = { start = "16:00", end = "02:30" }
G = { start = "13:00", end = "23:00" }
"""
    m = metrics_of(
        make_rota(
            {
                "x": "X - - - - - -",
                "y": "Y - - - - - -",
                "e": "E - - - - - -",
                "f": "F - - - - - -",
                "g": "G - - - - - -",
            },
            shifts,
        )
    )
    assert m.loc["x"].long_shifts == 0 and m.loc["y"].long_shifts == 1
    assert m.loc["e"].long_evenings == 1  # 10.5 h, 13:00 start, ends 23:30
    assert m.loc["f"].long_evenings == 0  # starts at 16:00, not before
    assert m.loc["g"].long_evenings == 0  # 10 h exactly: not long


def test_max_168h_window_wraps():
    """Two-week cycle, work at the end of week 2 and start of week 1 forms one window.

    Week 2 Fri-Sun LD (37.5 h) + week 1 Mon-Thu LD (50 h): the best window starts
    Fri wk2 08:00 and ends Fri wk1 08:00 -> 7 LD = 87.5 h; it exists only across the wrap.
    """
    pattern = "LD LD LD LD - - -\n- - - - LD LD LD"
    m = metrics_of(make_rota(pattern, DAY_SHIFTS, weeks=2)).iloc[0]
    assert m.max_hours_in_168h == pytest.approx(87.5)
    assert m.max_consecutive_duty_days == 7


def test_bank_holiday_without_start_is_plain():
    """Without a start date no day is a bank holiday."""
    m = metrics_of(make_rota("D - - - - - -", DAY_SHIFTS)).iloc[0]
    assert m.bank_holiday_hours_per_week == 0.0
    assert m.unsocial_resident_hours_per_week == 0.0


def test_bank_holiday_day_shift_is_unsocial_in_2026():
    """4 May 2026 is the Early May bank holiday (a Monday): the whole D is unsocial in 2026."""
    m = metrics_of(make_rota("D - - - - - -", DAY_SHIFTS, start="2026-05-04")).iloc[0]
    assert m.bank_holiday_hours_per_week == pytest.approx(8.0)
    assert m.unsocial_resident_hours_per_week == pytest.approx(8.0)
    assert m.unsocial_hours_per_week == 0.0  # the 2002 definition ignores bank holidays


def test_empty_line_metrics():
    m = metrics_of(make_rota("- - - - - - -", DAY_SHIFTS)).iloc[0]
    assert m.duty_hours_per_week == 0.0
    assert m.shortest_rest_hours == pytest.approx(168.0)
    assert m.max_consecutive_duty_days == 0


# ---- properties ------------------------------------------------------------------

CODES = ["-", "D", "LD", "N", "T", "OC", "D+OC", "OCW", "P"]
PROP_SHIFTS = """
D   = { start = "08:00", end = "16:00" }
LD  = { start = "08:00", end = "20:30" }
N   = { start = "20:00", end = "08:30" }
T   = { start = "14:00", end = "00:00" }
P   = { start = "17:00", end = "09:00", kind = "partial", rest = 6.0 }
OC  = { start = "17:00", end = "09:00", kind = "nroc", expected_work = 3.0 }
OCW = { start = "09:00", end = "09:00", kind = "nroc", expected_work = 7.5 }
"""


@st.composite
def random_rota(draw):
    weeks = draw(st.integers(1, 3))
    base = make_rota("- - - - - - -", PROP_SHIFTS)
    lines = []
    for i in range(draw(st.integers(1, 3))):
        codes = draw(st.lists(st.sampled_from(CODES), min_size=7 * weeks, max_size=7 * weeks))
        lines.append(Line(id=str(i), grade="F2", years=1, days=valid_days(codes, base.shifts)))
    start = draw(st.sampled_from([None, "2026-08-03", "2026-12-21"]))
    import datetime as dt

    return Rota(
        name="prop",
        weeks=weeks,
        shifts=base.shifts,
        lines=tuple(lines),
        start=dt.date.fromisoformat(start) if start else None,
    )


@settings(max_examples=60, deadline=None)
@given(random_rota())
def test_kernel_equals_reference(rota):
    metrics_of(rota)  # asserts agreement inside


AVERAGES = [
    "duty_hours_per_week",
    "work_hours_per_week",
    "resident_hours_per_week",
    "nroc_hours_per_week",
    "unsocial_hours_per_week",
    "unsocial_fraction",
    "weekend_frequency",
    "weekend_frequency_2002",
    "nights",
    "long_shifts",
    "oncall_frequency",
    "shortest_rest_hours",
    "longest_duty_hours",
    "max_consecutive_duty_days",
    "max_hours_in_168h",
]


@settings(max_examples=40, deadline=None)
@given(random_rota(), st.integers(0, 5))
def test_rotating_by_whole_weeks_changes_no_average(rota, k):
    """A line rotated by whole weeks is the same cyclic line: no average changes.

    (Bank-holiday measures depend on the calendar, so rotas here have no start.)
    """
    plain = Rota(name=rota.name, weeks=rota.weeks, shifts=rota.shifts, lines=rota.lines)
    rotated = Rota(
        name=rota.name,
        weeks=rota.weeks,
        shifts=rota.shifts,
        lines=tuple(
            Line(id=ln.id, grade=ln.grade, years=ln.years, days=rotate_days(ln.days, k))
            for ln in rota.lines
        ),
    )
    a = compute_metrics(compile_rota(plain))[AVERAGES]
    b = compute_metrics(compile_rota(rotated))[AVERAGES]
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), atol=1e-9)
