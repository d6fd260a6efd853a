"""Explain a doctor's pay change: components before and after, and what drove it.

For every doctor in the rota found, :func:`explain_rota` (and :func:`explain`, for an
:class:`~optimizer.solve.OptimiseResult`) sets side by side

- **before**: the doctor's current line, when the problem gives one
  (``reference_rota`` + ``reference_line`` with the problem's cycle length), priced
  by the pay engine under the 2002 contract (band, basic, supplement, total) and the
  2026 Welsh contract (every component), with its metrics; or just the 2002 total
  when the reference is a salary;
- **after**: the new line's 2026 components and metrics;
- **change**: after − before per 2026 component and metric, and the 2026 totals
  against the 2002 reference;
- **drivers**: plain-English reasons, the 2026 components that changed first,
  largest £ effect first, then the comparison with the 2002 pay.

Every figure comes from :func:`simulator.contracts.price` and
:func:`simulator.metrics.compute_metrics`; none is estimated. Money is GBP/year
rounded to pence, hours are hours per week averaged over the cycle, nights and
weekends are counts in the cycle. The current line is rebuilt with the problem's
shift types and start date; when its 2002 price differs from the reference the
problem gives (other shift times or dates in the reference rota), a note says so.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import pandas as pd

from simulator.compile import compile_rota
from simulator.contracts import PAY_COMPONENTS, ContractParams, load_params, price
from simulator.metrics import compute_metrics
from simulator.model import Rota

from .problem import Doctor, Problem

if TYPE_CHECKING:
    from .solve import OptimiseResult

#: 2026 pay components, ending with the total (GBP/year).
COMPONENTS_2026: tuple[str, ...] = PAY_COMPONENTS["wales-2026"]
#: 2002 pay components, ending with the total (GBP/year).
COMPONENTS_2002: tuple[str, ...] = PAY_COMPONENTS["nhs-2002"]
#: Metrics reported, by key: the column of :func:`simulator.metrics.compute_metrics`.
METRICS: dict[str, str] = {
    "hours_per_week": "resident_hours_per_week",
    "unsocial_hours_per_week": "unsocial_resident_hours_per_week",
    "bank_holiday_hours_per_week": "bank_holiday_hours_per_week",
    "nights": "nights",
    "weekends": "weekends",
    "nroc_hours_per_week": "nroc_hours_per_week",
    "nroc_work_hours_per_week": "nroc_expected_work_hours_per_week",
}
#: Count metrics (whole numbers); the others are h/week.
COUNT_METRICS = ("nights", "weekends")
#: Plain-English names of the 2026 components.
COMPONENT_NAMES: dict[str, str] = {
    "basic": "basic pay",
    "additional_hours": "additional hours",
    "unsocial": "unsocial pay",
    "nroc_availability": "NROC availability",
    "nroc_work": "NROC work",
    "premia": "premia",
    "total": "total",
}
#: Component changes smaller than this are not named as drivers, GBP/year.
MIN_DRIVER_GBP = 0.5
#: Text width of :func:`explanation_lines`, characters.
TEXT_WIDTH = 80
MINUS = "\N{MINUS SIGN}"


def _money(x: float) -> float:
    return round(float(x), 2) + 0.0


def pounds(x: float) -> str:
    """Whole pounds with thousands separators, halves rounded up: ``'18,315'``."""
    value = Decimal(repr(round(float(x), 2))).quantize(Decimal(1), ROUND_HALF_UP)
    text = f"{abs(value):,.0f}"
    return f"{MINUS}{text}" if value < 0 else text


def signed_pounds(x: float, symbol: str = "£") -> str:
    """``+£1,200`` / ``−£3,104`` (``£0`` when it rounds to nothing)."""
    text = pounds(x)
    if text == "0":
        return f"{symbol}0"
    if text.startswith(MINUS):
        return f"{MINUS}{symbol}{text[1:]}"
    return f"+{symbol}{text}"


def _metric_text(key: str, value: float) -> str:
    text = str(round(value)) if key in COUNT_METRICS else f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def current_lines_rota(problem: Problem) -> tuple[Rota | None, dict[str, str]]:
    """The doctors' current lines as one rota on the problem's shifts and calendar.

    Parameters
    ----------
    problem
        The problem; a doctor has a current line when ``current_days`` is set.

    Returns
    -------
    rota, notes
        The rota (``None`` when no doctor has a current line that can be priced) and,
        per doctor id, why a current line was left out (shift codes the problem lacks).
    """
    lines, notes = [], {}
    for doc in problem.doctors:
        if doc.current_days is None:
            continue
        missing = sorted({c for day in doc.current_days for c in day} - set(problem.shifts))
        if missing:
            notes[doc.id] = (
                f"the current line uses shift codes this problem lacks ({', '.join(missing)}): "
                "it is not re-priced"
            )
            continue
        lines.append(doc.line(doc.current_days))
    if not lines:
        return None, notes
    rota = problem.rota(lines, name=f"{problem.name} (current lines)", source="<current lines>")
    return rota, notes


def _tables(
    rota: Rota, p26: ContractParams, p02: ContractParams | None
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame]:
    """2026 pay, 2002 pay (when ``p02`` is given) and metrics of every line."""
    compiled = compile_rota(rota)
    metrics = compute_metrics(compiled)
    pay26 = price(compiled, "wales-2026", params=p26, metrics=metrics)
    pay02 = None if p02 is None else price(compiled, "nhs-2002", params=p02, metrics=metrics)
    return pay26, pay02, metrics


def _row(table: pd.DataFrame, line_id: str, names: Sequence[str]) -> dict:
    return {name: _money(table.loc[line_id, name]) for name in names}


def _metrics_row(metrics: pd.DataFrame, line_id: str) -> dict:
    row = metrics.loc[line_id]
    return {
        key: int(round(float(row[col]))) if key in COUNT_METRICS else round(float(row[col]), 4)
        for key, col in METRICS.items()
    }


def _diff(after: Mapping[str, float], before: Mapping[str, float]) -> dict:
    """``after − before`` for every key of ``before`` (ints stay ints)."""
    out = {}
    for key in before:
        if key not in after or isinstance(before[key], str):
            continue
        delta = after[key] - before[key]
        out[key] = delta if isinstance(delta, int) else round(delta, 4)
    return out


def _before_without_line(doc: Doctor) -> dict:
    """``before`` of a doctor whose current line is not priced here."""
    if doc.reference_gbp is None:
        return {"source": "none", "pay_2002": None, "pay_2026": None, "metrics": None}
    pay_2002: dict = {"total": _money(doc.reference_gbp)}
    if doc.reference_band is not None:
        pay_2002 = {"band": doc.reference_band, **pay_2002}
    pay_2026 = None
    if doc.current_2026_gbp is not None:
        pay_2026 = {"total": _money(doc.current_2026_gbp)}
    return {
        "source": doc.reference_source or "salary",
        "pay_2002": pay_2002,
        "pay_2026": pay_2026,
        "metrics": None,
    }


def _component_driver(
    component: str, delta: float, before: Mapping, after: Mapping, basic_h: float
) -> dict:
    """One driver: a 2026 component's change and the metrics behind it."""

    def move(key: str, unit: str = "h/week") -> str:
        a, b = _metric_text(key, before[key]), _metric_text(key, after[key])
        return f"{a} → {b} {unit}".rstrip()

    hours = move("hours_per_week")
    if component == "basic":
        why = f"{hours} (basic pays up to {basic_h:g} h/week)"
    elif component == "additional_hours":
        why = f"{hours}, hours above {basic_h:g} h/week are paid as additional hours"
    elif component == "unsocial":
        parts = [
            f"{label} {move(key, unit)}"
            for key, label, unit in (
                ("nights", "nights", "in the cycle"),
                ("weekends", "weekends", "in the cycle"),
                ("bank_holiday_hours_per_week", "bank holiday hours", "h/week"),
            )
            if before[key] != after[key]
        ]
        why = ", ".join([*parts, f"unsocial hours {move('unsocial_hours_per_week')}"])
    elif component == "nroc_availability":
        why = f"NROC {move('nroc_hours_per_week')}"
    elif component == "nroc_work":
        why = f"expected NROC work {move('nroc_work_hours_per_week')}"
    else:  # premia follow the basic hours
        why = f"{hours} (the premium is paid pro rata up to {basic_h:g} h/week)"
    text = f"{COMPONENT_NAMES[component]} {signed_pounds(delta)}: {why}"
    return {"component": component, "gbp": _money(delta), "text": text}


