"""Optimisation problems from spreadsheets: an Excel workbook, or CSV tables.

Both are turned into the mapping :func:`optimizer.problem.problem_from_mapping` takes
(the parsed TOML problem file), so every check stays in one place.

- A **workbook** (``.xlsx``) has the sheets ``problem`` (``key``/``value`` rows),
  ``shifts``, ``cover`` and ``doctors``, and optionally ``leave``, ``fixed``,
  ``requests`` and ``rolling`` (sheet names in any case).
- A **TOML problem file** may name a CSV file instead of an inline table:
  ``doctors = "doctors.csv"`` (also ``shifts``, ``cover``, ``leave``, ``fixed``,
  ``requests``, ``rolling``), relative to the problem file and inside its folder.
  The CSV has the columns of the sheet of the same name.

See ``docs/optimiser.md`` ("Problems from spreadsheets"). Every input error raises
:class:`~optimizer.problem.ProblemError` with a one-line message naming the file,
the sheet (as the start of the field, e.g. ``doctors.grade``) and the row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from simulator import limits
from simulator.io.common import read_bytes
from simulator.io.safety import escape_cell, unescape_cell, write_sheet_rows
from simulator.io.workbook import open_workbook, sheet_rows
from simulator.model import DAY_NAMES, RotaError, brief

from .problem import Problem, ProblemError, problem_from_mapping

#: Sheets of a problem workbook, in the order they are written.
SHEETS = ("problem", "shifts", "cover", "doctors", "leave", "fixed", "requests", "rolling")
#: Sheets every workbook must have.
REQUIRED_SHEETS = ("problem", "shifts", "cover", "doctors")
#: Tables a TOML problem file may give as the name of a CSV file.
TABLE_KEYS = ("shifts", "cover", "doctors", "leave", "fixed", "requests", "rolling")
# Limits on sheets, CSV files and workbooks: ``ROTA_MAX_SHEET_ROWS``,
# ``ROTA_MAX_FILE_MB``, ``ROTA_MAX_XLSX_MB``, ``ROTA_MAX_ZIP_MEMBERS`` (simulator.limits).
#: Columns of the ``shifts`` sheet (``code`` and the keys of a ``[shifts]`` entry).
SHIFT_COLUMNS = ("code", "start", "end", "hours", "kind", "rest", "expected_work")
#: Columns of the ``cover`` sheet with a meaning of their own; any other column is a
#: key of the requirement table (e.g. a tier: ``registrar``) with a whole number.
COVER_COLUMNS = ("shift", "days", "count", "min", "max", "target", "weight")
#: Values of the cover sheet's ``days`` column that are scopes, not days.
SCOPES = ("all", "weekdays", "weekend", *(d.lower() for d in DAY_NAMES))
#: Last parts of dotted ``problem`` keys whose value is a list (``tiers.x.grades``).
LIST_LEAVES = ("grades", "fills", "days", "shifts")

Cell = object
Numbered = list[tuple[int, Sequence[Cell]]]
Record = tuple[int, dict[str, Cell]]

_INT_RE = re.compile(r"^[+-]?[0-9]{1,15}(?:\.0*)?$", re.ASCII)
#: A decimal number in ASCII (``float`` also reads ``'١'``, ``'1_0'``, ``'nan'`` and ``'inf'``).
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?", re.ASCII)


# ----------------------------------------------------------------------------- cells


def _empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _where(
    message: str, file: str, field: str, row: int | None = None, doctor: str | None = None
) -> ProblemError:
    """A ProblemError naming the file, the field (``sheet.column``) and the row."""
    if row is not None:
        message = f"{message} (row {row})"
    return ProblemError(message, file=file, doctor=doctor, field=field)


def as_int(value: Cell) -> int:
    """A whole number: an int, a whole float (``3.0``) or its text.

    Raises
    ------
    ValueError
        Anything else (the message is the user's).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        return int(value.strip().split(".")[0])
    raise ValueError(f"expected a whole number, got {brief(value)}")


def as_number(value: Cell) -> int | float:
    """A number, or the text of one (whole numbers stay ints).

    Raises
    ------
    ValueError
        Text that is not a number, booleans, dates.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {brief(value)}")
        return value
    if isinstance(value, str):
        text = value.strip()
        if _INT_RE.match(text) and "." not in text:
            return int(text)
        if _FLOAT_RE.fullmatch(text):
            return float(text)
    raise ValueError(f"expected a number, got {brief(value)}")


def as_bool(value: Cell) -> bool:
    """``TRUE``/``FALSE``, ``yes``/``no``, ``y``/``n``, ``1``/``0`` (any case).

    Raises
    ------
    ValueError
        Anything else.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "y", "1"):
            return True
        if text in ("false", "no", "n", "0"):
            return False
    raise ValueError(f"expected true or false (yes/no, 1/0), got {brief(value)}")


