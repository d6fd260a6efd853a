"""Numba kernels of the rule families, vectorised over the lines of a compiled rota.

One function per rule family works on one line's duties (sorted by start, on the
cyclic timeline of ``cycle_min`` minutes) and appends violation records; the rule
table from :meth:`simulator.rules.ruleset.RuleSet.pack` chooses which families
run with which limits. Every window, run and rest gap wraps around the cycle end.

A violation record is ``(rule, day, clock, duty_a, duty_b, sub)`` (int64) plus
``(measured, limit)`` (float64, in display units: hours, shifts, days or a
frequency). ``duty_a``/``duty_b`` index the line's duties (-1 when not used),
``clock`` is minutes after midnight (-1 when not used) and ``sub`` tells a
family's sub-checks apart (see ``SUB_CHECKS``).

:func:`run_lines` first runs every line in parallel and only counts; then it
runs the lines with violations again to write their records into slices of one
preallocated table.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..kernels.duties import (
    D_WEEKEND_2002_END,
    D_WEEKEND_2002_START,
    D_WEEKEND_END,
    D_WEEKEND_START,
    KIND_NROC,
    is_long,
    is_long_evening,
    is_night,
)
from ..kernels.intervals import (
    MIN_PER_DAY,
    MIN_PER_WEEK,
    add_window_minutes,
    cyclic_gaps,
    max_window,
    merge_periods,
    overlap_min,
    window_minutes,
)
from ..kernels.parallel import run_ranges
from .ruleset import (
    F_CONSECUTIVE,
    F_CONTINUOUS,
    F_NROC,
    F_OFF_DUTY,
    F_REST,
    F_SHIFT_LENGTH,
    F_WEEKEND,
    F_WEEKLY,
    F_WINDOW,
    RI_FAMILY,
    RI_KINDS,
    RI_LTFT,
    RI_OPTION,
    RI_PATTERNS,
    RI_SELECTOR,
    S_DUTY_DAYS,
    S_LONG,
    S_LONG_EVENINGS,
    S_NIGHTS,
    S_SHIFTS,
)

#: Columns of the integer and float parts of a violation record.
REC_RULE, REC_DAY, REC_CLOCK, REC_A, REC_B, REC_SUB = range(6)
N_REC_INT = 6
REC_MEASURED, REC_LIMIT = 0, 1
N_REC_FLOAT = 2

#: Measures of ``average_weekly_hours`` (order of the family's ``measure`` option).
MEASURE_WORKING_TIME, MEASURE_DUTY, MEASURE_WORK = 0, 1, 2
#: Modes of ``off_duty_periods`` (order of the family's ``mode`` option).
MODE_BOTH, MODE_EITHER = 0, 1

#: Tolerance on float limits, minutes (limits are compared "at the limit is compliant").
EPS = 1e-6
_ONE = np.ones(1, dtype=np.bool_)


@njit(cache=True, inline="always")
def _emit(out_i, out_f, n, count_only, rule, day, clock, a, b, sub, measured, limit):
    """Write one record at row ``n`` (unless only counting); return ``n + 1``."""
    if not count_only:
        out_i[n, REC_RULE] = rule
        out_i[n, REC_DAY] = day
        out_i[n, REC_CLOCK] = clock
        out_i[n, REC_A] = a
        out_i[n, REC_B] = b
        out_i[n, REC_SUB] = sub
        out_f[n, REC_MEASURED] = measured
        out_f[n, REC_LIMIT] = limit
    return n + 1


@njit(cache=True)
def _duty_ending_at(start, length, sel, cycle, t):
    """Index of the selected duty that ends at ``t`` (mod cycle), or -1."""
    for i in range(start.shape[0]):
        if sel[i] and (np.int64(start[i]) + length[i] - t) % cycle == 0:
            return i
    return -1


@njit(cache=True)
def _duty_starting_at(start, sel, cycle, t):
    """Index of the selected duty that starts at ``t`` (mod cycle), or -1."""
    for i in range(start.shape[0]):
        if sel[i] and (np.int64(start[i]) - t) % cycle == 0:
            return i
    return -1


@njit(cache=True)
def cyclic_runs(flags, run_start, run_len):
    """Every maximal run of true flags on a cycle (a run may cross the cycle end).

    Parameters
    ----------
    flags : ndarray of bool
        One flag per position (e.g. per cycle day).
    run_start, run_len : ndarray of int64
        Output buffers at least ``len(flags)`` long: start position and length of
        each run.

    Returns
    -------
    int
        Number of runs; ``-1`` when every flag is true (one endless run).
    """
    n = flags.shape[0]
    first_false = -1
    for d in range(n):
        if not flags[d]:
            first_false = d
            break
    if first_false < 0:
        return -1
    m = 0
    cur = 0
    for k in range(1, n + 1):
        d = (first_false + k) % n
        if flags[d]:
            if cur == 0:
                run_start[m] = d
            cur += 1
        elif cur > 0:
            run_len[m] = cur
            m += 1
            cur = 0
    return m


# --------------------------------------------------------------------------- families


@njit(cache=True)
def average_weekly_hours(start, length, kind, work, sel, weeks, measure, p, rule, out, n, co):
    """Average weekly hours over the worst run of ``reference_period`` whole weeks.

    ``p = (limit_min_per_week, reference_period_weeks)``. With a cycle no longer
    than the reference period the whole cycle is averaged. Each duty's hours (or
    work, prorated by minutes) go to the weeks it overlaps.
    """
    out_i, out_f = out
    per_week = np.zeros(weeks, dtype=np.float64)
    for i in range(start.shape[0]):
        if not sel[i]:
            continue
        s = np.int64(start[i])
        ln = np.int64(length[i])
        use_length = measure == MEASURE_DUTY or (
            measure == MEASURE_WORKING_TIME and kind[i] != KIND_NROC
        )
        amount = float(ln) if use_length else work[i]
        t = s
        while t < s + ln:
            k = t // MIN_PER_WEEK
            piece = min(s + ln, (k + 1) * MIN_PER_WEEK) - t
            per_week[k % weeks] += amount * piece / ln
            t += piece
    ref = p[1]
    span = weeks if ref <= 0 or ref >= weeks else int(ref)
    n_windows = 1 if span == weeks else weeks
    best = -1.0
    best_w = 0
    for w in range(n_windows):
        total = 0.0
        for j in range(span):
            total += per_week[(w + j) % weeks]
        if total > best + EPS:
            best = total
            best_w = w
    if best > p[0] * span + EPS:
        n = _emit(
            out_i, out_f, n, co, rule, 7 * best_w, -1, -1, -1, 0, best / 60.0 / span, p[0] / 60.0
        )
    return n


@njit(cache=True)
def hours_in_window(start, length, sel, cycle, p, rule, out, n, co):
    """Most selected duty minutes in any window of ``p[1]`` minutes (limit ``p[0]``).

    The location reported is the window start with the most minutes (the earliest
    on the cycle when tied).
    """
    out_i, out_f = out
    window = np.int64(p[1])
    best, t = max_window(start, length, sel, cycle, window)
    if best <= p[0] + EPS:
        return n
    return _emit(
        out_i,
        out_f,
        n,
        co,
        rule,
        t // MIN_PER_DAY,
        t % MIN_PER_DAY,
        -1,
        -1,
        0,
        best / 60.0,
        p[0] / 60.0,
    )


@njit(cache=True)
def shift_length(start, length, sel, p, rule, out, n, co):
    """Every selected duty longer than ``p[0]`` minutes."""
    out_i, out_f = out
    for i in range(start.shape[0]):
        if sel[i] and length[i] > p[0] + EPS:
            s = np.int64(start[i])
            n = _emit(
                out_i,
                out_f,
                n,
                co,
                rule,
                s // MIN_PER_DAY,
                s % MIN_PER_DAY,
                i,
                -1,
                0,
                length[i] / 60.0,
                p[0] / 60.0,
            )
    return n


@njit(cache=True)
def rest_between_duties(start, length, sel, cycle, p, bufs, rule, out, n, co):
    """Every rest gap between merged selected duty periods shorter than ``p[0]`` minutes."""
    out_i, out_f = out
    ps, pe, gaps = bufs
    n_p = merge_periods(start, length, sel, cycle, ps, pe)
    if n_p == 0:
        return n
    if n_p < 0:
        return _emit(out_i, out_f, n, co, rule, 0, -1, -1, -1, 0, 0.0, p[0] / 60.0)
    cyclic_gaps(ps, pe, n_p, cycle, gaps)
    for j in range(n_p):
        if gaps[j] < p[0] - EPS:
            t = pe[j] % cycle
            a = _duty_ending_at(start, length, sel, cycle, pe[j])
            b = _duty_starting_at(start, sel, cycle, ps[(j + 1) % n_p])
            n = _emit(
                out_i,
                out_f,
                n,
                co,
                rule,
                t // MIN_PER_DAY,
                t % MIN_PER_DAY,
                a,
                b,
                0,
                gaps[j] / 60.0,
                p[0] / 60.0,
            )
    return n


@njit(cache=True)
def continuous_duty(start, length, sel, weeks, weekend, p, defs, bufs, rule, out, n, co):
    """Every merged duty period longer than ``p[0]`` minutes.

    A period that touches the weekend (``weekend`` 0: the 2002 definition, 1: the
    2016 one) may last ``p[1]`` minutes when ``p[1]`` is given.
    """
    out_i, out_f = out
    ps, pe, _ = bufs
    cycle = np.int64(weeks) * MIN_PER_WEEK
    n_p = merge_periods(start, length, sel, cycle, ps, pe)
    if n_p == 0:
        return n
    if n_p < 0:
        return _emit(out_i, out_f, n, co, rule, 0, -1, -1, -1, 0, cycle / 60.0, p[0] / 60.0)
    lo = defs[D_WEEKEND_2002_START] if weekend == 0 else defs[D_WEEKEND_START]
    hi = defs[D_WEEKEND_2002_END] if weekend == 0 else defs[D_WEEKEND_END]
    every_week = np.ones(weeks, dtype=np.bool_)
    for j in range(n_p):
        dur = pe[j] - ps[j]
        limit = p[0]
        s = ps[j] % cycle
        if not np.isnan(p[1]) and window_minutes(s, dur, MIN_PER_WEEK, lo, hi, every_week) > 0:
            limit = p[1]
        if dur > limit + EPS:
            a = _duty_starting_at(start, sel, cycle, ps[j])
            b = _duty_ending_at(start, length, sel, cycle, pe[j])
            n = _emit(
                out_i,
                out_f,
                n,
                co,
                rule,
                s // MIN_PER_DAY,
                s % MIN_PER_DAY,
                a,
                b,
                0,
                dur / 60.0,
                limit / 60.0,
            )
    return n


@njit(cache=True)
def consecutive_runs(start, length, kind, sel, n_days, selector, p, defs, rule, out, n, co):
    """Runs of days on which a counted duty starts; longest allowed ``p[0]``.

    ``selector`` chooses the counted duties (shifts, nights, long shifts, long
    evenings, any duty). After a run of at least ``p[2]`` (default ``p[0]``) days,
    the rest to the next selected duty must be at least ``p[1]`` minutes (when given).
    """
    out_i, out_f = out
    nd = start.shape[0]
    cycle = np.int64(n_days) * MIN_PER_DAY
    flags = np.zeros(n_days, dtype=np.bool_)
    first = np.full(n_days, -1, dtype=np.int64)
    last = np.full(n_days, -1, dtype=np.int64)
    for i in range(nd):
        if not sel[i]:
            continue
        s = np.int64(start[i])
        ln = np.int64(length[i])
        if selector == S_NIGHTS:
            counted = is_night(s, ln, kind[i], defs)
        elif selector == S_LONG:
            counted = is_long(ln, kind[i], defs)
        elif selector == S_LONG_EVENINGS:
            counted = is_long_evening(s, ln, kind[i], defs)
        else:
            counted = selector == S_SHIFTS or selector == S_DUTY_DAYS
        if counted:
            d = s // MIN_PER_DAY
            flags[d] = True
            if first[d] < 0:
                first[d] = i
            last[d] = i
    run_start = np.empty(n_days, dtype=np.int64)
    run_len = np.empty(n_days, dtype=np.int64)
    m = cyclic_runs(flags, run_start, run_len)
    if m < 0:
        if n_days > p[0] + EPS:
            n = _emit(out_i, out_f, n, co, rule, 0, -1, first[0], -1, 0, float(n_days), p[0])
        return n
    need_rest = p[2] if not np.isnan(p[2]) else p[0]
    for r in range(m):
        d0 = run_start[r]
        length_days = run_len[r]
        a = first[d0]
        b = last[(d0 + length_days - 1) % n_days]
        if length_days > p[0] + EPS:
            n = _emit(
                out_i,
                out_f,
                n,
                co,
                rule,
                d0,
                start[a] % MIN_PER_DAY,
                a,
                b,
                0,
                float(length_days),
                p[0],
            )
        if np.isnan(p[1]) or length_days < need_rest - EPS:
            continue
        end = np.int64(start[b]) + length[b]
        nxt = b
        for step in range(1, nd + 1):
            j = (b + step) % nd
            if sel[j]:
                nxt = j
                break
        t_next = np.int64(start[nxt]) + (cycle if nxt <= b else 0)
        gap = t_next - end
        if gap < p[1] - EPS:
            t = end % cycle
            n = _emit(
                out_i,
                out_f,
                n,
                co,
                rule,
                t // MIN_PER_DAY,
                t % MIN_PER_DAY,
                b,
                nxt,
                1,
                gap / 60.0,
                p[1] / 60.0,
            )
    return n


@njit(cache=True)
def weekend_frequency(start, length, sel, weeks, weekend, p, defs, rule, out, n, co):
    """Weekends worked ÷ weeks must not exceed 1 in ``p[0]``.

    A weekend is worked when any selected duty overlaps the weekend window
    (``weekend`` 0: 2016/2026 definition, 1: the 2002 one).
    """
    out_i, out_f = out
    lo = defs[D_WEEKEND_START] if weekend == 0 else defs[D_WEEKEND_2002_START]
    hi = defs[D_WEEKEND_END] if weekend == 0 else defs[D_WEEKEND_2002_END]
    every_week = np.ones(weeks, dtype=np.bool_)
    worked = np.zeros(weeks, dtype=np.float64)
    for i in range(start.shape[0]):
        if sel[i]:
            add_window_minutes(start[i], length[i], MIN_PER_WEEK, lo, hi, every_week, worked)
    count = 0
    first = -1
    for k in range(weeks):
        if worked[k] > 0:
            count += 1
            if first < 0:
                first = k
    one_in = p[0]
    over = count * one_in > weeks + EPS if one_in > 0 else count > 0
    if over:
        limit = 1.0 / one_in if one_in > 0 else 0.0
        n = _emit(
            out_i,
            out_f,
            n,
            co,
            rule,
            7 * first + lo // MIN_PER_DAY,
            -1,
            -1,
            -1,
            0,
            count / weeks,
            limit,
        )
    return n


@njit(cache=True)
def off_duty_periods(start, length, sel, n_days, mode, p, bufs, rule, out, n, co):
    """Off-duty periods in every window of ``p[0]`` days starting at each midnight.

    ``mode`` 0 (both): one period of at least ``p[1]`` minutes and another of at
    least ``p[2]``; 1 (either): one of ``p[1]`` or two of ``p[2]``. A period counts,
    at its full length, in every window it overlaps. Failing windows on
    consecutive start days give one violation, reported on the first failing start day.
    """
    out_i, out_f = out
    ps, pe, gaps = bufs
    cycle = np.int64(n_days) * MIN_PER_DAY
    n_p = merge_periods(start, length, sel, cycle, ps, pe)
    if n_p == 0:
        return n
    if n_p < 0:
        return _emit(out_i, out_f, n, co, rule, 0, -1, -1, -1, 0, 0.0, p[1] / 60.0)
    cyclic_gaps(ps, pe, n_p, cycle, gaps)
    span = np.int64(p[0] * MIN_PER_DAY)
    laps = span // cycle + 6
    gs = np.empty(laps * n_p, dtype=np.int64)
    ge = np.empty(laps * n_p, dtype=np.int64)
    k = 0
    for lap in range(-2, laps - 2):
        for j in range(n_p):
            gs[k] = pe[j] + lap * cycle
            ge[k] = gs[k] + gaps[j]
            k += 1
    fail = np.zeros(n_days, dtype=np.bool_)
    longest = np.zeros(n_days, dtype=np.int64)
    second = np.zeros(n_days, dtype=np.int64)
    for d in range(n_days):
        t0 = np.int64(d) * MIN_PER_DAY
        t1 = t0 + span
        n_long = 0
        n_short = 0
        j = np.searchsorted(ge, t0, side="right")
        while j < k and gs[j] < t1:
            part = ge[j] - gs[j]
            if part >= p[1] - EPS:
                n_long += 1
            if part >= p[2] - EPS:
                n_short += 1
            if part > longest[d]:
                second[d] = longest[d]
                longest[d] = part
            elif part > second[d]:
                second[d] = part
            j += 1
        if mode == MODE_BOTH:
            fail[d] = not (n_long >= 1 and n_short >= 2)
        else:
            fail[d] = not (n_long >= 1 or n_short >= 2)
    run_start = np.empty(n_days, dtype=np.int64)
    run_len = np.empty(n_days, dtype=np.int64)
    m = cyclic_runs(fail, run_start, run_len)
    if m < 0:
        m = 1
        run_start[0] = 0
    for r in range(m):
        d = run_start[r]
        if longest[d] < p[1] - EPS:
            n = _emit(out_i, out_f, n, co, rule, d, -1, -1, -1, 0, longest[d] / 60.0, p[1] / 60.0)
        else:
            n = _emit(out_i, out_f, n, co, rule, d, -1, -1, -1, 1, second[d] / 60.0, p[2] / 60.0)
    return n


@njit(cache=True)
def _free_stretch(start, length, kind, work, cycle, w0, w1):
    """Longest stretch of ``[w0, w1)`` free of resident duty and NROC work blocks.

    NROC work is one block from the start of each NROC period (its expected work).
    """
    nd = start.shape[0]
    a = np.empty(3 * nd, dtype=np.int64)
    b = np.empty(3 * nd, dtype=np.int64)
    m = 0
    for i in range(nd):
        busy = np.int64(length[i]) if kind[i] != KIND_NROC else np.int64(round(work[i]))
        if busy <= 0:
            continue
        for lap in range(-1, 2):
            s = np.int64(start[i]) + lap * cycle
            lo = max(s, w0)
            hi = min(s + busy, w1)
            if hi > lo:
                a[m] = lo
                b[m] = hi
                m += 1
    for q in range(1, m):  # insertion sort by start: few blocks meet one window
        lo = a[q]
        hi = b[q]
        r = q - 1
        while r >= 0 and a[r] > lo:
            a[r + 1] = a[r]
            b[r + 1] = b[r]
            r -= 1
        a[r + 1] = lo
        b[r + 1] = hi
    cur = w0
    best = 0
    for q in range(m):
        if a[q] > cur:
            best = max(best, a[q] - cur)
        cur = max(cur, b[q])
    return max(best, w1 - cur)


@njit(cache=True)
def nroc_rest(start, length, kind, work, expw, sel, cycle, p, rule, out, n, co):
    """Rest during each selected NROC period with declared expected work.

    The expected work is placed as one block from the start of the NROC period.
    Total rest: the part of the ``p[1]`` minutes from the NROC start not covered
    by resident duty or NROC work must be at least ``p[0]``. Continuous rest: in
    every overnight window ``[p[3], p[4])`` (minutes after midnight; an end not
    after the start is the next day) that overlaps the NROC period, the longest
    free stretch must be at least ``p[2]``.
    """
    out_i, out_f = out
    w_lo = np.int64(p[3])
    w_hi = np.int64(p[4])
    if w_hi <= w_lo:
        w_hi += MIN_PER_DAY
    per = np.int64(p[1])
    for i in range(start.shape[0]):
        if not sel[i] or kind[i] != KIND_NROC or np.isnan(expw[i]):
            continue
        s = np.int64(start[i])
        e = s + length[i]
        busy = 0
        for j in range(start.shape[0]):
            amount = np.int64(length[j]) if kind[j] != KIND_NROC else np.int64(round(work[j]))
            for lap in range(-1, 2):
                sj = np.int64(start[j]) + lap * cycle
                busy += overlap_min(sj, sj + amount, s, s + per)
        rest = per - busy
        if rest < p[0] - EPS:
            n = _emit(
                out_i,
                out_f,
                n,
                co,
                rule,
                s // MIN_PER_DAY,
                s % MIN_PER_DAY,
                i,
                -1,
                0,
                rest / 60.0,
                p[0] / 60.0,
            )
        for d in range(s // MIN_PER_DAY - 1, e // MIN_PER_DAY + 1):
            w0 = d * MIN_PER_DAY + w_lo
            w1 = d * MIN_PER_DAY + w_hi
            if overlap_min(s, e, w0, w1) <= 0:
                continue
            free = _free_stretch(start, length, kind, work, cycle, w0, w1)
            if free < p[2] - EPS:
                t = w0 % cycle
                n = _emit(
                    out_i,
                    out_f,
                    n,
                    co,
                    rule,
                    t // MIN_PER_DAY,
                    t % MIN_PER_DAY,
                    i,
                    -1,
                    1,
                    free / 60.0,
                    p[2] / 60.0,
                )
    return n


# --------------------------------------------------------------------------- drivers


@njit(cache=True, inline="always")
def check_line(
    start,
    length,
    kind,
    work,
    expw,
    weeks,
    pattern,
    ltft,
    defs,
    r_int,
    r_f,
    out_i,
    out_f,
    count_only,
    stop_at_first=False,
):
    """Run every applicable rule on one line; return the number of violations.

    Parameters
    ----------
    start, length, kind, work, expw : ndarray
        The line's duties sorted by start: start (min from cycle start), length
        (min), kind code, actual work (min), declared expected work (min, NaN if none).
    weeks : int
        Cycle length, weeks.
    pattern : int
        Working pattern code of the line (0 full, 1 partial, 2 on-call).
    ltft : bool
        Less-than-full-time line.
    defs : ndarray of int64
        Time definitions.
    r_int, r_f : ndarray
        Rule table (:meth:`simulator.rules.ruleset.RuleSet.pack`).
    out_i, out_f : ndarray
        Record buffers (ignored when ``count_only``).
    count_only : bool
        Only count.
    stop_at_first : bool
        With ``count_only``: stop after the first rule that is broken (the count is
        then only known to be positive) — enough to decide compliance.
    """
    nd = start.shape[0]
    n_days = 7 * weeks
    cycle = np.int64(weeks) * MIN_PER_WEEK
    sel = np.empty(nd, dtype=np.bool_)
    size = max(nd, 1)
    bufs = (np.empty(size, np.int64), np.empty(size, np.int64), np.empty(size, np.int64))
    out = (out_i, out_f)
    n = np.int64(0)  # not the literal 0: the family kernels compile once, for int64
    for r in range(r_int.shape[0]):
        if stop_at_first and count_only and n > 0:
            return n
        if (r_int[r, RI_PATTERNS] >> pattern) & 1 == 0:
            continue
        if r_int[r, RI_LTFT] >= 0 and r_int[r, RI_LTFT] != np.int64(ltft):
            continue
        mask = r_int[r, RI_KINDS]
        for i in range(nd):
            sel[i] = (mask >> np.int64(kind[i])) & 1 == 1
        fam = r_int[r, RI_FAMILY]
        opt = r_int[r, RI_OPTION]
        p = r_f[r]
        co = count_only
        if fam == F_WEEKLY:
            n = average_weekly_hours(start, length, kind, work, sel, weeks, opt, p, r, out, n, co)
        elif fam == F_WINDOW:
            n = hours_in_window(start, length, sel, cycle, p, r, out, n, co)
        elif fam == F_SHIFT_LENGTH:
            n = shift_length(start, length, sel, p, r, out, n, co)
        elif fam == F_REST:
            n = rest_between_duties(start, length, sel, cycle, p, bufs, r, out, n, co)
        elif fam == F_CONTINUOUS:
            n = continuous_duty(start, length, sel, weeks, opt, p, defs, bufs, r, out, n, co)
        elif fam == F_CONSECUTIVE:
            sl = r_int[r, RI_SELECTOR]
            n = consecutive_runs(start, length, kind, sel, n_days, sl, p, defs, r, out, n, co)
        elif fam == F_WEEKEND:
            n = weekend_frequency(start, length, sel, weeks, opt, p, defs, r, out, n, co)
        elif fam == F_OFF_DUTY:
            n = off_duty_periods(start, length, sel, n_days, opt, p, bufs, r, out, n, co)
        elif fam == F_NROC:
            n = nroc_rest(start, length, kind, work, expw, sel, cycle, p, r, out, n, co)
    return n


@njit(cache=True, nogil=True)
def check_range(
    lo,
    hi,
    start,
    length,
    kind,
    work,
    expw,
    offsets,
    weeks,
    pattern,
    ltft,
    defs,
    r_int,
    r_f,
    lines,
    rec_offsets,
    count_only,
    stop_at_first,
    counts,
    out_i,
    out_f,
):
    """Check lines ``lines[lo:hi]`` (one thread of :func:`run_lines`)."""
    for j in range(lo, hi):
        i = lines[j]
        a = offsets[i]
        b = offsets[i + 1]
        r0 = 0 if count_only else rec_offsets[j]
        r1 = 0 if count_only else rec_offsets[j + 1]
        counts[j] = check_line(
            start[a:b],
            length[a:b],
            kind[a:b],
            work[a:b],
            expw[a:b],
            weeks,
            pattern[i],
            ltft[i],
            defs,
            r_int,
            r_f,
            out_i[r0:r1],
            out_f[r0:r1],
            count_only,
            stop_at_first,
        )


def run_lines(
    start: np.ndarray,
    length: np.ndarray,
    kind: np.ndarray,
    work: np.ndarray,
    expw: np.ndarray,
    offsets: np.ndarray,
    weeks: int,
    pattern: np.ndarray,
    ltft: np.ndarray,
    defs: np.ndarray,
    r_int: np.ndarray,
    r_f: np.ndarray,
    lines: np.ndarray,
    rec_offsets: np.ndarray,
    count_only: bool,
    stop_at_first: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check the given lines on several threads: count their violations or write their records.

    Parameters
    ----------
    start, length, kind, work, expw, offsets : ndarray
        Compiled duty arrays and per-line offsets.
    weeks : int
        Cycle length, weeks.
    pattern, ltft : ndarray
        Per line: working pattern code and LTFT flag.
    defs, r_int, r_f : ndarray
        Time definitions and the packed rule table.
    lines : ndarray of int64
        Lines to check.
    rec_offsets : ndarray of int64
        When writing: line ``lines[j]`` fills record rows ``rec_offsets[j]:rec_offsets[j+1]``.
    count_only : bool
        Only count (``rec_offsets`` is then ignored).
    stop_at_first : bool
        When counting, stop each line at its first broken rule (compliance only).

    Returns
    -------
    counts : ndarray of int64
        Violations per checked line.
    rec_int, rec_f : ndarray
        The records (empty when counting).
    """
    total = 0 if count_only else int(rec_offsets[-1])
    out_i = np.empty((total, N_REC_INT), dtype=np.int64)
    out_f = np.empty((total, N_REC_FLOAT), dtype=np.float64)
    counts = np.zeros(lines.shape[0], dtype=np.int64)
    sizes = offsets[lines + 1] - offsets[lines]
    work_offsets = np.zeros(lines.shape[0] + 1, dtype=np.int64)
    np.cumsum(sizes, out=work_offsets[1:])
    run_ranges(
        check_range, work_offsets, start, length, kind, work, expw, offsets, int(weeks), pattern,
        ltft, defs, r_int, r_f, lines, rec_offsets, bool(count_only), bool(stop_at_first),
        counts, out_i, out_f,
    )  # fmt: skip
    return counts, out_i, out_f