def _reference_driver(entry: Mapping) -> dict:
    """The comparison of the new 2026 pay with the doctor's 2002 reference."""
    after = entry["after"]["pay_2026"]
    ref = entry["reference_gbp"]
    if ref is None:
        text = f"no 2002 reference (a new appointment): 2026 pay £{pounds(after['total'])}"
        return {"component": "vs_2002", "gbp": None, "text": text}
    change = entry["change"]["vs_2002_gbp"]
    pay02 = entry["before"]["pay_2002"]
    parts = " + ".join(
        f"{COMPONENT_NAMES[c]} £{pounds(after[c])}"
        for c in COMPONENTS_2026[:-1]
        if c == "basic" or after[c] != 0
    )
    new = f"2026 pay £{pounds(after['total'])} ({parts})"
    if "supplement" not in pay02:
        what = "salary" if entry["before"]["source"] == "salary" else "reference"
        text = f"{new} against the 2002 {what} £{pounds(ref)}, {signed_pounds(change)}"
    elif pay02["supplement"] > 0:
        text = (
            f"2002 band {pay02['band']} supplement (£{pounds(pay02['supplement'])}) is not "
            f"paid under 2026: {new} against 2002 £{pounds(ref)} (basic pay "
            f"£{pounds(pay02['basic'])} + supplement £{pounds(pay02['supplement'])}), "
            f"{signed_pounds(change)}"
        )
    else:
        text = (
            f"2002 band {pay02['band']} paid no supplement: {new} against 2002 "
            f"£{pounds(ref)}, {signed_pounds(change)}"
        )
    return {"component": "vs_2002", "gbp": change, "text": text}


