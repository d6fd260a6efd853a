"""Numba pay kernels for the three contracts.

Pure functions over NumPy arrays: per-line metric columns (hours per week,
fractions, frequencies), per-line attributes (grade code, years, flags), packed
parameter arrays and, where a term depends on where a duty lies in time, the
compiled per-duty arrays. No pandas, no dataclasses; every contract number comes
in through a parameter array packed by the wrapper modules from the parameter
files (the ``P02``, ``P26`` and ``P16`` index maps below give the layout).

Comparisons of frequencies use the reference's reading of "1 in N": frequency
``f`` meets "1 in N" when ``f >= 1/N``; a small tolerance absorbs floating-point
rounding of ratios such as 2/6 against 1/3.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..kernels.duties import (
    D_PLAIN_END,
    D_PLAIN_START,
    EVERY_DAY,
    KIND_NROC,
    KIND_ONCALL,
    is_resident,
)
from ..kernels.intervals import MIN_PER_DAY, window_minutes
from ..kernels.parallel import run_ranges

#: Numerical tolerance of threshold comparisons (hours, fractions, frequencies).
TOL = 1e-9

# ---------------------------------------------------------------------------
# 2002 contract: bands and their explanation
# ---------------------------------------------------------------------------

#: Band labels by band code.
BANDS = ("none", "1A", "1B", "1C", "2A", "2B", "3", "FA", "FB", "FC")
B_NONE, B_1A, B_1B, B_1C, B_2A, B_2B, B_3, B_FA, B_FB, B_FC = range(len(BANDS))

#: Flowchart questions recorded in a band path; a step code is ``2 * question + answer``
#: (answer 1 = yes). The wrapper turns the codes into plain English.
QUESTIONS = (
    "new_deal_compliant",
    "within_40h_and_no_unsocial",
    "work_over_48h",
    "oncall_rota",
    "oncall_1in6_or_weekends_1in3",
    "criterion_r",
    "unsocial_over_third_or_weekends_1in3",
    "unsocial_over_third_or_weekends_1in4",
    "oncall_1in6",
    "oncall_1in8_or_weekends_1in4",
    "oncall_more_often_than_1in8",
    "resident",
    "ltft_duty_outside_core",
    "ltft_unsocial_over_third_or_weekends",
    "ltft_oncall_1in10",
    "ltft_oncall_1in13_5_or_weekends",
    "ltft_oncall_more_often_than_1in13_5",
)
Q = {name: i for i, name in enumerate(QUESTIONS)}
_Q_ND = Q["new_deal_compliant"]
_Q_NONE = Q["within_40h_and_no_unsocial"]
_Q_48 = Q["work_over_48h"]
_Q_OC_ROTA = Q["oncall_rota"]
_Q_2_OC = Q["oncall_1in6_or_weekends_1in3"]
_Q_R = Q["criterion_r"]
_Q_2_OTHER = Q["unsocial_over_third_or_weekends_1in3"]
_Q_1_OTHER = Q["unsocial_over_third_or_weekends_1in4"]
_Q_1A = Q["oncall_1in6"]
_Q_1R = Q["oncall_1in8_or_weekends_1in4"]
_Q_1B = Q["oncall_more_often_than_1in8"]
_Q_RES = Q["resident"]
_Q_F_CORE = Q["ltft_duty_outside_core"]
_Q_F_OTHER = Q["ltft_unsocial_over_third_or_weekends"]
_Q_FA = Q["ltft_oncall_1in10"]
_Q_FR = Q["ltft_oncall_1in13_5_or_weekends"]
_Q_FB = Q["ltft_oncall_more_often_than_1in13_5"]
#: Longest possible path through either flowchart, steps.
MAX_STEPS = 8

#: Layout of the 2002 parameter array (names are parameter-file keys).
P02_NAMES = (
    "band1_work_more_than_hours",
    "band2_work_more_than_hours",
    "unsocial_share_more_than",
    "band2_oncall_one_in",
    "band2_weekend_one_in",
    "band1_weekend_one_in",
    "band1a_oncall_one_in",
    "band1r_oncall_one_in",
    "band1b_oncall_more_often_than_one_in",
    "ltft_unsocial_share_more_than",
    "ltft_weekend_one_in",
    "ltft_fa_oncall_one_in",
    "ltft_r_oncall_one_in",
    "ltft_fb_oncall_more_often_than_one_in",
    "basic_hours_per_week",
    "ltft_below_lowest_pro_rata",
    "f1_unbanded_supplement",
    "pc_weeks_per_year",
    "pc_leave_weeks",
    "pc_leave_week_hours",
)
P02 = {name: i for i, name in enumerate(P02_NAMES)}
_B1_WORK, _B2_WORK, _UNS, _B2_OC, _B2_WE, _B1_WE, _B1A_OC, _B1R_OC, _B1B_OC = range(9)
_F_UNS, _F_WE, _FA_OC, _FR_OC, _FB_OC, _BASIC_H, _PRO_RATA, _F1_SUPP = range(9, 17)
_PC_WEEKS, _PC_LEAVE, _PC_LEAVE_H = range(17, 20)


@njit(cache=True)
def at_least_one_in(frequency, one_in):
    """True when ``frequency`` is "1 in ``one_in``" or more often (``f >= 1/N``)."""
    return frequency * one_in >= 1.0 - TOL


@njit(cache=True)
def more_often_than_one_in(frequency, one_in):
    """True when ``frequency`` is strictly more often than "1 in ``one_in``"."""
    return frequency * one_in > 1.0 + TOL


@njit(cache=True)
def more_than(value, threshold):
    """True when ``value`` is strictly more than ``threshold``."""
    return value > threshold + TOL


@njit(cache=True)
def riddell_hours(weekly_hours, weeks_per_year, leave_weeks, leave_week_hours):
    """Prospective cover (Riddell): weekly hours grossed up for colleagues' leave, h/week.

    ``(weekly × weeks_per_year − leave_weeks × leave_week_hours) ÷ (weeks_per_year −
    leave_weeks)``; works in any time unit as long as both hour arguments share it.
    """
    return (weekly_hours * weeks_per_year - leave_weeks * leave_week_hours) / (
        weeks_per_year - leave_weeks
    )


@njit(cache=True, inline="always")
def _record(path, n, question, answer):
    path[n] = 2 * question + (1 if answer else 0)
    return n + 1


@njit(cache=True)
def band_2002_line(
    work_h,
    unsocial_h,
    unsocial_frac,
    weekend_freq,
    oncall_freq,
    outside_core_h,
    oncall_rota,
    criterion_r,
    resident,
    ltft,
    new_deal_ok,
    p,
    path,
):
    """Band of one line by the 2002 flowcharts (reference §1.5 full time, §1.6 LTFT).

    Parameters
    ----------
    work_h : float
        Actual work, h/week, including prospective cover when the line asks for it.
    unsocial_h : float
        Duty in unsocial time (2002 definition, all duty), h/week.
    unsocial_frac : float
        Share of duty hours in unsocial time.
    weekend_freq : float
        Weekends worked per week, 2002 (DRS) definition.
    oncall_freq : float
        On-call duties per day of the cycle.
    outside_core_h : float
        Duty outside Monday–Friday 08:00–19:00, h/week (LTFT test).
    oncall_rota, criterion_r, resident, ltft, new_deal_ok : bool
        Working pattern and banding inputs of the line.
    p : ndarray of float64
        2002 parameters in :data:`P02_NAMES` order.
    path : ndarray of int8, length :data:`MAX_STEPS`
        Receives the step codes ``2 * question + answer``; unused slots are -1.

    Returns
    -------
    int
        Band code, index into :data:`BANDS`.
    """
    path[:] = -1
    n = _record(path, 0, _Q_ND, new_deal_ok)
    if not new_deal_ok:
        return B_3
    if ltft and work_h < p[_BASIC_H] - TOL:  # 40 h or more is full time, as for basic pay
        outside = outside_core_h > TOL
        n = _record(path, n, _Q_F_CORE, outside)
        if not outside:
            return B_NONE
        n = _record(path, n, _Q_OC_ROTA, oncall_rota)
        if not oncall_rota:
            c = more_than(unsocial_frac, p[_F_UNS]) or at_least_one_in(weekend_freq, p[_F_WE])
            n = _record(path, n, _Q_F_OTHER, c)
            return B_FA if c else B_FB
        return _oncall_branch(
            oncall_freq,
            weekend_freq,
            criterion_r,
            resident,
            p[_FA_OC],
            p[_FR_OC],
            p[_F_WE],
            p[_FB_OC],
            B_FA,
            B_FB,
            B_FC,
            _Q_FA,
            _Q_FR,
            _Q_FB,
            path,
            n,
        )

    unbanded = not more_than(work_h, p[_B1_WORK]) and unsocial_h <= TOL
    n = _record(path, n, _Q_NONE, unbanded)
    if unbanded:
        return B_NONE
    over48 = more_than(work_h, p[_B2_WORK])
    n = _record(path, n, _Q_48, over48)
    n = _record(path, n, _Q_OC_ROTA, oncall_rota)
    if over48:
        if oncall_rota:
            c = at_least_one_in(oncall_freq, p[_B2_OC]) or at_least_one_in(weekend_freq, p[_B2_WE])
            n = _record(path, n, _Q_2_OC, c)
            if c:
                n = _record(path, n, _Q_R, criterion_r)
                return B_2A if criterion_r else B_2B
            return B_2B
        c = more_than(unsocial_frac, p[_UNS]) or at_least_one_in(weekend_freq, p[_B2_WE])
        n = _record(path, n, _Q_2_OTHER, c)
        return B_2A if c else B_2B
    if not oncall_rota:
        c = more_than(unsocial_frac, p[_UNS]) or at_least_one_in(weekend_freq, p[_B1_WE])
        n = _record(path, n, _Q_1_OTHER, c)
        return B_1A if c else B_1B
    return _oncall_branch(
        oncall_freq,
        weekend_freq,
        criterion_r,
        resident,
        p[_B1A_OC],
        p[_B1R_OC],
        p[_B1_WE],
        p[_B1B_OC],
        B_1A,
        B_1B,
        B_1C,
        _Q_1A,
        _Q_1R,
        _Q_1B,
        path,
        n,
    )


@njit(cache=True)
def _oncall_branch(
    oncall_freq,
    weekend_freq,
    criterion_r,
    resident,
    a_oc,
    r_oc,
    r_we,
    b_oc,
    band_a,
    band_b,
    band_c,
    q_a,
    q_r,
    q_b,
    path,
    n,
):
    """The on-call part of the band flowcharts (full time at most 48 h, and LTFT).

    On call at least 1 in ``a_oc`` => A; else at least 1 in ``r_oc`` or weekends at
    least 1 in ``r_we`` => criterion R ? A : B; else more often than 1 in ``b_oc``
    => B; else resident => B; else C. The questions asked are recorded in ``path``.
    """
    c = at_least_one_in(oncall_freq, a_oc)
    n = _record(path, n, q_a, c)
    if c:
        return band_a
    c = at_least_one_in(oncall_freq, r_oc) or at_least_one_in(weekend_freq, r_we)
    n = _record(path, n, q_r, c)
    if c:
        n = _record(path, n, _Q_R, criterion_r)
        return band_a if criterion_r else band_b
    c = more_often_than_one_in(oncall_freq, b_oc)
    n = _record(path, n, q_b, c)
    if c:
        return band_b
    n = _record(path, n, _Q_RES, resident)
    return band_b if resident else band_c


@njit(cache=True, nogil=True)
def bands_2002(
    work_h,
    unsocial_h,
    unsocial_frac,
    weekend_freq,
    oncall_freq,
    outside_core_h,
    oncall_rota,
    criterion_r,
    resident,
    ltft,
    new_deal_ok,
    prospective_cover,
    p,
):
    """Bands of every line (see :func:`band_2002_line`; inputs are per-line arrays).

    ``work_h`` is the measured actual work, h/week; lines with ``prospective_cover``
    are grossed up with :func:`riddell_hours` first. An LTFT-flagged line whose
    banding hours reach the basic week (40 h) is full time, as its basic pay is, and
    is banded with the full-time flowchart.

    Returns
    -------
    band : ndarray of int8
        Band code per line.
    path : ndarray of int8, shape (n_lines, MAX_STEPS)
        Flowchart steps per line.
    banding_h : ndarray of float64
        Actual work used for banding, h/week (incl. prospective cover).
    """
    n_lines = work_h.shape[0]
    band = np.empty(n_lines, dtype=np.int8)
    path = np.empty((n_lines, MAX_STEPS), dtype=np.int8)
    banding_h = np.empty(n_lines, dtype=np.float64)
    for i in range(n_lines):
        h = work_h[i]
        if prospective_cover[i]:
            h = riddell_hours(h, p[_PC_WEEKS], p[_PC_LEAVE], p[_PC_LEAVE_H])
        banding_h[i] = h
        band[i] = band_2002_line(
            h,
            unsocial_h[i],
            unsocial_frac[i],
            weekend_freq[i],
            oncall_freq[i],
            outside_core_h[i],
            oncall_rota[i],
            criterion_r[i],
            resident[i],
            ltft[i],
            new_deal_ok[i],
            p,
            path[i],
        )
    return band, path, banding_h


@njit(cache=True)
def ltft_fraction(hours, from_hours, fractions, basic_hours, pro_rata_below):
    """Share of full-time basic for an LTFT doctor working ``hours`` h/week.

    The highest band whose lower bound ``from_hours[i]`` is reached gives
    ``fractions[i]``; at or above ``basic_hours`` the fraction is 1. Below the lowest
    bound: ``hours / basic_hours`` when ``pro_rata_below``, else the lowest fraction.
    """
    if hours >= basic_hours - TOL:
        return 1.0
    best = -1
    for i in range(from_hours.shape[0]):
        if hours >= from_hours[i] - TOL:
            best = i
    if best >= 0:
        return fractions[best]
    return hours / basic_hours if pro_rata_below else fractions[0]


@njit(cache=True, nogil=True)
def pay_2002(band, grade, years, ltft, banding_h, scale, scale_len, from_h, fractions, supp, p):
    """2002 pay of every line, GBP/year.

    Parameters
    ----------
    band : ndarray of int8
        Band code per line (:data:`BANDS`).
    grade, years : ndarray of int
        Grade code (0 F1, 1 F2, 2 CT, 3 ST) and completed years per line.
    ltft : ndarray of bool
        LTFT lines get a fraction of basic by their weekly hours.
    banding_h : ndarray of float64
        Actual work per week used for banding, h/week.
    scale : ndarray of float64, shape (4, max points)
        Full-time basic by grade row and point, GBP/year.
    scale_len : ndarray of int64, shape (4,)
        Points on each grade's scale; point = min(years, scale_len - 1).
    from_h, fractions : ndarray of float64
        LTFT bands: lower bound of weekly hours and share of basic.
    supp : ndarray of float64
        Supplement by band code, fraction of basic.
    p : ndarray of float64
        2002 parameters (:data:`P02_NAMES`).

    Returns
    -------
    ndarray of float64, shape (n_lines, 3)
        Basic, supplement and total pay, GBP/year.
    """
    n_lines = band.shape[0]
    out = np.empty((n_lines, 3), dtype=np.float64)
    for i in range(n_lines):
        g = grade[i]
        point = min(years[i], scale_len[g] - 1)
        basic = scale[g, point]
        if ltft[i]:
            basic *= ltft_fraction(
                banding_h[i], from_h, fractions, p[_BASIC_H], p[_PRO_RATA] != 0.0
            )
        rate = supp[band[i]]
        if band[i] == B_NONE and g == 0:
            rate = p[_F1_SUPP]
        out[i, 0] = basic
        out[i, 1] = basic * rate
        out[i, 2] = basic + basic * rate
    return out


def line_flags_2002(
    start: np.ndarray,
    length: np.ndarray,
    kind: np.ndarray,
    work: np.ndarray,
    offsets: np.ndarray,
    declared_r: np.ndarray,
    declared_resident: np.ndarray,
    r_lo: int,
    r_hi: int,
    r_min_work: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-line banding flags from the template: on-call rota, criterion R, resident.

    Parameters
    ----------
    start, length, kind, work : ndarray
        Compiled duty arrays (minutes; kind codes; actual work, minutes).
    offsets : ndarray of int64
        Line ``i`` owns duties ``offsets[i]:offsets[i+1]``.
    declared_r, declared_resident : ndarray of int8
        Declared value (0/1) per line, or -1 to derive it from the template.
    r_lo, r_hi : int
        Daily window of criterion R for resident on-call ("after 19:00"), minutes
        after midnight of the start day (``r_hi`` may pass midnight).
    r_min_work : float
        Criterion R for NROC: expected work at least this, minutes.

    Returns
    -------
    oncall_rota, criterion_r, resident : ndarray of bool
        On-call rota: has on-call duties. Criterion R: a resident on-call duty in the
        window or an NROC duty with enough expected work. Resident: an on-call rota
        whose on-call duties are all resident.
    """
    n_lines = offsets.shape[0] - 1
    oncall_rota = np.zeros(n_lines, dtype=np.bool_)
    crit = np.zeros(n_lines, dtype=np.bool_)
    res = np.zeros(n_lines, dtype=np.bool_)
    run_ranges(
        _line_flags_range, offsets, start, length, kind, work, offsets, declared_r,
        declared_resident, int(r_lo), int(r_hi), float(r_min_work), oncall_rota, crit, res,
    )  # fmt: skip
    return oncall_rota, crit, res


