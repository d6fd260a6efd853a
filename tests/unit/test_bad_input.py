"""Bad input and resource limits: one regression test per failure found by mutation.

Each case was a traceback, a hang or gigabytes of memory before; each must now be
a :class:`~simulator.model.UserError` (exit status 2 on the command line) with a
one-line message naming the file, the field and, for a size, the limit and the
environment variable that overrides it (see ``docs/limits.md``).
"""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from optimizer.nrp.instance import NrpFormatError, read_instance
from optimizer.problem import ProblemError, read_problem
from scenarios.cli import main
from simulator import limits
from simulator.examples import example_path
from simulator.io import read_rota, write_rota
from simulator.model import RotaError, UserError

ROTA = """name = "Tiny"
weeks = 1
start = 2026-08-03

[shifts]
D = { start = "08:00", end = "16:00" }
P = { start = "17:00", end = "23:00", kind = "partial", rest = 1.0 }

[[lines]]
id = "a"
grade = "F1"
years = 0
pattern = "D D P - - - -"
"""

PROBLEM = """name = "Tiny problem"
weeks = 1
start = 2026-08-03

[shifts]
D = { start = "08:00", end = "16:00" }

[cover.D]
weekdays = 1
except = { "Sat wk1" = 1 }

[[doctors]]
id = "A"
grade = "F1"
years = 0
reference_gbp = 40000

[[doctors]]
id = "B"
grade = "F1"
reference_gbp = 40000
"""

INSTANCE = """SECTION_HORIZON
7

SECTION_SHIFTS
D,480,

SECTION_STAFF
A,D=7,2400,960,5,1,1,1
B,D=7,2400,960,5,1,1,1

SECTION_DAYS_OFF

SECTION_SHIFT_ON_REQUESTS

SECTION_SHIFT_OFF_REQUESTS

SECTION_COVER
0,D,1,100,1
"""


def one_line(exc: BaseException) -> str:
    message = str(exc)
    assert len(message.splitlines()) == 1, message
    return message


def rota_error(tmp_path: Path, text: str | bytes, name: str = "rota.toml") -> str:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(RotaError) as info:
        read_rota(path)
    message = one_line(info.value)
    assert message.startswith(str(path)), message
    return message.removeprefix(str(path))


def problem_error(tmp_path: Path, text: str, name: str = "problem.toml") -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    with pytest.raises(ProblemError) as info:
        read_problem(path)
    message = one_line(info.value)
    assert message.startswith(str(path)), message
    return message.removeprefix(str(path))


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("years", ['"３"', '"²"', '"٣"', '"1_0"', "true", "nan", "1.5"])
def test_years_not_in_ascii_digits(tmp_path, years):
    message = rota_error(tmp_path, ROTA.replace("years = 0", f"years = {years}"))
    assert re.fullmatch(
        r":\d+, line 'a', field 'years': expected a whole number, got .*", message
    ), message


@pytest.mark.parametrize("years", ["9223372036854775807", "99999999999999999999", "61"])
def test_years_beyond_a_working_life(tmp_path, years):
    message = rota_error(tmp_path, ROTA.replace("years = 0", f"years = {years}"))
    assert message.endswith(
        f"line 'a', field 'years': years = {years} exceeds the limit of 60 years of service "
        "(ROTA_MAX_YEARS_OF_SERVICE)"
    ), message


def test_integer_beyond_64_bits_for_weeks(tmp_path):
    message = rota_error(tmp_path, ROTA.replace("weeks = 1", "weeks = 99999999999999999999"))
    assert message == (
        ", field 'weeks': weeks = 99999999999999999999 exceeds the limit of 104 weeks for a "
        "rota cycle (ROTA_MAX_ROTA_WEEKS)"
    )


@pytest.mark.parametrize(
    ("digits", "message"),
    [
        (
            4000,
            ":9, line 'a', field 'years': years = a 4001-digit number exceeds the limit of 60 "
            "years of service (ROTA_MAX_YEARS_OF_SERVICE)",
        ),
        (5000, ": not valid TOML: a number of more than 4300 digits"),
    ],
)
def test_integer_of_thousands_of_digits(tmp_path, digits, message):
    assert rota_error(tmp_path, ROTA.replace("years = 0", "years = 1" + "0" * digits)) == message