def drivers(entry: Mapping, basic_hours_per_week: float) -> list[dict]:
    """Reasons for a doctor's pay change, largest £ effect first.

    Parameters
    ----------
    entry
        One doctor's explanation without ``drivers`` (see :func:`explain_rota`).
    basic_hours_per_week
        Hours of the 2026 basic week, h/week (for the wording).

    Returns
    -------
    list of dict
        ``{"component", "gbp", "text"}``: first every 2026 component whose change from
        the current line is at least :data:`MIN_DRIVER_GBP` (by size of the change,
        then in component order), then the comparison with the 2002 reference
        (``component`` ``"vs_2002"``, ``gbp`` = 2026 pay − 2002 reference).
    """
    out = []
    deltas = entry["change"]["pay_2026"] or {}
    metrics_before = entry["before"]["metrics"]
    if metrics_before is not None:
        changed = [
            (c, deltas[c])
            for c in COMPONENTS_2026[:-1]
            if c in deltas and abs(deltas[c]) >= MIN_DRIVER_GBP
        ]
        changed.sort(key=lambda cd: (-abs(cd[1]), COMPONENTS_2026.index(cd[0])))
        after = entry["after"]["metrics"]
        out = [
            _component_driver(c, d, metrics_before, after, basic_hours_per_week) for c, d in changed
        ]
    out.append(_reference_driver(entry))
    return out


def _entry(doc: Doctor, before: dict, after: dict, basic_h: float) -> dict:
    """One doctor's explanation from ``before`` and ``after`` (see :func:`explain_rota`)."""
    ref = None if doc.reference_gbp is None else _money(doc.reference_gbp)
    b26 = before["pay_2026"]
    change = {
        "pay_2026": None if b26 is None else _diff(after["pay_2026"], b26),
        "metrics": None
        if before["metrics"] is None
        else _diff(after["metrics"], before["metrics"]),
        "vs_2002_before_gbp": None if ref is None or b26 is None else _money(b26["total"] - ref),
        "vs_2002_gbp": None if ref is None else _money(after["pay_2026"]["total"] - ref),
    }
    if change["pay_2026"] is not None:
        change["pay_2026"] = {k: _money(v) for k, v in change["pay_2026"].items()}
    entry = {
        "id": doc.id,
        "grade": doc.grade,
        "ltft": doc.ltft,
        "reference_gbp": ref,
        "reference_source": doc.reference_source,
        "before": before,
        "after": after,
        "change": change,
        "notes": [],
    }
    entry["drivers"] = drivers(entry, basic_h)
    return entry


