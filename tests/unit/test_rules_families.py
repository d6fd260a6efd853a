"""One rule family at a time: compliant, violating, exactly at the limit, and across the wrap.

Each case runs a single rule (the rest of its rule set removed) through both the
Numba kernels and the plain-Python reference, which must agree record for record.
Hours are worked by hand in the comments; the cycle repeats, so day 0 follows the
last day.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from simulator.compile import compile_rota
from simulator.rules import check, check_reference, load_ruleset

from ..helpers import make_rota

pytestmark = pytest.mark.kernel

SHIFTS = """
D     = { start = "08:00", end = "16:00" }
D9    = { start = "09:00", end = "17:00" }
E     = { start = "08:00", end = "18:00" }
LD    = { start = "08:00", end = "20:30" }
T12   = { start = "08:00", end = "20:00" }
L13   = { start = "08:00", end = "21:00" }
L14   = { start = "08:00", end = "22:00" }
N     = { start = "20:00", end = "08:30" }
N14   = { start = "20:00", end = "10:00" }
N2    = { start = "22:00", end = "06:00" }
E0600 = { start = "06:00", end = "14:00" }
E0630 = { start = "06:30", end = "14:30" }
E0700 = { start = "07:00", end = "15:00" }
E0730 = { start = "07:30", end = "15:30" }
X     = { start = "04:00", end = "12:00" }
X2    = { start = "04:30", end = "12:30" }
EM    = { start = "05:00", end = "09:00" }
EM3   = { start = "03:00", end = "11:00" }
LE    = { start = "13:00", end = "23:30" }
T     = { start = "18:00", end = "22:00" }
T2    = { start = "18:00", end = "23:00" }
TW    = { start = "20:00", end = "23:00" }
S     = { start = "16:00", end = "20:00" }
ROC   = { start = "08:00", end = "08:00", kind = "oncall", rest = 8.0 }
P     = { start = "08:00", end = "08:00", kind = "partial", rest = 8.0 }
OC    = { start = "17:00", end = "09:00", kind = "nroc", expected_work = 3.0 }
OC8   = { start = "17:00", end = "09:00", kind = "nroc", expected_work = 8.0 }
OCN   = { start = "17:00", end = "09:00", kind = "nroc" }
OCS   = { start = "16:00", end = "20:00", kind = "nroc" }
OC2   = { start = "17:00", end = "03:00", kind = "nroc", expected_work = 6.0 }
OCW16 = { start = "09:00", end = "09:00", kind = "nroc", expected_work = 16.0 }
OCW17 = { start = "09:00", end = "09:00", kind = "nroc", expected_work = 17.0 }
OCW18 = { start = "09:00", end = "09:00", kind = "nroc", expected_work = 18.0 }
"""


def only(ruleset: str, rule_id: str, **overrides: float):
    """The rule set reduced to one rule, with overrides ``param=value``."""
    rules = load_ruleset(ruleset, {f"{rule_id}.{k}": v for k, v in overrides.items()})
    return replace(rules, rules=(rules.rule(rule_id),))


def run(pattern: str, rules, *, weeks: int = 1, ltft: bool = False):
    """Violations of one line as ``(rule, day, clock, measured)``; kernel == reference."""
    compiled = compile_rota(make_rota(pattern, SHIFTS, weeks=weeks, ltft=ltft))
    got = check(compiled, rules)
    ref = check_reference(compiled, rules)

    def key(result):
        return [
            (v.rule, v.day, v.clock, round(v.measured, 6), v.message) for v in result.violations
        ]

    assert key(got) == key(ref)
    assert got.compliant.tolist() == [not got.violations]
    return [(v.rule, v.day, v.clock, round(v.measured, 6)) for v in got.violations]


# ----------------------------------------------------------- average weekly hours


def test_average_hours_compliant():
    # 5 x 8 h = 40 h per week
    assert run("D D D D D - -", only("wales-2026", "average_weekly_hours")) == []


def test_average_hours_violation():
    # 4 x 12.5 h = 50 h > 48
    got = run("LD LD LD LD - - -", only("wales-2026", "average_weekly_hours"))
    assert got == [("average_weekly_hours", 0, None, 50.0)]


def test_average_hours_at_limit():
    # 4 x 12 h = 48 h: at the limit is compliant
    assert run("T12 T12 T12 T12 - - -", only("wales-2026", "average_weekly_hours")) == []


def test_average_hours_wrap():
    # one-week reference period on a two-week cycle: week 1 has 4 x 12 = 48 h plus the
    # 8.5 h of Sunday wk2's night that runs past the cycle end into Monday wk1
    # (00:00-08:30): 56.5 h > 48. Week 2 has 4 h.
    rules = only("wales-2026", "average_weekly_hours", reference_period=1)
    got = run("- T12 T12 T12 T12 - -\n- - - - - - N", rules, weeks=2)
    assert got == [("average_weekly_hours", 0, None, 56.5)]


def test_average_hours_nroc_counts_expected_work_only():
    # working time: 5 x 8 h resident + 5 x 3 h expected NROC work = 55 h > 48
    got = run("D9+OC D9+OC D9+OC D9+OC D9+OC - -", only("wales-2026", "average_weekly_hours"))
    assert got == [("average_weekly_hours", 0, None, 55.0)]


# ---------------------------------------------------------------- hours in 168 h


def test_168h_compliant():
    # 5 x 12.5 = 62.5 h
    assert run("LD LD LD LD LD - -", only("wales-2026", "hours_in_168h")) == []


def test_168h_violation():
    # 6 x 12.5 = 75 h > 72, window from Mon 08:00
    got = run("LD LD LD LD LD LD -", only("wales-2026", "hours_in_168h"))
    assert got == [("hours_in_168h", 0, "08:00", 75.0)]


def test_168h_at_limit():
    # 6 x 12 = 72 h
    assert run("T12 T12 T12 T12 T12 T12 -", only("wales-2026", "hours_in_168h")) == []


def test_168h_wrap():
    # Thu-Sun wk2 4 x 12 = 48 h, then Mon-Tue wk1 2 x 12 = 24 h and Wed wk1 8 h:
    # 80 h in the 168 h ending Wed wk1 16:00 (the earliest such window starts
    # Wed wk2 16:00), only when the window wraps
    pattern = "T12 T12 D - - - -\n- - - T12 T12 T12 T12"
    got = run(pattern, only("wales-2026", "hours_in_168h"), weeks=2)
    assert got == [("hours_in_168h", 9, "16:00", 80.0)]


# ----------------------------------------------------------------- shift length


def test_shift_length_cases():
    rules = only("wales-2026", "max_shift_length")
    assert run("LD - - - - - -", rules) == []  # 12.5 h
    assert run("L13 - - - - - -", rules) == []  # 13 h, at the limit
    assert run("L14 - - - - - -", rules) == [("max_shift_length", 0, "08:00", 14.0)]


def test_shift_length_wrap():
    # Sunday 20:00 to Monday 10:00 across the cycle end: 14 h
    got = run("- - - - - - N14", only("wales-2026", "max_shift_length"))
    assert got == [("max_shift_length", 6, "20:00", 14.0)]


# ------------------------------------------------------------ rest between shifts


def test_rest_cases():
    rules = only("wales-2026", "rest_between_shifts")
    assert run("D D D - - - -", rules) == []  # 16:00 to 08:00 = 16 h
    # LD ends 20:30, E0730 starts 07:30: 11.0 h, at the limit
    assert run("LD E0730 - - - - -", rules) == []
    # LD ends 20:30, E0700 starts 07:00: 10.5 h < 11
    assert run("LD E0700 - - - - -", rules) == [("rest_between_shifts", 0, "20:30", 10.5)]


def test_rest_wrap_and_message():
    # the LD on Sunday wk2 ends 20:30; the cycle repeats with E0700 Monday wk1 07:00
    rules = only("wales-2026", "rest_between_shifts")
    compiled = compile_rota(make_rota("E0700 - - - - - -\n- - - - - - LD", SHIFTS, weeks=2))
    (v,) = check(compiled, rules).violations
    assert (v.day, v.clock, v.measured, v.limit) == (13, "20:30", 10.5, 11.0)
    assert v.message == (
        "10.5 h rest after the LD ending Sun wk2 20:30 before the E0700 starting "
        "Mon wk1 07:00; minimum 11 h"
    )


def test_rest_ignores_nroc():
    # NROC 17:00-09:00 between resident shifts is not resident duty
    assert run("D9+OC D9 - - - - -", only("wales-2026", "rest_between_shifts")) == []


# ------------------------------------------------------- consecutive shifts (7, 48 h)


def test_consecutive_shifts_cases():
    rules = only("wales-2026", "consecutive_shifts")
    assert run("D D D D D - -", rules) == []
    # seven in a row, then a week off: at the limit
    assert run("D D D D D D D\n- - - - - - -", rules, weeks=2) == []
    # eight in a row
    got = run("D D D D D D D\nD - - - - - -", rules, weeks=2)
    assert got == [("consecutive_shifts", 0, "08:00", 8.0)]
    # seven, then Sun 16:00 to Tue 08:00 = 40 h < 48 h rest
    got = run("D D D D D D D\n- D - - - - -", rules, weeks=2)
    assert got == [("consecutive_shifts.rest_after", 6, "16:00", 40.0)]


def test_consecutive_shifts_wrap():
    # Thu-Sun wk2 (4) continue into Mon-Thu wk1 (4): 8 in a row only across the end
    got = run("D D D D - - -\n- - - D D D D", only("wales-2026", "consecutive_shifts"), weeks=2)
    assert got == [("consecutive_shifts", 10, "08:00", 8.0)]


# ----------------------------------------------------- consecutive nights (4, 46 h)


def test_consecutive_nights_cases():
    rules = only("wales-2026", "consecutive_nights")
    # 4 nights Mon-Thu, then Fri 08:30 to Mon 20:00 = 83.5 h rest: at the limit
    assert run("N N N N - - -", rules) == []
    # 5 nights
    assert run("N N N N N - -", rules) == [("consecutive_nights", 0, "20:00", 5.0)]
    # 2 nights end Wed 08:30; E0630 Fri 06:30 = 46 h later: at the rest limit
    assert run("N N - - E0630 - -", rules) == []
    # D Thu 08:00: 23.5 h after the nights
    got = run("N N - D - - -", rules)
    assert got == [("consecutive_nights.rest_after", 2, "08:30", 23.5)]


def test_consecutive_nights_wrap():
    # Fri-Sun wk2 + Mon-Tue wk1 = 5 nights across the cycle end
    got = run("N N - - - - -\n- - - - N N N", only("wales-2026", "consecutive_nights"), weeks=2)
    assert got == [("consecutive_nights", 11, "20:00", 5.0)]


def test_rest_after_nights_wrap():
    # the Sunday night ends Mon 08:30 of the next cycle (day 0); the D on Tuesday
    # 08:00 comes 23.5 h later < 46 h
    got = run("- D - - - N N", only("wales-2026", "consecutive_nights"))
    assert got == [("consecutive_nights.rest_after", 0, "08:30", 23.5)]


# ------------------------------------------------- consecutive long shifts (5, 48 h)


def test_consecutive_long_cases():
    rules = only("wales-2026", "consecutive_long_shifts")
    # 5 LD then Fri 20:30 to Mon 08:00 = 59.5 h: at the limit
    assert run("LD LD LD LD LD - -", rules) == []
    # 6 LD, and Sat 20:30 to Mon 08:00 = 35.5 h < 48 after the run
    assert run("LD LD LD LD LD LD -", rules) == [
        ("consecutive_long_shifts", 0, "08:00", 6.0),
        ("consecutive_long_shifts.rest_after", 5, "20:30", 35.5),
    ]
    # 5 LD, then D Sun 08:00: Fri 20:30 to Sun 08:00 = 35.5 h < 48
    got = run("LD LD LD LD LD - D", rules)
    assert got == [("consecutive_long_shifts.rest_after", 4, "20:30", 35.5)]


def test_consecutive_long_wrap():
    got = run(
        "LD LD - - - - -\n- - - LD LD LD LD", only("wales-2026", "consecutive_long_shifts"), weeks=2
    )
    assert got == [("consecutive_long_shifts", 10, "08:00", 6.0)]


# ------------------------------------------------------ consecutive long evenings (4)


def test_long_evenings_cases():
    rules = only("wales-2026", "consecutive_long_evenings")
    # LE 13:00-23:30: 10.5 h, starts before 16:00, ends after 23:00
    assert run("LE LE LE LE - - -", rules) == []
    assert run("LE LE LE LE LE - -", rules) == [("consecutive_long_evenings", 0, "13:00", 5.0)]
    # LD ends 20:30: not a long evening
    assert run("LD LD LD LD LD - -", rules) == []


def test_long_evenings_wrap():
    # Fri, Sat, Sun, then Mon, Tue of the next cycle: 5
    got = run("LE LE - - LE LE LE", only("wales-2026", "consecutive_long_evenings"))
    assert got == [("consecutive_long_evenings", 4, "13:00", 5.0)]


# -------------------------------------------------------------- weekend frequency


def test_weekend_frequency_cases():
    rules = only("wales-2026", "weekend_frequency")
    # one weekend in 3 weeks: exactly 1 in 3 is compliant
    assert run("D - - - - D -\n- - - - - - -\n- - - - - - -", rules, weeks=3) == []
    # one in 2: 0.5 > 1/3 (reported on the Saturday of the first weekend worked)
    got = run("D - - - - - D\n- - - - - - -", rules, weeks=2)
    assert got == [("weekend_frequency", 5, None, 0.5)]
    # a Friday night ending Saturday 08:30 works the weekend (2016 definition)
    got = run("- - - - N - -\n- - - - - - -", rules, weeks=2)
    assert got == [("weekend_frequency", 5, None, 0.5)]


def test_weekend_frequency_ltft():
    rules = only("wales-2026", "weekend_frequency_ltft")
    # LTFT: 1 in 7 (7-week cycle) at the limit; full-time lines are not checked
    seven = "\n".join(["- - - - - D -"] + ["- - - - - - -"] * 6)
    assert run(seven, rules, weeks=7, ltft=True) == []
    four = "\n".join(["- - - - - D -"] + ["- - - - - - -"] * 3)
    assert run(four, rules, weeks=4, ltft=True) == [("weekend_frequency_ltft", 5, None, 0.25)]
    assert run(four, rules, weeks=4, ltft=False) == []


def test_weekend_frequency_wrap_2002_definition():
    # 2002 weekend: Fri 19:00 to Mon 07:00. The EM on Monday wk1 05:00 belongs to the
    # weekend of week 3 (it wraps from the cycle end): 2 weekends in 3 weeks.
    base = only("wales-2026", "weekend_frequency")
    rule = replace(base.rules[0], options={"weekend": "2002"})
    rules = replace(base, rules=(rule,))
    pattern = "EM - - - - D -\n- - - - - - -\n- - - - - - -"
    assert run(pattern, rules, weeks=3) == [("weekend_frequency", 4, None, round(2 / 3, 6))]
    assert run(pattern, base, weeks=3) == []  # 2016 definition: 1 in 3


# ------------------------------------------------------- New Deal hours by pattern


def test_new_deal_duty_hours_full():
    rules = load_ruleset("new-deal")
    duty = replace(rules, rules=(rules.rule("duty_hours_full"),))
    # 4 x 12 + 8 = 56 h: at the limit; with E (10 h) instead of D: 58 h
    assert run("T12 T12 T12 T12 D - -", duty) == []
    assert run("T12 T12 T12 T12 E - -", duty) == [("duty_hours_full", 0, None, 58.0)]


def test_new_deal_partial_and_oncall_patterns():
    rules = load_ruleset("new-deal")
    pick = ("duty_hours_full", "duty_hours_partial", "duty_hours_oncall", "actual_work")
    hours = replace(rules, rules=tuple(rules.rule(r) for r in pick))
    # partial: 2 x 24 + 2 x 8 = 64 h duty (limit 64), work 2 x 16 + 16 = 48 h
    assert run("P - P - D D -", hours) == []
    # partial: 3 x 24 = 72 h duty > 64; work 3 x 16 = 48 h <= 56
    assert run("P - P - P - -", hours) == [("duty_hours_partial", 0, None, 72.0)]
    # resident on-call: 3 x 24 = 72 h duty (limit 72), work 3 x 16 = 48 h
    assert run("ROC - ROC - ROC - -", hours) == []
    # 4 x ROC = 96 h > 72; work 4 x 16 = 64 h > 56
    got = run("ROC - ROC - ROC - ROC", hours)
    assert got == [("duty_hours_oncall", 0, None, 96.0), ("actual_work", 0, None, 64.0)]


# ------------------------------------------------------------------ continuous duty


def test_continuous_duty_full():
    rules = only("new-deal", "continuous_duty_full")
    # E 08:00-18:00 + T 18:00-22:00 = 14 h: at the limit; with T2 to 23:00: 15 h
    assert run("E+T - - - - - -", rules) == []
    assert run("E+T2 - - - - - -", rules) == [("continuous_duty_full", 0, "08:00", 15.0)]


def test_continuous_duty_full_wrap():
    # N2 Sun 22:00-06:00 runs into E0600 Mon 06:00-14:00 of the next cycle: 16 h > 14
    got = run("E0600 - - - - - N2", only("new-deal", "continuous_duty_full"))
    assert got == [("continuous_duty_full", 6, "22:00", 16.0)]


def test_continuous_duty_oncall_weekend():
    rules = only("new-deal", "continuous_duty_oncall")
    # Sat 08:00 ROC, Sun ROC, then Mon D to 16:00 (across the cycle end): 56 h, over a
    # weekend: at the limit
    assert run("D - - - - ROC ROC", rules) == []
    # with E to 18:00: 58 h > 56
    got = run("E - - - - ROC ROC", rules)
    assert got == [("continuous_duty_oncall", 5, "08:00", 58.0)]
    # a weekday: Tue ROC then Wed E 08:00-18:00 = 34 h > 32
    assert run("- ROC E - - - -", rules) == [("continuous_duty_oncall", 1, "08:00", 34.0)]


# ----------------------------------------------------------- minimum off between duties


def test_min_off_between_duties():
    full = only("new-deal", "min_off_between_duties_shift")
    # LD ends 20:30, X2 04:30 = 8 h: at the limit; X 04:00 = 7.5 h
    assert run("LD X2 - - - - -", full) == []
    assert run("LD X - - - - -", full) == [("min_off_between_duties_shift", 0, "20:30", 7.5)]
    # wrap: LD Sunday, X Monday of the next cycle
    assert run("X - - - - - LD", full) == [("min_off_between_duties_shift", 6, "20:30", 7.5)]
    oncall = only("new-deal", "min_off_between_duties_oncall")
    # NROC ends Tue 09:00; TW starts Tue 20:00: 11 h < 12
    assert run("OC TW - - - - -", oncall) == [("min_off_between_duties_oncall", 1, "09:00", 11.0)]


# -------------------------------------------------------------- off-duty periods


def test_off_duty_periods():
    rules = only("new-deal", "time_off_shift")
    # weekends off Fri 16:00 to Mon 08:00 = 64 h every week; the period crosses the
    # cycle end, so it exists only when gaps wrap
    assert run("D D D D D - -", rules) == []
    # Sat 16:00 to Mon 08:00 = 40 h every week: no 62 h period in any 28 days
    assert run("D D D D D D -", rules) == [("time_off_shift.long", 0, None, 40.0)]


def test_off_duty_periods_at_limit():
    # wk1 Fri 16:00 -> wk2 Mon 06:00 = 62 h; wk2 Fri 16:00 -> Sun 16:00 = 48 h
    rules = only("new-deal", "time_off_shift")
    pattern = "E0600 D D D D - -\nE0600 D D D D - S"
    assert run(pattern, rules, weeks=2) == []
    # on-call rota: Fri 16:00 -> Sat 16:00 = 24 h, then NROC to 20:00, then
    # Sat 20:00 -> Mon 08:00 = 36 h: no 62 h period in any 21 days
    oncall = only("new-deal", "time_off_oncall")
    assert run("D D D D D OCS -", oncall) == [("time_off_oncall.long", 0, None, 36.0)]


def test_weekly_rest_wtr():
    rules = only("wtr", "weekly_rest")
    # Sat 16:00 -> Mon 08:00 = 40 h every week: two 24 h periods in 14 days
    assert run("D D D D D D -", rules) == []
    # every day: the longest rest is 16 h
    assert run("D D D D D D D", rules) == [("weekly_rest.long", 0, None, 16.0)]


# ------------------------------------------------------------ consecutive duty days


def test_consecutive_duty_days():
    rules = only("new-deal", "consecutive_duty_days")
    assert run("D D D D D D D\nD D D D D D -", rules, weeks=2) == []  # 13
    assert run("D D D D D D D\nD D D D D D D", rules, weeks=2) == [
        ("consecutive_duty_days", 0, None, 14.0)
    ]
    # wrap: wk3 (7) then wk1 (7) = 14 across the cycle end
    pattern = "D D D D D D D\n- - - - - - -\nD D D D D D D"
    assert run(pattern, rules, weeks=3) == [("consecutive_duty_days", 14, "08:00", 14.0)]


# -------------------------------------------------------------------- NROC rest


def test_nroc_rest_cases():
    rules = only("wales-2026", "nroc_rest")
    # 3 h of work from 17:00: 21 h rest in 24 h, 22:00-07:00 free
    assert run("D+OC - - - - - -", rules) == []
    # 16 h of work from 09:00 to 01:00: 8 h rest (limit), 01:00-07:00 = 6 h continuous
    assert run("OCW16 - - - - - -", rules) == []
    # 17 h to 02:00: 7 h rest < 8; 02:00-07:00 = 5 h continuous, at the limit
    assert run("OCW17 - - - - - -", rules) == [("nroc_rest.total", 0, "09:00", 7.0)]
    # 18 h to 03:00: 6 h rest, 4 h continuous
    assert run("OCW18 - - - - - -", rules) == [
        ("nroc_rest.total", 0, "09:00", 6.0),
        ("nroc_rest.continuous", 0, "22:00", 4.0),
    ]
    # 8 h work 17:00-01:00 then D9 09:00-17:00 next day: 24 - 8 - 8 = 8 h (limit)
    assert run("OC8 D9 - - - - -", rules) == []
    # no declared expected work: not evaluated
    assert run("OCN - - - - - -", rules) == []


def test_nroc_rest_wrap():
    # Sunday NROC 17:00-03:00, work 17:00-23:00; resident EM3 on Monday 03:00 of the
    # next cycle: free 23:00-03:00 = 4 h < 5
    got = run("EM3 - - - - - OC2", only("wales-2026", "nroc_rest"))
    assert got == [("nroc_rest.continuous", 6, "22:00", 4.0)]
