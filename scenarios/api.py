"""One Python API for analysts: read, measure, check, price, compare, simulate, optimise, sweep.

Every rota call takes a :class:`~simulator.model.Rota`, a
:class:`~simulator.compile.CompiledRota` or the path of a rota file (``.toml``,
``.csv`` with its ``<grid>.shifts.toml``, ``.xlsx``) and returns pandas DataFrames
indexed by line id (index name ``id``), in the rota's line order. Units: money in GBP
per year, hours in hours (``*_per_week``: hours per week), frequencies as fractions
(one weekend in four = 0.25). Example::

    from scenarios import api

    rota = api.read("my_rota.toml")
    api.metrics(rota)[["work_hours_per_week", "unsocial_fraction"]]
    api.check(rota, rules="wales-2026").lines["compliant"]
    api.compare(rota)[["band_2002", "pay_2002_total", "pay_2026_total", "change"]]

The calls give the same numbers as the matching ``rota`` commands (``hours``,
``check``, ``pay``, ``compare``, ``simulate``, ``optimise``, ``sweep``); see
``docs/api.md``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import pandas as pd

from optimizer.problem import Problem, read_problem
from optimizer.solve import OptimiseResult
from optimizer.solve import solve as _solve
from simulator import contracts as _contracts
from simulator import rules as _rules
from simulator.compile import CompiledRota
from simulator.io import read_rota
from simulator.io.safety import check_out_folder
from simulator.metrics import compute_metrics
from simulator.model import Rota, UserError
from simulator.oncall import load_oncall_params, simulate_samples, summarise

from .scenario import Scenario, read_scenario
from .sweep import SweepError, SweepResult, run_sweep

#: What the rota calls accept: a rota, a compiled rota, or the path of a rota file.
RotaLike = Rota | CompiledRota | str | os.PathLike
#: Contract parameter files: one path or several.
ParamFiles = str | os.PathLike | Iterable[str | os.PathLike]
#: Columns of the violations table of :func:`check`.
VIOLATION_COLUMNS = ("rule", "day", "clock", "measured", "limit", "unit", "message")


class CheckTables(NamedTuple):
    """What :func:`check` returns.

    Attributes
    ----------
    lines : pandas.DataFrame
        One row per line (index ``id``): ``compliant`` (bool) and ``violations`` (count).
    violations : pandas.DataFrame
        One row per violation (index ``id``, repeated for a line with several):
        ``rule``, ``day`` (cycle day, 0 = Monday of week 1), ``clock`` (``"HH:MM"`` or
        ``None``), ``measured`` and ``limit`` (in ``unit``), ``unit`` and ``message``.
    """

    lines: pd.DataFrame
    violations: pd.DataFrame


class Optimised(NamedTuple):
    """What :func:`optimise` returns.

    Attributes
    ----------
    result : optimizer.solve.OptimiseResult
        Status, objective value, bound, the rota found (``result.rota``), the rules
        check and the per-stage outcomes.
    doctors : pandas.DataFrame
        One row per doctor (index ``id``), the columns of ``result.doctors``:
        reference and re-priced 2026 pay, loss (GBP/year), hours per week, nights,
        weekends; empty when no rota was found.
    """

    result: OptimiseResult
    doctors: pd.DataFrame


def _rota(rota: RotaLike, shifts: str | os.PathLike | None = None) -> Rota | CompiledRota:
    """The rota itself, or the rota read from a path."""
    if isinstance(rota, Rota | CompiledRota):
        return rota
    if isinstance(rota, str | os.PathLike):
        return read_rota(rota, shifts=shifts)
    raise UserError(f"expected a Rota, a CompiledRota or a rota file path, got {type(rota)!r}")


def _param_paths(params: ParamFiles | None) -> list[str | os.PathLike]:
    if params is None:
        return []
    if isinstance(params, str | os.PathLike):
        return [params]
    return list(params)


def _contract_params(
    pay_year: str, params: ParamFiles | None, overrides: Mapping[str, Any] | None
) -> dict[str, _contracts.ContractParams]:
    return _contracts.load_all_params(pay_year, _param_paths(params), overrides)


def read(path: str | os.PathLike, *, shifts: str | os.PathLike | None = None) -> Rota:
    """Read a rota file.

    Parameters
    ----------
    path
        ``.toml``, ``.csv`` or ``.xlsx`` rota file.
    shifts
        For a CSV grid: the TOML file with its ``[shifts]`` table (default
        ``<grid>.shifts.toml`` beside it).

    Returns
    -------
    simulator.model.Rota

    Raises
    ------
    simulator.model.RotaError
        A one-line message naming the file, line, day and field.
    """
    return read_rota(path, shifts=shifts)


def metrics(rota: RotaLike, *, shifts: str | os.PathLike | None = None) -> pd.DataFrame:
    """Per-line metrics, as ``rota hours``.

    Parameters
    ----------
    rota
        Rota, compiled rota or rota file path.
    shifts
        Shift definitions for a CSV grid path (see :func:`read`).

    Returns
    -------
    pandas.DataFrame
        Index ``id``; columns :data:`~simulator.kernels.metrics.METRIC_NAMES`:
        ``*_hours_per_week`` (h/week averaged over the cycle), ``unsocial_fraction``
        (fraction of work hours), ``weekends``/``nights``/``long_shifts``/… (counts
        per cycle), ``*_frequency`` (fraction of weekends), ``shortest_rest_hours``,
        ``longest_duty_hours``, ``max_hours_in_168h`` (h),
        ``max_consecutive_duty_days`` (days).
    """
    return compute_metrics(_rota(rota, shifts))


def check(
    rota: RotaLike,
    rules: str | _rules.RuleSet = "wales-2026",
    *,
    overrides: Mapping[str, float] | None = None,
    params: str | os.PathLike | None = None,
    shifts: str | os.PathLike | None = None,
) -> CheckTables:
    """Check every line against a safe-rostering rule set, as ``rota check``.

    Parameters
    ----------
    rota
        Rota, compiled rota or rota file path.
    rules
        Rule set name (``new-deal``, ``wtr``, ``wales-2026``, ``england-2016``) or a
        loaded :class:`~simulator.rules.RuleSet`.
    overrides
        Numbers by dotted key in the rule file's units, e.g.
        ``{"rest_between_shifts.limit": 10}`` (hours); only with a rule set name.
    params
        TOML file in the rule-set layout whose entries replace the bundled ones.
    shifts
        Shift definitions for a CSV grid path.

    Returns
    -------
    CheckTables
        ``lines`` (``compliant``, ``violations`` per line) and ``violations`` (one row
        per violation), both indexed by line id.
    """
    if isinstance(rules, str):
        rules = _rules.load_ruleset(rules, overrides, params)
    elif overrides or params is not None:
        raise UserError("overrides and params apply to a rule set name, not a loaded RuleSet")
    result = _rules.check(_rota(rota, shifts), rules)
    index = pd.Index(list(result.line_ids), name="id")
    found = result.violations
    counts = Counter(v.line for v in found)
    lines = pd.DataFrame(
        {
            "compliant": result.compliant.astype(bool),
            "violations": [counts[line_id] for line_id in result.line_ids],
        },
        index=index,
    )
    violations = pd.DataFrame(
        [[getattr(v, c) for c in VIOLATION_COLUMNS] for v in found],
        columns=list(VIOLATION_COLUMNS),
        index=pd.Index([v.line for v in found], name="id", dtype=object),
    )
    return CheckTables(lines, violations)


def price(
    rota: RotaLike,
    contract: str = "wales-2026",
    *,
    pay_year: str = "2026/27",
    params: ParamFiles | None = None,
    overrides: Mapping[str, Any] | None = None,
    shifts: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """Pay of every line under one contract, as ``rota pay``.

    Parameters
    ----------
    rota
        Rota, compiled rota or rota file path.
    contract
        ``"nhs-2002"``, ``"wales-2026"`` or ``"england-2016"``.
    pay_year
        Pay year of the bundled parameters (``"2025/26"`` or ``"2026/27"``).
    params
        Contract parameter file(s) (TOML) replacing the bundled file of the contract
        each one names.
    overrides
        ``{"CONTRACT.KEY": value}``, e.g. ``{"wales-2026.unsocial_multiplier": 1.37}``.
    shifts
        Shift definitions for a CSV grid path.

    Returns
    -------
    pandas.DataFrame
        Index ``id``; ``grade``, the pay components of the contract and ``total``
        (GBP/year, full precision; ``rota pay`` rounds to pence). 2002 adds ``band``,
        ``banding_hours`` (h/week) and ``explanation`` (the flowchart steps).
    """
    if contract not in _contracts.CONTRACTS:
        raise UserError(
            f"unknown contract {contract!r}: expected one of {', '.join(_contracts.CONTRACTS)}"
        )
    all_params = _contract_params(pay_year, params, overrides)
    return _contracts.price(_rota(rota, shifts), contract, params=all_params[contract])


def compare(
    rota: RotaLike,
    *,
    pay_year: str = "2026/27",
    params: ParamFiles | None = None,
    overrides: Mapping[str, Any] | None = None,
    shifts: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """2002 band and pay beside 2026 Welsh pay, change and protection, as ``rota compare``.

    Parameters
    ----------
    rota
        Rota, compiled rota or rota file path.
    pay_year
        Pay year for both contracts.
    params, overrides
        As :func:`price`.
    shifts
        Shift definitions for a CSV grid path.

    Returns
    -------
    pandas.DataFrame
        Index ``id``; ``grade``, ``avg_weekly_hours`` and ``actual_work_hours``
        (h/week), ``unsocial_fraction``, ``weekend_frequency`` and
        ``oncall_frequency`` (fractions, 2002 definitions), ``band_2002``,
        ``pay_2002_basic|supplement|total``, ``pay_2026_<component>`` and
        ``pay_2026_total``, ``change`` (2026 − 2002) and ``protection_cost``
        (max(0, −change)); money in GBP/year rounded to pence, as the JSON of
        ``rota compare``.
    """
    all_params = _contract_params(pay_year, params, overrides)
    result = _contracts.compare(_rota(rota, shifts), pay_year, all_params)
    return _contracts.compare_frame(result).set_index("id")


def _split_overrides(overrides: Mapping[str, Any] | None) -> tuple[dict, dict]:
    """(on-call overrides, wales-2026 contract overrides) by the key's first part."""
    oncall: dict[str, Any] = {}
    contract: dict[str, Any] = {}
    for key, value in (overrides or {}).items():
        (contract if key.split(".", 1)[0] in _contracts.CONTRACTS else oncall)[key] = value
    return oncall, contract


