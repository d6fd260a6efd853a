"""Explore a ``rota sweep`` output folder: load its tables, filter, build chart figures.

The folder is the one ``rota sweep SCENARIO --out DIR`` writes (see
``docs/scenarios.md``): ``results.parquet`` (or ``results.csv``), ``manifest.csv``
with one column per grid path, ``summary.csv`` and ``scenario.json``. Figures are
plain Plotly figure mappings (``{"data": [...], "layout": {...}}``) drawn in the
browser by the ``plotly.js`` bundled in the ``plotly`` package.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from simulator.model import UserError

from .formatting import money, number

#: Plain names of the measures (``_gbp`` measures are money).
MEASURE_TITLES = {
    "pay_bill_gbp": "Pay bill under the transition",
    "pay_bill_2002_gbp": "Pay bill if all on 2002",
    "pay_bill_2026_gbp": "Pay bill if all on 2026",
    "protection_cost_gbp": "Protection cost",
    "protection_cost_total_gbp": "Protection cost over all years",
    "protection_ends_year": "Year protection ends",
    "protected_lines": "Lines with protection",
    "winners": "Winners (better off on 2026)",
    "losers": "Losers (worse off on 2026)",
    "lines": "Lines",
    "change_mean_gbp": "Mean change 2026 − 2002",
    "change_median_gbp": "Median change 2026 − 2002",
    "change_p10_gbp": "10th percentile of change",
    "change_p90_gbp": "90th percentile of change",
    "change_gbp": "Change 2026 − 2002 per line",
}
#: Columns of the manifest that are not grid paths.
MANIFEST_COLUMNS = ("scenario_id", "run_id", "seed", "status", "seconds", "error", "grid")
#: Categorical colours of the chart traces.
COLOURS = ("#1f5fa8", "#d9822b", "#2a9d5b", "#b8336a", "#6c4fb3", "#7a7a7a", "#0f8b8d")
#: Line dashes of the traces (by the value of the colour path).
DASHES = ("solid", "dash", "dot", "dashdot", "longdash")


def measure_title(measure: str) -> str:
    """Plain name of a measure, with ``(£/year)`` for money."""
    title = MEASURE_TITLES.get(measure, measure.replace("_gbp", "").replace("_", " ").capitalize())
    return f"{title} (£/year)" if measure.endswith("_gbp") else title


@dataclass(slots=True)
class Sweep:
    """A sweep output folder, loaded.

    Attributes
    ----------
    folder
        The folder.
    title, scenario_id
        From ``scenario.json`` (or the results).
    params
        Grid paths (one column each in ``results``).
    results
        The long result table with one column per grid path added.
    summary
        ``summary.csv`` (empty when absent).
    failed
        Failed runs (``errors.csv``).
    """

    folder: Path
    title: str
    scenario_id: str
    params: list[str]
    results: pd.DataFrame
    summary: pd.DataFrame
    failed: int = 0
    seeds: list[int] = field(default_factory=list)

    @property
    def aggregate(self) -> pd.DataFrame:
        """Rows of grades (``line_id == ""``)."""
        return self.results[self.results["line_id"] == ""]

    def measures(self) -> list[str]:
        """Aggregate measures present, money first then counts, in name order."""
        names = sorted(self.aggregate["measure"].unique())
        return sorted(names, key=lambda m: (not m.endswith("_gbp"), m))

    def grades(self) -> list[str]:
        """Grades of the aggregate rows, ``all`` first."""
        found = set(self.aggregate["grade"].unique())
        return ["all"] + sorted(found - {"all"}) if "all" in found else sorted(found)

    def years(self) -> list[str]:
        """Pay years present (not ``all``), in order."""
        return sorted(y for y in self.results["year"].unique() if y != "all")


def _read_results(folder: Path) -> pd.DataFrame:
    parquet, csv = folder / "results.parquet", folder / "results.csv"
    if parquet.is_file():
        table = pd.read_parquet(parquet)
    elif csv.is_file():
        text_cols = {"scenario_id": str, "run_id": str, "year": str, "grade": str, "line_id": str}
        table = pd.read_csv(csv, dtype=text_cols, keep_default_na=False, na_values={"value": [""]})
        table["value"] = pd.to_numeric(table["value"], errors="coerce")
    else:
        raise UserError(
            f"{folder}: no results.parquet or results.csv: is this a 'rota sweep --out' folder?"
        )
    table["line_id"] = table["line_id"].fillna("").astype(str)
    table["year"] = table["year"].astype(str)
    return table


def _grid_params(folder: Path, manifest: pd.DataFrame) -> tuple[list[str], dict]:
    meta: dict = {}
    path = folder / "scenario.json"
    if path.is_file():
        try:
            meta = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            meta = {}
    params = [p for p in meta.get("grid", {}) if p in manifest.columns]
    if not params:
        params = [c for c in manifest.columns if c not in MANIFEST_COLUMNS]
    return params, meta


@lru_cache(maxsize=4)
def _load(folder: str, stamp: float) -> Sweep:
    path = Path(folder)
    results = _read_results(path)
    manifest_path = path / "manifest.csv"
    manifest = pd.read_csv(manifest_path) if manifest_path.is_file() else pd.DataFrame()
    params, meta = _grid_params(path, manifest) if not manifest.empty else ([], {})
    if params:
        grid = manifest[["run_id", *params]].drop_duplicates("run_id")
        results = results.merge(grid, on="run_id", how="left")
    summary_path = path / "summary.csv"
    summary = pd.read_csv(summary_path) if summary_path.is_file() else pd.DataFrame()
    failed = int((manifest["status"] == "failed").sum()) if "status" in manifest else 0
    ids = results["scenario_id"].unique()
    return Sweep(
        folder=path,
        title=str(meta.get("title") or (ids[0] if len(ids) else path.name)),
        scenario_id=str(meta.get("scenario_id") or (ids[0] if len(ids) else "")),
        params=params,
        results=results,
        summary=summary,
        failed=failed,
        seeds=sorted(int(s) for s in results["seed"].unique()),
    )


def load_sweep(folder: str | Path) -> Sweep:
    """Load a sweep output folder (cached until its results file changes).

    Raises
    ------
    UserError
        When the folder does not exist or holds no results table.
    """
    path = Path(folder).expanduser()
    if not str(folder).strip():
        raise UserError("give the path of a 'rota sweep --out' folder")
    if not path.is_dir():
        raise UserError(f"{path}: no such folder")
    path = path.resolve()
    files = [path / "results.parquet", path / "results.csv"]
    stamps = [p.stat().st_mtime for p in files if p.is_file()]
    return _load(str(path), max(stamps, default=0.0))


#: Folders never searched for sweep output.
SKIP_FOLDERS = frozenset({"node_modules", "__pycache__", "runs", "errors", "site-packages"})


def find_sweep_folders(root: Path, max_depth: int = 3, limit: int = 12) -> list[Path]:
    """Sweep output folders under ``root`` (at most ``max_depth`` levels down), by name.

    A sweep folder holds ``manifest.csv`` and ``results.parquet`` or ``results.csv``;
    hidden folders are skipped.
    """
    found: list[Path] = []
    root = root.resolve()
    for folder, subdirs, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in SKIP_FOLDERS)
        if depth >= max_depth:
            subdirs[:] = []
        names = set(files)
        if "manifest.csv" in names and names & {"results.parquet", "results.csv"}:
            found.append(Path(folder))
            if len(found) >= limit:
                break
    return sorted(found)


def year_text(value: float | None) -> str:
    """A year stored as a number: ``2029.0`` → ``'2029'`` (``'–'`` when missing: never)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.0f}"


