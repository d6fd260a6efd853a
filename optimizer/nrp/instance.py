"""Instances of the employee shift scheduling benchmark (Curtois & Qu, 2014).

The text format is a sequence of sections, each introduced by a ``SECTION_*``
line and terminated by a blank line; ``#`` starts a comment line.  Day 0 of the
horizon is a Monday.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path

from simulator import limits
from simulator.model import UserError, brief

__all__ = [
    "CoverRequirement",
    "NrpFormatError",
    "NrpInstance",
    "ShiftRequest",
    "ShiftType",
    "Staff",
    "read_instance",
]


class NrpFormatError(UserError):
    """Raised when an instance file is malformed or beyond the limits.

    The message is a single line ``"<file>:<line>: <section>: <detail>"``. A
    :class:`~simulator.model.UserError` (so a ``ValueError``): the command line
    reports it in one line with exit status 2.
    """


@dataclass(frozen=True, slots=True)
class ShiftType:
    """A shift type.

    Attributes
    ----------
    id : str
        Shift identifier, e.g. ``"D"``.
    length : int
        Length of the shift in minutes.
    forbidden_next : tuple of str
        Shift identifiers that may not be worked on the day after this shift.
    """

    id: str
    length: int
    forbidden_next: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Staff:
    """An employee and the hard limits on their roster.

    Attributes
    ----------
    id : str
        Employee identifier.
    max_shifts : dict of str to int
        Maximum number of shifts of each type (types not listed are unlimited).
    max_total_minutes, min_total_minutes : int
        Bounds on the total minutes worked over the horizon.
    max_consecutive_shifts, min_consecutive_shifts : int
        Bounds on the length of a run of consecutive working days.
    min_consecutive_days_off : int
        Minimum length of a run of consecutive days off.
    max_weekends : int
        Maximum number of weekends with a shift on Saturday or Sunday.
    """

    id: str
    max_shifts: dict[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass(frozen=True, slots=True)
class ShiftRequest:
    """A soft request to work (on) or not to work (off) a shift on a day.

    Attributes
    ----------
    staff : str
        Employee identifier.
    day : int
        Day index.
    shift : str
        Shift identifier.
    weight : int
        Penalty when the request is not honoured.
    """

    staff: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True, slots=True)
class CoverRequirement:
    """The preferred number of staff on a shift on a day.

    Attributes
    ----------
    day : int
        Day index.
    shift : str
        Shift identifier.
    requirement : int
        Preferred number of staff.
    weight_under, weight_over : int
        Penalty per missing / surplus employee.
    """

    day: int
    shift: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True, slots=True)
class NrpInstance:
    """A complete benchmark instance.

    Attributes
    ----------
    name : str
        Instance name (file stem).
    horizon : int
        Number of days; day 0 is a Monday.
    shifts : tuple of ShiftType
        Shift types in file order.
    staff : tuple of Staff
        Employees in file order.
    days_off : dict of str to tuple of int
        Days each employee must not work (hard).
    on_requests, off_requests : tuple of ShiftRequest
        Soft shift on / off requests.
    cover : tuple of CoverRequirement
        Soft cover requirements.
    """

    name: str
    horizon: int
    shifts: tuple[ShiftType, ...]
    staff: tuple[Staff, ...]
    days_off: dict[str, tuple[int, ...]]
    on_requests: tuple[ShiftRequest, ...]
    off_requests: tuple[ShiftRequest, ...]
    cover: tuple[CoverRequirement, ...]

    def __hash__(self) -> int:
        return hash((self.name, self.horizon, len(self.staff), len(self.shifts)))

    @property
    def shift_ids(self) -> tuple[str, ...]:
        """Shift identifiers in file order."""
        return tuple(s.id for s in self.shifts)

    @property
    def staff_ids(self) -> tuple[str, ...]:
        """Employee identifiers in file order."""
        return tuple(s.id for s in self.staff)

    def alone(self, e: int) -> NrpInstance:
        """Employee ``e`` alone: its rules and fixed days off, no requests and no cover.

        Parameters
        ----------
        e : int
            Employee index (file order).

        Returns
        -------
        NrpInstance
            A one-employee instance whose feasible rosters are that employee's
            legal schedules.
        """
        emp = self.staff[e]
        return dataclasses.replace(
            self,
            staff=(emp,),
            days_off={emp.id: self.days_off.get(emp.id, ())},
            on_requests=(),
            off_requests=(),
            cover=(),
        )

    @property
    def weeks(self) -> int:
        """Number of whole weekends in the horizon."""
        return self.horizon // 7


_SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)

#: Largest integer in an instance (minutes, weights, counts): far above the benchmark's,
#: and small enough that sums over a horizon stay within CP-SAT's 64-bit integers.
MAX_VALUE = 10**9
_INTEGER = re.compile(r"[+-]?[0-9]{1,12}", re.ASCII)

_STAFF_FIELDS = (
    "MaxTotalMinutes",
    "MinTotalMinutes",
    "MaxConsecutiveShifts",
    "MinConsecutiveShifts",
    "MinConsecutiveDaysOff",
    "MaxWeekends",
)


class _Parser:
    """Line-oriented parser keeping track of file name and line numbers."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.section = ""
        self.lineno = 0

    def fail(self, detail: str) -> NrpFormatError:
        where = f"{self.name}:{self.lineno}: " if self.lineno else f"{self.name}: "
        prefix = f"{self.section}: " if self.section else ""
        return NrpFormatError(" ".join(f"{where}{prefix}{detail}".split()))

    def integer(
        self, text: str, field: str, minimum: int | None = 0, maximum: int | None = MAX_VALUE
    ) -> int:
        """An integer in ASCII digits from ``minimum`` to ``maximum`` (``None``: no bound)."""
        if not _INTEGER.fullmatch(text.strip()):
            raise self.fail(f"{field} {brief(text.strip())} is not an integer")
        value = int(text.strip())
        if minimum is not None and value < minimum:
            raise self.fail(f"{field} {value} is below {minimum}")
        if maximum is not None and abs(value) > maximum:
            raise self.fail(f"{field} {value} is above {maximum:,}")
        return value

    def within(self, limit: limits.Limit, value: int, field: str) -> None:
        """Fail naming ``field`` when ``value`` exceeds ``limit``."""
        if (message := limit.exceeded(value, field)) is not None:
            raise self.fail(message)

    def fields(self, line: str, count: int | None, what: str) -> list[str]:
        parts = [p.strip() for p in line.split(",")]
        if count is not None and len(parts) != count:
            raise self.fail(f"{what} expects {count} comma-separated fields, got {len(parts)}")
        return parts


