"""The seeded department problem generator (benchmarks/department.py): fast, no solves."""

from __future__ import annotations

import pytest

from benchmarks.department import SHAPES, generate_problem, main, write_problem
from optimizer.problem import Problem, problem_from_toml_text, read_problem
from simulator.contracts import load_params

#: Weekend limits of the Wales 2026 rules: full time 1 in 3, LTFT 1 in 7.
ONE_IN = {False: 3, True: 7}


def parse(text: str) -> Problem:
    return problem_from_toml_text(text, file="generated.toml")


def weekend_demand(problem: Problem) -> int:
    """Doctor-weekends the cover needs at least: per weekend, the larger of Saturday's
    and Sunday's summed minimum resident cover (each doctor works one shift a day)."""
    per_day: dict[int, int] = {}
    for req in problem.cover:
        if problem.shifts[req.shift].kind != "nroc":
            per_day[req.day] = per_day.get(req.day, 0) + req.min
    return sum(
        max(per_day.get(7 * w + 5, 0), per_day.get(7 * w + 6, 0)) for w in range(problem.weeks)
    )


def weekend_supply(problem: Problem) -> int:
    """Doctor-weekends the 1-in-3 (full time) and 1-in-7 (LTFT) limits allow per cycle."""
    return sum(problem.weeks // ONE_IN[d.ltft] for d in problem.doctors)


def test_same_seed_same_text_other_seed_other_text():
    a = generate_problem(16, 8, seed=3, shape="ed", nroc=True)
    assert a == generate_problem(16, 8, seed=3, shape="ed", nroc=True)
    assert a != generate_problem(16, 8, seed=4, shape="ed", nroc=True)


@pytest.mark.parametrize(
    ("shape", "n", "weeks", "kw"),
    [
        ("ed", 12, 12, {}),
        ("ed", 16, 12, {"nroc": True}),
        ("ed", 20, 8, {"tiers": True}),
        ("medical", 8, 6, {}),
        ("medical", 24, 12, {"nroc": True}),
        ("tiered", 28, 8, {}),
        ("tiered", 28, 8, {"nroc": True}),
        ("medical", 60, 26, {"ltft_share": 0.3}),
    ],
)
def test_every_shape_parses_with_the_asked_size(tmp_path, shape, n, weeks, kw):
    path = write_problem(tmp_path / f"{shape}.toml", n, weeks, 1, shape=shape, **kw)
    problem = read_problem(path)
    assert len(problem.doctors) == n and problem.weeks == weeks
    assert len({d.id for d in problem.doctors}) == n
    assert problem.rules == "wales-2026"
    assert all(req.shift in problem.shifts for req in problem.cover)
    assert weekend_demand(problem) <= weekend_supply(problem)
    if kw.get("nroc"):
        assert problem.shifts["OC"].kind == "nroc"
        assert len(problem.combinable) == 1
        assert {r.day for r in problem.cover if r.shift == "OC"} == set(range(7 * weeks))


def cover_hours(problem: Problem) -> tuple[float, float]:
    """Minimum and maximum resident cover, doctor-hours per week."""
    length = {c: st.duration_min / 60 for c, st in problem.shifts.items() if st.kind != "nroc"}
    reqs = [r for r in problem.cover if r.shift in length]
    low = sum(r.min * length[r.shift] for r in reqs)
    high = sum((r.min if r.max is None else r.max) * length[r.shift] for r in reqs)
    return low / problem.weeks, high / problem.weeks


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("share", [0.0, 0.2, 0.5])
def test_ltft_share_and_hours(shape, share):
    problem = parse(generate_problem(24, 12, 0, shape=shape, ltft_share=share))
    ltft = [d for d in problem.doctors if d.ltft]
    assert len(ltft) == round(share * 24)
    full = [d for d in problem.doctors if not d.ltft]
    ceiling = full[0].max_hours_per_week
    assert 44.0 <= ceiling <= 48.0 and all(d.max_hours_per_week == ceiling for d in full)
    assert all(30.0 <= d.min_hours_per_week <= ceiling - 8.0 for d in full)
    target = ceiling - 4.0 if ceiling < 48.0 else None  # 40 to 46 h/week
    for d in ltft:  # 60 to 80 % of the full-time target, give or take 2 h
        assert d.hours_tolerance == 2.0 and d.min_hours_per_week is None
        assert 0.6 * 40.0 - 1e-6 <= d.hours_per_week <= 0.8 * 46.0 + 1e-6
        if target is not None:
            assert round(d.hours_per_week / target, 3) in (0.6, 0.7, 0.8)
    # the minimum cover asks for 84-88 % of the target hours (at most 48 h each), never
    # less than the doctors' summed minimum hours, and the ranges reach past the targets
    low, high = cover_hours(problem)
    docs = problem.doctors
    floors = sum(d.hours_per_week - 2.0 if d.ltft else d.min_hours_per_week for d in docs)
    assert floors <= low + 1e-6
    t_lo = ceiling - 4.0
    t_hi = t_lo if ceiling < 48.0 else 46.0
    fewest = sum(d.hours_per_week if d.ltft else t_lo for d in docs)
    most = sum(d.hours_per_week if d.ltft else t_hi for d in docs)
    assert 0.82 * fewest <= low <= 0.9 * most
    assert high >= fewest


@pytest.mark.parametrize(("shape", "tiers"), [("tiered", False), ("ed", True), ("medical", True)])
def test_tiered_doctors_work_their_own_tier(shape, tiers):
    problem = parse(generate_problem(28, 8, 2, shape=shape, tiers=tiers, nroc=True))
    registrars = [d for d in problem.doctors if d.grade == "ST"]
    juniors = [d for d in problem.doctors if d.grade != "ST"]
    assert len(registrars) >= 5 and len(juniors) >= 5
    for d in registrars:
        assert d.shifts is not None and all(c.startswith("R") or c == "OC" for c in d.shifts)
        assert "OC" in d.shifts
    for d in juniors:
        assert d.shifts is not None and all(c.startswith("J") for c in d.shifts)
    # every tier's codes have cover, and every code is somebody's
    covered = {r.shift for r in problem.cover}
    assert covered == set(problem.shifts) == {c for d in problem.doctors for c in d.shifts}


def test_untiered_grades_and_no_shift_lists():
    ed = parse(generate_problem(16, 12, 0, shape="ed"))
    assert {d.grade for d in ed.doctors} <= {"ST", "CT"}
    medical = parse(generate_problem(24, 12, 0, shape="medical"))
    assert {d.grade for d in medical.doctors} <= {"F1", "F2", "CT"}
    assert all(d.shifts is None for d in ed.doctors + medical.doctors)
    assert {d.years for d in medical.doctors if d.grade == "F1"} == {0}


def test_references_are_2002_basic_times_a_band_supplement():
    params = load_params("nhs-2002", "2026/27")
    st = list(params["scale_ST"])
    scales = {
        "F1": list(params["scale_F1"]),
        "F2": list(params["scale_F2"]),
        "CT": st[: int(params["core_points"])],
        "ST": st,
    }
    problems = [parse(generate_problem(60, 12, s, shape="tiered")) for s in range(3)]
    doctors = [d for p in problems for d in p.doctors]
    with_ref = [d for d in doctors if d.reference_gbp is not None]
    assert 0.8 * len(doctors) <= len(with_ref) < len(doctors)  # about 10% new appointments
    for d in with_ref:
        scale = scales[d.grade]
        basic = scale[min(d.years, len(scale) - 1)]
        ratio = d.reference_gbp / basic
        if d.ltft:  # the 2002 LTFT scale: share of basic by weekly hours
            steps = zip(params["ltft_fraction_from_hours"], params["ltft_fraction"], strict=True)
            share = max(f for h, f in steps if d.hours_per_week >= h - 1e-9)
            shares = [share * (1 + params[f"supplement_{b}"]) for b in ("FA", "FB")]
        else:
            shares = [1 + params[f"supplement_{b}"] for b in ("1A", "1B", "2B")]
        assert min(abs(ratio - s) for s in shares) < 1e-6, (d, ratio)


@pytest.mark.parametrize(
    ("shape", "n", "weeks", "kw"),
    [
        ("ed", 12, 12, {}),
        ("ed", 16, 12, {}),
        ("medical", 24, 12, {}),
        ("tiered", 28, 8, {}),
        ("medical", 8, 6, {}),
        ("medical", 40, 20, {}),
        ("ed", 24, 12, {"nroc": True}),
    ],
)
def test_weekend_demand_fits_the_weekend_limits_unless_asked_not_to(shape, n, weeks, kw):
    for seed in range(3):
        feasible = parse(generate_problem(n, weeks, seed, shape=shape, **kw))
        assert weekend_demand(feasible) <= weekend_supply(feasible)
        over = parse(generate_problem(n, weeks, seed, shape=shape, infeasible="weekends", **kw))
        assert weekend_demand(over) > weekend_supply(over)
        # exact cover at night and at weekends, ranges for weekday day shifts
        day_code = "RD" if shape == "tiered" else "D"
        hard = [r for r in feasible.cover if r.target is None]
        assert all(r.max == r.min for r in hard if r.day % 7 >= 5 or "N" in r.shift)
        assert any(r.max > r.min for r in feasible.cover if r.shift == day_code and r.day % 7 < 5)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_infeasible_nights_exceed_blocks_of_four_with_rest(shape):
    problem = parse(generate_problem(24, 12, 0, shape=shape, infeasible="nights"))
    night = "RN" if shape == "tiered" else "N"
    eligible = [d for d in problem.doctors if d.shifts is None or night in d.shifts]
    need = [r.min for r in problem.cover if r.shift == night]
    assert len(need) == problem.n_days
    # each doctor can work at most 4 nights in any 6 days (46 h rest after a run)
    assert sum(need) > len(eligible) * 4 * problem.n_days / 6


def test_leave_and_requests():
    problem = parse(generate_problem(40, 20, 5, shape="medical"))
    assert problem.leave and problem.requests
    by_doctor: dict[str, list[int]] = {}
    for doc, day in problem.leave:
        by_doctor.setdefault(doc, []).append(day)
    for days in by_doctor.values():
        assert len(days) == 5 and days[0] % 7 == 0 and days == list(range(days[0], days[0] + 5))
    assert all(r.weight_gbp > 0 for r in problem.requests)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="unknown shape"):
        generate_problem(12, 12, shape="surgery")
    with pytest.raises(ValueError, match="infeasible"):
        generate_problem(12, 12, infeasible="hours")
    with pytest.raises(ValueError, match="too few"):
        generate_problem(8, 6, shape="tiered")


def test_command_line_writes_the_same_text(tmp_path):
    out = tmp_path / "p.toml"
    assert main(["24", "12", "--seed", "1", "--shape", "medical", "--out", str(out)]) == 0
    assert out.read_text("utf-8") == generate_problem(24, 12, 1, shape="medical")
