"""Report folders: PNG plots and an ``index.html`` with the key tables.

The HTML is self-contained apart from the PNGs beside it (no scripts, no external
styles). :func:`demo_report` runs the whole pipeline on the bundled department.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.compile import compile_rota
from simulator.contracts import compare
from simulator.examples import department_paths
from simulator.io import read_rota
from simulator.model import GRADES, Rota

from . import plots
from .examples import scenario_path
from .measures import restoration_table, run_measures
from .scenario import Scenario, read_scenario

#: Example scenarios used by :func:`demo_report`.
DEMO_SCENARIO = "wales_transition.toml"
DEMO_SWEEP = "unsocial_sweep.toml"
#: Summary measures drawn as response curves.
RESPONSE_MEASURES = ("protection_cost_total_gbp", "pay_bill_last_gbp", "losers")

_CSS = """
body { font-family: sans-serif; margin: 2em; max-width: 1200px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
th { background: #f0f0f0; } td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
p.note { font-size: 0.85em; color: #555; }
"""


class Page:
    """An HTML page built from sections of text, images and tables."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.parts: list[str] = []

    def heading(self, text: str) -> None:
        """Add a section heading."""
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def text(self, text: str) -> None:
        """Add a paragraph of notes."""
        self.parts.append(f'<p class="note">{html.escape(text)}</p>')

    def image(self, path: Path, caption: str = "") -> None:
        """Add an image (a file in the report folder)."""
        alt = html.escape(caption or path.stem)
        self.parts.append(f'<figure><img src="{html.escape(path.name)}" alt="{alt}">')
        if caption:
            self.parts.append(f"<figcaption>{html.escape(caption)}</figcaption>")
        self.parts.append("</figure>")

    def table(self, frame: pd.DataFrame, *, index: bool = False, digits: int = 2) -> None:
        """Add a table (pandas ``to_html``)."""
        fmt = {
            c: (lambda v, d=digits: f"{v:,.{d}f}")
            for c in frame.columns
            if pd.api.types.is_float_dtype(frame[c])
        }
        self.parts.append(frame.to_html(index=index, border=0, formatters=fmt, na_rep="-"))

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
# Scenario sections
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
        ``pay_bill`` (year × paid / 2002 only / 2026 only, GBP/year),
        ``protection`` (year × grade, GBP/year), ``winners_losers`` (grade × winners,
        losers in the first year) and ``compliance`` (grade × rule set, lines).
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
    wl_rows = []
    comp_rows = []
    rulesets = sorted(
        m.removeprefix("compliant_lines_")
        for m in results["measure"].unique()
        if m.startswith("compliant_lines_")
    )
    for g in [*grades, "all"]:
        wl_rows.append(
            {
                "grade": g,
                "lines": _agg(results, "lines", g).get(first, np.nan),
                "winners": _agg(results, "winners", g).get(first, np.nan),
                "losers": _agg(results, "losers", g).get(first, np.nan),
                "median change (GBP)": _agg(results, "change_median_gbp", g).get(first, np.nan),
                "protection total (GBP)": _agg(results, "protection_cost_total_gbp", g).get(
                    "all", np.nan
                ),
                "protection ends": _agg(results, "protection_ends_year", g).get("all", np.nan),
            }
        )
        row = {"grade": g}
        row.update(
            {rs: _agg(results, f"compliant_lines_{rs}", g).get("all", np.nan) for rs in rulesets}
        )
        comp_rows.append(row)
    wl = pd.DataFrame(wl_rows)
    for col in ("lines", "winners", "losers"):
        wl[col] = wl[col].astype("Int64")
    return {
        "pay_bill": pay_bill,
        "protection": protection,
        "winners_losers": wl,
        "compliance": pd.DataFrame(comp_rows),
    }


def add_transition_section(
    page: Page, scenario: Scenario, results: pd.DataFrame, folder: Path, prefix: str = ""
) -> list[Path]:
    """Plots and tables of one scenario run; returns the PNGs written."""
    tables = transition_tables(results)
    years = list(tables["pay_bill"].index)
    first = years[0] if years else ""
    line_rows = results[results["line_id"] != ""]
    change = line_rows[(line_rows["measure"] == "change_gbp") & (line_rows["year"] == first)]
    pngs = [
        plots.protection_over_years(
            tables["protection"],
            folder / f"{prefix}protection_cost.png",
            title="Pay protection cost by year and grade (cash floor frozen at transfer)",
        ),
        plots.pay_bill_over_years(
            tables["pay_bill"].drop(columns=["protection cost"]), folder / f"{prefix}pay_bill.png"
        ),
        plots.winners_losers_histogram(
            change["value"].to_numpy(),
            change["grade"].to_numpy(),
            folder / f"{prefix}winners_losers.png",
            title=f"Pay change per line in {first}: 2026 − 2002",
        ),
        plots.restoration_trajectory(
            restoration_table(scenario), folder / f"{prefix}restoration.png"
        ),
    ]
    page.heading(f"Transition: {scenario.title}")
    page.text(
        "Each line moves to the 2026 contract in its grade's transfer year (unbanded lines "
        "and new appointments first). From then it is paid max(2026 pay, cash floor), the "
        "floor being its 2002 pay including banding in the transfer year, frozen in cash; "
        "the protection cost is floor − 2026 pay while positive. Pay awards and yearly "
        "progression move both contracts' pay; see docs/scenarios.md."
    )
    page.image(pngs[1], "Pay bill by year")
    page.table(tables["pay_bill"].reset_index(names="pay year"), digits=0)
    page.image(pngs[0], "Protection cost by year")
    page.table(tables["protection"].reset_index(names="pay year"), digits=0)
    page.image(pngs[2], "Winners and losers")
    page.table(tables["winners_losers"], digits=0)
    page.heading("Compliant lines per rule set")
    page.table(tables["compliance"], digits=0)
    page.heading("Pay restoration")
    page.text(
        "Erosion gap g(k) = 1 − (1 − g0) × Π(1 + uplift) / Π(1 + inflation); the uplift "
        "that would restore pay is 1 / (1 − g) − 1. Inflation is an assumption [A]."
    )
    page.image(pngs[3], "Restoration trajectory")
    page.table(restoration_table(scenario), digits=4)
    return pngs


def add_sweep_section(page: Page, scenario: Scenario, sweep_dir: Path, folder: Path) -> list[Path]:
    """Response curves and the per-run summary of a finished sweep folder."""
    summary_file = sweep_dir / "summary.csv"
    summary = pd.read_csv(summary_file) if summary_file.is_file() else pd.DataFrame()
    params = [p for p, _ in scenario.sweep.grid]
    page.heading(f"Sweep: {scenario.title}")
    pngs = []
    if not summary.empty:
        pngs.append(
            plots.response_curves(summary, params, RESPONSE_MEASURES, folder / "sweep_response.png")
        )
        page.image(pngs[0], "Response curves (mean over seeds and other parameters; band min-max)")
        page.table(summary.drop(columns=["scenario_id"], errors="ignore"), digits=2)
    errors_file = sweep_dir / "errors.csv"
    if errors_file.is_file():
        errors = pd.read_csv(errors_file)
        if not errors.empty:
            page.heading("Failed runs")
            page.table(errors)
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


def _rota_section(page: Page, rotas: Sequence[Rota], folder: Path) -> list[Path]:
    from simulator.rules import RULESETS, check

    pngs = []
    compare_rows, check_rows, waterfall_lines = [], [], []
    for i, rota in enumerate(rotas):
        compiled = compile_rota(rota)
        pngs.append(plots.rota_heatmap(compiled, folder / f"rota_{i + 1}.png", title=rota.name))
        result = compare(compiled, name=rota.name)
        waterfall_lines.append(result["lines"][0])
        for line in result["lines"]:
            compare_rows.append(
                {
                    "rota": rota.name.split(" (")[0],
                    "line": line["id"],
                    "grade": line["grade"],
                    "work h/wk": line["actual_work_hours"],
                    "band 2002": line["band_2002"],
                    "pay 2002": line["pay_2002"]["total"],
                    "pay 2026": line["pay_2026"]["total"],
                    "change": line["change"],
                    "protection": line["protection_cost"],
                }
            )
        row = {"rota": rota.name.split(" (")[0], "lines": compiled.n_lines}
        for rs in RULESETS:
            row[rs] = int(np.sum(check(compiled, rs).compliant))
        check_rows.append(row)
    pngs.append(plots.pay_waterfall(waterfall_lines, folder / "pay_waterfall.png"))
    page.heading("The department's rotas")
    for png in pngs[:-1]:
        page.image(png)
    page.heading("2002 vs 2026 pay per line (rota compare)")
    page.image(pngs[-1], "Pay waterfall of the first line of each rota")
    page.table(pd.DataFrame(compare_rows), digits=2)
    page.heading("Compliant lines per rule set (rota check)")
    page.table(pd.DataFrame(check_rows), digits=0)
    return pngs


def add_redesign_section(page: Page, result: dict, folder: Path) -> None:
    """Add the optimised rota redesign (``rota optimise`` JSON) to a report page."""
    page.heading("A compliant redesign that keeps pay loss down")
    value, bound = result.get("objective_value"), result.get("bound")
    page.text(
        f"Problem {result.get('problem', '')}: status {result.get('status')}, total pay loss "
        f"GBP {float('nan') if value is None else value:,.2f} (bound "
        f"GBP {float('nan') if bound is None else bound:,.2f}); rules check: "
        f"{'compliant' if result.get('compliant') else 'NOT compliant'}. "
        "Loss = max(0, 2002 pay with banding - 2026 pay), per doctor."
    )
    keys = [
        "id",
        "grade",
        "reference_band_2002",
        "reference_gbp",
        "current_2026_gbp",
        "loss_before_gbp",
        "pay_2026_gbp",
        "loss_gbp",
        "hours_per_week",
        "nights",
        "weekends",
    ]
    frame = pd.DataFrame([{k: d.get(k) for k in keys} for d in result.get("doctors", [])])
    page.table(frame)
    if result.get("rota_toml"):
        (folder / "redesign.toml").write_text(result["rota_toml"], "utf-8")
        page.text("The redesigned rota: redesign.toml (accepted by rota check and rota compare).")


def add_simulation_section(page: Page, report: dict) -> None:
    """Add the on-call simulation (``rota simulate`` JSON) to a report page."""
    page.heading("Non-resident on-call as worked: simulated call-outs")
    page.text(
        f"{report['rota']}: {report['runs']} runs (seed {report['seed']}, "
        f"{report['engine']}), 2026 pay in GBP/year with simulated NROC work and overruns."
    )
    rows = [
        {
            "line": ln["id"],
            "template pay": ln["pay_2026"]["template"],
            "mean pay": ln["pay_2026"]["mean"],
            "p5": ln["pay_2026"]["p5"],
            "p95": ln["pay_2026"]["p95"],
            "breaches/yr": ln["breaches_per_year"],
            "fines to doctor/yr": ln["fines_per_year"]["doctor"],
            "TOIL days/yr": ln["toil_days_per_year"],
        }
        for ln in report["lines"]
    ]
    page.table(pd.DataFrame(rows))


def demo_report(
    out_dir: str | Path, *, redesign: dict | None = None, simulation: dict | None = None
) -> Path:
    """Run the pipeline on the bundled department and write a report folder.

    Compares the contracts per line, checks every rule set, runs the bundled
    transition scenario (``wales_transition.toml``) and the small sweep
    (``unsocial_sweep.toml``, in this process), then writes PNGs and ``index.html``.

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
    from .sweep import run_sweep

    t0 = time.perf_counter()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    page = Page("Rota engine: the example department moves to the 2026 Welsh contract")
    rotas = [read_rota(p) for p in department_paths()]
    _rota_section(page, rotas, folder)
    scenario = read_scenario(scenario_path(DEMO_SCENARIO))
    results = run_measures(scenario, scenario.sweep.seeds[0], run_id="demo")
    results.to_csv(folder / "transition_results.csv", index=False)
    add_transition_section(page, scenario, results, folder)
    sweep = read_scenario(scenario_path(DEMO_SWEEP))
    run_sweep(sweep, folder / "sweep", workers=0, progress=False)
    add_sweep_section(page, sweep, folder / "sweep", folder)
    if redesign is not None:
        add_redesign_section(page, redesign, folder)
    if simulation is not None:
        add_simulation_section(page, simulation)
    page.text(
        f"Written in {time.perf_counter() - t0:.1f} s. Scenario files: "
        f"{json.dumps([DEMO_SCENARIO, DEMO_SWEEP])} (scenarios/examples). Tidy results: "
        "transition_results.csv and sweep/results.parquet."
    )
    page.write(folder / "index.html")
    return folder
