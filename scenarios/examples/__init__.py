"""Bundled example scenarios (TOML) on the bundled example department."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def scenario_path(name: str) -> Path:
    """Path of a bundled example scenario, e.g. ``scenario_path('wales_transition.toml')``."""
    return Path(str(resources.files("scenarios.examples").joinpath(name)))


def scenario_paths() -> list[Path]:
    """Every bundled example scenario, sorted by name."""
    folder = Path(str(resources.files("scenarios.examples")))
    return sorted(p for p in folder.iterdir() if p.suffix == ".toml")
