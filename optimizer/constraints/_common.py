"""Helpers shared by the constraint builders: rule limits and plain-English phrases."""

from __future__ import annotations

from simulator.rules import Rule

_RUN_NOUNS = {
    "consecutive_shifts": "shifts",
    "consecutive_nights": "nights",
    "consecutive_long_shifts": "long shifts",
    "consecutive_long_evenings": "long evenings",
    "consecutive_duty_days": "duty days",
}


def value(rule: Rule, name: str) -> float:
    """A rule parameter in its file unit (NaN when an optional one is absent)."""
    return rule.value(name)


def minutes(rule: Rule, name: str) -> float:
    """A rule parameter given in hours, as minutes."""
    return rule.value(name) * 60.0


def run_noun(rule: Rule) -> str:
    """What a consecutive-run rule counts, e.g. ``'nights'``."""
    return _RUN_NOUNS[rule.family]


def rule_phrase(rule: Rule, sub: str = "") -> str:
    """Plain-English statement of a rule with its limits, e.g. ``'max 4 consecutive nights'``."""
    fam = rule.family

    def v(name: str) -> str:
        return f"{rule.value(name):g}"

    if fam == "average_weekly_hours":
        return f"average {v('limit')} h/week"
    if fam == "hours_in_window":
        return f"max {v('limit')} h in any {v('window')} h"
    if fam == "shift_length":
        kinds = "" if set(rule.kinds) != {"nroc"} else " (NROC)"
        return f"max shift length {v('limit')} h{kinds}"
    if fam == "rest_between_duties":
        return f"{v('limit')} h rest between shifts"
    if fam in _RUN_NOUNS:
        noun = run_noun(rule)
        if sub == "rest_after":
            run = rule.value("rest_after_run")
            after = f"any run of {noun}" if run <= 1 else f"{run:g} consecutive {noun}"
            return f"{v('rest_after')} h rest after {after}"
        return f"max {v('limit')} consecutive {noun}"
    if fam == "weekend_frequency":
        who = "LTFT " if rule.ltft else ""
        return f"{who}weekend frequency 1 in {v('limit')}"
    if fam == "nroc_rest":
        if sub == "continuous":
            return (
                f"NROC {v('continuous_rest')} h continuous rest between "
                f"{rule.value('window_start'):02g}:00 and {rule.value('window_end'):02g}:00"
            )
        return f"NROC {v('total_rest')} h rest per {v('per')} h"
    return rule.title
