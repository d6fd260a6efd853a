"""Column generation for the benchmark: the roster-per-employee relaxation.

The master problem chooses one *column* (a whole-horizon schedule) per
employee::

    minimise   sum_{e,p} c[e,p] lam[e,p] + sum_{d,s} (wu[d,s] under[d,s] + wo[d,s] over[d,s])
    subject to sum_p lam[e,p] = 1                                         (alpha[e])
               sum_{e,p} a[e,p,d,s] lam[e,p] + under[d,s] - over[d,s] = req[d,s]   (pi[d,s])

where ``c[e,p]`` is the request penalty of schedule ``p`` and ``a[e,p,d,s]`` is
1 when it works shift ``s`` on day ``d``.  Its linear relaxation (solved with
GLOP) is far tighter than that of the compact model, because every hard rule
of an employee is inside the columns.  Columns are priced per employee with
the objective ``sum (c - pi) x`` by the exact dynamic programme of
:mod:`optimizer.nrp.pricing`, or by CP-SAT on that employee's own rules (the
compact model restricted to one employee) when the programme's state space
would be too large.  No master variable has an upper bound, so the LP value is
the dual objective and ``LP + sum_e min(0, reduced cost)`` is a valid lower
bound (the Lagrangian bound) in every round.

:func:`dive` turns the relaxation into rosters: it repeatedly fixes the
employees whose schedule the relaxation has chosen (the largest ``lam``) and
re-runs column generation on the rest, until every employee has a schedule;
later dives are randomised or re-plan part of the best roster so far, and a
caller's handler is given its turn whenever they stall.
:func:`integer_master` picks the best roster made of the generated columns.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from optimizer.nrp.formulation import NrpModel, build_model
from optimizer.nrp.instance import NrpInstance
from optimizer.nrp.pricing import DpPricer, state_count

__all__ = [
    "ColumnGeneration",
    "CpSatPricer",
    "DiveResult",
    "LpState",
    "Schedule",
    "dive",
    "integer_master",
    "master_column",
    "roster_cost",
]

Schedule = tuple[int, ...]  # shift index per day, -1 = off
#: ``on_stall(generator, root cover duals, best roster, its cost) -> (cheaper roster or None,
#: proven)``: see :func:`dive`.
StallHandler = Callable[
    ["ColumnGeneration", np.ndarray, list[Schedule], int], tuple[list[Schedule] | None, bool]
]

_SCALE = 10_000  # pricing objective scale (CP-SAT needs integer coefficients)
_RC_EPS = 1e-6  # a column enters when its reduced cost is below -_RC_EPS
#: Employees whose dynamic programme has more (day, state) pairs are priced by CP-SAT.
DP_STATE_LIMIT = 20_000_000
#: Share of dives (after the first) that re-plan part of the best roster.
_NEIGHBOURHOOD_SHARE = 0.9
#: Such a dive frees between these shares of the staff.
_FREE_LOW, _FREE_HIGH = 0.3, 0.8
#: Above this many columns per employee the master is cut down to _POOL_KEEP per
#: employee (those of least reduced cost); a large master slows every LP solve.
_POOL_LIMIT, _POOL_KEEP = 60, 30
#: The master changes by a few columns or bounds between solves: GLOP's presolve
#: would discard the previous basis, and the dual simplex restarts best from it
#: after bound changes.
_GLOP_PARAMETERS = "use_preprocessing: false use_dual_simplex: true"
#: Dives without a better roster after which :func:`dive` calls its ``on_stall``.
_STALL_DIVES = 3
#: Schedules returned per pricing call by the dynamic programme.
_DP_COLUMNS = 5


def master_column(
    lp: pywraplp.Solver,
    convexity: pywraplp.Constraint,
    cover: dict[tuple[int, int], pywraplp.Constraint],
    sched: Schedule,
    cost: float,
) -> pywraplp.Variable:
    """Add one schedule's column to a master LP and return its variable.

    The column has coefficient 1 in its employee's ``convexity`` row and in the
    ``cover[day, shift]`` row of every shift it works, objective ``cost`` and no
    upper bound (convexity implies ``lam <= 1``; a bound would take a dual of
    its own and break the reduced costs and the Lagrangian bound).
    """
    var = lp.NumVar(0, lp.infinity(), "")
    convexity.SetCoefficient(var, 1)
    for d, k in enumerate(sched):
        row = cover.get((d, k)) if k >= 0 else None
        if row is not None:
            row.SetCoefficient(var, 1)
    lp.Objective().SetCoefficient(var, cost)
    return var


class CpSatPricer:
    """One employee's rules as a CP-SAT model whose objective changes per call.

    Used for employees whose dynamic programme would be too large
    (:data:`DP_STATE_LIMIT`), and as the independent check of the programme.

    Parameters
    ----------
    instance : NrpInstance
        The instance.
    e : int
        Employee index.
    """

    def __init__(self, instance: NrpInstance, e: int) -> None:
        self.nm: NrpModel = build_model(instance.alone(e))
        self.horizon = instance.horizon
        self.cells = [(d, k, v) for (_, d, k), v in self.nm.x.items()]

    def solve(self, weight: np.ndarray, seed: int, time_limit_s: float) -> list[Schedule]:
        """Schedules found while minimising ``sum weight[d, k] x[d, k]``, best first."""
        model = self.nm.model
        model.clear_objective()
        model.minimize(sum(round(weight[d, k] * _SCALE) * v for d, k, v in self.cells))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_time_in_seconds = time_limit_s
        found: list[Schedule] = []

        class _Collect(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(cb) -> None:  # noqa: N805 - callback instance
                sched = [-1] * self.horizon
                for d, k, v in self.cells:
                    if cb.value(v):
                        sched[d] = k
                found.append(tuple(sched))

        solver.solve(model, _Collect())
        return found[::-1]  # CP-SAT reports improving solutions: best last


@dataclass(frozen=True, slots=True)
class LpState:
    """A solved restricted master problem.

    Attributes
    ----------
    value : float
        Objective of the restricted master LP.
    lagrangian_bound : float
        Valid lower bound on the integer optimum (``-inf`` until every pricing
        problem has been solved to optimality in one round).
    converged : bool
        True when no column with negative reduced cost exists.
    iterations : int
        Column-generation rounds so far.
    """

    value: float
    lagrangian_bound: float
    converged: bool
    iterations: int


class ColumnGeneration:
    """Restricted master LP plus per-employee pricing.

    Parameters
    ----------
    instance : NrpInstance
        The benchmark instance.
    workers : int, optional
        Threads used to price employees in parallel.
    seed : int, optional
        CP-SAT seed for pricing.
    """

    def __init__(self, instance: NrpInstance, workers: int = 2, seed: int = 1) -> None:
        self.instance = instance
        self.workers = max(1, workers)
        self.seed = seed
        n_staff = len(instance.staff)
        self.n_staff = n_staff
        #: Shift id -> shift index.
        self.shift_index = {s.id: k for k, s in enumerate(instance.shifts)}
        sidx = self.shift_index
        eidx = {s.id: i for i, s in enumerate(instance.staff)}
        # Request penalty of a schedule = constant + sum of per-cell costs.
        self.constant = [0] * n_staff
        self.cell_cost: dict[tuple[int, int, int], int] = {}
        for r in instance.on_requests:
            e, key = eidx[r.staff], (eidx[r.staff], r.day, sidx[r.shift])
            self.constant[e] += r.weight
            self.cell_cost[key] = self.cell_cost.get(key, 0) - r.weight
        for r in instance.off_requests:
            key = (eidx[r.staff], r.day, sidx[r.shift])
            self.cell_cost[key] = self.cell_cost.get(key, 0) + r.weight
        self.pricers: list[CpSatPricer | DpPricer] = []
        for e in range(n_staff):
            dp = DpPricer(instance, e, n_best=_DP_COLUMNS)
            fits = state_count(dp.rules) * instance.horizon <= DP_STATE_LIMIT
            self.pricers.append(dp if fits else CpSatPricer(instance, e))
        n_shifts = len(instance.shifts)
        # Per-cell request costs and cover duals, with a last column of zeros for
        # the day off: ``array[days, sched]`` then reads a schedule (-1 = off).
        self._cell_cost_array = np.zeros((n_staff, instance.horizon, n_shifts + 1))
        for (e, d, k), value in self.cell_cost.items():
            self._cell_cost_array[e, d, k] = value
        self._pi_array = np.zeros((instance.horizon, n_shifts + 1))
        self._days = np.arange(instance.horizon)
        self.n_shifts = n_shifts

        self._new_master()
        self.fixed: dict[int, int] = {}  # employee -> column index fixed to 1
        self.iterations = 0
        self.lagrangian_bound = -math.inf
        self._alpha: list[float] = [0.0] * n_staff

    def _new_master(self) -> None:
        """An empty restricted master (rows, slacks, no columns)."""
        inst = self.instance
        sidx = self.shift_index
        lp = pywraplp.Solver.CreateSolver("GLOP")
        lp.SetSolverSpecificParametersAsString(_GLOP_PARAMETERS)
        self.lp = lp
        self.convexity = [lp.Add(lp.Sum([]) == 1) for _ in range(self.n_staff)]
        self.cover: dict[tuple[int, int], pywraplp.Constraint] = {}
        objective = lp.Objective()
        for c in inst.cover:
            # Slacks without upper bounds, like the columns: then the LP value is
            # the dual objective and the Lagrangian bound below is exact.
            under = lp.NumVar(0, lp.infinity(), "")
            over = lp.NumVar(0, lp.infinity(), "")
            row = lp.Add(under - over == c.requirement)
            self.cover[c.day, sidx[c.shift]] = row
            objective.SetCoefficient(under, c.weight_under)
            objective.SetCoefficient(over, c.weight_over)
        objective.SetMinimization()
        self.columns: list[list[Schedule]] = [[] for _ in range(self.n_staff)]
        self.known: list[set[Schedule]] = [set() for _ in range(self.n_staff)]
        self.lam: list[list[pywraplp.Variable]] = [[] for _ in range(self.n_staff)]

    def purge(self, keep: int, extra: list[Schedule] | None = None) -> None:
        """Rebuild the master with the ``keep`` columns of least reduced cost.

        Call only at the root (nothing fixed).  Columns of ``extra`` (one per
        employee, e.g. the best roster) are always kept.  A large master makes
        every LP solve slow; the dropped columns can be priced again if needed.
        """
        scored = sorted(
            (self.reduced_cost(e, sched), e, sched)
            for e in range(self.n_staff)
            for sched in self.columns[e]
        )
        kept = [(e, sched) for _, e, sched in scored[:keep]]
        for e in range(self.n_staff):  # every employee keeps at least one column
            kept.append((e, min(self.columns[e], key=lambda c, e=e: self.reduced_cost(e, c))))
        if extra is not None:
            kept += list(enumerate(extra))
        self._new_master()
        for e, sched in kept:
            self.add_column(e, sched)

    # -- columns -----------------------------------------------------------------
    def cost(self, e: int, sched: Schedule) -> int:
        """Request penalty of employee ``e`` working ``sched``."""
        return self.constant[e] + round(self._cell_cost_array[e][self._days, sched].sum())

    def costs(self, e: int, schedules: np.ndarray) -> np.ndarray:
        """Request penalty of employee ``e`` for each row of ``schedules`` (m, horizon; -1 off)."""
        # The day-off column of the cell costs is zero, and -1 reads it.
        return self.constant[e] + self._cell_cost_array[e][self._days, schedules].sum(axis=1)

    def add_column(self, e: int, sched: Schedule) -> bool:
        """Add a schedule for employee ``e``; False if it is already present."""
        if sched in self.known[e]:
            return False
        self.known[e].add(sched)
        var = master_column(self.lp, self.convexity[e], self.cover, sched, self.cost(e, sched))
        self.columns[e].append(sched)
        self.lam[e].append(var)
        return True

    def fix(self, e: int, j: int) -> None:
        """Fix employee ``e`` to its ``j``-th column."""
        self.lam[e][j].SetLb(1)
        self.fixed[e] = j

    def add_initial_columns(self, pool: ThreadPoolExecutor | None) -> None:
        """Give each employee legal schedules of least request penalty."""
        jobs = range(self.n_staff)

        def first(e: int) -> list[Schedule]:
            return self.pricers[e].solve(self.request_costs(e), self.seed, 5.0)

        results = [first(e) for e in jobs] if pool is None else list(pool.map(first, jobs))
        for e, found in zip(jobs, results, strict=True):
            for sched in found:
                self.add_column(e, sched)

    def unfix_all(self) -> None:
        """Undo every :meth:`fix` (back to the root relaxation)."""
        for e, j in self.fixed.items():
            self.lam[e][j].SetLb(0)
        self.fixed.clear()

    # -- LP --------------------------------------------------------------------
    def _solve_lp(self) -> float:
        """Solve the restricted master; ``inf`` if GLOP gives up (numerical trouble).

        The master is always feasible (cover has slacks and every employee has
        a column), so anything but OPTIMAL is numerical: the caller abandons
        the dive.
        """
        status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            return math.inf
        for (d, k), row in self.cover.items():
            self._pi_array[d, k] = row.dual_value()
        self._alpha = [row.dual_value() for row in self.convexity]
        return self.lp.Objective().Value()

    def cover_duals(self) -> np.ndarray:
        """Duals of the cover rows of the last LP solve, shape (horizon, shifts)."""
        return self._pi_array[:, :-1].copy()

    def request_costs(self, e: int) -> np.ndarray:
        """Request penalty of employee ``e`` per worked cell, shape (horizon, shifts)."""
        return self._cell_cost_array[e, :, :-1]

    def lam_values(self) -> list[list[float]]:
        """Current ``lam`` values per employee and column."""
        return [[v.solution_value() for v in row] for row in self.lam]

    def _weight(self, e: int) -> np.ndarray:
        """Reduced cost per cell of employee ``e``, shape (horizon, shifts + 1) (last: off)."""
        return self._cell_cost_array[e] - self._pi_array

    def _price(self, e: int, time_limit_s: float) -> tuple[int, list[Schedule], float]:
        weight = self._weight(e)[:, :-1]
        found = self.pricers[e].solve(weight, self.seed + self.iterations, time_limit_s)
        return e, found, math.inf if not found else self.reduced_cost(e, found[0])

    def reduced_cost(self, e: int, sched: Schedule) -> float:
        """Reduced cost of a schedule under the current duals."""
        weight = self._weight(e)[self._days, sched]
        return self.constant[e] - self._alpha[e] + float(weight.sum())

    def iterate(self, pool: ThreadPoolExecutor | None, time_limit_s: float) -> LpState:
        """One round: solve the master LP, price every free employee, add columns."""
        value = self._solve_lp()
        self.iterations += 1
        if not math.isfinite(value):
            return LpState(value, self.lagrangian_bound, True, self.iterations)
        free = [e for e in range(self.n_staff) if e not in self.fixed]
        if pool is None:
            results = [self._price(e, time_limit_s) for e in free]
        else:
            results = list(pool.map(lambda e: self._price(e, time_limit_s), free))
        added = 0
        total_rc = 0.0
        complete = True
        for e, found, best_rc in results:
            if not found:
                complete = False
                continue
            total_rc += min(0.0, best_rc)
            for sched in found:
                if self.reduced_cost(e, sched) < -_RC_EPS and self.add_column(e, sched):
                    added += 1
        if complete and not self.fixed:
            # CP-SAT pricing rounds its weights to 1/_SCALE; allow for that, and
            # for floating-point error in the LP.
            n_rounded = sum(not isinstance(p, DpPricer) for p in self.pricers)
            slack = n_rounded * self.instance.horizon / _SCALE + 1e-6
            self.lagrangian_bound = max(self.lagrangian_bound, value + total_rc - slack)
        return LpState(value, self.lagrangian_bound, added == 0, self.iterations)

    def run(
        self,
        deadline: float,
        pool: ThreadPoolExecutor | None,
        log: Callable[[str], None] | None = None,
    ) -> LpState:
        """Generate columns until no column prices out or the deadline."""
        state = LpState(math.inf, self.lagrangian_bound, False, self.iterations)
        while time.monotonic() < deadline:
            remaining = deadline - time.monotonic()
            state = self.iterate(pool, max(0.05, min(5.0, remaining)))
            if log is not None and not self.fixed:
                log(
                    f"cg round {state.iterations} lp={state.value:.3f}"
                    f" lb={state.lagrangian_bound:.3f}"
                )
            if state.converged:
                break
        # Re-solve so that lam values and duals match the final column set.
        return dataclasses.replace(state, value=self._solve_lp())


@dataclass(frozen=True, slots=True)
class DiveResult:
    """Outcome of :func:`dive`.

    Attributes
    ----------
    roster : list of Schedule or None
        One schedule per employee, or ``None`` when the deadline came first.
    cost : int or None
        Objective of ``roster``.
    bound : float
        Lagrangian lower bound at the root (``-inf`` if the root was not priced
        completely).
    generator : ColumnGeneration
        The column generator, holding every column made.
    dives : int
        Number of dives started.
    completed : int
        Number of dives that reached a whole roster.
    root_duals : numpy.ndarray or None
        Cover duals of the converged root relaxation, shape (horizon, shifts)
        (``None`` when it did not converge in time).
    proven : bool
        True when ``cost`` is known to be optimal (it meets the root bound, or
        ``on_stall`` proved it).
    """

    roster: list[Schedule] | None
    cost: int | None
    bound: float
    generator: ColumnGeneration
    dives: int
    completed: int
    root_duals: np.ndarray | None = None
    proven: bool = False


def _free_employees(cg: ColumnGeneration, best: list[Schedule], rng: random.Random) -> set[int]:
    """Employees to re-plan around the best roster.

    Between 30% and 80% of the staff: half drawn uniformly, half weighted by
    how far each one's schedule in ``best`` is from what the root relaxation
    prefers (its reduced cost under the last duals, plus one).
    """
    n = cg.n_staff
    size = max(2, min(n, round(n * rng.uniform(_FREE_LOW, _FREE_HIGH))))
    weights = [max(0.0, cg.reduced_cost(e, best[e])) + 1.0 for e in range(n)]
    free: set[int] = set()
    while len(free) < size:
        if rng.random() < 0.5:
            free.add(rng.randrange(n))
        else:
            free.add(rng.choices(range(n), weights=weights)[0])
    return free


def roster_cost(cg: ColumnGeneration, roster: list[Schedule]) -> int:
    """Objective of a whole roster (requests and cover) from the generator's data."""
    inst = cg.instance
    sidx = cg.shift_index
    counts: dict[tuple[int, int], int] = {}
    for sched in roster:
        for d, k in enumerate(sched):
            if k >= 0:
                counts[d, k] = counts.get((d, k), 0) + 1
    total = sum(cg.cost(e, sched) for e, sched in enumerate(roster))
    for c in inst.cover:
        n = counts.get((c.day, sidx[c.shift]), 0)
        total += c.weight_under * max(0, c.requirement - n)
        total += c.weight_over * max(0, n - c.requirement)
    return total


