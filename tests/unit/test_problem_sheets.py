"""Problems from spreadsheets: the workbook and CSV forms give the TOML problem; errors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tomllib
import zipfile

import openpyxl
import pytest

from optimizer.problem import Problem, ProblemError, problem_from_mapping, read_problem
from optimizer.problem_sheets import (
    as_bool,
    expand_table_files,
    mapping_from_sheets,
    problem_to_sheets,
    write_problem_workbook,
    write_table_csv,
)
from scenarios.cli import main
from simulator import limits
from simulator.examples import example_path

PROBLEMS = "department/problems"

RICH = """
name = "Rich"
weeks = 2
start = 2026-08-03
rules = "wales-2026"
objective = "cost"
combinable = [["D", "OC"]]

[rule_overrides]
"weekend_frequency.limit" = 2

[shifts]
D  = { start = "08:00", end = "16:00" }
N  = { start = "20:00", end = "08:30" }
OC = { start = "16:00", end = "08:00", kind = "nroc", expected_work = 2.0 }

[cover.D]
all = { min = 0, max = 1 }
weekdays = 1
wed = { min = 1 }
except = { "Tue wk1" = 2, "Sat wk2..Sun wk2" = 0 }

[cover.N]
all = { min = 1, max = 1, target = 1, weight = 25.5 }

[cover.OC]
weekend = { min = 0 }

[[doctors]]
id = "A"
grade = "F2"
years = 2
specialty = "general medicine"
reference_gbp = 41000.5

[[doctors]]
id = "B"
grade = "ST"
years = 4

[[doctors]]
id = "C"
grade = "F1"
ltft = true
hours_per_week = 24.0
hours_tolerance = 2.0
shifts = ["D", "N"]

[[leave]]
doctor = "C"
days = "Mon wk2..Wed wk2"

[[fixed]]
doctor = "A"
days = ["Mon wk1", "Tue wk1"]
shift = "D"

[[requests]]
doctor = "B"
days = 2026-08-08
weight = 80.0

[[requests]]
doctor = "C"
days = ["Thu wk1", "Fri wk1"]
shift = "N"
prefer = true
weight = 20.0
"""

TINY = """
name = "Tiny nights"
weeks = 3
[shifts]
D = { start = "08:00", end = "16:00" }
N = { start = "20:00", end = "08:30" }
[cover.D]
weekdays = 1
[cover.N]
all = 1
[[doctors]]
id = "A"
grade = "F1"
reference_gbp = 52000
[[doctors]]
id = "B"
grade = "F2"
reference_gbp = 60000
[[doctors]]
id = "C"
grade = "F1"
[[doctors]]
id = "D"
grade = "F1"
ltft = true
hours_per_week = 16
hours_tolerance = 4
"""


def same(a: Problem, b: Problem) -> bool:
    """Equal in everything but the file they came from."""
    return dataclasses.replace(a, source="") == dataclasses.replace(b, source="")


def build_workbook(data: dict, path, mutate=None):
    """Write ``data`` as a workbook, changed by ``mutate(book)`` before saving."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in problem_to_sheets(data).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if mutate is not None:
        mutate(book)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def toml_problem() -> Problem:
    return read_problem(example_path(f"{PROBLEMS}/medicine_f1.toml"))


@pytest.mark.parametrize("name", ["medicine_f1_sheet.xlsx", "medicine_f1_csv.toml"])
def test_bundled_spreadsheet_forms_give_the_toml_problem(toml_problem, name):
    problem = read_problem(example_path(f"{PROBLEMS}/{name}"))
    assert same(problem, toml_problem)
    assert problem.source.endswith(name)
    assert problem.doctors[0].reference_source == "rota f1_medicine.toml line F1-1"


def test_workbook_round_trip_of_every_table(tmp_path):
    data = tomllib.loads(RICH)
    expected = problem_from_mapping(data, file="rich.toml", base=tmp_path)
    path = tmp_path / "rich.xlsx"
    write_problem_workbook(data, path)
    got = read_problem(path)
    assert same(got, expected)
    d = {r.day: r for r in got.cover if r.shift == "D"}
    assert (d[2].min, d[2].max) == (1, None)  # min alone: at least, as in TOML
    assert (d[1].min, d[1].max) == (2, 2) and (d[12].min, d[12].max) == (0, 0)