@pytest.mark.parametrize("clock", ["０８:００", "08:0²", "٠٨:٠٠", "8:00:00"])
def test_clock_time_not_in_ascii_digits(tmp_path, clock):
    text = ROTA.replace('D = { start = "08:00"', f'D = {{ start = "{clock}"')
    assert rota_error(tmp_path, text) == (
        f", field 'shifts.D.start': malformed time {clock!r}: expected 'HH:MM'"
    )


@pytest.mark.parametrize(
    ("key", "value"), [("rest", "nan"), ("rest", "inf"), ("rest", "-inf"), ("rest", "1e400")]
)
def test_non_finite_rest_on_a_partial_shift(tmp_path, key, value):
    text = ROTA.replace("rest = 1.0", f"{key} = {value}")
    message = rota_error(tmp_path, text)
    assert message.startswith(", field 'shifts.P.rest': expected a finite number, got "), message


def test_non_finite_expected_work(tmp_path):
    text = ROTA.replace('kind = "partial", rest = 1.0', 'kind = "oncall", expected_work = nan')
    assert rota_error(tmp_path, text) == (
        ", field 'shifts.P.expected_work': expected a finite number, got nan"
    )


@pytest.mark.parametrize("hours", ["0.001", "0.008"])
def test_shift_rounding_to_zero_minutes_is_not_a_24_hour_duty(tmp_path, hours):
    text = ROTA.replace(
        'D = { start = "08:00", end = "16:00" }', f'D = {{ start = "08:00", hours = {hours} }}'
    )
    assert rota_error(tmp_path, text) == (
        f", field 'shifts.D.hours': shift lasts {hours} h, which rounds to 0 minutes: "
        "at least one minute"
    )


def test_one_minute_shift_and_equal_start_and_end_are_accepted(tmp_path):
    path = tmp_path / "rota.toml"
    path.write_text(
        ROTA.replace(
            'D = { start = "08:00", end = "16:00" }', 'D = { start = "08:00", hours = 0.017 }'
        )
    )
    assert read_rota(path).shifts["D"].duration_min == 1
    path.write_text(ROTA.replace('end = "16:00"', 'end = "08:00"'))
    assert read_rota(path).shifts["D"].duration_min == 24 * 60  # documented: a 24-hour duty


# ----------------------------------------------------------------------------- nesting, dates


@pytest.mark.parametrize(
    "value", ["[" * 1000 + "]" * 1000, "{a=" * 1000 + "1" + "}" * 1000, "[" * 33 + "]" * 33]
)
def test_deep_nesting(tmp_path, value):
    depth = value.count("[") or value.count("{")
    assert rota_error(tmp_path, f"x = {value}\n" + ROTA) == (
        f": nesting = {depth} exceeds the limit of 32 levels of nested arrays and inline "
        "tables in TOML (ROTA_MAX_TOML_DEPTH)"
    )


@pytest.mark.parametrize(
    ("start", "weeks"), [("9999-12-27", 1), ("2200-12-29", 1), ("2200-12-01", 8)]
)
def test_start_date_whose_cycle_runs_past_the_calendar(tmp_path, start, weeks):
    text = ROTA.replace("start = 2026-08-03", f"start = {start}").replace(
        "weeks = 1", f"weeks = {weeks}"
    )
    text = text.replace('"D D P - - - -"', '"' + "D D P - - - - " * weeks + '"')
    assert rota_error(tmp_path, text) == (
        f", field 'start': start = {start}: the cycle runs past the last year 2200 (ROTA_LAST_YEAR)"
    )


# ----------------------------------------------------------------------------- sizes


