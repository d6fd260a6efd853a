"""2002 contract: scales, Riddell, the band flowcharts (every branch), published cases,
and hand-worked pay of every bundled line."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.contracts import load_params, price
from simulator.contracts._common import pack
from simulator.contracts.kernels import (
    BANDS,
    MAX_STEPS,
    P02_NAMES,
    QUESTIONS,
    band_2002_line,
    ltft_fraction,
    riddell_hours,
)
from simulator.contracts.nhs2002 import scale_table
from simulator.contracts.params import apply_overrides
from simulator.contracts.reference import band_2002_reference, pay_2002_reference

pytestmark = pytest.mark.kernel

P26_27 = load_params("nhs-2002", "2026/27")
P25_26 = load_params("nhs-2002", "2025/26")


def test_published_scales():
    assert P25_26["scale_F1"] == [35390, 37487, 39587]
    assert P25_26["scale_F2"] == [43466, 46192, 48915]
    assert P25_26["scale_ST"][0] == 46324 and P25_26["scale_ST"][-1] == 71814
    assert P26_27["scale_F1"] == [36629, 38800, 40973]
    assert P26_27["scale_F2"] == [44988, 47809, 50628]
    assert P26_27["scale_ST"] == [
        47946, 50763, 54703, 57088, 59957, 62831, 65704, 68579, 71451, 74328,
    ]  # fmt: skip
    table, lengths = scale_table(P26_27)
    # rows F1, F2, CT, ST, DCT; CT = first six MN37 points; DCT = MN21 (7 points)
    assert list(lengths) == [3, 3, 6, 10, 7]
    assert list(table[2, :6]) == P26_27["scale_ST"][:6]


def test_riddell_mh03():
    # duty (2667.14 min × 52 − 13 × 2400) ÷ 39 = 2756.19 min = 45:56 per week
    duty = riddell_hours(2667.14, 52.0, 13.0, 2400.0)
    assert duty == pytest.approx(2756.19, abs=0.005)
    # work (2602.14 × 52 − 13 × 2400) ÷ 39 = 2669.52 min = 44:30 (to the minute)
    work = riddell_hours(2602.14, 52.0, 13.0, 2400.0)
    assert round(work) == 44 * 60 + 30
    # the parameter file carries the same leave: 13 weeks of 40 h in 52
    p = P26_27
    hours = riddell_hours(2602.14 / 60, p["pc_weeks_per_year"], p["pc_leave_weeks"], 40.0)
    assert hours * 60 == pytest.approx(work)


def _line(**kw):
    line = {
        "work": 45.0,
        "unsocial_h": 5.0,
        "unsocial_frac": 0.1,
        "weekend": 0.0,
        "oncall": 0.0,
        "outside_core": 5.0,
        "oncall_rota": False,
        "criterion_r": False,
        "resident": False,
        "ltft": False,
        "new_deal_ok": True,
    }
    line.update(kw)
    return line


def _band(line, params=P26_27):
    path = np.full(MAX_STEPS, -1, dtype=np.int8)
    code = band_2002_line(
        line["work"],
        line["unsocial_h"],
        line["unsocial_frac"],
        line["weekend"],
        line["oncall"],
        line["outside_core"],
        line["oncall_rota"],
        line["criterion_r"],
        line["resident"],
        line["ltft"],
        line["new_deal_ok"],
        pack(params, P02_NAMES),
        path,
    )
    steps = [f"{QUESTIONS[c // 2]}={'yes' if c % 2 else 'no'}" for c in path.tolist() if c >= 0]
    ref_band, ref_steps = band_2002_reference(line, params)
    assert (BANDS[code], steps) == (ref_band, ref_steps)
    return BANDS[code], steps


# Published cases (reference §1.7), from their stated inputs.
def test_rs05_oncall_over_48_is_2b():
    # on-call rota, work 49:18 > 48, unsocial 0.232, weekends 1 in 3.50, non-resident;
    # on-call frequency not published: 2B whether or not it reaches 1 in 6 (no criterion R)
    for oncall in (1 / 7, 1 / 5):
        line = _line(
            work=49 + 18 / 60, unsocial_frac=0.232, weekend=1 / 3.5, oncall=oncall,
            oncall_rota=True,
        )  # fmt: skip
        band, steps = _band(line)
        assert band == "2B"
        assert "work_over_48h=yes" in steps and "oncall_rota=yes" in steps


def test_mh03_is_1b():
    # hybrid full/partial, 44:30 incl. prospective cover, unsocial 0.130, weekends 1 in 7
    band, _ = _band(_line(work=44.5, unsocial_frac=0.130, weekend=1 / 7))
    assert band == "1B"


def test_mh09_is_1b():
    # shifts, work at most 48 h, unsocial 0.255, weekends 1 in 4.57
    band, _ = _band(_line(work=47.0, unsocial_frac=0.255, weekend=1 / 4.57))
    assert band == "1B"


def test_cl71b_is_2b():
    # shared nights (not on call), 51:23, unsocial 0.269, weekends 1 in 4.00
    band, _ = _band(_line(work=51 + 23 / 60, unsocial_frac=0.269, weekend=0.25))
    assert band == "2B"


OC = {"oncall_rota": True}
FULL_TIME_BRANCHES = [
    # (inputs, expected band, last question answered)
    (_line(new_deal_ok=False), "3", "new_deal_compliant=no"),
    (_line(work=40.0, unsocial_h=0.0), "none", "within_40h_and_no_unsocial=yes"),
    (_line(work=50, oncall=1 / 6, criterion_r=True, **OC), "2A", "criterion_r=yes"),
    (_line(work=50, weekend=1 / 3, **OC), "2B", "criterion_r=no"),
    (_line(work=50, oncall=1 / 7, weekend=1 / 4, **OC), "2B",
     "oncall_1in6_or_weekends_1in3=no"),
    (_line(work=50, unsocial_frac=0.34), "2A", "unsocial_over_third_or_weekends_1in3=yes"),
    (_line(work=50, weekend=1 / 3), "2A", "unsocial_over_third_or_weekends_1in3=yes"),
    (_line(work=50, unsocial_frac=1 / 3, weekend=1 / 4), "2B",
     "unsocial_over_third_or_weekends_1in3=no"),
    (_line(work=48.0, weekend=1 / 4), "1A", "unsocial_over_third_or_weekends_1in4=yes"),
    (_line(work=30.0, unsocial_frac=0.5), "1A", "unsocial_over_third_or_weekends_1in4=yes"),
    (_line(work=44, weekend=1 / 5), "1B", "unsocial_over_third_or_weekends_1in4=no"),
    (_line(work=44, oncall=1 / 6, **OC), "1A", "oncall_1in6=yes"),
    (_line(work=44, oncall=1 / 8, criterion_r=True, **OC), "1A", "criterion_r=yes"),
    (_line(work=44, weekend=1 / 4, **OC), "1B", "criterion_r=no"),
    (_line(work=44, oncall=1 / 9, resident=True, **OC), "1B", "resident=yes"),
    (_line(work=44, oncall=1 / 9, **OC), "1C", "resident=no"),
]  # fmt: skip

LT = {"ltft": True, "work": 30.0}  # LTFT: under the 40 h basic week
LTFT_BRANCHES = [
    (_line(new_deal_ok=False, **LT), "3", "new_deal_compliant=no"),
    (_line(outside_core=0.0, unsocial_h=1.0, **LT), "none", "ltft_duty_outside_core=no"),
    (_line(unsocial_frac=0.4, **LT), "FA", "ltft_unsocial_over_third_or_weekends=yes"),
    (_line(weekend=2 / 13, **LT), "FA", "ltft_unsocial_over_third_or_weekends=yes"),
    (_line(weekend=1 / 7, **LT), "FB", "ltft_unsocial_over_third_or_weekends=no"),
    (_line(oncall=1 / 10, **LT, **OC), "FA", "ltft_oncall_1in10=yes"),
    (_line(oncall=2 / 27, criterion_r=True, **LT, **OC), "FA", "criterion_r=yes"),
    (_line(weekend=2 / 13, **LT, **OC), "FB", "criterion_r=no"),
    (_line(oncall=1 / 14, resident=True, **LT, **OC), "FB", "resident=yes"),
    (_line(oncall=1 / 14, **LT, **OC), "FC", "resident=no"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "band", "last"), FULL_TIME_BRANCHES + LTFT_BRANCHES)
def test_flowchart_branches(line, band, last):
    got, steps = _band(line)
    assert got == band
    assert steps[-1] == last


def test_more_often_than_branches_need_a_threshold_override():
    # With the bundled thresholds "≥ 1 in 8" is tested before "more often than 1 in 8"
    # on the same frequency, so the latter can only answer no; overriding the first
    # threshold (e.g. a rota read as 1 in 7 with prospective cover) reaches it.
    p = apply_overrides(P26_27, {"nhs-2002.band1r_oncall_one_in": 7.0})
    band, steps = _band(_line(work=44, oncall=1 / 7.5, **OC), p)
    assert (band, steps[-1]) == ("1B", "oncall_more_often_than_1in8=yes")
    p = apply_overrides(P26_27, {"nhs-2002.ltft_r_oncall_one_in": 12.0})
    band, steps = _band(_line(oncall=1 / 13, **LT, **OC), p)
    assert (band, steps[-1]) == ("FB", "ltft_oncall_more_often_than_1in13_5=yes")


def test_every_question_is_answered_both_ways():
    seen = set()
    for line, _, _ in FULL_TIME_BRANCHES + LTFT_BRANCHES:
        seen.update(_band(line)[1])
    for q in QUESTIONS:
        assert f"{q}=yes" in seen or q.startswith(("oncall_more", "ltft_oncall_more")), q
        assert f"{q}=no" in seen, q


def test_thresholds_are_inclusive_and_strict_as_written():
    # "1 in N" means frequency >= 1/N: 2 weekends in 6 weeks is 1 in 3
    assert _band(_line(work=50, weekend=2 / 6))[0] == "2A"
    # more than one third, strictly: exactly one third is not
    assert _band(_line(work=50, unsocial_frac=1 / 3))[0] == "2B"
    # more than 48 h, strictly
    assert _band(_line(work=48.0))[0] == "1B"


def test_ltft_fractions():
    frm = np.array(P26_27["ltft_fraction_from_hours"])
    frac = np.array(P26_27["ltft_fraction"])
    cases = {20.0: 0.5, 23.99: 0.5, 24.0: 0.6, 27.5: 0.7 - 0.1, 28.0: 0.7, 32.0: 0.8,
             36.0: 0.9, 39.9: 0.9, 40.0: 1.0, 45.0: 1.0, 16.0: 16.0 / 40.0}  # fmt: skip
    for hours, want in cases.items():
        assert ltft_fraction(hours, frm, frac, 40.0, True) == pytest.approx(want), hours
    assert ltft_fraction(16.0, frm, frac, 40.0, False) == 0.5


def test_f1_unbanded_gets_five_percent():
    pay = pay_2002_reference("F1", 0, False, 40.0, "none", P26_27)
    assert pay["total"] == pytest.approx(36629 * 1.05)
    pay = pay_2002_reference("F2", 0, False, 40.0, "none", P26_27)
    assert pay["total"] == 44988


# ---- hand-worked 2002 pay of every bundled line (pay year 2026/27) ---------------------
# New Deal compliance comes from the rules engine: the legacy surgery rota breaches it
# (continuous duty, actual work over 56 h), so it is band 3.
HAND_2002 = {
    # ED F2, years 1: point 1 = £47,809. 150 h in 4 weeks = 37.5 h/wk actual work
    # (<= 40 but unsocial duty, e.g. nights), not on call, unsocial 82/150 = 54.7% > 1/3
    # => 1A, 50%: 47,809 + 23,904.50 = 71,713.50
    "ed_f2": {f"F2-{k}": ("1A", 47809.0, 23904.5, 71713.5) for k in range(1, 5)},
    # F1 medicine, years 0: point 0 = £36,629. 255 h in 6 weeks = 42.5 h/wk; unsocial
    # 112.5/255 = 44.1% => 1A: 36,629 × 1.5 = 54,943.50.
    # F1-LTFT: 147 h / 6 = 24.5 h/wk => F6 fraction 0.6: 36,629 × 0.6 = 21,977.40;
    # duty outside 08-19 (LD evenings, nights), not on call, unsocial 37.5/147 = 25.5%,
    # no weekends => FB 40%: 8,790.96; total 30,768.36.
    "f1_medicine": {
        "F1-LTFT": ("FB", 21977.4, 8790.96, 30768.36),
        **{f"F1-{k}": ("1A", 36629.0, 18314.5, 54943.5) for k in range(1, 7)},
    },
    # Registrars medicine, years 4: point 4 = £59,957. 41.625 h/wk (<= 48), on-call rota,
    # on-call 7 in 56 days = 1 in 8 (< 1 in 6, >= 1 in 8), criterion R from the weekend
    # NROC expecting 7 h >= 4 h => 1A, 50%: 59,957 × 1.5 = 89,935.50.
    "registrar_medicine": {f"StR-{k}": ("1A", 59957.0, 29978.5, 89935.5) for k in range(1, 9)},
    # Registrars surgery, years 6: point 6 = £65,704; band 3 = 131,408.
    "registrar_surgery_legacy": {
        f"SpR-{k}": ("3", 65704.0, 65704.0, 131408.0) for k in range(1, 5)
    },
}


@pytest.mark.parametrize("name", sorted(HAND_2002))
def test_department_2002_pay_by_hand(department_compiled, name):
    table = price(department_compiled[name], "nhs-2002")
    for line_id, (band, basic, supplement, total) in HAND_2002[name].items():
        row = table.loc[line_id]
        assert row["band"] == band, line_id
        assert row["basic"] == pytest.approx(basic, abs=1e-6)
        assert row["supplement"] == pytest.approx(supplement, abs=1e-6)
        assert row["total"] == pytest.approx(total, abs=1e-6)
        assert row["explanation"][-1] == f"=> band {band}"


def test_department_bands_without_new_deal_breach(department_compiled):
    # with New Deal compliance given, the flowchart itself decides
    medicine = department_compiled["registrar_medicine"]
    table = price(medicine, "nhs-2002", new_deal_compliant=np.ones(medicine.n_lines, bool))
    # 41.625 h/wk; on-call 7 in 56 days = 1 in 8, weekends 1 in 4; criterion R: the
    # weekend NROC expects 7 h >= 4 h => 1A
    assert set(table["band"]) == {"1A"}
    surgery = department_compiled["registrar_surgery_legacy"]
    table = price(surgery, "nhs-2002", new_deal_compliant=np.ones(surgery.n_lines, bool))
    # 62.25 h/wk > 48, on-call 5 in 28 days = 1 in 5.6 >= 1 in 6, resident on-call
    # after 19:00 => criterion R => 2A
    assert set(table["band"]) == {"2A"}
    assert table["banding_hours"].iloc[0] == pytest.approx(62.25)


def test_prospective_cover_grosses_up_banding_hours(make_rota_pc):
    table = price(make_rota_pc, "nhs-2002", new_deal_compliant=np.ones(1, bool))
    # 45 h/wk measured; (45 × 52 − 13 × 40) ÷ 39 = 46.6667 h/wk
    assert table["banding_hours"].iloc[0] == pytest.approx((45 * 52 - 13 * 40) / 39)
    assert "grossed up for prospective cover" in " ".join(table["explanation"].iloc[0])


@pytest.fixture
def make_rota_pc():
    from simulator.compile import compile_rota
    from tests.helpers import make_rota

    rota = make_rota(
        "D D D D D - -",
        'D = { start = "08:00", end = "17:00" }',
        extra="prospective_cover = true",
    )
    return compile_rota(rota)


def test_ltft_flag_at_full_time_hours_is_banded_full_time():
    # Reference 1.6: LTFT basic is a fraction by weekly hours only below 40 h; at 40 h or
    # more the line is full time, so banding follows the full-time flowchart (1.5) too.
    # F2 point 0 (2026/27) = £44,988. Four weekdays 08:00-18:30 = 42 h/wk, all in plain
    # time (Mon-Fri 07:00-19:00), no on-call, no weekends: more than 40 h, not more than
    # 48 => full-time flowchart: unsocial share 0 <= 1/3, weekends never => 1B, 40%:
    # 44,988 x 1.4 = 62,983.20. (The LTFT flowchart gave "none": no duty outside core.)
    from simulator.compile import compile_rota
    from tests.helpers import make_rota

    shift = 'D = { start = "08:00", end = "18:30" }'
    for ltft in (True, False):
        rota = make_rota("D D D D - - -", shift, grade="F2", ltft=ltft)
        row = price(compile_rota(rota), "nhs-2002").iloc[0]
        assert row["band"] == "1B", ltft
        assert row["total"] == pytest.approx(62983.20, abs=1e-6)
        notice = [s for s in row["explanation"] if s.startswith("Notice")]
        assert bool(notice) == ltft
        assert row["explanation"][1 if ltft else 0].startswith("Full-time flowchart")
    # the plain-Python reference agrees
    line = {
        "work": 42.0, "unsocial_h": 0.0, "unsocial_frac": 0.0, "weekend": 0.0, "oncall": 0.0,
        "outside_core": 0.0, "oncall_rota": False, "criterion_r": False, "resident": False,
        "ltft": True, "new_deal_ok": True,
    }  # fmt: skip
    assert band_2002_reference(line, P26_27)[0] == "1B"
    # below 40 h the LTFT flowchart still applies: 39 h in plain time => none
    assert band_2002_reference({**line, "work": 39.0}, P26_27)[0] == "none"


def test_ltft_flag_at_exactly_40_hours_with_nights_is_1a():
    # 40 h/wk exactly with nights: not "more than 40 h" but duty in unsocial time, so
    # the full-time flowchart goes on: <= 48 h, not on call, unsocial share > 1/3 => 1A
    # (the LTFT flowchart gave FA). Reference function, inputs as the metrics give them.
    line = {
        "work": 40.0, "unsocial_h": 20.0, "unsocial_frac": 0.5, "weekend": 0.0, "oncall": 0.0,
        "outside_core": 20.0, "oncall_rota": False, "criterion_r": False, "resident": False,
        "ltft": True, "new_deal_ok": True,
    }  # fmt: skip
    assert band_2002_reference(line, P26_27)[0] == "1A"
    assert band_2002_reference({**line, "work": 39.5}, P26_27)[0] == "FA"
