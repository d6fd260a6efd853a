"""Markdown tables of benchmark runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from optimizer.nrp.model import NrpResult

__all__ = ["TableRow", "markdown_table", "parse_instance_list"]


@dataclass(frozen=True, slots=True)
class TableRow:
    """One solved instance with its size.

    Attributes
    ----------
    number : int
        Instance number.
    days, staff, shift_types : int
        Instance size.
    result : NrpResult
        Solver outcome.
    """

    number: int
    days: int
    staff: int
    shift_types: int
    result: NrpResult


def parse_instance_list(text: str) -> list[int]:
    """Parse ``"1-7,9,11-12"`` into ``[1, ..., 7, 9, 11, 12]``.

    Parameters
    ----------
    text : str
        Comma-separated numbers and inclusive ranges.

    Returns
    -------
    list of int
        Instance numbers in the given order, without duplicates.

    Raises
    ------
    ValueError
        If an item is not a number or a range ``a-b`` with ``a <= b``.
    """
    out: list[int] = []
    for item in (p.strip() for p in text.split(",") if p.strip()):
        lo, sep, hi = item.partition("-")
        if not lo.isdigit() or (sep and not hi.isdigit()):
            raise ValueError(f"bad instance item {item!r}")
        first, last = int(lo), int(hi) if sep else int(lo)
        if first > last:
            raise ValueError(f"bad instance range {item!r}")
        out.extend(n for n in range(first, last + 1) if n not in out)
    return out


def _fmt_gap(gap: float | None) -> str:
    return "-" if gap is None else f"{100 * gap:.2f}%"


def markdown_table(rows: Sequence[TableRow]) -> str:
    """Render solved instances as a markdown table.

    Parameters
    ----------
    rows : sequence of TableRow
        Solved instances.

    Returns
    -------
    str
        Markdown table (header, separator, one line per instance).
    """
    lines = [
        "| instance | days | staff | shift types | objective | bound | best known | gap"
        " | status | time (s) | evaluator check |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for row in rows:
        r = row.result
        check = "ok" if r.roster is not None and not r.objective_mismatch else "MISMATCH"
        if r.roster is None:
            check = "-"
        lines.append(
            f"| {row.number} | {row.days} | {row.staff} | {row.shift_types}"
            f" | {'-' if r.objective is None else r.objective} | {r.bound:.0f}"
            f" | {'-' if r.best_known is None else r.best_known} | {_fmt_gap(r.gap)}"
            f" | {r.status} | {r.wall_time_s:.1f} | {check} |"
        )
    return "\n".join(lines) + "\n"