def as_text(value: Cell) -> str:
    """Text, with whole numbers written without ``.0`` and dates as ISO dates."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return (value.date() if value.time() == dt.time() else value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def as_list(value: Cell) -> list[str]:
    """A list of codes or ids: text separated by commas or semicolons, else by spaces."""
    text = as_text(value)
    parts = re.split(r"[,;]", text) if re.search(r"[,;]", text) else text.split()
    return [part.strip() for part in parts if part.strip()]


def as_date(value: Cell) -> Cell:
    """A date from an Excel date cell; text is left for the problem reader to parse."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value.strip() if isinstance(value, str) else value


def as_days(value: Cell) -> Cell:
    """A ``days`` cell: a date, a day number, a day or range as text, or a list of them.

    Text with commas (``"Mon wk1, Tue wk1"``) becomes a list.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
        return parts if len(parts) > 1 else value.strip()
    return value


def as_value(value: Cell) -> Cell:
    """Any other cell: numbers (and their text) as numbers, ``true``/``false`` as booleans."""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        try:
            return as_number(text)
        except ValueError:
            return text
    return value


Converter = Callable[[Cell], Cell]

#: Columns of the ``doctors`` and ``rolling`` sheets (others: :func:`as_value`).
DOCTOR_COLUMNS: dict[str, Converter] = {
    "id": as_text,
    "grade": as_text,
    "years": as_int,
    "ltft": as_bool,
    "specialty": as_text,
    "hours_per_week": as_number,
    "hours_tolerance": as_number,
    "min_hours_per_week": as_number,
    "max_hours_per_week": as_number,
    "shifts": as_list,
    "reference_gbp": as_number,
    "reference_rota": as_text,
    "reference_line": as_text,
    "tier": as_text,
    "doctors": as_list,
}
#: Columns of the ``leave``, ``fixed`` and ``requests`` sheets.
ENTRY_COLUMNS: dict[str, Converter] = {
    "doctor": as_text,
    "days": as_days,
    "shift": as_text,
    "prefer": as_bool,
    "weight": as_number,
}
#: Values of the ``problem`` sheet by key (others: :func:`as_value`).
PROBLEM_VALUES: dict[str, Converter] = {
    "name": as_text,
    "weeks": as_int,
    "start": as_date,
    "rules": as_text,
    "pay_year": as_text,
    "objective": as_text,
    "reference_rota": as_text,
}


def _convert(value: Cell, convert: Converter, file: str, field: str, row: int, doctor=None):
    try:
        return convert(value)
    except ValueError as exc:
        raise _where(str(exc), file, field, row, doctor) from None


# ----------------------------------------------------------------------------- tables


def _header(cell: Cell) -> str:
    return re.sub(r"\s+", "_", as_text(cell).lower()) if not _empty(cell) else ""


def records(rows: Numbered, *, file: str, sheet: str) -> list[Record]:
    """Rows under a header row as ``(row number, {column: value})``, empty cells left out.

    The first non-empty row is the header (lower-cased; spaces become ``_``).

    Raises
    ------
    ProblemError
        A repeated column, or a value in a column without a header.
    """
    filled = [(n, row) for n, row in rows if not all(_empty(c) for c in row)]
    if not filled:
        return []
    header_row, header = filled[0]
    keys = [_header(h) for h in header]
    for key in keys:
        if key and keys.count(key) > 1:
            raise _where(f"column {brief(key)} appears twice", file, f"{sheet}.{key}", header_row)
    out: list[Record] = []
    for n, row in filled[1:]:
        entry: dict[str, Cell] = {}
        for i, value in enumerate(row):
            if _empty(value):
                continue
            if i >= len(keys) or not keys[i]:
                raise _where(f"value {brief(value)} in a column without a header", file, sheet, n)
            entry[keys[i]] = value.strip() if isinstance(value, str) else value
        out.append((n, entry))
    return out


def entries_table(rows: Numbered, *, file: str, sheet: str) -> list[dict]:
    """``[[doctors]]``, ``[[rolling]]``, ``[[leave]]``, ``[[fixed]]`` or ``[[requests]]``.

    Known columns are converted (:data:`DOCTOR_COLUMNS`, :data:`ENTRY_COLUMNS`); any
    other column is passed through for the problem reader to accept or refuse.
    """
    columns = DOCTOR_COLUMNS if sheet in ("doctors", "rolling") else ENTRY_COLUMNS
    out = []
    for n, entry in records(rows, file=file, sheet=sheet):
        who = entry.get("id" if columns is DOCTOR_COLUMNS else "doctor")
        doctor = None if who is None else as_text(who)
        table = {}
        for key, value in entry.items():
            convert = columns.get(key, as_value)
            table[key] = _convert(value, convert, file, f"{sheet}.{key}", n, doctor)
        out.append(table)
    return out


def shifts_table(rows: Numbered, *, file: str, sheet: str = "shifts") -> dict[str, dict]:
    """The ``[shifts]`` table: ``{code: {start, end, kind, rest, expected_work}}``."""
    out: dict[str, dict] = {}
    for n, entry in records(rows, file=file, sheet=sheet):
        if "code" not in entry:
            raise _where("missing shift code", file, f"{sheet}.code", n)
        code = as_text(entry.pop("code"))
        if code in out:
            raise _where(f"shift {brief(code)} appears twice", file, f"{sheet}.code", n)
        table = {}
        for key, value in entry.items():
            if key in ("start", "end"):
                if isinstance(value, dt.datetime):  # a time typed with a date
                    value = value.time()
                table[key] = value if isinstance(value, dt.time) else as_text(value)
            elif key in ("hours", "rest", "expected_work"):
                table[key] = _convert(value, as_number, file, f"{sheet}.{key}", n)
            else:  # kind, and unknown keys for the shift reader to refuse
                table[key] = as_text(value) if key == "kind" else as_value(value)
        out[code] = table
    return out


def _requirement(entry: dict[str, Cell], file: str, sheet: str, n: int) -> int | dict:
    """One cover row's requirement: ``n`` (exact count) or a requirement table."""
    spec: dict[str, Cell] = {}
    for key, value in entry.items():
        if key in ("shift", "days"):
            continue
        convert = as_number if key == "weight" else as_int
        spec[key] = _convert(value, convert, file, f"{sheet}.{key}", n)
    if "count" in spec:
        if {"min", "max"} & set(spec):
            raise _where("give either 'count' or 'min'/'max'", file, f"{sheet}.count", n)
        count = spec.pop("count")
        spec = {"min": count, "max": count, **spec}
    if not spec:
        raise _where(
            "no requirement: give 'count', or 'min', 'max', 'target' and 'weight'",
            file,
            f"{sheet}.count",
            n,
        )
    if set(spec) == {"min", "max"} and spec["min"] == spec["max"]:
        return spec["min"]
    return spec


