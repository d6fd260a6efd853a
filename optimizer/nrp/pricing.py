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
    "cell_bounds",
    "cell_bounds_kernel",
    "cell_bounds_reference",
    "cheapest_schedules",
    "employee_rules",
    "enumerate_kernel",
    "enumerate_reference",
    "keep_best",
    "price_kernel",
    "price_reference",
    "schedules_within",
]

_INF = 1e300


@dataclass(frozen=True, slots=True)
class EmployeeRules:
    """One employee's hard rules as arrays for the kernel.

    Attributes
    ----------
    allowed : numpy.ndarray of bool, shape (horizon, shifts + 1)
        Shift ``k`` may be worked on day ``d``; the last column says whether
        the day may be off (always True for the benchmark's rules; clearing
        it forces work that day, which is how a choice is imposed).
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
    allowed = np.ones((h, n + 1), dtype=np.bool_)
    for k, s in enumerate(shifts):
        if emp.max_shifts.get(s.id, h) <= 0:
            allowed[:, k] = False
    for d in instance.days_off.get(emp.id, ()):
        allowed[d, :n] = False
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


# Positions in ``layout``: the scalar rules and the strides of the packed state index.
_L_N, _L_HORIZON, _L_MAX_UNITS, _L_MAX_RUN, _L_MIN_RUN, _L_MIN_OFF = 0, 1, 2, 3, 4, 5
_L_MAX_WEEKENDS, _L_N_RUN, _L_S_UNITS, _L_S_WEEK, _L_S_FREE, _L_S_RUN = 6, 7, 8, 9, 10, 11
_L_S_LAST, _L_N_STATES, _L_MIN_UNITS = 12, 13, 14


@numba.njit(cache=True, nogil=True)
def _layout(
    horizon: int,
    n: int,
    limit: np.ndarray,
    min_units: int,
    max_units: int,
    max_run: int,
    min_run: int,
    min_off: int,
    max_weekends: int,
) -> tuple[tuple[int, ...], np.ndarray]:
    """Pack the scalar rules and the state-index strides; return (layout, radix).

    A state index is ``last*s_last + (run-1)*s_run + free*s_free +
    week*s_week + used*s_units + counts`` where ``counts`` is the mixed-radix
    number of the tracked shift-type counts (digit ``k`` has weight ``radix[k]``).
    """
    radix = np.ones(n, dtype=np.int64)
    n_counts = 1
    for k in range(n):
        if limit[k] >= 0:
            radix[k] = n_counts
            n_counts *= limit[k] + 1
    n_run = max(max_run, min_off, 1)
    n_week = max_weekends + 1 if max_weekends >= 0 else 1
    s_units = n_counts
    s_week = s_units * (max_units + 1)
    s_free = s_week * n_week
    s_run = s_free * 2
    s_last = s_run * n_run
    # A tuple, not an array: passed by value, so the compiler keeps it in registers.
    layout = (
        n, horizon, max_units, max_run, min_run, min_off, max_weekends, n_run,
        s_units, s_week, s_free, s_run, s_last, s_last * (n + 1), min_units,
    )  # fmt: skip
    return layout, radix


@numba.njit(cache=True, nogil=True, inline="always")
def _initial(
    k: int, allowed: np.ndarray, units: np.ndarray, limit: np.ndarray, radix: np.ndarray,
    layout: tuple[int, ...],
) -> int:  # fmt: skip
    """State after day 0 when it is worked as shift ``k`` (``k == n``: off); -1 if illegal.

    Runs that begin on day 0 are exempt from the minimum lengths (``free = 1``).
    """
    n = layout[_L_N]
    base = 1 * layout[_L_S_FREE]
    if not allowed[0, k]:
        return -1
    if k == n:
        return n * layout[_L_S_LAST] + base
    if units[k] > layout[_L_MAX_UNITS]:
        return -1
    counts = 0
    if limit[k] >= 0:
        if limit[k] < 1:
            return -1
        counts = radix[k]
    return k * layout[_L_S_LAST] + base + units[k] * layout[_L_S_UNITS] + counts


@numba.njit(cache=True, nogil=True, inline="always")
def _successors(
    idx: int, d: int, allowed: np.ndarray, forbidden: np.ndarray, units: np.ndarray,
    limit: np.ndarray, radix: np.ndarray, layout: tuple[int, ...], out: np.ndarray,
) -> None:  # fmt: skip
    """Fill ``out[k]`` with the state after day ``d >= 1`` when state ``idx`` works shift ``k``.

    ``out[n]`` is the state after a day off; -1 marks a move a rule forbids.
    """
    n = layout[_L_N]
    s_last, s_run, s_free = layout[_L_S_LAST], layout[_L_S_RUN], layout[_L_S_FREE]
    s_week, s_units = layout[_L_S_WEEK], layout[_L_S_UNITS]
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
    # A day off.
    if not allowed[d, n]:
        out[n] = -1
    elif last == n:
        new_run = min(run + 1 if run < layout[_L_MIN_OFF] else run, layout[_L_N_RUN])
        out[n] = n * s_last + (new_run - 1) * s_run + free * s_free + tail
    elif free == 0 and run < layout[_L_MIN_RUN]:
        out[n] = -1
    else:
        out[n] = n * s_last + tail
    # A shift: not before the minimum run of days off is over.
    if last == n and free == 0 and run < layout[_L_MIN_OFF]:
        out[:n] = -1
        return
    # A weekend is worked from its Saturday, or from its Sunday after a day off.
    weekend = (
        layout[_L_MAX_WEEKENDS] >= 0
        and d % 7 >= 5
        and d < 7 * (layout[_L_HORIZON] // 7)
        and (d % 7 == 5 or last == n)
    )
    for k in range(n):
        out[k] = -1
        if not allowed[d, k]:
            continue
        if last != n:
            if forbidden[last, k] or run >= layout[_L_MAX_RUN]:
                continue
            new_run = run + 1
            new_free = free
        else:
            new_run = 1
            new_free = 0
        new_used = used + units[k]
        if new_used > layout[_L_MAX_UNITS]:
            continue
        new_counts = counts
        if limit[k] >= 0:
            if (counts // radix[k]) % (limit[k] + 1) >= limit[k]:
                continue
            new_counts = counts + radix[k]
        new_week = week
        if weekend:
            new_week = week + 1
            if new_week > layout[_L_MAX_WEEKENDS]:
                continue
        out[k] = (
            k * s_last
            + (new_run - 1) * s_run
            + new_free * s_free
            + new_week * s_week
            + new_used * s_units
            + new_counts
        )


@numba.njit(cache=True, nogil=True, inline="always")
def _is_final(idx: int, layout: tuple[int, ...]) -> bool:
    """True when a state after the last day meets the minimum total units."""
    return (idx % layout[_L_S_WEEK]) // layout[_L_S_UNITS] >= layout[_L_MIN_UNITS]


@numba.njit(cache=True, nogil=True, inline="always")
def keep_best(best_cost: np.ndarray, best_idx: np.ndarray, m: int, value: float, idx: int) -> int:
    """Insert ``(value, idx)`` into the first ``m`` entries of two sorted short lists.

    The lists (capacity ``len(best_cost)``) stay sorted by value, ties by the
    lower index; an entry beyond the capacity is dropped.  Returns the new
    number of entries.
    """
    n_best = best_cost.shape[0]
    pos = m
    while pos > 0 and (
        best_cost[pos - 1] > value or (best_cost[pos - 1] == value and best_idx[pos - 1] > idx)
    ):
        pos -= 1
    if pos >= n_best:
        return m
    for q in range(min(m, n_best - 1), pos, -1):
        best_cost[q] = best_cost[q - 1]
        best_idx[q] = best_idx[q - 1]
    best_cost[pos] = value
    best_idx[pos] = idx
    return m + 1 if m < n_best else m


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
    layout, radix = _layout(
        horizon, n, limit, min_units, max_units, max_run, min_run, min_off, max_weekends
    )
    n_states = layout[_L_N_STATES]
    s_last = layout[_L_S_LAST]
    cost = np.full(n_states, _INF)
    nxt = np.full(n_states, _INF)
    pred = np.empty((horizon, n_states), dtype=np.int32)  # read only where reached
    out = np.empty(n + 1, dtype=np.int64)  # successors of one state

    # Only reachable states are visited: ``active[:n_active]`` lists them.
    active = np.empty(n_states, dtype=np.int64)
    reached = np.empty(n_states, dtype=np.int64)
    n_active = 0
    for k in range(n + 1):
        j = _initial(k, allowed, units, limit, radix, layout)
        if j >= 0:
            cost[j] = weight[0, k] if k < n else 0.0
            active[n_active] = j
            n_active += 1

    for d in range(1, horizon):
        n_reached = 0
        for a in range(n_active):
            idx = active[a]
            base = cost[idx]
            _successors(idx, d, allowed, forbidden, units, limit, radix, layout, out)
            for k in range(n + 1):
                j = out[k]
                if j >= 0:
                    value = base + weight[d, k] if k < n else base
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
        if not _is_final(idx, layout):
            continue
        value = cost[idx]
        m = keep_best(best_cost, best_idx, m, value, idx)
    schedules = np.full((m, horizon), -1, dtype=np.int64)
    costs = np.empty(m)
    for r in range(m):
        idx = best_idx[r]
        costs[r] = cost[idx]
        for d in range(horizon - 1, -1, -1):
            last = idx // s_last
            schedules[r, d] = -1 if last == n else last
            if d > 0:
                idx = pred[d, idx]
    return schedules, costs


@numba.njit(cache=True, nogil=True)
def _forward_costs(
    weight: np.ndarray, allowed: np.ndarray, forbidden: np.ndarray, units: np.ndarray,
    limit: np.ndarray, radix: np.ndarray, layout: tuple[int, ...],
) -> np.ndarray:  # fmt: skip
    """``ahead[d, idx]``: least cost of days ``0..d`` ending in state ``idx``.

    ``_INF`` marks a state no legal start reaches.
    """
    horizon, n = weight.shape
    out = np.empty(n + 1, dtype=np.int64)
    ahead = np.full((horizon, layout[_L_N_STATES]), _INF)
    for k in range(n + 1):
        j = _initial(k, allowed, units, limit, radix, layout)
        if j >= 0:
            ahead[0, j] = weight[0, k] if k < n else 0.0
    for d in range(1, horizon):
        for idx in range(layout[_L_N_STATES]):
            base = ahead[d - 1, idx]
            if base >= _INF:
                continue
            _successors(idx, d, allowed, forbidden, units, limit, radix, layout, out)
            for k in range(n + 1):
                j = out[k]
                if j >= 0:
                    value = base + weight[d, k] if k < n else base
                    if value < ahead[d, j]:
                        ahead[d, j] = value
    return ahead


@numba.njit(cache=True, nogil=True)
def _backward_costs(
    ahead: np.ndarray, weight: np.ndarray, allowed: np.ndarray, forbidden: np.ndarray,
    units: np.ndarray, limit: np.ndarray, radix: np.ndarray, layout: tuple[int, ...],
) -> np.ndarray:  # fmt: skip
    """``to_go[d, idx]``: least cost of days ``d+1..`` from a reachable state ``idx`` of day ``d``.

    ``_INF`` when the state is unreachable (``ahead`` says which are) or has
    no legal completion; at the last day, 0 for the states meeting the
    minimum total units.
    """
    horizon, n = weight.shape
    n_states = layout[_L_N_STATES]
    out = np.empty(n + 1, dtype=np.int64)
    to_go = np.full((horizon, n_states), _INF)
    for idx in range(n_states):
        if ahead[horizon - 1, idx] < _INF and _is_final(idx, layout):
            to_go[horizon - 1, idx] = 0.0
    for d in range(horizon - 1, 0, -1):
        for idx in range(n_states):
            if ahead[d - 1, idx] >= _INF:
                continue
            _successors(idx, d, allowed, forbidden, units, limit, radix, layout, out)
            best = _INF
            for k in range(n + 1):
                j = out[k]
                if j >= 0 and to_go[d, j] < _INF:
                    value = to_go[d, j] + (weight[d, k] if k < n else 0.0)
                    if value < best:
                        best = value
            to_go[d - 1, idx] = best
    return to_go


def _cell_bounds(
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
) -> np.ndarray:
    """Least cost of a legal schedule through each (day, choice), by forward and backward DP.

    ``ahead[d, idx]`` is the least cost of days ``0..d`` ending in state
    ``idx`` and ``to_go[d, idx]`` the least cost of days ``d+1..`` from it
    (``inf`` when no legal completion exists); a schedule that makes choice
    ``k`` on day ``d`` moves from a state of day ``d - 1`` to one of day ``d``
    by that choice, so the least cost through ``(d, k)`` is the least
    ``ahead + weight + to_go`` over those moves.

    Parameters
    ----------
    weight, allowed, forbidden, units, limit, min_units, max_units, max_run,
    min_run, min_off, max_weekends
        As for :func:`price_kernel`.

    Returns
    -------
    numpy.ndarray of float64, shape (horizon, shifts + 1)
        ``bound[d, k]``: least cost of a legal schedule working shift ``k`` on
        day ``d`` (``k = shifts``: off that day); ``inf`` when none exists.  Its
        row minimum is the cost of the cheapest schedule.
    """
    horizon, n = weight.shape
    layout, radix = _layout(
        horizon, n, limit, min_units, max_units, max_run, min_run, min_off, max_weekends
    )
    n_states = layout[_L_N_STATES]
    out = np.empty(n + 1, dtype=np.int64)  # successors of one state
    ahead = _forward_costs(weight, allowed, forbidden, units, limit, radix, layout)
    to_go = _backward_costs(ahead, weight, allowed, forbidden, units, limit, radix, layout)
    bound = np.full((horizon, n + 1), _INF)
    for d in range(horizon - 1, 0, -1):
        for idx in range(n_states):
            base = ahead[d - 1, idx]
            if base >= _INF:
                continue
            _successors(idx, d, allowed, forbidden, units, limit, radix, layout, out)
            for k in range(n + 1):
                j = out[k]
                if j >= 0 and to_go[d, j] < _INF:
                    value = base + to_go[d, j] + (weight[d, k] if k < n else 0.0)
                    if value < bound[d, k]:
                        bound[d, k] = value
    for k in range(n + 1):
        j = _initial(k, allowed, units, limit, radix, layout)
        if j >= 0 and to_go[0, j] < _INF:
            bound[0, k] = to_go[0, j] + (weight[0, k] if k < n else 0.0)
    for d in range(horizon):
        for k in range(n + 1):
            if bound[d, k] >= _INF:
                bound[d, k] = np.inf
    return bound


def _enumerate(
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
    max_cost: float,
    out: np.ndarray,
) -> tuple[int, np.ndarray]:
    """Every legal schedule costing at most ``max_cost``, by depth-first search.

    The search walks the programme's states forward from day 0 and enters a
    state only if the cost so far plus its least cost to go (the backward
    programme) stays within ``max_cost``, so every branch it opens ends in at
    least one listed schedule: the work is proportional to the output.

    Parameters
    ----------
    weight, allowed, forbidden, units, limit, min_units, max_units, max_run,
    min_run, min_off, max_weekends
        As for :func:`price_kernel`.
    max_cost : float
        Cost limit (inclusive; pass integers, or values exact in binary, for
        an exact limit).
    out : numpy.ndarray of int8, shape (capacity, horizon)
        Receives the first ``capacity`` schedules (shift index per day, -1 = off).

    Returns
    -------
    count : int
        Number of schedules within the limit, or ``capacity + 1`` when there
        are more than ``capacity`` (the search stops there; ``out`` then holds
        the first ``capacity``).
    costs : numpy.ndarray of float64, shape (min(count, capacity),)
        Costs of the stored schedules.
    """
    horizon, n = weight.shape
    layout, radix = _layout(
        horizon, n, limit, min_units, max_units, max_run, min_run, min_off, max_weekends
    )
    capacity = out.shape[0]
    costs = np.empty(capacity)
    ahead = _forward_costs(weight, allowed, forbidden, units, limit, radix, layout)
    to_go = _backward_costs(ahead, weight, allowed, forbidden, units, limit, radix, layout)
    succ = np.empty((horizon, n + 1), dtype=np.int64)  # successors per depth
    next_k = np.zeros(horizon, dtype=np.int64)  # next choice to try per depth
    spent = np.zeros(horizon)  # cost of days 0..depth
    sched = np.empty(horizon, dtype=np.int8)
    count = 0
    for k0 in range(n + 1):
        j = _initial(k0, allowed, units, limit, radix, layout)
        if j < 0 or to_go[0, j] >= _INF:
            continue
        spent[0] = weight[0, k0] if k0 < n else 0.0
        if spent[0] + to_go[0, j] > max_cost:
            continue
        sched[0] = k0 if k0 < n else -1
        depth = 0
        if horizon > 1:
            _successors(j, 1, allowed, forbidden, units, limit, radix, layout, succ[0])
            next_k[0] = 0
        while depth >= 0:
            if depth == horizon - 1:
                if count == capacity:
                    return count + 1, costs
                out[count, :] = sched
                costs[count] = spent[depth]
                count += 1
                depth -= 1
                continue
            k = next_k[depth]
            if k > n:
                depth -= 1
                continue
            next_k[depth] = k + 1
            d = depth + 1
            j = succ[depth, k]
            if j < 0 or to_go[d, j] >= _INF:
                continue
            value = spent[depth] + (weight[d, k] if k < n else 0.0)
            if value + to_go[d, j] > max_cost:
                continue
            sched[d] = k if k < n else -1
            spent[d] = value
            if d < horizon - 1:
                _successors(j, d + 1, allowed, forbidden, units, limit, radix, layout, succ[d])
                next_k[d] = 0
            depth = d
    return count, costs[: min(count, capacity)]


#: Plain-Python references (the same algorithms, uncompiled).
price_reference = _price
cell_bounds_reference = _cell_bounds
enumerate_reference = _enumerate
#: Compiled kernels.
price_kernel = numba.njit(cache=True, nogil=True)(_price)
cell_bounds_kernel = numba.njit(cache=True, nogil=True)(_cell_bounds)
enumerate_kernel = numba.njit(cache=True, nogil=True)(_enumerate)


def _rule_arguments(rules: EmployeeRules) -> tuple:
    """The rule arguments shared by both kernels, in their order."""
    return (
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
    )


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
    weight = np.ascontiguousarray(weight, dtype=np.float64)
    return kernel(weight, *_rule_arguments(rules), n_best)


def cell_bounds(rules: EmployeeRules, weight: np.ndarray, kernel=cell_bounds_kernel) -> np.ndarray:
    """Least cost of a legal schedule through each (day, choice) of one employee.

    Parameters
    ----------
    rules : EmployeeRules
        The employee's rules.
    weight : numpy.ndarray, shape (horizon, shifts)
        Cost of working shift ``k`` on day ``d``.
    kernel : callable, optional
        :data:`cell_bounds_kernel` (default) or :data:`cell_bounds_reference`.

    Returns
    -------
    numpy.ndarray, shape (horizon, shifts + 1)
        As returned by the kernel (last column: the day off; ``inf``: no legal
        schedule makes that choice).
    """
    weight = np.ascontiguousarray(weight, dtype=np.float64)
    return kernel(weight, *_rule_arguments(rules))


def schedules_within(
    rules: EmployeeRules,
    weight: np.ndarray,
    max_cost: float,
    capacity: int,
    kernel=enumerate_kernel,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every legal schedule of one employee costing at most ``max_cost``.

    Parameters
    ----------
    rules : EmployeeRules
        The employee's rules.
    weight : numpy.ndarray, shape (horizon, shifts)
        Cost of working shift ``k`` on day ``d``.
    max_cost : float
        Cost limit (inclusive).
    capacity : int
        Most schedules to list.
    kernel : callable, optional
        :data:`enumerate_kernel` (default) or :data:`enumerate_reference`.

    Returns
    -------
    tuple of numpy.ndarray or None
        ``(schedules, costs)``: int8 array of shape (m, horizon) (shift index
        per day, -1 = off) in depth-first order and their costs; ``None``
        when more than ``capacity`` schedules are within the limit.
    """
    weight = np.ascontiguousarray(weight, dtype=np.float64)
    out = np.empty((capacity, weight.shape[0]), dtype=np.int8)
    count, costs = kernel(weight, *_rule_arguments(rules), float(max_cost), out)
    if count > capacity:
        return None
    return out[:count].copy(), costs


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
        return [tuple(row) for row in schedules.tolist()]
