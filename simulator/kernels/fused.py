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
from ..rules.verdict import DF_LONG, DF_LONG_EVENING, DF_NIGHT, line_broken, rule_lists
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
    WINDOW_LOOKAHEAD,
    close_cycle,
    max_window_laps,
    overlap_min,
    shortest_gap_longest_period,
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
#: Columns of the per-(shift index, weekday) table. ``T_KEY`` packs the start
#: clock, length and kind the row was computed for (-1: matches no duty);
#: ``T_LEN`` the length; ``T_PLAIN`` and ``T_CORE`` the minutes in plain time and
#: LTFT core time; ``T_FLAGS`` the duty's classes (:data:`DF_NIGHT`… and
#: :data:`DF_CRIT`); ``T_WE02`` and ``T_WE`` the weeks whose 2002 and 2016/2026
#: weekend windows the duty touches, as bits (bit ``k - K + 2`` for week ``k``,
#: ``K`` the week of the start; see :func:`weekend_bits`), and ``T_WE_PAIR`` both
#: in one word (``T_WE`` shifted to bit 32).
T_KEY, T_LEN, T_PLAIN, T_CORE, T_FLAGS, T_WE02, T_WE, T_WE_PAIR = range(8)
N_T = 8
#: A class flag beside DF_NIGHT, DF_LONG, DF_LONG_EVENING: resident on-call in
#: the criterion-R window (2002 banding).
DF_CRIT = 8
#: Kind bits of ``T_FLAGS`` (above the class flags).
F_NROC_KIND, F_ONCALL_KIND, F_PARTIAL_KIND = 16, 32, 64
#: Integer sums of a line (minutes or counts), kept in a small buffer; the
#: ``A_HAS_*`` and ``A_CRIT`` entries count duties and are read as "not zero".
A_DUTY, A_UNS, A_CORE, A_RES, A_UNS_RES, A_BH, A_NROC = range(7)
A_NIGHTS, A_LONG, A_LONG_EVE, A_OC, A_HAS_OC, A_HAS_NROC, A_HAS_PARTIAL, A_CRIT = range(7, 15)
#: Entries of the sums (one spare: a row of 16 adds in two vector instructions).
N_A = 16
#: Longest cycle whose weekend weeks, by both definitions, fit one 64-bit word: the
#: 2002 weeks in bits 0 to 31 and the 2016/2026 weeks in bits 32 to 63 (week ``w``
#: of the cycle at bit ``w + 2`` of its half, a duty's weeks from ``w - 2`` to ``w + 3``).
MAX_WORD_WEEKS = 27
#: The low half of a weekend word.
_HALF = np.int64(0xFFFFFFFF)
#: Before every duty start: the end of the merged period before the first one.
_BEFORE_ANY = np.int64(-(2**62))
#: Monday to Friday (cycle day 0 is a Monday).
WEEKDAYS = np.array([True, True, True, True, True, False, False])


