"""2026 Welsh contract: pay points, hand-worked pay of every bundled line, NROC work,
premia and protection; Hypothesis properties of the kernel."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.compile import compile_rota
from simulator.contracts import compare, load_params, price
from simulator.contracts._common import pack
from simulator.contracts.kernels import P26_NAMES, pay_2026, protection
from simulator.model import UserError
from tests.helpers import make_rota

pytestmark = pytest.mark.kernel

P = load_params("wales-2026", "2026/27")
W = 365 / 7


def test_pay_points():
    assert (P["pay_point_F1"], P["pay_point_F2"]) == (41400, 51750)
    assert P["pay_point_registrar"] == [56925, 64170, 70380, 76590, 80730]
    base = load_params("wales-2026", "2025/26")
    # 2025/26 base = 2026/27 ÷ 1.035
    assert base["pay_point_registrar"] == [55000, 62000, 68000, 74000, 78000]
    for a, b in zip(base["pay_point_registrar"], P["pay_point_registrar"], strict=True):
        assert a * 1.035 == pytest.approx(b)


def test_registrar_point_steps_every_two_years():
    shifts = 'D = { start = "08:00", end = "16:00" }'
    for years, point in [(0, 56925), (1, 56925), (2, 64170), (5, 70380), (8, 80730),
                         (30, 80730)]:  # fmt: skip
        rota = compile_rota(make_rota("D D D D D - -", shifts, grade="CT", years=years))
        assert price(rota, "wales-2026")["pay_point_gbp"].iloc[0] == point


def _rw(point):
    """r × w: the annual value of one hour a week, GBP (= P ÷ 40)."""
    return point / (40 * W) * W


# ---- hand-worked 2026/27 pay of every bundled line -------------------------------------
def test_ed_f2_by_hand(department_compiled):
    # F2: P = 51,750; r = 51,750 / (40 × 365/7) = 24.8116 £/h; r × w = 1,293.75.
    # H = 150 h / 4 wk = 37.5 => basic = 51,750 × 37.5 / 40 = 48,515.625; no additional.
    # U: Sat/Sun days 20 h + twilights 19-24 3 × 5 h + nights 22-07 3 × 9 h + weekend
    # twilights 20 h = 82 h / 4 = 20.5 h/wk (no bank holiday 3-30 Aug 2026)
    # => unsocial = 20.5 × 0.5 × 1,293.75 = 13,260.9375; total = 61,776.5625.
    table = price(department_compiled["ed_f2"], "wales-2026")
    assert table["hourly_rate_gbp"].iloc[0] == pytest.approx(51750 / (40 * W))
    assert _rw(51750) == pytest.approx(1293.75)
    for line_id in table.index:
        row = table.loc[line_id]
        assert row["basic"] == pytest.approx(48515.625)
        assert row["additional_hours"] == 0
        assert row["unsocial"] == pytest.approx(20.5 * 0.5 * 1293.75)
        assert row["total"] == pytest.approx(61776.5625)


def test_f1_medicine_by_hand(department_compiled):
    # F1: P = 41,400; r = 41,400 / (40 × 365/7) = 19.8493 £/h; r × w = 1,035.
    # Rolling lines: H = 255 h / 6 = 42.5 => basic 41,400; additional 2.5 × 1,035 = 2,587.50.
    # U without bank holidays: LD evenings 19:00-20:30 (6 × 1.5 h) + weekend LDs 25 h +
    # nights (4 weeknight starts × 11 h … ) = 112.5 h / 6 = 18.75 h/wk.
    # Bank holiday Mon 31 Aug 2026 = cycle day 28 (week 5 Monday) adds, per line:
    # F1-1 the end of Sunday's night 07:00-08:30 = 1.5 h; F1-2 none (a night starting
    # 20:00 is unsocial anyway); F1-3, F1-4 a long day: 12.5 - 1.5 = 11 h; F1-5 a day
    # shift 8 h; F1-6 none.
    extra_bh_h = {"F1-1": 1.5, "F1-2": 0, "F1-3": 11, "F1-4": 11, "F1-5": 8, "F1-6": 0}
    table = price(department_compiled["f1_medicine"], "wales-2026")
    for line_id, extra in extra_bh_h.items():
        row = table.loc[line_id]
        unsocial = (18.75 + extra / 6) * 0.5 * 1035
        assert row["basic"] == pytest.approx(41400)
        assert row["additional_hours"] == pytest.approx(2587.5)
        assert row["unsocial"] == pytest.approx(unsocial)
        assert row["total"] == pytest.approx(41400 + 2587.5 + unsocial)
    # F1-LTFT: H = 147 h / 6 = 24.5 => basic 41,400 × 24.5 / 40 = 25,357.50; U = LD
    # evenings 3 × 1.5 + nights 3 × 11 = 37.5 h / 6 = 6.25 h/wk => 6.25 × 517.5 = 3,234.375.
    row = table.loc["F1-LTFT"]
    assert row["basic"] == pytest.approx(25357.5)
    assert row["unsocial"] == pytest.approx(3234.375)
    assert row["total"] == pytest.approx(28591.875)


def test_registrar_medicine_by_hand(department_compiled):
    # ST years 4 => point min(4 // 2, 4) = 2 (R3) = 70,380; r × w = 1,759.50.
    # H = 38 day shifts × 8 h / 8 wk = 38 h/wk => basic 70,380 × 38/40 = 66,861.
    # A = (5 OC × 16 h + 2 OCW × 24 h) / 8 = 16 h/wk => availability 16 × 0.5 × 1,759.5
    # = 14,076.
    # NROC work: OC expects 3 h of 16 (< 75%) => 3 h paid; OCW 7 h of 24 => 7 h paid.
    # Work spread evenly: OC Mon-Thu 17:00-09:00 has 4 h of 16 in plain time (17-19 and
    # 07-09) => 0.75 h plain, 2.25 h unsocial; OC Fri 2/16 plain => 0.375 / 2.625; OCW Sat
    # none plain; OCW Sun->Mon 2/24 plain => 0.5833 / 6.4167.
    # plain = 4 × 0.75 + 0.375 + 7/12 = 3.9583 h; unsocial = 29 - 3.9583 = 25.0417 h per
    # 8 weeks => (3.9583 × 1.0 + 25.0417 × 1.5) / 8 × 1,759.5 = 9,131.99.
    plain = 4 * 0.75 + 0.375 + 7 / 12
    nroc_work = (plain + (29 - plain) * 1.5) / 8 * 1759.5
    assert nroc_work == pytest.approx(9131.988281, abs=1e-6)
    # Bank holiday Mon 31 Aug (cycle week 5): lines with a day shift then get 8 h / 8 wk
    # = 1 h/wk unsocial => 879.75 (all but StR-1). StR-1: Sunday's OCW runs into the bank
    # holiday, so its 7/12 h plain becomes unsocial: + 7/12 × 0.5 / 8 × 1,759.5.
    # StR-6: Monday's OC 17-19 becomes unsocial: 3 × 2/16 h moves, + 0.375 × 0.5 / 8 × 1,759.5.
    table = price(department_compiled["registrar_medicine"], "wales-2026")
    for line_id in table.index:
        row = table.loc[line_id]
        uns = 0.0 if line_id == "StR-1" else 879.75
        work = nroc_work + {"StR-1": 7 / 12, "StR-6": 0.375}.get(line_id, 0) * 0.5 / 8 * 1759.5
        assert row["basic"] == pytest.approx(66861)
        assert row["unsocial"] == pytest.approx(uns)
        assert row["nroc_availability"] == pytest.approx(14076)
        assert row["nroc_work"] == pytest.approx(work)
        assert row["total"] == pytest.approx(66861 + uns + 14076 + work)


def test_registrar_surgery_by_hand(department_compiled):
    # ST years 6 => point 3 (R4) = 76,590; r × w = 1,914.75.
    # H = (98 + 54 + 64 + 64) h / 4 = 70 h/wk => basic 76,590; additional 30 × 1,914.75
    # = 57,442.50. U: 24 h weekend ROC Sat 24 h + Sun->Mon 23 h; 3 weeknight RN × 12 h
    # (19:00-07:00) = 83 h / 4 = 20.75 h/wk => 20.75 × 0.5 × 1,914.75 = 19,865.53125.
    # Total 153,898.03125; 2002 band 3 = 131,408 => change +22,490.03, no protection.
    table = price(department_compiled["registrar_surgery_legacy"], "wales-2026")
    row = table.iloc[0]
    assert row["basic"] == pytest.approx(76590)
    assert row["additional_hours"] == pytest.approx(57442.5)
    assert row["unsocial"] == pytest.approx(19865.53125)
    assert row["total"] == pytest.approx(153898.03125)
    result = compare(department_compiled["registrar_surgery_legacy"])
    assert result["lines"][0]["change"] == pytest.approx(22490.03)
    assert result["lines"][0]["protection_cost"] == 0.0


def test_unsocial_multiplier_override(department_compiled):
    p = load_params("wales-2026", overrides={"wales-2026.unsocial_multiplier": 1.37})
    table = price(department_compiled["ed_f2"], "wales-2026", params=p)
    assert table["unsocial"].iloc[0] == pytest.approx(20.5 * 0.37 * 1293.75)


def test_nroc_whole_shift_rule():
    shifts = (
        'D = { start = "09:00", end = "17:00" }\n'
        'C = { start = "19:00", end = "23:00", kind = "nroc", expected_work = 3.5 }\n'
        'L = { start = "19:00", end = "23:00", kind = "nroc", expected_work = 3.0 }'
    )
    # 3.5 h of a 4 h NROC shift (87.5% > 75%) pays all 4 h, unsocial (after 19:00): 1.5×
    hi = compile_rota(make_rota("D+C D D D D - -", shifts))
    lo = compile_rota(make_rota("D+L D D D D - -", shifts))  # exactly 75%: only 3 h
    rw = 41400 / 40
    assert price(hi, "wales-2026")["nroc_work"].iloc[0] == pytest.approx(4 * 1.5 * rw)
    assert price(lo, "wales-2026")["nroc_work"].iloc[0] == pytest.approx(3 * 1.5 * rw)


def test_premia_need_a_value():
    rota = make_rota(
        "D D D D D - -", 'D = { start = "08:00", end = "18:00" }', grade="ST",
        extra='specialty = "GP"',
    )  # fmt: skip
    with pytest.raises(UserError, match=r"wales-2026\.gp_premium_gbp is not set"):
        price(rota, "wales-2026")
    p = load_params("wales-2026", overrides={"wales-2026.gp_premium_gbp": 8000})
    table = price(rota, "wales-2026", params=p)
    assert table["premia"].iloc[0] == 8000  # 50 h/wk: full premium
    assert table["total"].iloc[0] == pytest.approx(56925 + 10 * 56925 / 40 + 8000)
    omfs = make_rota(
        "D D D - - - -", 'D = { start = "08:00", end = "18:00" }', grade="ST",
        extra='specialty = "omfs"',
    )  # fmt: skip
    with pytest.raises(UserError, match=r"wales-2026\.omfs_premium_gbp is not set"):
        price(omfs, "wales-2026")
    p = load_params("wales-2026", overrides={"wales-2026.omfs_premium_gbp": 4000})
    assert price(omfs, "wales-2026", params=p)["premia"].iloc[0] == pytest.approx(3000)


# ---- properties -------------------------------------------------------------------------
PARR = pack(P, P26_NAMES)
hours = st.floats(0, 100, allow_nan=False)
more = st.floats(0, 50, allow_nan=False)


def _total(point, h, u, a=0.0, plain=0.0, uns=0.0):
    one = np.ones(1)
    return pay_2026(
        one * point, one * h, one * u, one * a, one * plain, one * uns, one * 0.0, PARR
    )[0, 6]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([41400.0, 51750.0, 56925.0, 80730.0]), hours, hours, hours, more, more)
def test_2026_pay_never_falls_when_hours_rise(point, h, u, a, dh, du):
    base = _total(point, h, u, a)
    assert _total(point, h + dh, u, a) >= base - 1e-9
    assert _total(point, h, u + du, a) >= base - 1e-9
    assert _total(point, h + dh, u + du, a) >= base - 1e-9


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 3e5), st.floats(0, 3e5)), min_size=1, max_size=20))
def test_protection_cost_never_negative(pairs):
    new = np.array([p[0] for p in pairs])
    old = np.array([p[1] for p in pairs])
    protected, cost = protection(new, old)
    assert (cost >= 0).all()
    assert np.allclose(protected, np.maximum(new, old))
    assert np.allclose(cost, np.maximum(old - new, 0))
