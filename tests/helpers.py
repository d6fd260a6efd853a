"""Helpers for tests: build tiny rotas from short patterns; load benchmark instances."""

from __future__ import annotations

import pytest

from optimizer.nrp import NrpInstance, instance_path, read_instance
from simulator.io import rota_from_toml_text
from simulator.model import Rota


def benchmark_instance(number: int) -> NrpInstance:
    """Instance ``number`` of the public shift-scheduling benchmark (skips without the data)."""
    path = instance_path(number)
    if not path.exists():
        pytest.skip("benchmark data not available")
    return read_instance(path)


def make_rota(
    patterns: dict[str, str] | str,
    shifts: str,
    *,
    weeks: int = 1,
    start: str | None = None,
    grade: str = "F1",
    years: int = 0,
    ltft: bool = False,
    extra: str = "",
) -> Rota:
    """A rota from short patterns.

    Parameters
    ----------
    patterns
        ``{line id: pattern}`` or one pattern (line id ``"1"``).
    shifts
        Body of the ``[shifts]`` table, e.g. ``'D = { start = "08:00", end = "16:00" }'``.
    weeks, start, grade, years, ltft
        Rota and line attributes.
    extra
        Extra TOML keys for every line (e.g. ``'criterion_r = true'``).
    """
    if isinstance(patterns, str):
        patterns = {"1": patterns}
    text = [f"weeks = {weeks}"]
    if start:
        text.append(f"start = {start}")
    text += ["[shifts]", shifts]
    for line_id, pattern in patterns.items():
        text += [
            "[[lines]]",
            f'id = "{line_id}"',
            f'grade = "{grade}"',
            f"years = {years}",
            f"ltft = {str(ltft).lower()}",
            extra,
            f'pattern = """\n{pattern}\n"""',
        ]
    return rota_from_toml_text("\n".join(text), file="<test>")
