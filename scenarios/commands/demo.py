"""``rota demo``: the main job on the bundled example department."""

from __future__ import annotations

from simulator.contracts import compare
from simulator.examples import department_paths
from simulator.io import read_rota

from ..output import add_format_option, print_json
from .compare import render_table as render_compare
from .hours import hours_report, render_table


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "demo", help="run the main job on the bundled example department", description=__doc__
    )
    add_format_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    """Run ``rota demo``."""
    rotas = [read_rota(path) for path in department_paths()]
    reports = [hours_report(rota) for rota in rotas]
    comparisons = [compare(rota) for rota in rotas]
    if args.format == "json":
        print_json({"department": reports, "compare": comparisons})
        return 0
    for report in reports:
        render_table(report)
    for result in comparisons:
        render_compare(result)
    return 0