@njit(cache=True, nogil=True)
def _line_flags_range(
    lo, hi, start, length, kind, work, offsets, declared_r, declared_resident, r_lo, r_hi,
    r_min_work, oncall_rota, crit, res,
):  # fmt: skip
    """Lines ``lo:hi`` of :func:`line_flags_2002` (one thread)."""
    for i in range(lo, hi):
        has_oc = False
        has_nroc = False
        r = False
        for j in range(offsets[i], offsets[i + 1]):
            k = kind[j]
            if k == KIND_ONCALL:
                has_oc = True
                s = np.int64(start[j])
                if window_minutes(s, length[j], MIN_PER_DAY, r_lo, r_hi, EVERY_DAY) > 0:
                    r = True
            elif k == KIND_NROC:
                has_oc = True
                has_nroc = True
                if work[j] >= r_min_work - TOL:
                    r = True
        oncall_rota[i] = has_oc
        crit[i] = r if declared_r[i] < 0 else declared_r[i] == 1
        declared = declared_resident[i]
        res[i] = (has_oc and not has_nroc) if declared < 0 else declared == 1


# ---------------------------------------------------------------------------
# 2026 Welsh contract
# ---------------------------------------------------------------------------

#: Layout of the 2026 parameter array.
P26_NAMES = (
    "basic_hours_per_week",
    "weeks_per_year",
    "additional_hours_multiplier",
    "unsocial_multiplier",
    "unsocial_in_addition",
    "nroc_availability_rate",
    "nroc_work_plain_multiplier",
    "nroc_work_unsocial_multiplier",
    "nroc_whole_shift_more_than",
    "premia_pro_rata",
)
P26 = {name: i for i, name in enumerate(P26_NAMES)}
_P26_ADDITIONAL_HOURS_MULTIPLIER = P26["additional_hours_multiplier"]
_P26_BASIC_HOURS_PER_WEEK = P26["basic_hours_per_week"]
_P26_NROC_AVAILABILITY_RATE = P26["nroc_availability_rate"]
_P26_NROC_WHOLE_SHIFT_MORE_THAN = P26["nroc_whole_shift_more_than"]
_P26_NROC_WORK_PLAIN_MULTIPLIER = P26["nroc_work_plain_multiplier"]
_P26_NROC_WORK_UNSOCIAL_MULTIPLIER = P26["nroc_work_unsocial_multiplier"]
_P26_PREMIA_PRO_RATA = P26["premia_pro_rata"]
_P26_UNSOCIAL_MULTIPLIER = P26["unsocial_multiplier"]
_P26_UNSOCIAL_IN_ADDITION = P26["unsocial_in_addition"]
_P26_WEEKS_PER_YEAR = P26["weeks_per_year"]
#: Columns of :func:`pay_2026`.
PAY_2026_COLUMNS = (
    "basic",
    "additional_hours",
    "unsocial",
    "nroc_availability",
    "nroc_work",
    "premia",
    "total",
)


