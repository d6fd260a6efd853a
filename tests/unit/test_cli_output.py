"""Terminal helpers: plain help text, the command-line choices, and tables that fit."""

from __future__ import annotations

import re

import pytest

from scenarios.cli import plain
from scenarios.commands import _choices
from scenarios.output import print_table, split_columns, table_width


def test_plain_strips_rst_markup():
    assert plain("``rota hours ROTA``: per line") == "rota hours ROTA: per line"
    assert plain("see :func:`simulator.metrics.compute_metrics`") == (
        "see simulator.metrics.compute_metrics"
    )
    assert plain("see :class:`~optimizer.solve.OptimiseResult`") == "see OptimiseResult"
    assert plain("see :data:`the limits <simulator.LIMITS>`.") == "see the limits."
    assert plain("a :py:func:`f` and ``x``\nand ``y``") == "a f and x\nand y"
    assert plain(None) is None


def test_choices_match_the_libraries():
    from optimizer.problem import OBJECTIVES
    from simulator.contracts import CONTRACTS, PAY_YEARS
    from simulator.oncall import ENGINES
    from simulator.rules import RULESETS

    assert _choices.RULESETS == RULESETS
    assert _choices.CONTRACTS == CONTRACTS
    assert _choices.PAY_YEARS == PAY_YEARS
    assert _choices.OBJECTIVES == OBJECTIVES
    assert _choices.ENGINES == ENGINES


def _lines(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


WIDE_HEADERS = ["line", *(f"amount {k} £" for k in range(8))]
WIDE_ROWS = [
    [f"L{r}", *(f"{(r + 1) * 123456.789 * (k + 1):,.2f}" for k in range(8))] for r in range(3)
]


def test_wide_table_splits_with_the_label_repeated(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    print_table("Money", WIDE_HEADERS, WIDE_ROWS, caption="GBP")
    lines = _lines(capsys)
    text = "\n".join(lines)
    assert max(len(line) for line in lines) <= 60
    assert lines[0] == "Money" and lines[-1] == "GBP" and "(continued)" in text
    assert text.count("L2") >= 2  # the label column in every part
    for row in WIDE_ROWS:
        for cell in row[1:]:
            assert re.search(rf"(?<![\d,]){re.escape(cell)}(?![\d,])", text), cell
    assert "…" not in text


def test_headers_wrap_before_a_table_splits(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    print_table("T", ["line", "protection £", "change £"], [["F1-1", "1,123.50", "-304.12"]])
    lines = _lines(capsys)
    assert max(len(line) for line in lines) <= 40 and "(continued)" not in "\n".join(lines)
    monkeypatch.setenv("COLUMNS", "30")
    print_table("T", ["line", "protection £", "change £"], [["F1-1", "1,123.50", "-304.12"]])
    lines = _lines(capsys)
    assert max(len(line) for line in lines) <= 30
    assert "1,123.50" in "\n".join(lines) and "-304.12" in "\n".join(lines)


def test_too_narrow_falls_back_to_header_value_lines(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "20")
    print_table("Money", ["line", "total £"], [["a-long-line-id", "123,456,789.00"]])
    lines = [line.rstrip() for line in _lines(capsys)]
    assert lines[:3] == ["Money", "line: a-long-line-id", "  total £:"]
    assert lines[3] == "123,456,789.00" and max(len(line) for line in lines) <= 20


def test_text_column_wraps_at_spaces(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    message = "average 62.25 h/week of actual work over the 4-week cycle; maximum 56 h"
    print_table("Check", ["line", "limit", "detail"], [["SpR-1", "56", message]])
    lines = _lines(capsys)
    assert max(len(line) for line in lines) <= 50 and len(lines) > 6
    words = " ".join(line.strip("│ ") for line in lines if "│" in line)
    for number in ("62.25", "4-week", "56"):
        assert number in words


def test_cells_are_not_markup(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    print_table("T", ["a", "b"], [["[bold]x[/bold]", "[A] 1"]])
    text = "\n".join(_lines(capsys))
    assert "[bold]x[/bold]" in text and "[A] 1" in text


@pytest.mark.parametrize("width", [30, 45, 60, 80])
def test_split_groups_fit_and_keep_every_column(width):
    from scenarios.output import _column, fit_widths

    cols = [_column(h, [row[i] for row in WIDE_ROWS], i == 0) for i, h in enumerate(WIDE_HEADERS)]
    groups = split_columns(cols, width)
    assert groups is not None
    assert sorted({i for g in groups for i in g}) == list(range(len(cols)))
    for group in groups:
        assert group[0] == 0
        widths = fit_widths([cols[i] for i in group], width)
        assert widths is not None and table_width(widths) <= width
