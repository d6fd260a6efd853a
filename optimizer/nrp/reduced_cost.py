"""Reduced-cost cuts: the column-generation duals carried into the compact model.

For any cover duals ``pi`` with ``-weight_over <= pi <= weight_under`` the
objective of every roster splits exactly as::

    cost = sum_{d,s} pi[d,s] req[d,s] + sum_e rc_e + sum_{d,s} ((wu - pi) under + (wo + pi) over)

where ``rc_e = constant_e + sum_{d,s} (c[e,d,s] - pi[d,s]) x[e,d,s]`` is the
reduced cost of employee ``e``'s schedule (without the convexity dual) and the
last sum is never negative.  With ``m_e`` the least ``rc_e`` over the
employee's legal schedules (the dynamic programme of
:mod:`optimizer.nrp.pricing`), a roster costing at most ``target`` therefore has

* ``rc_e >= m_e`` for every employee (true of every legal schedule);
* ``sum_e rc_e <= target - sum pi req``, and so
  ``rc_e <= m_e + gap`` with ``gap = target - bound`` and
  ``bound = sum pi req + sum_e m_e`` (the Lagrangian bound);
* no choice ``k`` on day ``d`` of employee ``e`` whose least ``rc_e`` through
  it (:func:`optimizer.nrp.pricing.cell_bounds`) exceeds ``m_e + gap``.

These are linear in the compact model's Booleans.  The first family gives
CP-SAT's linear relaxation the column-generation bound (it is far weaker
without: the compact relaxation does not know the employees' rules); the
others fix cells and prune.  Everything is kept in integers: ``pi`` is rounded
to ``1 / scale`` and clipped into its interval, which keeps the split exact.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from optimizer.nrp.columns import ColumnGeneration
from optimizer.nrp.formulation import NrpModel, objective_expression
from optimizer.nrp.pricing import DpPricer, cell_bounds

__all__ = ["ReducedCostCuts", "cut_model", "reduced_cost_cuts", "strengthened_model"]

#: Duals are rounded to multiples of 1 / _SCALE.
_SCALE = 1000


@dataclass(frozen=True, slots=True)
class ReducedCostCuts:
    """Integer reduced costs of one set of cover duals (all in units of 1 / ``scale``).

    Attributes
    ----------
    scale : int
        Units per objective point.
    weights : list of numpy.ndarray of int64, shape (horizon, shifts)
        Per employee: reduced cost of working shift ``s`` on day ``d``.
    constant : list of int
        Per employee: reduced cost of the all-off schedule (its request penalty).
    through : list of numpy.ndarray of float64, shape (horizon, shifts + 1)
        Per employee: least reduced cost of a legal schedule through each
        (day, choice), the constant included (last column: off; ``inf``: none).
    minimum : list of int
        Per employee: least reduced cost of a legal schedule (``m_e``).
    base : int
        ``sum pi req``.
    """

    scale: int
    weights: list[np.ndarray]
    constant: list[int]
    through: list[np.ndarray]
    minimum: list[int]
    base: int

    @property
    def bound(self) -> float:
        """The Lagrangian lower bound on every roster's cost (objective points)."""
        return (self.base + sum(self.minimum)) / self.scale

    def gap_units(self, target: int) -> int:
        """``scale * (target - bound)`` (an integer): the reduced cost a roster
        costing at most ``target`` can spend above the employees' minima
        (negative: no such roster exists)."""
        return self.scale * target - self.base - sum(self.minimum)


