"""Sweep runner: a scenario's grid × seeds on a process pool or a Dask cluster.

Every run is tagged with ``scenario_id``, ``run_id`` and ``seed`` and gives a tidy
long table (:data:`scenarios.measures.COLUMNS`). The output folder holds::

    runs/<run_id>.parquet   one file per finished run, written as it finishes
    errors/<run_id>.txt     the one-line message of a failed run
    manifest.csv            every run: run_id, seed, grid values, status, seconds, error
    results.parquet/.csv    all finished runs of the current grid, concatenated
    summary.csv             key aggregates per run beside its grid values
    errors.csv              failed runs and their messages
    identity.json           the resolved scenario and hashes of the files it reads
    .sweep.lock             pid of the sweep writing the folder (while it runs)

A rerun skips every run whose file exists (files are written to a temporary name
unique to the process and renamed, so a half-written file never counts) and retries
failed runs; one failing run never stops or loses the others, but a sweep in which
every run fails raises :class:`SweepError`. Run ids hash the whole resolved scenario
and its files, and a folder holding another scenario's results is refused unless
``fresh``; one sweep at a time writes a folder; pool workers die with the sweep
(:mod:`scenarios.sweep_state`).

``results.parquet`` mixes three kinds of rows: per line (``line_id`` set), per grade
(``line_id == ""``, ``grade`` a grade) and all grades (``grade == "all"``); summing
it whole counts each line three times. :func:`split_results` (and
:attr:`SweepResult.lines`, :attr:`~SweepResult.grades`, :attr:`~SweepResult.totals`)
gives them as separate tables.

Worker processes are started without the caller's ``__main__`` module, so a plain
script that calls :func:`run_sweep` without an ``if __name__ == "__main__":`` guard
works (a spawned worker would otherwise run the script again).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import re
import sys
import time
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.io.safety import child_path, escape_frame
from simulator.model import GRADES, UserError

from .measures import COLUMNS, LinePricer, numba_threads, run_measures, summary
from .scenario import RunSpec, Scenario, expand_runs, with_overrides
from .sweep_state import (
    check_folder,
    die_with_parent,
    fingerprint,
    identity_record,
    remove_temp_files,
    sweep_lock,
    write_atomic,
    write_with,
)

#: Seconds to wait for a Dask scheduler before giving up.
CONNECT_TIMEOUT_S = 10.0
#: A Dask scheduler address: optional tcp:// or tls://, a host name, IPv4 or [IPv6], a port.
_CLUSTER_ADDRESS = re.compile(
    r"(?P<scheme>(?:tcp|tls)://)?(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.\-]{0,252})|\[[0-9A-Fa-f:.]+\])"
    r":(?P<port>[0-9]{1,5})",
    re.ASCII,
)
#: An in-process Dask scheduler (``LocalCluster(processes=False)``).
_INPROC_ADDRESS = re.compile(r"inproc://[A-Za-z0-9.:/\-\[\]]{1,200}", re.ASCII)
#: Error when ``--cluster`` is used without Dask (the ``cluster`` extra) installed.
CLUSTER_EXTRA_MESSAGE = (
    "rota sweep --cluster needs the cluster extra: pip install 'rota-engine[cluster]'"
)
#: Signature of a run evaluator: (scenario with overrides applied, spec) -> long table.
Evaluator = Callable[[Scenario, RunSpec], pd.DataFrame]


class SweepError(UserError):
    """Every run of a sweep failed; ``result`` holds the :class:`SweepResult`."""

    def __init__(self, message: str, result: SweepResult) -> None:
        super().__init__(message)
        self.result = result


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

    @property
    def lines(self) -> pd.DataFrame:
        """Per-line rows of :meth:`results` (see :func:`split_results`)."""
        return split_results(self.results())[0]

    @property
    def grades(self) -> pd.DataFrame:
        """Per-grade aggregate rows of :meth:`results` (see :func:`split_results`)."""
        return split_results(self.results())[1]

    @property
    def totals(self) -> pd.DataFrame:
        """All-grade aggregate rows of :meth:`results` (see :func:`split_results`)."""
        return split_results(self.results())[2]


def split_results(results: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split a sweep results table into per-line, per-grade and all-grade tables.

    Each table can be summed or grouped on its own without double counting: the sum
    of ``paid_gbp`` over ``lines`` of a run and year equals ``pay_bill_gbp`` of
    ``totals`` for that run and year.

    Parameters
    ----------
    results
        Long table with columns :data:`~scenarios.measures.COLUMNS` (as
        ``results.parquet``).

    Returns
    -------
    lines : pandas.DataFrame
        Rows with a ``line_id``: line measures (``pay_2002_gbp``, ``paid_gbp``, …, GBP/year).
    grades : pandas.DataFrame
        Aggregates by grade (``F1``, ``F2``, ``CT``, ``ST``); no ``line_id`` column.
    totals : pandas.DataFrame
        Aggregates over all grades, with the restoration measures; no ``line_id`` or
        ``grade`` column.
    """
    line_rows = results["line_id"].astype(str) != ""
    lines = results[line_rows].reset_index(drop=True)
    agg = results[~line_rows].drop(columns=["line_id"])
    grades = agg[agg["grade"].isin(GRADES)].reset_index(drop=True)
    totals = agg[agg["grade"] == "all"].drop(columns=["grade"]).reset_index(drop=True)
    return lines, grades, totals


