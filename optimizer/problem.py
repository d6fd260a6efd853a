"""Optimisation problem files: what the rota search must cover and for whom.

A problem file (TOML) names the cycle, the shift types (the same ``[shifts]`` table
as rota files), the cover needed per day and shift type, the doctors and their 2002
pay reference, the rule set, fixed assignments, leave and weighted requests, and
the objective. See ``docs/optimiser.md`` for the format.

Every input error raises :class:`ProblemError` (a :class:`~simulator.model.UserError`)
with a one-line message naming the file, the doctor, the day and the field.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from simulator import limits
from simulator.io import read_rota
from simulator.io.common import check_keys as _rota_check_keys
from simulator.io.common import parse_toml, read_text
from simulator.io.safety import PathOutsideError, reference_path, short
from simulator.io.toml_rota import parse_shift_table
from simulator.limits import Limit
from simulator.model import DAY_NAMES, GRADES, Line, Rota, RotaError, ShiftType, UserError, brief
from simulator.rules import RULESETS

from .design import (
    Design,
    RollingGroup,
    Tiers,
    parse_design,
    parse_rolling_ids,
    parse_tiers,
)

#: Objectives understood by the optimiser.
OBJECTIVES = ("pay-loss", "cost", "headcount", "fairness", "repair")

PROBLEM_KEYS = (
    "name",
    "weeks",
    "start",
    "rules",
    "rule_overrides",
    "pay_year",
    "objective",
    "shifts",
    "combinable",
    "cover",
    "doctors",
    "fixed",
    "leave",
    "requests",
    "rolling",
    "tiers",
    "design",
    "reference_rota",
)
DOCTOR_KEYS = (
    "id",
    "grade",
    "years",
    "ltft",
    "specialty",
    "hours_per_week",
    "hours_tolerance",
    "min_hours_per_week",
    "max_hours_per_week",
    "shifts",
    "reference_gbp",
    "reference_rota",
    "reference_line",
    "tier",
)
#: Keys of a ``[[rolling]]`` group: a doctor's keys (shared by every member) and the
#: members' ids.
ROLLING_KEYS = (*DOCTOR_KEYS, "doctors")
COVER_SCOPES = ("all", "weekdays", "weekend", *(d.lower() for d in DAY_NAMES), "except")
REQUIREMENT_KEYS = ("min", "max", "target", "weight")
FIXED_KEYS = ("doctor", "days", "shift")
LEAVE_KEYS = ("doctor", "days")
REQUEST_KEYS = ("doctor", "days", "shift", "prefer", "weight")
#: Default tolerance around a doctor's ``hours_per_week`` target, h/week.
DEFAULT_HOURS_TOLERANCE_H = 1.0


class ProblemError(UserError):
    """A problem file that cannot be used.

    Parameters
    ----------
    message
        What is wrong.
    file, doctor, day, field
        Where: the problem file, the doctor id, the cycle day and the key.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        doctor: str | None = None,
        day: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.doctor = doctor
        self.day = day
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(self.file)
        if self.doctor is not None:
            parts.append(f"doctor {brief(self.doctor, 60)}")
        if self.day is not None:
            parts.append(day_name(self.day))
        if self.field is not None:
            parts.append(f"field {brief(self.field, 80)}")
        where = ", ".join(parts)
        text = f"{where}: {self.message}" if where else self.message
        return " ".join(text.split())


def doctor_hours_bounds(doc: Doctor) -> tuple[float, float, list[str]]:
    """A doctor's own (min, max) average resident h/week and the phrases stating them.

    ``hours_per_week ± hours_tolerance``, ``min_hours_per_week`` and
    ``max_hours_per_week`` combined (0 and infinity when absent); the phrases read
    e.g. ``["24.5 ± 1.5 h/week"]`` (empty when the doctor has no hours limits).
    """
    lo, hi = 0.0, math.inf
    parts = []
    if doc.hours_per_week is not None:
        lo = max(lo, doc.hours_per_week - doc.hours_tolerance)
        hi = min(hi, doc.hours_per_week + doc.hours_tolerance)
        parts.append(f"{doc.hours_per_week:g} ± {doc.hours_tolerance:g} h/week")
    if doc.min_hours_per_week is not None:
        lo = max(lo, doc.min_hours_per_week)
        parts.append(f"at least {doc.min_hours_per_week:g} h/week")
    if doc.max_hours_per_week is not None:
        hi = min(hi, doc.max_hours_per_week)
        parts.append(f"at most {doc.max_hours_per_week:g} h/week")
    return lo, hi, parts


def cyclic_overlap_min(a0: int, a_len: int, b0: int, b_len: int, cycle_min: int) -> int:
    """Overlap of ``[a0, a0+a_len)`` and ``[b0, b0+b_len)`` on a cycle, minutes.

    Both intervals are shorter than the cycle; every lap of ``b`` is tried.
    """
    total = 0
    for lap in (-1, 0, 1):
        lo = max(a0, b0 + lap * cycle_min)
        hi = min(a0 + a_len, b0 + b_len + lap * cycle_min)
        if hi > lo:
            total += hi - lo
    return total


def day_name(day: int) -> str:
    """Short label of a cycle day, e.g. ``'Sat wk1'`` for day 5."""
    return f"{DAY_NAMES[day % 7]} wk{day // 7 + 1}"


