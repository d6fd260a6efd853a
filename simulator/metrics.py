"""Per-line rota metrics: the labelled wrapper around the metric kernel."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .compile import CompiledRota, as_compiled
from .definitions import Definitions, load_definitions
from .kernels.metrics import METRIC_NAMES, line_metrics
from .kernels.reference import line_metrics_reference
from .model import Rota

#: Metrics shown by ``rota hours`` with their display names and units.
METRIC_LABELS = {
    "duty_hours_per_week": "duty h/wk",
    "work_hours_per_week": "work h/wk",
    "resident_hours_per_week": "resident h/wk",
    "nroc_hours_per_week": "NROC h/wk",
    "nroc_expected_work_hours_per_week": "NROC work h/wk",
    "unsocial_hours_per_week": "unsocial h/wk",
    "unsocial_fraction": "unsocial share",
    "unsocial_resident_hours_per_week": "unsocial res. h/wk (incl. BH)",
    "bank_holiday_hours_per_week": "bank hol h/wk",
    "outside_core_hours_per_week": "outside 08-19 h/wk",
    "weekends_2002": "weekends (2002)",
    "weekend_frequency_2002": "weekend freq (2002)",
    "weekends": "weekends",
    "weekend_frequency": "weekend freq",
    "nights": "nights",
    "long_shifts": "long shifts",
    "long_evenings": "long evenings",
    "oncall_duties": "on-calls",
    "oncall_frequency": "on-call freq",
    "shortest_rest_hours": "min rest h",
    "longest_duty_hours": "max duty h",
    "max_consecutive_duty_days": "max duty days",
    "max_hours_in_168h": "max h in 168h",
}


def compute_metrics_array(
    compiled: Rota | CompiledRota, defs: Definitions | None = None
) -> np.ndarray:
    """Metrics matrix, shape (n_lines, len(METRIC_NAMES)), from the Numba kernel.

    A :class:`~simulator.model.Rota` is compiled first.
    """
    compiled = as_compiled(compiled)
    defs = defs or load_definitions()
    return line_metrics(
        compiled.start_min,
        compiled.duration_min,
        compiled.kind,
        compiled.work_min,
        compiled.offsets,
        compiled.weeks,
        compiled.bank_holiday,
        defs.as_array(),
    )


def compute_metrics(
    compiled: Rota | CompiledRota, defs: Definitions | None = None, *, reference: bool = False
) -> pd.DataFrame:
    """Per-line metrics as a table indexed by line id.

    Parameters
    ----------
    compiled
        The compiled rota (a :class:`~simulator.model.Rota` is compiled first).
    defs
        Time definitions (default: the bundled ones).
    reference
        Use the plain-Python reference instead of the compiled kernel.

    Returns
    -------
    pandas.DataFrame
        One row per line, columns :data:`~simulator.kernels.metrics.METRIC_NAMES`.
    """
    compiled = as_compiled(compiled)
    defs = defs or load_definitions()
    if reference:
        rows = []
        bh = [bool(x) for x in compiled.bank_holiday]
        for i in range(compiled.n_lines):
            sl = compiled.line_slice(i)
            duties = list(
                zip(
                    compiled.start_min[sl].tolist(),
                    compiled.duration_min[sl].tolist(),
                    compiled.kind[sl].tolist(),
                    compiled.work_min[sl].tolist(),
                    strict=True,
                )
            )
            ref = line_metrics_reference(duties, compiled.weeks, bh, defs)
            rows.append([ref[name] for name in METRIC_NAMES])
        values = np.array(rows, dtype=np.float64).reshape(compiled.n_lines, len(METRIC_NAMES))
    else:
        values = compute_metrics_array(compiled, defs)
    frame = pd.DataFrame(
        values, columns=list(METRIC_NAMES), index=pd.Index(compiled.line_ids, name="id")
    )
    return frame
