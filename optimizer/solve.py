"""The optimisation pipeline: validate → build → solve → extract → re-check → re-price.

:func:`solve` never trusts the model's own numbers for what it reports: the rota
it extracts is checked by :func:`simulator.rules.check` and priced by
:func:`simulator.contracts.price` before it is returned.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from simulator.compile import compile_rota
from simulator.contracts import ContractParams, price
from simulator.metrics import compute_metrics
from simulator.model import Rota
from simulator.rules import CheckResult, check

from .diagnose import Conflict, explain_infeasible
from .model import PENCE_PER_GBP, BuildTimeout, RotaModel, build_model
from .objectives import stages
from .precheck import precheck
from .problem import OBJECTIVES, Problem, ProblemError, read_problem
from .search import Progress, SearchSettings, Solution, StageResult, search


class InfeasibleError(Exception):
    """The problem has no rota meeting every requirement (exit status 3 on the CLI).

    Attributes
    ----------
    result
        The :class:`OptimiseResult` with status ``"infeasible"`` and its conflict.
    """

    def __init__(self, result: OptimiseResult) -> None:
        self.result = result
        message = result.conflict.message if result.conflict else "infeasible"
        super().__init__(message)


class NoSolutionError(Exception):
    """No rota was found within the time limit (the problem was not proved infeasible)."""


@dataclass
class OptimiseResult:
    """What :func:`solve` found.

    Attributes
    ----------
    problem, objective
        The problem and the objective solved.
    status
        ``optimal`` (every stage proved), ``feasible``, ``infeasible`` or ``unknown``.
    objective_value, bound, gap
        First stage: best value, best bound and relative gap, in ``unit``.
    unit
        Unit of the first stage (``GBP``, ``doctors``, ``points``).
    wall_time_s
        Wall-clock time of the whole pipeline, seconds.
    stages
        Every stage's outcome.
    rota
        The rota found (``None`` when none).
    check
        The rules engine's check of the rota.
    doctors
        Per doctor: reference, new 2026 pay (re-priced), loss and metrics.
    conflict
        The explanation when infeasible.
    time_to_first_rota_s
        Seconds from the start of :func:`solve` to the first compliant rota.
    """

    problem: Problem
    objective: str
    status: str
    objective_value: float | None = None
    bound: float | None = None
    gap: float | None = None
    unit: str = ""
    wall_time_s: float = 0.0
    stages: list[StageResult] = field(default_factory=list)
    rota: Rota | None = None
    check: CheckResult | None = None
    doctors: list[dict] = field(default_factory=list)
    conflict: Conflict | None = None
    seed: int = 0
    workers: int = 1
    time_to_first_rota_s: float | None = None

    @property
    def compliant(self) -> bool:
        """True when a rota was found and the rules engine finds no violation."""
        return self.check is not None and self.check.all_compliant

    def summary(self) -> dict:
        """Totals over doctors: reference, 2026 pay, losses (GBP/year)."""
        used = [d for d in self.doctors if d["used"]]
        refs = [d for d in used if d["reference_gbp"] is not None]
        losses = [d["loss_gbp"] for d in refs]
        before = [d["loss_before_gbp"] for d in refs if d["loss_before_gbp"] is not None]
        return {
            "doctors": len(self.doctors),
            "doctors_used": len(used),
            "total_reference_gbp": _money(sum(d["reference_gbp"] for d in refs)),
            "total_pay_2026_gbp": _money(sum(d["pay_2026_gbp"] for d in used)),
            "total_loss_gbp": _money(sum(losses)),
            "max_loss_gbp": _money(max(losses, default=0.0)),
            "losers": sum(1 for x in losses if x > 0),
            "total_loss_before_gbp": _money(sum(before)) if before else None,
            "max_loss_before_gbp": _money(max(before)) if before else None,
        }

    def to_json(self) -> dict:
        """The JSON of ``rota optimise --format json``."""
        return {
            "problem": self.problem.name,
            "objective": self.objective,
            "status": self.status,
            "objective_value": self.objective_value,
            "bound": self.bound,
            "gap": self.gap,
            "unit": self.unit,
            "wall_time_s": round(self.wall_time_s, 3),
            "time_to_first_rota_s": None
            if self.time_to_first_rota_s is None
            else round(self.time_to_first_rota_s, 3),
            "seed": self.seed,
            "workers": self.workers,
            "rules": self.problem.rules,
            "compliant": self.compliant if self.rota is not None else None,
            "stages": [s.to_json() for s in self.stages],
            "doctors": self.doctors,
            "summary": self.summary() if self.doctors else None,
            "conflict": self.conflict.to_json() if self.conflict else None,
        }

    def raise_for_status(self) -> None:
        """Raise :class:`InfeasibleError` or :class:`NoSolutionError` when there is no rota."""
        if self.status == "infeasible":
            raise InfeasibleError(self)
        if self.rota is None:
            raise NoSolutionError(
                f"no rota found within the time limit ({self.wall_time_s:.1f} s): "
                "give more time (--time-limit)"
            )


def _money(x: float) -> float:
    return round(float(x), 2) + 0.0


def _gap(value: float, bound: float) -> float:
    if value == bound:
        return 0.0
    return abs(value - bound) / max(abs(value), 1e-9)


def _extract(m: RotaModel, solver: Solution, objective: str) -> tuple[Rota, list[bool]]:
    problem = m.problem
    lines = []
    used = []
    order = {code: st.start_min for code, st in problem.shifts.items()}
    for i, doctor in enumerate(problem.doctors):
        days: list[list[str]] = [[] for _ in range(problem.n_days)]
        for p, v in m.vars_of(i):
            if solver.boolean_value(v):
                days[p.day].append(p.code)
        worked = any(days)
        used.append(worked or objective != "headcount")
        if not used[-1]:
            continue
        lines.append(doctor.line(sorted(d, key=order.__getitem__) for d in days))
    rota = problem.rota(
        lines, name=f"{problem.name} (optimised: {objective})", source="<optimiser>"
    )
    return rota, used


def _doctor_rows(m: RotaModel, solver, rota: Rota, used: list[bool]) -> list[dict]:
    """Per doctor: reference vs re-priced 2026 pay, loss, and metrics of the new line."""
    compiled = compile_rota(rota)
    pay = price(compiled, "wales-2026", params=m.pay_params)
    metrics = compute_metrics(compiled)
    rows = []
    for i, doc in enumerate(m.doctors):
        row: dict = {
            "id": doc.id,
            "grade": doc.grade,
            "ltft": doc.ltft,
            "used": used[i],
            "reference_gbp": None if doc.reference_gbp is None else _money(doc.reference_gbp),
            "reference_source": doc.reference_source,
            "reference_band_2002": doc.reference_band,
            "current_2026_gbp": None
            if doc.current_2026_gbp is None
            else _money(doc.current_2026_gbp),
        }
        ref = doc.reference_gbp
        before = (
            None
            if ref is None or doc.current_2026_gbp is None
            else max(0.0, ref - doc.current_2026_gbp)
        )
        row["loss_before_gbp"] = None if before is None else _money(before)
        if used[i]:
            new = float(pay.loc[doc.id, "total"])
            mrow = metrics.loc[doc.id]
            row.update(
                {
                    "pay_2026_gbp": _money(new),
                    "model_pay_gbp": _money(solver.value(m.pay_pence[i]) / PENCE_PER_GBP),
                    "change_gbp": None if ref is None else _money(new - ref),
                    "loss_gbp": 0.0 if ref is None else _money(max(0.0, ref - new)),
                    "hours_per_week": round(float(mrow["resident_hours_per_week"]), 4),
                    "unsocial_hours_per_week": round(
                        float(mrow["unsocial_resident_hours_per_week"]), 4
                    ),
                    "nights": int(mrow["nights"]),
                    "weekends": int(mrow["weekends"]),
                }
            )
        else:
            row.update(
                {
                    "pay_2026_gbp": 0.0,
                    "model_pay_gbp": 0.0,
                    "change_gbp": None,
                    "loss_gbp": 0.0,
                    "hours_per_week": 0.0,
                    "unsocial_hours_per_week": 0.0,
                    "nights": 0,
                    "weekends": 0,
                }
            )
        rows.append(row)
    return rows


def solve(
    problem: Problem | str | Path,
    objective: str | None = None,
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    workers: int = 2,
    deterministic: bool = False,
    progress: Progress | None = None,
    explain_time_s: float | None = None,
    pay_params: ContractParams | None = None,
) -> OptimiseResult:
    """Search for a compliant rota and return it re-checked and re-priced.

    Parameters
    ----------
    problem
        A problem or the path of a problem file.
    objective
        One of :data:`~optimizer.problem.OBJECTIVES` (default: the problem's).
    time_limit_s
        Time for the whole pipeline, seconds: reading (when given a path), building
        the model (stopped at the limit: status ``unknown``, no rota) and the search,
        which has what is left (split over the lexicographic stages). Checking and
        pricing the rota found, or explaining an infeasible problem (at most
        ``explain_time_s``), come after.
    seed
        Random seed of CP-SAT.
    workers
        CP-SAT workers; with 1 worker and a fixed seed a search that finishes is
        reproducible.
    deterministic
        Measure the time limit in CP-SAT deterministic seconds, so that a run with one
        worker is reproducible even when it stops at the limit.
    progress
        Called with a :class:`~optimizer.search.ProgressEvent` when a stage starts and
        on each improving solution.
    explain_time_s
        Time to explain an infeasible problem (default: the time limit, at most 30 s).
    pay_params
        2026 pay parameters (default: the bundled file of the problem's pay year).

    Returns
    -------
    OptimiseResult
        Status ``infeasible`` carries a :class:`~optimizer.diagnose.Conflict`.
    """
    t0 = time.monotonic()
    deadline = t0 + time_limit_s
    if not isinstance(problem, Problem):
        problem = read_problem(problem)
    objective = objective or problem.objective
    if objective not in OBJECTIVES:
        raise ProblemError(
            f"unknown objective {objective!r}: expected one of {', '.join(OBJECTIVES)}"
        )
    if not time_limit_s > 0 or not math.isfinite(time_limit_s):
        raise ProblemError(f"time limit must be a positive number of seconds, got {time_limit_s}")
    if objective == "repair" and all(d.current_days is None for d in problem.doctors):
        raise ProblemError(
            "the repair objective needs the current rota: give reference_rota (a rota "
            "of the same weeks whose lines have the doctors' ids)",
            file=problem.source,
            field="reference_rota",
        )
    result = OptimiseResult(problem, objective, "unknown", seed=seed, workers=workers)
    findings = precheck(problem, objective=objective)
    if findings:
        result.status = "infeasible"
        result.conflict = Conflict.from_findings(findings)
        result.wall_time_s = time.monotonic() - t0
        return result
    try:
        m = build_model(
            problem, objective=objective, pay_params=pay_params, elastic=True, deadline=deadline
        )
    except BuildTimeout:  # no rota within the time limit (status "unknown")
        result.wall_time_s = time.monotonic() - t0
        return result
    levels = stages(m, objective)
    result.unit = levels[0].unit
    settings = SearchSettings(seed, workers, deterministic, progress)
    built_s = time.monotonic() - t0
    outcome = search(m, levels, max(0.2, time_limit_s - built_s), settings)
    result.stages = outcome.stages
    if outcome.time_to_first_rota_s is not None:
        result.time_to_first_rota_s = built_s + outcome.time_to_first_rota_s
    if outcome.status == "infeasible":
        result.status = "infeasible"
        budget_x = explain_time_s if explain_time_s is not None else min(30.0, time_limit_s)
        result.conflict = explain_infeasible(problem, objective, time_limit_s=budget_x, seed=seed)
        result.wall_time_s = time.monotonic() - t0
        return result
    if outcome.solution is None:
        result.wall_time_s = time.monotonic() - t0
        return result
    first = outcome.stages[1]
    result.objective_value = first.objective
    result.bound = first.bound
    result.gap = None if first.bound is None else _gap(first.objective, first.bound)
    result.status = outcome.status
    best_solver = outcome.solution
    rota, used = _extract(m, best_solver, objective)
    result.rota = rota
    result.check = check(compile_rota(rota), m.ruleset)
    result.doctors = _doctor_rows(m, best_solver, rota, used)
    result.wall_time_s = time.monotonic() - t0
    return result
