"""Scenario files: a workforce, contract overrides, the transition timeline, awards and sweeps.

A scenario is a tree of frozen, slotted dataclasses built from a TOML file laid over
the bundled defaults (``scenarios/data/scenario_defaults.toml``). Changing a scenario
never mutates it: :func:`with_overrides` returns a new tree built with
:func:`dataclasses.replace`, one dotted path at a time, e.g.::

    with_overrides(scenario, {"wales-2026.unsocial_multiplier": 1.37,
                              "awards.default": 0.04,
                              "transition.ST": "2027/28"})

A path whose first part is a contract name (``nhs-2002``, ``wales-2026``,
``england-2016``) is a contract parameter override; every other path names a
scenario key. Unknown keys and paths are :class:`ScenarioError` naming the key.
See ``docs/scenarios.md`` for the file format.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from simulator.contracts import CONTRACTS, PAY_YEARS
from simulator.contracts.params import (
    PAY_YEAR_RE,
    check_override,
    check_override_paths,
    read_text_file,
)
from simulator.io.safety import PathOutsideError, reference_path
from simulator.model import GRADES, UserError
from simulator.ranges import Range, line_of, parse_range, show
from simulator.rules import RULESETS

#: A small ordered mapping kept hashable and picklable: ``((key, value), ...)``.
Pairs = tuple[tuple[str, Any], ...]

#: Rota types a generated population can draw from.
ROTA_TYPES = ("full-shift", "ed-shift", "nroc", "resident-oncall", "day")
#: Word in ``workforce.rotas`` standing for the bundled example department.
DEPARTMENT = "department"

#: Environment variables that raise the upper limit of a scenario value.
ENV_LIMITS = {
    "population.lines": "ROTA_MAX_POPULATION_LINES",
    "simulation.runs": "ROTA_MAX_SCENARIO_RUNS",
}
#: Most runs a sweep may expand to (grid points x seeds); ROTA_MAX_SWEEP_RUNS raises it.
MAX_SWEEP_RUNS = 100_000


class ScenarioError(UserError):
    """A scenario file or override that cannot be used (message names the key).

    Parameters
    ----------
    message
        The one-line message.
    key
        Dotted path of the offending key, when known (used to find its line).
    """

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def pay_year_start(pay_year: str, *, key: str = "pay year") -> int:
    """Calendar year in which ``pay_year`` (e.g. ``"2026/27"``) starts.

    Raises
    ------
    ScenarioError
        If the text is not ``YYYY/YY`` with consecutive years.
    """
    m = PAY_YEAR_RE.match(pay_year) if isinstance(pay_year, str) else None
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ScenarioError(
            f"{key}: {show(pay_year)} is not a pay year like '2026/27' (ASCII digits)", key
        )
    return int(m.group(1))


def check_pay_year(pay_year: Any, key: str) -> int:
    """Start year of ``pay_year`` checked against the known pay years.

    Known pay years run from the first year with bundled contract parameter files to
    the last such year plus the most years a scenario may model, minus one.

    Raises
    ------
    ScenarioError
        Not ASCII ``YYYY/YY`` with consecutive years, or outside the known years.
    """
    start = pay_year_start(pay_year, key=key)
    first = int(PAY_YEARS[0][:4])
    last = int(PAY_YEARS[-1][:4]) + max_years() - 1
    if not first <= start <= last:
        raise ScenarioError(
            f"{key}: {pay_year} is outside the known pay years {PAY_YEARS[0]} to "
            f"{pay_year_label(last)} (bundled parameter files from {PAY_YEARS[0]}, at most "
            f"{max_years()} years modelled)",
            key,
        )
    return start


def max_years() -> int:
    """Most pay years a scenario may model (the ``max`` of ``years`` in the defaults)."""
    bound = default_ranges()["years"].max
    return int(bound) if bound is not None else 50


def pay_year_label(start: int) -> str:
    """Label of the pay year starting in calendar year ``start``, e.g. ``'2026/27'``."""
    return f"{start}/{(start + 1) % 100:02d}"


def get(pairs: Pairs, key: str, default: Any = None) -> Any:
    """Value of ``key`` in ``pairs`` (``default`` when absent)."""
    for k, v in pairs:
        if k == key:
            return v
    return default


def set_pair(pairs: Pairs, key: str, value: Any) -> Pairs:
    """A copy of ``pairs`` with ``key`` set to ``value`` (appended when new)."""
    out = [(k, value if k == key else v) for k, v in pairs]
    if all(k != key for k, _ in pairs):
        out.append((key, value))
    return tuple(out)


@cache
def _defaults_text() -> str:
    return resources.files("scenarios.data").joinpath("scenario_defaults.toml").read_text("utf-8")


@cache
def default_ranges() -> dict[str, Range]:
    """Range of every bundled default that states one (``min``/``above``/``max``/``allowed``)."""
    out: dict[str, Range] = {}

    def walk(prefix: str, data: Mapping) -> None:
        for key, value in data.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict) and "value" in value and "tag" in value:
                if any(k in value for k in ("min", "above", "max", "allowed")):
                    out[path] = parse_range(value, f"scenario_defaults.toml: {path}")
            elif isinstance(value, dict):
                walk(f"{path}.", value)

    walk("", tomllib.loads(_defaults_text()))
    return out


def _range_path(path: str) -> str:
    """The defaults entry whose range applies to scenario path ``path``."""
    parts = path.split(".")
    if parts[:2] == ["workforce", "population"]:
        parts = parts[1:]
    if parts[0] == "awards" and len(parts) == 3:
        return "awards.default"
    if parts[0] == "inflation" and len(parts) == 2:
        return "inflation.default"
    if parts[0] == "restoration" and len(parts) == 3:
        return f"restoration.wales.{parts[2]}"
    if parts[0] == "population" and len(parts) == 3:
        return f"population.{parts[1]}.{'F1' if parts[1] == 'grade_mix' else 'nroc'}"
    return ".".join(parts)


def value_range(path: str) -> Range | None:
    """Range of scenario value ``path`` (from the defaults file; env vars may raise a max).

    Parameters
    ----------
    path
        Dotted path, e.g. ``population.lines`` or ``awards.wales-2026.2027/28``.

    Raises
    ------
    ScenarioError
        An environment limit that is not a whole number.
    """
    key = _range_path(path)
    rng = default_ranges().get(key)
    env = ENV_LIMITS.get(key)
    if rng is None or env is None or not os.environ.get(env, "").strip():
        return rng
    text = os.environ[env].strip()
    if not re.fullmatch(r"[0-9]{1,18}", text, re.ASCII):
        raise ScenarioError(f"environment variable {env}={text!r}: expected a whole number")
    return Range(rng.min, rng.above, float(text), rng.allowed, rng.unit)


def _check_range(value: Any, key: str, path: str | None = None) -> None:
    rng = value_range(path or key)
    if rng is None:
        return
    try:
        rng.check(value, f"{key} = {show(value)}")
    except UserError as exc:
        env = ENV_LIMITS.get(_range_path(path or key))
        over = rng.max is not None and isinstance(value, int | float) and value > rng.max
        hint = f"; the environment variable {env} raises the limit" if env and over else ""
        raise ScenarioError(f"{exc}{hint}", key) from None


def _number(value: Any, key: str, path: str | None = None) -> float:
    """``value`` as a float: a finite number in the range of ``path`` (default ``key``)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(f"{key} must be a finite number, got {show(value)}", key)
    _check_range(value, key, path)
    return float(value)


