"""Numba kernel: per-line rota metrics over the compiled duty arrays."""

from __future__ import annotations

import numpy as np
from numba import njit

from .duties import (
    D_CORE_END,
    D_CORE_START,
    D_PLAIN_END,
    D_PLAIN_START,
    D_WEEKEND_2002_END,
    D_WEEKEND_2002_START,
    D_WEEKEND_END,
    D_WEEKEND_START,
    D_WINDOW,
    KIND_NROC,
    is_long,
    is_long_evening,
    is_night,
    is_oncall,
    is_resident,
)
from .intervals import (
    MIN_PER_DAY,
    MIN_PER_WEEK,
    add_window_minutes,
    longest_cyclic_run,
    max_window_minutes,
    merge_periods,
    shortest_gap_longest_period,
    window_minutes,
)
from .parallel import run_ranges

#: Columns of the metrics matrix, in order. Hours are hours; frequencies are
#: events per week (weekends) or per day (on-call); counts are per cycle.
METRIC_NAMES = (
    "duty_hours_per_week",
    "work_hours_per_week",
    "resident_hours_per_week",
    "nroc_hours_per_week",
    "nroc_expected_work_hours_per_week",
    "unsocial_hours_per_week",
    "unsocial_fraction",
    "unsocial_resident_hours_per_week",
    "bank_holiday_hours_per_week",
    "outside_core_hours_per_week",
    "weekends_2002",
    "weekend_frequency_2002",
    "weekends",
    "weekend_frequency",
    "nights",
    "long_shifts",
    "long_evenings",
    "oncall_duties",
    "oncall_frequency",
    "shortest_rest_hours",
    "longest_duty_hours",
    "max_consecutive_duty_days",
    "max_hours_in_168h",
)
M = {name: i for i, name in enumerate(METRIC_NAMES)}
#: Metrics that are whole-number counts per cycle.
COUNT_METRICS = frozenset(
    {
        "weekends_2002",
        "weekends",
        "nights",
        "long_shifts",
        "long_evenings",
        "oncall_duties",
        "max_consecutive_duty_days",
    }
)
N_METRICS = len(METRIC_NAMES)

_M_DUTY = M["duty_hours_per_week"]
_M_WORK = M["work_hours_per_week"]
_M_RES = M["resident_hours_per_week"]
_M_NROC = M["nroc_hours_per_week"]
_M_NROC_WORK = M["nroc_expected_work_hours_per_week"]
_M_UNS = M["unsocial_hours_per_week"]
_M_UNS_FRAC = M["unsocial_fraction"]
_M_UNS_RES = M["unsocial_resident_hours_per_week"]
_M_BH = M["bank_holiday_hours_per_week"]
_M_CORE = M["outside_core_hours_per_week"]
_M_WE02 = M["weekends_2002"]
_M_WE02_F = M["weekend_frequency_2002"]
_M_WE = M["weekends"]
_M_WE_F = M["weekend_frequency"]
_M_NIGHTS = M["nights"]
_M_LONG = M["long_shifts"]
_M_LONG_EVE = M["long_evenings"]
_M_OC = M["oncall_duties"]
_M_OC_F = M["oncall_frequency"]
_M_REST = M["shortest_rest_hours"]
_M_CONT = M["longest_duty_hours"]
_M_RUN = M["max_consecutive_duty_days"]
_M_168 = M["max_hours_in_168h"]


