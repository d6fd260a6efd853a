"""The fused line pass: metrics, rule verdict and pay inputs of every line in one pass.

For each line, one loop over its duties computes the metrics row of
:func:`simulator.kernels.metrics.metrics_one_line`, the 2002 banding flags of
:func:`simulator.contracts.kernels.line_flags_2002` and the paid NROC hours of
:func:`simulator.contracts.kernels.nroc_paid_hours_2026`, and merges the duty
periods; then :func:`simulator.rules.verdict.line_broken` decides compliance,
stopping at the first broken rule. Every number equals the detailed kernels'
(same comparisons, same floating-point sums in the same order); the agreement
tests compare them column by column.

Why it is fast:

- The minutes of a duty inside the daily and weekly windows (plain time, LTFT
  core hours, the night window, the criterion-R window, the two weekend
  definitions) depend only on its start within the week and its length, that is
  on its shift type and start weekday. They are computed once per (shift index,
  weekday) into a small table (a cache line per entry) and looked up; a duty whose
  table entry does not match its start clock and length, or whose days include a
  bank holiday, is computed exactly instead.
- Nothing is allocated per line: each range of lines allocates its buffers once,
  sized for its longest line.
- The most hours in any 168 hours is found with forward-only pointers (O(m)), and
  the rule families share the merged duty periods.

Lines are split into ranges run on several threads by
:func:`simulator.kernels.parallel.run_ranges`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..contracts.kernels import TOL
from ..rules.verdict import DF_LONG, DF_LONG_EVENING, DF_NIGHT, line_broken
from .duties import (
    D_CORE_END,
    D_CORE_START,
    D_LONG_EVENING_END,
    D_LONG_EVENING_START,
    D_LONG_SHIFT,
    D_NIGHT_END,
    D_NIGHT_MIN_WORK,
    D_NIGHT_START,
    D_PLAIN_END,
    D_PLAIN_START,
    D_WEEKEND_2002_END,
    D_WEEKEND_2002_START,
    D_WEEKEND_END,
    D_WEEKEND_START,
    D_WINDOW,
    EVERY_DAY,
    KIND_NROC,
    KIND_ONCALL,
    KIND_PARTIAL,
)
from .intervals import (
    MIN_PER_DAY,
    MIN_PER_WEEK,
    close_cycle,
    max_window_cycle,
    overlap_min,
    window_minutes,
)
from .metrics import (
    _M_168,
    _M_BH,
    _M_CONT,
    _M_CORE,
    _M_DUTY,
    _M_LONG,
    _M_LONG_EVE,
    _M_NIGHTS,
    _M_NROC,
    _M_NROC_WORK,
    _M_OC,
    _M_OC_F,
    _M_RES,
    _M_REST,
    _M_RUN,
    _M_UNS,
    _M_UNS_FRAC,
    _M_UNS_RES,
    _M_WE,
    _M_WE02,
    _M_WE02_F,
    _M_WE_F,
    _M_WORK,
)

#: Layout of the pay-input parameters ``pp`` (minutes): criterion R window for
#: resident on-call, NROC expected work that meets criterion R, and the 2026
#: whole-shift threshold (fraction of the NROC duty).
PP_R_LO, PP_R_HI, PP_R_MIN_WORK, PP_WHOLE = range(4)
N_PP = 4
#: Columns of the per-(shift index, weekday) table: the start clock and length the
#: entry was computed for; minutes in plain time, in LTFT core time, in the night
#: window and in the criterion-R window; and the weeks whose 2002 and 2016/2026
#: weekend windows the duty touches, packed by :func:`weekend_span`.
T_CLOCK, T_LEN, T_PLAIN, T_CORE, T_NIGHT, T_CRIT, T_WE02, T_WE = range(8)
N_T = 8
#: Monday to Friday (cycle day 0 is a Monday).
WEEKDAYS = np.array([True, True, True, True, True, False, False])
#: Kinds mask of the resident duties (shift, partial, resident on-call).
RESIDENT_MASK = 7


@njit(cache=True, nogil=True)
def weekend_span(s, e, lo, hi, base_week):
    """The weeks ``k`` whose window ``[k W + lo, k W + hi)`` overlaps ``[s, e)``.

    They are consecutive (``W`` is one week; the weeks tried are those of
    :func:`~simulator.kernels.intervals.add_window_minutes`); packed as
    ``(first - base_week + 2) * 256 + count``, 0 when there are none and -1 when
    they do not fit.
    """
    first = -1
    count = 0
    for k in range((s - hi) // MIN_PER_WEEK, (e - lo) // MIN_PER_WEEK + 2):
        if overlap_min(s, e, k * MIN_PER_WEEK + lo, k * MIN_PER_WEEK + hi) > 0:
            if first < 0:
                first = k
            elif k != first + count:
                return -1
            count += 1
    if count == 0:
        return 0
    rel = first - base_week + 2
    if rel < 0 or rel > 255 or count > 255:
        return -1
    return rel * 256 + count


@njit(cache=True, nogil=True)
def fill_entry(tbl, slot, s, ln, defs, pp):
    """Compute table row ``slot`` for a duty ``[s, s + ln)`` (see :data:`T_CLOCK`…).

    Returns
    -------
    bool
        False when the duty cannot be tabulated (its weekend weeks do not fit);
        the row's weekend columns are then 0 and its length matches no duty.
    """
    base_week = s // MIN_PER_WEEK
    e = s + ln
    we02 = weekend_span(s, e, defs[D_WEEKEND_2002_START], defs[D_WEEKEND_2002_END], base_week)
    we16 = weekend_span(s, e, defs[D_WEEKEND_START], defs[D_WEEKEND_END], base_week)
    ok = we02 >= 0 and we16 >= 0
    tbl[slot, T_CLOCK] = s % MIN_PER_DAY
    tbl[slot, T_LEN] = ln if ok else -1
    tbl[slot, T_PLAIN] = window_minutes(
        s, ln, MIN_PER_DAY, defs[D_PLAIN_START], defs[D_PLAIN_END], WEEKDAYS
    )
    tbl[slot, T_CORE] = window_minutes(
        s, ln, MIN_PER_DAY, defs[D_CORE_START], defs[D_CORE_END], WEEKDAYS
    )
    tbl[slot, T_NIGHT] = window_minutes(
        s, ln, MIN_PER_DAY, defs[D_NIGHT_START], defs[D_NIGHT_END], EVERY_DAY
    )
    lo = np.int64(pp[PP_R_LO])
    hi = np.int64(pp[PP_R_HI])
    tbl[slot, T_CRIT] = window_minutes(s, ln, MIN_PER_DAY, lo, hi, EVERY_DAY)
    tbl[slot, T_WE02] = we02 if ok else 0
    tbl[slot, T_WE] = we16 if ok else 0
    return ok


@njit(cache=True, nogil=True)
def flag_weekends_exact(s, ln, defs, weeks, wk02, wk16):
    """Flag the weeks whose weekend windows a duty touches, without the table."""
    e = s + ln
    lo02, hi02 = defs[D_WEEKEND_2002_START], defs[D_WEEKEND_2002_END]
    for k in range((s - hi02) // MIN_PER_WEEK, (e - lo02) // MIN_PER_WEEK + 2):
        if overlap_min(s, e, k * MIN_PER_WEEK + lo02, k * MIN_PER_WEEK + hi02) > 0:
            wk02[k % weeks] = 1
    lo16, hi16 = defs[D_WEEKEND_START], defs[D_WEEKEND_END]
    for k in range((s - hi16) // MIN_PER_WEEK, (e - lo16) // MIN_PER_WEEK + 2):
        if overlap_min(s, e, k * MIN_PER_WEEK + lo16, k * MIN_PER_WEEK + hi16) > 0:
            wk16[k % weeks] = 1


@njit(cache=True, nogil=True, inline="always")
def touches_holiday(s, ln, bank_holiday, lo, hi):
    """Whether a bank holiday falls on a day whose plain window or whole day meets the duty."""
    n_days = bank_holiday.shape[0]
    first = min((s - hi) // MIN_PER_DAY, s // MIN_PER_DAY - 1)
    last = max((s + ln - lo) // MIN_PER_DAY + 1, (s + ln) // MIN_PER_DAY + 1)
    if last - first >= n_days:
        return True
    for d in range(first, last + 1):
        if bank_holiday[d % n_days]:
            return True
    return False


@njit(cache=True, nogil=True, inline="always")
def longest_day_run(dbits, tmp, n_days):
    """Longest run of consecutive duty days on the cycle, from a bitset of duty days.

    ``dbits`` holds bit ``d % 64`` of word ``d // 64`` for each duty day ``d``; the
    answer equals :func:`~simulator.kernels.intervals.longest_cyclic_run` of the
    flags: the longest run of the bit string (``x & (x << 1)`` shortens every run
    by one, so the steps until nothing is left), or the run through the cycle end.
    """
    nw = (n_days + 63) // 64
    ones = 0
    for w in range(nw):
        tmp[w] = dbits[w]
        x = dbits[w]
        while x != 0:  # population count
            x &= x - np.uint64(1)
            ones += 1
    if ones == n_days:
        return n_days
    best = 0
    alive = ones > 0
    while alive:
        best += 1
        alive = False
        carry = np.uint64(0)
        for w in range(nw):
            word = tmp[w]
            shifted = (word << np.uint64(1)) | carry
            carry = word >> np.uint64(63)
            tmp[w] = word & shifted
            alive = alive or tmp[w] != 0
    head = 0
    while head < n_days and (dbits[head >> 6] >> np.uint64(head & 63)) & np.uint64(1):
        head += 1
    tail = 0
    d = n_days - 1
    while d >= 0 and (dbits[d >> 6] >> np.uint64(d & 63)) & np.uint64(1):
        tail += 1
        d -= 1
    return max(best, head + tail)


@njit(cache=True, nogil=True, inline="always")
def write_metrics(out, weeks, sums, counts, wk02, wk16, ps, pe, n_p, run, best168):
    """Write the metrics row from the line's sums (minutes) and counts.

    ``sums``: duty, work, resident, NROC, NROC work, unsocial, unsocial resident
    (2026), bank holiday, outside core; ``counts``: nights, long shifts, long
    evenings, on-call duties. Same formulas as :func:`~.metrics.metrics_one_line`.
    """
    duty, wk, res, nroc, nroc_work, uns, uns_res, bh, core_out = sums
    nights, longs, long_eves, oncalls = counts
    cycle = np.int64(weeks) * MIN_PER_WEEK
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
        n_we02 += wk02[j]
        n_we += wk16[j]
    out[_M_WE02] = n_we02
    out[_M_WE02_F] = n_we02 / w
    out[_M_WE] = n_we
    out[_M_WE_F] = n_we / w
    out[_M_NIGHTS] = nights
    out[_M_LONG] = longs
    out[_M_LONG_EVE] = long_eves
    out[_M_OC] = oncalls
    out[_M_OC_F] = oncalls / float(7 * weeks)
    if n_p == 0:
        out[_M_REST] = cycle / 60.0
        out[_M_CONT] = 0.0
    elif n_p < 0:
        out[_M_REST] = 0.0
        out[_M_CONT] = cycle / 60.0
    else:
        shortest = ps[0] + cycle - pe[n_p - 1]
        longest = 0
        for j in range(n_p):
            if j + 1 < n_p and ps[j + 1] - pe[j] < shortest:
                shortest = ps[j + 1] - pe[j]
            if pe[j] - ps[j] > longest:
                longest = pe[j] - ps[j]
        out[_M_REST] = shortest / 60.0
        out[_M_CONT] = longest / 60.0
    out[_M_RUN] = run
    out[_M_168] = best168 / 60.0


@njit(cache=True, nogil=True, inline="always")
def flag_span(span, day, weeks, flags):
    """Set the weekend flags of the weeks packed in ``span`` (see :func:`weekend_span`)."""
    week = day // 7 + (span >> 8) - 2
    for _ in range(span & 255):
        w = week
        if w < 0 or w >= weeks:
            w = w % weeks
        flags[w] = 1
        week += 1


@njit(cache=True, nogil=True, inline="always")
def scan_line(
    start, length, kind, work, shift_index, weeks, bank_holiday, any_bh, plain_26, defs, pp,
    tbl, n_codes, bufs, out,
):  # fmt: skip
    """One pass over a line's duties: metrics row, pay inputs, duty classes, merged periods.

    Parameters
    ----------
    start, length, kind, work, shift_index : ndarray
        The line's duties sorted by start.
    weeks : int
        Cycle length, weeks.
    bank_holiday, plain_26 : ndarray of bool
        Per cycle day: bank holiday; weekday and not a bank holiday.
    any_bh : bool
        Whether the cycle has a bank holiday at all.
    defs, pp : ndarray
        Time definitions; pay-input parameters (:data:`PP_R_LO`…).
    tbl, n_codes : ndarray, int
        The (shift index, weekday) table (``(n_codes + 1) * 7`` rows) and the number
        of shift codes.
    bufs : tuple
        ``(wk02, wk16, dflag, ps, pe, cs, ce, cum, dbits, tmp)``: weekend flags per
        week, class flags per duty, merged periods of every duty, the resident
        duties and their prefix minutes, duty-day bits (all filled here).
    out : ndarray of float64
        Receives the metrics row.

    Returns
    -------
    pattern, n_p, has_oncall, has_nroc, criterion_r, nroc_plain_h, nroc_unsocial_h
        Working pattern code (0 full, 1 partial, 2 on-call), number of merged periods
        (as :func:`~.intervals.merge_periods`), the 2002 template flags, and paid NROC
        work in plain and unsocial time (h/week, 2026 contract).
    """
    wk02, wk16, dflag, ps, pe, cs, ce, cum, dbits, tmp = bufs
    cycle = np.int64(weeks) * MIN_PER_WEEK
    wk02[:] = 0
    wk16[:] = 0
    dbits[:] = 0
    pl_lo = defs[D_PLAIN_START]
    pl_hi = defs[D_PLAIN_END]
    duty = wk = res = nroc = nroc_work = uns = uns_res = bh = core_out = 0.0
    nroc_plain = nroc_uns = 0.0
    nights = longs = long_eves = oncalls = 0
    has_oc = has_nroc = has_partial = crit = False
    n_p = 0  # merged periods of every duty
    m = 0  # resident duties
    cum[0] = 0
    for i in range(start.shape[0]):
        s = np.int64(start[i])
        ln = np.int64(length[i])
        k = kind[i]
        day = s // MIN_PER_DAY
        # the (shift index, weekday) table, inline: a call per duty costs more than the work
        j = shift_index[i]
        slot = (j if 0 <= j < n_codes else n_codes) * 7 + day % 7
        if tbl[slot, T_LEN] != ln or tbl[slot, T_CLOCK] != s - day * MIN_PER_DAY:
            if not fill_entry(tbl, slot, s, ln, defs, pp):
                flag_weekends_exact(s, ln, defs, weeks, wk02, wk16)
        if tbl[slot, T_WE02] != 0:
            flag_span(tbl[slot, T_WE02], day, weeks, wk02)
        if tbl[slot, T_WE] != 0:
            flag_span(tbl[slot, T_WE], day, weeks, wk16)
        plain = tbl[slot, T_PLAIN]
        duty += ln
        wk += work[i]
        uns += ln - plain
        core_out += ln - tbl[slot, T_CORE]
        plain26 = plain
        bh_min = 0
        if any_bh and touches_holiday(s, ln, bank_holiday, pl_lo, pl_hi):
            plain26 = window_minutes(s, ln, MIN_PER_DAY, pl_lo, pl_hi, plain_26)
            bh_min = window_minutes(s, ln, MIN_PER_DAY, 0, MIN_PER_DAY, bank_holiday)
        flags = 0
        if k != KIND_NROC:
            res += ln
            uns_res += ln - plain26
            bh += bh_min
            if tbl[slot, T_NIGHT] >= defs[D_NIGHT_MIN_WORK]:
                nights += 1
                flags |= DF_NIGHT
            if ln > defs[D_LONG_SHIFT]:
                longs += 1
                flags |= DF_LONG
                clock = s - day * MIN_PER_DAY
                if clock < defs[D_LONG_EVENING_START] and clock + ln > defs[D_LONG_EVENING_END]:
                    long_eves += 1
                    flags |= DF_LONG_EVENING
            if k == KIND_ONCALL:
                oncalls += 1
                has_oc = True
                crit = crit or tbl[slot, T_CRIT] > 0
            elif k == KIND_PARTIAL:
                has_partial = True
            cs[m] = s
            ce[m] = s + ln
            cum[m + 1] = cum[m] + ln
            m += 1
        else:
            nroc += ln
            nroc_work += work[i]
            oncalls += 1
            has_oc = has_nroc = True
            crit = crit or work[i] >= pp[PP_R_MIN_WORK] - TOL
            if ln > 0:
                paid = float(ln) if work[i] > pp[PP_WHOLE] * ln + TOL else work[i]
                share = plain26 / ln
                nroc_plain += paid * share
                nroc_uns += paid * (1.0 - share)
        dflag[i] = flags
        dbits[day >> 6] |= np.uint64(1) << np.uint64(day & 63)
        if n_p > 0 and s <= pe[n_p - 1]:  # merge every duty into periods (merge_periods)
            if s + ln > pe[n_p - 1]:
                pe[n_p - 1] = s + ln
        else:
            ps[n_p] = s
            pe[n_p] = s + ln
            n_p += 1
    n_p = close_cycle(ps, pe, n_p, cycle)
    write_metrics(
        out, weeks, (duty, wk, res, nroc, nroc_work, uns, uns_res, bh, core_out),
        (nights, longs, long_eves, oncalls), wk02, wk16, ps, pe, n_p,
        longest_day_run(dbits, tmp, 7 * weeks),
        max_window_cycle(cs, ce, cum, m, cycle, defs[D_WINDOW]),
    )  # fmt: skip
    pattern = 2 if has_oc else (1 if has_partial else 0)
    w = float(weeks)
    return (
        pattern, n_p, has_oc, has_nroc, crit, nroc_plain / 60.0 / w, nroc_uns / 60.0 / w
    )  # fmt: skip


@njit(cache=True, nogil=True)
def fused_range(
    lo, hi, start, length, kind, work, shift_index, offsets, weeks, bank_holiday, defs, pp,
    n_codes, r_int, r_f, ltft, declared_r, declared_res, verdict,
    metrics, compliant, oncall_rota, criterion_r, resident, nroc_plain, nroc_unsocial,
):  # fmt: skip
    """Lines ``lo:hi`` of the fused pass (one thread); writes row ``i`` of every output.

    Parameters
    ----------
    lo, hi : int
        The range of lines.
    start, length, kind, work, shift_index, offsets : ndarray
        Compiled duty arrays and per-line offsets.
    weeks : int
        Cycle length, weeks.
    bank_holiday : ndarray of bool
        Per cycle day.
    defs, pp : ndarray
        Time definitions; pay-input parameters (:data:`PP_R_LO`…).
    n_codes : int
        Number of shift codes (table rows per weekday).
    r_int, r_f : ndarray
        Packed rule table (every family but ``nroc_rest``).
    ltft, declared_r, declared_res : ndarray
        Per line: LTFT flag; declared criterion R and resident (-1: from the template).
    verdict : bool
        Decide compliance (else ``compliant`` is left as it is).
    metrics, compliant, oncall_rota, criterion_r, resident, nroc_plain, nroc_unsocial : ndarray
        Outputs per line: metrics matrix rows, rule verdict, 2002 banding flags and
        paid NROC hours per week in plain and unsocial time (2026).
    """
    m_max = 1
    for i in range(lo, hi):
        if offsets[i + 1] - offsets[i] > m_max:
            m_max = offsets[i + 1] - offsets[i]
    n_days = 7 * weeks
    nw = (n_days + 63) // 64
    bufs = (
        np.empty(weeks, dtype=np.int8),  # weekend flags, 2002
        np.empty(weeks, dtype=np.int8),  # weekend flags, 2016/2026
        np.empty(m_max, dtype=np.int8),  # duty classes
        np.empty(m_max + 1, dtype=np.int64),  # merged periods: starts
        np.empty(m_max + 1, dtype=np.int64),  # and ends
        np.empty(m_max + 1, dtype=np.int64),  # resident duties: starts
        np.empty(m_max + 1, dtype=np.int64),  # ends
        np.empty(m_max + 2, dtype=np.int64),  # and minutes before each
        np.empty(nw, dtype=np.uint64),  # duty days
        np.empty(nw, dtype=np.uint64),
    )
    rule_bufs = (
        np.empty(m_max + 1, dtype=np.int64),  # merged periods of another kinds mask
        np.empty(m_max + 1, dtype=np.int64),
        np.empty(m_max + 1, dtype=np.int64),  # duties of a kinds mask, for windows
        np.empty(m_max + 1, dtype=np.int64),
        np.empty(m_max + 2, dtype=np.int64),
        np.empty(weeks, dtype=np.float64),  # per-week sums
        np.empty(weeks, dtype=np.int8),  # per-week flags
        np.ones(weeks, dtype=np.bool_),  # every week
    )
    tbl = np.full(((n_codes + 1) * 7, N_T), -1, dtype=np.int64)
    plain_26 = np.empty(n_days, dtype=np.bool_)
    any_bh = False
    for d in range(n_days):
        plain_26[d] = d % 7 < 5 and not bank_holiday[d]
        any_bh = any_bh or bank_holiday[d]
    for i in range(lo, hi):
        a = offsets[i]
        b = offsets[i + 1]
        pattern, n_p, has_oc, has_nroc, crit, npl, nun = scan_line(
            start[a:b], length[a:b], kind[a:b], work[a:b], shift_index[a:b], weeks,
            bank_holiday, any_bh, plain_26, defs, pp, tbl, n_codes, bufs, metrics[i],
        )  # fmt: skip
        oncall_rota[i] = has_oc
        criterion_r[i] = crit if declared_r[i] < 0 else declared_r[i] == 1
        resident[i] = (has_oc and not has_nroc) if declared_res[i] < 0 else declared_res[i] == 1
        nroc_plain[i] = npl
        nroc_unsocial[i] = nun
        if verdict:
            compliant[i] = not line_broken(
                start[a:b], length[a:b], kind[a:b], work[a:b], weeks, pattern, ltft[i], defs,
                r_int, r_f, bufs[2], bufs[3], bufs[4], n_p, rule_bufs,
            )  # fmt: skip
