"""Shared fixtures: the bundled department and a builder for tiny rotas."""

from __future__ import annotations

import os

import pytest

from simulator.compile import compile_rota
from simulator.examples import department_paths
from simulator.io import read_rota
from simulator.model import Rota

from .helpers import make_rota  # noqa: F401  (re-exported for tests)

JIT_DISABLED = os.environ.get("NUMBA_DISABLE_JIT", "0") == "1"


@pytest.fixture(scope="session")
def department() -> dict[str, Rota]:
    """The bundled department: ``{file stem: Rota}``."""
    return {p.stem: read_rota(p) for p in department_paths()}


@pytest.fixture(scope="session")
def department_compiled(department):
    """The bundled department compiled: ``{file stem: CompiledRota}``."""
    return {name: compile_rota(rota) for name, rota in department.items()}