def _int(value: Any, key: str, path: str | None = None) -> int:
    """``value`` as an int: a whole number in the range of ``path`` (default ``key``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{key} must be a whole number, got {show(value)}", key)
    if value < 0 and value_range(path or key) is None:
        raise ScenarioError(f"{key} must be a whole number >= 0, got {show(value)}", key)
    _check_range(value, key, path)
    return int(value)


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(f"{key} must be true or false, got {show(value)}", key)
    return value


def _shares(pairs: Pairs, allowed: tuple[str, ...], key: str) -> Pairs:
    for k, v in pairs:
        if k not in allowed:
            raise ScenarioError(
                f"unknown key '{key}.{k}': expected one of {', '.join(allowed)}", f"{key}.{k}"
            )
        _number(v, f"{key}.{k}")
    if sum(v for _, v in pairs) <= 0:
        raise ScenarioError(f"{key}: the shares must not all be zero (give one share > 0)", key)
    return tuple((k, float(v)) for k, v in pairs)


# ---------------------------------------------------------------------------
# The scenario tree
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Population:
    """A generated population of lines (see :mod:`scenarios.population`).

    Attributes
    ----------
    lines
        Number of lines.
    seed
        Random seed of the draw (the same population in every run unless varied).
    ltft_share
        Fraction of lines less than full time.
    ltft_keep
        Fraction of its duty days an LTFT line keeps.
    max_years
        Upper bound of the completed years of service drawn.
    grade_mix
        Share of lines per grade (F1, F2, CT, ST); normalised.
    rota_types
        Share of lines per rota type (:data:`ROTA_TYPES`); normalised.
    """

    lines: int
    seed: int
    ltft_share: float
    ltft_keep: float
    max_years: int
    grade_mix: Pairs
    rota_types: Pairs

    def __post_init__(self) -> None:
        _int(self.lines, "population.lines")
        _int(self.seed, "population.seed")
        _number(self.ltft_share, "population.ltft_share")
        _number(self.ltft_keep, "population.ltft_keep")
        _int(self.max_years, "population.max_years")
        _shares(self.grade_mix, GRADES, "population.grade_mix")
        _shares(self.rota_types, ROTA_TYPES, "population.rota_types")


@dataclass(frozen=True, slots=True)
class Workforce:
    """Who is modelled: rota files and/or a generated population.

    Attributes
    ----------
    rotas
        Rota file paths (absolute), or ``"department"`` for the bundled department.
    population
        A generated population, or ``None``.
    """

    rotas: tuple[str, ...] = ()
    population: Population | None = None

    def __post_init__(self) -> None:
        if not self.rotas and self.population is None:
            raise ScenarioError("workforce: give 'rotas' or a [workforce.population] table")
        for path in self.rotas:
            if not isinstance(path, str):
                raise ScenarioError(f"workforce.rotas: {path!r} is not a file name")


@dataclass(frozen=True, slots=True)
class Transition:
    """Pay year of the August transfer to the 2026 contract, by grade and case.

    Attributes
    ----------
    F1, F2, CT, ST, DCT
        Pay year in which lines of each grade transfer.
    unbanded
        Pay year in which lines unbanded under 2002 in the base year transfer.
    new_appointments
        Pay year from which new appointments are on the 2026 contract.
    new_appointment_share
        Fraction of lines drawn (with the run seed) as new appointments: no floor.
    new_appointment_f1_year0
        Treat F1 lines with 0 completed years as new appointments.
    """

    F1: str
    F2: str
    CT: str
    ST: str
    DCT: str
    unbanded: str
    new_appointments: str
    new_appointment_share: float
    new_appointment_f1_year0: bool

    def __post_init__(self) -> None:
        for name in (*GRADES, "unbanded", "new_appointments"):
            check_pay_year(getattr(self, name), f"transition.{name}")
        _number(self.new_appointment_share, "transition.new_appointment_share")
        _bool(self.new_appointment_f1_year0, "transition.new_appointment_f1_year0")

    def grade_year(self, grade: str) -> int:
        """Start year of the transfer pay year of ``grade``."""
        return pay_year_start(getattr(self, grade))


@dataclass(frozen=True, slots=True)
class Awards:
    """Pay awards after the base year, fraction per pay year.

    Attributes
    ----------
    default
        Award of every contract and year not listed.
    contracts
        ``((contract, ((pay_year, award), ...)), ...)``.
    """

    default: float
    contracts: tuple[tuple[str, Pairs], ...] = ()

    def __post_init__(self) -> None:
        _number(self.default, "awards.default")
        for contract, years in self.contracts:
            if contract not in CONTRACTS:
                raise ScenarioError(
                    f"unknown key 'awards.{contract}': expected default or a contract "
                    f"({', '.join(CONTRACTS)})"
                )
            for year, award in years:
                key = f"awards.{contract}.{year}"
                check_pay_year(year, key)
                _number(award, key)

    def award(self, contract: str, pay_year: str) -> float:
        """Award of ``contract`` in ``pay_year``, fraction."""
        return float(get(get(self.contracts, contract, ()), pay_year, self.default))


@dataclass(frozen=True, slots=True)
class Progression:
    """Yearly progression: years of service added per pay year (grade unchanged)."""

    enabled: bool
    years_per_year: int

    def __post_init__(self) -> None:
        _bool(self.enabled, "progression.enabled")
        _int(self.years_per_year, "progression.years_per_year")


@dataclass(frozen=True, slots=True)
class Inflation:
    """Inflation after the base year, fraction per pay year (``years`` by pay year)."""

    default: float
    years: Pairs = ()

    def __post_init__(self) -> None:
        _number(self.default, "inflation.default")
        for year, value in self.years:
            check_pay_year(year, f"inflation.{year}")
            _number(value, f"inflation.{year}")

    def rate(self, pay_year: str) -> float:
        """Inflation in ``pay_year``, fraction."""
        return float(get(self.years, pay_year, self.default))


@dataclass(frozen=True, slots=True)
class RestorationPath:
    """One pay-restoration trajectory (a nation).

    Attributes
    ----------
    start_gap
        Real-terms erosion before the base year, fraction (0.191 = 19.1% worse off).
    first_year_uplift
        Real-terms uplift in the base year, fraction.
    awards_contract
        Contract whose awards apply after the base year.
    """

    start_gap: float
    first_year_uplift: float
    awards_contract: str

    def __post_init__(self) -> None:
        _number(self.start_gap, "restoration.start_gap", "restoration.wales.start_gap")
        _number(
            self.first_year_uplift,
            "restoration.first_year_uplift",
            "restoration.wales.first_year_uplift",
        )
        _check_range(
            self.awards_contract,
            "restoration.awards_contract",
            "restoration.wales.awards_contract",
        )


@dataclass(frozen=True, slots=True)
class Simulation:
    """Monte Carlo simulation of non-resident on-call (off by default)."""

    enabled: bool
    runs: int
    callout_intensity: float

    def __post_init__(self) -> None:
        _bool(self.enabled, "simulation.enabled")
        _int(self.runs, "simulation.runs")
        _number(self.callout_intensity, "simulation.callout_intensity")


@dataclass(frozen=True, slots=True)
class Rules:
    """Rule sets whose compliant lines are counted."""

    rulesets: tuple[str, ...]

    def __post_init__(self) -> None:
        for name in self.rulesets:
            if name not in RULESETS:
                raise ScenarioError(
                    f"rules.rulesets: unknown rule set {name!r}: expected {', '.join(RULESETS)}"
                )


@dataclass(frozen=True, slots=True)
class Sweep:
    """A sweep: a grid over parameter paths crossed with seeds.

    Attributes
    ----------
    seeds
        Run seeds.
    grid
        ``((path, (value, ...)), ...)``; every combination is run with every seed.
    """

    seeds: tuple[int, ...] = (1,)
    grid: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def __post_init__(self) -> None:
        if not self.seeds:
            raise ScenarioError("sweep.seeds must list at least one seed")
        for s in self.seeds:
            _int(s, "sweep.seeds")
        for path, values in self.grid:
            if not values:
                raise ScenarioError(f"sweep.grid.{path}: give at least one value", "sweep.grid")
        text = os.environ.get("ROTA_MAX_SWEEP_RUNS", "").strip()
        limit = int(text) if text.isascii() and text.isdigit() else MAX_SWEEP_RUNS
        if self.n_runs > limit:
            raise ScenarioError(
                f"sweep: {self.n_runs:,} runs (grid points x seeds) exceed the limit of "
                f"{limit:,} (ROTA_MAX_SWEEP_RUNS raises it)",
                "sweep",
            )

    @property
    def n_runs(self) -> int:
        """Number of runs: grid points × seeds."""
        return math.prod(len(v) for _, v in self.grid) * len(self.seeds)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A scenario: everything one run needs.

    Attributes
    ----------
    id
        Scenario id (default: the file stem).
    title
        Display title.
    base_pay_year
        First modelled pay year; its contract parameters come from the bundled files.
    years
        Number of pay years modelled.
    workforce, transition, awards, progression, inflation, simulation, rules, sweep
        The sections.
    restoration
        ``((name, RestorationPath), ...)``.
    contracts
        Contract parameter overrides ``(("wales-2026.unsocial_multiplier", 1.37), ...)``;
        list values are kept as tuples, so that the scenario stays hashable.
    source
        File the scenario came from.
    """

    id: str
    title: str
    base_pay_year: str
    years: int
    workforce: Workforce
    transition: Transition
    awards: Awards
    progression: Progression
    inflation: Inflation
    restoration: tuple[tuple[str, RestorationPath], ...]
    simulation: Simulation
    rules: Rules
    sweep: Sweep = Sweep()
    contracts: Pairs = ()
    source: str = field(default="<memory>", compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", self.id):
            raise ScenarioError(f"id must be letters, digits, '-', '_' or '.', got {self.id!r}")
        if self.base_pay_year not in PAY_YEARS:
            raise ScenarioError(
                f"base_pay_year must be one of {', '.join(PAY_YEARS)} (bundled parameter "
                f"files), got {show(self.base_pay_year)}",
                "base_pay_year",
            )
        _int(self.years, "years")
        for path, value in self.contracts:
            plain = list(value) if isinstance(value, tuple) else value
            where = f'contracts."{path}" = {show(plain)}'
            try:
                check_override_paths({path: plain})
                check_override(path, plain, where)
            except UserError as exc:
                text = str(exc).replace(f"--set {path}", f'contracts."{path}"')
                raise ScenarioError(text, f"contracts.{path}") from None
        # lists become tuples: the scenario stays hashable (runs cache on it)
        frozen = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in self.contracts)
        object.__setattr__(self, "contracts", frozen)

    @property
    def pay_years(self) -> tuple[str, ...]:
        """The modelled pay years, e.g. ``("2026/27", "2027/28", ...)``."""
        start = pay_year_start(self.base_pay_year)
        return tuple(pay_year_label(start + k) for k in range(self.years))


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def _strip_entries(data: Any) -> Any:
    """Turn ``{value, unit, tag, source}`` entries into their values, recursively."""
    if isinstance(data, dict):
        if "value" in data and "tag" in data:
            return data["value"]
        return {k: _strip_entries(v) for k, v in data.items()}
    return data


