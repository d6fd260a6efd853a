"""Explain an infeasible problem: which rule families and requirements conflict.

The problem is rebuilt with every rule family, cover requirement, hours target,
fixed assignment and leave day switched by its own enforcement literal. Solving
with all of them as CP-SAT assumptions gives a sufficient subset for infeasibility
(:meth:`CpSolver.sufficient_assumptions_for_infeasibility`), which is then shrunk
by deletion while time allows, and phrased in plain English.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from simulator.model import DAY_NAMES

from .model import BuildTimeout, Guard, build_model
from .precheck import Finding, count_phrase, day_ranges, group_days
from .problem import Problem


@dataclass(frozen=True, slots=True)
class Conflict:
    """A set of requirements that cannot all hold.

    Attributes
    ----------
    message
        One line, e.g. ``"infeasible: cover of 3 N on Sat wk1 conflicts with max 4
        consecutive nights and weekend frequency 1 in 3 for 4 doctors"``.
    guards
        The conflicting items (keys and phrases).
    minimal
        True when deletion proved every item necessary.
    findings
        What the counting pre-check proved, when it found the conflict (no guards).
    """

    message: str
    guards: tuple[Guard, ...]
    minimal: bool
    findings: tuple[Finding, ...] = ()

    @classmethod
    def from_findings(cls, findings: list[Finding]) -> Conflict:
        """The conflict proved by the counting pre-check (:mod:`optimizer.precheck`)."""
        more = len(findings) - 1
        tail = f" (and {count_phrase(more, 'more finding')})" if more else ""
        return cls(f"infeasible: {findings[0].message}{tail}", (), False, tuple(findings))

    @property
    def rules(self) -> list[str]:
        """Rule ids in the conflict (``rule:`` keys without the prefix)."""
        return [g.key.removeprefix("rule:") for g in self.guards if g.kind == "rule"]

    @property
    def cover(self) -> list[str]:
        """Cover requirements in the conflict, as phrases."""
        return [g.phrase for g in self.guards if g.kind == "cover"]

    def to_json(self) -> dict:
        """JSON-ready mapping."""
        return {
            "message": self.message,
            "minimal": self.minimal,
            "items": [{"key": g.key, "kind": g.kind, "text": g.phrase} for g in self.guards]
            + [
                {"key": f"count:{f.kind}", "kind": "count", "text": f.message}
                for f in self.findings
            ],
        }


def _solve(model: cp_model.CpModel, lits: list, seconds: float, seed: int) -> tuple[int, list]:
    model.clear_assumptions()
    model.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    status = solver.solve(model)
    core = (
        solver.sufficient_assumptions_for_infeasibility() if status == cp_model.INFEASIBLE else []
    )
    return status, list(core)


_KIND_ORDER = {"cover": 0, "rule": 1, "hours": 2, "fixed": 3, "leave": 4}


def _sort_key(g: Guard) -> tuple:
    """Cover first, by shift then day; then rules, hours targets, fixed days, leave."""
    parts = tuple(int(p) if p.isdigit() else p for p in g.key.split(":"))
    return (_KIND_ORDER.get(g.kind, 9), tuple((isinstance(p, int), p) for p in parts))


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _day_number(label: str) -> int:
    """Cycle day of a label made by :func:`optimizer.problem.day_name` (``"Sat wk2"`` -> 12)."""
    name, _, week = label.partition(" wk")
    return 7 * (int(week) - 1) + DAY_NAMES.index(name)


def _days_text(days: list[int], most: int = 4) -> str:
    """Days as ranges (``"Mon wk3..Fri wk3, Mon wk5"``), at most ``most`` ranges shown."""
    ranges = day_ranges(days)
    if len(ranges) <= most:
        return group_days(days)
    shown = ranges[: most - 1]
    left = sum(hi - lo + 1 for lo, hi in ranges[most - 1 :])
    text = group_days(d for lo, hi in shown for d in range(lo, hi + 1))
    return f"{text} and {count_phrase(left, 'more day')}"


def _group_by_day(guards: list[Guard]) -> list[str]:
    """Phrases of day items grouped by what they say (``cover of 1 N``, ``leave of F1-3``),
    each with its days as ranges: ``leave of F1-3 on Mon wk3..Fri wk3, Mon wk5``."""
    groups: dict[str, list[int]] = defaultdict(list)
    for g in guards:
        head, _, day = g.phrase.rpartition(" on ")
        groups[head].append(_day_number(day))
    return [f"{head} on {_days_text(days)}" for head, days in groups.items()]


def describe(guards: list[Guard], n_doctors: int) -> str:
    """One-line plain-English message for a conflicting set of guards.

    Cover, fixed days and leave are grouped with their days as ranges. ``for N
    doctors`` (the doctors in the problem) is said when the cover is in conflict, or
    when no doctor is named; a conflict of one doctor's own items names that doctor
    and needs no count.
    """
    cover = _group_by_day([g for g in guards if g.kind == "cover"])
    others = [g.phrase for g in guards if g.kind not in ("cover", "fixed", "leave")]
    others += _group_by_day([g for g in guards if g.kind == "fixed"])
    others += _group_by_day([g for g in guards if g.kind == "leave"])
    named = any(g.kind in ("hours", "fixed", "leave") for g in guards)
    who = f" for {count_phrase(n_doctors, 'doctor')}" if cover or not named else ""
    if cover and others:
        return f"infeasible: {_join(cover)} conflicts with {_join(others)}{who}"
    parts = cover or others
    if len(parts) == 1:
        return f"infeasible: {parts[0]} cannot be met{who}"
    if not parts:
        return f"infeasible: the day structure alone cannot be met{who}"
    return f"infeasible: {parts[0]} conflicts with {_join(parts[1:])}{who}"


def explain_infeasible(
    problem: Problem,
    objective: str | None = None,
    *,
    time_limit_s: float = 20.0,
    seed: int = 0,
) -> Conflict | None:
    """Find and phrase a conflicting subset of the problem's requirements.

    Parameters
    ----------
    problem
        The (infeasible) problem.
    objective
        Objective the model is built for.
    time_limit_s
        Wall-clock budget for the whole explanation, seconds.
    seed
        Random seed of the solver.

    Returns
    -------
    Conflict or None
        ``None`` when the switched model is not built and proved infeasible in time.
    """
    deadline = time.monotonic() + time_limit_s
    try:
        m = build_model(problem, objective=objective, diagnose=True, deadline=deadline)
    except BuildTimeout:
        return None
    by_index = {g.literal.index: g for g in m.guards.values()}
    lits = [g.literal for g in m.guards.values()]
    status, core = _solve(m.model, lits, deadline - time.monotonic(), seed)
    if status != cp_model.INFEASIBLE:
        return None
    current = [by_index[i] for i in core if i in by_index]
    # drop whole groups first (every day of one cover requirement, say), then items
    groups: dict[str, list[Guard]] = defaultdict(list)
    for g in current:
        groups[g.phrase.rpartition(" on ")[0] if g.kind == "cover" else g.key].append(g)
    for members in sorted(groups.values(), key=len, reverse=True):
        left = deadline - time.monotonic()
        if len(members) < 2 or left <= 0.05 or not set(members) <= set(current):
            continue
        trial = [g for g in current if g not in members]
        status, sub = _solve(m.model, [g.literal for g in trial], min(left, 5.0), seed)
        if status == cp_model.INFEASIBLE:
            keep = set(sub)
            current = [g for g in trial if g.literal.index in keep] or trial
    minimal = True
    k = 0
    while k < len(current):
        left = deadline - time.monotonic()
        if left <= 0.05:
            minimal = False
            break
        trial = current[:k] + current[k + 1 :]
        status, sub = _solve(m.model, [g.literal for g in trial], min(left, 5.0), seed)
        if status == cp_model.INFEASIBLE:
            keep = {i for i in sub}
            current = [g for g in trial if g.literal.index in keep] or trial
        elif status == cp_model.UNKNOWN:
            minimal = False
            k += 1
        else:
            k += 1
    current.sort(key=_sort_key)
    return Conflict(describe(current, len(problem.doctors)), tuple(current), minimal)
