"""Counting pre-check: prove a problem infeasible by counting, before any search.

:func:`precheck` compares lower bounds on what the cover demands with upper bounds on
what the doctors can supply, family by family, and phrases each proof with its
numbers. It is *sound*: a finding is reported only when no rota of the optimiser's
model (:func:`optimizer.model.build_model`) can exist; an empty list proves nothing.
It reads every limit from the rule set (with the problem's overrides) exactly as the
constraint builders do, applies a rule only to the doctors its ``ltft`` flag selects
(and, like the model, to every working pattern), and counts only cover ``min`` as
demand (a soft ``target`` asks for nothing). Rules absent from the rule set impose
nothing; rule families the model does not build are ignored.

Checks, in the order findings are returned:

``weekends``
    Doctor-weekends: each weekend needs at least as many distinct doctors as the
    busiest day touching its window; each doctor works at most
    ``floor(weeks / N)`` weekends under a 1-in-N rule (own limit for full-time and
    LTFT doctors), and no more weekends than they are available for.
``nights`` (and ``runs`` for the other ``consecutive_*`` families)
    Days on counted duties: runs of at most ``limit`` days, each followed by a day
    off, and by the days inside ``rest_after`` after a run of ``rest_after_run``;
    also bounded by hours (average-hours rule, the doctor's own maximum) and by the
    days the doctor is available.
``shift``
    Duties of one shift type: a type longer than the maximum shift length cannot be
    rostered; otherwise hours and availability bound each doctor's duties of it.
``hours``
    Resident hours demanded by cover minima against each doctor's most resident
    hours; and the doctors' hours minima against the most the cover can hold.
``day``
    Per day (Hall's condition on the shift types of the day): the doctors who can
    work a set of shift types that day (allowed shifts, not on leave, not fixed
    elsewhere) against the cover minima of those types; fixed doctors above a
    cover maximum.
``doctor``
    A doctor's hours minimum against the most they can work given leave, fixed
    duties above a doctor's maximum or the average-hours limit, fixed days on leave.

About 50 ms for 60 doctors over 26 weeks: one pass over the days per doctor and rule,
with the combinatorial bounds cached per set of shift types.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

from simulator.definitions import Definitions, load_definitions
from simulator.model import MIN_PER_DAY, MIN_PER_WEEK
from simulator.rules import Rule, RuleSet, load_ruleset

from .constraints._common import rule_phrase, run_noun
from .problem import Doctor, Problem, cyclic_overlap_min, day_name, doctor_hours_bounds

#: Rule families counted in runs of consecutive days.
RUN_FAMILIES = (
    "consecutive_shifts",
    "consecutive_nights",
    "consecutive_long_shifts",
    "consecutive_long_evenings",
    "consecutive_duty_days",
)
#: Order of the finding kinds in :func:`precheck`'s result.
KINDS = ("weekends", "nights", "runs", "day", "doctor", "shift", "hours")
#: Largest number of shift types on one day for which every subset is tried (Hall).
_HALL_MAX_TYPES = 7
#: Reasons a doctor's cap can have besides a rule: days free to work, own hours.
AVAILABILITY = "availability"
OWN_HOURS = "hours target"
#: How those reasons read as the subject of "allow".
_HEADS = {AVAILABILITY: "the days they are available", OWN_HOURS: "the doctors' hours targets"}
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Finding:
    """One counting proof that the problem is infeasible.

    Attributes
    ----------
    kind
        ``weekends``, ``nights``, ``runs``, ``shift``, ``hours``, ``day`` or ``doctor``.
    message
        One line of plain English with the numbers, e.g. ``"cover needs 12
        doctor-weekends in the 6-week cycle, but weekend frequency 1 in 3 allows at
        most 8 (4 full-time doctors × 2)"``.
    needed, allowed
        The demand and the most that can be supplied (``needed > allowed``), in ``unit``.
    unit
        What is counted: ``doctor-weekends``, ``nights``, ``duties``, ``h``, ``doctors``.
    doctors
        Doctors the finding is about (the pool supplying, or the doctors named).
    days
        Cycle days the finding is about (empty for whole-cycle counts).
    """

    kind: str
    message: str
    needed: float
    allowed: float
    unit: str
    doctors: tuple[str, ...] = ()
    days: tuple[int, ...] = ()

    def __str__(self) -> str:
        return self.message


# ------------------------------------------------------------------------- phrasing


def count_phrase(n: float, noun: str, plural: str | None = None) -> str:
    """``"1 doctor"``, ``"7 doctors"``, ``"2 N duties"``: a number with its noun.

    Parameters
    ----------
    n
        The count (formatted with ``:g``).
    noun
        Singular noun.
    plural
        Plural form (default: ``noun + "s"``).
    """
    return f"{n:g} {noun if n == 1 else (plural or noun + 's')}"


def day_ranges(days: Iterable[int]) -> list[tuple[int, int]]:
    """Cycle days as sorted ``(first, last)`` runs of consecutive days."""
    out: list[tuple[int, int]] = []
    for d in sorted(set(days)):
        if out and d == out[-1][1] + 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def group_days(days: Iterable[int]) -> str:
    """Cycle days as ranges, e.g. ``"Mon wk3..Fri wk3, Mon wk5"`` (consecutive days merged)."""
    return ", ".join(
        day_name(lo) if lo == hi else f"{day_name(lo)}..{day_name(hi)}"
        for lo, hi in day_ranges(days)
    )


def _join(parts: Sequence[str], word: str = "and") -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {word} " + parts[-1]


def _h(minutes: float) -> str:
    """Minutes as hours for messages (two decimals at most)."""
    return f"{round(minutes / 60.0, 2):g}"


def _floor(x: float) -> int:
    return math.floor(x + 1e-6)


def _verb(subjects: int) -> str:
    return "allows" if subjects == 1 else "allow"


# ------------------------------------------------------------------------- geometry


def run_days_bound(n_days: int, limit: float, rest_run: int, rest_days: int) -> int:
    """Most counted days in a cycle of ``n_days`` under a consecutive-run rule.

    Every run of counted days has at most ``limit`` days (when ``n_days > limit``: in
    every ``limit + 1`` consecutive days at most ``limit`` are counted), is followed by
    at least one uncounted day, and a run of at least ``rest_run`` days by at least
    ``rest_days`` uncounted days. Cutting the cycle after each run's rest days splits
    it into blocks of ``r + rest`` days holding ``r`` counted days, so the most counted
    days is the best packing of such blocks into ``n_days`` (an unbounded knapsack,
    solved exactly by dynamic programming).

    Parameters
    ----------
    n_days
        Days in the cycle.
    limit
        Longest run.
    rest_run, rest_days
        Runs of at least ``rest_run`` days are followed by ``rest_days`` days off
        (``rest_days`` >= 1; 1 when no rest is due).
    """
    max_run = int(limit + _EPS)
    if n_days <= max_run:
        return n_days
    if max_run <= 0:
        return 0
    blocks = [(r + (rest_days if r >= rest_run else 1), r) for r in range(1, max_run + 1)]
    best = [0] * (n_days + 1)
    for m in range(1, n_days + 1):
        b = best[m - 1]
        for length, r in blocks:
            if length <= m and best[m - length] + r > b:
                b = best[m - length] + r
        best[m] = b
    return best[n_days]


def duty_class(family: str, clock: int, length: int, kind: str, defs: Definitions) -> bool:
    """Whether a duty counts towards a ``consecutive_*`` family (plain Python).

    The same definitions as :mod:`simulator.kernels.duties` (``is_night``,
    ``is_long``, ``is_long_evening``), without waking the JIT: a night is a resident
    duty with at least ``night_min_work_min`` minutes in the daily night window; a
    long shift a resident duty longer than ``long_shift_more_than_min``; a long
    evening a long shift starting before ``long_evening_starts_before_min`` and ending
    after ``long_evening_ends_after_min`` of its start day. The other families count
    every duty of their kinds.

    Parameters
    ----------
    family
        Rule family.
    clock, length
        Start (minutes after midnight) and length of the duty, minutes.
    kind
        Duty kind (``shift``, ``partial``, ``oncall``, ``nroc``).
    defs
        The shared time definitions.
    """
    resident = kind != "nroc"
    if family == "consecutive_nights":
        if not resident:
            return False
        lo, hi = defs.night_start_min, defs.night_end_min
        end = clock + length
        inside = 0
        for k in range((clock - hi) // MIN_PER_DAY, (end - lo) // MIN_PER_DAY + 2):
            inside += max(0, min(end, k * MIN_PER_DAY + hi) - max(clock, k * MIN_PER_DAY + lo))
        return inside >= defs.night_min_work_min
    if family in ("consecutive_long_shifts", "consecutive_long_evenings"):
        long = resident and length > defs.long_shift_more_than_min
        if family == "consecutive_long_shifts" or not long:
            return long
        return (
            clock < defs.long_evening_starts_before_min
            and clock + length > defs.long_evening_ends_after_min
        )
    return True


# ------------------------------------------------------------------------- the context


@dataclass
class _Cap:
    """A doctor's most of something, and the limit that sets it (a phrase)."""

    value: float
    reason: str = ""


