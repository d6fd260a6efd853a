"""Rendering results for the terminal: rich tables, JSON and CSV on stdout.

Tables fit the terminal without cutting a figure: numbers are never shortened with
an ellipsis, headers wrap onto two lines when that is enough, a table too wide for
the terminal is split into several (the first column repeated), and as a last
resort each row is printed as a block of ``header: value`` lines. ``rich`` is
imported only when something is printed, so building the parser stays fast.
"""

from __future__ import annotations

import csv
import json
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

FORMATS = ("table", "json", "csv")
#: Console width when stdout is not a terminal and ``COLUMNS`` is not set.
PIPE_WIDTH = 160
#: A column whose longest cell is longer than this and has spaces may wrap its cells.
WRAP_CELLS_OVER = 24
#: The one-line notice printed before the first kernel compilation.
COMPILE_NOTICE = "compiling kernels (first run only, about a minute)…"
_notice_installed = False


def add_format_option(parser, formats: Sequence[str] = FORMATS) -> None:
    """Add ``--format table|json|csv`` (or the given subset) to a sub-command parser."""
    parser.add_argument(
        "--format",
        choices=tuple(formats),
        default="table",
        help="output format (JSON and CSV go to stdout)",
    )


def console() -> Console:
    """A console on stdout.

    Its width is the terminal's; when stdout is not a terminal, ``COLUMNS`` when set,
    else :data:`PIPE_WIDTH`.
    """
    from rich.console import Console

    columns = os.environ.get("COLUMNS", "")
    width = None if sys.stdout.isatty() or columns.isdigit() else PIPE_WIDTH
    return Console(width=width, highlight=False)


def _clean(value):
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def print_json(obj) -> None:
    """Print ``obj`` as JSON (NaN and infinities become null)."""
    json.dump(_clean(obj), sys.stdout, indent=2, allow_nan=False)
    sys.stdout.write("\n")


