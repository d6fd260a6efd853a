"""Report folders: PNG plots and an ``index.html`` that answers the main questions first.

The page opens with "At a glance" (:mod:`scenarios.report_headline`): who loses and
how much, what protection costs by year, which rotas break which rules. Tables
below print every column by its kind (:mod:`scenarios.report_format`: pay years as
``2026/27``, counts as whole numbers, ``£`` without pence, percentages with one
decimal) under plain-English headers with units. The HTML is self-contained apart
from the PNGs beside it (no scripts, no external styles); every user string is
escaped. :func:`demo_report` runs the whole pipeline on the bundled department.
"""

from __future__ import annotations

import html
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.compile import CompiledRota
from simulator.examples import department_paths
from simulator.io import read_rota
from simulator.io.safety import escape_frame
from simulator.model import GRADES, Rota
from simulator.rules import RULESETS

from . import plots
from . import report_format as rf
from .examples import scenario_path
from .measures import restoration_table, run_measures
from .plots_oncall import plot_oncall_summary
from .report_headline import compare_frame, compliance_frame, headline, headline_html, short_name
from .scenario import Scenario, read_scenario

#: Example scenarios used by :func:`demo_report`.
DEMO_SCENARIO = "wales_transition.toml"
DEMO_SWEEP = "unsocial_sweep.toml"
#: Summary measures drawn as response curves.
RESPONSE_MEASURES = ("protection_cost_total_gbp", "pay_bill_last_gbp", "losers")

_CSS = """
body { font-family: sans-serif; margin: 2em; max-width: 1200px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.3em; }
#at-a-glance { background: #f7f9fb; border: 1px solid #d6dde4; padding: 0 1em 0.5em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
th { background: #f0f0f0; } td:first-child, th:first-child { text-align: left; }
td.text, th.text { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
figcaption { font-size: 0.85em; color: #555; }
p.note { font-size: 0.9em; color: #444; }
"""


