"""Verdict-only rule kernels: is a line compliant, stopping at the first broken rule.

:func:`line_broken` answers the question :func:`simulator.rules.compliant_lines`
asks -- does any rule of the set have a violation on this line? -- without
locating the violations. Each family function here tells whether
:mod:`simulator.rules.kernels` would emit at least one record for the rule, with
the same comparisons (and the same tolerance ``EPS``), so the verdict equals
``check(...).compliant`` exactly; the agreement tests hold them together.

They are written for the fused line pass (:mod:`simulator.kernels.fused`):
no allocation per line (every buffer comes from the caller, sized for the
longest line), merged duty periods computed once per kinds mask and shared
between rules, sliding windows with pointers that only move forward instead of
a binary search per window, and a return at the first failure.

The rest-during-NROC family (``nroc_rest``) has no verdict kernel here;
:func:`supported` tells the caller, which then uses the detailed kernels.
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
)
from ..kernels.intervals import (
    MIN_PER_DAY,
    MIN_PER_WEEK,
    compact_kinds,
    max_window_cycle,
    merge_kinds,
    overlap_min,
    window_minutes,
)
from .kernels import EPS, MEASURE_DUTY, MEASURE_WORKING_TIME, MODE_BOTH
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
    S_LONG,
    S_LONG_EVENINGS,
    S_NIGHTS,
)

#: Bits of the per-duty class flags filled by the line pass (``dflag``).
DF_NIGHT, DF_LONG, DF_LONG_EVENING = 1, 2, 4
#: Kinds mask of every duty kind (shift, partial, resident on-call, NROC).
ALL_KINDS_MASK = 15


def supported(r_int: np.ndarray) -> bool:
    """Whether every rule of a packed rule table has a verdict kernel here."""
    return not bool(np.any(r_int[:, RI_FAMILY] == F_NROC))


@njit(cache=True, nogil=True)
def weekly_broken(start, length, kind, work, mask, weeks, measure, p, per_week):
    """``average_weekly_hours``: the worst run of weeks averages more than ``p[0]``.

    Same arithmetic, in the same order, as :func:`simulator.rules.kernels.average_weekly_hours`.
    """
    per_week[:] = 0.0
    for i in range(start.shape[0]):
        if (mask >> np.int64(kind[i])) & 1 == 0:
            continue
        s = np.int64(start[i])
        ln = np.int64(length[i])
        use_length = measure == MEASURE_DUTY or (
            measure == MEASURE_WORKING_TIME and kind[i] != KIND_NROC
        )
        amount = float(ln) if use_length else work[i]
        k = s // MIN_PER_WEEK
        if use_length and s + ln <= (k + 1) * MIN_PER_WEEK:
            # one week, whole duty: amount * ln / ln is exactly amount (integers)
            while k >= weeks:
                k -= weeks
            per_week[k] += amount
            continue
        t = s
        while t < s + ln:
            k = t // MIN_PER_WEEK
            piece = min(s + ln, (k + 1) * MIN_PER_WEEK) - t
            w = k
            while w >= weeks:
                w -= weeks
            per_week[w] += amount * piece / ln
            t += piece
    ref = p[1]
    span = weeks if ref <= 0 or ref >= weeks else int(ref)
    n_windows = 1 if span == weeks else weeks
    best = -1.0
    for w in range(n_windows):
        total = 0.0
        for j in range(span):
            total += per_week[(w + j) % weeks]
        if total > best + EPS:
            best = total
    return best > p[0] * span + EPS


@njit(cache=True, nogil=True)
def continuous_broken(ps, pe, n_p, weeks, weekend, p, defs, week_ones):
    """``continuous_duty``: a merged period longer than its limit (``p[1]`` over a weekend)."""
    if n_p == 0:
        return False
    if n_p < 0:
        return True
    cycle = np.int64(weeks) * MIN_PER_WEEK
    lo = defs[D_WEEKEND_2002_START] if weekend == 0 else defs[D_WEEKEND_START]
    hi = defs[D_WEEKEND_2002_END] if weekend == 0 else defs[D_WEEKEND_END]
    for j in range(n_p):
        dur = pe[j] - ps[j]
        limit = p[0]
        if dur <= limit + EPS and (np.isnan(p[1]) or dur <= p[1] + EPS):
            continue  # within both limits: no need to look for the weekend
        s = ps[j] % cycle
        if not np.isnan(p[1]) and window_minutes(s, dur, MIN_PER_WEEK, lo, hi, week_ones) > 0:
            limit = p[1]
        if dur > limit + EPS:
            return True
    return False


@njit(cache=True, nogil=True)
def rest_broken(ps, pe, n_p, cycle, p):
    """``rest_between_duties``: a gap between merged periods shorter than ``p[0]``."""
    if n_p == 0:
        return False
    if n_p < 0:
        return True
    for j in range(n_p - 1):
        if ps[j + 1] - pe[j] < p[0] - EPS:
            return True
    return ps[0] + cycle - pe[n_p - 1] < p[0] - EPS


@njit(cache=True, nogil=True, inline="always")
def _gap(ps, pe, n_p, cycle, j):
    """Length of the off-duty gap after merged period ``j`` (the last one wraps)."""
    return ps[j + 1] - pe[j] if j + 1 < n_p else ps[0] + cycle - pe[j]


@njit(cache=True, nogil=True)
def off_duty_broken(ps, pe, n_p, n_days, mode, p):
    """``off_duty_periods``: some window of ``p[0]`` days from a midnight lacks the periods.

    Off-duty gaps laid out over the same laps as the detailed kernel; for the windows
    ``[d, d + p[0])`` days, ``d = 0, 1, …``, a lower pointer (first gap ending after
    the window start) and an upper pointer (first gap starting at or after its end)
    only move forward, and the gaps between them are counted as they enter and leave.
    """
    if n_p == 0:
        return False
    if n_p < 0:
        return True
    cycle = np.int64(n_days) * MIN_PER_DAY
    span = np.int64(p[0] * MIN_PER_DAY)
    laps = span // cycle + 6
    k_max = laps * n_p
    lo_k = 0  # gap index k = (lap + 2) * n_p + j
    lo_lap = -2
    lo_j = 0
    hi_k = 0
    hi_lap = -2
    hi_j = 0
    n_long = 0
    n_short = 0
    for d in range(n_days):
        t0 = np.int64(d) * MIN_PER_DAY
        t1 = t0 + span
        while lo_k < k_max:  # leave: gaps ending at or before the window start
            gap = _gap(ps, pe, n_p, cycle, lo_j)
            if pe[lo_j] + lo_lap * cycle + gap > t0:
                break
            if lo_k < hi_k:
                n_long -= gap >= p[1] - EPS
                n_short -= gap >= p[2] - EPS
            lo_k += 1
            lo_j += 1
            if lo_j == n_p:
                lo_j = 0
                lo_lap += 1
        if hi_k < lo_k:
            hi_k, hi_lap, hi_j = lo_k, lo_lap, lo_j
        while hi_k < k_max and pe[hi_j] + hi_lap * cycle < t1:  # enter: gaps starting inside
            gap = _gap(ps, pe, n_p, cycle, hi_j)
            n_long += gap >= p[1] - EPS
            n_short += gap >= p[2] - EPS
            hi_k += 1
            hi_j += 1
            if hi_j == n_p:
                hi_j = 0
                hi_lap += 1
        if mode == MODE_BOTH:
            if not (n_long >= 1 and n_short >= 2):
                return True
        elif not (n_long >= 1 or n_short >= 2):
            return True
    return False


@njit(cache=True, nogil=True)
def weekend_broken(start, length, kind, mask, weeks, weekend, p, defs, worked):
    """``weekend_frequency``: weekends worked ÷ weeks more than 1 in ``p[0]``."""
    lo = defs[D_WEEKEND_START] if weekend == 0 else defs[D_WEEKEND_2002_START]
    hi = defs[D_WEEKEND_END] if weekend == 0 else defs[D_WEEKEND_2002_END]
    worked[:] = 0
    for i in range(start.shape[0]):
        if (mask >> np.int64(kind[i])) & 1 == 0:
            continue
        s = np.int64(start[i])
        e = s + length[i]
        for k in range((s - hi) // MIN_PER_WEEK, (e - lo) // MIN_PER_WEEK + 2):
            if overlap_min(s, e, k * MIN_PER_WEEK + lo, k * MIN_PER_WEEK + hi) > 0:
                worked[k % weeks] = 1
    count = 0
    for k in range(weeks):
        count += worked[k]
    one_in = p[0]
    return count * one_in > weeks + EPS if one_in > 0 else count > 0


@njit(cache=True, nogil=True, inline="always")
def _counted(selector, flags):
    """Whether a duty with class ``flags`` is one step of a run for ``selector``."""
    if selector == S_NIGHTS:
        return flags & DF_NIGHT != 0
    if selector == S_LONG:
        return flags & DF_LONG != 0
    if selector == S_LONG_EVENINGS:
        return flags & DF_LONG_EVENING != 0
    return True  # shifts, duty days: every selected duty


@njit(cache=True, nogil=True, inline="always")
def _run_broken(start, length, kind, mask, cycle, length_days, b, p, need_rest):
    """A run of ``length_days`` days ending with duty ``b``: too long, or too little rest after."""
    if length_days > p[0] + EPS:
        return True
    if np.isnan(p[1]) or length_days < need_rest - EPS:
        return False
    nd = start.shape[0]
    nxt = b
    for step in range(1, nd + 1):
        j = b + step
        if j >= nd:
            j -= nd
        if (mask >> np.int64(kind[j])) & 1 == 1:
            nxt = j
            break
    t_next = np.int64(start[nxt]) + (cycle if nxt <= b else 0)
    return t_next - (np.int64(start[b]) + length[b]) < p[1] - EPS


@njit(cache=True, nogil=True)
def consecutive_broken(start, length, kind, mask, n_days, selector, p, dflag):
    """``consecutive_*``: a run of days with a counted duty longer than ``p[0]``, or short rest.

    Runs are read off the duties in start order (their days never decrease); the run
    that reaches the last day of the cycle continues into the one starting on day 0.
    """
    cycle = np.int64(n_days) * MIN_PER_DAY
    need_rest = p[2] if not np.isnan(p[2]) else p[0]
    first_len = -1  # the first run, held back: it may continue the last one
    first_b = -1
    first_start = -1
    run_start = -1
    last_day = -2
    b = -1
    for i in range(start.shape[0]):
        if (mask >> np.int64(kind[i])) & 1 == 0 or not _counted(selector, dflag[i]):
            continue
        d = np.int64(start[i]) // MIN_PER_DAY
        if d == last_day:
            b = i
            continue
        if d != last_day + 1 and run_start >= 0:  # the run ending on last_day is over
            if first_len < 0:
                first_len, first_b, first_start = last_day - run_start + 1, b, run_start
            elif _run_broken(
                start, length, kind, mask, cycle, last_day - run_start + 1, b, p, need_rest
            ):
                return True
            run_start = -1
        if run_start < 0:
            run_start = d
        last_day = d
        b = i
    if run_start < 0:
        return False  # nothing counted
    last_len = last_day - run_start + 1
    if first_len < 0:  # a single run
        if last_len == n_days:  # every day: one endless run
            return n_days > p[0] + EPS
        return _run_broken(start, length, kind, mask, cycle, last_len, b, p, need_rest)
    if first_start == 0 and last_day == n_days - 1:  # the last run continues into the first
        return _run_broken(
            start, length, kind, mask, cycle, first_len + last_len, first_b, p, need_rest
        )
    if _run_broken(start, length, kind, mask, cycle, first_len, first_b, p, need_rest):
        return True
    return _run_broken(start, length, kind, mask, cycle, last_len, b, p, need_rest)


@njit(cache=True, nogil=True, inline="always")
def rule_broken(
    r, start_all, length_all, kind_all, work_all, a, b, weeks, defs, r_int, r_f, dflag, periods,
    bufs, laps,
):  # fmt: skip
    """Whether rule ``r`` of the table is broken on one line (see :func:`line_broken`).

    The line's duties are ``a:b`` of the ``*_all`` arrays; ``periods`` is
    ``(ps, pe, n_p)``, the merged periods of every duty.
    """
    ps2, pe2, cs, ce, cum, per_week, worked, week_ones = bufs
    n_days = 7 * weeks
    cycle = np.int64(weeks) * MIN_PER_WEEK
    mask = r_int[r, RI_KINDS]
    fam = r_int[r, RI_FAMILY]
    opt = r_int[r, RI_OPTION]
    p = r_f[r]
    if fam == F_REST or fam == F_CONTINUOUS or fam == F_OFF_DUTY:
        p_s, p_e, n_p = periods
        if mask != ALL_KINDS_MASK:
            n_p = merge_kinds(start_all[a:b], length_all[a:b], kind_all[a:b], mask, cycle, ps2, pe2)
            p_s, p_e = ps2, pe2
        if fam == F_REST:
            return rest_broken(p_s, p_e, n_p, cycle, p)
        if fam == F_CONTINUOUS:
            return continuous_broken(p_s, p_e, n_p, weeks, opt, p, defs, week_ones)
        return off_duty_broken(p_s, p_e, n_p, n_days, opt, p)
    # the other families read the duties: views of the line, made only when needed
    start = start_all[a:b]
    length = length_all[a:b]
    kind = kind_all[a:b]
    if fam == F_WEEKLY:
        return weekly_broken(start, length, kind, work_all[a:b], mask, weeks, opt, p, per_week)
    if fam == F_WINDOW:
        m = compact_kinds(start, length, kind, mask, cs, ce, cum)
        best = max_window_cycle(cs, ce, cum, m, cycle, np.int64(p[1]), laps[0], laps[1])
        return best > p[0] + EPS
    if fam == F_SHIFT_LENGTH:
        for i in range(start.shape[0]):
            if (mask >> np.int64(kind[i])) & 1 == 1 and length[i] > p[0] + EPS:
                return True
        return False
    if fam == F_CONSECUTIVE:
        sel = r_int[r, RI_SELECTOR]
        return consecutive_broken(start, length, kind, mask, n_days, sel, p, dflag)
    if fam == F_WEEKEND:
        return weekend_broken(start, length, kind, mask, weeks, opt, p, defs, worked)
    return False  # nroc_rest: see supported()


@njit(cache=True, nogil=True, inline="always")
def _tier(fam):
    """When :func:`line_broken` tries a rule family: 0 first, then 1, then 2."""
    if fam == F_REST or fam == F_SHIFT_LENGTH:
        return 0
    return 1 if fam == F_CONTINUOUS else 2


#: Working pattern codes of a line (full shift, partial shift, on-call).
N_PATTERNS = 3


@njit(cache=True, nogil=True)
def rule_lists(r_int):
    """The rules that apply to each kind of line, in the order :func:`line_broken` tries them.

    Parameters
    ----------
    r_int : ndarray of int64
        The packed rule table.

    Returns
    -------
    ndarray of int64, shape (2 * N_PATTERNS, n_rules + 1)
        Row ``2 * pattern + ltft`` (pattern code 0 to 2, LTFT 0 or 1): the number of
        rules in column 0, then their indices, cheap families first (:func:`_tier`).
    """
    n = r_int.shape[0]
    lists = np.zeros((2 * N_PATTERNS, n + 1), dtype=np.int64)
    for pattern in range(N_PATTERNS):
        for ltft in range(2):
            row = 2 * pattern + ltft
            for tier in range(3):
                for r in range(n):
                    if _tier(r_int[r, RI_FAMILY]) != tier:
                        continue
                    if (r_int[r, RI_PATTERNS] >> pattern) & 1 == 0:
                        continue
                    if r_int[r, RI_LTFT] >= 0 and r_int[r, RI_LTFT] != ltft:
                        continue
                    lists[row, 0] += 1
                    lists[row, lists[row, 0]] = r
    return lists


@njit(cache=True, nogil=True, _nrt=False)
def line_broken(
    start, length, kind, work, a, b, weeks, pattern, ltft, defs, r_int, r_f, lists, dflag, ps,
    pe, n_p_all, bufs, laps,
):  # fmt: skip
    """Whether any rule of the table is broken on one line (stops at the first one).

    The verdict does not depend on the order of the rules, so the cheap families
    go first and a line that breaks one of them is decided before the others run:
    rest and shift length (one look at each merged period or duty, stopping at the
    first short gap or long duty), then continuous duty (which looks at every
    period of a line that keeps to it), then the others (:func:`_tier`). Which
    rules apply to a line of each working pattern and LTFT flag, in that order, is
    worked out once per rule table (:func:`rule_lists`).

    Compiled without Numba's reference counting (``_nrt=False``): it allocates
    nothing and only reads and writes its caller's arrays, and counting the dozen
    arrays it is handed up and down on every line cost more than the verdict.

    Parameters
    ----------
    start, length, kind, work : ndarray
        Duty arrays; the line's duties, sorted by start, are ``a:b`` (views of
        the line are made only for the rules that read its duties).
    a, b : int
        The line's first duty and one past its last.
    weeks, pattern, ltft : int, int, bool
        Cycle length (weeks), working pattern code and LTFT flag of the line.
    defs, r_int, r_f : ndarray
        Time definitions and the packed rule table.
    lists : ndarray of int64
        :func:`rule_lists` of the rule table.
    dflag : ndarray of int8
        Per duty: :data:`DF_NIGHT`, :data:`DF_LONG`, :data:`DF_LONG_EVENING` bits.
    ps, pe, n_p_all : ndarray, ndarray, int
        Merged periods of every duty (kinds mask :data:`ALL_KINDS_MASK`) and their count.
    bufs : tuple of ndarray
        ``(ps2, pe2, cs, ce, cum, per_week, worked, week_ones)``: merged periods of
        another kinds mask, the duties of a kinds mask with their prefix minutes
        (``n + 2`` long), per-week sums and flags, and ``weeks`` true flags.
    laps : tuple of ndarray
        Two buffers of ``3 n + WINDOW_LOOKAHEAD`` for
        :func:`~simulator.kernels.intervals.max_window_cycle`.

    Returns
    -------
    bool
        True when some rule has a violation (not compliant).
    """
    periods = (ps, pe, n_p_all)
    row = 2 * pattern + np.int64(ltft)
    for j in range(1, lists[row, 0] + 1):
        if rule_broken(
            lists[row, j], start, length, kind, work, a, b, weeks, defs, r_int, r_f, dflag,
            periods, bufs, laps,
        ):  # fmt: skip
            return True
    return False
