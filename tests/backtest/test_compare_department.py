"""Backtest: the `rota compare` JSON of every bundled department rota, frozen.

The frozen files in ``data/`` were checked by hand (see the arithmetic in
``tests/unit/test_pay_2002.py`` and ``tests/unit/test_pay_2026.py``). To refresh them
after a deliberate change: ``ROTA_BACKTEST_UPDATE=1 pytest tests/backtest``, then
review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from simulator.contracts import compare
from simulator.examples import department_paths

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("path", department_paths(), ids=lambda p: p.stem)
def test_compare_json_is_frozen(department, path):
    result = json.loads(json.dumps(compare(department[path.stem])))
    frozen = DATA / f"compare_{path.stem}.json"
    if os.environ.get("ROTA_BACKTEST_UPDATE") == "1":
        frozen.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    assert result == json.loads(frozen.read_text("utf-8"))
