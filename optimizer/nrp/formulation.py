"""CP-SAT model of the employee shift scheduling benchmark.

One Boolean ``x[e, d, s]`` per employee, day and allowed shift, plus a Boolean
``w[e, d]`` for "works on day d".  Sequence rules are encoded as clauses over
``w`` (sliding windows for the maximum run length; for minimum run lengths,
three-literal clauses "a run that starts on day s is still going on day s + j"),
and cover is the equality
``sum_e x[e, d, s] + under[d, s] - over[d, s] = requirement`` with integer slacks,
which gives CP-SAT's linear relaxation the classical LP bound of the problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimizer.nrp.instance import NrpInstance

Grid = tuple[tuple[str | None, ...], ...]

__all__ = ["Grid", "NrpModel", "build_model", "objective_expression", "roster_from_values"]


@dataclass(slots=True)
class NrpModel:
    """A built CP-SAT model and handles to its variables.

    Attributes
    ----------
    instance : NrpInstance
        The instance the model encodes.
    model : cp_model.CpModel
        The CP-SAT model (objective already set).
    x : dict
        ``x[(e, d, s)]`` Boolean: employee index ``e`` works shift index ``s``
        on day ``d``; only allowed triples are present.
    work : dict
        ``work[(e, d)]`` Boolean: employee ``e`` works on day ``d``.
    under, over : dict
        ``under[(d, s)]`` / ``over[(d, s)]`` integer cover slacks.
    objective_terms : list of (int, expression)
        Weighted terms whose sum is the objective.
    """

    instance: NrpInstance
    model: cp_model.CpModel
    x: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    work: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    under: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    over: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    objective_terms: list[tuple[int, cp_model.LinearExprT]] = field(default_factory=list)


def _add_short_run_bans(
    model: cp_model.CpModel,
    lits: list[cp_model.IntVar],
    min_len: int,
    on_value: bool,
) -> None:
    """Forbid interior runs (of ``lits == on_value``) shorter than ``min_len``.

    A run is interior when it has a neighbour of the opposite value on both
    sides; runs touching the horizon ends are not restricted.  The rule is
    stated as "a run that starts on day ``s`` is still going on day ``s + j``"
    for ``j < min_len`` whenever day ``s + j`` lies inside the horizon::

        start(s) <= on(s + j)    with    start(s) = on(s) and not on(s - 1)

    i.e. the three-literal clause ``on(s - 1) or not on(s) or on(s + j)``.  It
    forbids the same rosters as banning each short pattern
    ``off, on * k, off`` but its linear relaxation is much tighter (each
    clause involves three literals instead of ``k + 2``).
    """
    h = len(lits)

    def lit(d: int, value: bool) -> cp_model.LinearExprT:
        return lits[d] if value else lits[d].Not()

    for start in range(1, h - 1):
        for j in range(1, min(min_len, h - start)):
            model.add_bool_or(
                [lit(start - 1, on_value), lit(start, not on_value), lit(start + j, on_value)]
            )


def build_model(instance: NrpInstance) -> NrpModel:
    """Build the CP-SAT model of an instance.

    Parameters
    ----------
    instance : NrpInstance
        The benchmark instance.

    Returns
    -------
    NrpModel
        Model and variable handles.
    """
    m = cp_model.CpModel()
    nm = NrpModel(instance=instance, model=m)
    h = instance.horizon
    shifts = instance.shifts
    sidx = {s.id: k for k, s in enumerate(shifts)}

    for e, emp in enumerate(instance.staff):
        off = set(instance.days_off.get(emp.id, ()))
        allowed = [k for k, s in enumerate(shifts) if emp.max_shifts.get(s.id, h) > 0]
        for d in range(h):
            w = m.new_bool_var(f"w_{e}_{d}")
            nm.work[e, d] = w
            if d in off:
                m.add(w == 0)
                continue
            day_vars = []
            for k in allowed:
                v = m.new_bool_var(f"x_{e}_{d}_{k}")
                nm.x[e, d, k] = v
                day_vars.append(v)
            m.add(sum(day_vars) == w)

        # Maximum shifts per type.
        for s in shifts:
            limit = emp.max_shifts.get(s.id)
            k = sidx[s.id]
            vars_k = [nm.x[e, d, k] for d in range(h) if (e, d, k) in nm.x]
            if limit is not None and limit < len(vars_k):
                m.add(sum(vars_k) <= limit)

        # Total minutes.
        minutes = sum(
            shifts[k].length * nm.x[e, d, k] for d in range(h) for k in allowed if (e, d, k) in nm.x
        )
        m.add_linear_constraint(minutes, emp.min_total_minutes, emp.max_total_minutes)

        ws = [nm.work[e, d] for d in range(h)]
        # Maximum consecutive shifts: every window of cmax + 1 days has a day off.
        cmax = emp.max_consecutive_shifts
        for start in range(h - cmax):
            m.add_bool_or([ws[d].Not() for d in range(start, start + cmax + 1)])
        # Minimum consecutive shifts / days off (interior runs only).
        _add_short_run_bans(m, ws, emp.min_consecutive_shifts, on_value=True)
        _add_short_run_bans(m, ws, emp.min_consecutive_days_off, on_value=False)

        # Weekends.
        weekend_vars = []
        for wk in range(h // 7):
            sat, sun = ws[7 * wk + 5], ws[7 * wk + 6]
            y = m.new_bool_var(f"wk_{e}_{wk}")
            m.add_max_equality(y, [sat, sun])
            weekend_vars.append(y)
        if emp.max_weekends < len(weekend_vars):
            m.add(sum(weekend_vars) <= emp.max_weekends)

        # Forbidden successions.
        for s in shifts:
            a = sidx[s.id]
            for t_id in s.forbidden_next:
                b = sidx[t_id]
                for d in range(h - 1):
                    if (e, d, a) in nm.x and (e, d + 1, b) in nm.x:
                        m.add_bool_or([nm.x[e, d, a].Not(), nm.x[e, d + 1, b].Not()])

    # Requests.
    eidx = {s.id: i for i, s in enumerate(instance.staff)}
    for r in instance.on_requests:
        key = (eidx[r.staff], r.day, sidx[r.shift])
        if key in nm.x:
            nm.objective_terms.append((r.weight, 1 - nm.x[key]))
        else:
            nm.objective_terms.append((r.weight, 1))
    for r in instance.off_requests:
        key = (eidx[r.staff], r.day, sidx[r.shift])
        if key in nm.x:
            nm.objective_terms.append((r.weight, nm.x[key]))

    # Cover.
    n_staff = len(instance.staff)
    for c in instance.cover:
        k = sidx[c.shift]
        on = [nm.x[e, c.day, k] for e in range(n_staff) if (e, c.day, k) in nm.x]
        u = m.new_int_var(0, c.requirement, f"under_{c.day}_{k}")
        o = m.new_int_var(0, len(on), f"over_{c.day}_{k}")
        m.add(sum(on) + u - o == c.requirement)
        nm.under[c.day, k] = u
        nm.over[c.day, k] = o
        nm.objective_terms.append((c.weight_under, u))
        nm.objective_terms.append((c.weight_over, o))

    m.minimize(objective_expression(nm))
    return nm


def objective_expression(nm: NrpModel) -> cp_model.LinearExprT:
    """Return the objective of a built model as a linear expression.

    Parameters
    ----------
    nm : NrpModel
        A built model.

    Returns
    -------
    cp_model.LinearExprT
        The weighted sum of the objective terms.
    """
    return sum(w * t for w, t in nm.objective_terms)


def roster_from_values(nm: NrpModel, value: Callable[[cp_model.IntVar], int]) -> Grid:
    """Read a roster grid out of variable values.

    Parameters
    ----------
    nm : NrpModel
        A built model.
    value : callable
        Maps a model variable to its value (e.g. ``solver.value``).

    Returns
    -------
    tuple of tuple of (str or None)
        ``grid[e][d]`` is the shift id worked by employee ``e`` on day ``d``.
    """
    inst = nm.instance
    grid = [[None] * inst.horizon for _ in inst.staff]
    for (e, d, k), v in nm.x.items():
        if value(v):
            grid[e][d] = inst.shifts[k].id
    return tuple(tuple(row) for row in grid)