def param_label(value: object) -> str:
    """A grid value as text (``1.5``, ``0.02``, ``true``)."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _axis(measure: str) -> dict:
    axis: dict = {"title": {"text": measure_title(measure)}, "zeroline": False}
    if measure.endswith("_gbp"):
        axis.update(tickprefix="£", tickformat=",.0f", hoverformat=",.0f")
    return axis


def _layout(title: str, x_title: str, measure: str) -> dict:
    return {
        "title": {"text": title, "x": 0, "font": {"size": 15}},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": _axis(measure),
        "margin": {"l": 80, "r": 20, "t": 50, "b": 50},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
        "height": 380,
    }


@dataclass(frozen=True, slots=True)
class Selection:
    """The filters of the explorer page.

    Attributes
    ----------
    measure
        Aggregate measure drawn.
    grade
        Grade of the aggregate rows (``all`` for every grade).
    year
        Pay year of the charts that show one year.
    param
        Grid path on the x axis (``None`` for a sweep without a grid).
    colour
        Grid path that splits the traces (``None``: one trace per x value group).
    """

    measure: str
    grade: str
    year: str
    param: str | None
    colour: str | None


def _pick(value: object, allowed: list[str], default: str | None) -> str | None:
    text = str(value) if value is not None else ""
    return text if text in allowed else default


def select(sweep: Sweep, query: dict) -> Selection:
    """The page's filters from query values; unknown values fall back to defaults."""
    measures = sweep.measures()
    default_measure = "pay_bill_gbp" if "pay_bill_gbp" in measures else (measures or [""])[0]
    years = sweep.years()
    param = _pick(query.get("param"), sweep.params, sweep.params[0] if sweep.params else None)
    others = [p for p in sweep.params if p != param]
    colour = _pick(query.get("colour"), others, others[0] if others else None)
    return Selection(
        measure=_pick(query.get("measure"), measures, default_measure) or "",
        grade=_pick(query.get("grade"), sweep.grades(), "all") or "all",
        year=_pick(query.get("year"), years, years[0] if years else "all") or "all",
        param=param,
        colour=colour,
    )


