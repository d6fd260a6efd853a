"""Numba primitives over cyclic time intervals (minutes).

Every function is pure, works on NumPy scalars and arrays only, and is compiled
with ``@njit(cache=True)``. A duty is the half-open interval ``[start, start +
length)`` on the cyclic timeline of ``cycle_min`` minutes; ``start`` lies in
``[0, cycle_min)`` and the end may pass the cycle end, in which case the duty
wraps onto the start of the cycle. These primitives are shared by the metric,
rule and pay kernels.
"""

from __future__ import annotations

import numpy as np
from numba import njit

MIN_PER_DAY = 1440
MIN_PER_WEEK = 10080


@njit(cache=True)
def overlap_min(a0: int, a1: int, b0: int, b1: int) -> int:
    """Length of the overlap of ``[a0, a1)`` and ``[b0, b1)``, minutes."""
    lo = a0 if a0 > b0 else b0
    hi = a1 if a1 < b1 else b1
    return hi - lo if hi > lo else 0


@njit(cache=True)
def add_window_minutes(start, length, period, lo, hi, mask, out):
    """Add a duty's minutes inside a repeating window to per-period totals.

    The window is ``[k*period + lo, k*period + hi)`` for every period index ``k``
    whose ``mask[k mod n]`` is true, ``n = len(mask)``, and ``n * period`` is the
    cycle length. ``hi - lo`` must not exceed ``period``; ``hi`` may exceed
    ``period`` (a window that runs past midnight or into the next week).

    Parameters
    ----------
    start, length : int
        Duty start (minutes from cycle start) and length (minutes).
    period : int
        Window period, minutes (1440 for daily windows, 10080 for weekly).
    lo, hi : int
        Window bounds relative to the start of each period, minutes.
    mask : ndarray of bool
        Which periods carry the window.
    out : ndarray of float64
        Accumulator, one slot per period; receives the overlap minutes.

    Returns
    -------
    int
        Total overlap minutes added.
    """
    n = mask.shape[0]
    end = start + length
    k0 = (start - hi) // period
    k1 = (end - lo) // period + 1
    total = 0
    for k in range(k0, k1 + 1):
        idx = k % n
        if mask[idx]:
            ov = overlap_min(start, end, k * period + lo, k * period + hi)
            if ov > 0:
                out[idx] += ov
                total += ov
    return total


@njit(cache=True)
def window_minutes(start, length, period, lo, hi, mask):
    """Minutes of a duty inside a repeating window (see :func:`add_window_minutes`)."""
    n = mask.shape[0]
    end = start + length
    k0 = (start - hi) // period
    k1 = (end - lo) // period + 1
    total = 0
    for k in range(k0, k1 + 1):
        if mask[k % n]:
            total += overlap_min(start, end, k * period + lo, k * period + hi)
    return total


@njit(cache=True)
def merge_periods(starts, lengths, select, cycle_min, out_start, out_end):
    """Merge selected duties that touch or overlap into continuous duty periods.

    Works on the cyclic timeline: a period running over the cycle end that
    touches the first period of the cycle is merged with it.

    Parameters
    ----------
    starts, lengths : ndarray of int
        One line's duties, sorted by start.
    select : ndarray of bool
        Which duties take part.
    cycle_min : int
        Cycle length, minutes.
    out_start, out_end : ndarray of int64
        Output buffers (at least as long as ``starts``). Period ``i`` is
        ``[out_start[i], out_end[i])``; the first period may start before 0 when
        it absorbed a duty that wraps from the cycle end.

    Returns
    -------
    int
        Number of periods; ``-1`` if the duty never stops (one period covers the
        whole cycle), ``0`` if nothing is selected.
    """
    n = 0
    for i in range(starts.shape[0]):
        if not select[i]:
            continue
        s = np.int64(starts[i])
        e = s + lengths[i]
        if n > 0 and s <= out_end[n - 1]:
            if e > out_end[n - 1]:
                out_end[n - 1] = e
        else:
            out_start[n] = s
            out_end[n] = e
            n += 1
    return close_cycle(out_start, out_end, n, cycle_min)


@njit(cache=True, nogil=True)
def merge_kinds(starts, lengths, kinds, mask, cycle_min, out_start, out_end):
    """:func:`merge_periods` of the duties whose kind is in the bit mask ``mask``.

    A duty of kind ``k`` takes part when bit ``k`` of ``mask`` is set (the rule
    tables' ``kinds`` column), so no selection array is needed.
    """
    n = 0
    for i in range(starts.shape[0]):
        if (mask >> np.int64(kinds[i])) & 1 == 0:
            continue
        s = np.int64(starts[i])
        e = s + lengths[i]
        if n > 0 and s <= out_end[n - 1]:
            if e > out_end[n - 1]:
                out_end[n - 1] = e
        else:
            out_start[n] = s
            out_end[n] = e
            n += 1
    return close_cycle(out_start, out_end, n, cycle_min)


