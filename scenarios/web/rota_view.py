"""The rota as a grid for the web pages: lines × days, duty colours, violation marks.

Pure view-model code: it turns a :class:`~simulator.model.Rota` and the rules
engine's :class:`~simulator.rules.CheckResult` into plain objects that the Jinja
templates lay out. Each duty code gets its own colour (nights dark, the rest light);
non-resident on-call (NROC) is striped; a violation is marked on the day where it
starts, or on the line itself for rules measured over the whole cycle (average
weekly hours, weekend frequency).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from simulator.model import DAY_NAMES, MIN_PER_DAY, Rota, ShiftType, format_clock
from simulator.rules import CheckResult, Violation

#: Light fills with dark text, for day and evening duties (assigned in file order).
LIGHT_FILLS = (
    "#cfe2ff",
    "#ffe08a",
    "#c8ecd0",
    "#f9c9d4",
    "#ddd0f7",
    "#ffd3a8",
    "#c6eef5",
    "#e7e3a6",
    "#d9d9d9",
)
#: Dark fills with white text, for resident night duties.
DARK_FILLS = ("#2e3a78", "#5a2d6e", "#1f5c58", "#6b3b1f", "#3b3b3b")
#: Rule families measured over the whole cycle: marked on the line, not on a day.
CYCLE_FAMILIES = frozenset({"average_weekly_hours", "weekend_frequency"})
#: Weeks drawn side by side at most; longer cycles are drawn in blocks.
MAX_WEEKS_PER_BLOCK = 4
#: Plain names of the shift kinds.
KIND_TITLES = {
    "shift": "resident shift",
    "partial": "resident, with declared rest",
    "oncall": "resident on-call",
    "nroc": "non-resident on-call (from home)",
}


@dataclass(frozen=True, slots=True)
class DutyStyle:
    """How one duty code looks and what it is."""

    code: str
    fill: str
    ink: str
    kind: str
    kind_title: str
    times: str
    hours: float
    nroc: bool

    @property
    def title(self) -> str:
        """Tooltip text, e.g. ``'LD 08:00–20:30 (12.5 h), resident shift'``."""
        return f"{self.code} {self.times} ({self.hours:g} h), {self.kind_title}"


@dataclass(slots=True)
class Cell:
    """One day of one line."""

    day: int
    duties: list[DutyStyle]
    weekend: bool
    violations: list[Violation] = field(default_factory=list)

    @property
    def title(self) -> str:
        """Tooltip: the duties, then every violation starting that day."""
        parts = [d.title for d in self.duties] or ["day off"]
        parts += [f"⚠ {v.rule}: {v.message}" for v in self.violations]
        return "\n".join(parts)


@dataclass(slots=True)
class GridRow:
    """One line of the rota."""

    line_id: str
    grade: str
    cells: list[Cell]
    line_violations: list[Violation] = field(default_factory=list)

    @property
    def n_violations(self) -> int:
        """All violations of the line (on days and over the cycle)."""
        return len(self.line_violations) + sum(len(c.violations) for c in self.cells)

    @property
    def title(self) -> str:
        """Tooltip of the line label: the whole-cycle violations."""
        return "\n".join(f"⚠ {v.rule}: {v.message}" for v in self.line_violations)


@dataclass(frozen=True, slots=True)
class DayHeader:
    """A column header: weekday, week number, date when the rota has a start."""

    day: int
    weekday: str
    week: int
    weekend: bool
    date: str | None


@dataclass(slots=True)
class Grid:
    """Everything a template needs to draw a rota."""

    weeks: int
    days: list[DayHeader]
    rows: list[GridRow]
    legend: list[DutyStyle]
    ruleset: str | None = None

    @property
    def n_violations(self) -> int:
        """Violations over every line."""
        return sum(r.n_violations for r in self.rows)

    def blocks(self, max_weeks: int = MAX_WEEKS_PER_BLOCK) -> list[range]:
        """The weeks drawn side by side, as ranges of week indices (0-based).

        A long cycle is split into equal blocks of at most ``max_weeks`` weeks, drawn
        one under the other, so that no block is wider than a laptop screen.
        """
        n_blocks = math.ceil(self.weeks / max_weeks)
        size = math.ceil(self.weeks / n_blocks)
        return [range(w, min(w + size, self.weeks)) for w in range(0, self.weeks, size)]


def is_night(shift: ShiftType) -> bool:
    """True for a resident duty that starts in the evening or night and crosses midnight."""
    crosses = shift.start_min + shift.duration_min > MIN_PER_DAY
    evening = shift.start_min >= 17 * 60 or shift.start_min < 5 * 60
    return shift.resident and crosses and evening and shift.duration_min < MIN_PER_DAY


def duty_styles(rota: Rota) -> dict[str, DutyStyle]:
    """A style per shift code, in the rota's order: nights dark, the rest light."""
    styles: dict[str, DutyStyle] = {}
    n_light = n_dark = 0
    for code, shift in rota.shifts.items():
        if is_night(shift):
            fill, ink = DARK_FILLS[n_dark % len(DARK_FILLS)], "#ffffff"
            n_dark += 1
        else:
            fill, ink = LIGHT_FILLS[n_light % len(LIGHT_FILLS)], "#1b1b1b"
            n_light += 1
        end = format_clock(shift.end_min)
        styles[code] = DutyStyle(
            code=code,
            fill=fill,
            ink=ink,
            kind=shift.kind,
            kind_title=KIND_TITLES[shift.kind],
            times=f"{format_clock(shift.start_min)}–{end}",
            hours=round(shift.duration_min / 60, 2),
            nroc=shift.kind == "nroc",
        )
    return styles


def day_headers(rota: Rota) -> list[DayHeader]:
    """One header per cycle day (dates from the rota's start Monday, when given)."""
    out = []
    for day in range(rota.n_days):
        date = None
        if rota.start is not None:
            date = (rota.start + dt.timedelta(days=day)).strftime("%d %b")
        out.append(DayHeader(day, DAY_NAMES[day % 7], day // 7 + 1, day % 7 >= 5, date))
    return out


def _cycle_wide(result: CheckResult) -> set[str]:
    """Rule ids (and sub-check ids) of the rule set measured over the whole cycle."""
    return {rule.id for rule in result.rules.rules if rule.family in CYCLE_FAMILIES}


def build_grid(rota: Rota, result: CheckResult | None = None) -> Grid:
    """The grid of ``rota`` with the violations of ``result`` placed on it.

    Parameters
    ----------
    rota
        The rota to draw.
    result
        The rules engine's check of ``rota`` (``None``: no marks).
    """
    styles = duty_styles(rota)
    rows: dict[str, GridRow] = {}
    for line in rota.lines:
        cells = [
            Cell(day, [styles[c] for c in codes], day % 7 >= 5)
            for day, codes in enumerate(line.days)
        ]
        rows[line.id] = GridRow(line.id, line.grade, cells)
    if result is not None:
        cycle_wide = _cycle_wide(result)
        for v in result.violations:
            row = rows[v.line]
            if v.rule.split(".")[0] in cycle_wide:
                row.line_violations.append(v)
            else:
                row.cells[v.day % rota.n_days].violations.append(v)
    return Grid(
        weeks=rota.weeks,
        days=day_headers(rota),
        rows=list(rows.values()),
        legend=list(styles.values()),
        ruleset=None if result is None else result.rules.title,
    )
