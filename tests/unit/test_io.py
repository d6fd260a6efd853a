"""Rota files: reading, round trips through TOML/CSV/XLSX, and one-line errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from simulator.io import read_rota, write_rota
from simulator.io.toml_rota import rota_from_toml_text, rota_to_toml
from simulator.model import RotaError, ShiftType

GOOD = """name = "Tiny"
weeks = 1

[shifts]
D = { start = "08:00", end = "16:00" }
N = { start = "20:00", end = "08:30" }
OC = { start = "17:00", end = "09:00", kind = "nroc", expected_work = 2.0 }

[[lines]]
id = "a"
grade = "F1"
years = 0
pattern = "D D+OC - N N - -"
"""


def write(tmp_path: Path, text: str | bytes, name: str = "rota.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def error_of(path: Path, **kw) -> RotaError:
    with pytest.raises(RotaError) as info:
        read_rota(path, **kw)
    message = str(info.value)
    assert "\n" not in message
    return info.value


def test_reads_cells_with_plus(tmp_path):
    rota = read_rota(write(tmp_path, GOOD))
    assert rota.lines[0].days[1] == ("D", "OC")
    assert rota.shifts["N"].duration_min == 12 * 60 + 30
    assert rota.shifts["OC"].work_min == 120.0


def test_rolling_expands_one_line_per_week_offset(tmp_path):
    text = GOOD.replace("weeks = 1", "weeks = 2").split("[[lines]]")[0] + (
        '[[rolling]]\nid = "R"\ngrade = "F2"\npattern = """\nD D D D D - -\n- - - - N N -\n"""\n'
    )
    rota = read_rota(write(tmp_path, text))
    assert [ln.id for ln in rota.lines] == ["R-1", "R-2"]
    # line 2 starts one week later in the pattern: its week 1 is the pattern's week 2
    assert rota.lines[1].days[4:7] == (("N",), ("N",), ())
    assert rota.lines[1].days[7] == ("D",)


@pytest.mark.parametrize("fmt", ["toml", "csv", "xlsx"])
def test_round_trip(tmp_path, department, fmt):
    for name, rota in department.items():
        path = tmp_path / f"{name}.{fmt}"
        write_rota(rota, path)
        back = read_rota(path)
        assert back.weeks == rota.weeks
        assert back.start == rota.start
        assert back.shifts == rota.shifts
        assert [
            (ln.id, ln.grade, ln.years, ln.ltft, ln.specialty, ln.days) for ln in back.lines
        ] == [(ln.id, ln.grade, ln.years, ln.ltft, ln.specialty, ln.days) for ln in rota.lines]


def test_rolling_lines_are_written_as_one_rolling_entry():
    # lines R-1..R-3 of a 3-week rota, each the first rotated by one more week: one
    # [[rolling]] entry; a line that breaks the rotation keeps the whole group as lines
    text = """
