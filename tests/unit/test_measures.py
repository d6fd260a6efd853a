"""Measures: hand-worked protection run-off, erosion trajectory, awards, run tables."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.measures import (
    COLUMNS,
    LinePricer,
    award_factors,
    erosion_trajectory,
    load_workforce,
    restoration_table,
    restoration_uplift,
    run_measures,
    scaled_params,
    transition_pay,
)
from scenarios.scenario import scenario_from_text, with_overrides
from simulator.contracts import compare, load_params, price

DEPT = """
id = "dept"
years = 4
[workforce]
rotas = ["department"]
"""


def test_award_factors_by_hand():
    # the base year's award is in the parameter files: ignored
    np.testing.assert_allclose(award_factors([0.5, 0.03, 0.04]), [1.0, 1.03, 1.03 * 1.04])
    assert award_factors([]).size == 0


def test_erosion_wales_package_19_1_to_16_1():
    # g = 1 - (1 - 0.191) * (1 + u0) with u0 = (1 - 0.161)/(1 - 0.191) - 1 = 3.7083%
    u0 = (1 - 0.161) / (1 - 0.191) - 1
    assert u0 == pytest.approx(0.0370828, abs=1e-7)
    g = erosion_trajectory(0.191, [u0, 0.03, 0.03], [0.0, 0.02, 0.02])
    assert g[0] == pytest.approx(0.161, abs=1e-12)
    # by hand: 1 - 0.839 * 1.03 / 1.02 = 1 - 0.86417 / 1.02 = 0.1527745098...
    assert g[1] == pytest.approx(0.15277450980392, abs=1e-12)
    assert g[2] == pytest.approx(1 - 0.839 * 1.03**2 / 1.02**2, abs=1e-12)


def test_erosion_england_21_percent_needs_26_percent():
    assert restoration_uplift(0.21) == pytest.approx(1 / 0.79 - 1)
    assert restoration_uplift(0.21) == pytest.approx(0.2658, abs=5e-5)
    # awards equal to inflation leave the gap where it was
    g = erosion_trajectory(0.21, [0.0, 0.05, 0.05], [0.0, 0.05, 0.05])
    np.testing.assert_allclose(g, 0.21)
    # a 26.58% uplift closes it
    g = erosion_trajectory(0.21, [1 / 0.79 - 1], [0.0])
    assert g[0] == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError):
        erosion_trajectory(0.2, [0.0], [0.0, 0.0])


def test_restoration_table_uses_awards_and_inflation():
    s = scenario_from_text(DEPT + "[awards]\ndefault = 0.03\n[inflation]\ndefault = 0.02\n")
    t = restoration_table(s)
    wales = t[t["path"] == "wales"].reset_index(drop=True)
    assert list(wales["year"]) == ["2026/27", "2027/28", "2028/29", "2029/30"]
    assert wales["erosion_gap"].iloc[0] == pytest.approx(0.161)
    assert wales["erosion_gap"].iloc[1] == pytest.approx(0.15277450980392)
    england = t[t["path"] == "england"].reset_index(drop=True)
    assert england["erosion_gap"].iloc[0] == pytest.approx(0.21)
    assert england["restoration_uplift"].iloc[0] == pytest.approx(1 / 0.79 - 1)


def test_protection_run_off_by_hand():
    p02 = np.array(
        [
            [50_000.0, 60_000.0, 40_000.0, 30_000.0],
            [51_500.0, 61_800.0, 41_000.0, 31_000.0],
            [53_045.0, 63_654.0, 42_000.0, 32_000.0],
        ]
    )
    p26 = np.array(
        [
            [45_000.0, 70_000.0, 35_000.0, 25_000.0],
            [48_000.0, 72_100.0, 36_000.0, 26_000.0],
            [52_000.0, 74_263.0, 37_000.0, 27_000.0],
        ]
    )
    # line 0 moves in year 0, line 1 in year 1, line 2 is a new appointment (no floor),
    # line 3 moves after the horizon
    out = transition_pay(p02, p26, np.array([0, 1, 0, 5]), np.array([True, True, False, True]))
    np.testing.assert_allclose(out["floor_gbp"], [50_000.0, 61_800.0, 0.0, 0.0])
    # line 0: floor 50,000 frozen in cash; 2026 pay 45,000 -> 48,000 -> 52,000
    np.testing.assert_allclose(out["protection_cost_gbp"][:, 0], [5_000.0, 2_000.0, 0.0])
    np.testing.assert_allclose(out["paid_gbp"][:, 0], [50_000.0, 50_000.0, 52_000.0])
    # line 1: 2002 pay until it moves; 72,100 beats the 61,800 floor
    np.testing.assert_allclose(out["paid_gbp"][:, 1], [60_000.0, 72_100.0, 74_263.0])
    np.testing.assert_allclose(out["protection_cost_gbp"][:, 1], 0.0)
    # line 2: paid the 2026 rate, never protected
    np.testing.assert_allclose(out["paid_gbp"][:, 2], p26[:, 2])
    np.testing.assert_allclose(out["protection_cost_gbp"][:, 2], 0.0)
    # line 3: stays on 2002
    np.testing.assert_allclose(out["paid_gbp"][:, 3], p02[:, 3])
    np.testing.assert_allclose(out["on_2026"][:, 3], 0.0)
    np.testing.assert_allclose(out["on_2026"][:, 1], [0.0, 1.0, 1.0])
    # the yearly cost: 5,000, 2,000, 0 -> runs off in the third year
    np.testing.assert_allclose(out["protection_cost_gbp"].sum(axis=1), [5_000.0, 2_000.0, 0.0])


def test_scaled_params_multiply_scales_only():
    p = load_params("wales-2026")
    q = scaled_params(p, 1.1)
    assert q["pay_point_F1"] == pytest.approx(1.1 * p["pay_point_F1"])
    assert q["pay_point_registrar"][-1] == pytest.approx(1.1 * p["pay_point_registrar"][-1])
    assert q["unsocial_multiplier"] == p["unsocial_multiplier"]
    assert p["pay_point_F1"] == 41400  # unchanged
    assert scaled_params(p, 1.0) is p
    old = scaled_params(load_params("nhs-2002"), 1.02)
    assert old["scale_F1"][0] == pytest.approx(36629 * 1.02)


def test_line_pricer_equals_price():
    s = scenario_from_text(DEPT)
    p02, p26 = load_params("nhs-2002"), load_params("wales-2026")
    for g in load_workforce(s.workforce):
        pricer = LinePricer(g, p02, p26)
        np.testing.assert_allclose(
            pricer.pay_2002(pricer.years),
            price(g.compiled, "nhs-2002", metrics=g.metrics)["total"].to_numpy(),
        )
        np.testing.assert_allclose(
            pricer.pay_2026(pricer.years, 1.05),
            price(g.compiled, "wales-2026", params=scaled_params(p26, 1.05), metrics=g.metrics)[
                "total"
            ].to_numpy(),
        )


@pytest.fixture(scope="module")
def dept_results():
    s = scenario_from_text(DEPT)
    return s, run_measures(s, 1, run_id="r1")


def _line(results, measure):
    rows = results[(results["line_id"] != "") & (results["measure"] == measure)]
    return rows.pivot(index="year", columns="line_id", values="value")


def _agg(results, measure, grade="all"):
    rows = results[
        (results["line_id"] == "") & (results["grade"] == grade) & (results["measure"] == measure)
    ]
    return rows.set_index("year")["value"]


def test_run_table_is_tidy(dept_results):
    s, r = dept_results
    assert tuple(r.columns) == COLUMNS
    assert set(r["scenario_id"]) == {"dept"} and set(r["run_id"]) == {"r1"}
    assert set(r["seed"]) == {1}
    assert r["value"].dtype == np.float64
    assert not r.duplicated(["year", "grade", "line_id", "measure"]).any()


def test_base_year_matches_rota_compare(dept_results, department):
    _, r = dept_results
    change = _line(r, "change_gbp").loc["2026/27"]
    for rota in department.values():
        for line in compare(rota)["lines"]:
            assert change[line["id"]] == pytest.approx(line["change"], abs=0.01)


def test_aggregates_add_up(dept_results):
    s, r = dept_results
    paid = _line(r, "paid_gbp").sum(axis=1)
    np.testing.assert_allclose(_agg(r, "pay_bill_gbp").loc[paid.index], paid)
    cost = _line(r, "protection_cost_gbp").sum(axis=1)
    np.testing.assert_allclose(_agg(r, "protection_cost_gbp").loc[cost.index], cost)
    assert _agg(r, "protection_cost_total_gbp").loc["all"] == pytest.approx(cost.sum())
    by_grade = sum(_agg(r, "pay_bill_gbp", g) for g in ("F1", "F2", "ST"))
    np.testing.assert_allclose(by_grade, _agg(r, "pay_bill_gbp").loc[by_grade.index])
    wl = _agg(r, "winners") + _agg(r, "losers")
    assert (wl <= _agg(r, "lines").loc[wl.index]).all()
    assert _agg(r, "compliant_lines_wtr").loc["all"] == 19  # the legacy surgery rota fails


def test_transition_timeline_and_floor(dept_results):
    s, r = dept_results
    transfer = _line(r, "transfer_year").loc["all"]
    on = _line(r, "on_2026")
    # F2 (foundation) in 2026, registrars in 2028, F1 year 0 = new appointments
    assert transfer["F2-1"] == 2026 and transfer["F1-1"] == 2026
    assert transfer["StR-1"] == 2028 and transfer["SpR-1"] == 2028
    assert list(on["StR-1"]) == [0.0, 0.0, 1.0, 1.0]
    floor = _line(r, "floor_gbp").loc["all"]
    assert floor["F1-1"] == 0.0  # a new appointment has no floor
    p02 = _line(r, "pay_2002_gbp")
    assert floor["StR-1"] == pytest.approx(p02.loc["2028/29", "StR-1"])
    assert floor["F2-1"] == pytest.approx(p02.loc["2026/27", "F2-1"])
    # protection cost never grows once a line has moved (floor frozen, 2026 pay rising)
    cost = _line(r, "protection_cost_gbp")
    for line_id in cost.columns:
        moved = cost[line_id][on[line_id] > 0]
        assert (np.diff(moved.to_numpy()) <= 1e-6).all(), line_id


def test_awards_and_progression_move_pay():
    s = scenario_from_text(DEPT + "[progression]\nenabled = false\n[awards]\ndefault = 0.1\n")
    r = run_measures(s, 1)
    p26 = _line(r, "pay_2026_gbp")
    np.testing.assert_allclose(p26.loc["2027/28"], 1.1 * p26.loc["2026/27"])
    np.testing.assert_allclose(p26.loc["2029/30"], 1.1**3 * p26.loc["2026/27"])
    s2 = with_overrides(s, {"progression.enabled": True, "awards.default": 0.0})
    r2 = run_measures(s2, 1, lines=True)
    st = _line(r2, "pay_2026_gbp")["StR-1"]  # years 4 -> point R3; years 6 -> R4
    assert st.loc["2028/29"] > st.loc["2026/27"]


def test_seed_draws_new_appointments():
    s = scenario_from_text(DEPT + "[transition]\nnew_appointment_share = 0.5\n")
    a = _line(run_measures(s, 1), "floor_gbp").loc["all"]
    b = _line(run_measures(s, 2), "floor_gbp").loc["all"]
    assert (a == 0).sum() > 2 and not a.equals(b)


def test_simulation_measures_when_enabled():
    s = scenario_from_text(
        'years = 1\n[workforce]\nrotas = ["department"]\n'
        "[simulation]\nenabled = true\nruns = 8\ncallout_intensity = 2.0\n"
    )
    r = run_measures(s, 3)
    breaches = _line(r, "breaches_per_year")
    assert breaches.shape[1] == 23
    assert breaches["StR-1"].iloc[0] > 0  # NROC lines are called
    assert breaches["F1-1"].iloc[0] == 0
    assert _agg(r, "fines_gbp").iloc[0] >= 0
    quiet = run_measures(with_overrides(s, {"simulation.callout_intensity": 0.1}), 3)
    assert _agg(quiet, "breaches_per_year").iloc[0] < _agg(r, "breaches_per_year").iloc[0]
