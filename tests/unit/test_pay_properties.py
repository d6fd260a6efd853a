"""Properties a payroll team relies on, over Hypothesis-generated lines.

Lines of any grade, LTFT or not, with NROC and resident duties, laid on the calendar
over Christmas and New Year (bank holidays) or not, with cycles of 1 to 26 weeks, are
priced by the compiled kernels and by the plain-Python reference, which must agree;
and the prices obey:

- no pay component is ever negative, under any contract;
- moving a day shift into unsocial time never lowers 2026 pay;
- LTFT basic never falls as weekly hours rise (2002 fractions, 2026 and 2016 pro rata);
- the 2002 band, and every contract's pay, are unchanged by rotating a cyclic line by
  whole weeks when the rota has no calendar;
- a ``[[rolling]]`` template prices each of its lines as the same pattern written out
  as a line shifted by its weeks.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.compile import compile_rota
from simulator.contracts import CONTRACTS, load_params, price
from simulator.contracts.kernels import ltft_fraction
from simulator.contracts.nhs2002 import new_deal_compliance
from simulator.contracts.reference import price_reference
from simulator.io.toml_rota import rota_from_toml_text, rotate_days
from simulator.metrics import compute_metrics
from simulator.model import GRADES

pytestmark = pytest.mark.kernel

SHIFTS = """
[shifts]
D  = { start = "08:00", end = "16:00" }
DL = { start = "16:00", end = "00:00" }
LD = { start = "08:00", end = "20:30" }
N  = { start = "20:00", end = "08:30" }
OC = { start = "17:00", end = "09:00", kind = "nroc", expected_work = 3.0 }
W  = { start = "09:00", end = "09:00", kind = "nroc", expected_work = 7.0 }
"""
#: Day cells; the drawing below keeps consecutive days from overlapping (a night is
#: followed by a day off, a 24 h or overnight NROC by a day off or a late start).
CELLS = ["-", "D", "LD", "D+OC", "W", "DL"]
COMPONENTS = {
    "nhs-2002": ["basic", "supplement", "total"],
    "wales-2026": [
        "basic", "additional_hours", "unsocial", "nroc_availability", "nroc_work", "premia",
        "total",
    ],
    "england-2016": ["basic", "additional_hours", "night", "nroc_availability", "weekend", "total"],
}  # fmt: skip


@st.composite
def lines(draw, max_weeks: int = 26):
    """A valid cyclic pattern: cells from CELLS, nights followed by a day off."""
    weeks = draw(st.integers(1, max_weeks))
    days: list[str] = []
    n = 7 * weeks
    while len(days) < n:
        if len(days) <= n - 2 and draw(st.integers(0, 9)) == 0:
            days += ["N", "-"]
            continue
        days.append(draw(st.sampled_from(CELLS)))
    if days[-1] in ("W", "LD", "D+OC") and days[0] == "N":
        days[0] = "-"
    if days[-1] == "W" and days[0] not in ("-", "DL"):
        days[0] = "-"  # a 24 h NROC from 09:00 Sunday ends 09:00 Monday
    for k in range(n - 1):
        if days[k] == "W" and days[k + 1] not in ("-", "DL"):
            days[k + 1] = "-"
        if days[k] == "D+OC" and days[k + 1] not in ("-", "DL", "W", "N"):
            days[k + 1] = "-"  # the OC runs to 09:00 the next day
    if days[-1] == "D+OC" and days[0] not in ("-", "DL", "W", "N"):
        days[0] = "-"
    grade = draw(st.sampled_from(GRADES))
    years = draw(st.integers(0, 12))
    ltft = draw(st.booleans())
    start = draw(st.sampled_from([None, "2026-12-21"]))  # Christmas and New Year
    return weeks, days, grade, years, ltft, start


def rota_text(weeks, lines_, start=None, header="lines") -> str:
    out = [f"weeks = {weeks}"]
    if start:
        out.append(f"start = {start}")
    out.append(SHIFTS)
    for line_id, days, grade, years, ltft in lines_:
        out += [
            f"[[{header}]]",
            f'id = "{line_id}"',
            f'grade = "{grade}"',
            f"years = {years}",
            f"ltft = {str(ltft).lower()}",
            f'pattern = "{" ".join(days)}"',
        ]
    return "\n".join(out) + "\n"


def priced(text: str) -> dict:
    compiled = compile_rota(rota_from_toml_text(text))
    return {c: price(compiled, c) for c in CONTRACTS}, compiled


@settings(max_examples=25, deadline=None)
@given(lines())
def test_pay_is_never_negative_and_kernels_agree_with_reference(line):
    weeks, days, grade, years, ltft, start = line
    tables, compiled = priced(rota_text(weeks, [("x", days, grade, years, ltft)], start))
    metrics = compute_metrics(compiled, reference=True)
    new_deal = new_deal_compliance(compiled)
    for contract, table in tables.items():
        values = table[COMPONENTS[contract]].to_numpy(float)
        assert np.isfinite(values).all() and (values >= 0).all(), contract
        ref = price_reference(compiled, contract, load_params(contract), metrics, new_deal)
        np.testing.assert_allclose(
            values, ref[COMPONENTS[contract]].to_numpy(float), rtol=1e-9, atol=1e-6
        )


@settings(max_examples=25, deadline=None)
@given(lines(), st.data())
def test_more_unsocial_time_never_lowers_2026_pay(line, data):
    # DL (16:00-24:00) is D (08:00-16:00) moved into the evening: the same 8 h, more
    # of them unsocial, so basic and additional hours stay and unsocial pay grows
    weeks, days, grade, years, ltft, start = line
    plain = [k for k, c in enumerate(days) if c == "D"]
    if not plain:
        return
    k = data.draw(st.sampled_from(plain))
    later = list(days)
    later[k] = "DL"
    before, _ = priced(rota_text(weeks, [("x", days, grade, years, ltft)], start))
    after, _ = priced(rota_text(weeks, [("x", later, grade, years, ltft)], start))
    old, new = before["wales-2026"].iloc[0], after["wales-2026"].iloc[0]
    assert new["unsocial"] >= old["unsocial"] - 1e-9
    assert new["total"] >= old["total"] - 1e-9
    assert new["basic"] == pytest.approx(old["basic"])


def test_ltft_basic_is_monotone_in_hours():
    p02 = load_params("nhs-2002")
    frm = np.array(p02["ltft_fraction_from_hours"])
    frac = np.array(p02["ltft_fraction"])
    hours = np.linspace(0.0, 60.0, 601)
    shares = [ltft_fraction(h, frm, frac, 40.0, True) for h in hours]
    assert all(b >= a for a, b in zip(shares, shares[1:], strict=False))
    # 2026 and 2016 basic: LTFT lines with 1..7 day shifts of 8 h a week
    texts = [rota_text(1, [("x", ["D"] * n + ["-"] * (7 - n), "F2", 0, True)]) for n in range(0, 8)]
    for contract in ("wales-2026", "england-2016", "nhs-2002"):
        basics = [price(compile_rota(rota_from_toml_text(t)), contract)["basic"].iloc[0]
                  for t in texts]  # fmt: skip
        assert all(b >= a for a, b in zip(basics, basics[1:], strict=False)), contract


@settings(max_examples=20, deadline=None)
@given(lines(max_weeks=8), st.data())
def test_rotating_a_cyclic_line_by_whole_weeks_changes_nothing(line, data):
    weeks, days, grade, years, ltft, _ = line
    k = data.draw(st.integers(0, weeks - 1))
    turned = list(rotate_days(tuple(days), k))
    a, _ = priced(rota_text(weeks, [("x", days, grade, years, ltft)]))
    b, _ = priced(rota_text(weeks, [("x", turned, grade, years, ltft)]))
    assert a["nhs-2002"]["band"].iloc[0] == b["nhs-2002"]["band"].iloc[0]
    for contract in CONTRACTS:
        cols = COMPONENTS[contract]
        np.testing.assert_allclose(
            a[contract][cols].to_numpy(float), b[contract][cols].to_numpy(float), atol=1e-6
        )


@settings(max_examples=15, deadline=None)
@given(lines(max_weeks=6))
def test_rolling_template_prices_each_line_as_the_shifted_pattern(line):
    # with a calendar (bank holidays fall on different lines) each rolling line k must
    # be priced exactly as the pattern rotated by k weeks written out as a line
    weeks, days, grade, years, ltft, start = line
    rolling, _ = priced(rota_text(weeks, [("R", days, grade, years, ltft)], start, "rolling"))
    written = [
        (f"R-{k + 1}", list(rotate_days(tuple(days), k)), grade, years, ltft) for k in range(weeks)
    ]
    lines_, _ = priced(rota_text(weeks, written, start))
    for contract in CONTRACTS:
        cols = COMPONENTS[contract]
        np.testing.assert_allclose(
            rolling[contract][cols].to_numpy(float),
            lines_[contract].loc[rolling[contract].index, cols].to_numpy(float),
            atol=1e-9,
        )
