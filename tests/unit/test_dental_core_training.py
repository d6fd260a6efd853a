"""Dental core training (MN21): the grade under every contract, by hand and by every engine.

Sources: the 2025/26 MN21 points are transcribed from NHS Wales pay circular
M&D(W) 01/2025 (reference 1.1). The 2026/27 points are not transcribed; they are
derived [A] as the 2025/26 points × 1.035 rounded up to the pound, the rule every
transcribed 2026/27 scale follows. Under the 2026 Welsh contract a dental core
trainee is on the registrar points (reference 2.1: "ST/CT1+") [A]; under England
2016 on nodal point 3 [A].
"""

from __future__ import annotations

import math

import pytest

from simulator.compile import compile_rota
from simulator.contracts import load_params, price
from simulator.contracts.nhs2002 import scale_table
from simulator.contracts.reference import price_reference
from simulator.fused import line_pass
from simulator.metrics import compute_metrics
from simulator.model import GRADE_CODE, GRADES
from simulator.rules import compliant_lines
from tests.helpers import make_rota

pytestmark = pytest.mark.kernel

MN21_2025_26 = [43670, 46441, 49148, 51887, 54625, 57364, 60102]
DAY_10H = 'D = { start = "08:00", end = "18:00" }'


def _rota(years: int, pattern: str = "D D D D D - -", **kw):
    return compile_rota(make_rota(pattern, DAY_10H, grade="DCT", years=years, **kw))


def test_grade_code_is_appended():
    # codes of the earlier grades are unchanged (kernels index scale rows by code)
    assert GRADES[:4] == ("F1", "F2", "CT", "ST")
    assert GRADE_CODE["DCT"] == 4


def test_mn21_scales():
    assert load_params("nhs-2002", "2025/26")["scale_DCT"] == MN21_2025_26
    p26 = load_params("nhs-2002", "2026/27")
    # 43,670 × 1.035 = 45,198.45 -> 45,199; 60,102 × 1.035 = 62,205.57 -> 62,206
    assert p26["scale_DCT"] == [45199, 48067, 50869, 53704, 56537, 59372, 62206]
    assert p26["scale_DCT"] == [math.ceil(v * 1.035) for v in MN21_2025_26]
    # the rule holds for every transcribed scale: F2 43,466 × 1.035 = 44,987.31 -> 44,988
    p25 = load_params("nhs-2002", "2025/26")
    for key in ("scale_F1", "scale_F2", "scale_ST"):
        assert p26[key] == [math.ceil(v * 1.035) for v in p25[key]]
    table, lengths = scale_table(p26)
    assert lengths[GRADE_CODE["DCT"]] == 7
    assert list(table[GRADE_CODE["DCT"], :7]) == p26["scale_DCT"]


@pytest.mark.parametrize(
    ("pay_year", "basic"),
    [("2025/26", 51887.0), ("2026/27", 53704.0)],
)
def test_2002_band_2b_by_hand(pay_year, basic):
    # 5 × 10 h weekdays 08:00-18:00 = 50 h/week actual work: full shift, compliant,
    # > 48 h => band 2B, supplement 50 %. Years 3 = fourth MN21 point.
    table = price(_rota(3), "nhs-2002", pay_year=pay_year)
    row = table.iloc[0]
    assert row["band"] == "2B"
    assert row["basic"] == basic
    assert row["total"] == pytest.approx(basic * 1.5)  # 51,887 × 1.5 = 77,830.50


def test_2002_top_point_caps_years():
    # years beyond the seventh point stay on it: 62,206 for 2026/27
    assert price(_rota(20), "nhs-2002")["basic"].iloc[0] == 62206


def test_2026_registrar_points_by_hand():
    # years 3 -> registrar point 3 // 2 = 1 (R2) = 64,170; H = 50 h:
    # basic 64,170; additional 10 h × 64,170 / 40 = 16,042.50; nothing unsocial.
    row = price(_rota(3), "wales-2026").iloc[0]
    assert row["pay_point"] == "R2"
    assert row["basic"] == 64170
    assert row["additional_hours"] == pytest.approx(16042.5)
    assert row["total"] == pytest.approx(80212.5)


def test_england_node_3_by_hand():
    # node 3 (2026/27) = 54,499; additional 10 h × 54,499 / 40 = 13,624.75
    row = price(_rota(2), "england-2016").iloc[0]
    assert row["nodal_gbp"] == 54499
    assert row["total"] == pytest.approx(54499 + 13624.75)


def test_ltft_dct_by_hand():
    # LTFT, 3 × 10 h = 30 h/week plain time: F7 (28-32 h) = 0.7 of the 2026/27
    # point 0 (45,199) = 31,639.30; no band (all plain time, <= 40 h).
    row = price(_rota(0, "D D D - - - -", ltft=True), "nhs-2002").iloc[0]
    assert row["band"] == "none"
    assert row["total"] == pytest.approx(0.7 * 45199)


@pytest.mark.parametrize("contract", ["nhs-2002", "wales-2026", "england-2016"])
def test_kernels_agree_with_reference(contract):
    rota = _rota(4, "D D D D D D -\nD D - - - - -\nD D D D D - -", weeks=3)
    params = load_params(contract, "2026/27")
    fast = price(rota, contract)
    new_deal = compliant_lines(rota, "new-deal") if contract == "nhs-2002" else None
    ref = price_reference(rota, contract, params, compute_metrics(rota, reference=True), new_deal)
    assert fast["total"].to_numpy() == pytest.approx(ref["total"].to_numpy())


def test_fused_pass_prices_dct():
    rota = _rota(3)
    out = line_pass(rota)
    assert out["pay_2002"][0, 2] == pytest.approx(80556.0)  # 53,704 × 1.5
    assert out["pay_2026"][0, -1] == pytest.approx(80212.5)
