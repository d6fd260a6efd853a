"""``rota simulate ROTA``: simulate on-call call-outs and overruns; pay and breaches per line.

Each run is one doctor working a line for ``--years`` (rounded to whole rota
cycles). Reported per line: simulated annual pay under the 2026 Welsh contract
(mean, 5th and 95th percentiles), NROC rest breaches and exception reports per
year, fines (doctor's and pot's shares), days of time off in lieu, NROC hours
worked per week and overrun hours (with 11-hour rest breaches they cause).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..output import add_format_option, print_csv, print_json, print_table
from ._choices import CONTRACTS, ENGINES
from ._common import (
    MAX_WORKERS,
    add_rota_argument,
    load_rota,
    numpy_seed,
    simulation_runs,
    simulation_years,
    whole_number,
)

if TYPE_CHECKING:
    import pandas as pd

    from simulator.model import Rota

#: The rota of the demo section and its run count and seed.
DEMO_ROTA = "department/registrar_medicine.toml"
DEMO_RUNS = 400
DEMO_SEED = 20260803
#: Pay year of the 2026 contract parameters.
PAY_YEAR = "2026/27"


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "simulate",
        help="simulate NROC call-outs and overruns: pay distribution, breaches, fines",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_rota_argument(parser)
    parser.add_argument(
        "--runs", type=simulation_runs, default=1000, help="runs per line (default 1000)"
    )
    parser.add_argument("--seed", type=numpy_seed, default=0, help="root seed (default 0)")
    parser.add_argument(
        "--years", type=simulation_years, default=1.0, help="years per run (default 1)"
    )
    parser.add_argument(
        "--params", metavar="FILE", default=None, help="on-call parameter file (TOML)"
    )
    parser.add_argument(
        "--set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override a parameter: SECTION.KEY=VALUE of the on-call parameters "
        "(e.g. work.mean_min=40) or wales-2026.KEY=VALUE of the contract",
    )
    parser.add_argument("--engine", choices=ENGINES, default="montecarlo", help="engine")
    parser.add_argument(
        "--workers",
        type=whole_number(1, MAX_WORKERS),
        default=1,
        help="threads for the Monte Carlo engine",
    )
    parser.add_argument("--plot", metavar="PNG", default=None, help="write the pay distribution")
    add_format_option(parser)
    parser.set_defaults(run=run)


def split_overrides(items: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``--set`` items into (on-call overrides, contract overrides).

    Raises
    ------
    UserError
        An item without ``=``.
    """
    from simulator.contracts.params import parse_override_value
    from simulator.model import UserError

    oncall: dict[str, Any] = {}
    contract: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(f"--set {item!r}: expected KEY=VALUE, e.g. work.mean_min=40")
        value = parse_override_value(text.strip())
        prefix = key.split(".", 1)[0]
        (contract if prefix in CONTRACTS else oncall)[key] = value
    return oncall, contract


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr when it is a terminal, else no callback."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        "{task.completed}/{task.total} runs",
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("simulating", total=total)
        yield lambda n: bar.advance(task, n)


def _money(x: float) -> float:
    return round(float(x), 2) + 0.0


def _num(x: float, digits: int = 4) -> float:
    return round(float(x), digits) + 0.0


def simulation_report(
    rota: Rota,
    *,
    runs: int,
    seed: int,
    years: float = 1.0,
    engine: str = "montecarlo",
    params_path: str | None = None,
    overrides: list[str] | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict, pd.DataFrame]:
    """Simulate a rota and build the JSON-ready report.

    Returns
    -------
    report : dict
        ``{"rota", "contract", "pay_year", "engine", "runs", "seed", "years_per_run",
        "lines": [...], "summary": {...}}``; money in GBP (2 dp).
    samples : pandas.DataFrame
        Per-run results (:func:`simulator.oncall.simulate_samples`).
    """
    from simulator.compile import compile_rota
    from simulator.contracts import load_params
    from simulator.oncall import load_oncall_params, simulate_samples, summarise

    oncall_overrides, contract_overrides = split_overrides(list(overrides or []))
    params = load_oncall_params(params_path, oncall_overrides)
    contract_params = load_params("wales-2026", PAY_YEAR, overrides=contract_overrides)
    compiled = compile_rota(rota)
    samples = simulate_samples(
        compiled,
        runs,
        seed,
        params,
        engine,
        years=years,
        contract_params=contract_params,
        workers=workers,
        progress=progress,
    )
    table = summarise(samples)
    lines = []
    for line_id, row in table.iterrows():
        lines.append(
            {
                "id": line_id,
                "pay_2026": {
                    "template": _money(row["pay_template_gbp"]),
                    "mean": _money(row["pay_mean_gbp"]),
                    "p5": _money(row["pay_p5_gbp"]),
                    "p95": _money(row["pay_p95_gbp"]),
                },
                "nroc_work_pay": {
                    "template": _money(row["nroc_work_pay_template_gbp"]),
                    "mean": _money(row["nroc_work_pay_gbp"]),
                },
                "overrun_pay": _money(row["overrun_pay_gbp"]),
                "nroc_shifts_per_year": _num(row["nroc_shifts_per_year"]),
                "calls_per_year": _num(row["calls_per_year"]),
                "breaches_per_year": _num(row["breaches_per_year"]),
                "breaches_per_year_p95": _num(row["breaches_per_year_p95"]),
                "exception_reports_per_year": _num(row["exception_reports_per_year"]),
                "fines_per_year": {
                    "doctor": _money(row["fine_doctor_gbp"]),
                    "pot": _money(row["fine_pot_gbp"]),
                },
                "toil_days_per_year": _num(row["toil_days_per_year"]),
                "nroc_hours_worked_per_week": _num(row["nroc_hours_worked_per_week"]),
                "nroc_expected_work_hours_per_week": _num(row["nroc_expected_work_hours_per_week"]),
                "overrun_hours_per_week": _num(row["overrun_hours_per_week"]),
                "overruns_per_year": _num(row["overruns_per_year"]),
                "rest_between_shifts_breaches_per_year": _num(
                    row["rest_between_shifts_breaches_per_year"]
                ),
                "work_hours_per_week": _num(row["work_hours_per_week"]),
                "over_average_weekly_limit_share": _num(row["over_average_weekly_limit_share"]),
            }
        )
    report = {
        "rota": rota.name,
        "contract": "wales-2026",
        "pay_year": contract_params.pay_year,
        "engine": engine,
        "runs": runs,
        "seed": seed,
        "years_per_run": _num(samples.attrs["years_per_run"]),
        "average_weekly_hours_limit": float(params["limits.average_weekly_hours"]),
        "lines": lines,
        "summary": {
            "lines": len(lines),
            "pay_mean_total": _money(table["pay_mean_gbp"].sum()),
            "pay_template_total": _money(table["pay_template_gbp"].sum()),
            "breaches_per_year": _num(table["breaches_per_year"].sum()),
            "fines_doctor_per_year": _money(table["fine_doctor_gbp"].sum()),
            "fines_pot_per_year": _money(table["fine_pot_gbp"].sum()),
            "toil_days_per_year": _num(table["toil_days_per_year"].sum()),
        },
    }
    return report, samples


