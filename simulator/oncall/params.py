"""Parameters of the on-call and overrun simulation: loading, checks and overrides.

The bundled file ``params.toml`` beside this module holds every value as a table
``{ value, unit, tag, source }`` under a section (``calls``, ``work``, ``travel``,
``overrun``, ``rest``, ``breach``, ``limits``). Keys are addressed as
``SECTION.KEY`` (e.g. ``work.mean_min``). A user file in the same layout replaces
the bundled entries it names (a bare value replaces just the value); overrides by
key come last. An unknown section or key, or a bad value, is a
:class:`~simulator.model.UserError` naming the key.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..model import UserError

#: Work and overrun length distributions, in kernel code order.
DISTRIBUTIONS = ("fixed", "exponential", "lognormal")
#: Source tags allowed on a parameter.
TAGS = ("C", "S", "A", "seed", "derived")

# Value kinds: "rates24" (24 non-negative numbers), "dist", "prob" (0..1),
# "positive", "nonneg", "hour" (0..24).
SCHEMA: dict[str, dict[str, str]] = {
    "calls": {"rate_per_hour": "rates24"},
    "work": {"distribution": "dist", "mean_min": "positive", "sd_min": "nonneg"},
    "travel": {"in_person_probability": "prob", "one_way_min": "nonneg"},
    "overrun": {
        "probability": "prob",
        "distribution": "dist",
        "mean_min": "positive",
        "sd_min": "nonneg",
    },
    "rest": {
        "total_h": "nonneg",
        "per_h": "positive",
        "continuous_h": "nonneg",
        "window_start_h": "hour",
        "window_end_h": "hour",
    },
    "breach": {
        "fine_gbp": "nonneg",
        "doctor_share": "prob",
        "report_probability": "prob",
        "toil_days": "nonneg",
    },
    "limits": {"rest_between_shifts_h": "nonneg", "average_weekly_hours": "positive"},
}
_ENTRY_KEYS = ("value", "unit", "tag", "source")

#: Layout of the packed parameter array read by the kernels (:meth:`OncallParams.pack`):
#: 24 hourly call rates (calls/min), then these scalars.
PACK_NAMES = (
    "work_distribution",
    "work_mean_min",
    "work_sd_min",
    "in_person_probability",
    "travel_one_way_min",
    "overrun_probability",
    "overrun_distribution",
    "overrun_mean_min",
    "overrun_sd_min",
    "rest_total_min",
    "rest_per_min",
    "rest_continuous_min",
    "window_start_min",
    "window_end_min",
    "rest_between_shifts_min",
    "whole_shift_more_than",
)
#: Index of each scalar in the packed array.
P = {name: 24 + i for i, name in enumerate(PACK_NAMES)}
N_PACKED = 24 + len(PACK_NAMES)


def _check(key: str, kind: str, value: Any, where: str) -> Any:
    """Validate one value; return it normalised (floats, list of floats, str)."""

    def bad(expected: str) -> UserError:
        return UserError(f"{where}: {key} must be {expected}, got {value!r}")

    if kind == "dist":
        if value not in DISTRIBUTIONS:
            raise bad("one of " + ", ".join(DISTRIBUTIONS))
        return value
    if kind == "rates24":
        if not isinstance(value, list) or len(value) != 24:
            raise bad("a list of 24 hourly rates (calls/h)")
        out = [_number(key, v, where) for v in value]
        if any(v < 0 for v in out):
            raise bad("non-negative rates")
        return out
    number = _number(key, value, where)
    if kind == "prob" and not 0.0 <= number <= 1.0:
        raise bad("a probability in [0, 1]")
    if kind == "positive" and not number > 0:
        raise bad("positive")
    if kind == "nonneg" and not number >= 0:
        raise bad("non-negative")
    if kind == "hour" and not 0.0 <= number <= 24.0:
        raise bad("an hour in [0, 24]")
    return number


def _number(key: str, value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f"{where}: {key} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise UserError(f"{where}: {key} must be finite, got {value!r}")
    return float(value)


@dataclass(frozen=True, slots=True)
class OncallParams:
    """Parameters of the on-call simulation.

    Attributes
    ----------
    values
        ``{"SECTION.KEY": value}``.
    entries
        ``{"SECTION.KEY": {"unit", "tag", "source"}}``.
    source
        Where the values came from (bundled file, user file, overrides).
    """

    values: Mapping[str, Any]
    entries: Mapping[str, Mapping[str, str]]
    source: str = "params.toml"

    def __getitem__(self, key: str) -> Any:
        try:
            return self.values[key]
        except KeyError:
            raise UserError(f"unknown on-call parameter {key!r}") from None

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> OncallParams:
        """Copy with values replaced by key ``"SECTION.KEY"`` (unknown keys are errors)."""
        if not overrides:
            return self
        values = dict(self.values)
        for key, value in overrides.items():
            kind = _kind(key, "--set")
            values[key] = _check(key, kind, value, f"--set {key}")
        return OncallParams(values, self.entries, f"{self.source} + overrides")

    def pack(self, whole_shift_more_than: float) -> np.ndarray:
        """Float64 array for the kernels (layout :data:`PACK_NAMES` after 24 rates).

        Parameters
        ----------
        whole_shift_more_than
            The 2026 contract's whole-shift threshold (fraction of the NROC shift).
        """
        v = self.values
        out = np.empty(N_PACKED, dtype=np.float64)
        out[:24] = np.asarray(v["calls.rate_per_hour"], dtype=np.float64) / 60.0
        start = 60.0 * v["rest.window_start_h"]
        end = 60.0 * v["rest.window_end_h"]
        scalars = {
            "work_distribution": DISTRIBUTIONS.index(v["work.distribution"]),
            "work_mean_min": v["work.mean_min"],
            "work_sd_min": v["work.sd_min"],
            "in_person_probability": v["travel.in_person_probability"],
            "travel_one_way_min": v["travel.one_way_min"],
            "overrun_probability": v["overrun.probability"],
            "overrun_distribution": DISTRIBUTIONS.index(v["overrun.distribution"]),
            "overrun_mean_min": v["overrun.mean_min"],
            "overrun_sd_min": v["overrun.sd_min"],
            "rest_total_min": 60.0 * v["rest.total_h"],
            "rest_per_min": 60.0 * v["rest.per_h"],
            "rest_continuous_min": 60.0 * v["rest.continuous_h"],
            "window_start_min": start,
            "window_end_min": end if end > start else end + 1440.0,
            "rest_between_shifts_min": 60.0 * v["limits.rest_between_shifts_h"],
            "whole_shift_more_than": whole_shift_more_than,
        }
        for name, value in scalars.items():
            out[P[name]] = float(value)
        return out


def _kind(key: str, where: str) -> str:
    section, _, name = key.partition(".")
    if section not in SCHEMA or name not in SCHEMA[section]:
        raise UserError(f"{where}: unknown on-call parameter {key!r}")
    return SCHEMA[section][name]


def _merge(
    data: Mapping[str, Any],
    values: dict[str, Any],
    entries: dict[str, dict[str, str]],
    where: str,
    *,
    complete: bool,
) -> None:
    """Merge a parsed TOML document into ``values``/``entries`` (in place)."""
    for section, table in data.items():
        if section not in SCHEMA:
            raise UserError(f"{where}: unknown on-call parameter section {section!r}")
        if not isinstance(table, Mapping):
            raise UserError(f"{where}: [{section}] must be a table")
        for name, entry in table.items():
            if name == "description":
                continue
            key = f"{section}.{name}"
            kind = _kind(key, where)
            if isinstance(entry, Mapping):
                extra = sorted(set(entry) - set(_ENTRY_KEYS))
                if extra:
                    raise UserError(f"{where}: {key} has unknown field {extra[0]!r}")
                if "value" not in entry:
                    raise UserError(f"{where}: {key} has no value")
                meta = {f: entry.get(f) for f in ("unit", "tag", "source")}
                if complete and not all(isinstance(m, str) for m in meta.values()):
                    raise UserError(f"{where}: {key} needs unit, tag and source strings")
                if meta["tag"] is not None and meta["tag"] not in TAGS:
                    raise UserError(f"{where}: {key} has unknown tag {meta['tag']!r}")
                values[key] = _check(key, kind, entry["value"], where)
                old = entries.get(key, {})
                entries[key] = {f: meta[f] if meta[f] is not None else old.get(f, "") for f in meta}
            else:
                values[key] = _check(key, kind, entry, where)
    if complete:
        missing = [
            f"{s}.{k}" for s, keys in SCHEMA.items() for k in keys if f"{s}.{k}" not in values
        ]
        if missing:
            raise UserError(f"{where}: missing on-call parameter {missing[0]!r}")


def _read(text: str, where: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{where}: not valid TOML: {exc}") from None


def load_oncall_params(
    path: str | Path | None = None, overrides: Mapping[str, Any] | None = None
) -> OncallParams:
    """Load the on-call parameters: the bundled file, then a user file, then overrides.

    Parameters
    ----------
    path
        A TOML file in the bundled layout whose entries replace the bundled ones.
    overrides
        ``{"SECTION.KEY": value}``, e.g. ``{"work.mean_min": 40.0}``.

    Returns
    -------
    OncallParams

    Raises
    ------
    UserError
        Unknown section or key (named), a bad value, or a missing file.
    """
    bundled = resources.files("simulator.oncall").joinpath("params.toml").read_text("utf-8")
    values: dict[str, Any] = {}
    entries: dict[str, dict[str, str]] = {}
    _merge(_read(bundled, "params.toml"), values, entries, "params.toml", complete=True)
    source = "params.toml"
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise UserError(f"{file}: on-call parameter file not found")
        _merge(
            _read(file.read_text("utf-8"), str(file)), values, entries, str(file), complete=False
        )
        source = str(file)
    return OncallParams(values, entries, source).with_overrides(overrides)
