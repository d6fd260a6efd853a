"""Hours families: average weekly hours, hours in any sliding window, shift length."""

from __future__ import annotations

import math

from simulator.model import MIN_PER_WEEK
from simulator.rules import Rule

from ..model import RotaModel, cyclic_overlap_min
from ._common import minutes, rule_phrase, value

#: Resolution of the average-hours constraint: seconds per minute (NROC work may be
#: a fraction of a minute once spread over weeks).
_SEC_PER_MIN = 60


def _amount_min(p, measure: str) -> float:
    """Minutes a duty counts for under the family's ``measure`` option."""
    if measure == "duty" or (measure == "working_time" and p.kind != "nroc"):
        return float(p.length_min)
    return float(p.work_min)


def add_average_weekly_hours(m: RotaModel, rule: Rule) -> dict:
    """Average weekly hours over the reference period at most ``limit``.

    With a cycle no longer than the reference period the whole cycle is averaged;
    otherwise every run of ``reference_period`` whole weeks (wrapping around the
    cycle) is. Each duty's minutes go to the weeks it overlaps, prorated by minutes,
    as the rules engine does. ``measure``: ``working_time`` counts resident duty and
    NROC work, ``duty`` all rostered duty, ``work`` actual work.
    """
    model = m.model
    weeks = m.problem.weeks
    measure = rule.options.get("measure", "working_time")
    limit_min = minutes(rule, "limit")
    ref = value(rule, "reference_period")
    span = weeks if not ref or ref >= weeks else int(ref)
    windows = [0] if span == weeks else list(range(weeks))
    g = m.guard(f"rule:{rule.id}", rule_phrase(rule), "rule")
    cap = math.floor(limit_min * span * _SEC_PER_MIN + 1e-6)
    for i in range(len(m.doctors)):
        items = [(p, v) for p, v in m.vars_of(i) if p.kind in rule.kinds]
        for w0 in windows:
            terms = []
            for p, v in items:
                amount = _amount_min(p, measure)
                if amount <= 0:
                    continue
                inside = (
                    sum(
                        cyclic_overlap_min(
                            ((w0 + j) % weeks) * MIN_PER_WEEK,
                            MIN_PER_WEEK,
                            p.start_min,
                            p.length_min,
                            m.cycle_min,
                        )
                        for j in range(span)
                    )
                    if span < weeks
                    else p.length_min
                )
                coef = math.ceil(amount * inside / p.length_min * _SEC_PER_MIN - 1e-6)
                if coef:
                    terms.append(coef * v)
            if terms:
                m.add(model.add(sum(terms) <= cap), g)
    return {}


def add_hours_in_window(m: RotaModel, rule: Rule) -> dict:
    """At most ``limit`` hours of duty in any ``window`` hours (e.g. 72 h in any 168 h).

    Exact: the duty minutes inside a sliding window are piecewise linear in its
    start, so their maximum is reached where the window starts at a duty start or
    ends at a duty end. One linear constraint per such candidate start (over every
    possible placement, wrapping around the cycle), skipping windows that could not
    exceed the limit even if every overlapping placement were worked.
    """
    model = m.model
    cycle = m.cycle_min
    window = round(minutes(rule, "window"))
    limit = math.floor(minutes(rule, "limit") + 1e-6)
    g = m.guard(f"rule:{rule.id}", rule_phrase(rule), "rule")
    sel = [p for p in m.placements if p.kind in rule.kinds]
    starts = sorted(
        {p.start_min % cycle for p in sel} | {(p.end_min - window) % cycle for p in sel}
    )
    for i in range(len(m.doctors)):
        seen: set[tuple] = set()
        x = m.x[i]
        for t in starts:
            terms = []
            best_by_day: dict[int, int] = {}
            for p in sel:
                if p.index not in x:
                    continue
                ov = cyclic_overlap_min(t, window, p.start_min, p.length_min, cycle)
                if ov > 0:
                    terms.append((ov, p.index))
                    best_by_day[p.day] = max(best_by_day.get(p.day, 0), ov)
            if not terms:
                continue
            most = (
                sum(best_by_day.values())
                if not m.problem.combinable
                else sum(ov for ov, _ in terms)
            )
            if most <= limit:
                continue
            key = tuple(sorted(terms))
            if key in seen:
                continue
            seen.add(key)
            m.add(model.add(sum(ov * x[p] for ov, p in terms) <= limit), g)
    return {}


def add_shift_length(m: RotaModel, rule: Rule) -> dict:
    """Shift types of the rule's kinds longer than ``limit`` hours are never rostered."""
    model = m.model
    limit = minutes(rule, "limit")
    g = m.guard(f"rule:{rule.id}", rule_phrase(rule), "rule")
    for i in range(len(m.doctors)):
        for p, v in m.vars_of(i):
            if p.kind in rule.kinds and p.length_min > limit + 1e-6:
                m.add(model.add(v == 0), g)
    return {}
