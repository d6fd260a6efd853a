"""Dependencies point one way: scenarios -> optimizer -> simulator.

The simulator never imports optimizer or scenarios; the optimizer never imports
scenarios; nothing below scenarios prints, draws or parses command lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IMPORTS = {
    "simulator": ("optimizer", "scenarios", "argparse", "matplotlib", "rich"),
    "optimizer": ("scenarios", "argparse", "matplotlib", "rich"),
}


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        yield path, ast.parse(path.read_text("utf-8"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN_IMPORTS))
def test_imports_point_one_way(package):
    bad = []
    for path, tree in _modules(package):
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FORBIDDEN_IMPORTS[package]:
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert not bad, bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN_IMPORTS))
def test_nothing_below_scenarios_prints(package):
    calls = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _modules(package)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"
    ]
    assert not calls, calls
