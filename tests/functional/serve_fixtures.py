"""Shared by the ``rota serve`` tests: a small real sweep output folder."""

from __future__ import annotations

from pathlib import Path

from scenarios.cli import main

#: A 2 × 2 grid over the bundled department, one seed, two pay years (a few seconds).
SWEEP_SCENARIO = """
id = "web-test"
title = "Unsocial rate, web test"
years = 2
[workforce]
rotas = ["department"]
[sweep]
seeds = [1]
[sweep.grid]
"wales-2026.unsocial_multiplier" = [1.25, 1.5]
"awards.default" = [0.02, 0.04]
"""


def make_sweep(root: Path, out: str = "out") -> Path:
    """Run ``rota sweep`` on :data:`SWEEP_SCENARIO` into ``root / out``; return that folder."""
    scenario = root / "web_test.toml"
    scenario.write_text(SWEEP_SCENARIO, "utf-8")
    folder = root / out
    assert main(["sweep", str(scenario), "--out", str(folder), "--workers", "0"]) == 0
    return folder
