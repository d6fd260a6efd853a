"""``rota nrp`` sub-command: solve one benchmark instance and print JSON.

``register(subparsers)`` follows the convention of :mod:`scenarios.commands`
modules, so a command module only needs ``from optimizer.nrp.cli import register``.
"""

from __future__ import annotations

import argparse
import json
import sys

from optimizer.nrp import instance_path, read_instance, solve
from optimizer.nrp.instance import NrpFormatError

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``nrp`` sub-command.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The parent parser's sub-parser collection.

    Returns
    -------
    argparse.ArgumentParser
        The new sub-parser (its ``run`` default is :func:`run`).
    """
    parser = subparsers.add_parser(
        "nrp",
        help="solve a shift scheduling benchmark instance (Curtois & Qu 2014)",
        description="Solve a benchmark instance and print a JSON summary.",
    )
    parser.add_argument("instance", metavar="INSTANCE", help="instance number 1-24 or a file path")
    parser.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="seconds")
    parser.add_argument("--seed", type=int, default=1, metavar="N")
    parser.add_argument("--workers", type=int, default=2, metavar="W", help="CP-SAT threads")
    parser.add_argument("--roster", action="store_true", help="include the roster in the JSON")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``rota nrp``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of the ``nrp`` sub-command.

    Returns
    -------
    int
        0 when a roster was found, 2 for unreadable input, 3 when infeasible or
        no roster was found in time.
    """
    try:
        inst = read_instance(instance_path(args.instance))
    except (NrpFormatError, OSError) as exc:
        print(f"rota: error: {exc}", file=sys.stderr)
        return 2
    result = solve(inst, args.time_limit, seed=args.seed, workers=args.workers)
    payload = result.to_dict()
    if getattr(args, "roster", False) and result.roster is not None:
        payload["roster"] = {
            staff.id: list(row) for staff, row in zip(inst.staff, result.roster, strict=True)
        }
    print(json.dumps(payload, indent=2))
    return 0 if result.roster is not None else 3