def reduced_cost_cuts(
    cg: ColumnGeneration, duals: np.ndarray, scale: int = _SCALE
) -> ReducedCostCuts | None:
    """Integer reduced costs of one set of cover duals.

    Parameters
    ----------
    cg : ColumnGeneration
        The generator (its pricers and request costs are used).
    duals : numpy.ndarray, shape (horizon, shifts)
        Cover duals, e.g. those of the converged root relaxation (any duals
        give valid cuts; the optimal ones give the strongest).
    scale : int, optional
        Units per objective point.

    Returns
    -------
    ReducedCostCuts or None
        ``None`` when an employee is not priced by the dynamic programme (its
        least reduced cost is then not known exactly) or has no legal schedule.
    """
    if not all(isinstance(p, DpPricer) for p in cg.pricers):
        return None
    inst = cg.instance
    n_shifts = cg.n_shifts
    under = np.zeros((inst.horizon, n_shifts), dtype=np.int64)
    over = np.zeros_like(under)
    requirement = np.zeros_like(under)
    for c in inst.cover:
        k = cg.shift_index[c.shift]
        under[c.day, k], over[c.day, k] = c.weight_under, c.weight_over
        requirement[c.day, k] = c.requirement
    pi = np.rint(duals * scale).astype(np.int64)
    pi = np.clip(pi, -scale * over, scale * under)
    weights, constant, through, minimum = [], [], [], []
    for e, pricer in enumerate(cg.pricers):
        cell = np.rint(cg.request_costs(e) * scale).astype(np.int64)
        w = cell - pi
        bound = cell_bounds(pricer.rules, w.astype(np.float64)) + scale * cg.constant[e]
        if not np.isfinite(bound[0]).any():
            return None
        weights.append(w)
        constant.append(scale * cg.constant[e])
        through.append(bound)
        minimum.append(int(round(bound[0].min())))
    base = int((pi * requirement).sum())
    return ReducedCostCuts(scale, weights, constant, through, minimum, base)


def strengthened_model(nm: NrpModel, cuts: ReducedCostCuts, target: int) -> NrpModel | None:
    """A copy of the compact model that keeps only rosters costing at most ``target``
    that the cuts allow (every such roster of ``nm`` is kept).

    Parameters
    ----------
    nm : NrpModel
        The compact model (left unchanged).
    cuts : ReducedCostCuts
        Reduced costs of one set of duals.
    target : int
        Cost the kept rosters may not exceed (e.g. one below the best known).

    Returns
    -------
    NrpModel or None
        The model with the cuts added (its variable handles are those of
        ``nm``), or ``None`` when the cuts show that no roster costs
        ``target`` or less.
    """
    gap = cuts.gap_units(target)
    if gap < 0:
        return None
    model = nm.model.clone()
    inst = nm.instance
    n_shifts = len(inst.shifts)
    total = []
    for e in range(len(inst.staff)):
        w = cuts.weights[e]
        cells = [(d, k) for d in range(inst.horizon) for k in range(n_shifts) if (e, d, k) in nm.x]
        rc = sum(int(w[d, k]) * nm.x[e, d, k] for d, k in cells if w[d, k]) + cuts.constant[e]
        limit = cuts.minimum[e] + gap
        model.add(rc >= cuts.minimum[e])
        model.add(rc <= limit)
        total.append(rc)
        through = cuts.through[e]
        for d, k in cells:
            if through[d, k] > limit:
                model.add(nm.x[e, d, k] == 0)
        for d in range(inst.horizon):
            if (e, d) in nm.work and through[d, n_shifts] > limit:
                model.add(nm.work[e, d] == 1)
    model.add(sum(total) <= cuts.scale * target - cuts.base)
    model.add(objective_expression(nm) <= target)
    return dataclasses.replace(nm, model=model)


def cut_model(
    nm: NrpModel, cuts: ReducedCostCuts | None, target: int
) -> tuple[NrpModel | None, bool]:
    """The compact model cut for rosters costing at most ``target``, if there are cuts.

    Parameters
    ----------
    nm : NrpModel
        The compact model (left unchanged).
    cuts : ReducedCostCuts or None
        As returned by :func:`reduced_cost_cuts` (``None``: no cuts).
    target : int
        Cost the kept rosters may not exceed.

    Returns
    -------
    model : NrpModel or None
        The cut model; ``None`` when there are no cuts or they leave nothing.
    exhausted : bool
        True when the cuts prove that no roster costs ``target`` or less.
    """
    if cuts is None:
        return None, False
    model = strengthened_model(nm, cuts, target)
    return model, model is None
