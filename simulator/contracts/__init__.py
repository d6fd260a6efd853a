"""Pay engines: the 2002 contract, the 2026 Welsh contract and England 2016.

Public interface (kept stable for the simulation engine and scenario sweeps):

- :data:`CONTRACTS`, :data:`PAY_YEARS`
- :func:`load_params` — contract parameters from the bundled files, a file, overrides
- :func:`price` — one row per line: pay components (GBP/year) and totals
- :func:`compare` — 2002 band and pay beside 2026 pay, change and protection cost,
  as the JSON of ``rota compare``.

Money is kept at full precision; :func:`compare` rounds to pence for output.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..compile import CompiledRota, compile_rota
from ..kernels.metrics import M
from ..model import Rota, RotaError, UserError
from ._common import metric_matrix, pack
from .england2016 import price_2016
from .kernels import P26_NAMES, protection
from .nhs2002 import band_and_pay, band_flags, kernel_arrays, new_deal_compliance, price_2002
from .params import (
    CONTRACTS,
    PAY_YEARS,
    ContractParams,
    check_override_paths,
    load_params,
    parse_overrides,
    parse_params_text,
)
from .wales2026 import nroc_paid_hours, pay_matrix, pay_points, premium_per_line, price_2026

__all__ = [
    "CONTRACTS",
    "PAY_COMPONENTS",
    "PAY_YEARS",
    "ContractParams",
    "compare",
    "compare_frame",
    "load_all_params",
    "load_params",
    "parse_overrides",
    "price",
    "price_welsh_arrays",
]

#: Pay components of each contract, in order (GBP/year), ending with the total.
PAY_COMPONENTS = {
    "nhs-2002": ("basic", "supplement", "total"),
    "wales-2026": (
        "basic",
        "additional_hours",
        "unsocial",
        "nroc_availability",
        "nroc_work",
        "premia",
        "total",
    ),
    "england-2016": ("basic", "additional_hours", "night", "nroc_availability", "weekend", "total"),
}

#: Digits kept for hours, fractions and frequencies in the compare JSON.
_DIGITS = 6


def _compiled(rota: Rota | CompiledRota) -> CompiledRota:
    return compile_rota(rota) if isinstance(rota, Rota) else rota


@contextmanager
def _in_file(rota: Rota | CompiledRota) -> Iterator[None]:
    """Add the rota's source file to a RotaError raised while pricing it."""
    try:
        yield
    except RotaError as exc:
        if isinstance(rota, Rota) and exc.file is None:
            raise exc.located(file=rota.source) from None
        raise


def load_all_params(
    pay_year: str = "2026/27",
    paths: Iterable[str | Path] = (),
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, ContractParams]:
    """Parameters of every contract for ``pay_year``.

    Parameters
    ----------
    pay_year
        Pay year of the bundled files.
    paths
        Parameter files replacing the bundled file of the contract each one names.
    overrides
        ``{"CONTRACT.KEY": value}`` applied to the matching contract; unknown paths
        are errors.
    """
    overrides = dict(overrides or {})
    check_override_paths(overrides)
    files: dict[str, Path] = {}
    for path in paths:
        file = Path(path)
        if not file.is_file():
            raise UserError(f"{file}: parameter file not found")
        params = parse_params_text(file.read_text("utf-8"), source=str(file))
        files[params.contract] = file
    return {c: load_params(c, pay_year, path=files.get(c), overrides=overrides) for c in CONTRACTS}


def price(
    compiled: Rota | CompiledRota,
    contract: str,
    pay_year: str = "2026/27",
    params: ContractParams | None = None,
    metrics: np.ndarray | pd.DataFrame | None = None,
    *,
    new_deal_compliant: np.ndarray | None = None,
) -> pd.DataFrame:
    """Price every line of a rota under one contract.

    Parameters
    ----------
    compiled
        The compiled rota (a :class:`~simulator.model.Rota` is compiled first).
    contract
        ``"nhs-2002"``, ``"wales-2026"`` or ``"england-2016"``.
    pay_year
        Pay year of the bundled parameters (used when ``params`` is ``None``).
    params
        Contract parameters; must be for ``contract``.
    metrics
        Precomputed per-line metrics (matrix or frame); computed when ``None``.
    new_deal_compliant
        2002 only: per-line New Deal compliance (default: the rules engine).

    Returns
    -------
    pandas.DataFrame
        One row per line indexed by id. Money columns are GBP/year at full precision and
        always include ``total``. 2002 adds ``band`` and ``explanation`` (list of steps).
    """
    rota, compiled = compiled, _compiled(compiled)
    if params is None:
        params = load_params(contract, pay_year)
    elif params.contract != contract:
        raise UserError(f"parameters are for {params.contract!r}, not {contract!r}")
    if contract == "nhs-2002":
        return price_2002(compiled, params, metrics, new_deal_compliant=new_deal_compliant)
    if contract == "wales-2026":
        with _in_file(rota):
            return price_2026(compiled, params, metrics)
    return price_2016(compiled, params, metrics)


