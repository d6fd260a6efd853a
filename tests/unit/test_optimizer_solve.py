"""Rota search: known optima, cycle-boundary windows, infeasibility, reproducibility.

Every returned rota is re-checked by the rules engine (``result.compliant``).
Problems are tiny so that CP-SAT proves optimality in well under a second.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from optimizer.problem import problem_from_toml_text
from optimizer.solve import InfeasibleError, solve
from simulator.contracts import load_params

F1_POINT_GBP = load_params("wales-2026")["pay_point_F1"]
BASIC_H = load_params("wales-2026")["basic_hours_per_week"]


def make(body: str, weeks: int = 1, doctors: tuple[str, ...] = ("A", "B"), extra: str = ""):
    docs = "".join(f'[[doctors]]\nid = "{d}"\ngrade = "F1"\n{extra}\n' for d in doctors)
    return problem_from_toml_text(f"weeks = {weeks}\n{body}\n{docs}", file="<test>")


DAY = '[shifts]\nD = { start = "08:00", end = "16:00" }\n'


def run(problem, objective, **kw):
    kw.setdefault("time_limit_s", 10.0)
    kw.setdefault("workers", 1)
    result = solve(problem, objective, **kw)
    result.raise_for_status()
    assert result.compliant, [v.message for v in result.check.violations]
    return result


def test_pay_loss_known_optimum():
    # One week of plain-time day shifts (8 h, Mon-Fri), one doctor each day. Each D
    # is worth P x 8/40 a year (basic pay by hours, no unsocial time). Doctor A's 2002
    # reference is worth six such shifts but only five exist, so the least total loss
    # gives A all five: loss = P x 8/40 (one shift), B has no reference (no loss).
    per_shift = F1_POINT_GBP * 8 / BASIC_H
    problem = make(DAY + "[cover.D]\nweekdays = 1\n")
    a = replace(problem.doctors[0], reference_gbp=6 * per_shift)
    problem = replace(problem, doctors=(a, problem.doctors[1]))
    result = run(problem, "pay-loss")
    assert result.status == "optimal"
    assert result.objective_value == pytest.approx(per_shift, abs=0.01)
    a = result.doctors[0]
    assert a["loss_gbp"] == pytest.approx(per_shift, abs=0.01)
    assert a["pay_2026_gbp"] == pytest.approx(5 * per_shift, abs=0.01)
    assert a["model_pay_gbp"] == pytest.approx(a["pay_2026_gbp"], abs=0.05)
    assert result.rota.lines[0].days[:5] == (("D",),) * 5


def test_headcount_known_optimum_set_by_weekend_frequency():
    # Three weeks, one 8 h day shift every day: 21 shifts, 168 h. Hours alone need
    # two doctors (48 h/week average = 144 h each per cycle), but full-time weekends
    # are at most 1 in 3, i.e. one weekend per doctor per 3-week cycle, and there are
    # three weekends: the optimum is 3 doctors.
    problem = make(DAY + "[cover.D]\nall = 1\n", weeks=3, doctors=("A", "B", "C", "D", "E"))
    result = run(problem, "headcount")
    assert result.status == "optimal"
    assert result.objective_value == 3
    assert sum(d["used"] for d in result.doctors) == 3
    assert len(result.rota.lines) == 3


NIGHTS = (
    '[shifts]\nN = { start = "20:00", end = "08:30" }\n'
    '[cover.N]\nexcept = { "Fri wk2..Sun wk2" = 1, "Mon wk1..Tue wk1" = 1 }\n'
    '[rule_overrides]\n"weekend_frequency.limit" = 1\n'
)
FIX_A = '[[fixed]]\ndoctor = "A"\ndays = "Fri wk2..Sun wk2"\nshift = "N"\n'


def test_consecutive_nights_bind_across_the_cycle_end():
    # A works nights Fri-Sun of the last week; the cycle repeats, so nights on Mon
    # and Tue of week 1 would make a run of five. Max 4 consecutive nights: A may
    # take Mon wk1 (fourth night) but Tue wk1 must go to B.
    problem = make(NIGHTS + FIX_A, weeks=2)
    result = run(problem, "cost")
    a = dict(zip([line.id for line in result.rota.lines], result.rota.lines, strict=True))["A"]
    assert a.days[1] == ()  # no fifth night for A on Tue wk1


def test_infeasible_names_the_rule_family_at_the_wrap():
    problem = make(NIGHTS + FIX_A, weeks=2, doctors=("A",))
    result = solve(problem, "cost", time_limit_s=10.0, workers=1)
    assert result.status == "infeasible"
    message = result.conflict.message
    assert message.startswith("infeasible: cover of 1 N on")
    assert "max 4 consecutive nights" in message and "for 1 doctor" in message
    assert result.conflict.rules == ["consecutive_nights"]
    with pytest.raises(InfeasibleError, match="consecutive nights"):
        result.raise_for_status()


def test_hours_in_168h_window_binds_only_across_the_wrap():
    # 12 h long days fixed Sat-Sun of week 2 and Mon-Tue of week 1: 48 h in the 168 h
    # from Sat wk2 08:00, a window that exists only across the cycle end.
    body = (
        '[shifts]\nLD = { start = "08:00", end = "20:00" }\n'
        '[cover.LD]\nexcept = { "Sat wk2..Sun wk2" = 1, "Mon wk1..Tue wk1" = 1 }\n'
        '[[fixed]]\ndoctor = "A"\ndays = ["Sat wk2", "Sun wk2", "Mon wk1", "Tue wk1"]\n'
        'shift = "LD"\n'
        '[rule_overrides]\n"weekend_frequency.limit" = 1\n'
    )
    ok = run(make(body + '"hours_in_168h.limit" = 48\n', weeks=2, doctors=("A",)), "cost")
    assert ok.status == "optimal"
    bad = solve(
        make(body + '"hours_in_168h.limit" = 40\n', weeks=2, doctors=("A",)),
        "cost",
        time_limit_s=10.0,
        workers=1,
    )
    assert bad.status == "infeasible"
    assert "max 40 h in any 168 h" in bad.conflict.message


def test_infeasible_cover_beyond_doctors():
    problem = make(DAY + '[cover.D]\nexcept = { "Mon wk1" = 3 }\n', doctors=("A", "B"))
    result = solve(problem, "cost", time_limit_s=10.0, workers=1)
    assert result.status == "infeasible"
    # found by the counting pre-check: 3 needed, 2 doctors can work that day
    assert result.conflict.message.startswith(
        "infeasible: cover of 3 D on Mon wk1 needs 3 doctors, but only 2 can work D that day"
    )


def test_infeasible_beyond_counting_is_explained_by_the_rules_in_conflict():
    # A is fixed to a night on Mon (20:00-08:30 Tue) and a day on Tue (08:00): the two
    # overlap, and no count can see it. CP-SAT proves it and names what conflicts.
    body = (
        '[shifts]\nD = { start = "08:00", end = "16:00" }\nN = { start = "20:00", end = "08:30" }\n'
        "[cover.D]\nall = { min = 0 }\n[cover.N]\nall = { min = 0 }\n"
        '[[fixed]]\ndoctor = "A"\ndays = "Mon wk1"\nshift = "N"\n'
        '[[fixed]]\ndoctor = "A"\ndays = "Tue wk1"\nshift = "D"\n'
    )
    result = solve(make(body, weeks=3), "pay-loss", time_limit_s=10.0, workers=1)
    assert result.status == "infeasible"
    message = result.conflict.message
    assert "A fixed N on Mon wk1" in message and "A fixed D on Tue wk1" in message
    assert result.conflict.findings == ()


def test_fixed_seed_one_worker_is_reproducible():
    body = (
        '[shifts]\nD = { start = "08:00", end = "16:00" }\nN = { start = "20:00", end = "08:30" }\n'
        "[cover.D]\nweekdays = 1\n[cover.N]\nall = 1\n"
    )
    problem = make(body, weeks=3, doctors=("A", "B", "C", "D"))
    runs = [
        run(problem, "fairness", seed=7, workers=1, time_limit_s=0.5, deterministic=True)
        for _ in range(2)
    ]
    assert runs[0].rota.lines == runs[1].rota.lines
    assert runs[0].objective_value == runs[1].objective_value


def test_model_pay_matches_pay_engine_with_nights_bank_holiday_and_overtime():
    # 2026-08-31 (Mon wk1) is a bank holiday: its day shift is unsocial. Hours above
    # 40 a week are paid through the additional-hours multiplier, set here to 1.5 so
    # that the overtime part of the model is exercised.
    body = (
        "start = 2026-08-31\n"
        '[shifts]\nLD = { start = "08:00", end = "20:30" }\n'
        'N = { start = "20:00", end = "08:30" }\n'
        "[cover.LD]\nall = 1\n[cover.N]\nall = 1\n"
        '[rule_overrides]\n"weekend_frequency.limit" = 1\n'
    )
    params = load_params("wales-2026", overrides={"wales-2026.additional_hours_multiplier": 1.5})
    result = run(make(body, weeks=3, doctors=("A", "B", "C", "D")), "cost", pay_params=params)
    for d in result.doctors:
        assert d["model_pay_gbp"] == pytest.approx(d["pay_2026_gbp"], abs=0.5)
    assert max(d["hours_per_week"] for d in result.doctors) > 40
