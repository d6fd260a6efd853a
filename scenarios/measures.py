"""Measures of a scenario run: pay by year under the transition, protection, compliance.

One run of a scenario gives a tidy long table (:data:`COLUMNS`): one row per
(year, grade, line, measure). Line rows carry the line id; aggregate rows have
``line_id == ""`` and ``grade`` a grade or ``"all"``; rows that are not by year have
``year == "all"``. The formulas (see ``docs/scenarios.md``):

- award factor of contract c in year k: F_c(0) = 1, F_c(k) = Π_{j=1..k} (1 + a_c(j));
  every pay scale and pay point of year k is the base-year value × F_c(k);
- progression: years of service in year k = years + k × ``years_per_year``;
- P02_i(k), P26_i(k): pay of line i in year k under the 2002 / 2026 contract;
- transfer year T_i: by grade, or the first year for unbanded lines and new
  appointments; floor_i = P02_i(T_i) (the cash floor, frozen at transfer; none for
  new appointments);
- paid_i(k) = P02_i(k) for k < T_i, else max(P26_i(k), floor_i);
  protection cost_i(k) = max(0, floor_i − P26_i(k)) for k ≥ T_i;
- change_i(k) = P26_i(k) − P02_i(k); winner when change > 0.5p, loser when < −0.5p;
- erosion gap g(k) = 1 − (1 − g_0) × Π_{j≤k} (1 + u_j) / Π_{j≤k} (1 + π_j), with
  u_0 the first-year uplift, u_j the award after it and π_0 = 0; restoration uplift
  needed = 1 / (1 − g) − 1.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from simulator.compile import CompiledRota, compile_rota
from simulator.contracts import load_params
from simulator.contracts._common import pack
from simulator.contracts.kernels import BANDS, P26_NAMES
from simulator.contracts.kernels import pay_2002 as kernel_pay_2002
from simulator.contracts.nhs2002 import band_and_pay, band_flags, kernel_arrays
from simulator.contracts.params import ContractParams, apply_overrides
from simulator.contracts.wales2026 import (
    nroc_paid_hours,
    pay_matrix,
    pay_points,
    premium_per_line,
)
from simulator.examples import department_paths
from simulator.io import read_rota
from simulator.io.safety import short
from simulator.model import GRADES, Rota, RotaError

from .population import generate_rota
from .scenario import DEPARTMENT, Scenario, ScenarioError, Workforce, pay_year_start

#: Columns of every result table, in order.
COLUMNS = ("scenario_id", "run_id", "seed", "year", "grade", "line_id", "measure", "value")
#: Money tolerance for winners and losers, GBP.
TOLERANCE_GBP = 0.005
#: Keys scaled by pay awards, per contract (list keys are scaled element-wise).
AWARD_KEYS = {
    "nhs-2002": ("scale_F1", "scale_F2", "scale_ST", "scale_DCT"),
    "wales-2026": (
        "pay_point_F1",
        "pay_point_F2",
        "pay_point_registrar",
        "gp_premium_gbp",
        "omfs_premium_gbp",
    ),
    "england-2016": ("nodal_points",),
}


#: Below this many lines the pay kernels run on one thread (waking threads costs more).
SINGLE_THREAD_BELOW_LINES = 20_000


@contextmanager
def numba_threads(n: int) -> Iterator[None]:
    """Run Numba kernels on at most ``n`` threads inside the block."""
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(max(1, min(n, numba.config.NUMBA_NUM_THREADS)))
    try:
        yield
    finally:
        numba.set_num_threads(old)


# ---------------------------------------------------------------------------
# Pure arithmetic (hand-checked in tests)
# ---------------------------------------------------------------------------


def award_factors(awards: Sequence[float]) -> np.ndarray:
    """Cumulative award factors.

    Parameters
    ----------
    awards
        Award in each modelled year, fraction; ``awards[0]`` (the base year) is ignored
        because the base-year scales come from the parameter files.

    Returns
    -------
    ndarray of float64
        F(0) = 1, F(k) = Π_{j=1..k} (1 + awards[j]).
    """
    a = np.asarray(awards, dtype=np.float64).copy()
    if a.size == 0:
        return a
    a[0] = 0.0
    return np.cumprod(1.0 + a)


def erosion_trajectory(
    start_gap: float, uplifts: Sequence[float], inflation: Sequence[float]
) -> np.ndarray:
    """Real-terms pay erosion by year.

    Parameters
    ----------
    start_gap
        g_0: how much worse off in real terms before the first modelled year, fraction.
    uplifts
        u_k: pay uplift in each modelled year, fraction.
    inflation
        π_k: inflation in each modelled year, fraction (same length as ``uplifts``).

    Returns
    -------
    ndarray of float64
        g(k) = 1 − (1 − g_0) × Π_{j≤k} (1 + u_j) / Π_{j≤k} (1 + π_j). Negative values
        mean pay is above the reference level.
    """
    u = np.asarray(uplifts, dtype=np.float64)
    p = np.asarray(inflation, dtype=np.float64)
    if u.shape != p.shape:
        raise ValueError("uplifts and inflation need the same length")
    return 1.0 - (1.0 - start_gap) * np.cumprod(1.0 + u) / np.cumprod(1.0 + p)


def restoration_uplift(gap: float | np.ndarray) -> float | np.ndarray:
    """Uplift that restores pay from a real-terms gap g: 1 / (1 − g) − 1 (fraction)."""
    return 1.0 / (1.0 - np.asarray(gap, dtype=np.float64)) - 1.0


def transition_pay(
    pay_2002_gbp: np.ndarray,
    pay_2026_gbp: np.ndarray,
    transfer_index: np.ndarray,
    has_floor: np.ndarray,
) -> dict[str, np.ndarray]:
    """Pay under the transition with a cash floor frozen at transfer.

    Parameters
    ----------
    pay_2002_gbp, pay_2026_gbp
        Pay of each line in each year under each contract, GBP/year, shape (years, lines).
    transfer_index
        Year index T_i of each line's transfer (0 = first year; ≥ years: not in the horizon).
    has_floor
        Whether the line is protected (False for new appointments).

    Returns
    -------
    dict of ndarray, shape (years, lines) unless noted
        ``paid_gbp``: P02 before transfer, max(P26, floor) from transfer;
        ``protection_cost_gbp``: max(0, floor − P26) from transfer;
        ``on_2026``: 1.0 from the transfer year;
        ``floor_gbp`` (lines,): P02(T) for protected lines transferring in the horizon,
        else 0.
    """
    n_years, n_lines = pay_2002_gbp.shape
    t = np.clip(np.asarray(transfer_index, dtype=np.int64), 0, None)
    k = np.arange(n_years)[:, None]
    on_2026 = k >= t[None, :]
    in_horizon = t < n_years
    floor = np.zeros(n_lines, dtype=np.float64)
    protected = np.asarray(has_floor, dtype=bool) & in_horizon
    idx = np.flatnonzero(protected)
    floor[idx] = pay_2002_gbp[t[idx], idx]
    cost = np.where(on_2026, np.maximum(floor[None, :] - pay_2026_gbp, 0.0), 0.0)
    paid = np.where(on_2026, pay_2026_gbp + cost, pay_2002_gbp)
    return {
        "paid_gbp": paid,
        "protection_cost_gbp": cost,
        "on_2026": on_2026.astype(np.float64),
        "floor_gbp": floor,
    }


def scaled_params(params: ContractParams, factor: float) -> ContractParams:
    """Contract parameters with every pay scale and pay point multiplied by ``factor``."""
    if factor == 1.0:
        return params
    over = {}
    for key in AWARD_KEYS[params.contract]:
        value = params.get(key)
        if value is None:
            continue
        path = f"{params.contract}.{key}"
        over[path] = (
            [float(v) * factor for v in value]
            if isinstance(value, list)
            else (float(value) * factor)
        )
    return apply_overrides(params, over)


# ---------------------------------------------------------------------------
# The workforce: compiled groups, metrics and compliance (cached per process)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """One rota of the workforce, compiled, with per-line metrics.

    Attributes
    ----------
    name
        Rota name.
    rota
        The rota.
    compiled
        Its compiled arrays.
    metrics
        Metric matrix (n_lines, metrics).
    new_deal
        Per-line New Deal compliance (drives 2002 band 3).
    """

    name: str
    rota: Rota | None
    compiled: CompiledRota
    metrics: np.ndarray
    new_deal: np.ndarray


def workforce_rotas(workforce: Workforce) -> list[Rota]:
    """The rotas of a workforce: files in order, then the generated population."""
    rotas: list[Rota] = []
    for item in workforce.rotas:
        if item == DEPARTMENT:
            rotas.extend(read_rota(p) for p in department_paths())
            continue
        try:
            rotas.append(read_rota(Path(item)))
        except RotaError as exc:  # quote at most 40 characters of an arbitrary file
            raise ScenarioError(
                f"workforce.rotas: {item}: not a readable rota file ({short(exc.message)})"
            ) from None
    if workforce.population is not None:
        rotas.append(generate_rota(workforce.population))
    seen: set[str] = set()
    for rota in rotas:
        dup = seen.intersection(line.id for line in rota.lines)
        if dup:
            raise ScenarioError(
                f"workforce: line id {sorted(dup)[0]!r} appears in more than one rota"
            )
        seen.update(line.id for line in rota.lines)
    return rotas


@lru_cache(maxsize=8)
def load_workforce(workforce: Workforce) -> tuple[Group, ...]:
    """Compile the workforce and compute metrics and New Deal compliance (cached).

    Large rotas take both from one fused pass (:func:`simulator.fused.metrics_and_compliance`).
    """
    from simulator.fused import metrics_and_compliance

    groups = []
    for rota in workforce_rotas(workforce):
        compiled = compile_rota(rota)
        metrics, new_deal = metrics_and_compliance(compiled, "new-deal")
        groups.append(Group(rota.name, rota, compiled, metrics, new_deal))
    return tuple(groups)


@lru_cache(maxsize=32)
def compliance(workforce: Workforce, ruleset: str) -> np.ndarray:
    """Per-line compliance with ``ruleset`` over the whole workforce (cached)."""
    from simulator.rules import compliant_lines

    return np.concatenate(
        [np.asarray(compliant_lines(g.compiled, ruleset), bool) for g in load_workforce(workforce)]
    )


@lru_cache(maxsize=16)
def _base_params(contract: str, pay_year: str, contracts: tuple) -> ContractParams:
    overrides = {k: list(v) if isinstance(v, tuple) else v for k, v in contracts}
    return load_params(contract, pay_year, overrides=overrides)


# ---------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------


def year_awards(scenario: Scenario, contract: str) -> np.ndarray:
    """Award of ``contract`` in every modelled year (fraction; the base year's is 0)."""
    years = scenario.pay_years
    return np.array([0.0] + [scenario.awards.award(contract, y) for y in years[1:]])


class LinePricer:
    """Prices the lines of one group year by year with the pay kernels.

    The year-independent parts (2002 bands and banding hours, paid NROC hours,
    premia) are computed once; each year then runs only the 2002 and 2026 pay
    kernels with the scales multiplied by the award factor and the years of service
    moved on. Equal to :func:`simulator.contracts.price` with scaled parameters.

    Parameters
    ----------
    group
        The compiled lines and their metrics.
    p02, p26
        Base-year parameters of the 2002 and 2026 contracts.
    """

    def __init__(self, group: Group, p02: ContractParams, p26: ContractParams) -> None:
        c = group.compiled
        self.group = group
        self.p26 = p26
        self.arrays = kernel_arrays(p02)
        self.grade = c.grade.astype(np.int64)
        self.years = c.years.astype(np.int64)
        band, _, banding_h, _ = band_and_pay(
            c, group.metrics, band_flags(c, p02), group.new_deal, self.arrays
        )
        self.band = band
        self.banding_h = banding_h
        self.nroc = nroc_paid_hours(c, p26)
        try:
            self.premium = premium_per_line(c, p26)
        except RotaError as exc:  # name the rota file (or the generated population)
            raise exc.located(file=group.rota.source if group.rota else group.name) from None
        self.p26_array = pack(p26, P26_NAMES)
        self._points: dict[bytes, np.ndarray] = {}

    @property
    def band_labels(self) -> np.ndarray:
        """2002 band label per line."""
        return np.array([BANDS[b] for b in self.band], dtype=object)

    def pay_2002(self, years: np.ndarray, factor: float = 1.0) -> np.ndarray:
        """2002 total pay per line, GBP/year, with ``years`` of service and scales × factor."""
        a = self.arrays
        return kernel_pay_2002(
            self.band,
            self.grade,
            np.asarray(years, dtype=np.int64),
            self.group.compiled.ltft,
            self.banding_h,
            a["scale"] * factor,
            a["scale_len"],
            a["from_h"],
            a["fractions"],
            a["supp"],
            a["p"],
        )[:, 2]

    def pay_2026(
        self, years: np.ndarray, factor: float = 1.0, p26_array: np.ndarray | None = None
    ) -> np.ndarray:
        """2026 total pay per line, GBP/year, with pay points and premia × factor.

        ``p26_array`` replaces the packed 2026 rates (same layout as
        :data:`~simulator.contracts.kernels.P26_NAMES`) for fast parameter sweeps.
        """
        years = np.asarray(years, dtype=np.int16)
        key = years.tobytes()
        point = self._points.get(key)
        if point is None:
            point, _ = pay_points(replace(self.group.compiled, years=years), self.p26)
            self._points[key] = point
        return pay_matrix(
            self.group.metrics,
            point * factor,
            self.nroc,
            self.premium * factor,
            self.p26_array if p26_array is None else p26_array,
        )[:, 6]


def pay_by_year(scenario: Scenario) -> dict[str, np.ndarray]:
    """Pay of every line in every modelled year under both contracts.

    Returns
    -------
    dict
        ``pay_2002_gbp`` and ``pay_2026_gbp`` (years, lines) in GBP/year,
        ``band_2002`` (lines,) in the base year, ``grade`` and ``line_id`` (lines,),
        ``years`` (lines,) of service in the base year.
    """
    groups = load_workforce(scenario.workforce)
    p02 = _base_params("nhs-2002", scenario.base_pay_year, scenario.contracts)
    p26 = _base_params("wales-2026", scenario.base_pay_year, scenario.contracts)
    f02 = award_factors(year_awards(scenario, "nhs-2002"))
    f26 = award_factors(year_awards(scenario, "wales-2026"))
    step = scenario.progression.years_per_year if scenario.progression.enabled else 0
    p02_rows, p26_rows, bands = [], [], []
    n_lines = sum(g.compiled.n_lines for g in groups)
    small = n_lines < SINGLE_THREAD_BELOW_LINES
    with numba_threads(1) if small else nullcontext():
        for g in groups:
            _price_group(g, p02, p26, f02, f26, step, p02_rows, p26_rows, bands)
    return {
        "pay_2002_gbp": np.hstack(p02_rows),
        "pay_2026_gbp": np.hstack(p26_rows),
        "band_2002": np.concatenate(bands),
        "grade": np.array([GRADES[int(x)] for g in groups for x in g.compiled.grade], dtype=object),
        "line_id": np.array([i for g in groups for i in g.compiled.line_ids], dtype=object),
        "years": np.concatenate([g.compiled.years.astype(np.int64) for g in groups]),
    }


def _price_group(
    g: Group,
    p02: ContractParams,
    p26: ContractParams,
    f02: np.ndarray,
    f26: np.ndarray,
    step: int,
    p02_rows: list,
    p26_rows: list,
    bands: list,
) -> None:
    """Append one group's pay by year (years, lines) and its bands to the lists."""
    pricer = LinePricer(g, p02, p26)
    bands.append(pricer.band_labels)
    p02_rows.append(
        np.array([pricer.pay_2002(pricer.years + k * step, f02[k]) for k in range(len(f02))])
    )
    p26_rows.append(
        np.array([pricer.pay_2026(pricer.years + k * step, f26[k]) for k in range(len(f26))])
    )


def transfer_indices(
    scenario: Scenario, grade: np.ndarray, band_2002: np.ndarray, years: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Transfer year index and protection flag of every line.

    The run seed draws the new appointments (``transition.new_appointment_share``).

    Returns
    -------
    transfer_index : ndarray of int64
        Index of the pay year of transfer, relative to the base year (may be ≥ years).
    has_floor : ndarray of bool
        False for new appointments (never on the 2002 contract).
    """
    tr = scenario.transition
    y0 = pay_year_start(scenario.base_pay_year)
    by_grade = np.array([tr.grade_year(str(g)) - y0 for g in grade], dtype=np.int64)
    unbanded = band_2002 == "none"
    t = np.where(unbanded, np.minimum(by_grade, pay_year_start(tr.unbanded) - y0), by_grade)
    rng = np.random.default_rng([int(seed), 20260803])
    new = rng.random(len(grade)) < tr.new_appointment_share
    if tr.new_appointment_f1_year0:
        new |= (grade == "F1") & (years == 0)
    t_new = pay_year_start(tr.new_appointments) - y0
    t = np.where(new, np.minimum(t, t_new), t)
    return np.maximum(t, 0), ~new


def restoration_table(scenario: Scenario) -> pd.DataFrame:
    """Erosion gap and restoration uplift needed by year, per restoration path.

    Returns
    -------
    pandas.DataFrame
        Columns ``path``, ``year``, ``uplift`` (u_k), ``inflation`` (π_k),
        ``erosion_gap`` g(k) and ``restoration_uplift`` 1/(1 − g(k)) − 1 (fractions).
    """
    years = scenario.pay_years
    frames = []
    for name, path in scenario.restoration:
        awards = year_awards(scenario, path.awards_contract)
        u = np.concatenate([[path.first_year_uplift], awards[1:]])
        infl = np.array([0.0] + [scenario.inflation.rate(y) for y in years[1:]])
        gap = erosion_trajectory(path.start_gap, u, infl)
        frames.append(
            pd.DataFrame(
                {
                    "path": name,
                    "year": list(years),
                    "uplift": u,
                    "inflation": infl,
                    "erosion_gap": gap,
                    "restoration_uplift": restoration_uplift(gap),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _long(rows: list[pd.DataFrame]) -> pd.DataFrame:
    out = pd.concat(rows, ignore_index=True)
    out["value"] = out["value"].astype(np.float64)
    return out


def _line_rows(measure: str, years: Sequence[str], grade, line_id, values: np.ndarray):
    n_years, n_lines = values.shape
    return pd.DataFrame(
        {
            "year": np.repeat(np.asarray(years, dtype=object), n_lines),
            "grade": np.tile(grade, n_years),
            "line_id": np.tile(line_id, n_years),
            "measure": measure,
            "value": values.reshape(-1),
        }
    )


def _agg_rows(measure: str, year: str, grade: str, value: float) -> dict:
    return {"year": year, "grade": grade, "line_id": "", "measure": measure, "value": value}


def simulate_measures(scenario: Scenario, seed: int) -> pd.DataFrame:
    """Breaches, exception reports and fines per line from the on-call simulation.

    Call rates are scaled by ``simulation.callout_intensity``; base-year rates.

    Returns
    -------
    pandas.DataFrame
        Long rows (year = base year) with measures ``breaches_per_year``,
        ``exception_reports_per_year``, ``fines_gbp`` (doctor + pot, GBP/year) and
        ``simulated_pay_mean_gbp``.
    """
    try:
        from simulator.oncall import load_oncall_params, simulate_rota
    except ImportError as exc:  # pragma: no cover - the simulator ships it
        raise ScenarioError(f"simulation is not available: {exc}") from None
    base = load_oncall_params()
    rates = [float(r) * scenario.simulation.callout_intensity for r in base["calls.rate_per_hour"]]
    params = base.with_overrides({"calls.rate_per_hour": rates})
    cp = _base_params("wales-2026", scenario.base_pay_year, scenario.contracts)
    frames = []
    for g in load_workforce(scenario.workforce):
        sim = simulate_rota(
            g.compiled, scenario.simulation.runs, int(seed), params, contract_params=cp
        )
        grade = [GRADES[int(x)] for x in g.compiled.grade]
        values = {
            "breaches_per_year": sim["breaches_per_year"].to_numpy(),
            "exception_reports_per_year": sim["exception_reports_per_year"].to_numpy(),
            "fines_gbp": (sim["fine_doctor_gbp"] + sim["fine_pot_gbp"]).to_numpy(),
            "simulated_pay_mean_gbp": sim["pay_mean_gbp"].to_numpy(),
        }
        for measure, v in values.items():
            frames.append(
                _line_rows(
                    measure, [scenario.base_pay_year], grade, list(g.compiled.line_ids), v[None, :]
                )
            )
    return _long(frames)


def run_measures(
    scenario: Scenario, seed: int, *, run_id: str = "run", lines: bool = True
) -> pd.DataFrame:
    """Every measure of one run as a tidy long table.

    Parameters
    ----------
    scenario
        The scenario with the run's overrides applied.
    seed
        Run seed (new appointments drawn, simulation).
    run_id
        Run id written in the table.
    lines
        Include the per-line rows (else aggregates only).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`. Line measures by year: ``pay_2002_gbp``,
        ``pay_2026_gbp``, ``paid_gbp``, ``protection_cost_gbp``, ``change_gbp``,
        ``on_2026``; by line (year ``all``): ``floor_gbp``, ``transfer_year`` (start
        calendar year), ``protected_years``, ``compliant_<ruleset>`` (0/1). Aggregates
        by grade and ``all``, by year: ``lines``, ``winners``, ``losers``,
        ``pay_bill_gbp``, ``pay_bill_2002_gbp``, ``pay_bill_2026_gbp``,
        ``protection_cost_gbp``, ``protected_lines``, ``change_mean_gbp``,
        ``change_p10_gbp``, ``change_median_gbp``, ``change_p90_gbp``; not by year:
        ``compliant_lines_<ruleset>``, ``protection_cost_total_gbp``,
        ``protection_ends_year`` (first pay year from which the cost stays 0; NaN if it
        does not run off in the horizon); restoration (grade ``all``):
        ``erosion_gap_<path>``, ``restoration_uplift_<path>``; with simulation:
        ``breaches_per_year``, ``exception_reports_per_year``, ``fines_gbp``.
    """
    years = scenario.pay_years
    y0 = pay_year_start(scenario.base_pay_year)
    pay = pay_by_year(scenario)
    grade, line_id = pay["grade"], pay["line_id"]
    t, has_floor = transfer_indices(scenario, grade, pay["band_2002"], pay["years"], seed)
    tp = transition_pay(pay["pay_2002_gbp"], pay["pay_2026_gbp"], t, has_floor)
    change = pay["pay_2026_gbp"] - pay["pay_2002_gbp"]
    comp = {rs: compliance(scenario.workforce, rs) for rs in scenario.rules.rulesets}
    frames: list[pd.DataFrame] = []
    if lines:
        for measure, values in (
            ("pay_2002_gbp", pay["pay_2002_gbp"]),
            ("pay_2026_gbp", pay["pay_2026_gbp"]),
            ("paid_gbp", tp["paid_gbp"]),
            ("protection_cost_gbp", tp["protection_cost_gbp"]),
            ("change_gbp", change),
            ("on_2026", tp["on_2026"]),
        ):
            frames.append(_line_rows(measure, years, grade, line_id, values))
        per_line = {
            "floor_gbp": tp["floor_gbp"],
            "transfer_year": (t + y0).astype(np.float64),
            "protected_years": (tp["protection_cost_gbp"] > TOLERANCE_GBP).sum(axis=0),
        }
        per_line.update({f"compliant_{rs}": c.astype(np.float64) for rs, c in comp.items()})
        for measure, values in per_line.items():
            frames.append(_line_rows(measure, ["all"], grade, line_id, values[None, :]))
    agg: list[dict] = []
    for gname in (*GRADES, "all"):
        mask = np.ones(len(grade), bool) if gname == "all" else grade == gname
        if not mask.any():
            continue
        for k, year in enumerate(years):
            ch = change[k, mask]
            cost = tp["protection_cost_gbp"][k, mask]
            for measure, value in (
                ("lines", mask.sum()),
                ("winners", (ch > TOLERANCE_GBP).sum()),
                ("losers", (ch < -TOLERANCE_GBP).sum()),
                ("pay_bill_gbp", tp["paid_gbp"][k, mask].sum()),
                ("pay_bill_2002_gbp", pay["pay_2002_gbp"][k, mask].sum()),
                ("pay_bill_2026_gbp", pay["pay_2026_gbp"][k, mask].sum()),
                ("protection_cost_gbp", cost.sum()),
                ("protected_lines", (cost > TOLERANCE_GBP).sum()),
                ("change_mean_gbp", ch.mean()),
                ("change_p10_gbp", np.percentile(ch, 10)),
                ("change_median_gbp", np.median(ch)),
                ("change_p90_gbp", np.percentile(ch, 90)),
            ):
                agg.append(_agg_rows(measure, year, gname, float(value)))
        cost_by_year = tp["protection_cost_gbp"][:, mask].sum(axis=1)
        agg.append(_agg_rows("protection_cost_total_gbp", "all", gname, cost_by_year.sum()))
        agg.append(_agg_rows("protection_ends_year", "all", gname, _runoff_year(cost_by_year, y0)))
        for rs, c in comp.items():
            agg.append(_agg_rows(f"compliant_lines_{rs}", "all", gname, float(c[mask].sum())))
    for row in restoration_table(scenario).itertuples():
        agg.append(_agg_rows(f"erosion_gap_{row.path}", row.year, "all", row.erosion_gap))
        agg.append(
            _agg_rows(f"restoration_uplift_{row.path}", row.year, "all", row.restoration_uplift)
        )
    frames.append(pd.DataFrame(agg))
    if scenario.simulation.enabled:
        sim = simulate_measures(scenario, seed)
        if lines:
            frames.append(sim)
        for (year, measure), group in sim.groupby(["year", "measure"], sort=False):
            for gname, sub in (*group.groupby("grade", sort=False), ("all", group)):
                frames.append(pd.DataFrame([_agg_rows(measure, year, gname, sub["value"].sum())]))
    out = _long(frames)
    out.insert(0, "seed", int(seed))
    out.insert(0, "run_id", run_id)
    out.insert(0, "scenario_id", scenario.id)
    return out[list(COLUMNS)]


def _runoff_year(cost_by_year: np.ndarray, y0: int) -> float:
    """First calendar start year from which ``cost_by_year`` stays 0 (NaN if never)."""
    positive = np.flatnonzero(cost_by_year > TOLERANCE_GBP)
    if positive.size == 0:
        return float(y0)
    last = int(positive[-1])
    return float(y0 + last + 1) if last + 1 < cost_by_year.size else float("nan")


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Key aggregates per run, one row per run (for tables and response curves).

    Columns: ``scenario_id``, ``run_id``, ``seed``, ``winners``, ``losers`` (base year,
    all grades), ``pay_bill_first_gbp``, ``pay_bill_last_gbp`` (first and last modelled
    year), ``protection_cost_total_gbp``, ``protection_ends_year``.
    """
    agg = results[(results["line_id"] == "") & (results["grade"] == "all")]
    if agg.empty:
        return pd.DataFrame(columns=["scenario_id", "run_id", "seed"])
    rows = []
    for (sid, rid, seed), g in agg.groupby(["scenario_id", "run_id", "seed"], sort=False):
        by_year = g[g["year"] != "all"]
        first, last = by_year["year"].min(), by_year["year"].max()

        def pick(measure: str, year: str, g: pd.DataFrame = g) -> float:
            v = g.loc[(g["measure"] == measure) & (g["year"] == year), "value"]
            return float(v.iloc[0]) if len(v) else float("nan")

        rows.append(
            {
                "scenario_id": sid,
                "run_id": rid,
                "seed": seed,
                "winners": pick("winners", first),
                "losers": pick("losers", first),
                "pay_bill_first_gbp": pick("pay_bill_gbp", first),
                "pay_bill_last_gbp": pick("pay_bill_gbp", last),
                "protection_cost_total_gbp": pick("protection_cost_total_gbp", "all"),
                "protection_ends_year": pick("protection_ends_year", "all"),
            }
        )
    return pd.DataFrame(rows)


def measures_by_name(results: pd.DataFrame, measure: str, **where: str) -> pd.DataFrame:
    """Rows of one measure, filtered by column values (e.g. ``grade="all"``)."""
    mask = results["measure"] == measure
    for key, value in where.items():
        mask &= results[key] == value
    return results[mask]


__all__ = [
    "COLUMNS",
    "Group",
    "LinePricer",
    "award_factors",
    "compliance",
    "erosion_trajectory",
    "load_workforce",
    "measures_by_name",
    "numba_threads",
    "pay_by_year",
    "restoration_table",
    "restoration_uplift",
    "run_measures",
    "scaled_params",
    "simulate_measures",
    "summary",
    "transfer_indices",
    "transition_pay",
    "workforce_rotas",
]