def cover_table(rows: Numbered, *, file: str, sheet: str = "cover") -> dict[str, dict]:
    """The ``[cover]`` table from one row per requirement.

    ``days`` is a scope (``all``, ``weekdays``, ``weekend``, ``mon`` … ``sun``) or a
    day, range or comma-separated list of them (entries of the shift's ``except``).
    """
    out: dict[str, dict] = {}
    for n, entry in records(rows, file=file, sheet=sheet):
        if "shift" not in entry:
            raise _where("missing shift code", file, f"{sheet}.shift", n)
        if "days" not in entry:
            raise _where(
                "missing days: all, weekdays, weekend, mon … sun, or a day like 'Tue wk1'",
                file,
                f"{sheet}.days",
                n,
            )
        code = as_text(entry["shift"])
        spec = _requirement(entry, file, sheet, n)
        table = out.setdefault(code, {})
        days = as_days(entry["days"])
        scope = days.lower() if isinstance(days, str) else None
        if scope in SCOPES:
            keys, target = [scope], table
        else:
            keys = [as_text(d) for d in (days if isinstance(days, list) else [days])]
            target = table.setdefault("except", {})
        for key in keys:
            if key in target:
                raise _where(f"{code} on {brief(key)} is given twice", file, f"{sheet}.days", n)
            target[key] = spec
    return out