def _least(*caps: _Cap) -> _Cap:
    best = caps[0]
    for cap in caps[1:]:
        if cap.value < best.value - _EPS:
            best = cap
    return best


class _Context:
    """Everything the checks share: availability per doctor and day, hours caps."""

    def __init__(self, problem: Problem, ruleset: RuleSet, objective: str) -> None:
        self.problem = problem
        self.objective = objective
        self.rules = ruleset.rules
        self.defs = load_definitions()
        self.weeks = problem.weeks
        self.n = problem.n_days
        self.cycle = problem.weeks * MIN_PER_WEEK
        self.shifts = problem.shifts
        self.codes = tuple(problem.shifts)
        self.length = {c: st.duration_min for c, st in self.shifts.items()}
        self.res_len = {c: (st.duration_min if st.resident else 0) for c, st in self.shifts.items()}
        self.combinable = problem.combinable
        self.doctors = problem.doctors
        self.ids = tuple(d.id for d in problem.doctors)
        self._clique_cache: dict[frozenset, tuple[int, int]] = {}
        self._counted_cache: dict[tuple[str, str], bool] = {}
        self._run_cache: dict[tuple[str, frozenset], tuple[int, int]] = {}

        # shift types no doctor may work (longer than a shift-length limit)
        self.forbidden: dict[str, Rule] = {}
        for rule in self.rules:
            if rule.family != "shift_length":
                continue
            limit = rule.value("limit") * 60.0
            for code, st in self.shifts.items():
                if st.kind in rule.kinds and st.duration_min > limit + 1e-6:
                    self.forbidden.setdefault(code, rule)

        # cover: minima per day (min > 0), maxima, and the types rostered each day
        self.minima: list[dict[str, int]] = [{} for _ in range(self.n)]
        self.maxima: list[dict[str, int]] = [{} for _ in range(self.n)]
        placeable: list[set[str]] = [set() for _ in range(self.n)]
        for req in problem.cover:
            if req.min > 0:
                self.minima[req.day][req.shift] = req.min
            if req.max is not None:
                self.maxima[req.day][req.shift] = req.max
            if (req.max is None or req.max > 0) and req.shift not in self.forbidden:
                placeable[req.day].add(req.shift)
        self.placeable = [frozenset(s) for s in placeable]
        # demanded types per day (cover min > 0, not ruled out by a shift-length limit)
        self.demand = [
            {c: m for c, m in day.items() if c not in self.forbidden} for day in self.minima
        ]

        # doctors: leave, fixed days and what each may work on each day
        index = {d: i for i, d in enumerate(self.ids)}
        self.leave: list[set[int]] = [set() for _ in self.doctors]
        for doc, day in problem.leave:
            self.leave[index[doc]].add(day)
        self.fixed: list[dict[int, set[str]]] = [defaultdict(set) for _ in self.doctors]
        for f in problem.fixed:
            self.fixed[index[f.doctor]][f.day].add(f.shift)
        self.allowed = [
            frozenset(d.shifts) if d.shifts is not None else frozenset(self.codes)
            for d in self.doctors
        ]
        self.avail: list[list[frozenset[str]]] = []
        empty: frozenset[str] = frozenset()
        for i in range(len(self.doctors)):
            row = []
            allowed, leave, fixed = self.allowed[i], self.leave[i], self.fixed[i]
            for d in range(self.n):
                if d in leave:
                    row.append(empty)
                elif d in fixed:
                    codes = fixed[d]
                    if len(codes) != 1 or "-" in codes:
                        row.append(empty)
                    else:  # a fixed duty is possible even where no cover asks for it
                        row.append(frozenset(c for c in codes if c not in self.forbidden))
                else:
                    row.append(self.placeable[d] & allowed)
            self.avail.append(row)
        # shift types each doctor can work on some day
        self.workable = [frozenset().union(*row) for row in self.avail]

        # hours caps per doctor: (cap in minutes, amount per shift code, short phrase,
        # phrase naming the doctor)
        self.hour_caps: list[list[tuple[float, dict[str, float], str, str]]] = []
        self.lo_min: list[int] = []
        self.target: list[str] = []
        for doc in self.doctors:
            caps = []
            lo, hi, target = _doctor_bounds(doc)
            self.target.append(target)
            # leave counted as notional hours lowers what duties must supply
            credit = problem.leave_credit_min(doc.id)
            self.lo_min.append(max(0, math.ceil(lo * 60 * self.weeks - _EPS) - credit))
            if math.isfinite(hi):
                cap = math.floor(hi * 60 * self.weeks + _EPS) - credit
                caps.append((cap, self.res_len, OWN_HOURS, f"{doc.id}'s hours limit {target}"))
            for rule in self.rules:
                if rule.family == "average_weekly_hours" and _applies(rule, doc):
                    cap = rule.value("limit") * 60.0 * self.weeks
                    phrase = rule_phrase(rule)
                    caps.append((cap, self._amounts(rule), phrase, phrase))
            self.hour_caps.append(caps)

    # ---------------------------------------------------------------- helpers

    def _amounts(self, rule: Rule) -> dict[str, float]:
        """Minutes each shift type counts for under an average-hours rule."""
        measure = rule.options.get("measure", "working_time")
        out = {}
        for code, st in self.shifts.items():
            if st.kind not in rule.kinds:
                out[code] = 0.0
            elif measure == "duty" or (measure == "working_time" and st.kind != "nroc"):
                out[code] = float(st.duration_min)
            else:
                out[code] = float(st.work_min)
        return out

    def clique(self, codes: frozenset[str]) -> tuple[int, int]:
        """Most shift types and most resident minutes one doctor can work in a day of ``codes``."""
        hit = self._clique_cache.get(codes)
        if hit is not None:
            return hit
        if not codes:
            best = (0, 0)
        elif not self.combinable:
            best = (1, max(self.res_len[c] for c in codes))
        else:
            items = sorted(codes)
            most, most_min = 1, 0

            def grow(chosen: list[str], start: int) -> None:
                nonlocal most, most_min
                most = max(most, len(chosen))
                most_min = max(most_min, sum(self.res_len[c] for c in chosen))
                for k in range(start, len(items)):
                    c = items[k]
                    if all(frozenset((c, o)) in self.combinable for o in chosen):
                        grow(chosen + [c], k + 1)

            grow([], 0)
            best = (most, most_min)
        self._clique_cache[codes] = best
        return best

    def count_cap(self, i: int, codes: Iterable[str]) -> _Cap:
        """Most duties (or days) of types ``codes`` doctor ``i`` can work within hours caps."""
        codes = list(codes)
        best = _Cap(math.inf)
        if not codes:
            return best
        for cap, amount, phrase, _ in self.hour_caps[i]:
            least = min(amount[c] for c in codes)
            if least > 0:
                best = _least(best, _Cap(_floor(cap / least), phrase))
        return best

    def resident_cap(self, i: int) -> _Cap:
        """Most resident minutes doctor ``i`` can work within hours caps."""
        codes = [c for c in self.workable[i] if self.res_len[c] > 0]
        best = _Cap(math.inf)
        if not codes:
            return _Cap(0.0, AVAILABILITY)
        for cap, amount, phrase, _ in self.hour_caps[i]:
            ratio = min(amount[c] / self.res_len[c] for c in codes)
            if ratio > 0:
                best = _least(best, _Cap(math.floor(cap / ratio + 1e-6), phrase))
        return best

    def need_doctors(self, demand: dict[str, int]) -> int:
        """Distinct doctors needed for the cover minima ``demand`` of one day."""
        if not demand:
            return 0
        k = self.clique(frozenset(demand))[0]
        return max(max(demand.values()), math.ceil(sum(demand.values()) / k - _EPS))

    def counted(self, rule: Rule, code: str) -> bool:
        """Whether a duty of ``code`` counts towards a consecutive-run rule."""
        key = (rule.id, code)
        if key not in self._counted_cache:
            self._counted_cache[key] = self._counted(rule, code)
        return self._counted_cache[key]

    def _counted(self, rule: Rule, code: str) -> bool:
        st = self.shifts[code]
        if st.kind not in rule.kinds:
            return False
        return duty_class(rule.family, st.start_min, st.duration_min, st.kind, self.defs)

    def run_bound(self, rule: Rule, codes: frozenset[str]) -> tuple[int, int]:
        """Most days on counted duties of types ``codes`` in the cycle, and the rest days used."""
        key = (rule.id, codes)
        if key not in self._run_cache:
            run, rest = self.rest_days(rule, codes)
            if run > rule.value("limit") + _EPS:
                rest = 1  # no run is long enough for the rest to be due
            self._run_cache[key] = (run_days_bound(self.n, rule.value("limit"), run, rest), rest)
        return self._run_cache[key]

    def rest_days(self, rule: Rule, codes: frozenset[str]) -> tuple[int, int]:
        """``(rest_run, rest_days)``: runs of ``rest_run`` days are followed by ``rest_days`` off.

        Day ``d + j`` (``j >= 2``) after a run ending on day ``d`` is off when every
        counted duty there would start less than ``rest_after`` hours after every
        counted duty of day ``d`` ends (the model's nogood forbids each such pair).
        """
        limit = rule.value("limit")
        rest = rule.value("rest_after") * 60.0
        need = rule.value("rest_after_run")
        need = limit if need != need else need
        run = max(1, math.ceil(need - _EPS))
        if rest != rest or run > self.n or not codes:
            return run, 1
        days = 1
        for j in range(2, self.n):
            worst = max(
                j * MIN_PER_DAY
                + self.shifts[q].start_min
                - self.shifts[p].start_min
                - self.shifts[p].duration_min
                for p in codes
                for q in codes
            )
            if worst < 0 or worst >= rest - 1e-6:
                break
            days = j
        return run, days


