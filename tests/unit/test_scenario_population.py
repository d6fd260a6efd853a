"""Generated populations: size, reproducibility, grade mix, LTFT share, valid lines."""

from __future__ import annotations

import numpy as np

from scenarios.population import cycle_weeks, generate_rota, templates
from scenarios.scenario import ROTA_TYPES, scenario_from_text, with_overrides


def _population(**over):
    s = scenario_from_text("[workforce.population]\nlines = 300\nseed = 4\n")
    return with_overrides(s, {f"population.{k}": v for k, v in over.items()}).workforce.population


def test_population_is_reproducible_and_valid():
    pop = _population()
    a, b = generate_rota(pop), generate_rota(pop)
    assert a == b
    assert len(a.lines) == 300 and a.weeks == cycle_weeks() == 24
    assert {line.specialty for line in a.lines} <= set(ROTA_TYPES)
    assert generate_rota(_population(seed=5)) != a


def test_grade_mix_and_ltft_share():
    rota = generate_rota(_population(**{"grade_mix.ST": 10.0, "ltft_share": 0.5}))
    grades = np.array([line.grade for line in rota.lines])
    assert (grades == "ST").mean() > 0.7
    ltft = np.array([line.ltft for line in rota.lines])
    assert 0.35 < ltft.mean() < 0.65
    duty_days = [sum(1 for c in line.days if c) for line in rota.lines]
    assert np.mean([d for d, f in zip(duty_days, ltft, strict=True) if f]) < np.mean(
        [d for d, f in zip(duty_days, ltft, strict=True) if not f]
    )
    assert all(line.years == 0 for line in rota.lines if line.grade == "F1")


def test_only_one_rota_type():
    rota = generate_rota(
        _population(**{f"rota_types.{t}": (1.0 if t == "day" else 0.0) for t in ROTA_TYPES})
    )
    assert {line.specialty for line in rota.lines} == {"day"}
    assert set(templates()) == set(ROTA_TYPES)