@dataclass(frozen=True, slots=True)
class Requirement:
    """Cover of one shift type on one cycle day.

    Attributes
    ----------
    shift, day
        Shift code and cycle day (0 = Monday of week 1).
    min, max
        Hard bounds on the number of doctors (``max`` ``None`` = no upper bound).
    target, weight_gbp
        Soft target and its penalty, GBP per doctor above or below the target
        (``None`` when there is no target).
    tiers
        ``(tier, slots)`` pairs: at least ``slots`` of the doctors on duty fill that
        tier's places (a doctor fills their own tier's places or, where the problem's
        ``[tiers]`` says so, another's).
    """

    shift: str
    day: int
    min: int = 0
    max: int | None = None
    target: int | None = None
    weight_gbp: float = 0.0
    tiers: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Doctor:
    """One doctor to be rostered.

    Attributes
    ----------
    id, grade, years, ltft, specialty
        As for a rota line.
    hours_per_week, hours_tolerance
        Target average resident hours per week (LTFT) and the allowed deviation,
        h/week; ``None`` for no target.
    min_hours_per_week, max_hours_per_week
        Optional hard bounds on average resident hours, h/week.
    shifts
        Shift codes the doctor may work (``None`` = all).
    reference_gbp
        2002 pay reference, GBP/year (``None`` = no pay protection floor).
    reference_source
        Where the reference came from: ``"salary"``, ``"rota FILE line ID"`` or ``""``.
    reference_band
        2002 band of the reference line when priced from a rota, else ``None``.
    current_days
        The doctor's current rota line (its day cells) when it was given, else ``None``.
    current_2026_gbp
        2026 pay of the current rota line, GBP/year, when it was given, else ``None``.
    tier
        Cover tier (``tier`` key, else the tier of the grade in the problem's
        ``[tiers]``; ``""`` when no tier lists the grade).
    """

    id: str
    grade: str
    years: int = 0
    ltft: bool = False
    specialty: str = "general"
    hours_per_week: float | None = None
    hours_tolerance: float = DEFAULT_HOURS_TOLERANCE_H
    min_hours_per_week: float | None = None
    max_hours_per_week: float | None = None
    shifts: tuple[str, ...] | None = None
    reference_gbp: float | None = None
    reference_source: str = ""
    reference_band: str | None = None
    current_days: tuple[tuple[str, ...], ...] | None = None
    current_2026_gbp: float | None = None
    tier: str = ""

    def line(self, days: Sequence[Sequence[str]]) -> Line:
        """The doctor's rota line working ``days`` (shift codes per cycle day)."""
        return Line(
            id=self.id,
            grade=self.grade,
            years=self.years,
            days=tuple(tuple(day) for day in days),
            ltft=self.ltft,
            specialty=self.specialty,
        )


@dataclass(frozen=True, slots=True)
class Fixed:
    """A hard assignment: ``doctor`` works ``shift`` on ``day`` (``"-"``: is off)."""

    doctor: str
    day: int
    shift: str


@dataclass(frozen=True, slots=True)
class Request:
    """A soft request with a weight, GBP per day on which it is not met.

    ``shift`` ``None`` means any duty: with ``prefer`` false it is a day-off request.
    """

    doctor: str
    day: int
    shift: str | None
    prefer: bool
    weight_gbp: float


@dataclass(frozen=True, slots=True)
class Problem:
    """A rota search problem (see ``docs/optimiser.md``).

    Attributes
    ----------
    name, weeks, start
        Display name, cycle length in weeks, optional Monday laying the cycle on the
        calendar (bank holidays count as unsocial time for 2026 pay).
    shifts
        Shift types by code.
    combinable
        Pairs of codes that may share a day (order-free).
    cover
        Requirements, one per (shift, day) that has one.
    doctors
        The doctors, in file order.
    fixed, leave, requests
        Hard assignments, leave days (``(doctor, day)``) and soft requests.
    rules, rule_overrides
        Rule set name and overrides by dotted key.
    pay_year
        Pay year of both contracts.
    objective
        Default objective (one of :data:`OBJECTIVES`).
    source
        File the problem came from.
    rolling
        Rolling groups: doctors who work one pattern a week apart.
    tiers
        Cover tiers of the grades and who may fill whose places.
    design
        Block and balance rules (``[design]``).
    reference_rota
        The current rota every doctor's reference line is read from by default
        (``None`` when not given); the ``repair`` objective counts changes against it.
    """

    name: str
    weeks: int
    shifts: dict[str, ShiftType] = field(hash=False)
    cover: tuple[Requirement, ...]
    doctors: tuple[Doctor, ...]
    start: dt.date | None = None
    combinable: frozenset[frozenset[str]] = frozenset()
    fixed: tuple[Fixed, ...] = ()
    leave: tuple[tuple[str, int], ...] = ()
    requests: tuple[Request, ...] = ()
    rules: str = "wales-2026"
    rule_overrides: Mapping[str, float] = field(default_factory=dict, hash=False)
    pay_year: str = "2026/27"
    objective: str = "pay-loss"
    source: str = "<memory>"
    rolling: tuple[RollingGroup, ...] = ()
    tiers: Tiers = field(default_factory=Tiers, hash=False)
    design: Design = field(default_factory=Design, hash=False)
    reference_rota: str | None = None

    @property
    def n_days(self) -> int:
        """Days in the cycle."""
        return 7 * self.weeks

    def leave_credit_min(self, doctor_id: str) -> int:
        """Notional minutes of a doctor's leave that count towards their hours (per cycle).

        ``design.leave_hours_per_day`` for every leave day (0 unless set).
        """
        per_day = self.design.leave_hours_per_day
        if not per_day:
            return 0
        days = sum(1 for doc, _ in self.leave if doc == doctor_id)
        return round(days * per_day * 60)

    def rota(self, lines: Sequence[Line], *, name: str, source: str) -> Rota:
        """A rota of this problem's cycle, shifts and start holding ``lines``."""
        return Rota(
            name=name,
            weeks=self.weeks,
            shifts=self.shifts,
            lines=tuple(lines),
            start=self.start,
            source=source,
        )

    def doctor(self, doctor_id: str) -> Doctor:
        """The doctor with id ``doctor_id``."""
        for doc in self.doctors:
            if doc.id == doctor_id:
                return doc
        raise ProblemError(f"unknown doctor {brief(doctor_id)}", file=self.source)


