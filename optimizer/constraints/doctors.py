"""Per-doctor limits (hours targets, LTFT) and weighted requests."""

from __future__ import annotations

import math

from ..model import PENCE_PER_GBP, RotaModel
from ..problem import doctor_hours_bounds


def add_doctor_limits(m: RotaModel) -> dict:
    """Average resident hours per week within each doctor's target and bounds.

    ``hours_per_week ± hours_tolerance`` and ``min_hours_per_week`` /
    ``max_hours_per_week`` bound the resident minutes of the cycle, with leave
    counted as ``design.leave_hours_per_day`` notional hours a day when set. For
    the headcount objective they apply only to doctors who are used.

    Returns
    -------
    dict
        No penalty terms.
    """
    model = m.model
    weeks = m.problem.weeks
    for i, doc in enumerate(m.doctors):
        m.check_time()
        lo, hi, parts = doctor_hours_bounds(doc)
        if not parts:
            continue
        credit = m.problem.leave_credit_min(doc.id)
        res = sum(p.length_min * v for p, v in m.vars_of(i) if p.resident) + credit
        g = m.guard(f"hours:{doc.id}", f"hours of {doc.id} ({', '.join(parts)})", "hours")
        used = None if isinstance(m.used[i], int) else m.used[i]
        if lo > 0:
            least = math.ceil(lo * 60 * weeks - 1e-9)
            m.at_least(res, least, 1, f"hours_{i}", g, used)
        if math.isfinite(hi):
            m.add(model.add(res <= math.floor(hi * 60 * weeks + 1e-9)), g, used)
    return {}


def add_requests(m: RotaModel) -> dict:
    """Soft requests: each costs its weight (GBP, as pence) on every day it is not met.

    Returns
    -------
    dict
        ``{"requests": expr}`` in pence when there are requests.
    """
    ids = [d.id for d in m.doctors]
    terms = []
    for r in m.problem.requests:
        i = ids.index(r.doctor)
        if r.shift is None:
            lit = m.day_any(i, r.day)
        else:
            lit = next((v for p, v in m.on_day(i, r.day) if p.code == r.shift), 0)
        weight = round(PENCE_PER_GBP * r.weight_gbp)
        terms.append(weight * (1 - lit) if r.prefer else weight * lit)
    return {"requests": sum(terms)} if terms else {}
