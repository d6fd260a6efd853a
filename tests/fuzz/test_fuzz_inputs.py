"""Fuzzing the readers: seeded mutants of every bundled input file.

Each mutant of a rota (TOML, CSV, XLSX), a problem (TOML, CSV tables, XLSX) or a
benchmark instance is read through the public reader and must either be read or
be refused with a :class:`~simulator.model.UserError` whose message is one line
naming the file; any other exception, or a read longer than
:data:`READ_BUDGET_S`, fails. A sample also goes through the command line in
process (``hours``, ``check``, ``pay``, ``optimise --time-limit 1``), which must
exit 0-3 with a one-line error. The mutants are the same on every run (seeded
:class:`random.Random`, no Hypothesis database), and the whole module stays
under a minute.

For a longer hunt, ``ROTA_FUZZ_SCALE=20`` multiplies the mutants and
``ROTA_FUZZ_SEED=N`` draws others, e.g.
``ROTA_FUZZ_SCALE=20 ROTA_FUZZ_SEED=7 pytest tests/fuzz``.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest

from optimizer.nrp import instance_path, read_instance
from optimizer.problem import read_problem
from scenarios.cli import main
from simulator.examples import example_path
from simulator.io import read_rota, write_rota
from simulator.model import UserError

from .mutate import mutate_csv, mutate_instance, mutate_problem, mutate_text, mutate_xlsx

pytestmark = pytest.mark.fuzz

#: Longest a reader may take on one mutant, seconds.
READ_BUDGET_S = 3.0
#: Longest one command may take on one mutant, seconds.
CLI_BUDGET_S = 20.0
#: Multiplier of the mutant counts, and offset of the seeds (see the module doc).
SCALE = int(os.environ.get("ROTA_FUZZ_SCALE", "1"))
SEED = int(os.environ.get("ROTA_FUZZ_SEED", "0"))
#: Mutants per bundled file (several hundred per format).
ROTA_TOML_MUTANTS = 100 * SCALE
ROTA_GRID_MUTANTS = 60 * SCALE
PROBLEM_MUTANTS = 70 * SCALE
XLSX_MUTANTS = 60 * SCALE
INSTANCE_MUTANTS = 150 * SCALE

DEPARTMENT = example_path("department")
ROTAS = sorted(DEPARTMENT.glob("*.toml"))
PROBLEMS = ("medicine_f1", "medicine_f1_rolling", "ed_tiered", "surgery_repair")


class Overtime(Exception):
    """A mutant took longer than its budget."""


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Raise :class:`Overtime` in the block once ``seconds`` have passed (SIGALRM)."""

    def alarm(signum, frame):
        raise Overtime(f"took more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _where(exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno}"


def check_message(message: str, names: Sequence[str]) -> str | None:
    """What is wrong with an error message (``None``: one line naming the file)."""
    if len(message.splitlines()) != 1 or "\r" in message:
        return f"not one line: {message[:300]!r}"
    if len(message) > 2000:
        return f"{len(message)} characters: {message[:200]!r}"
    if not any(name in message for name in names):
        return f"does not name the file: {message[:300]!r}"
    return None


def read_mutant(label: str, read: Callable[[], object], names: Sequence[str]) -> str | None:
    """Read one mutant; the failure as text, or ``None`` when it was read or refused well."""
    try:
        with budget(READ_BUDGET_S):
            read()
    except UserError as exc:
        problem = check_message(str(exc), names)
        return None if problem is None else f"{label}: {problem}"
    except Overtime as exc:
        return f"{label}: {exc}"
    except Exception as exc:  # the failure under test: anything but a UserError
        return f"{label}: {type(exc).__name__} at {_where(exc)}: {str(exc)[:200]}"
    return None


def run_mutants(
    count: int,
    seed: int,
    mutate: Callable[[random.Random], tuple[str, bytes]],
    target: Path,
    read: Callable[[], object],
    names: Sequence[str],
) -> list[str]:
    """Write ``count`` mutants to ``target`` in turn and read each; the failures."""
    rng = random.Random(seed + 1000 * SEED)
    failures = []
    for k in range(count):
        name, data = mutate(rng)
        target.write_bytes(data)
        failure = read_mutant(f"{target.name} #{k} ({name})", read, names)
        if failure is not None:
            failures.append(failure)
    return failures


def assert_none(failures: list[str]) -> None:
    """Fail listing the first failures (each names the mutant and what happened)."""
    assert not failures, f"{len(failures)} mutants failed:\n" + "\n".join(failures[:15])


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A copy of the bundled department: rotas (TOML, CSV, XLSX) and problems beside them.

    The problems are moved next to the rotas they reference (``../x.toml`` becomes
    ``x.toml``), so they read from a temporary folder like any user's files.
    """
    out = tmp_path_factory.mktemp("department")
    for path in ROTAS:
        shutil.copy(path, out / path.name)
        rota = read_rota(path)
        write_rota(rota, out / f"{path.stem}.csv")
        write_rota(rota, out / f"{path.stem}.xlsx")
    for path in (DEPARTMENT / "problems").iterdir():
        if path.suffix in (".toml", ".csv"):
            text = path.read_text("utf-8").replace("../", "")
            (out / path.name).write_text(text, "utf-8")
    book = openpyxl.load_workbook(DEPARTMENT / "problems" / "medicine_f1_sheet.xlsx")
    for row in book["doctors"].iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("../"):
                cell.value = cell.value[3:]
    book.save(out / "medicine_f1_sheet.xlsx")
    for path in sorted(out.glob("*.toml")):  # warm the caches: reference rotas, kernels
        if path.stem in PROBLEMS:
            read_problem(path)
    return out


@pytest.mark.parametrize("rota", ROTAS, ids=lambda p: p.stem)
def test_rota_toml_mutants(folder, rota):
    text = rota.read_text("utf-8")
    target = folder / f"mutant_{rota.stem}.toml"
    failures = run_mutants(
        ROTA_TOML_MUTANTS,
        ROTAS.index(rota) + 1,
        lambda rng: mutate_text(rng, text),
        target,
        lambda: read_rota(target),
        [target.name],
    )
    assert_none(failures)


@pytest.mark.parametrize("rota", ROTAS, ids=lambda p: p.stem)
def test_rota_csv_mutants(folder, rota):
    grid = (folder / f"{rota.stem}.csv").read_text("utf-8")
    shifts = (folder / f"{rota.stem}.shifts.toml").read_text("utf-8")
    target = folder / f"mutant_{rota.stem}.csv"
    beside = folder / f"mutant_{rota.stem}.shifts.toml"
    beside.write_text(shifts, "utf-8")
    names = [target.name, beside.name]
    failures = run_mutants(
        ROTA_GRID_MUTANTS,
        11,
        lambda rng: mutate_csv(rng, grid),
        target,
        lambda: read_rota(target),
        names,
    )
    target.write_text(grid, "utf-8")
    failures += run_mutants(
        ROTA_GRID_MUTANTS // 2,
        12,
        lambda rng: mutate_text(rng, shifts),
        beside,
        lambda: read_rota(target),
        names,
    )
    assert_none(failures)


@pytest.mark.parametrize("rota", ROTAS, ids=lambda p: p.stem)
def test_rota_xlsx_mutants(folder, rota):
    raw = (folder / f"{rota.stem}.xlsx").read_bytes()
    target = folder / f"mutant_{rota.stem}.xlsx"
    failures = run_mutants(
        XLSX_MUTANTS,
        13,
        lambda rng: mutate_xlsx(rng, raw),
        target,
        lambda: read_rota(target),
        [target.name],
    )
    assert_none(failures)


@pytest.mark.parametrize("problem", PROBLEMS)
def test_problem_toml_mutants(folder, problem):
    text = (folder / f"{problem}.toml").read_text("utf-8")
    target = folder / f"mutant_{problem}.toml"
    failures = run_mutants(
        PROBLEM_MUTANTS,
        21,
        lambda rng: mutate_problem(rng, text),
        target,
        lambda: read_problem(target),
        [target.name],
    )
    assert_none(failures)


@pytest.mark.parametrize("table", ["medicine_f1_doctors.csv", "medicine_f1_cover.csv"])
def test_problem_csv_table_mutants(folder, table):
    original = (folder / table).read_text("utf-8")
    problem = folder / "medicine_f1_csv.toml"
    try:
        failures = run_mutants(
            PROBLEM_MUTANTS * 2,
            22,
            lambda rng: mutate_csv(rng, original),
            folder / table,
            lambda: read_problem(problem),
            [table, problem.name],
        )
    finally:
        (folder / table).write_text(original, "utf-8")
    assert_none(failures)


def test_problem_xlsx_mutants(folder):
    raw = (folder / "medicine_f1_sheet.xlsx").read_bytes()
    target = folder / "mutant_problem.xlsx"
    failures = run_mutants(
        XLSX_MUTANTS * 3,
        23,
        lambda rng: mutate_xlsx(rng, raw),
        target,
        lambda: read_problem(target),
        [target.name],
    )
    assert_none(failures)


@pytest.mark.parametrize("number", [1, 2])
def test_instance_mutants(folder, number):
    text = instance_path(number).read_text("utf-8")
    target = folder / f"Mutant{number}.txt"
    failures = run_mutants(
        INSTANCE_MUTANTS,
        30 + number,
        lambda rng: mutate_instance(rng, text),
        target,
        lambda: read_instance(target),
        [target.name],
    )
    assert_none(failures)


# ----------------------------------------------------------------------------- commands


def run_command(label: str, argv: list[str], names: Sequence[str], capsys) -> str | None:
    """Run one command in process; the failure as text, or ``None`` (exit 0-3, one line)."""
    try:
        with budget(CLI_BUDGET_S):
            code = main(argv)
    except Overtime as exc:
        return f"{label}: {exc}"
    except SystemExit as exc:  # argparse: a usage error
        code = exc.code
    except Exception as exc:  # the failure under test
        return f"{label}: {type(exc).__name__} at {_where(exc)}: {str(exc)[:200]}"
    err = capsys.readouterr().err
    if code not in (0, 1, 2, 3):
        return f"{label}: exit status {code}"
    if code == 2:
        lines = [ln for ln in err.splitlines() if ln.startswith("rota")]
        problem = check_message(lines[-1] if lines else err, names)
        if problem is not None:
            return f"{label}: {problem}"
    return None


COMMANDS = (
    ["hours"],
    ["check", "--rules", "wales-2026"],
    ["pay", "--contract", "wales-2026"],
    ["pay", "--contract", "nhs-2002"],
    ["check", "--rules", "new-deal"],
)


@pytest.mark.parametrize("suffix", [".toml", ".csv", ".xlsx"])
def test_rota_mutants_through_commands(folder, suffix, capsys):
    """Every sixth mutant of each rota runs through a command (read, compiled, priced)."""
    failures = []
    for j, rota in enumerate(ROTAS):
        source = folder / f"{rota.stem}{suffix}"
        target = folder / f"cli_{rota.stem}{suffix}"
        if suffix == ".csv":
            shifts = f"{rota.stem}.shifts.toml"
            shutil.copy(folder / shifts, folder / f"cli_{shifts}")
        rng = random.Random(40 + j + 1000 * SEED)
        for k in range(30 * SCALE):
            if suffix == ".toml":
                name, data = mutate_text(rng, source.read_text("utf-8"))
            elif suffix == ".csv":
                name, data = mutate_csv(rng, source.read_text("utf-8"))
            else:
                name, data = mutate_xlsx(rng, source.read_bytes())
            if k % 6:
                continue
            target.write_bytes(data)
            command, *options = COMMANDS[k // 6 % len(COMMANDS)]
            argv = [command, str(target), *options, "--format", "json"]
            label = f"{target.name} #{k} ({name}) {command}"
            failure = run_command(label, argv, [target.stem], capsys)
            if failure is not None:
                failures.append(failure)
    assert_none(failures)


def test_problem_mutants_through_optimise(folder, capsys):
    """A few problem mutants through ``rota optimise --time-limit 1``."""
    text = (folder / "medicine_f1.toml").read_text("utf-8")
    target = folder / "cli_problem.toml"
    rng = random.Random(50 + 1000 * SEED)
    failures = []
    for k in range(4 * SCALE):
        name, data = mutate_problem(rng, text)
        target.write_bytes(data)
        argv = ["optimise", str(target), "--time-limit", "1", "--workers", "1", "--format", "json"]
        start = time.perf_counter()
        failure = run_command(f"{target.name} #{k} ({name})", argv, [target.name], capsys)
        if failure is None and time.perf_counter() - start > 8:
            failure = f"{target.name} #{k} ({name}): optimise --time-limit 1 took too long"
        if failure is not None:
            failures.append(failure)
    assert_none(failures)
