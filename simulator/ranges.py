"""Ranges of parameters, read from the parameter files beside each value.

Every numeric entry of a parameter file (contracts, rules, scenario defaults) states
where its value may lie, beside its unit and source::

    unsocial_multiplier = { value = 1.5, unit = "x hourly rate", min = 0, max = 10, ... }
    basic_hours_per_week = { value = 40.0, unit = "h/week", above = 0, max = 168, ... }
    awards_contract = { value = "wales-2026", allowed = ["nhs-2002", ...], ... }

- ``min``: the value must be at least this (inclusive);
- ``above``: the value must be more than this (exclusive; instead of ``min``);
- ``max``: the value must be at most this (inclusive);
- ``allowed``: the only values accepted (strings or numbers).

A bound left out is open, but a number must always be finite (NaN and infinity are
refused everywhere). A list value is checked element by element. One function,
:meth:`Range.check`, checks a value read from a file, given with ``--set`` or set by a
scenario; its error is a one-line :class:`~simulator.model.UserError` such as
``--set wales-2026.unsocial_multiplier=-5: must be between 0 and 10 (unit: x hourly
rate)``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .model import UserError

#: Fields of a parameter entry that describe its range.
RANGE_KEYS = ("min", "above", "max", "allowed")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fmt(value: Any) -> str:
    if _is_number(value):
        return f"{value:,g}" if abs(value) >= 1e6 else f"{value:g}"
    return repr(value)


def show(value: Any) -> str:
    """A value as it would be written in TOML, for messages (``-5``, ``nan``, ``'x'``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)


@dataclass(frozen=True, slots=True)
class Range:
    """Where a value may lie (see the module docstring).

    Attributes
    ----------
    min, above, max
        Inclusive lower, exclusive lower and inclusive upper bounds (``None``: open).
    allowed
        The only values accepted, or ``None``.
    unit
        Unit of the value, shown in messages.
    """

    min: float | None = None
    above: float | None = None
    max: float | None = None
    allowed: tuple[Any, ...] | None = None
    unit: str = ""

    def describe(self) -> str:
        """The range in words, e.g. ``between 0 and 10`` or ``more than 0 and at most 168``."""
        if self.allowed is not None:
            return "one of " + ", ".join(_fmt(v) for v in self.allowed)
        low = (
            f"more than {_fmt(self.above)}"
            if self.above is not None
            else None
            if self.min is None
            else f"at least {_fmt(self.min)}"
        )
        if self.min is not None and self.max is not None:
            return f"between {_fmt(self.min)} and {_fmt(self.max)}"
        high = None if self.max is None else f"at most {_fmt(self.max)}"
        parts = [p for p in (low, high) if p]
        return " and ".join(parts) if parts else "a finite number"

    def _bad(self, value: Any) -> bool:
        if self.allowed is not None and value not in self.allowed:
            return True
        if not _is_number(value):
            return False
        if not math.isfinite(value):
            return True
        return (
            (self.min is not None and value < self.min)
            or (self.above is not None and value <= self.above)
            or (self.max is not None and value > self.max)
        )

    def check(self, value: Any, where: str) -> None:
        """Raise ``UserError`` unless ``value`` (or each element of a list) lies in range.

        Parameters
        ----------
        value
            The value; booleans and strings are checked only against ``allowed``.
        where
            Start of the message, e.g. ``--set wales-2026.unsocial_multiplier=-5``.

        Raises
        ------
        UserError
            ``"<where>: must be between 0 and 10 (unit: ...)"``; NaN and infinity are
            always refused.
        """
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if not self._bad(item):
                continue
            unit = f" (unit: {self.unit})" if self.unit else ""
            what = "must be " + self.describe()
            if _is_number(item) and not math.isfinite(item):
                what = "must be a finite number" + (
                    f" {self.describe()}" if self.describe() != "a finite number" else ""
                )
            elem = f" (element {show(item)})" if isinstance(value, list | tuple) else ""
            raise UserError(f"{where}: {what}{elem}{unit}")


def parse_range(entry: Mapping[str, Any], where: str) -> Range:
    """The :class:`Range` of a parameter entry (its ``min``/``above``/``max``/``allowed``).

    Raises
    ------
    UserError
        A bound that is not a finite number, both ``min`` and ``above``, an empty or
        non-list ``allowed``, or ``min`` above ``max``.
    """
    bounds: dict[str, float | None] = {}
    for key in ("min", "above", "max"):
        bound = entry.get(key)
        if bound is not None and (not _is_number(bound) or not math.isfinite(bound)):
            raise UserError(f"{where}: '{key}' must be a finite number, got {show(bound)}")
        bounds[key] = bound
    if bounds["min"] is not None and bounds["above"] is not None:
        raise UserError(f"{where}: give 'min' or 'above', not both")
    low = bounds["min"] if bounds["min"] is not None else bounds["above"]
    if low is not None and bounds["max"] is not None and low > bounds["max"]:
        raise UserError(f"{where}: the lower bound {low:g} is above 'max' {bounds['max']:g}")
    allowed = entry.get("allowed")
    if allowed is not None and (not isinstance(allowed, list) or not allowed):
        raise UserError(f"{where}: 'allowed' must be a non-empty list")
    unit = entry.get("unit", "")
    return Range(
        bounds["min"],
        bounds["above"],
        bounds["max"],
        None if allowed is None else tuple(allowed),
        unit if isinstance(unit, str) else "",
    )


def has_range(entry: Mapping[str, Any]) -> bool:
    """Whether a parameter entry states any bound or allowed values."""
    return any(entry.get(k) is not None for k in RANGE_KEYS)


def line_of(text: str, key: str, table: str | None = None) -> int | None:
    """1-based line of ``key = ...`` in TOML ``text`` (within ``[table]`` when given).

    A best effort for messages: the key may be bare or quoted; ``None`` when it is not
    found (e.g. given inline in another table).
    """
    quoted = re.escape(key)
    pattern = re.compile(rf"^\s*(?:{quoted}|\"{quoted}\"|'{quoted}')\s*=")
    header = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        match = header.match(line)
        if match:
            current = match.group(1).replace('"', "").replace("'", "")
            continue
        if (table is None or current == table) and pattern.match(line):
            return number
    return None
