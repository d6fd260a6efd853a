"""Parsing helpers shared by the rota readers: shift tables, cells, line attributes.

Numbers are read strictly: ASCII digits only (``str.isdigit`` accepts ``'３'`` and
``'²'``), booleans are not numbers, non-finite values (``nan``, ``inf``) are
refused, and sizes are checked against :mod:`simulator.limits` before any work
that grows with them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from .. import limits
from ..limits import Limit
from ..model import Line, RotaError, ShiftType, brief, parse_clock

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
#: A whole number written in ASCII digits, with an optional sign.
INT_TEXT = re.compile(r"[+-]?[0-9]{1,30}", re.ASCII)
#: Largest magnitude of a number read from a file: beyond it floats lose whole
#: numbers and nothing in a rota or problem is meaningful.
MAX_MAGNITUDE = 1e15
#: Where the TOML depth scan looks next: a bracket, a quote or a comment.
_TOML_NEXT = re.compile(r"[\[\]{}\"'#]")
#: The rest of a one-line basic string (escapes skipped), from after its quote.
_BASIC_REST = re.compile(r'(?:[^"\\\n]|\\.)*')


def size_mb(size: int) -> float:
    """A size in bytes as MB, rounded up to 0.1 MB."""
    return math.ceil(10 * size / limits.MB) / 10


def read_bytes(path: Path, *, file: str | None = None) -> bytes:
    """Read a file no larger than ``ROTA_MAX_FILE_MB``, as bytes.

    Raises
    ------
    RotaError
        A missing, unreadable or oversized file (checked before it is read).
    """
    name = file or str(path)
    try:
        size = path.stat().st_size
        if (message := limits.FILE_MB.exceeded(size_mb(size), "size")) is not None:
            raise RotaError(message, file=name)
        return path.read_bytes()
    except FileNotFoundError:
        raise RotaError("no such file", file=name) from None
    except OSError as exc:
        raise RotaError(f"cannot read file: {exc.strerror or exc}", file=name) from None


def read_text(path: Path) -> str:
    """Read a text file, turning unreadable, empty, oversized and binary files into RotaError."""
    name = str(path)
    raw = read_bytes(path)
    if not raw.strip():
        raise RotaError("the file is empty", file=name)
    if b"\x00" in raw:
        raise RotaError("not a text file (binary content)", file=name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RotaError(f"not UTF-8 text (bad byte at offset {exc.start})", file=name) from None


def toml_depth(text: str) -> int:
    """Deepest nesting of arrays and inline tables in TOML text (strings and comments skipped).

    Table headers (``[a]``, ``[[a]]``) count as one or two levels on their line;
    brackets that do not balance are counted as they come (never below 0). The scan
    is linear in the text: each character is looked at a bounded number of times, so
    unterminated strings cannot make it slow (the TOML parser reports them).
    """
    depth = deepest = i = 0
    while (match := _TOML_NEXT.search(text, i)) is not None:
        i, char = match.start(), match.group()
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            i += 1
        elif char in "]}":
            depth = max(depth - 1, 0)
            i += 1
        elif char == "#":
            i = _line_end(text, i)
        elif text.startswith('"""', i):
            i = _multiline_end(text, i + 3)
        elif text.startswith("'''", i):
            end = text.find("'''", i + 3)
            i = len(text) if end < 0 else end + 3
        elif char == '"':
            i = _BASIC_REST.match(text, i + 1).end() + 1
        else:  # a literal string ends at the next quote or line end
            end = text.find("'", i + 1)
            i = min(_line_end(text, i), len(text) if end < 0 else end + 1)
    return deepest


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _multiline_end(text: str, i: int) -> int:
    """Position after the ``\"\"\"`` closing a multi-line basic string opened before ``i``."""
    while (end := text.find('"""', i)) >= 0:
        slashes = end
        while slashes > i and text[slashes - 1] == "\\":
            slashes -= 1
        if (end - slashes) % 2 == 0:  # not an escaped quote
            return end + 3
        i = end + 1
    return len(text)


def parse_toml(text: str, *, file: str) -> dict:
    """Parse TOML text; syntax errors and too deep nesting become one-line RotaErrors.

    Raises
    ------
    RotaError
        Naming the file: nesting deeper than ``ROTA_MAX_TOML_DEPTH``, or invalid TOML.
    """
    if (message := limits.TOML_DEPTH.exceeded(toml_depth(text), "nesting")) is not None:
        raise RotaError(message, file=file)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RotaError(f"not valid TOML: {exc}", file=file) from None
    except RecursionError:
        raise RotaError("not valid TOML: nested too deeply", file=file) from None
    except ValueError:  # Python refuses to read an integer of more than 4300 digits
        raise RotaError("not valid TOML: a number of more than 4300 digits", file=file) from None


def check_limit(limit: Limit, value: float, *, field: str, **where) -> None:
    """Raise RotaError naming ``field`` when ``value`` exceeds ``limit``."""
    if (message := limit.exceeded(value, field)) is not None:
        raise RotaError(message, field=field, **where)


def check_keys(table: Mapping, allowed: tuple[str, ...], *, field: str, **where) -> None:
    """Reject keys not in ``allowed`` (typos) with a message naming the key."""
    for key in table:
        if key not in allowed:
            shown = str(key) if len(str(key)) <= 40 else brief(str(key))
            hint = _closest(str(key), allowed)
            raise RotaError(
                f"unknown key {shown!r}{hint}; allowed: {', '.join(allowed)}",
                field=f"{field}.{shown}" if field else shown,
                **where,
            )


