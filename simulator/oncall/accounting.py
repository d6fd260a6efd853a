"""Deterministic accounting shared by the SimPy model and the Monte Carlo twin.

Both engines sample *when* the doctor works; these Numba kernels turn the sampled
work into what the contract counts: minutes worked in and outside plain time,
paid NROC minutes under the 75% whole-shift rule, total and continuous rest,
breaches, and the effect of a resident-shift overrun. Sharing them means the
agreement tests compare the stochastic parts of the two engines, while the
hand-worked tests pin the accounting down.

Times inside one NROC shift are minutes relative to the shift start (float64).
"""

from __future__ import annotations

import math

from numba import njit

from ..kernels.intervals import MIN_PER_DAY, overlap_min
from .params import P

#: Per-shift outcome written by :func:`shift_outcome`, in order.
OUTCOME_NAMES = (
    "worked_min",
    "worked_unsocial_min",
    "paid_plain_min",
    "paid_unsocial_min",
    "whole_shift",
    "total_rest_min",
    "continuous_rest_min",
    "total_rest_breach",
    "continuous_rest_breach",
)
N_OUTCOME = len(OUTCOME_NAMES)
O = {name: i for i, name in enumerate(OUTCOME_NAMES)}

#: Tolerance for threshold comparisons, minutes.
EPS_MIN = 1e-9

# packed parameter indices (see simulator.oncall.params.PACK_NAMES)
_REST_TOTAL = P["rest_total_min"]
_REST_PER = P["rest_per_min"]
_REST_CONT = P["rest_continuous_min"]
_WIN_LO = P["window_start_min"]
_WIN_HI = P["window_end_min"]
_REST_11H = P["rest_between_shifts_min"]
_WHOLE = P["whole_shift_more_than"]

DIST_FIXED = 0
DIST_EXPONENTIAL = 1
DIST_LOGNORMAL = 2


@njit(cache=True)
def lognormal_mu_sigma(mean, sd):
    """Parameters (mu, sigma) of the lognormal with the given mean and sd (minutes)."""
    sigma2 = math.log(1.0 + (sd * sd) / (mean * mean))
    return math.log(mean) - 0.5 * sigma2, math.sqrt(sigma2)


@njit(cache=True, inline="always")
def plain_minutes(a, b, plain_lo, plain_hi, plain_day):
    """Minutes of ``[a, b)`` (absolute minutes, float) inside plain time.

    Plain time is ``[plain_lo, plain_hi)`` after midnight on days ``d`` with
    ``plain_day[d mod n]`` (weekdays that are not bank holidays). The float
    counterpart of :func:`simulator.kernels.intervals.window_minutes`, whose
    day loop it follows, with its :func:`overlap_min`.
    """
    if b <= a:
        return 0.0
    n = plain_day.shape[0]
    total = 0.0
    d0 = int(math.floor(a / MIN_PER_DAY))
    d1 = int(math.floor(b / MIN_PER_DAY))
    for d in range(d0, d1 + 1):
        if plain_day[d % n]:
            base = float(d * MIN_PER_DAY)
            total += overlap_min(a, b, base + plain_lo, base + plain_hi)
    return total


@njit(cache=True, inline="always")
def plain_covered(lo, hi, n, clip_lo, clip_hi, start_abs, plain_lo, plain_hi, plain_day):
    """Minutes of ``n`` sorted disjoint intervals, clipped to ``[clip_lo, clip_hi)``, in plain time.

    Intervals are relative to ``start_abs`` (absolute minutes); one pass per day
    spanned instead of one :func:`plain_minutes` call per interval.
    """
    if n == 0:
        return 0.0
    a = lo[0] if lo[0] > clip_lo else clip_lo
    b = hi[n - 1] if hi[n - 1] < clip_hi else clip_hi
    if b <= a:
        return 0.0
    nd = plain_day.shape[0]
    total = 0.0
    d0 = int(math.floor((start_abs + a) / MIN_PER_DAY))
    d1 = int(math.floor((start_abs + b) / MIN_PER_DAY))
    for d in range(d0, d1 + 1):
        if not plain_day[d % nd]:
            continue
        w0 = d * MIN_PER_DAY + plain_lo - start_abs
        w1 = d * MIN_PER_DAY + plain_hi - start_abs
        if w0 < a:
            w0 = a
        if w1 > b:
            w1 = b
        for k in range(n):
            total += overlap_min(lo[k], hi[k], w0, w1)
    return total


@njit(cache=True, inline="always")
def union_intervals(a_lo, a_hi, na, b_lo, b_hi, nb, out_lo, out_hi):
    """Union of two sorted lists of intervals as sorted disjoint intervals; returns the count."""
    i = 0
    j = 0
    n = 0
    while i < na or j < nb:
        if j >= nb or (i < na and a_lo[i] <= b_lo[j]):
            lo = a_lo[i]
            hi = a_hi[i]
            i += 1
        else:
            lo = b_lo[j]
            hi = b_hi[j]
            j += 1
        if hi <= lo:
            continue
        if n > 0 and lo <= out_hi[n - 1]:
            if hi > out_hi[n - 1]:
                out_hi[n - 1] = hi
        else:
            out_lo[n] = lo
            out_hi[n] = hi
            n += 1
    return n