@njit(cache=True, nogil=True)
def weekend_bits(s, e, lo, hi, base_week):
    """Weeks ``k`` whose window ``[k W + lo, k W + hi)`` overlaps ``[s, e)``, as bits.

    Bit ``k - base_week + 2`` is set for each such week (``W`` = one week; the
    weeks tried are those of :func:`~simulator.kernels.intervals.add_window_minutes`);
    -1 when a week falls outside bits 0 to 5.
    """
    bits = 0
    for k in range((s - hi) // MIN_PER_WEEK, (e - lo) // MIN_PER_WEEK + 2):
        if overlap_min(s, e, k * MIN_PER_WEEK + lo, k * MIN_PER_WEEK + hi) > 0:
            rel = k - base_week + 2
            if rel < 0 or rel > 5:
                return -1
            bits |= np.int64(1) << rel
    return bits


@njit(cache=True, nogil=True)
def duty_key(clock, ln, kind):
    """The table key of a duty: start clock, length and kind packed in one integer."""
    if ln < 0 or ln >= 1 << 30:
        return np.int64(-2)  # never stored: such a duty is computed directly
    return ((np.int64(clock) << 30 | ln) << 3) | np.int64(kind)


@njit(cache=True, nogil=True)
def fill_entry(tbl, slot, s, ln, k, defs, pp):
    """Compute table row ``slot`` for a duty ``[s, s + ln)`` of kind ``k`` (see :data:`T_KEY`).

    Returns
    -------
    bool
        False when the duty cannot be tabulated (its weekends do not fit the bits):
        the row then holds its values but matches no duty.
    """
    base_week = s // MIN_PER_WEEK
    e = s + ln
    we02 = weekend_bits(s, e, defs[D_WEEKEND_2002_START], defs[D_WEEKEND_2002_END], base_week)
    we16 = weekend_bits(s, e, defs[D_WEEKEND_START], defs[D_WEEKEND_END], base_week)
    clock = s % MIN_PER_DAY
    key = duty_key(clock, ln, k)
    ok = we02 >= 0 and we16 >= 0 and key >= 0
    tbl[slot, T_KEY] = key if ok else -1
    tbl[slot, T_LEN] = ln
    tbl[slot, T_PLAIN] = window_minutes(
        s, ln, MIN_PER_DAY, defs[D_PLAIN_START], defs[D_PLAIN_END], WEEKDAYS
    )
    tbl[slot, T_CORE] = window_minutes(
        s, ln, MIN_PER_DAY, defs[D_CORE_START], defs[D_CORE_END], WEEKDAYS
    )
    flags = F_NROC_KIND if k == KIND_NROC else (F_ONCALL_KIND if k == KIND_ONCALL else 0)
    if k == KIND_PARTIAL:
        flags = F_PARTIAL_KIND
    if k != KIND_NROC:
        night = window_minutes(
            s, ln, MIN_PER_DAY, defs[D_NIGHT_START], defs[D_NIGHT_END], EVERY_DAY
        )
        if night >= defs[D_NIGHT_MIN_WORK]:
            flags |= DF_NIGHT
        if ln > defs[D_LONG_SHIFT]:
            flags |= DF_LONG
            if clock < defs[D_LONG_EVENING_START] and clock + ln > defs[D_LONG_EVENING_END]:
                flags |= DF_LONG_EVENING
        lo = np.int64(pp[PP_R_LO])
        hi = np.int64(pp[PP_R_HI])
        if k == KIND_ONCALL and window_minutes(s, ln, MIN_PER_DAY, lo, hi, EVERY_DAY) > 0:
            flags |= DF_CRIT
    tbl[slot, T_FLAGS] = flags
    tbl[slot, T_WE02] = we02 if ok else 0
    tbl[slot, T_WE] = we16 if ok else 0
    tbl[slot, T_WE_PAIR] = we02 | (we16 << 32) if ok else 0
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
def flag_bits(bits, first_week, weeks, flags):
    """Set ``flags[w mod weeks]`` for week ``first_week - 2 + b`` of each bit ``b`` of ``bits``."""
    w = first_week - 2
    while bits != 0:
        if bits & 1:
            flags[w % weeks] = 1
        bits >>= 1
        w += 1


@njit(cache=True, nogil=True)
def derive_row(tbl, slot, dv, share):
    """What one duty of table row ``slot`` adds to the line's sums (:data:`A_DUTY`…).

    ``dv[a, slot]`` receives the duty's part of sum ``a``, so ``count`` duties of the
    row add ``count * dv[:, slot]`` (:func:`add_row`, :func:`add_rows`);
    ``share[slot]`` the duty's share of plain time (plain minutes / length; 0 for a
    duty of no length).
    """
    ln = tbl[slot, T_LEN]
    plain = tbl[slot, T_PLAIN]
    flags = tbl[slot, T_FLAGS]
    dv[:, slot] = 0
    dv[A_DUTY, slot] = ln
    dv[A_UNS, slot] = ln - plain
    dv[A_CORE, slot] = ln - tbl[slot, T_CORE]
    if flags & F_NROC_KIND:
        dv[A_NROC, slot] = ln
        dv[A_OC, slot] = 1
        dv[A_HAS_OC, slot] = 1
        dv[A_HAS_NROC, slot] = 1
    else:
        dv[A_RES, slot] = ln
        dv[A_UNS_RES, slot] = ln - plain
        dv[A_NIGHTS, slot] = flags & DF_NIGHT != 0
        dv[A_LONG, slot] = flags & DF_LONG != 0
        dv[A_LONG_EVE, slot] = flags & DF_LONG_EVENING != 0
        if flags & F_ONCALL_KIND:
            dv[A_OC, slot] = 1
            dv[A_HAS_OC, slot] = 1
            dv[A_CRIT, slot] = flags & DF_CRIT != 0
        elif flags & F_PARTIAL_KIND:
            dv[A_HAS_PARTIAL, slot] = 1
    share[slot] = plain / ln if ln > 0 else 0.0


@njit(cache=True, nogil=True, inline="always")
def add_row(acc, dv, slot, count):
    """Add ``count`` duties of table row ``slot`` to the line's integer sums ``acc``."""
    for a in range(N_A):
        acc[a] += count * dv[a, slot]


@njit(cache=True, nogil=True, inline="always")
def add_rows(acc, dv, count):
    """Add the duties counted on every table row to ``acc`` and clear the counts.

    One dot product per sum over the rows (``dv`` holds a sum per row, rows
    contiguous): vector multiplies and adds, no branch per row.
    """
    n = count.shape[0]
    for a in range(N_A):
        t = np.int64(0)
        for slot in range(n):
            t += count[slot] * dv[a, slot]
        acc[a] += t
    count[:] = 0


@njit(cache=True, nogil=True, inline="always")
def popcount(x):
    """Set bits of a non-negative 64-bit integer."""
    x = x - ((x >> 1) & 0x5555555555555555)
    x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0F
    x = x + (x >> 8)  # sums without a multiply (no overflow without the JIT)
    x = x + (x >> 16)
    x = x + (x >> 32)
    return x & 0x7F


@njit(cache=True, nogil=True, inline="always")
def weeks_in_word(word, weeks):
    """Weeks flagged by a weekend word: week ``(b - 2) mod weeks`` for each bit ``b``.

    The word (bits 0 to 63, weeks -2 to 61) is folded onto the ``weeks`` weeks of the
    cycle: bits 0 and 1 go to weeks ``-2 mod weeks`` and ``-1 mod weeks``, the others
    in slices of ``weeks`` bits. Returns the folded word (bit ``w`` for week ``w``).
    """
    folded = (word & 1) << ((-2) % weeks)
    folded |= ((word >> 1) & 1) << ((-1) % weeks)
    rest = word >> 2
    mask = (np.int64(1) << weeks) - 1
    while rest != 0:
        folded |= rest & mask
        rest >>= weeks
    return folded


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
def day_run_step(day, last_day, run_start, best, head):
    """Take one duty's day (days never decrease) into the runs of consecutive duty days.

    ``run_start`` is the first day of the run ending on ``last_day``, ``best`` the
    longest run so far, ``head`` the length of the run from day 0 (start with
    ``last_day = -2`` and zeros). Three selects, no branch to mispredict.

    Returns
    -------
    run_start, best, head : int
    """
    run_start = day if day > last_day + 1 else run_start
    best = max(best, day - run_start + 1)
    head = day + 1 if run_start == 0 else head
    return run_start, best, head


@njit(cache=True, nogil=True, inline="always")
def day_run_result(best, head, run_start, last_day, n_days):
    """Longest run of consecutive duty days on the cycle, from :func:`day_run_step`'s state.

    Equals :func:`~simulator.kernels.intervals.longest_cyclic_run` of the duty-day
    flags: the longest run, or the run through the cycle end (the last run joined
    to the run from day 0), or ``n_days`` when every day has a duty.
    """
    if best >= n_days:
        return n_days
    tail = last_day - run_start + 1 if last_day == n_days - 1 else 0
    return max(best, head + tail)


@njit(cache=True, nogil=True)
def longest_day_run(days, n_days):
    """Longest cyclic run of consecutive days in a non-decreasing array of duty days."""
    last_day = np.int64(-2)
    run_start = best = head = np.int64(0)
    for i in range(days.shape[0]):
        day = np.int64(days[i])
        run_start, best, head = day_run_step(day, last_day, run_start, best, head)
        last_day = day
    return day_run_result(best, head, run_start, last_day, n_days)


@njit(cache=True, nogil=True, inline="always")
def write_metrics(metrics, i, weeks, acc, wk, nroc_work, n_we02, n_we, ps, pe, n_p, run, best168):
    """Write row ``i`` of ``metrics`` from the line's integer sums ``acc`` and float sums.

    Same formulas as :func:`~.metrics.metrics_one_line`; its float sums of whole
    minutes are exact, so they equal the integer sums here. ``n_we02`` and ``n_we``
    are the weeks with a 2002 and a 2016/2026 weekend worked.
    """
    duty = float(acc[A_DUTY])
    uns = float(acc[A_UNS])
    cycle = np.int64(weeks) * MIN_PER_WEEK
    w = float(weeks)
    metrics[i, _M_DUTY] = duty / 60.0 / w
    metrics[i, _M_WORK] = wk / 60.0 / w
    metrics[i, _M_RES] = float(acc[A_RES]) / 60.0 / w
    metrics[i, _M_NROC] = float(acc[A_NROC]) / 60.0 / w
    metrics[i, _M_NROC_WORK] = nroc_work / 60.0 / w
    metrics[i, _M_UNS] = uns / 60.0 / w
    metrics[i, _M_UNS_FRAC] = uns / duty if duty > 0 else 0.0
    metrics[i, _M_UNS_RES] = float(acc[A_UNS_RES]) / 60.0 / w
    metrics[i, _M_BH] = float(acc[A_BH]) / 60.0 / w
    metrics[i, _M_CORE] = float(acc[A_CORE]) / 60.0 / w
    metrics[i, _M_WE02] = n_we02
    metrics[i, _M_WE02_F] = n_we02 / w
    metrics[i, _M_WE] = n_we
    metrics[i, _M_WE_F] = n_we / w
    metrics[i, _M_NIGHTS] = acc[A_NIGHTS]
    metrics[i, _M_LONG] = acc[A_LONG]
    metrics[i, _M_LONG_EVE] = acc[A_LONG_EVE]
    metrics[i, _M_OC] = acc[A_OC]
    metrics[i, _M_OC_F] = acc[A_OC] / float(7 * weeks)
    if n_p == 0:
        metrics[i, _M_REST] = cycle / 60.0
        metrics[i, _M_CONT] = 0.0
    elif n_p < 0:
        metrics[i, _M_REST] = 0.0
        metrics[i, _M_CONT] = cycle / 60.0
    else:
        shortest, longest = shortest_gap_longest_period(ps, pe, n_p, cycle)
        metrics[i, _M_REST] = shortest / 60.0
        metrics[i, _M_CONT] = longest / 60.0
    metrics[i, _M_RUN] = run
    metrics[i, _M_168] = best168 / 60.0


@njit(cache=True, nogil=True, inline="always")
def scan_line(
    start, length, kind, work, shift_index, a, b, weeks, bank_holiday, any_bh, plain_26, defs,
    pp, tbl, dv, share_t, n_codes, wk02, wk16, dflag, ps, pe, s2, c2, count, acc, metrics, row,
):  # fmt: skip
    """One pass over a line's duties: metrics row, pay inputs, duty classes, merged periods.

    The duties are counted per table row (shift index, start weekday); the sums of
    whole minutes and the counts come from the rows when the line is done, so the
    loop over duties touches one counter, the float work sums, the weekend words,
    the runs of duty days, the merged periods and the resident duties. Inlined
    into :func:`fused_range` (its only caller): compiled with it, which takes
    seconds less on a first run than compiling it on its own.

    Parameters
    ----------
    start, length, kind, work, shift_index : ndarray
        Compiled duty arrays; the line is ``a:b``.
    a, b : int
        The line's duties.
    weeks : int
        Cycle length, weeks.
    bank_holiday, plain_26 : ndarray of bool
        Per cycle day: bank holiday; weekday and not a bank holiday.
    any_bh : bool
        Whether the cycle has a bank holiday at all.
    defs, pp : ndarray
        Time definitions; pay-input parameters (:data:`PP_R_LO`…).
    tbl, dv, share_t, n_codes : ndarray, ndarray, ndarray, int
        The (shift index, weekday) table (``(n_codes + 1) * 7`` rows), what a duty of
        each row adds to the sums (:func:`derive_row`) and its share of plain time;
        the number of shift codes.
    wk02, wk16, dflag, ps, pe, s2, c2, count, acc : ndarray
        Buffers: weekend flags per week (zero between lines; used when a duty's
        weekends are flagged exactly or the cycle is too long for a word), class
        flags per duty, merged periods of every duty, the starts of the resident
        duties and the minutes before each (``3 n + WINDOW_LOOKAHEAD`` long, for
        :func:`~.intervals.max_window_laps`), duties per table row (zero between
        lines) and the line's integer sums. Passed one by one, not in tuples: a
        tuple unpacked per line costs reference counting per array.
    metrics, row : ndarray of float64, int
        Receives the metrics in row ``row``.

    Returns
    -------
    pattern, n_p, has_oncall, has_nroc, criterion_r, nroc_plain_h, nroc_unsocial_h
        Working pattern code (0 full, 1 partial, 2 on-call), number of merged periods
        (as :func:`~.intervals.merge_periods`), the 2002 template flags, and paid NROC
        work in plain and unsocial time (h/week, 2026 contract).
    """
    cycle = np.int64(weeks) * MIN_PER_WEEK
    acc[:] = 0
    pl_lo = defs[D_PLAIN_START]
    pl_hi = defs[D_PLAIN_END]
    whole = pp[PP_WHOLE]
    r_min = pp[PP_R_MIN_WORK] - TOL
    word = weeks <= MAX_WORD_WEEKS
    flagged = not word  # weekend weeks flagged in wk02, wk16
    w_pair = np.int64(0)  # weekend weeks of both definitions (MAX_WORD_WEEKS)
    wk = nroc_work = nroc_plain = nroc_uns = 0.0
    nroc_crit = False
    # Every index in the loop is unsigned: Numba adds the length of the array to a
    # negative signed index (and so keeps every length at hand), which made the loop
    # about a sixth longer. The constants are unsigned too: an unsigned integer and a
    # signed one add up to a float.
    one = np.uint64(1)
    seven = np.uint64(7)
    a_u = np.uint64(a)
    n_p_u = np.uint64(0)  # merged periods of every duty
    p_end = _BEFORE_ANY  # end of the last merged period
    m_u = np.uint64(0)  # resident duties
    c2[0] = 0
    resident_min = np.int64(0)  # their minutes (c2[m_u])
    last_day = np.int64(-2)  # runs of consecutive duty days (day_run_step)
    run_start = best_run = head_run = np.int64(0)
    for i in range(a_u, np.uint64(b)):
        s = np.int64(start[i])
        ln = np.int64(length[i])
        k = kind[i]
        # day, weekday, week and clock in unsigned arithmetic (starts are not negative):
        # Python's floor division of signed integers adds sign corrections to the chain
        # of operations that leads to the table row
        s_u = np.uint64(s)
        day_u = s_u // np.uint64(MIN_PER_DAY)
        day = np.int64(day_u)
        week = np.int64(day_u // seven)
        # the (shift index, weekday) table, inline: a call per duty costs more than the work
        j = shift_index[i]
        j_u = np.uint64(j) if 0 <= j < n_codes else np.uint64(n_codes)
        slot = j_u * seven + day_u % seven
        key = duty_key(np.int64(s_u - day_u * np.uint64(MIN_PER_DAY)), ln, k)
        direct = False
        if tbl[slot, T_KEY] != key:
            row_s = np.int64(slot)
            if count[slot] > 0:  # the row changes: settle the duties counted on it
                add_row(acc, dv, row_s, count[slot])
                count[slot] = 0
            ok = fill_entry(tbl, row_s, s, ln, k, defs, pp)
            derive_row(tbl, row_s, dv, share_t)
            if not ok:
                add_row(acc, dv, row_s, 1)  # the row holds this duty's values once
                flag_weekends_exact(s, ln, defs, weeks, wk02, wk16)
                flagged = True
                direct = True
        if not direct:
            count[slot] += 1
            if word:
                w_pair |= tbl[slot, T_WE_PAIR] << week
            else:
                flag_bits(tbl[slot, T_WE02], week, weeks, wk02)
                flag_bits(tbl[slot, T_WE], week, weeks, wk16)
        flags = tbl[slot, T_FLAGS]
        dflag[i - a_u] = flags & 7
        wi = work[i]
        wk += wi
        plain = tbl[slot, T_PLAIN]
        plain26 = plain
        if any_bh and touches_holiday(s, ln, bank_holiday, pl_lo, pl_hi):
            plain26 = window_minutes(s, ln, MIN_PER_DAY, pl_lo, pl_hi, plain_26)
            if k != KIND_NROC:
                acc[A_UNS_RES] += plain - plain26
                acc[A_BH] += window_minutes(s, ln, MIN_PER_DAY, 0, MIN_PER_DAY, bank_holiday)
        if k == KIND_NROC:
            nroc_work += wi
            nroc_crit = nroc_crit or wi >= r_min
            if ln > 0:
                paid = float(ln) if wi > whole * ln + TOL else wi
                share = share_t[slot] if plain26 == plain else plain26 / ln
                nroc_plain += paid * share
                nroc_uns += paid * (1.0 - share)
        else:
            s2[m_u] = s
            resident_min += ln
            c2[m_u + one] = resident_min
            m_u += one
        run_start, best_run, head_run = day_run_step(day, last_day, run_start, best_run, head_run)
        last_day = day
        # merge every duty into periods (merge_periods), without a branch: a duty that
        # starts after the last period's end opens a period, else extends that one
        ps[n_p_u] = s  # kept only when the duty opens a period
        opens = s > p_end
        n_p_u += np.uint64(opens)
        p_end = max(p_end, s + ln)  # s + ln when it opens (lengths are not negative)
        pe[n_p_u - one] = p_end
    n_p = np.int64(n_p_u)
    m = np.int64(m_u)
    add_rows(acc, dv, count)
    w02 = weeks_in_word(w_pair & _HALF, weeks)  # both 0 when not word
    w16 = weeks_in_word((w_pair >> 32) & _HALF, weeks)
    if flagged:  # join the words to the flags, count and clear them
        n_we02 = n_we = 0
        for j in range(weeks):
            n_we02 += wk02[j] | ((w02 >> j) & 1 if word else 0)
            n_we += wk16[j] | ((w16 >> j) & 1 if word else 0)
            wk02[j] = 0
            wk16[j] = 0
    else:
        n_we02 = popcount(w02)
        n_we = popcount(w16)
    n_p = close_cycle(ps, pe, n_p, cycle)
    write_metrics(
        metrics, row, weeks, acc, wk, nroc_work, n_we02, n_we, ps, pe, n_p,
        day_run_result(best_run, head_run, run_start, last_day, 7 * weeks),
        max_window_laps(s2, c2, m, cycle, defs[D_WINDOW]),
    )  # fmt: skip
    has_oc = acc[A_HAS_OC] != 0
    pattern = 2 if has_oc else (1 if acc[A_HAS_PARTIAL] != 0 else 0)
    w = float(weeks)
    crit = acc[A_CRIT] != 0 or nroc_crit
    return (
        pattern, n_p, has_oc, acc[A_HAS_NROC] != 0, crit, nroc_plain / 60.0 / w,
        nroc_uns / 60.0 / w,
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
    wk02 = np.zeros(weeks, dtype=np.int8)  # weekend flags, 2002
    wk16 = np.zeros(weeks, dtype=np.int8)  # weekend flags, 2016/2026
    dflag = np.empty(m_max, dtype=np.int8)  # duty classes
    ps = np.empty(m_max + 1, dtype=np.int64)  # merged periods: starts
    pe = np.empty(m_max + 1, dtype=np.int64)  # and ends
    n_laps = 3 * m_max + WINDOW_LOOKAHEAD  # for max_window_laps
    s2 = np.empty(n_laps, dtype=np.int64)  # resident duties: starts (and laps)
    c2 = np.empty(n_laps, dtype=np.int64)  # minutes before each (and laps)
    count = np.zeros((n_codes + 1) * 7, dtype=np.int64)  # duties per table row
    acc = np.zeros(N_A, dtype=np.int64)  # integer sums of the line
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
    n_slots = (n_codes + 1) * 7
    tbl = np.full((n_slots, N_T), -1, dtype=np.int64)  # per (shift index, weekday)
    dv = np.zeros((N_A, n_slots), dtype=np.int64)  # what one duty of a row adds to the sums
    share_t = np.zeros(n_slots, dtype=np.float64)  # and its share of plain time
    plain_26 = np.empty(n_days, dtype=np.bool_)
    for d in range(n_days):
        plain_26[d] = d % 7 < 5 and not bank_holiday[d]
    lists = rule_lists(r_int)
    any_bh = np.any(bank_holiday)  # not a literal False: scan_line compiles once
    fused_lines(
        lo, hi, start, length, kind, work, shift_index, offsets, weeks, bank_holiday, defs, pp,
        n_codes, r_int, r_f, ltft, declared_r, declared_res, verdict, metrics, compliant,
        oncall_rota, criterion_r, resident, nroc_plain, nroc_unsocial, any_bh, plain_26, lists,
        tbl, dv, share_t, wk02, wk16, dflag, ps, pe, s2, c2, count, acc, rule_bufs,
    )  # fmt: skip


@njit(cache=True, nogil=True, _nrt=False)
def fused_lines(
    lo, hi, start, length, kind, work, shift_index, offsets, weeks, bank_holiday, defs, pp,
    n_codes, r_int, r_f, ltft, declared_r, declared_res, verdict, metrics, compliant,
    oncall_rota, criterion_r, resident, nroc_plain, nroc_unsocial, any_bh, plain_26, lists,
    tbl, dv, share_t, wk02, wk16, dflag, ps, pe, s2, c2, count, acc, rule_bufs,
):  # fmt: skip
    """The loop over lines ``lo:hi`` of :func:`fused_range`, with its buffers allocated.

    Compiled without Numba's reference counting (``_nrt=False``): it allocates
    nothing, and every array it reads or writes belongs to :func:`fused_range`,
    which holds them until it returns. With reference counting, the arrays handed
    to the per-line calls were counted up and down on every line (atomic
    operations: about an eighth of the pass).

    Parameters
    ----------
    lo, hi, start, length, kind, work, shift_index, offsets, weeks, bank_holiday, defs, pp
        As :func:`fused_range`.
    n_codes, r_int, r_f, ltft, declared_r, declared_res, verdict
        As :func:`fused_range`.
    metrics, compliant, oncall_rota, criterion_r, resident, nroc_plain, nroc_unsocial
        Outputs, as :func:`fused_range`.
    any_bh, plain_26, lists : bool, ndarray, ndarray
        Whether the cycle has a bank holiday; per cycle day, weekday and not a bank
        holiday; :func:`~simulator.rules.verdict.rule_lists` of the rule table.
    tbl, dv, share_t, wk02, wk16, dflag, ps, pe, s2, c2, count, acc : ndarray
        Buffers of :func:`scan_line`.
    rule_bufs : tuple of ndarray
        Buffers of :func:`~simulator.rules.verdict.line_broken`.
    """
    for i in range(lo, hi):
        a = offsets[i]
        b = offsets[i + 1]
        pattern, n_p, has_oc, has_nroc, crit, npl, nun = scan_line(
            start, length, kind, work, shift_index, a, b, weeks, bank_holiday, any_bh,
            plain_26, defs, pp, tbl, dv, share_t, n_codes, wk02, wk16, dflag, ps, pe, s2, c2,
            count, acc, metrics, i,
        )  # fmt: skip
        oncall_rota[i] = has_oc
        criterion_r[i] = crit if declared_r[i] < 0 else declared_r[i] == 1
        resident[i] = (has_oc and not has_nroc) if declared_res[i] < 0 else declared_res[i] == 1
        nroc_plain[i] = npl
        nroc_unsocial[i] = nun
        if verdict:
            compliant[i] = not line_broken(
                start, length, kind, work, a, b, weeks, pattern, ltft[i], defs,
                r_int, r_f, lists, dflag, ps, pe, n_p, rule_bufs, (s2, c2),
            )  # fmt: skip