def test_rolling_template_of_6000_weeks_is_refused_at_once(tmp_path):
    pattern = "D - - - - - -\n" * 6000
    text = ROTA.replace("weeks = 1", "weeks = 6000").split("[[lines]]")[0] + (
        f'[[rolling]]\nid = "R"\ngrade = "F1"\npattern = """\n{pattern}"""\n'
    )
    start = time.perf_counter()
    assert rota_error(tmp_path, text) == (
        ", field 'weeks': weeks = 6000 exceeds the limit of 104 weeks for a rota cycle "
        "(ROTA_MAX_ROTA_WEEKS)"
    )
    assert time.perf_counter() - start < 2


def test_limits_are_overridden_by_environment_variables(tmp_path, monkeypatch):
    text = ROTA.replace("weeks = 1", "weeks = 2").replace(
        '"D D P - - - -"', '"' + "D - - - - - - " * 2 + '"'
    )
    monkeypatch.setenv("ROTA_MAX_ROTA_WEEKS", "1")
    assert "exceeds the limit of 1 weeks" in rota_error(tmp_path, text)
    monkeypatch.setenv("ROTA_MAX_ROTA_WEEKS", "lots")
    with pytest.raises(UserError, match=r"ROTA_MAX_ROTA_WEEKS='lots': expected a whole number"):
        read_rota(tmp_path / "rota.toml")
    monkeypatch.delenv("ROTA_MAX_ROTA_WEEKS")
    assert read_rota(tmp_path / "rota.toml").weeks == 2


def test_text_file_over_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("ROTA_MAX_FILE_MB", "0")
    assert rota_error(tmp_path, ROTA) == (
        ": size = 0.1 exceeds the limit of 0 MB for a text file (TOML, CSV, benchmark instance) "
        "(ROTA_MAX_FILE_MB)"
    )


def test_too_many_shift_types(tmp_path):
    shifts = "".join(f'S{k} = {{ start = "08:00", end = "09:00" }}\n' for k in range(201))
    text = ROTA.replace("[shifts]\n", "[shifts]\n" + shifts)
    assert rota_error(tmp_path, text) == (
        ", field 'shifts': shifts = 203 exceeds the limit of 200 shift types in a file "
        "(ROTA_MAX_SHIFT_TYPES)"
    )


def test_too_many_lines(tmp_path, monkeypatch):
    monkeypatch.setenv("ROTA_MAX_LINES", "1")
    text = ROTA + '\n[[lines]]\nid = "b"\ngrade = "F1"\npattern = "D - - - - - -"\n'
    assert rota_error(tmp_path, text) == (
        ", field 'lines': lines = 2 exceeds the limit of 1 lines in a rota (ROTA_MAX_LINES)"
    )


# ----------------------------------------------------------------------------- grids


@pytest.fixture
def grid(tmp_path) -> Path:
    """The bundled ED F2 rota as a CSV grid (with its shifts file) and a workbook."""
    rota = read_rota(example_path("department/ed_f2.toml"))
    write_rota(rota, tmp_path / "ed.csv")
    write_rota(rota, tmp_path / "ed.xlsx")
    return tmp_path


@pytest.mark.parametrize("years", ["abc", "３", "--5", "1e5", "nan"])
def test_csv_years_column_holding_text(grid, years):
    lines = (grid / "ed.csv").read_text().splitlines()
    cells = lines[1].split(",")
    cells[2] = years
    lines[1] = ",".join(cells)
    message = rota_error(grid, "\n".join(lines) + "\n", "ed.csv")
    assert message == f":2, line 'F2-1', field 'years': expected a whole number, got {years!r}"


def test_xlsx_without_the_grid_sheet(grid):
    book = openpyxl.load_workbook(grid / "ed.xlsx")
    book.remove(book["rota"])
    book.save(grid / "nogrid.xlsx")
    with pytest.raises(RotaError) as info:
        read_rota(grid / "nogrid.xlsx")
    assert one_line(info.value) == (
        f"{grid / 'nogrid.xlsx'}, field 'sheets': the workbook has no grid sheet (a sheet "
        "other than 'shifts' and 'meta')"
    )


def _rezip(source: Path, target: Path, change) -> None:
    with zipfile.ZipFile(source) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    change(members)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_xlsx_with_malformed_sheet_xml(grid):
    def cut(members):
        members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"][:300]

    _rezip(grid / "ed.xlsx", grid / "bad.xlsx", cut)
    with pytest.raises(RotaError) as info:
        read_rota(grid / "bad.xlsx")
    assert one_line(info.value).startswith(f"{grid / 'bad.xlsx'}: not a readable .xlsx workbook: ")


