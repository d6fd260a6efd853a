"""Hours families: average weekly hours, hours in any sliding window, shift length."""

from __future__ import annotations

import math

from simulator.model import MIN_PER_WEEK
from simulator.rules import Rule

from ..model import RotaModel, cyclic_overlap_min, near_days
from ._common import minutes, rule_phrase, value

#: Resolution of the average-hours constraint: seconds per minute (NROC work may be
#: a fraction of a minute once spread over weeks).
_SEC_PER_MIN = 60


def _amount_min(p, measure: str) -> float:
    """Minutes a duty counts for under the family's ``measure`` option."""
    if measure == "duty" or (measure == "working_time" and p.kind != "nroc"):
        return float(p.length_min)
    return float(p.work_min)


def _week_overlaps(m: RotaModel, p) -> dict[int, int]:
    """Minutes of placement ``p`` in each cycle week it overlaps (at most two)."""
    weeks = m.problem.weeks
    first = p.start_min // MIN_PER_WEEK
    out: dict[int, int] = {}
    for w in (first, first + 1):
        ov = cyclic_overlap_min(
            (w % weeks) * MIN_PER_WEEK, MIN_PER_WEEK, p.start_min, p.length_min, m.cycle_min
        )
        if ov > 0:
            out[w % weeks] = out.get(w % weeks, 0) + ov
    return out


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
    g = m.guard(f"rule:{rule.id}", rule_phrase(rule), "rule")
    cap = math.floor(limit_min * span * _SEC_PER_MIN + 1e-6)
    for i in m.rule_doctors:
        m.check_time()
        items = [(p, v) for p, v in m.vars_of(i) if p.kind in rule.kinds]
        if span == weeks:
            windows = [[(p, v, p.length_min) for p, v in items]]
        else:
            # minutes of each placement per week, then each window sums its weeks
            by_week: list[list] = [[] for _ in range(weeks)]
            for p, v in items:
                for w, ov in _week_overlaps(m, p).items():
                    by_week[w].append((p, v, ov))
            windows = []
            for w0 in range(weeks):
                inside: dict[int, list] = {}
                for j in range(span):
                    for p, v, ov in by_week[(w0 + j) % weeks]:
                        entry = inside.setdefault(p.index, [p, v, 0])
                        entry[2] += ov
                windows.append([tuple(e) for e in inside.values()])
        for window in windows:
            terms = []
            for p, v, inside_min in window:
                amount = _amount_min(p, measure)
                if amount <= 0:
                    continue
                coef = math.ceil(amount * inside_min / p.length_min * _SEC_PER_MIN - 1e-6)
                if coef:
                    terms.append(coef * v)
            if terms:
                m.add(model.add(sum(terms) <= cap), g)
    return {}


def _window_terms(m: RotaModel, sel: list, starts: list[int], window: int) -> list[list]:
    """Per candidate window start: ``(overlap minutes, placement)`` of every placement in it."""
    cycle = m.cycle_min
    n_days = m.n_days
    by_day: list[list] = [[] for _ in range(n_days)]
    for p in sel:
        by_day[p.day].append(p)
    out = []
    for t in starts:
        terms = []
        for d in near_days(t, window, n_days) or range(n_days):
            for p in by_day[d]:
                ov = cyclic_overlap_min(t, window, p.start_min, p.length_min, cycle)
                if ov > 0:
                    terms.append((ov, p))
        out.append(terms)
    return out


def add_hours_in_window(m: RotaModel, rule: Rule) -> dict:
    """At most ``limit`` hours of duty in any ``window`` hours (e.g. 72 h in any 168 h).

    Exact: the duty minutes inside a sliding window are piecewise linear in its
    start, so their maximum is reached where the window starts at a duty start or
    ends at a duty end. One linear constraint per such candidate start (over every
    possible placement, wrapping around the cycle), skipping windows that could not
    exceed the limit even if every overlapping placement were worked. The
    overlaps of each candidate window are measured once, for all doctors, over the
    days the window can reach.
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
    candidates = _window_terms(m, sel, starts, window)
    rows_by_allowed: dict[frozenset, list] = {}
    for i in m.rule_doctors:
        m.check_time()
        x = m.x[i]
        allowed = frozenset(x)
        if allowed not in rows_by_allowed:
            rows_by_allowed[allowed] = _window_rows(candidates, allowed, limit, m.problem)
        for row in rows_by_allowed[allowed]:
            m.add(model.add(sum(ov * x[p] for ov, p in row) <= limit), g)
    return {}


def _window_rows(candidates: list[list], allowed: frozenset, limit: int, problem) -> list:
    """Distinct windows that could exceed ``limit`` for a doctor with these placements."""
    seen: set[tuple] = set()
    rows = []
    for all_terms in candidates:
        terms = [(ov, p) for ov, p in all_terms if p.index in allowed]
        if not terms:
            continue
        if problem.combinable:
            most = sum(ov for ov, _ in terms)
        else:
            best_by_day: dict[int, int] = {}
            for ov, p in terms:
                best_by_day[p.day] = max(best_by_day.get(p.day, 0), ov)
            most = sum(best_by_day.values())
        if most <= limit:
            continue
        key = tuple(sorted((ov, p.index) for ov, p in terms))
        if key in seen:
            continue
        seen.add(key)
        rows.append(key)
    return rows


def add_shift_length(m: RotaModel, rule: Rule) -> dict:
    """Shift types of the rule's kinds longer than ``limit`` hours are never rostered."""
    model = m.model
    limit = minutes(rule, "limit")
    g = m.guard(f"rule:{rule.id}", rule_phrase(rule), "rule")
    for i in m.rule_doctors:
        m.check_time()
        for p, v in m.vars_of(i):
            if p.kind in rule.kinds and p.length_min > limit + 1e-6:
                m.add(model.add(v == 0), g)
    return {}