# ----------------------------------------------------------------------------- parsing


_DAY_RE = re.compile(
    r"^\s*(?:wk\s*([0-9]{1,6})\s+([A-Za-z]{3})|([A-Za-z]{3})\s+wk\s*([0-9]{1,6}))\s*$",
    re.I | re.ASCII,
)
#: A day number: ASCII digits (``str.isdigit`` also accepts ``'２'`` and ``'²'``).
_DAY_NUMBER = re.compile(r"-?[0-9]{1,9}", re.ASCII)


def parse_day(value: object, weeks: int, start: dt.date | None, **where) -> int:
    """Parse one day: a cycle day number (0 = Monday wk1), ``"Sat wk2"``/``"wk2 Sat"``, or a date.

    Raises
    ------
    ProblemError
        A malformed day or one outside the cycle.
    """
    n_days = 7 * weeks
    day: int | None = None
    if isinstance(value, bool):
        day = None
    elif isinstance(value, int):
        day = value
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        if start is None:
            raise ProblemError(f"date {value} needs a 'start' date for the cycle", **where)
        day = (value - start).days
    elif isinstance(value, str):
        text = value.strip()
        if _DAY_NUMBER.fullmatch(text):
            day = int(text)
        else:
            m = _DAY_RE.match(text)
            if m is None:
                date = _iso_date(text)
                if date is None:
                    raise ProblemError(
                        f"malformed day {brief(value)}: use a day number, 'Sat wk2' or a date",
                        **where,
                    )
                return parse_day(date, weeks, start, **where)
            week = int(m.group(1) or m.group(4))
            name = (m.group(2) or m.group(3)).capitalize()
            if name not in DAY_NAMES:
                raise ProblemError(f"unknown weekday {brief(name)} in {brief(value)}", **where)
            if not 1 <= week <= weeks:
                raise ProblemError(f"week {week} is outside the {weeks}-week cycle", **where)
            day = 7 * (week - 1) + DAY_NAMES.index(name)
    if day is None:
        raise ProblemError(f"malformed day {brief(value)}", **where)
    if not 0 <= day < n_days:
        raise ProblemError(f"day {brief(value)} is outside the {weeks}-week cycle", **where)
    return day


def _iso_date(text: str) -> dt.date | None:
    """A date written ``YYYY-MM-DD`` in ASCII digits, else ``None``."""
    if not text.isascii():
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_days(value: object, weeks: int, start: dt.date | None, **where) -> list[int]:
    """Parse a day, a list of days, or a range ``"Mon wk1..Fri wk1"`` (inclusive)."""
    items = value if isinstance(value, list) else [value]
    out: list[int] = []
    for item in items:
        if isinstance(item, str) and ".." in item:
            lo_text, hi_text = item.split("..", 1)
            lo = parse_day(lo_text, weeks, start, **where)
            hi = parse_day(hi_text, weeks, start, **where)
            if hi < lo:
                raise ProblemError(f"range {brief(item)} ends before it starts", **where)
            out.extend(range(lo, hi + 1))
        else:
            out.append(parse_day(item, weeks, start, **where))
    if not out:
        raise ProblemError("no days given", **where)
    return out


def _check_keys(table: Mapping, allowed: Sequence[str], **where) -> None:
    try:
        _rota_check_keys(table, tuple(allowed), field="")
    except RotaError as exc:
        raise ProblemError(exc.message, **where) from None


def _number(value: object, **where) -> float:
    """A finite number (not a boolean) of at most ``ROTA_MAX_AMOUNT`` in size."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProblemError(f"expected a number, got {brief(value)}", **where)
    if isinstance(value, float) and not math.isfinite(value):
        raise ProblemError(f"expected a finite number, got {brief(value)}", **where)
    message = limits.AMOUNT_GBP.exceeded(value, where.get("field") or "value", magnitude=True)
    if message is not None:
        raise ProblemError(message, **where)
    return float(value)


def _count(value: object, *, limit: Limit = limits.COUNT, **where) -> int:
    """A whole number >= 0 (not a boolean) within ``limit`` (default ``ROTA_MAX_COUNT``)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ProblemError(f"expected a whole number >= 0, got {brief(value)}", **where)
    if (message := limit.exceeded(value, where.get("field") or "value")) is not None:
        raise ProblemError(message, **where)
    return value


