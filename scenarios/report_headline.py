"""The facts at the top of a report: who loses, what protection costs, which rules break.

:func:`compare_frame` and :func:`compliance_frame` tabulate the department's rotas
(one row per line, one row per rota and rule set; the report writes them as
``compare.csv`` and ``compliance.csv``). :func:`headline` reads the answers to the
three questions off those tables and a transition run (:func:`scenarios.measures.run_measures`),
and :func:`headline_html` prints them. Every user string is HTML-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulator.compile import compile_rota
from simulator.contracts import compare
from simulator.model import Rota

from .report_format import SET_NAMES, count, format_frame, money, pay_year
from .scenario import Scenario, pay_year_start

#: Pay changes smaller than this (GBP/year) are no change.
TOLERANCE_GBP = 0.005


def short_name(rota: Rota) -> str:
    """The rota's name without the hospital in brackets."""
    return rota.name.split(" (")[0]


def compare_frame(rotas: Sequence[Rota]) -> tuple[pd.DataFrame, dict[str, list[dict]]]:
    """The contract comparison (``rota compare``) of every line of the rotas.

    Returns
    -------
    frame : pandas.DataFrame
        One row per line: ``rota``, ``line``, ``grade``, ``work_hours_per_week``,
        ``band_2002``, ``pay_2002_gbp``, ``pay_2026_gbp``, ``change_gbp`` (2026 − 2002)
        and ``protection_cost_gbp`` (max(0, −change): the cost of a cash floor);
        ``attrs["pay_year"]`` is the pay year priced.
    lines : dict
        Rota short name → the ``lines`` of its :func:`simulator.contracts.compare` result.
    """
    rows, lines, year = [], {}, "2026/27"
    for rota in rotas:
        result = compare(compile_rota(rota), name=rota.name)
        year = result.get("pay_year", year)
        lines[short_name(rota)] = result["lines"]
        for line in result["lines"]:
            rows.append(
                {
                    "rota": short_name(rota),
                    "line": line["id"],
                    "grade": line["grade"],
                    "work_hours_per_week": line["actual_work_hours"],
                    "band_2002": line["band_2002"],
                    "pay_2002_gbp": line["pay_2002"]["total"],
                    "pay_2026_gbp": line["pay_2026"]["total"],
                    "change_gbp": line["change"],
                    "protection_cost_gbp": line["protection_cost"],
                }
            )
    frame = pd.DataFrame(rows)
    frame.attrs["pay_year"] = year
    return frame, lines


def compliance_frame(rotas: Sequence[Rota]) -> pd.DataFrame:
    """Per rota and rule set: lines, compliant lines and the rules broken.

    Returns
    -------
    pandas.DataFrame
        ``rota``, ``ruleset`` (code name), ``ruleset_name`` (printed), ``lines``,
        ``compliant_lines`` and ``rules_broken`` (rule titles joined with ``"; "``,
        each followed by ``(<k> of <n> lines)`` when not every line breaks it; empty
        when none).
    """
    from simulator.rules import RULESETS, check

    rows = []
    for rota in rotas:
        compiled = compile_rota(rota)
        for name in RULESETS:
            result = check(compiled, name)
            by_rule: dict[str, set[str]] = {}
            for v in result.violations:
                by_rule.setdefault(v.rule.split(".")[0], set()).add(v.line)
            broken = [
                result.rules.rule(rule_id).title
                + (
                    ""
                    if len(ids) == compiled.n_lines
                    else f" ({len(ids)} of {compiled.n_lines} lines)"
                )
                for rule_id, ids in by_rule.items()
            ]
            rows.append(
                {
                    "rota": short_name(rota),
                    "ruleset": name,
                    "ruleset_name": SET_NAMES.get(name, result.rules.title),
                    "lines": compiled.n_lines,
                    "compliant_lines": int(np.sum(result.compliant)),
                    "rules_broken": "; ".join(broken),
                }
            )
    return pd.DataFrame(rows)


@dataclass
class Headline:
    """The answers at the top of a report (see :func:`headline`).

    Attributes
    ----------
    pay_year
        Pay year of the contract comparison.
    lines, losers, gainers
        Lines compared; lines paid less / more on the 2026 contract.
    groups
        One dict per rota and grade: ``rota``, ``grade``, ``lines``, ``losers``,
        ``gainers``, ``loss_range`` and ``gain_range`` ((min, max) change GBP/year, or
        ``None``) and ``loss_total`` (GBP/year, ≤ 0).
    protection
        Transition protection cost by pay year (GBP), empty without a transition run.
    protection_total
        Its sum (GBP).
    protection_ends
        Pay year from which it stays 0; ``None`` if not within the horizon.
    protected
        Grade → lines with a protection cost in some year.
    unprotected
        Grade → (lines, total first-year loss GBP) of losers without a cash floor.
    new_appointment_f1
        Whether F1 lines with 0 completed years count as new appointments.
    rules
        Rota → list of (rule set printed name, compliant lines, lines, rules broken).
    """

    pay_year: str
    lines: int
    losers: int
    gainers: int
    groups: list[dict]
    protection: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    protection_total: float = 0.0
    protection_ends: str | None = None
    protected: dict[str, int] = field(default_factory=dict)
    unprotected: dict[str, tuple[int, float]] = field(default_factory=dict)
    new_appointment_f1: bool = True
    rules: dict[str, list[tuple[str, int, int, str]]] = field(default_factory=dict)