def _split_sections(parser: _Parser, text: str) -> dict[str, list[tuple[int, str]]]:
    sections: dict[str, list[tuple[int, str]]] = {}
    current: list[tuple[int, str]] | None = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        parser.lineno = lineno
        if line.startswith("#"):
            continue
        if not line:
            current = None
            parser.section = ""
            continue
        if line.startswith("SECTION_"):
            if line not in _SECTIONS:
                raise parser.fail(f"unknown section {brief(line)}")
            if line in sections:
                raise parser.fail(f"duplicate section {brief(line)}")
            current = sections[line] = []
            parser.section = line
            continue
        if current is None:
            raise parser.fail(f"data line outside a section: {brief(line)}")
        current.append((lineno, line))
    parser.section = ""
    parser.lineno = 0
    for name in _SECTIONS:
        if name not in sections:
            raise parser.fail(f"missing section {name}")
    return sections


def _parse_shifts(p: _Parser, lines: list[tuple[int, str]]) -> tuple[ShiftType, ...]:
    p.lineno = lines[0][0] if lines else p.lineno
    p.within(limits.SHIFT_TYPES, len(lines), "shifts")
    raw: list[tuple[int, str, int, list[str]]] = []
    for lineno, line in lines:
        p.lineno = lineno
        parts = p.fields(line, 3, "shift")
        sid = parts[0]
        if not sid:
            raise p.fail("ShiftID is empty")
        length = p.integer(parts[1], "Length", minimum=0)
        nxt = [s.strip() for s in parts[2].split("|") if s.strip()]
        raw.append((lineno, sid, length, nxt))
    ids = [r[1] for r in raw]
    shifts = []
    for lineno, sid, length, nxt in raw:
        p.lineno = lineno
        if ids.count(sid) > 1:
            raise p.fail(f"duplicate ShiftID {brief(sid)}")
        for other in nxt:
            if other not in ids:
                raise p.fail(f"forbidden successor {brief(other)} is not a shift")
        shifts.append(ShiftType(sid, length, tuple(nxt)))
    if not shifts:
        raise p.fail("no shifts defined")
    return tuple(shifts)


def _parse_staff(
    p: _Parser, lines: list[tuple[int, str]], shift_ids: tuple[str, ...], horizon: int
) -> tuple[Staff, ...]:
    p.lineno = lines[0][0] if lines else p.lineno
    p.within(limits.NRP_STAFF, len(lines), "staff")
    staff: list[Staff] = []
    seen: set[str] = set()
    for lineno, line in lines:
        p.lineno = lineno
        parts = p.fields(line, 8, "staff")
        sid = parts[0]
        if not sid:
            raise p.fail("ID is empty")
        if sid in seen:
            raise p.fail(f"duplicate staff ID {brief(sid)}")
        seen.add(sid)
        max_shifts: dict[str, int] = {}
        for item in (s for s in parts[1].split("|") if s.strip()):
            if "=" not in item:
                raise p.fail(f"MaxShifts item {brief(item)} is not of the form Shift=n")
            shift, _, value = item.partition("=")
            shift = shift.strip()
            if shift not in shift_ids:
                raise p.fail(f"MaxShifts shift {brief(shift)} is not a shift")
            max_shifts[shift] = p.integer(value, f"MaxShifts[{shift}]")
        values = [p.integer(v, f) for v, f in zip(parts[2:], _STAFF_FIELDS, strict=True)]
        staff.append(Staff(sid, max_shifts, *values))
    if not staff:
        raise p.fail("no staff defined")
    return tuple(staff)