def test_csv_tables_round_trip(tmp_path):
    data = tomllib.loads(RICH)
    expected = problem_from_mapping(data, file="rich.toml", base=tmp_path)
    sheets = problem_to_sheets(data)
    (tmp_path / "tables").mkdir()
    for key in ("shifts", "cover", "doctors", "leave", "fixed", "requests"):
        write_table_csv(sheets[key], tmp_path / "tables" / f"{key}.csv")
        data[key] = f"tables/{key}.csv"
    expanded = expand_table_files(data, tmp_path, "rich.toml")
    assert data["doctors"] == "tables/doctors.csv"  # the input is not changed
    assert same(problem_from_mapping(expanded, file="rich.toml", base=tmp_path), expected)


def test_sheet_cells_from_excel():
    """Whole floats, Excel dates, booleans as text, lists, count vs min/max, tiers."""
    rows = {
        "problem": [
            (1, ("key", "value")),
            (2, ("weeks", 2.0)),
            (3, ("Start", dt.datetime(2026, 8, 3))),
            (4, ("combinable", "D + OC; LD+OC")),
            (5, ("notes", None)),
        ],
        "cover": [
            (1, ("Shift", "Days", "min", "max", "registrar")),
            (2, ("N", "All", 1.0, 1.0, None)),
            (3, ("N", "Sat wk1, Sun wk2", 2, None, 1)),
            (4, ("N", dt.datetime(2026, 8, 5), 0, 0, None)),
        ],
        "doctors": [
            (1, ("ID", "grade", "Years", "LTFT", "shifts", "tier")),
            (2, (101.0, "F1", 3.0, "yes", "D, N", "junior")),
            (3, ("B", "ST", None, "0", "N", None)),
        ],
        "rolling": [(1, ("id", "grade", "doctors")), (2, ("R", "F2", "R1 R2"))],
    }
    data = mapping_from_sheets(rows, file="x.xlsx")
    assert data["weeks"] == 2 and isinstance(data["weeks"], int)
    assert data["start"] == dt.date(2026, 8, 3)
    assert data["combinable"] == [["D", "OC"], ["LD", "OC"]] and "notes" not in data
    tiered = {"min": 2, "registrar": 1}
    assert data["cover"] == {
        "N": {"all": 1, "except": {"Sat wk1": tiered, "Sun wk2": tiered, "2026-08-05": 0}}
    }
    first = {"id": "101", "grade": "F1", "years": 3, "ltft": True, "shifts": ["D", "N"]}
    assert data["doctors"] == [
        {**first, "tier": "junior"},
        {"id": "B", "grade": "ST", "ltft": False, "shifts": ["N"]},
    ]
    assert data["rolling"] == [{"id": "R", "grade": "F2", "doctors": ["R1", "R2"]}]


@pytest.mark.parametrize(
    ("text", "value"),
    [("TRUE", True), ("no", False), ("Yes", True), ("0", False), (1, True), (False, False)],
)
def test_ltft_spellings(text, value):
    assert as_bool(text) is value


def _set(sheet: str, cell: str, value):
    def mutate(book):
        book[sheet][cell] = value

    return mutate


def _add(sheet: str, row: list):
    def mutate(book):
        book[sheet].append(row)

    return mutate


