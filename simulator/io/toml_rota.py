"""Read and write the TOML rota format (see the README and ARCHITECTURE)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from .. import limits
from ..model import Line, Rota, RotaError, ShiftType, brief, format_clock
from .common import (
    LINE_KEYS,
    as_bool,
    as_int,
    build_line,
    check_keys,
    check_limit,
    check_start,
    parse_pattern,
    parse_shift,
    parse_start,
    parse_toml,
    read_text,
)

ROTA_KEYS = ("name", "weeks", "start", "prospective_cover", "shifts", "lines", "rolling")


def _entry_rows(text: str, header: str) -> list[int]:
    """Text line numbers (1-based) of each ``[[header]]`` table, in order."""
    pattern = re.compile(rf"^\s*\[\[\s*{header}\s*\]\]")
    return [i + 1 for i, line in enumerate(text.splitlines()) if pattern.match(line)]


def parse_shift_table(shifts: object, *, file: str) -> dict[str, ShiftType]:
    """Parse the ``[shifts]`` table into ShiftTypes keyed by code."""
    if not isinstance(shifts, Mapping) or not shifts:
        raise RotaError("missing [shifts] table with at least one shift", file=file, field="shifts")
    check_limit(limits.SHIFT_TYPES, len(shifts), field="shifts", file=file)
    return {code: parse_shift(code, entry, file=file) for code, entry in shifts.items()}


def rotate_days(days: tuple, weeks: int) -> tuple:
    """Rotate a pattern forward by ``weeks`` whole weeks (day 0 becomes day 7*weeks)."""
    k = (7 * weeks) % len(days) if days else 0
    return days[k:] + days[:k]


def rota_weeks(value: object, *, file: str) -> int:
    """The cycle length ``weeks``: a whole number from 1 to ``ROTA_MAX_ROTA_WEEKS``."""
    weeks = as_int(value, field="weeks", limit=limits.ROTA_WEEKS, file=file)
    if weeks < 1:
        raise RotaError(f"weeks must be a whole number >= 1, got {weeks}", file=file, field="weeks")
    return weeks


def check_size(n_lines: int, n_days: int, **where) -> None:
    """Refuse a rota of more than ``ROTA_MAX_LINES`` lines or ``ROTA_MAX_GRID_CELLS`` line-days."""
    check_limit(limits.LINES, n_lines, field="lines", **where)
    check_limit(limits.GRID_CELLS, n_lines * n_days, field="lines x days", **where)


def _entries(data: Mapping, header: str, file: str) -> list:
    entries = data.get(header, [])
    if not isinstance(entries, list):
        raise RotaError(f"use [[{header}]] tables", file=file, field=header)
    return entries


def rota_from_mapping(data: Mapping, *, file: str, text: str = "") -> Rota:
    """Build a Rota from parsed TOML data (``text`` gives line numbers for errors)."""
    check_keys(data, ROTA_KEYS, field="", file=file)
    if "weeks" not in data:
        raise RotaError("missing 'weeks' (cycle length in whole weeks)", file=file, field="weeks")
    weeks = rota_weeks(data["weeks"], file=file)
    name = data.get("name", Path(file).stem)
    if not isinstance(name, str):
        raise RotaError(f"name must be text, got {brief(name)}", file=file, field="name")
    start = parse_start(data.get("start"), file=file)
    check_start(start, weeks, file=file)
    default_pc = as_bool(data.get("prospective_cover", False), field="prospective_cover", file=file)
    shifts = parse_shift_table(data.get("shifts"), file=file)
    lines_in, rolling_in = _entries(data, "lines", file), _entries(data, "rolling", file)
    check_size(len(lines_in) + weeks * len(rolling_in), 7 * weeks, file=file)

    lines: list[Line] = []
    for header, entries in (("lines", lines_in), ("rolling", rolling_in)):
        rows = _entry_rows(text, header)
        for j, entry in enumerate(entries):
            row = rows[j] if j < len(rows) else None
            if not isinstance(entry, Mapping):
                raise RotaError(
                    f"each [[{header}]] entry must be a table", file=file, row=row, field=header
                )
            line_id = entry.get("id", f"{header}[{j}]")
            line_id = line_id if isinstance(line_id, str) and len(line_id) <= 80 else brief(line_id)
            where = {"file": file, "line": line_id, "row": row}
            check_keys(entry, LINE_KEYS, field="", **where)
            if "pattern" not in entry:
                raise RotaError("missing pattern", field="pattern", **where)
            days = parse_pattern(entry["pattern"], **where)
            if header == "lines":
                lines.append(build_line(entry, days, file=file, row=row, default_pc=default_pc))
                continue
            if len(days) != 7 * weeks:
                raise RotaError(
                    f"pattern has {len(days)} days; {weeks} weeks need {7 * weeks}",
                    field="pattern",
                    **where,
                )
            for k in range(weeks):
                member = dict(entry, id=f"{line_id}-{k + 1}")
                lines.append(
                    build_line(
                        member, rotate_days(days, k), file=file, row=row, default_pc=default_pc
                    )
                )
    return Rota(name=name, weeks=weeks, shifts=shifts, lines=tuple(lines), start=start, source=file)


def load_toml(path: str | Path) -> tuple[dict, str]:
    """Read and parse a TOML file; syntax errors become one-line RotaErrors."""
    path = Path(path)
    text = read_text(path)
    return parse_toml(text, file=str(path)), text


def read_toml_rota(path: str | Path) -> Rota:
    """Read a rota from a TOML file.

    Parameters
    ----------
    path
        The file.

    Raises
    ------
    RotaError
        Naming file, line id, day and field of the first problem.
    """
    data, text = load_toml(path)
    return rota_from_mapping(data, file=str(path), text=text)


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def shift_to_toml(shift: ShiftType) -> str:
    """One ``CODE = { ... }`` line of the [shifts] table."""
    parts = [
        f"start = {_q(format_clock(shift.start_min))}",
        f"end = {_q(format_clock(shift.end_min))}",
    ]
    if shift.kind != "shift":
        parts.append(f"kind = {_q(shift.kind)}")
    if shift.rest_hours:
        parts.append(f"rest = {shift.rest_hours!r}")
    if shift.expected_work_hours is not None:
        parts.append(f"expected_work = {shift.expected_work_hours!r}")
    key = shift.code if re.fullmatch(r"[A-Za-z0-9_-]+", shift.code) else _q(shift.code)
    return f"{key} = {{ {', '.join(parts)} }}"


def format_pattern(days: tuple[tuple[str, ...], ...]) -> str:
    """Pattern text: one row of seven cells per week, columns aligned."""
    cells = ["+".join(c) if c else "-" for c in days]
    width = max((len(c) for c in cells), default=1)
    rows = [
        " ".join(c.ljust(width) for c in cells[w : w + 7]).rstrip() for w in range(0, len(cells), 7)
    ]
    return "\n".join(rows)


def _line_keys(line: Line) -> list[str]:
    """The TOML keys of a line, from ``grade`` on (the pattern excluded)."""
    out = [
        f"grade = {_q(line.grade)}",
        f"years = {line.years}",
        f"ltft = {str(line.ltft).lower()}",
        f"specialty = {_q(line.specialty)}",
    ]
    for key in ("criterion_r", "resident"):
        value = getattr(line, key)
        if value is not None:
            out.append(f"{key} = {str(value).lower()}")
    if line.prospective_cover:
        out.append("prospective_cover = true")
    return out


def rolling_groups(rota: Rota) -> dict[str, tuple[Line, ...]]:
    """Groups of lines that a ``[[rolling]]`` entry writes exactly.

    A group is ``weeks`` lines with ids ``G-1`` … ``G-weeks``, equal in everything
    but their days, line ``G-k`` being line ``G-1`` rotated by ``k - 1`` weeks.
    """
    by_id = {line.id: line for line in rota.lines}
    groups: dict[str, tuple[Line, ...]] = {}
    for line in rota.lines:
        if not line.id.endswith("-1") or rota.weeks < 2:
            continue
        gid = line.id[:-2]
        members = [by_id.get(f"{gid}-{k + 1}") for k in range(rota.weeks)]
        if any(m is None for m in members):
            continue
        if all(
            _line_keys(m) == _line_keys(line) and m.days == rotate_days(line.days, k)
            for k, m in enumerate(members)
        ):
            groups[gid] = tuple(members)
    return groups


def rota_to_toml(rota: Rota) -> str:
    """Serialise a rota to TOML text.

    Lines that form a rolling group (see :func:`rolling_groups`) are written as one
    ``[[rolling]]`` entry, which reads back as the same lines; every other line is
    written out in full.
    """
    out = [f"name = {_q(rota.name)}", f"weeks = {rota.weeks}"]
    if rota.start is not None:
        out.append(f"start = {rota.start.isoformat()}")
    out += ["", "[shifts]"] + [shift_to_toml(s) for s in rota.shifts.values()]
    groups = rolling_groups(rota)
    grouped = {m.id for members in groups.values() for m in members}
    for line in rota.lines:
        if line.id in grouped:
            continue
        out += ["", "[[lines]]", f"id = {_q(line.id)}", *_line_keys(line)]
        out.append(f'pattern = """\n{format_pattern(line.days)}\n"""')
    for gid, members in groups.items():
        first = members[0]
        out += ["", "[[rolling]]", f"id = {_q(gid)}", *_line_keys(first)]
        out.append(f'pattern = """\n{format_pattern(first.days)}\n"""')
    return "\n".join(out) + "\n"


def write_toml_rota(rota: Rota, path: str | Path) -> None:
    """Write a rota to a TOML file."""
    Path(path).write_text(rota_to_toml(rota), encoding="utf-8")


def rota_from_toml_text(text: str, *, file: str = "<text>") -> Rota:
    """Build a rota from TOML text (tests, notebooks, generated rotas)."""
    return rota_from_mapping(parse_toml(text, file=file), file=file, text=text)
