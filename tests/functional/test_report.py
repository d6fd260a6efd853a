"""What a reader of the report sees: the headline, the table formats, escaping.

A small report (one six-line rota, a two-year transition, no sweep) is written once
per module; the headline numbers are recomputed here from the report's own CSV
files, independently of the code that printed them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from scenarios.report import department_report
from scenarios.report_format import money
from scenarios.scenario import read_scenario
from simulator.io import read_rota

ROTA = '''
name = "<b>&x (Test Hospital)"
weeks = 2
start = 2026-08-03

[shifts]
E  = { start = "08:00", end = "18:00" }
N  = { start = "22:00", end = "08:00" }
D  = { start = "09:00", end = "17:00" }
OC = { start = "17:00", end = "09:00", kind = "nroc", expected_work = 3.0 }

[[rolling]]
id = "F2"
grade = "F2"
years = 1
pattern = """
E  E  E  -  -  E  E
-  -  N  N  N  -  -
"""

[[rolling]]
id = "F1"
grade = "F1"
years = 0
pattern = """
E  E  -  -  -  E  E
-  -  E  E  E  -  -
"""

[[rolling]]
id = "StR"
grade = "ST"
years = 4
pattern = """
D+OC D    D    D    D    -    -
D    D    D+OC D    D    -    -
"""
'''

SCENARIO = """
id = "t"
title = "Test transition"
base_pay_year = "2026/27"
years = 2
[workforce]
rotas = ["rota.toml"]
[rules]
rulesets = ["new-deal", "wales-2026"]
"""


class _Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    (folder / "rota.toml").write_text(ROTA)
    (folder / "scenario.toml").write_text(SCENARIO)
    rota = read_rota(folder / "rota.toml")
    out = department_report(folder / "out", [rota], read_scenario(folder / "scenario.toml"))
    page = (out / "index.html").read_text("utf-8")
    parser = _Tables()
    parser.feed(page)
    return out, page, parser.tables


def _headline(page: str) -> str:
    body = page.split("<body>", 1)[1]
    first = re.search(r"<section id=\"at-a-glance\">(.*?)</section>", body, re.S)
    assert first is not None
    # the headline is the first section: only the page title comes before it
    assert body.index('<section id="at-a-glance">') < body.index("<h2>")
    return first.group(1)


def test_headline_counts_losers_from_the_compare_table(report):
    out, page, _ = report
    compare = pd.read_csv(out / "compare.csv")
    losers = int((compare["change_gbp"] < -0.005).sum())
    gainers = int((compare["change_gbp"] > 0.005).sum())
    text = _headline(page)
    assert f"{losers} of {len(compare)} lines lose pay" in text
    assert f"{gainers} gain" in text
    assert losers == 4  # two F1 and two F2 lines


def test_headline_protection_is_the_sum_of_line_protection(report):
    out, page, _ = report
    results = pd.read_csv(out / "transition_results.csv", dtype={"line_id": str})
    lines = results[results["line_id"].notna() & (results["measure"] == "protection_cost_gbp")]
    by_year = lines.groupby("year")["value"].sum()
    text = _headline(page)
    first = by_year.index[0]
    assert f"{money(by_year.iloc[0])} in {first}" in text
    assert f"{money(by_year.sum())} over" in text
    for year, value in by_year.items():
        assert f"<td>{year}</td>\n      <td>{money(value)}</td>" in text


def test_headline_explains_why_f1_has_no_protection(report):
    out, page, _ = report
    compare = pd.read_csv(out / "compare.csv")
    f1 = compare[compare["grade"] == "F1"]
    assert f1["protection_cost_gbp"].sum() > 0  # the static comparison shows a shortfall
    text = _headline(page)
    assert "new appointments" in text and "no cash floor" in text
    assert f"lose {money(-f1['change_gbp'].sum())} a year between them" in text


def test_headline_lists_the_rules_each_rota_breaks(report):
    out, page, _ = report
    compliance = pd.read_csv(out / "compliance.csv", keep_default_na=False)
    text = _headline(page)
    broken = compliance[compliance["compliant_lines"] < compliance["lines"]]
    assert not broken.empty
    for row in broken.itertuples():
        assert f"<strong>{row.ruleset_name}</strong> ({row.compliant_lines} of {row.lines}" in text
    assert "Weekend frequency" in text


def test_cells_are_formatted_by_kind(report):
    _, _, tables = report
    year_cell = re.compile(r"^(\d{4}(/\d{2})?|–)$")
    count_cell = re.compile(r"^(\d+|–)$")
    count_headers = re.compile(r"^(Lines|Compliant lines|Nights|Weekends|Seed)$|\(lines\)$")
    seen_year = seen_count = 0
    for table in tables:
        header, *rows = table
        for j, name in enumerate(header):
            assert "_" not in name, name
            cells = [row[j] for row in rows]
            if "year" in name.lower() and "£" not in name:
                seen_year += 1
                assert all(year_cell.match(c) for c in cells), (name, cells)
            if count_headers.search(name):
                seen_count += 1
                assert all(count_cell.match(c) for c in cells), (name, cells)
            if "(£" in name:
                assert all(c.startswith(("£", "−£", "+£", "–")) for c in cells), (name, cells)
                assert not any(re.search(r"\.\d\d$", c) for c in cells), (name, cells)
            if "(%)" in name:
                assert all(re.match(r"^−?\d+\.\d%$", c) for c in cells), (name, cells)
    assert seen_year >= 3 and seen_count >= 3


def test_user_strings_are_escaped(report):
    _, page, _ = report
    assert "<b>&x" not in page
    assert "&lt;b&gt;&amp;x" in page


def test_images_have_meaningful_alt_text(report):
    out, page, _ = report
    alts = re.findall(r'<img src="([^"]+)" alt="([^"]*)"', page)
    assert {src for src, _ in alts} >= {"rota_1.png", "pay_waterfall.png", "winners_losers.png"}
    for src, alt in alts:
        assert (out / src).stat().st_size > 1000
        assert len(alt) > 30 and "_" not in alt, (src, alt)
    grid_alt = dict(alts)["rota_1.png"]
    assert "non-resident on-call" in grid_alt and "&lt;b&gt;&amp;x" in grid_alt
