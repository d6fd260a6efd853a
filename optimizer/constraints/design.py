"""Design rules of a problem's ``[design]`` table: blocks and balance.

One function per rule; each is hard, or soft with a weight in GBP per breach
(returned as a penalty in pence). Block rules look at the first member of a
rolling group only: the other members' lines are rotations of it by whole weeks,
and every block rule wraps around the cycle.
"""

from __future__ import annotations

import math

from simulator.kernels.duties import is_night
from simulator.model import KIND_CODE, MIN_PER_DAY

from ..model import PENCE_PER_GBP, RotaModel


def _soft(m: RotaModel, weight_gbp: float | None, breaches: list) -> object:
    """Hard (every breach is 0) or the weighted sum of the breach variables, pence."""
    if weight_gbp is None:
        for b in breaches:
            m.model.add(b == 0)
        return 0
    return round(PENCE_PER_GBP * weight_gbp) * sum(breaches)


def add_weekend_unit(m: RotaModel) -> dict:
    """A doctor works each unit shift type on every day of a weekend unit or on none.

    For each doctor, weekend and shift type of the unit, the duties of that type
    on the unit's days (e.g. Friday, Saturday and Sunday) are all equal; a
    duty that the doctor cannot work on one of the days (no cover asks for it,
    leave) therefore rules out the others. Soft: one breach per doctor, weekend
    and type whose days differ.
    """
    unit = m.problem.design.weekend_unit
    if unit is None:
        return {}
    codes = unit.shifts or tuple(m.problem.shifts)
    breaches = []
    for i in m.rule_doctors:
        m.check_time()
        for w in range(m.problem.weeks):
            for code in codes:
                xs = []
                for wd in unit.weekdays:
                    day = 7 * w + wd
                    xs.append(next((v for p, v in m.on_day(i, day) if p.code == code), 0))
                if all(isinstance(x, int) for x in xs):
                    continue
                if unit.weight_gbp is None:
                    for a, b in zip(xs, xs[1:], strict=False):
                        m.model.add(a == b)
                    continue
                split = m.model.new_bool_var(f"unit_split_{i}_{w}_{code}")
                for a, b in zip(xs, xs[1:], strict=False):
                    m.model.add(split >= a - b)
                    m.model.add(split >= b - a)
                breaches.append(split)
    return {"weekend_unit": _soft(m, unit.weight_gbp, breaches)} if breaches else {}


def night_flags(m: RotaModel, i: int) -> list:
    """Per cycle day: a Boolean true when doctor ``i`` starts a night duty (0 when none can)."""
    defs = m.defs.as_array()
    flags = []
    for day in range(m.n_days):
        xs = [
            v
            for p, v in m.on_day(i, day)
            if is_night(p.start_min % MIN_PER_DAY, p.length_min, KIND_CODE[p.kind], defs)
        ]
        flags.append(m.flag(xs, f"night_{i}_{day}"))
    return flags


def add_night_blocks(m: RotaModel) -> dict:
    """Nights come in blocks of ``min`` to ``max`` consecutive nights (cyclic).

    A block starts on a night after a day without one; the ``min - 1`` days after a
    start are nights, and no ``max + 1`` consecutive days are all nights. Soft: one
    breach per short block start or over-long stretch.
    """
    rule = m.problem.design.night_blocks
    if rule is None:
        return {}
    n = m.n_days
    breaches = []
    for i in m.rule_doctors:
        m.check_time()
        flags = night_flags(m, i)
        if all(isinstance(f, int) for f in flags):
            continue
        for d in range(n):
            f, before = flags[d], flags[(d - 1) % n]
            if isinstance(f, int):
                continue
            for k in range(1, rule.min):
                nxt = flags[(d + k) % n]
                # f and not before  =>  nxt
                if rule.weight_gbp is None:
                    m.clause([f.negated(), before, nxt], None)
                else:
                    b = m.model.new_bool_var(f"short_block_{i}_{d}_{k}")
                    m.model.add(b >= f - before - nxt)
                    breaches.append(b)
            if rule.max is not None and n > rule.max:
                window = [flags[(d + k) % n] for k in range(rule.max + 1)]
                if any(isinstance(x, int) for x in window):
                    continue
                if rule.weight_gbp is None:
                    m.model.add(sum(window) <= rule.max)
                else:
                    b = m.model.new_bool_var(f"long_block_{i}_{d}")
                    m.model.add(sum(window) <= rule.max + b)
                    breaches.append(b)
    return {"night_blocks": _soft(m, rule.weight_gbp, breaches)} if breaches else {}


def add_no_consecutive_weekends(m: RotaModel) -> dict:
    """No doctor works two weekends in a row (Saturday–Sunday, any duty; cyclic)."""
    weight = m.problem.design.no_consecutive_weekends
    if weight is None:
        return {}
    soft = None if math.isinf(weight) else weight
    weeks = m.problem.weeks
    breaches = []
    for i in m.rule_doctors:
        m.check_time()
        flags = m.weekend_flags(i, "2016", ("shift", "partial", "oncall", "nroc"))
        pairs = range(weeks) if weeks > 2 else range(weeks - 1)
        for w in pairs:
            a, b = flags[w], flags[(w + 1) % weeks]
            if isinstance(a, int) or isinstance(b, int):
                continue
            if soft is None:
                m.model.add_bool_or([a.negated(), b.negated()])
                continue
            both = m.model.new_bool_var(f"back_to_back_{i}_{w}")
            m.model.add(both >= a + b - 1)
            breaches.append(both)
    return {"consecutive_weekends": _soft(m, soft, breaches)} if breaches else {}


def add_full_time_spread(m: RotaModel) -> dict:
    """Full-time doctors' average hours lie within ``spread`` h/week of each other.

    The band's ``min`` and ``max`` are applied with each doctor's own hours limits
    (:func:`optimizer.constraints.doctors.add_doctor_limits`). Soft: GBP per
    h/week of spread above the limit (counted in whole minutes per cycle).
    """
    band = m.problem.design.full_time_hours
    if band is None or band.spread is None:
        return {}
    full = [i for i, d in enumerate(m.doctors) if not d.ltft]
    if len(full) < 2:
        return {}
    weeks = m.problem.weeks
    hours = [m.resident_min[i] + m.problem.leave_credit_min(m.doctors[i].id) for i in full]
    top = max(sum(p.length_min for p, _ in m.vars_of(i) if p.resident) for i in full)
    top += max(m.problem.leave_credit_min(m.doctors[i].id) for i in full)
    hi = m.model.new_int_var(0, top, "ft_hours_max")
    lo = m.model.new_int_var(0, top, "ft_hours_min")
    for h in hours:
        m.model.add(hi >= h)
        m.model.add(lo <= h)
    limit = math.floor(band.spread * 60 * weeks + 1e-9)
    if band.weight_gbp is None:
        m.model.add(hi - lo <= limit)
        return {}
    over = m.model.new_int_var(0, top, "ft_spread_over_min")
    m.model.add(over >= hi - lo - limit)
    # GBP per h/week of average = GBP per (60 * weeks) minutes of the cycle
    per_min_pence = PENCE_PER_GBP * band.weight_gbp / (60 * weeks)
    return {"hours_spread": max(1, round(per_min_pence)) * over}
