"""Output safety (issue 18): cells written as text, paths kept in their folder, premia named.

- Spreadsheet cells beginning with ``=``, ``+``, ``-``, ``@``, tab or CR are written as
  text (XLSX) or with a leading ``'`` (CSV), and read back as they were.
- ``reference_rota`` and ``workforce.rotas`` may not leave the folder of the file
  naming them without ``--allow-outside``; errors quote little of a foreign file.
- No command writes outside the folder it is given.
- GP and OMFS lines priced without their premium name the file, line and ``--set``.
"""

from __future__ import annotations

import json
import os

import openpyxl
import pytest

from optimizer.problem import ProblemError, read_problem
from optimizer.problem_sheets import (
    expand_table_files,
    problem_to_sheets,
    read_workbook_problem,
    write_problem_workbook,
    write_table_csv,
)
from scenarios.cli import main
from scenarios.measures import workforce_rotas
from scenarios.output import print_csv
from scenarios.scenario import ScenarioError, read_scenario, with_overrides
from simulator.contracts import compare, load_params, price
from simulator.examples import example_path
from simulator.io import read_rota, rota_from_toml_text, write_rota
from simulator.io.safety import (
    child_path,
    escape_cell,
    escape_frame,
    safe_name,
    unescape_cell,
)
from simulator.model import RotaError, UserError

DANGEROUS_IDS = ("=1+1", "+44", "-x", "@SUM(A1)", "'=quoted", "\tTab")
HYPERLINK = '=HYPERLINK("http://x")'


def _rota_text(ids, *, specialty: str = "general", name: str = "Safety") -> str:
    lines = "".join(
        f'[[lines]]\nid = {json.dumps(i)}\ngrade = "ST"\nyears = 0\n'
        f'specialty = "{specialty}"\npattern = "D D D D D - -"\n'
        for i in ids
    )
    shifts = '[shifts]\nD = { start = "08:00", end = "18:00" }\n'
    return f"name = {json.dumps(name)}\nweeks = 1\n{shifts}{lines}"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# ----------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    "text", ["=1+1", "+44", "-x", "@SUM(A1)", "\tx", "\rx", "'=x", "''-x", "'", "'x", "-", "ok"]
)
def test_escape_then_unescape_gives_the_text_back(text):
    assert unescape_cell(escape_cell(text)) == text


def test_only_dangerous_text_is_escaped_and_numbers_stay_numbers():
    assert escape_cell("=1+1") == "'=1+1" and escape_cell("@x") == "'@x"
    assert escape_cell("-x") == "'-x" and escape_cell("\tx") == "'\tx"
    assert escape_cell(-1234.5) == -1234.5 and escape_cell(-3) == -3
    assert escape_cell("-") == "-" and escape_cell("D+N") == "D+N" and escape_cell(None) is None
    assert unescape_cell("'x") == "'x"  # a quote before a harmless character stays


@pytest.mark.parametrize("suffix", ["toml", "csv", "xlsx"])
def test_dangerous_line_ids_round_trip(tmp_path, suffix):
    for name in ("=evil", "'=quoted"):
        rota = rota_from_toml_text(_rota_text(DANGEROUS_IDS, name=name), file="<t>")
        path = tmp_path / f"rota.{suffix}"
        write_rota(rota, path)
        back = read_rota(path)
        assert [line.id for line in back.lines] == [line.id for line in rota.lines]
        assert back.name == name


def test_csv_rota_escapes_text_cells(tmp_path):
    write_rota(rota_from_toml_text(_rota_text(["=1+1", "@x"]), file="<t>"), tmp_path / "r.csv")
    rows = (tmp_path / "r.csv").read_text("utf-8").splitlines()
    assert rows[1].startswith("'=1+1,") and rows[2].startswith("'@x,")
    assert rows[1].endswith(",-,-")  # days off stay a plain '-'