def run_path(out_dir: Path, run_id: str) -> Path:
    """Result file of a run."""
    return child_path(out_dir, "runs", f"{run_id}.parquet")


def _write_run(out_dir: Path, outcome: RunOutcome) -> None:
    """Write a run's table (or its error) under a temporary name, then rename it."""
    error_file = child_path(out_dir, "errors", f"{outcome.run_id}.txt")
    if outcome.error is not None:
        error_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(error_file, outcome.error + "\n")
        return
    table = outcome.table
    assert table is not None
    write_with(run_path(out_dir, outcome.run_id), lambda tmp: table.to_parquet(tmp, index=False))
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


def _worker_init(parent_pid: int) -> None:  # pragma: no cover - runs in worker processes
    """Pool worker set-up: die with the parent (``parent_pid``), one Numba thread."""
    die_with_parent(parent_pid)
    import numba

    numba.set_num_threads(1)


def _from_main(evaluate: Evaluator | None) -> bool:
    """Whether the evaluator refers to ``__main__`` (workers then need that module)."""
    if evaluate is None:
        return False
    try:
        return b"__main__" in pickle.dumps(evaluate)
    except Exception:  # noqa: BLE001 - not picklable: the pool reports it per run
        return False


@contextmanager
def _main_hidden(hide: bool = True) -> Iterator[None]:
    """Hide the ``__main__`` module from worker processes started inside the block.

    A spawned worker first runs the parent's main script again (as ``__mp_main__``)
    so that objects defined there can be unpickled. A script that calls the sweep at
    its top level, without an ``if __name__ == "__main__":`` guard, would then start
    the sweep again in every worker and every run would fail. The workers need
    nothing from ``__main__`` unless the evaluator is defined there, so while they
    start ``sys.modules["__main__"]`` is a blank module and the script is not rerun.
    """
    main = sys.modules.get("__main__")
    if not hide or main is None:
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _iter_process_pool(
    scenario: Scenario, specs: Sequence[RunSpec], workers: int, evaluate: Evaluator | None
) -> Iterable[RunOutcome]:
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),)
    ) as pool:
        # with "spawn" the pool starts its workers in submit(): all of them start here
        with _main_hidden(not _from_main(evaluate)):
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
    address = check_cluster_address(address)
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UserError(CLUSTER_EXTRA_MESSAGE) from None

    try:
        client = Client(address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
    except (OSError, ValueError, TypeError) as exc:  # refused, timed out, unreachable
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise UserError(
            f"--cluster {address}: cannot connect to a Dask scheduler within "
            f"{CONNECT_TIMEOUT_S:g} s ({reason})"
        ) from None
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


def check_cluster_address(address: str) -> str:
    """``address`` of a Dask scheduler: ``tcp://HOST:PORT``, ``tls://HOST:PORT`` or ``HOST:PORT``.

    ``inproc://...`` (an in-process ``LocalCluster(processes=False)``) is accepted too.

    Returns
    -------
    str
        The address with ``tcp://`` added when it had no scheme.

    Raises
    ------
    UserError
        Any other form, e.g. ``garbage://x`` or a port outside 1-65535.
    """
    text = address.strip()
    if _INPROC_ADDRESS.fullmatch(text):
        return text
    match = _CLUSTER_ADDRESS.fullmatch(text)
    if not match or not 1 <= int(match.group("port")) <= 65535:
        raise UserError(
            f"--cluster {address[:80]!r}: expected a Dask scheduler address tcp://HOST:PORT "
            "or HOST:PORT, e.g. tcp://127.0.0.1:8786"
        )
    return text if match.group("scheme") else f"tcp://{text}"


def _todo(specs: Sequence[RunSpec], out: Path, only: Sequence[str] | None, result: SweepResult):
    """Runs to do now; finished runs are recorded as skipped in ``result``."""
    todo = []
    wanted = set(only) if only is not None else None
    for spec in specs:
        if run_path(out, spec.run_id).is_file():
            result.skipped.append(spec.run_id)
        elif wanted is None or spec.run_id in wanted:
            todo.append(spec)
    return todo


def run_sweep(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    only: Sequence[str] | None = None,
    evaluate: Evaluator | None = None,
    progress: bool | None = None,
    fresh: bool = False,
) -> SweepResult:
    """Run a scenario's sweep, resuming from what ``out_dir`` already holds.

    Only one sweep writes a folder at a time (a lock file with the writer's pid), and
    a folder holding another scenario's results is refused unless ``fresh`` (see
    :mod:`scenarios.sweep_state`).

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
    fresh
        Delete the results already in ``out_dir`` and compute every run again.

    Returns
    -------
    SweepResult

    Raises
    ------
    SweepError
        Every run tried failed and no run has a result (the output files are written
        first; the error carries the result).
    scenarios.sweep_state.SweepFolderError
        ``out_dir`` holds the results of a different scenario and ``fresh`` is false.
    scenarios.sweep_state.SweepLockedError
        Another live sweep is writing ``out_dir``.
    """
    t0 = time.perf_counter()
    if cluster:
        cluster = check_cluster_address(cluster)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    record = identity_record(scenario)
    with sweep_lock(out):
        check_folder(out, record, fresh=fresh)
        remove_temp_files(out)
        (out / "runs").mkdir(exist_ok=True)
        specs = expand_runs(scenario, fingerprint(record))
        result = SweepResult(out, specs)
        todo = _todo(specs, out, only, result)
        _run_locked(scenario, out, todo, result, workers, cluster, evaluate, progress)
    result.seconds = time.perf_counter() - t0
    _raise_if_all_failed(result)
    return result


def _run_locked(
    scenario: Scenario,
    out: Path,
    todo: list[RunSpec],
    result: SweepResult,
    workers: int | None,
    cluster: str | None,
    evaluate: Evaluator | None,
    progress: bool | None,
) -> None:
    """Evaluate ``todo``, writing each run as it finishes, then the combined tables."""
    specs = result.runs
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
        err = child_path(out, "errors", f"{spec.run_id}.txt")
        if spec.run_id not in result.failed and err.is_file():
            if not run_path(out, spec.run_id).is_file():
                result.failed[spec.run_id] = err.read_text("utf-8").strip()
    finalise(scenario, out, specs, result, seconds)


def _raise_if_all_failed(result: SweepResult) -> None:
    """Raise :class:`SweepError` when runs were tried now and none has a result."""
    tried = result.computed
    if not tried or result.skipped or any(r not in result.failed for r in tried):
        return
    first = next(spec.run_id for spec in result.runs if spec.run_id in tried)
    message = (
        f"every run of the sweep failed ({len(tried)} of {len(tried)}); "
        f"{first}: {result.failed[first]}; see {result.out_dir / 'errors.csv'}"
    )
    if any(m.startswith("BrokenProcessPool") for m in result.failed.values()):
        message += (
            "; worker processes died: if the sweep runs from a script, put the call "
            'under if __name__ == "__main__":, or use workers=0'
        )
    raise SweepError(message, result)


def grid_frame(specs: Sequence[RunSpec]) -> pd.DataFrame:
    """One row per run: ``run_id``, ``seed`` and one column per grid path."""
    rows = []
    for spec in specs:
        row = {"run_id": spec.run_id, "seed": spec.seed}
        row.update({path: value for path, value in spec.overrides})
        rows.append(row)
    return pd.DataFrame(rows)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as CSV (cells escaped) under a temporary name, then rename it."""
    write_with(path, lambda tmp: escape_frame(frame).to_csv(tmp, index=False))


def _manifest(
    scenario: Scenario,
    out: Path,
    specs: Sequence[RunSpec],
    result: SweepResult,
    seconds: dict[str, float],
) -> pd.DataFrame:
    """One row per run: grid values, status (done, failed, pending), seconds, error."""
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
    manifest = grid_frame(specs)
    manifest.insert(0, "scenario_id", scenario.id)
    manifest["status"] = status
    manifest["seconds"] = [seconds.get(s.run_id, np.nan) for s in specs]
    manifest["error"] = errors
    manifest["grid"] = [json.dumps(dict(s.overrides), default=str) for s in specs]
    return manifest


def finalise(
    scenario: Scenario,
    out: Path,
    specs: Sequence[RunSpec],
    result: SweepResult,
    seconds: dict[str, float],
) -> None:
    """Write the manifest, the combined results, the summary and the error table.

    Each file is written under a temporary name and renamed, so a sweep killed here
    leaves the previous whole file (the next sweep writes them again).
    """
    manifest = _manifest(scenario, out, specs, result, seconds)
    _write_csv(manifest, out / "manifest.csv")
    failed = manifest[manifest["status"] == "failed"][["scenario_id", "run_id", "seed", "error"]]
    _write_csv(failed, out / "errors.csv")
    done = list(manifest.loc[manifest["status"] == "done", "run_id"])
    tables = [pd.read_parquet(run_path(out, run_id)) for run_id in done]
    results = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=COLUMNS)
    write_with(out / "results.parquet", lambda tmp: results.to_parquet(tmp, index=False))
    _write_csv(results, out / "results.csv")
    summ = summary(results)
    if not summ.empty:
        summ = grid_frame(specs).merge(summ.drop(columns=["seed"]), on="run_id", how="right")
    _write_csv(summ, out / "summary.csv")
    info = {
        "scenario_id": scenario.id,
        "title": scenario.title,
        "source": scenario.source,
        "pay_years": list(scenario.pay_years),
        "grid": {p: list(v) for p, v in scenario.sweep.grid},
        "seeds": list(scenario.sweep.seeds),
        "runs": len(specs),
    }
    write_atomic(out / "scenario.json", json.dumps(info, indent=2, default=str))


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
    "SweepError",
    "SweepResult",
    "evaluate_run",
    "execute",
    "finalise",
    "grid_frame",
    "kernel_sweep",
    "run_path",
    "run_sweep",
    "split_results",
]
