"""Counting pre-check: hand-worked bounds, soundness against CP-SAT, speed.

Every example writes its arithmetic out. Where a finding is expected, the CP-SAT
model must be infeasible; where the count is exactly met, a rota must exist (the
bound is tight there).
"""

from __future__ import annotations

import random
import time

import pytest
from ortools.sat.python import cp_model

from optimizer.model import build_model
from optimizer.precheck import (
    Finding,
    count_phrase,
    duty_class,
    group_days,
    precheck,
    run_days_bound,
)
from optimizer.problem import Problem, problem_from_mapping, read_problem
from simulator.definitions import load_definitions
from simulator.examples import example_path

D = {"start": "08:00", "end": "16:00"}  # 8 h
N = {"start": "20:00", "end": "08:30"}  # 12.5 h night
SN = {"start": "22:00", "end": "07:00"}  # 9 h night (7 h between 23:00 and 06:00)
LOOSE_WEEKENDS = {"weekend_frequency.limit": 1, "weekend_frequency_ltft.limit": 1}


def make(
    weeks: int,
    shifts: dict,
    cover: dict,
    doctors: list[dict] | int,
    **extra,
) -> Problem:
    if isinstance(doctors, int):
        doctors = [{"id": f"F{k + 1}", "grade": "F1"} for k in range(doctors)]
    data = {"weeks": weeks, "shifts": shifts, "cover": cover, "doctors": doctors, **extra}
    return problem_from_mapping(data, file="<test>")


