"""Solve benchmark instances: column generation with dives, then CP-SAT polishing.

The search has four phases (see :func:`solve`): a short CP-SAT run on the
compact model (:mod:`optimizer.nrp.formulation`), which proves small instances
optimal; column generation over whole-horizon schedules priced by dynamic
programming (:mod:`optimizer.nrp.columns`, :mod:`optimizer.nrp.pricing`), whose
relaxation gives a lower bound far tighter than the compact model's, and
repeated dives from it to whole rosters; CP-SAT on the generated columns; and a
large neighbourhood search on the compact model (:mod:`optimizer.nrp.lns`) for
what time is left.  Whenever the dives stall, two exact searches look for a
cheaper roster among those the root duals allow
(:mod:`optimizer.nrp.reduced_cost`): branch and price over the listed
schedules such a roster could use (:mod:`optimizer.nrp.branch_price`), when
they are few enough, and CP-SAT on the compact model with the reduced-cost
cuts.  Both keep every roster that could beat the best one, so when either
runs out of candidates the best one is proven optimal.  Between the two,
randomised dives over capped pools (:mod:`optimizer.nrp.pool_dive`) look for
a cheaper roster fast.  The returned roster is always re-scored by the
independent evaluator (:mod:`optimizer.nrp.evaluate`).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from optimizer.nrp.best_known import best_known_for
from optimizer.nrp.branch_price import SchedulePool, schedule_pool, search
from optimizer.nrp.columns import ColumnGeneration, Schedule, dive, integer_master, roster_cost
from optimizer.nrp.evaluate import evaluate
from optimizer.nrp.formulation import Grid, NrpModel, build_model, objective_expression
from optimizer.nrp.instance import NrpInstance
from optimizer.nrp.lns import Assignment, assignment_from_values, improve
from optimizer.nrp.pool_dive import list_dive_pools, pool_dives
from optimizer.nrp.reduced_cost import ReducedCostCuts, cut_model, reduced_cost_cuts

__all__ = ["NrpResult", "build_model", "solve"]

#: Opening CP-SAT run: at most this many seconds and this share of the budget.
_OPENING_S, _OPENING_SHARE = 3.0, 0.05
#: Share of the budget for the best combination of generated columns.
_MASTER_SHARE = 0.1
#: If no dive has reached a roster by this share of the budget, dives stop; if
#: the root relaxation has not converged by _ROOT_SHARE, they do not start (the
#: compact-model search then gets the time: instances 8 and 12 at 60 s).
_FIRST_DIVE_SHARE, _ROOT_SHARE = 0.6, 0.2
#: CP-SAT on the cut compact model when the dives stall: at most this many
#: seconds and this share of the budget for the first attempt; an attempt that
#: finds nothing halves the next one's.
_STALL_S, _STALL_SHARE = 8.0, 0.15
#: Branch and price over the schedule pool (before the cut model) at a stall:
#: at most this many seconds and this share of the budget per target, once per
#: target, and at most _POOL_TOTAL_SHARE of the budget in all; pools of more
#: schedules are not listed.
_POOL_S, _POOL_SHARE, _POOL_CAPACITY = 2.0, 0.05, 100_000
_POOL_TOTAL_SHARE = 0.15
#: With one worker the pool search is limited by nodes: this many per second
#: of its budget (instances 5-7 run at 100-300), wall time 3x as backstop.
_POOL_NODES_PER_S = 150
#: Randomised dives over capped pools (:mod:`optimizer.nrp.pool_dive`) after
#: the pool search, for rosters one below the best and on down: at most
#: _POOL_DIVE_S seconds and _POOL_DIVE_TARGET_SHARE of the budget per target,
#: _POOL_DIVE_SHARE in all; with one worker, _POOL_DIVES_PER_S dives per
#: second of that (Instance7 runs 5-9).
_POOL_DIVE_S, _POOL_DIVE_TARGET_SHARE, _POOL_DIVE_SHARE = 5.0, 0.08, 0.3
_POOL_DIVES_PER_S = 6
#: Dives slow down as their pool grows: the cap is the widest share of the gap
#: whose pool holds at most this many schedules (see list_dive_pools).
_POOL_DIVE_CAPACITY = 50_000


def _lns_iterations(seconds: float) -> int:
    """Sub-problem budget of the neighbourhood search with one worker.

    Counting sub-problems instead of seconds keeps one-worker runs reproducible;
    four per second is well below the rate on instances 1-7 (sub-solves are
    capped at half a unit of deterministic time), so the wall-clock limit
    rarely decides.
    """
    return max(1, int(4 * seconds))


_STATUS = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
    cp_model.MODEL_INVALID: "UNKNOWN",
    cp_model.UNKNOWN: "UNKNOWN",
}


@dataclass(frozen=True, slots=True)
class NrpResult:
    """Outcome of :func:`solve`.

    Attributes
    ----------
    instance : str
        Instance name.
    objective : int or None
        Objective of the returned roster as computed by the independent evaluator
        (``None`` when no roster was found).
    solver_objective : int or None
        Objective of the returned roster according to the CP-SAT model.
    objective_mismatch : bool
        True when ``objective`` and ``solver_objective`` disagree (a model bug).
    bound : float
        Best proven lower bound.
    best_known : int or None
        Best known value of the instance, if it is a numbered benchmark instance.
    gap : float or None
        ``(objective - best_known) / best_known``.
    status : str
        ``"OPTIMAL"``, ``"FEASIBLE"``, ``"INFEASIBLE"`` or ``"UNKNOWN"``.
    wall_time_s : float
        Wall-clock time including model building.
    roster : tuple of tuple of (str or None) or None
        ``roster[e][d]`` is the shift of the e-th employee (file order) on day d.
    violations : tuple of str
        Hard-constraint violations of the roster found by the evaluator.
    lns_iterations : int
        Number of neighbourhood sub-problems solved.
    """

    instance: str
    objective: int | None
    solver_objective: int | None
    objective_mismatch: bool
    bound: float
    best_known: int | None
    gap: float | None
    status: str
    wall_time_s: float
    roster: Grid | None
    violations: tuple[str, ...]
    lns_iterations: int

    def to_dict(self) -> dict[str, object]:
        """Summary as a JSON-serialisable dict (roster excluded)."""
        return {
            "instance": self.instance,
            "objective": self.objective,
            "bound": self.bound,
            "best_known": self.best_known,
            "gap": self.gap,
            "status": self.status,
            "wall_time_s": round(self.wall_time_s, 3),
            "solver_objective": self.solver_objective,
            "objective_mismatch": self.objective_mismatch,
            "violations": list(self.violations),
            "lns_iterations": self.lns_iterations,
        }


def _grid(nm: NrpModel, assignment: Assignment) -> Grid:
    inst = nm.instance
    return tuple(
        tuple(
            inst.shifts[assignment[e, d]].id if assignment[e, d] >= 0 else None
            for d in range(inst.horizon)
        )
        for e in range(len(inst.staff))
    )


def _assignment_of(roster: list[Schedule], horizon: int) -> Assignment:
    return {(e, d): sched[d] for e, sched in enumerate(roster) for d in range(horizon)}


def _roster_of(assignment: Assignment, instance: NrpInstance) -> list[Schedule]:
    """The inverse of :func:`_assignment_of`: one schedule per employee."""
    days = range(instance.horizon)
    return [tuple(assignment[e, d] for d in days) for e in range(len(instance.staff))]


def _full_model(
    nm: NrpModel,
    time_limit_s: float,
    seed: int,
    workers: int,
    hint: Assignment | None,
    lower_bound: int | None,
) -> tuple[str, Assignment | None, int | None, float]:
    """CP-SAT on the whole compact model; return (status, roster, cost, bound)."""
    model = nm.model.clone()
    if hint is not None:
        for (e, d, k), var in nm.x.items():
            model.add_hint(var, int(hint[e, d] == k))
    if lower_bound is not None:
        # Valid (it is the column-generation bound) and it tightens CP-SAT's own.
        model.add(objective_expression(nm) >= lower_bound)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = workers
    params.random_seed = seed
    params.linearization_level = 2
    if workers >= 2:
        # The full-problem worker keeps every constraint (and CP-SAT's cuts) in its
        # linear relaxation: this gives much stronger bounds than the default worker.
        params.subsolvers.append("max_lp")
    params.max_time_in_seconds = max(0.05, time_limit_s)
    if workers == 1:
        # Deterministic time decides (reproducible); wall time only as a backstop.
        params.max_deterministic_time = max(0.05, time_limit_s)
        params.max_time_in_seconds = 3 * params.max_deterministic_time + 1
    status = solver.solve(model)
    name = _STATUS.get(status, "UNKNOWN")
    if name not in ("OPTIMAL", "FEASIBLE"):
        return name, None, None, -math.inf if name != "INFEASIBLE" else math.inf
    assignment = assignment_from_values(nm, solver.value)
    cost = round(solver.objective_value)
    bound = float(cost) if name == "OPTIMAL" else float(solver.best_objective_bound)
    return name, assignment, cost, bound


def solve(
    instance: NrpInstance,
    time_limit_s: float,
    seed: int = 1,
    workers: int = 2,
    log_callback: Callable[[str], None] | None = None,
    column_fraction: float = 0.8,
) -> NrpResult:
    """Optimise a benchmark instance.

    Four phases share the budget:

    1. CP-SAT on the compact model for ``min(3 s, 5%)`` of the budget: it
       proves small instances optimal;
    2. column generation and repeated dives (:mod:`optimizer.nrp.columns`),
       which give the root lower bound and rosters (until ``column_fraction``
       of the budget; when the root relaxation or the first dive is too slow,
       CP-SAT on the compact model gets half of what is left instead).  When
       3 dives in a row have not beaten the best roster, and once more when
       the dives end:

       * branch and price over the pool of schedules a cheaper roster could
         use (when it holds at most 100,000; ``min(2 s, 5%)`` of the budget
         per target and 15% in all, for targets from the lower bound up,
         never twice for the same target);
       * randomised dives over pools capped at shares of the gap for rosters
         one below the best, then one below that (``min(5 s, 8%)`` per
         target, 30% in all, shared with the dives after phase 2);
       * CP-SAT on the compact model with the reduced-cost cuts of the root
         duals (``min(8 s, 15%)``, halved after an attempt that finds
         nothing); it goes before the capped-pool dives once it has found
         or proved a roster.

       Every roster cheaper than the best is in the pool and survives the
       cuts, so "none" from either exact search proves the best roster
       optimal.  What is left of the capped-pool dives' 30% then goes to more
       of them from the best roster;
    3. CP-SAT on the generated columns: the best roster made of them (up to a
       tenth of the budget);
    4. large neighbourhood search (:mod:`optimizer.nrp.lns`) for the rest, on
       the cut model when there is one.

    Each phase stops early once the best roster meets the lower bound or is
    proven optimal.

    Parameters
    ----------
    instance : NrpInstance
        The instance.
    time_limit_s : float
        Wall-clock budget in seconds (model building included).
    seed : int, optional
        Random seed (pricing, dives, CP-SAT and neighbourhood choice).
    workers : int, optional
        Threads (pricing and CP-SAT).  With ``workers=1`` and a fixed seed the
        dives are limited by count rather than by time and the CP-SAT phases by
        deterministic time, so the result does not depend on the machine's load.
    log_callback : callable, optional
        Receives progress lines.
    column_fraction : float, optional
        Share of the budget by which phase 2 ends.

    Returns
    -------
    NrpResult
        Best roster found, its evaluation and the bounds.
    """
    start = time.monotonic()
    deadline = start + time_limit_s
    nm = build_model(instance)
    log = log_callback
    best: Assignment | None = None
    best_cost: int | None = None
    target: int | None = None
    status_name = "UNKNOWN"
    search_model = nm  # the model the neighbourhood search works on

    def proven() -> bool:
        return best_cost is not None and target is not None and best_cost <= target

    def cp_sat(budget: float) -> None:
        nonlocal best, best_cost, target, status_name
        name, assignment, cost, cp_bound = _full_model(nm, budget, seed, workers, best, target)
        if name == "INFEASIBLE":
            status_name = "INFEASIBLE"
        if cost is not None and (best_cost is None or cost < best_cost):
            best, best_cost = assignment, cost
        if math.isfinite(cp_bound) and (target is None or cp_bound > target):
            target = math.ceil(cp_bound - 1e-6)
        if log is not None:
            log(
                f"cp-sat {time.monotonic() - start:7.2f}s status={name} obj={cost} bound={cp_bound}"
            )

    # 1. A short CP-SAT run proves small instances optimal outright.
    cp_sat(min(_OPENING_S, time_limit_s * _OPENING_SHARE))

    stall_s = min(_STALL_S, time_limit_s * _STALL_SHARE)
    pool_s = min(_POOL_S, time_limit_s * _POOL_SHARE)
    pool_left = time_limit_s * _POOL_TOTAL_SHARE  # seconds (nodes / rate with one worker)
    # The cuts are built once, so a target the pool search could not settle
    # stays unsettled: it is not tried again.
    pool_unsettled: list[int] = []
    # The cuts depend only on the root duals: built once, on first use.
    root_cuts: list[tuple[np.ndarray, ReducedCostCuts | None]] = []

    def cuts_of(cg: ColumnGeneration, duals: np.ndarray) -> ReducedCostCuts | None:
        if not root_cuts or root_cuts[0][0] is not duals:
            root_cuts[:] = [(duals, reduced_cost_cuts(cg, duals))]
        return root_cuts[0][1]

    def limits(began: float, budget: float, rate: float) -> tuple[int | None, float]:
        """Work limit and deadline for ``budget`` seconds of a search started at ``began``.

        With one worker the search is limited by work, ``rate`` units (nodes,
        dives) per second, so that its outcome does not depend on the
        machine's load, with three times the wall time as a backstop.
        """
        if workers == 1:
            return max(1, int(rate * budget)), min(began + 3 * budget, deadline)
        return None, min(began + budget, deadline)

    def spent(began: float, units: int, rate: float) -> float:
        """Seconds of budget used by ``units`` of work since ``began`` (see ``limits``)."""
        return units / rate if workers == 1 else time.monotonic() - began

    def pool_search(
        cg: ColumnGeneration, cuts: ReducedCostCuts, cost: int
    ) -> tuple[list[Schedule] | None, bool]:
        """Branch and price for rosters costing ``t``, from the lower bound up.

        Each target that the search exhausts raises the lower bound by one, so
        the first roster found is optimal, and so is the best one (costing
        ``cost``) once ``t`` reaches it.  Returns (a cheaper roster or None,
        proven optimal).
        """
        nonlocal target, pool_left
        t = math.ceil(cuts.bound - 1e-9)
        if target is not None:
            t = max(t, target)
        while t < cost and t not in pool_unsettled and pool_left > 0:
            # Each target gets its own budget: settling one is progress.
            began = time.monotonic()
            max_nodes, until = limits(began, min(pool_s, pool_left), _POOL_NODES_PER_S)
            pool = schedule_pool(cg, cuts, t, _POOL_CAPACITY)
            if pool is None:
                pool_unsettled.append(t)
                break
            found = search(cg, pool, until, log, max_nodes)
            pool_left -= spent(began, found.nodes, _POOL_NODES_PER_S)
            if log is not None:
                log(
                    f"pool search {time.monotonic() - start:7.2f}s target={t}"
                    f" schedules={pool.size} nodes={found.nodes} obj={found.cost}"
                )
            if found.roster is not None:
                # Every lower target is exhausted: nothing is cheaper.
                target = found.cost
                return found.roster, True
            if not found.exhausted:
                pool_unsettled.append(t)
                break
            t += 1
            target = t  # nothing costs less than t
        return None, t >= cost

    dive_s = min(_POOL_DIVE_S, time_limit_s * _POOL_DIVE_TARGET_SHARE)
    dive_left = time_limit_s * _POOL_DIVE_SHARE  # seconds (dives / rate with one worker)
    dive_rng = random.Random(seed)
    # Like the pool search's, the dives' pools depend only on the root cuts,
    # built once: each target's are listed once.
    dive_pools_of: dict[int, list[SchedulePool]] = {}

    def pool_dive(
        cg: ColumnGeneration, cuts: ReducedCostCuts, cost: int, per_target: float
    ) -> list[Schedule] | None:
        """Dives over capped pools for a roster below ``cost``, then below that, ...

        Each target gets at most ``per_target`` seconds.  Returns the cheapest
        roster found, or None.
        """
        nonlocal dive_left
        found: list[Schedule] | None = None
        t = cost - 1
        while dive_left > 0 and (target is None or t >= target):
            began = time.monotonic()  # the listing counts against the budget
            if t not in dive_pools_of:
                dive_pools_of[t] = list_dive_pools(cg, cuts, t, _POOL_DIVE_CAPACITY)
            pools = dive_pools_of[t]
            if not pools:
                dive_left -= spent(began, 0, _POOL_DIVES_PER_S)
                break
            max_dives, until = limits(began, min(per_target, dive_left), _POOL_DIVES_PER_S)
            dived_here = pool_dives(cg, pools, until, dive_rng, max_dives, log)
            dive_left -= spent(began, dived_here.dives, _POOL_DIVES_PER_S)
            if log is not None:
                log(
                    f"pool dives {time.monotonic() - start:7.2f}s target={t}"
                    f" schedules={pools[0].size} dives={dived_here.dives} obj={dived_here.cost}"
                )
            if dived_here.roster is None:
                break
            found = dived_here.roster
            t = dived_here.cost - 1
        return found

    def cut_search(cuts: ReducedCostCuts | None, cost: int) -> tuple[list[Schedule] | None, bool]:
        """CP-SAT on the cut model for a roster below ``cost``: (roster or None, proven).

        ``proven`` refers to the returned roster, or without one to the
        roster costing ``cost``.
        """
        nonlocal stall_s
        strong, exhausted = cut_model(nm, cuts, cost - 1)
        if strong is None:
            return None, exhausted
        budget = min(stall_s, deadline - time.monotonic())
        name, assignment, found_cost, _ = _full_model(strong, budget, seed, workers, None, target)
        if log is not None:
            log(f"cut model {time.monotonic() - start:7.2f}s status={name} obj={found_cost}")
        if assignment is None:
            if name != "INFEASIBLE":
                stall_s /= 2
            return None, name == "INFEASIBLE"
        return _roster_of(assignment, instance), name == "OPTIMAL"

    cut_first = False  # the cut model goes first once it has found or proved something

    def on_stall(
        cg: ColumnGeneration, duals: np.ndarray, roster: list[Schedule], cost: int
    ) -> tuple[list[Schedule] | None, bool]:
        """Cheaper rosters from the pool search, then the pool dives and the cut model.

        The pool dives go before the cut model until the cut model has found
        a roster or proved one optimal (Instance7: the dives find, the cut
        model never does; Instance6: the other way round).  A roster either
        finds becomes the one the other tries to beat.
        """
        cheaper: list[Schedule] | None = None
        cuts = cuts_of(cg, duals)
        if cuts is not None:
            found, proven_here = pool_search(cg, cuts, cost)
            if proven_here:
                return found, True

        def dives(cost: int) -> tuple[list[Schedule] | None, bool]:
            found = None if cuts is None else pool_dive(cg, cuts, cost, dive_s)
            if found is None:
                return None, False
            return found, target is not None and roster_cost(cg, found) <= target

        def cuts_step(cost: int) -> tuple[list[Schedule] | None, bool]:
            nonlocal cut_first
            found, proven_here = cut_search(cuts, cost)
            cut_first = found is not None or proven_here
            return found, proven_here

        for step in (cuts_step, dives) if cut_first else (dives, cuts_step):
            found, proven_here = step(cost)
            if found is not None:
                cheaper, cost = found, roster_cost(cg, found)
            if proven_here:
                return cheaper, True
        return cheaper, False

    # 2. Column generation and dives.
    if not proven() and status_name != "INFEASIBLE":
        dive_end = start + time_limit_s * column_fraction
        max_dives = max(1, int(time_limit_s * column_fraction)) if workers == 1 else None
        incumbent = None if best is None else _roster_of(best, instance)
        dived = dive(
            instance,
            dive_end,
            workers=workers,
            seed=seed,
            incumbent=incumbent,
            log=log,
            max_dives=max_dives,
            first_deadline=start + time_limit_s * _FIRST_DIVE_SHARE,
            root_deadline=start + time_limit_s * _ROOT_SHARE,
            on_stall=on_stall,
        )
        if math.isfinite(dived.bound):
            root = math.ceil(dived.bound - 1e-6)
            target = root if target is None else max(target, root)
        if dived.cost is not None and (best_cost is None or dived.cost < best_cost):
            best, best_cost = _assignment_of(dived.roster, instance.horizon), dived.cost
        if dived.proven:
            target = best_cost

        # What is left of the pool dives' budget: more dives from the best roster.
        if dived.root_duals is not None and not proven():
            cuts = cuts_of(dived.generator, dived.root_duals)
            if cuts is not None:
                left = min(dive_left, deadline - time.monotonic())
                roster = pool_dive(dived.generator, cuts, best_cost, left)
                if roster is not None:
                    best = _assignment_of(roster, instance.horizon)
                    best_cost = roster_cost(dived.generator, roster)

        # 3. The best combination of the generated columns.
        if dived.completed and not proven():
            budget = min(time_limit_s * _MASTER_SHARE, deadline - time.monotonic())
            roster, cost = integer_master(dived.generator, dived.roster, budget, workers, seed)
            if cost is not None and cost < best_cost:
                best, best_cost = _assignment_of(roster, instance.horizon), cost
            if log is not None:
                log(f"columns {time.monotonic() - start:7.2f}s obj={cost}")

        # No dive finished in time (large instance): CP-SAT on the whole model
        # for half of what is left, then the neighbourhood search.
        elif not proven() and best is not None:
            cp_sat((deadline - time.monotonic()) / 2)

        # The neighbourhood search works on the compact model cut by the root duals.
        if dived.root_duals is not None and not proven():
            cuts = cuts_of(dived.generator, dived.root_duals)
            strong, exhausted = cut_model(nm, cuts, best_cost - 1)
            if exhausted:
                target = best_cost  # the cuts leave no cheaper roster
            elif strong is not None:
                search_model = strong

    # No roster yet (very large instance): CP-SAT on the whole model.
    if best is None and status_name != "INFEASIBLE" and deadline - time.monotonic() > 0.05:
        cp_sat(deadline - time.monotonic())
    if best is not None and status_name == "UNKNOWN":
        status_name = "FEASIBLE"

    iterations = 0
    if best is not None and not proven() and deadline - time.monotonic() > 0.05:
        best, best_cost, stats = improve(
            search_model,
            best,
            best_cost,
            lower_bound=-math.inf if target is None else target,
            deadline=deadline,
            seed=seed,
            workers=workers,
            log=log,
            max_iterations=_lns_iterations(deadline - time.monotonic()) if workers == 1 else None,
        )
        iterations = stats.iterations
    if proven():
        status_name = "OPTIMAL"
    if status_name == "INFEASIBLE":
        bound = math.inf
    elif status_name == "OPTIMAL":
        bound = float(best_cost)
    else:
        # Every penalty weight is non-negative, so 0 bounds any instance.
        bound = 0.0 if target is None else float(max(target, 0))

    best_known = best_known_for(instance.name)
    grid = None if best is None else _grid(nm, best)
    objective: int | None = None
    violations: tuple[str, ...] = ()
    mismatch = False
    if grid is not None:
        ev = evaluate(instance, grid)
        objective = ev.objective
        violations = tuple(ev.violations)
        mismatch = objective != best_cost or bool(violations)
        if mismatch and log is not None:
            log(f"MISMATCH evaluator={objective} search={best_cost} violations={len(violations)}")
    gap = None
    if objective is not None and best_known:
        gap = (objective - best_known) / best_known
    return NrpResult(
        instance=instance.name,
        objective=objective,
        solver_objective=best_cost,
        objective_mismatch=mismatch,
        bound=bound,
        best_known=best_known,
        gap=gap,
        status=status_name,
        wall_time_s=time.monotonic() - start,
        roster=grid,
        violations=violations,
        lns_iterations=iterations,
    )
