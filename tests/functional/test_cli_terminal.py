"""The ``rota`` command line in a terminal: --version, plain help, start-up time, 80 columns.

Also: the first-run kernel notice, formats the demo refuses, the packaged benchmark
data and ``--cluster`` without Dask.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest

from scenarios.cli import build_parser, main
from scenarios.output import COMPILE_NOTICE, announce_kernel_compiles
from simulator.examples import example_path

ROOT = Path(__file__).resolve().parents[2]
F1 = str(example_path("department/f1_medicine.toml"))
REGISTRAR = str(example_path("department/registrar_medicine.toml"))
DEPARTMENT = [
    str(example_path(f"department/{name}.toml"))
    for name in ("f1_medicine", "registrar_medicine", "registrar_surgery_legacy", "ed_f2")
]
#: Heavy libraries that building the parser must not import.
HEAVY = ("numba", "ortools", "matplotlib", "pandas", "numpy")
#: reStructuredText markup that must not reach --help.
RST = re.compile(r"``|:(func|class|mod|data|meth|attr|obj|ref|doc):`")
#: A number cut by an ellipsis.
CUT_NUMBER = re.compile(r"\d…|…\d")
NUMBER = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")


def _rota_command() -> list[str]:
    """The installed ``rota`` script beside this Python, else ``python -m scenarios``."""
    script = Path(sys.executable).with_name("rota")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "scenarios"]


def _sub_commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)


def _help(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as info:
        main([*argv, "--help"])
    assert info.value.code == 0
    return capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"rota {version('rota-engine')}"


def test_help_is_plain_text(capsys):
    texts = {"rota": _help(capsys)}
    for name in _sub_commands():
        texts[name] = _help(capsys, name)
    assert set(texts) >= {"rota", "demo", "hours", "check", "pay", "compare", "optimise"}
    for name, text in texts.items():
        assert not RST.search(text), f"{name} --help: {RST.search(text).group(0)!r}"
    assert "rota hours ROTA: per-line metrics" in texts["hours"]


def test_help_is_fast_and_imports_no_heavy_library():
    code = (
        "import sys, scenarios.cli as c; c.build_parser(); "
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert proc.stdout.strip() == "", f"imported by build_parser(): {proc.stdout.strip()}"
    for argv in (["--help"], ["optimise", "--help"]):
        t0 = time.perf_counter()
        proc = subprocess.run([*_rota_command(), *argv], capture_output=True, text=True)
        elapsed_s = time.perf_counter() - t0
        assert proc.returncode == 0 and "usage: rota" in proc.stdout
        assert elapsed_s < 1.5, f"rota {' '.join(argv)} took {elapsed_s:.2f} s"


def test_demo_refuses_csv(capsys):
    with pytest.raises(SystemExit) as info:
        main(["demo", "--format", "csv"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "invalid choice: 'csv'" in err


# --- 80 columns -------------------------------------------------------------------


def _table_and_json(capsys, *argv: str) -> tuple[str, dict]:
    assert main([*argv]) in (0, 1)
    table = capsys.readouterr().out
    assert main([*argv, "--format", "json"]) in (0, 1)
    return table, json.loads(capsys.readouterr().out)


def _assert_fits_80(text: str, figures: list[str]) -> None:
    """No line over 80 columns, no number cut by an ellipsis, each figure whole."""
    too_long = [line for line in text.splitlines() if len(line) > 80]
    assert not too_long, too_long
    assert not CUT_NUMBER.search(text), CUT_NUMBER.search(text)
    numbers = set(NUMBER.findall(text))
    missing = [f for f in figures if f not in numbers]
    assert not missing, missing


@pytest.fixture()
def columns_80(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


@pytest.mark.usefixtures("columns_80")
def test_hours_and_check_fit_80_columns(capsys):
    for rota in DEPARTMENT:
        table, report = _table_and_json(capsys, "hours", rota)
        _assert_fits_80(table, [f"{ln['duty_hours_per_week']:.2f}" for ln in report["lines"]])
        for rules in ("new-deal", "wales-2026"):
            table, _ = _table_and_json(capsys, "check", rota, "--rules", rules)
            _assert_fits_80(table, [])


@pytest.mark.usefixtures("columns_80")
def test_pay_and_compare_fit_80_columns(capsys):
    from simulator.contracts import PAY_COMPONENTS

    for rota in DEPARTMENT:
        for contract in ("nhs-2002", "wales-2026", "england-2016"):
            table, report = _table_and_json(capsys, "pay", rota, "--contract", contract)
            figures = [f"{ln[k]:,.2f}" for ln in report["lines"] for k in PAY_COMPONENTS[contract]]
            _assert_fits_80(table, [*figures, f"{report['summary']['total']:,.2f}"])
        table, result = _table_and_json(capsys, "compare", rota)
        figures = []
        for ln in result["lines"]:
            figures += [f"{ln['pay_2002']['total']:,.2f}", f"{ln['pay_2026']['total']:,.2f}"]
            figures += [f"{ln['change']:+,.2f}", f"{ln['protection_cost']:,.2f}"]
        s = result["summary"]
        figures += [f"{s[k]:,.2f}" for k in ("total_2002", "total_2026", "total_protection_cost")]
        _assert_fits_80(table, figures)


@pytest.mark.usefixtures("columns_80")
def test_simulate_fits_80_columns(capsys):
    table, report = _table_and_json(capsys, "simulate", REGISTRAR, "--runs", "20")
    figures = []
    for ln in report["lines"]:
        figures += [f"{ln['pay_2026'][k]:,.0f}" for k in ("mean", "p5", "p95", "template")]
        figures += [f"{ln['fines_per_year'][k]:,.0f}" for k in ("doctor", "pot")]
    _assert_fits_80(table, figures)


@pytest.mark.usefixtures("columns_80")
def test_optimise_summary_fits_80_columns(capsys):
    from optimizer.solve import solve
    from scenarios.commands.optimise import DEPARTMENT_PROBLEM, render_table

    problem = example_path(DEPARTMENT_PROBLEM)
    result = solve(problem, time_limit_s=3, seed=0, workers=1, deterministic=True)
    assert result.rota is not None
    render_table(result)
    table = capsys.readouterr().out
    keys = ("reference_gbp", "current_2026_gbp", "loss_before_gbp", "pay_2026_gbp", "loss_gbp")
    doctors = result.to_json()["doctors"]
    figures = [f"{d[k]:,.0f}" for d in doctors for k in keys if d[k] is not None]
    _assert_fits_80(table, figures)


def test_console_width_follows_columns(monkeypatch):
    from scenarios.output import PIPE_WIDTH, console

    monkeypatch.delenv("COLUMNS", raising=False)
    assert console().width == PIPE_WIDTH
    monkeypatch.setenv("COLUMNS", "97")
    assert console().width == 97


# --- first run, packaged data, optional Dask -----------------------------------------


def test_compile_notice_once_before_first_compilation():
    if os.environ.get("NUMBA_DISABLE_JIT") == "1":
        pytest.skip("no compilation without JIT")
    import numba

    assert not announce_kernel_compiles(io.StringIO())  # not a terminal: no notice
    stream = io.StringIO()
    assert announce_kernel_compiles(stream, force=True)
    assert stream.getvalue() == ""

    @numba.njit(cache=False)
    def add(a, b):
        return a + b

    assert add(1, 2) == 3 and add(1.5, 2.0) == 3.5  # two compilations
    assert stream.getvalue() == COMPILE_NOTICE + "\n"


def test_nrp_runs_from_any_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ROTA_NRP_DATA"}
    proc = subprocess.run(
        [*_rota_command(), "nrp", "1", "--time-limit", "2", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["instance"] == "Instance1" and result["best_known"] == 607


def test_benchmark_instances_ship_with_the_package(monkeypatch):
    from optimizer.nrp import BEST_KNOWN, DEFAULT_DATA_DIR, instance_path

    monkeypatch.delenv("ROTA_NRP_DATA", raising=False)
    assert Path(DEFAULT_DATA_DIR).is_relative_to(ROOT / "optimizer" / "nrp")
    for number in BEST_KNOWN:
        assert instance_path(number).is_file(), number
    assert (Path(DEFAULT_DATA_DIR) / "README.md").is_file()


def test_cluster_without_dask_exits_2(tmp_path, capsys, monkeypatch):
    scenario = tmp_path / "scenario.toml"
    scenario.write_text('id = "x"\ntitle = "x"\n[workforce]\nrotas = ["department"]\n')
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if absent
    code = main(["sweep", str(scenario), "--out", str(tmp_path / "out"), "--cluster", "tcp://h:1"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "rota: error: rota sweep --cluster needs the cluster extra: "
        "pip install 'rota-engine[cluster]'"
    )
    assert not (tmp_path / "out").exists()


def test_run_sweep_on_a_cluster_without_dask_is_a_user_error(tmp_path, monkeypatch):
    from scenarios.examples import scenario_paths
    from scenarios.scenario import read_scenario
    from scenarios.sweep import CLUSTER_EXTRA_MESSAGE, run_sweep
    from simulator.model import UserError

    monkeypatch.setitem(sys.modules, "distributed", None)
    scenario = read_scenario(scenario_paths()[0])
    with pytest.raises(UserError, match=re.escape(CLUSTER_EXTRA_MESSAGE)):
        run_sweep(scenario, tmp_path, cluster="tcp://h:1", only=[], progress=False)