@njit(cache=True, nogil=True, inline="always")
def close_cycle(out_start, out_end, n, cycle_min):
    """Join ``n`` merged periods across the cycle end; the return value of :func:`merge_periods`."""
    if n == 0:
        return 0
    # wrap: the last period may reach the first one in the next cycle
    while n > 1 and out_end[n - 1] >= out_start[0] + cycle_min:
        new_start = out_start[n - 1] - cycle_min
        new_end = out_end[0]
        if out_end[n - 1] - cycle_min > new_end:
            new_end = out_end[n - 1] - cycle_min
        out_start[0] = new_start
        out_end[0] = new_end
        n -= 1
    if n == 1 and out_end[0] - out_start[0] >= cycle_min:
        return -1
    return n


@njit(cache=True, nogil=True, inline="always")
def shortest_gap_longest_period(p_start, p_end, n, cycle_min):
    """Shortest rest gap and longest of ``n >= 1`` merged periods on a cycle, minutes.

    The gap after the last period wraps to the first (as :func:`cyclic_gaps`). Two
    plain minimum and maximum loops, with unsigned indices (see
    :func:`max_window_laps`): they run as vector instructions.

    Returns
    -------
    shortest, longest : int
    """
    one = np.uint64(1)
    n_u = np.uint64(n)
    shortest = p_start[0] + cycle_min - p_end[n_u - one]
    for j in range(n_u - one):
        shortest = min(shortest, p_start[j + one] - p_end[j])
    longest = np.int64(0)
    for j in range(n_u):
        longest = max(longest, p_end[j] - p_start[j])
    return shortest, longest


@njit(cache=True)
def cyclic_gaps(p_start, p_end, n, cycle_min, out_gap):
    """Rest gaps after each of ``n`` merged periods, minutes (last wraps to first)."""
    for i in range(n):
        if i + 1 < n:
            out_gap[i] = p_start[i + 1] - p_end[i]
        else:
            out_gap[i] = p_start[0] + cycle_min - p_end[i]


@njit(cache=True)
def longest_cyclic_run(flags):
    """Longest run of consecutive true flags on a cycle (wraps around the end).

    Returns ``len(flags)`` when every flag is true.
    """
    n = flags.shape[0]
    best = 0
    run = 0
    # walk twice round so a run crossing the end is seen whole
    for j in range(2 * n):
        if flags[j % n]:
            run += 1
            if run > best:
                best = run
        else:
            run = 0
    return n if best >= n else best


@njit(cache=True)
def max_window(starts, lengths, select, cycle_min, window_min):
    """Most duty minutes in any window of ``window_min`` minutes, and where it starts.

    The duties (one line's, sorted by start) must not overlap each other. The
    maximum of the sliding-window sum is reached with the window starting at a
    duty start or ending at a duty end, so only those candidates are evaluated,
    each with a prefix sum and binary search over three unrolled copies of the
    cycle.

    Returns
    -------
    best : int
        The most minutes in one window.
    best_start : int
        The earliest window start on the cycle (minutes, ``mod cycle_min``) that
        holds ``best``; ``-1`` when nothing is selected.
    """
    m = 0
    for i in range(starts.shape[0]):
        if select[i]:
            m += 1
    if m == 0:
        return 0, -1
    s = np.empty(3 * m, dtype=np.int64)
    e = np.empty(3 * m, dtype=np.int64)
    j = 0
    for copy in range(-1, 2):  # starts are sorted within a copy, copies are a cycle apart
        for i in range(starts.shape[0]):
            if select[i]:
                s[j] = np.int64(starts[i]) + copy * cycle_min
                e[j] = s[j] + lengths[i]
                j += 1
    cum = np.zeros(3 * m + 1, dtype=np.int64)
    for k in range(3 * m):
        cum[k + 1] = cum[k] + (e[k] - s[k])
    best = -1
    best_start = -1
    for k in range(m, 2 * m):
        for t in (s[k], e[k] - window_min):
            total = covered_until(s, e, cum, t + window_min) - covered_until(s, e, cum, t)
            pos = t % cycle_min
            if total > best or (total == best and pos < best_start):
                best = total
                best_start = pos
    return best, best_start


@njit(cache=True)
def max_window_minutes(starts, lengths, select, cycle_min, window_min):
    """Most duty minutes in any window of ``window_min`` minutes (see :func:`max_window`)."""
    return max_window(starts, lengths, select, cycle_min, window_min)[0]


@njit(cache=True)
def covered_until(s, e, cum, x):
    """Duty minutes in ``(-inf, x)`` over sorted, disjoint intervals."""
    k = np.searchsorted(s, x, side="right")  # intervals starting before or at x
    if k == 0:
        return 0
    total = cum[k - 1]
    last_end = e[k - 1] if e[k - 1] < x else x
    return total + (last_end - s[k - 1])