def _applies(rule: Rule, doc: Doctor) -> bool:
    return rule.ltft is None or rule.ltft == doc.ltft


def _doctor_bounds(doc: Doctor) -> tuple[float, float, str]:
    """A doctor's own (min, max) average resident h/week and ``"(24.5 ± 1.5 h/week)"``."""
    lo, hi, parts = doctor_hours_bounds(doc)
    return lo, hi, f"({', '.join(parts)})" if parts else ""


def _run_phrase(rule: Rule, rest_days: int) -> str:
    """``"max 4 consecutive nights"``, with ``" with 46 h rest after any run of nights"``
    when the rest after a run keeps more than the next day free."""
    own = rule_phrase(rule)
    return f"{own} with {rule_phrase(rule, 'rest_after')}" if rest_days > 1 else own


def _only_availability(entries: Sequence[tuple[str, _Cap]]) -> bool:
    """True when availability alone sets every cap (the per-day check says it better)."""
    return all(cap.reason == AVAILABILITY for _, cap in entries)


def _supply(
    entries: Sequence[tuple[str, _Cap]], own: Sequence[str] = (), unit: str = ""
) -> tuple[str, str]:
    """The limits that set a supply, and its breakdown by doctor.

    Parameters
    ----------
    entries
        ``(label, cap)`` per doctor (label e.g. ``"full-time"``, or ``""``).
    own
        Phrases of the check's own rules: named once in the limits, not per group.
    unit
        Appended to each value in the breakdown (e.g. ``" h"``).

    Returns
    -------
    tuple of str
        ``("weekend frequency 1 in 3 and LTFT weekend frequency 1 in 7 allow",
        "6 full-time doctors × 2 + 1 LTFT doctor × 0")``: equal caps are counted
        together; a cap set by something other than the check's own rules says so
        (``"1 doctor × 3 by average 48 h/week"``) when more than one limit is involved.
    """
    reasons = []
    for _, cap in entries:
        if cap.reason and cap.reason not in reasons:
            reasons.append(cap.reason)
    heads = [r for r in own if r in reasons] + [r for r in reasons if r not in own]
    show = len(heads) > 1
    groups = Counter(
        (label, cap.value, cap.reason if show and cap.reason not in own else "")
        for label, cap in entries
    )
    order = sorted(groups.items(), key=lambda kv: (-kv[1], -kv[0][1], kv[0][0], kv[0][2]))
    parts = []
    for (label, value, reason), count in order:
        noun = f"{label} doctor" if label else "doctor"
        by = f" by {reason}" if reason else ""
        parts.append(f"{count_phrase(count, noun)} × {value:g}{unit}{by}")
    plural = len(heads) != 1 or heads[0] in _HEADS
    limits = _join([_HEADS.get(h, h) for h in heads]) or "the doctors"
    return f"{limits} {'allow' if plural else 'allows'}", " + ".join(parts)