def _requirement_spec(value: object, tiers: Sequence[str] = (), **where) -> dict:
    """``n`` (exactly n) or ``{min, max, target, weight, <tier> = n}`` into a dict.

    Tier counts (``registrar = 1, junior = 2``) are minima of the places each tier
    fills; without ``min``/``max`` the total is exactly their sum.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        n = _count(value, **where)
        return {"min": n, "max": n}
    if not isinstance(value, Mapping):
        raise ProblemError(
            f"expected a number of doctors or {{ min, max, target, weight }}, got {brief(value)}",
            **where,
        )
    _check_keys(value, (*REQUIREMENT_KEYS, *tiers), **where)
    spec: dict = {}
    for key in ("min", "max", "target"):
        if key in value:
            spec[key] = _count(value[key], **{**where, "field": f"{where['field']}.{key}"})
    if "weight" in value:
        spec["weight"] = _number(value["weight"], **{**where, "field": f"{where['field']}.weight"})
    if ("target" in spec) != ("weight" in spec):
        raise ProblemError(
            "a soft 'target' needs a 'weight' (GBP per doctor) and vice versa", **where
        )
    slots = tuple(
        (t, _count(value[t], **{**where, "field": f"{where['field']}.{t}"}))
        for t in tiers
        if t in value
    )
    if slots:
        spec["tiers"] = slots
        total = sum(n for _, n in slots)
        if "min" not in spec and "max" not in spec:
            spec["min"] = spec["max"] = total
        elif spec.get("max") is not None and spec["max"] < total:
            raise ProblemError(
                f"max {spec['max']} is below the {total} places of the tiers", **where
            )
    return spec


def _parse_cover(
    data: object,
    shifts: Mapping[str, ShiftType],
    weeks: int,
    start: dt.date | None,
    file: str,
    tiers: Sequence[str] = (),
) -> tuple[Requirement, ...]:
    if not isinstance(data, Mapping) or not data:
        raise ProblemError("missing [cover] table: cover per shift type", file=file, field="cover")
    n_days = 7 * weeks
    out: list[Requirement] = []
    for code, table in data.items():
        where = {"file": file, "field": f"cover.{code}"}
        if code not in shifts:
            raise ProblemError(f"unknown shift code {brief(code)}", **where)
        if not isinstance(table, Mapping):
            raise ProblemError("expected a table of scopes (all, weekdays, mon, except…)", **where)
        _check_keys(table, COVER_SCOPES, **where)
        specs: list[dict] = [{} for _ in range(n_days)]
        order = ("all", "weekdays", "weekend", *(d.lower() for d in DAY_NAMES))
        for scope in order:
            if scope not in table:
                continue
            spec = _requirement_spec(table[scope], tiers, file=file, field=f"cover.{code}.{scope}")
            for d in range(n_days):
                wd = d % 7
                hit = (
                    scope == "all"
                    or (scope == "weekdays" and wd < 5)
                    or (scope == "weekend" and wd >= 5)
                    or scope == DAY_NAMES[wd].lower()
                )
                if hit:
                    specs[d] = spec
        exceptions = table.get("except", {})
        if not isinstance(exceptions, Mapping):
            raise ProblemError(
                'expected a table of day = requirement, e.g. { "Sat wk2" = 2 }',
                file=file,
                field=f"cover.{code}.except",
            )
        for key, value in exceptions.items():
            ewhere = {"file": file, "field": f"cover.{code}.except.{key}"}
            spec = _requirement_spec(value, tiers, **ewhere)
            for d in parse_days(key, weeks, start, **ewhere):
                specs[d] = spec
        for d, spec in enumerate(specs):
            if not spec:
                continue
            lo, hi = spec.get("min", 0), spec.get("max")
            if hi is not None and hi < lo:
                raise ProblemError(
                    f"max {hi} is below min {lo}", file=file, day=d, field=f"cover.{code}"
                )
            out.append(
                Requirement(
                    code,
                    d,
                    lo,
                    hi,
                    spec.get("target"),
                    float(spec.get("weight", 0.0)),
                    spec.get("tiers", ()),
                )
            )
    return tuple(out)


@dataclass(frozen=True)
class References:
    """Where a problem's ``reference_rota`` files come from, and how they are priced.

    Attributes
    ----------
    base
        Folder of the problem file: relative paths are resolved against it.
    allow_outside
        Accept files outside it (``--allow-outside``); by default a path that leaves
        it (after resolving links and ``..``) is refused. Problems bundled in
        ``simulator/examples`` may name any file of the bundled examples.
    pay_overrides
        ``(("CONTRACT.KEY", value), ...)`` applied to the contract parameters that
        price the reference lines (``--set``).
    """

    base: Path
    allow_outside: bool = False
    pay_overrides: tuple[tuple[str, Any], ...] = ()

    def path(self, name: str, **where: Any) -> Path:
        """The file ``name`` names; ProblemError (located by ``where``) when refused."""
        if "\x00" in name or len(name) > 1000:  # the OS refuses it (ValueError, ENAMETOOLONG)
            raise ProblemError(f"{brief(name)} is not a file name", **where)
        try:
            return reference_path(
                name, self.base, allow_outside=self.allow_outside, what="the problem's folder"
            )
        except PathOutsideError as exc:
            raise ProblemError(exc.message, **where) from None


@functools.lru_cache(maxsize=8)
def _reference_rota(path: str, mtime_ns: int):
    """A reference rota as read (cached per file version)."""
    return read_rota(path)


@functools.lru_cache(maxsize=8)
def _priced_rota(path: str, pay_year: str, mtime_ns: int, overrides: tuple = ()):
    """A reference rota priced under both contracts (cached per file version)."""
    from simulator.compile import compile_rota
    from simulator.contracts import load_all_params, price

    params = load_all_params(pay_year, (), dict(overrides))
    compiled = compile_rota(_reference_rota(path, mtime_ns))
    return (
        price(compiled, "nhs-2002", params=params["nhs-2002"]),
        price(compiled, "wales-2026", params=params["wales-2026"]),
    )


def _reference_from_rota(
    path: Path, line_id: str, pay_year: str, weeks: int, refs: References, **where
):
    """2002 pay (GBP/year), band, day cells and 2026 pay (GBP/year) of a rota line.

    A file that is not a rota is named with at most 40 characters of the reason, so
    an error never echoes much of an arbitrary file.
    """
    try:
        mtime_ns = path.stat().st_mtime_ns
        rota = _reference_rota(str(path), mtime_ns)
    except OSError:
        name = short(path.name, 60)
        raise ProblemError(f"reference rota {name}: no such file", **where) from None
    except RotaError as exc:
        raise ProblemError(
            f"reference rota {short(path.name, 60)}: not a readable rota file "
            f"({short(exc.message)})",
            **where,
        ) from None
    ids = [line.id for line in rota.lines]
    if line_id not in ids:
        raise ProblemError(
            f"reference rota {short(path.name, 60)} has no line {short(line_id)!r} "
            f"(lines: {short(', '.join(ids), 200)})",
            **where,
        )
    try:
        table, new = _priced_rota(str(path), pay_year, mtime_ns, refs.pay_overrides)
    except RotaError as exc:
        raise ProblemError(f"reference rota {exc.located(file=str(path))}", **where) from None
    line = rota.lines[ids.index(line_id)]
    days = line.days if rota.weeks == weeks else None
    return (
        float(table.loc[line_id, "total"]),
        str(table.loc[line_id, "band"]),
        days,
        float(new.loc[line_id, "total"]),
    )


def _parse_doctor(
    entry: object,
    j: int,
    shifts: Mapping[str, ShiftType],
    pay_year: str,
    weeks: int,
    file: str,
    refs: References,
    tiers: Tiers | None = None,
    default_rota: str | None = None,
) -> Doctor:
    if not isinstance(entry, Mapping):
        raise ProblemError("each [[doctors]] entry must be a table", file=file, field="doctors")
    doc_id = entry.get("id")
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or not str(doc_id).strip():
        raise ProblemError(f"doctor {j + 1} needs an 'id'", file=file, field="doctors.id")
    doc_id = str(doc_id).strip()
    where = {"file": file, "doctor": doc_id}
    _check_keys(entry, DOCTOR_KEYS, **where)
    tiers = tiers or Tiers()
    grade = entry.get("grade")
    if grade not in GRADES:
        raise ProblemError(
            f"grade must be one of {', '.join(GRADES)}, got {brief(grade)}", field="grade", **where
        )
    years = _count(entry.get("years", 0), field="years", limit=limits.YEARS_OF_SERVICE, **where)
    ltft = entry.get("ltft", False)
    if not isinstance(ltft, bool):
        raise ProblemError(f"expected true or false, got {brief(ltft)}", field="ltft", **where)
    specialty = entry.get("specialty", "general")
    if not isinstance(specialty, str):
        raise ProblemError("expected text", field="specialty", **where)
    hours: dict[str, float | None] = {}
    for key in ("hours_per_week", "min_hours_per_week", "max_hours_per_week", "hours_tolerance"):
        value = entry.get(key)
        hours[key] = None if value is None else _number(value, field=key, **where)
        if hours[key] is not None and hours[key] < 0:
            raise ProblemError("must be >= 0", field=key, **where)
    allowed = entry.get("shifts")
    if allowed is not None:
        if not isinstance(allowed, list) or not all(isinstance(c, str) for c in allowed):
            raise ProblemError("expected a list of shift codes", field="shifts", **where)
        for code in allowed:
            if code not in shifts:
                raise ProblemError(f"unknown shift code {brief(code)}", field="shifts", **where)
        allowed = tuple(allowed)
    tier = entry.get("tier", tiers.of_grade(grade) or "")
    if tier and tier not in tiers.names:
        raise ProblemError(
            f"unknown tier {brief(tier)}: expected one of {', '.join(tiers.names)}",
            field="tier",
            **where,
        )
    ref = entry.get("reference_gbp")
    ref_rota = entry.get("reference_rota")
    ref_line = entry.get("reference_line")
    if ref is None and ref_rota is None and ref_line is None and default_rota is not None:
        ref_rota, ref_line = _default_reference(refs, default_rota, doc_id)
    source, band, days, current = "", None, None, None
    if ref is not None and (ref_rota is not None or ref_line is not None):
        raise ProblemError(
            "give either reference_gbp or reference_rota + reference_line, not both",
            field="reference_gbp",
            **where,
        )
    if ref is not None:
        ref = _number(ref, field="reference_gbp", **where)
        if ref < 0:
            raise ProblemError("must be >= 0", field="reference_gbp", **where)
        source = "salary"
    elif ref_rota is not None or ref_line is not None:
        if not isinstance(ref_rota, str) or ref_line is None:
            raise ProblemError(
                "reference_rota (a rota file) and reference_line (its line id) go together",
                field="reference_rota",
                **where,
            )
        path = refs.path(ref_rota, field="reference_rota", **where)
        ref, band, days, current = _reference_from_rota(
            path, str(ref_line), pay_year, weeks, refs, field="reference_rota", **where
        )
        source = f"rota {path.name} line {ref_line}"
    return Doctor(
        id=doc_id,
        grade=grade,
        years=years,
        ltft=ltft,
        specialty=specialty.strip() or "general",
        hours_per_week=hours["hours_per_week"],
        hours_tolerance=(
            DEFAULT_HOURS_TOLERANCE_H
            if hours["hours_tolerance"] is None
            else hours["hours_tolerance"]
        ),
        min_hours_per_week=hours["min_hours_per_week"],
        max_hours_per_week=hours["max_hours_per_week"],
        shifts=allowed,
        reference_gbp=ref,
        reference_source=source,
        reference_band=band,
        current_days=days,
        current_2026_gbp=current,
        tier=tier,
    )


def _default_reference(refs: References, rota: str, doc_id: str) -> tuple[str | None, str | None]:
    """``(rota, line)`` of the problem's ``reference_rota`` when it has a line ``doc_id``."""
    try:
        path = refs.path(rota)
        ids = {line.id for line in _reference_rota(str(path), path.stat().st_mtime_ns).lines}
    except (OSError, RotaError, ProblemError):
        return rota, doc_id  # read again by the caller, which names the error
    return (rota, doc_id) if doc_id in ids else (None, None)