def nroc_paid_hours_2026(
    start: np.ndarray,
    length: np.ndarray,
    kind: np.ndarray,
    work: np.ndarray,
    offsets: np.ndarray,
    weeks: int,
    bank_holiday: np.ndarray,
    defs: np.ndarray,
    p: np.ndarray,
) -> np.ndarray:
    """Paid NROC work per line, split into plain and unsocial time, h/week.

    Per NROC duty: if the expected work is more than ``nroc_whole_shift_more_than``
    of the duty, the whole duty is paid, else the expected work. The paid hours are
    spread evenly over the duty [A], so the plain share is the duty's share of plain
    time (Monday–Friday 07:00–19:00, bank holidays unsocial).

    Returns
    -------
    ndarray of float64, shape (n_lines, 2)
        Paid NROC hours per week in plain time and in unsocial time.
    """
    out = np.zeros((offsets.shape[0] - 1, 2), dtype=np.float64)
    n_days = bank_holiday.shape[0]
    plain_day = (np.arange(n_days) % 7 < 5) & ~bank_holiday
    run_ranges(
        _nroc_paid_range, offsets, start, length, kind, work, offsets, int(weeks), plain_day,
        int(defs[D_PLAIN_START]), int(defs[D_PLAIN_END]),
        float(p[_P26_NROC_WHOLE_SHIFT_MORE_THAN]), out,
    )  # fmt: skip
    return out