class Page:
    """An HTML page built from sections of text, images and tables."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.parts: list[str] = []

    def heading(self, text: str, level: int = 2) -> None:
        """Add a section heading."""
        self.parts.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def text(self, text: str) -> None:
        """Add a paragraph of notes (plain text, escaped)."""
        self.parts.append(f'<p class="note">{html.escape(text)}</p>')

    def raw(self, markup: str) -> None:
        """Add markup built elsewhere (its user strings already escaped)."""
        self.parts.append(markup)

    def image(self, path: Path, caption: str = "", alt: str = "") -> None:
        """Add an image (a file in the report folder) with a caption and alt text."""
        alt_text = html.escape(alt or caption or path.stem.replace("_", " "))
        self.parts.append(f'<figure><img src="{html.escape(path.name)}" alt="{alt_text}">')
        if caption:
            self.parts.append(f"<figcaption>{html.escape(caption)}</figcaption>")
        self.parts.append("</figure>")

    def table(self, frame: pd.DataFrame, kinds: Mapping[str, str] | None = None) -> None:
        """Add a table, each column formatted by its kind (:func:`report_format.format_frame`).

        Parameters
        ----------
        frame
            The table; its column names are the printed headers.
        kinds
            Header → kind (``count``, ``money``, ``pay_year`` …); others inferred.
        """
        text = rf.format_frame(frame, kinds)
        self.parts.append(text.to_html(index=False, border=0, na_rep=rf.MISSING, escape=True))

    def write(self, path: Path) -> Path:
        """Write the page."""
        body = "\n".join(self.parts)
        path.write_text(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title><style>{_CSS}</style></head>\n"
            f"<body><h1>{html.escape(self.title)}</h1>\n{body}\n</body></html>\n",
            "utf-8",
        )
        return path


# ---------------------------------------------------------------------------
# Transition (scenario run)
# ---------------------------------------------------------------------------


def _agg(results: pd.DataFrame, measure: str, grade: str = "all") -> pd.Series:
    rows = results[
        (results["line_id"] == "") & (results["grade"] == grade) & (results["measure"] == measure)
    ]
    return rows.set_index("year")["value"]


def transition_tables(results: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Key tables of one run: pay bill, protection and winners/losers by year and grade.

    Returns
    -------
    dict of DataFrame
        ``pay_bill`` (year × paid / 2002 only / 2026 only / protection, GBP/year),
        ``protection`` (year × grade, GBP/year), ``winners_losers`` (grade × lines,
        winners, losers, median change in the first year, protection total and the
        pay year it ends) and ``compliance`` (grade × rule set, compliant lines).
    """
    years = sorted(y for y in results["year"].unique() if y != "all")
    pay_bill = pd.DataFrame(
        {
            "paid under transition": _agg(results, "pay_bill_gbp"),
            "all on 2002": _agg(results, "pay_bill_2002_gbp"),
            "all on 2026 (no protection)": _agg(results, "pay_bill_2026_gbp"),
            "protection cost": _agg(results, "protection_cost_gbp"),
        }
    ).reindex(years)
    grades = [g for g in GRADES if g in set(results["grade"])]
    protection = pd.DataFrame({g: _agg(results, "protection_cost_gbp", g) for g in grades})
    protection = protection.reindex(years).fillna(0.0)
    first = years[0] if years else None
    rulesets = sorted(
        m.removeprefix("compliant_lines_")
        for m in results["measure"].unique()
        if m.startswith("compliant_lines_")
    )
    wl_rows, comp_rows = [], []
    for g in [*grades, "all"]:
        total = _agg(results, "protection_cost_total_gbp", g).get("all", np.nan)
        ends = _agg(results, "protection_ends_year", g).get("all", np.nan)
        wl_rows.append(
            {
                "grade": g,
                "lines": _agg(results, "lines", g).get(first, np.nan),
                "winners": _agg(results, "winners", g).get(first, np.nan),
                "losers": _agg(results, "losers", g).get(first, np.nan),
                "change_median_gbp": _agg(results, "change_median_gbp", g).get(first, np.nan),
                "protection_total_gbp": total,
                # no cost at all: nothing ends
                "protection_ends_year": ends if total > 0.005 else np.nan,
            }
        )
        row = {"grade": g, "lines": _agg(results, "lines", g).get(first, np.nan)}
        row.update(
            {rs: _agg(results, f"compliant_lines_{rs}", g).get("all", np.nan) for rs in rulesets}
        )
        comp_rows.append(row)
    return {
        "pay_bill": pay_bill,
        "protection": protection,
        "winners_losers": pd.DataFrame(wl_rows),
        "compliance": pd.DataFrame(comp_rows),
    }


def _transition_plots(
    scenario: Scenario, results: pd.DataFrame, tables: dict, folder: Path, prefix: str
) -> dict[str, Path]:
    years = list(tables["pay_bill"].index)
    first = years[0] if years else ""
    lines = results[(results["line_id"] != "") & (results["measure"] == "change_gbp")]
    change = lines[lines["year"] == first]
    return {
        "pay_bill": plots.pay_bill_over_years(
            tables["pay_bill"].drop(columns=["protection cost"]), folder / f"{prefix}pay_bill.png"
        ),
        "protection": plots.protection_over_years(
            tables["protection"],
            folder / f"{prefix}protection_cost.png",
            title="Pay protection cost by year and grade (cash floor frozen at transfer)",
        ),
        "winners_losers": plots.winners_losers_histogram(
            change["value"].to_numpy(),
            change["grade"].to_numpy(),
            folder / f"{prefix}winners_losers.png",
            title=f"Pay change per line in {first}: 2026 contract − 2002 contract",
        ),
        "restoration": plots.restoration_trajectory(
            restoration_table(scenario), folder / f"{prefix}restoration.png"
        ),
    }