def _entries(data: Mapping, key: str, file: str) -> list[Mapping]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise ProblemError(f"use [[{key}]] tables", file=file, field=key)
    return entries


def problem_from_mapping(
    data: Mapping,
    *,
    file: str = "<memory>",
    base: Path | None = None,
    allow_outside: bool = False,
    pay_overrides: Mapping[str, Any] | None = None,
):
    """Build a :class:`Problem` from parsed TOML.

    Parameters
    ----------
    data
        The parsed file.
    file
        Name used in error messages.
    base
        Folder against which relative ``reference_rota`` paths are resolved (default
        the working folder); a path leaving it is refused.
    allow_outside
        Accept ``reference_rota`` files outside ``base`` (``--allow-outside``).
    pay_overrides
        ``{"CONTRACT.KEY": value}`` for pricing the reference rotas (``--set``).
    """
    refs = References(
        Path(base or Path.cwd()), allow_outside, tuple(sorted((pay_overrides or {}).items()))
    )
    _check_keys(data, PROBLEM_KEYS, file=file)
    if "weeks" not in data:
        raise ProblemError(
            "missing 'weeks' (cycle length in whole weeks)", file=file, field="weeks"
        )
    weeks = data["weeks"]
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise ProblemError(
            f"expected a whole number >= 1, got {brief(weeks)}", file=file, field="weeks"
        )
    if (message := limits.PROBLEM_WEEKS.exceeded(weeks, "weeks")) is not None:
        raise ProblemError(message, file=file, field="weeks")
    start = _problem_start(data.get("start"), weeks, file)
    name = data.get("name", Path(file).stem)
    if not isinstance(name, str):
        raise ProblemError("expected text", file=file, field="name")
    rules = data.get("rules", "wales-2026")
    if not isinstance(rules, str) or rules not in RULESETS:
        raise ProblemError(
            f"unknown rule set {brief(rules)}: expected one of {', '.join(RULESETS)}",
            file=file,
            field="rules",
        )
    overrides = data.get("rule_overrides", {})
    if not isinstance(overrides, Mapping):
        raise ProblemError(
            'expected a table of "rule.parameter" = number', file=file, field="rule_overrides"
        )
    flat: dict[str, float] = {}
    for key, value in overrides.items():
        if isinstance(value, Mapping):  # rule_overrides.rule.parameter written as nested tables
            for sub, v in value.items():
                flat[f"{key}.{sub}"] = _number(v, file=file, field=f"rule_overrides.{key}.{sub}")
        else:
            flat[key] = _number(value, file=file, field=f"rule_overrides.{key}")
    pay_year = data.get("pay_year", "2026/27")
    if not isinstance(pay_year, str):
        raise ProblemError('expected text like "2026/27"', file=file, field="pay_year")
    from simulator.contracts.params import PAY_YEARS

    if pay_year not in PAY_YEARS:
        raise ProblemError(
            f"unknown pay year {brief(pay_year)}: expected one of {', '.join(PAY_YEARS)}",
            file=file,
            field="pay_year",
        )
    objective = data.get("objective", "pay-loss")
    if objective not in OBJECTIVES:
        raise ProblemError(
            f"unknown objective {brief(objective)}: expected one of {', '.join(OBJECTIVES)}",
            file=file,
            field="objective",
        )
    try:
        shifts = parse_shift_table(data.get("shifts"), file=file)
    except RotaError as exc:
        raise ProblemError(exc.message, file=file, field=exc.field) from None

    combinable: set[frozenset[str]] = set()
    pairs = data.get("combinable", [])
    if not isinstance(pairs, list):
        raise ProblemError(
            'expected a list of pairs like [["D", "OC"]]', file=file, field="combinable"
        )
    for pair in pairs:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or pair[0] == pair[1]
            or any(not isinstance(c, str) or c not in shifts for c in pair)
        ):
            raise ProblemError(
                f"expected a pair of two different shift codes, got {brief(pair)}",
                file=file,
                field="combinable",
            )
        a, b = shifts[pair[0]], shifts[pair[1]]
        first, second = (a, b) if a.start_min <= b.start_min else (b, a)
        if first.start_min + first.duration_min > second.start_min:
            raise ProblemError(
                f"{first.code} and {second.code} overlap on the same day, so cannot be combined",
                file=file,
                field="combinable",
            )
        combinable.add(frozenset(pair))

    tiers = parse_tiers(data.get("tiers"), file)
    design = parse_design(data.get("design"), tuple(shifts), file)
    cover = _parse_cover(data.get("cover"), shifts, weeks, start, file, tiers.names)
    default_rota = data.get("reference_rota")
    if default_rota is not None and not isinstance(default_rota, str):
        raise ProblemError("expected a rota file name", file=file, field="reference_rota")
    if default_rota is not None:
        refs.path(default_rota, file=file, field="reference_rota")

    _check_doctor_days(data, weeks, file)
    doctors = []
    for j, entry in enumerate(_entries(data, "doctors", file)):
        doctors.append(
            _parse_doctor(entry, j, shifts, pay_year, weeks, file, refs, tiers, default_rota)
        )
    rolling = []
    for j, entry in enumerate(_entries(data, "rolling", file)):
        group, members = _parse_rolling(
            entry, j, shifts, pay_year, weeks, file, refs, tiers, default_rota
        )
        rolling.append(group)
        doctors.extend(members)
    if not doctors:
        raise ProblemError("no [[doctors]] or [[rolling]] groups", file=file, field="doctors")
    doctors = [_full_time_band(d, design) for d in doctors]
    ids = [d.id for d in doctors]
    for doc_id in ids:
        if ids.count(doc_id) > 1:
            raise ProblemError("duplicate doctor id", file=file, doctor=doc_id, field="id")

    def doctor_of(entry: Mapping, key: str) -> str:
        doc = entry.get("doctor")
        if str(doc) not in ids:
            raise ProblemError(f"unknown doctor {brief(doc)}", file=file, field=f"{key}.doctor")
        return str(doc)

    fixed: list[Fixed] = []
    for entry in _entries(data, "fixed", file):
        doc = doctor_of(entry, "fixed")
        where = {"file": file, "doctor": doc}
        _check_keys(entry, FIXED_KEYS, **where)
        code = entry.get("shift")
        if not isinstance(code, str) or (code != "-" and code not in shifts):
            raise ProblemError(
                f"unknown shift code {brief(code)} ('-' fixes a day off)",
                field="fixed.shift",
                **where,
            )
        if "days" not in entry:
            raise ProblemError("missing 'days'", field="fixed.days", **where)
        for d in parse_days(entry["days"], weeks, start, field="fixed.days", **where):
            fixed.append(Fixed(doc, d, code))
    leave: list[tuple[str, int]] = []
    for entry in _entries(data, "leave", file):
        doc = doctor_of(entry, "leave")
        where = {"file": file, "doctor": doc}
        _check_keys(entry, LEAVE_KEYS, **where)
        if "days" not in entry:
            raise ProblemError("missing 'days'", field="leave.days", **where)
        leave.extend(
            (doc, d) for d in parse_days(entry["days"], weeks, start, field="leave.days", **where)
        )
    requests: list[Request] = []
    for entry in _entries(data, "requests", file):
        doc = doctor_of(entry, "requests")
        where = {"file": file, "doctor": doc}
        _check_keys(entry, REQUEST_KEYS, **where)
        code = entry.get("shift")
        if code is not None and (not isinstance(code, str) or code not in shifts):
            raise ProblemError(f"unknown shift code {brief(code)}", field="requests.shift", **where)
        prefer = entry.get("prefer", False)
        if not isinstance(prefer, bool):
            raise ProblemError("expected true or false", field="requests.prefer", **where)
        if "weight" not in entry:
            raise ProblemError(
                "missing 'weight' (GBP per day not met)", field="requests.weight", **where
            )
        weight = _number(entry["weight"], field="requests.weight", **where)
        if "days" not in entry:
            raise ProblemError("missing 'days'", field="requests.days", **where)
        for d in parse_days(entry["days"], weeks, start, field="requests.days", **where):
            requests.append(Request(doc, d, code, prefer, weight))

    return Problem(
        name=name,
        weeks=weeks,
        shifts=shifts,
        cover=cover,
        doctors=tuple(doctors),
        start=start,
        combinable=frozenset(combinable),
        fixed=tuple(fixed),
        leave=tuple(leave),
        requests=tuple(requests),
        rules=rules,
        rule_overrides=flat,
        pay_year=pay_year,
        objective=objective,
        source=file,
        rolling=tuple(rolling),
        tiers=tiers,
        design=design,
        reference_rota=default_rota,
    )