def default_data() -> dict:
    """The bundled defaults as plain values (a fresh dict each call)."""
    return _strip_entries(tomllib.loads(_defaults_text()))


def default_entries() -> list[tuple[str, Any, str, str, str]]:
    """Every bundled default as ``(path, value, unit, tag, source)``."""
    out: list[tuple[str, Any, str, str, str]] = []

    def walk(prefix: str, data: Mapping) -> None:
        for key, value in data.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict) and "value" in value and "tag" in value:
                out.append((path, value["value"], value["unit"], value["tag"], value["source"]))
            elif isinstance(value, dict):
                walk(f"{path}.", value)

    walk("", tomllib.loads(_defaults_text()))
    return out


_TOP_KEYS = (
    "id",
    "title",
    "base_pay_year",
    "years",
    "workforce",
    "contracts",
    "transition",
    "awards",
    "progression",
    "inflation",
    "restoration",
    "simulation",
    "rules",
    "sweep",
    "population",  # defaults only: the file gives it as [workforce.population]
)


def _check_keys(data: Mapping, allowed: Iterable[str], where: str) -> None:
    allowed = tuple(allowed)
    for key in data:
        if key not in allowed:
            name = f"{where}.{key}" if where else key
            raise ScenarioError(f"unknown key '{name}'")


