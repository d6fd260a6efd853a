"""The analysts' API (scenarios.api): each call on a path and on a Rota gives a frame
indexed by line id with the numbers of the matching ``rota`` command."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from optimizer.problem import read_problem
from scenarios import api
from scenarios.cli import main
from scenarios.scenario import scenario_from_text
from scenarios.sweep import SweepError, run_sweep, split_results
from simulator.compile import compile_rota
from simulator.examples import example_path
from simulator.io import read_rota
from simulator.metrics import compute_metrics
from simulator.rules import check as rules_check

ROTA = example_path("department/f1_medicine.toml")
#: A rota with rule violations (for the check tables).
LEGACY = example_path("department/registrar_surgery_legacy.toml")
PROBLEM = example_path("department/problems/medicine_f1.toml")
SCENARIO = """
id = "api"
title = "API sweep"
years = 2
[workforce]
rotas = ["department"]
[sweep.grid]
"wales-2026.unsocial_multiplier" = [1.5, 1.75]
"""


def _cli_json(capsys, *argv: str) -> dict:
    """Run ``rota ARGV --format json`` in this process and parse what it printed."""
    capsys.readouterr()
    status = main([*argv, "--format", "json"])
    out = capsys.readouterr().out
    assert status in (0, 1), status
    return json.loads(out)


@pytest.fixture(scope="module")
def rota():
    return read_rota(ROTA)


@pytest.fixture(params=["path", "str", "rota", "compiled"])
def given(request, rota):
    """The bundled rota as each kind of input."""
    return {
        "path": ROTA,
        "str": str(ROTA),
        "rota": rota,
        "compiled": compile_rota(rota),
    }[request.param]


def _line_ids(rota) -> list[str]:
    return [line.id for line in rota.lines]


def test_read_gives_the_rota(rota):
    assert api.read(ROTA) == rota


def test_compute_metrics_and_rules_check_accept_a_rota(rota):
    compiled = compile_rota(rota)
    pd.testing.assert_frame_equal(compute_metrics(rota), compute_metrics(compiled))
    assert (rules_check(rota, "wtr").compliant == rules_check(compiled, "wtr").compliant).all()


def test_metrics_equal_rota_hours(given, rota, capsys):
    table = api.metrics(given)
    assert table.index.name == "id" and list(table.index) == _line_ids(rota)
    pd.testing.assert_frame_equal(table, compute_metrics(compile_rota(rota)))
    for line in _cli_json(capsys, "hours", str(ROTA))["lines"]:
        for key, value in table.loc[line["id"]].items():
            assert line[key] == pytest.approx(value), (line["id"], key)


@pytest.mark.parametrize("path", [ROTA, LEGACY], ids=["compliant", "legacy"])
def test_check_tables_equal_rota_check(path, capsys):
    for given in (path, read_rota(path)):
        tables = api.check(given, rules="wales-2026")
        assert tables.lines.index.name == tables.violations.index.name == "id"
        payload = _cli_json(capsys, "check", str(path), "--rules", "wales-2026")
        assert list(tables.lines.index) == [line["id"] for line in payload["lines"]]
        for line in payload["lines"]:
            row = tables.lines.loc[line["id"]]
            assert bool(row["compliant"]) is line["compliant"]
            assert row["violations"] == len(line["violations"])
            found = tables.violations[tables.violations.index == line["id"]]
            for (_, v), expected in zip(found.iterrows(), line["violations"], strict=True):
                assert v["rule"] == expected["rule"] and v["day"] == expected["day"]
                assert v["clock"] == expected["clock"] and v["message"] == expected["message"]
                assert round(v["measured"], 4) == expected["measured"]
    if path == LEGACY:
        assert not tables.lines["compliant"].any() and len(tables.violations) > 0


def test_check_overrides_and_bad_combination(rota):
    strict = api.check(rota, "wales-2026", overrides={"average_weekly_hours.limit": 20})
    assert not strict.lines["compliant"].all()
    assert (strict.violations["rule"] == "average_weekly_hours").any()
    from simulator.rules import load_ruleset

    with pytest.raises(ValueError, match="rule set name"):
        api.check(rota, load_ruleset("wtr"), overrides={"x.y": 1})


@pytest.mark.parametrize("contract", ["nhs-2002", "wales-2026", "england-2016"])
def test_price_equals_rota_pay(contract, rota, capsys):
    payload = _cli_json(capsys, "pay", str(ROTA), "--contract", contract)
    for given in (ROTA, rota):
        table = api.price(given, contract=contract, pay_year="2026/27")
        assert table.index.name == "id" and list(table.index) == _line_ids(rota)
        for line in payload["lines"]:
            assert round(table.loc[line["id"], "total"], 2) == line["total"]
            assert table.loc[line["id"], "grade"] == line["grade"]


def test_price_overrides_and_unknown_contract(rota):
    base = api.price(rota, "wales-2026")
    more = api.price(rota, "wales-2026", overrides={"wales-2026.unsocial_multiplier": 3.0})
    assert (more["unsocial"] >= base["unsocial"]).all()
    assert (more["unsocial"] > base["unsocial"]).any()
    with pytest.raises(ValueError, match="unknown contract"):
        api.price(rota, "wales-2099")


def test_compare_equals_rota_compare(given, rota, capsys):
    table = api.compare(given, pay_year="2026/27")
    assert table.index.name == "id" and list(table.index) == _line_ids(rota)
    payload = _cli_json(capsys, "compare", str(ROTA))
    for line in payload["lines"]:
        row = table.loc[line["id"]]
        assert row["pay_2002_total"] == line["pay_2002"]["total"]
        assert row["pay_2026_total"] == line["pay_2026"]["total"]
        assert row["change"] == line["change"]
        assert row["protection_cost"] == line["protection_cost"]
        assert row["band_2002"] == line["band_2002"]


def test_simulate_equals_rota_simulate(rota, capsys):
    payload = _cli_json(capsys, "simulate", str(ROTA), "--runs", "30", "--seed", "7")
    for given in (ROTA, rota):
        table = api.simulate(given, runs=30, seed=7)
        assert table.index.name == "id" and list(table.index) == _line_ids(rota)
        for line in payload["lines"]:
            row = table.loc[line["id"]]
            assert round(row["pay_mean_gbp"], 2) == line["pay_2026"]["mean"]
            assert round(row["pay_p95_gbp"], 2) == line["pay_2026"]["p95"]
            assert round(row["breaches_per_year"], 4) == line["breaches_per_year"]
    samples = api.simulate(rota, runs=30, seed=7, samples=True)
    assert samples.index.name == "id" and len(samples) == 30 * len(rota.lines)
    means = samples.groupby(level="id", sort=False)["pay_gbp"].mean()
    pd.testing.assert_series_equal(means, table["pay_mean_gbp"], check_names=False)


@pytest.mark.slow
def test_optimise_gives_the_result_and_its_doctors():
    # two searches need not agree (stage times are wall-clock), so one search is
    # checked against its own JSON (what rota optimise prints) and the pay engine
    found = api.optimise(PROBLEM, time_limit_s=3, seed=0, workers=1, deterministic=True)
    assert found.result.rota is not None and found.result.compliant
    printed = json.loads(json.dumps(found.result.to_json()))["doctors"]
    assert found.doctors.index.name == "id"
    assert list(found.doctors.index) == [d["id"] for d in printed]
    for doctor in printed:
        row = found.doctors.loc[doctor["id"]]
        for key in ("pay_2026_gbp", "loss_gbp", "reference_gbp", "nights", "weekends"):
            assert row[key] == doctor[key], (doctor["id"], key)
    repriced = api.price(found.result.rota, "wales-2026")["total"].round(2)
    used = found.doctors[found.doctors["used"]]
    pd.testing.assert_series_equal(
        used["pay_2026_gbp"], repriced.loc[used.index], check_names=False
    )
    again = api.optimise(read_problem(PROBLEM), time_limit_s=3, workers=1, deterministic=True)
    assert again.result.rota is not None and list(again.doctors.index) == list(found.doctors.index)


def test_sweep_tables_do_not_double_count(tmp_path, capsys):
    path = tmp_path / "scenario.toml"
    path.write_text(SCENARIO)
    result = api.sweep(path, tmp_path / "api", workers=0, progress=False)
    assert not result.failed and result.finished == 2
    lines, grades, totals = result.lines, result.grades, result.totals
    assert len(lines) + len(grades) + len(totals) == len(result.results())
    assert (lines["line_id"] != "").all()
    assert "line_id" not in grades and set(grades["grade"]) <= {"F1", "F2", "CT", "ST"}
    assert "line_id" not in totals and "grade" not in totals
    paid = lines[lines["measure"] == "paid_gbp"].groupby(["run_id", "year"])["value"].sum()
    bill = totals[totals["measure"] == "pay_bill_gbp"].set_index(["run_id", "year"])["value"]
    pd.testing.assert_series_equal(paid.sort_index(), bill.sort_index(), check_names=False)
    by_grade = grades[grades["measure"] == "pay_bill_gbp"].groupby(["run_id", "year"])["value"]
    pd.testing.assert_series_equal(
        by_grade.sum().sort_index(), bill.sort_index(), check_names=False
    )
    # the same numbers as rota sweep
    cli_out = str(tmp_path / "cli")
    payload = _cli_json(capsys, "sweep", str(path), "--out", cli_out, "--workers", "0")
    assert payload["failed"] == []
    cli = pd.DataFrame(payload["summary"]).set_index("run_id").sort_index()
    mine = result.summary().set_index("run_id").sort_index()
    for column in ("pay_bill_first_gbp", "protection_cost_total_gbp", "winners"):
        pd.testing.assert_series_equal(mine[column], cli[column])
    parts = split_results(pd.read_parquet(tmp_path / "api" / "results.parquet"))
    pd.testing.assert_frame_equal(parts[2], totals)


def _broken(scenario, spec):
    raise RuntimeError(f"no data for {spec.run_id}")


def test_sweep_where_every_run_fails_raises(tmp_path):
    scenario = scenario_from_text(SCENARIO)
    with pytest.raises(SweepError, match="every run of the sweep failed") as caught:
        run_sweep(scenario, tmp_path, workers=0, evaluate=_broken, progress=False)
    assert len(caught.value.result.failed) == 2
    assert "RuntimeError: no data for run-0000" in str(caught.value)
    assert len(pd.read_csv(tmp_path / "errors.csv")) == 2


def test_strict_sweep_raises_on_one_failure(tmp_path):
    path = tmp_path / "half.toml"
    path.write_text(
        "years = 1\n[workforce]\nrotas = ['department']\n[sweep.grid]\n"
        "'nhs-2002.ltft_fraction' = [[0.5, 0.6, 0.7, 0.8, 0.9], [0.5]]\n"
    )
    assert len(api.sweep(path, tmp_path / "a", workers=0, progress=False).failed) == 1
    with pytest.raises(SweepError, match="1 of 2 runs failed"):
        api.sweep(path, tmp_path / "b", workers=0, progress=False, strict=True)


def test_sweep_from_a_plain_script_without_main_guard(tmp_path):
    (tmp_path / "scenario.toml").write_text(SCENARIO)
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            """
            from scenarios import api

            print("script body")
            result = api.sweep("scenario.toml", "out", workers=2, progress=False)
            print("finished", result.finished, "failed", len(result.failed))
            print("pay", result.totals.query("measure == 'pay_bill_gbp'")["value"].sum())
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # the script ran once: the worker processes did not run it again
    assert done.stdout.count("script body") == 1, done.stdout
    assert "finished 2 failed 0" in done.stdout, done.stdout
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv")
    assert list(manifest["status"]) == ["done", "done"]
