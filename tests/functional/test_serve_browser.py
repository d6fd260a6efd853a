"""``rota serve`` in headless Chromium: what a rota coordinator sees and does.

The server runs in a thread on a free port; Playwright drives Debian's Chromium
(``/usr/bin/chromium``, no browser download). Skipped when Chromium or Playwright is
missing. With ``ROTA_SCREENSHOTS=DIR`` the main pages are also saved as
``DIR/serve_*.png`` (the screenshots in docs/img are made this way).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip(
        "Chromium is not installed (Debian: apt-get install chromium)", allow_module_level=True
    )
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the web extra is not installed")
expect = playwright_api.expect

from scenarios.web import create_app  # noqa: E402
from simulator.examples import example_path  # noqa: E402
from simulator.io import read_rota  # noqa: E402

from .serve_fixtures import make_sweep  # noqa: E402

SURGERY = example_path("department/registrar_surgery_legacy.toml")
#: Laptop-sized window.
VIEWPORT = {"width": 1440, "height": 900}
#: Longest wait for a page element, ms.
WAIT_MS = 30_000
#: Where to save the screenshots as well (resolved now: a test changes folder).
SCREENSHOTS = (
    Path(os.environ["ROTA_SCREENSHOTS"]).resolve() if os.environ.get("ROTA_SCREENSHOTS") else None
)


@pytest.fixture(scope="module")
def server():
    """The web app on a free port of 127.0.0.1, in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = uvicorn.Config(create_app(), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


def shot(page, name: str, tmp_path: Path, *, full_page: bool = False) -> None:
    """Screenshot into ``tmp_path`` (and into ``$ROTA_SCREENSHOTS`` when set)."""
    page.screenshot(path=str(tmp_path / f"serve_{name}.png"), full_page=full_page)
    if SCREENSHOTS is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"serve_{name}.png"), full_page=full_page)


def test_upload_check_compare_then_redesign_and_download(server, page, tmp_path):
    page.goto(server + "/")
    expect(page.get_by_role("heading", name="Check and price a rota")).to_be_visible()
    expect(page.get_by_text("Surgery registrars, legacy resident on-call")).to_be_visible()
    shot(page, "home", tmp_path)

    # upload the legacy surgery rota, as a coordinator would
    page.set_input_files("#rota-file", str(SURGERY))
    page.get_by_role("button", name="Check and price").click()
    page.wait_for_url("**/rota/**")
    heading = page.get_by_role("heading", level=1)
    assert "Surgery registrars, legacy resident on-call" in heading.inner_text()
    headers = page.locator("table.rota-grid").first.locator("tr.days th").all_inner_texts()
    assert headers[:7] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    expect(page.get_by_text("0 of 4 lines compliant")).to_be_visible()

    # a breach is marked on the cell where it happens: Saturday of week 1, line SpR-1
    cell = page.locator('td.violation[data-line="SpR-1"][data-day="5"]')
    assert cell.inner_text().split() == ["ROC", "1"]
    assert "the ROC starting Sat wk1 08:00 lasts 24.0 h" in cell.get_attribute("title")
    cell.click()
    picked = page.locator("#violations tr.picked")
    picked.first.wait_for()
    assert "SpR-1" in picked.first.inner_text()

    compare = page.locator("#compare-table")
    assert "£131,408" in compare.inner_text() and "+£22,490" in compare.inner_text()
    assert "4 better off, 0 worse off" in compare.inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "results", tmp_path)

    # switch rule set: the page reloads with the same rota
    page.select_option("select[name=rules]", "new-deal")
    page.wait_for_url("**rules=new-deal**")
    assert "New Deal (2002 contract)" in page.locator("#grid .hint").inner_text()

    # redesign the bundled F1 medicine rota for 6 s
    page.get_by_role("link", name="Redesign", exact=True).click()
    page.get_by_label("Medicine F1 redesign medicine_f1.toml", exact=False).check()
    page.fill("input[name=time_limit]", "6")
    page.get_by_role("button", name="Start the search").click()
    page.locator("#stages tbody tr:not(.empty)").first.wait_for()
    assert "finding a first compliant rota" in page.locator("#stages").inner_text()
    assert page.locator("#progress-title").inner_text().startswith(("Searching", "Search"))

    page.locator("#downloads").wait_for()
    result = page.locator(".stat").first.inner_text()
    assert "compliant rota" in result and "NOT" not in result
    assert "£" in page.locator("#doctors").inner_text()
    shot(page, "redesign", tmp_path)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download Excel (.xlsx)").click()
    path = tmp_path / "redesign.xlsx"
    info.value.save_as(path)
    rota = read_rota(path)
    assert len(rota.lines) == 7 and rota.weeks == 6


def test_bad_upload_shows_the_message(server, page, tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text("name = 'x'\nweeks = 1\n[shifts]\nD = { start = '08:00' }\n", "utf-8")
    page.goto(server + "/")
    page.set_input_files("#rota-file", str(bad))
    page.get_by_role("button", name="Check and price").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "broken.toml" in alert.inner_text()
    assert "Traceback" not in page.content()


def test_sweep_explorer_charts_and_filters(server, page, tmp_path, monkeypatch):
    make_sweep(tmp_path, "sweeps/unsocial")
    monkeypatch.chdir(tmp_path)  # the server's working folder: relative paths start here
    page.goto(server + "/sweep")
    page.get_by_role("link", name="sweeps/unsocial").wait_for()
    page.fill("input[name=folder]", "sweeps/unsocial")
    page.get_by_role("button", name="Open").click()
    page.locator("#chart-by_year .main-svg").first.wait_for()
    expect(page.get_by_text("Unsocial rate, web test")).to_be_visible()
    assert page.locator(".chart .main-svg").count() >= 3
    shot(page, "sweep", tmp_path, full_page=True)

    page.select_option("select[name=measure]", "protection_cost_gbp")
    page.wait_for_url("**measure=protection_cost_gbp**")
    page.locator("#chart-by_year .main-svg").first.wait_for()
    assert "Protection cost (£/year)" in page.locator("#chart-by_year").inner_text()
    page.select_option("select[name=grade]", "F1")
    page.wait_for_url("**grade=F1**")
    assert "grade F1" in page.locator("#chart-vs_param").inner_text()
