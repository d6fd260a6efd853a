"""``rota pay ROTA --contract C``: per-line pay under one contract (GBP/year)."""

from __future__ import annotations

from ..output import add_format_option, print_csv, print_json, print_table
from ._choices import CONTRACTS, PAY_YEARS
from ._common import add_rota_argument, load_rota


def add_params_options(parser) -> None:
    """Add ``--pay-year``, ``--params FILE`` and ``--set CONTRACT.KEY=VALUE``."""
    parser.add_argument(
        "--pay-year", choices=PAY_YEARS, default="2026/27", help="pay year (default 2026/27)"
    )
    parser.add_argument(
        "--params",
        metavar="FILE",
        action="append",
        default=[],
        help="contract parameter file (TOML) replacing the bundled one; may repeat",
    )
    parser.add_argument(
        "--set",
        metavar="CONTRACT.KEY=VALUE",
        action="append",
        default=[],
        dest="overrides",
        help="override one parameter, e.g. wales-2026.unsocial_multiplier=1.37; may repeat",
    )


def params_from_args(args) -> dict:
    """``{contract: ContractParams}`` from ``--pay-year``, ``--params`` and ``--set``."""
    from simulator.contracts import load_all_params, parse_overrides

    return load_all_params(args.pay_year, args.params, parse_overrides(args.overrides))


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "pay", help="per-line pay under one contract (GBP/year)", description=__doc__
    )
    add_rota_argument(parser)
    parser.add_argument("--contract", choices=CONTRACTS, required=True, help="contract")
    parser.add_argument(
        "--explain", action="store_true", help="show the 2002 band flowchart path of each line"
    )
    add_params_options(parser)
    add_format_option(parser)
    parser.set_defaults(run=run)


def pay_report(rota, contract: str, params: dict, *, explain: bool = False) -> dict:
    """The JSON-ready pay report: money rounded to pence."""
    from simulator.contracts import PAY_COMPONENTS, price

    table = price(rota, contract, params=params[contract])
    lines = []
    for line_id, row in table.iterrows():
        entry: dict = {"id": line_id, "grade": row["grade"]}
        if contract == "nhs-2002":
            entry["band"] = row["band"]
            entry["banding_hours"] = round(float(row["banding_hours"]), 6)
        entry.update({k: round(float(row[k]), 2) for k in PAY_COMPONENTS[contract]})
        if explain and contract == "nhs-2002":
            entry["explanation"] = list(row["explanation"])
        lines.append(entry)
    return {
        "rota": rota.name,
        "contract": contract,
        "pay_year": params[contract].pay_year,
        "lines": lines,
        "summary": {"lines": len(lines), "total": round(float(table["total"].sum()), 2)},
    }


def render_table(report: dict) -> None:
    """Print the pay report as a terminal table (and the band paths when present)."""
    from simulator.contracts import PAY_COMPONENTS

    contract = report["contract"]
    money = PAY_COMPONENTS[contract]
    extra = ["band"] if contract == "nhs-2002" else []
    rows = [
        [line["id"], line["grade"], *[line[k] for k in extra], *[f"{line[k]:,.2f}" for k in money]]
        for line in report["lines"]
    ]
    print_table(
        f"{report['rota']} — {contract}, pay year {report['pay_year']} (GBP/year)",
        ["line", "grade", *extra, *money],
        rows,
        caption=f"total £{report['summary']['total']:,.2f} over {report['summary']['lines']} lines",
    )
    for line in report["lines"]:
        if "explanation" in line:
            print(f"\nline {line['id']}: band {line['band']}")
            for step in line["explanation"]:
                print(f"  - {step}")


def run(args) -> int:
    """Run ``rota pay``."""
    params = params_from_args(args)
    report = pay_report(load_rota(args), args.contract, params, explain=args.explain)
    if args.format == "json":
        print_json(report)
    elif args.format == "csv":
        keys = [k for k in report["lines"][0] if k != "explanation"]
        if args.explain and args.contract == "nhs-2002":
            keys.append("explanation")
        print_csv(
            keys,
            (
                [" | ".join(line[k]) if k == "explanation" else line[k] for k in keys]
                for line in report["lines"]
            ),
        )
    else:
        render_table(report)
    return 0