# ------------------------------------------------------------------------- checks


def _check_weekends(c: _Context) -> list[Finding]:
    """Doctor-weekends demanded against weekends each doctor may work (per rule window)."""
    rules = [r for r in c.rules if r.family == "weekend_frequency"]
    out = []
    seen = set()
    for base in rules:
        definition = base.options.get("weekend", "2016")
        kinds = frozenset(base.kinds)
        if (definition, kinds) in seen:
            continue
        seen.add((definition, kinds))
        # rules whose weekends worked include every weekend worked counted here
        group = [
            r
            for r in rules
            if r.options.get("weekend", "2016") == definition and kinds <= set(r.kinds)
        ]
        if definition == "2002":
            lo, hi = c.defs.weekend_2002_start_min, c.defs.weekend_2002_end_min
        else:
            lo, hi = c.defs.weekend_start_min, c.defs.weekend_end_min
        types = [code for code, st in c.shifts.items() if st.kind in kinds]
        # per weekend: the days with duties overlapping its window, and those types
        touch: list[list[tuple[int, frozenset[str]]]] = []
        needs = []
        for w in range(c.weeks):
            w0 = w * MIN_PER_WEEK + lo
            days = []
            for d in sorted({(7 * w + k) % c.n for k in range(-2, 9)}):
                start = d * MIN_PER_DAY
                codes = frozenset(
                    code
                    for code in types
                    if cyclic_overlap_min(
                        w0, hi - lo, start + c.shifts[code].start_min, c.length[code], c.cycle
                    )
                    > 0
                )
                if codes:
                    days.append((d, codes))
            touch.append(days)
            needs.append(
                max(
                    (
                        c.need_doctors({s: m for s, m in c.demand[d].items() if s in codes})
                        for d, codes in days
                    ),
                    default=0,
                )
            )
        demand = sum(needs)
        if demand == 0:
            continue
        both = len({doc.ltft for doc in c.doctors}) > 1 or any(r.ltft is not None for r in group)
        entries = []
        for i, doc in enumerate(c.doctors):
            avail = sum(any(c.avail[i][d] & codes for d, codes in days) for days in touch)
            limited = [r for r in group if _applies(r, doc)]
            cap = _Cap(avail, AVAILABILITY)
            for r in limited:
                one_in = r.value("limit")
                most = math.floor((c.weeks + 1e-6) / one_in) if one_in > 0 else 0
                cap = _least(_Cap(most, rule_phrase(r)), cap)
            entries.append((("LTFT" if doc.ltft else "full-time") if both else "", cap))
        supply = sum(cap.value for _, cap in entries)
        if demand <= supply or _only_availability(entries):
            continue  # (short of doctors available on some day: reported per day, by name)
        lo_need, hi_need = min(needs), max(needs)
        per = (
            f"{lo_need:g} each weekend"
            if lo_need == hi_need
            else f"{lo_need:g} to {hi_need:g} a weekend"
        )
        limits, breakdown = _supply(entries, [rule_phrase(r) for r in group])
        message = (
            f"cover needs {count_phrase(demand, 'doctor-weekend')} in the {c.weeks}-week cycle "
            f"({per}), but {limits} at most {supply:g} ({breakdown})"
        )
        out.append(
            Finding("weekends", message, float(demand), float(supply), "doctor-weekends", c.ids)
        )
    return out


