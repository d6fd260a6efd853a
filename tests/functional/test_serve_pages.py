"""``rota serve``'s pages without a browser: what they show, their errors, downloads."""

from __future__ import annotations

import io
import json
import re
import time
from html import unescape

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")

from starlette.testclient import TestClient  # noqa: E402

from scenarios.cli import main  # noqa: E402
from scenarios.commands.serve import bind, port_number, url_of  # noqa: E402
from scenarios.web import create_app  # noqa: E402
from scenarios.web.formatting import money, money_change, one_in  # noqa: E402
from scenarios.web.rota_view import build_grid  # noqa: E402
from simulator.compile import compile_rota  # noqa: E402
from simulator.examples import example_path  # noqa: E402
from simulator.io import read_rota  # noqa: E402
from simulator.model import UserError  # noqa: E402
from simulator.rules import check, load_ruleset  # noqa: E402

from .serve_fixtures import make_sweep  # noqa: E402

SURGERY = example_path("department/registrar_surgery_legacy.toml")
NROC = example_path("department/registrar_medicine.toml")


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory):
    """A real ``rota sweep`` output folder: 2 × 2 grid, one seed, two pay years."""
    return make_sweep(tmp_path_factory.mktemp("sweep"))


def text_of(html: str) -> str:
    """Visible text of a page, roughly: tags dropped, spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def figures(html: str) -> list[dict]:
    """The Plotly figures a page hands to its charts."""
    return [json.loads(unescape(f)) for f in re.findall(r"data-figure='([^']*)'", html)]


def test_formats():
    assert money(12345.4) == "£12,345" and money(-1234.6) == "\u2212£1,235"
    assert money_change(1234.0) == "+£1,234" and money_change(-0.2) == "£0"
    assert one_in(0.25) == "1 in 4" and one_in(0.0) == "never"


def test_home_lists_examples_and_forms(client):
    page = client.get("/")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Upload your rota" in text and "Check and price" in text
    assert "Surgery registrars, legacy resident on-call" in text
    assert 'href="/example/registrar_surgery_legacy.toml"' in page.text


def test_grid_marks_violations_where_they_happen():
    rota = read_rota(SURGERY)
    result = check(compile_rota(rota), load_ruleset("wales-2026"))
    grid = build_grid(rota, result)
    assert grid.n_violations == len(result.violations)
    row = grid.rows[0]
    assert [c.weekend for c in row.cells[:7]] == [False] * 5 + [True] * 2
    on_days = {(v.line, v.day) for r in grid.rows for c in r.cells for v in c.violations}
    assert all(v.day == c.day for r in grid.rows for c in r.cells for v in c.violations)
    assert ("SpR-1", 5) in on_days  # the 24 h weekend on site
    assert {v.rule for v in row.line_violations} == {"average_weekly_hours"}


def test_results_page_shows_grid_breaches_and_pay(client):
    page = client.get("/example/registrar_surgery_legacy.toml")
    assert page.status_code == 200
    text = text_of(page.text)
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        assert f">{day}<" in page.text
    assert "0 of 4 lines compliant" in text
    assert 'class="cell we violation"' in page.text
    assert "consecutive shifts" in text and "ROC" in text
    assert "£131,408" in text and "£153,898" in text and "+£22,490" in text
    assert "4 better off" in text


def test_results_page_nroc_and_combined_cells(client):
    page = client.get("/example/registrar_medicine.toml?rules=new-deal&pay_year=2025/26")
    assert page.status_code == 200
    assert 'class="duty nroc"' in page.text
    assert re.search(
        r'<span class="duty"[^>]*>D</span><span class="duty nroc"[^>]*>OC</span>', page.text
    )
    assert "non-resident on-call (from home)" in text_of(page.text)
    assert "8 of 8 lines compliant" in text_of(page.text)
    assert "2025/26" in text_of(page.text)


def test_results_page_bad_option_and_unknown_rota(client):
    page = client.get("/example/registrar_medicine.toml?rules=nope")
    assert page.status_code == 400 and "unknown rule set" in page.text
    assert client.get("/example/nope.toml").status_code == 404
    assert client.get("/rota/not-a-token").status_code == 404


def test_upload_keeps_rota_and_switching_rules_reuses_it(client):
    files = {"rota": ("legacy.toml", SURGERY.read_bytes())}
    page = client.post("/upload", files=files, data={"rules": "wtr", "pay_year": "2026/27"})
    assert page.status_code == 200 and "/rota/" in str(page.url)
    assert "Working Time Regulations" in text_of(page.text)
    again = client.get(str(page.url.copy_with(query=b"rules=wales-2026")))
    assert again.status_code == 200 and "0 of 4 lines compliant" in text_of(again.text)


def test_upload_error_shows_the_message_on_the_form(client):
    page = client.post("/upload", files={"rota": ("bad.toml", b"\x00\x01\x02")})
    assert page.status_code == 400
    text = text_of(page.text)
    assert "bad.toml: not a text file" in text and "Upload your rota" in text


def test_download_bundled_rota_reads_back(client, tmp_path):
    for suffix in ("xlsx", "toml"):
        response = client.get(f"/example/registrar_medicine.toml/rota.{suffix}")
        assert response.status_code == 200
        assert "attachment" in response.headers["content-disposition"]
        path = tmp_path / f"rota.{suffix}"
        path.write_bytes(response.content)
        assert read_rota(path).lines == read_rota(NROC).lines
    assert client.get("/example/registrar_medicine.toml/rota.pdf").status_code == 404


def test_redesign_form_lists_problems_and_refuses_bad_input(client):
    page = client.get("/redesign")
    assert page.status_code == 200 and "Medicine F1 redesign" in page.text
    bad = client.post("/redesign", data={"bundled": "medicine_f1.toml", "time_limit": "0"})
    assert bad.status_code == 400 and "time limit must be between 1 and 600" in bad.text
    bad = client.post("/redesign", files={"problem_file": ("p.toml", b"name = [")})
    assert bad.status_code == 400 and "p.toml" in bad.text
    assert client.get("/redesign/unknown").status_code == 404
    assert client.get("/redesign/unknown/status").json()["error"].startswith("no such search")


def test_redesign_runs_and_offers_downloads(client, tmp_path):
    data = {"bundled": "medicine_f1.toml", "time_limit": "8", "seed": "0"}
    page = client.post("/redesign", data=data)
    assert page.status_code == 200
    job = str(page.url).rsplit("/", 1)[-1]
    deadline = time.monotonic() + 60
    while (status := client.get(f"/redesign/{job}/status").json())["state"] not in (
        "done",
        "failed",
    ):
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert status["state"] == "done" and status["stages"]
    assert status["stages"][0]["title"] == "finding a first compliant rota"
    text = text_of(client.get(f"/redesign/{job}").text)
    assert "compliant rota" in text and "NOT compliant" not in text
    assert "Each doctor before and after" in text and "Download Excel (.xlsx)" in text
    xlsx = client.get(f"/redesign/{job}/rota.xlsx")
    assert xlsx.status_code == 200
    (tmp_path / "found.xlsx").write_bytes(xlsx.content)
    assert len(read_rota(tmp_path / "found.xlsx").lines) == 7
    toml = client.get(f"/redesign/{job}/rota.toml")
    assert toml.status_code == 200 and b"[shifts]" in toml.content
    checker = client.get(f"/redesign/{job}/check")
    assert checker.status_code == 200 and "7 of 7 lines compliant" in text_of(checker.text)


def test_sweep_explorer_draws_filtered_charts(client, sweep_folder):
    page = client.get("/sweep", params={"folder": str(sweep_folder)})
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Unsocial rate, web test" in text and "4 runs" in text
    assert page.text.count('class="chart"') == 3 and "/static/plotly.min.js" in page.text
    assert "£" in text and "run-0000" in text
    query = {
        "folder": str(sweep_folder),
        "measure": "winners",
        "grade": "F1",
        "year": "2027/28",
        "param": "awards.default",
    }
    page = client.get("/sweep", params=query)
    assert page.status_code == 200
    titles = [fig["layout"]["title"]["text"] for fig in figures(page.text)]
    assert "Against awards.default — 2027/28, grade F1" in titles
    by_year = figures(page.text)[0]
    assert {t["name"] for t in by_year["data"]} >= {
        "awards.default = 0.02, wales-2026.unsocial_multiplier = 1.25"
    }
    assert '<option value="F1" selected>' in page.text


def test_sweep_explorer_reads_csv_only_folder(client, sweep_folder, tmp_path):
    copy = tmp_path / "csv_only"
    copy.mkdir()
    for name in ("results.csv", "manifest.csv", "summary.csv", "scenario.json"):
        (copy / name).write_bytes((sweep_folder / name).read_bytes())
    page = client.get("/sweep", params={"folder": str(copy), "measure": "pay_bill_gbp"})
    assert page.status_code == 200 and page.text.count('class="chart"') == 3


def test_sweep_explorer_errors(client, tmp_path):
    page = client.get("/sweep", params={"folder": str(tmp_path / "missing")})
    assert page.status_code == 400 and "no such folder" in page.text
    page = client.get("/sweep", params={"folder": str(tmp_path)})
    assert page.status_code == 400 and "no results.parquet or results.csv" in page.text


def test_plotly_is_served_from_the_package(client):
    response = client.get("/static/plotly.min.js")
    assert response.status_code == 200 and len(response.content) > 1_000_000
    assert client.get("/static/style.css").status_code == 200


def test_serve_helpers():
    sock = bind("127.0.0.1", 0)
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url_of(sock))
        port = sock.getsockname()[1]
        with pytest.raises(UserError, match="the port is in use"):
            bind("127.0.0.1", port)
    finally:
        sock.close()
    assert port_number("0") == 0
    with pytest.raises(Exception, match="must be 0 to 65535"):
        port_number("70000")


def test_serve_usage_error_is_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["serve", "--port", "http"])
    assert info.value.code == 2
    assert "expected a port number" in capsys.readouterr().err


def test_xlsx_upload_page(client, tmp_path):
    from simulator.io import write_rota

    path = tmp_path / "nroc.xlsx"
    write_rota(read_rota(NROC), path)
    files = {"rota": ("nroc.xlsx", io.BytesIO(path.read_bytes()))}
    page = client.post("/upload", files=files)
    assert page.status_code == 200 and "nroc.xlsx" in text_of(page.text)


def test_shutdown_ends_a_running_search():
    from optimizer.problem import read_problem
    from scenarios.web.jobs import JobRunner

    runner = JobRunner()
    problem = read_problem(example_path("department/problems/medicine_f1.toml"))
    running = runner.submit(problem, objective=None, time_limit_s=120, seed=0, source="test")
    queued = runner.submit(problem, objective=None, time_limit_s=120, seed=0, source="test")
    deadline = time.monotonic() + 60
    while not running.stages:
        assert time.monotonic() < deadline and running.state != "failed", running.error
        time.sleep(0.1)
    t0 = time.monotonic()
    runner.shutdown()
    assert time.monotonic() - t0 < 10
    assert running.state == "failed" and running.error == "the server stopped during the search"
    assert queued.state == "failed" and "before the search started" in queued.error