def explain_rota(
    problem: Problem,
    rota: Rota,
    *,
    pay_params: ContractParams | None = None,
    pay_params_2002: ContractParams | None = None,
) -> list[dict]:
    """Per doctor of ``rota``: pay components before and after, change and drivers.

    Parameters
    ----------
    problem
        The problem the rota was found for (doctors, current lines, shifts, start).
    rota
        The new rota; its line ids are the problem's doctor ids.
    pay_params
        2026 pay parameters (default: the bundled file of the problem's pay year).
    pay_params_2002
        2002 pay parameters (default: the bundled file of the problem's pay year, as
        the problem's references are priced).

    Returns
    -------
    list of dict
        One per doctor of the rota, in the problem's order: ``id``, ``grade``, ``ltft``,
        ``reference_gbp``, ``reference_source``; ``before`` = ``{"source",
        "pay_2002", "pay_2026", "metrics"}`` (``source`` ``"current line"``,
        ``"salary"``, the reference's source when its line is not re-priced, or
        ``"none"``); ``after`` = ``{"pay_2026", "metrics"}``; ``change`` =
        ``{"pay_2026", "metrics", "vs_2002_before_gbp", "vs_2002_gbp"}`` (after −
        before; 2026 total − 2002 reference); ``drivers`` (see :func:`drivers`) and
        ``notes``. Money GBP/year (pence), metrics h/week or counts in the cycle.
    """
    p26 = pay_params or load_params("wales-2026", problem.pay_year)
    p02 = pay_params_2002 or load_params("nhs-2002", problem.pay_year)
    basic_h = float(p26["basic_hours_per_week"])
    new26, _, new_m = _tables(rota, p26, None)
    current, notes = current_lines_rota(problem)
    cur26 = cur02 = cur_m = None
    if current is not None:
        cur26, cur02, cur_m = _tables(current, p26, p02)
    ids = {line.id for line in rota.lines}
    out = []
    for doc in problem.doctors:
        if doc.id not in ids:
            continue
        after = {
            "pay_2026": _row(new26, doc.id, COMPONENTS_2026),
            "metrics": _metrics_row(new_m, doc.id),
        }
        if cur26 is not None and doc.id in cur26.index:
            before = {
                "source": "current line",
                "pay_2002": {
                    "band": str(cur02.loc[doc.id, "band"]),
                    **_row(cur02, doc.id, COMPONENTS_2002),
                },
                "pay_2026": _row(cur26, doc.id, COMPONENTS_2026),
                "metrics": _metrics_row(cur_m, doc.id),
            }
        else:
            before = _before_without_line(doc)
        entry = _entry(doc, before, after, basic_h)
        entry["notes"] = _notes(doc, before, notes.get(doc.id))
        out.append(entry)
    return out


def _notes(doc: Doctor, before: Mapping, note: str | None) -> list[str]:
    """Where the re-priced current line differs from the problem's reference."""
    notes = [] if note is None else [note]
    if before["source"] != "current line" or doc.reference_gbp is None:
        return notes
    total02 = before["pay_2002"]["total"]
    if abs(total02 - doc.reference_gbp) >= 0.01:
        notes.append(
            f"the current line priced with this problem's shifts and dates gives "
            f"£{total02:,.2f} under 2002, the reference gives £{doc.reference_gbp:,.2f}"
        )
    return notes


def explain(
    result: OptimiseResult,
    *,
    pay_params: ContractParams | None = None,
    pay_params_2002: ContractParams | None = None,
) -> list[dict]:
    """:func:`explain_rota` of an optimiser result (empty when no rota was found).

    Parameters
    ----------
    result
        What :func:`optimizer.solve.solve` returned.
    pay_params, pay_params_2002
        As given to :func:`~optimizer.solve.solve` (default: the bundled files).
    """
    if result.rota is None:
        return []
    return explain_rota(
        result.problem, result.rota, pay_params=pay_params, pay_params_2002=pay_params_2002
    )


def _cell(value: float | None, signed: bool = False) -> str:
    if value is None:
        return ""
    return signed_pounds(value, symbol="") if signed else pounds(value)


def _metric_cell(key: str, value: float | None, signed: bool = False) -> str:
    if value is None:
        return ""
    text = _metric_text(key, value)
    if signed and not text.startswith("-") and text not in ("0", "0.0"):
        return f"+{text}"
    return text.replace("-", MINUS)