def _day(p: _Parser, text: str, horizon: int) -> int:
    day = p.integer(text, "Day")
    if day >= horizon:
        raise p.fail(f"Day {day} is outside the horizon of {horizon} days")
    return day


def _parse_requests(
    p: _Parser,
    lines: list[tuple[int, str]],
    staff_ids: set[str],
    shift_ids: tuple[str, ...],
    horizon: int,
) -> tuple[ShiftRequest, ...]:
    out = []
    for lineno, line in lines:
        p.lineno = lineno
        emp, day, shift, weight = p.fields(line, 4, "request")
        if emp not in staff_ids:
            raise p.fail(f"EmployeeID {brief(emp)} is not a staff member")
        if shift not in shift_ids:
            raise p.fail(f"ShiftID {brief(shift)} is not a shift")
        out.append(ShiftRequest(emp, _day(p, day, horizon), shift, p.integer(weight, "Weight")))
    return tuple(out)


def parse_instance(text: str, name: str = "<string>") -> NrpInstance:
    """Parse the text of an instance.

    Parameters
    ----------
    text : str
        File contents (LF or CRLF line endings).
    name : str, optional
        Name used in error messages and as the instance name.

    Returns
    -------
    NrpInstance
        The parsed instance.

    Raises
    ------
    NrpFormatError
        If the text is malformed.
    """
    p = _Parser(name)
    sections = _split_sections(p, text)

    p.section = "SECTION_HORIZON"
    lines = sections[p.section]
    if len(lines) != 1:
        p.lineno = lines[1][0] if len(lines) > 1 else 0
        raise p.fail(f"expected exactly one horizon line, got {len(lines)}")
    p.lineno = lines[0][0]
    horizon = p.integer(lines[0][1], "horizon", minimum=1, maximum=None)
    p.within(limits.NRP_HORIZON, horizon, "horizon")

    p.section = "SECTION_SHIFTS"
    shifts = _parse_shifts(p, sections[p.section])
    shift_ids = tuple(s.id for s in shifts)

    p.section = "SECTION_STAFF"
    staff = _parse_staff(p, sections[p.section], shift_ids, horizon)
    staff_ids = {s.id for s in staff}

    p.section = "SECTION_DAYS_OFF"
    days_off: dict[str, tuple[int, ...]] = {}
    for lineno, line in sections[p.section]:
        p.lineno = lineno
        parts = p.fields(line, None, "days off")
        emp = parts[0]
        if emp not in staff_ids:
            raise p.fail(f"EmployeeID {brief(emp)} is not a staff member")
        days = tuple(_day(p, d, horizon) for d in parts[1:] if d)
        days_off[emp] = tuple(sorted(set(days_off.get(emp, ()) + days)))

    p.section = "SECTION_SHIFT_ON_REQUESTS"
    on_requests = _parse_requests(p, sections[p.section], staff_ids, shift_ids, horizon)
    p.section = "SECTION_SHIFT_OFF_REQUESTS"
    off_requests = _parse_requests(p, sections[p.section], staff_ids, shift_ids, horizon)

    p.section = "SECTION_COVER"
    cover = []
    seen: set[tuple[int, str]] = set()
    for lineno, line in sections[p.section]:
        p.lineno = lineno
        day_s, shift, req, under, over = p.fields(line, 5, "cover")
        day = _day(p, day_s, horizon)
        if shift not in shift_ids:
            raise p.fail(f"ShiftID {brief(shift)} is not a shift")
        if (day, shift) in seen:
            raise p.fail(f"duplicate cover for day {day} shift {brief(shift)}")
        seen.add((day, shift))
        cover.append(
            CoverRequirement(
                day,
                shift,
                p.integer(req, "Requirement"),
                p.integer(under, "Weight for under"),
                p.integer(over, "Weight for over"),
            )
        )

    return NrpInstance(
        name=name.rsplit(".", 1)[0] if name.endswith(".txt") else name,
        horizon=horizon,
        shifts=shifts,
        staff=staff,
        days_off=days_off,
        on_requests=on_requests,
        off_requests=off_requests,
        cover=tuple(cover),
    )


def read_instance(path: str | os.PathLike[str]) -> NrpInstance:
    """Read an instance file.

    Parameters
    ----------
    path : str or os.PathLike
        Path of an ``InstanceN.txt`` file.

    Returns
    -------
    NrpInstance
        The parsed instance, named after the file stem.

    Raises
    ------
    NrpFormatError
        If the file is malformed (one-line message naming file, line and field).
    OSError
        If the file cannot be read.
    """
    path = Path(path)
    message = limits.FILE_MB.exceeded(round(path.stat().st_size / limits.MB, 1), "size")
    if message is not None:
        raise NrpFormatError(f"{path.name}: {message}")
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return parse_instance(text, name=path.name)
