"""Read and write rota grids: CSV (shifts from a TOML file) and XLSX (shifts sheet).

A grid has one row per line and the columns ``id, grade, years, ltft, specialty``
(optionally ``criterion_r, resident, prospective_cover``), then one column per
cycle day. Each day cell holds ``-`` (or nothing) for a day off, or shift codes
joined by ``+``.

CSV grids take their shift definitions (and ``name``/``start``) from a TOML file
holding a ``[shifts]`` table; by default ``<grid>.shifts.toml`` beside the grid.
XLSX workbooks hold the grid on the first sheet, the shift definitions on a sheet
named ``shifts`` (columns ``code, start, end, kind, rest, expected_work``) and,
optionally, ``name`` and ``start`` on a sheet named ``meta`` (key, value rows).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import limits
from ..model import Line, Rota, RotaError, ShiftType, brief, format_clock
from .common import (
    LINE_KEYS,
    build_line,
    check_keys,
    check_limit,
    check_start,
    parse_cell,
    parse_start,
    read_text,
)
from .safety import escape_row, unescape_rows, write_sheet_rows
from .toml_rota import check_size, load_toml, parse_shift_table
from .workbook import open_workbook, sheet_rows

ATTRIBUTE_COLUMNS = tuple(k for k in LINE_KEYS if k != "pattern")
GRID_HEADER = ("id", "grade", "years", "ltft", "specialty")
SHIFT_COLUMNS = ("code", "start", "end", "kind", "rest", "expected_work")


def default_shifts_path(grid: Path) -> Path:
    """``rota.csv`` → ``rota.shifts.toml`` beside it."""
    return grid.with_name(grid.stem + ".shifts.toml")


def rota_from_rows(
    rows: Sequence[Sequence[object]],
    shifts: dict[str, ShiftType],
    *,
    file: str,
    name: str,
    start=None,
    first_row: int = 1,
    start_file: str | None = None,
) -> Rota:
    """Build a rota from grid rows (first row is the header).

    ``start_file`` names where ``start`` came from in errors (default ``file``).

    Text cells escaped against formulas (``'=x``, see :mod:`simulator.io.safety`)
    are read as written before escaping (``=x``).
    """
    if not rows:
        raise RotaError("the grid is empty", file=file)
    rows = unescape_rows(rows)
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    lowered = [h.lower() for h in header]
    if "id" not in lowered:
        raise RotaError("the header row needs an 'id' column", file=file, row=first_row, field="id")
    attr_cols = {h: i for i, h in enumerate(lowered) if h in ATTRIBUTE_COLUMNS}
    day_cols = [i for i, h in enumerate(lowered) if h not in ATTRIBUTE_COLUMNS]
    # trailing empty columns (spreadsheets) are not days
    while (
        day_cols
        and header[day_cols[-1]] == ""
        and all(len(r) <= day_cols[-1] or r[day_cols[-1]] in (None, "") for r in rows[1:])
    ):
        day_cols.pop()
    if not day_cols or len(day_cols) % 7:
        raise RotaError(
            f"the grid has {len(day_cols)} day columns: need whole weeks (a multiple of 7)",
            file=file,
            row=first_row,
            field="days",
        )
    weeks = len(day_cols) // 7
    check_limit(limits.ROTA_WEEKS, weeks, field="weeks", file=file, row=first_row)
    check_start(start, weeks, file=start_file or file)
    check_size(len(rows) - 1, len(day_cols), file=file)
    lines: list[Line] = []
    for r, row in enumerate(rows[1:], start=first_row + 1):
        cells = list(row) + [None] * (len(header) - len(row))
        if all(c in (None, "") for c in cells):
            continue
        if len(row) > len(header) and any(c not in (None, "") for c in row[len(header) :]):
            raise RotaError(
                f"row has {len(row)} cells but the header has {len(header)}",
                file=file,
                row=r,
                field="days",
            )
        table = {key: cells[i] for key, i in attr_cols.items()}
        line_id = table.get("id")
        where = {"file": file, "row": r, "line": line_id if isinstance(line_id, str) else None}
        days = tuple(parse_cell(cells[i], day, **where) for day, i in enumerate(day_cols))
        lines.append(build_line(table, days, file=file, row=r))
    return Rota(name=name, weeks=weeks, shifts=shifts, lines=tuple(lines), start=start, source=file)


def read_csv_rota(path: str | Path, shifts_path: str | Path | None = None) -> Rota:
    """Read a CSV grid with shift definitions from a TOML file.

    Parameters
    ----------
    path
        The CSV grid.
    shifts_path
        TOML file with a ``[shifts]`` table (and optional ``name``, ``start``);
        default ``<grid>.shifts.toml``.
    """
    path = Path(path)
    text = read_text(path)
    shifts_file = Path(shifts_path) if shifts_path else default_shifts_path(path)
    if not shifts_file.exists():
        raise RotaError(
            f"no shift definitions: expected {shifts_file.name} beside the grid or --shifts FILE",
            file=str(path),
            field="shifts",
        )
    data, _ = load_toml(shifts_file)
    check_keys(data, ("name", "start", "shifts", "weeks"), field="", file=str(shifts_file))
    shifts = parse_shift_table(data.get("shifts"), file=str(shifts_file))
    name = data.get("name", path.stem)
    if not isinstance(name, str):
        raise RotaError(
            f"name must be text, got {brief(name)}", file=str(shifts_file), field="name"
        )
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise RotaError(f"malformed CSV: {exc}", file=str(path)) from None
    return rota_from_rows(
        rows,
        shifts,
        file=str(path),
        name=name,
        start=parse_start(data.get("start"), file=str(shifts_file)),
        start_file=str(shifts_file),
    )


def _rows_of(book: Any, title: str, file: str, *, grid: bool = False) -> list[list[object]]:
    """A sheet's rows (empty rows kept, so that row numbers match the sheet's)."""
    limit = limits.LINES if grid else limits.SHIFT_TYPES
    rows = sheet_rows(book[title], file=file, name=title, limit=limit, header_rows=1)
    out: list[list[object]] = []
    for n, row in rows:
        out.extend([] for _ in range(n - 1 - len(out)))
        out.append(list(row))
    return out


def read_xlsx_rota(path: str | Path) -> Rota:
    """Read an XLSX workbook: grid on the first sheet, a ``shifts`` sheet, optional ``meta``.

    Raises
    ------
    RotaError
        An unreadable or oversized workbook (see :mod:`simulator.io.workbook`), a
        missing sheet, or a problem in the rota, naming file, sheet, row and field.
    """
    path = Path(path)
    file = str(path)
    with open_workbook(path, file) as book:
        names = book.sheetnames
        if "shifts" not in names:
            raise RotaError("the workbook needs a sheet named 'shifts'", file=file, field="shifts")
        grids = [n for n in names if n not in ("shifts", "meta")]
        if not grids:
            raise RotaError(
                "the workbook has no grid sheet (a sheet other than 'shifts' and 'meta')",
                file=file,
                field="sheets",
            )
        shift_rows = unescape_rows(_rows_of(book, "shifts", file))  # '=x written as text
        shifts = _shifts_from_rows(shift_rows, file=f"{file}[shifts]")
        meta: dict[str, object] = {}
        if "meta" in names:
            for row in unescape_rows(_rows_of(book, "meta", file)):
                if row and row[0] not in (None, ""):
                    meta[str(row[0]).strip()] = row[1] if len(row) > 1 else None
            check_keys(meta, ("name", "start", "key"), field="", file=f"{file}[meta]")
        grid_name = grids[0]
        rows = _rows_of(book, grid_name, file, grid=True)
    name = meta.get("name")
    start = parse_start(meta.get("start"), file=f"{file}[meta]")
    return rota_from_rows(
        rows,
        shifts,
        file=f"{file}[{grid_name}]",
        name=path.stem if name in (None, "") else str(name),
        start=start,
        start_file=f"{file}[meta]",
    )


def _shifts_from_rows(rows: list[list[object]], *, file: str) -> dict[str, ShiftType]:
    if not rows:
        raise RotaError("the shifts sheet is empty", file=file, field="shifts")
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    table: dict[str, Mapping] = {}
    for r, row in enumerate(rows[1:], start=2):
        entry = {h: v for h, v in zip(header, row, strict=False) if h and v not in (None, "")}
        if not entry:
            continue
        check_keys(entry, SHIFT_COLUMNS, field="shifts", file=file, row=r)
        code = str(entry.pop("code", "")).strip()
        if not code:
            raise RotaError("missing shift code", file=file, row=r, field="code")
        table[code] = entry
    return parse_shift_table(table, file=file)


def rota_to_rows(rota: Rota) -> list[list[object]]:
    """Grid rows (header first) for a rota."""
    extra = [
        k
        for k in ("criterion_r", "resident", "prospective_cover")
        if any(getattr(line, k) not in (None, False) for line in rota.lines)
    ]
    header = (
        list(GRID_HEADER)
        + extra
        + [
            f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[d % 7]}{d // 7 + 1}"
            for d in range(rota.n_days)
        ]
    )
    rows: list[list[object]] = [header]
    for line in rota.lines:
        row: list[object] = [
            line.id,
            line.grade,
            line.years,
            str(line.ltft).lower(),
            line.specialty,
        ]
        for key in extra:
            value = getattr(line, key)
            row.append("" if value is None else str(value).lower())
        row += ["+".join(c) if c else "-" for c in line.days]
        rows.append(row)
    return rows


def shifts_to_rows(rota: Rota) -> list[list[object]]:
    """Rows of the ``shifts`` sheet."""
    rows: list[list[object]] = [list(SHIFT_COLUMNS)]
    for s in rota.shifts.values():
        rows.append(
            [
                s.code,
                format_clock(s.start_min),
                format_clock(s.end_min),
                s.kind,
                s.rest_hours or None,
                s.expected_work_hours,
            ]
        )
    return rows


def write_csv_rota(rota: Rota, path: str | Path, shifts_path: str | Path | None = None) -> None:
    """Write a CSV grid and its ``.shifts.toml`` beside it."""
    from .toml_rota import _q, shift_to_toml

    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(escape_row(row) for row in rota_to_rows(rota))
    lines = [f"name = {_q(rota.name)}"]
    if rota.start is not None:
        lines.append(f"start = {rota.start.isoformat()}")
    lines += ["", "[shifts]"] + [shift_to_toml(s) for s in rota.shifts.values()]
    target = Path(shifts_path) if shifts_path else default_shifts_path(path)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_xlsx_rota(rota: Rota, path: str | Path) -> None:
    """Write an XLSX workbook: ``rota`` grid, ``shifts`` and ``meta`` sheets.

    Text cells are typed as text, so a line id like ``=1+1`` is never a formula.
    """
    import openpyxl

    book = openpyxl.Workbook()
    grid = book.active
    grid.title = "rota"
    write_sheet_rows(grid, rota_to_rows(rota))
    write_sheet_rows(book.create_sheet("shifts"), shifts_to_rows(rota))
    meta: list[list[object]] = [["key", "value"], ["name", rota.name]]
    if rota.start is not None:
        meta.append(["start", rota.start.isoformat()])
    write_sheet_rows(book.create_sheet("meta"), meta)
    book.save(path)
