"""How reports print numbers: one formatter per kind of column, and plain-English labels.

Every table of a report names the *kind* of each column (a pay year, a count of
lines, money, a percentage …) and is formatted by kind, so years never print as
money (``2,026``) and counts never print with decimals (``12.00``). The same labels
and money formatters are used on plot axes (:mod:`scenarios.plots`).

Kinds (:data:`KINDS`):

``text``
    As given (HTML-escaped by the page).
``count``
    Whole number: ``12``.
``money``
    Pounds without pence, thousands separated: ``£39,748``, ``−£9,937``.
``money_pence``
    Pounds with pence: ``£71,713.50``.
``change``
    Signed pounds without pence: ``+£1,013``, ``−£9,937``.
``year``
    Calendar year: ``2026``.
``pay_year``
    Pay year: ``2026/27`` (given as ``"2026/27"`` or as its start year ``2026``).
``percent``
    A fraction printed as a percentage with one decimal: ``0.161`` → ``16.1%``.
``hours``
    One decimal: ``41.6``.
``rate``
    One decimal (events a year and the like): ``10.9``.
``number``
    Two decimals: ``1.25``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

#: Minus sign used in printed money (U+2212).
MINUS = "\u2212"
#: Printed for a missing value.
MISSING = "–"


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def money(value: float, *, pence: bool = False, sign: bool = False) -> str:
    """Pounds with thousands separators: ``£39,748`` (``−£9,937`` when negative).

    Parameters
    ----------
    value
        Amount in GBP.
    pence
        Print two decimals.
    sign
        Print ``+`` before a positive amount.
    """
    if _missing(value):
        return MISSING
    v = float(value)
    digits = 2 if pence else 0
    text = f"£{abs(v):,.{digits}f}"
    if round(v, digits) < 0:
        return MINUS + text
    if sign and round(v, digits) > 0:
        return "+" + text
    return text


def money_short(value: float) -> str:
    """Compact pounds for plot axes: ``£1.9m``, ``£40k``, ``−£10k``, ``£500``, ``£0``."""
    if _missing(value):
        return MISSING
    v = float(value)
    a = abs(v)
    if a >= 1e6:
        text = f"£{a / 1e6:,.2f}".rstrip("0").rstrip(".") + "m"
    elif a >= 1e3:
        text = f"£{a / 1e3:,.1f}".rstrip("0").rstrip(".") + "k"
    else:
        text = f"£{a:,.0f}"
    return (MINUS + text) if v < 0 and text != "£0" else text


def count(value: float) -> str:
    """A whole number: ``12``."""
    return MISSING if _missing(value) else f"{round(float(value)):d}"


def year(value: object) -> str:
    """A calendar year: ``2026`` (no separator, no decimals)."""
    return MISSING if _missing(value) else f"{round(float(value)):d}"


def pay_year(value: object) -> str:
    """A pay year: ``2026/27`` from ``"2026/27"`` or the start year ``2026``."""
    if _missing(value):
        return MISSING
    if isinstance(value, str):
        if "/" in value:
            return value
        value = float(value)
    start = round(float(value))
    return f"{start:d}/{(start + 1) % 100:02d}"


def percent(value: float) -> str:
    """A fraction as a percentage with one decimal: ``0.161`` → ``16.1%``."""
    return MISSING if _missing(value) else f"{100.0 * float(value):.1f}%"


def _fixed(digits: int) -> Callable[[float], str]:
    def fmt(value: float) -> str:
        return MISSING if _missing(value) else f"{float(value):,.{digits}f}"

    return fmt


def _text(value: object) -> str:
    return MISSING if _missing(value) else str(value)


#: Formatter of each column kind.
KINDS: dict[str, Callable[[object], str]] = {
    "text": _text,
    "count": count,
    "money": money,
    "money_pence": lambda v: money(v, pence=True),
    "change": lambda v: money(v, sign=True),
    "year": year,
    "pay_year": pay_year,
    "percent": percent,
    "hours": _fixed(1),
    "rate": _fixed(1),
    "number": _fixed(2),
}


def infer_kind(series: pd.Series) -> str:
    """Default kind of a column: ``count`` for integers, ``number`` for floats, else text."""
    if pd.api.types.is_bool_dtype(series):
        return "text"
    if pd.api.types.is_integer_dtype(series):
        return "count"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "text"


def format_frame(frame: pd.DataFrame, kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every cell as printed text, each column formatted by its kind.

    Parameters
    ----------
    frame
        The table (column names are the printed headers).
    kinds
        Kind of each column (:data:`KINDS`); a column not named is inferred
        (:func:`infer_kind`).

    Returns
    -------
    pandas.DataFrame
        Same shape, all ``str``.

    Raises
    ------
    KeyError
        An unknown kind.
    """
    kinds = dict(kinds or {})
    out = {}
    for col in frame.columns:
        fmt = KINDS[kinds.get(col) or infer_kind(frame[col])]
        out[col] = [fmt(v) for v in frame[col]]
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


