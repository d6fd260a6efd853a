"""``rota compare ROTA``: per line, 2002 band and pay beside 2026 Welsh pay, change and
protection cost."""

from __future__ import annotations

from ..output import add_format_option, one_in, print_csv, print_json, print_table
from ._common import add_rota_argument, load_rota
from .pay import add_params_options, params_from_args


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "compare",
        help="2002 band and pay beside 2026 Welsh pay, change and protection cost",
        description=__doc__,
    )
    add_rota_argument(parser)
    add_params_options(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def render_table(result: dict) -> None:
    """Print a compare result as a table: winners green, losers red."""
    rows, styles = [], []
    for line in result["lines"]:
        rows.append(
            [
                line["id"],
                line["grade"],
                f"{line['actual_work_hours']:.2f}",
                f"{line['unsocial_fraction']:.1%}",
                one_in(line["weekend_frequency"]),
                one_in(line["oncall_frequency"]),
                line["band_2002"],
                f"{line['pay_2002']['total']:,.2f}",
                f"{line['pay_2026']['total']:,.2f}",
                f"{line['change']:+,.2f}",
                f"{line['protection_cost']:,.2f}",
            ]
        )
        styles.append("green" if line["change"] > 0 else "red" if line["change"] < 0 else None)
    s = result["summary"]
    caption = (
        f"{s['lines']} lines: {s['winners']} better off, {s['losers']} worse off; "
        f"2002 £{s['total_2002']:,.2f}, 2026 £{s['total_2026']:,.2f}, "
        f"protection £{s['total_protection_cost']:,.2f} (GBP/year; weekends: 2002 definition)"
    )
    print_table(
        f"{result['rota']} — 2002 vs 2026 Wales, pay year {result['pay_year']}",
        [
            "line",
            "grade",
            "work h/wk",
            "unsocial",
            "wkends",
            "on-call",
            "band",
            "2002 £",
            "2026 £",
            "change £",
            "protection £",
        ],
        rows,
        styles=styles,
        caption=caption,
    )


def run(args) -> int:
    """Run ``rota compare``."""
    from simulator.contracts import compare, compare_frame

    params = params_from_args(args)
    result = compare(load_rota(args), args.pay_year, params)
    if args.format == "json":
        print_json(result)
    elif args.format == "csv":
        table = compare_frame(result)
        print_csv(list(table.columns), table.itertuples(index=False))
    else:
        render_table(result)
    return 0