def _table(data: Any, where: str) -> dict:
    if not isinstance(data, dict):
        raise ScenarioError(f"{where} must be a table, got {data!r}")
    return data


def _merge(base: dict, over: Mapping, where: str, open_keys: bool = False) -> dict:
    """``over`` laid on ``base``; unknown keys are errors unless ``open_keys``."""
    out = dict(base)
    for key, value in over.items():
        name = f"{where}.{key}" if where else key
        if key not in base and not open_keys:
            raise ScenarioError(f"unknown key '{name}'")
        if isinstance(base.get(key), dict) and isinstance(value, dict):
            out[key] = _merge(base[key], value, name)
        else:
            out[key] = value
    return out


def _population(data: Mapping) -> Population:
    grade_mix = _table(data["grade_mix"], "population.grade_mix")
    rota_types = _table(data["rota_types"], "population.rota_types")
    return Population(
        lines=data["lines"],
        seed=data["seed"],
        ltft_share=data["ltft_share"],
        ltft_keep=data["ltft_keep"],
        max_years=data["max_years"],
        grade_mix=tuple(grade_mix.items()),
        rota_types=tuple(rota_types.items()),
    )


def _resolve_rotas(
    rotas: Any, base_dir: Path | None, allow_outside: bool = False
) -> tuple[str, ...]:
    """Absolute paths of ``workforce.rotas``; a file outside ``base_dir`` is refused.

    ``base_dir`` defaults to the working folder; ``allow_outside`` accepts any file
    (``--allow-outside``). Bundled scenarios may name any bundled example file.
    """
    if isinstance(rotas, str):
        rotas = [rotas]
    if not isinstance(rotas, list):
        raise ScenarioError(f"workforce.rotas must be a list of file names, got {rotas!r}")
    out = []
    for item in rotas:
        if not isinstance(item, str):
            raise ScenarioError(f"workforce.rotas: {item!r} is not a file name")
        if item == DEPARTMENT:
            out.append(DEPARTMENT)
            continue
        try:
            path = reference_path(
                item,
                base_dir or Path.cwd(),
                allow_outside=allow_outside,
                what="the scenario's folder",
            )
        except PathOutsideError as exc:
            raise ScenarioError(f"workforce.rotas: {exc.message}") from None
        if not path.is_file():
            raise ScenarioError(f"workforce.rotas: file not found: {item}")
        out.append(str(path.resolve()))
    return tuple(out)