def _dive_once(
    cg: ColumnGeneration,
    deadline: float,
    pool: ThreadPoolExecutor | None,
    rng: random.Random | None,
    cutoff: float,
    keep: dict[int, Schedule] | None = None,
) -> list[Schedule] | None:
    """One dive from the root; ``None`` when cut off or out of time.

    Each step fixes every employee whose schedule the relaxation has chosen
    outright (``lam = 1``) plus one more: the largest fractional ``lam``, or
    with ``rng`` a random one weighted by ``lam`` squared.  The dive is
    abandoned as soon as the relaxation cannot beat ``cutoff``.  Employees in
    ``keep`` are fixed to the given schedules first (a neighbourhood of a
    known roster).
    """
    cg.unfix_all()
    for e, sched in (keep or {}).items():
        cg.add_column(e, sched)
        cg.fix(e, cg.columns[e].index(sched))
    state = cg.run(deadline, pool)
    while len(cg.fixed) < cg.n_staff:
        if time.monotonic() >= deadline or state.value > cutoff:
            return None
        lam = cg.lam_values()
        free = [e for e in range(cg.n_staff) if e not in cg.fixed]
        integral = [(e, j) for e in free for j, v in enumerate(lam[e]) if v > 1 - 1e-6]
        done = {e for e, _ in integral}
        fractional = [
            (v, e, j) for e in free if e not in done for j, v in enumerate(lam[e]) if v > 1e-6
        ]
        choice = integral
        if fractional:
            if rng is None:
                _, e, j = max(fractional)
            else:
                _, e, j = rng.choices(fractional, weights=[v * v for v, _, _ in fractional])[0]
            choice = [*integral, (e, j)]
        for e, j in choice:
            cg.fix(e, j)
        state = cg.run(deadline, pool)
    if state.value > cutoff:
        return None
    return [cg.columns[e][cg.fixed[e]] for e in range(cg.n_staff)]


