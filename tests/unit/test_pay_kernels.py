"""Compiled pay kernels against the independent plain-Python reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.contracts import CONTRACTS, load_params, price
from simulator.contracts.reference import price_reference
from simulator.metrics import compute_metrics
from simulator.synthetic import synthetic_compiled

pytestmark = pytest.mark.kernel

COLUMNS = {
    "nhs-2002": ["banding_hours", "basic", "supplement", "total"],
    "wales-2026": [
        "basic", "additional_hours", "unsocial", "nroc_availability", "nroc_work", "premia",
        "total",
    ],
    "england-2016": ["basic", "additional_hours", "night", "nroc_availability", "weekend", "total"],
}  # fmt: skip


def _agree(compiled, contract, new_deal):
    params = load_params(contract)
    got = price(compiled, contract, params=params, new_deal_compliant=new_deal)
    ref = price_reference(
        compiled, contract, params, compute_metrics(compiled, reference=True), new_deal
    )
    cols = COLUMNS[contract]
    np.testing.assert_allclose(got[cols].to_numpy(float), ref[cols].to_numpy(float), rtol=1e-9)
    if contract == "nhs-2002":
        assert list(got["band"]) == list(ref["band"])
        for explanation, steps in zip(got["explanation"], ref["steps"], strict=True):
            # one plain-English step per question, between the header and the verdict
            # (after a notice when an LTFT-flagged line works the full 40 h week)
            if explanation[0].startswith("Notice"):
                explanation = explanation[1:]
            assert len(explanation) == len(steps) + 2
            for text, step in zip(explanation[1:-1], steps, strict=True):
                assert text.endswith(step.split("=")[1])


@pytest.mark.parametrize("contract", CONTRACTS)
def test_department_agrees_with_reference(department_compiled, contract):
    for compiled in department_compiled.values():
        for flag in (True, False):
            _agree(compiled, contract, np.full(compiled.n_lines, flag))


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(1, 6))
def test_synthetic_lines_agree_with_reference(seed, weeks):
    compiled = synthetic_compiled(12, weeks, seed)
    new_deal = np.random.default_rng(seed).random(12) < 0.8
    for contract in CONTRACTS:
        _agree(compiled, contract, new_deal)