def scenario_from_mapping(
    data: Mapping,
    *,
    source: str = "<memory>",
    base_dir: Path | None = None,
    allow_outside: bool = False,
) -> Scenario:
    """Build a scenario from parsed TOML laid over the bundled defaults.

    Parameters
    ----------
    data
        The parsed scenario file.
    source
        Name used in messages and as the default ``id`` (its stem).
    base_dir
        Folder against which relative rota paths are resolved (default the working
        folder); ``workforce.rotas`` files outside it are refused.
    allow_outside
        Accept rota files outside ``base_dir`` (``--allow-outside``).

    Raises
    ------
    ScenarioError
        Unknown key (named), wrong type or impossible value.
    """
    data = dict(data)
    _check_keys(data, [k for k in _TOP_KEYS if k != "population"], "")
    d = default_data()
    for section in ("transition", "progression", "simulation", "rules"):
        d[section] = _merge(d[section], _table(data.get(section, {}), section), section)
    # awards: default + per-contract tables of pay years
    awards = _table(data.get("awards", {}), "awards")
    contracts_awards = []
    for key, value in awards.items():
        if key == "default":
            continue
        if key not in CONTRACTS:
            raise ScenarioError(f"unknown key 'awards.{key}'")
        contracts_awards.append((key, tuple(_table(value, f"awards.{key}").items())))
    inflation = _table(data.get("inflation", {}), "inflation")
    restoration = d["restoration"]
    for name, value in _table(data.get("restoration", {}), "restoration").items():
        base = restoration.get(name)
        table = _table(value, f"restoration.{name}")
        if base is None:
            missing = {"start_gap", "first_year_uplift", "awards_contract"} - set(table)
            if missing:
                raise ScenarioError(f"restoration.{name}: missing key {sorted(missing)[0]!r}")
            _check_keys(table, ("start_gap", "first_year_uplift", "awards_contract"), name)
            restoration[name] = dict(table)
        else:
            restoration[name] = _merge(base, table, f"restoration.{name}")
    workforce = _table(data.get("workforce", {}), "workforce")
    _check_keys(workforce, ("rotas", "population"), "workforce")
    population = None
    if "population" in workforce:
        pop = _merge(
            d["population"],
            _table(workforce["population"], "workforce.population"),
            "workforce.population",
        )
        population = _population(pop)
    sweep = _table(data.get("sweep", {}), "sweep")
    _check_keys(sweep, ("seeds", "grid"), "sweep")
    seeds = sweep.get("seeds", [1])
    if not isinstance(seeds, list):
        raise ScenarioError(f"sweep.seeds must be a list of whole numbers, got {seeds!r}")
    grid = _table(sweep.get("grid", {}), "sweep.grid")
    grid_pairs = []
    for path, values in grid.items():
        if not isinstance(values, list):
            raise ScenarioError(f"sweep.grid.{path} must be a list of values, got {values!r}")
        grid_pairs.append((path, tuple(values)))
    contracts = _table(data.get("contracts", {}), "contracts")
    stem = Path(source).stem if source != "<memory>" else "scenario"
    try:
        scenario = Scenario(
            id=data.get("id", re.sub(r"[^A-Za-z0-9_.\-]", "-", stem)),
            title=str(data.get("title", stem)),
            base_pay_year=data.get("base_pay_year", d["base_pay_year"]),
            years=data.get("years", d["years"]),
            workforce=Workforce(
                _resolve_rotas(workforce.get("rotas", []), base_dir, allow_outside), population
            ),
            transition=Transition(**d["transition"]),
            awards=Awards(awards.get("default", d["awards"]["default"]), tuple(contracts_awards)),
            progression=Progression(**d["progression"]),
            inflation=Inflation(
                inflation.get("default", d["inflation"]["default"]),
                tuple((k, v) for k, v in inflation.items() if k != "default"),
            ),
            restoration=tuple(
                (name, RestorationPath(**table)) for name, table in restoration.items()
            ),
            simulation=Simulation(**d["simulation"]),
            rules=Rules(tuple(d["rules"]["rulesets"])),
            sweep=Sweep(tuple(seeds), tuple(grid_pairs)),
            contracts=tuple(contracts.items()),
            source=source,
        )
    except TypeError as exc:  # a wrong value type reaching a dataclass
        raise ScenarioError(f"{source}: {exc}") from None
    _check_grid(scenario)
    _check_horizon(scenario)
    return scenario


