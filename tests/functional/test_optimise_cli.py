"""``rota optimise``: writes a rota the rules engine accepts; exit 3 when infeasible."""

from __future__ import annotations

import json

import pytest

from scenarios.cli import build_parser, main
from simulator.compile import compile_rota
from simulator.io import read_rota
from simulator.rules import check

PROBLEM = """
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


@pytest.fixture
def problem_file(tmp_path):
    path = tmp_path / "problem.toml"
    path.write_text(PROBLEM, encoding="utf-8")
    return path


def test_optimise_writes_a_compliant_rota(problem_file, tmp_path, capsys):
    out = tmp_path / "rota.toml"
    args = ["optimise", str(problem_file), "--time-limit", "5", "--seed", "1", "--workers", "1"]
    code = main([*args, "--out", str(out), "--format", "json"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] in ("optimal", "feasible") and result["compliant"] is True
    assert {"objective_value", "bound", "gap", "doctors", "summary"} <= set(result)
    row = result["doctors"][0]
    assert {"reference_gbp", "pay_2026_gbp", "loss_gbp"} <= set(row)
    rota = read_rota(out)
    assert check(compile_rota(rota), "wales-2026").all_compliant
    commands = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001
    if "check" in commands:
        assert main(["check", str(out), "--rules", "wales-2026"]) == 0
        capsys.readouterr()


def test_optimise_table_output(problem_file, capsys):
    code = main(["optimise", str(problem_file), "--time-limit", "3", "--objective", "cost"])
    assert code == 0
    text = capsys.readouterr().out
    assert "loss new" in text and "compliant" in text


def test_infeasible_exits_3_naming_the_conflict(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(PROBLEM.replace("[cover.N]\nall = 1", "[cover.N]\nall = 5"), encoding="utf-8")
    assert main(["optimise", str(path), "--time-limit", "5", "--workers", "1"]) == 3
    err = capsys.readouterr().err
    # 5 on each night: 15 doctor-weekends needed in 3 weeks, 1 in 3 allows 3 x 1 + 0
    assert (
        err.startswith("rota: infeasible: cover needs 15 doctor-weekends") and err.count("\n") == 1
    )
    assert "allow at most 3" in err


def test_bad_problem_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(PROBLEM.replace('grade = "F2"', 'grade = "F9"'), encoding="utf-8")
    assert main(["optimise", str(path)]) == 2
    err = capsys.readouterr().err
    assert "doctor 'B'" in err and "grade" in err


def test_progress_relay_shows_every_event_in_order_then_returns():
    """A search on another thread: events before and after ``follow`` are all shown, once."""
    import threading

    from optimizer.search import ProgressEvent
    from scenarios.commands.optimise import ProgressRelay

    relay = ProgressRelay()
    events = [
        ProgressEvent("total_loss", "solution", float(i), float(i), None, "GBP") for i in range(6)
    ]
    for event in events[:3]:  # before anyone follows
        relay(event)
    late = threading.Thread(target=lambda: [relay(e) for e in events[3:]])
    shown: list = []
    late.start()
    relay.follow(lambda: not late.is_alive(), shown.append)
    late.join()
    assert shown == events


def test_stderr_progress_holds_fast_improvements_and_shows_each_stage_last(capsys):
    """Improvements closer than ``every_s`` are held, not lost: a stage's last value shows.

    Events (seconds): stage start 0.0; values 100 at 0.1 (printed: first), 90 at 0.5
    and 80 at 0.9 (held, 80 replaces 90); next stage at 3.0 prints the held 80 first;
    70 at 3.1 (printed: first of its stage), 60 at 3.2 (held) printed by flush().
    """
    from optimizer.search import ProgressEvent
    from scenarios.commands.optimise import StderrProgress

    show = StderrProgress(every_s=2.0)
    show(ProgressEvent("total_loss", "start", 0.0, None, None, "GBP"))
    for at, value in ((0.1, 100.0), (0.5, 90.0), (0.9, 80.0)):
        show(ProgressEvent("total_loss", "solution", at, value, None, "GBP"))
    show(ProgressEvent("max_loss", "start", 3.0, None, None, "GBP"))
    for at, value in ((3.1, 70.0), (3.2, 60.0)):
        show(ProgressEvent("max_loss", "solution", at, value, 50.0, "GBP"))
    before_flush = capsys.readouterr().err.splitlines()
    assert before_flush == [
        "     0.0 s  minimising total pay loss",
        "     0.1 s    100.00 GBP",
        "     0.9 s    80.00 GBP",  # held, shown before the next stage (90 replaced)
        "     3.0 s  minimising the largest single loss",
        "     3.1 s    70.00 GBP (bound 50.00)",
    ]
    show.flush()
    show.flush()  # nothing held: prints nothing more
    assert capsys.readouterr().err.splitlines() == ["     3.2 s    60.00 GBP (bound 50.00)"]