def _set_dotted(out: dict, key: str, value: Cell, file: str, row: int) -> None:
    """Set ``a.b.c = value`` as nested tables ``{a: {b: {c: value}}}``."""
    *path, leaf = key.split(".")
    table = out
    for part in path:
        table = table.setdefault(part, {})
        if not isinstance(table, dict):
            raise _where(f"{brief(key)} is inside a key given a value", file, f"problem.{key}", row)
    if leaf in table:
        raise _where(f"key {brief(key)} appears twice", file, f"problem.{key}", row)
    table[leaf] = value


def problem_table(rows: Numbered, *, file: str) -> dict:
    """The top-level keys from ``key``/``value`` rows (a ``key, value`` header is optional).

    Dotted keys become nested tables (``rule_overrides.<rule>.<parameter>``);
    ``combinable`` is a list of pairs such as ``D+OC, LD+OC``.
    """
    out: dict = {}
    for n, row in rows:
        cells = list(row) + [None, None]
        if all(_empty(c) for c in cells):
            continue
        if any(not _empty(c) for c in cells[2:]):
            raise _where("expected two columns: key and value", file, "problem", n)
        key, value = as_text(cells[0]).lower() if not _empty(cells[0]) else "", cells[1]
        if key.lower() == "key" and as_text(value).lower() == "value":
            continue
        if not key:
            raise _where("value without a key", file, "problem", n)
        if _empty(value):
            continue
        if key in TABLE_KEYS:
            raise _where(f"give {brief(key)} on a sheet of its own", file, f"problem.{key}", n)
        if key == "combinable":
            value = [[c.strip() for c in pair.split("+")] for pair in as_list(value)]
        elif key.startswith("rule_overrides."):
            value = _convert(value, as_number, file, f"problem.{key}", n)
        elif "." in key and key.rsplit(".", 1)[1] in LIST_LEAVES:
            value = as_list(value)
        else:
            value = _convert(value, PROBLEM_VALUES.get(key, as_value), file, f"problem.{key}", n)
        _set_dotted(out, key, value, file, n)
    return out


#: Reader of each sheet or CSV table.
TABLE_READERS: dict[str, Callable[..., object]] = {
    "shifts": shifts_table,
    "cover": cover_table,
    "doctors": entries_table,
    "leave": entries_table,
    "fixed": entries_table,
    "requests": entries_table,
    "rolling": entries_table,
}


def read_table(key: str, rows: Numbered, *, file: str) -> object:
    """Parse the rows of sheet or CSV table ``key`` (one of :data:`TABLE_KEYS`)."""
    return TABLE_READERS[key](rows, file=file, sheet=key)


