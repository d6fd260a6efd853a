"""Number formats of the web pages (Jinja filters): money, shares, frequencies, hours."""

from __future__ import annotations

import math
from collections.abc import Callable

MINUS = "\u2212"


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def money(x: float | None) -> str:
    """Whole pounds: ``£12,345`` (``−£1,234`` when negative, ``–`` when missing)."""
    if _missing(x):
        return "–"
    text = f"£{abs(x):,.0f}"
    return MINUS + text if round(x) < 0 else text


def money_change(x: float | None) -> str:
    """A change in whole pounds with its sign: ``+£1,234``, ``−£567``, ``£0``."""
    if _missing(x):
        return "–"
    if round(x) == 0:
        return "£0"
    return ("+" if x > 0 else MINUS) + f"£{abs(x):,.0f}"


def percent(x: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.256`` → ``25.6%``."""
    return "–" if _missing(x) else f"{100 * x:.{digits}f}%"


def one_in(frequency: float | None) -> str:
    """A frequency as ``1 in N`` (``never`` for zero)."""
    if _missing(frequency):
        return "–"
    if frequency <= 0:
        return "never"
    return f"1 in {1.0 / frequency:.2f}".rstrip("0").rstrip(".")


def hours(x: float | None, digits: int = 1) -> str:
    """Hours with ``digits`` decimals."""
    return "–" if _missing(x) else f"{x:.{digits}f}"


def number(x: float | None, digits: int = 0) -> str:
    """A number with thousands separators."""
    return "–" if _missing(x) else f"{x:,.{digits}f}"


def sign_class(x: float | None) -> str:
    """CSS class of a change: ``gain``, ``loss`` or ``same``."""
    if _missing(x) or round(x) == 0:
        return "same"
    return "gain" if x > 0 else "loss"


#: The filters registered on the template environment.
FILTERS: dict[str, Callable] = {
    "money": money,
    "money_change": money_change,
    "percent": percent,
    "one_in": one_in,
    "hours": hours,
    "number": number,
    "sign_class": sign_class,
}
