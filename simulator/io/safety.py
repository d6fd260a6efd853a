"""Output safety: spreadsheet cells written as text, and paths kept inside a folder.

**Cells.** A spreadsheet treats a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return as the start of a formula (CSV injection). Every cell the
engine writes goes through this module:

- XLSX: text cells are typed as text (``cell.data_type = "s"``), never as formulas;
- CSV: a text cell beginning with one of those characters gets a leading single
  quote (``=1+1`` → ``'=1+1``, the OWASP advice). Numbers stay numbers: only text
  is escaped (a number such as -1234.5 is written as it is), and a lone ``-`` (a
  day off in a rota grid, a missing value) cannot be a formula and is left alone.

Readers undo the escape (:func:`unescape_cell`): a leading quote followed by one of
those characters is dropped, so everything the engine writes it reads back. Text
that itself begins with quotes and then one of those characters gets one quote
more, so the mapping is exact both ways.

**Paths.** :func:`reference_path` resolves a file named inside an input file
(``reference_rota``, ``workforce.rotas``) and refuses one leaving the allowed
folder; :func:`safe_name` and :func:`child_path` build output file names from user
data without leaving the output folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..model import UserError

#: Characters that start a formula when they begin a spreadsheet cell.
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
_DANGEROUS = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^''*[=+\-@\t\r]")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
#: Longest file name built by :func:`safe_name`, characters.
MAX_NAME = 120


class PathOutsideError(UserError):
    """A file named in an input file lies outside the folder it may read from."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# ----------------------------------------------------------------------------- cells


def needs_escape(value: object) -> bool:
    """Whether a cell is text a spreadsheet could take for a formula (see module doc)."""
    return isinstance(value, str) and value != "-" and _DANGEROUS.match(value) is not None


def escape_cell(value: Any) -> Any:
    """A CSV cell: dangerous text with a leading ``'``; anything else unchanged."""
    return "'" + value if needs_escape(value) else value


def escape_row(row: Iterable[Any]) -> list[Any]:
    """:func:`escape_cell` applied to every cell of a row."""
    return [escape_cell(v) for v in row]


def unescape_cell(value: Any) -> Any:
    """Undo :func:`escape_cell`: drop one leading ``'`` before a formula character."""
    if isinstance(value, str) and _ESCAPED.match(value):
        rest = value[1:]
        if needs_escape(rest):
            return rest
    return value


def unescape_rows(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """:func:`unescape_cell` applied to every cell of every row."""
    return [[unescape_cell(v) for v in row] for row in rows]


def write_sheet_rows(sheet: Any, rows: Iterable[Sequence[Any]]) -> None:
    """Write rows to an empty openpyxl worksheet from A1, every text cell typed as text.

    Parameters
    ----------
    sheet
        A fresh ``openpyxl`` worksheet.
    rows
        Cells; text is stored as a string (``data_type "s"``), never as a formula.
        Text beginning with quotes and a formula character gets one more quote, as
        :func:`escape_cell` would, so that :func:`unescape_cell` reads it back.
    """
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            if isinstance(value, str):
                text = "'" + value if value.startswith("'") and needs_escape(value) else value
                cell = sheet.cell(row=r, column=c, value=text)
                cell.data_type = "s"
            else:
                sheet.cell(row=r, column=c, value=value)


def escape_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame with :func:`escape_cell` applied to its text cells.

    Used before ``DataFrame.to_csv``; numeric columns are left as they are.
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].map(escape_cell)
    return out


# ----------------------------------------------------------------------------- paths


def safe_name(text: object, *, default: str = "file") -> str:
    """A file name from user data: ``[A-Za-z0-9._-]`` kept, anything else ``_``.

    Never empty, never ``.`` or ``..``, never starting with ``.`` (hidden files),
    at most :data:`MAX_NAME` characters.
    """
    name = _UNSAFE_NAME.sub("_", str(text))[:MAX_NAME]
    name = name.lstrip(".") or default
    return name


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` once both are resolved (symlinks, ``..``)."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def child_path(folder: str | Path, *parts: str) -> Path:
    """``folder / parts…`` with the last part made a safe file name (:func:`safe_name`).

    Raises
    ------
    simulator.model.UserError
        The result would lie outside ``folder`` (a link out of it).
    """
    folder = Path(folder)
    *dirs, last = parts
    for part in dirs:
        if safe_name(part) != part:
            raise UserError(f"{folder}: refusing the sub-folder name {part[:40]!r}")
    path = folder.joinpath(*dirs, safe_name(last))
    if not inside(path, folder):
        raise UserError(f"{path}: refusing to write outside {folder}")
    return path


def check_out_folder(path: str | Path, option: str = "--out") -> Path:
    """An output folder given on the command line; refuse an existing file at once.

    Raises
    ------
    simulator.model.UserError
        ``path`` exists and is not a folder.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserError(f"{option} {path}: exists and is not a folder")
    return path


def trusted_folders() -> tuple[Path, ...]:
    """Folders whose files are trusted to name any file below them: the bundled examples."""
    from ..examples import example_path

    return (example_path(""),)


def reference_root(base: Path, trusted: Iterable[Path] = ()) -> Path:
    """The folder files named in an input file in ``base`` may come from.

    ``base`` itself, or the bundled examples folder (:func:`trusted_folders`, plus
    ``trusted``) when ``base`` lies inside it: bundled problems name rotas in their
    parent folder.
    """
    for folder in (*trusted_folders(), *trusted):
        if inside(base, folder):
            return Path(folder)
    return Path(base)


def reference_path(
    name: str, base: Path, *, allow_outside: bool = False, what: str = "the file's folder"
) -> Path:
    """Resolve a file named in an input file and refuse it when it leaves its folder.

    Parameters
    ----------
    name
        The path as written (relative to ``base``, or absolute).
    base
        The folder of the file that names it.
    allow_outside
        Accept any path (``--allow-outside``).
    what
        How the folder is named in the error (``"the problem's folder"``).

    Raises
    ------
    PathOutsideError
        The path, after resolving links and ``..``, leaves :func:`reference_root`.
    """
    if "\x00" in name:
        raise PathOutsideError(f"{short(repr(name))} is not a file name")
    path = Path(name)
    path = path if path.is_absolute() else Path(base) / path
    if not allow_outside and not inside(path, reference_root(Path(base))):
        shown = name if len(name) <= 80 else name[:77] + "..."
        raise PathOutsideError(f"{shown} is outside {what} (use --allow-outside to allow it)")
    return path


def short(text: object, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters (with ``…``), for quoting file content."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
