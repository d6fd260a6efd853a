"""Bundled example rotas: a fictional Welsh district general hospital.

They serve as documentation, test fixtures and benchmark workloads.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEPARTMENT = "department"


def example_path(name: str) -> Path:
    """Path of a bundled example file, e.g. ``example_path('department/f1_medicine.toml')``."""
    return Path(str(resources.files("simulator.examples").joinpath(name)))


def department_paths() -> list[Path]:
    """The rota files of the bundled department, sorted by name."""
    folder = example_path(DEPARTMENT)
    return sorted(p for p in folder.iterdir() if p.suffix == ".toml")
