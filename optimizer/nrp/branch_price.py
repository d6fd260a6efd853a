"""Branch and price over every schedule a cheaper roster could use.

The reduced-cost split of :mod:`optimizer.nrp.reduced_cost` says that a roster
costing at most ``target`` gives each employee ``e`` a schedule of reduced
cost at most ``m_e + gap`` (``gap = target - bound``).  When the gap is small
those schedules can be listed (:func:`optimizer.nrp.pricing.schedules_within`):
the *pool*.  Every roster costing at most ``target`` is then made of pool
schedules, and "is there one?" becomes set partitioning over the pool, which
:func:`search` settles by branch and price:

* a node's relaxation is the master LP (one convex combination of schedules
  per employee, cover with priced slacks; GLOP) over the pool schedules that
  the node's branching decisions allow, generated column by column: pricing
  scans the pool (:data:`pool_price_kernel`), so it is exact and a node's
  Lagrangian bound ``LP + sum_e min(0, reduced cost_e)`` is valid in every
  round;
* a node whose bound exceeds ``target`` is pruned (objectives are integers);
* branching first makes the cover counts integral: the most fractional count
  ``n[d, s]`` (number of employees on shift ``s`` on day ``d``) gets
  ``n <= floor`` or ``n >= floor + 1``, as bounds on the cover slacks; once
  every count is integral it fixes one (employee, day, choice) cell, worked as
  that choice or not, the fractional one the relaxation most nearly chose.
  Without the count branches the search needs 20 to 50 times more nodes on
  Instance5;
* the child nearer the relaxation is explored at once (a plunge, like a
  dive), the other kept; open nodes are taken best bound first.

So when the search runs out of nodes without a roster, none costs ``target``
or less: with ``target = best - 1`` the best roster is optimal.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np
from ortools.linear_solver import pywraplp

from optimizer.nrp.columns import ColumnGeneration, Schedule, master_column, roster_cost
from optimizer.nrp.pricing import keep_best, schedules_within
from optimizer.nrp.reduced_cost import ReducedCostCuts

__all__ = [
    "PoolMaster",
    "PoolSearch",
    "SchedulePool",
    "capped",
    "pool_price_kernel",
    "pool_price_reference",
    "relax_node",
    "schedule_pool",
    "search",
]

#: Columns priced into the master per employee and round.
_COLUMNS_PER_ROUND = 5
#: A column enters when its reduced cost is below -_RC_EPS; a value is
#: fractional between _FRAC_EPS and 1 - _FRAC_EPS.
_RC_EPS, _FRAC_EPS = 1e-6, 1e-6
#: Objective of the artificial column each employee has in the master, and of
#: the artificial cover slacks, so that every node's LP is feasible; far above
#: any roster's cost, so they are never in an optimal solution of a node that
#: has a roster (and push the bound of one that has none past any target).
_ARTIFICIAL_COST = 1e7
#: Nodes between progress lines.
_LOG_EVERY = 1000
#: GLOP for the search: dual simplex suits its nodes, which differ from their
#: parent by a few bounds.
_GLOP_PARAMETERS = "use_preprocessing: false use_dual_simplex: true"

#: A branching decision: ``(employee, day, choice, worked)`` fixes a cell
#: (choice = shifts: off); ``(-1, day, shift, lo, hi)`` bounds a cover count.
Decision = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SchedulePool:
    """Every schedule a roster costing at most ``target`` can give each employee.

    Attributes
    ----------
    target : int
        Roster cost the pool is complete for.
    schedules : list of numpy.ndarray of int8, shape (m_e, horizon)
        Per employee: the schedules (shift index per day, -1 = off).
    penalty : list of numpy.ndarray of float64, shape (m_e,)
        Per employee: request penalty of each schedule (objective points).
    excess : list of numpy.ndarray of int64, shape (m_e,)
        Per employee: reduced cost of each schedule above the employee's least,
        ``rc_e - m_e``, in units of 1 / ``scale`` (between 0 and ``gap``).
    scale : int
        Units per objective point of ``excess``.
    """

    target: int
    schedules: list[np.ndarray]
    penalty: list[np.ndarray]
    excess: list[np.ndarray]
    scale: int

    @property
    def size(self) -> int:
        """Number of schedules over all employees."""
        return sum(len(s) for s in self.schedules)


def schedule_pool(
    cg: ColumnGeneration,
    cuts: ReducedCostCuts,
    target: int,
    capacity: int,
    cap: int | None = None,
) -> SchedulePool | None:
    """List every schedule a roster costing at most ``target`` can use.

    Parameters
    ----------
    cg : ColumnGeneration
        The generator (employees' rules and request costs).
    cuts : ReducedCostCuts
        Integer reduced costs of the root duals.
    target : int
        Roster cost.
    capacity : int
        Most schedules to list over all employees.
    cap : int, optional
        List only schedules whose excess (``rc_e - m_e``, units of
        ``1 / cuts.scale``) is at most ``cap``: a pool for a heuristic search,
        no longer complete when ``cap`` is below the gap.

    Returns
    -------
    SchedulePool or None
        The pool (employees without any schedule when the cuts leave no roster
        costing ``target``), or ``None`` when it would exceed ``capacity``.
    """
    gap = cuts.gap_units(target)
    spend = gap if cap is None else min(gap, cap)
    schedules, penalty, excess = [], [], []
    left = capacity
    for e, pricer in enumerate(cg.pricers):
        if gap < 0:
            schedules.append(np.empty((0, cg.instance.horizon), dtype=np.int8))
            excess.append(np.empty(0, dtype=np.int64))
        else:
            limit = cuts.minimum[e] + spend - cuts.constant[e]
            weight = cuts.weights[e].astype(np.float64)
            found = schedules_within(pricer.rules, weight, limit, left)
            if found is None:
                return None
            schedules.append(found[0])
            excess.append(np.rint(found[1] + cuts.constant[e] - cuts.minimum[e]).astype(np.int64))
            left -= len(found[0])
        penalty.append(cg.costs(e, schedules[-1]))
    return SchedulePool(target, schedules, penalty, excess, cuts.scale)


def capped(pool: SchedulePool, cap: int) -> SchedulePool:
    """The schedules of ``pool`` whose excess is at most ``cap`` (units of ``1 / pool.scale``)."""
    keep = [x <= cap for x in pool.excess]
    return SchedulePool(
        pool.target,
        [s[k] for s, k in zip(pool.schedules, keep, strict=True)],
        [p[k] for p, k in zip(pool.penalty, keep, strict=True)],
        [x[k] for x, k in zip(pool.excess, keep, strict=True)],
        pool.scale,
    )


def _pool_price(
    schedules: np.ndarray,
    penalty: np.ndarray,
    duals: np.ndarray,
    allowed: np.ndarray,
    n_best: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_best`` pool schedules of least reduced cost that a node allows.

    Parameters
    ----------
    schedules : numpy.ndarray of int8, shape (m, horizon)
        One employee's pool (-1 = off).
    penalty : numpy.ndarray of float64, shape (m,)
        Their request penalties.
    duals : numpy.ndarray of float64, shape (horizon, shifts + 1)
        Cover duals per (day, shift), last column zero (a day off covers nothing).
    allowed : numpy.ndarray of bool, shape (horizon, shifts + 1)
        Choices the node allows (last column: off).
    n_best : int
        Schedules to return.

    Returns
    -------
    index : numpy.ndarray of int64
        Pool rows, least reduced cost first (ties: lower row); empty when the
        node allows none.
    reduced : numpy.ndarray of float64
        ``penalty - sum_d duals[d, choice_d]`` of each (without the convexity dual).
    """
    m, horizon = schedules.shape
    off = duals.shape[1] - 1
    best_idx = np.full(n_best, -1, dtype=np.int64)
    best_rc = np.full(n_best, np.inf)
    found = 0
    for i in range(m):
        rc = penalty[i]
        legal = True
        for d in range(horizon):
            k = schedules[i, d]
            c = off if k < 0 else k
            if not allowed[d, c]:
                legal = False
                break
            rc -= duals[d, c]
        if legal:
            found = keep_best(best_rc, best_idx, found, rc, i)
    return best_idx[:found], best_rc[:found]


#: Plain-Python reference and compiled kernel of the pool pricing.
pool_price_reference = _pool_price
pool_price_kernel = numba.njit(cache=True, nogil=True)(_pool_price)


class PoolMaster:
    """The master LP over pool columns, re-solved under each node's decisions.

    Parameters
    ----------
    cg : ColumnGeneration
        The generator (instance data, shift index, request costs).
    pool : SchedulePool
        The schedules columns are priced from.
    glop_parameters : str, optional
        GLOP parameters (text format); the default forces dual simplex.
    """

    def __init__(
        self, cg: ColumnGeneration, pool: SchedulePool, glop_parameters: str = _GLOP_PARAMETERS
    ) -> None:
        inst = cg.instance
        self.pool = pool
        self.n_staff = cg.n_staff
        self.horizon = inst.horizon
        self.n_choices = cg.n_shifts + 1
        lp = pywraplp.Solver.CreateSolver("GLOP")
        lp.SetSolverSpecificParametersAsString(glop_parameters)
        self.lp = lp
        objective = lp.Objective()
        objective.SetMinimization()
        self.convexity = []
        for _ in range(self.n_staff):
            row = lp.Add(lp.Sum([]) == 1)
            artificial = lp.NumVar(0, lp.infinity(), "")
            row.SetCoefficient(artificial, 1)
            objective.SetCoefficient(artificial, _ARTIFICIAL_COST)
            self.convexity.append(row)
        # Cover rows with unbounded slacks, as in the column generator.
        self.cover: dict[tuple[int, int], pywraplp.Constraint] = {}
        self.slacks: dict[tuple[int, int], tuple[pywraplp.Variable, pywraplp.Variable, int]] = {}
        self.artificial: dict[tuple[int, int], tuple[pywraplp.Variable, pywraplp.Variable]] = {}
        for c in inst.cover:
            under = lp.NumVar(0, lp.infinity(), "")
            over = lp.NumVar(0, lp.infinity(), "")
            # Artificial slacks keep the LP feasible when a node bounds the count
            # beyond what the master's columns can reach (pricing then fixes it).
            art_under = lp.NumVar(0, lp.infinity(), "")
            art_over = lp.NumVar(0, lp.infinity(), "")
            row = lp.Add(under - over + art_under - art_over == c.requirement)
            key = (c.day, cg.shift_index[c.shift])
            self.cover[key] = row
            self.slacks[key] = (under, over, c.requirement)
            self.artificial[key] = (art_under, art_over)
            objective.SetCoefficient(under, c.weight_under)
            objective.SetCoefficient(over, c.weight_over)
            objective.SetCoefficient(art_under, _ARTIFICIAL_COST)
            objective.SetCoefficient(art_over, _ARTIFICIAL_COST)
        self._count_bounds: dict[tuple[int, int], tuple[float, float]] = {}
        self.rows: list[list[int]] = [[] for _ in range(self.n_staff)]  # pool rows in the master
        self.vars: list[list[pywraplp.Variable]] = [[] for _ in range(self.n_staff)]
        self.enabled: list[list[bool]] = [[] for _ in range(self.n_staff)]
        self.present: list[set[int]] = [set() for _ in range(self.n_staff)]
        self.duals = np.zeros((self.horizon, self.n_choices))
        self.alpha = np.zeros(self.n_staff)
        self._days = np.arange(self.horizon)

    def add(self, e: int, row: int) -> None:
        if row in self.present[e]:
            return
        self.present[e].add(row)
        sched = tuple(self.pool.schedules[e][row].tolist())
        cost = float(self.pool.penalty[e][row])
        var = master_column(self.lp, self.convexity[e], self.cover, sched, cost)
        self.rows[e].append(row)
        self.vars[e].append(var)
        self.enabled[e].append(True)

    def _choices(self, e: int, rows: list[int] | np.ndarray) -> np.ndarray:
        sched = self.pool.schedules[e][rows]
        return np.where(sched < 0, self.n_choices - 1, sched)

    def bound_counts(self, counts: dict[tuple[int, int], tuple[float, float]]) -> None:
        """Keep each cover count ``n[d, s]`` within ``counts[d, s] = (lo, hi)``.

        ``n = requirement - under + over``; a roster's cheapest slacks have one
        of the two at zero, so the bounds go on the slacks themselves.
        """
        inf = self.lp.infinity()
        for key in set(self._count_bounds) | set(counts):
            lo, hi = counts.get(key, (-inf, inf))
            if self._count_bounds.get(key) == (lo, hi):
                continue
            under, over, req = self.slacks[key]
            u_lo, u_hi, o_lo, o_hi = 0.0, inf, 0.0, inf
            if hi < inf:
                if hi >= req:
                    o_hi = hi - req
                else:
                    o_hi, u_lo = 0.0, req - hi
            if lo > -inf:
                if lo <= req:
                    u_hi = min(u_hi, req - lo)
                else:
                    u_hi, o_lo = 0.0, lo - req
            under.SetBounds(u_lo, u_hi)
            over.SetBounds(o_lo, o_hi)
            if key in counts:
                self._count_bounds[key] = (lo, hi)
            else:
                self._count_bounds.pop(key, None)

    def counts(self) -> dict[tuple[int, int], float]:
        """Cover count ``n[d, s]`` of the last LP solution."""
        out = {}
        for key, (under, over, req) in self.slacks.items():
            art_under, art_over = self.artificial[key]
            slack = under.solution_value() + art_under.solution_value()
            out[key] = req - slack + over.solution_value() + art_over.solution_value()
        return out

    def restrict(self, allowed: np.ndarray) -> None:
        """Allow only the master columns that meet ``allowed`` (E, horizon, choices)."""
        for e in range(self.n_staff):
            if not self.rows[e]:
                continue
            ok = allowed[e][self._days, self._choices(e, self.rows[e])].all(axis=1)
            for j, flag in enumerate(ok.tolist()):
                if flag != self.enabled[e][j]:
                    self.vars[e][j].SetUb(self.lp.infinity() if flag else 0.0)
                    self.enabled[e][j] = flag

    def solve_lp(self) -> float:
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            return math.nan
        for (d, k), row in self.cover.items():
            self.duals[d, k] = row.dual_value()
        self.alpha[:] = [row.dual_value() for row in self.convexity]
        return self.lp.Objective().Value()

    def schedule_values(self, e: int) -> list[tuple[float, int]]:
        """(lam, pool row) of employee ``e``'s columns with a positive value."""
        out = []
        for var, row in zip(self.vars[e], self.rows[e], strict=True):
            v = var.solution_value()
            if v > _FRAC_EPS:
                out.append((v, row))
        return out


@dataclass(frozen=True, slots=True)
class PoolSearch:
    """Outcome of :func:`search`.

    Attributes
    ----------
    roster : list of Schedule or None
        A roster costing at most the target, if one was found.
    cost : int or None
        Its cost.
    exhausted : bool
        True when the search proved that no roster costs the target or less.
    nodes : int
        Nodes whose relaxation was solved.
    pool_size : int
        Schedules in the pool.
    """

    roster: list[Schedule] | None
    cost: int | None
    exhausted: bool
    nodes: int
    pool_size: int


def _node_allowed(
    base: np.ndarray, decisions: tuple[Decision, ...]
) -> tuple[np.ndarray, dict[tuple[int, int], tuple[float, float]]]:
    """The cells a node allows and the bounds on its cover counts."""
    allowed = base.copy()
    counts: dict[tuple[int, int], tuple[float, float]] = {}
    for decision in decisions:
        if decision[0] < 0:
            _, d, k, lo, hi = decision
            old_lo, old_hi = counts.get((d, k), (-math.inf, math.inf))
            counts[d, k] = (max(old_lo, lo), min(old_hi, hi))
            continue
        e, d, c, worked = decision
        if worked:
            keep = allowed[e, d, c]
            allowed[e, d, :] = False
            allowed[e, d, c] = keep
        else:
            allowed[e, d, c] = False
    return allowed, counts


def relax_node(
    master: PoolMaster,
    allowed: np.ndarray,
    counts: dict[tuple[int, int], tuple[float, float]],
    cutoff: float,
    deadline: float,
) -> tuple[str, float]:
    """Column generation at one node, pricing exactly from the pool.

    Parameters
    ----------
    master : PoolMaster
        The master LP (columns are added to it).
    allowed : numpy.ndarray of bool, shape (employees, horizon, shifts + 1)
        The (employee, day, choice) cells the node allows (last choice: off).
    counts : dict
        Bounds ``(lo, hi)`` on cover counts, keyed by (day, shift).
    cutoff : float
        Prune once the Lagrangian bound exceeds this (objective points).
    deadline : float
        ``time.monotonic()`` value by which to give up.

    Returns
    -------
    tuple
        ``("pruned" | "solved" | "unknown", bound)``: the LP value when
        solved, the bound that pruned, or ``-inf`` when out of time.
    """
    pool = master.pool
    master.bound_counts(counts)
    while True:
        if time.monotonic() > deadline:
            return "unknown", -math.inf
        master.restrict(allowed)
        value = master.solve_lp()
        if math.isnan(value):
            return "unknown", -math.inf
        bound = value
        added = []
        for e in range(master.n_staff):
            rows, reduced = pool_price_kernel(
                pool.schedules[e], pool.penalty[e], master.duals, allowed[e], _COLUMNS_PER_ROUND
            )
            if len(rows) == 0:
                return "pruned", math.inf  # the node allows this employee no schedule
            reduced = reduced - master.alpha[e]
            bound += min(0.0, float(reduced[0]))
            added += [(e, int(r)) for r, rc in zip(rows, reduced, strict=True) if rc < -_RC_EPS]
        if bound > cutoff:
            return "pruned", bound
        if not added:
            return "solved", value
        for e, row in added:
            master.add(e, row)


def search(
    cg: ColumnGeneration,
    pool: SchedulePool,
    deadline: float,
    log: Callable[[str], None] | None = None,
    max_nodes: int | None = None,
) -> PoolSearch:
    """Branch and price for a roster costing at most ``pool.target``.

    Parameters
    ----------
    cg : ColumnGeneration
        The generator (instance data and roster costs).
    pool : SchedulePool
        Every schedule such a roster can use.
    deadline : float
        ``time.monotonic()`` value by which to return.
    log : callable, optional
        Receives progress lines.
    max_nodes : int, optional
        Stop after this many nodes (a limit by work, not time, makes the
        outcome independent of the machine's speed).

    Returns
    -------
    PoolSearch
        The first roster found within the target, or none and whether the
        search was complete.
    """
    n_staff, horizon, n_choices = cg.n_staff, cg.instance.horizon, cg.n_shifts + 1
    if any(len(s) == 0 for s in pool.schedules):
        return PoolSearch(None, None, True, 0, pool.size)
    master = PoolMaster(cg, pool)
    base = np.ones((n_staff, horizon, n_choices), dtype=np.bool_)
    cutoff = pool.target + 1e-6
    heap: list[tuple[float, int, tuple[Decision, ...]]] = [(-math.inf, 0, ())]
    sequence = nodes = 0
    next_log = _LOG_EVERY
    complete = True
    while heap:
        bound, _, decisions = heapq.heappop(heap)
        if bound > cutoff:
            continue
        if log is not None and nodes >= next_log:
            next_log += _LOG_EVERY
            log(f"pool search: {nodes} nodes, {len(heap) + 1} open, best bound {bound:.3f}")
        while True:  # plunge
            if time.monotonic() > deadline or (max_nodes is not None and nodes >= max_nodes):
                return PoolSearch(None, None, False, nodes, pool.size)
            allowed, counts = _node_allowed(base, decisions)
            status, value = relax_node(master, allowed, counts, cutoff, deadline)
            nodes += 1
            if status == "unknown":
                complete = False
                break
            if status == "pruned":
                break
            count = _branching_count(master)
            if count is not None:
                (d, k), n = count
                lower, upper = math.floor(n), math.floor(n) + 1
                near, far = (
                    ((-1, d, k, -math.inf, lower), (-1, d, k, upper, math.inf))
                    if n - lower < 0.5
                    else ((-1, d, k, upper, math.inf), (-1, d, k, -math.inf, lower))
                )
                sequence += 1
                heapq.heappush(heap, (value, sequence, (*decisions, far)))
                decisions = (*decisions, near)
                continue
            choice = _branching_cell(master, n_staff, horizon, n_choices)
            if choice is None:  # integral
                roster = [
                    tuple(
                        int(k)
                        for k in pool.schedules[e][max(master.schedule_values(e))[1]].tolist()
                    )
                    for e in range(n_staff)
                ]
                cost = roster_cost(cg, roster)
                if log is not None:
                    log(f"pool search: roster {cost} after {nodes} nodes")
                if cost <= pool.target:
                    return PoolSearch(roster, cost, False, nodes, pool.size)
                complete = False  # numerical trouble: the LP said otherwise
                break
            e, d, c = choice
            sequence += 1
            heapq.heappush(heap, (value, sequence, (*decisions, (e, d, c, False))))
            decisions = (*decisions, (e, d, c, True))
    if log is not None:
        log(f"pool search: {nodes} nodes, complete={complete}")
    return PoolSearch(None, None, complete, nodes, pool.size)


def _branching_count(master: PoolMaster) -> tuple[tuple[int, int], float] | None:
    """The most fractional cover count of the last LP solution, or ``None``."""
    best, best_key, best_n = _FRAC_EPS, None, 0.0
    for key, n in sorted(master.counts().items()):
        frac = min(n - math.floor(n), math.ceil(n) - n)
        if frac > best:
            best, best_key, best_n = frac, key, n
    return None if best_key is None else (best_key, best_n)


def _branching_cell(
    master: PoolMaster, n_staff: int, horizon: int, n_choices: int
) -> tuple[int, int, int] | None:
    """The fractional (employee, day, choice) of largest value, or ``None`` if integral."""
    best: tuple[float, int, int, int] | None = None
    days = np.arange(horizon)
    for e in range(n_staff):
        values = master.schedule_values(e)
        if len(values) == 1 and values[0][0] > 1 - _FRAC_EPS:
            continue
        x = np.zeros((horizon, n_choices))
        rows = [row for _, row in values]
        lam = np.array([v for v, _ in values])
        choices = master._choices(e, rows)
        for j in range(len(rows)):
            x[days, choices[j]] += lam[j]
        frac = np.where((x > _FRAC_EPS) & (x < 1 - _FRAC_EPS), x, -1.0)
        flat = int(np.argmax(frac))
        value = float(frac.flat[flat])
        if value > 0 and (best is None or value > best[0]):
            d, c = divmod(flat, n_choices)
            best = (value, e, d, c)
    return None if best is None else best[1:]
