"""Every [A] value in the parameter files is listed in docs/assumptions.md."""

from __future__ import annotations

from scenarios.assumptions import ROOT, collect_assumptions, render_markdown


def test_assumptions_page_is_current():
    rows = collect_assumptions()
    # the reference names these as assumptions: they must be found and tagged
    keys = {(r["file"].split("/")[-1], r["key"]) for r in rows}
    assert ("wales-2026_2026-27.toml", "unsocial_multiplier") in keys
    assert ("wales-2026_2026-27.toml", "weeks_per_year") in keys
    assert any(k[0] == "wales-2026.toml" for k in keys)  # the assumed 2016-style limits
    page = (ROOT / "docs" / "assumptions.md").read_text("utf-8")
    assert page == render_markdown(rows), "regenerate: python -m scenarios.assumptions"
