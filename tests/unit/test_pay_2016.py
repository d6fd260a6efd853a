"""England 2016: nodal points, the BMA LTFT example, night enhancement, allowances."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.compile import compile_rota
from simulator.contracts import load_params, price
from simulator.contracts._common import pack
from simulator.contracts.kernels import P16_NAMES, night_minutes_2016, pay_2016
from simulator.contracts.params import apply_overrides
from tests.helpers import make_rota

pytestmark = pytest.mark.kernel

P = load_params("england-2016", "2026/27")
PARR = pack(P, P16_NAMES)
NO_WEEKEND = (np.array(P["weekend_allowance_one_in"]), np.array(P["weekend_allowance_fraction"]))


def _pay(node, hours, night=0.0, weekend=0.0, nroc=False):
    one = np.ones(1)
    out = pay_2016(
        one * node, one * hours, one * night, one * weekend, np.array([nroc]), *NO_WEEKEND, PARR
    )
    return out[0]


def test_nodal_points():
    assert load_params("england-2016", "2025/26")["nodal_points"] == [
        38831, 44439, 52656, 65048, 73992,
    ]  # fmt: skip
    assert P["nodal_points"] == [40190, 45994, 54499, 67325, 76582]


def test_bma_ltft_example():
    # BMA: £47,132 ÷ 40 × 27 = £31,814.10
    assert _pay(47132.0, 27.0)[0] == pytest.approx(31814.10, abs=0.005)


def test_additional_hours_and_nroc_allowance():
    basic, additional, night, nroc, weekend, total = _pay(54499.0, 45.0, nroc=True)
    assert basic == 54499.0
    assert additional == pytest.approx(5 * 54499 / 40)  # 1.0 × r × w per h/wk
    assert nroc == pytest.approx(0.08 * 54499)
    assert total == pytest.approx(basic + additional + nroc)


def test_weekend_allowance_rows():
    for freq, fraction in [(1 / 2, 0.10), (1 / 3, 0.075), (1 / 4, 0.06), (1 / 5, 0.05),
                           (1 / 6, 0.04), (1 / 7, 0.03), (1 / 8, 0.03), (1 / 9, 0.0)]:  # fmt: skip
        assert _pay(40190.0, 40.0, weekend=freq)[4] == pytest.approx(40190 * fraction)


def _night(start_clock, length, kind=0, work=0.0):
    return night_minutes_2016(np.int32(start_clock), np.int32(length), np.int8(kind), work, PARR)


def test_night_hours_and_extended_nights():
    # a day shift 08:00-18:00: none
    assert _night(480, 600) == 0
    # a twilight 14:00-00:00: 21:00-24:00 = 180 min
    assert _night(840, 600) == 180
    # an extended night 20:00-08:30 (starts 20:00-24:00, > 8 h, ends by 10:00): all 750
    assert _night(1200, 750) == 750
    # 22:00-08:00: extended => 600 min (not only the 540 min in 21:00-07:00)
    assert _night(1320, 600) == 600
    # "8 hours or longer" (BMA payslip guide, HFMA): 20:30-04:30 is 8 h => all 480 min;
    # 20:30-04:29 is 7 h 59 (and ends after 04:00): only 21:00-04:29 = 449 min
    assert _night(1230, 480) == 480
    assert _night(1230, 479) == 449
    # a shift ending after 00:00 and by 04:00 is enhanced for all its hours (BMA payslip
    # guide): 14:00-00:30 => 630 min (not only 21:00-00:30 = 210); 16:00-04:00 => 720;
    # 16:00-04:30 ends after 04:00 => 21:00-04:30 = 450; 14:00-00:00 (above) ends at
    # midnight, not after it => 180
    assert _night(840, 630) == 630
    assert _night(960, 720) == 720
    assert _night(960, 750) == 450
    # a 24 h duty 08:00-08:00: 21:00-07:00 = 600 min
    assert _night(480, 1440) == 600
    # NROC 17:00-09:00 expecting 3 h: spread evenly, 10 of 16 h in the window
    assert _night(1020, 960, kind=3, work=180.0) == pytest.approx(180 * 600 / 960)


def test_department_lines(department_compiled):
    # F1 medicine rolling line: node 1 = 40,190; 42.5 h/wk; nights 20:00-08:30 are extended
    # nights (all 12.5 h): 7 nights × 12.5 + LD 21:00? no (ends 20:30) => 87.5 h / 6 wk
    table = price(department_compiled["f1_medicine"], "england-2016")
    row = table.loc["F1-1"]
    assert row["basic"] == 40190
    assert row["additional_hours"] == pytest.approx(2.5 * 40190 / 40)
    assert row["night_hours"] == pytest.approx(87.5 / 6)
    assert row["night"] == pytest.approx(87.5 / 6 * 0.37 * 40190 / 40)
    # weekends (Sat/Sun): weeks 2 (long days) and 4 (nights) of 6 => 1 in 3 => 7.5%
    assert row["weekend"] == pytest.approx(0.075 * 40190)
    # ST years 6 => ST6+ node 5; ST years 4 => node 4
    assert (
        price(department_compiled["registrar_surgery_legacy"], "england-2016")["node"].iloc[0] == 5
    )
    assert price(department_compiled["registrar_medicine"], "england-2016")["node"].iloc[0] == 4


def test_ltft_line_is_pro_rata():
    rota = compile_rota(make_rota("D D D - - - -", 'D = { start = "08:00", end = "17:00" }'))
    row = price(rota, "england-2016").iloc[0]
    assert row["basic"] == pytest.approx(40190 * 27 / 40)


def test_early_end_reading_is_one_switch_away():
    # with early_end_whole_shift = false only the 21:00-07:00 window counts:
    # 14:00-00:30 => 210 min (a 14:00-00:30 line of 5 a week: 630 vs 210 min a shift)
    off = apply_overrides(P, {"england-2016.early_end_whole_shift": False})
    p = pack(off, P16_NAMES)
    assert night_minutes_2016(np.int32(840), np.int32(630), np.int8(0), 0.0, p) == 210