@njit(cache=True, inline="always")
def covered_minutes(lo, hi, n, a, b):
    """Minutes of ``[a, b)`` covered by ``n`` disjoint intervals."""
    total = 0.0
    for k in range(n):
        total += overlap_min(lo[k], hi[k], a, b)
    return total


@njit(cache=True, inline="always")
def longest_free_minutes(lo, hi, n, a, b):
    """Longest stretch of ``[a, b)`` not covered by ``n`` sorted disjoint intervals."""
    best = 0.0
    cur = a
    for k in range(n):
        if hi[k] <= cur:
            continue
        if lo[k] >= b:
            break
        if lo[k] > cur and lo[k] - cur > best:
            best = lo[k] - cur
        if hi[k] > cur:
            cur = hi[k]
    if b - cur > best:
        best = b - cur
    return best


@njit(cache=True, inline="always")
def shift_outcome(
    busy_lo,
    busy_hi,
    n_busy,
    fixed_lo,
    fixed_hi,
    start_abs,
    length,
    prm,
    plain_day,
    plain_lo,
    plain_hi,
    scratch_lo,
    scratch_hi,
    out,
):
    """Account one simulated NROC shift.

    Parameters
    ----------
    busy_lo, busy_hi : ndarray of float64
        The doctor's work (incl. travel), minutes from the shift start, sorted and
        disjoint; the first ``n_busy`` are used. Work may run past the shift end.
    fixed_lo, fixed_hi : ndarray of float64
        The line's resident duties near the shift, minutes from the shift start,
        sorted and disjoint (not rest; see :mod:`simulator.oncall.prepare`).
    start_abs : float
        Shift start, absolute minutes from Monday 00:00 of week 1 (any cycle lap).
    length : float
        Rostered shift length, minutes.
    prm : ndarray of float64
        Packed parameters (:meth:`~simulator.oncall.params.OncallParams.pack`).
    plain_day : ndarray of bool
        Per cycle day: plain time applies (weekday, not a bank holiday).
    plain_lo, plain_hi : float
        Plain time of day, minutes after midnight.
    scratch_lo, scratch_hi : ndarray of float64
        Work buffers of at least ``n_busy + len(fixed_lo)`` entries.
    out : ndarray of float64
        Receives :data:`OUTCOME_NAMES`.

    Notes
    -----
    - Paid NROC work: if the minutes worked exceed ``whole_shift_more_than`` of
      the shift, the whole shift is paid (its own plain and unsocial minutes) plus
      any work after its end; otherwise the minutes worked, each in its own time.
    - Total rest: minutes of ``[0, per)`` from the shift start not working and not
      on resident duty; a breach below ``rest_total_min``.
    - Continuous rest: in every overnight window overlapping the shift, the
      longest stretch neither working nor on resident duty; window time outside
      the NROC shift counts as rest. A breach when the shortest such stretch is
      below ``rest_continuous_min``. ``continuous_rest_min`` is NaN when no window
      overlaps the shift.
    """
    worked = 0.0
    for k in range(n_busy):
        worked += busy_hi[k] - busy_lo[k]
    inf = math.inf
    worked_plain = plain_covered(
        busy_lo, busy_hi, n_busy, -inf, inf, start_abs, plain_lo, plain_hi, plain_day
    )
    spill = 0.0
    spill_plain = 0.0
    if n_busy > 0 and busy_hi[n_busy - 1] > length:
        for k in range(n_busy):
            if busy_hi[k] > length:
                spill += busy_hi[k] - (busy_lo[k] if busy_lo[k] > length else length)
        spill_plain = plain_covered(
            busy_lo, busy_hi, n_busy, length, inf, start_abs, plain_lo, plain_hi, plain_day
        )
    out[0] = worked
    out[1] = worked - worked_plain
    if worked > prm[_WHOLE] * length + EPS_MIN:
        shift_plain = plain_minutes(start_abs, start_abs + length, plain_lo, plain_hi, plain_day)
        out[2] = shift_plain + spill_plain
        out[3] = (length - shift_plain) + (spill - spill_plain)
        out[4] = 1.0
    else:
        out[2] = worked_plain
        out[3] = worked - worked_plain
        out[4] = 0.0

    n = union_intervals(
        busy_lo, busy_hi, n_busy, fixed_lo, fixed_hi, fixed_lo.shape[0], scratch_lo, scratch_hi
    )
    per = prm[_REST_PER]
    total_rest = per - covered_minutes(scratch_lo, scratch_hi, n, 0.0, per)
    out[5] = total_rest
    out[7] = 1.0 if total_rest < prm[_REST_TOTAL] - EPS_MIN else 0.0

    clock = start_abs - MIN_PER_DAY * math.floor(start_abs / MIN_PER_DAY)
    w_lo = prm[_WIN_LO]
    w_hi = prm[_WIN_HI]
    shortest = math.inf
    d_last = int(math.floor((clock + length) / MIN_PER_DAY))
    for d in range(-1, d_last + 1):
        w0 = d * MIN_PER_DAY + w_lo - clock
        w1 = d * MIN_PER_DAY + w_hi - clock
        if overlap_min(0.0, length, w0, w1) <= 0.0:
            continue
        free = longest_free_minutes(scratch_lo, scratch_hi, n, w0, w1)
        if free < shortest:
            shortest = free
    if shortest == math.inf:
        out[6] = math.nan
        out[8] = 0.0
    else:
        out[6] = shortest
        out[8] = 1.0 if shortest < prm[_REST_CONT] - EPS_MIN else 0.0


