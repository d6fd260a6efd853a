"""Independent evaluator for benchmark rosters.

This module deliberately shares no code with the optimisation model: it walks a
roster day by day in plain Python and applies the benchmark rules as defined by
Curtois & Qu (2014):

* objective = sum of weights of unmet shift-on requests
  + sum of weights of violated shift-off requests
  + sum over (day, shift) of ``weight_under * max(0, req - cover)``
  + ``weight_over * max(0, cover - req)``;
* hard constraints: at most one shift per day, maximum shifts per type,
  minimum / maximum total minutes, maximum consecutive shifts, minimum
  consecutive shifts, minimum consecutive days off, maximum weekends worked,
  fixed days off and forbidden shift successions.

Runs of shifts or of days off that touch the first or the last day of the
horizon are not checked against the *minimum* length limits, since they may
continue outside the horizon.  Maximum consecutive shifts applies to every run.
A weekend (Saturday = day ``7k + 5``, Sunday = day ``7k + 6``) counts as worked
when either day is worked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from optimizer.nrp.instance import NrpInstance

__all__ = ["Evaluation", "Roster", "evaluate", "roster_to_grid"]

Roster = Mapping[tuple[str, int], str | None] | Sequence[Sequence[str | None]]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Result of evaluating a roster.

    Attributes
    ----------
    objective : int
        Total soft-constraint penalty.
    on_request_penalty, off_request_penalty, under_cover_penalty, over_cover_penalty : int
        Components of the objective.
    violations : list of str
        Human-readable descriptions of hard-constraint violations (empty when
        the roster is feasible).
    """

    objective: int
    on_request_penalty: int
    off_request_penalty: int
    under_cover_penalty: int
    over_cover_penalty: int
    violations: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        """Whether the roster satisfies every hard constraint."""
        return not self.violations


def roster_to_grid(instance: NrpInstance, roster: Roster) -> list[list[str | None]]:
    """Normalise a roster to a list (one row per employee) of per-day shift ids.

    Parameters
    ----------
    instance : NrpInstance
        The instance the roster belongs to.
    roster : mapping or 2-D sequence
        Either a mapping ``(staff_id, day) -> shift_id or None`` (missing keys
        mean a day off) or a sequence of rows in staff order, each holding one
        entry per day.  Empty strings are treated as days off.

    Returns
    -------
    list of list of (str or None)
        ``grid[i][d]`` is the shift of employee ``i`` on day ``d``.
    """
    h = instance.horizon
    if isinstance(roster, Mapping):
        grid = [[roster.get((s.id, d)) or None for d in range(h)] for s in instance.staff]
        return grid
    rows = list(roster)
    if len(rows) != len(instance.staff):
        raise ValueError(f"roster has {len(rows)} rows, instance has {len(instance.staff)} staff")
    grid = []
    for i, row in enumerate(rows):
        cells = list(row)
        if len(cells) != h:
            raise ValueError(f"roster row {i} has {len(cells)} days, horizon is {h}")
        grid.append([c or None for c in cells])
    return grid


def _runs(worked: list[bool]) -> list[tuple[bool, int, int]]:
    """Maximal runs as ``(is_work, start, length)``."""
    runs: list[tuple[bool, int, int]] = []
    start = 0
    for d in range(1, len(worked) + 1):
        if d == len(worked) or worked[d] != worked[start]:
            runs.append((worked[start], start, d - start))
            start = d
    return runs


def evaluate(instance: NrpInstance, roster: Roster) -> Evaluation:
    """Score a roster and list its hard-constraint violations.

    Parameters
    ----------
    instance : NrpInstance
        The benchmark instance.
    roster : mapping or 2-D sequence
        See :func:`roster_to_grid`.

    Returns
    -------
    Evaluation
        Objective, its components and the hard-constraint violations.
    """
    grid = roster_to_grid(instance, roster)
    h = instance.horizon
    lengths = {s.id: s.length for s in instance.shifts}
    forbidden = {s.id: set(s.forbidden_next) for s in instance.shifts}
    row_of = {s.id: i for i, s in enumerate(instance.staff)}
    violations: list[str] = []

    for i, emp in enumerate(instance.staff):
        row = grid[i]
        for d, shift in enumerate(row):
            if shift is not None and shift not in lengths:
                violations.append(f"{emp.id} day {d}: unknown shift {shift!r}")
        known = [s if s in lengths else None for s in row]

        counts: dict[str, int] = {}
        for shift in known:
            if shift is not None:
                counts[shift] = counts.get(shift, 0) + 1
        for shift, n in counts.items():
            limit = emp.max_shifts.get(shift)
            if limit is not None and n > limit:
                violations.append(f"{emp.id}: {n} shifts of type {shift} > max {limit}")

        minutes = sum(lengths[s] for s in known if s is not None)
        if minutes > emp.max_total_minutes:
            violations.append(f"{emp.id}: {minutes} minutes > max {emp.max_total_minutes}")
        if minutes < emp.min_total_minutes:
            violations.append(f"{emp.id}: {minutes} minutes < min {emp.min_total_minutes}")

        worked = [s is not None for s in row]
        for is_work, start, length in _runs(worked):
            interior = start > 0 and start + length < h
            if is_work and length > emp.max_consecutive_shifts:
                violations.append(
                    f"{emp.id} days {start}-{start + length - 1}: {length} consecutive shifts"
                    f" > max {emp.max_consecutive_shifts}"
                )
            if is_work and interior and length < emp.min_consecutive_shifts:
                violations.append(
                    f"{emp.id} days {start}-{start + length - 1}: {length} consecutive shifts"
                    f" < min {emp.min_consecutive_shifts}"
                )
            if not is_work and interior and length < emp.min_consecutive_days_off:
                violations.append(
                    f"{emp.id} days {start}-{start + length - 1}: {length} consecutive days off"
                    f" < min {emp.min_consecutive_days_off}"
                )

        weekends = sum(1 for w in range(h // 7) if worked[7 * w + 5] or worked[7 * w + 6])
        if weekends > emp.max_weekends:
            violations.append(f"{emp.id}: {weekends} weekends worked > max {emp.max_weekends}")

        for d in instance.days_off.get(emp.id, ()):
            if worked[d]:
                violations.append(f"{emp.id} day {d}: works {row[d]} on a day off")

        for d in range(h - 1):
            a, b = known[d], known[d + 1]
            if a is not None and b is not None and b in forbidden[a]:
                violations.append(f"{emp.id} days {d}-{d + 1}: {b} may not follow {a}")

    on_pen = 0
    for r in instance.on_requests:
        if grid[row_of[r.staff]][r.day] != r.shift:
            on_pen += r.weight
    off_pen = 0
    for r in instance.off_requests:
        if grid[row_of[r.staff]][r.day] == r.shift:
            off_pen += r.weight

    under_pen = over_pen = 0
    for c in instance.cover:
        n = sum(1 for i in range(len(grid)) if grid[i][c.day] == c.shift)
        if n < c.requirement:
            under_pen += (c.requirement - n) * c.weight_under
        elif n > c.requirement:
            over_pen += (n - c.requirement) * c.weight_over

    return Evaluation(
        objective=on_pen + off_pen + under_pen + over_pen,
        on_request_penalty=on_pen,
        off_request_penalty=off_pen,
        under_cover_penalty=under_pen,
        over_cover_penalty=over_pen,
        violations=violations,
    )
