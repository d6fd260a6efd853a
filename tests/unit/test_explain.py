"""``optimizer.explain`` and ``rota optimise --explain``: pay components before/after.

The hand-worked example uses two shift types of 10 h each on a one-week cycle with
no start date (no bank holidays): D 08:00-18:00 (all plain time on weekdays) and
N 21:00-07:00 (all unsocial time). For an F1 (2026 pay point P = GBP 41,400, basic
week 40 h) one hour a week over the year is worth r x w = P / 40 = GBP 1,035, so

- basic = 1,035 x min(H, 40); additional hours = 1,035 x max(H - 40, 0) (x 1.0);
- unsocial = 1,035 x U x 0.5 (the 1.5x rate read as a 0.5x enhancement).

Doctor A's current line is N Mon-Thu: H = 40, U = 40, 4 nights:
basic 41,400, unsocial 20,700, total 62,100.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from optimizer.explain import (
    COMPONENTS_2026,
    explain_rota,
    explanation_csv,
    explanation_lines,
    pounds,
    signed_pounds,
)
from optimizer.problem import problem_from_toml_text
from scenarios.cli import main
from simulator.contracts import load_params
from simulator.io import rota_from_toml_text

P26 = load_params("wales-2026")
#: GBP/year of one hour a week for an F1: P / 40.
HOUR_WEEK_GBP = P26["pay_point_F1"] / P26["basic_hours_per_week"]

SHIFTS = (
    '[shifts]\nD = { start = "08:00", end = "18:00" }\nN = { start = "21:00", end = "07:00" }\n'
)
REFERENCE_ROTA = f"""
name = "Current"
weeks = 1
{SHIFTS}L = {{ start = "12:00", end = "22:00" }}
[[lines]]
id = "A"
grade = "F1"
years = 0
pattern = "N N N N - - -"
[[lines]]
id = "E"
grade = "F1"
years = 0
pattern = "L L L L - - -"
"""
PROBLEM = f"""
name = "Explain"
weeks = 1
{SHIFTS}
[cover.N]
except = {{ "Mon wk1..Thu wk1" = 1 }}
[cover.D]
weekdays = 1
[[doctors]]
id = "A"
grade = "F1"
reference_rota = "current.toml"
reference_line = "A"
[[doctors]]
id = "B"
grade = "F1"
reference_gbp = 30000
[[doctors]]
id = "C"
grade = "F1"
"""


@pytest.fixture
def problem_file(tmp_path):
    (tmp_path / "current.toml").write_text(REFERENCE_ROTA, encoding="utf-8")
    path = tmp_path / "problem.toml"
    path.write_text(PROBLEM, encoding="utf-8")
    return path


@pytest.fixture
def problem(problem_file):
    text = problem_file.read_text("utf-8")
    return problem_from_toml_text(text, file="<test>", base=problem_file.parent)


def new_rota(patterns: dict[str, str]):
    lines = "".join(
        f'[[lines]]\nid = "{i}"\ngrade = "F1"\nyears = 0\npattern = "{p}"\n'
        for i, p in patterns.items()
    )
    return rota_from_toml_text(f"weeks = 1\n{SHIFTS}{lines}", file="<test>")


def by_id(entries):
    return {e["id"]: e for e in entries}


def test_hand_worked_nights_moved_away(problem):
    # A: N Mon-Thu -> D Mon, D Tue, N Wed, N Thu. H stays 40 (basic unchanged),
    # U 40 -> 20: unsocial 20,700 -> 10,350, change -10,350 = total change.
    assert HOUR_WEEK_GBP == pytest.approx(1035.0)
    entries = explain_rota(problem, new_rota({"A": "D D N N - - -", "B": "D D D - - - -"}))
    assert [e["id"] for e in entries] == ["A", "B"]  # C has no line: not explained
    a = by_id(entries)["A"]
    before, after, change = a["before"], a["after"], a["change"]
    assert before["source"] == "current line"
    assert before["pay_2026"] == {
        "basic": 41400.0,
        "additional_hours": 0.0,
        "unsocial": 20700.0,
        "nroc_availability": 0.0,
        "nroc_work": 0.0,
        "premia": 0.0,
        "total": 62100.0,
    }
    assert after["pay_2026"]["unsocial"] == 10350.0 and after["pay_2026"]["total"] == 51750.0
    assert change["pay_2026"]["unsocial"] == -10350.0 and change["pay_2026"]["total"] == -10350.0
    for c in COMPONENTS_2026:
        assert change["pay_2026"][c] == pytest.approx(
            after["pay_2026"][c] - before["pay_2026"][c], abs=1e-9
        )
    parts = sum(change["pay_2026"][c] for c in COMPONENTS_2026[:-1])
    assert parts == pytest.approx(change["pay_2026"]["total"], abs=0.05)
    assert before["metrics"]["nights"] == 4 and after["metrics"]["nights"] == 2
    assert before["metrics"]["unsocial_hours_per_week"] == 40.0
    assert after["metrics"]["unsocial_hours_per_week"] == 20.0
    assert change["metrics"]["nights"] == -2
    # the 2002 side is the problem's own reference for A
    doc = problem.doctor("A")
    pay02 = before["pay_2002"]
    assert pay02["total"] == pytest.approx(doc.reference_gbp, abs=0.005)
    assert pay02["band"] == doc.reference_band
    assert pay02["basic"] + pay02["supplement"] == pytest.approx(pay02["total"], abs=0.01)
    assert change["vs_2002_gbp"] == pytest.approx(51750.0 - doc.reference_gbp, abs=0.01)
    assert change["vs_2002_before_gbp"] == pytest.approx(62100.0 - doc.reference_gbp, abs=0.01)
    assert a["notes"] == []
    # drivers: only unsocial changed, then the comparison with the 2002 pay
    assert [d["component"] for d in a["drivers"]] == ["unsocial", "vs_2002"]
    first = a["drivers"][0]
    assert first["gbp"] == -10350.0
    assert first["text"] == (
        "unsocial pay −£10,350: nights 4 → 2 in the cycle, unsocial hours 40.0 → 20.0 h/week"
    )
    last = a["drivers"][-1]
    assert last["gbp"] == change["vs_2002_gbp"]
    if pay02["supplement"] > 0:
        assert f"band {pay02['band']} supplement (£{pounds(pay02['supplement'])})" in last["text"]
    assert "2026 pay £51,750" in last["text"]


def test_drivers_ordered_by_size(problem):
    # A: D Mon-Thu + N Fri: H = 50, U = 10, 1 night. Additional hours +10 x 1,035 =
    # +10,350; unsocial 5,175 - 20,700 = -15,525 (larger: first); total -5,175.
    entries = explain_rota(problem, new_rota({"A": "D D D D N - -"}))
    a = entries[0]
    change = a["change"]["pay_2026"]
    assert change["additional_hours"] == 10350.0
    assert change["unsocial"] == -15525.0
    assert change["total"] == -5175.0 == change["additional_hours"] + change["unsocial"]
    assert [d["component"] for d in a["drivers"]] == ["unsocial", "additional_hours", "vs_2002"]
    assert a["drivers"][1]["text"].startswith("additional hours +£10,350: 40.0 → 50.0 h/week")
    assert "nights 4 → 1" in a["drivers"][0]["text"]


def test_salary_reference_has_only_the_2002_total(problem):
    # B: D Mon-Wed, 30 h: basic 30 x 1,035 = 31,050 against the salary 30,000.
    b = by_id(explain_rota(problem, new_rota({"B": "D D D - - - -"})))["B"]
    assert b["before"] == {
        "source": "salary",
        "pay_2002": {"total": 30000.0},
        "pay_2026": None,
        "metrics": None,
    }
    assert b["after"]["pay_2026"]["total"] == 31050.0
    assert b["change"]["pay_2026"] is None and b["change"]["vs_2002_gbp"] == 1050.0
    assert [d["text"] for d in b["drivers"]] == [
        "2026 pay £31,050 (basic pay £31,050) against the 2002 salary £30,000, +£1,050"
    ]


def test_current_line_with_codes_the_problem_lacks(problem_file):
    text = problem_file.read_text("utf-8").replace('reference_line = "A"', 'reference_line = "E"')
    problem = problem_from_toml_text(text, file="<test>", base=problem_file.parent)
    a = explain_rota(problem, new_rota({"A": "D D N N - - -"}))[0]
    assert a["before"]["source"].endswith("line E") and a["before"]["metrics"] is None
    assert set(a["before"]["pay_2002"]) == {"band", "total"}
    assert a["change"]["pay_2026"] == {"total": a["change"]["pay_2026"]["total"]}
    assert "(L)" in a["notes"][0]
    assert [d["component"] for d in a["drivers"]] == ["vs_2002"]


def test_money_formatting():
    assert pounds(18314.5) == "18,315" and pounds(-1123.5) == "−1,124"
    assert signed_pounds(-3104.4) == "−£3,104" and signed_pounds(1200) == "+£1,200"
    assert signed_pounds(0.2) == "£0"


def test_text_block_and_csv(problem):
    entries = explain_rota(problem, new_rota({"A": "D D N N - - -", "B": "D D D - - - -"}))
    lines = explanation_lines(entries[0])
    assert lines[0] == "A (F1): 2002 reference: rota current.toml line A"
    assert max(map(len, lines)) <= 80
    assert any(line.split()[:2] == ["unsocial", "pay"] and "−10,350" in line for line in lines)
    header, rows = explanation_csv(entries)
    assert all(len(r) == len(header) for r in rows)
    a = dict(zip(header, rows[0], strict=True))
    assert a["unsocial_change"] == -10350.0 and a["unsocial_before"] == 20700.0
    b = dict(zip(header, rows[1], strict=True))
    assert b["unsocial_before"] == "" and b["total_2002"] == 30000.0


JSON_KEYS = {
    "problem", "objective", "status", "objective_value", "bound", "gap", "unit",
    "wall_time_s", "time_to_first_rota_s", "seed", "workers", "rules", "compliant",
    "stages", "doctors", "summary", "conflict",
}  # fmt: skip
RUN = ["--time-limit", "3", "--workers", "1", "--seed", "0"]


def test_cli_json_explain(problem_file, capsys):
    assert main(["optimise", str(problem_file), *RUN, "--format", "json", "--explain"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == JSON_KEYS | {"explain"}
    assert [e["id"] for e in out["explain"]] == ["A", "B", "C"]
    for row, entry in zip(out["doctors"], out["explain"], strict=True):
        assert entry["after"]["pay_2026"]["total"] == pytest.approx(row["pay_2026_gbp"], abs=0.01)
    a = out["explain"][0]
    assert a["before"]["pay_2002"]["total"] == pytest.approx(out["doctors"][0]["reference_gbp"])
    assert a["before"]["pay_2026"]["total"] == pytest.approx(out["doctors"][0]["current_2026_gbp"])
    assert out["explain"][2]["drivers"][0]["text"].startswith("no 2002 reference")


def test_cli_table_explain_fits_80_columns(problem_file, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["optimise", str(problem_file), *RUN, "--explain"]) == 0
    text = capsys.readouterr().out
    block = text[text.index("rules check") :].splitlines()[1:]
    assert any(line.startswith("A (F1): ") for line in block)
    assert any("unsocial" in line for line in block)
    assert max(map(len, block)) <= 80


def test_cli_csv_explain(problem_file, capsys):
    assert main(["optimise", str(problem_file), *RUN, "--format", "csv", "--explain"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["doctor"] for r in rows] == ["A", "B", "C"]
    assert rows[0]["band_2002"] and rows[2]["reference_gbp"] == ""
