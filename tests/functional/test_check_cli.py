"""``rota check``: JSON/CSV/table output, exit status 0/1/2, overrides."""

from __future__ import annotations

import json

import pytest

from scenarios.cli import main
from simulator.examples import example_path

F1 = str(example_path("department/f1_medicine.toml"))
ED = str(example_path("department/ed_f2.toml"))
SURGERY = str(example_path("department/registrar_surgery_legacy.toml"))


def test_compliant_rota_exit_0_json(capsys):
    assert main(["check", F1, "--rules", "wales-2026", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rules"] == "wales-2026" and data["compliant"] is True
    assert len(data["lines"]) == 7
    assert all(line["compliant"] and line["violations"] == [] for line in data["lines"])


def test_violations_exit_1_json(capsys):
    assert main(["check", ED, "--rules", "wales-2026", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["compliant"] is False
    v = data["lines"][0]["violations"][0]
    assert set(v) == {"rule", "day", "clock", "measured", "limit", "unit", "message"}
    assert v["rule"] == "weekend_frequency"
    assert v["measured"] == 0.5 and v["limit"] == pytest.approx(1 / 3, abs=1e-4)


def test_override_makes_rota_compliant(capsys):
    # allow 1 in 2 weekends: 2 of 4 weeks is then exactly at the limit
    args = ["check", ED, "--rules", "wales-2026", "--set", "weekend_frequency.limit=2"]
    assert main(args + ["--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["compliant"] is True


def test_table_groups_by_line(capsys):
    assert main(["check", SURGERY, "--rules", "new-deal"]) == 1
    out = capsys.readouterr().out
    assert "SpR-1" in out and "continuous_duty_oncall" in out
    assert "0 of 4 lines compliant" in out


def test_table_compliant_lines(capsys):
    assert main(["check", F1, "--rules", "new-deal"]) == 0
    assert "compliant" in capsys.readouterr().out


def test_csv(capsys):
    assert main(["check", ED, "--rules", "wales-2026", "--format", "csv"]) == 1
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0] == "line,compliant,rule,day,clock,measured,limit,unit,message"
    assert len(rows) == 1 + 4


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--set", "nonsense.limit=1"], "nonsense.limit"),
        (["--set", "weekend_frequency.limit=three"], "three"),
        (["--set", "weekend_frequency.limit"], "KEY=VALUE"),
        (["--params", "/nonexistent/rules.toml"], "/nonexistent/rules.toml"),
    ],
)
def test_bad_input_exit_2_one_line(capsys, extra, named):
    assert main(["check", ED, "--rules", "wales-2026", *extra]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err and "Traceback" not in err


def test_unknown_key_in_params_file(tmp_path, capsys):
    path = tmp_path / "rules.toml"
    path.write_text("[rules.weekend_frequency]\nlimitt = 2\n")
    assert main(["check", ED, "--rules", "wales-2026", "--params", str(path)]) == 2
    assert "limitt" in capsys.readouterr().err


def test_unknown_ruleset_is_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", ED, "--rules", "scotland"])
    assert exc.value.code == 2
