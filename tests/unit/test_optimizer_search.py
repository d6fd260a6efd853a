"""The staged search: elastic first rota, objective stages, the shared LNS engine,
pre-check integration and the near-linear model build."""

from __future__ import annotations

import time

import pytest
from ortools.sat.python import cp_model

from benchmarks.department import generate_problem
from optimizer import lns
from optimizer.model import build_model
from optimizer.objectives import stages
from optimizer.problem import problem_from_mapping, read_problem
from optimizer.search import FIRST_ROTA, SearchSettings, Solution, doctor_cells, search
from optimizer.solve import solve

SHIFTS = {
    "D": {"start": "08:00", "end": "16:00"},
    "N": {"start": "20:00", "end": "08:00"},
}


def _problem(doctors: int, weeks: int, cover: dict, **doctor_keys):
    return problem_from_mapping(
        {
            "name": "t",
            "weeks": weeks,
            "shifts": SHIFTS,
            "cover": cover,
            "doctors": [{"id": f"d{k}", "grade": "F2", **doctor_keys} for k in range(doctors)],
        }
    )


def test_elastic_model_records_one_shortfall_per_minimum():
    # 2 doctors, 1 week: cover D min 1 on 7 days -> 7 cover minima; each doctor has an
    # hours minimum -> 2 more: 9 shortfall variables. D lasts 480 min, hours count minutes.
    problem = _problem(2, 1, {"D": {"all": 1}}, min_hours_per_week=8)
    m = build_model(problem, elastic=True)
    weights = sorted(w for w, _ in m.shortfall)
    assert weights == [1, 1] + [480] * 7
    assert build_model(problem).shortfall == []


def test_empty_start_and_first_rota_meet_every_minimum():
    # 3 doctors, 3 weeks, one D a day; each may work 1 weekend in 3 (floor(3 / 3)).
    problem = _problem(3, 3, {"D": {"all": 1}})
    m = build_model(problem, elastic=True)
    levels = stages(m, "pay-loss")
    outcome = search(m, levels, 10.0, SearchSettings(seed=0, workers=1))
    assert outcome.stages[0].name == FIRST_ROTA
    assert outcome.stages[0].status == "feasible"
    assert outcome.time_to_first_rota_s is not None
    sol = outcome.solution
    # every shortfall is fixed at zero and the cover holds on each day
    for _, var in m.shortfall:
        assert sol.value(var) == 0
    for day in range(21):
        assert sum(sol.boolean_value(v) for i in range(3) for _, v in m.on_day(i, day)) == 1


def test_elastic_bound_proves_infeasible_when_precheck_cannot():
    # 1 doctor, 1 week, a night Monday to Friday: 5 in a row, the limit is 4 (the
    # pre-check finds it too; here the search must prove it by itself).
    problem = _problem(1, 1, {"N": {"weekdays": 1}})
    m = build_model(problem, elastic=True)
    outcome = search(m, stages(m, "pay-loss"), 10.0, SearchSettings(seed=0, workers=1))
    assert outcome.status == "infeasible"
    assert outcome.solution is None


def test_solve_reports_precheck_conflict_at_once():
    # 3 full-time doctors, 6 weeks, 2 D every Saturday: 12 doctor-weekends needed,
    # 1 in 3 allows 3 x floor(6 / 3) = 6.
    problem = _problem(3, 6, {"D": {"weekdays": {"min": 0}, "sat": 2, "sun": 0}})
    t0 = time.monotonic()
    result = solve(problem, "pay-loss", time_limit_s=30, seed=0, workers=1)
    assert time.monotonic() - t0 < 2.0
    assert result.status == "infeasible"
    assert "12 doctor-weekends" in result.conflict.message
    assert "at most 6" in result.conflict.message
    items = result.to_json()["conflict"]["items"]
    assert items and items[0]["kind"] == "count"


def test_json_has_time_to_first_rota_and_stage_names(tmp_path):
    problem = _problem(3, 3, {"D": {"all": 1}})
    result = solve(problem, "cost", time_limit_s=6, seed=0, workers=1)
    out = result.to_json()
    assert 0 < out["time_to_first_rota_s"] <= out["wall_time_s"]
    # cost breaks its ties with the loss and the spread of nights, weekends and hours
    assert [s["name"] for s in out["stages"]] == [
        FIRST_ROTA,
        "pay_bill",
        "total_loss",
        "unfairness",
    ]
    assert result.compliant