def price_welsh_arrays(
    compiled: CompiledRota,
    metrics: np.ndarray,
    new_deal_compliant: np.ndarray,
    params: Mapping[str, ContractParams] | None = None,
    pay_year: str = "2026/27",
) -> dict[str, np.ndarray]:
    """Both Welsh contracts as plain arrays: the fast path for simulations and sweeps.

    Parameters
    ----------
    compiled
        The compiled rota.
    metrics
        Metrics matrix from :func:`simulator.metrics.compute_metrics_array`.
    new_deal_compliant
        Per-line New Deal compliance (bool array).
    params
        ``{contract: ContractParams}``; missing contracts use the bundled files.
    pay_year
        Pay year of the bundled files.

    Returns
    -------
    dict
        ``band`` (int8 codes, see ``kernels.BANDS``), ``pay_2002`` (n, 3: basic,
        supplement, total), ``pay_2026`` (n, 7: ``kernels.PAY_2026_COLUMNS``),
        ``protected`` and ``protection_cost`` (GBP/year, full precision).
    """
    params = dict(params or {})
    p02 = params.get("nhs-2002") or load_params("nhs-2002", pay_year)
    p26 = params.get("wales-2026") or load_params("wales-2026", pay_year)
    band, _, _, pay02 = band_and_pay(
        compiled, metrics, band_flags(compiled, p02), new_deal_compliant, kernel_arrays(p02)
    )
    point, _ = pay_points(compiled, p26)
    pay26 = pay_matrix(
        metrics,
        point,
        nroc_paid_hours(compiled, p26),
        premium_per_line(compiled, p26),
        pack(p26, P26_NAMES),
    )
    protected, cost = protection(
        np.ascontiguousarray(pay26[:, 6]), np.ascontiguousarray(pay02[:, 2])
    )
    return {
        "band": band,
        "pay_2002": pay02,
        "pay_2026": pay26,
        "protected": protected,
        "protection_cost": cost,
    }


def _money(x: float) -> float:
    return round(float(x), 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def compare(
    compiled: Rota | CompiledRota,
    pay_year: str = "2026/27",
    params: Mapping[str, ContractParams] | None = None,
    metrics: np.ndarray | pd.DataFrame | None = None,
    *,
    new_deal_compliant: np.ndarray | None = None,
    name: str | None = None,
) -> dict:
    """Compare the 2002 contract with the 2026 Welsh contract, line by line.

    Parameters
    ----------
    compiled
        The compiled rota (a :class:`~simulator.model.Rota` is compiled first and
        gives the name).
    pay_year
        Pay year for both contracts.
    params
        ``{contract: ContractParams}``; missing contracts use the bundled files.
    metrics
        Precomputed per-line metrics; computed when ``None``.
    new_deal_compliant
        Per-line New Deal compliance (default: the rules engine).
    name
        Rota name for the ``rota`` field.

    Returns
    -------
    dict
        The JSON of ``rota compare`` (see ARCHITECTURE.md): money in pounds rounded to
        2 dp, hours in hours, frequencies as fractions (the 2002 definitions, which
        drive the band); ``actual_work_hours`` includes prospective cover when a line
        asks for it; change = 2026 total − 2002 total; protection cost = max(0, −change).
    """
    if isinstance(compiled, Rota):
        name = compiled.name if name is None else name
    rota, compiled = compiled, _compiled(compiled)
    params = dict(params or {})
    p02 = params.get("nhs-2002") or load_params("nhs-2002", pay_year)
    p26 = params.get("wales-2026") or load_params("wales-2026", pay_year)
    values = metric_matrix(compiled, metrics)
    if new_deal_compliant is None:
        new_deal_compliant = new_deal_compliance(compiled)
    old = price_2002(compiled, p02, values, new_deal_compliant=new_deal_compliant, explain=False)
    with _in_file(rota):
        new = price_2026(compiled, p26, values)
    total_02 = old["total"].to_numpy()
    total_26 = new["total"].to_numpy()
    _, cost = protection(total_26, total_02)
    lines = []
    for i, line_id in enumerate(compiled.line_ids):
        o = old.iloc[i]
        n = new.iloc[i]
        lines.append(
            {
                "id": line_id,
                "grade": o["grade"],
                "avg_weekly_hours": round(float(values[i, M["duty_hours_per_week"]]), _DIGITS),
                "actual_work_hours": round(float(o["banding_hours"]), _DIGITS),
                "unsocial_fraction": round(float(values[i, M["unsocial_fraction"]]), _DIGITS),
                "weekend_frequency": round(float(values[i, M["weekend_frequency_2002"]]), _DIGITS),
                "oncall_frequency": round(float(values[i, M["oncall_frequency"]]), _DIGITS),
                "band_2002": o["band"],
                "pay_2002": {k: _money(o[k]) for k in ("basic", "supplement", "total")},
                "pay_2026": {k: _money(n[k]) for k in PAY_COMPONENTS["wales-2026"]},
                "change": _money(total_26[i] - total_02[i]),
                "protection_cost": _money(cost[i]),
            }
        )
    return {
        "rota": name if name is not None else "",
        "pay_year": p26.pay_year,
        "lines": lines,
        "summary": {
            "lines": len(lines),
            "winners": sum(1 for line in lines if line["change"] > 0),
            "losers": sum(1 for line in lines if line["change"] < 0),
            "total_2002": _money(total_02.sum()),
            "total_2026": _money(total_26.sum()),
            "total_protection_cost": _money(cost.sum()),
        },
    }


def compare_frame(result: dict) -> pd.DataFrame:
    """Flatten a :func:`compare` result into one row per line (``pay_2002_total``, …)."""
    rows = []
    for line in result["lines"]:
        row: dict[str, Any] = {}
        for key, value in line.items():
            if isinstance(value, dict):
                row.update({f"{key}_{k}": v for k, v in value.items()})
            else:
                row[key] = value
        rows.append(row)
    return pd.DataFrame(rows)
