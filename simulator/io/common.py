"""Parsing helpers shared by the rota readers: shift tables, cells, line attributes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from ..model import Line, RotaError, ShiftType, parse_clock

SHIFT_KEYS = ("start", "end", "hours", "kind", "rest", "expected_work")
LINE_KEYS = (
    "id",
    "grade",
    "years",
    "ltft",
    "specialty",
    "pattern",
    "criterion_r",
    "resident",
    "prospective_cover",
)
OFF_TOKENS = ("-", "", ".")


def read_text(path: Path) -> str:
    """Read a text file, turning unreadable, empty and binary files into RotaError."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RotaError("no such file", file=name) from None
    except OSError as exc:
        raise RotaError(f"cannot read file: {exc.strerror}", file=name) from None
    if not raw.strip():
        raise RotaError("the file is empty", file=name)
    if b"\x00" in raw:
        raise RotaError("not a text file (binary content)", file=name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RotaError(f"not UTF-8 text (bad byte at offset {exc.start})", file=name) from None


def check_keys(table: Mapping, allowed: tuple[str, ...], *, field: str, **where) -> None:
    """Reject keys not in ``allowed`` (typos) with a message naming the key."""
    for key in table:
        if key not in allowed:
            hint = _closest(key, allowed)
            raise RotaError(
                f"unknown key {key!r}{hint}; allowed: {', '.join(allowed)}",
                field=f"{field}.{key}" if field else key,
                **where,
            )


def _closest(key: str, allowed: tuple[str, ...]) -> str:
    import difflib

    match = difflib.get_close_matches(key, allowed, n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def as_number(value: object, *, field: str, **where) -> float:
    """A non-boolean int or float, else RotaError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RotaError(f"expected a number, got {value!r}", field=field, **where)
    return float(value)


def as_bool(value: object, *, field: str, **where) -> bool:
    """A boolean, accepting common spellings from spreadsheets."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "y", "1"):
            return True
        if text in ("false", "no", "n", "0", ""):
            return False
    raise RotaError(f"expected true or false, got {value!r}", field=field, **where)


def as_int(value: object, *, field: str, **where) -> int:
    """A whole number (spreadsheet floats like 3.0 accepted)."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RotaError(f"expected a whole number, got {value!r}", field=field, **where)
    return value


def parse_shift(code: str, entry: object, **where) -> ShiftType:
    """Build a ShiftType from a TOML/sheet table ``{start, end, kind, rest, expected_work}``."""
    field = f"shifts.{code}"
    if not isinstance(entry, Mapping):
        raise RotaError("a shift needs a table {start = ..., end = ...}", field=field, **where)
    check_keys(entry, SHIFT_KEYS, field=field, **where)
    if "start" not in entry:
        raise RotaError("missing 'start'", field=f"{field}.start", **where)
    if "end" not in entry and "hours" not in entry:
        raise RotaError("missing 'end' (or 'hours')", field=f"{field}.end", **where)
    try:
        start = parse_clock(entry["start"], field=f"{field}.start")
        end = parse_clock(entry["end"], field=f"{field}.end") if "end" in entry else None
        if "hours" in entry:
            hours = as_number(entry["hours"], field=f"{field}.hours")
            if not 0 < hours <= 24:
                raise RotaError(
                    f"shift lasts {hours:g} h: must be more than 0 and at most 24 h",
                    field=f"{field}.hours",
                )
            end_from_hours = (start + round(60 * hours)) % 1440
            if end is not None and end != end_from_hours:
                raise RotaError("'end' and 'hours' disagree", field=f"{field}.hours")
            end = end_from_hours
        kind = entry.get("kind", "shift")
        if not isinstance(kind, str):
            raise RotaError(f"kind must be text, got {kind!r}", field=f"{field}.kind")
        rest = entry.get("rest", 0.0)
        rest = 0.0 if rest in (None, "") else as_number(rest, field=f"{field}.rest")
        work = entry.get("expected_work")
        work = None if work in (None, "") else as_number(work, field=f"{field}.expected_work")
        return ShiftType(
            code=code,
            start_min=start,
            end_min=end,
            kind=kind.strip(),
            rest_hours=rest,
            expected_work_hours=work,
        )
    except RotaError as exc:
        raise exc.located(**where) from None


def parse_cell(cell: object, day: int, **where) -> tuple[str, ...]:
    """Parse one day cell: ``-`` (off) or codes joined by ``+``."""
    if cell is None:
        return ()
    text = str(cell).strip()
    if text in OFF_TOKENS:
        return ()
    codes = tuple(part.strip() for part in text.split("+"))
    if any(not c for c in codes):
        raise RotaError(f"malformed cell {text!r}", day=day, field="pattern", **where)
    return codes


def parse_pattern(text: object, **where) -> tuple[tuple[str, ...], ...]:
    """Split a whitespace-separated pattern string into day cells."""
    if not isinstance(text, str):
        raise RotaError(
            f"pattern must be text, got {type(text).__name__}", field="pattern", **where
        )
    return tuple(parse_cell(tok, day, **where) for day, tok in enumerate(text.split()))


def build_line(
    table: Mapping,
    days: tuple[tuple[str, ...], ...],
    *,
    file: str,
    row: int | None,
    default_pc: bool = False,
) -> Line:
    """Build a Line from attribute values (TOML table or grid row)."""
    line_id = table.get("id")
    if line_id is None or (isinstance(line_id, str) and not line_id.strip()):
        raise RotaError("missing line id", file=file, row=row, field="id")
    if isinstance(line_id, float) and line_id.is_integer():
        line_id = int(line_id)
    line_id = str(line_id).strip()
    where = {"file": file, "line": line_id, "row": row}
    if "grade" not in table or table["grade"] in (None, ""):
        raise RotaError("missing grade", field="grade", **where)

    def opt_bool(key: str) -> bool | None:
        value = table.get(key)
        return None if value in (None, "") else as_bool(value, field=key, **where)

    years = table.get("years", 0)
    years = 0 if years in (None, "") else as_int(years, field="years", **where)
    specialty = table.get("specialty") or "general"
    pc = opt_bool("prospective_cover")
    try:
        return Line(
            id=line_id,
            grade=str(table["grade"]).strip(),
            years=years,
            days=days,
            ltft=bool(opt_bool("ltft")),
            specialty=str(specialty).strip(),
            criterion_r=opt_bool("criterion_r"),
            resident=opt_bool("resident"),
            prospective_cover=default_pc if pc is None else pc,
            row=row,
        )
    except RotaError as exc:
        raise exc.located(**where) from None


def parse_start(value: object, **where) -> dt.date | None:
    """Parse the optional ``start`` date (TOML date, datetime or ISO text)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise RotaError(f"start must be a date like 2026-08-03, got {value!r}", field="start", **where)
