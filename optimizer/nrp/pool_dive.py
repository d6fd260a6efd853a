"""Randomised dives over capped schedule pools: a fast search for a cheaper roster.

Exhausting the pool of :func:`optimizer.nrp.branch_price.schedule_pool`
(:func:`optimizer.nrp.branch_price.search`) proves a target impossible, but
when a roster at the target exists the best-bound search can take long to
reach it.  A roster costing ``target`` spends the gap ``target - bound`` on
few employees (on Instance7 four of twenty take all of it; the others work a
schedule of least reduced cost), so a search for one can leave out, for every
employee, the schedules whose excess ``rc_e - m_e`` is a large share of the
gap.  That *capped* pool is far smaller (Instance7 at 1056: 23,370 schedules
with excess at most 0.35 of the gap against 255,922), its schedules are
those the relaxation almost prefers, and it no longer holds every roster:
finding none proves nothing.

A dive works on the master LP over one capped pool
(:class:`optimizer.nrp.branch_price.PoolMaster`, priced exactly from the pool
by :func:`optimizer.nrp.branch_price.relax_node`).  Each step fixes every
employee whose schedule the relaxation has chosen outright plus one more, a
fractional column drawn with probability proportional to its value;
a dive ends as soon as the relaxation's bound exceeds the target (most end
after one or two steps, in a few milliseconds).  Dives go round the pools
capped at several shares of the gap, the whole pool among them, until one
reaches a roster within the target: which cap suits is not known in advance.
On Instance7 at 1056 the whole pool is too big to dive in and the capped
ones give a roster every 5 s or so; on Instance5 at 1143 the whole pool
gives one in 40 dives and the capped ones none in 300.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizer.nrp.branch_price import (
    PoolMaster,
    SchedulePool,
    capped,
    relax_node,
    schedule_pool,
)
from optimizer.nrp.columns import ColumnGeneration, Schedule, roster_cost
from optimizer.nrp.reduced_cost import ReducedCostCuts

__all__ = ["CAP_SHARES", "PoolDives", "dive_pools", "list_dive_pools", "pool_dives"]

#: Shares of the gap at which the pools are capped, largest first (1: the
#: whole pool, which holds every roster within the target).
CAP_SHARES = (1.0, 0.7, 0.5, 0.35)
#: When even the narrowest of CAP_SHARES lists too many schedules (a wide gap),
#: the first of these that fits is the one cap.
_NARROW_SHARES = (0.25, 0.18, 0.125, 0.09, 0.06, 0.04)
#: A value is fractional between _FRAC_EPS and 1 - _FRAC_EPS.
_FRAC_EPS = 1e-6
#: GLOP lets itself choose the simplex: every dive starts by undoing the last
#: one's fixings, a change primal simplex handles better (Instance7 at 1056: a
#: third more dives per second than with dual simplex forced).
_GLOP_PARAMETERS = "use_preprocessing: false"


@dataclass(frozen=True, slots=True)
class PoolDives:
    """Outcome of :func:`pool_dives`.

    Attributes
    ----------
    roster : list of Schedule or None
        A roster costing at most the target, if a dive reached one.
    cost : int or None
        Its cost.
    dives : int
        Dives started.
    """

    roster: list[Schedule] | None
    cost: int | None
    dives: int


def dive_pools(
    pool: SchedulePool, gap: int, shares: tuple[float, ...] = CAP_SHARES
) -> list[SchedulePool]:
    """The pools the dives use: ``pool`` capped at each share of ``gap``.

    Parameters
    ----------
    pool : SchedulePool
        Schedules with excess at most ``max(shares) * gap`` (or more).
    gap : int
        ``target - bound`` in units of ``1 / pool.scale``.
    shares : tuple of float, optional
        Shares of the gap.

    Returns
    -------
    list of SchedulePool
        One per share, without repeats and without pools that leave an
        employee no schedule.
    """
    out: list[SchedulePool] = []
    sizes: set[int] = set()
    for share in shares:
        sub = capped(pool, int(share * gap))
        if sub.size in sizes or any(len(s) == 0 for s in sub.schedules):
            continue
        sizes.add(sub.size)
        out.append(sub)
    return out


def list_dive_pools(
    cg: ColumnGeneration, cuts: ReducedCostCuts, target: int, capacity: int
) -> list[SchedulePool]:
    """List the pools to dive in for rosters costing at most ``target``.

    The pool is listed at the widest of :data:`CAP_SHARES` whose listing
    holds at most ``capacity`` schedules and capped again at the narrower
    ones; when none fits, at the first narrower share that does, alone.

    Parameters
    ----------
    cg : ColumnGeneration
        The generator (employees' rules and request costs).
    cuts : ReducedCostCuts
        Integer reduced costs of the root duals.
    target : int
        Roster cost.
    capacity : int
        Most schedules in the widest pool.

    Returns
    -------
    list of SchedulePool
        Widest first; empty when the cuts leave no roster costing ``target``
        or no share fits.
    """
    gap = cuts.gap_units(target)
    if gap < 0:
        return []
    for share in CAP_SHARES + _NARROW_SHARES:
        pool = schedule_pool(cg, cuts, target, capacity, cap=int(share * gap))
        if pool is not None:
            shares = tuple(s for s in CAP_SHARES if s <= share) or (share,)
            return dive_pools(pool, gap, shares)
    return []


def _fix(allowed: np.ndarray, schedule: np.ndarray) -> None:
    """Allow one employee only ``schedule`` (rows of ``allowed``: days, choices; -1 = off)."""
    n_choices = allowed.shape[1]
    allowed[:] = False
    allowed[np.arange(len(schedule)), np.where(schedule < 0, n_choices - 1, schedule)] = True


def _dive(
    cg: ColumnGeneration,
    master: PoolMaster,
    rng: random.Random,
    deadline: float,
) -> list[Schedule] | None:
    """One dive from the root of ``master``; the roster, or ``None`` when cut off."""
    pool = master.pool
    cutoff = pool.target + 1e-6
    allowed = np.ones((cg.n_staff, cg.instance.horizon, cg.n_shifts + 1), dtype=np.bool_)
    fixed: dict[int, int] = {}
    while True:
        status, _ = relax_node(master, allowed, {}, cutoff, deadline)
        if status != "solved":
            return None
        fractional: list[tuple[float, int, int]] = []
        for e in range(cg.n_staff):
            if e in fixed:
                continue
            for value, row in master.schedule_values(e):
                if value > 1 - _FRAC_EPS:
                    fixed[e] = row
                    _fix(allowed[e], pool.schedules[e][row])
                else:
                    fractional.append((value, e, row))
        fractional = [f for f in fractional if f[1] not in fixed]
        if len(fixed) == cg.n_staff:
            break
        if not fractional:
            return None  # numerical trouble: nothing to fix
        _, e, row = rng.choices(fractional, weights=[v for v, _, _ in fractional])[0]
        fixed[e] = row
        _fix(allowed[e], pool.schedules[e][row])
    roster = [
        tuple(int(k) for k in pool.schedules[e][fixed[e]].tolist()) for e in range(cg.n_staff)
    ]
    return roster if roster_cost(cg, roster) <= pool.target else None


def pool_dives(
    cg: ColumnGeneration,
    pools: list[SchedulePool],
    deadline: float,
    rng: random.Random,
    max_dives: int | None = None,
    log: Callable[[str], None] | None = None,
) -> PoolDives:
    """Dive over ``pools`` in turn until one dive reaches a roster within the target.

    Parameters
    ----------
    cg : ColumnGeneration
        The generator (instance data and roster costs).
    pools : list of SchedulePool
        Pools of one target (e.g. from :func:`dive_pools`).
    deadline : float
        ``time.monotonic()`` value by which to return.
    rng : random.Random
        Source of the random choices.
    max_dives : int, optional
        Stop after this many dives (a limit by work, not time).
    log : callable, optional
        Receives a line when a roster is found.

    Returns
    -------
    PoolDives
        The roster found (or none) and the number of dives.
    """
    masters = [PoolMaster(cg, pool, _GLOP_PARAMETERS) for pool in pools]
    dives = 0
    while masters and time.monotonic() < deadline and (max_dives is None or dives < max_dives):
        master = masters[dives % len(masters)]
        dives += 1
        roster = _dive(cg, master, rng, deadline)
        if roster is not None:
            cost = roster_cost(cg, roster)
            if log is not None:
                log(f"pool dive: roster {cost} after {dives} dives ({master.pool.size} schedules)")
            return PoolDives(roster, cost, dives)
    return PoolDives(None, None, dives)