def _problem_start(value: object, weeks: int, file: str) -> dt.date | None:
    """The ``start`` date: a Monday whose cycle stays within the calendar range."""
    if value is None:
        return None
    start = _iso_date(value.strip()) if isinstance(value, str) else value
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise ProblemError("expected a date like 2026-08-03", file=file, field="start")
    if start.weekday() != 0:
        raise ProblemError(f"{start} is not a Monday", file=file, field="start")
    if (message := limits.date_range_error(start, 7 * weeks)) is not None:
        raise ProblemError(message, file=file, field="start")
    return start


def _check_doctor_days(data: Mapping, weeks: int, file: str) -> None:
    """Refuse a problem of more than ``ROTA_MAX_PROBLEM_DOCTOR_DAYS`` before reading doctors."""
    doctors = len(_entries(data, "doctors", file)) + weeks * len(_entries(data, "rolling", file))
    message = limits.PROBLEM_DOCTOR_DAYS.exceeded(doctors * 7 * weeks, "doctors x days")
    if message is not None:
        raise ProblemError(
            f"{doctors} doctors over {7 * weeks} days: {message}", file=file, field="doctors"
        )


def _full_time_band(doc: Doctor, design: Design) -> Doctor:
    """A full-time doctor's hours bounds tightened to ``design.full_time_hours``."""
    band = design.full_time_hours
    if band is None or doc.ltft:
        return doc
    lo, hi = doc.min_hours_per_week, doc.max_hours_per_week
    if band.min is not None:
        lo = band.min if lo is None else max(lo, band.min)
    if band.max is not None:
        hi = band.max if hi is None else min(hi, band.max)
    return replace(doc, min_hours_per_week=lo, max_hours_per_week=hi)


