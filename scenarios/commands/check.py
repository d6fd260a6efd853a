"""``rota check ROTA --rules NAME``: check every line against a safe-rostering rule set.

Exit status 0 when every line is compliant, 1 when any violation is found, 2 for
bad input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..output import add_format_option, print_csv, print_json, print_table
from ._choices import RULESETS
from ._common import add_rota_argument, load_rota

if TYPE_CHECKING:
    from simulator.rules import CheckResult

CSV_COLUMNS = ("line", "compliant", "rule", "day", "clock", "measured", "limit", "unit", "message")


def register(sub) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "check",
        help="check lines against a rule set (new-deal, wtr, wales-2026, england-2016)",
        description=__doc__,
    )
    add_rota_argument(parser)
    parser.add_argument(
        "--rules", required=True, choices=RULESETS, metavar="NAME", help=", ".join(RULESETS)
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a number by dotted key, e.g. rest_between_shifts.limit=10 (repeatable)",
    )
    parser.add_argument(
        "--params",
        metavar="FILE",
        default=None,
        help="TOML file in the rule-set layout whose entries replace the bundled ones",
    )
    add_format_option(parser)
    parser.set_defaults(run=run)


def parse_overrides(items: list[str]) -> dict[str, float]:
    """Parse ``KEY=VALUE`` strings into a mapping of numbers.

    Raises
    ------
    RulesError
        For an item without ``=`` or a value that is not a number.
    """
    from simulator.rules import RulesError

    out: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise RulesError(f"--set {item!r}: expected KEY=VALUE")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise RulesError(f"--set {item!r}: value {value!r} is not a number") from None
    return out


def render_table(result: CheckResult, title: str) -> None:
    """Print the result grouped by line; compliant lines in green."""
    from simulator.model import day_label

    rows: list[list[str]] = []
    styles: list[str | None] = []
    for line_id, violations in result.violations_by_line().items():
        if not violations:
            rows.append([line_id, "compliant", "", "", "", ""])
            styles.append("green")
            continue
        for k, v in enumerate(violations):
            where = day_label(v.day) + (f" {v.clock}" if v.clock else "")
            rows.append(
                [
                    line_id if k == 0 else "",
                    v.rule,
                    where,
                    f"{v.measured:.4g} {v.unit}",
                    f"{v.limit:.4g}",
                    v.message,
                ]
            )
            styles.append("red" if k == 0 else None)
    n_bad = int((~result.compliant).sum())
    caption = (
        f"{len(result.line_ids) - n_bad} of {len(result.line_ids)} lines compliant; "
        f"{len(result.violations)} violations"
    )
    print_table(
        title,
        ["line", "rule", "where", "measured", "limit", "detail"],
        rows,
        styles=styles,
        caption=caption,
    )


def run(args) -> int:
    """Run ``rota check``."""
    from simulator.compile import compile_rota
    from simulator.rules import check, load_ruleset

    rules = load_ruleset(args.rules, parse_overrides(args.overrides), args.params)
    rota = load_rota(args)
    result = check(compile_rota(rota), rules)
    if args.format == "json":
        print_json(result.to_json())
    elif args.format == "csv":
        rows = []
        for line_id, found in result.violations_by_line().items():
            if not found:
                rows.append([line_id, True, "", "", "", "", "", "", ""])
            for v in found:
                rows.append(
                    [
                        line_id,
                        False,
                        v.rule,
                        v.day,
                        v.clock or "",
                        v.measured,
                        v.limit,
                        v.unit,
                        v.message,
                    ]
                )
        print_csv(CSV_COLUMNS, rows)
    else:
        render_table(result, f"{rota.name} — {rules.title}")
    return 0 if result.all_compliant else 1
