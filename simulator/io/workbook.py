"""Opening ``.xlsx`` workbooks safely, for the rota and problem readers.

An ``.xlsx`` file is a zip archive of XML parts. Before openpyxl sees it, the zip
directory is checked: a readable archive of at most ``ROTA_MAX_ZIP_MEMBERS``
members whose declared sizes add up to at most ``ROTA_MAX_XLSX_MB`` (Python's
zip reader never unpacks a member past its declared size, so a zip bomb stops
there). Every failure of openpyxl while opening or reading a sheet (malformed
XML, a corrupt deflate stream, a missing part) becomes one
:class:`~simulator.model.RotaError`; openpyxl raises many kinds of exception for
these, so they are caught broadly here and nowhere else.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import limits
from ..limits import Limit
from ..model import RotaError
from .common import size_mb

#: Rows as read from a sheet: ``(row number from 1, cells)``.
NumberedRows = list[tuple[int, tuple[object, ...]]]


def unreadable(exc: BaseException, file: str) -> RotaError:
    """The error for a workbook openpyxl cannot read (reason: the first line, cut short)."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if len(reason) > 100:
        reason = reason[:97] + "..."
    return RotaError(f"not a readable .xlsx workbook: {reason}", file=file)


def check_zip(path: Path, file: str) -> None:
    """Refuse a file that is not a zip archive, or one too large or of too many members.

    Raises
    ------
    RotaError
        Naming the file and, for a size, the limit and its environment variable.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except FileNotFoundError:
        raise RotaError("no such file", file=file) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise unreadable(exc, file) from None
    except NotImplementedError as exc:  # e.g. a compression method zipfile does not know
        raise unreadable(exc, file) from None
    if (message := limits.ZIP_MEMBERS.exceeded(len(members), "members")) is not None:
        raise RotaError(message, file=file)
    total = sum(info.file_size for info in members)
    if (message := limits.XLSX_MB.exceeded(size_mb(total), "size")) is not None:
        raise RotaError(message, file=file)


@contextmanager
def open_workbook(path: Path, file: str | None = None) -> Iterator[Any]:
    """Open a workbook read-only (values, not formulas) after :func:`check_zip`.

    A context manager: the workbook and its file are closed on leaving, also when
    openpyxl fails half-way through opening it.

    Yields
    ------
    openpyxl.Workbook

    Raises
    ------
    RotaError
        A missing, empty, oversized or unreadable file.
    """
    import openpyxl

    file = file or str(path)
    if not path.is_file():
        raise RotaError("no such file", file=file)
    if path.stat().st_size == 0:
        raise RotaError("the file is empty", file=file)
    check_zip(path, file)
    with path.open("rb") as handle, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on unsupported Excel features
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # any failure to parse is an unreadable workbook
            raise unreadable(exc, file) from None
        try:
            yield book
        finally:
            book.close()


def _rows(sheet: Any) -> Iterator[tuple[int, Sequence[object]]]:
    if hasattr(sheet, "reset_dimensions"):  # read-only sheets trust a stored size otherwise
        sheet.reset_dimensions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)


def sheet_rows(
    sheet: object,
    *,
    file: str,
    name: str,
    limit: Limit,
    header_rows: int = 0,
    skip_empty: bool = False,
) -> NumberedRows:
    """The rows of a sheet, trailing empty cells dropped, within a limit on the rows.

    Parameters
    ----------
    sheet
        An openpyxl sheet.
    file, name
        The workbook and the sheet, as named in errors.
    limit
        Limit on the rows other than the ``header_rows`` first ones.
    skip_empty
        Leave out rows with no value.

    The cells read are limited too (``ROTA_MAX_GRID_CELLS``): a row is as wide as
    its last cell, so one cell in column XFD makes a row of 16,384 cells.

    Raises
    ------
    RotaError
        A sheet that is not a worksheet, too many rows or cells, or one openpyxl
        cannot parse (naming the file and the sheet).
    """
    if not hasattr(sheet, "iter_rows"):
        raise RotaError(f"sheet {name!r} is not a worksheet", file=file, field=name)
    out: NumberedRows = []
    cells = 0
    max_cells, max_rows = limits.GRID_CELLS.value, limit.value + header_rows
    try:
        for n, row in _rows(sheet):
            cells += len(row)
            if cells > max_cells:
                message = limits.GRID_CELLS.exceeded(cells, "cells")
                raise RotaError(f"sheet {name!r}: {message}", file=file, field=name)
            end = len(row)
            while end and _blank(row[end - 1]):
                end -= 1
            if skip_empty and end == 0:
                continue
            out.append((n, tuple(row[:end])))
            if len(out) > max_rows:
                message = limit.exceeded(len(out) - header_rows, "rows")
                raise RotaError(f"sheet {name!r}: {message}", file=file, field=name)
    except RotaError:
        raise
    except Exception as exc:  # sheets are parsed lazily, while their rows are read
        raise unreadable(exc, file) from None
    return out


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