@njit(cache=True, nogil=True)
def _nroc_paid_range(
    lo_line, hi_line, start, length, kind, work, offsets, weeks, plain_day, lo, hi, whole, out
):
    """Lines ``lo_line:hi_line`` of :func:`nroc_paid_hours_2026` (one thread)."""
    for i in range(lo_line, hi_line):
        plain_h = 0.0
        uns_h = 0.0
        for j in range(offsets[i], offsets[i + 1]):
            if kind[j] != KIND_NROC or length[j] <= 0:
                continue
            ln = np.int64(length[j])
            paid = float(ln) if work[j] > whole * ln + TOL else work[j]
            s = np.int64(start[j])
            plain = window_minutes(s, ln, MIN_PER_DAY, lo, hi, plain_day)
            share = plain / ln
            plain_h += paid * share
            uns_h += paid * (1.0 - share)
        out[i, 0] = plain_h / 60.0 / weeks
        out[i, 1] = uns_h / 60.0 / weeks


@njit(cache=True, nogil=True)
def pay_2026(point_gbp, resident_h, unsocial_h, nroc_h, nroc_plain_h, nroc_unsocial_h, premium, p):
    """2026 Welsh pay of every line, GBP/year (reference §2.2).

    Parameters
    ----------
    point_gbp : ndarray of float64
        Pay point P, GBP/year.
    resident_h : ndarray of float64
        H, average resident hours, h/week.
    unsocial_h : ndarray of float64
        U, average unsocial resident hours incl. bank holidays, h/week.
    nroc_h : ndarray of float64
        A, average hours rostered on NROC, h/week.
    nroc_plain_h, nroc_unsocial_h : ndarray of float64
        Paid NROC work in plain and unsocial time, h/week.
    premium : ndarray of float64
        Full-time premium per line (0 for none), GBP/year.
    p : ndarray of float64
        2026 parameters (:data:`P26_NAMES`).

    Returns
    -------
    ndarray of float64, shape (n_lines, 7)
        :data:`PAY_2026_COLUMNS`, GBP/year. With r = P ÷ (40 × w), w = weeks per year:
        basic = P × min(H, 40) ÷ 40; additional = max(H − 40, 0) × r × w; unsocial =
        U × (m − 1) × r × w; NROC availability = A × 0.5 × r × w; NROC work = (plain ×
        1.0 + unsocial × 1.5) × r × w; premia = premium (× min(H, 40) ÷ 40 if pro rata).
    """
    n_lines = point_gbp.shape[0]
    out = np.empty((n_lines, 7), dtype=np.float64)
    basic_h = p[_P26_BASIC_HOURS_PER_WEEK]
    w = p[_P26_WEEKS_PER_YEAR]
    add_m = p[_P26_ADDITIONAL_HOURS_MULTIPLIER]
    # 1.5x in total (a 0.5x enhancement) or 1.5x on top of basic (unsocial_in_addition)
    uns_m = p[_P26_UNSOCIAL_MULTIPLIER] - (0.0 if p[_P26_UNSOCIAL_IN_ADDITION] != 0.0 else 1.0)
    avail = p[_P26_NROC_AVAILABILITY_RATE]
    plain_m = p[_P26_NROC_WORK_PLAIN_MULTIPLIER]
    nroc_uns_m = p[_P26_NROC_WORK_UNSOCIAL_MULTIPLIER]
    pro_rata = p[_P26_PREMIA_PRO_RATA] != 0.0
    for i in range(n_lines):
        pay_point = point_gbp[i]
        r = pay_point / (basic_h * w)
        h = resident_h[i]
        share = min(h, basic_h) / basic_h
        basic = pay_point * share
        additional = max(h - basic_h, 0.0) * add_m * r * w
        unsocial = unsocial_h[i] * uns_m * r * w
        availability = nroc_h[i] * avail * r * w
        nroc_work = (nroc_plain_h[i] * plain_m + nroc_unsocial_h[i] * nroc_uns_m) * r * w
        premia = premium[i] * share if pro_rata else premium[i]
        out[i, 0] = basic
        out[i, 1] = additional
        out[i, 2] = unsocial
        out[i, 3] = availability
        out[i, 4] = nroc_work
        out[i, 5] = premia
        out[i, 6] = basic + additional + unsocial + availability + nroc_work + premia
    return out


