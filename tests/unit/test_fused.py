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
