"""The fused line pass agrees exactly with the detailed paths.

Metrics, the verdict of every rule set, the 2002 band and pay and the 2026 pay from
:func:`simulator.fused.line_pass` / :func:`simulator.fused.metrics_and_compliance`
(forced onto the fused kernel with ``min_duties=0``) against
:func:`simulator.metrics.compute_metrics_array`, the detailed rules engine and
:func:`simulator.contracts.price`, on random cyclic lines of 1 to 26 weeks and on the
bundled department (bank holidays, on-call, LTFT).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import fused
from simulator.contracts import price
from simulator.kernels import parallel
from simulator.metrics import compute_metrics_array
from simulator.rules.engine import compliant_lines_detailed, resolve
from simulator.synthetic import synthetic_compiled

pytestmark = pytest.mark.kernel

RULESETS = ("new-deal", "wales-2026", "wtr", "england-2016")


def _agree(compiled) -> None:
    for rules in RULESETS:
        metrics, ok = fused.metrics_and_compliance(compiled, rules, min_duties=0)
        np.testing.assert_allclose(metrics, compute_metrics_array(compiled), atol=1e-9)
        detailed = compliant_lines_detailed(compiled, *resolve(compiled, rules, None))
        assert (ok == detailed).all(), rules
    out = fused.line_pass(compiled)
    p02 = price(compiled, "nhs-2002")
    p26 = price(compiled, "wales-2026")
    np.testing.assert_allclose(out["pay_2002"][:, 2], p02["total"].to_numpy(), atol=1e-6)
    np.testing.assert_allclose(out["pay_2026"][:, -1], p26["total"].to_numpy(), atol=1e-6)


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 26))
def test_random_lines_agree(seed, weeks):
    _agree(synthetic_compiled(40, weeks, seed))


def test_department_agrees(department_compiled):
    for compiled in department_compiled.values():
        _agree(compiled)


@pytest.mark.parametrize("rules", ["new-deal", "wales-2026"])
def test_lines_priced_range_by_range_agree(monkeypatch, rules):
    """On several threads each range of lines is priced on its own: same arrays as one range.

    ``new-deal`` is decided in the kernel, so a range is priced as soon as the kernel
    has run it; ``wales-2026`` (rest during NROC) is decided afterwards, and then
    priced range by range.
    """
    compiled = synthetic_compiled(300, 4, 7)
    whole = fused.line_pass(compiled, rules)
    priced_lines: list[int] = []
    real_price = fused._price

    def spy(part, out, p02, p26):
        priced_lines.append(part.n_lines)
        return real_price(part, out, p02, p26)

    monkeypatch.setattr(fused, "_price", spy)
    monkeypatch.setattr(parallel, "threads_for", lambda n_duties, limit=0: 2)
    ranged = fused.line_pass(compiled, rules)
    ranges = parallel.line_ranges(compiled.offsets, parallel.range_fractions(2))
    assert len(priced_lines) == len(ranges) - 1 > 2
    assert sum(priced_lines) == compiled.n_lines
    for key in fused.LINE_PASS_KEYS:
        np.testing.assert_array_equal(ranged[key], whole[key], err_msg=key)


def test_lines_of_a_compiled_rota():
    """``CompiledRota.lines(lo, hi)``: the same lines, duty by duty, offsets from 0."""
    compiled = synthetic_compiled(10, 3, 2)
    part = compiled.lines(3, 7)
    assert part.line_ids == ("3", "4", "5", "6")
    assert part.offsets[0] == 0 and part.n_duties == compiled.offsets[7] - compiled.offsets[3]
    for i in range(4):
        mine, theirs = part.line_slice(i), compiled.line_slice(3 + i)
        for name in ("start_min", "duration_min", "kind", "work_min", "day", "shift_index"):
            np.testing.assert_array_equal(
                getattr(part, name)[mine], getattr(compiled, name)[theirs]
            )
    np.testing.assert_array_equal(part.grade, compiled.grade[3:7])
    assert part.specialty == compiled.specialty[3:7] and part.weeks == compiled.weeks