@njit(cache=True, nogil=True)
def protection(total_2026, total_2002):
    """Pay protection: protected pay and its cost, GBP/year.

    Protected = max(2026 total, 2002 total); cost = max(0, 2002 total − 2026 total).
    """
    n = total_2026.shape[0]
    protected = np.empty(n, dtype=np.float64)
    cost = np.empty(n, dtype=np.float64)
    for i in range(n):
        gap = total_2002[i] - total_2026[i]
        cost[i] = gap if gap > 0.0 else 0.0
        protected[i] = total_2026[i] + cost[i]
    return protected, cost


# ---------------------------------------------------------------------------
# England 2016 TCS
# ---------------------------------------------------------------------------

#: Layout of the 2016 parameter array.
P16_NAMES = (
    "basic_hours_per_week",
    "weeks_per_year",
    "additional_hours_multiplier",
    "night_enhancement",
    "night_start_min",
    "night_end_min",
    "extended_night_starts_from_min",
    "extended_night_starts_before_min",
    "extended_night_at_least_min",
    "extended_night_ends_by_min",
    "nroc_availability_fraction",
    "early_end_whole_shift",
    "early_end_after_min",
    "early_end_by_min",
)
P16 = {name: i for i, name in enumerate(P16_NAMES)}
_P16_ADDITIONAL_HOURS_MULTIPLIER = P16["additional_hours_multiplier"]
_P16_BASIC_HOURS_PER_WEEK = P16["basic_hours_per_week"]
_P16_EXTENDED_NIGHT_ENDS_BY_MIN = P16["extended_night_ends_by_min"]
_P16_EXTENDED_NIGHT_AT_LEAST_MIN = P16["extended_night_at_least_min"]
_P16_EXTENDED_NIGHT_STARTS_BEFORE_MIN = P16["extended_night_starts_before_min"]
_P16_EXTENDED_NIGHT_STARTS_FROM_MIN = P16["extended_night_starts_from_min"]
_P16_NIGHT_END_MIN = P16["night_end_min"]
_P16_EARLY_END_WHOLE = P16["early_end_whole_shift"]
_P16_EARLY_END_AFTER_MIN = P16["early_end_after_min"]
_P16_EARLY_END_BY_MIN = P16["early_end_by_min"]
_P16_NIGHT_ENHANCEMENT = P16["night_enhancement"]
_P16_NIGHT_START_MIN = P16["night_start_min"]
_P16_NROC_AVAILABILITY_FRACTION = P16["nroc_availability_fraction"]
_P16_WEEKS_PER_YEAR = P16["weeks_per_year"]
#: Columns of :func:`pay_2016`.
PAY_2016_COLUMNS = ("basic", "additional_hours", "night", "nroc_availability", "weekend", "total")