def _groups(frame: pd.DataFrame) -> list[dict]:
    groups = []
    for (rota, grade), g in frame.groupby(["rota", "grade"], sort=False):
        ch = g["change_gbp"].to_numpy(dtype=np.float64)
        lose, gain = ch[ch < -TOLERANCE_GBP], ch[ch > TOLERANCE_GBP]
        groups.append(
            {
                "rota": rota,
                "grade": grade,
                "lines": len(g),
                "losers": len(lose),
                "gainers": len(gain),
                "loss_range": (float(lose.min()), float(lose.max())) if len(lose) else None,
                "gain_range": (float(gain.min()), float(gain.max())) if len(gain) else None,
                "loss_total": float(lose.sum()),
            }
        )
    return groups


def _agg(results: pd.DataFrame, measure: str, grade: str = "all") -> pd.Series:
    rows = results[
        (results["line_id"] == "") & (results["grade"] == grade) & (results["measure"] == measure)
    ]
    return rows.set_index("year")["value"]


def _transition_facts(results: pd.DataFrame, head: Headline) -> None:
    """Fill the protection fields of ``head`` from a transition run."""
    years = sorted(y for y in results["year"].unique() if y != "all")
    head.protection = _agg(results, "protection_cost_gbp").reindex(years).fillna(0.0)
    head.protection_total = float(head.protection.sum())
    ends = _agg(results, "protection_ends_year").get("all", np.nan)
    head.protection_ends = None if pd.isna(ends) else pay_year(float(ends))
    for grade in results.loc[results["grade"] != "all", "grade"].unique():
        n = _agg(results, "protected_lines", grade)
        if len(n) and n.max() > 0:
            head.protected[str(grade)] = int(n.max())
    if not years:
        return
    first = years[0]
    lines = results[results["line_id"] != ""]

    def per_line(measure: str, year: str) -> pd.Series:
        rows = lines[(lines["measure"] == measure) & (lines["year"] == year)]
        return rows.set_index("line_id")["value"]

    change = per_line("change_gbp", first)
    floor = per_line("floor_gbp", "all").reindex(change.index).fillna(0.0)
    moved = per_line("transfer_year", "all").reindex(change.index) == pay_year_start(first)
    grade = lines.drop_duplicates("line_id").set_index("line_id")["grade"]
    mask = (change < -TOLERANCE_GBP) & (floor <= 0) & moved
    for g, loss in change[mask].groupby(grade.reindex(change[mask].index)):
        head.unprotected[str(g)] = (len(loss), float(loss.sum()))


def headline(
    compare_table: pd.DataFrame,
    compliance_table: pd.DataFrame,
    results: pd.DataFrame | None = None,
    scenario: Scenario | None = None,
) -> Headline:
    """Answer the report's three questions from its tables.

    Parameters
    ----------
    compare_table
        :func:`compare_frame` (losers and gainers: change below / above ±0.5p).
    compliance_table
        :func:`compliance_frame`.
    results
        A transition run (tidy measures) for the protection cost by year.
    scenario
        The transition scenario (whether F1 are new appointments).
    """
    ch = compare_table["change_gbp"].to_numpy(dtype=np.float64)
    head = Headline(
        pay_year=compare_table.attrs.get("pay_year", "2026/27"),
        lines=len(compare_table),
        losers=int((ch < -TOLERANCE_GBP).sum()),
        gainers=int((ch > TOLERANCE_GBP).sum()),
        groups=_groups(compare_table),
    )
    if scenario is not None:
        head.new_appointment_f1 = bool(scenario.transition.new_appointment_f1_year0)
    if results is not None and not results.empty:
        _transition_facts(results, head)
    for row in compliance_table.itertuples():
        head.rules.setdefault(str(row.rota), []).append(
            (str(row.ruleset_name), int(row.compliant_lines), int(row.lines), row.rules_broken)
        )
    return head


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text))


def _range(span: tuple[float, float]) -> str:
    lo, hi = sorted(abs(v) for v in span)
    if hi - lo < 0.5:
        return f"{money(lo)} each"
    return f"{money(lo)} to {money(hi)} each"


