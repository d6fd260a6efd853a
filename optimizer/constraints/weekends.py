"""Weekend frequency: weekends worked per cycle at most 1 in N."""

from __future__ import annotations

import math

from simulator.rules import Rule

from ..model import RotaModel
from ._common import rule_phrase, value


def add_weekend_frequency(m: RotaModel, rule: Rule) -> dict:
    """Weekends worked ÷ weeks at most 1 in ``limit`` for the lines the rule applies to.

    A weekend is worked when any duty of the rule's kinds overlaps the weekend
    window of the rule's definition (``weekend`` option: 2016/2026 Saturday–Sunday,
    or 2002 Friday 19:00 to Monday 07:00), wrapping around the cycle. The rule's
    ``ltft`` flag picks full-time or less-than-full-time doctors.
    """
    model = m.model
    weeks = m.problem.weeks
    one_in = value(rule, "limit")
    most = math.floor((weeks + 1e-6) / one_in) if one_in > 0 else 0
    definition = rule.options.get("weekend", "2016")
    g = m.guard(f"rule:{rule.id}", rule_phrase(rule), "rule")
    for i in m.rule_doctors:
        m.check_time()
        doc = m.doctors[i]
        if rule.ltft is not None and rule.ltft != doc.ltft:
            continue
        flags = [f for f in m.weekend_flags(i, definition, rule.kinds) if not isinstance(f, int)]
        if len(flags) > most:
            m.add(model.add(sum(flags) <= most), g)
    return {}
