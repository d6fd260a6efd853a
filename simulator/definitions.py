"""Shared time definitions (plain time, weekends, nights, long shifts) as data.

The values live in ``definitions.toml`` beside this module, each with its unit and
source; :func:`load_definitions` reads them and :meth:`Definitions.as_array`
packs them for the kernels.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from importlib import resources

import numpy as np


@dataclass(frozen=True, slots=True)
class Definitions:
    """Time definitions in minutes (see ``definitions.toml`` for sources)."""

    plain_start_min: int
    plain_end_min: int
    weekend_2002_start_min: int
    weekend_2002_end_min: int
    weekend_start_min: int
    weekend_end_min: int
    night_start_min: int
    night_end_min: int
    night_min_work_min: int
    long_shift_more_than_min: int
    long_evening_starts_before_min: int
    long_evening_ends_after_min: int
    ltft_core_start_min: int
    ltft_core_end_min: int
    window_length_min: int

    def as_array(self) -> np.ndarray:
        """Pack into an int64 array in field order (the kernels' layout)."""
        return np.array([getattr(self, f.name) for f in fields(self)], dtype=np.int64)


#: Index of each definition in :meth:`Definitions.as_array`.
DEF_INDEX = {f.name: i for i, f in enumerate(fields(Definitions))}


def load_definitions(text: str | None = None) -> Definitions:
    """Load the definitions from the bundled TOML (or from ``text``).

    Parameters
    ----------
    text
        TOML text overriding the bundled file, in the same layout.
    """
    if text is None:
        text = resources.files("simulator").joinpath("definitions.toml").read_text("utf-8")
    data = tomllib.loads(text)
    flat: dict[str, int] = {}
    for section, table in data.items():
        for key, entry in table.items():
            if isinstance(entry, dict):
                flat[f"{section}_{key}"] = int(entry["value"])
    return Definitions(**{f.name: flat[f.name] for f in fields(Definitions)})
