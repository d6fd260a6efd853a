"""Large neighbourhood search on top of the CP-SAT model.

Starting from an incumbent roster, each iteration frees a neighbourhood (a set
of employees over the whole horizon, every employee over a window of days, or a
few employees over a longer window), fixes every other cell to the incumbent
by tightening variable domains in a clone of the model, and lets CP-SAT
re-optimise the freed part under a short deterministic time limit.  Improving
and equal-cost rosters are accepted.  Neighbourhood sizes adapt: they grow when
sub-problems are solved to optimality and shrink when they time out.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.nrp.formulation import NrpModel, objective_expression

__all__ = ["Assignment", "LnsStats", "assignment_from_values", "improve"]

Assignment = dict[tuple[int, int], int]  # (employee, day) -> shift index or -1 for off

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


def assignment_from_values(nm: NrpModel, value: Callable[[cp_model.IntVar], int]) -> Assignment:
    """Read an assignment ``(employee, day) -> shift index`` (-1 = off) out of values.

    Parameters
    ----------
    nm : NrpModel
        A built model.
    value : callable
        Maps a model variable to its value (e.g. ``solver.value``).

    Returns
    -------
    dict
        The assignment.
    """
    out: Assignment = {key: -1 for key in nm.work}
    for (e, d, k), v in nm.x.items():
        if value(v):
            out[e, d] = k
    return out


def _fix(nm: NrpModel, sub: cp_model.CpModel, cell: tuple[int, int], shift: int) -> None:
    """Fix one (employee, day) cell of ``sub`` to ``shift`` (-1 = off)."""
    e, d = cell
    variables = sub.proto.variables
    dom = variables[nm.work[e, d].index].domain
    dom[0] = dom[1] = 0 if shift < 0 else 1
    for k in range(len(nm.instance.shifts)):
        var = nm.x.get((e, d, k))
        if var is not None:
            dom = variables[var.index].domain
            dom[0] = dom[1] = 1 if k == shift else 0


def _day_penalties(nm: NrpModel, incumbent: Assignment) -> list[int]:
    """Cover penalty of the incumbent on each day (guides window placement)."""
    inst = nm.instance
    sidx = {s.id: k for k, s in enumerate(inst.shifts)}
    counts: dict[tuple[int, int], int] = {}
    for (_e, d), k in incumbent.items():
        if k >= 0:
            counts[d, k] = counts.get((d, k), 0) + 1
    pen = [0] * inst.horizon
    for c in inst.cover:
        n = counts.get((c.day, sidx[c.shift]), 0)
        pen[c.day] += max(0, c.requirement - n) * c.weight_under
        pen[c.day] += max(0, n - c.requirement) * c.weight_over
    return pen


def _window_start(length: int, horizon: int, penalties: list[int], rng: random.Random) -> int:
    """Start of a window of ``length`` days, centred on a costly day half of the time."""
    if rng.random() < 0.5 and sum(penalties) > 0:
        centre = rng.choices(range(horizon), weights=penalties)[0]
        start = centre - rng.randrange(length)
    else:
        start = rng.randrange(horizon - length + 1)
    return min(max(0, start), horizon - length)


def _neighbourhood(
    arm: _Arm, n_staff: int, horizon: int, penalties: list[int], rng: random.Random
) -> set[tuple[int, int]]:
    """Return the set of free (employee, day) cells."""
    if arm.name == "staff":
        k = max(1, min(n_staff, round(arm.size)))
        staff = rng.sample(range(n_staff), k)
        return {(e, d) for e in staff for d in range(horizon)}
    length = max(1, min(horizon, round(arm.size)))
    start = _window_start(length, horizon, penalties, rng)
    if arm.name == "days":
        return {(e, d) for e in range(n_staff) for d in range(start, start + length)}
    # "block": about half the staff over a window whose length adapts.
    k = max(1, min(n_staff, (n_staff + 1) // 2))
    staff = rng.sample(range(n_staff), k)
    return {(e, d) for e in staff for d in range(start, start + length)}


def _solve_neighbourhood(
    nm: NrpModel,
    objective: cp_model.LinearExprT,
    incumbent: Assignment,
    incumbent_cost: int,
    free: set[tuple[int, int]],
    seed: int,
    det_limit: float,
    time_limit: float,
) -> tuple[int, Assignment | None, bool, float]:
    """Re-optimise the free cells; return (cost, assignment, optimal, det. time)."""
    sub = nm.model.clone()
    for cell in nm.work:
        if cell not in free:
            _fix(nm, sub, cell, incumbent[cell])
    for (e, d, k), var in nm.x.items():
        if (e, d) in free:
            sub.add_hint(var, int(incumbent[e, d] == k))
    sub.add(objective <= incumbent_cost)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = seed
    params.max_time_in_seconds = time_limit
    params.max_deterministic_time = det_limit
    params.linearization_level = 2
    status = solver.solve(sub)
    dtime = solver.response_proto.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return incumbent_cost + 1, None, False, dtime
    return (
        round(solver.objective_value),
        assignment_from_values(nm, solver.value),
        (status == cp_model.OPTIMAL),
        dtime,
    )


def improve(
    nm: NrpModel,
    incumbent: Assignment,
    incumbent_cost: int,
    lower_bound: float,
    deadline: float,
    seed: int,
    workers: int,
    log: Callable[[str], None] | None = None,
    max_iterations: int | None = None,
) -> tuple[Assignment, int, LnsStats]:
    """Improve a roster by large neighbourhood search until a wall-clock deadline.

    Each round draws one neighbourhood per worker thread and solves them in
    parallel with single-threaded CP-SAT and deterministic limits; results are
    merged in a fixed order, so the trajectory depends only on ``seed`` and
    ``workers`` (the wall-clock deadline decides only where it stops).

    Parameters
    ----------
    nm : NrpModel
        The built model (left unchanged; sub-problems work on clones).
    incumbent : dict
        Starting assignment ``(employee, day) -> shift index`` (-1 = off).
    incumbent_cost : int
        Objective of ``incumbent``.
    lower_bound : float
        A valid lower bound; the search stops once it is reached.
    deadline : float
        ``time.monotonic()`` value at which to stop.
    seed : int
        Random seed for neighbourhood choice and sub-solves.
    workers : int
        Number of sub-problems solved in parallel per round.
    log : callable, optional
        Receives one progress line per improvement.
    max_iterations : int, optional
        Stop after this many sub-problems (with ``workers=1`` this makes the
        result independent of the machine's speed, unless the deadline comes
        first).

    Returns
    -------
    tuple
        Best assignment, its cost and the search statistics.
    """
    inst = nm.instance
    n_staff, horizon = len(inst.staff), inst.horizon
    rng = random.Random(seed)
    stats = LnsStats()
    objective = objective_expression(nm)
    arms = [
        _Arm("days", size=min(6.0, horizon), low=2.0, high=float(horizon)),
        _Arm("staff", size=min(3.0, n_staff), low=1.0, high=float(n_staff)),
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
            penalties = _day_penalties(nm, incumbent)
            for _ in range(n_threads):
                arm = arms[stats.iterations % len(arms)]
                stats.iterations += 1
                free = _neighbourhood(arm, n_staff, horizon, penalties, rng)
                args = (
                    nm, objective, incumbent, incumbent_cost, free,
                    rng.randrange(1 << 30), _DET_LIMIT, remaining,
                )  # fmt: skip
                jobs.append((arm, args))
            if pool is None:
                outcomes = [_solve_neighbourhood(*args) for _, args in jobs]
            else:
                outcomes = list(pool.map(lambda a: _solve_neighbourhood(*a), [a for _, a in jobs]))
            best: tuple[int, Assignment, _Arm] | None = None
            for (arm, _), (cost, assignment, optimal, dtime) in zip(jobs, outcomes, strict=True):
                arm.update(optimal and dtime < _DET_TARGET, optimal)
                if assignment is not None and cost <= incumbent_cost:
                    if best is None or cost < best[0]:
                        best = (cost, assignment, arm)
            if best is None:
                continue
            cost, assignment, arm = best
            if cost < incumbent_cost:
                stats.improvements += 1
                if log is not None:
                    log(
                        f"lns {time.monotonic() - start:7.2f}s obj={cost} via {arm.name}"
                        f"(size={arm.size:.1f}) it={stats.iterations}"
                    )
            incumbent, incumbent_cost = assignment, cost
    finally:
        if pool is not None:
            pool.shutdown()
    return incumbent, incumbent_cost, stats