_PAY_BILL = (
    ("pay year", "Pay year", "pay_year"),
    ("paid under transition", "Paid under the transition (£)", "money"),
    ("all on 2002", "All on 2002 (£)", "money"),
    ("all on 2026 (no protection)", "All on 2026, no protection (£)", "money"),
    ("protection cost", "Protection (£)", "money"),
)
_WINNERS = (
    ("grade", "Grade", "text"),
    ("lines", "Lines", "count"),
    ("winners", "Gain (lines)", "count"),
    ("losers", "Lose (lines)", "count"),
    ("change_median_gbp", "Median change, first year (£)", "change"),
    ("protection_total_gbp", "Protection, all years (£)", "money"),
    ("protection_ends_year", "Protection ends (pay year)", "pay_year"),
)
_RESTORATION = (
    ("path", "Path", "text"),
    ("year", "Pay year", "pay_year"),
    ("uplift", "Pay rise (%)", "percent"),
    ("inflation", "Inflation (%)", "percent"),
    ("erosion_gap", "Real-terms erosion (%)", "percent"),
    ("restoration_uplift", "Rise that would restore pay (%)", "percent"),
)


def add_transition_section(
    page: Page, scenario: Scenario, results: pd.DataFrame, folder: Path, prefix: str = ""
) -> list[Path]:
    """Plots and tables of one scenario run; returns the PNGs written."""
    tables = transition_tables(results)
    pngs = _transition_plots(scenario, results, tables, folder, prefix)
    page.heading(f"Transition: {scenario.title}")
    page.text(
        "Each line moves to the 2026 contract in its grade's transfer year (unbanded lines "
        "and new appointments first). From then it is paid max(2026 pay, cash floor), the "
        "floor being its 2002 pay including banding in the transfer year, frozen in cash; "
        "the protection cost is floor − 2026 pay while positive. New appointments (F1 "
        "doctors with no completed years, and any share drawn by the scenario) were never on "
        "the 2002 contract and have no floor. Pay awards and yearly progression move both "
        "contracts' pay; see docs/scenarios.md."
    )
    page.image(
        pngs["pay_bill"],
        "Pay bill by year under the transition, all on 2002 and all on 2026 (left, from £0), "
        "and the difference from all on 2002 (right).",
    )
    page.table(*rf.select(tables["pay_bill"].reset_index(names="pay year"), _PAY_BILL))
    page.image(pngs["protection"], "Protection cost by pay year, stacked by grade.")
    prot = tables["protection"].reset_index(names="Pay year")
    page.table(prot, {"Pay year": "pay_year", **{g: "money" for g in prot.columns[1:]}})
    page.image(
        pngs["winners_losers"],
        "Pay change per line in the first year (2026 − 2002), stacked by grade; bins "
        "start at £0 so each bar is all losers or all winners.",
    )
    page.table(*rf.select(tables["winners_losers"], _WINNERS))
    page.heading("Compliant lines per rule set, by grade", level=3)
    order = ["grade", "lines", *(rs for rs in RULESETS if rs in tables["compliance"])]
    comp = tables["compliance"][order].rename(
        columns=lambda c: {"grade": "Grade", "lines": "Lines"}.get(c, rf.SET_NAMES.get(c, c))
    )
    page.table(comp, {c: ("text" if c == "Grade" else "count") for c in comp.columns})
    page.heading("Pay restoration")
    page.text(
        "Erosion gap g(k) = 1 − (1 − g0) × Π(1 + uplift) / Π(1 + inflation); the uplift "
        "that would restore pay is 1 / (1 − g) − 1. Inflation is an assumption [A]."
    )
    page.image(pngs["restoration"], "Real-terms pay erosion by year, Wales and England paths.")
    restoration = restoration_table(scenario)
    restoration["path"] = restoration["path"].astype(str).str.capitalize()
    page.table(*rf.select(restoration, _RESTORATION))
    return list(pngs.values())


# ---------------------------------------------------------------------------
# Sweeps
# ---------------------------------------------------------------------------


def _sweep_glance(summary: pd.DataFrame) -> str:
    """One sentence on the spread of the sweep's key measures."""
    bits = [f"{len(summary)} runs"]
    if "protection_cost_total_gbp" in summary:
        p = summary["protection_cost_total_gbp"]
        bits.append(f"protection over all years {rf.money(p.min())} to {rf.money(p.max())}")
    if "losers" in summary:
        n = summary["losers"]
        bits.append(f"{rf.count(n.min())} to {rf.count(n.max())} lines lose in the first year")
    return "; ".join(bits) + "."


