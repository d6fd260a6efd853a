"""Rota domain objects: shift types, lines (one doctor's pattern) and rotas.

All objects are frozen, slotted dataclasses. They are built by :mod:`simulator.io`
readers (or directly in code) and validated on construction; every validation
failure raises :class:`RotaError`, whose message names the file, line id, day and
field so that a user can find the mistake.

Times are minutes. A rota cycle is ``weeks`` whole weeks; day 0 is a Monday and
times inside the cycle are minutes from Monday 00:00 of week 1.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

MIN_PER_DAY = 1440
MIN_PER_WEEK = 7 * MIN_PER_DAY
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: Shift kinds: resident shift, resident partial shift with declared rest,
#: resident on-call, non-resident on-call (NROC).
KINDS = ("shift", "partial", "oncall", "nroc")
KIND_CODE = {name: i for i, name in enumerate(KINDS)}
RESIDENT_KINDS = ("shift", "partial", "oncall")
ONCALL_KINDS = ("oncall", "nroc")

#: Grades: foundation year 1 and 2, core trainee, specialty registrar, dental core
#: trainee (new grades go at the end: the code of a grade is its index).
GRADES = ("F1", "F2", "CT", "ST", "DCT")
GRADE_CODE = {name: i for i, name in enumerate(GRADES)}


def day_label(day: int) -> str:
    """Return a human label for cycle day ``day``, e.g. ``'day 8 (Tue wk2)'``."""
    return f"day {day} ({DAY_NAMES[day % 7]} wk{day // 7 + 1})"


class UserError(ValueError):
    """Base of every error caused by user input (files, parameters, arguments).

    The command line turns it into a one-line message and exit status 2.
    """


class RotaError(UserError):
    """A rota that cannot be read or is not valid.

    Parameters
    ----------
    message
        What is wrong, in plain English.
    file, line, day, field
        Where: the source file, the line (rota slot) id, the cycle day (0 = Monday of
        week 1) and the field or key. Any may be ``None`` when not applicable.
    row
        Text line (TOML) or row number (CSV/XLSX) in the file, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: str | None = None,
        day: int | None = None,
        field: str | None = None,
        row: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.day = day
        self.field = field
        self.row = row
        super().__init__(str(self))

    def located(self, **where: object) -> RotaError:
        """Return a copy with missing location parts filled from ``where``."""
        kw = {k: getattr(self, k) for k in ("file", "line", "day", "field", "row")}
        for key, value in where.items():
            if kw.get(key) is None:
                kw[key] = value
        return RotaError(self.message, **kw)

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(f"{self.file}:{self.row}" if self.row is not None else self.file)
        if self.line is not None:
            parts.append(f"line {brief(self.line, 60)}")
        if self.day is not None:
            parts.append(day_label(self.day))
        if self.field is not None:
            parts.append(f"field {brief(self.field, 80)}")
        where = ", ".join(parts)
        text = f"{where}: {self.message}" if where else self.message
        return " ".join(text.split())


