"""The 2026 Welsh resident doctor contract: pay points, hours-based pay and protection.

Pay for a line (reference §2.2), all terms GBP/year, with P the pay point, r = P ÷
(40 × w) the hourly rate, w = 365/7 weeks a year, H resident hours, U unsocial
resident hours incl. bank holidays, A hours rostered on NROC (all h/week):

- basic = P × min(H, 40) ÷ 40
- additional hours = max(H − 40, 0) × r × w
- unsocial = U × (m − 1) × r × w, m = ``unsocial_multiplier`` (1.5)
- NROC availability = A × 0.5 × r × w
- NROC work = (plain paid hours × 1.0 + unsocial paid hours × 1.5) × r × w, where
  per NROC duty the whole duty is paid when the expected work is more than 75% of it
- premia: GP and OMFS, parameters with no default.

Pay point: F1, F2, or registrar point ``min(years // registrar_years_per_point, 4)``
(0-based) for CT and ST.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..compile import CompiledRota
from ..definitions import load_definitions
from ..model import GRADE_CODE, RotaError
from ._common import column, frame, grade_names, metric_matrix, pack
from .kernels import P26_NAMES, PAY_2026_COLUMNS, nroc_paid_hours_2026, pay_2026
from .params import ContractParams, load_params


def pay_points(compiled: CompiledRota, params: ContractParams) -> tuple[np.ndarray, np.ndarray]:
    """Pay point (GBP/year) and its label per line.

    Returns
    -------
    point_gbp : ndarray of float64
    label : ndarray of str
        ``"F1"``, ``"F2"`` or ``"R1"``…``"R5"``.
    """
    registrar = np.asarray(params["pay_point_registrar"], dtype=np.float64)
    step = max(1, int(params["registrar_years_per_point"]))
    idx = np.minimum(compiled.years.astype(np.int64) // step, len(registrar) - 1)
    point = registrar[idx]
    label = np.array([f"R{i + 1}" for i in idx], dtype=object)
    for grade in ("F1", "F2"):
        mask = compiled.grade == GRADE_CODE[grade]
        point = np.where(mask, float(params[f"pay_point_{grade}"]), point)
        label[mask] = grade
    return np.ascontiguousarray(point, dtype=np.float64), label


def premium_per_line(compiled: CompiledRota, params: ContractParams) -> np.ndarray:
    """Full-time premium per line, GBP/year (0 without one).

    Raises
    ------
    RotaError
        A GP or OMFS line while ``gp_premium_gbp`` / ``omfs_premium_gbp`` is not set:
        the message names the (first such) line, its specialty and the parameter, and
        says how to set it; callers holding the rota add its file.
    """
    out = np.zeros(compiled.n_lines, dtype=np.float64)
    for prefix in ("gp", "omfs"):
        key, names_key = f"{prefix}_premium_gbp", f"{prefix}_specialties"
        names = {s.strip().casefold() for s in params[names_key]}
        mask = np.array([s.strip().casefold() in names for s in compiled.specialty], dtype=bool)
        if not mask.any():
            continue
        if params.get(key) is None:
            i = int(np.flatnonzero(mask)[0])
            raise RotaError(
                premium_not_set(params.contract, key, compiled.specialty[i]),
                line=compiled.line_ids[i],
                field="specialty",
            )
        out[mask] = float(params[key])
    return out


def premium_not_set(contract: str, key: str, specialty: str) -> str:
    """The message for a GP or OMFS line priced while its premium has no value."""
    return (
        f"{contract}.{key} is not set and specialty {specialty.strip()!r} is paid the "
        f"premium: give it with --set {contract}.{key}=VALUE (GBP/year)"
    )


def nroc_paid_hours(compiled: CompiledRota, params: ContractParams) -> np.ndarray:
    """Paid NROC work per line in plain and unsocial time, h/week, shape (n_lines, 2)."""
    return nroc_paid_hours_2026(
        compiled.start_min,
        compiled.duration_min,
        compiled.kind,
        compiled.work_min,
        compiled.offsets,
        compiled.weeks,
        compiled.bank_holiday,
        load_definitions().as_array(),
        pack(params, P26_NAMES),
    )


def pay_matrix(
    values: np.ndarray,
    point_gbp: np.ndarray,
    nroc_paid: np.ndarray,
    premium: np.ndarray,
    params_array: np.ndarray,
) -> np.ndarray:
    """Run the 2026 pay kernel over a metrics matrix; columns :data:`PAY_2026_COLUMNS`."""
    return pay_2026(
        point_gbp,
        column(values, "resident_hours_per_week"),
        column(values, "unsocial_resident_hours_per_week"),
        column(values, "nroc_hours_per_week"),
        np.ascontiguousarray(nroc_paid[:, 0]),
        np.ascontiguousarray(nroc_paid[:, 1]),
        premium,
        params_array,
    )


def price_2026(
    compiled: CompiledRota,
    params: ContractParams | None = None,
    metrics: np.ndarray | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """2026 Welsh pay of every line.

    Returns
    -------
    pandas.DataFrame
        Indexed by line id: ``grade``, ``pay_point`` (label), ``pay_point_gbp``,
        ``hourly_rate_gbp`` and the components :data:`PAY_2026_COLUMNS` in GBP/year
        (full precision).
    """
    params = params or load_params("wales-2026")
    values = metric_matrix(compiled, metrics)
    point, label = pay_points(compiled, params)
    p = pack(params, P26_NAMES)
    pay = pay_matrix(
        values, point, nroc_paid_hours(compiled, params), premium_per_line(compiled, params), p
    )
    hourly = point / (params["basic_hours_per_week"] * params["weeks_per_year"])
    cols: dict[str, object] = {
        "grade": grade_names(compiled),
        "pay_point": list(label),
        "pay_point_gbp": point,
        "hourly_rate_gbp": hourly,
    }
    cols.update({name: pay[:, i] for i, name in enumerate(PAY_2026_COLUMNS)})
    return frame(compiled, cols)