def add_sweep_section(page: Page, scenario: Scenario, sweep_dir: Path, folder: Path) -> list[Path]:
    """Response curves and the per-run summary of a finished sweep folder."""
    summary_file = sweep_dir / "summary.csv"
    summary = pd.read_csv(summary_file) if summary_file.is_file() else pd.DataFrame()
    params = [p for p, _ in scenario.sweep.grid]
    page.heading(f"Sweep: {scenario.title}")
    pngs = []
    if not summary.empty:
        page.text(_sweep_glance(summary))
        png = plots.response_curves(
            summary, params, RESPONSE_MEASURES, folder / "sweep_response.png"
        )
        pngs.append(png)
        page.image(
            png,
            "Response curves: each measure against each grid parameter (mean over seeds and "
            "the other parameters; band min–max).",
        )
        cols = [c for c in summary.columns if c != "scenario_id"]
        page.table(*rf.select(summary, [(c, rf.label(c), rf.kind(c)) for c in cols]))
    errors_file = sweep_dir / "errors.csv"
    if errors_file.is_file():
        errors = pd.read_csv(errors_file)
        if not errors.empty:
            page.heading("Failed runs")
            page.table(errors.rename(columns=rf.label), {rf.label("seed"): "count"})
    return pngs


def sweep_report(scenario: Scenario, sweep_dir: str | Path, report_dir: str | Path) -> Path:
    """Report folder for a finished sweep: response curves, the first run in detail.

    Returns
    -------
    Path
        The report folder (with ``index.html``).
    """
    sweep_dir, folder = Path(sweep_dir), Path(report_dir)
    folder.mkdir(parents=True, exist_ok=True)
    page = Page(f"Scenario sweep: {scenario.title}")
    add_sweep_section(page, scenario, sweep_dir, folder)
    results_file = sweep_dir / "results.parquet"
    if results_file.is_file():
        results = pd.read_parquet(results_file)
        if not results.empty:
            first = results["run_id"].iloc[0]
            page.text(f"Detail of run {first}.")
            add_transition_section(page, scenario, results[results["run_id"] == first], folder)
    page.write(folder / "index.html")
    return folder


# ---------------------------------------------------------------------------
# The department's rotas: grids, contract comparison, rule checks
# ---------------------------------------------------------------------------

_COMPARE = (
    ("rota", "Rota", "text"),
    ("line", "Line", "text"),
    ("grade", "Grade", "text"),
    ("work_hours_per_week", "Work (h/week)", "hours"),
    ("band_2002", "2002 band", "text"),
    ("pay_2002_gbp", "Pay, 2002 contract (£/year)", "money"),
    ("pay_2026_gbp", "Pay, 2026 contract (£/year)", "money"),
    ("change_gbp", "Change (£/year)", "change"),
    ("protection_cost_gbp", "Shortfall a cash floor would cover (£/year)", "money"),
)
_COMPLIANCE = (
    ("rota", "Rota", "text"),
    ("ruleset_name", "Rule set", "text"),
    ("lines", "Lines", "count"),
    ("compliant_lines", "Compliant lines", "count"),
    ("rules_broken", "Rules broken", "text"),
)


def _grid_alt(rota: Rota, compiled: CompiledRota) -> str:
    kinds = plots.duty_kinds_drawn(plots.duty_cells(compiled))
    return (
        f"Rota grid of {rota.name}: {compiled.n_lines} lines over {rota.weeks} weeks, one "
        f"cell a day coloured by duty kind ({', '.join(kinds) or 'no duties'}; two duties "
        "on one day split the cell); weekends shaded."
    )