Column = tuple[str, str, str]
"""A table column: (source column, printed header, kind)."""


def select(frame: pd.DataFrame, columns: Sequence[Column]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Pick, rename and type the columns of a table for printing.

    Parameters
    ----------
    frame
        Source table.
    columns
        (source column, printed header, kind) for each printed column, in order;
        source columns absent from ``frame`` are skipped.

    Returns
    -------
    table : pandas.DataFrame
        The chosen columns under their printed headers.
    kinds : dict
        Printed header → kind, for :func:`format_frame`.
    """
    present = [c for c in columns if c[0] in frame.columns]
    table = frame[[c[0] for c in present]].copy()
    table.columns = [c[1] for c in present]
    return table, {c[1]: c[2] for c in present}


# ---------------------------------------------------------------------------
# Labels of code names (sweep measures and parameters, rule sets)
# ---------------------------------------------------------------------------

#: Sweep summary measures: code name → (printed label with unit, kind).
MEASURES: dict[str, tuple[str, str]] = {
    "run_id": ("Run", "text"),
    "seed": ("Seed", "count"),
    "winners": ("Winners, first year (lines)", "count"),
    "losers": ("Losers, first year (lines)", "count"),
    "pay_bill_first_gbp": ("Pay bill, first year (£)", "money"),
    "pay_bill_last_gbp": ("Pay bill, last year (£)", "money"),
    "protection_cost_total_gbp": ("Protection cost, all years (£)", "money"),
    "protection_ends_year": ("Protection ends (pay year)", "pay_year"),
}
#: Sweep grid parameters with a hand-written label: code → (label with unit, kind).
PARAMETERS: dict[str, tuple[str, str]] = {
    "awards.default": ("Pay award a year, both contracts (%)", "percent"),
    "wales-2026.unsocial_multiplier": ("Unsocial-hours multiplier, Wales 2026 (×)", "number"),
}
#: Printed names of the contracts and rule sets used as parameter prefixes.
SET_NAMES: dict[str, str] = {
    "new-deal": "New Deal",
    "wtr": "Working Time Regulations",
    "wales-2026": "Wales 2026",
    "england-2016": "England 2016",
    "nhs-2002": "2002 contract",
    "awards": "pay awards",
    "inflation": "inflation",
    "transition": "transition",
}


def _humanise(code: str) -> str:
    text = code.replace("_gbp", " (£)").replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def label(code: str) -> str:
    """Plain-English label (with unit) of a measure or grid parameter code name."""
    if code in MEASURES:
        return MEASURES[code][0]
    if code in PARAMETERS:
        return PARAMETERS[code][0]
    head, _, tail = code.partition(".")
    if tail:
        return f"{_humanise(tail)}, {SET_NAMES.get(head, _humanise(head))}"
    return _humanise(code)


def kind(code: str) -> str:
    """Column kind of a measure or grid parameter code name (``number`` if unknown)."""
    if code in MEASURES:
        return MEASURES[code][1]
    if code in PARAMETERS:
        return PARAMETERS[code][1]
    if code.endswith("_gbp"):
        return "money"
    return "number"
