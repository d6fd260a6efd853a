"""The 2002 contract: basic scales, New Deal compliance, band flowcharts and supplements.

The band kernel (:func:`~simulator.contracts.kernels.bands_2002`) takes per-line
New Deal compliance as an input array; :func:`price_2002` obtains it from the rules
engine (``simulator.rules.check(compiled, "new-deal")``) unless it is given.
Each band comes with the path taken through the flowchart as plain-English steps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..compile import CompiledRota
from ..kernels.metrics import M
from ..model import GRADES, UserError
from ._common import column, frame, grade_names, metric_matrix, pack
from .kernels import (
    BANDS,
    MAX_STEPS,
    P02_NAMES,
    QUESTIONS,
    bands_2002,
    line_flags_2002,
    pay_2002,
)
from .params import ContractParams, load_params

#: Columns of the 2002 price table besides ``explanation``.
PRICE_COLUMNS = ("grade", "point", "band", "banding_hours", "basic", "supplement", "total")


def new_deal_compliance(compiled: CompiledRota) -> np.ndarray:
    """Per-line New Deal compliance from the rules engine (line order of ``compiled``)."""
    from ..rules import compliant_lines

    return np.asarray(compliant_lines(compiled, "new-deal"), dtype=np.bool_)


def scale_table(params: ContractParams) -> tuple[np.ndarray, np.ndarray]:
    """Basic scales by grade row (F1, F2, CT, ST, DCT) and point, GBP/year, and points per grade.

    CT uses the first ``core_points`` points of the ST (MN37) scale; DCT has its own
    scale (MN21).
    """
    st = list(params["scale_ST"])
    rows = {
        "F1": list(params["scale_F1"]),
        "F2": list(params["scale_F2"]),
        "CT": st[: max(1, min(int(params["core_points"]), len(st)))],
        "ST": st,
        "DCT": list(params["scale_DCT"]),
    }
    width = max(len(r) for r in rows.values())
    table = np.full((len(GRADES), width), np.nan, dtype=np.float64)
    lengths = np.zeros(len(GRADES), dtype=np.int64)
    for g, name in enumerate(GRADES):
        table[g, : len(rows[name])] = rows[name]
        lengths[g] = len(rows[name])
    return table, lengths


def kernel_arrays(params: ContractParams) -> dict[str, np.ndarray]:
    """Every 2002 parameter array the kernels take."""
    table, lengths = scale_table(params)
    from_h = np.asarray(params["ltft_fraction_from_hours"], dtype=np.float64)
    fractions = np.asarray(params["ltft_fraction"], dtype=np.float64)
    if from_h.shape != fractions.shape:
        raise UserError(
            "nhs-2002.ltft_fraction_from_hours and nhs-2002.ltft_fraction need equal lengths"
        )
    return {
        "p": pack(params, P02_NAMES),
        "scale": table,
        "scale_len": lengths,
        "from_h": from_h,
        "fractions": fractions,
        "supp": np.array([float(params[f"supplement_{b}"]) for b in BANDS], dtype=np.float64),
    }


def band_flags(compiled: CompiledRota, params: ContractParams) -> tuple[np.ndarray, ...]:
    """On-call rota, criterion R and resident flags per line (declared values win)."""
    return line_flags_2002(
        compiled.start_min,
        compiled.duration_min,
        compiled.kind,
        compiled.work_min,
        compiled.offsets,
        compiled.criterion_r,
        compiled.resident,
        int(params["criterion_r_after_min"]),
        int(params["criterion_r_until_min"]),
        60.0 * float(params["criterion_r_nroc_min_work_hours"]),
    )


def band_and_pay(
    compiled: CompiledRota,
    values: np.ndarray,
    flags: tuple[np.ndarray, np.ndarray, np.ndarray],
    new_deal_ok: np.ndarray,
    arrays: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run the band and pay kernels over a metrics matrix.

    Grades, years, LTFT flags and prospective cover come from ``compiled``.

    Returns
    -------
    band, path, banding_h, pay
        Band codes, flowchart paths, hours used for banding (h/week) and the pay
        matrix (basic, supplement, total; GBP/year).
    """
    oncall_rota, crit_r, resident = flags
    p = arrays["p"]
    ltft = compiled.ltft
    prospective_cover = compiled.prospective_cover
    grade = compiled.grade.astype(np.int64)
    years = compiled.years.astype(np.int64)
    band, path, banding_h = bands_2002(
        column(values, "work_hours_per_week"),
        column(values, "unsocial_hours_per_week"),
        column(values, "unsocial_fraction"),
        column(values, "weekend_frequency_2002"),
        column(values, "oncall_frequency"),
        column(values, "outside_core_hours_per_week"),
        oncall_rota,
        crit_r,
        resident,
        ltft,
        np.ascontiguousarray(new_deal_ok, dtype=np.bool_),
        prospective_cover,
        p,
    )
    pay = pay_2002(
        band,
        grade,
        years,
        ltft,
        banding_h,
        arrays["scale"],
        arrays["scale_len"],
        arrays["from_h"],
        arrays["fractions"],
        arrays["supp"],
        p,
    )
    return band, path, banding_h, pay