def add_rota_sections(
    page: Page, rotas: Sequence[Rota], folder: Path, compare_table: pd.DataFrame, lines: Mapping
) -> list[Path]:
    """Rota grids, the per-rota pay waterfall and the per-line comparison table."""
    from simulator.compile import compile_rota

    page.heading("The department's rotas")
    pngs = []
    for i, rota in enumerate(rotas):
        compiled = compile_rota(rota)
        png = plots.rota_heatmap(compiled, folder / f"rota_{i + 1}.png", title=rota.name)
        pngs.append(png)
        page.image(png, f"{short_name(rota)}: {compiled.n_lines} lines", _grid_alt(rota, compiled))
    year = compare_table.attrs.get("pay_year", "")
    page.heading(f"Pay per line, 2002 contract vs 2026 contract ({year} rates)")
    png = plots.pay_waterfall(lines, folder / "pay_waterfall.png")
    pngs.append(png)
    page.image(
        png,
        "Pay by component, mean per line of each rota: 2002 basic and band supplement, "
        "then the 2026 components.",
        "Pay waterfall of each rota: mean pay per line under the 2002 contract (basic plus "
        "band supplement) and under the 2026 contract (basic, additional hours, unsocial, "
        "on-call), with the change.",
    )
    page.text(
        "This comparison prices every line at the same pay year as if its doctor moved "
        "from the 2002 contract with a cash floor; the last column is what that floor would "
        "cost. The transition below differs for F1: F1 doctors with no completed years are "
        "new appointments, never on the 2002 contract, so they get no floor and their "
        "shortfall is lost pay rather than a protection cost (the transition shows F1 "
        "protection £0)."
    )
    page.table(*rf.select(compare_table, _COMPARE))
    return pngs


def add_compliance_section(page: Page, compliance_table: pd.DataFrame) -> None:
    """Per rota and rule set: compliant lines and the rules broken."""
    page.heading("Rules: compliant lines per rota and rule set (rota check)")
    table = compliance_table.copy()
    table["rules_broken"] = table["rules_broken"].replace("", "none")
    page.table(*rf.select(table, _COMPLIANCE))


# ---------------------------------------------------------------------------
# Redesign and on-call simulation (results of other commands)
# ---------------------------------------------------------------------------

_REDESIGN = (
    ("id", "Line", "text"),
    ("grade", "Grade", "text"),
    ("reference_band_2002", "2002 band", "text"),
    ("reference_gbp", "Pay, 2002 contract (£/year)", "money"),
    ("current_2026_gbp", "Pay 2026, current rota (£/year)", "money"),
    ("loss_before_gbp", "Loss, current rota (£/year)", "money"),
    ("pay_2026_gbp", "Pay 2026, redesign (£/year)", "money"),
    ("loss_gbp", "Loss, redesign (£/year)", "money"),
    ("hours_per_week", "Work (h/week)", "hours"),
    ("nights", "Nights", "count"),
    ("weekends", "Weekends", "count"),
)


def add_redesign_section(page: Page, result: dict, folder: Path) -> None:
    """Add the optimised rota redesign (``rota optimise`` JSON) to a report page."""
    page.heading("A compliant redesign that keeps pay loss down")
    value, bound = result.get("objective_value"), result.get("bound")
    before = (result.get("summary") or {}).get("total_loss_before_gbp")
    was = f" (current rota: {rf.money(before)})" if before is not None else ""
    page.text(
        f"Problem {result.get('problem', '')}: status {result.get('status')}, total pay loss "
        f"{rf.money(value)}{was}, bound {rf.money(bound)}; rules check: "
        f"{'compliant' if result.get('compliant') else 'NOT compliant'}. "
        "Loss = max(0, 2002 pay with banding − 2026 pay), per doctor, £ a year."
    )
    frame = pd.DataFrame(result.get("doctors", []))
    if not frame.empty:
        page.table(*rf.select(frame, _REDESIGN))
    if result.get("rota_toml"):
        (folder / "redesign.toml").write_text(result["rota_toml"], "utf-8")
        page.text("The redesigned rota: redesign.toml (accepted by rota check and rota compare).")