def _check_runs(c: _Context) -> tuple[list[Finding], set[frozenset[str]], set[str]]:
    """Days on counted duties demanded against each doctor's most under a run rule.

    Also returns the sets of shift types and the rule phrases of the findings.
    """
    out = []
    covered: set[frozenset[str]] = set()
    shown: set[str] = set()
    for rule in c.rules:
        if rule.family not in RUN_FAMILIES:
            continue
        counted = frozenset(code for code in c.codes if c.counted(rule, code))
        if not counted:
            continue
        demand = 0
        days_demanded = []
        multi = False
        demanded_types: set[str] = set()
        for d in range(c.n):
            dem = {s: m for s, m in c.demand[d].items() if s in counted}
            if dem:
                demand += c.need_doctors(dem)
                days_demanded.append(d)
                demanded_types |= dem.keys()
                multi = multi or c.clique(frozenset(dem))[0] > 1
        if demand == 0:
            continue
        own, own_rest = _run_phrase(rule, 1), _run_phrase(rule, 2)
        entries = []
        for i, doc in enumerate(c.doctors):
            mine = c.workable[i] & counted
            avail = sum(1 for d in range(c.n) if c.avail[i][d] & mine) if mine else 0
            cap = _least(_Cap(avail, AVAILABILITY), c.count_cap(i, mine))
            if mine and _applies(rule, doc):
                bound, rest = c.run_bound(rule, mine)
                cap = _least(_Cap(bound, own_rest if rest > 1 else own), cap)
            entries.append(("", cap))
        supply = sum(cap.value for _, cap in entries)
        if demand <= supply or _only_availability(entries):
            continue
        covered.add(frozenset(demanded_types))
        shown.update((own, own_rest))
        noun = run_noun(rule)
        if multi:
            noun = f"days on {noun}"
        limits, breakdown = _supply(entries, [own_rest, own])
        message = (
            f"cover needs {demand:g} {noun} in the {c.weeks}-week cycle, but {limits} at most "
            f"{supply:g} ({breakdown})"
        )
        kind = "nights" if rule.family == "consecutive_nights" else "runs"
        out.append(
            Finding(kind, message, float(demand), float(supply), noun, c.ids, tuple(days_demanded))
        )
    return out, covered, shown