#: Terminal table columns: (header, getter).
_TABLE = (
    ("pay mean", lambda ln: f"£{ln['pay_2026']['mean']:,.0f}"),
    ("pay p5", lambda ln: f"£{ln['pay_2026']['p5']:,.0f}"),
    ("pay p95", lambda ln: f"£{ln['pay_2026']['p95']:,.0f}"),
    ("template", lambda ln: f"£{ln['pay_2026']['template']:,.0f}"),
    ("breaches/yr", lambda ln: f"{ln['breaches_per_year']:.1f}"),
    (
        "fines dr/pot /yr",
        lambda ln: f"£{ln['fines_per_year']['doctor']:,.0f}/£{ln['fines_per_year']['pot']:,.0f}",
    ),  # noqa: E501
    ("TOIL d/yr", lambda ln: f"{ln['toil_days_per_year']:.1f}"),
    ("NROC work h/wk", lambda ln: f"{ln['nroc_hours_worked_per_week']:.2f}"),
    ("overrun h/wk", lambda ln: f"{ln['overrun_hours_per_week']:.2f}"),
    ("11h breaches/yr", lambda ln: f"{ln['rest_between_shifts_breaches_per_year']:.2f}"),
    ("work h/wk", lambda ln: f"{ln['work_hours_per_week']:.1f}"),
)


def render_table(report: dict) -> None:
    """Print the simulation report as a terminal table."""
    rows = [[ln["id"]] + [get(ln) for _, get in _TABLE] for ln in report["lines"]]
    caption = (
        f"{report['engine']} engine, {report['runs']} runs x {report['years_per_run']:.2f} years "
        f"per line, seed {report['seed']}; pay: 2026 Wales ({report['pay_year']}) with simulated "
        "NROC work and overruns; template: expected work; breaches: NROC rest (8 h total / 5 h "
        "continuous), each reported, fined and given a day off in lieu"
    )
    print_table(
        f"{report['rota']}: on-call simulation",
        ["line"] + [h for h, _ in _TABLE],
        rows,
        caption=caption,
    )


def _csv_rows(report: dict) -> tuple[list[str], list[list]]:
    flat = []
    for line in report["lines"]:
        row: dict[str, Any] = {}
        for key, value in line.items():
            if isinstance(value, dict):
                row.update({f"{key}_{k}": v for k, v in value.items()})
            else:
                row[key] = value
        flat.append(row)
    header = list(flat[0]) if flat else ["id"]
    return header, [[row[k] for k in header] for row in flat]


def run(args) -> int:
    """Run ``rota simulate``."""
    from simulator.model import UserError

    rota = load_rota(args)
    if args.plot is not None:
        folder = Path(args.plot).resolve().parent
        if not folder.is_dir():
            raise UserError(f"--plot {args.plot}: folder {folder} does not exist")
    with _progress_bar(args.runs * len(rota.lines)) as progress:
        report, samples = simulation_report(
            rota,
            runs=args.runs,
            seed=args.seed,
            years=args.years,
            engine=args.engine,
            params_path=args.params,
            overrides=args.set,
            workers=args.workers,
            progress=progress,
        )
    if args.plot is not None:
        from ..plots_oncall import plot_pay_distribution

        report["plot"] = str(plot_pay_distribution(samples, args.plot, title=rota.name))
    if args.format == "json":
        print_json(report)
    elif args.format == "csv":
        print_csv(*_csv_rows(report))
    else:
        render_table(report)
        if args.plot is not None:
            print(f"pay distribution: {report['plot']}")
    return 0


def demo_simulation() -> dict:
    """The on-call simulation of the demo: the bundled registrar NROC rota.

    Runs :data:`DEMO_RUNS` one-year runs per line (seed :data:`DEMO_SEED`).

    Returns
    -------
    dict
        The JSON-ready report (as ``rota simulate --format json``).
    """
    from simulator.examples import example_path
    from simulator.io import read_rota

    rota = read_rota(example_path(DEMO_ROTA))
    report, _ = simulation_report(rota, runs=DEMO_RUNS, seed=DEMO_SEED)
    return report