_SIMULATION = (
    ("line", "Line", "text"),
    ("template", "Pay, expected work (£/year)", "money"),
    ("mean", "Pay, simulated mean (£/year)", "money"),
    ("p5", "Pay, 5th percentile (£/year)", "money"),
    ("p95", "Pay, 95th percentile (£/year)", "money"),
    ("breaches", "Rest breaches (a year)", "rate"),
    ("reports", "Exception reports (a year)", "rate"),
    ("fines", "Fines to doctor (£/year)", "money"),
    ("toil", "Days off in lieu (a year)", "rate"),
)


def add_simulation_section(page: Page, report: dict, folder: Path | None = None) -> None:
    """Add the on-call simulation (``rota simulate`` JSON) to a report page.

    With ``folder``, also draws ``oncall_simulation.png`` (breaches, fines, hours).
    """
    page.heading("Non-resident on-call as worked: simulated call-outs")
    page.text(
        f"{report['rota']}: {report['runs']} runs of {report.get('years_per_run', 1.0):.2f} "
        f"years per line (seed {report['seed']}, "
        f"{report['engine']} engine); pay under the 2026 contract with the simulated NROC "
        "work and overruns. By default every NROC rest breach is exception-reported, fined and "
        "given a day off in lieu (docs/oncall.md)."
    )
    if folder is not None and report.get("lines"):
        png = plot_oncall_summary(report, folder / "oncall_simulation.png")
        page.image(
            png,
            "Per line: NROC rest breaches and exception reports a year (whisker: 95th "
            "percentile), fines a year, and NROC hours worked a week against the rota's "
            "expected work.",
        )
    rows = [
        {
            "line": ln["id"],
            "template": ln["pay_2026"]["template"],
            "mean": ln["pay_2026"]["mean"],
            "p5": ln["pay_2026"]["p5"],
            "p95": ln["pay_2026"]["p95"],
            "breaches": ln["breaches_per_year"],
            "reports": ln.get("exception_reports_per_year", np.nan),
            "fines": ln["fines_per_year"]["doctor"],
            "toil": ln["toil_days_per_year"],
        }
        for ln in report["lines"]
    ]
    page.table(*rf.select(pd.DataFrame(rows), _SIMULATION))


# ---------------------------------------------------------------------------
# Whole reports
# ---------------------------------------------------------------------------


def department_report(
    out_dir: str | Path,
    rotas: Sequence[Rota],
    scenario: Scenario | None = None,
    *,
    title: str = "Rota engine: the department moves to the 2026 Welsh contract",
    sweep: tuple[Scenario, Path] | None = None,
    redesign: dict | None = None,
    simulation: dict | None = None,
) -> Path:
    """Write the report folder of a set of rotas: headline first, then the detail.

    Writes ``index.html``, the PNGs, ``compare.csv`` (one row per line),
    ``compliance.csv`` (rota × rule set) and, with a scenario,
    ``transition_results.csv`` (its tidy measures).

    Parameters
    ----------
    out_dir
        Report folder (created).
    rotas
        The rotas compared and checked.
    scenario
        Transition scenario run once (its first seed) for the protection by year.
    title
        Page title.
    sweep
        (scenario, finished sweep folder) to add as a section.
    redesign, simulation
        Results of ``rota optimise`` and ``rota simulate`` (JSON dicts) to add.

    Returns
    -------
    Path
        The report folder; open ``index.html`` in it.
    """
    page, folder, t0 = _department_page(out_dir, rotas, scenario, title=title, sweep=sweep)
    return _finish_page(page, folder, t0, redesign=redesign, simulation=simulation)


def _department_page(
    out_dir: str | Path,
    rotas: Sequence[Rota],
    scenario: Scenario | None,
    *,
    title: str,
    sweep: tuple[Scenario, Path] | None,
) -> tuple[Page, Path, float]:
    """The sections of :func:`department_report` up to the sweep, and its CSV files.

    Returns the page, the folder and the start time (``time.perf_counter``).
    """
    t0 = time.perf_counter()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    compare_table, lines = compare_frame(rotas)
    compliance_table = compliance_frame(rotas)
    escape_frame(compare_table).to_csv(folder / "compare.csv", index=False)
    escape_frame(compliance_table).to_csv(folder / "compliance.csv", index=False)
    results = None
    if scenario is not None:
        results = run_measures(scenario, scenario.sweep.seeds[0], run_id="demo")
        escape_frame(results).to_csv(folder / "transition_results.csv", index=False)
    page = Page(title)
    page.raw(headline_html(headline(compare_table, compliance_table, results, scenario)))
    add_rota_sections(page, rotas, folder, compare_table, lines)
    add_compliance_section(page, compliance_table)
    if scenario is not None and results is not None:
        add_transition_section(page, scenario, results, folder)
    if sweep is not None:
        add_sweep_section(page, sweep[0], sweep[1], folder)
    return page, folder, t0


