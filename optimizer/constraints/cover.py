"""Cover: how many doctors work each shift type on each day (hard bounds, soft targets)."""

from __future__ import annotations

from ..model import PENCE_PER_GBP, RotaModel
from ..problem import day_name


def add_cover(m: RotaModel) -> dict:
    """Add every cover requirement of the problem.

    ``min``/``max`` are hard, each with its own guard; a soft ``target`` costs its
    weight (GBP, converted to pence) per doctor above or below it.

    Returns
    -------
    dict
        ``{"cover_target": expr}`` in pence when any target is set.
    """
    model = m.model
    index = {code: k for k, code in enumerate(m.problem.shifts)}
    n_codes = len(index)
    terms = []
    for req in m.problem.cover:
        p = m.placements[req.day * n_codes + index[req.shift]]
        xs = [x[p.index] for x in m.x if p.index in x]
        n = sum(xs)
        where = f"{req.shift} on {day_name(req.day)}"
        if req.min > 0:
            g = m.guard(f"cover_min:{req.shift}:{req.day}", f"cover of {req.min} {where}", "cover")
            m.at_least(n, req.min, p.length_min, f"cover_{req.shift}_{req.day}", g)
        if req.max is not None:
            g = m.guard(
                f"cover_max:{req.shift}:{req.day}", f"cover of at most {req.max} {where}", "cover"
            )
            m.add(model.add(n <= req.max), g)
        if req.target is not None and req.weight_gbp:
            dev = model.new_int_var(0, max(len(xs), req.target), f"dev_{req.shift}_{req.day}")
            model.add(dev >= n - req.target)
            model.add(dev >= req.target - n)
            terms.append(round(PENCE_PER_GBP * req.weight_gbp) * dev)
    return {"cover_target": sum(terms)} if terms else {}