def test_xlsx_with_a_corrupt_deflate_stream(grid):
    raw = bytearray((grid / "ed.xlsx").read_bytes())
    with zipfile.ZipFile(grid / "ed.xlsx") as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 20, start + info.compress_size - 20, 7):
        raw[k] ^= 0x5A
    (grid / "bad.xlsx").write_bytes(bytes(raw))
    with pytest.raises(RotaError) as info:
        read_rota(grid / "bad.xlsx")
    assert one_line(info.value).startswith(f"{grid / 'bad.xlsx'}: not a readable .xlsx workbook: ")


def test_xlsx_over_the_uncompressed_size_limit_is_not_opened(grid, monkeypatch):
    def bomb(members):
        members["xl/media/zeros.bin"] = bytes(3 * limits.MB)  # deflates to a few KB

    _rezip(grid / "ed.xlsx", grid / "bomb.xlsx", bomb)
    monkeypatch.setenv("ROTA_MAX_XLSX_MB", "2")
    with pytest.raises(RotaError) as info:
        read_rota(grid / "bomb.xlsx")
    assert one_line(info.value) == (
        f"{grid / 'bomb.xlsx'}: size = 3.1 exceeds the limit of 2 MB uncompressed for a "
        "workbook (ROTA_MAX_XLSX_MB)"
    )


def test_xlsx_with_too_many_zip_members(grid, monkeypatch):
    monkeypatch.setenv("ROTA_MAX_ZIP_MEMBERS", "5")
    with pytest.raises(RotaError) as info:
        read_rota(grid / "ed.xlsx")
    assert re.fullmatch(
        re.escape(str(grid / "ed.xlsx")) + r": members = \d+ exceeds the limit of 5 members in a "
        r"workbook's zip archive \(ROTA_MAX_ZIP_MEMBERS\)",
        one_line(info.value),
    )


# ----------------------------------------------------------------------------- problems


def test_problem_weeks_beyond_the_limit(tmp_path):
    start = time.perf_counter()
    assert problem_error(tmp_path, PROBLEM.replace("weeks = 1", "weeks = 100000")) == (
        ", field 'weeks': weeks = 100000 exceeds the limit of 52 weeks for a problem "
        "(ROTA_MAX_PROBLEM_WEEKS)"
    )
    assert time.perf_counter() - start < 2


def test_problem_day_name_with_non_ascii_digits(tmp_path):
    text = PROBLEM.replace('"Sat wk1"', '"Sat wk２"')
    assert problem_error(tmp_path, text) == (
        ", field 'cover.D.except.Sat wk２': malformed day 'Sat wk２': use a day number, "
        "'Sat wk2' or a date"
    )


@pytest.mark.parametrize("count", ["9223372036854775808", "1000000"])
def test_problem_cover_count_of_2_to_the_63(tmp_path, count):
    text = PROBLEM.replace("weekdays = 1", f"weekdays = {count}")
    assert problem_error(tmp_path, text) == (
        f", field 'cover.D.weekdays': cover.D.weekdays = {count} exceeds the limit of 999,999 "
        "for a count of doctors or days (ROTA_MAX_COUNT)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nan", "expected a finite number, got nan"),
        ("inf", "expected a finite number, got inf"),
        (
            "1e300",
            "reference_gbp = 1e+300 exceeds the limit of 1,000,000,000 for an amount "
            "(GBP, hours or weight) (ROTA_MAX_AMOUNT)",
        ),
        ("true", "expected a number, got True"),
    ],
)
def test_problem_amounts_must_be_finite_and_sane(tmp_path, value, message):
    text = PROBLEM.replace(
        "reference_gbp = 40000\n\n[[doctors]]", f"reference_gbp = {value}\n\n[[doctors]]"
    )
    assert problem_error(tmp_path, text) == f", doctor 'A', field 'reference_gbp': {message}"