def _finish_page(
    page: Page,
    folder: Path,
    t0: float,
    *,
    redesign: dict | None,
    simulation: dict | None,
) -> Path:
    """Add the redesign and simulation sections to a report page and write it."""
    if redesign is not None:
        add_redesign_section(page, redesign, folder)
    if simulation is not None:
        add_simulation_section(page, simulation, folder)
    page.text(
        f"Written in {time.perf_counter() - t0:.1f} s. Tidy results: compare.csv, "
        "compliance.csv, transition_results.csv and sweep/results.parquet."
    )
    page.write(folder / "index.html")
    return folder


def demo_report(
    out_dir: str | Path, *, redesign: dict | None = None, simulation: dict | None = None
) -> Path:
    """Run the pipeline on the bundled department and write a report folder.

    Compares the contracts per line, checks every rule set, runs the bundled
    transition scenario (``wales_transition.toml``) and the small sweep
    (``unsocial_sweep.toml``, in this process), then writes PNGs and ``index.html``
    (see :func:`department_report`). The same as :func:`start_demo_report` followed
    by :meth:`PendingReport.finish`.

    Parameters
    ----------
    out_dir
        Report folder (created); the sweep's tidy results go to ``out_dir/sweep``.
    redesign, simulation
        Optional results of ``rota optimise`` and ``rota simulate`` (JSON dicts) to
        include as sections.

    Returns
    -------
    Path
        The report folder; open ``index.html`` in it.
    """
    return start_demo_report(out_dir).finish(redesign=redesign, simulation=simulation)


class PendingReport:
    """A report page built up to its last sections; :meth:`finish` adds them and writes it."""

    def __init__(self, page: Page, folder: Path, t0: float) -> None:
        self._page, self._folder = page, folder
        self._built_s = time.perf_counter() - t0  # the page's "written in" leaves out the wait

    def finish(self, *, redesign: dict | None = None, simulation: dict | None = None) -> Path:
        """Add the redesign and simulation sections (when given), write ``index.html``.

        Returns
        -------
        Path
            The report folder.
        """
        t0 = time.perf_counter() - self._built_s
        return _finish_page(self._page, self._folder, t0, redesign=redesign, simulation=simulation)


def start_demo_report(out_dir: str | Path) -> PendingReport:
    """Everything of :func:`demo_report` that does not need the redesign or the simulation.

    ``rota demo`` runs it while the redesign search runs on another thread.
    """
    from .sweep import run_sweep

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    sweep = read_scenario(scenario_path(DEMO_SWEEP))
    # the demo always recomputes its sweep (a folder from an older version is replaced)
    run_sweep(sweep, folder / "sweep", workers=0, progress=False, fresh=True)
    return PendingReport(
        *_department_page(
            folder,
            [read_rota(p) for p in department_paths()],
            read_scenario(scenario_path(DEMO_SCENARIO)),
            title="Rota engine: the example department moves to the 2026 Welsh contract",
            sweep=(sweep, folder / "sweep"),
        )
    )


__all__ = [
    "DEMO_SCENARIO",
    "DEMO_SWEEP",
    "Page",
    "PendingReport",
    "add_compliance_section",
    "add_redesign_section",
    "add_rota_sections",
    "add_simulation_section",
    "add_sweep_section",
    "add_transition_section",
    "demo_report",
    "department_report",
    "start_demo_report",
    "sweep_report",
    "transition_tables",
]
