"""Large neighbourhood search over (person, day) cells: one engine for both problem kinds.

A problem reader builds a CP-SAT model whose decisions are grouped in *cells*, one
per person (doctor or employee) and day: the Booleans choosing that day's duties,
plus auxiliary variables that follow them (e.g. "works on day d"). Starting from
an incumbent, each iteration frees a neighbourhood (a set of people over the whole
horizon, everybody over a window of days, or about half of the people over a
window), fixes every other cell to the incumbent by tightening variable domains in
a clone of the model, and lets CP-SAT re-optimise the freed part under a short
deterministic time limit. Improving and equal-cost solutions are accepted.
Neighbourhood sizes adapt: they grow when sub-problems are solved to optimality
quickly and shrink when they time out.

The doctor-rota search (:mod:`optimizer.solve`) and the public benchmark's search
(:mod:`optimizer.nrp.lns`) both call :func:`improve`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ortools.sat.python import cp_model

__all__ = ["Cells", "LnsStats", "Values", "fix_cells", "improve"]

#: Per cell ``(person, day)``: the choice variables (hinted when freed) and the
#: auxiliary variables that follow them; both are fixed when the cell is not free.
Cells = Mapping[tuple[int, int], tuple[Sequence[cp_model.IntVar], Sequence[cp_model.IntVar]]]
#: Values of (at least) the cell variables, by variable index in the model: a solution
#: vector (every variable) or a mapping.
Values = Sequence[int] | Mapping[int, int]

_DET_LIMIT = 0.5  # deterministic time limit of one sub-solve
_DET_TARGET = 0.1  # sub-solves faster than this let the neighbourhood grow


@dataclass(slots=True)
class LnsStats:
    """Counters of an LNS run.

    Attributes
    ----------
    iterations : int
        Number of sub-problems solved.
    improvements : int
        Number of strictly improving moves.
    """

    iterations: int = 0
    improvements: int = 0


@dataclass(slots=True)
class _Arm:
    """An adaptive neighbourhood family."""

    name: str
    size: float
    low: float
    high: float

    def update(self, fast: bool, optimal: bool) -> None:
        """Grow after fast optimal solves, shrink after time-outs."""
        factor = 1.08 if fast else (0.97 if optimal else 0.85)
        self.size = min(self.high, max(self.low, self.size * factor))


def fix_cells(model: cp_model.CpModel, cells: Cells, values: Values, free=frozenset()) -> None:
    """Fix the Boolean variables of every cell not in ``free`` to their ``values``."""
    domains = model.proto.variables
    for cell, (choice, aux) in cells.items():
        if cell in free:
            continue
        for var in (*choice, *aux):
            dom = domains[var.index].domain
            dom[0] = dom[1] = values[var.index]


def _window_start(length: int, horizon: int, penalties: list[int], rng: random.Random) -> int:
    """Start of a window of ``length`` days, centred on a costly day half of the time."""
    if rng.random() < 0.5 and sum(penalties) > 0:
        centre = rng.choices(range(horizon), weights=penalties)[0]
        start = centre - rng.randrange(length)
    else:
        start = rng.randrange(horizon - length + 1)
    return min(max(0, start), horizon - length)


def _neighbourhood(
    arm: _Arm, n_people: int, horizon: int, penalties: list[int], rng: random.Random
) -> set[tuple[int, int]]:
    """Return the set of free (person, day) cells."""
    if arm.name == "staff":
        k = max(1, min(n_people, round(arm.size)))
        staff = rng.sample(range(n_people), k)
        return {(e, d) for e in staff for d in range(horizon)}
    length = max(1, min(horizon, round(arm.size)))
    start = _window_start(length, horizon, penalties, rng)
    if arm.name == "days":
        return {(e, d) for e in range(n_people) for d in range(start, start + length)}
    # "block": about half the people over a window whose length adapts.
    k = max(1, min(n_people, (n_people + 1) // 2))
    staff = rng.sample(range(n_people), k)
    return {(e, d) for e in staff for d in range(start, start + length)}


@dataclass(frozen=True, slots=True)
class _Task:
    """One sub-problem: the model, its cells and objective, what is free."""

    model: cp_model.CpModel
    cells: Cells
    objective: cp_model.LinearExprT
    incumbent: Values
    incumbent_cost: int
    free: frozenset[tuple[int, int]]
    seed: int
    det_limit: float
    time_limit: float


def _solve_neighbourhood(task: _Task) -> tuple[int, Values | None, bool, float]:
    """Re-optimise the free cells; return (cost, values, optimal, deterministic time)."""
    sub = task.model.clone()
    fix_cells(sub, task.cells, task.incumbent, task.free)
    for cell in task.free:
        for var in task.cells[cell][0]:
            sub.add_hint(var, task.incumbent[var.index])
    sub.add(task.objective <= task.incumbent_cost)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = task.seed
    params.max_time_in_seconds = task.time_limit
    params.max_deterministic_time = task.det_limit
    params.linearization_level = 2
    status = solver.solve(sub)
    dtime = solver.response_proto.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return task.incumbent_cost + 1, None, False, dtime
    return (
        round(solver.objective_value),
        list(solver.response_proto.solution),
        status == cp_model.OPTIMAL,
        dtime,
    )


def improve(
    model: cp_model.CpModel,
    cells: Cells,
    objective: cp_model.LinearExprT,
    incumbent: Values,
    incumbent_cost: int,
    *,
    n_people: int,
    horizon: int,
    lower_bound: float,
    deadline: float,
    seed: int,
    workers: int,
    day_penalties: Callable[[Values], list[int]] | None = None,
    log: Callable[[str], None] | None = None,
    max_iterations: int | None = None,
    on_improve: Callable[[Values, int], None] | None = None,
) -> tuple[Values, int, LnsStats]:
    """Improve a solution by large neighbourhood search until a wall-clock deadline.

    Each round draws one neighbourhood per worker thread and solves them in
    parallel with single-threaded CP-SAT and deterministic limits; results are
    merged in a fixed order, so the trajectory depends only on ``seed`` and
    ``workers`` (the wall-clock deadline decides only where it stops).

    Parameters
    ----------
    model : cp_model.CpModel
        The model, with ``objective`` set as its objective (left unchanged;
        sub-problems work on clones).
    cells : mapping
        ``(person, day) -> (choice variables, auxiliary variables)``.
    objective : linear expression
        The model's objective (integer).
    incumbent : sequence or mapping
        Values of every cell variable in the starting solution, by variable index.
    incumbent_cost : int
        Objective of ``incumbent``.
    n_people, horizon : int
        Number of people and of days: cells are ``(0..n_people-1, 0..horizon-1)``.
    lower_bound : float
        A valid lower bound; the search stops once it is reached.
    deadline : float
        ``time.monotonic()`` value at which to stop.
    seed : int
        Random seed for neighbourhood choice and sub-solves.
    workers : int
        Number of sub-problems solved in parallel per round.
    day_penalties : callable, optional
        Cost of the incumbent on each day; windows are centred on costly days half
        of the time.
    log : callable, optional
        Receives one progress line per improvement.
    max_iterations : int, optional
        Stop after this many sub-problems (with ``workers=1`` this makes the
        result independent of the machine's speed, unless the deadline comes
        first).
    on_improve : callable, optional
        Called as ``on_improve(values, cost)`` after each strict improvement.

    Returns
    -------
    tuple
        Best values (the incumbent, or the solution vector of every variable of the
        best sub-problem), their cost and the search statistics.
    """
    rng = random.Random(seed)
    stats = LnsStats()
    arms = [
        _Arm("days", size=min(6.0, horizon), low=2.0, high=float(horizon)),
        _Arm("staff", size=min(3.0, n_people), low=1.0, high=float(n_people)),
        _Arm("block", size=min(8.0, horizon), low=3.0, high=float(horizon)),
    ]
    start = time.monotonic()
    n_threads = max(1, workers)
    pool = ThreadPoolExecutor(max_workers=n_threads) if n_threads > 1 else None
    try:
        while incumbent_cost > lower_bound + 1e-6:
            if max_iterations is not None and stats.iterations >= max_iterations:
                break
            remaining = deadline - time.monotonic()
            if remaining < 0.05:
                break
            jobs = []
            penalties = day_penalties(incumbent) if day_penalties else [0] * horizon
            for _ in range(n_threads):
                arm = arms[stats.iterations % len(arms)]
                stats.iterations += 1
                free = _neighbourhood(arm, n_people, horizon, penalties, rng)
                task = _Task(
                    model, cells, objective, incumbent, incumbent_cost, frozenset(free),
                    rng.randrange(1 << 30), _DET_LIMIT, remaining,
                )  # fmt: skip
                jobs.append((arm, task))
            if pool is None:
                outcomes = [_solve_neighbourhood(task) for _, task in jobs]
            else:
                outcomes = list(pool.map(_solve_neighbourhood, [task for _, task in jobs]))
            best: tuple[int, Values, _Arm] | None = None
            for (arm, _), (cost, values, optimal, dtime) in zip(jobs, outcomes, strict=True):
                arm.update(optimal and dtime < _DET_TARGET, optimal)
                if values is not None and cost <= incumbent_cost:
                    if best is None or cost < best[0]:
                        best = (cost, values, arm)
            if best is None:
                continue
            cost, values, arm = best
            if cost < incumbent_cost:
                stats.improvements += 1
                if log is not None:
                    log(
                        f"lns {time.monotonic() - start:7.2f}s obj={cost} via {arm.name}"
                        f"(size={arm.size:.1f}) it={stats.iterations}"
                    )
                if on_improve is not None:
                    on_improve(values, cost)
            incumbent, incumbent_cost = values, cost
    finally:
        if pool is not None:
            pool.shutdown()
    return incumbent, incumbent_cost, stats
