"""Sweep runner: a scenario's grid × seeds on a process pool or a Dask cluster.

Every run is tagged with ``scenario_id``, ``run_id`` and ``seed`` and gives a tidy
long table (:data:`scenarios.measures.COLUMNS`). The output folder holds::

    runs/<run_id>.parquet   one file per finished run, written as it finishes
    errors/<run_id>.txt     the one-line message of a failed run
    manifest.csv            every run: run_id, seed, grid values, status, seconds, error
    results.parquet/.csv    all finished runs of the current grid, concatenated
    summary.csv             key aggregates per run beside its grid values
    errors.csv              failed runs and their messages

A rerun skips every run whose file exists (files are written to a temporary name
and renamed, so a half-written file never counts) and retries failed runs; one
failing run never stops or loses the others.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.model import UserError

from .measures import COLUMNS, LinePricer, numba_threads, run_measures, summary
from .scenario import RunSpec, Scenario, expand_runs, with_overrides

#: Seconds to wait for a Dask scheduler before giving up.
CONNECT_TIMEOUT_S = 10.0
#: Signature of a run evaluator: (scenario with overrides applied, spec) -> long table.
Evaluator = Callable[[Scenario, RunSpec], pd.DataFrame]


def evaluate_run(scenario: Scenario, spec: RunSpec) -> pd.DataFrame:
    """Default evaluator: every measure of the run, per line and aggregated."""
    return run_measures(scenario, spec.seed, run_id=spec.run_id)


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What one run gave: its table, or the one-line error message."""

    run_id: str
    seconds: float
    table: pd.DataFrame | None = None
    error: str | None = None


def execute(scenario: Scenario, spec: RunSpec, evaluate: Evaluator | None = None) -> RunOutcome:
    """Apply the run's overrides and evaluate it; errors become a one-line message.

    Safe to call in a worker process or a Dask worker: it never raises.
    """
    t0 = time.perf_counter()
    try:
        with numba_threads(1):
            run_scenario = with_overrides(scenario, dict(spec.overrides))
            table = (evaluate or evaluate_run)(run_scenario, spec)
        return RunOutcome(spec.run_id, time.perf_counter() - t0, table=table)
    except Exception as exc:  # noqa: BLE001 - reported per run, never lost
        message = " ".join(f"{type(exc).__name__}: {exc}".split())
        return RunOutcome(spec.run_id, time.perf_counter() - t0, error=message)


@dataclass
class SweepResult:
    """What a sweep invocation did.

    Attributes
    ----------
    out_dir
        Output folder.
    runs
        Every run of the grid.
    computed
        Run ids evaluated by this invocation (finished or failed).
    skipped
        Run ids already finished before (resumed).
    failed
        ``{run_id: message}`` of runs that failed in this invocation.
    seconds
        Wall time, s.
    """

    out_dir: Path
    runs: list[RunSpec]
    computed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def finished(self) -> int:
        """Runs with a result file."""
        return len(self.runs) - len(self.failed)

    def results(self) -> pd.DataFrame:
        """All finished runs' results (from ``results.parquet``)."""
        return pd.read_parquet(self.out_dir / "results.parquet")

    def summary(self) -> pd.DataFrame:
        """Key aggregates per run with the grid values (from ``summary.csv``)."""
        return pd.read_csv(self.out_dir / "summary.csv", keep_default_na=True)


def run_path(out_dir: Path, run_id: str) -> Path:
    """Result file of a run."""
    return Path(out_dir) / "runs" / f"{run_id}.parquet"


def _write_run(out_dir: Path, outcome: RunOutcome) -> None:
    error_file = Path(out_dir) / "errors" / f"{outcome.run_id}.txt"
    if outcome.error is not None:
        error_file.parent.mkdir(parents=True, exist_ok=True)
        error_file.write_text(outcome.error + "\n", "utf-8")
        return
    path = run_path(out_dir, outcome.run_id)
    tmp = path.with_suffix(".parquet.tmp")
    table = outcome.table
    assert table is not None
    table.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    error_file.unlink(missing_ok=True)


