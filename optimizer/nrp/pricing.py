"""Exact pricing of one employee's schedule by dynamic programming (Numba).

The pricing problem of column generation is: over every schedule that meets
one employee's hard rules, minimise ``sum_d weight[d, shift(d)]``.  The rules
are all "local plus resources", so a forward dynamic programme over days is
exact.  A state after day ``d`` records

* ``last``: the shift worked on day ``d`` (or off);
* ``run``: the length of the current run of work (up to the maximum run) or
  of days off (up to the minimum run of days off);
* ``free``: whether that run began on day 0 (runs touching the start of the
  horizon are exempt from the minimum-length rules, as in the benchmark);
* ``weekends``: weekends worked so far (only when the limit can bind);
* ``units``: minutes worked so far, in units of the gcd of shift lengths;
* ``counts``: shifts worked of each type whose limit can bind (mixed radix).

A run's minimum length is checked when the run ends inside the horizon; runs
reaching the last day are exempt.  The state space is dense, so the kernel is
a pair of loops over arrays; :func:`state_count` says how big it is and the
caller falls back to CP-SAT when it is too big.  :func:`price_reference` is a
plain-Python transcription used to test the compiled kernel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from optimizer.nrp.instance import NrpInstance

__all__ = [
    "DpPricer",
    "EmployeeRules",
    "cheapest_schedules",
    "employee_rules",
    "price_kernel",
    "price_reference",
]

_INF = 1e300


@dataclass(frozen=True, slots=True)
class EmployeeRules:
    """One employee's hard rules as arrays for the kernel.

    Attributes
    ----------
    allowed : numpy.ndarray of bool, shape (horizon, shifts)
        Shift ``k`` may be worked on day ``d``.
    forbidden : numpy.ndarray of bool, shape (shifts, shifts)
        ``forbidden[a, b]``: shift ``b`` may not follow shift ``a`` next day.
    units : numpy.ndarray of int64, shape (shifts,)
        Shift lengths in units of ``unit_minutes``.
    limit : numpy.ndarray of int64, shape (shifts,)
        Tracked maximum count per shift type, -1 when it cannot bind.
    min_units, max_units : int
        Bounds on total units worked.
    max_run, min_run, min_off : int
        Maximum and minimum consecutive shifts, minimum consecutive days off.
    max_weekends : int
        Maximum weekends worked, -1 when it cannot bind.
    """

    allowed: np.ndarray
    forbidden: np.ndarray
    units: np.ndarray
    limit: np.ndarray
    min_units: int
    max_units: int
    max_run: int
    min_run: int
    min_off: int
    max_weekends: int


def employee_rules(instance: NrpInstance, e: int) -> EmployeeRules:
    """Arrays of employee ``e``'s hard rules.

    Parameters
    ----------
    instance : NrpInstance
        The instance.
    e : int
        Employee index (file order).

    Returns
    -------
    EmployeeRules
        The rules, with limits that cannot bind switched off (-1).
    """
    emp = instance.staff[e]
    h, shifts = instance.horizon, instance.shifts
    n = len(shifts)
    sidx = {s.id: k for k, s in enumerate(shifts)}
    allowed = np.ones((h, n), dtype=np.bool_)
    for k, s in enumerate(shifts):
        if emp.max_shifts.get(s.id, h) <= 0:
            allowed[:, k] = False
    for d in instance.days_off.get(emp.id, ()):
        allowed[d, :] = False
    forbidden = np.zeros((n, n), dtype=np.bool_)
    for a, s in enumerate(shifts):
        for t in s.forbidden_next:
            forbidden[a, sidx[t]] = True
    unit = 0
    for s in shifts:
        unit = math.gcd(unit, s.length)
    unit = max(unit, 1)
    units = np.array([s.length // unit for s in shifts], dtype=np.int64)
    limit = np.full(n, -1, dtype=np.int64)
    for k, s in enumerate(shifts):
        lim = emp.max_shifts.get(s.id)
        if lim is not None and 0 < lim < int(allowed[:, k].sum()):
            limit[k] = lim
    max_units = emp.max_total_minutes // unit
    min_units = -(-emp.min_total_minutes // unit)
    weekends = h // 7
    max_weekends = emp.max_weekends if emp.max_weekends < weekends else -1
    return EmployeeRules(
        allowed=allowed,
        forbidden=forbidden,
        units=units,
        limit=limit,
        min_units=min_units,
        max_units=max_units,
        max_run=emp.max_consecutive_shifts,
        min_run=emp.min_consecutive_shifts,
        min_off=emp.min_consecutive_days_off,
        max_weekends=max_weekends,
    )


def state_count(rules: EmployeeRules) -> int:
    """Number of DP states per day (the kernel's memory is ``horizon`` times this)."""
    n = len(rules.units)
    runs = max(rules.max_run, rules.min_off, 1)
    weekends = rules.max_weekends + 1 if rules.max_weekends >= 0 else 1
    counts = 1
    for lim in rules.limit:
        if lim >= 0:
            counts *= int(lim) + 1
    return (n + 1) * runs * 2 * weekends * (rules.max_units + 1) * counts


def _price(
    weight: np.ndarray,
    allowed: np.ndarray,
    forbidden: np.ndarray,
    units: np.ndarray,
    limit: np.ndarray,
    min_units: int,
    max_units: int,
    max_run: int,
    min_run: int,
    min_off: int,
    max_weekends: int,
    n_best: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Cheapest schedules by forward dynamic programming.

    Parameters
    ----------
    weight : numpy.ndarray of float64, shape (horizon, shifts)
        Cost of working shift ``k`` on day ``d``.
    allowed, forbidden, units, limit, min_units, max_units, max_run, min_run,
    min_off, max_weekends
        The employee's rules (see :class:`EmployeeRules`).
    n_best : int
        Number of schedules to return (the best of distinct final states).

    Returns
    -------
    schedules : numpy.ndarray of int64, shape (m, horizon)
        Shift index per day (-1 = off), cheapest first; ``m <= n_best``
        (0 when no schedule meets the rules).
    costs : numpy.ndarray of float64, shape (m,)
        Their costs.
    """
    horizon, n = weight.shape
    off = n
    n_last = n + 1
    n_run = max(max_run, min_off, 1)
    n_week = max_weekends + 1 if max_weekends >= 0 else 1
    n_units = max_units + 1
    radix = np.ones(n, dtype=np.int64)
    n_counts = 1
    for k in range(n):
        if limit[k] >= 0:
            radix[k] = n_counts
            n_counts *= limit[k] + 1
    s_counts = 1
    s_units = n_counts
    s_week = s_units * n_units
    s_free = s_week * n_week
    s_run = s_free * 2
    s_last = s_run * n_run
    n_states = s_last * n_last
    last_saturday = 7 * (horizon // 7) - 2

    cost = np.full(n_states, _INF)
    nxt = np.full(n_states, _INF)
    pred = np.empty((horizon, n_states), dtype=np.int32)  # read only where reached

    # Day 0: runs begin here and are exempt from minimum lengths.
    # Only reachable states are visited: ``active[:n_active]`` lists them.
    active = np.empty(n_states, dtype=np.int64)
    reached = np.empty(n_states, dtype=np.int64)
    n_active = 0
    cost[off * s_last + 0 * s_run + 1 * s_free] = 0.0
    for k in range(n):
        if not allowed[0, k] or units[k] > max_units:
            continue
        c = 0
        if limit[k] >= 0:
            if limit[k] < 1:
                continue
            c = radix[k]
        idx = k * s_last + 0 * s_run + 1 * s_free + units[k] * s_units + c * s_counts
        cost[idx] = weight[0, k]
    for idx in range(n_states):
        if cost[idx] < _INF:
            active[n_active] = idx
            n_active += 1

    for d in range(1, horizon):
        n_reached = 0
        weekday = d % 7
        is_sat = weekday == 5 and d <= last_saturday
        is_sun = weekday == 6 and d <= last_saturday + 1
        for a in range(n_active):
            idx = active[a]
            base = cost[idx]
            last = idx // s_last
            rem = idx - last * s_last
            run = rem // s_run + 1
            rem -= (run - 1) * s_run
            free = rem // s_free
            rem -= free * s_free
            week = rem // s_week
            rem -= week * s_week
            used = rem // s_units
            counts = rem - used * s_units
            tail = week * s_week + used * s_units + counts
            # Day off.
            if last == off:
                new_run = run + 1 if run < min_off else run
                if new_run > n_run:
                    new_run = n_run
                j = off * s_last + (new_run - 1) * s_run + free * s_free + tail
            else:
                if free == 0 and run < min_run:
                    j = -1
                else:
                    j = off * s_last + 0 * s_run + 0 * s_free + tail
            if j >= 0 and base < nxt[j]:
                if nxt[j] >= _INF:
                    reached[n_reached] = j
                    n_reached += 1
                nxt[j] = base
                pred[d, j] = idx
            # A shift.
            if last == off and free == 0 and run < min_off:
                continue
            for k in range(n):
                if not allowed[d, k]:
                    continue
                if last != off:
                    if forbidden[last, k] or run >= max_run:
                        continue
                    new_run = run + 1
                    new_free = free
                else:
                    new_run = 1
                    new_free = 0
                new_used = used + units[k]
                if new_used > max_units:
                    continue
                new_counts = counts
                if limit[k] >= 0:
                    ck = (counts // radix[k]) % (limit[k] + 1)
                    if ck >= limit[k]:
                        continue
                    new_counts = counts + radix[k]
                new_week = week
                if max_weekends >= 0 and (is_sat or (is_sun and last == off)):
                    new_week = week + 1
                    if new_week > max_weekends:
                        continue
                j = (
                    k * s_last
                    + (new_run - 1) * s_run
                    + new_free * s_free
                    + new_week * s_week
                    + new_used * s_units
                    + new_counts
                )
                value = base + weight[d, k]
                if value < nxt[j]:
                    if nxt[j] >= _INF:
                        reached[n_reached] = j
                        n_reached += 1
                    nxt[j] = value
                    pred[d, j] = idx
        for a in range(n_active):  # clear the old day for reuse
            cost[active[a]] = _INF
        cost, nxt = nxt, cost
        active, reached = reached, active
        n_active = n_reached

    # The n_best cheapest final states meeting the minimum units (insertion
    # into a short sorted list; ties keep the lower state index).
    best_idx = np.full(n_best, -1, dtype=np.int64)
    best_cost = np.full(n_best, _INF)
    m = 0
    for a in range(n_active):
        idx = active[a]
        if (idx % s_week) // s_units < min_units:
            continue
        value = cost[idx]
        pos = m
        while pos > 0 and (
            best_cost[pos - 1] > value or (best_cost[pos - 1] == value and best_idx[pos - 1] > idx)
        ):
            pos -= 1
        if pos >= n_best:
            continue
        for q in range(min(m, n_best - 1), pos, -1):
            best_cost[q] = best_cost[q - 1]
            best_idx[q] = best_idx[q - 1]
        best_cost[pos] = value
        best_idx[pos] = idx
        if m < n_best:
            m += 1
    order = best_idx
    schedules = np.full((m, horizon), -1, dtype=np.int64)
    costs = np.empty(m)
    for r in range(m):
        idx = order[r]
        costs[r] = cost[idx]
        for d in range(horizon - 1, -1, -1):
            last = idx // s_last
            schedules[r, d] = -1 if last == off else last
            if d > 0:
                idx = pred[d, idx]
    return schedules, costs


#: Plain-Python reference (the same algorithm, uncompiled).
price_reference = _price
#: Compiled kernel.
price_kernel = numba.njit(cache=True, nogil=True)(_price)


def cheapest_schedules(
    rules: EmployeeRules, weight: np.ndarray, n_best: int, kernel=price_kernel
) -> tuple[np.ndarray, np.ndarray]:
    """Run the pricing programme for one employee's rules.

    Parameters
    ----------
    rules : EmployeeRules
        The employee's rules.
    weight : numpy.ndarray, shape (horizon, shifts)
        Cost of working shift ``k`` on day ``d``.
    n_best : int
        Number of schedules to return.
    kernel : callable, optional
        :data:`price_kernel` (default) or :data:`price_reference`.

    Returns
    -------
    schedules, costs : numpy.ndarray
        As returned by the kernel: cheapest first.
    """
    return kernel(
        np.ascontiguousarray(weight, dtype=np.float64),
        rules.allowed,
        rules.forbidden,
        rules.units,
        rules.limit,
        rules.min_units,
        rules.max_units,
        rules.max_run,
        rules.min_run,
        rules.min_off,
        rules.max_weekends,
        n_best,
    )


class DpPricer:
    """Price one employee's schedules with the compiled dynamic programme.

    Parameters
    ----------
    instance : NrpInstance
        The instance.
    e : int
        Employee index.
    n_best : int, optional
        Schedules returned per call.
    """

    def __init__(self, instance: NrpInstance, e: int, n_best: int = 5) -> None:
        self.rules = employee_rules(instance, e)
        self.n_best = n_best

    def solve(
        self, weight: np.ndarray, seed: int = 0, time_limit_s: float = math.inf
    ) -> list[tuple[int, ...]]:
        """Up to ``n_best`` cheapest schedules for ``weight[d, k]``, cheapest first.

        ``seed`` and ``time_limit_s`` are accepted for the pricer interface
        shared with the CP-SAT pricer; the programme is exact and deterministic.
        """
        schedules, _ = cheapest_schedules(self.rules, weight, self.n_best)
        return [tuple(int(v) for v in row) for row in schedules]