@njit(cache=True, nogil=True)
def compact_kinds(starts, lengths, kinds, mask, out_start, out_end, cum):
    """Copy the duties of kinds in ``mask`` to ``out_start``/``out_end``.

    ``cum[k]`` receives the minutes of the first ``k`` copied duties.

    Returns
    -------
    int
        The number of duties copied.
    """
    m = 0
    cum[0] = 0
    for i in range(starts.shape[0]):
        if (mask >> np.int64(kinds[i])) & 1 == 1:
            out_start[m] = starts[i]
            out_end[m] = out_start[m] + lengths[i]
            cum[m + 1] = cum[m] + lengths[i]
            m += 1
    return m


#: Past every duty on three laps of the longest cycle: ends the start lists.
_SENTINEL = np.int64(2**62)


@njit(cache=True, nogil=True)
def max_window_cycle(cs, ce, cum, m, cycle_min, window_min, s3, c3):
    """Most duty minutes in any window of ``window_min`` minutes, in O(m).

    The same maximum as :func:`max_window` on a cycle. ``cs``, ``ce``, ``cum`` are
    the line's selected duties (sorted by start, not overlapping) and the minutes
    before each (:func:`compact_kinds`); ``window_min`` is at most the cycle. The
    starts and prefix minutes are copied to ``s3`` and ``c3`` (each at least
    ``3 m + 3`` long, ``3 m + WINDOW_LOOKAHEAD`` for the faster path) and
    :func:`max_window_laps` finds the maximum.

    Returns
    -------
    int
        The most minutes in one window.
    """
    for q in range(m):
        s3[q] = cs[q]
        c3[q] = cum[q]
    c3[m] = cum[m]
    return max_window_laps(s3, c3, m, cycle_min, window_min)


#: Starts compared at once with each window's end in :func:`max_window_laps` (its
#: own and the next ones): windows that hold fewer are measured without a pointer.
WINDOW_LOOKAHEAD = 10


@njit(cache=True, nogil=True)
def max_window_laps(s2, c2, m, cycle_min, window_min):
    """Most duty minutes in any window of ``window_min`` minutes on a cycle, in O(m).

    Only windows that start at a duty start are evaluated: for duties that do not
    overlap, a window ending at a duty end (the other candidates of :func:`max_window`)
    covers no more than some window starting at a duty start. Slide it later: while
    its start is in a gap nothing is lost, and if its start is inside a duty, slide
    it earlier instead, losing at its end at most what it gains at its start, until
    its start meets a duty start.

    Parameters
    ----------
    s2, c2 : ndarray of int64
        On entry, ``s2[:m]`` the duty starts (minutes, sorted, in ``[0, cycle_min)``)
        and ``c2[:m + 1]`` the minutes before each duty (``c2[0] = 0``, ``c2[m]`` the
        total). Both at least ``3 m + 3`` long: the next lap of the cycle and
        sentinels are written after the first ``m`` (``c2`` after ``m + 1``);
        ``s2`` at least ``2 m + WINDOW_LOOKAHEAD`` long for the faster path.
    m : int
        Number of duties.
    cycle_min, window_min : int
        Cycle and window lengths, minutes. A window longer than the cycle is
        measured as before by :func:`_max_window_wide`.

    Returns
    -------
    int
        The most minutes in one window (0 without duties).

    Notes
    -----
    The window starting at duty ``k`` ends at ``x = s_k + w``; the duties it reaches
    are those from ``k`` whose starts are at most ``x``. They are counted among the
    :data:`WINDOW_LOOKAHEAD` starts from ``k`` (the starts are sorted, so the
    comparisons true are the first ones): no pointer carried from one window to the
    next, so the windows are independent and the loop runs as vector instructions,
    several windows at once. When some window holds that many starts or more, the
    line is measured again by :func:`_max_window_pointers`.
    """
    if m == 0:
        return 0
    if window_min > cycle_min:
        return _max_window_wide(s2, c2, m, cycle_min, window_min)
    # unsigned indices: Numba adds the length to a negative signed index, which
    # costs instructions on every access (constants unsigned too, see scan_line)
    one = np.uint64(1)
    look = np.uint64(WINDOW_LOOKAHEAD)
    m_u = np.uint64(m)
    if s2.shape[0] < 2 * m + WINDOW_LOOKAHEAD:
        return _max_window_pointers(s2, c2, m, cycle_min, window_min)
    _next_lap(s2, c2, m_u, cycle_min)
    for q in range(look):
        s2[m_u + m_u + q] = _SENTINEL
    best = np.int64(0)
    full = False  # a window reaches every start compared
    for k in range(m_u):
        x = s2[k] + window_min
        reached = np.uint64(0)
        for j in range(look):
            reached += np.uint64(s2[k + j] <= x)
        best = max(best, _covered(s2, c2, k, k + reached - one, x))
        full |= reached == look
    if full:
        return _max_window_pointers(s2, c2, m, cycle_min, window_min)
    return best


