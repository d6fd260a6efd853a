"""Rota design options of a problem file: rolling groups, tiers and block rules.

These are what rota coordinators ask of a rota beyond the contract's rules:

- ``[[rolling]]``: one pattern worked by ``weeks`` doctors, each one week behind the
  last (the rota file's ``[[rolling]]`` form);
- ``[tiers]``: which grades form which tier and which tier may fill whose cover
  slots, so that cover can say "nights: 1 registrar, 2 junior";
- ``[design]``: weekends worked as a unit, night blocks of a length, no
  consecutive weekends, a band of hours for full-time doctors, leave counted as
  notional hours. Each is hard unless it has a ``weight`` (GBP per breach).

Parsing raises :class:`~optimizer.problem.ProblemError` naming file and key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from simulator.model import DAY_NAMES, GRADES, brief

#: Tier of each grade when the problem has no ``[tiers]`` table.
DEFAULT_TIER_GRADES = {"junior": ("F1", "F2", "CT", "DCT"), "registrar": ("ST",)}
DESIGN_KEYS = (
    "weekend_unit",
    "night_blocks",
    "no_consecutive_weekends",
    "full_time_hours",
    "leave_hours_per_day",
)
WEEKEND_UNIT_KEYS = ("days", "shifts", "weight")
NIGHT_BLOCK_KEYS = ("min", "max", "weight")
CONSECUTIVE_KEYS = ("weight",)
FULL_TIME_KEYS = ("min", "max", "spread", "weight")
TIER_KEYS = ("grades", "fills")


@dataclass(frozen=True, slots=True)
class WeekendUnit:
    """Weekend days worked as one unit: the same shift type on every day or on none.

    Attributes
    ----------
    weekdays
        Weekday indices of the unit (0 = Monday), e.g. ``(4, 5, 6)`` for Friday–Sunday.
    shifts
        Shift codes the unit applies to (``None``: every code).
    weight_gbp
        ``None``: hard; else GBP per doctor, weekend and shift type split.
    """

    weekdays: tuple[int, ...] = (5, 6)
    shifts: tuple[str, ...] | None = None
    weight_gbp: float | None = None


@dataclass(frozen=True, slots=True)
class NightBlocks:
    """Nights in blocks of ``min`` to ``max`` consecutive nights (cyclic).

    ``weight_gbp`` ``None``: hard; else GBP per block outside the range.
    """

    min: int = 1
    max: int | None = None
    weight_gbp: float | None = None


@dataclass(frozen=True, slots=True)
class FullTimeHours:
    """Average resident hours of full-time doctors, h/week.

    Attributes
    ----------
    min, max
        Bounds for every full-time doctor (hard; ``None`` for none).
    spread
        Largest difference between two full-time doctors (``None`` for none).
    weight_gbp
        ``None``: the spread is hard; else GBP per hour/week of spread above it.
    """

    min: float | None = None
    max: float | None = None
    spread: float | None = None
    weight_gbp: float | None = None


@dataclass(frozen=True, slots=True)
class Design:
    """Block and balance rules of a problem (``[design]``); every field optional."""

    weekend_unit: WeekendUnit | None = None
    night_blocks: NightBlocks | None = None
    no_consecutive_weekends: float | None = None  # None: off; math.inf: hard; else GBP
    full_time_hours: FullTimeHours | None = None
    leave_hours_per_day: float = 0.0


@dataclass(frozen=True, slots=True)
class Tiers:
    """Tiers of doctors for cover: tier of each grade and who may fill whose slot.

    Attributes
    ----------
    grades
        Tier name to the grades in it.
    fills
        Tier name to the other tiers whose cover slots it may fill.
    """

    grades: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_TIER_GRADES), hash=False
    )
    fills: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Tier names in file order."""
        return tuple(self.grades)

    def of_grade(self, grade: str) -> str | None:
        """Tier of a grade (``None`` when no tier lists it)."""
        for name, grades in self.grades.items():
            if grade in grades:
                return name
        return None

    def can_fill(self, tier: str, slot: str) -> bool:
        """Whether a doctor of ``tier`` may fill a ``slot`` tier's place."""
        return tier == slot or slot in self.fills.get(tier, frozenset())


