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

    The same maximum as :func:`max_window`: windows starting at a duty start or
    ending at a duty end, on a cycle. ``cs``, ``ce``, ``cum`` are the line's
    selected duties (sorted, not overlapping, every one longer than 0) and the
    minutes before each (:func:`compact_kinds`); ``window_min`` is at most the
    cycle. The duty starts and prefix minutes are laid out on the previous, this
    and the next lap (``s3``, ``c3``: at least ``3 m + 1`` long); instead of a binary search
    per window, two pointers move forward (the duties starting by each window's
    end, and by each window's start). A window starting at a duty start has that
    duty's prefix before it, one ending at a duty end the prefix through it.
    """
    if m == 0:
        return 0
    total = cum[m]
    for lap in range(3):
        shift = (lap - 1) * cycle_min
        for q in range(m):
            s3[lap * m + q] = cs[q] + shift
            c3[lap * m + q] = lap * total + cum[q]
    s3[3 * m] = _SENTINEL
    c3[3 * m] = 3 * total
    best = -1
    ahead = m
    behind = 0
    for k in range(m):
        x = cs[k] + window_min  # the window [s_k, s_k + w)
        ahead += s3[ahead] <= x  # usually one or two steps: no branch
        ahead += s3[ahead] <= x
        while s3[ahead] <= x:
            ahead += 1
        q = ahead - 1  # covered: before duty q, and duty q (length c3[q+1] - c3[q]) up to x
        covered = c3[q] + min(s3[q] + c3[q + 1] - c3[q], x) - s3[q] - (total + cum[k])
        if covered > best:
            best = covered
        x = ce[k] - window_min  # the window [e_k - w, e_k)
        behind += s3[behind] <= x
        behind += s3[behind] <= x
        while s3[behind] <= x:
            behind += 1
        q = behind - 1
        covered = total + cum[k + 1] - (c3[q] + min(s3[q] + c3[q + 1] - c3[q], x) - s3[q])
        if covered > best:
            best = covered
    return best