def _pay_rows(entry: Mapping) -> list[tuple[str, str, str, str, str]]:
    """Money rows of the text block: label, 2002 now, 2026 now, 2026 new, change."""
    before, after = entry["before"], entry["after"]["pay_2026"]
    b02, b26 = before["pay_2002"] or {}, before["pay_2026"] or {}
    change = entry["change"]["pay_2026"] or {}
    band = f" ({b02['band']})" if "band" in b02 else ""
    rows = []
    for c in COMPONENTS_2026:
        values = (after[c], b26.get(c), change.get(c))
        if c not in ("basic", "total") and not any(values):
            continue
        if c == "total" and "supplement" in b02:
            rows.append(("2002 supplement" + band, _cell(b02["supplement"]), "", "", ""))
        label = COMPONENT_NAMES[c] if c != "total" else "total" + ("" if "basic" in b02 else band)
        cell02 = _cell(b02.get(c)) if c in ("basic", "total") else ""
        rows.append((label, cell02, _cell(b26.get(c)), _cell(after[c]), _cell(change.get(c), True)))
    vs = entry["change"]
    before_vs, after_vs = _cell(vs["vs_2002_before_gbp"], True), _cell(vs["vs_2002_gbp"], True)
    if after_vs:
        rows.append(("2026 − 2002 total", "", before_vs, after_vs, ""))
    return rows


def explanation_lines(entry: Mapping, width: int = TEXT_WIDTH) -> list[str]:
    """A doctor's explanation as text lines at most ``width`` characters wide.

    Parameters
    ----------
    entry
        One item of :func:`explain_rota`.
    width
        Maximum line length, characters (at least 70).

    Returns
    -------
    list of str
        A heading, a table of GBP/year (2002 now, 2026 now, 2026 new, change) and
        metrics, then one bullet per driver, wrapped.
    """
    ltft = ", LTFT" if entry["ltft"] else ""
    source = entry["reference_source"]
    ref = f"2002 reference: {source}" if source else "no 2002 reference (no pay protection)"
    head = f"{entry['id']} ({entry['grade']}{ltft}): {ref}"
    lines = textwrap.wrap(head, width, subsequent_indent="  ")
    row = "  {:<20}{:>12}{:>12}{:>12}{:>12}"
    lines.append(row.format("GBP/year", "2002 now", "2026 now", "2026 new", "change"))
    lines += [row.format(*r).rstrip() for r in _pay_rows(entry)]
    before_m = entry["before"]["metrics"] or {}
    after_m, change_m = entry["after"]["metrics"], entry["change"]["metrics"] or {}
    labels = {
        "hours_per_week": "h/week",
        "unsocial_hours_per_week": "unsocial h/week",
        "nights": "nights",
        "weekends": "weekends",
        "nroc_hours_per_week": "NROC h/week",
    }
    for key, label in labels.items():
        if key == "nroc_hours_per_week" and not (after_m[key] or before_m.get(key)):
            continue
        cells = (
            _metric_cell(key, before_m.get(key)),
            _metric_cell(key, after_m[key]),
            _metric_cell(key, change_m.get(key), signed=True),
        )
        lines.append(row.format(label, "", *cells).rstrip())
    for driver in entry["drivers"]:
        lines += textwrap.wrap(
            driver["text"], width, initial_indent="  - ", subsequent_indent="    "
        )
    for note in entry["notes"]:
        lines += textwrap.wrap(
            f"note: {note}", width, initial_indent="  ", subsequent_indent="    "
        )
    return lines


def explanation_csv(entries: Sequence[Mapping]) -> tuple[list[str], list[list]]:
    """Per-doctor pay components as CSV: a header and one row per doctor.

    Parameters
    ----------
    entries
        The items of :func:`explain_rota`.

    Returns
    -------
    header, rows
        ``doctor``, ``reference_gbp``, ``band_2002``, ``basic_2002``, ``supplement_2002``,
        ``total_2002``, then ``<component>_before``, ``_after``, ``_change`` for every 2026
        component (GBP/year; empty when there is no current line), ``vs_2002_gbp``
        (2026 total − 2002 reference) and ``drivers`` (texts joined by ``"; "``).
    """
    header = ["doctor", "reference_gbp", "band_2002", "basic_2002", "supplement_2002"]
    header += ["total_2002"]
    for c in COMPONENTS_2026:
        header += [f"{c}_before", f"{c}_after", f"{c}_change"]
    header += ["vs_2002_gbp", "drivers"]
    rows = []
    for e in entries:
        b02 = e["before"]["pay_2002"] or {}
        b26 = e["before"]["pay_2026"] or {}
        change = e["change"]["pay_2026"] or {}
        row = [e["id"], e["reference_gbp"], b02.get("band"), b02.get("basic")]
        row += [b02.get("supplement"), b02.get("total")]
        for c in COMPONENTS_2026:
            row += [b26.get(c), e["after"]["pay_2026"][c], change.get(c)]
        row += [e["change"]["vs_2002_gbp"], "; ".join(d["text"] for d in e["drivers"])]
        rows.append(["" if v is None else v for v in row])
    return header, rows
