"""Kernels agree with the plain-Python reference: the department, synthetic and random rotas."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.compile import compile_rota
from simulator.model import RotaError
from simulator.rules import RULESETS, check, check_reference
from simulator.synthetic import synthetic_compiled

from ..helpers import MIXED_SHIFTS, make_rota

pytestmark = pytest.mark.kernel

SHIFTS = MIXED_SHIFTS
CELLS = ("-", "-", "-", "D", "LD", "N", "LE", "E", "P", "ROC", "OC", "OCX", "D+OC")


def records(result):
    line_of, rec_int, rec_f = result.records
    return line_of.tolist(), rec_int.tolist(), rec_f.round(9).tolist()


def assert_agree(compiled, name):
    got = check(compiled, name)
    ref = check_reference(compiled, name)
    assert records(got) == records(ref)
    assert got.compliant.tolist() == ref.compliant.tolist()
    assert [v.message for v in got.violations] == [v.message for v in ref.violations]


@pytest.mark.parametrize("name", RULESETS)
def test_department_agrees(department_compiled, name):
    for compiled in department_compiled.values():
        assert_agree(compiled, name)


@pytest.mark.parametrize("name", RULESETS)
def test_synthetic_agrees(name):
    for weeks in (1, 3, 26):
        assert_agree(synthetic_compiled(4 if weeks == 26 else 20, weeks, seed=weeks), name)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(
    weeks=st.integers(1, 3),
    data=st.data(),
    ltft=st.booleans(),
    name=st.sampled_from(RULESETS),
)
def test_random_rotas_agree(weeks, data, ltft, name):
    cells = data.draw(st.lists(st.sampled_from(CELLS), min_size=7 * weeks, max_size=7 * weeks))
    pattern = "\n".join(" ".join(cells[7 * w : 7 * w + 7]) for w in range(weeks))
    try:
        rota = make_rota(pattern, SHIFTS, weeks=weeks, ltft=ltft)
    except RotaError:
        return  # overlapping duties: not a valid rota
    assert_agree(compile_rota(rota), name)


@pytest.mark.kernel
@pytest.mark.parametrize("ruleset", ["new-deal", "wales-2026", "england-2016", "wtr"])
def test_compliant_lines_equals_check(ruleset):
    """The fast compliance-only path gives the same answer as the full check."""
    from simulator.rules import compliant_lines
    from simulator.synthetic import synthetic_compiled

    compiled = synthetic_compiled(300, 4, seed=11)
    full = check(compiled, ruleset).compliant
    assert np.array_equal(compliant_lines(compiled, ruleset), full)
    assert 0 < full.sum() < compiled.n_lines  # both outcomes are exercised
