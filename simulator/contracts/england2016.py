"""England 2016 TCS (2019 refresh), for comparison.

Pay for a line, GBP/year, with N the nodal point, r = N ÷ (40 × w), w = 365/7,
hours = resident duty plus expected NROC work (h/week):

- basic = N × min(hours, 40) ÷ 40 (LTFT basic = nodal point × hours ÷ 40)
- additional hours = max(hours − 40, 0) × 1.0 × r × w
- night = night hours × 0.37 × r × w; night hours are those worked 21:00–07:00, or
  every hour of an extended night (starts 20:00–24:00, lasts more than 8 h, ends
  by 10:00)
- NROC availability = 8% of basic when the line has NROC duties
- weekend allowance = a share of basic by weekend frequency, from 1 in 8.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..compile import CompiledRota
from ..model import GRADES, UserError
from ._common import by_years, check_sorted, column, frame, grade_names, metric_matrix, pack
from .kernels import P16_NAMES, PAY_2016_COLUMNS, night_hours_2016, pay_2016
from .params import ContractParams, load_params


def nodes(compiled: CompiledRota, params: ContractParams) -> np.ndarray:
    """Nodal-point index (0-based) per line, from grade and completed years."""
    node = np.zeros(compiled.n_lines, dtype=np.int64)
    n_points = len(params["nodal_points"])
    for g, grade in enumerate(GRADES):
        table = params[f"nodes_{grade}"]
        if max(table) >= n_points or min(table) < 0:
            raise UserError(f"england-2016.nodes_{grade} refers to a nodal point that is not there")
        mask = compiled.grade == g
        node[mask] = by_years(table, compiled.years[mask])
    return node


def weekend_table(params: ContractParams) -> tuple[np.ndarray, np.ndarray]:
    """Weekend allowance rows (1 in N, most frequent first; fraction of basic)."""
    one_in = check_sorted(params, "weekend_allowance_one_in")
    fraction = np.asarray(params["weekend_allowance_fraction"], dtype=np.float64)
    if fraction.shape != one_in.shape:
        raise UserError(
            "england-2016.weekend_allowance_one_in and weekend_allowance_fraction "
            "need equal lengths"
        )
    return one_in, fraction


def night_hours(compiled: CompiledRota, params: ContractParams) -> np.ndarray:
    """Night-enhanced hours of work per line, h/week."""
    return night_hours_2016(
        compiled.start_min,
        compiled.duration_min,
        compiled.kind,
        compiled.work_min,
        compiled.offsets,
        compiled.weeks,
        pack(params, P16_NAMES),
    )


def price_2016(
    compiled: CompiledRota,
    params: ContractParams | None = None,
    metrics: np.ndarray | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """England 2016 pay of every line.

    Returns
    -------
    pandas.DataFrame
        Indexed by line id: ``grade``, ``node`` (1-based nodal point), ``nodal_gbp``,
        ``hours`` (h/week), ``night_hours`` (h/week) and :data:`PAY_2016_COLUMNS`
        (GBP/year, full precision).
    """
    params = params or load_params("england-2016")
    values = metric_matrix(compiled, metrics)
    node = nodes(compiled, params)
    node_gbp = np.asarray(params["nodal_points"], dtype=np.float64)[node]
    hours = column(values, "resident_hours_per_week") + column(
        values, "nroc_expected_work_hours_per_week"
    )
    night = night_hours(compiled, params)
    one_in, fraction = weekend_table(params)
    pay = pay_2016(
        node_gbp,
        hours,
        night,
        column(values, "weekend_frequency"),
        column(values, "nroc_hours_per_week") > 0,
        one_in,
        fraction,
        pack(params, P16_NAMES),
    )
    cols: dict[str, object] = {
        "grade": grade_names(compiled),
        "node": node + 1,
        "nodal_gbp": node_gbp,
        "hours": hours,
        "night_hours": night,
    }
    cols.update({name: pay[:, i] for i, name in enumerate(PAY_2016_COLUMNS)})
    return frame(compiled, cols)
