"""Rest families: rest between resident shifts and rest during non-resident on-call."""

from __future__ import annotations

import math

from simulator.rules import Rule

from ..model import Placement, RotaModel, cyclic_overlap_min
from ._common import minutes, rule_phrase


def gap_after(a: Placement, b: Placement, cycle_min: int) -> int:
    """Minutes from the end of ``a`` to the next start of ``b`` after ``a`` starts (cyclic)."""
    start_b = b.start_min
    while start_b <= a.start_min:
        start_b += cycle_min
    return start_b - a.end_min


def add_rest_between_duties(m: RotaModel, rule: Rule) -> dict:
    """At least ``limit`` hours between resident duties: forbidden successions.

    Every pair of placements whose gap (end of the first to start of the second,
    wrapping around the cycle) is shorter than the limit is forbidden; touching
    duties of a combinable pair on the same day form one duty period and are allowed.
    """
    limit = minutes(rule, "limit")
    cycle = m.cycle_min
    g = m.guard(f"rule:{rule.id}", rule_phrase(rule), "rule")
    combinable = m.problem.combinable
    for i in m.rule_doctors:
        m.check_time()
        for p, a in m.vars_of(i):
            if p.kind not in rule.kinds:
                continue
            for q, b in m.near(i, p.end_min, math.ceil(limit)):
                if q.index == p.index or q.kind not in rule.kinds:
                    continue
                gap = gap_after(p, q, cycle)
                if gap < 0 or gap >= limit - 1e-6:
                    continue  # overlaps are excluded by the day structure
                if gap == 0 and p.day == q.day and frozenset((p.code, q.code)) in combinable:
                    continue
                m.forbid([a, b], g)
    return {}


def _busy(p: Placement) -> int:
    """Minutes a duty keeps the doctor busy from its start (NROC: its expected work)."""
    return p.length_min if p.resident else round(p.work_min)


def _free_stretch(blocks: list[tuple[int, int]], w0: int, w1: int) -> int:
    """Longest part of ``[w0, w1)`` not covered by the ``blocks``."""
    cur, best = w0, 0
    for lo, hi in sorted((max(lo, w0), min(hi, w1)) for lo, hi in blocks if hi > w0 and lo < w1):
        if lo > cur:
            best = max(best, lo - cur)
        cur = max(cur, hi)
    return max(best, w1 - cur)


def add_nroc_rest(m: RotaModel, rule: Rule) -> dict:
    """Rest during NROC periods with declared expected work.

    Total rest: the minutes of the ``per`` hours from the NROC start that are busy
    (resident duty, or NROC expected work placed from each NROC start) must leave at
    least ``total_rest`` hours — one linear constraint per NROC placement, enforced
    when it is worked. Continuous rest: in each overnight window ``window_start`` to
    ``window_end`` that the NROC period overlaps, its own work must leave
    ``continuous_rest`` hours free, and no other duty may be busy in that window
    while the NROC is worked (a sufficient condition).
    """
    model = m.model
    cycle = m.cycle_min
    per = round(minutes(rule, "per"))
    need = minutes(rule, "total_rest")
    cont = minutes(rule, "continuous_rest")
    w_lo = round(minutes(rule, "window_start"))
    w_hi = round(minutes(rule, "window_end"))
    if w_hi <= w_lo:
        w_hi += 1440
    g_total = m.guard(f"rule:{rule.id}.total", rule_phrase(rule), "rule")
    g_cont = m.guard(f"rule:{rule.id}.continuous", rule_phrase(rule, "continuous"), "rule")
    for i in m.rule_doctors:
        m.check_time()
        items = m.vars_of(i)
        for q, xq in items:
            if q.kind != "nroc" or q.kind not in rule.kinds or not q.expected_work:
                continue
            s = q.start_min
            terms = []
            own = 0
            for p, v in m.near(i, s, per):
                ov = cyclic_overlap_min(s, per, p.start_min, _busy(p), cycle)
                if p.index == q.index:
                    own = ov
                elif ov > 0:
                    terms.append(ov * v)
            m.add(model.add(own + sum(terms) <= int(per - need + 1e-6)), g_total, xq)
            e = s + q.length_min
            for d in range(s // 1440 - 1, e // 1440 + 1):
                w0, w1 = d * 1440 + w_lo, d * 1440 + w_hi
                if min(e, w1) <= max(s, w0):
                    continue
                if _free_stretch([(s, s + _busy(q))], w0, w1) < cont - 1e-6:
                    m.add(model.add(xq == 0), g_cont)
                    continue
                for p, v in m.near(i, w0, w1 - w0):
                    if (
                        p.index != q.index
                        and cyclic_overlap_min(w0, w1 - w0, p.start_min, _busy(p), cycle) > 0
                    ):
                        m.forbid([xq, v], g_cont)
    return {}
