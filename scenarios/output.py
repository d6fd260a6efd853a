"""Rendering results for the terminal: rich tables, JSON and CSV on stdout."""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Iterable, Mapping, Sequence

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "json", "csv")


def add_format_option(parser) -> None:
    """Add ``--format table|json|csv`` to a sub-command parser."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output format (JSON and CSV go to stdout)",
    )


def console() -> Console:
    """A console on stdout, wide enough for tables when output is not a terminal."""
    return Console(width=None if sys.stdout.isatty() else 160, highlight=False)


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
    """Print rows as CSV with a header."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    styles: Sequence[str | None] | None = None,
    caption: str | None = None,
) -> None:
    """Print a rich table; ``styles`` gives an optional style per row."""
    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i == 0 else "right", no_wrap=i == 0)
    for i, row in enumerate(rows):
        table.add_row(*row, style=styles[i] if styles else None)
    console().print(table)


def one_in(frequency: float) -> str:
    """Format a frequency as '1 in N' ('never' for zero)."""
    if frequency <= 0:
        return "never"
    return f"1 in {1.0 / frequency:.2f}".rstrip("0").rstrip(".")