def simulate(
    rota: RotaLike,
    *,
    runs: int = 1000,
    seed: int = 0,
    years: float = 1.0,
    engine: str = "montecarlo",
    pay_year: str = "2026/27",
    params: str | os.PathLike | None = None,
    overrides: Mapping[str, Any] | None = None,
    workers: int = 1,
    samples: bool = False,
    shifts: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """Simulate on-call call-outs and overruns on every line, as ``rota simulate``.

    Parameters
    ----------
    rota
        Rota, compiled rota or rota file path.
    runs
        Runs per line (each one doctor working the line for ``years``).
    seed
        Root seed; the same seed gives the same numbers.
    years
        Years per run (rounded to whole rota cycles).
    engine
        ``"montecarlo"`` (default) or ``"simpy"``.
    pay_year
        Pay year of the 2026 Welsh contract parameters.
    params
        On-call parameter file (TOML) replacing bundled entries.
    overrides
        ``{"SECTION.KEY": value}`` of the on-call parameters (e.g.
        ``{"work.mean_min": 40}``) or ``{"wales-2026.KEY": value}`` of the contract.
    workers
        Threads for the Monte Carlo engine.
    samples
        Return the per-run table instead of the per-line summary.

    Returns
    -------
    pandas.DataFrame
        Index ``id``. Summary (default): ``pay_template_gbp``, ``pay_mean_gbp``,
        ``pay_p5_gbp``, ``pay_p95_gbp`` (annual 2026 pay, GBP/year),
        ``breaches_per_year``, ``exception_reports_per_year``, ``fine_doctor_gbp`` and
        ``fine_pot_gbp`` (GBP/year), ``toil_days_per_year``, ``*_hours_per_week``
        (h/week), … (see :func:`simulator.oncall.summarise`). With ``samples=True``:
        one row per (line, run) with a ``run`` column
        (:func:`simulator.oncall.simulate_samples`).
    """
    oncall_overrides, contract_overrides = _split_overrides(overrides)
    oncall_params = load_oncall_params(params, oncall_overrides)
    contract_params = _contracts.load_params("wales-2026", pay_year, overrides=contract_overrides)
    table = simulate_samples(
        _rota(rota, shifts),
        runs,
        seed,
        oncall_params,
        engine,
        years=years,
        contract_params=contract_params,
        workers=workers,
    )
    if samples:
        return table.set_index("id")
    return summarise(table)


def optimise(
    problem: Problem | str | os.PathLike,
    objective: str | None = None,
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    workers: int = 2,
    deterministic: bool = False,
    overrides: Mapping[str, Any] | None = None,
    allow_outside: bool = False,
) -> Optimised:
    """Search a compliant rota for a problem, as ``rota optimise``.

    Parameters
    ----------
    problem
        A :class:`~optimizer.problem.Problem` or the path of a problem file (``.toml``
        or ``.xlsx``).
    objective
        ``pay-loss``, ``cost``, ``headcount``, ``fairness`` or ``repair`` (default:
        the problem's ``objective``).
    time_limit_s
        Search time, seconds.
    seed
        CP-SAT random seed.
    workers
        CP-SAT workers (1 with ``deterministic=True``: reproducible).
    deterministic
        Count the time limit in CP-SAT deterministic seconds.
    overrides
        Contract parameters, ``{"CONTRACT.KEY": value}`` (as ``rota optimise --set``),
        e.g. ``{"wales-2026.gp_premium_gbp": 9000}`` for GP doctors.
    allow_outside
        Accept ``reference_rota`` files outside the problem file's folder (refused by
        default, as without ``rota optimise --allow-outside``).

    Returns
    -------
    Optimised
        ``(result, doctors)``: the optimiser's result (``result.status`` is
        ``infeasible`` with ``result.conflict`` when no rota can exist, and
        ``result.rota`` is ``None`` when none was found in time) and the per-doctor
        table indexed by doctor id.
    """
    if not isinstance(problem, Problem):
        problem = read_problem(problem, allow_outside=allow_outside, pay_overrides=overrides)
    params = _contract_params(problem.pay_year, None, overrides) if overrides else {}
    result = _solve(
        problem,
        objective,
        time_limit_s=time_limit_s,
        seed=seed,
        workers=workers,
        deterministic=deterministic,
        pay_params=params.get("wales-2026"),
    )
    doctors = pd.DataFrame(result.doctors)
    doctors = doctors.set_index("id") if "id" in doctors else doctors.rename_axis("id")
    return Optimised(result, doctors)


def sweep(
    scenario: Scenario | str | os.PathLike,
    out: str | os.PathLike,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    only: Sequence[str] | None = None,
    progress: bool | None = None,
    strict: bool = False,
    allow_outside: bool = False,
    fresh: bool = False,
) -> SweepResult:
    """Run a scenario's grid × seeds, as ``rota sweep``; resumes from ``out``.

    Works from a plain script (no ``if __name__ == "__main__":`` guard needed).

    Parameters
    ----------
    scenario
        A :class:`~scenarios.scenario.Scenario` or the path of a scenario file (TOML).
    out
        Output folder (created); holds the files ``rota sweep`` writes.
    workers
        Worker processes (default: CPU count, at most the runs to do); ``0`` runs in
        this process.
    cluster
        Dask scheduler address (``tcp://host:8786``) instead of local processes;
        needs the ``cluster`` extra (``pip install 'rota-engine[cluster]'``).
    only
        Run ids to do now.
    progress
        Progress bar on stderr (default: when stderr is a terminal).
    strict
        Raise :class:`~scenarios.sweep.SweepError` when any run failed (by default
        only when every run failed).
    allow_outside
        Accept ``workforce.rotas`` files outside the scenario file's folder (refused
        by default, as without ``rota sweep --allow-outside``).
    fresh
        Delete the results already in ``out`` and recompute every run (needed when
        ``out`` holds the results of a different scenario, which is otherwise refused).

    Returns
    -------
    scenarios.sweep.SweepResult
        ``failed`` (``{run_id: message}``), ``summary()`` (one row per run), and the
        results as separate tables: ``lines`` (per-line measures), ``grades``
        (aggregates by grade) and ``totals`` (aggregates over all grades), each a long
        table with ``run_id``, ``seed``, ``year``, ``measure``, ``value`` (GBP/year for
        ``*_gbp`` measures).
    """
    check_out_folder(out, "out")
    if not isinstance(scenario, Scenario):
        scenario = read_scenario(scenario, allow_outside=allow_outside)
    result = run_sweep(
        scenario,
        out,
        workers=workers,
        cluster=cluster,
        only=only,
        progress=progress,
        fresh=fresh,
    )
    if strict and result.failed:
        run_id, message = sorted(result.failed.items())[0]
        raise SweepError(
            f"{len(result.failed)} of {len(result.runs)} runs failed; {run_id}: {message}; "
            f"see {result.out_dir / 'errors.csv'}",
            result,
        )
    return result


__all__ = [
    "CheckTables",
    "Optimised",
    "RotaLike",
    "SweepError",
    "SweepResult",
    "check",
    "compare",
    "metrics",
    "optimise",
    "price",
    "read",
    "simulate",
    "sweep",
]
