"""Consecutive-run families: shifts, nights, long shifts, long evenings, duty days.

A day is *counted* when a counted duty starts on it (every selected duty for
shifts and duty days; nights, long shifts or long evenings by the shared time
definitions). A run is a maximal stretch of counted days on the cycle.
"""

from __future__ import annotations

import math

from simulator.kernels.duties import is_long, is_long_evening, is_night
from simulator.model import KIND_CODE, MIN_PER_DAY
from simulator.rules import Rule

from ..model import Placement, RotaModel
from ._common import minutes, rule_phrase, value
from .rest import gap_after


def counted(rule: Rule, p: Placement, defs) -> bool:
    """Whether placement ``p`` counts towards the rule's runs."""
    if p.kind not in rule.kinds:
        return False
    kind = KIND_CODE[p.kind]
    clock = p.start_min % MIN_PER_DAY
    if rule.family == "consecutive_nights":
        return bool(is_night(clock, p.length_min, kind, defs))
    if rule.family == "consecutive_long_shifts":
        return bool(is_long(p.length_min, kind, defs))
    if rule.family == "consecutive_long_evenings":
        return bool(is_long_evening(clock, p.length_min, kind, defs))
    return True


def add_consecutive(m: RotaModel, rule: Rule) -> dict:
    """At most ``limit`` counted days in a row, then ``rest_after`` hours off.

    Runs: in every ``limit + 1`` consecutive days (wrapping around the cycle) at
    most ``limit`` are counted. Rest after a run: when a run of at least
    ``rest_after_run`` days (default ``limit``) ends with a counted duty on day ``d``
    (day ``d + 1`` not counted), no selected duty may start less than ``rest_after``
    hours after it ends — a nogood over the run's day flags, the last duty and the
    next one.
    """
    model = m.model
    defs = m.defs.as_array()
    n_days = m.n_days
    cycle = m.cycle_min
    limit = value(rule, "limit")
    rest_after = minutes(rule, "rest_after")
    need = value(rule, "rest_after_run")
    need = limit if need != need else need  # NaN: rest due after a run of the maximum length
    g = m.guard(f"rule:{rule.id}", rule_phrase(rule), "rule")
    g_rest = None
    if rest_after == rest_after:  # not NaN
        g_rest = m.guard(f"rule:{rule.id}.rest_after", rule_phrase(rule, "rest_after"), "rule")
    max_run = int(limit + 1e-9)
    run_need = max(1, int(-(-need // 1)))
    counts = {p.index for p in m.placements if counted(rule, p, defs)}
    for i in m.rule_doctors:
        m.check_time()
        day_vars = [[(p, v) for p, v in m.on_day(i, d) if p.index in counts] for d in range(n_days)]
        if not any(day_vars):
            continue
        flags = [
            m.flag([v for _, v in dv], f"run_{rule.id}_{i}_{d}") for d, dv in enumerate(day_vars)
        ]
        if n_days > max_run:
            for d in range(n_days):
                window = [flags[(d + k) % n_days] for k in range(max_run + 1)]
                window = [f for f in window if not isinstance(f, int)]
                if len(window) > max_run:
                    m.add(model.add(sum(window) <= max_run), g)
        if rest_after != rest_after or run_need > n_days:
            continue
        for d in range(n_days):
            before = [flags[(d - k) % n_days] for k in range(1, run_need)]
            if any(isinstance(f, int) for f in before):
                continue  # a day that can never be counted: no run of that length ends here
            nxt = flags[(d + 1) % n_days]
            for p, last in day_vars[d]:
                for q, v in m.near(i, p.end_min, math.ceil(rest_after)):
                    if q.index == p.index or q.kind not in rule.kinds:
                        continue
                    gap = gap_after(p, q, cycle)
                    if gap < 0 or gap >= rest_after - 1e-6:
                        continue
                    if q.day == (d + 1) % n_days and q.index in counts:
                        continue  # the run goes on
                    lits = [last.negated(), v.negated()] + [f.negated() for f in before]
                    if not isinstance(nxt, int):
                        lits.append(nxt)
                    m.clause(lits, g_rest)
    return {}
