"""The staged search of a doctor-rota model: a compliant rota first, then the objective.

1. **First rota.** CP-SAT looks for any solution of the hard model with no
   objective; if it finds none in half the time, cover minima and doctors' hours
   minima become elastic and CP-SAT minimises their shortfall from the empty rota
   (which breaks no rule), stopping at the first rota with none. A compliant rota
   is found long before an objective is proved, and every later stage starts
   from it.
2. **Objective stages** (lexicographic, :mod:`optimizer.objectives`). Each stage
   fixes the earlier stages at their values, then runs CP-SAT on the whole model
   hinted with the incumbent (which improves it and gives the bound); when CP-SAT
   stops early without proving the stage, the large neighbourhood search of
   :mod:`optimizer.lns` over doctors and days has the rest of the stage's time.

Solutions are kept as the value of every model variable, so a stage can start
from whatever the previous stage or the neighbourhood search found.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.sat.python import cp_model_helper as cmh

from . import lns
from .model import RotaModel
from .objectives import Stage

#: Share of the remaining time given to each lexicographic stage, first to last (a
#: stage proved early passes its time on). The later stages start from the first
#: stage's rota and only break its ties, so the first has most of the time: on
#: generated 24 x 12 problems the pay loss was still falling when 60 % ran out.
STAGE_SHARES = (0.8, 0.12, 0.08)
#: Share of a stage's time given to CP-SAT on the whole model; the neighbourhood
#: search has what CP-SAT leaves. Measured on generated 24 x 12 and 28 x 8 problems
#: (60 s): CP-SAT's own neighbourhood workers improve the loss more per second than
#: this project's clone-and-presolve sub-problems (24 x 12: GBP 2,083 with all the
#: time to CP-SAT against GBP 4,591 with 40 %), so CP-SAT gets all of it.
CP_SAT_SHARE = 1.0
#: Sub-problems of the neighbourhood search per second of budget when the time
#: limit is deterministic (so that a run with one worker is reproducible).
LNS_ITERATIONS_PER_S = 8.0
#: Models with more constraints than this look for a first rota with local-search
#: workers only after one round of presolve (:func:`_hard_first`), then, if needed,
#: without CP-SAT's presolve (which takes seconds there and rarely proves such a
#: model infeasible), and run their objective stages with neighbourhood workers
#: only, also without presolve (see :func:`_large_model_parameters`).
SMALL_MODEL_CONSTRAINTS = 20_000
#: Share of the time the first phase gives CP-SAT on the hard model before the
#: elastic search takes over.
HARD_FIRST_SHARE = 0.5
#: Name of the first phase in progress reports and stage results.
FIRST_ROTA = "first_rota"


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """What the search reports while it runs.

    Attributes
    ----------
    stage
        Stage name (``first_rota``, ``total_loss``, ...).
    event
        ``"start"`` when the stage starts, ``"solution"`` for an improving solution,
        ``"lns"`` when the neighbourhood search takes over a stage.
    seconds
        Seconds since the search started.
    value, bound
        Objective and bound in the stage's unit (``None`` when not known).
    unit
        The stage's unit.
    """

    stage: str
    event: str
    seconds: float
    value: float | None = None
    bound: float | None = None
    unit: str = ""


Progress = Callable[[ProgressEvent], None]


class Solution:
    """The value of every variable of a model, with the solver's accessors.

    Parameters
    ----------
    values
        Variable values by index.
    """

    def __init__(self, values: list[int]) -> None:
        self.values = list(values)
        self._response = cp_model.CpSolverResponse()
        self._response.solution.extend(self.values)

    def value(self, expression: cp_model.LinearExprT) -> int:
        """Value of an integer expression."""
        return cmh.ResponseHelper.value(self._response, expression)

    def boolean_value(self, literal) -> bool:
        """Value of a literal."""
        return bool(cmh.ResponseHelper.boolean_value(self._response, literal))


@dataclass
class StageResult:
    """Outcome of one stage (values in the stage's unit)."""

    name: str
    unit: str
    status: str
    objective: float | None
    bound: float | None
    wall_time_s: float

    def to_json(self) -> dict:
        """JSON-ready mapping."""
        return {
            "name": self.name,
            "unit": self.unit,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "wall_time_s": round(self.wall_time_s, 3),
        }


@dataclass
class SearchOutcome:
    """What :func:`search` found.

    Attributes
    ----------
    status
        ``optimal`` (every stage proved), ``feasible``, ``infeasible`` or ``unknown``.
    solution
        The best solution (``None`` when none).
    stages
        The first-rota phase and every objective stage.
    time_to_first_rota_s
        Seconds from the start of the search to the first compliant rota.
    """

    status: str
    solution: Solution | None = None
    stages: list[StageResult] = field(default_factory=list)
    time_to_first_rota_s: float | None = None


@dataclass(frozen=True, slots=True)
class SearchSettings:
    """Seed, workers and how time is counted."""

    seed: int = 0
    workers: int = 2
    deterministic: bool = False
    progress: Progress | None = None


def doctor_cells(m: RotaModel) -> dict[tuple[int, int], tuple[list, list]]:
    """Per (doctor, day): the Booleans of that day's duties (for the neighbourhood search)."""
    cells: dict[tuple[int, int], tuple[list, list]] = {}
    for i in range(len(m.doctors)):
        for day in range(m.n_days):
            cells[i, day] = ([v for _, v in m.on_day(i, day)], [])
    return cells


def _parameters(solver: cp_model.CpSolver, seconds: float, settings: SearchSettings) -> None:
    params = solver.parameters
    params.random_seed = settings.seed
    params.num_workers = max(1, settings.workers)
    if settings.workers <= 1:
        params.interleave_search = False
    if settings.deterministic:
        params.max_deterministic_time = max(0.05, seconds)
    else:
        params.max_time_in_seconds = max(0.05, seconds)


class _Callback(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution of a stage."""

    def __init__(self, stage: Stage, report: Progress, t0: float):
        super().__init__()
        self._stage, self._report, self._t0 = stage, report, t0

    def on_solution_callback(self) -> None:
        s = self._stage
        self._report(
            ProgressEvent(
                s.name,
                "solution",
                time.monotonic() - self._t0,
                self.objective_value / s.scale,
                self.best_objective_bound / s.scale,
                s.unit,
            )
        )


def polish(
    m: RotaModel, cells: lns.Cells, values: list[int], expr, seconds: float
) -> Solution | None:
    """The same rota with every other variable at its best for ``expr``.

    A solution found without an objective may leave the objective's auxiliary
    variables (losses, maxima) anywhere above their true values; with every duty
    fixed, CP-SAT sets them exactly in a moment.
    """
    sub = m.model.clone()
    sub.clear_hints()
    lns.fix_cells(sub, cells, values)
    sub.minimize(expr)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.5, seconds)
    status = solver.solve(sub)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return Solution(list(solver.response_proto.solution))


def _set_shortfall_max(m: RotaModel, hard: bool) -> None:
    """Fix every shortfall at zero (the hard model) or let it range up to its minimum."""
    domains = m.model.proto.variables
    for _, var in m.shortfall:
        dom = domains[var.index].domain
        dom[0] = 0
        dom[1] = 0 if hard else int(m.shortfall_max[var.index])


def current_duties(m: RotaModel) -> list[tuple[cp_model.IntVar, int]]:
    """Each duty variable of doctors with a current line, at its value in that line.

    The first search starts from the current rota when there is one, so a repair
    begins next to it (a hint: it need not be compliant).
    """
    out = []
    seen: set[int] = set()
    for i, doc in enumerate(m.doctors):
        if doc.current_days is None:
            continue
        for p, v in m.vars_of(i):
            if v.index not in seen:
                seen.add(v.index)
                out.append((v, int(p.code in doc.current_days[p.day])))
    return out


def _large(model: cp_model.CpModel) -> bool:
    """True for a model of more than :data:`SMALL_MODEL_CONSTRAINTS` constraints."""
    return len(model.proto.constraints) > SMALL_MODEL_CONSTRAINTS


def _hard_first(m: RotaModel, seconds: float, settings: SearchSettings) -> tuple[str, list | None]:
    """CP-SAT on the hard model with no objective, stopping at the first solution."""
    _set_shortfall_max(m, hard=True)
    m.model.clear_objective()
    m.model.clear_hints()
    for var, value in current_duties(m):
        m.model.add_hint(var, value)
    solver = cp_model.CpSolver()
    _parameters(solver, seconds, settings)
    solver.parameters.stop_after_first_solution = True
    if _large(m.model):
        # local search on every worker after one round of presolve: measured on the
        # generated medical 40 x 20 problem (2 cores, quiet) 7.8-8.8 s to the first
        # rota against 19.5-24 s with the default workers and full presolve; 24 x 12
        # 2.4 s, tiered 28 x 8 1.6 s. Local search cannot prove infeasibility: the
        # elastic search that follows can.
        solver.parameters.use_ls_only = True
        solver.parameters.max_presolve_iterations = 1
    status = solver.solve(m.model)
    if status == cp_model.INFEASIBLE:
        return "infeasible", None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "feasible", list(solver.response_proto.solution)
    return "unknown", None


def _elastic_first(
    m: RotaModel, cells: lns.Cells, seconds: float, settings: SearchSettings
) -> tuple[str, list | None]:
    """CP-SAT minimising the shortfall of the elastic model, from the empty rota."""
    deadline = time.monotonic() + seconds
    model = m.model
    _set_shortfall_max(m, hard=False)
    shortfall = sum(w * v for w, v in m.shortfall)
    model.clear_hints()
    model.minimize(shortfall)
    start = _empty_rota(m, cells, shortfall, deadline - time.monotonic())
    if start is not None:
        _hint(model, start.values)
    solver = cp_model.CpSolver()
    _parameters(solver, deadline - time.monotonic(), settings)
    if _large(model):
        # presolve would cost more than it saves: the shortfall falls fastest under
        # CP-SAT's local search and neighbourhood workers on the model as written
        solver.parameters.cp_model_presolve = False
    status = solver.solve(model)
    model.clear_objective()
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if status == cp_model.INFEASIBLE or (found and _integer_bound(solver.best_objective_bound) > 0):
        return "infeasible", None  # every rota breaks a rule or falls short of a minimum
    if found and round(solver.objective_value) == 0:
        return "feasible", list(solver.response_proto.solution)
    return "unknown", None


def _first_rota(
    m: RotaModel, cells: lns.Cells, seconds: float, settings: SearchSettings, t0: float
) -> tuple[str, Solution | None, StageResult]:
    """A compliant rota, by a portfolio of two searches one after the other.

    1. CP-SAT on the hard model with no objective, stopping at its first solution
       (its feasibility-jump local search usually finds one in seconds), for up to
       :data:`HARD_FIRST_SHARE` of the time; it may also prove the problem
       infeasible.
    2. If it found nothing: the elastic model, whose cover and hours minima may
       fall short. CP-SAT minimises the weighted shortfall (minutes of duty),
       hinted with the empty rota (which breaks no rule), and stops at a rota with
       none; its bound proves the problem infeasible when every rota falls short.

    Either way every shortfall ends fixed at zero, which leaves the hard model for
    the objective stages.

    Returns
    -------
    status, solution, result
        ``status`` is ``feasible``, ``infeasible`` or ``unknown``.
    """
    started = time.monotonic()
    _report(settings, FIRST_ROTA, "start", t0)
    outcome, values = "unknown", None
    if m.shortfall:
        outcome, values = _hard_first(m, seconds * HARD_FIRST_SHARE, settings)
        left = seconds - (time.monotonic() - started)
        if outcome == "unknown" and left > 0.2:
            outcome, values = _elastic_first(m, cells, left, settings)
    else:
        outcome, values = _hard_first(m, seconds, settings)
    _set_shortfall_max(m, hard=True)
    solution = Solution(values) if values is not None else None
    result = StageResult(FIRST_ROTA, "", outcome, None, None, time.monotonic() - started)
    return outcome, solution, result


def _empty_rota(m: RotaModel, cells: lns.Cells, shortfall, seconds: float) -> Solution | None:
    """The rota with no duty but fixed days, every minimum falling short: a start."""
    index = {d.id: i for i, d in enumerate(m.doctors)}
    fixed_days = {(index[f.doctor], f.day) for f in m.problem.fixed}
    free = {cell: vars_ for cell, vars_ in cells.items() if cell not in fixed_days}
    zeros = [0] * len(m.model.proto.variables)
    return polish(m, free, zeros, shortfall, seconds)


def _deterministic_iterations(seconds: float, settings: SearchSettings) -> int | None:
    """Sub-problems the neighbourhood search may solve in ``seconds`` of deterministic time."""
    if not settings.deterministic:
        return None
    return max(1, round(seconds * LNS_ITERATIONS_PER_S))


def _report(settings: SearchSettings, stage: str, event: str, t0: float, **kw) -> None:
    if settings.progress is not None:
        settings.progress(ProgressEvent(stage, event, time.monotonic() - t0, **kw))


def _hint(model: cp_model.CpModel, values: list[int]) -> None:
    model.clear_hints()
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)


def _integer_bound(bound: float) -> float:
    """The smallest integer objective a bound allows (``-inf`` when there is no bound)."""
    return math.ceil(bound - 1e-9) if math.isfinite(bound) else -math.inf


def _reached(cost: int, bound: float) -> bool:
    """True when an integer objective ``cost`` is proved optimal by ``bound``."""
    return cost <= _integer_bound(bound)


def _large_model_parameters(solver: cp_model.CpSolver) -> None:
    """CP-SAT settings of an objective stage on a large model: neighbourhoods only.

    On a large model a full-search worker spends its time on the linear relaxation
    and rarely moves the bound, and presolve takes seconds; every worker improving
    the hinted rota by CP-SAT's own neighbourhood searches lowers the pay loss much
    faster. Measured on generated problems, 40 s of the pay-loss stage on 2 cores
    from the same first rota: medical 24 x 12 seed 2 GBP 8,318 (default) against
    GBP 0 reached in 12 s; seed 3 GBP 5,878 against GBP 0 in 27 s; tiered 28 x 8
    GBP 34,169 against GBP 23,326--29,878. The bound is then the root relaxation's
    (a stage still ends proved when its rota reaches it).
    """
    solver.parameters.use_lns_only = True
    solver.parameters.cp_model_presolve = False


def _stage(
    m: RotaModel,
    cells: lns.Cells,
    stage: Stage,
    incumbent: Solution,
    seconds: float,
    settings: SearchSettings,
    t0: float,
) -> tuple[Solution, StageResult]:
    """Minimise one stage from the incumbent: CP-SAT on the whole model, then LNS."""
    model = m.model
    started = time.monotonic()
    deadline = started + seconds
    _report(settings, stage.name, "start", t0, unit=stage.unit)
    model.minimize(stage.expr)
    incumbent = polish(m, cells, incumbent.values, stage.expr, seconds / 10) or incumbent
    _hint(model, incumbent.values)
    best, cost = incumbent, incumbent.value(stage.expr)
    solver = cp_model.CpSolver()
    _parameters(solver, seconds * CP_SAT_SHARE, settings)
    # dual reductions in presolve may cut off the hinted solution: keep it
    solver.parameters.keep_all_feasible_solutions_in_presolve = True
    if _large(model):
        _large_model_parameters(solver)
    callback = _Callback(stage, settings.progress, t0) if settings.progress else None
    status = solver.solve(model, callback)
    bound = float(stage.floor)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = max(bound, solver.best_objective_bound)
        if round(solver.objective_value) <= cost:
            best = Solution(list(solver.response_proto.solution))
            cost = round(solver.objective_value)
    elif status == cp_model.INFEASIBLE:  # cannot happen: the incumbent is feasible
        raise RuntimeError(f"stage {stage.name} proved infeasible from a feasible rota")
    proved = status == cp_model.OPTIMAL or _reached(cost, bound)
    left = deadline - time.monotonic()
    if not proved and left > 0.2:
        model.clear_hints()
        _report(settings, stage.name, "lns", t0, value=cost / stage.scale, unit=stage.unit)

        def improved(values, value) -> None:
            _report(
                settings, stage.name, "solution", t0,
                value=value / stage.scale,
                bound=bound / stage.scale,
                unit=stage.unit,
            )  # fmt: skip

        values, cost, _ = lns.improve(
            model,
            cells,
            stage.expr,
            best.values,
            cost,
            n_people=len(m.doctors),
            horizon=m.n_days,
            lower_bound=_integer_bound(bound),
            deadline=deadline if not settings.deterministic else started + 10 * seconds + 5,
            seed=settings.seed,
            workers=settings.workers,
            max_iterations=_deterministic_iterations(left, settings),
            on_improve=improved,
        )
        best = Solution(list(values))
        proved = _reached(cost, bound)
    result = StageResult(
        stage.name,
        stage.unit,
        "optimal" if proved else "feasible",
        cost / stage.scale,
        bound / stage.scale,
        time.monotonic() - started,
    )
    return best, result


def search(
    m: RotaModel, levels: list[Stage], time_limit_s: float, settings: SearchSettings
) -> SearchOutcome:
    """Find a compliant rota, then minimise the stages in order.

    Parameters
    ----------
    m
        The built model (its objective and hints are changed; stage bounds are added).
    levels
        The lexicographic stages.
    time_limit_s
        Wall-clock budget of the whole search, seconds (deterministic seconds of each
        CP-SAT run when ``settings.deterministic``).
    settings
        Seed, workers, deterministic time, progress callback.

    Returns
    -------
    SearchOutcome
    """
    t0 = time.monotonic()
    deadline = t0 + time_limit_s
    outcome = SearchOutcome("unknown")
    cells = doctor_cells(m)
    status, first, result = _first_rota(m, cells, time_limit_s, settings, t0)
    outcome.stages.append(result)
    if status == "infeasible":
        outcome.status = "infeasible"
        return outcome
    if first is None:
        return outcome
    outcome.time_to_first_rota_s = time.monotonic() - t0
    _report(settings, FIRST_ROTA, "solution", t0)
    incumbent = first
    all_optimal = True
    for k, stage in enumerate(levels):
        if k:
            prev = levels[k - 1]
            m.model.add(prev.expr <= incumbent.value(prev.expr))
        left = max(0.0, deadline - time.monotonic())
        budget = max(0.2, left * STAGE_SHARES[k] / sum(STAGE_SHARES[k : len(levels)]))
        incumbent, result = _stage(m, cells, stage, incumbent, budget, settings, t0)
        outcome.stages.append(result)
        all_optimal &= result.status == "optimal"
    outcome.solution = incumbent
    outcome.status = "optimal" if all_optimal else "feasible"
    return outcome