def _parse_rolling(
    entry: Mapping,
    j: int,
    shifts: Mapping[str, ShiftType],
    pay_year: str,
    weeks: int,
    file: str,
    refs: References,
    tiers: Tiers,
    default_rota: str | None,
) -> tuple[RollingGroup, list[Doctor]]:
    """A ``[[rolling]]`` group: its members, each a doctor with the group's keys.

    A ``reference_line`` names the reference rota's rolling group (or line prefix):
    member ``k`` (from 1) is compared with its line ``<reference_line>-k``.
    """
    gid, member_ids = parse_rolling_ids(entry, j, weeks, file)
    _check_keys(entry, ROLLING_KEYS, file=file, field=f"rolling.{gid}")
    shared = {k: v for k, v in entry.items() if k not in ("id", "doctors")}
    members = []
    for k, doc_id in enumerate(member_ids):
        item = dict(shared, id=doc_id)
        if "reference_line" in shared:
            item["reference_line"] = f"{shared['reference_line']}-{k + 1}"
        members.append(
            _parse_doctor(item, j, shifts, pay_year, weeks, file, refs, tiers, default_rota)
        )
    return RollingGroup(gid, tuple(member_ids)), members


def parse_toml_text(text: str, *, file: str = "<text>") -> dict:
    """Parse TOML text; syntax errors and too deep nesting become one-line ProblemErrors."""
    try:
        return parse_toml(text, file=file)
    except RotaError as exc:
        raise ProblemError(exc.message, file=file) from None


