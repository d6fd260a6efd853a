"""Objectives as lexicographic stages over a built :class:`~optimizer.model.RotaModel`.

Each objective is a list of :class:`Stage`: the solver minimises the first stage,
then fixes it at the value found and minimises the next, and so on.

- ``pay-loss``: total loss against the 2002 reference plus penalties (GBP), then the
  largest single loss (GBP), then unfairness of nights and weekends (max − min).
- ``cost``: the pay bill with pay protection, Σ max(2026 pay, 2002 reference), plus
  penalties (GBP); then total loss plus penalties; then the spread of nights,
  weekends and resident hours per week.
- ``headcount``: doctors used, then the protected pay bill plus penalties (GBP).
- ``fairness``: spread (max − min) of nights, weekends and unsocial hours per week
  within full-time and within less-than-full-time doctors, then loss plus penalties.
- ``repair``: the number of (doctor, day) cells changed from the current rota
  (``reference_rota``), then total loss plus penalties, then unfairness.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from .model import PENCE_PER_GBP, RotaModel
from .problem import OBJECTIVES


@dataclass(frozen=True, slots=True)
class Stage:
    """One lexicographic level.

    Attributes
    ----------
    name
        Short name, e.g. ``"total_loss"``.
    expr
        Integer expression to minimise.
    scale
        Divide model values by this to get ``unit``.
    unit
        Unit of the reported value (``GBP``, ``doctors``, ``points``).
    floor
        A value the expression can never go below, in model units: every stage here is
        a sum of losses, penalties, pay, counts or spreads, so 0.
    """

    name: str
    expr: cp_model.LinearExprT
    scale: float
    unit: str
    floor: int = 0


def _spread(m: RotaModel, values: list, name: str, lo: int, hi: int):
    """``max − min`` of ``values`` within full-time and within LTFT doctors."""
    model = m.model
    total = 0
    for ltft in (False, True):
        group = [v for v, d in zip(values, m.doctors, strict=True) if d.ltft == ltft]
        if len(group) < 2:
            continue
        top = model.new_int_var(lo, hi, f"max_{name}_{int(ltft)}")
        bottom = model.new_int_var(lo, hi, f"min_{name}_{int(ltft)}")
        for v in group:
            model.add(top >= v)
            model.add(bottom <= v)
        total = total + top - bottom
    return total


def unfairness(
    m: RotaModel, *, unsocial: bool, hours: bool = False
) -> tuple[cp_model.LinearExprT, int]:
    """Spread of nights and weekends (and unsocial or resident minutes), and the scale.

    Returns
    -------
    expr, scale
        ``scale × (night spread + weekend spread) + minute spreads`` with
        ``scale = 60 × weeks`` when ``unsocial`` or ``hours``, so one point is one
        night, one weekend, or one unsocial (``unsocial``) or resident (``hours``)
        hour per week; else the plain count and scale 1.
    """
    n_days = m.n_days
    weeks = m.problem.weeks
    counts = _spread(m, m.nights, "nights", 0, n_days) + _spread(
        m, m.weekends, "weekends", 0, weeks
    )
    if not unsocial and not hours:
        return counts, 1
    scale = 60 * weeks
    total = scale * counts
    if unsocial:
        total = total + _spread(m, m.unsocial_min, "unsocial", 0, n_days * 1440)
    if hours:
        total = total + _spread(m, m.resident_min, "hours", 0, n_days * 1440)
    return total, scale


def changed_cells(m: RotaModel) -> cp_model.LinearExprT:
    """Number of (doctor, day) cells whose duties differ from the doctor's current line.

    Doctors without a current line (``reference_rota``) count nothing. A current
    duty the doctor can no longer be given (no cover asks for it) is a change
    whatever the search does.
    """
    model = m.model
    total = 0
    for i, doc in enumerate(m.doctors):
        if doc.current_days is None:
            continue
        for day, current in enumerate(doc.current_days):
            now = set(current)
            here = m.on_day(i, day)
            lits = [v if p.code not in now else v.negated() for p, v in here]
            if now - {p.code for p, _ in here}:
                total += 1
                continue
            if not lits:
                continue
            cell = model.new_bool_var(f"changed_{i}_{day}")
            model.add_max_equality(cell, lits)
            total += cell
    return total


def stages(m: RotaModel, objective: str) -> list[Stage]:
    """The lexicographic stages of ``objective`` on model ``m``."""
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}")
    model = m.model
    penalties = sum(m.penalties.values())
    loss = sum(m.loss_pence)
    bill = sum(m.pay_pence) + loss
    if objective == "pay-loss":
        top = max((r or 0) for r in m.reference_pence) if m.reference_pence else 0
        worst = model.new_int_var(0, max(0, top), "max_loss_pence")
        for v in m.loss_pence:
            model.add(worst >= v)
        spread, _ = unfairness(m, unsocial=False)
        return [
            Stage("total_loss", loss + penalties, PENCE_PER_GBP, "GBP"),
            Stage("max_loss", worst, PENCE_PER_GBP, "GBP"),
            Stage("unfairness", spread, 1, "nights+weekends"),
        ]
    if objective == "cost":
        # with every doctor protected the bill is the same for many rotas: the loss
        # and the spread of nights, weekends and hours break the tie
        spread, scale = unfairness(m, unsocial=False, hours=True)
        return [
            Stage("pay_bill", bill + penalties, PENCE_PER_GBP, "GBP"),
            Stage("total_loss", loss + penalties, PENCE_PER_GBP, "GBP"),
            Stage("unfairness", spread, scale, "points"),
        ]
    if objective == "repair":
        spread, _ = unfairness(m, unsocial=False)
        return [
            Stage("changes", changed_cells(m), 1, "cells"),
            Stage("total_loss", loss + penalties, PENCE_PER_GBP, "GBP"),
            Stage("unfairness", spread, 1, "nights+weekends"),
        ]
    if objective == "headcount":
        return [
            Stage("doctors", sum(m.used), 1, "doctors"),
            Stage("pay_bill", bill + penalties, PENCE_PER_GBP, "GBP"),
        ]
    spread, scale = unfairness(m, unsocial=True)
    return [
        Stage("spread", spread, scale, "points"),
        Stage("total_loss", loss + penalties, PENCE_PER_GBP, "GBP"),
    ]