def _grade_text(grade: str) -> str:
    return "all grades" if grade == "all" else f"grade {grade}"


def _rows(sweep: Sweep, sel: Selection) -> pd.DataFrame:
    agg = sweep.aggregate
    return agg[(agg["measure"] == sel.measure) & (agg["grade"] == sel.grade)]


def _keys(sel: Selection) -> list[str]:
    return [k for k in (sel.param, sel.colour) if k]


def _trace_name(sel: Selection, values: tuple) -> str:
    return ", ".join(f"{k} = {param_label(v)}" for k, v in zip(_keys(sel), values, strict=True))


def _groups(table: pd.DataFrame, keys: list[str]):
    if not keys:
        yield (), table
        return
    for values, group in table.groupby(keys, sort=True):
        yield (values if isinstance(values, tuple) else (values,)), group


def _styles(sel: Selection, rows: pd.DataFrame) -> dict[tuple, dict]:
    """Line style per trace key: colour by the x-axis path's value, dash by the colour
    path's value."""
    colours = sorted(rows[sel.param].unique()) if sel.param else []
    dashes = sorted(rows[sel.colour].unique()) if sel.colour else []
    out: dict[tuple, dict] = {}
    for values, _ in _groups(rows, _keys(sel)):
        i = colours.index(values[0]) if colours else 0
        j = dashes.index(values[1]) if dashes else 0
        out[values] = {"color": COLOURS[i % len(COLOURS)], "dash": DASHES[j % len(DASHES)]}
    return out


def by_year_figure(sweep: Sweep, sel: Selection) -> dict | None:
    """The measure by pay year, one line per grid value (mean over seeds and the other
    grid paths); ``None`` when the measure is not by year."""
    rows = _rows(sweep, sel)
    rows = rows[rows["year"] != "all"]
    if rows.empty:
        return None
    styles = _styles(sel, rows)
    data = []
    for values, group in _groups(rows, _keys(sel)):
        means = group.groupby("year")["value"].mean().sort_index()
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": list(means.index),
                "y": [None if math.isnan(v) else v for v in means.to_numpy().tolist()],
                "name": _trace_name(sel, values) or sweep.scenario_id,
                "line": styles[values],
            }
        )
    title = f"By pay year — {_grade_text(sel.grade)}"
    return {"data": data, "layout": _layout(title, "pay year", sel.measure)}