def _check_grid(scenario: Scenario) -> None:
    """Every value of every grid path must be settable (checked one value at a time)."""
    for path, values in scenario.sweep.grid:
        for value in values:
            try:
                with_overrides(scenario, {path: value})
            except ScenarioError as exc:
                raise ScenarioError(
                    f'sweep.grid."{path}" value {show(value)}: {exc}', f"sweep.grid.{path}"
                ) from None


def _check_horizon(scenario: Scenario) -> None:
    """Per-year awards and inflation must fall in a modelled year after the base year.

    A value for any other year would be silently ignored. A grid over ``years`` or
    ``base_pay_year`` widens the horizon to every year some run models.
    """
    grid = dict(scenario.sweep.grid)
    bases = {scenario.base_pay_year, *grid.get("base_pay_year", ())}
    spans = [scenario.years, *(y for y in grid.get("years", ()) if isinstance(y, int))]
    modelled = {
        pay_year_label(pay_year_start(base) + k) for base in bases for k in range(1, max(spans))
    }
    keys = [(f"awards.{c}.{y}", y) for c, years in scenario.awards.contracts for y, _ in years]
    keys += [(f"inflation.{y}", y) for y, _ in scenario.inflation.years]
    for key, year in keys:
        if year not in modelled:
            first = pay_year_label(pay_year_start(min(bases)) + 1)
            last = pay_year_label(pay_year_start(max(bases)) + max(spans) - 1)
            span = f"{first} to {last}" if modelled else "none (years = 1)"
            raise ScenarioError(
                f"{key}: {year} is not a modelled pay year after the base year "
                f"(modelled: {span}); the value would be ignored",
                key,
            )