def dive(
    instance: NrpInstance,
    deadline: float,
    workers: int = 2,
    seed: int = 1,
    incumbent: list[Schedule] | None = None,
    log: Callable[[str], None] | None = None,
    max_dives: int | None = None,
    first_deadline: float | None = None,
    root_deadline: float | None = None,
    on_stall: StallHandler | None = None,
) -> DiveResult:
    """Column generation at the root, then repeated dives to whole rosters.

    The first dive is greedy; later ones choose the column to fix at random
    (weighted towards those the relaxation prefers) and are abandoned once they
    cannot beat the best roster so far.  Dives repeat until the deadline or
    until a roster meets the root bound (proven optimal).

    Parameters
    ----------
    instance : NrpInstance
        The instance.
    deadline : float
        ``time.monotonic()`` value by which to return.
    workers : int, optional
        Pricing threads.
    seed : int, optional
        Seed for pricing and for the random dives.
    incumbent : list of Schedule, optional
        A known roster (one schedule per employee) added as columns.
    log : callable, optional
        Receives progress lines.
    max_dives : int, optional
        Stop after this many dives (makes the result independent of speed).
    first_deadline : float, optional
        Give up (return) if no dive has reached a roster by this time.
    root_deadline : float, optional
        Give up (return without diving) if the root relaxation has not
        converged by this time.
    on_stall : callable, optional
        Called as ``on_stall(generator, root_duals, best, cost)`` once per best
        roster, after ``_STALL_DIVES`` dives have not beaten it or when the
        dives end (even at the deadline: the handler keeps to the caller's
        own); returns a cheaper roster or ``None``, and whether the best roster
        (the returned one if any) is proven optimal, which ends the dives.

    Returns
    -------
    DiveResult
        The best roster (``None`` if the deadline came first), its cost, the
        root Lagrangian bound and the column generator with every column made.
    """
    cg = ColumnGeneration(instance, workers=workers, seed=seed)
    pool = ThreadPoolExecutor(max_workers=cg.workers) if cg.workers > 1 else None
    rng = random.Random(seed)
    best: list[Schedule] | None = None
    best_cost: int | None = None
    dives = completed = 0
    try:
        cg.add_initial_columns(pool)
        if incumbent is not None:
            for e, sched in enumerate(incumbent):
                cg.add_column(e, sched)
            best, best_cost = list(incumbent), roster_cost(cg, list(incumbent))
        root = cg.run(deadline if root_deadline is None else root_deadline, pool, log=log)
        bound = cg.lagrangian_bound
        target = math.ceil(bound - 1e-6) if math.isfinite(bound) else -math.inf
        if log is not None:
            log(f"cg root lp={root.value:.3f} bound={bound:.3f} rounds={root.iterations}")
        if not root.converged:
            # Pricing too slow for dives to pay off in the time given.
            return DiveResult(best, best_cost, bound, cg, 0, 0)
        root_duals = cg.cover_duals()
        proven = False
        improved_at, stalled_cost = 0, None  # dive count of the last improvement
        while True:
            searching = (
                time.monotonic() < deadline
                and not proven
                and (best_cost is None or best_cost > target)
                and (max_dives is None or dives < max_dives)
            )
            # The handler's turn: after a stall, and once more at the end.
            if (
                on_stall is not None
                and best is not None
                and best_cost > target
                and not proven
                and best_cost != stalled_cost
                and (dives - improved_at >= _STALL_DIVES or not searching)
            ):
                stalled_cost = best_cost
                found, proven = on_stall(cg, root_duals, best, best_cost)
                if found is not None:
                    for e, sched in enumerate(found):
                        cg.add_column(e, sched)
                    best, best_cost = list(found), roster_cost(cg, list(found))
                    improved_at = dives
                continue
            if not searching:
                break
            # Only a roster at least one unit cheaper is worth finishing.
            cutoff = math.inf if best_cost is None else best_cost - 1 + 1e-6
            if sum(map(len, cg.columns)) > _POOL_LIMIT * cg.n_staff:
                cg.unfix_all()
                cg.run(deadline, pool)  # root duals for the reduced costs
                cg.purge(_POOL_KEEP * cg.n_staff, best)
            keep = None
            if best is not None and dives and rng.random() < _NEIGHBOURHOOD_SHARE:
                free = _free_employees(cg, best, rng)
                keep = {e: best[e] for e in range(cg.n_staff) if e not in free}
            # Until one dive has finished, stop at first_deadline (the caller then
            # falls back to searching the compact model).
            until = deadline if completed or first_deadline is None else first_deadline
            if time.monotonic() >= until:
                break
            roster = _dive_once(cg, until, pool, rng if dives else None, cutoff, keep)
            dives += 1
            if roster is None:
                continue
            completed += 1
            cost = roster_cost(cg, roster)
            if best_cost is None or cost < best_cost:
                best, best_cost, improved_at = roster, cost, dives
                if log is not None:
                    log(f"cg dive {dives} cost={cost} columns={sum(map(len, cg.columns))}")
        proven = proven or (best_cost is not None and best_cost <= target)
        return DiveResult(best, best_cost, bound, cg, dives, completed, root_duals, proven)
    finally:
        cg.unfix_all()
        if pool is not None:
            pool.shutdown()


