"""Plain-Python reference implementation of the line metrics.

Written independently of the Numba kernels: duties are cut into pieces on
``[0, cycle)`` at the cycle end, windows are listed explicitly for every day or
week of the cycle (also cut at the cycle end), and overlaps are summed piece by
piece. Slow and obvious; the tests compare the kernels with it.
"""

from __future__ import annotations

from ..definitions import Definitions
from .metrics import METRIC_NAMES

DAY = 1440
WEEK = 10080


def _pieces(start: int, length: int, cycle: int) -> list[tuple[int, int]]:
    """Cut ``[start, start+length)`` at the cycle end into pieces inside ``[0, cycle)``."""
    end = start + length
    if end <= cycle:
        return [(start, end)]
    return [(start, cycle), (0, end - cycle)]


def _windows(period: int, lo: int, hi: int, flags: list[bool], cycle: int):
    """Explicit windows ``[k*period+lo, k*period+hi)`` for flagged periods, cut at the end."""
    out: list[tuple[int, int, int]] = []  # (a, b, period index)
    for k, flag in enumerate(flags):
        if flag:
            for a, b in _pieces(k * period + lo, hi - lo, cycle):
                out.append((a, b, k))
    return out


def _ov(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _inside(pieces, windows) -> int:
    return sum(_ov(p, (w[0], w[1])) for p in pieces for w in windows)


def line_metrics_reference(
    duties: list[tuple[int, int, int, float]],
    weeks: int,
    bank_holiday: list[bool],
    defs: Definitions,
) -> dict[str, float]:
    """Metrics of one line, by brute force.

    Parameters
    ----------
    duties
        ``(start_min, length_min, kind_code, work_min)`` per duty.
    weeks
        Cycle length, weeks.
    bank_holiday
        Per cycle day.
    defs
        Time definitions.

    Returns
    -------
    dict
        Metric name to value, same names and units as the kernel.
    """
    cycle = weeks * WEEK
    n_days = 7 * weeks
    weekday = [d % 7 < 5 for d in range(n_days)]
    plain_26 = [weekday[d] and not bank_holiday[d] for d in range(n_days)]
    plain_w = _windows(DAY, defs.plain_start_min, defs.plain_end_min, weekday, cycle)
    plain26_w = _windows(DAY, defs.plain_start_min, defs.plain_end_min, plain_26, cycle)
    core_w = _windows(DAY, defs.ltft_core_start_min, defs.ltft_core_end_min, weekday, cycle)
    bh_w = _windows(DAY, 0, DAY, bank_holiday, cycle)
    night_w = _windows(DAY, defs.night_start_min, defs.night_end_min, [True] * n_days, cycle)
    we02_w = _windows(
        WEEK, defs.weekend_2002_start_min, defs.weekend_2002_end_min, [True] * weeks, cycle
    )
    we_w = _windows(WEEK, defs.weekend_start_min, defs.weekend_end_min, [True] * weeks, cycle)

    r: dict[str, float] = dict.fromkeys(METRIC_NAMES, 0.0)
    we02: set[int] = set()
    we: set[int] = set()
    duty_days: set[int] = set()
    for start, length, kind, work in duties:
        pieces = _pieces(start, length, cycle)
        resident = kind != 3
        r["duty_hours_per_week"] += length
        r["work_hours_per_week"] += work
        r["unsocial_hours_per_week"] += length - _inside(pieces, plain_w)
        r["outside_core_hours_per_week"] += length - _inside(pieces, core_w)
        if resident:
            r["resident_hours_per_week"] += length
            r["unsocial_resident_hours_per_week"] += length - _inside(pieces, plain26_w)
            r["bank_holiday_hours_per_week"] += _inside(pieces, bh_w)
            if _inside(pieces, night_w) >= defs.night_min_work_min:
                r["nights"] += 1
            if length > defs.long_shift_more_than_min:
                r["long_shifts"] += 1
                clock = start % DAY
                if (
                    clock < defs.long_evening_starts_before_min
                    and clock + length > defs.long_evening_ends_after_min
                ):
                    r["long_evenings"] += 1
        else:
            r["nroc_hours_per_week"] += length
            r["nroc_expected_work_hours_per_week"] += work
        if kind in (2, 3):
            r["oncall_duties"] += 1
        for w in we02_w:
            if any(_ov(p, (w[0], w[1])) for p in pieces):
                we02.add(w[2])
        for w in we_w:
            if any(_ov(p, (w[0], w[1])) for p in pieces):
                we.add(w[2])
        duty_days.add(start // DAY)
    duty_total = r["duty_hours_per_week"]
    r["unsocial_fraction"] = r["unsocial_hours_per_week"] / duty_total if duty_total else 0.0
    for name in (
        "duty_hours_per_week",
        "work_hours_per_week",
        "resident_hours_per_week",
        "nroc_hours_per_week",
        "nroc_expected_work_hours_per_week",
        "unsocial_hours_per_week",
        "unsocial_resident_hours_per_week",
        "bank_holiday_hours_per_week",
        "outside_core_hours_per_week",
    ):
        r[name] = r[name] / 60.0 / weeks
    r["weekends_2002"] = len(we02)
    r["weekend_frequency_2002"] = len(we02) / weeks
    r["weekends"] = len(we)
    r["weekend_frequency"] = len(we) / weeks
    r["oncall_frequency"] = r["oncall_duties"] / n_days

    # continuous duty and rest: merge over two laps of the cycle, read the second lap
    laps = sorted(
        (s + lap * cycle, s + lap * cycle + ln) for lap in range(3) for s, ln, _, _ in duties
    )
    merged: list[list[int]] = []
    for s, e in laps:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    if not duties:
        r["shortest_rest_hours"] = cycle / 60.0
        r["longest_duty_hours"] = 0.0
    elif len(merged) == 1:
        r["shortest_rest_hours"] = 0.0
        r["longest_duty_hours"] = cycle / 60.0
    else:
        lap2 = [(s, e) for s, e in merged if e > cycle and s < 2 * cycle]
        gaps = [
            b[0] - a[1]
            for a, b in zip(merged, merged[1:], strict=False)
            if cycle <= b[0] <= 2 * cycle
        ]
        r["shortest_rest_hours"] = min(gaps) / 60.0
        r["longest_duty_hours"] = max(e - s for s, e in lap2) / 60.0
        r["longest_duty_hours"] = min(r["longest_duty_hours"], cycle / 60.0)

    flags = [d in duty_days for d in range(n_days)]
    if all(flags):
        r["max_consecutive_duty_days"] = n_days
    else:
        best = run = 0
        for f in flags + flags:
            run = run + 1 if f else 0
            best = max(best, run)
        r["max_consecutive_duty_days"] = best

    res = [(s, s + ln) for s, ln, k, _ in duties if k != 3]
    res3 = [(a + lap * cycle, b + lap * cycle) for lap in (-1, 0, 1) for a, b in res]
    best168 = 0
    window = defs.window_length_min
    for t in [a for a, _ in res] + [b - window for _, b in res]:
        best168 = max(best168, sum(_ov((t, t + window), iv) for iv in res3))
    r["max_hours_in_168h"] = best168 / 60.0
    return r
