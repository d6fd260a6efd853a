"""Helpers for tests: build tiny rotas from short patterns; load benchmark instances."""

from __future__ import annotations

import pytest

from optimizer.nrp import NrpInstance, instance_path, read_instance
from simulator.io import rota_from_toml_text
from simulator.model import Rota

#: Shift types of every kind and shape (day, long day, night, late evening, early,
#: partial, resident on-call, non-resident on-call) for the agreement tests.
MIXED_SHIFTS = """
D   = { start = "08:00", end = "16:00" }
LD  = { start = "08:00", end = "20:30" }
N   = { start = "20:00", end = "08:30" }
LE  = { start = "13:00", end = "23:30" }
E   = { start = "06:00", end = "14:00" }
P   = { start = "08:00", end = "08:00", kind = "partial", rest = 8.0 }
ROC = { start = "09:00", end = "09:00", kind = "oncall", rest = 6.0 }
OC  = { start = "17:00", end = "07:00", kind = "nroc", expected_work = 5.0 }
OCX = { start = "21:00", end = "06:00", kind = "nroc", expected_work = 4.5 }
"""


def valid_days(cells: list[str], shifts: dict) -> tuple[tuple[str, ...], ...]:
    """Day cells (``"-"``, ``"D"``, ``"D+OC"``) with the duties that would overlap the
    previous duty dropped, also across the cycle end.

    ``shifts`` maps codes to :class:`~simulator.model.ShiftType` (a rota's ``shifts``).
    """
    days: list[tuple[str, ...]] = []
    spans: list[tuple[int, str, int]] = []
    last_end = -1
    for d, cell in enumerate(cells):
        keep = []
        for code in [] if cell == "-" else cell.split("+"):
            s = d * 1440 + shifts[code].start_min
            if s >= last_end:
                keep.append(code)
                last_end = s + shifts[code].duration_min
                spans.append((d, code, s))
        days.append(tuple(keep))
    cycle = 1440 * len(cells)
    while len(spans) > 1 and spans[-1][2] + shifts[spans[-1][1]].duration_min > spans[0][2] + cycle:
        d, code, _ = spans.pop()
        days[d] = tuple(c for c in days[d] if c != code)
    return tuple(days)


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