def _check_shifts(c: _Context, covered: set[frozenset[str]]) -> list[Finding]:
    """Duties of each shift type demanded against each doctor's most by hours."""
    out = []
    for code in c.codes:
        days = [d for d in range(c.n) if c.minima[d].get(code, 0) > 0]
        demand = sum(c.minima[d][code] for d in days)
        if demand == 0:
            continue
        duties = count_phrase(demand, f"{code} duty", f"{code} duties")
        if code in c.forbidden:
            rule = c.forbidden[code]
            message = (
                f"cover needs {duties} in the {c.weeks}-week cycle, but {rule_phrase(rule)} "
                f"rules out {code} ({_h(c.length[code])} h)"
            )
            out.append(Finding("shift", message, float(demand), 0.0, "duties", (), tuple(days)))
            continue
        if frozenset((code,)) in covered:
            continue  # counted by a run rule already, with these limits or tighter ones
        entries = []
        available = 0
        for i in range(len(c.doctors)):
            avail = sum(1 for d in range(c.n) if code in c.avail[i][d])
            available += avail
            if avail:
                entries.append(("", _least(_Cap(avail, AVAILABILITY), c.count_cap(i, (code,)))))
        supply = sum(cap.value for _, cap in entries)
        if demand <= supply or demand > available:
            continue  # short of doctors on some day: reported per day, with names
        limits, breakdown = _supply(entries)
        message = (
            f"cover needs {duties} in the {c.weeks}-week cycle, but {limits} at most "
            f"{supply:g} ({breakdown})"
        )
        out.append(
            Finding("shift", message, float(demand), float(supply), "duties", c.ids, tuple(days))
        )
    return out


def _max_resident(c: _Context, i: int) -> tuple[_Cap, dict]:
    """Most resident minutes doctor ``i`` can work, what sets it, and the days behind it.

    Each available day holds at most its best combination of allowed shift types;
    a run rule counting every resident type the doctor may work caps the number of
    such days (the best days are taken); the doctor's own maximum and the
    average-hours rules cap the total.
    """
    per_day = [c.clique(c.avail[i][d])[1] for d in range(c.n)]
    worked = sorted((m for m in per_day if m > 0), reverse=True)
    info = {"days": len(worked), "longest": worked[0] if worked else 0, "limit_days": None}
    doc = c.doctors[i]
    resident = frozenset(code for code in c.workable[i] if c.res_len[code] > 0)
    days_cap = len(worked)
    why = AVAILABILITY
    for rule in c.rules:
        if rule.family not in RUN_FAMILIES or not _applies(rule, doc) or not resident:
            continue
        counted = frozenset(code for code in c.workable[i] if c.counted(rule, code))
        if not resident <= counted:
            continue
        bound, rest = c.run_bound(rule, counted)
        if bound < days_cap:
            days_cap, why = bound, _run_phrase(rule, rest)
            info["limit_days"] = bound
    by_days = _Cap(float(sum(worked[:days_cap])), why)
    return _least(c.resident_cap(i), by_days), info


def _check_hours(c: _Context, maxima: list[tuple[_Cap, dict]], shown: set[str]) -> list[Finding]:
    """Resident hours demanded against the doctors' most; hours minima against cover.

    ``shown``: run-rule phrases already reported; a shortfall of hours set by them
    alone (and availability) says nothing new and is left out.
    """
    out = []
    demand = sum(m * c.res_len[code] for d in range(c.n) for code, m in c.demand[d].items())
    supply = sum(cap.value for cap, _ in maxima)
    reasons = {cap.reason for cap, _ in maxima}
    repeated = reasons & shown and reasons <= shown | {AVAILABILITY}
    if demand > supply + 1e-6 and not repeated:
        entries = [("", _Cap(round(cap.value / 60.0, 2), cap.reason)) for cap, _ in maxima]
        limits, breakdown = _supply(entries, unit=" h")
        message = (
            f"cover needs {_h(demand)} resident hours in the {c.weeks}-week cycle, but "
            f"{limits} at most {_h(supply)} h ({breakdown})"
        )
        out.append(Finding("hours", message, demand / 60.0, supply / 60.0, "h", c.ids))
    if c.objective == "headcount":
        return out  # unused doctors need no hours
    need = sum(c.lo_min)
    if sum(1 for lo in c.lo_min if lo > 0) < 2:
        return out  # one doctor's minimum: the per-doctor check is the sharper one
    room = 0.0
    for d in range(c.n):
        for code in c.placeable[d]:
            if c.res_len[code] <= 0:
                continue
            n_avail = sum(1 for i in range(len(c.doctors)) if code in c.avail[i][d])
            most = c.maxima[d].get(code)
            room += (n_avail if most is None else min(most, n_avail)) * c.res_len[code]
    if need > room + 1e-6:
        who = [c.ids[i] for i, lo in enumerate(c.lo_min) if lo > 0]
        message = (
            f"the hours minima of {_join(who)} need {_h(need)} resident hours in the "
            f"{c.weeks}-week cycle, but the shifts rostered (cover maxima, doctors "
            f"available) hold at most {_h(room)} h"
        )
        out.append(Finding("hours", message, need / 60.0, room / 60.0, "h", tuple(who)))
    return out