def test_xlsx_rota_cells_are_text_not_formulas(tmp_path):
    write_rota(rota_from_toml_text(_rota_text([HYPERLINK]), file="<t>"), tmp_path / "r.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "r.xlsx")["rota"]["A2"]
    assert cell.value == HYPERLINK and cell.data_type == "s"


def test_print_csv_escapes_text_only(capsys):
    print_csv(["id", "change"], [["=1+1", -1234.5], ["A", 2]])
    assert capsys.readouterr().out.splitlines() == ["id,change", "'=1+1,-1234.5", "A,2"]


def test_escape_frame_leaves_numbers():
    pd = pytest.importorskip("pandas")
    frame = escape_frame(pd.DataFrame({"id": ["=x", "ok"], "gbp": [-1.5, 2.0]}))
    assert list(frame["id"]) == ["'=x", "ok"] and list(frame["gbp"]) == [-1.5, 2.0]


PROBLEM = """weeks = 1
[shifts]
D = { start = "09:00", end = "17:00" }
[cover.D]
weekdays = 1
[[doctors]]
id = '=HYPERLINK("http://x")'
grade = "F1"
[[doctors]]
id = "-B"
grade = "F1"
"""


def test_problem_workbook_and_csv_tables_round_trip(tmp_path):
    import tomllib

    data = tomllib.loads(PROBLEM)
    book = tmp_path / "p.xlsx"
    write_problem_workbook(data, book)
    sheet = openpyxl.load_workbook(book)["doctors"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == HYPERLINK
    assert [d.id for d in read_workbook_problem(book).doctors] == [HYPERLINK, "-B"]
    write_table_csv(problem_to_sheets(data)["doctors"], tmp_path / "doctors.csv")
    assert "'-B" in (tmp_path / "doctors.csv").read_text("utf-8")
    table = expand_table_files({"doctors": "doctors.csv"}, tmp_path, "p.toml")
    assert [d["id"] for d in table["doctors"]] == [HYPERLINK, "-B"]


def test_optimise_xlsx_out_is_text_and_readable(tmp_path, capsys):
    problem = tmp_path / "problem.toml"
    problem.write_text(PROBLEM, "utf-8")
    out = tmp_path / "x.xlsx"
    argv = ["optimise", str(problem), "--time-limit", "3", "--workers", "1", "--out", str(out)]
    code, _, err = _run(capsys, *argv, "--format", "json")
    assert code == 0, err
    cells = [row[0] for row in openpyxl.load_workbook(out)["rota"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == [HYPERLINK, "-B"]
    assert all(c.data_type == "s" for c in cells)
    code, _, err = _run(capsys, "check", str(out), "--rules", "wales-2026", "--format", "json")
    assert code in (0, 1) and "error" not in err


# ----------------------------------------------------------------------------- reference paths

REFERENCE_PROBLEM = """weeks = 1
[shifts]
D = {{ start = "09:00", end = "17:00" }}
[cover.D]
weekdays = 1
[[doctors]]
id = "A"
grade = "ST"
{doctor}
"""


def _reference_problem(folder, doctor: str, top: str = "") -> os.PathLike:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "problem.toml"
    path.write_text(top + REFERENCE_PROBLEM.format(doctor=doctor), "utf-8")
    return path


def test_reference_rota_outside_the_problem_folder_is_refused(tmp_path):
    (tmp_path / "x.toml").write_text(_rota_text(["A"]), "utf-8")
    path = _reference_problem(
        tmp_path / "sub", 'reference_rota = "../x.toml"\nreference_line = "A"'
    )
    with pytest.raises(ProblemError) as info:
        read_problem(path)
    assert str(info.value) == (
        f"{path}, doctor 'A', field 'reference_rota': ../x.toml is outside the problem's "
        "folder (use --allow-outside to allow it)"
    )
    assert read_problem(path, allow_outside=True).doctors[0].reference_gbp > 0


def test_problem_level_reference_and_symlinks_are_refused(tmp_path):
    (tmp_path / "x.toml").write_text(_rota_text(["A"]), "utf-8")
    path = _reference_problem(tmp_path / "sub", "", top='reference_rota = "../x.toml"\n')
    with pytest.raises(ProblemError, match=r"field 'reference_rota': \.\./x\.toml is outside"):
        read_problem(path)
    link = tmp_path / "sub" / "link.toml"
    link.symlink_to(tmp_path / "x.toml")
    path = _reference_problem(
        tmp_path / "sub", 'reference_rota = "link.toml"\nreference_line = "A"'
    )
    with pytest.raises(ProblemError, match="link.toml is outside the problem's folder"):
        read_problem(path)


def test_reference_that_is_not_a_rota_quotes_little_of_it(tmp_path):
    secret = "hunter2-a-long-secret-value-that-must-not-be-echoed-back"
    (tmp_path / "secret.toml").write_text(f'weeks = 1\npassword = "{secret}"\n', "utf-8")
    path = _reference_problem(tmp_path, 'reference_rota = "secret.toml"\nreference_line = "A"')
    with pytest.raises(ProblemError, match="secret.toml: not a readable rota file") as info:
        read_problem(path)
    assert secret not in str(info.value)


def test_bundled_problems_may_name_rotas_beside_their_folder():
    problem = read_problem(example_path("department/problems/medicine_f1.toml"))
    assert all(d.reference_gbp for d in problem.doctors)


def test_optimise_cli_refuses_outside_reference_with_exit_2(tmp_path, capsys):
    (tmp_path / "x.toml").write_text(_rota_text(["A"]), "utf-8")
    path = _reference_problem(
        tmp_path / "sub", 'reference_rota = "../x.toml"\nreference_line = "A"'
    )
    code, _, err = _run(capsys, "optimise", str(path))
    assert code == 2 and "use --allow-outside" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


SCENARIO = """id = "{id}"
years = 1
[workforce]
rotas = ["{rota}"]
"""


def test_scenario_rotas_outside_the_folder_are_refused(tmp_path):
    (tmp_path / "x.toml").write_text(_rota_text(["A"]), "utf-8")
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "s.toml"
    path.write_text(SCENARIO.format(id="s", rota="../x.toml"), "utf-8")
    with pytest.raises(ScenarioError, match=r"workforce\.rotas: \.\./x\.toml is outside"):
        read_scenario(path)
    scenario = read_scenario(path, allow_outside=True)
    assert scenario.workforce.rotas == (str((tmp_path / "x.toml").resolve()),)
    with pytest.raises(ScenarioError, match="not overridden"):
        with_overrides(scenario, {"workforce.rotas": ["/etc/x.toml"]})


def test_scenario_rota_that_is_not_a_rota_quotes_little_of_it(tmp_path):
    secret = "hunter2-a-long-secret-value-that-must-not-be-echoed-back"
    (tmp_path / "secret.toml").write_text(f'password = "{secret}"\n', "utf-8")
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(id="s", rota="secret.toml"), "utf-8")
    with pytest.raises(ScenarioError, match="not a readable rota file") as info:
        workforce_rotas(read_scenario(path).workforce)
    assert secret not in str(info.value)


# ----------------------------------------------------------------------------- output folders


@pytest.mark.parametrize("name", ["../../evil", "a/b", "..", ".", "", "/etc/passwd", "a\\b"])
def test_safe_name_stays_one_plain_name(name):
    safe = safe_name(name)
    assert safe and safe not in (".", "..") and not safe.startswith(".")
    assert "/" not in safe and "\\" not in safe


def test_child_path_stays_inside(tmp_path):
    assert child_path(tmp_path, "runs", "../../evil.parquet").parent == tmp_path / "runs"
    (tmp_path / "runs").symlink_to(tmp_path.parent)
    with pytest.raises(UserError, match="outside"):
        child_path(tmp_path, "runs", "x.parquet")


def test_demo_and_sweep_refuse_an_existing_file_at_once(tmp_path, capsys):
    file = tmp_path / "taken"
    file.write_text("x")
    code, _, err = _run(capsys, "demo", "--out", str(file))
    assert code == 2 and "exists and is not a folder" in err
    code, _, err = _run(capsys, "sweep", str(tmp_path / "missing.toml"), "--out", str(file))
    assert code == 2 and "exists and is not a folder" in err  # before the scenario is read


def test_sweep_with_hostile_names_writes_only_inside_out(tmp_path, capsys):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    (work / "r.toml").write_text(_rota_text(["a/b", "=x"]), "utf-8")
    out = work / "out"
    before = set(tmp_path.rglob("*"))
    for scenario_id, codes in (("../../evil", (0, 2)), ("ok", (0,))):
        (work / "s.toml").write_text(SCENARIO.format(id=scenario_id, rota="r.toml"), "utf-8")
        argv = ["sweep", str(work / "s.toml"), "--out", str(out), "--workers", "0"]
        code, _, err = _run(capsys, *argv)
        assert code in codes, err
        written = set(tmp_path.rglob("*")) - before - {work / "s.toml"}
        assert all(p == out or out in p.parents for p in written), written
    assert "'=x" in (out / "results.csv").read_text("utf-8")


# ----------------------------------------------------------------------------- GP / OMFS


def test_gp_line_without_premium_names_file_line_and_set(tmp_path):
    path = tmp_path / "gp.toml"
    path.write_text(_rota_text(["G1"], specialty="GP"), "utf-8")
    rota = read_rota(path)
    for call in (lambda: price(rota, "wales-2026"), lambda: compare(rota)):
        with pytest.raises(RotaError) as info:
            call()
        text = str(info.value)
        assert str(path) in text and "line 'G1'" in text
        assert "wales-2026.gp_premium_gbp is not set" in text
        assert "--set wales-2026.gp_premium_gbp=" in text
    params = load_params("wales-2026", overrides={"wales-2026.gp_premium_gbp": 8000})
    assert price(rota, "wales-2026", params=params).loc["G1", "premia"] > 0


def test_optimise_gp_doctor_needs_set(tmp_path, capsys):
    path = _reference_problem(tmp_path, 'specialty = "GP"\nreference_gbp = 60000')
    argv = ["optimise", str(path), "--time-limit", "2", "--workers", "1", "--format", "json"]
    code, _, err = _run(capsys, *argv)
    assert code == 2 and str(path) in err and "doctor 'A'" in err
    assert "--set wales-2026.gp_premium_gbp=" in err and "Traceback" not in err
    code, out, err = _run(capsys, *argv, "--set", "wales-2026.gp_premium_gbp=9000")
    assert code == 0, err
    assert json.loads(out)["doctors"][0]["pay_2026_gbp"] > 0


def test_gp_reference_rota_priced_with_the_overrides(tmp_path):
    (tmp_path / "gp.toml").write_text(_rota_text(["A"], specialty="GP"), "utf-8")
    path = _reference_problem(tmp_path, 'reference_rota = "gp.toml"\nreference_line = "A"')
    with pytest.raises(ProblemError, match=r"gp\.toml, line 'A'.*gp_premium_gbp is not set"):
        read_problem(path)
    problem = read_problem(path, pay_overrides={"wales-2026.gp_premium_gbp": 9000})
    assert problem.doctors[0].current_2026_gbp > 0
