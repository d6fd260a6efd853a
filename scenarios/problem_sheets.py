"""Convert a TOML problem to a workbook and CSV tables (`python -m scenarios.problem_sheets`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Convert a TOML problem to a workbook, and optionally its tables to CSV.

    ``python -m scenarios.problem_sheets PROBLEM.toml OUT.xlsx [--csv PREFIX]``
    writes the workbook and, with ``--csv``, ``PREFIX_doctors.csv`` and
    ``PREFIX_cover.csv`` (the bundled spreadsheet examples are made this way from
    ``medicine_f1.toml``).
    """
    import argparse
    import tomllib

    from optimizer.problem_sheets import (
        problem_to_sheets,
        write_problem_workbook,
        write_table_csv,
    )

    parser = argparse.ArgumentParser(prog="python -m scenarios.problem_sheets")
    parser.add_argument("problem", type=Path)
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--csv", metavar="PREFIX", type=Path)
    args = parser.parse_args(argv)
    data = tomllib.loads(args.problem.read_text("utf-8"))
    write_problem_workbook(data, args.workbook)
    if args.csv is not None:
        sheets = problem_to_sheets(data)
        for key in ("doctors", "cover"):
            write_table_csv(sheets[key], f"{args.csv}_{key}.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
