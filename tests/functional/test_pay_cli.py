"""`rota pay` and `rota compare` end to end."""

from __future__ import annotations

import csv
import io
import json

import pytest

from scenarios.cli import main
from simulator.examples import example_path

F1 = str(example_path("department/f1_medicine.toml"))
SURGERY = str(example_path("department/registrar_surgery_legacy.toml"))
LINE_KEYS = {
    "id", "grade", "avg_weekly_hours", "actual_work_hours", "unsocial_fraction",
    "weekend_frequency", "oncall_frequency", "band_2002", "pay_2002", "pay_2026", "change",
    "protection_cost",
}  # fmt: skip


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_pay_json_each_contract(capsys):
    for contract in ("nhs-2002", "wales-2026", "england-2016"):
        code, out, _ = _run(capsys, "pay", F1, "--contract", contract, "--format", "json")
        assert code == 0
        report = json.loads(out)
        assert report["contract"] == contract and report["pay_year"] == "2026/27"
        assert len(report["lines"]) == 7
        assert report["summary"]["total"] == pytest.approx(
            sum(line["total"] for line in report["lines"]), abs=0.05
        )


def test_pay_explain_table_and_json(capsys):
    code, out, _ = _run(capsys, "pay", F1, "--contract", "nhs-2002", "--explain")
    assert code == 0
    assert "line F1-LTFT: band FB" in out and "LTFT flowchart" in out
    code, out, _ = _run(
        capsys, "pay", F1, "--contract", "nhs-2002", "--explain", "--format", "json"
    )
    line = json.loads(out)["lines"][0]
    assert line["explanation"][-1] == "=> band FB"


def test_pay_csv_and_pay_year(capsys):
    code, out, _ = _run(
        capsys, "pay", F1, "--contract", "nhs-2002", "--pay-year", "2025/26", "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[1]["id"] == "F1-1"
    # 2025/26 F1 point 0 = 35,390; band 1A: × 1.5
    assert float(rows[1]["total"]) == pytest.approx(35390 * 1.5)


def test_compare_json_matches_the_architecture(capsys):
    code, out, _ = _run(capsys, "compare", SURGERY, "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"rota", "pay_year", "lines", "summary"}
    assert set(result["lines"][0]) == LINE_KEYS
    assert set(result["lines"][0]["pay_2002"]) == {"basic", "supplement", "total"}
    assert set(result["lines"][0]["pay_2026"]) == {
        "basic", "additional_hours", "unsocial", "nroc_availability", "nroc_work", "premia",
        "total",
    }  # fmt: skip
    assert set(result["summary"]) == {
        "lines", "winners", "losers", "total_2002", "total_2026", "total_protection_cost",
    }  # fmt: skip
    assert result["summary"]["winners"] == 4


def test_compare_table_csv_and_overrides(capsys):
    code, out, _ = _run(capsys, "compare", F1)
    assert code == 0 and "2002 vs 2026 Wales" in out
    code, base, _ = _run(capsys, "compare", F1, "--format", "csv")
    code, more, _ = _run(
        capsys, "compare", F1, "--format", "csv", "--set", "wales-2026.unsocial_multiplier=2.0"
    )
    base_rows = list(csv.DictReader(io.StringIO(base)))
    more_rows = list(csv.DictReader(io.StringIO(more)))
    assert float(more_rows[0]["pay_2026_unsocial"]) == pytest.approx(
        2 * float(base_rows[0]["pay_2026_unsocial"]), abs=0.02
    )


def test_params_file(capsys, tmp_path):
    from simulator.contracts.params import params_path

    text = params_path("wales-2026", "2026/27").read_text("utf-8")
    file = tmp_path / "wales.toml"
    file.write_text(text.replace("value = 41400", "value = 50000"), "utf-8")
    code, out, _ = _run(
        capsys, "pay", F1, "--contract", "wales-2026", "--params", str(file), "--format", "json"
    )
    assert code == 0 and json.loads(out)["lines"][1]["basic"] == 50000


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", F1, "--set", "wales-2026.nope=1"],
        ["compare", F1, "--set", "nonsense"],
        ["pay", F1, "--contract", "wales-2026", "--params", "/nonexistent.toml"],
        ["pay", "/nonexistent.toml", "--contract", "wales-2026"],
    ],
)
def test_user_errors_exit_2(capsys, argv):
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert err.startswith("rota: error:") and "Traceback" not in err


def test_gp_line_without_premium_exits_2(capsys, tmp_path):
    rota = tmp_path / "gp.toml"
    rota.write_text(
        'weeks = 1\n[shifts]\nD = { start = "08:00", end = "18:00" }\n'
        '[[lines]]\nid = "1"\ngrade = "ST"\nyears = 0\nspecialty = "GP"\n'
        'pattern = "D D D D D - -"\n',
        "utf-8",
    )
    code, _, err = _run(capsys, "compare", str(rota))
    assert code == 2 and "wales-2026.gp_premium_gbp is not set" in err
    code, out, _ = _run(
        capsys, "compare", str(rota), "--set", "wales-2026.gp_premium_gbp=9000", "--format", "json"
    )
    assert code == 0 and json.loads(out)["lines"][0]["pay_2026"]["premia"] == 9000


def test_demo_has_compare(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out_dir = tmp_path / "report"
    code, out, _ = _run(
        capsys, "demo", "--format", "json", "--out", str(out_dir), "--time-limit", "3"
    )
    assert code == 0
    result = json.loads(out)
    assert len(result["compare"]) == len(result["department"]) == 4
    assert result["report"] == str(out_dir / "index.html")
    assert not (tmp_path / "rota-demo-report").exists()