# ----------------------------------------------------------------------------- CSV


def read_csv_rows(path: Path) -> Numbered:
    """The non-empty rows of a CSV file (UTF-8), numbered from 1 as a spreadsheet would.

    Raises
    ------
    ProblemError
        A missing, unreadable, binary or malformed file, one larger than
        ``ROTA_MAX_FILE_MB``, or one of more than ``ROTA_MAX_SHEET_ROWS`` rows.
    """
    file = str(path)
    try:
        raw = read_bytes(path)
    except RotaError as exc:
        raise ProblemError(exc.message, file=file) from None
    if b"\x00" in raw:
        raise ProblemError("not a CSV file (binary content)", file=file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemError(f"not UTF-8 text (bad byte at offset {exc.start})", file=file) from None
    rows: Numbered = []
    try:
        for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if all(_empty(c) for c in row):
                continue
            rows.append((n, [unescape_cell(c) for c in row]))
            if len(rows) > limits.SHEET_ROWS.value + 1:  # the header row is not counted
                raise ProblemError(limits.SHEET_ROWS.exceeded(len(rows) - 1, "rows"), file=file)
    except csv.Error as exc:
        raise ProblemError(f"malformed CSV: {exc}", file=file) from None
    return rows


def table_path(name: str, base: Path, *, file: str, field: str) -> Path:
    """The CSV file a problem file names for one table, inside the problem file's folder.

    Raises
    ------
    ProblemError
        An absolute path, one leaving ``base`` (``..``, or a link out of it), or a
        file that is not ``.csv``.
    """
    if not name.strip():
        raise ProblemError("expected the name of a .csv file", file=file, field=field)
    rel = Path(name.strip())
    if rel.is_absolute() or rel.drive:
        raise ProblemError(
            f"{brief(name)} must be a path relative to the problem file's folder",
            file=file,
            field=field,
        )
    path = base / rel
    if not path.resolve().is_relative_to(base.resolve()):
        raise ProblemError(
            f"{brief(name)} is outside the problem file's folder", file=file, field=field
        )
    if path.suffix.lower() != ".csv":
        raise ProblemError(f"expected a .csv file, got {brief(name)}", file=file, field=field)
    return path


def expand_table_files(data: Mapping, base: Path, file: str) -> dict:
    """Replace each table given as a CSV file name by the table read from that file.

    Parameters
    ----------
    data
        A parsed TOML problem file; ``doctors = "doctors.csv"`` (or ``shifts``,
        ``cover``, ``leave``, ``fixed``, ``requests``, ``rolling``) names a CSV file
        with the columns of the workbook sheet of the same name.
    base
        The problem file's folder: file names are relative to it and may not leave it.
    file
        The problem file, as named in errors.

    Returns
    -------
    dict
        A new mapping; ``data`` is not changed.

    Raises
    ------
    ProblemError
        A refused path, or a CSV file that cannot be read (naming that file).
    """
    out = dict(data)
    for key in TABLE_KEYS:
        value = data.get(key)
        if isinstance(value, str):
            path = table_path(value, base, file=file, field=key)
            out[key] = read_table(key, read_csv_rows(path), file=str(path))
    return out


# ----------------------------------------------------------------------------- workbook


def _problem_error(exc: RotaError) -> ProblemError:
    """A workbook reader's RotaError as a ProblemError (same file, field and message)."""
    return ProblemError(exc.message, file=exc.file, field=exc.field)


def _sheet_rows(sheet: object, file: str, name: str) -> Numbered:
    """The non-empty rows of a sheet (at most ``ROTA_MAX_SHEET_ROWS`` besides the header)."""
    try:
        rows = sheet_rows(
            sheet, file=file, name=name, limit=limits.SHEET_ROWS, header_rows=1, skip_empty=True
        )
    except RotaError as exc:
        raise _problem_error(exc) from None
    return [(n, [unescape_cell(c) for c in row]) for n, row in rows]


def _workbook_sheets(book: object, file: str) -> dict[str, Numbered]:
    titles: dict[str, str] = {}
    for title in book.sheetnames:
        name = title.strip().lower()
        if name not in SHEETS:
            raise ProblemError(
                f"unknown sheet {brief(title)}: expected {', '.join(SHEETS)}", file=file
            )
        if name in titles:
            raise ProblemError(f"two sheets named {brief(name)}", file=file, field=name)
        titles[name] = title
    for name in REQUIRED_SHEETS:
        if name not in titles:
            raise ProblemError(
                f"the workbook has no sheet named {brief(name)} (sheets: {', '.join(titles)})",
                file=file,
                field=name,
            )
    return {name: _sheet_rows(book[title], file, name) for name, title in titles.items()}


def read_workbook_rows(path: Path) -> dict[str, Numbered]:
    """The non-empty rows of each sheet of a problem workbook, by lower-case sheet name.

    Raises
    ------
    ProblemError
        A missing or unreadable file, one over the limits of
        :mod:`simulator.io.workbook` (``ROTA_MAX_XLSX_MB``, ``ROTA_MAX_ZIP_MEMBERS``),
        a sheet of more than ``ROTA_MAX_SHEET_ROWS`` rows, an unknown sheet or a
        missing one.
    """
    file = str(path)
    try:
        with open_workbook(path, file) as book:
            return _workbook_sheets(book, file)
    except RotaError as exc:
        raise _problem_error(exc) from None


def mapping_from_sheets(sheets: Mapping[str, Numbered], *, file: str) -> dict:
    """The problem mapping (as parsed from TOML) from the rows of a workbook's sheets."""
    data = problem_table(sheets.get("problem", []), file=file)
    for key in TABLE_KEYS:
        if key in sheets:
            data[key] = read_table(key, sheets[key], file=file)
    return data


def _in_sheet(exc: ProblemError, doctor_rows: Mapping[str, int]) -> ProblemError:
    """The problem reader's error with its field named by sheet (``doctors.grade``)."""
    field, message = exc.field, exc.message
    if (field or "").split(".")[0] not in SHEETS:
        if exc.doctor is not None:
            field = f"doctors.{field}" if field else "doctors"
            if exc.doctor in doctor_rows:
                message = f"{message} (row {doctor_rows[exc.doctor]})"
        elif field is not None:
            field = f"problem.{field}"
        elif exc.day is None:  # e.g. an unknown top-level key
            field = "problem"
    return ProblemError(message, file=exc.file, doctor=exc.doctor, day=exc.day, field=field)


def read_workbook_problem(
    path: str | Path,
    *,
    allow_outside: bool = False,
    pay_overrides: Mapping[str, object] | None = None,
) -> Problem:
    """Read a problem workbook (``.xlsx``).

    Parameters
    ----------
    path
        The workbook; relative ``reference_rota`` paths are resolved against its folder.
    allow_outside, pay_overrides
        As :func:`optimizer.problem.read_problem`.

    Raises
    ------
    ProblemError
        With a one-line message naming the file, the sheet (``doctors.grade``), the
        doctor and the row.
    """
    path = Path(path)
    file = str(path)
    sheets = read_workbook_rows(path)
    data = mapping_from_sheets(sheets, file=file)
    doctor_rows = {
        as_text(entry["id"]): n
        for n, entry in records(sheets["doctors"], file=file, sheet="doctors")
        if "id" in entry
    }
    try:
        return problem_from_mapping(
            data,
            file=file,
            base=path.parent,
            allow_outside=allow_outside,
            pay_overrides=pay_overrides,
        )
    except ProblemError as exc:
        raise _in_sheet(exc, doctor_rows) from None


# ----------------------------------------------------------------------------- writing


def _problem_rows(data: Mapping) -> list[list[Cell]]:
    rows: list[list[Cell]] = [["key", "value"]]

    def add(key: str, value: object) -> None:
        if isinstance(value, Mapping):
            for sub, v in value.items():
                add(f"{key}.{sub}", v)
        elif key == "combinable":
            rows.append([key, ", ".join("+".join(pair) for pair in value)])
        elif isinstance(value, list):
            rows.append([key, ", ".join(str(v) for v in value)])
        else:
            rows.append([key, value])

    for key, value in data.items():
        if key not in TABLE_KEYS:
            add(key, value)
    return rows


def _shift_rows(shifts: Mapping[str, Mapping]) -> list[list[Cell]]:
    columns = [c for c in SHIFT_COLUMNS[1:] if any(c in entry for entry in shifts.values())]
    return [["code", *columns]] + [
        [code, *(entry.get(c) for c in columns)] for code, entry in shifts.items()
    ]


def _cover_rows(cover: Mapping[str, Mapping]) -> list[list[Cell]]:
    items: list[tuple[str, str, dict]] = []
    for code, table in cover.items():
        for scope, spec in table.items():
            pairs = spec.items() if scope == "except" else [(scope, spec)]
            for days, s in pairs:
                items.append((code, days, {"count": s} if isinstance(s, int) else dict(s)))
    columns = [c for c in COVER_COLUMNS[2:] if any(c in spec for *_, spec in items)]
    for *_, spec in items:
        columns += [k for k in spec if k not in COVER_COLUMNS and k not in columns]
    return [["shift", "days", *columns]] + [
        [code, days, *(spec.get(c) for c in columns)] for code, days, spec in items
    ]


def _entry_rows(entries: Sequence[Mapping], order: Sequence[str]) -> list[list[Cell]]:
    """Rows of an entries sheet: the columns of ``order`` that are used, then any other."""
    columns = [c for c in order if any(c in entry for entry in entries)]
    for entry in entries:
        columns += [k for k in entry if k not in columns]

    def cell(value: object) -> Cell:
        return ", ".join(str(v) for v in value) if isinstance(value, list) else value

    return [columns] + [[cell(entry.get(c)) for c in columns] for entry in entries]


def problem_to_sheets(data: Mapping) -> dict[str, list[list[Cell]]]:
    """The rows of each sheet of a workbook holding a problem (parsed TOML, inline tables).

    The inverse of :func:`mapping_from_sheets`: plain counts are written to a ``count``
    column, lists as comma-separated text, dotted keys for nested tables.
    """
    sheets = {"problem": _problem_rows(data)}
    if "shifts" in data:
        sheets["shifts"] = _shift_rows(data["shifts"])
    if "cover" in data:
        sheets["cover"] = _cover_rows(data["cover"])
    for key in ("doctors", "leave", "fixed", "requests", "rolling"):
        if data.get(key):
            order = DOCTOR_COLUMNS if key in ("doctors", "rolling") else ENTRY_COLUMNS
            sheets[key] = _entry_rows(data[key], tuple(order))
    return sheets


def write_problem_workbook(data: Mapping, path: str | Path) -> None:
    """Write a problem (parsed TOML with inline tables) as an ``.xlsx`` workbook.

    Text cells are typed as text (never formulas; see :mod:`simulator.io.safety`).
    """
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in problem_to_sheets(data).items():
        write_sheet_rows(book.create_sheet(name), rows)
    book.save(path)


def write_table_csv(rows: Sequence[Sequence[Cell]], path: str | Path) -> None:
    """Write one sheet's rows (e.g. ``problem_to_sheets(data)["doctors"]``) as CSV.

    Text that a spreadsheet could take for a formula gets a leading ``'``
    (:func:`simulator.io.safety.escape_cell`); the CSV reader removes it.
    """

    def text(value: Cell) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, dt.date):
            return value.isoformat()
        return escape_cell(value) if isinstance(value, str) else str(value)

    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([text(v) for v in r] for r in rows)
