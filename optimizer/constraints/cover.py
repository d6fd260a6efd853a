"""Cover: how many doctors work each shift type on each day (hard bounds, soft targets)."""

from __future__ import annotations

from itertools import combinations

from ..model import PENCE_PER_GBP, RotaModel
from ..problem import Requirement, day_name


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
        m.check_time()
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
        if req.tiers:
            _add_tier_cover(m, req, [(i, x[p.index]) for i, x in enumerate(m.x) if p.index in x])
        if req.target is not None and req.weight_gbp:
            dev = model.new_int_var(0, max(len(xs), req.target), f"dev_{req.shift}_{req.day}")
            model.add(dev >= n - req.target)
            model.add(dev >= req.target - n)
            terms.append(round(PENCE_PER_GBP * req.weight_gbp) * dev)
    return {"cover_target": sum(terms)} if terms else {}


def _add_tier_cover(m: RotaModel, req: Requirement, on: list[tuple[int, object]]) -> None:
    """Tier places of one requirement can be filled: Hall's condition on every set of tiers.

    Doctors on duty are matched to places, each to a place of their own tier or of
    a tier theirs may fill (``[tiers]``). Such a matching fills every place exactly
    when, for every set of tiers, the doctors able to fill one of them are at least
    as many as the places of those tiers together.
    """
    tiers = m.problem.tiers
    where = f"{req.shift} on {day_name(req.day)}"
    names = [t for t, _ in req.tiers]
    need = dict(req.tiers)
    for size in range(1, len(names) + 1):
        for group in combinations(names, size):
            places = sum(need[t] for t in group)
            if places == 0:
                continue
            able = [v for i, v in on if any(tiers.can_fill(m.doctors[i].tier, t) for t in group)]
            label = " or ".join(group)
            g = m.guard(
                f"cover_tier:{req.shift}:{req.day}:{'+'.join(group)}",
                f"cover of {places} {label} {where}",
                "cover",
            )
            m.at_least(sum(able), places, 1, f"tier_{req.shift}_{req.day}_{'_'.join(group)}", g)