def _closest(key: str, allowed: tuple[str, ...]) -> str:
    import difflib

    match = difflib.get_close_matches(key[:100], allowed, n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def as_number(value: object, *, field: str, **where) -> float:
    """A finite, non-boolean int or float of sane size, else RotaError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RotaError(f"expected a number, got {brief(value)}", field=field, **where)
    if isinstance(value, float) and not math.isfinite(value):
        raise RotaError(f"expected a finite number, got {value!r}", field=field, **where)
    if abs(value) > MAX_MAGNITUDE:
        raise RotaError(
            f"{brief(value)} is too large (at most {MAX_MAGNITUDE:g} in size)",
            field=field,
            **where,
        )
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
    raise RotaError(f"expected true or false, got {brief(value)}", field=field, **where)


def as_int(value: object, *, field: str, limit: Limit | None = None, **where) -> int:
    """A whole number: an int, a whole float (``3.0``) or ASCII digits; within ``limit``.

    Raises
    ------
    RotaError
        Anything else (booleans, ``'３'``, ``nan``), or a value over ``limit`` (or,
        without one, larger than :data:`MAX_MAGNITUDE`).
    """
    number: int | None = None
    if isinstance(value, str) and INT_TEXT.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    if number is None:
        raise RotaError(f"expected a whole number, got {brief(value)}", field=field, **where)
    if limit is not None:
        check_limit(limit, number, field=field, **where)
    elif abs(number) > MAX_MAGNITUDE:
        raise RotaError(f"{brief(number)} is too large", field=field, **where)
    return number


def _shift_end(entry: Mapping, start: int, end: int | None, field: str) -> int:
    """End clock time of a shift, from ``end`` or from ``hours`` (which must agree)."""
    if "hours" not in entry:
        return end  # type: ignore[return-value]  # the caller checked one is given
    hours = as_number(entry["hours"], field=f"{field}.hours")
    if not 0 < hours <= 24:
        raise RotaError(
            f"shift lasts {hours:g} h: must be more than 0 and at most 24 h",
            field=f"{field}.hours",
        )
    minutes = round(60 * hours)
    if minutes < 1:
        raise RotaError(
            f"shift lasts {hours:g} h, which rounds to 0 minutes: at least one minute",
            field=f"{field}.hours",
        )
    end_from_hours = (start + minutes) % 1440
    if end is not None and end != end_from_hours:
        raise RotaError("'end' and 'hours' disagree", field=f"{field}.hours")
    return end_from_hours


def parse_shift(code: str, entry: object, **where) -> ShiftType:
    """Build a ShiftType from a TOML/sheet table ``{start, end, kind, rest, expected_work}``.

    ``hours`` may replace ``end`` (a length of at least one minute and at most 24 h);
    an ``end`` equal to ``start`` is a 24-hour duty. ``rest`` and ``expected_work``
    must be finite numbers of hours.
    """
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
        end = _shift_end(entry, start, end, field)
        kind = entry.get("kind", "shift")
        if not isinstance(kind, str):
            raise RotaError(f"kind must be text, got {brief(kind)}", field=f"{field}.kind")
        rest = entry.get("rest", 0.0)
        rest = 0.0 if rest is None or rest == "" else as_number(rest, field=f"{field}.rest")
        work = entry.get("expected_work")
        work = (
            None if work is None or work == "" else as_number(work, field=f"{field}.expected_work")
        )
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
        raise RotaError(f"malformed cell {brief(text)}", day=day, field="pattern", **where)
    return codes


def parse_pattern(text: object, **where) -> tuple[tuple[str, ...], ...]:
    """Split a whitespace-separated pattern string into day cells."""
    if not isinstance(text, str):
        raise RotaError(
            f"pattern must be text, got {type(text).__name__}", field="pattern", **where
        )
    return tuple(parse_cell(tok, day, **where) for day, tok in enumerate(text.split()))


def _text(value: object, *, field: str, **where) -> str:
    """Text of an attribute: a string, or a whole number written as text."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RotaError(f"expected text, got {brief(value)}", field=field, **where)
    if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:
        raise RotaError(f"expected text, got {brief(value)}", field=field, **where)
    return str(value).strip()


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
    line_id = _text(line_id, field="id", file=file, row=row)
    where = {"file": file, "line": line_id, "row": row}
    if "grade" not in table or table["grade"] in (None, ""):
        raise RotaError("missing grade", field="grade", **where)

    def opt_bool(key: str) -> bool | None:
        value = table.get(key)
        return None if value is None or value == "" else as_bool(value, field=key, **where)

    years = table.get("years", 0)
    years = (
        0
        if years is None or years == ""
        else as_int(years, field="years", limit=limits.YEARS_OF_SERVICE, **where)
    )
    specialty = table.get("specialty")
    if specialty is not None and specialty != "":
        specialty = _text(specialty, field="specialty", **where)
    pc = opt_bool("prospective_cover")
    try:
        return Line(
            id=line_id,
            grade=_text(table["grade"], field="grade", **where),
            years=years,
            days=days,
            ltft=bool(opt_bool("ltft")),
            specialty=specialty or "general",
            criterion_r=opt_bool("criterion_r"),
            resident=opt_bool("resident"),
            prospective_cover=default_pc if pc is None else pc,
            row=row,
        )
    except RotaError as exc:
        raise exc.located(**where) from None


def parse_start(value: object, **where) -> dt.date | None:
    """Parse the optional ``start`` date (TOML date, datetime or ISO text)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip().isascii():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise RotaError(
        f"start must be a date like 2026-08-03, got {brief(value)}", field="start", **where
    )


def check_start(start: dt.date | None, weeks: int, **where) -> None:
    """Refuse a ``start`` whose cycle leaves the calendar range of :mod:`simulator.limits`."""
    if start is None:
        return
    if (message := limits.date_range_error(start, 7 * weeks)) is not None:
        raise RotaError(message, field="start", **where)