def _progress(total: int, enabled: bool | None):
    """A rich progress bar on stderr when it is a terminal (else a no-op)."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=False,
    )


def _worker_init() -> None:  # pragma: no cover - runs in worker processes
    import numba

    numba.set_num_threads(1)


def _iter_process_pool(
    scenario: Scenario, specs: Sequence[RunSpec], workers: int, evaluate: Evaluator | None
) -> Iterable[RunOutcome]:
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init) as pool:
        pending = {pool.submit(execute, scenario, spec, evaluate): spec for spec in specs}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                spec = pending.pop(fut)
                try:
                    yield fut.result()
                except Exception as exc:  # noqa: BLE001 - e.g. a worker that died
                    yield RunOutcome(spec.run_id, 0.0, error=f"{type(exc).__name__}: {exc}")


def _iter_dask(
    scenario: Scenario, specs: Sequence[RunSpec], address: str, evaluate: Evaluator | None
) -> Iterable[RunOutcome]:
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
    except OSError as exc:
        raise UserError(f"--cluster {address}: cannot connect: {exc}") from None
    with client:
        scattered = client.scatter(scenario, broadcast=True)
        futures = {
            client.submit(execute, scattered, spec, evaluate, key=f"{spec.run_id}", pure=False): (
                spec
            )
            for spec in specs
        }
        for fut in as_completed(futures, loop=client.loop):
            spec = futures[fut]
            try:
                yield fut.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker
                yield RunOutcome(spec.run_id, 0.0, error=f"{type(exc).__name__}: {exc}")
            fut.release()


def run_sweep(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    only: Sequence[str] | None = None,
    evaluate: Evaluator | None = None,
    progress: bool | None = None,
) -> SweepResult:
    """Run a scenario's sweep, resuming from what ``out_dir`` already holds.

    Parameters
    ----------
    scenario
        The scenario (its ``sweep`` gives the grid and seeds).
    out_dir
        Output folder (created).
    workers
        Worker processes (default: CPU count, at most the runs to do); ``0`` runs
        in this process, one run after another.
    cluster
        Address of a Dask distributed scheduler (``tcp://host:8786``); runs there
        instead of on a process pool.
    only
        Run ids to do now (the others are left for a later invocation).
    evaluate
        Run evaluator (default :func:`evaluate_run`); must be picklable for pools.
    progress
        Show a progress bar on stderr (default: when stderr is a terminal).

    Returns
    -------
    SweepResult
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    (out / "runs").mkdir(parents=True, exist_ok=True)
    specs = expand_runs(scenario)
    result = SweepResult(out, specs)
    todo = []
    wanted = set(only) if only is not None else None
    for spec in specs:
        if run_path(out, spec.run_id).is_file():
            result.skipped.append(spec.run_id)
        elif wanted is None or spec.run_id in wanted:
            todo.append(spec)
    if cluster:
        outcomes = _iter_dask(scenario, todo, cluster, evaluate)
    elif workers == 0 or (workers is None and len(todo) <= 1):
        outcomes = (execute(scenario, spec, evaluate) for spec in todo)
    else:
        n = workers or os.cpu_count() or 1
        outcomes = _iter_process_pool(scenario, todo, max(1, min(n, len(todo))), evaluate)
    seconds: dict[str, float] = {}
    with _progress(len(todo), progress) as bar:
        task = bar.add_task("sweep", total=len(todo)) if bar is not None else None
        for outcome in outcomes:
            _write_run(out, outcome)
            result.computed.append(outcome.run_id)
            seconds[outcome.run_id] = outcome.seconds
            if outcome.error is not None:
                result.failed[outcome.run_id] = outcome.error
            if bar is not None:
                bar.advance(task)
    # failures left from earlier invocations that were not retried now
    for spec in specs:
        err = out / "errors" / f"{spec.run_id}.txt"
        if spec.run_id not in result.failed and err.is_file():
            if not run_path(out, spec.run_id).is_file():
                result.failed[spec.run_id] = err.read_text("utf-8").strip()
    finalise(scenario, out, specs, result, seconds)
    result.seconds = time.perf_counter() - t0
    return result


def grid_frame(specs: Sequence[RunSpec]) -> pd.DataFrame:
    """One row per run: ``run_id``, ``seed`` and one column per grid path."""
    rows = []
    for spec in specs:
        row = {"run_id": spec.run_id, "seed": spec.seed}
        row.update({path: value for path, value in spec.overrides})
        rows.append(row)
    return pd.DataFrame(rows)


def finalise(
    scenario: Scenario,
    out: Path,
    specs: Sequence[RunSpec],
    result: SweepResult,
    seconds: dict[str, float],
) -> None:
    """Write the manifest, the combined results, the summary and the error table."""
    grid = grid_frame(specs)
    status, errors = [], []
    for spec in specs:
        if run_path(out, spec.run_id).is_file():
            status.append("done")
            errors.append("")
        elif spec.run_id in result.failed:
            status.append("failed")
            errors.append(result.failed[spec.run_id])
        else:
            status.append("pending")
            errors.append("")
    manifest = grid.copy()
    manifest.insert(0, "scenario_id", scenario.id)
    manifest["status"] = status
    manifest["seconds"] = [seconds.get(s.run_id, np.nan) for s in specs]
    manifest["error"] = errors
    manifest["grid"] = [json.dumps(dict(s.overrides), default=str) for s in specs]
    manifest.to_csv(out / "manifest.csv", index=False)
    failed = manifest[manifest["status"] == "failed"][["scenario_id", "run_id", "seed", "error"]]
    failed.to_csv(out / "errors.csv", index=False)
    done = [s.run_id for s, st in zip(specs, status, strict=True) if st == "done"]
    tables = [pd.read_parquet(run_path(out, run_id)) for run_id in done]
    results = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=COLUMNS)
    results.to_parquet(out / "results.parquet", index=False)
    results.to_csv(out / "results.csv", index=False)
    summ = summary(results)
    if not summ.empty:
        summ = grid.merge(summ.drop(columns=["seed"]), on="run_id", how="right")
    summ.to_csv(out / "summary.csv", index=False)
    (out / "scenario.json").write_text(
        json.dumps(
            {
                "scenario_id": scenario.id,
                "title": scenario.title,
                "source": scenario.source,
                "pay_years": list(scenario.pay_years),
                "grid": {p: list(v) for p, v in scenario.sweep.grid},
                "seeds": list(scenario.sweep.seeds),
                "runs": len(specs),
            },
            indent=2,
            default=str,
        ),
        "utf-8",
    )