def brief(value: object, width: int = 40) -> str:
    """``repr(value)`` cut to about ``width`` characters, for error messages.

    Huge integers are described by their size (their repr can be millions of
    characters, and Python refuses to write one of more than 4300 digits).

    Examples
    --------
    >>> brief("x" * 100, 12)
    "'xxxxxxxx..."
    >>> brief(10**50)
    'a 51-digit number'
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        digits = int(value.bit_length() * math.log10(2)) + 1
        return f"a {digits}-digit number"
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


#: A 24-hour clock time in ASCII digits (``str.isdigit`` also accepts ``'０'`` and ``'²'``).
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)


def parse_clock(text: object, *, field: str = "time") -> int:
    """Parse ``'HH:MM'`` into minutes after midnight (0–1439).

    Raises
    ------
    RotaError
        If the text is not a 24-hour clock time.
    """
    if isinstance(text, dt.time):
        return text.hour * 60 + text.minute
    match = _CLOCK.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise RotaError(f"malformed time {brief(text)}: expected 'HH:MM'", field=field)
    parts = match.groups()
    hours, minutes = int(parts[0]), int(parts[1])
    if hours > 23 or minutes > 59:
        raise RotaError(f"malformed time {brief(text)}: expected 00:00 to 23:59", field=field)
    return hours * 60 + minutes


def format_clock(minutes: int) -> str:
    """Format minutes after midnight as ``'HH:MM'``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class ShiftType:
    """One kind of duty that can be placed on a day of a line.

    Parameters
    ----------
    code
        The code used in patterns, e.g. ``"LD"``.
    start_min
        Start clock time, minutes after midnight.
    end_min
        End clock time, minutes after midnight. An end not after the start ends
        on the next day (so equal start and end is a 24-hour duty).
    kind
        ``shift`` (resident), ``partial`` (resident with declared rest),
        ``oncall`` (resident on-call) or ``nroc`` (non-resident on-call).
    rest_hours
        Declared rest during the duty, hours (partial shifts and resident on-call).
    expected_work_hours
        Expected hours of work during an on-call period (``oncall`` or ``nroc``),
        or ``None`` when not declared.
    """

    code: str
    start_min: int
    end_min: int
    kind: str = "shift"
    rest_hours: float = 0.0
    expected_work_hours: float | None = None

    def __post_init__(self) -> None:
        if (
            not isinstance(self.code, str)
            or not self.code
            or any(c.isspace() or c in "+," for c in self.code)
            or self.code in ("-", ".")
        ):
            raise RotaError(f"invalid shift code {brief(self.code)}", field="shifts")
        for name in ("rest_hours", "expected_work_hours"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise RotaError(
                    f"{name.removesuffix('_hours')} must be a finite number of hours, "
                    f"got {brief(value)}",
                    field=f"shifts.{self.code}.{name.removesuffix('_hours')}",
                )
        if self.kind not in KINDS:
            raise RotaError(
                f"unknown kind {brief(self.kind)}: expected one of {', '.join(KINDS)}",
                field=f"shifts.{self.code}.kind",
            )
        for name in ("start_min", "end_min"):
            value = getattr(self, name)
            if not 0 <= value < MIN_PER_DAY:
                raise RotaError(
                    f"clock time {value} min is outside 00:00-23:59",
                    field=f"shifts.{self.code}.{name.removesuffix('_min')}",
                )
        duration = self.duration_min
        if duration <= 0 or duration > MIN_PER_DAY:
            raise RotaError(
                f"shift lasts {duration / 60:g} h: must be more than 0 and at most 24 h",
                field=f"shifts.{self.code}",
            )
        if self.rest_hours < 0 or self.rest_hours * 60 > duration:
            raise RotaError(
                f"rest {self.rest_hours:g} h must be between 0 and the shift length",
                field=f"shifts.{self.code}.rest",
            )
        if self.rest_hours and self.kind not in ("partial", "oncall"):
            raise RotaError(
                "declared rest applies only to kind 'partial' or 'oncall'",
                field=f"shifts.{self.code}.rest",
            )
        if self.expected_work_hours is not None:
            if self.kind not in ONCALL_KINDS:
                raise RotaError(
                    "expected_work applies only to kind 'oncall' or 'nroc'",
                    field=f"shifts.{self.code}.expected_work",
                )
            if not 0 <= self.expected_work_hours * 60 <= duration:
                raise RotaError(
                    f"expected_work {self.expected_work_hours:g} h must be between 0 "
                    "and the shift length",
                    field=f"shifts.{self.code}.expected_work",
                )

    @property
    def duration_min(self) -> int:
        """Rostered length, minutes (an end not after the start is next day)."""
        length = self.end_min - self.start_min
        return length if length > 0 else length + MIN_PER_DAY

    @property
    def work_min(self) -> float:
        """Actual work, minutes: the definition of reference §1.3.

        ``shift``: the whole duty; ``partial``: duty minus declared rest;
        ``oncall``: expected work if declared, else duty minus declared rest;
        ``nroc``: expected work (0 if not declared).
        """
        if self.kind == "shift":
            return float(self.duration_min)
        if self.kind == "partial":
            return self.duration_min - 60.0 * self.rest_hours
        if self.expected_work_hours is not None:
            return 60.0 * self.expected_work_hours
        if self.kind == "oncall":
            return self.duration_min - 60.0 * self.rest_hours
        return 0.0

    @property
    def resident(self) -> bool:
        """True for duties done on site (everything except NROC)."""
        return self.kind in RESIDENT_KINDS


@dataclass(frozen=True, slots=True)
class Line:
    """One rota line (slot): a doctor's cyclic pattern and pay attributes.

    Parameters
    ----------
    id
        Unique id within the rota.
    grade
        ``F1``, ``F2``, ``CT`` (core) or ``ST`` (registrar).
    years
        Completed years of service, for pay progression.
    ltft
        Less than full time (flexible) trainee.
    specialty
        Specialty; ``GP`` and ``OMFS`` carry 2026 premia.
    days
        One tuple of shift codes per cycle day (empty tuple = day off).
    criterion_r, resident
        Explicit 2002 banding inputs; ``None`` means derive from the template.
    prospective_cover
        Gross up weekly hours for colleagues' leave (Riddell formula) when banding.
    row
        Text line or row in the source file, for error messages.
    """

    id: str
    grade: str
    years: int
    days: tuple[tuple[str, ...], ...]
    ltft: bool = False
    specialty: str = "general"
    criterion_r: bool | None = None
    resident: bool | None = None
    prospective_cover: bool = False
    row: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise RotaError("line id must be a non-empty string", field="id")
        if self.grade not in GRADES:
            raise RotaError(
                f"unknown grade {brief(self.grade)}: expected one of {', '.join(GRADES)}",
                line=self.id,
                field="grade",
            )
        if isinstance(self.years, bool) or not isinstance(self.years, int) or self.years < 0:
            raise RotaError(
                f"years must be a whole number of completed years >= 0, got {brief(self.years)}",
                line=self.id,
                field="years",
            )
        if not isinstance(self.ltft, bool):
            raise RotaError(
                f"ltft must be true or false, got {brief(self.ltft)}", line=self.id, field="ltft"
            )

    @property
    def n_days(self) -> int:
        """Number of days in the line's cycle."""
        return len(self.days)


@dataclass(frozen=True, slots=True)
class Rota:
    """A rota: shift types and the lines that use them, over a cycle of whole weeks.

    Parameters
    ----------
    name
        Display name.
    weeks
        Cycle length in whole weeks.
    shifts
        Shift types by code.
    lines
        The lines, in file order.
    start
        Optional Monday that lays the cycle on the calendar (for bank holidays).
    source
        File the rota came from (for error messages), or ``"<memory>"``.
    """

    name: str
    weeks: int
    shifts: dict[str, ShiftType] = field(hash=False)
    lines: tuple[Line, ...]
    start: dt.date | None = None
    source: str = "<memory>"

    def __post_init__(self) -> None:
        where = {"file": self.source}
        if isinstance(self.weeks, bool) or not isinstance(self.weeks, int) or self.weeks < 1:
            raise RotaError(
                f"weeks must be a whole number >= 1, got {brief(self.weeks)}",
                field="weeks",
                **where,
            )
        if self.start is not None and self.start.weekday() != 0:
            raise RotaError(
                f"start {self.start.isoformat()} is not a Monday", field="start", **where
            )
        if not self.lines:
            raise RotaError("the rota has no lines", field="lines", **where)
        seen: dict[str, Line] = {}
        for line in self.lines:
            if line.id in seen:
                raise RotaError(
                    "duplicate line id", line=line.id, field="id", row=line.row, **where
                )
            seen[line.id] = line
            self._validate_line(line)

    @property
    def n_days(self) -> int:
        """Days in the cycle."""
        return 7 * self.weeks

    @property
    def cycle_min(self) -> int:
        """Cycle length, minutes."""
        return self.weeks * MIN_PER_WEEK

    def _validate_line(self, line: Line) -> None:
        where = {"file": self.source, "line": line.id, "row": line.row}
        if line.n_days != self.n_days:
            raise RotaError(
                f"pattern has {line.n_days} days; {self.weeks} weeks need {self.n_days}",
                field="pattern",
                **where,
            )
        duties: list[tuple[int, int, int, str]] = []
        for day, codes in enumerate(line.days):
            for code in codes:
                shift = self.shifts.get(code)
                if shift is None:
                    raise RotaError(
                        f"unknown shift code {brief(code)}", day=day, field="pattern", **where
                    )
                start = day * MIN_PER_DAY + shift.start_min
                duties.append((start, start + shift.duration_min, day, code))
        duties.sort()
        cycle = self.cycle_min
        for i, (_start, end, day, code) in enumerate(duties):
            nxt = duties[(i + 1) % len(duties)] if len(duties) > 1 else None
            if nxt is None:
                continue
            nxt_start = nxt[0] + (cycle if i + 1 == len(duties) else 0)
            if end > nxt_start:
                wrap = " across the cycle end" if i + 1 == len(duties) else ""
                raise RotaError(
                    f"{brief(code)} overlaps the next duty {brief(nxt[3])} "
                    f"on {day_label(nxt[2])}{wrap}",
                    day=day,
                    field="pattern",
                    **where,
                )
        if len(duties) == 1 and duties[0][1] - duties[0][0] > cycle:
            raise RotaError(
                "duty is longer than the cycle", day=duties[0][2], field="pattern", **where
            )
