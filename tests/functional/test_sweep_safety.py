"""Sweeps that survive kills and edits: identity, --fresh, lock, kill -9 and resume, workers.

Issue 18: a rerun into a folder of an edited scenario reused stale runs; a killed
sweep left its pool workers running; two sweeps on one folder both computed every run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from scenarios.cli import main
from scenarios.scenario import read_scenario
from scenarios.sweep import run_sweep
from scenarios.sweep_state import LOCK_NAME, sweep_lock, temp_name
from simulator.examples import example_path

ROOT = Path(__file__).resolve().parents[2]

SCENARIO = """
id = "safety"
title = "Sweep safety"
years = {years}
[workforce]
rotas = ["department"]
[transition]
new_appointment_share = 0.2
[sweep]
seeds = [1, 2]
[sweep.grid]
"wales-2026.unsocial_multiplier" = [1.5, 1.75, 2.0]
"""


def _write(folder: Path, years: int = 1) -> Path:
    path = folder / "scenario.toml"
    path.write_text(SCENARIO.format(years=years))
    return path


def _sweep(path: Path, out: Path, *extra: str) -> int:
    args = ["sweep", str(path), "--out", str(out), "--workers", "0", "--format", "json"]
    return main([*args, *extra])


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    manifest = pd.read_csv(out / "manifest.csv").drop(columns=["seconds"])
    return {
        "results": pd.read_csv(out / "results.csv"),
        "summary": pd.read_csv(out / "summary.csv"),
        "manifest": manifest,
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> tuple[Path, dict[str, pd.DataFrame]]:
    """An uninterrupted sweep of the scenario (6 runs, one pay year)."""
    folder = tmp_path_factory.mktemp("baseline")
    path = _write(folder)
    result = run_sweep(read_scenario(path), folder / "out", workers=0, progress=False)
    assert not result.failed and len(result.computed) == 6
    return path, _tables(folder / "out")


def test_edited_scenario_is_refused_then_fresh_recomputes(tmp_path, capsys):
    path = _write(tmp_path, years=2)
    out = tmp_path / "out"
    assert _sweep(path, out) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["computed"] == 6
    _write(tmp_path, years=1)  # edit a key that is not in the grid
    assert _sweep(path, out) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rota: error:") and "\n" not in err
    assert "different scenario" in err and "years 2 -> 1" in err
    assert "--fresh" in err and "another --out" in err
    assert _sweep(path, out, "--fresh") == 0
    again = json.loads(capsys.readouterr().out)
    assert again["computed"] == 6 and again["skipped"] == 0
    years = set(pd.read_csv(out / "results.csv")["year"]) - {"all"}
    assert years == set(json.loads((out / "scenario.json").read_text())["pay_years"])
    assert years == {"2026/27"}


def test_edited_rota_file_changes_the_identity(tmp_path, capsys):
    rota = tmp_path / "rota.toml"
    rota.write_text(example_path("department/f1_medicine.toml").read_text())
    path = tmp_path / "s.toml"
    path.write_text('id = "r"\nyears = 1\n[workforce]\nrotas = ["rota.toml"]\n')
    out = tmp_path / "out"
    assert _sweep(path, out) == 0
    capsys.readouterr()
    rota.write_text(rota.read_text() + "\n# edited\n")
    assert _sweep(path, out) == 2
    err = capsys.readouterr().err
    assert f"differs in: file {rota} changed" in err


def test_second_sweep_on_one_folder_is_refused(tmp_path, capsys):
    path = _write(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with sweep_lock(out) as held:
        assert _sweep(path, out) == 2
        err = capsys.readouterr().err
        assert f"another sweep (pid {held['pid']})" in err and "\n" not in err.strip()
    assert not (out / LOCK_NAME).exists()


def test_stale_lock_of_a_dead_sweep_is_taken_over(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / LOCK_NAME).write_text(json.dumps({"pid": dead.pid, "host": "x"}))
    with sweep_lock(out) as held:
        assert held["stale"]["pid"] == dead.pid
        assert json.loads((out / LOCK_NAME).read_text())["pid"] == os.getpid()


def test_temporary_names_are_unique_per_process_and_call(tmp_path):
    first, second = temp_name(tmp_path / "a.parquet"), temp_name(tmp_path / "a.parquet")
    assert first != second and str(os.getpid()) in first.name
    assert first.parent == tmp_path and first.name.startswith(".a.parquet.")


def _wait_for(predicate, timeout: float, step: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def _runs(out: Path) -> int:
    return len(list((out / "runs").glob("*.parquet")))


def test_killed_sweep_resumes_to_the_same_tables(baseline, tmp_path):
    path, expected = baseline
    out = tmp_path / "out"
    rng = random.Random(18)
    command = [sys.executable, "-m", "scenarios", "sweep", str(path), "--out", str(out)]
    command += ["--workers", "0", "--format", "json"]
    for _ in range(3):  # three seeded kill points, each after a few more runs finish
        done = _runs(out)
        target, delay = done + rng.randint(1, 2), rng.uniform(0.0, 0.4)
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
        _wait_for(lambda p=proc, t=target: p.poll() is not None or _runs(out) >= t, 90)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    result = run_sweep(read_scenario(path), out, workers=0, progress=False)
    assert not result.failed and len(result.computed) + len(result.skipped) == 6
    got = _tables(out)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(got[name], frame, obj=name)
    assert not list(out.rglob("*.tmp")) and not (out / LOCK_NAME).exists()


SLOW = """
import os, pathlib, time

def slow(scenario, spec):
    pathlib.Path(os.environ["MARKS"], str(os.getpid())).write_text(spec.run_id)
    time.sleep(120)
"""

PARENT = """
import sys
sys.path.insert(0, {here!r})
from slow_eval import slow
from scenarios.scenario import scenario_from_text
from scenarios.sweep import run_sweep

if __name__ == "__main__":
    text = open({scenario!r}).read()
    run_sweep(scenario_from_text(text), {out!r}, workers=2, evaluate=slow, progress=False)
"""


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has exited (a zombie not yet reaped counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
    except (OSError, IndexError):  # no /proc: alive as far as we can tell
        return False


def test_pool_workers_die_with_a_killed_sweep(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    (tmp_path / "slow_eval.py").write_text(textwrap.dedent(SLOW))
    scenario = _write(tmp_path)
    script = tmp_path / "parent.py"
    script.write_text(
        PARENT.format(here=str(tmp_path), scenario=str(scenario), out=str(tmp_path / "out"))
    )
    env = {**os.environ, "MARKS": str(marks)}
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, env=env)
    workers: list[int] = []
    try:
        assert _wait_for(lambda: len(list(marks.iterdir())) >= 2, timeout=120, step=0.2)
        workers = [int(p.name) for p in marks.iterdir()]
        assert all(not _gone(pid) for pid in workers)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert _wait_for(lambda: all(_gone(pid) for pid in workers), timeout=5, step=0.1), workers


def test_cluster_address_is_checked(tmp_path, capsys, monkeypatch):
    path = _write(tmp_path)
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--cluster", "garbage://"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rota: error: --cluster 'garbage://'") and "\n" not in err
    pytest.importorskip("distributed")
    monkeypatch.setattr("scenarios.sweep.CONNECT_TIMEOUT_S", 1.0)
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--cluster", "127.0.0.1:9"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--cluster tcp://127.0.0.1:9: cannot connect" in err and "\n" not in err
    assert "Traceback" not in err
