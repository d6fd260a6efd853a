"""Helpers shared by the contract wrappers: metric matrices and parameter arrays."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..compile import CompiledRota
from ..kernels.metrics import METRIC_NAMES, M
from ..metrics import compute_metrics_array
from ..model import GRADES, UserError
from .params import ContractParams


def metric_matrix(compiled: CompiledRota, metrics: np.ndarray | pd.DataFrame | None) -> np.ndarray:
    """The per-line metrics matrix (n_lines, len(METRIC_NAMES)), computed when not given.

    ``metrics`` may be the matrix from :func:`simulator.metrics.compute_metrics_array`
    or the frame from :func:`simulator.metrics.compute_metrics`.
    """
    if metrics is None:
        return compute_metrics_array(compiled)
    if isinstance(metrics, pd.DataFrame):
        return np.ascontiguousarray(metrics[list(METRIC_NAMES)].to_numpy(dtype=np.float64))
    values = np.asarray(metrics, dtype=np.float64)
    if values.shape != (compiled.n_lines, len(METRIC_NAMES)):
        raise ValueError(
            f"metrics has shape {values.shape}, expected {(compiled.n_lines, len(METRIC_NAMES))}"
        )
    return values


def column(values: np.ndarray, name: str) -> np.ndarray:
    """One metric column as a contiguous float64 array."""
    return np.ascontiguousarray(values[:, M[name]])


def pack(params: ContractParams, names: tuple[str, ...]) -> np.ndarray:
    """Scalar parameters ``names`` as a float64 array (booleans become 0/1)."""
    return np.array([float(params[name]) for name in names], dtype=np.float64)


def grade_names(compiled: CompiledRota) -> list[str]:
    """Grade label of every line."""
    return [GRADES[int(g)] for g in compiled.grade]


def by_years(table: list[int] | list[float], years: np.ndarray) -> np.ndarray:
    """Entry ``min(years, len(table) - 1)`` of ``table`` for every line."""
    arr = np.asarray(table)
    return arr[np.minimum(years.astype(np.int64), len(arr) - 1)]


def check_sorted(params: ContractParams, key: str) -> np.ndarray:
    """A numeric list parameter as float64, which must be strictly increasing."""
    arr = np.asarray(params[key], dtype=np.float64)
    if np.any(np.diff(arr) <= 0):
        raise UserError(f"{params.contract}.{key} must be strictly increasing, got {list(arr)}")
    return arr


def frame(compiled: CompiledRota, columns: dict[str, object]) -> pd.DataFrame:
    """A per-line table indexed by line id."""
    return pd.DataFrame(columns, index=pd.Index(compiled.line_ids, name="id"))