def vs_param_figure(sweep: Sweep, sel: Selection) -> dict | None:
    """The measure against the x-axis grid path in the chosen year: mean with the range
    over seeds (and other grid values) as error bars; ``None`` without a grid."""
    if sel.param is None:
        return None
    rows = _rows(sweep, sel)
    year = sel.year if (rows["year"] == sel.year).any() else "all"
    rows = rows[rows["year"] == year]
    if rows.empty:
        return None
    data = []
    colour_keys = [sel.colour] if sel.colour else []
    for i, (values, group) in enumerate(_groups(rows, colour_keys)):
        stats = group.groupby(sel.param)["value"].agg(["mean", "min", "max"]).sort_index()
        mean = stats["mean"].to_numpy()
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [param_label(v) for v in stats.index],
                "y": mean.tolist(),
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": (stats["max"].to_numpy() - mean).tolist(),
                    "arrayminus": (mean - stats["min"].to_numpy()).tolist(),
                    "thickness": 1,
                },
                "name": f"{sel.colour} = {param_label(values[0])}" if values else sel.measure,
                "line": {"color": COLOURS[i % len(COLOURS)]},
            }
        )
    when = "over all years" if year == "all" else year
    title = f"Against {sel.param} — {when}, {_grade_text(sel.grade)}"
    figure = {"data": data, "layout": _layout(title, sel.param, sel.measure)}
    figure["layout"]["xaxis"]["type"] = "category"
    return figure


def line_change_figure(sweep: Sweep, sel: Selection) -> dict | None:
    """Distribution of the per-line change 2026 − 2002 in the chosen year, one box per
    value of the x-axis grid path; ``None`` without line rows."""
    res = sweep.results
    rows = res[
        (res["line_id"] != "") & (res["measure"] == "change_gbp") & (res["year"] == sel.year)
    ]
    if sel.grade != "all":
        rows = rows[rows["grade"] == sel.grade]
    if rows.empty:
        return None
    data = []
    keys = [sel.param] if sel.param else []
    for i, (values, group) in enumerate(_groups(rows, keys)):
        data.append(
            {
                "type": "box",
                "y": group["value"].tolist(),
                "name": param_label(values[0]) if values else sweep.scenario_id,
                "boxpoints": "outliers",
                "marker": {"color": COLOURS[i % len(COLOURS)]},
            }
        )
    title = f"Change 2026 − 2002 per line — {sel.year}, {_grade_text(sel.grade)}"
    figure = {"data": data, "layout": _layout(title, sel.param or "", "change_gbp")}
    figure["layout"]["showlegend"] = False
    return figure


#: Columns of the per-run table, after the grid paths: (column, header, format).
SUMMARY_COLUMNS = (
    ("winners", "winners", number),
    ("losers", "losers", number),
    ("pay_bill_first_gbp", "pay bill, first year", money),
    ("pay_bill_last_gbp", "pay bill, last year", money),
    ("protection_cost_total_gbp", "protection, all years", money),
    ("protection_ends_year", "protection ends", year_text),
)


def summary_table(sweep: Sweep) -> tuple[list[str], list[list[object]]]:
    """Headers and formatted rows of the per-run table (``summary.csv``), sorted by grid
    values."""
    table = sweep.summary
    if table.empty:
        return [], []
    cols = [c for c, _, _ in SUMMARY_COLUMNS if c in table.columns]
    params = [p for p in sweep.params if p in table.columns]
    table = table.sort_values([*params, "seed"]) if params else table
    headers = ["run", "seed", *params, *[h for c, h, _ in SUMMARY_COLUMNS if c in cols]]
    rows = []
    for rec in table.to_dict("records"):
        row: list[object] = [rec["run_id"], rec["seed"], *[param_label(rec[p]) for p in params]]
        for col, _, fmt in SUMMARY_COLUMNS:
            if col in cols:
                row.append(fmt(rec[col]))
        rows.append(row)
    return headers, rows
