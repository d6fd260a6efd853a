"""Large neighbourhood search on the benchmark's compact CP-SAT model.

The benchmark reader's side of the shared engine (:mod:`optimizer.lns`): an
employee's day is a cell whose choice variables are ``x[e, d, s]`` and whose
auxiliary variable is ``w[e, d]``; a roster is an :class:`Assignment`. The engine
frees neighbourhoods of employees and days, fixes the rest to the incumbent and
re-optimises with CP-SAT; windows are centred on days whose cover is costly.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from optimizer import lns
from optimizer.nrp.formulation import NrpModel, objective_expression

__all__ = ["Assignment", "LnsStats", "assignment_from_values", "improve"]

Assignment = dict[tuple[int, int], int]  # (employee, day) -> shift index or -1 for off
LnsStats = lns.LnsStats


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
    """Improve a roster by the shared large neighbourhood search (:func:`optimizer.lns.improve`).

    Parameters
    ----------
    nm : NrpModel
        The built model (left unchanged; sub-problems work on clones).
    incumbent : dict
        Starting assignment ``(employee, day) -> shift index`` (-1 = off).
    incumbent_cost, lower_bound, deadline, seed, workers, log, max_iterations
        As for :func:`optimizer.lns.improve`.

    Returns
    -------
    tuple
        Best assignment, its cost and the search statistics.
    """
    inst = nm.instance
    cells: dict[tuple[int, int], tuple[list, list]] = {
        cell: ([], [work]) for cell, work in nm.work.items()
    }
    for (e, d, _k), var in nm.x.items():
        cells[e, d][0].append(var)

    def values_of(assignment: Assignment) -> lns.Values:
        values = {nm.work[cell].index: int(k >= 0) for cell, k in assignment.items()}
        for (e, d, k), var in nm.x.items():
            values[var.index] = int(assignment[e, d] == k)
        return values

    def assignment_of(values: lns.Values) -> Assignment:
        return assignment_from_values(nm, lambda var: values[var.index])

    values, cost, stats = lns.improve(
        nm.model,
        cells,
        objective_expression(nm),
        values_of(incumbent),
        incumbent_cost,
        n_people=len(inst.staff),
        horizon=inst.horizon,
        lower_bound=lower_bound,
        deadline=deadline,
        seed=seed,
        workers=workers,
        day_penalties=lambda values: _day_penalties(nm, assignment_of(values)),
        log=log,
        max_iterations=max_iterations,
    )
    return assignment_of(values), cost, stats
