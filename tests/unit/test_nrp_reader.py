"""Reader of the shift scheduling benchmark format."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.nrp import instance_path
from optimizer.nrp.instance import NrpFormatError, parse_instance, read_instance

INSTANCE1 = instance_path(1)
needs_data = pytest.mark.skipif(not INSTANCE1.exists(), reason="benchmark data not available")

TINY = """\
# comment
SECTION_HORIZON
7

SECTION_SHIFTS
D,480,
N,600,D

SECTION_STAFF
A,D=3|N=1,2400,960,3,2,2,1
B,D=7|N=7,2800,0,7,1,1,0

SECTION_DAYS_OFF
A,6

SECTION_SHIFT_ON_REQUESTS
A,0,D,2

SECTION_SHIFT_OFF_REQUESTS
B,2,D,1

SECTION_COVER
0,D,1,100,1
"""


@needs_data
def test_reads_instance1() -> None:
    inst = read_instance(INSTANCE1)
    assert inst.name == "Instance1"
    assert inst.horizon == 14
    assert len(inst.staff) == 8
    assert inst.shift_ids == ("D",)
    assert inst.shifts[0].length == 480
    assert inst.shifts[0].forbidden_next == ()
    a = inst.staff[0]
    assert (a.id, a.max_shifts, a.max_total_minutes, a.min_total_minutes) == (
        "A",
        {"D": 14},
        4320,
        3360,
    )
    assert (a.max_consecutive_shifts, a.min_consecutive_shifts) == (5, 2)
    assert (a.min_consecutive_days_off, a.max_weekends) == (2, 1)
    assert inst.days_off["A"] == (0,)
    assert inst.days_off["H"] == (7,)
    assert len(inst.on_requests) == 21
    assert len(inst.off_requests) == 5
    assert inst.off_requests[2].staff == "F" and inst.off_requests[2].weight == 3
    assert len(inst.cover) == 14
    assert inst.cover[1].requirement == 7
    assert (inst.cover[1].weight_under, inst.cover[1].weight_over) == (100, 1)


def test_parses_crlf_text_with_forbidden_successors() -> None:
    inst = parse_instance(TINY.replace("\n", "\r\n"), name="tiny.txt")
    assert inst.name == "tiny"
    assert inst.horizon == 7
    assert inst.shifts[1].forbidden_next == ("D",)
    assert inst.staff[1].max_shifts == {"D": 7, "N": 7}
    assert inst.staff[1].max_weekends == 0
    assert inst.days_off == {"A": (6,)}
    assert inst.weeks == 1


def _bad(tmp_path: Path, old: str, new: str) -> str:
    path = tmp_path / "bad.txt"
    path.write_text(TINY.replace(old, new, 1))
    with pytest.raises(NrpFormatError) as info:
        read_instance(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_non_integer_staff_field_names_file_line_and_field(tmp_path: Path) -> None:
    message = _bad(tmp_path, "A,D=3|N=1,2400,", "A,D=3|N=1,x,")
    assert message == "bad.txt:10: SECTION_STAFF: MaxTotalMinutes 'x' is not an integer"


def test_unknown_shift_in_request(tmp_path: Path) -> None:
    message = _bad(tmp_path, "A,0,D,2", "A,0,Q,2")
    assert message == "bad.txt:17: SECTION_SHIFT_ON_REQUESTS: ShiftID 'Q' is not a shift"


def test_day_outside_horizon(tmp_path: Path) -> None:
    message = _bad(tmp_path, "0,D,1,100,1", "9,D,1,100,1")
    assert message == "bad.txt:23: SECTION_COVER: Day 9 is outside the horizon of 7 days"


def test_wrong_field_count(tmp_path: Path) -> None:
    message = _bad(tmp_path, "D,480,\n", "D,480\n")
    assert message == "bad.txt:6: SECTION_SHIFTS: shift expects 3 comma-separated fields, got 2"


def test_missing_section(tmp_path: Path) -> None:
    message = _bad(tmp_path, "SECTION_COVER\n0,D,1,100,1\n", "")
    assert message == "bad.txt: missing section SECTION_COVER"


def test_instance_path_resolves_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROTA_NRP_DATA", "/data/nrp")
    assert instance_path(7) == Path("/data/nrp/Instance7.txt")
    assert instance_path("12") == Path("/data/nrp/Instance12.txt")
    assert instance_path("some/Instance3.txt") == Path("some/Instance3.txt")
