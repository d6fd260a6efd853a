"""``rota hours ROTA``: per-line metrics (hours, unsocial share, weekends, nights, rest)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..output import add_format_option, one_in, print_csv, print_json, print_table
from ._common import add_rota_argument, load_rota

if TYPE_CHECKING:
    from simulator.model import Rota

#: Columns of the terminal table: (metric, header, formatter).
TABLE_COLUMNS = (
    ("duty_hours_per_week", "duty h/wk", "{:.2f}"),
    ("work_hours_per_week", "work h/wk", "{:.2f}"),
    ("unsocial_fraction", "unsocial", "{:.1%}"),
    ("weekend_frequency_2002", "wkends 2002", one_in),
    ("weekend_frequency", "wkends", one_in),
    ("nights", "nights", "{:.0f}"),
    ("long_shifts", "long", "{:.0f}"),
    ("oncall_frequency", "on-call", one_in),
    ("shortest_rest_hours", "min rest h", "{:.1f}"),
    ("longest_duty_hours", "max duty h", "{:.1f}"),
    ("max_consecutive_duty_days", "max days", "{:.0f}"),
    ("max_hours_in_168h", "max h/168h", "{:.1f}"),
)


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "hours",
        help="per-line metrics: hours, unsocial share, weekends, nights, rest, on-call",
        description=__doc__,
    )
    add_rota_argument(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def hours_report(rota: Rota) -> dict:
    """The JSON-ready metrics report of a rota."""
    from simulator.compile import compile_rota
    from simulator.kernels.metrics import COUNT_METRICS
    from simulator.metrics import compute_metrics

    metrics = compute_metrics(compile_rota(rota))
    lines = []
    for line in rota.lines:
        row = {"id": line.id, "grade": line.grade, "ltft": line.ltft}
        row.update(
            {k: int(v) if k in COUNT_METRICS else float(v) for k, v in metrics.loc[line.id].items()}
        )
        lines.append(row)
    return {
        "rota": rota.name,
        "weeks": rota.weeks,
        "start": rota.start.isoformat() if rota.start else None,
        "lines": lines,
    }


def render_table(report: dict) -> None:
    """Print the metrics report as a terminal table."""
    rows = []
    for line in report["lines"]:
        cells = [line["id"]]
        for key, _, fmt in TABLE_COLUMNS:
            cells.append(fmt(line[key]) if callable(fmt) else fmt.format(line[key]))
        rows.append(cells)
    caption = (
        "wkends 2002: any duty Fri 19:00 to Mon 07:00 (DRS); wkends: any duty Sat-Sun; "
        "max h/168h: resident duty"
    )
    print_table(
        f"{report['rota']} — {report['weeks']}-week cycle",
        ["line"] + [h for _, h, _ in TABLE_COLUMNS],
        rows,
        caption=caption,
    )


def run(args) -> int:
    """Run ``rota hours``."""
    report = hours_report(load_rota(args))
    if args.format == "json":
        print_json(report)
    elif args.format == "csv":
        keys = list(report["lines"][0])
        print_csv(keys, ([line[k] for k in keys] for line in report["lines"]))
    else:
        render_table(report)
    return 0