def problem_from_toml_text(
    text: str, *, file: str = "<text>", base: Path | None = None, allow_outside: bool = False
):
    """Build a :class:`Problem` from TOML text (tests, generated problems)."""
    return problem_from_mapping(
        parse_toml_text(text, file=file), file=file, base=base, allow_outside=allow_outside
    )


def read_problem(
    path: str | Path,
    *,
    allow_outside: bool = False,
    pay_overrides: Mapping[str, Any] | None = None,
) -> Problem:
    """Read a problem file.

    Parameters
    ----------
    path
        The TOML file, or an ``.xlsx`` workbook (see ``optimizer.problem_sheets``);
        relative ``reference_rota`` paths and CSV tables (``doctors = "doctors.csv"``)
        are resolved against its folder.
    allow_outside
        Accept ``reference_rota`` files outside the problem file's folder (refused by
        default; CSV tables must always lie inside it).
    pay_overrides
        ``{"CONTRACT.KEY": value}`` for pricing the reference rotas (``--set``).

    Raises
    ------
    ProblemError
        With a one-line message naming the file, doctor, day and field.
    """
    from .problem_sheets import expand_table_files, read_workbook_problem

    path = Path(path)
    options = {"allow_outside": allow_outside, "pay_overrides": pay_overrides}
    if path.suffix.lower() == ".xlsx":
        return read_workbook_problem(path, **options)
    try:
        text = read_text(path)
    except RotaError as exc:
        raise ProblemError(exc.message, file=str(path)) from None
    data = expand_table_files(parse_toml_text(text, file=str(path)), path.parent, str(path))
    return problem_from_mapping(data, file=str(path), base=path.parent, **options)
