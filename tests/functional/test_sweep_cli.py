"""``rota sweep`` end to end, and the report folder of ``demo_report``."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scenarios.cli import main
from scenarios.examples import scenario_path
from scenarios.report import demo_report

SCENARIO = """
id = "cli"
title = "CLI sweep"
years = 2
[workforce]
rotas = ["department"]
[sweep.grid]
"wales-2026.unsocial_multiplier" = [1.5, 1.75]
"""


@pytest.fixture()
def scenario_file(tmp_path):
    path = tmp_path / "scenario.toml"
    path.write_text(SCENARIO)
    return path


def test_sweep_json_then_resume(scenario_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(["sweep", str(scenario_file), "--out", str(out), "--workers", "0", "--format", "json"])
        == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["scenario_id"] == "cli"
    assert payload["runs"] == 2 and payload["computed"] == 2 and payload["skipped"] == 0
    assert payload["failed"] == []
    assert len(payload["summary"]) == 2
    results = pd.read_parquet(out / "results.parquet")
    assert set(results["scenario_id"]) == {"cli"} and results["run_id"].nunique() == 2
    assert (
        main(["sweep", str(scenario_file), "--out", str(out), "--workers", "0", "--format", "json"])
        == 0
    )
    again = json.loads(capsys.readouterr().out)
    assert again["computed"] == 0 and again["skipped"] == 2


def test_sweep_table_with_report(scenario_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", str(scenario_file), "--out", str(out), "--workers", "0", "--report"]) == 0
    text = capsys.readouterr().out
    assert "CLI sweep" in text and f"wrote {out / 'results.parquet'}" in text
    report = out / "report"
    html = (report / "index.html").read_text()
    for png in ("sweep_response.png", "protection_cost.png", "winners_losers.png"):
        assert (report / png).is_file() and png in html
    assert "<table" in html and "http" not in html.split("<body>")[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[workforce]\nrotas = ['department']\nwho = 1\n", "unknown key 'workforce.who'"),
        ("[workforce]\nrotas = ['department']\n[sweep.grid]\n'x.y' = [1]\n", "x.y"),
        ("[workforce\n", "not valid TOML"),
    ],
)
def test_bad_scenario_is_one_line_exit_2(tmp_path, capsys, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rota: error:") and message in err and "\n" not in err
    assert "Traceback" not in err


def test_failed_run_exit_1(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(
        "years = 1\n[workforce]\nrotas = ['department']\n[sweep.grid]\n"
        "'nhs-2002.ltft_fraction' = [[0.5, 0.6, 0.7, 0.8, 0.9], [0.5]]\n"
    )
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--workers", "0"]) == 1
    assert "failed run-0001" in capsys.readouterr().out


def test_bad_grid_value_exit_2_before_any_run(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(
        "years = 1\n[workforce]\nrotas = ['department']\n[sweep.grid]\n"
        "'awards.default' = [0.01, 'x']\n"
    )
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--workers", "0"]) == 2
    err = capsys.readouterr().err
    assert "line 5" in err and "'x'" in err and not (tmp_path / "o" / "runs").exists()


def test_missing_scenario_file(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "none.toml"), "--out", str(tmp_path)]) == 2
    assert "scenario file not found" in capsys.readouterr().err


def test_bundled_example_runs(tmp_path, capsys):
    out = tmp_path / "wt"
    assert (
        main(
            [
                "sweep",
                str(scenario_path("wales_transition.toml")),
                "--out",
                str(out),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("run_id,seed") and len(lines) == 2


def test_demo_report_folder(tmp_path):
    folder = demo_report(tmp_path / "report")
    html = (folder / "index.html").read_text()
    pngs = sorted(p.name for p in folder.glob("*.png"))
    assert {
        "rota_1.png",
        "pay_waterfall.png",
        "winners_losers.png",
        "protection_cost.png",
        "pay_bill.png",
        "restoration.png",
        "sweep_response.png",
    } <= set(pngs)
    for png in pngs:
        assert f'src="{png}"' in html
        assert (folder / png).stat().st_size > 1000
    assert html.count("<table") >= 5
    assert (folder / "sweep" / "results.parquet").is_file()