def _check_days(c: _Context) -> list[Finding]:
    """Hall's condition per day: doctors able to work a set of demanded types that day."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for d in range(c.n):
        demand = c.demand[d]
        if not demand:
            continue
        types = sorted(demand)
        masks = Counter(c.avail[i][d] & frozenset(types) for i in range(len(c.doctors)))
        if len(types) <= _HALL_MAX_TYPES:
            subsets = [s for k in range(1, len(types) + 1) for s in combinations(types, k)]
        else:
            subsets = [(t,) for t in types] + [tuple(types)]
        for sub in subsets:
            fs = frozenset(sub)
            need = sum(demand[s] for s in sub)
            supply = 0
            multi = False
            for mask, count in masks.items():
                k = c.clique(mask & fs)[0]
                supply += count * k
                multi = multi or k > 1
            if need > supply:
                groups[(sub, tuple(demand[s] for s in sub), supply, multi)].append(d)
                break
    out = []
    for (sub, mins, supply, multi), days in groups.items():
        need = sum(mins)
        fs = frozenset(sub)
        on_leave, fixed, not_allowed = set(), set(), set()
        for i, doc in enumerate(c.doctors):
            if not c.allowed[i] & fs:
                not_allowed.add(doc.id)
                continue
            for d in days:
                if c.avail[i][d] & fs:
                    continue
                if d in c.leave[i]:
                    on_leave.add(doc.id)
                elif d in c.fixed[i]:
                    fixed.add(doc.id)
        what = _join([f"{m} {s}" for s, m in zip(sub, mins, strict=True)])
        where = "that day" if len(days) == 1 else "on those days"
        each = "" if len(days) == 1 else " each day"
        types = _join(list(sub), "or")
        if multi:
            head = (
                f"cover of {what} on {group_days(days)} needs "
                f"{count_phrase(need, 'duty', 'duties')}{each}, but the doctors who can work "
                f"{types} {where} can take at most {supply:g}"
            )
        elif supply == 0:
            head = (
                f"cover of {what} on {group_days(days)} needs "
                f"{count_phrase(need, 'doctor')}{each}, but no doctor can work {types} {where}"
            )
        else:
            head = (
                f"cover of {what} on {group_days(days)} needs "
                f"{count_phrase(need, 'doctor')}{each}, but only {supply:g} can work "
                f"{types} {where}"
            )
        why = []
        if on_leave:
            why.append(f"{_join(sorted(on_leave))} on leave")
        if fixed:
            why.append(f"{_join(sorted(fixed))} fixed to other duties")
        if not_allowed:
            why.append(f"{_join(sorted(not_allowed))} not allowed {types}")
        if not why:
            why.append(f"{count_phrase(len(c.doctors), 'doctor')} in all")
        message = f"{head} ({'; '.join(why)})"
        named = tuple(sorted(on_leave | fixed | not_allowed))
        out.append(
            Finding(
                "day",
                message,
                float(need),
                float(supply),
                "duties" if multi else "doctors",
                named,
                tuple(days),
            )
        )
    # fixed doctors above a cover maximum
    fixed_on: dict[tuple[int, str], list[str]] = defaultdict(list)
    for i, doc in enumerate(c.doctors):
        for d, codes in c.fixed[i].items():
            for code in codes:
                if code != "-":
                    fixed_on[(d, code)].append(doc.id)
    for (d, code), who in sorted(fixed_on.items()):
        most = c.maxima[d].get(code)
        if most is not None and len(who) > most:
            message = (
                f"cover of at most {most} {code} on {day_name(d)}, but "
                f"{count_phrase(len(who), 'doctor')} {'is' if len(who) == 1 else 'are'} "
                f"fixed to it ({_join(sorted(who))})"
            )
            out.append(
                Finding("day", message, float(len(who)), float(most), "doctors", tuple(who), (d,))
            )
    return out


def _check_doctors(c: _Context, maxima: list[tuple[_Cap, dict]]) -> list[Finding]:
    """Per doctor: fixed days against leave, limits and the maxima; hours minima."""
    out = []
    for i, doc in enumerate(c.doctors):
        fixed = c.fixed[i]
        # fixed on leave, or fixed to two things the same day
        clash = sorted(d for d, codes in fixed.items() if d in c.leave[i] and codes != {"-"})
        if clash:
            message = f"{doc.id} is fixed to duties on {group_days(clash)} but on leave then"
            out.append(Finding("doctor", message, 1.0, 0.0, "days", (doc.id,), tuple(clash)))
        double = sorted(d for d, codes in fixed.items() if len(codes) > 1)
        if double:
            message = (
                f"{doc.id} is fixed to more than one thing on {group_days(double)}"
                f" ({_join(sorted(x if x != '-' else 'off' for x in fixed[double[0]]))} on "
                f"{day_name(double[0])})"
            )
            out.append(Finding("doctor", message, 2.0, 1.0, "days", (doc.id,), tuple(double)))
        banned: dict[str, list[int]] = defaultdict(list)
        for d, codes in fixed.items():
            for code in codes:
                if code in c.forbidden:
                    banned[code].append(d)
        for code, days in sorted(banned.items()):
            message = (
                f"{doc.id} is fixed to {code} ({_h(c.length[code])} h) on {group_days(days)}, "
                f"but {rule_phrase(c.forbidden[code])} rules out {code}"
            )
            out.append(
                Finding(
                    "doctor",
                    message,
                    float(c.length[code]) / 60.0,
                    c.forbidden[code].value("limit"),
                    "h",
                    (doc.id,),
                    tuple(sorted(days)),
                )
            )
        # fixed duties above the doctor's own maximum or an average-hours limit
        duties = sorted(
            (d, next(iter(codes)))
            for d, codes in fixed.items()
            if len(codes) == 1 and "-" not in codes
        )
        if duties:
            by_code: dict[str, list[int]] = defaultdict(list)
            for d, code in duties:
                by_code[code].append(d)
            listing = "; ".join(f"{code} on {group_days(ds)}" for code, ds in by_code.items())
            for cap, amount, _, phrase in c.hour_caps[i]:
                total = sum(amount[code] for _, code in duties)
                if total > cap + 1e-6:
                    message = (
                        f"{doc.id} is fixed to {_h(total)} h in the {c.weeks}-week cycle "
                        f"({listing}), but {phrase} {_verb(1)} at most {_h(cap)} h"
                    )
                    out.append(
                        Finding(
                            "doctor",
                            message,
                            total / 60.0,
                            cap / 60.0,
                            "h",
                            (doc.id,),
                            tuple(d for d, _ in duties),
                        )
                    )
        # hours minimum against the most they can work
        lo = c.lo_min[i]
        if lo <= 0 or c.objective == "headcount":
            continue
        cap, info = maxima[i]
        if lo <= cap.value + 1e-6:
            continue
        leave = f", on leave {group_days(c.leave[i])}" if c.leave[i] else ""
        if cap.reason == AVAILABILITY and not info["days"]:
            detail = f"no shift they may work is rostered on a day they are available{leave}"
        elif cap.reason == AVAILABILITY:
            detail = (
                f"{count_phrase(info['days'], 'day')} available of at most "
                f"{_h(info['longest'])} h{leave}"
            )
        elif info["limit_days"] is not None and cap.reason.startswith("max "):
            detail = f"at most {count_phrase(info['limit_days'], 'day')} on duty by {cap.reason}"
            detail += leave
        elif cap.reason == OWN_HOURS:
            detail = f"their own maximum {c.target[i]}"
        else:
            detail = cap.reason
        message = (
            f"{doc.id} needs at least {_h(lo)} h in the {c.weeks}-week cycle {c.target[i]}, "
            f"but can work at most {_h(cap.value)} h ({detail})"
        )
        out.append(
            Finding(
                "doctor",
                message,
                lo / 60.0,
                cap.value / 60.0,
                "h",
                (doc.id,),
                tuple(sorted(c.leave[i])),
            )
        )
    return out


def precheck(
    problem: Problem, ruleset: RuleSet | None = None, *, objective: str | None = None
) -> list[Finding]:
    """Prove a problem infeasible by counting, before any search.

    Parameters
    ----------
    problem
        The problem.
    ruleset
        Its rule set (default: the problem's, with its ``rule_overrides``).
    objective
        Objective the search will use (default the problem's): with ``headcount`` a
        doctor may go unused, so hours minima prove nothing.

    Returns
    -------
    list of Finding
        Each a proof that no rota exists, in the order of :data:`KINDS`; empty when
        counting proves nothing (the problem may still be infeasible).
    """
    if ruleset is None:
        ruleset = load_ruleset(problem.rules, overrides=dict(problem.rule_overrides) or None)
    findings = _count_checks(problem, ruleset, objective)
    if findings:
        return findings
    for label, sub in tier_problems(problem):
        if not sub.doctors:
            return [
                Finding(
                    "doctor",
                    f"cover needs {label} places but no doctor can fill them",
                    1,
                    0,
                    "doctors",
                )
            ]
        found = _count_checks(sub, ruleset, objective)
        if found:
            return [replace(f, message=f"{label} places: {f.message}") for f in found]
    return []


def tier_problems(problem: Problem) -> list[tuple[str, Problem]]:
    """Per set of tiers named by cover: the problem of those tiers' places alone.

    Each keeps the doctors who may fill a place of one of the tiers, and asks of
    each requirement only the places of those tiers (at least), so that any rota
    of the whole problem restricted to those doctors is a rota of it (the tier
    places are filled by a matching, Hall's condition). Counting it can therefore
    prove the whole problem infeasible. The label reads e.g. ``"registrar"``.
    """
    tiers = problem.tiers
    named = [t for t in tiers.names if any(t == n for r in problem.cover for n, _ in r.tiers)]
    out = []
    for size in range(1, len(named) + 1):
        for group in combinations(named, size):
            cover = tuple(
                replace(
                    r,
                    min=sum(n for t, n in r.tiers if t in group),
                    target=None,
                    weight_gbp=0.0,
                    tiers=(),
                )
                for r in problem.cover
            )
            able = tuple(
                d for d in problem.doctors if any(tiers.can_fill(d.tier, t) for t in group)
            )
            ids = {d.id for d in able}
            sub = replace(
                problem,
                cover=cover,
                doctors=able,
                rolling=(),
                fixed=tuple(f for f in problem.fixed if f.doctor in ids),
                leave=tuple(x for x in problem.leave if x[0] in ids),
                requests=tuple(x for x in problem.requests if x.doctor in ids),
            )
            out.append((" or ".join(group), sub))
    return out


def _count_checks(problem: Problem, ruleset: RuleSet, objective: str | None) -> list[Finding]:
    """Every counting check of :func:`precheck` on one problem, in the order of KINDS."""
    c = _Context(problem, ruleset, objective or problem.objective)
    maxima = [_max_resident(c, i) for i in range(len(c.doctors))]
    runs, covered, shown = _check_runs(c)
    findings = (
        _check_weekends(c)
        + runs
        + _check_shifts(c, covered)
        + _check_hours(c, maxima, shown)
        + _check_days(c)
        + _check_doctors(c, maxima)
    )
    return sorted(findings, key=lambda f: KINDS.index(f.kind))
