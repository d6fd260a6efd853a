"""The CP-SAT model of a rota search: one Boolean per doctor, day and shift type.

:func:`build_model` turns a :class:`~optimizer.problem.Problem` into a
:class:`RotaModel`: the decision variables, the day structure, cover, one call per
rule family of the rule set (see :mod:`optimizer.constraints`), each doctor's 2026
pay as a linear expression in integer pence, the loss against the 2002 reference,
and the quantities the objectives use (nights, weekends, unsocial minutes, named
penalty terms in pence).

Times are minutes on the cyclic timeline of the rota (0 = Monday 00:00 of week 1).
A *placement* is one shift type on one cycle day; every doctor has one Boolean per
placement they may work.

With ``diagnose=True`` every constraint family, cover requirement, doctor's hours
target, fixed assignment and leave day is switched by its own enforcement literal
(a *guard*), so that an infeasible problem can be explained with CP-SAT assumptions
(:mod:`optimizer.diagnose`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from simulator.compile import compile_rota
from simulator.contracts import ContractParams, load_params, price
from simulator.contracts.wales2026 import pay_points, premium_not_set
from simulator.definitions import Definitions, load_definitions
from simulator.kernels.metrics import M
from simulator.metrics import compute_metrics_array
from simulator.model import MIN_PER_DAY, MIN_PER_WEEK, Line, Rota, UserError
from simulator.rules import RuleSet, load_ruleset

from .problem import (
    Doctor,
    Problem,
    ProblemError,
    cyclic_overlap_min,
    day_name,
    doctor_hours_bounds,
)

#: Money unit of the model: pence per GBP.
PENCE_PER_GBP = 100
#: Denominator of fractional pence-per-minute rates (overtime), so they stay exact.
_DEN = 1000


class BuildTimeout(Exception):
    """Building the model ran past its deadline (the caller's time limit)."""


@dataclass(frozen=True, slots=True)
class Placement:
    """One shift type on one cycle day.

    Attributes
    ----------
    index, day, code
        Position in :attr:`RotaModel.placements`, cycle day, shift code.
    start_min, length_min
        Start (minutes from the cycle start, in ``[0, cycle)``) and rostered length.
    kind
        Shift kind (``shift``, ``partial``, ``oncall``, ``nroc``).
    work_min
        Actual work, minutes (see :attr:`simulator.model.ShiftType.work_min`).
    expected_work
        True when the shift type declares expected work (NROC rest applies).
    """

    index: int
    day: int
    code: str
    start_min: int
    length_min: int
    kind: str
    work_min: float
    expected_work: bool

    @property
    def end_min(self) -> int:
        """End, minutes from the cycle start (may pass the cycle end)."""
        return self.start_min + self.length_min

    @property
    def resident(self) -> bool:
        """True for resident duties (everything except NROC)."""
        return self.kind != "nroc"

    @property
    def label(self) -> str:
        """``'N on Sat wk1'``."""
        return f"{self.code} on {day_name(self.day)}"


def near_days(t0_min: int, length_min: int, n_days: int) -> list[int] | None:
    """Cycle days on which a duty overlapping ``[t0, t0 + length)`` can start.

    A duty starting on day ``d`` lies within days ``d`` and ``d + 1`` (it starts
    before 24:00 and lasts at most 24 hours), so only the days from the one before
    ``t0`` to the one holding the interval's end qualify. ``None`` when those reach
    round the whole cycle (every day qualifies).
    """
    first = t0_min // MIN_PER_DAY - 1
    last = (t0_min + max(length_min, 1) - 1) // MIN_PER_DAY
    if last - first + 1 >= n_days:
        return None
    return [d % n_days for d in range(first, last + 1)]


@dataclass(frozen=True, slots=True)
class Guard:
    """An enforcement literal switching one constraint family or requirement.

    Attributes
    ----------
    key
        Stable identifier, e.g. ``"rule:consecutive_nights"`` or ``"cover_min:N:5"``.
    phrase
        Plain-English description used in infeasibility messages.
    kind
        ``rule``, ``cover``, ``hours``, ``fixed``, ``leave`` or ``shifts``.
    literal
        The CP-SAT literal.
    """

    key: str
    phrase: str
    kind: str
    literal: cp_model.IntVar


@dataclass
class RotaModel:
    """A built CP-SAT model with handles on its variables and expressions.

    Attributes
    ----------
    problem, ruleset, pay_params, defs
        Inputs.
    model
        The CP-SAT model.
    placements
        Every (day, shift type), index ``p``.
    x
        Per doctor: ``{p: BoolVar}`` for the placements the doctor may work.
    used
        Per doctor: a BoolVar that is true when the doctor has any duty (headcount).
    pay_pence
        Per doctor: 2026 pay, linear expression in pence per year.
    loss_pence
        Per doctor: max(0, 2002 reference − 2026 pay) in pence (0 without a reference).
    reference_pence
        Per doctor: the 2002 reference in pence, or ``None``.
    nights, weekends, unsocial_min, resident_min
        Per doctor: counts per cycle and minutes per cycle, as linear expressions.
    penalties
        Named penalty terms in pence (soft cover targets, requests).
    guards
        Enforcement literals by key (only with ``diagnose``).
    diagnose
        Whether constraints are switched by guards.
    elastic
        Whether cover minima and hours minima may fall short (see :meth:`at_least`).
    shortfall
        ``(weight, variable)`` per elastic minimum: how far it falls short, weighted
        to minutes of duty.
    shortfall_max
        Largest shortfall of each (its minimum), by variable index.
    rule_doctors
        Doctors whose rule constraints are built: every doctor but the later members
        of a rolling group, whose lines are rotations of the first member's by whole
        weeks (the rules wrap around the cycle, so they hold for every rotation).
    deadline
        :func:`time.monotonic` time by which the model must be built (``None``: no
        limit); :meth:`check_time` raises :class:`BuildTimeout` after it.
    """

    problem: Problem
    ruleset: RuleSet
    pay_params: ContractParams
    defs: Definitions
    model: cp_model.CpModel
    placements: list[Placement]
    diagnose: bool = False
    x: list[dict[int, cp_model.IntVar]] = field(default_factory=list)
    used: list[cp_model.IntVar | int] = field(default_factory=list)
    pay_pence: list[cp_model.LinearExprT] = field(default_factory=list)
    loss_pence: list[cp_model.LinearExprT] = field(default_factory=list)
    reference_pence: list[int | None] = field(default_factory=list)
    nights: list[cp_model.LinearExprT] = field(default_factory=list)
    weekends: list[cp_model.LinearExprT] = field(default_factory=list)
    unsocial_min: list[cp_model.LinearExprT] = field(default_factory=list)
    resident_min: list[cp_model.LinearExprT] = field(default_factory=list)
    penalties: dict[str, cp_model.LinearExprT] = field(default_factory=dict)
    guards: dict[str, Guard] = field(default_factory=dict)
    elastic: bool = False
    shortfall: list[tuple[int, cp_model.IntVar]] = field(default_factory=list)
    shortfall_max: dict[int, int] = field(default_factory=dict)
    rule_doctors: list[int] = field(default_factory=list)
    deadline: float | None = None
    _day_any: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    _weekend_flags: dict[tuple[int, str], list] = field(default_factory=dict)
    _by_day: list = field(default_factory=list)

    def check_time(self) -> None:
        """Raise :class:`BuildTimeout` when the build has run past :attr:`deadline`.

        Called between the build's steps and once per doctor in each constraint
        family, so a large problem stops within a fraction of a second of the limit.
        """
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BuildTimeout("the model was not built within the time limit")

    # -------------------------------------------------------------- geometry helpers

    @property
    def cycle_min(self) -> int:
        """Cycle length, minutes."""
        return self.problem.weeks * MIN_PER_WEEK

    @property
    def n_days(self) -> int:
        """Days in the cycle."""
        return self.problem.n_days

    @property
    def doctors(self) -> tuple[Doctor, ...]:
        """The doctors."""
        return self.problem.doctors

    def _day_index(self, i: int) -> list[list[tuple[Placement, cp_model.IntVar]]]:
        """Per cycle day, the placements of doctor ``i`` with their variables (cached)."""
        while len(self._by_day) <= i:
            self._by_day.append(None)
        table = self._by_day[i]
        if table is None:
            table = [[] for _ in range(self.n_days)]
            for p, v in sorted(self.x[i].items(), key=lambda kv: kv[0]):
                pl = self.placements[p]
                table[pl.day].append((pl, v))
            self._by_day[i] = table
        return table

    def on_day(self, i: int, day: int) -> list[tuple[Placement, cp_model.IntVar]]:
        """Placements (with variables) of doctor ``i`` on cycle day ``day`` (mod cycle)."""
        return self._day_index(i)[day % self.n_days]

    def vars_of(self, i: int) -> list[tuple[Placement, cp_model.IntVar]]:
        """Every placement of doctor ``i`` with its variable."""
        return [(self.placements[p], v) for p, v in self.x[i].items()]

    def near(self, i: int, t0_min: int, length_min: int) -> list[tuple[Placement, cp_model.IntVar]]:
        """Placements of doctor ``i`` that may overlap ``[t0, t0 + length)`` on the cycle.

        A duty starting on day ``d`` lies within days ``d`` and ``d + 1`` (it starts
        before 24:00 and lasts at most 24 hours), so only the days from the one
        before ``t0`` to the one holding the interval's end can hold such a duty:
        the scan is local, and building every family stays linear in the days.
        Each placement is returned once; callers still measure the exact overlap.

        Parameters
        ----------
        i
            Doctor index.
        t0_min, length_min
            Interval start (minutes on the cyclic timeline, any lap) and length (minutes).
        """
        days = near_days(t0_min, length_min, self.n_days)
        if days is None:
            return self.vars_of(i)
        table = self._day_index(i)
        out: list[tuple[Placement, cp_model.IntVar]] = []
        for d in days:
            out.extend(table[d])
        return out

    def day_any(self, i: int, day: int) -> cp_model.IntVar | int:
        """A Boolean that is true when doctor ``i`` has any duty starting on ``day``."""
        day %= self.n_days
        key = (i, day)
        if key not in self._day_any:
            xs = [v for _, v in self.on_day(i, day)]
            self._day_any[key] = self.flag(xs, f"any_{i}_{day}")
        return self._day_any[key]

    def flag(self, xs: Sequence[cp_model.IntVar], name: str) -> cp_model.IntVar | int:
        """A Boolean equal to OR(``xs``) (0 when ``xs`` is empty, the variable if one)."""
        if not xs:
            return 0
        if len(xs) == 1:
            return xs[0]
        f = self.model.new_bool_var(name)
        self.model.add_max_equality(f, list(xs))
        return f

    def weekend_flags(self, i: int, definition: str, kinds: Iterable[str]) -> list:
        """Per week: Boolean true when doctor ``i`` works that weekend.

        Parameters
        ----------
        definition
            ``"2016"`` (any duty 00:00 Saturday to 24:00 Sunday) or ``"2002"`` (any duty
            from 19:00 Friday to 07:00 Monday), from the time definitions file.
        kinds
            Duty kinds that count.
        """
        kinds = tuple(sorted(kinds))
        key = (i, f"{definition}:{','.join(kinds)}")
        if key in self._weekend_flags:
            return self._weekend_flags[key]
        if definition == "2002":
            lo, hi = self.defs.weekend_2002_start_min, self.defs.weekend_2002_end_min
        else:
            lo, hi = self.defs.weekend_start_min, self.defs.weekend_end_min
        flags = []
        for w in range(self.problem.weeks):
            w0 = w * MIN_PER_WEEK + lo
            xs = [
                v
                for p, v in self.near(i, w0, hi - lo)
                if p.kind in kinds
                and cyclic_overlap_min(w0, hi - lo, p.start_min, p.length_min, self.cycle_min) > 0
            ]
            flags.append(self.flag(xs, f"weekend_{i}_{w}"))
        self._weekend_flags[key] = flags
        return flags

    # ---------------------------------------------------------------------- guards

    def guard(self, key: str, phrase: str, kind: str) -> cp_model.IntVar | None:
        """The enforcement literal of ``key`` (created on first use); ``None`` unless diagnosing."""
        if not self.diagnose:
            return None
        if key not in self.guards:
            lit = self.model.new_bool_var(f"guard:{key}")
            self.guards[key] = Guard(key, phrase, kind, lit)
        return self.guards[key].literal

    def add(self, constraint, guard: cp_model.IntVar | None, *more) -> None:
        """Make ``constraint`` conditional on ``guard`` and further literals ``more``."""
        lits = ([guard] if guard is not None else []) + [m for m in more if m is not None]
        if lits:
            constraint.only_enforce_if(lits)

    def at_least(self, expr, least: int, weight_min: int, name: str, *guards) -> None:
        """Impose ``expr >= least``; in an elastic model, up to ``least`` may fall short.

        The shortfall variable is recorded with its weight (minutes of duty per unit)
        in :attr:`shortfall`; the search drives their sum to zero, then fixes every
        shortfall at zero, which restores the hard model.
        """
        guards = guards or (None,)
        if not self.elastic:
            self.add(self.model.add(expr >= least), *guards)
            return
        short = self.model.new_int_var(0, max(0, least), f"short_{name}")
        self.add(self.model.add(expr + short >= least), *guards)
        self.shortfall.append((max(1, weight_min), short))
        self.shortfall_max[short.index] = max(0, least)

    def clause(self, lits: Sequence, guard: cp_model.IntVar | None) -> None:
        """Add the clause OR(``lits``), switched off when ``guard`` is false."""
        lits = [lit for lit in lits if not isinstance(lit, int)]
        if guard is not None:
            lits.append(guard.negated())
        self.model.add_bool_or(lits)

    def forbid(self, lits: Sequence, guard: cp_model.IntVar | None) -> None:
        """Forbid that every literal in ``lits`` is true (a nogood)."""
        self.clause([lit.negated() for lit in lits], guard)


# --------------------------------------------------------------------------- placements


def _placements(problem: Problem) -> list[Placement]:
    out = []
    for day in range(problem.n_days):
        for code, st in problem.shifts.items():
            out.append(
                Placement(
                    index=len(out),
                    day=day,
                    code=code,
                    start_min=day * MIN_PER_DAY + st.start_min,
                    length_min=st.duration_min,
                    kind=st.kind,
                    work_min=st.work_min,
                    expected_work=st.expected_work_hours is not None,
                )
            )
    return out


def placement_rota(problem: Problem, placements: Sequence[Placement], doctor: Doctor) -> Rota:
    """A rota with one line per placement, each holding that duty alone.

    Pricing and measuring it gives each placement's contribution to a line's pay and
    metrics (every 2026 pay term is linear in the duties while hours stay at or below
    the basic hours; the overtime part is added by the model).
    """
    empty: tuple[tuple[str, ...], ...] = tuple(() for _ in range(problem.n_days))
    lines = []
    for p in placements:
        days = list(empty)
        days[p.day] = (p.code,)
        lines.append(
            Line(
                id=f"p{p.index}",
                grade=doctor.grade,
                years=doctor.years,
                days=tuple(days),
                ltft=doctor.ltft,
                specialty="general",
            )
        )
    return problem.rota(lines, name="placements", source=problem.source)


def placement_values(
    problem: Problem, placements: Sequence[Placement], doctor: Doctor, params: ContractParams
) -> dict[str, np.ndarray]:
    """Per placement, for a doctor of this grade and pay point.

    Returns
    -------
    dict
        ``pay_gbp`` (2026 pay without premia, GBP/year, valid while hours stay at or
        below the basic hours), ``unsocial_min`` (unsocial resident minutes per cycle,
        bank holidays included), ``night`` (1 for a night shift).
    """
    compiled = compile_rota(placement_rota(problem, placements, doctor))
    metrics = compute_metrics_array(compiled)
    table = price(compiled, "wales-2026", params=params, metrics=metrics)
    weeks = problem.weeks
    return {
        "pay_gbp": table["total"].to_numpy(dtype=np.float64),
        "unsocial_min": np.rint(
            metrics[:, M["unsocial_resident_hours_per_week"]] * 60.0 * weeks
        ).astype(np.int64),
        "night": np.rint(metrics[:, M["nights"]]).astype(np.int64),
    }


def premium_gbp(doctor: Doctor, params: ContractParams, *, file: str | None = None) -> float:
    """Full-time 2026 premium of the doctor's specialty, GBP/year (0 for none).

    Raises
    ------
    ProblemError
        A GP or OMFS doctor while the premium has no value (naming ``file``, the
        doctor, and the ``--set`` that gives it).
    """
    for prefix in ("gp", "omfs"):
        names = {s.strip().casefold() for s in params[f"{prefix}_specialties"]}
        if doctor.specialty.strip().casefold() in names:
            key = f"{prefix}_premium_gbp"
            if params.get(key) is None:
                raise ProblemError(
                    premium_not_set(params.contract, key, doctor.specialty),
                    file=file,
                    doctor=doctor.id,
                    field="specialty",
                )
            return float(params[key])
    return 0.0


# --------------------------------------------------------------------------- building


def _add_pay(m: RotaModel, i: int, doctor: Doctor, values: dict[str, np.ndarray]) -> None:
    """2026 pay, loss and objective quantities of doctor ``i``."""
    model = m.model
    params = m.pay_params
    weeks = m.problem.weeks
    basic_h = float(params["basic_hours_per_week"])
    items = m.vars_of(i)
    res_min = sum(p.length_min * v for p, v in items if p.resident)
    m.resident_min.append(res_min)
    m.unsocial_min.append(sum(int(values["unsocial_min"][p.index]) * v for p, v in items))
    m.nights.append(sum(int(values["night"][p.index]) * v for p, v in items))
    m.weekends.append(sum(m.weekend_flags(i, "2016", ("shift", "partial", "oncall", "nroc"))))

    pay = sum(round(PENCE_PER_GBP * values["pay_gbp"][p.index]) * v for p, v in items)
    # hours over the basic week: basic stops growing, additional hours take over
    point_gbp = _pay_point(doctor, params)
    premium = premium_gbp(doctor, params)
    pro_rata = bool(params["premia_pro_rata"])
    basic_cycle_min = round(basic_h * 60 * weeks)
    per_min_pence = PENCE_PER_GBP / (basic_h * 60 * weeks)  # of 1 GBP/year per cycle-minute
    add_coef = point_gbp * (float(params["additional_hours_multiplier"]) - 1.0) * per_min_pence
    prem_coef = premium * per_min_pence if pro_rata else 0.0
    if premium and not pro_rata:
        pay = pay + round(PENCE_PER_GBP * premium) * m.used[i]
    if prem_coef:
        pay = pay + sum(round(prem_coef * p.length_min) * v for p, v in items if p.resident)
    # pence per minute over the basic hours, as a fraction with denominator _DEN
    excess_num = round((add_coef - prem_coef) * _DEN)
    if excess_num:
        max_min = sum(p.length_min for p, _ in items if p.resident)
        excess = model.new_int_var(0, max(0, max_min), f"excess_min_{i}")
        model.add_max_equality(excess, [res_min - basic_cycle_min, 0])
        _add_excess_chord(m, i, doctor, excess, res_min, basic_cycle_min, max_min)
        bound = abs(excess_num) * max(0, max_min)
        scaled = model.new_int_var(-bound, bound, f"excess_scaled_{i}")
        model.add(scaled == excess_num * excess)
        extra = model.new_int_var(-bound // _DEN - 1, bound // _DEN + 1, f"excess_pence_{i}")
        model.add_division_equality(extra, scaled, _DEN)
        pay = pay + extra
    m.pay_pence.append(pay)

    if doctor.reference_gbp is None:
        m.reference_pence.append(None)
        m.loss_pence.append(0)
        return
    ref = round(PENCE_PER_GBP * doctor.reference_gbp)
    m.reference_pence.append(ref)
    loss = model.new_int_var(0, ref, f"loss_pence_{i}")
    model.add(loss >= ref - pay)
    m.loss_pence.append(loss)


def _add_excess_chord(
    m: RotaModel, i: int, doctor: Doctor, excess, res_min, basic_min: int, max_min: int
) -> None:
    """Cut ``excess <= chord`` of ``max(0, resident - basic)`` over the doctor's hours range.

    The overtime minutes are a convex function of the resident minutes, so on the
    range ``[lo, hi]`` the doctor can work they lie below the chord joining its ends.
    The cut is valid for every rota and keeps the linear relaxation from paying
    overtime that no rota can earn, which is what gives the pay-loss stage a bound.

    ``lo`` is the doctor's hours minimum (0 when the doctor may go unused); ``hi`` the
    least of their maximum, the average-hours rule's limit over the cycle and every
    placement worked.
    """
    weeks = m.problem.weeks
    lo_h, hi_h, _ = doctor_hours_bounds(doctor)
    credit = m.problem.leave_credit_min(doctor.id)  # leave counted as hours
    lo = 0 if not isinstance(m.used[i], int) else math.ceil(lo_h * 60 * weeks - 1e-9) - credit
    lo = max(0, lo)
    hi = max_min
    if math.isfinite(hi_h):
        hi = min(hi, math.floor(hi_h * 60 * weeks + 1e-9) - credit)
    for rule in m.ruleset.rules:
        if rule.family == "average_weekly_hours" and "shift" in rule.kinds:
            hi = min(hi, math.floor(rule.value("limit") * 60 * weeks + 1e-6))
    if hi <= lo or hi <= basic_min:
        return

    def over(t: int) -> int:
        return max(0, t - basic_min)

    # excess * (hi - lo) <= over(lo) * (hi - res) + over(hi) * (res - lo)
    m.model.add(excess * (hi - lo) <= over(lo) * (hi - res_min) + over(hi) * (res_min - lo))


def _pay_point(doctor: Doctor, params: ContractParams) -> float:
    """Pay point of the doctor, GBP/year, from the pay engine's own rule."""
    rota = Rota(name="point", weeks=1, shifts={}, lines=(doctor.line(((),) * 7),))
    point, _ = pay_points(compile_rota(rota), params)
    return float(point[0])


def build_model(
    problem: Problem,
    *,
    objective: str | None = None,
    diagnose: bool = False,
    elastic: bool = False,
    ruleset: RuleSet | None = None,
    pay_params: ContractParams | None = None,
    deadline: float | None = None,
) -> RotaModel:
    """Build the CP-SAT model of a problem.

    Parameters
    ----------
    problem
        The problem.
    objective
        Objective the model is built for (``headcount`` lets doctors go unused);
        default the problem's.
    diagnose
        Switch every constraint family and requirement by its own guard literal.
    elastic
        Let cover minima and doctors' hours minima fall short, with the shortfall
        recorded in :attr:`RotaModel.shortfall` (the first phase of the search).
    ruleset, pay_params
        Rule set and 2026 pay parameters (default: the problem's rule set with its
        overrides, and the bundled parameters of its pay year).
    deadline
        :func:`time.monotonic` time by which the model must be built (``None``: no
        limit).

    Returns
    -------
    RotaModel

    Raises
    ------
    BuildTimeout
        The deadline passed before the model was built.
    """
    from .constraints import (
        FAMILY_BUILDERS,
        add_cover,
        add_day_structure,
        add_doctor_limits,
        add_requests,
    )
    from .constraints.design import (
        add_full_time_spread,
        add_night_blocks,
        add_no_consecutive_weekends,
        add_weekend_unit,
    )

    objective = objective or problem.objective
    if ruleset is None:
        ruleset = load_ruleset(problem.rules, overrides=dict(problem.rule_overrides) or None)
    pay_params = pay_params or load_params("wales-2026", problem.pay_year)
    for doctor in problem.doctors:  # a premium without a value: say so before pricing
        premium_gbp(doctor, pay_params, file=problem.source)
    for rule in ruleset.rules:
        if rule.family not in FAMILY_BUILDERS:
            raise UserError(
                f"rule {rule.id!r} of rule set {ruleset.name!r} is in family {rule.family!r}, "
                f"which the optimiser does not model (it models: {', '.join(FAMILY_BUILDERS)})"
            )
    model = cp_model.CpModel()
    m = RotaModel(
        problem=problem,
        ruleset=ruleset,
        pay_params=pay_params,
        defs=load_definitions(),
        model=model,
        placements=_placements(problem),
        diagnose=diagnose,
        elastic=elastic,
        deadline=deadline,
    )
    _add_duty_vars(m, objective)
    _check_fixed(problem, m)

    for step in (add_day_structure, add_cover, add_doctor_limits):
        m.check_time()
        step(m)
    for rule in ruleset.rules:
        m.check_time()
        m.penalties.update(FAMILY_BUILDERS[rule.family](m, rule))
    for builder in (add_weekend_unit, add_night_blocks, add_no_consecutive_weekends):
        m.check_time()
        m.penalties.update(builder(m))
    m.penalties.update(add_requests(m))

    cache: dict[tuple, dict[str, np.ndarray]] = {}
    for i, doctor in enumerate(problem.doctors):
        m.check_time()
        key = (doctor.grade, doctor.years, doctor.ltft)
        if key not in cache:
            cache[key] = placement_values(problem, m.placements, doctor, pay_params)
        _add_pay(m, i, doctor, cache[key])
    m.penalties.update(add_full_time_spread(m))
    return m


def _allowed_cells(problem: Problem) -> list[set[tuple[int, str]]]:
    """Per doctor: the ``(day, code)`` duties they may be given.

    A duty is possible where cover asks for its shift type that day (or may take
    one) and the doctor may work the type; a fixed duty on a type no cover asks for
    (teaching, protected time) is possible for that doctor on that day.
    """
    needed = {(r.day, r.shift) for r in problem.cover if r.max is None or r.max > 0}
    out = []
    for doctor in problem.doctors:
        codes = set(doctor.shifts) if doctor.shifts is not None else set(problem.shifts)
        cells = {(d, c) for d, c in needed if c in codes}
        cells |= {
            (f.day, f.shift) for f in problem.fixed if f.doctor == doctor.id and f.shift != "-"
        }
        out.append(cells)
    return out


def _add_duty_vars(m: RotaModel, objective: str) -> None:
    """The duty Booleans ``m.x`` (shared by the members of a rolling group) and ``m.used``.

    Member ``k`` of a rolling group works on day ``t`` what the first member works
    on day ``t + 7k``; a duty is possible for the group when it is possible for
    every member on its shifted day.
    """
    problem, model = m.problem, m.model
    n_days, n_codes = problem.n_days, len(problem.shifts)
    code_index = {c: k for k, c in enumerate(problem.shifts)}
    allowed = _allowed_cells(problem)
    ids = {d.id: i for i, d in enumerate(problem.doctors)}
    member_of: dict[int, tuple[list[int], int]] = {}
    for group in problem.rolling:
        idx = [ids[d] for d in group.members]
        for k, i in enumerate(idx):
            member_of[i] = (idx, k)
    m.x = [{} for _ in problem.doctors]
    for i, doctor in enumerate(problem.doctors):
        if i in member_of and member_of[i][1] > 0:
            continue
        m.rule_doctors.append(i)
        members = member_of.get(i, ([i], 0))[0]
        for day, code in sorted(allowed[i], key=lambda dc: (dc[0], code_index[dc[1]])):
            shifted = [((day - 7 * k) % n_days, code) for k in range(len(members))]
            if not all(cell in allowed[j] for j, cell in zip(members, shifted, strict=True)):
                continue
            var = model.new_bool_var(f"x_{doctor.id}_{day}_{code}")
            for j, (d, c) in zip(members, shifted, strict=True):
                m.x[j][d * n_codes + code_index[c]] = var
    for i, doctor in enumerate(problem.doctors):
        m.x[i] = dict(sorted(m.x[i].items()))
        if objective == "headcount":
            used = model.new_bool_var(f"used_{doctor.id}")
            for v in m.x[i].values():
                model.add_implication(v, used)
            m.used.append(used)
        else:
            m.used.append(1)


def _check_fixed(problem: Problem, m: RotaModel) -> None:
    for f in problem.fixed:
        i = [d.id for d in problem.doctors].index(f.doctor)
        if f.shift != "-" and not any(p.code == f.shift for p, _ in m.on_day(i, f.day)):
            raise ProblemError(
                f"fixed shift {f.shift!r} is not among the doctor's shifts or has no cover "
                "requirement that day",
                file=problem.source,
                doctor=f.doctor,
                day=f.day,
                field="fixed.shift",
            )


def ceil_div(a: float, b: float) -> int:
    """Smallest integer at least ``a / b``."""
    return math.ceil(a / b - 1e-9)