def integer_master(
    cg: ColumnGeneration,
    incumbent: list[Schedule] | None,
    time_limit_s: float,
    workers: int = 2,
    seed: int = 1,
) -> tuple[list[Schedule] | None, int | None]:
    """Best roster made of the generated columns (one per employee), by CP-SAT.

    Parameters
    ----------
    cg : ColumnGeneration
        The generator holding the columns.
    incumbent : list of Schedule or None
        A roster of generated columns to start from (a solution hint).
    time_limit_s : float
        Time limit in seconds (deterministic time when ``workers == 1``).
    workers : int, optional
        CP-SAT threads.
    seed : int, optional
        CP-SAT seed.

    Returns
    -------
    tuple
        The roster and its cost, or ``(None, None)`` if none was found in time.
    """
    inst = cg.instance
    m = cp_model.CpModel()
    lam = [[m.new_bool_var("") for _ in cg.columns[e]] for e in range(cg.n_staff)]
    for e in range(cg.n_staff):
        m.add_exactly_one(lam[e])
    sidx = cg.shift_index
    terms = []
    for c in inst.cover:
        k = sidx[c.shift]
        on = [
            lam[e][j]
            for e in range(cg.n_staff)
            for j, col in enumerate(cg.columns[e])
            if col[c.day] == k
        ]
        u = m.new_int_var(0, c.requirement, "")
        o = m.new_int_var(0, cg.n_staff, "")
        m.add(sum(on) + u - o == c.requirement)
        terms += [c.weight_under * u, c.weight_over * o]
    terms += [
        cg.cost(e, col) * lam[e][j]
        for e in range(cg.n_staff)
        for j, col in enumerate(cg.columns[e])
    ]
    m.minimize(sum(terms))
    if incumbent is not None:
        for e, sched in enumerate(incumbent):
            for j, col in enumerate(cg.columns[e]):
                m.add_hint(lam[e][j], int(col == sched))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    if workers == 1:
        # Deterministic time decides (reproducible); wall time only as a backstop.
        solver.parameters.max_deterministic_time = max(0.05, time_limit_s)
        solver.parameters.max_time_in_seconds = 3 * max(0.05, time_limit_s) + 1
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None
    roster = [
        next(col for j, col in enumerate(cg.columns[e]) if solver.value(lam[e][j]))
        for e in range(cg.n_staff)
    ]
    return roster, round(solver.objective_value)