@dataclass(frozen=True, slots=True)
class RollingGroup:
    """Doctors who work one pattern, member ``k`` starting ``k`` weeks later.

    Member ``k`` works on cycle day ``t`` what the first member works on day
    ``t + 7k`` (the rota file's ``[[rolling]]`` expansion).
    """

    id: str
    members: tuple[str, ...]


# ----------------------------------------------------------------------------- parsing


def _error(message: str, file: str, key: str):
    from .problem import ProblemError

    return ProblemError(message, file=file, field=key)


def _table(value: object, keys: tuple[str, ...], file: str, key: str) -> Mapping:
    from .problem import _check_keys

    if value is True:
        return {}
    if not isinstance(value, Mapping):
        raise _error(f"expected a table ({', '.join(keys)}) or true, got {brief(value)}", file, key)
    _check_keys(value, keys, file=file, field=key)
    return value


def _weight(table: Mapping, file: str, key: str) -> float | None:
    from .problem import _number

    if "weight" not in table:
        return None
    w = _number(table["weight"], file=file, field=f"{key}.weight")
    if w <= 0:
        raise _error("weight must be > 0 (leave it out for a hard rule)", file, f"{key}.weight")
    return w


def _hours(table: Mapping, name: str, file: str, key: str) -> float | None:
    from .problem import _number

    if name not in table:
        return None
    h = _number(table[name], file=file, field=f"{key}.{name}")
    if not 0 <= h <= 168:
        raise _error(f"expected hours per week between 0 and 168, got {h:g}", file, f"{key}.{name}")
    return h


def _weekend_unit(value: object, codes: tuple[str, ...], file: str) -> WeekendUnit:
    key = "design.weekend_unit"
    t = _table(value, WEEKEND_UNIT_KEYS, file, key)
    names = [d.lower() for d in DAY_NAMES]
    days = t.get("days", ["Sat", "Sun"])
    if not isinstance(days, list) or len(days) < 2:
        raise _error('expected a list of two or more days, e.g. ["Fri", "Sat", "Sun"]', file, key)
    weekdays = []
    for d in days:
        if not isinstance(d, str) or d.strip().lower()[:3] not in names:
            raise _error(f"unknown weekday {brief(d)}", file, f"{key}.days")
        weekdays.append(names.index(d.strip().lower()[:3]))
    weekdays = sorted(set(weekdays))
    if any(b - a != 1 for a, b in zip(weekdays, weekdays[1:], strict=False)):
        raise _error("the unit's days must be consecutive", file, f"{key}.days")
    shifts = t.get("shifts")
    if shifts is not None:
        if not isinstance(shifts, list) or not all(isinstance(c, str) for c in shifts):
            raise _error("expected a list of shift codes", file, f"{key}.shifts")
        for c in shifts:
            if c not in codes:
                raise _error(f"unknown shift code {brief(c)}", file, f"{key}.shifts")
        shifts = tuple(shifts)
    return WeekendUnit(tuple(weekdays), shifts, _weight(t, file, key))


def _night_blocks(value: object, file: str) -> NightBlocks:
    from .problem import _count

    key = "design.night_blocks"
    t = _table(value, NIGHT_BLOCK_KEYS, file, key)
    lo = _count(t.get("min", 1), file=file, field=f"{key}.min")
    hi = None if "max" not in t else _count(t["max"], file=file, field=f"{key}.max")
    if lo < 1 or (hi is not None and hi < lo):
        raise _error(f"need 1 <= min <= max, got min {lo}, max {hi}", file, key)
    return NightBlocks(lo, hi, _weight(t, file, key))


def _full_time_hours(value: object, file: str) -> FullTimeHours:
    key = "design.full_time_hours"
    t = _table(value, FULL_TIME_KEYS, file, key)
    lo, hi = _hours(t, "min", file, key), _hours(t, "max", file, key)
    spread = _hours(t, "spread", file, key)
    if lo is not None and hi is not None and hi < lo:
        raise _error(f"max {hi:g} is below min {lo:g}", file, key)
    weight = _weight(t, file, key)
    if weight is not None and spread is None:
        raise _error("a weight applies to the spread: give 'spread' too", file, key)
    return FullTimeHours(lo, hi, spread, weight)


