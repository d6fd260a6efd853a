"""``rota sweep SCENARIO --out DIR``: run a scenario's grid × seeds and write tidy results.

Runs go to a process pool (``--workers N``) or a Dask distributed cluster
(``--cluster ADDRESS``; needs the cluster extra: pip install 'rota-engine[cluster]').
Each finished run is written at once to DIR/runs/, so an interrupted sweep resumes
where it stopped when run again; a failing run is reported in DIR/errors.csv and
does not stop the others. DIR also gets results.parquet / results.csv (columns
scenario_id, run_id, seed, year, grade, line_id, measure, value), manifest.csv and
summary.csv; ``--report`` adds a report folder with plots and an index.html. Exit
status 1 when a run failed.

A run's id covers the whole resolved scenario and the parameter and rota files it
reads (DIR/identity.json): a DIR holding the results of a different scenario is
refused with the keys that differ; ``--fresh`` deletes them and recomputes. One sweep
at a time writes DIR (DIR/.sweep.lock holds its pid; a lock left by a killed sweep is
taken over). Killed sweeps resume; their pool workers die with them.
"""

from __future__ import annotations

import argparse
import importlib.util

from ..output import print_csv, print_json, print_table
from ._common import MAX_WORKERS, add_allow_outside, make_out_folder, whole_number

FORMATS = ("table", "json", "csv")


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "sweep",
        help="run a scenario sweep (grid x seeds) with resumable tidy results",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario file (.toml)")
    parser.add_argument("--out", metavar="DIR", required=True, help="output folder")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=whole_number(0, MAX_WORKERS),
        default=None,
        metavar="N",
        help="worker processes (default: CPU count; 0 = in this process)",
    )
    where.add_argument(
        "--cluster", metavar="ADDRESS", default=None, help="Dask scheduler, e.g. tcp://host:8786"
    )
    parser.add_argument(
        "--report", action="store_true", help="also write a report folder DIR/report"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="delete the results already in DIR (of this or another scenario) and recompute",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output format (JSON/CSV to stdout)"
    )
    add_allow_outside(parser, "scenario file (workforce.rotas)")
    parser.set_defaults(run=run)


def _fmt(value: object, column: str = "") -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        if column.endswith("_year"):
            return f"{value:.0f}"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"
    return str(value)


def run(args) -> int:
    """Run ``rota sweep``."""
    from simulator.io.safety import check_out_folder
    from simulator.model import UserError

    from ..scenario import read_scenario
    from ..sweep import CLUSTER_EXTRA_MESSAGE, check_cluster_address, run_sweep

    out = check_out_folder(args.out)  # before any work
    if args.cluster:
        args.cluster = check_cluster_address(args.cluster)
    if args.cluster and importlib.util.find_spec("distributed") is None:
        raise UserError(CLUSTER_EXTRA_MESSAGE)
    scenario = read_scenario(args.scenario, allow_outside=args.allow_outside)
    make_out_folder(out)  # a place no folder can be made (/proc/x): refused before the runs
    result = run_sweep(scenario, out, workers=args.workers, cluster=args.cluster, fresh=args.fresh)
    report_dir = None
    if args.report:
        from ..report import sweep_report

        report_dir = sweep_report(scenario, out, out / "report")
    summ = result.summary()
    payload = {
        "scenario_id": scenario.id,
        "out": str(out),
        "runs": len(result.runs),
        "computed": len(result.computed),
        "skipped": len(result.skipped),
        "failed": [{"run_id": k, "error": v} for k, v in sorted(result.failed.items())],
        "seconds": round(result.seconds, 3),
        "results": str(out / "results.parquet"),
        "report": str(report_dir / "index.html") if report_dir else None,
        "summary": summ.to_dict(orient="records"),
    }
    if args.format == "json":
        print_json(payload)
    elif args.format == "csv":
        print_csv(list(summ.columns), summ.itertuples(index=False))
    else:
        cols = list(summ.columns)
        show = [c for c in cols if c != "scenario_id"]
        print_table(
            f"{scenario.title} — {len(result.runs)} runs "
            f"({len(result.computed)} run now, {len(result.skipped)} resumed, "
            f"{len(result.failed)} failed)",
            show,
            (
                [_fmt(v, c) for v, c in zip(row, show, strict=True)]
                for row in summ[show].head(50).itertuples(index=False)
            ),
            caption="winners/losers: first year, all grades; pay bills and protection in GBP",
        )
        for run_id, message in sorted(result.failed.items()):
            print(f"failed {run_id}: {message}")
        print(f"wrote {out / 'results.parquet'} (and .csv, manifest.csv, summary.csv)")
        if report_dir:
            print(f"wrote {report_dir / 'index.html'}")
    return 1 if result.failed else 0
