"""Problem files: compact cover forms, days, references and one-line errors."""

from __future__ import annotations

import pytest

from optimizer.problem import ProblemError, parse_days, problem_from_toml_text, read_problem
from simulator.compile import compile_rota
from simulator.contracts import price
from simulator.examples import example_path
from simulator.io import read_rota

SHIFTS = """
[shifts]
D = { start = "08:00", end = "16:00" }
N = { start = "20:00", end = "08:30" }
"""


def problem(body: str, doctors: str = '[[doctors]]\nid = "A"\ngrade = "F1"\n', weeks: int = 2):
    return problem_from_toml_text(f"weeks = {weeks}\n{body}\n{SHIFTS}\n{doctors}", file="p.toml")


def test_cover_compact_forms_and_precedence():
    p = problem(
        """
        [cover.D]
        all = { min = 0, max = 1 }
        weekdays = 2
        wed = { min = 3 }
        except = { "Wed wk2" = 1, "Sat wk1..Sun wk1" = { min = 1, max = 1 } }
        [cover.N]
        all = { min = 1, target = 2, weight = 10.0 }
        """
    )
    d = {r.day: r for r in p.cover if r.shift == "D"}
    assert (d[0].min, d[0].max) == (2, 2)  # weekdays overrides all
    assert (d[2].min, d[2].max) == (3, None)  # a narrower scope replaces a wider one
    assert (d[9].min, d[9].max) == (1, 1)  # exception wins
    assert (d[5].min, d[5].max) == (1, 1) and (d[12].min, d[12].max) == (0, 1)
    n = [r for r in p.cover if r.shift == "N"]
    assert len(n) == 14 and all(r.target == 2 and r.weight_gbp == 10.0 for r in n)


def test_days_forms():
    assert parse_days(["Sat wk1", "wk2 Mon", 3, "Mon wk1..Wed wk1"], 2, None) == [5, 7, 3, 0, 1, 2]
    with pytest.raises(ProblemError, match="outside the 2-week cycle"):
        parse_days("Mon wk3", 2, None)


@pytest.mark.parametrize(
    ("body", "doctors", "match"),
    [
        ("[cover.D]\nall = 1\ncolour = 1", None, "unknown key 'colour'"),
        ("[cover.X]\nall = 1", None, "field 'cover.X': unknown shift code 'X'"),
        ("[cover.D]\nall = { min = 2, max = 1 }", None, "Mon wk1, field 'cover.D': max 1"),
        (
            "[cover.D]\nall = 1",
            '[[doctors]]\nid = "A"\ngrade = "F1"\nhours = 3\n',
            "doctor 'A'.*unknown key 'hours'",
        ),
        (
            '[cover.D]\nall = 1\n[[leave]]\ndoctor = "A"\ndays = "Fun wk1"',
            None,
            "p.toml, doctor 'A', field 'leave.days': unknown weekday 'Fun'",
        ),
        ("[cover.D]\nall = 1\nobjective = 'speed'", None, "unknown key 'objective'"),
    ],
)
def test_errors_are_one_line_and_located(body, doctors, match):
    with pytest.raises(ProblemError, match=match) as info:
        if doctors is None:
            problem(body)
        else:
            problem(body, doctors)
    assert "\n" not in str(info.value)


def test_reference_from_rota_line_is_priced_by_the_pay_engine():
    p = read_problem(example_path("department/problems/medicine_f1.toml"))
    rota = read_rota(example_path("department/f1_medicine.toml"))
    table = price(compile_rota(rota), "nhs-2002")
    for doc in p.doctors:
        assert doc.reference_gbp == pytest.approx(float(table.loc[doc.id, "total"]))
        assert doc.reference_band == table.loc[doc.id, "band"]
    assert p.rules == "wales-2026" and p.weeks == 6
