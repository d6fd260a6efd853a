"""The ``rota`` command line: hours, demo, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scenarios.cli import main
from simulator.examples import example_path

F1 = str(example_path("department/f1_medicine.toml"))


def test_hours_json(capsys):
    assert main(["hours", F1, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["weeks"] == 6 and report["start"] == "2026-08-03"
    line = next(ln for ln in report["lines"] if ln["id"] == "F1-1")
    assert line["duty_hours_per_week"] == pytest.approx(42.5)
    assert line["weekend_frequency"] == pytest.approx(1 / 3)


def test_hours_csv(capsys):
    assert main(["hours", F1, "--format", "csv"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert rows[0].startswith("id,grade,ltft,duty_hours_per_week")
    assert len(rows) == 1 + 7


def test_hours_table(capsys):
    assert main(["hours", F1]) == 0
    out = capsys.readouterr().out
    assert "F1-LTFT" in out and "1 in 3" in out


#: Search time of the demo in tests (the demo's own is 30 s).
DEMO_TEST_TIME_LIMIT = "3"


def test_demo_prints_every_rota(capsys, tmp_path, monkeypatch):
    """The demo in a scratch folder: it writes only its --out folder, never ./rota-demo-report."""
    monkeypatch.chdir(tmp_path)
    out_dir = tmp_path / "report"
    assert main(["demo", "--out", str(out_dir), "--time-limit", DEMO_TEST_TIME_LIMIT]) == 0
    captured = capsys.readouterr()
    for name in (
        "Medicine F1",
        "Medicine registrars NROC",
        "Surgery registrars",
        "Emergency department F2",
    ):
        assert name in captured.out
    assert (out_dir / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]
    for section in ("comparing the contracts", "rule sets", "redesigning", "simulating", "report"):
        assert section in captured.err


def test_bad_rota_exit_2_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'weeks = 1\n[shifts]\nD = { start = "08:00", end = "16:00" }\n'
        '[[lines]]\nid = "7"\ngrade = "F1"\npattern = "D D Z - - - -"\n'
    )
    assert main(["hours", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "bad.toml:4" in err and "line '7'" in err and "day 2 (Wed wk1)" in err
    assert "field 'pattern'" in err and "unknown shift code 'Z'" in err


def test_console_script_no_traceback(tmp_path):
    """End to end through a real process: exit status 2, one line, no traceback."""
    garbage = tmp_path / "garbage.toml"
    garbage.write_bytes(b"\x00\x01\x02\xff")
    proc = subprocess.run(
        [sys.executable, "-m", "scenarios", "hours", str(garbage)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "binary" in proc.stderr


def test_usage_error_is_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["hours"])
    assert info.value.code == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