def test_lns_engine_reaches_the_optimum_of_a_cell_model():
    # 4 people x 5 days, one Boolean per cell; each day needs exactly 2 people; person p
    # costs p+1 per day worked. Optimum: persons 0 and 1 every day = 5 x (1 + 2) = 15.
    model = cp_model.CpModel()
    x = {(p, d): model.new_bool_var(f"x{p}{d}") for p in range(4) for d in range(5)}
    for d in range(5):
        model.add(sum(x[p, d] for p in range(4)) == 2)
    objective = sum((p + 1) * v for (p, _), v in x.items())
    model.minimize(objective)
    cells = {cell: ([v], []) for cell, v in x.items()}
    # start: persons 2 and 3 every day = 5 x (3 + 4) = 35
    start = [0] * len(model.proto.variables)
    for (p, _), v in x.items():
        start[v.index] = int(p >= 2)
    values, cost, stats = lns.improve(
        model, cells, objective, start, 35, n_people=4, horizon=5, lower_bound=15,
        deadline=time.monotonic() + 20, seed=1, workers=1,
    )  # fmt: skip
    assert cost == 15
    assert stats.improvements >= 1
    assert sum(values[x[p, d].index] for p in (0, 1) for d in range(5)) == 10


def test_solution_evaluates_expressions_like_the_solver():
    model = cp_model.CpModel()
    a = model.new_int_var(0, 10, "a")
    b = model.new_bool_var("b")
    sol = Solution([3, 1])
    # 2 x 3 + 5 x 1 + 1 = 12
    assert sol.value(2 * a + 5 * b + 1) == 12
    assert sol.boolean_value(b) and not sol.boolean_value(b.negated())


def test_cells_cover_every_doctor_day():
    problem = _problem(2, 2, {"D": {"all": 1}})
    m = build_model(problem)
    cells = doctor_cells(m)
    assert len(cells) == 2 * 14
    assert all(len(choice) == 1 for choice, _ in cells.values())


@pytest.mark.slow
def test_build_of_40_doctors_by_20_weeks_is_fast(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(generate_problem(40, 20, seed=0, shape="medical"))
    problem = read_problem(path)
    build_model(problem, elastic=True)  # warm the pay kernels' cache
    t0 = time.monotonic()
    build_model(problem, elastic=True)
    assert time.monotonic() - t0 < 10.0  # 3.5 s measured on 2 cores; margin for load


def test_elastic_phase_alone_reaches_no_shortfall():
    # The fallback of the first phase on its own: 3 doctors, 3 weeks, one D a day.
    # The empty rota falls short by 21 days x 480 min; the search must reach 0.
    from optimizer.search import _elastic_first

    problem = _problem(3, 3, {"D": {"all": 1}})
    m = build_model(problem, elastic=True)
    status, values = _elastic_first(m, doctor_cells(m), 10.0, SearchSettings(workers=1))
    assert status == "feasible"
    sol = Solution(values)
    assert sum(w * sol.value(v) for w, v in m.shortfall) == 0
    for day in range(21):
        assert sum(sol.boolean_value(v) for i in range(3) for _, v in m.on_day(i, day)) == 1


def test_overtime_chord_cut_keeps_the_optimum(monkeypatch):
    # Two doctors must each work 42-48 h/week (over the 40 h basic week, so overtime is
    # paid) on long days covering every weekday; the cut bounds overtime minutes by
    # the chord of max(0, hours - 40 h) over [42, 48] h. A valid cut leaves the proven
    # optimum unchanged: solve with and without it.
    import optimizer.model as model_module

    problem = problem_from_mapping(
        {
            "name": "overtime",
            "weeks": 3,
            "shifts": {
                "LD": {"start": "08:00", "end": "20:30"},
                "D": {"start": "08:00", "end": "16:00"},
            },
            "cover": {"LD": {"weekdays": 1}, "D": {"weekdays": {"min": 0, "max": 2}}},
            "doctors": [
                {"id": "A", "grade": "F2", "min_hours_per_week": 42, "max_hours_per_week": 48,
                 "reference_gbp": 80000.0},
                {"id": "B", "grade": "F2", "min_hours_per_week": 42, "max_hours_per_week": 48,
                 "reference_gbp": 60000.0},
            ],
        }
    )  # fmt: skip
    with_cut = solve(problem, "pay-loss", time_limit_s=30, seed=0, workers=1)
    monkeypatch.setattr(model_module, "_add_excess_chord", lambda *a, **k: None)
    without = solve(problem, "pay-loss", time_limit_s=30, seed=0, workers=1)
    assert with_cut.stages[1].status == without.stages[1].status == "optimal"
    assert with_cut.objective_value == pytest.approx(without.objective_value, abs=0.01)
    assert with_cut.compliant and with_cut.objective_value > 0