def read_scenario(path: str | Path, *, allow_outside: bool = False) -> Scenario:
    """Read a scenario file (TOML).

    ``workforce.rotas`` files must lie in the scenario file's folder unless
    ``allow_outside`` (``--allow-outside``).

    Raises
    ------
    ScenarioError
        Missing file, bad TOML, unknown key (named) or an impossible value; the
        message starts with the file name.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"{path}: scenario file not found")
    try:
        text = read_text_file(path, "scenario file")
    except UserError as exc:
        raise ScenarioError(str(exc)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    try:
        return scenario_from_mapping(
            data, source=str(path), base_dir=path.parent, allow_outside=allow_outside
        )
    except ScenarioError as exc:
        message = str(exc)
        if message.startswith(str(path)):
            raise
        line = locate(text, exc.key) if exc.key else None
        where = f"{path} line {line}" if line else str(path)
        raise ScenarioError(f"{where}: {message}", exc.key) from None


def locate(text: str, key: str) -> int | None:
    """Best-effort line of dotted scenario ``key`` in the TOML ``text`` (``None``: unknown).

    ``contracts.wales-2026.x`` is the quoted key ``"wales-2026.x"`` of ``[contracts]``;
    ``population.*`` is looked up under ``[workforce.population]`` too.
    """
    if key.startswith(("contracts.", "sweep.grid.")):
        table, _, leaf = key.partition(".")
        if table == "sweep":
            table, leaf = "sweep.grid", key.removeprefix("sweep.grid.")
        found = line_of(text, leaf, table)
        return found if found is not None else line_of(text, table, "sweep")
    table, _, leaf = key.rpartition(".")
    for candidate in (table, f"workforce.{table}"):
        found = line_of(text, leaf, candidate)
        if found is not None:
            return found
    pattern = re.compile(rf"(^|[\s{{,])(\"?){re.escape(leaf)}\2\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number
    return None


def scenario_from_text(
    text: str, *, base_dir: Path | None = None, allow_outside: bool = False
) -> Scenario:
    """Parse a scenario from TOML text (relative rota paths against ``base_dir``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"not valid TOML: {exc}") from None
    return scenario_from_mapping(data, base_dir=base_dir, allow_outside=allow_outside)


# ---------------------------------------------------------------------------
# Overrides by dotted path (dataclasses.replace, never mutation)
# ---------------------------------------------------------------------------