def print_csv(header: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Print rows as CSV with a header.

    Text a spreadsheet could take for a formula (``=…``, ``+…``, ``-…``, ``@…``) gets
    a leading ``'``; numbers are written as they are (see :mod:`simulator.io.safety`).
    """
    from simulator.io.safety import escape_row

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(escape_row(header))
    writer.writerows(escape_row(row) for row in rows)


@dataclass
class _Column:
    """A column to lay out: its cells and the widths it may take."""

    header: str
    cells: list[str]
    wrap: bool
    natural: int
    minimum: int


def _text_width(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(part) for part in text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    return max((_text_width(word) for word in text.split()), default=0)


def _column(header: str, cells: list[str], first: bool) -> _Column:
    """Measure a column: numbers (and the first column) never wrap; the header may."""
    widest = max((_text_width(c) for c in cells), default=0)
    wrap = not first and widest > WRAP_CELLS_OVER and any(" " in c for c in cells)
    cell_min = max((_longest_word(c) for c in cells), default=0) if wrap else widest
    minimum = max(cell_min, _text_width(header) if first else _longest_word(header), 1)
    return _Column(header, cells, wrap, max(widest, _text_width(header), 1), minimum)


def table_width(widths: Sequence[int]) -> int:
    """Width of a boxed rich table whose columns hold ``widths`` characters."""
    return sum(widths) + 3 * len(widths) + 1


def fit_widths(columns: Sequence[_Column], width: int) -> list[int] | None:
    """Column widths that fit ``width``, or None when even the minimum widths do not.

    Columns start at their minimum; spare room goes first to the columns that need
    least of it to reach their natural width (so as few headers as possible wrap).
    """
    widths = [c.minimum for c in columns]
    spare = width - table_width(widths)
    if spare < 0:
        return None
    for i in sorted(range(len(columns)), key=lambda i: columns[i].natural - widths[i]):
        grow = min(spare, columns[i].natural - widths[i])
        widths[i] += grow
        spare -= grow
    return widths


def _fits(columns: Sequence[_Column], width: int, natural: bool) -> bool:
    if natural:
        return table_width([c.natural for c in columns]) <= width
    return fit_widths(columns, width) is not None


def _pack(columns: Sequence[_Column], width: int, natural: bool) -> list[list[int]] | None:
    """Greedy packing of columns 1.. into tables of at most ``width``, each led by column 0.

    ``natural``: columns at their natural widths (no header wraps), else at their
    minimum widths. None when column 0 and some other column do not fit together.
    """
    groups: list[list[int]] = []
    current: list[int] = []
    for i in range(1, len(columns)):
        if _fits([columns[j] for j in (0, *current, i)], width, natural):
            current.append(i)
            continue
        if not current or not _fits([columns[0], columns[i]], width, natural):
            return None
        groups.append([0, *current])
        current = [i]
    return [*groups, [0, *current]]


def split_columns(columns: Sequence[_Column], width: int) -> list[list[int]] | None:
    """Indexes of the columns of each table when one table does not fit.

    Every group starts with column 0 (the row label). As few tables as packing at
    the columns' minimum widths needs; at their natural widths (headers on one line)
    when that needs no more tables. The tables are then made as even as possible
    (packed to the narrowest width that needs no more of them). None when the label
    and some other column do not fit side by side.
    """
    groups = _pack(columns, width, natural=False)
    if groups is None:
        return None
    natural = False
    at_natural = _pack(columns, width, natural=True)
    if at_natural is not None and len(at_natural) == len(groups):
        groups, natural = at_natural, True
    for narrower in range(width - 1, 0, -1):
        trial = _pack(columns, narrower, natural)
        if trial is None or len(trial) > len(groups):
            break
        groups = trial
    return groups


def _render(
    columns: Sequence[_Column], widths: Sequence[int], styles: Sequence[str | None] | None
) -> Table:
    """A rich table of ``columns`` at fixed ``widths``."""
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for i, (col, w) in enumerate(zip(columns, widths, strict=True)):
        justify = "left" if i == 0 or col.wrap else "right"
        table.add_column(Text(col.header), justify=justify, width=w, overflow="fold")
    n_rows = len(columns[0].cells) if columns else 0
    for r in range(n_rows):
        table.add_row(*(Text(c.cells[r]) for c in columns), style=styles[r] if styles else None)
    return table


def _print_vertical(
    out: Console, title: str, columns: Sequence[_Column], caption: str | None
) -> None:
    """Each row as a block: the label, then one ``header: value`` line per column."""
    from rich.text import Text

    out.print(Text(title))
    for r in range(len(columns[0].cells)):
        out.print(Text(f"{columns[0].header or 'row'}: {columns[0].cells[r]}"))
        for col in columns[1:]:
            out.print(Text(f"  {col.header}: {col.cells[r]}"))
    if caption:
        out.print(Text(caption))


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    styles: Sequence[str | None] | None = None,
    caption: str | None = None,
) -> None:
    """Print a rich table that fits the console without cutting a figure.

    Parameters
    ----------
    title, caption
        Printed above and below the table (wrapped to the console's width).
    columns
        Headers; the first column labels the rows and is repeated when the table
        is split.
    rows
        Cells (converted with ``str``; rich markup is not interpreted).
    styles
        An optional style per row (e.g. ``"green"``).
    """
    from rich.text import Text

    cells = [[str(v) for v in row] for row in rows]
    cols = [_column(h, [row[i] for row in cells], i == 0) for i, h in enumerate(columns)]
    out = console()
    widths = fit_widths(cols, out.width)
    groups = [list(range(len(cols)))] if widths is not None else split_columns(cols, out.width)
    if groups is None:
        _print_vertical(out, title, cols, caption)
        return
    out.print(Text(title, style="table.title"))
    for k, group in enumerate(groups):
        part = [cols[i] for i in group]
        if k:
            out.print(Text("(continued)", style="table.title"))
        out.print(_render(part, fit_widths(part, out.width) or [], styles))
    if caption:
        out.print(Text(caption, style="table.caption"))


def one_in(frequency: float) -> str:
    """Format a frequency as '1 in N' ('never' for zero)."""
    if frequency <= 0:
        return "never"
    return f"1 in {1.0 / frequency:.2f}".rstrip("0").rstrip(".")


def announce_kernel_compiles(stream: IO[str] | None = None, *, force: bool = False) -> bool:
    """Print :data:`COMPILE_NOTICE` once, just before Numba first compiles a kernel.

    Kernels are cached on disk after their first compilation, so the notice shows
    on a first run (or after the kernels changed) and not otherwise. Numba's
    ``numba:compile`` event fires only for a real compilation, not a cache load.

    Parameters
    ----------
    stream
        Where to print (default ``sys.stderr``).
    force
        Install the notice even when ``stream`` is not a terminal.

    Returns
    -------
    bool
        Whether the notice was installed (not when the stream is not a terminal,
        or Numba is unavailable or disabled).
    """
    global _notice_installed
    stream = stream if stream is not None else sys.stderr
    if not (force or stream.isatty()) or os.environ.get("NUMBA_DISABLE_JIT", "0") == "1":
        return False
    if _notice_installed and not force:
        return True
    try:
        from numba.core import event
    except ImportError:  # pragma: no cover - numba is a dependency
        return False

    class _Notice(event.Listener):
        printed = False

        def on_start(self, ev) -> None:
            if not self.printed:
                self.printed = True
                print(COMPILE_NOTICE, file=stream, flush=True)

        def on_end(self, ev) -> None:
            pass

    event.register("numba:compile", _Notice())
    _notice_installed = True
    return True
