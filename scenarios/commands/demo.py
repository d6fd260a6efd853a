"""``rota demo``: the main job on the bundled example department."""

from __future__ import annotations

from simulator.examples import department_paths
from simulator.io import read_rota

from ..output import add_format_option, print_json
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
    reports = [hours_report(read_rota(path)) for path in department_paths()]
    if args.format == "json":
        print_json({"department": reports})
        return 0
    for report in reports:
        render_table(report)
    return 0
