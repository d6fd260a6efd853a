"""Day structure: one duty a day unless a pair is combinable, no overlaps, fixed days, leave."""

from __future__ import annotations

from itertools import combinations

from ..model import RotaModel, cyclic_overlap_min
from ..problem import day_name


def add_day_structure(m: RotaModel) -> dict:
    """At most one shift per day (except combinable pairs) and no overlapping duties.

    Two duties overlap when their intervals intersect on the cyclic timeline, so a
    night on the last Sunday excludes an early duty on the first Monday. Overlap is
    imposed as one at-most-one constraint per placement start (every pair of
    overlapping intervals contains the start of one of them). Fixed assignments and
    leave days are added here too, each with its own guard.

    Returns
    -------
    dict
        No penalty terms.
    """
    model = m.model
    problem = m.problem
    cycle = m.cycle_min
    for i in m.rule_doctors:
        m.check_time()
        items = m.vars_of(i)
        for day in range(m.n_days):
            today = m.on_day(i, day)
            if not problem.combinable:
                if len(today) > 1:
                    model.add_at_most_one([v for _, v in today])
                continue
            for (p, a), (q, b) in combinations(today, 2):
                if frozenset((p.code, q.code)) not in problem.combinable:
                    model.add_bool_or([a.negated(), b.negated()])
        for p, _ in items:
            clique = [
                v
                for q, v in m.near(i, p.start_min, 1)
                if cyclic_overlap_min(p.start_min, 1, q.start_min, q.length_min, cycle) > 0
            ]
            if len(clique) > 1:
                model.add_at_most_one(clique)

    ids = [d.id for d in m.doctors]
    for f in problem.fixed:
        i = ids.index(f.doctor)
        what = "off" if f.shift == "-" else f.shift
        g = m.guard(
            f"fixed:{f.doctor}:{f.day}:{f.shift}",
            f"{f.doctor} fixed {what} on {day_name(f.day)}",
            "fixed",
        )
        for p, v in m.on_day(i, f.day):
            m.add(model.add(v == int(p.code == f.shift)), g)
    for doc, day in problem.leave:
        i = ids.index(doc)
        g = m.guard(f"leave:{doc}:{day}", f"leave of {doc} on {day_name(day)}", "leave")
        for _, v in m.on_day(i, day):
            m.add(model.add(v == 0), g)
    return {}