def parse_design(value: object, codes: tuple[str, ...], file: str) -> Design:
    """Parse the ``[design]`` table (absent: no design rules)."""
    from .problem import _check_keys, _number

    if value is None:
        return Design()
    if not isinstance(value, Mapping):
        raise _error("expected a [design] table", file, "design")
    _check_keys(value, DESIGN_KEYS, file=file, field="design")
    consecutive = None
    if "no_consecutive_weekends" in value:
        v = value["no_consecutive_weekends"]
        if v is not False:
            t = _table(v, CONSECUTIVE_KEYS, file, "design.no_consecutive_weekends")
            w = _weight(t, file, "design.no_consecutive_weekends")
            consecutive = math.inf if w is None else w
    leave_h = 0.0
    if "leave_hours_per_day" in value:
        leave_h = _number(
            value["leave_hours_per_day"], file=file, field="design.leave_hours_per_day"
        )
        if not 0 <= leave_h <= 24:
            raise _error(
                f"expected hours between 0 and 24, got {leave_h:g}",
                file,
                "design.leave_hours_per_day",
            )
    return Design(
        weekend_unit=None
        if "weekend_unit" not in value
        else _weekend_unit(value["weekend_unit"], codes, file),
        night_blocks=None
        if "night_blocks" not in value
        else _night_blocks(value["night_blocks"], file),
        no_consecutive_weekends=consecutive,
        full_time_hours=None
        if "full_time_hours" not in value
        else _full_time_hours(value["full_time_hours"], file),
        leave_hours_per_day=leave_h,
    )


def parse_tiers(value: object, file: str) -> Tiers:
    """Parse the ``[tiers]`` table (absent: junior = F1, F2, CT; registrar = ST)."""
    from .problem import _check_keys

    if value is None:
        return Tiers()
    if not isinstance(value, Mapping) or not value:
        raise _error('expected tables like registrar = { grades = ["ST"] }', file, "tiers")
    grades: dict[str, tuple[str, ...]] = {}
    fills: dict[str, frozenset[str]] = {}
    seen: dict[str, str] = {}
    for name, t in value.items():
        key = f"tiers.{name}"
        if not isinstance(t, Mapping):
            raise _error("expected { grades = [...], fills = [...] }", file, key)
        _check_keys(t, TIER_KEYS, file=file, field=key)
        gs = t.get("grades", [])
        if not isinstance(gs, list) or not all(g in GRADES for g in gs):
            raise _error(f"expected a list of grades ({', '.join(GRADES)})", file, f"{key}.grades")
        for g in gs:
            if g in seen:
                raise _error(f"grade {g} is in tiers {seen[g]} and {name}", file, f"{key}.grades")
            seen[g] = name
        grades[name] = tuple(gs)
    for name, t in value.items():
        fs = t.get("fills", [])
        if not isinstance(fs, list) or not all(
            isinstance(f, str) and f in grades and f != name for f in fs
        ):
            raise _error(
                f"expected a list of other tiers ({', '.join(grades)})", file, f"tiers.{name}.fills"
            )
        fills[name] = frozenset(fs)
    return Tiers(grades, fills)


def parse_rolling_ids(entry: Mapping, j: int, weeks: int, file: str) -> tuple[str, list[str]]:
    """Group id and member ids of a ``[[rolling]]`` entry (``weeks`` members)."""
    gid = entry.get("id")
    if not isinstance(gid, str | int) or isinstance(gid, bool) or not str(gid).strip():
        raise _error(f"rolling group {j + 1} needs an 'id'", file, "rolling.id")
    gid = str(gid).strip()
    members = entry.get("doctors")
    if members is None:
        return gid, [f"{gid}-{k + 1}" for k in range(weeks)]
    if (
        not isinstance(members, list)
        or not all(isinstance(d, str) and d.strip() for d in members)
        or len(members) != weeks
    ):
        raise _error(
            f"expected a list of {weeks} doctor ids (one per week of the cycle, in the order "
            "they start)",
            file,
            f"rolling.{gid}.doctors",
        )
    return gid, [d.strip() for d in members]
