"""Run benchmark instances at a fixed time limit and write a markdown results table.

Example::

    python benchmarks/nrp_table.py --instances 1-12 --time-limit 60 --out docs/nrp_results.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

from optimizer.nrp import instance_path, read_instance, solve
from optimizer.nrp.report import TableRow, markdown_table, parse_instance_list


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not available on every platform
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        Process exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="1-12", help="e.g. 1-7,9 (default 1-12)")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="markdown file to write")
    args = parser.parse_args(argv)

    rows = []
    load_before = _load()
    for number in parse_instance_list(args.instances):
        inst = read_instance(instance_path(number))
        result = solve(inst, args.time_limit, seed=args.seed, workers=args.workers)
        rows.append(TableRow(number, inst.horizon, len(inst.staff), len(inst.shifts), result))
        print(json.dumps({"instance": number, **result.to_dict()}), flush=True)
    table = markdown_table(rows)
    print(table)
    if args.out is not None:
        command = (
            f"python benchmarks/nrp_table.py --instances {args.instances}"
            f" --time-limit {args.time_limit:g} --seed {args.seed} --workers {args.workers}"
            f" --out {args.out}"
        )
        header = [
            "# Shift scheduling benchmark (Curtois & Qu instances) results",
            "",
            f"Command: `{command}`",
            "",
            f"Run on {dt.date.today().isoformat()}, {platform.machine()},"
            f" {os.cpu_count()} logical CPUs, Python {platform.python_version()};"
            f" load average (1/5/15 min) before the run {load_before}, after {_load()}.",
            "Time limit per instance includes model building; `objective` is the"
            " independent evaluator's score of the returned roster; gap is relative to"
            " the best known value.",
            "",
        ]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(header) + "\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