@njit(cache=True)
def night_minutes_2016(start, length, kind, work, p):
    """Minutes of one duty that carry the 2016 night enhancement.

    Resident duty: the minutes in the daily window 21:00–07:00, or every minute when
    the duty is an extended night (starts at or after 20:00 and before midnight,
    lasts 8 h or longer and ends by 10:00) or, with ``early_end_whole_shift``, when
    it ends after 00:00 and at or before 04:00 (BMA payslip guide). NROC: the
    expected work spread evenly over the duty, share in the window [A].
    """
    s = np.int64(start)
    ln = np.int64(length)
    lo = np.int64(p[_P16_NIGHT_START_MIN])
    hi = np.int64(p[_P16_NIGHT_END_MIN])
    inside = window_minutes(s, ln, MIN_PER_DAY, lo, hi, EVERY_DAY)
    if not is_resident(kind):
        return work * inside / ln if ln > 0 else 0.0
    clock = s % MIN_PER_DAY
    if (
        clock >= p[_P16_EXTENDED_NIGHT_STARTS_FROM_MIN]
        and clock < p[_P16_EXTENDED_NIGHT_STARTS_BEFORE_MIN]
        and ln >= p[_P16_EXTENDED_NIGHT_AT_LEAST_MIN]
        and clock + ln <= p[_P16_EXTENDED_NIGHT_ENDS_BY_MIN]
    ):
        return float(ln)
    end = clock + ln
    if (
        p[_P16_EARLY_END_WHOLE] != 0.0
        and end > p[_P16_EARLY_END_AFTER_MIN]
        and end <= p[_P16_EARLY_END_BY_MIN]
    ):
        return float(ln)
    return float(inside)