def _too_many_rows(book):
    sheet = book.create_sheet("leave")
    sheet.append(["doctor", "days"])
    for _ in range(limits.SHEET_ROWS.value + 1):
        sheet.append(["A", "Mon wk1"])


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda b: b.remove(b["doctors"]), r"field 'doctors': the workbook has no sheet named"),
        (lambda b: b.create_sheet("Notes"), r"unknown sheet 'Notes'"),
        (
            _set("doctors", "F2", "lots"),
            r"doctor 'A', field 'doctors.reference_gbp': expected a number, got 'lots' \(row 2\)",
        ),
        (_set("doctors", "B3", "SHO"), r"doctor 'B', field 'doctors.grade': grade must be one of"),
        (_set("cover", "C2", "two"), r"field 'cover.count': expected a whole number.*\(row 2\)"),
        (_set("problem", "B3", "three"), r"field 'problem.weeks': expected a whole number"),
        (_add("problem", ["colour", "red"]), r"field 'problem'.*unknown key 'colour'"),
        (
            _too_many_rows,
            r"field 'leave': sheet 'leave': rows = 5001 exceeds the limit of 5,000 rows in a "
            r"problem sheet or CSV table \(ROTA_MAX_SHEET_ROWS\)",
        ),
    ],
)
def test_workbook_errors_name_file_sheet_and_row(tmp_path, mutate, match):
    path = build_workbook(tomllib.loads(TINY), tmp_path / "bad.xlsx", mutate)
    with pytest.raises(ProblemError, match=match) as info:
        read_problem(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message


def test_corrupt_and_oversized_workbooks(tmp_path, monkeypatch):
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(ProblemError, match=r"corrupt.xlsx: not a readable .xlsx workbook: "):
        read_problem(corrupt)
    not_excel = tmp_path / "other.xlsx"
    with zipfile.ZipFile(not_excel, "w") as archive:
        archive.writestr("hello.txt", "a zip, but no workbook in it")
    with pytest.raises(ProblemError, match=r"other.xlsx: not a readable .xlsx workbook"):
        read_problem(not_excel)
    good = build_workbook(tomllib.loads(TINY), tmp_path / "big.xlsx")
    monkeypatch.setenv("ROTA_MAX_XLSX_MB", "0")
    with pytest.raises(
        ProblemError,
        match=r"big.xlsx: size = 0.1 exceeds the limit of 0 MB uncompressed for a workbook "
        r"\(ROTA_MAX_XLSX_MB\)",
    ):
        read_problem(good)


@pytest.mark.parametrize(
    ("reference", "match"),
    [
        ("../doctors.csv", r"field 'doctors': '../doctors.csv' is outside the problem file's"),
        ("sub/../../doctors.csv", r"is outside the problem file's folder"),
        ("/etc/passwd", r"field 'doctors': '/etc/passwd' must be a path relative"),
        ("doctors.txt", r"expected a .csv file"),
        ("missing.csv", r"missing.csv: no such file"),
    ],
)
def test_csv_references_stay_in_the_folder(tmp_path, reference, match):
    folder = tmp_path / "problem"
    folder.mkdir()
    (tmp_path / "doctors.csv").write_text("id,grade\nA,F1\n", encoding="utf-8")
    path = folder / "p.toml"
    head, _, rest = TINY.split("[[doctors]]")[0].partition("[shifts]")
    path.write_text(f'{head}doctors = "{reference}"\n[shifts]{rest}', encoding="utf-8")
    with pytest.raises(ProblemError, match=match) as info:
        read_problem(path)
    assert "\n" not in str(info.value)


def test_csv_errors_name_the_csv_file_and_row(tmp_path):
    (tmp_path / "doctors.csv").write_text("id,grade,years\nA,F1,0\nB,F2,two\n", encoding="utf-8")
    head, _, rest = TINY.split("[[doctors]]")[0].partition("[shifts]")
    path = tmp_path / "p.toml"
    path.write_text(f'{head}doctors = "doctors.csv"\n[shifts]{rest}', encoding="utf-8")
    with pytest.raises(ProblemError) as info:
        read_problem(path)
    assert str(info.value) == (
        f"{tmp_path / 'doctors.csv'}, doctor 'B', field 'doctors.years': "
        "expected a whole number, got 'two' (row 3)"
    )


@pytest.mark.parametrize(
    ("csv_text", "match"),
    [
        (
            "id,grade\n" + "A,F1\n" * 5001,
            r"doctors.csv: rows = 5001 exceeds the limit of 5,000 rows in a problem sheet",
        ),
        ("id,grade\nA,SHO\n", r"p.toml, doctor 'A', field 'grade': grade must be one of"),
    ],
)
def test_csv_row_limit_and_checks(tmp_path, csv_text, match):
    (tmp_path / "doctors.csv").write_text(csv_text, encoding="utf-8")
    head, _, rest = TINY.split("[[doctors]]")[0].partition("[shifts]")
    path = tmp_path / "p.toml"
    path.write_text(f'{head}doctors = "doctors.csv"\n[shifts]{rest}', encoding="utf-8")
    with pytest.raises(ProblemError, match=match):
        read_problem(path)


def test_optimise_a_workbook_and_check_the_rota_found(tmp_path, capsys):
    problem = build_workbook(tomllib.loads(TINY), tmp_path / "tiny.xlsx")
    out = tmp_path / "found.xlsx"
    args = ["optimise", str(problem), "--time-limit", "10", "--workers", "1", "--seed", "1"]
    assert main([*args, "--out", str(out), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["compliant"] is True and result["problem"] == "Tiny nights"
    assert main(["check", str(out), "--rules", "wales-2026"]) == 0
