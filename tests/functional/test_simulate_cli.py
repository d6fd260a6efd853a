"""``rota simulate``: formats, plot, parameters, bad input, the demo section."""

from __future__ import annotations

import json

import pytest

from scenarios.cli import main
from scenarios.commands.simulate import demo_simulation, render_table
from simulator.examples import example_path

REG = str(example_path("department/registrar_medicine.toml"))
F1 = str(example_path("department/f1_medicine.toml"))


def run_json(capsys, *args) -> dict:
    assert main(["simulate", REG, "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_report(capsys):
    report = run_json(capsys, "--runs", "40", "--seed", "3")
    assert report["contract"] == "wales-2026" and report["pay_year"] == "2026/27"
    assert report["runs"] == 40 and report["seed"] == 3 and report["engine"] == "montecarlo"
    assert len(report["lines"]) == 8
    line = report["lines"][0]
    pay = line["pay_2026"]
    assert pay["p5"] <= pay["mean"] <= pay["p95"]
    assert line["fines_per_year"]["doctor"] == pytest.approx(line["fines_per_year"]["pot"])
    assert line["toil_days_per_year"] == pytest.approx(line["exception_reports_per_year"])
    # the calibration: simulated NROC work near the template's expected work
    assert line["nroc_hours_worked_per_week"] == pytest.approx(
        line["nroc_expected_work_hours_per_week"], rel=0.1
    )
    # same seed, same figures
    assert run_json(capsys, "--runs", "40", "--seed", "3") == report


def test_overrides_change_the_result(capsys):
    base = run_json(capsys, "--runs", "20", "--seed", "1")
    no_calls = run_json(
        capsys,
        "--runs",
        "20",
        "--seed",
        "1",
        "--set",
        "calls.rate_per_hour=[" + ",".join(["0"] * 24) + "]",
        "--set",
        "overrun.probability=0",
        "--set",
        "wales-2026.nroc_work_unsocial_multiplier=2.0",
    )
    line = no_calls["lines"][0]
    assert line["breaches_per_year"] == 0 and line["nroc_hours_worked_per_week"] == 0
    assert line["nroc_work_pay"]["mean"] == 0
    assert line["nroc_work_pay"]["template"] > base["lines"][0]["nroc_work_pay"]["template"]


def test_params_file_and_simpy_engine(tmp_path, capsys):
    path = tmp_path / "oncall.toml"
    path.write_text("[overrun]\nprobability = 0.0\n")
    report = run_json(
        capsys, "--runs", "2", "--years", "0.2", "--engine", "simpy", "--params", str(path)
    )
    assert report["engine"] == "simpy"
    assert all(line["overrun_hours_per_week"] == 0 for line in report["lines"])


def test_table_csv_and_plot(tmp_path, capsys):
    png = tmp_path / "pay.png"
    assert main(["simulate", REG, "--runs", "30", "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "StR-1" in out and "breaches/yr" in out and str(png) in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["simulate", REG, "--runs", "5", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].startswith("id,pay_2026_template,pay_2026_mean,pay_2026_p5,pay_2026_p95")
    assert len(rows) == 1 + 8


def test_rota_without_nroc(capsys):
    assert main(["simulate", F1, "--runs", "5", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert all(line["nroc_shifts_per_year"] == 0 for line in report["lines"])
    assert all(line["breaches_per_year"] == 0 for line in report["lines"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--runs", "0"], "--runs"),
        (["--seed", "-1"], "--seed"),
        (["--years", "0"], "--years"),
        (["--engine", "fast"], "--engine"),
        (["--set", "work.bogus=1"], "work.bogus"),
        (["--set", "noequals"], "KEY=VALUE"),
        (["--set", "wales-2026.bogus=1"], "wales-2026.bogus"),
        (["--params", "/nonexistent/p.toml"], "not found"),
        (["--plot", "/nonexistent/dir/p.png"], "does not exist"),
    ],
)
def test_bad_input_exit_2_one_line(args, fragment, capsys):
    try:
        status = main(["simulate", REG, "--runs", "2", *args])
    except SystemExit as exc:  # argparse usage errors
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and fragment in err


def test_demo_simulation(capsys):
    """The demo's simulation prints nothing itself; ``rota demo`` prints its table."""
    report = demo_simulation()
    assert capsys.readouterr().out == ""
    render_table(report)
    out = capsys.readouterr().out
    assert "Medicine registrars NROC" in out and "on-call simulation" in out
    assert report["lines"] and report["runs"] > 0
    json.dumps(report)  # JSON-ready