@njit(cache=True, inline="always")
def overrun_outcome(overrun_min, end_abs, rest_after_min, prm, plain_day, plain_lo, plain_hi):
    """Unsocial minutes of an overrun and whether it breaks the minimum rest.

    Parameters
    ----------
    overrun_min : float
        Overrun past the rostered end, minutes (0 for none).
    end_abs : float
        Rostered end of the resident shift, absolute minutes.
    rest_after_min : float
        Rostered rest until the next resident duty, minutes.

    Returns
    -------
    unsocial_min : float
        Minutes of the overrun outside plain time.
    breach : float
        1.0 when the rostered rest met ``rest_between_shifts_min`` and the overrun
        takes it below, else 0.0.
    """
    if overrun_min <= 0.0:
        return 0.0, 0.0
    plain = plain_minutes(end_abs, end_abs + overrun_min, plain_lo, plain_hi, plain_day)
    limit = prm[_REST_11H]
    breach = rest_after_min >= limit - EPS_MIN and rest_after_min - overrun_min < limit - EPS_MIN
    return overrun_min - plain, 1.0 if breach else 0.0


@njit(cache=True)
def length_params(dist, mean, sd):
    """Parameters ``(a, b)`` of :func:`draw_length` for a distribution code, mean and sd.

    Fixed and exponential: ``(mean, 0)``; lognormal: ``(mu, sigma)`` of the
    underlying normal (a lognormal with ``sd == 0`` is fixed at ``mean``).
    """
    if dist == DIST_LOGNORMAL and sd > 0.0:
        return lognormal_mu_sigma(mean, sd)
    return mean, 0.0


@njit(cache=True, inline="always")
def draw_length(rng, dist, a, b):
    """One random length, minutes, with ``(a, b)`` from :func:`length_params`."""
    if dist == DIST_FIXED or (dist == DIST_LOGNORMAL and b == 0.0):
        return a
    if dist == DIST_EXPONENTIAL:
        return a * rng.standard_exponential()
    return math.exp(a + b * rng.standard_normal())


#: Totals per simulated run (over all cycles of the run), written by both engines.
RUN_NAMES = (
    "nroc_shifts",
    "calls",
    "nroc_worked_min",
    "nroc_worked_unsocial_min",
    "nroc_paid_plain_min",
    "nroc_paid_unsocial_min",
    "whole_shifts",
    "breaches",
    "total_rest_breaches",
    "continuous_rest_breaches",
    "total_rest_min",
    "continuous_rest_min",
    "shifts_with_window",
    "resident_shifts",
    "overruns",
    "overrun_min",
    "overrun_unsocial_min",
    "rest_between_shifts_breaches",
)
N_RUN = len(RUN_NAMES)
R = {name: i for i, name in enumerate(RUN_NAMES)}


@njit(cache=True, inline="always")
def add_shift(row, calls, outcome):
    """Add one NROC shift's outcome (:func:`shift_outcome`) to a run's totals row."""
    row[0] += 1.0
    row[1] += calls
    row[2] += outcome[0]
    row[3] += outcome[1]
    row[4] += outcome[2]
    row[5] += outcome[3]
    row[6] += outcome[4]
    row[7] += 1.0 if outcome[7] + outcome[8] > 0.0 else 0.0
    row[8] += outcome[7]
    row[9] += outcome[8]
    row[10] += outcome[5]
    if not math.isnan(outcome[6]):
        row[11] += outcome[6]
        row[12] += 1.0


@njit(cache=True, inline="always")
def add_resident_shift(row, overrun_min, unsocial_min, breach):
    """Add one resident shift (and its overrun, minutes; 0 for none) to a run's totals row."""
    row[13] += 1.0
    if overrun_min > 0.0:
        row[14] += 1.0
        row[15] += overrun_min
        row[16] += unsocial_min
        row[17] += breach
