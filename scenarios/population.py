"""Generated populations of rota lines with a grade mix, an LTFT share and rota types.

Each rota type is a template pattern (four of them are the bundled department's
rolling rotas, one is Monday–Friday 09:00–17:00 days). A generated line takes its
type's template, starts it at a random week (a rolling rota), and repeats it to the
common cycle of all templates (24 weeks), so every line of the population lives in
one :class:`~simulator.model.Rota`. An LTFT line keeps a random ``ltft_keep`` share
of its duty days. Removing days or rotating whole weeks of a valid cyclic pattern
keeps it valid. The draw is reproducible from ``Population.seed``.

Years of service [A]: F1 0, F2 1, CT uniform on 0–2, ST uniform on 0–``max_years``.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache

import numpy as np

from simulator.examples import example_path
from simulator.io import read_rota
from simulator.model import GRADES, Line, Rota, ShiftType, parse_clock

from .scenario import ROTA_TYPES, Population

#: Template of each rota type: bundled rota file (first line is the pattern), or None.
TEMPLATE_FILES = {
    "full-shift": "department/f1_medicine.toml",
    "ed-shift": "department/ed_f2.toml",
    "nroc": "department/registrar_medicine.toml",
    "resident-oncall": "department/registrar_surgery_legacy.toml",
    "day": None,
}
#: Short prefixes that keep the templates' shift codes apart.
PREFIX = {"full-shift": "fs", "ed-shift": "ed", "nroc": "nr", "resident-oncall": "ro", "day": "dy"}
#: Upper bound of completed years drawn for CT lines [A].
CT_MAX_YEARS = 2
#: Upper bound of completed years drawn for DCT lines (DCT1-3) [A].
DCT_MAX_YEARS = 2


@cache
def templates() -> dict[str, tuple[int, dict[str, ShiftType], tuple[tuple[str, ...], ...]]]:
    """``{rota type: (weeks, shifts by prefixed code, days of the template line)}``."""
    out = {}
    for kind, name in TEMPLATE_FILES.items():
        prefix = PREFIX[kind]
        if name is None:
            day = ShiftType(f"{prefix}_D", parse_clock("09:00"), parse_clock("17:00"))
            shifts = {day.code: day}
            days = tuple((day.code,) if d < 5 else () for d in range(7))
            out[kind] = (1, shifts, days)
            continue
        rota = read_rota(example_path(name))
        shifts = {f"{prefix}_{c}": replace(s, code=f"{prefix}_{c}") for c, s in rota.shifts.items()}
        days = tuple(tuple(f"{prefix}_{c}" for c in cell) for cell in rota.lines[0].days)
        out[kind] = (rota.weeks, shifts, days)
    return out


def cycle_weeks() -> int:
    """Common cycle of all templates, weeks (their least common multiple)."""
    return math.lcm(*(w for w, _, _ in templates().values()))


def _normalised(pairs: tuple[tuple[str, float], ...], keys: tuple[str, ...]) -> np.ndarray:
    table = dict(pairs)
    p = np.array([table.get(k, 0.0) for k in keys], dtype=np.float64)
    return p / p.sum()


def generate_rota(population: Population, name: str = "Generated population") -> Rota:
    """Draw a population of lines as one rota.

    Parameters
    ----------
    population
        Size, seed, grade mix, LTFT share and rota-type mix.
    name
        Rota name.

    Returns
    -------
    Rota
        ``population.lines`` lines with ids ``P00000``…, a cycle of :func:`cycle_weeks`
        weeks, and ``specialty`` set to the rota type.
    """
    rng = np.random.default_rng(population.seed)
    tmpl = templates()
    weeks = cycle_weeks()
    n = population.lines
    grades = rng.choice(len(GRADES), size=n, p=_normalised(population.grade_mix, GRADES))
    types = rng.choice(len(ROTA_TYPES), size=n, p=_normalised(population.rota_types, ROTA_TYPES))
    ltft = rng.random(n) < population.ltft_share
    start_u = rng.random(n)
    years_u = rng.random(n)
    shifts: dict[str, ShiftType] = {}
    for _, s, _ in tmpl.values():
        shifts.update(s)
    lines = []
    for i in range(n):
        kind = ROTA_TYPES[int(types[i])]
        t_weeks, _, days = tmpl[kind]
        offset = int(start_u[i] * t_weeks) * 7
        base = days[offset:] + days[:offset]
        pattern = list(base * (weeks // t_weeks))
        if ltft[i]:
            keep = rng.random(len(pattern)) < population.ltft_keep
            worked = [d for d, cell in enumerate(pattern) if cell]
            if worked and not any(keep[d] for d in worked):
                keep[worked[0]] = True
            pattern = [cell if keep[d] else () for d, cell in enumerate(pattern)]
        grade = GRADES[int(grades[i])]
        top = {
            "F1": 0,
            "F2": 1,
            "CT": CT_MAX_YEARS,
            "ST": population.max_years,
            "DCT": DCT_MAX_YEARS,
        }[grade]
        years = top if grade in ("F1", "F2") else int(years_u[i] * (top + 1))
        lines.append(
            Line(
                id=f"P{i:05d}",
                grade=grade,
                years=min(years, top),
                days=tuple(pattern),
                ltft=bool(ltft[i]),
                specialty=kind,
            )
        )
    return Rota(name=name, weeks=weeks, shifts=shifts, lines=tuple(lines), source="<population>")