@njit(cache=True, nogil=True, inline="always")
def _next_lap(s2, c2, m_u, cycle_min):
    """Write the next lap of the cycle after the first ``m_u`` starts and prefix minutes."""
    total = c2[m_u]
    for q in range(m_u):
        s2[m_u + q] = s2[q] + cycle_min
        c2[m_u + q] = total + c2[q]
    c2[m_u + m_u] = 2 * total


@njit(cache=True, nogil=True)
def _max_window_pointers(s2, c2, m, cycle_min, window_min):
    """:func:`max_window_laps` for any number of starts in a window (buffers ``3 m + 3``).

    The first start after the end of window ``k`` is found by a pointer that only
    moves forward. It looks three starts ahead at once, which keeps the loop short
    and free of branches when a window's end passes at most two starts more than
    the previous window's end; the first and second halves of the duties have a
    pointer each.
    """
    one = np.uint64(1)
    two = np.uint64(2)
    m_u = np.uint64(m)
    _next_lap(s2, c2, m_u, cycle_min)
    s2[two * m_u] = _SENTINEL
    s2[two * m_u + one] = _SENTINEL
    s2[two * m_u + two] = _SENTINEL
    # two independent pointers, over the first and the second half of the duties, so
    # that the processor runs the two chains of loads side by side
    h = m_u // two
    best = np.int64(0)
    p = np.uint64(0)  # the first start after the end of window k
    r = h  # the first start after the end of window h + k
    for k in range(h):
        x = s2[k] + window_min
        p += np.uint64(s2[p] <= x) + np.uint64(s2[p + one] <= x) + np.uint64(s2[p + two] <= x)
        while s2[p] <= x:
            p += one
        y = s2[h + k] + window_min
        r += np.uint64(s2[r] <= y) + np.uint64(s2[r + one] <= y) + np.uint64(s2[r + two] <= y)
        while s2[r] <= y:
            r += one
        best = max(best, _covered(s2, c2, k, p - one, x), _covered(s2, c2, h + k, r - one, y))
    for k in range(two * h, m_u):  # the last one when m is odd
        y = s2[k] + window_min
        while s2[r] <= y:
            r += one
        best = max(best, _covered(s2, c2, k, r - one, y))
    return best


@njit(cache=True, nogil=True, inline="always")
def _covered(s2, c2, k, q, x):
    """Minutes in ``[s2[k], x)``: duties ``k`` to ``q - 1`` whole and duty ``q`` up to ``x``.

    ``k`` and ``q`` are unsigned (see :func:`max_window_laps`).
    """
    return c2[q] - c2[k] + min(c2[q + np.uint64(1)] - c2[q], x - s2[q])


@njit(cache=True, nogil=True)
def _covered_before(s3, c3, p, x):
    """Advance ``p`` to the first start after ``x``; return it and the minutes before ``x``."""
    while s3[p] <= x:
        p += 1
    if p == 0:
        return p, 0
    q = p - 1
    return p, c3[q] + min(s3[q] + c3[q + 1] - c3[q], x) - s3[q]


@njit(cache=True, nogil=True)
def _max_window_wide(s3, c3, m, cycle_min, window_min):
    """:func:`max_window_laps` for a window longer than the cycle (buffers ``3 m + 1``).

    The windows of :func:`max_window` (starting at a duty start or ending at a duty
    end, on the previous, this and the next lap of the cycle) with its arithmetic
    (:func:`covered_until` at both ends), but with pointers that only move forward.
    """
    total = c3[m]
    for q in range(m - 1, -1, -1):  # this lap to the middle, then the laps before and after
        s3[m + q] = s3[q]
        c3[m + q] = total + c3[q]
    for q in range(m):
        s3[q] = s3[m + q] - cycle_min
        c3[q] = c3[m + q] - total
        s3[2 * m + q] = s3[m + q] + cycle_min
        c3[2 * m + q] = c3[m + q] + total
    s3[3 * m] = _SENTINEL
    c3[3 * m] = 3 * total
    best = np.int64(-1)
    p0 = p1 = p2 = p3 = 0
    for k in range(m, 2 * m):
        t = s3[k]
        p0, lo = _covered_before(s3, c3, p0, t)
        p1, hi = _covered_before(s3, c3, p1, t + window_min)
        best = max(best, hi - lo)
        t = s3[k] + c3[k + 1] - c3[k] - window_min  # the window [e_k - w, e_k)
        p2, lo = _covered_before(s3, c3, p2, t)
        p3, hi = _covered_before(s3, c3, p3, t + window_min)
        best = max(best, hi - lo)
    return best