@njit(cache=True)
def metrics_one_line(start, length, kind, work, weeks, bank_holiday, defs, out):
    """Fill ``out`` (length ``N_METRICS``) with the metrics of one line.

    Parameters
    ----------
    start, length, kind, work : ndarray
        The line's duties sorted by start: start (min from cycle start), length
        (min), kind code, actual work (min).
    weeks : int
        Cycle length, weeks.
    bank_holiday : ndarray of bool
        Per cycle day.
    defs : ndarray of int64
        :meth:`simulator.definitions.Definitions.as_array`.
    out : ndarray of float64
        Receives the metrics in :data:`METRIC_NAMES` order.
    """
    n = start.shape[0]
    n_days = 7 * weeks
    cycle = weeks * MIN_PER_WEEK
    weekday = np.zeros(n_days, dtype=np.bool_)
    plain_2026 = np.zeros(n_days, dtype=np.bool_)
    for d in range(n_days):
        weekday[d] = d % 7 < 5
        plain_2026[d] = weekday[d] and not bank_holiday[d]
    every_week = np.ones(weeks, dtype=np.bool_)
    we02 = np.zeros(weeks, dtype=np.float64)
    we = np.zeros(weeks, dtype=np.float64)
    duty_day = np.zeros(n_days, dtype=np.bool_)

    duty = 0.0
    wk = 0.0
    res = 0.0
    nroc = 0.0
    nroc_work = 0.0
    uns = 0.0
    uns_res = 0.0
    bh = 0.0
    core_out = 0.0
    nights = 0
    longs = 0
    long_eves = 0
    oncalls = 0
    resident_sel = np.zeros(n, dtype=np.bool_)
    all_sel = np.ones(n, dtype=np.bool_)
    for i in range(n):
        s = np.int64(start[i])
        ln = np.int64(length[i])
        k = kind[i]
        duty += ln
        wk += work[i]
        plain = window_minutes(s, ln, MIN_PER_DAY, defs[D_PLAIN_START], defs[D_PLAIN_END], weekday)
        uns += ln - plain
        core = window_minutes(s, ln, MIN_PER_DAY, defs[D_CORE_START], defs[D_CORE_END], weekday)
        core_out += ln - core
        if is_resident(k):
            resident_sel[i] = True
            res += ln
            plain26 = window_minutes(
                s, ln, MIN_PER_DAY, defs[D_PLAIN_START], defs[D_PLAIN_END], plain_2026
            )
            uns_res += ln - plain26
            bh += window_minutes(s, ln, MIN_PER_DAY, 0, MIN_PER_DAY, bank_holiday)
        if k == KIND_NROC:
            nroc += ln
            nroc_work += work[i]
        if is_oncall(k):
            oncalls += 1
        add_window_minutes(
            s,
            ln,
            MIN_PER_WEEK,
            defs[D_WEEKEND_2002_START],
            defs[D_WEEKEND_2002_END],
            every_week,
            we02,
        )
        add_window_minutes(
            s, ln, MIN_PER_WEEK, defs[D_WEEKEND_START], defs[D_WEEKEND_END], every_week, we
        )
        if is_night(s, ln, k, defs):
            nights += 1
        if is_long(ln, k, defs):
            longs += 1
        if is_long_evening(s, ln, k, defs):
            long_eves += 1
        duty_day[(s // MIN_PER_DAY) % n_days] = True

    w = float(weeks)
    out[_M_DUTY] = duty / 60.0 / w
    out[_M_WORK] = wk / 60.0 / w
    out[_M_RES] = res / 60.0 / w
    out[_M_NROC] = nroc / 60.0 / w
    out[_M_NROC_WORK] = nroc_work / 60.0 / w
    out[_M_UNS] = uns / 60.0 / w
    out[_M_UNS_FRAC] = uns / duty if duty > 0 else 0.0
    out[_M_UNS_RES] = uns_res / 60.0 / w
    out[_M_BH] = bh / 60.0 / w
    out[_M_CORE] = core_out / 60.0 / w
    n_we02 = 0
    n_we = 0
    for j in range(weeks):
        if we02[j] > 0:
            n_we02 += 1
        if we[j] > 0:
            n_we += 1
    out[_M_WE02] = n_we02
    out[_M_WE02_F] = n_we02 / w
    out[_M_WE] = n_we
    out[_M_WE_F] = n_we / w
    out[_M_NIGHTS] = nights
    out[_M_LONG] = longs
    out[_M_LONG_EVE] = long_eves
    out[_M_OC] = oncalls
    out[_M_OC_F] = oncalls / float(n_days)

    p_start = np.empty(max(n, 1), dtype=np.int64)
    p_end = np.empty(max(n, 1), dtype=np.int64)
    n_p = merge_periods(start, length, all_sel, cycle, p_start, p_end)
    if n_p == 0:
        out[_M_REST] = cycle / 60.0
        out[_M_CONT] = 0.0
    elif n_p < 0:
        out[_M_REST] = 0.0
        out[_M_CONT] = cycle / 60.0
    else:
        shortest, longest = shortest_gap_longest_period(p_start, p_end, n_p, cycle)
        out[_M_REST] = shortest / 60.0
        out[_M_CONT] = longest / 60.0
    out[_M_RUN] = longest_cyclic_run(duty_day)
    out[_M_168] = max_window_minutes(start, length, resident_sel, cycle, defs[D_WINDOW]) / 60.0


@njit(cache=True, nogil=True)
def metrics_range(lo, hi, start, length, kind, work, offsets, weeks, bank_holiday, defs, out):
    """Fill rows ``lo:hi`` of ``out`` with the metrics of lines ``lo:hi`` (one thread)."""
    for i in range(lo, hi):
        a = offsets[i]
        b = offsets[i + 1]
        metrics_one_line(
            start[a:b], length[a:b], kind[a:b], work[a:b], weeks, bank_holiday, defs, out[i]
        )


def line_metrics(
    start: np.ndarray,
    length: np.ndarray,
    kind: np.ndarray,
    work: np.ndarray,
    offsets: np.ndarray,
    weeks: int,
    bank_holiday: np.ndarray,
    defs: np.ndarray,
) -> np.ndarray:
    """Metrics of every line of a compiled rota.

    Lines are shared between threads by :func:`~simulator.kernels.parallel.run_ranges`.

    Parameters
    ----------
    start, length, kind, work : ndarray
        Compiled duty arrays (see :class:`simulator.compile.CompiledRota`).
    offsets : ndarray of int64
        Line ``i`` owns duties ``offsets[i]:offsets[i+1]``.
    weeks : int
        Cycle length, weeks.
    bank_holiday : ndarray of bool
        Per cycle day.
    defs : ndarray of int64
        Time definitions.

    Returns
    -------
    ndarray of float64, shape (n_lines, N_METRICS)
    """
    out = np.zeros((offsets.shape[0] - 1, N_METRICS), dtype=np.float64)
    run_ranges(
        metrics_range, offsets, start, length, kind, work, offsets, int(weeks), bank_holiday,
        defs, out,
    )  # fmt: skip
    return out