def test_problem_years_near_2_to_the_63(tmp_path):
    text = PROBLEM.replace("years = 0", "years = 9223372036854775807")
    assert problem_error(tmp_path, text) == (
        ", doctor 'A', field 'years': years = 9223372036854775807 exceeds the limit of 60 years "
        "of service (ROTA_MAX_YEARS_OF_SERVICE)"
    )


def test_problem_start_in_year_9999(tmp_path):
    assert problem_error(tmp_path, PROBLEM.replace("2026-08-03", "9999-12-27")) == (
        ", field 'start': start = 9999-12-27: the cycle runs past the last year 2200 "
        "(ROTA_LAST_YEAR)"
    )


def test_problem_doctor_days_beyond_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("ROTA_MAX_PROBLEM_DOCTOR_DAYS", "10")
    assert problem_error(tmp_path, PROBLEM) == (
        ", field 'doctors': 2 doctors over 7 days: doctors x days = 14 exceeds the limit of 10 "
        "doctor-days for a problem (doctors x cycle days) (ROTA_MAX_PROBLEM_DOCTOR_DAYS)"
    )


def test_problem_deep_nesting(tmp_path):
    assert problem_error(tmp_path, "x = " + "[" * 1000 + "]" * 1000 + "\n" + PROBLEM) == (
        ": nesting = 1000 exceeds the limit of 32 levels of nested arrays and inline tables in "
        "TOML (ROTA_MAX_TOML_DEPTH)"
    )


def test_problem_csv_table_with_unicode_years(tmp_path):
    (tmp_path / "doctors.csv").write_text("id,grade,years,reference_gbp\nA,F1,３,40000\n")
    text = PROBLEM.split("[[doctors]]")[0].replace(
        "start = 2026-08-03\n", 'start = 2026-08-03\ndoctors = "doctors.csv"\n'
    )
    path = tmp_path / "problem.toml"
    path.write_text(text)
    with pytest.raises(ProblemError) as info:
        read_problem(path)
    assert one_line(info.value) == (
        f"{tmp_path / 'doctors.csv'}, doctor 'A', field 'doctors.years': expected a whole "
        "number, got '３' (row 2)"
    )


# ----------------------------------------------------------------------------- instances


def instance_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "Bad.txt"
    path.write_text(text)
    with pytest.raises(NrpFormatError) as info:
        read_instance(path)
    assert isinstance(info.value, UserError)
    return one_line(info.value)


def test_instance_horizon_of_ten_billion_days(tmp_path):
    start = time.perf_counter()
    assert instance_error(tmp_path, INSTANCE.replace("\n7\n", "\n10000000000\n", 1)) == (
        "Bad.txt:2: SECTION_HORIZON: horizon = 10000000000 exceeds the limit of 728 days for a "
        "benchmark instance (ROTA_MAX_NRP_HORIZON)"
    )
    assert time.perf_counter() - start < 2


def test_instance_staff_beyond_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("ROTA_MAX_NRP_STAFF", "1")
    assert instance_error(tmp_path, INSTANCE) == (
        "Bad.txt:8: SECTION_STAFF: staff = 2 exceeds the limit of 1 staff in a benchmark "
        "instance (ROTA_MAX_NRP_STAFF)"
    )


@pytest.mark.parametrize("value", ["３", "1_000", "99999999999"])
def test_instance_integers_in_ascii_and_in_range(tmp_path, value):
    message = instance_error(tmp_path, INSTANCE.replace("A,D=7,2400", f"A,D=7,{value}"))
    assert message.startswith("Bad.txt:8: SECTION_STAFF: MaxTotalMinutes "), message


# ----------------------------------------------------------------------------- command line