def _group_html(g: Mapping) -> str:
    bits = []
    if g["losers"]:
        bits.append(
            f"{g['losers']} of {g['lines']} lines lose {_range(g['loss_range'])} "
            f"({money(-g['loss_total'])} a year in all)"
        )
    if g["gainers"]:
        bits.append(f"{g['gainers']} of {g['lines']} lines gain {_range(g['gain_range'])}")
    return f"<li>{_e(g['rota'])} ({_e(g['grade'])}): {'; '.join(bits)}.</li>"


def _losers_html(head: Headline) -> list[str]:
    parts = [
        "<h3>Who loses, and how much?</h3>",
        f"<p><strong>{head.losers} of {head.lines} lines lose pay</strong> on the 2026 "
        f"contract at {_e(head.pay_year)} rates; {head.gainers} gain.</p>",
        "<ul>",
    ]
    losing = sorted((g for g in head.groups if g["losers"]), key=lambda g: g["loss_total"])
    gaining = sorted(
        (g for g in head.groups if g["gainers"] and not g["losers"]),
        key=lambda g: -g["gain_range"][1],
    )
    parts += [_group_html(g) for g in (*losing, *gaining)]
    parts.append("</ul>")
    return parts


def _unprotected_html(head: Headline) -> str:
    bits = []
    for grade, (n, loss) in head.unprotected.items():
        who = f"The {n} {_e(grade)} lines lose {money(-loss)} a year between them but get no floor"
        if grade == "F1" and head.new_appointment_f1:
            why = (
                ": F1 doctors with no completed years are new appointments, starting in "
                "August on the 2026 contract without ever having been on the 2002 contract, "
                "and new appointments have no cash floor (docs/scenarios.md). Their loss "
                "is against what the 2002 contract would have paid; no protection is due."
            )
        else:
            why = ": they are new appointments, who have no cash floor (docs/scenarios.md)."
        bits.append(who + why)
    return " ".join(bits)


def _protection_html(head: Headline) -> list[str]:
    parts = ["<h3>What does protection cost?</h3>"]
    if head.protection.empty:
        return [*parts, "<p>No transition run in this report.</p>"]
    first, cost0 = head.protection.index[0], float(head.protection.iloc[0])
    ends = (
        f"nothing from {_e(head.protection_ends)}"
        if head.protection_ends
        else f"still {money(float(head.protection.iloc[-1]))} in {_e(head.protection.index[-1])}"
    )
    parts.append(
        f"<p><strong>{money(cost0)} in {_e(first)}</strong>, {ends}: "
        f"{money(head.protection_total)} over {_e(first)}–{_e(head.protection.index[-1])}.</p>"
    )
    table = pd.DataFrame(
        {"Pay year": head.protection.index, "Protection (£)": head.protection.to_numpy()}
    )
    parts.append(
        format_frame(table, {"Pay year": "pay_year", "Protection (£)": "money"}).to_html(
            index=False, border=0, classes="compact"
        )
    )
    protected = " and ".join(f"{n} {_e(g)}" for g, n in head.protected.items())
    text = (
        f"Protected: the {protected} lines, paid a cash floor (their 2002 pay, frozen at "
        "transfer) until 2026 pay catches up."
        if protected
        else "No line is protected."
    )
    extra = _unprotected_html(head)
    parts.append(f"<p>{text} {extra}</p>" if extra else f"<p>{text}</p>")
    return parts


def _rules_html(head: Headline) -> list[str]:
    parts = ["<h3>Which rotas break which rules?</h3>", "<ul>"]
    clean = []
    for rota, entries in head.rules.items():
        broken = [e for e in entries if e[1] < e[2]]
        if not broken:
            clean.append(rota)
            continue
        parts.append(f"<li><strong>{_e(rota)}</strong> breaks<ul>")
        parts += [
            f"<li><strong>{_e(rs)}</strong> ({count(ok)} of {count(n)} lines comply): "
            f"{_e(rules) or 'a rule'}</li>"
            for rs, ok, n, rules in broken
        ]
        parts.append("</ul></li>")
    if clean:
        names = " and ".join(_e(r) for r in clean)
        n_sets = len(next(iter(head.rules.values())))
        parts.append(f"<li>{names}: every line meets all {n_sets} rule sets.</li>")
    parts.append("</ul>")
    return parts


def headline_html(head: Headline) -> str:
    """The "At a glance" section: the three questions and their answers (HTML)."""
    parts = ['<section id="at-a-glance">', "<h2>At a glance</h2>"]
    parts += _losers_html(head) + _protection_html(head) + _rules_html(head)
    parts.append("</section>")
    return "\n".join(parts)