def night_hours_2016(
    start: np.ndarray,
    length: np.ndarray,
    kind: np.ndarray,
    work: np.ndarray,
    offsets: np.ndarray,
    weeks: int,
    p: np.ndarray,
) -> np.ndarray:
    """Night-enhanced hours of work per line, h/week (see :func:`night_minutes_2016`)."""
    out = np.zeros(offsets.shape[0] - 1, dtype=np.float64)
    run_ranges(_night_range, offsets, start, length, kind, work, offsets, int(weeks), p, out)
    return out


@njit(cache=True, nogil=True)
def _night_range(lo, hi, start, length, kind, work, offsets, weeks, p, out):
    """Lines ``lo:hi`` of :func:`night_hours_2016` (one thread)."""
    for i in range(lo, hi):
        total = 0.0
        for j in range(offsets[i], offsets[i + 1]):
            total += night_minutes_2016(start[j], length[j], kind[j], work[j], p)
        out[i] = total / 60.0 / weeks


@njit(cache=True, nogil=True)
def pay_2016(node_gbp, hours, night_h, weekend_freq, has_nroc, we_one_in, we_fraction, p):
    """England 2016 pay of every line, GBP/year.

    Parameters
    ----------
    node_gbp : ndarray of float64
        Nodal point, GBP/year.
    hours : ndarray of float64
        Hours of work, h/week: resident duty plus expected NROC work.
    night_h : ndarray of float64
        Night-enhanced hours, h/week.
    weekend_freq : ndarray of float64
        Weekends worked per week (Saturday/Sunday definition).
    has_nroc : ndarray of bool
        The line is rostered on non-resident on-call.
    we_one_in, we_fraction : ndarray of float64
        Weekend allowance table: row ``i`` applies from "1 in ``we_one_in[i]``" and pays
        ``we_fraction[i]`` of basic; the first row met (most frequent first) applies.
    p : ndarray of float64
        2016 parameters (:data:`P16_NAMES`).

    Returns
    -------
    ndarray of float64, shape (n_lines, 6)
        :data:`PAY_2016_COLUMNS`, GBP/year.
    """
    n_lines = node_gbp.shape[0]
    out = np.empty((n_lines, 6), dtype=np.float64)
    basic_h = p[_P16_BASIC_HOURS_PER_WEEK]
    w = p[_P16_WEEKS_PER_YEAR]
    add_m = p[_P16_ADDITIONAL_HOURS_MULTIPLIER]
    night_m = p[_P16_NIGHT_ENHANCEMENT]
    nroc_f = p[_P16_NROC_AVAILABILITY_FRACTION]
    for i in range(n_lines):
        node = node_gbp[i]
        r = node / (basic_h * w)
        h = hours[i]
        basic = node * min(h, basic_h) / basic_h
        additional = max(h - basic_h, 0.0) * add_m * r * w
        night = night_h[i] * night_m * r * w
        availability = basic * nroc_f if has_nroc[i] else 0.0
        weekend = 0.0
        for k in range(we_one_in.shape[0]):
            if at_least_one_in(weekend_freq[i], we_one_in[k]):
                weekend = basic * we_fraction[k]
                break
        out[i, 0] = basic
        out[i, 1] = additional
        out[i, 2] = night
        out[i, 3] = availability
        out[i, 4] = weekend
        out[i, 5] = basic + additional + night + availability + weekend
    return out