# ---------------------------------------------------------------------------
# Kernel sweep: many parameter sets over one large set of lines
# ---------------------------------------------------------------------------


def kernel_sweep(
    pricer: LinePricer,
    unsocial_multiplier: np.ndarray,
    award: np.ndarray,
    *,
    years_ahead: int = 0,
    threads: int = 1,
) -> pd.DataFrame:
    """Price one large line set under many parameter sets with the pay kernels only.

    For parameter set s: scales × (1 + award_s)^years_ahead, the 2026 unsocial
    multiplier set to ``unsocial_multiplier[s]``, years of service + ``years_ahead``;
    every line priced under both contracts, then protection against the 2002 pay of
    the base year (the floor) and the aggregates.

    Parameters
    ----------
    pricer
        Year-independent parts of the line set (metrics computed once).
    unsocial_multiplier, award
        One value per parameter set (same length).
    years_ahead
        Years after the base year at which to price.
    threads
        Numba threads for the pay kernels.

    Returns
    -------
    pandas.DataFrame
        One row per parameter set: ``unsocial_multiplier``, ``award``,
        ``pay_bill_2002_gbp``, ``pay_bill_2026_gbp``, ``protection_cost_gbp``,
        ``winners``, ``losers``.
    """
    from simulator.contracts.kernels import P26, protection

    um = np.asarray(unsocial_multiplier, dtype=np.float64)
    aw = np.asarray(award, dtype=np.float64)
    floor = pricer.pay_2002(pricer.years)
    years = pricer.years + years_ahead
    p = pricer.p26_array.copy()
    rows = np.empty((um.size, 5))
    # one kernel thread: small per-set kernels lose more to waking threads than they gain
    with numba_threads(threads):
        for s in range(um.size):
            factor = (1.0 + aw[s]) ** years_ahead
            p[P26["unsocial_multiplier"]] = um[s]
            p02 = pricer.pay_2002(years, factor)
            p26 = pricer.pay_2026(years, factor, p)
            _, cost = protection(p26, floor)
            change = p26 - p02
            rows[s] = (
                p02.sum(),
                p26.sum(),
                cost.sum(),
                (change > 0.005).sum(),
                (change < -0.005).sum(),
            )
    return pd.DataFrame(
        {
            "unsocial_multiplier": um,
            "award": aw,
            "pay_bill_2002_gbp": rows[:, 0],
            "pay_bill_2026_gbp": rows[:, 1],
            "protection_cost_gbp": rows[:, 2],
            "winners": rows[:, 3].astype(np.int64),
            "losers": rows[:, 4].astype(np.int64),
        }
    )


__all__ = [
    "RunOutcome",
    "SweepResult",
    "evaluate_run",
    "execute",
    "finalise",
    "grid_frame",
    "kernel_sweep",
    "run_path",
    "run_sweep",
]
