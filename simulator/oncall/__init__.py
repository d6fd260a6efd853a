"""On-call and overrun simulation: a SimPy model and its Numba Monte Carlo twin.

Public interface (kept stable for the CLI and the scenario sweeps):

- :func:`simulate_rota` -- per line: simulated annual 2026 pay (mean, 5th and 95th
  percentiles), breaches, exception reports, fines, time off in lieu, NROC hours
  worked and overruns;
- :func:`simulate_samples` -- the same per run (long format, one row per line and run);
- :func:`summarise` -- :func:`simulate_samples` output to the :func:`simulate_rota` table;
- :func:`load_oncall_params`, :class:`OncallParams` -- the parameters as data;
- :data:`ENGINES` -- ``"montecarlo"`` (the twin, default) and ``"simpy"``.

Simulated annual pay = the deterministic 2026 pay of the line (:func:`simulator.contracts.price`)
with its template NROC-work term replaced by the simulated NROC-work pay, plus the pay
for overruns (additional hours, with the unsocial enhancement outside plain time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..compile import CompiledRota, compile_rota
from ..contracts import load_params, price
from ..contracts.params import ContractParams
from ..kernels.metrics import M
from ..metrics import compute_metrics_array
from ..model import Rota, UserError
from .accounting import RUN_NAMES, R
from .des import run_simpy
from .montecarlo import CHUNK_RUNS, run_montecarlo
from .params import OncallParams, load_oncall_params
from .prepare import RotaPlan, prepare

__all__ = [
    "CHUNK_RUNS",
    "ENGINES",
    "RUN_NAMES",
    "OncallParams",
    "RotaPlan",
    "load_oncall_params",
    "prepare",
    "simulate_rota",
    "simulate_samples",
    "simulate_totals",
    "summarise",
]

#: Simulation engines.
ENGINES = ("montecarlo", "simpy")
#: Contract whose pay the simulation reports.
CONTRACT = "wales-2026"


def _check_args(runs: int, seed: int, engine: str, years: float) -> None:
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer) or runs < 1:
        raise UserError(f"runs must be a positive whole number, got {runs!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise UserError(f"seed must be a non-negative whole number, got {seed!r}")
    if engine not in ENGINES:
        raise UserError(f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}")
    if not years > 0:
        raise UserError(f"years must be positive, got {years!r}")


def cycles_per_run(weeks: int, years: float, weeks_per_year: float) -> int:
    """Whole rota cycles simulated per run: ``max(1, round(years × weeks_per_year / weeks))``."""
    return max(1, round(years * weeks_per_year / weeks))


def simulate_totals(
    compiled: CompiledRota,
    runs: int,
    seed: int,
    params: OncallParams | None = None,
    engine: str = "montecarlo",
    *,
    n_cycles: int = 1,
    whole_shift_more_than: float | None = None,
    workers: int = 1,
    chunk_runs: int = CHUNK_RUNS,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Raw totals of every run: shape (n_lines, runs, len(RUN_NAMES)), minutes and counts.

    Parameters
    ----------
    compiled
        The compiled rota.
    runs, seed, params, engine
        As :func:`simulate_rota`.
    n_cycles
        Rota cycles per run.
    whole_shift_more_than
        Whole-shift threshold (default: the bundled 2026 contract value).
    workers, chunk_runs, progress
        As :func:`simulate_rota`.
    """
    _check_args(runs, seed, engine, 1.0)
    params = params or load_oncall_params()
    if whole_shift_more_than is None:
        whole_shift_more_than = float(load_params(CONTRACT)["nroc_whole_shift_more_than"])
    prm = params.pack(whole_shift_more_than)
    plan = prepare(compiled, params)
    if engine == "simpy":
        return run_simpy(
            plan, int(runs), int(seed), prm, n_cycles, chunk_runs=chunk_runs, progress=progress
        )
    return run_montecarlo(
        plan,
        int(runs),
        int(seed),
        prm,
        n_cycles,
        workers=workers,
        chunk_runs=chunk_runs,
        progress=progress,
    )


