"""Every line at memory speed: metrics, compliance, 2002 band and 2026 pay in one pass.

:func:`line_pass` runs the fused kernel (:mod:`simulator.kernels.fused`) over
every line of a compiled rota -- one loop over each line's duties gives its
metrics row, its New Deal (or any rule set's) verdict and the inputs the pay
kernels need -- then the vectorised 2002 band and pay kernels and the 2026 pay
kernel run on those arrays. The result equals the detailed path
(:func:`simulator.metrics.compute_metrics_array`,
:func:`simulator.rules.compliant_lines`, :func:`simulator.contracts.price_welsh_arrays`)
exactly; use it when many lines are priced at once (populations, sweeps,
benchmarks).

:func:`metrics_and_compliance` and :func:`compliance` pick the fused kernel for
large rotas and the detailed kernels for small ones, which are the kernels the
other commands compile anyway (a first run compiles less).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .compile import CompiledRota, as_compiled
from .contracts.kernels import P26_NAMES, protection
from .contracts.params import ContractParams, load_params
from .definitions import Definitions
from .kernels.metrics import N_METRICS
from .model import GRADE_CODE, Rota
from .rules.ruleset import RuleSet

#: From this many duties the fused kernel is used by :func:`compliance` and
#: :func:`metrics_and_compliance` (below it, the detailed kernels).
FUSED_MIN_DUTIES = 200_000

#: Pay parameters for the fused kernel when only metrics and verdicts are wanted.
_NO_PAY = np.zeros(4, dtype=np.float64)

#: Arrays returned by :func:`line_pass`.
LINE_PASS_KEYS = (
    "metrics",
    "compliant",
    "oncall_rota",
    "criterion_r",
    "resident",
    "nroc_paid",
    "band",
    "banding_hours",
    "pay_2002",
    "pay_2026",
    "protected",
    "protection_cost",
)


def _kernel_outputs(
    compiled: CompiledRota,
    rules: RuleSet,
    defs: Definitions,
    pp: np.ndarray,
    on_range: Callable[[int, int, dict[str, np.ndarray]], None] | None = None,
) -> dict[str, np.ndarray]:
    """Run the fused kernel on every line; the rule verdict and the per-line pay inputs.

    ``on_range(lo, hi, out)`` is called once for each range of lines once its
    outputs are final, on the thread that ran it (so the lines of one range are
    priced while the kernel runs on the next); the ranges cover every line once.
    """
    from .kernels.fused import fused_range
    from .kernels.parallel import run_ranges
    from .rules.engine import compliant_lines_detailed
    from .rules.verdict import supported

    n = compiled.n_lines
    r_int, r_f = rules.pack()
    in_kernel = supported(r_int)
    out = {
        # column-major: the pay kernels read whole metric columns without copying them
        "metrics": np.zeros((n, N_METRICS), dtype=np.float64, order="F"),
        "compliant": np.ones(n, dtype=np.bool_),
        "oncall_rota": np.zeros(n, dtype=np.bool_),
        "criterion_r": np.zeros(n, dtype=np.bool_),
        "resident": np.zeros(n, dtype=np.bool_),
        # paid NROC hours in plain and unsocial time: the kernel fills each column
        "nroc_paid": np.zeros((n, 2), dtype=np.float64, order="F"),
    }
    c = compiled

    def kernel(lo: int, hi: int, *args: object) -> None:
        fused_range(lo, hi, *args)
        if in_kernel and on_range is not None:
            on_range(lo, hi, out)

    run_ranges(
        kernel, c.offsets, c.start_min, c.duration_min, c.kind, c.work_min,
        c.shift_index, c.offsets, int(c.weeks), c.bank_holiday, defs.as_array(), pp,
        len(c.shift_codes), r_int, r_f, c.ltft, c.criterion_r, c.resident, in_kernel,
        out["metrics"], out["compliant"], out["oncall_rota"], out["criterion_r"],
        out["resident"], out["nroc_paid"][:, 0], out["nroc_paid"][:, 1],
    )  # fmt: skip
    if not in_kernel:  # a family without a verdict kernel (rest during NROC)
        out["compliant"] = compliant_lines_detailed(compiled, rules, defs)
        if on_range is not None:
            run_ranges(lambda lo, hi: on_range(lo, hi, out), c.offsets)
    return out


def _pay_inputs(p02: ContractParams, p26: ContractParams) -> np.ndarray:
    """The fused kernel's pay parameters (see :data:`simulator.kernels.fused.PP_R_LO`)."""
    return np.array(
        [
            float(p02["criterion_r_after_min"]),
            float(p02["criterion_r_until_min"]),
            60.0 * float(p02["criterion_r_nroc_min_work_hours"]),
            float(p26["nroc_whole_shift_more_than"]),
        ],
        dtype=np.float64,
    )