def usage_error(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


F1 = str(example_path("department/f1_medicine.toml"))
PROBLEM_FILE = str(example_path("department/problems/medicine_f1.toml"))


def test_optimise_seed_beyond_cp_sat(capsys):
    assert usage_error(["optimise", PROBLEM_FILE, "--seed", "99999999999999999999"], capsys) == (
        "rota optimise: error: argument --seed: must be at most 2,147,483,647, got "
        "99999999999999999999 (see --help)"
    )


@pytest.mark.parametrize("value", ["inf", "nan", "-5", "0", "1e999", "３"])
@pytest.mark.parametrize("command", ["optimise", "nrp"])
def test_time_limit_finite_and_positive(command, value, capsys):
    target = PROBLEM_FILE if command == "optimise" else "1"
    message = usage_error([command, target, "--time-limit", value], capsys)
    assert message.startswith(f"rota {command}: error: argument --time-limit: "), message


@pytest.mark.parametrize("value", ["inf", "nan", "101", "-1"])
def test_simulate_years_finite_and_bounded(value, capsys):
    message = usage_error(["simulate", F1, "--years", value], capsys)
    assert message.startswith("rota simulate: error: argument --years: "), message


def test_simulate_seed_within_numpy(capsys):
    assert "must be at most 9,223,372,036,854,775,807" in usage_error(
        ["simulate", F1, "--seed", str(2**63)], capsys
    )


def test_demo_out_existing_file_fails_at_once(tmp_path, capsys):
    existing = tmp_path / "report"
    existing.write_text("not a folder")
    start = time.perf_counter()
    assert main(["demo", "--out", str(existing)]) == 2
    assert time.perf_counter() - start < 5
    assert capsys.readouterr().err.strip() == (
        f"rota: error: --out {existing}: exists and is not a folder"
    )


def test_sweep_out_where_no_folder_can_be_made(capsys):
    scenario = str(Path(__file__).parents[2] / "scenarios" / "examples" / "unsocial_sweep.toml")
    assert main(["sweep", scenario, "--out", "/proc/x", "--workers", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("rota: error: --out /proc/x: cannot create the folder ("), err
    assert len(err.splitlines()) == 1


def test_optimise_out_checked_before_the_search(tmp_path, capsys):
    start = time.perf_counter()
    assert main(["optimise", PROBLEM_FILE, "--out", str(tmp_path / "rota.txt")]) == 2
    assert time.perf_counter() - start < 5
    assert capsys.readouterr().err.strip() == (
        f"rota: error: --out {tmp_path / 'rota.txt'}: use a .toml, .csv or .xlsx file name"
    )


def test_environment_override_that_is_not_a_number(monkeypatch, capsys):
    monkeypatch.setenv("ROTA_MAX_PROBLEM_WEEKS", "lots")
    assert main(["optimise", PROBLEM_FILE, "--time-limit", "1"]) == 2
    assert capsys.readouterr().err.strip() == (
        "rota: error: environment variable ROTA_MAX_PROBLEM_WEEKS='lots': expected a whole number"
    )


def _large_problem(weeks: int, doctors: int) -> str:
    docs = "".join(
        f'\n[[doctors]]\nid = "D{i}"\ngrade = "F1"\nreference_gbp = 40000\n' for i in range(doctors)
    )
    return (
        f'name = "large"\nweeks = {weeks}\n\n[shifts]\nD = {{ start = "08:00", end = "16:00" }}\n'
        'LD = { start = "08:00", end = "20:30" }\nN = { start = "20:00", end = "08:30" }\n\n'
        f"[cover.N]\nall = {doctors // 7}\n\n[cover.LD]\nall = {doctors // 7}\n\n"
        f"[cover.D]\nweekdays = {doctors // 4}\n{docs}"
    )


@pytest.mark.slow
def test_time_limit_bounds_a_large_problem(tmp_path, capsys):
    """A problem that takes half a minute to build stops at the time limit."""
    path = tmp_path / "large.toml"
    path.write_text(_large_problem(52, 50))
    start = time.perf_counter()
    code = main(["optimise", str(path), "--time-limit", "3", "--workers", "1"])
    elapsed = time.perf_counter() - start
    assert code == 1
    assert elapsed < 6, elapsed
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("rota: no rota found within 3 s: give more time (--time-limit)")
    )


def test_docs_list_every_limit():
    """docs/limits.md holds the table generated from simulator/limits.py."""
    docs = (Path(__file__).parents[2] / "docs" / "limits.md").read_text("utf-8")
    assert limits.limits_table() in docs