def _set_path(obj: Any, parts: list[str], value: Any, path: str) -> Any:
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(obj, Awards) and head != "default":
        if head not in CONTRACTS or len(rest) != 1:
            raise ScenarioError(f"unknown path '{path}'")
        years = set_pair(get(obj.contracts, head, ()), rest[0], value)
        return replace(obj, contracts=set_pair(obj.contracts, head, years))
    if isinstance(obj, Inflation) and head != "default":
        if rest:
            raise ScenarioError(f"unknown path '{path}'")
        return replace(obj, years=set_pair(obj.years, head, value))
    if is_dataclass(obj):
        names = [f.name for f in fields(obj) if f.name not in ("source", "sweep", "contracts")]
        if head not in names:
            raise ScenarioError(f"unknown path '{path}'")
        current = getattr(obj, head)
        if isinstance(current, tuple) and rest and all(isinstance(p, tuple) for p in current):
            # a Pairs table: restoration.wales.start_gap, population.grade_mix.ST
            key, sub = rest[0], rest[1:]
            if key not in [k for k, _ in current]:
                raise ScenarioError(f"unknown path '{path}'")
            new = set_pair(current, key, _set_path(get(current, key), sub, value, path))
        else:
            if head == "rulesets" and isinstance(value, list):
                value = tuple(value)
            new = _set_path(current, rest, value, path)
        return replace(obj, **{head: new})
    raise ScenarioError(f"unknown path '{path}'")


def with_overrides(scenario: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """A new scenario with ``{dotted path: value}`` applied; ``scenario`` is unchanged.

    Paths starting with a contract name are contract parameter overrides
    (``wales-2026.unsocial_multiplier``); others name scenario keys
    (``awards.default``, ``awards.wales-2026.2027/28``, ``transition.ST``,
    ``inflation.2027/28``, ``workforce.population.ltft_share``,
    ``restoration.wales.start_gap``, ``simulation.callout_intensity``, ``years`` …).

    Raises
    ------
    ScenarioError
        Unknown path (named) or an impossible value.
    """
    out = scenario
    for path, value in overrides.items():
        parts = path.split(".")
        if parts[0] in CONTRACTS:
            try:
                check_override_paths({path: value})
            except UserError:
                raise ScenarioError(f"unknown parameter path '{path}'") from None
            out = replace(out, contracts=set_pair(out.contracts, path, value))
            continue
        if parts[0] == "population":  # shorthand for workforce.population
            parts = ["workforce", *parts]
        if parts[0] == "workforce" and parts[1:2] != ["population"]:  # files: checked paths only
            raise ScenarioError(f"'{path}': rota files are set in workforce.rotas, not overridden")
        if parts[:2] == ["workforce", "population"] and out.workforce.population is None:
            raise ScenarioError(f"'{path}': the scenario has no [workforce.population]")
        try:
            out = _set_path(out, parts, value, path)
        except TypeError as exc:
            raise ScenarioError(f"'{path}': {exc}") from None
    return out


# ---------------------------------------------------------------------------
# Runs of a sweep
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunSpec:
    """One run of a sweep.

    Attributes
    ----------
    scenario_id
        Id of the scenario.
    run_id
        ``run-NNNN-<hash>``: index in the grid and a hash of the overrides, the seed
        and the scenario's identity, so neither a changed grid nor an edited scenario
        or parameter file reuses a finished run.
    seed
        Run seed.
    overrides
        Grid point ``((path, value), ...)``.
    """

    scenario_id: str
    run_id: str
    seed: int
    overrides: Pairs = ()


def run_hash(overrides: Pairs, seed: int, identity: str = "") -> str:
    """Short stable hash of a grid point, seed and scenario identity."""
    items: list[Any] = [[k, v] for k, v in overrides] + [seed]
    if identity:
        items.append(identity)
    text = json.dumps(items, sort_keys=False, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def expand_runs(scenario: Scenario, identity: str | None = None) -> list[RunSpec]:
    """Every run of the scenario's sweep: grid points (in file order) × seeds.

    A scenario without a grid gives one run per seed. Each run id hashes its grid
    point, its seed and ``identity`` (default: the fingerprint of the whole resolved
    scenario and the files it reads, :func:`scenarios.sweep_state.scenario_fingerprint`),
    so an edited scenario or parameter file never reuses a run.
    """
    if identity is None:
        from .sweep_state import scenario_fingerprint

        identity = scenario_fingerprint(scenario)
    paths = [p for p, _ in scenario.sweep.grid]
    grids = list(itertools.product(*(v for _, v in scenario.sweep.grid)))
    runs = []
    for point in grids:
        overrides = tuple(zip(paths, point, strict=True))
        for seed in scenario.sweep.seeds:
            index = len(runs)
            runs.append(
                RunSpec(
                    scenario.id,
                    f"run-{index:04d}-{run_hash(overrides, seed, identity)}",
                    int(seed),
                    overrides,
                )
            )
    return runs