def _one_in(frequency: float) -> str:
    return "never" if frequency <= 0 else f"1 in {1.0 / frequency:.2f}"


def explain_path(path: np.ndarray, line: dict[str, float], params: ContractParams) -> list[str]:
    """The flowchart path of one line as plain-English steps.

    Parameters
    ----------
    path
        Step codes from the band kernel (``2 * question + answer``; -1 unused).
    line
        The line's inputs: ``work``, ``measured_work``, ``unsocial_h``, ``unsocial_frac``,
        ``weekend``, ``oncall``, ``oncalls``, ``outside_core``, ``pc``, ``ltft``,
        ``declared_r``, ``declared_resident`` and ``band``.
    params
        The 2002 parameters (thresholds quoted in the text).
    """
    g = params.get
    pc = (
        f" (measured {line['measured_work']:.2f} h grossed up for prospective cover)"
        if line["pc"]
        else ""
    )
    uns = f"unsocial share {line['unsocial_frac']:.1%}"
    we = f"weekends {_one_in(line['weekend'])}"
    oc = f"on-call {_one_in(line['oncall'])}"
    r_how = (
        "declared on the line"
        if line["declared_r"]
        else (
            "resident on-call after 19:00, or NROC with at least "
            f"{g('criterion_r_nroc_min_work_hours'):g} h expected work"
        )
    )
    res_how = "declared on the line" if line["declared_resident"] else "all on-call duties resident"
    text = {
        "new_deal_compliant": "Compliant with the New Deal limits (rules engine)?",
        "within_40h_and_no_unsocial": (
            f"Actual work {line['work']:.2f} h/wk{pc} at most "
            f"{g('band1_work_more_than_hours'):g} h and no duty in unsocial time "
            f"({line['unsocial_h']:.2f} h/wk unsocial)?"
        ),
        "work_over_48h": (
            f"Actual work {line['work']:.2f} h/wk{pc} more than "
            f"{g('band2_work_more_than_hours'):g} h?"
        ),
        "oncall_rota": f"On-call rota ({line['oncalls']:g} on-call duties in the cycle)?",
        "oncall_1in6_or_weekends_1in3": (
            f"{oc} at least 1 in {g('band2_oncall_one_in'):g}, or {we} at least "
            f"1 in {g('band2_weekend_one_in'):g}?"
        ),
        "criterion_r": f"Criterion R ({r_how})?",
        "unsocial_over_third_or_weekends_1in3": (
            f"{uns} more than {g('unsocial_share_more_than'):.1%}, or {we} at least "
            f"1 in {g('band2_weekend_one_in'):g}?"
        ),
        "unsocial_over_third_or_weekends_1in4": (
            f"{uns} more than {g('unsocial_share_more_than'):.1%}, or {we} at least "
            f"1 in {g('band1_weekend_one_in'):g}?"
        ),
        "oncall_1in6": f"{oc} at least 1 in {g('band1a_oncall_one_in'):g}?",
        "oncall_1in8_or_weekends_1in4": (
            f"{oc} at least 1 in {g('band1r_oncall_one_in'):g}, or {we} at least "
            f"1 in {g('band1_weekend_one_in'):g}?"
        ),
        "oncall_more_often_than_1in8": (
            f"{oc} more often than 1 in {g('band1b_oncall_more_often_than_one_in'):g} "
            "(without prospective cover)?"
        ),
        "resident": f"Resident on call ({res_how})?",
        "ltft_duty_outside_core": (
            f"Any duty outside Mon-Fri 08:00-19:00 ({line['outside_core']:.2f} h/wk)?"
        ),
        "ltft_unsocial_over_third_or_weekends": (
            f"{uns} more than {g('ltft_unsocial_share_more_than'):.1%}, or {we} at least "
            f"1 in {g('ltft_weekend_one_in'):g}?"
        ),
        "ltft_oncall_1in10": f"{oc} at least 1 in {g('ltft_fa_oncall_one_in'):g}?",
        "ltft_oncall_1in13_5_or_weekends": (
            f"{oc} at least 1 in {g('ltft_r_oncall_one_in'):g}, or {we} at least "
            f"1 in {g('ltft_weekend_one_in'):g}?"
        ),
        "ltft_oncall_more_often_than_1in13_5": (
            f"{oc} more often than 1 in {g('ltft_fb_oncall_more_often_than_one_in'):g}?"
        ),
    }
    full_week = g("basic_hours_per_week")
    ltft = line["ltft"] and line["work"] < full_week - 1e-9
    steps = ["LTFT flowchart (reference 1.6)" if ltft else "Full-time flowchart (reference 1.5)"]
    if line["ltft"] and not ltft:
        steps.insert(
            0,
            f"Notice: the line is flagged LTFT but works {line['work']:.2f} h/wk, at least "
            f"the {full_week:g} h basic week, so it is full time: full basic pay and the "
            "full-time flowchart",
        )
    for code in path:
        if code < 0:
            break
        question = QUESTIONS[int(code) // 2]
        steps.append(f"{text[question]} {'yes' if code % 2 else 'no'}")
    steps.append(f"=> band {line['band']}")
    return steps


def price_2002(
    compiled: CompiledRota,
    params: ContractParams | None = None,
    metrics: np.ndarray | pd.DataFrame | None = None,
    *,
    new_deal_compliant: np.ndarray | None = None,
    explain: bool = True,
) -> pd.DataFrame:
    """2002 band and pay of every line.

    Parameters
    ----------
    compiled
        The compiled rota.
    params
        2002 parameters (default: bundled, pay year 2026/27).
    metrics
        Precomputed metrics (matrix or frame); computed when ``None``.
    new_deal_compliant
        Per-line New Deal compliance; from the rules engine when ``None``.
    explain
        Add the ``explanation`` column (list of steps per line).

    Returns
    -------
    pandas.DataFrame
        Indexed by line id: ``grade``, ``point`` (index on the scale), ``band``,
        ``banding_hours`` (actual work incl. prospective cover, h/week), ``basic``,
        ``supplement``, ``total`` (GBP/year, full precision) and ``explanation``.
    """
    params = params or load_params("nhs-2002")
    values = metric_matrix(compiled, metrics)
    if new_deal_compliant is None:
        new_deal_compliant = new_deal_compliance(compiled)
    arrays = kernel_arrays(params)
    flags = band_flags(compiled, params)
    years = compiled.years.astype(np.int64)
    band, path, banding_h, pay = band_and_pay(compiled, values, flags, new_deal_compliant, arrays)
    labels = [BANDS[b] for b in band]
    out = frame(
        compiled,
        {
            "grade": grade_names(compiled),
            "point": np.minimum(years, arrays["scale_len"][compiled.grade] - 1),
            "band": labels,
            "banding_hours": banding_h,
            "basic": pay[:, 0],
            "supplement": pay[:, 1],
            "total": pay[:, 2],
        },
    )
    if explain:
        out["explanation"] = [
            explain_path(
                path[i],
                {
                    "work": banding_h[i],
                    "measured_work": values[i, M["work_hours_per_week"]],
                    "unsocial_h": values[i, M["unsocial_hours_per_week"]],
                    "unsocial_frac": values[i, M["unsocial_fraction"]],
                    "weekend": values[i, M["weekend_frequency_2002"]],
                    "oncall": values[i, M["oncall_frequency"]],
                    "oncalls": values[i, M["oncall_duties"]],
                    "outside_core": values[i, M["outside_core_hours_per_week"]],
                    "pc": bool(compiled.prospective_cover[i]),
                    "ltft": bool(compiled.ltft[i]),
                    "declared_r": compiled.criterion_r[i] >= 0,
                    "declared_resident": compiled.resident[i] >= 0,
                    "band": labels[i],
                },
                params,
            )
            for i in range(compiled.n_lines)
        ]
    return out


__all__ = [
    "BANDS",
    "MAX_STEPS",
    "PRICE_COLUMNS",
    "band_and_pay",
    "band_flags",
    "explain_path",
    "kernel_arrays",
    "new_deal_compliance",
    "price_2002",
    "scale_table",
]