def pay_point_gbp(compiled: CompiledRota, params: ContractParams) -> np.ndarray:
    """2026 pay point of every line, GBP/year, without building labels.

    The same points as :func:`simulator.contracts.wales2026.pay_points`.
    """
    registrar = np.asarray(params["pay_point_registrar"], dtype=np.float64)
    step = max(1, int(params["registrar_years_per_point"]))
    idx = np.minimum(compiled.years.astype(np.int64) // step, len(registrar) - 1)
    point = registrar[idx]
    for grade in ("F1", "F2"):
        point[compiled.grade == GRADE_CODE[grade]] = float(params[f"pay_point_{grade}"])
    return np.ascontiguousarray(point, dtype=np.float64)


def premium_gbp(compiled: CompiledRota, params: ContractParams) -> np.ndarray:
    """Full-time premium per line, GBP/year.

    As :func:`simulator.contracts.wales2026.premium_per_line`, but the specialties
    are compared once each, not once per line (no line needs it: all zero).
    """
    from .contracts.wales2026 import premium_per_line

    names = {
        s.strip().casefold() for key in ("gp_specialties", "omfs_specialties") for s in params[key]
    }
    if not any(s.strip().casefold() in names for s in set(compiled.specialty)):
        return np.zeros(compiled.n_lines, dtype=np.float64)
    return premium_per_line(compiled, params)


def _price(
    compiled: CompiledRota, out: dict[str, np.ndarray], p02: ContractParams, p26: ContractParams
) -> dict[str, np.ndarray]:
    """The 2002 band and pay, 2026 pay and protection from the kernel outputs."""
    from .contracts._common import pack
    from .contracts.nhs2002 import band_and_pay, kernel_arrays
    from .contracts.wales2026 import pay_matrix

    values = out["metrics"]
    pay26 = pay_matrix(
        values,
        pay_point_gbp(compiled, p26),
        out["nroc_paid"],
        premium_gbp(compiled, p26),
        pack(p26, P26_NAMES),
    )
    band, _, banding_h, pay02 = band_and_pay(
        compiled,
        values,
        (out["oncall_rota"], out["criterion_r"], out["resident"]),
        out["compliant"],
        kernel_arrays(p02),
    )
    protected, cost = protection(
        np.ascontiguousarray(pay26[:, 6]), np.ascontiguousarray(pay02[:, 2])
    )
    return {
        "band": band,
        "banding_hours": banding_h,
        "pay_2002": pay02,
        "pay_2026": pay26,
        "protected": protected,
        "protection_cost": cost,
    }


def _priced_arrays(n_lines: int) -> dict[str, np.ndarray]:
    """Empty arrays for what :func:`_price` returns, for ``n_lines`` lines."""
    from .contracts import PAY_COMPONENTS

    return {
        "band": np.empty(n_lines, dtype=np.int8),
        "banding_hours": np.empty(n_lines, dtype=np.float64),
        "pay_2002": np.empty((n_lines, len(PAY_COMPONENTS["nhs-2002"])), dtype=np.float64),
        "pay_2026": np.empty((n_lines, len(PAY_COMPONENTS["wales-2026"])), dtype=np.float64),
        "protected": np.empty(n_lines, dtype=np.float64),
        "protection_cost": np.empty(n_lines, dtype=np.float64),
    }


def line_pass(
    compiled: Rota | CompiledRota,
    rules: str | RuleSet = "new-deal",
    params02: ContractParams | None = None,
    params26: ContractParams | None = None,
    *,
    defs: Definitions | None = None,
    pay_year: str = "2026/27",
) -> dict[str, np.ndarray]:
    """Metrics, compliance, 2002 band and pay, and 2026 pay of every line, in one pass.

    Parameters
    ----------
    compiled
        The compiled rota (a :class:`~simulator.model.Rota` is compiled first).
    rules
        Rule set deciding ``compliant`` (and so band 3): a name or a loaded RuleSet.
    params02, params26
        2002 and 2026 Welsh contract parameters (default: the bundled ``pay_year``).
    defs
        Time definitions (default: the bundled ones).
    pay_year
        Pay year of the bundled parameters.

    Returns
    -------
    dict of numpy.ndarray
        Per line, in ``compiled.line_ids`` order (see :data:`LINE_PASS_KEYS`):
        ``metrics`` (n, len(METRIC_NAMES), column-major), ``compliant`` (bool), the 2002 banding
        flags ``oncall_rota``, ``criterion_r``, ``resident`` (bool), ``nroc_paid``
        (n, 2: paid NROC hours per week in plain and unsocial time, 2026),
        ``band`` (int8 codes of ``simulator.contracts.kernels.BANDS``),
        ``banding_hours`` (h/week), ``pay_2002`` (n, 3: basic, supplement, total),
        ``pay_2026`` (n, 7: ``PAY_2026_COLUMNS``), ``protected`` and
        ``protection_cost`` (GBP/year, full precision).
    """
    from .rules.engine import resolve

    compiled = as_compiled(compiled)
    ruleset, defs = resolve(compiled, rules, defs)
    p02 = params02 or load_params("nhs-2002", pay_year)
    p26 = params26 or load_params("wales-2026", pay_year)
    priced = _priced_arrays(compiled.n_lines)

    def price_range(lo: int, hi: int, out: dict[str, np.ndarray]) -> None:
        part = _price(compiled.lines(lo, hi), {k: v[lo:hi] for k, v in out.items()}, p02, p26)
        for key, value in part.items():
            priced[key][lo:hi] = value

    out = _kernel_outputs(compiled, ruleset, defs, _pay_inputs(p02, p26), price_range)
    return {**out, **priced}


def _use_fused(compiled: CompiledRota, min_duties: int | None) -> bool:
    limit = FUSED_MIN_DUTIES if min_duties is None else min_duties
    return compiled.n_duties >= limit


def compliance(
    compiled: Rota | CompiledRota,
    rules: str | RuleSet = "new-deal",
    defs: Definitions | None = None,
    *,
    min_duties: int | None = None,
) -> np.ndarray:
    """Which lines comply with a rule set: the fused verdict for large rotas.

    Same answer as :func:`simulator.rules.compliant_lines`. From ``min_duties``
    duties (default :data:`FUSED_MIN_DUTIES`) the fused kernel decides; below, the
    detailed kernels.
    """
    from .rules.engine import compliant_lines_detailed, resolve

    compiled = as_compiled(compiled)
    ruleset, defs = resolve(compiled, rules, defs)
    if not _use_fused(compiled, min_duties):
        return compliant_lines_detailed(compiled, ruleset, defs)
    return _kernel_outputs(compiled, ruleset, defs, _NO_PAY)["compliant"]


def metrics_and_compliance(
    compiled: Rota | CompiledRota,
    rules: str | RuleSet = "new-deal",
    defs: Definitions | None = None,
    *,
    min_duties: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The metrics matrix and the per-line verdict of a rule set, in one pass when large.

    Returns
    -------
    metrics, compliant
        As :func:`simulator.metrics.compute_metrics_array` and
        :func:`simulator.rules.compliant_lines`.
    """
    from .metrics import compute_metrics_array
    from .rules.engine import compliant_lines_detailed, resolve

    compiled = as_compiled(compiled)
    ruleset, defs = resolve(compiled, rules, defs)
    if not _use_fused(compiled, min_duties):
        return (
            compute_metrics_array(compiled, defs),
            compliant_lines_detailed(compiled, ruleset, defs),
        )
    out = _kernel_outputs(compiled, ruleset, defs, _NO_PAY)
    return out["metrics"], out["compliant"]


__all__ = [
    "FUSED_MIN_DUTIES",
    "LINE_PASS_KEYS",
    "compliance",
    "line_pass",
    "metrics_and_compliance",
    "pay_point_gbp",
    "premium_gbp",
]