name = "r"
weeks = 3
[shifts]
D = { start = "08:00", end = "18:00" }
[[lines]]
id = "solo"
grade = "F1"
pattern = "D - - - - - - - - - - - - - - - - - - - -"
[[rolling]]
id = "R"
grade = "F2"
pattern = "D D - - - - - - - D D - - - - - - - - - -"
"""
    rota = rota_from_toml_text(text)
    out = rota_to_toml(rota)
    assert out.count("[[rolling]]") == 1 and out.count("[[lines]]") == 1
    back = rota_from_toml_text(out)
    assert {ln.id: ln.days for ln in back.lines} == {ln.id: ln.days for ln in rota.lines}
    broken = rota.lines[:2] + (dataclasses.replace(rota.lines[2], days=rota.lines[1].days),)
    out = rota_to_toml(dataclasses.replace(rota, lines=broken + rota.lines[3:]))
    assert out.count("[[rolling]]") == 0 and out.count("[[lines]]") == 4


CASES = [
    # (description, text replacement or whole text, expected fragments)
    (
        "unknown code",
        GOOD.replace("D D+OC - N N", "D D+OC - X N"),
        ["rota.toml", "line 'a'", "day 3 (Thu wk1)", "field 'pattern'", "unknown shift code 'X'"],
    ),
    (
        "wrong number of days",
        GOOD.replace("D D+OC - N N - -", "D D+OC - N N -"),
        ["line 'a'", "field 'pattern'", "6 days", "need 7"],
    ),
    (
        "malformed time",
        GOOD.replace('end = "16:00"', 'end = "16h00"'),
        ["field 'shifts.D.end'", "malformed time '16h00'"],
    ),
    (
        "hour out of range",
        GOOD.replace('end = "16:00"', 'end = "25:00"'),
        ["field 'shifts.D.end'", "00:00 to 23:59"],
    ),
    (
        "overlap within a line",
        GOOD.replace("D D+OC - N N", "D D+OC - N D"),
        ["line 'a'", "day 3 (Thu wk1)", "'N' overlaps the next duty 'D'"],
    ),
    (
        "night on last day runs into day 0",
        GOOD.replace("D D+OC - N N - -", "D - - - - - N"),
        ["line 'a'", "day 6 (Sun wk1)", "across the cycle end"],
    ),
    (
        "unknown grade",
        GOOD.replace('grade = "F1"', 'grade = "SHO"'),
        ["line 'a'", "field 'grade'", "unknown grade 'SHO'"],
    ),
    (
        "negative years",
        GOOD.replace("years = 0", "years = -1"),
        ["line 'a'", "field 'years'", ">= 0"],
    ),
    (
        "duplicate id",
        GOOD + '[[lines]]\nid = "a"\ngrade = "F1"\npattern = "D - - - - - -"\n',
        ["line 'a'", "field 'id'", "duplicate line id"],
    ),
    (
        "unknown line key",
        GOOD.replace("years = 0", "yeras = 0"),
        ["line 'a'", "field 'yeras'", "did you mean 'years'"],
    ),
    (
        "unknown shift key",
        GOOD.replace('end = "16:00" }', 'end = "16:00", knd = "x" }'),
        ["field 'shifts.D.knd'", "unknown key"],
    ),
    ("unknown top key", "wekks = 1\n" + GOOD, ["field 'wekks'", "did you mean 'weeks'"]),
    (
        "unknown kind",
        GOOD.replace('kind = "nroc"', 'kind = "home"'),
        ["field 'shifts.OC.kind'", "unknown kind 'home'"],
    ),
    ("bad toml", GOOD.replace("weeks = 1", "weeks = = 1"), ["rota.toml", "not valid TOML"]),
    (
        "start not a monday",
        GOOD.replace("weeks = 1", "weeks = 1\nstart = 2026-08-04"),
        ["field 'start'", "not a Monday"],
    ),
    ("missing weeks", GOOD.replace("weeks = 1\n", ""), ["field 'weeks'", "missing"]),
]


@pytest.mark.parametrize("text, fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_one_line_error(tmp_path, text, fragments):
    message = str(error_of(write(tmp_path, text)))
    for fragment in fragments:
        assert fragment in message, message


def test_toml_row_number_of_line(tmp_path):
    text = GOOD.replace('grade = "F1"', 'grade = "XX"')
    err = error_of(write(tmp_path, text))
    assert err.row == GOOD.splitlines().index("[[lines]]") + 1
    assert f"rota.toml:{err.row}" in str(err)


def test_empty_file(tmp_path):
    assert "the file is empty" in str(error_of(write(tmp_path, "   \n")))


def test_binary_garbage(tmp_path):
    assert "binary" in str(error_of(write(tmp_path, b"\x89PNG\x00\x01\x02garbage")))


def test_not_utf8(tmp_path):
    assert "not UTF-8" in str(error_of(write(tmp_path, b"name = '\xff\xfe'")))


def test_missing_file(tmp_path):
    assert "no such file" in str(error_of(tmp_path / "nope.toml"))


def test_unknown_extension(tmp_path):
    assert "unknown rota format '.txt'" in str(error_of(write(tmp_path, "x", "rota.txt")))


@pytest.mark.parametrize("hours", ["0", "30", "-2"])
def test_zero_or_over_24h_shift_rejected(tmp_path, hours):
    text = GOOD.replace(
        'N = { start = "20:00", end = "08:30" }', f'N = {{ start = "20:00", hours = {hours} }}'
    )
    message = str(error_of(write(tmp_path, text)))
    assert "field 'shifts.N.hours'" in message and "at most 24 h" in message


def test_hours_instead_of_end(tmp_path):
    text = GOOD.replace(
        'N = { start = "20:00", end = "08:30" }', 'N = { start = "20:00", hours = 12.5 }'
    )
    assert read_rota(write(tmp_path, text)).shifts["N"].end_min == 8 * 60 + 30
    # equal start and end is a 24-hour duty, which is allowed
    assert ShiftType(code="W", start_min=540, end_min=540).duration_min == 1440


def test_csv_grid_errors(tmp_path):
    (tmp_path / "g.shifts.toml").write_text('[shifts]\nD = { start = "08:00", end = "16:00" }\n')
    write(
        tmp_path,
        "id,grade,years,ltft,specialty,d1,d2,d3,d4,d5,d6,d7\nx,F1,0,false,gen,D,D,Q,-,-,-,-\n",
        "g.csv",
    )
    err = error_of(tmp_path / "g.csv")
    assert err.row == 2 and err.day == 2 and err.line == "x"
    assert "g.csv:2" in str(err) and "unknown shift code 'Q'" in str(err)
    write(tmp_path, "id,grade,years,ltft,specialty,d1,d2,d3\nx,F1,0,false,gen,D,D,D\n", "g.csv")
    assert "multiple of 7" in str(error_of(tmp_path / "g.csv"))


def test_csv_without_shift_definitions(tmp_path):
    write(tmp_path, "id,grade,d1\n", "lonely.csv")
    assert "lonely.shifts.toml" in str(error_of(tmp_path / "lonely.csv"))


def test_xlsx_garbage(tmp_path):
    write(tmp_path, b"PK\x03\x04 this is not a workbook", "bad.xlsx")
    assert "not a readable .xlsx workbook" in str(error_of(tmp_path / "bad.xlsx"))