def simulate_samples(
    compiled: Rota | CompiledRota,
    runs: int,
    seed: int,
    params: OncallParams | None = None,
    engine: str = "montecarlo",
    *,
    years: float = 1.0,
    contract_params: ContractParams | None = None,
    workers: int = 1,
    chunk_runs: int = CHUNK_RUNS,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Simulate every line ``runs`` times; one row per (line, run), annualised.

    Parameters
    ----------
    compiled, runs, seed, params, engine, years, contract_params, workers, chunk_runs, progress
        As :func:`simulate_rota`.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``run`` and per run: ``pay_gbp`` (annual 2026 pay),
        ``nroc_work_pay_gbp``, ``overrun_pay_gbp``, counts per year (``nroc_shifts``,
        ``calls``, ``whole_shifts``, ``breaches``, ``total_rest_breaches``,
        ``continuous_rest_breaches``, ``exception_reports``, ``toil_days``,
        ``overruns``, ``rest_between_shifts_breaches``; each ``*_per_year``), fines
        (``fine_doctor_gbp``, ``fine_pot_gbp``, per year), hours per week
        (``nroc_hours_worked_per_week``, ``nroc_unsocial_hours_worked_per_week``,
        ``overrun_hours_per_week``, ``work_hours_per_week``) and mean rest per NROC
        shift (``total_rest_hours``, ``continuous_rest_hours``). Attributes
        (``.attrs``): ``years_per_run``, ``cycles_per_run``, ``engine``, ``seed``,
        ``template`` (per-line deterministic pay, a dict).
    """
    _check_args(runs, seed, engine, years)
    if isinstance(compiled, Rota):
        compiled = compile_rota(compiled)
    params = params or load_oncall_params()
    cp = contract_params or load_params(CONTRACT)
    if cp.contract != CONTRACT:
        raise UserError(f"contract parameters are for {cp.contract!r}, not {CONTRACT!r}")
    w = float(cp["weeks_per_year"])
    n_cycles = cycles_per_run(compiled.weeks, years, w)
    totals = simulate_totals(
        compiled,
        runs,
        seed,
        params,
        engine,
        n_cycles=n_cycles,
        whole_shift_more_than=float(cp["nroc_whole_shift_more_than"]),
        workers=workers,
        chunk_runs=chunk_runs,
        progress=progress,
    )
    metrics = compute_metrics_array(compiled)
    priced = price(compiled, CONTRACT, params=cp, metrics=metrics)
    weeks_simulated = n_cycles * compiled.weeks
    per_year = w / weeks_simulated
    rate = priced["hourly_rate_gbp"].to_numpy()
    base = (priced["total"] - priced["nroc_work"]).to_numpy()
    resident_work_h = (
        metrics[:, M["work_hours_per_week"]] - metrics[:, M["nroc_expected_work_hours_per_week"]]
    )
    m_plain = float(cp["nroc_work_plain_multiplier"])
    m_uns = float(cp["nroc_work_unsocial_multiplier"])
    m_add = float(cp["additional_hours_multiplier"])
    m_enh = float(cp["unsocial_multiplier"]) - 1.0
    reports_p = float(params["breach.report_probability"])
    fine = float(params["breach.fine_gbp"])
    doctor_share = float(params["breach.doctor_share"])
    toil = float(params["breach.toil_days"])

    frames = []
    for i, line_id in enumerate(compiled.line_ids):
        t = totals[i]

        def col(name: str, t: np.ndarray = t) -> np.ndarray:
            return t[:, R[name]]

        nroc_pay = col("nroc_paid_plain_min") * m_plain + col("nroc_paid_unsocial_min") * m_uns
        nroc_pay = nroc_pay / 60.0 * rate[i] * per_year
        overrun_pay = col("overrun_min") * m_add + col("overrun_unsocial_min") * m_enh
        overrun_pay = overrun_pay / 60.0 * rate[i] * per_year
        reports = col("breaches") * reports_p * per_year
        nroc_h = col("nroc_worked_min") / 60.0 / weeks_simulated
        overrun_h = col("overrun_min") / 60.0 / weeks_simulated
        shifts = np.maximum(col("nroc_shifts"), 1.0)
        windows = col("shifts_with_window")
        frame = {
            "id": line_id,
            "run": np.arange(runs),
            "pay_gbp": base[i] + nroc_pay + overrun_pay,
            "nroc_work_pay_gbp": nroc_pay,
            "overrun_pay_gbp": overrun_pay,
        }
        for name in (
            "nroc_shifts",
            "calls",
            "whole_shifts",
            "breaches",
            "total_rest_breaches",
            "continuous_rest_breaches",
            "overruns",
            "rest_between_shifts_breaches",
        ):
            frame[f"{name}_per_year"] = col(name) * per_year
        frame.update(
            {
                "exception_reports_per_year": reports,
                "fine_doctor_gbp": reports * fine * doctor_share,
                "fine_pot_gbp": reports * fine * (1.0 - doctor_share),
                "toil_days_per_year": reports * toil,
                "nroc_hours_worked_per_week": nroc_h,
                "nroc_unsocial_hours_worked_per_week": (
                    col("nroc_worked_unsocial_min") / 60.0 / weeks_simulated
                ),
                "overrun_hours_per_week": overrun_h,
                "work_hours_per_week": resident_work_h[i] + overrun_h + nroc_h,
                "total_rest_hours": col("total_rest_min") / 60.0 / shifts,
                "continuous_rest_hours": np.where(
                    windows > 0,
                    col("continuous_rest_min") / 60.0 / np.maximum(windows, 1.0),
                    np.nan,
                ),
            }
        )
        frames.append(pd.DataFrame(frame))
    samples = pd.concat(frames, ignore_index=True)
    samples.attrs.update(
        {
            "years_per_run": weeks_simulated / w,
            "cycles_per_run": n_cycles,
            "engine": engine,
            "seed": int(seed),
            "average_weekly_hours_limit": float(params["limits.average_weekly_hours"]),
            "template": {
                line_id: {
                    "pay_gbp": float(priced["total"].iloc[i]),
                    "nroc_work_pay_gbp": float(priced["nroc_work"].iloc[i]),
                    "nroc_expected_work_hours_per_week": float(
                        metrics[i, M["nroc_expected_work_hours_per_week"]]
                    ),
                }
                for i, line_id in enumerate(compiled.line_ids)
            },
        }
    )
    return samples


#: Per-run columns whose mean is reported by :func:`summarise`.
_MEAN_COLUMNS = (
    "nroc_work_pay_gbp",
    "overrun_pay_gbp",
    "nroc_shifts_per_year",
    "calls_per_year",
    "whole_shifts_per_year",
    "breaches_per_year",
    "exception_reports_per_year",
    "fine_doctor_gbp",
    "fine_pot_gbp",
    "toil_days_per_year",
    "nroc_hours_worked_per_week",
    "overrun_hours_per_week",
    "overruns_per_year",
    "rest_between_shifts_breaches_per_year",
    "work_hours_per_week",
)


def summarise(samples: pd.DataFrame) -> pd.DataFrame:
    """Per-line summary of :func:`simulate_samples` output (see :func:`simulate_rota`)."""
    limit = samples.attrs.get("average_weekly_hours_limit", 48.0)
    template = samples.attrs.get("template", {})
    rows = []
    for line_id, group in samples.groupby("id", sort=False):
        pay = group["pay_gbp"].to_numpy()
        tpl = template.get(line_id, {})
        row: dict[str, Any] = {
            "id": line_id,
            "runs": len(group),
            "years_per_run": samples.attrs.get("years_per_run", np.nan),
            "pay_template_gbp": tpl.get("pay_gbp", np.nan),
            "pay_mean_gbp": float(pay.mean()),
            "pay_p5_gbp": float(np.percentile(pay, 5)),
            "pay_p95_gbp": float(np.percentile(pay, 95)),
            "nroc_work_pay_template_gbp": tpl.get("nroc_work_pay_gbp", np.nan),
            "nroc_expected_work_hours_per_week": tpl.get(
                "nroc_expected_work_hours_per_week", np.nan
            ),
        }
        for name in _MEAN_COLUMNS:
            row[name] = float(group[name].mean())
        row["breaches_per_year_p95"] = float(np.percentile(group["breaches_per_year"], 95))
        row["over_average_weekly_limit_share"] = float(
            (group["work_hours_per_week"] > limit).mean()
        )
        rows.append(row)
    return pd.DataFrame(rows).set_index("id")


def simulate_rota(
    compiled: Rota | CompiledRota,
    runs: int,
    seed: int,
    params: OncallParams | None = None,
    engine: str = "montecarlo",
    *,
    years: float = 1.0,
    contract_params: ContractParams | None = None,
    workers: int = 1,
    chunk_runs: int = CHUNK_RUNS,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Simulate on-call work and overruns on every line of a rota.

    Parameters
    ----------
    compiled
        The compiled rota (a :class:`~simulator.model.Rota` is compiled first).
    runs
        Simulated runs per line (each run is ``years`` of the rota).
    seed
        Root seed; the result depends only on the seed, ``runs`` and the inputs.
    params
        On-call parameters (default: the bundled ``params.toml``).
    engine
        ``"montecarlo"`` (Numba twin) or ``"simpy"`` (discrete-event model).
    years
        Length of one run, years; rounded to whole rota cycles (at least one).
    contract_params
        2026 Welsh contract parameters (default: bundled, pay year 2026/27).
    workers
        Threads for the twin (results do not depend on it).
    chunk_runs
        Runs per chunk, the unit of seeding: each (line, chunk) gets its own streams
        (results depend on it; keep the default to reproduce published figures).
    progress
        Called with the number of runs finished (summed over lines), e.g. to drive a
        progress bar; the simulator itself never prints.

    Returns
    -------
    pandas.DataFrame
        One row per line, indexed by id: ``runs``, ``years_per_run``; annual pay in
        GBP/year (``pay_template_gbp`` from the template, ``pay_mean_gbp``,
        ``pay_p5_gbp``, ``pay_p95_gbp``; ``nroc_work_pay_template_gbp``,
        ``nroc_work_pay_gbp``, ``overrun_pay_gbp`` means); means per year of
        ``nroc_shifts``, ``calls``, ``whole_shifts``, ``breaches`` (and
        ``breaches_per_year_p95``), ``exception_reports``, ``toil_days``,
        ``overruns``, ``rest_between_shifts_breaches`` (11 h rule broken by an
        overrun); fines in GBP/year (``fine_doctor_gbp``, ``fine_pot_gbp``); hours
        per week (``nroc_hours_worked_per_week``, ``nroc_expected_work_hours_per_week``,
        ``overrun_hours_per_week``, ``work_hours_per_week``); and
        ``over_average_weekly_limit_share``, the share of runs averaging more than
        ``limits.average_weekly_hours``.

    Raises
    ------
    UserError
        Bad runs, seed, engine or years.
    """
    samples = simulate_samples(
        compiled,
        runs,
        seed,
        params,
        engine,
        years=years,
        contract_params=contract_params,
        workers=workers,
        chunk_runs=chunk_runs,
        progress=progress,
    )
    return summarise(samples)
