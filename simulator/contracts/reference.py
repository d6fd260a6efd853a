"""Plain-Python reference implementation of the pay kernels, for tests and benchmarks.

Written independently of :mod:`simulator.contracts.kernels`: parameters are read
by name from :class:`~simulator.contracts.params.ContractParams`, "1 in N" tests
compare ``f >= 1/N``, and time windows are listed explicitly with the metric
reference's helpers. Slow and obvious.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..compile import CompiledRota
from ..definitions import load_definitions
from ..kernels.reference import DAY, _inside, _pieces, _windows
from ..model import GRADES
from .params import ContractParams

_EPS = 1e-9


def _freq_ge(freq: float, one_in: float) -> bool:
    return freq >= 1.0 / one_in - _EPS


def _freq_gt(freq: float, one_in: float) -> bool:
    return freq > 1.0 / one_in + _EPS


def band_2002_reference(line: dict, p: ContractParams) -> tuple[str, list[str]]:
    """Band of one line and the questions asked, as ``"question=yes|no"`` strings.

    ``line`` holds ``work`` (h/week, incl. prospective cover), ``unsocial_h``,
    ``unsocial_frac``, ``weekend``, ``oncall``, ``outside_core`` and the booleans
    ``oncall_rota``, ``criterion_r``, ``resident``, ``ltft``, ``new_deal_ok``.
    """
    asked: list[str] = []

    def ask(question: str, answer: bool) -> bool:
        asked.append(f"{question}={'yes' if answer else 'no'}")
        return answer

    L = line
    if not ask("new_deal_compliant", L["new_deal_ok"]):
        return "3", asked
    uns = L["unsocial_frac"]
    # 40 h or more is full time, for banding as for basic pay
    if L["ltft"] and L["work"] < p["basic_hours_per_week"] - _EPS:
        if not ask("ltft_duty_outside_core", L["outside_core"] > _EPS):
            return "none", asked
        if not ask("oncall_rota", L["oncall_rota"]):
            heavy = uns > p["ltft_unsocial_share_more_than"] + _EPS or _freq_ge(
                L["weekend"], p["ltft_weekend_one_in"]
            )
            return ("FA" if ask("ltft_unsocial_over_third_or_weekends", heavy) else "FB"), asked
        if ask("ltft_oncall_1in10", _freq_ge(L["oncall"], p["ltft_fa_oncall_one_in"])):
            return "FA", asked
        if ask(
            "ltft_oncall_1in13_5_or_weekends",
            _freq_ge(L["oncall"], p["ltft_r_oncall_one_in"])
            or _freq_ge(L["weekend"], p["ltft_weekend_one_in"]),
        ):
            return ("FA" if ask("criterion_r", L["criterion_r"]) else "FB"), asked
        if ask(
            "ltft_oncall_more_often_than_1in13_5",
            _freq_gt(L["oncall"], p["ltft_fb_oncall_more_often_than_one_in"]),
        ):
            return "FB", asked
        return ("FB" if ask("resident", L["resident"]) else "FC"), asked

    work = L["work"]
    if ask(
        "within_40h_and_no_unsocial",
        work <= p["band1_work_more_than_hours"] + _EPS and L["unsocial_h"] <= _EPS,
    ):
        return "none", asked
    over48 = ask("work_over_48h", work > p["band2_work_more_than_hours"] + _EPS)
    on_call = ask("oncall_rota", L["oncall_rota"])
    unsocial_heavy = uns > p["unsocial_share_more_than"] + _EPS
    if over48 and on_call:
        if ask(
            "oncall_1in6_or_weekends_1in3",
            _freq_ge(L["oncall"], p["band2_oncall_one_in"])
            or _freq_ge(L["weekend"], p["band2_weekend_one_in"]),
        ):
            return ("2A" if ask("criterion_r", L["criterion_r"]) else "2B"), asked
        return "2B", asked
    if over48:
        c = unsocial_heavy or _freq_ge(L["weekend"], p["band2_weekend_one_in"])
        return ("2A" if ask("unsocial_over_third_or_weekends_1in3", c) else "2B"), asked
    if not on_call:
        c = unsocial_heavy or _freq_ge(L["weekend"], p["band1_weekend_one_in"])
        return ("1A" if ask("unsocial_over_third_or_weekends_1in4", c) else "1B"), asked
    if ask("oncall_1in6", _freq_ge(L["oncall"], p["band1a_oncall_one_in"])):
        return "1A", asked
    if ask(
        "oncall_1in8_or_weekends_1in4",
        _freq_ge(L["oncall"], p["band1r_oncall_one_in"])
        or _freq_ge(L["weekend"], p["band1_weekend_one_in"]),
    ):
        return ("1A" if ask("criterion_r", L["criterion_r"]) else "1B"), asked
    if ask(
        "oncall_more_often_than_1in8",
        _freq_gt(L["oncall"], p["band1b_oncall_more_often_than_one_in"]),
    ):
        return "1B", asked
    return ("1B" if ask("resident", L["resident"]) else "1C"), asked


def riddell_reference(weekly: float, p: ContractParams) -> float:
    """Prospective cover by the Riddell formula, in the unit of ``weekly``."""
    weeks, leave = p["pc_weeks_per_year"], p["pc_leave_weeks"]
    return (weekly * weeks - leave * p["pc_leave_week_hours"]) / (weeks - leave)


def pay_2002_reference(grade: str, years: int, ltft: bool, hours: float, band: str, p) -> dict:
    """Basic, supplement and total 2002 pay of one line, GBP/year."""
    scale = list(p["scale_ST" if grade in ("CT", "ST") else f"scale_{grade}"])  # DCT: MN21
    if grade == "CT":
        scale = scale[: p["core_points"]]
    basic = scale[min(years, len(scale) - 1)]
    if ltft and hours < p["basic_hours_per_week"]:
        bands = [
            f
            for lo, f in zip(p["ltft_fraction_from_hours"], p["ltft_fraction"], strict=True)
            if hours >= lo
        ]
        if bands:
            basic *= bands[-1]
        elif p["ltft_below_lowest_pro_rata"]:
            basic *= hours / p["basic_hours_per_week"]
        else:
            basic *= p["ltft_fraction"][0]
    rate = p[f"supplement_{band}"]
    if grade == "F1" and band == "none":
        rate = p["f1_unbanded_supplement"]
    return {"basic": basic, "supplement": basic * rate, "total": basic * (1 + rate)}


def _duties(compiled: CompiledRota, i: int) -> list[tuple[int, int, int, float]]:
    sl = compiled.line_slice(i)
    return list(
        zip(
            compiled.start_min[sl].tolist(),
            compiled.duration_min[sl].tolist(),
            compiled.kind[sl].tolist(),
            compiled.work_min[sl].tolist(),
            strict=True,
        )
    )


def flags_2002_reference(duties, declared_r: int, declared_res: int, p) -> dict[str, bool]:
    """On-call rota, criterion R and resident flags of one line."""
    cycle = max([s + ln for s, ln, _, _ in duties] + [DAY])
    n_days = cycle // DAY + 2
    lo, hi = p["criterion_r_after_min"], p["criterion_r_until_min"]
    after_19 = [(d * DAY + lo, d * DAY + hi) for d in range(-1, n_days)]
    oncall = [d for d in duties if d[2] in (2, 3)]
    r = any(
        k == 2 and any(min(s + ln, b) > max(s, a) for a, b in after_19) for s, ln, k, _ in oncall
    ) or any(k == 3 and w >= 60.0 * p["criterion_r_nroc_min_work_hours"] for _, _, k, w in oncall)
    resident = bool(oncall) and all(k == 2 for _, _, k, _ in oncall)
    return {
        "oncall_rota": bool(oncall),
        "criterion_r": r if declared_r < 0 else bool(declared_r),
        "resident": resident if declared_res < 0 else bool(declared_res),
    }


def nroc_paid_reference(duties, weeks: int, bank_holiday: list[bool], p) -> tuple[float, float]:
    """Paid NROC hours per week in plain and unsocial time (2026 rules)."""
    defs = load_definitions()
    cycle = weeks * 7 * DAY
    plain_days = [d % 7 < 5 and not bank_holiday[d] for d in range(7 * weeks)]
    plain_w = _windows(DAY, defs.plain_start_min, defs.plain_end_min, plain_days, cycle)
    plain = unsocial = 0.0
    for s, ln, k, work in duties:
        if k != 3:
            continue
        paid = ln if work > p["nroc_whole_shift_more_than"] * ln else work
        share = _inside(_pieces(s, ln, cycle), plain_w) / ln
        plain += paid * share
        unsocial += paid - paid * share
    return plain / 60 / weeks, unsocial / 60 / weeks


def pay_2026_reference(point: float, H: float, U: float, A: float, nroc, premium: float, p):
    """2026 Welsh pay components of one line, GBP/year (reference §2.2, literally)."""
    w = p["weeks_per_year"]
    bh = p["basic_hours_per_week"]
    r = point / (bh * w)
    share = min(H, bh) / bh
    out = {
        "basic": point * share,
        "additional_hours": max(H - bh, 0.0) * p["additional_hours_multiplier"] * r * w,
        "unsocial": U
        * (p["unsocial_multiplier"] - (0.0 if p["unsocial_in_addition"] else 1.0))
        * r
        * w,
        "nroc_availability": A * p["nroc_availability_rate"] * r * w,
        "nroc_work": (
            nroc[0] * p["nroc_work_plain_multiplier"] + nroc[1] * p["nroc_work_unsocial_multiplier"]
        )
        * r
        * w,
        "premia": premium * share if p["premia_pro_rata"] else premium,
    }
    out["total"] = sum(out.values())
    return out


def night_hours_2016_reference(duties, weeks: int, p) -> float:
    """Night-enhanced hours per week (England 2016)."""
    cycle = weeks * 7 * DAY
    night_w = _windows(DAY, p["night_start_min"], p["night_end_min"], [True] * 7 * weeks, cycle)
    total = 0.0
    for s, ln, k, work in duties:
        inside = _inside(_pieces(s, ln, cycle), night_w)
        clock = s % DAY
        if k == 3:
            total += work * inside / ln
        elif (
            p["extended_night_starts_from_min"] <= clock < p["extended_night_starts_before_min"]
            and ln >= p["extended_night_at_least_min"]
            and clock + ln <= p["extended_night_ends_by_min"]
        ):
            total += ln
        elif (
            p["early_end_whole_shift"]
            and p["early_end_after_min"] < clock + ln <= p["early_end_by_min"]
        ):
            total += ln  # a shift ending 00:00-04:00 is enhanced for all its hours
        else:
            total += inside
    return total / 60 / weeks


def pay_2016_reference(node: float, hours: float, night: float, weekend: float, nroc: bool, p):
    """England 2016 pay components of one line, GBP/year."""
    bh = p["basic_hours_per_week"]
    hourly_x_weeks = node / bh
    basic = node * min(hours, bh) / bh
    allowance = 0.0
    rows = zip(p["weekend_allowance_one_in"], p["weekend_allowance_fraction"], strict=True)
    for one_in, fraction in sorted(rows):
        if _freq_ge(weekend, one_in):
            allowance = fraction
            break
    out = {
        "basic": basic,
        "additional_hours": max(hours - bh, 0.0)
        * p["additional_hours_multiplier"]
        * hourly_x_weeks,
        "night": night * p["night_enhancement"] * hourly_x_weeks,
        "nroc_availability": basic * p["nroc_availability_fraction"] if nroc else 0.0,
        "weekend": basic * allowance,
    }
    out["total"] = sum(out.values())
    return out


def price_reference(
    compiled: CompiledRota,
    contract: str,
    params: ContractParams,
    metrics: pd.DataFrame,
    new_deal_compliant: np.ndarray | None = None,
) -> pd.DataFrame:
    """Price every line with the reference functions.

    ``metrics`` is the frame of :func:`simulator.metrics.compute_metrics` (use
    ``reference=True`` for a fully independent chain). Returns the numeric columns
    of :func:`simulator.contracts.price` (plus ``band`` and ``steps`` for 2002).
    """
    rows = []
    bank_holiday = [bool(x) for x in compiled.bank_holiday]
    for i, line_id in enumerate(compiled.line_ids):
        m = metrics.loc[line_id]
        grade = GRADES[int(compiled.grade[i])]
        years = int(compiled.years[i])
        duties = _duties(compiled, i)
        if contract == "nhs-2002":
            flags = flags_2002_reference(
                duties, int(compiled.criterion_r[i]), int(compiled.resident[i]), params
            )
            work = float(m["work_hours_per_week"])
            if compiled.prospective_cover[i]:
                work = riddell_reference(work, params)
            line = {
                "work": work,
                "unsocial_h": m["unsocial_hours_per_week"],
                "unsocial_frac": m["unsocial_fraction"],
                "weekend": m["weekend_frequency_2002"],
                "oncall": m["oncall_frequency"],
                "outside_core": m["outside_core_hours_per_week"],
                "ltft": bool(compiled.ltft[i]),
                "new_deal_ok": True if new_deal_compliant is None else bool(new_deal_compliant[i]),
                **flags,
            }
            band, steps = band_2002_reference(line, params)
            row = pay_2002_reference(grade, years, line["ltft"], work, band, params)
            row.update({"band": band, "banding_hours": work, "steps": steps})
        elif contract == "wales-2026":
            if grade in ("F1", "F2"):
                point = params[f"pay_point_{grade}"]
            else:
                reg = params["pay_point_registrar"]
                point = reg[min(years // params["registrar_years_per_point"], len(reg) - 1)]
            spec = compiled.specialty[i].strip().casefold()
            premium = 0.0
            for prefix in ("gp", "omfs"):
                if spec in {s.casefold() for s in params[f"{prefix}_specialties"]}:
                    premium = params[f"{prefix}_premium_gbp"]
            row = pay_2026_reference(
                point,
                m["resident_hours_per_week"],
                m["unsocial_resident_hours_per_week"],
                m["nroc_hours_per_week"],
                nroc_paid_reference(duties, compiled.weeks, bank_holiday, params),
                premium,
                params,
            )
        else:
            table = params[f"nodes_{grade}"]
            node = params["nodal_points"][table[min(years, len(table) - 1)]]
            row = pay_2016_reference(
                node,
                m["resident_hours_per_week"] + m["nroc_expected_work_hours_per_week"],
                night_hours_2016_reference(duties, compiled.weeks, params),
                m["weekend_frequency"],
                m["nroc_hours_per_week"] > 0,
                params,
            )
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(compiled.line_ids, name="id"))
