"""``rota nrp INSTANCE``: solve an instance of the public shift-scheduling benchmark.

Prints the objective (scored by the independent evaluator), the proven lower bound, the
best known value and the gap to it. ``INSTANCE`` is a number 1-24 (one of the
instances shipped with the package, or from the folder ``$ROTA_NRP_DATA`` when set)
or a file path.
Exit 0 when a roster was found, 2 for unreadable input, 3 when none was found.
"""

from __future__ import annotations

import sys

from ..output import add_format_option, print_csv, print_json, print_table
from ._common import MAX_WORKERS, cp_sat_seed, time_limit, whole_number

#: Fields shown in the table and CSV, in order.
FIELDS = ("instance", "objective", "bound", "best_known", "gap", "status", "wall_time_s")


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "nrp",
        help="solve a public shift-scheduling benchmark instance (Curtois & Qu 2014)",
        description=__doc__,
    )
    parser.add_argument("instance", metavar="INSTANCE", help="instance number 1-24 or a file path")
    parser.add_argument("--time-limit", type=time_limit, default=60.0, metavar="S", help="seconds")
    parser.add_argument("--seed", type=cp_sat_seed, default=1, metavar="N")
    workers = whole_number(1, MAX_WORKERS)
    parser.add_argument("--workers", type=workers, default=2, metavar="W", help="CP-SAT threads")
    parser.add_argument("--roster", action="store_true", help="include the roster in the JSON")
    add_format_option(parser)
    parser.set_defaults(run=run, format="json")


def run(args) -> int:
    """Run ``rota nrp``."""
    from optimizer.nrp import instance_path, read_instance, solve
    from optimizer.nrp.instance import NrpFormatError

    try:
        inst = read_instance(instance_path(args.instance))
    except (NrpFormatError, OSError) as exc:
        print(f"rota: error: {exc}", file=sys.stderr)
        return 2
    result = solve(inst, args.time_limit, seed=args.seed, workers=args.workers)
    payload = result.to_dict()
    if args.roster and result.roster is not None:
        payload["roster"] = {
            staff.id: list(row) for staff, row in zip(inst.staff, result.roster, strict=True)
        }
    if args.format == "json":
        print_json(payload)
    elif args.format == "csv":
        print_csv(FIELDS, [[payload.get(k) for k in FIELDS]])
    else:
        gap = payload.get("gap")
        rows = [[k, "-" if payload.get(k) is None else str(payload.get(k))] for k in FIELDS]
        if gap is not None:
            rows[FIELDS.index("gap")][1] = f"{gap:.2%}"
        print_table(f"{payload['instance']}: shift-scheduling benchmark", ["", "value"], rows)
    return 0 if result.roster is not None else 3