def status(problem: Problem) -> str:
    """CP-SAT status of the model with no objective."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20.0
    return solver.status_name(solver.solve(build_model(problem).model))


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


# ------------------------------------------------------------------------- phrasing


def test_group_days_merges_consecutive_days():
    assert group_days([14, 15, 16, 17, 18, 28]) == "Mon wk3..Fri wk3, Mon wk5"
    assert group_days([5, 3, 4, 4]) == "Thu wk1..Sat wk1"
    assert group_days([0, 2]) == "Mon wk1, Wed wk1"
    assert group_days([]) == ""


def test_count_phrase():
    assert count_phrase(1, "doctor") == "1 doctor"
    assert count_phrase(7, "doctor") == "7 doctors"
    assert count_phrase(0, "doctor") == "0 doctors"
    assert count_phrase(2, "N duty", "N duties") == "2 N duties"
    assert count_phrase(2.5, "hour") == "2.5 hours"


# ------------------------------------------------------------------------- weekends


def test_weekends_full_time_both_sides_of_the_bound():
    # 4 full-time doctors, 6 weeks, one D each Saturday and Sunday. One doctor can
    # work both days of a weekend, so each weekend needs max(1, 1) = 1 doctor: 6
    # doctor-weekends. Each may work floor(6 / 3) = 2 weekends: 4 x 2 = 8 >= 6.
    ok = make(6, {"D": D}, {"D": {"weekend": 1}}, 4)
    assert precheck(ok) == []
    assert status(ok) in ("FEASIBLE", "OPTIMAL")
    # Two doctors every Saturday: each weekend needs max(2, 1) = 2, 6 x 2 = 12 > 8.
    bad = make(6, {"D": D}, {"D": {"weekend": 1, "sat": 2}}, 4)
    f = only(precheck(bad))
    assert (f.kind, f.needed, f.allowed, f.unit) == ("weekends", 12, 8, "doctor-weekends")
    assert f.message == (
        "cover needs 12 doctor-weekends in the 6-week cycle (2 each weekend), but weekend "
        "frequency 1 in 3 allows at most 8 (4 full-time doctors × 2)"
    )
    assert status(bad) == "INFEASIBLE"


def test_weekends_full_time_and_ltft_each_with_their_own_limit():
    # 7 weeks, one D each Saturday and Sunday: 7 doctor-weekends. Full-time doctors
    # may work floor(7 / 3) = 2 weekends, LTFT doctors floor(7 / 7) = 1:
    # 2 x 2 + 2 x 1 = 6 < 7; a third LTFT doctor makes 7.
    doctors = [{"id": f"FT{k}", "grade": "F1"} for k in (1, 2)] + [
        {"id": f"LT{k}", "grade": "F1", "ltft": True} for k in (1, 2)
    ]
    bad = make(7, {"D": D}, {"D": {"weekend": 1}}, doctors)
    f = only(precheck(bad))
    assert (f.needed, f.allowed) == (7, 6)
    assert (
        "but weekend frequency 1 in 3 and LTFT weekend frequency 1 in 7 allow at most 6 "
        "(2 full-time doctors × 2 + 2 LTFT doctors × 1)" in f.message
    )
    assert status(bad) == "INFEASIBLE"
    ok = make(
        7, {"D": D}, {"D": {"weekend": 1}}, [*doctors, {"id": "LT3", "grade": "F1", "ltft": True}]
    )
    assert precheck(ok) == []


def test_weekend_window_counts_friday_nights():
    # A night from Friday 20:00 overlaps Saturday 00:00, so Friday-night cover
    # counts towards the weekend: 2 weeks, 1 N every Friday and 2 D every Sunday.
    # Each weekend needs max(1 Fri, 2 Sun) = 2 doctors: 4 doctor-weekends; with the
    # 1-in-2 rule each of 3 doctors may work floor(2 / 2) = 1 weekend: 3 < 4.
    bad = make(
        2,
        {"D": D, "N": N},
        {"D": {"sun": 2}, "N": {"fri": 1}},
        3,
        rule_overrides={"weekend_frequency.limit": 2},
    )
    f = only(precheck(bad))
    assert (f.kind, f.needed, f.allowed) == ("weekends", 4, 3)
    assert status(bad) == "INFEASIBLE"


# ------------------------------------------------------------------------- nights


def test_nights_run_and_rest_bound_both_sides():
    # One doctor, 2 weeks, 9 h nights (22:00-07:00). Max 4 consecutive nights, and
    # 46 h rest after any run: a night ends 07:00, the night after next starts 22:00
    # the next day but one, 39 h later, so every run of r <= 4 nights is followed by
    # at least 2 nights off. Blocks of r + 2 days hold r nights: 14 days hold at
    # most 2 x (4 + 2) = 12 days -> 8 nights (the 2 days left cannot fit 1 + 2).
    assert run_days_bound(14, 4, 1, 2) == 8
    days = ["Mon wk1..Thu wk1", "Mon wk2..Thu wk2"]
    ok = make(
        2,
        {"SN": SN},
        {"SN": {"except": {d: 1 for d in days}}},
        1,
        rule_overrides=LOOSE_WEEKENDS,
    )
    assert precheck(ok) == []
    assert status(ok) in ("FEASIBLE", "OPTIMAL")
    bad = make(
        2,
        {"SN": SN},
        {"SN": {"except": {d: 1 for d in [*days, "Sat wk1"]}}},
        1,
        rule_overrides=LOOSE_WEEKENDS,
    )
    f = only(precheck(bad))
    assert (f.kind, f.needed, f.allowed, f.unit) == ("nights", 9, 8, "nights")
    assert f.message == (
        "cover needs 9 nights in the 2-week cycle, but max 4 consecutive nights with 46 h "
        "rest after any run of nights allows at most 8 (1 doctor × 8)"
    )
    assert status(bad) == "INFEASIBLE"


def test_nights_bounded_by_average_hours():
    # 12.5 h nights over 2 weeks: average 48 h/week allows 96 h, floor(96 / 12.5) = 7
    # nights (the run bound allows 8). Seven nights fit, eight do not.
    seven = ["Mon wk1..Thu wk1", "Mon wk2..Wed wk2"]
    ok = make(2, {"N": N}, {"N": {"except": {d: 1 for d in seven}}}, 1)
    assert precheck(ok) == []
    assert status(ok) in ("FEASIBLE", "OPTIMAL")
    eight = ["Mon wk1..Thu wk1", "Mon wk2..Thu wk2"]
    bad = make(2, {"N": N}, {"N": {"except": {d: 1 for d in eight}}}, 1)
    f = only([f for f in precheck(bad) if f.kind == "nights"])
    assert (f.needed, f.allowed) == (8, 7)
    assert "average 48 h/week allows at most 7 (1 doctor × 7)" in f.message
    assert status(bad) == "INFEASIBLE"


def test_run_days_bound_hand_values():
    assert run_days_bound(42, 4, 1, 2) == 28  # 7 blocks of 4 nights + 2 off
    assert run_days_bound(7, 7, 7, 2) == 7  # cycle no longer than the limit: no window
    assert run_days_bound(42, 7, 7, 3) == 36  # runs of 6 + 1 beat 7 + 3: 6 x 6
    assert run_days_bound(10, 0, 1, 1) == 0
    assert run_days_bound(9, 2, 3, 5) == 6  # rest never due (runs of 2 < 3): 3 x (2 + 1)


def test_duty_class_matches_the_kernels():
    from simulator.kernels.duties import is_long, is_long_evening, is_night
    from simulator.model import KIND_CODE

    defs = load_definitions()
    arr = defs.as_array()
    for kind in ("shift", "oncall", "nroc"):
        k = KIND_CODE[kind]
        for clock in range(0, 1440, 60):
            for length in range(60, 1441, 30):
                assert duty_class("consecutive_nights", clock, length, kind, defs) == bool(
                    is_night(clock, length, k, arr)
                )
                assert duty_class("consecutive_long_shifts", clock, length, kind, defs) == bool(
                    is_long(length, k, arr)
                )
                assert duty_class("consecutive_long_evenings", clock, length, kind, defs) == bool(
                    is_long_evening(clock, length, k, arr)
                )


# ------------------------------------------------------------------------- doctors, days


def test_doctor_hours_minimum_against_leave():
    # A must average at least 23 h/week over 2 weeks: ceil(23 x 2) = 46 h. D (8 h)
    # may be rostered every day. On leave 8 days, 6 days are left: 6 x 8 = 48 >= 46.
    # On leave 9 days, 5 are left: 5 x 8 = 40 < 46.
    def problem(leave: list[str]) -> Problem:
        return make(
            2,
            {"D": D},
            {"D": {"all": {"min": 0}}},
            [{"id": "A", "grade": "F1", "min_hours_per_week": 23}],
            leave=[{"doctor": "A", "days": leave}],
            rule_overrides=LOOSE_WEEKENDS,
        )

    ok = problem(["Mon wk1..Fri wk1", "Mon wk2..Wed wk2"])
    assert precheck(ok) == []
    assert status(ok) in ("FEASIBLE", "OPTIMAL")
    bad = problem(["Mon wk1..Fri wk1", "Mon wk2..Thu wk2"])
    f = only(precheck(bad))
    assert (f.kind, f.needed, f.allowed, f.doctors) == ("doctor", 46, 40, ("A",))
    assert f.message == (
        "A needs at least 46 h in the 2-week cycle (at least 23 h/week), but can work at "
        "most 40 h (5 days available of at most 8 h, on leave Mon wk1..Fri wk1, "
        "Mon wk2..Thu wk2)"
    )
    assert status(bad) == "INFEASIBLE"
    # with the headcount objective a doctor may go unused: the minimum proves nothing
    assert precheck(bad, objective="headcount") == []


def test_fixed_hours_above_the_doctors_maximum():
    # A is fixed to D on five days (5 x 8 = 40 h) but may work at most 16 h/week x 1.
    p = make(
        1,
        {"D": D},
        {"D": {"weekdays": 1}},
        [{"id": "A", "grade": "F1", "max_hours_per_week": 16}, {"id": "B", "grade": "F1"}],
        fixed=[{"doctor": "A", "days": "Mon wk1..Fri wk1", "shift": "D"}],
    )
    f = only([f for f in precheck(p) if f.kind == "doctor"])
    assert f.message == (
        "A is fixed to 40 h in the 1-week cycle (D on Mon wk1..Fri wk1), but A's hours "
        "limit (at most 16 h/week) allows at most 16 h"
    )
    assert status(p) == "INFEASIBLE"


def test_day_cover_beyond_the_doctors_available():
    # 3 doctors; on Tue wk1 two are on leave, so 2 D cannot be covered.
    p = make(
        1,
        {"D": D},
        {"D": {"weekdays": {"min": 0}, "tue": 2}},
        3,
        leave=[{"doctor": "F1", "days": "Tue wk1"}, {"doctor": "F2", "days": "Mon wk1..Tue wk1"}],
    )
    f = only(precheck(p))
    assert (f.kind, f.needed, f.allowed, f.days) == ("day", 2, 1, (1,))
    assert f.message == (
        "cover of 2 D on Tue wk1 needs 2 doctors, but only 1 can work D that day "
        "(F1 and F2 on leave)"
    )
    assert status(p) == "INFEASIBLE"


def test_shift_longer_than_the_maximum_is_ruled_out():
    p = make(1, {"LD": {"start": "08:00", "end": "21:30"}}, {"LD": {"mon": 1}}, 2)
    f = only(precheck(p))
    assert f.message == (
        "cover needs 1 LD duty in the 1-week cycle, but max shift length 13 h rules out LD (13.5 h)"
    )
    assert status(p) == "INFEASIBLE"


def test_soft_target_and_absent_rules_count_nothing():
    # A soft target of 5 on every day asks for nothing; min = 0 throughout.
    p = make(1, {"D": D}, {"D": {"all": {"min": 0, "target": 5, "weight": 10.0}}}, 1)
    assert precheck(p) == []
    # Without a weekend rule nothing limits weekends (england-2016 has one; drop it).
    bad = make(6, {"D": D}, {"D": {"weekend": 1, "sat": 2}}, 4)
    from dataclasses import replace

    from simulator.rules import load_ruleset

    rules = load_ruleset("wales-2026")
    rules = replace(rules, rules=tuple(r for r in rules.rules if r.family != "weekend_frequency"))
    assert precheck(bad, rules) == []


def test_bundled_department_problem_has_no_finding():
    problem = read_problem(example_path("department/problems/medicine_f1.toml"))
    assert precheck(problem) == []


# ------------------------------------------------------------------------- soundness

POOL = {
    "D": D,
    "LD": {"start": "08:00", "end": "20:30"},
    "N": N,
    "E": {"start": "16:00", "end": "23:00"},
    "SN": SN,
    "OC": {"start": "16:00", "end": "08:00", "kind": "nroc", "expected_work": 2.0},
}


def random_problem(rng: random.Random) -> dict:
    """≤ 3 doctors, 1-2 weeks, 1-2 shift types; cover, leave, fixed days, limits at random."""
    weeks = rng.choice([1, 2])
    n = 7 * weeks
    codes = rng.sample(sorted(POOL), rng.choice([1, 2]))
    data: dict = {"weeks": weeks, "shifts": {c: POOL[c] for c in codes}, "cover": {}}
    if set(codes) in ({"D", "E"}, {"D", "OC"}) and rng.random() < 0.6:
        data["combinable"] = [codes]
    p = rng.uniform(0.1, 0.7)
    for c in codes:
        ex = {}
        for d in range(n):
            if rng.random() < p:
                ex[str(d)] = rng.choice([1, 1, 1, 2, {"min": 1}, {"min": 1, "max": 2}])
            elif rng.random() < 0.2:
                ex[str(d)] = 0
        data["cover"][c] = {"all": {"min": 0}, "except": ex}
    data["doctors"] = []
    for k in range(rng.choice([1, 2, 3, 3])):
        doc: dict = {"id": f"X{k}", "grade": "F1", "ltft": rng.random() < 0.3}
        r = rng.random()
        if r < 0.15:
            doc["hours_per_week"] = rng.choice([10, 20, 30, 40])
            doc["hours_tolerance"] = rng.choice([1.0, 5.0])
        elif r < 0.3:
            doc["min_hours_per_week"] = rng.choice([5, 10, 20, 30])
        elif r < 0.45:
            doc["max_hours_per_week"] = rng.choice([8, 16, 24, 40])
        if len(codes) > 1 and rng.random() < 0.3:
            doc["shifts"] = [rng.choice(codes)]
        data["doctors"].append(doc)
    data["leave"] = []
    data["fixed"] = []
    for doc in data["doctors"]:
        if rng.random() < 0.3:
            a = rng.randrange(n)
            days = [str(d) for d in range(a, min(n, a + rng.randint(1, 6)))]
            data["leave"].append({"doctor": doc["id"], "days": days})
        if rng.random() < 0.2:
            d = rng.randrange(n)
            c = rng.choice([*doc.get("shifts", codes), "-"])
            if c == "-" or data["cover"][c]["except"].get(str(d), 1) != 0:
                data["fixed"].append({"doctor": doc["id"], "days": [str(d)], "shift": c})
    ov = {
        "weekend_frequency.limit": rng.choice([1, 1, 1, 2]),
        "weekend_frequency_ltft.limit": rng.choice([1, 1, 2]),
    }
    for key, values, chance in (
        ("consecutive_nights.limit", [1, 2, 3, 4], 0.4),
        ("consecutive_nights.rest_after", [0, 24, 46, 60], 0.3),
        ("consecutive_shifts.limit", [2, 3, 5], 0.3),
        ("consecutive_shifts.rest_after_run", [1, 2, 3], 0.2),
        ("average_weekly_hours.limit", [10, 20, 30, 48], 0.3),
        ("consecutive_long_shifts.limit", [1, 2, 3], 0.2),
        ("max_shift_length.limit", [8, 12], 0.05),
    ):
        if rng.random() < chance:
            ov[key] = rng.choice(values)
    data["rule_overrides"] = ov
    return data


def test_findings_are_sound_on_small_random_problems():
    # Whenever counting reports a finding, CP-SAT must prove the model infeasible.
    started = time.perf_counter()
    kinds: set[str] = set()
    proved = 0
    for seed in range(60):
        problem = problem_from_mapping(random_problem(random.Random(seed)), file=f"seed {seed}")
        findings = precheck(problem)
        if not findings:
            continue
        proved += 1
        kinds |= {f.kind for f in findings}
        assert status(problem) == "INFEASIBLE", (seed, [f.message for f in findings])
        for f in findings:
            assert f.needed > f.allowed and "\n" not in f.message
    assert proved >= 20
    assert {"weekends", "day", "doctor", "hours"} <= kinds
    assert time.perf_counter() - started < 20.0


# ------------------------------------------------------------------------- speed


def big_problem(n_night: int) -> Problem:
    doctors = []
    for k in range(60):
        doc = {"id": f"D{k + 1}", "grade": "F2", "ltft": k % 6 == 0}
        if k % 6 == 0:
            doc["hours_per_week"] = 30
        if k % 5 == 0:
            doc["shifts"] = ["D", "LD"]
        doctors.append(doc)
    leave = [
        {"doctor": f"D{k + 1}", "days": f"Mon wk{k % 26 + 1}..Fri wk{k % 26 + 1}"}
        for k in range(60)
    ]
    return make(
        26,
        {"D": D, "LD": {"start": "08:00", "end": "20:30"}, "N": N},
        {"D": {"weekdays": 8, "wed": {"min": 9}}, "LD": {"all": 3}, "N": {"all": n_night}},
        doctors,
        leave=leave,
        fixed=[{"doctor": "D2", "days": "Mon wk1..Thu wk1", "shift": "N"}],
    )


@pytest.mark.parametrize("n_night", [3, 20])
def test_sixty_doctors_twenty_six_weeks_under_a_second(n_night):
    problem = big_problem(n_night)
    precheck(problem)  # load the rule set and definitions once
    started = time.perf_counter()
    findings = precheck(problem)
    assert time.perf_counter() - started < 1.0
    # 20 nights a day: each weekend needs 3 LD + 20 N = 23 doctors on Saturday, 26 x 23
    # = 598 doctor-weekends; 50 full-time doctors x floor(26 / 3) = 8 and 10 LTFT x
    # floor(26 / 7) = 3 give 430.
    weekends = [f for f in findings if f.kind == "weekends"]
    if n_night == 3:
        assert findings == []
    else:
        assert [(f.needed, f.allowed) for f in weekends] == [(598, 430)]
