"""Run a rule set over a compiled rota and label the violations.

:func:`check` runs the Numba kernels (:mod:`simulator.rules.kernels`);
:func:`check_reference` runs the plain-Python reference
(:mod:`simulator.rules.reference`). Both return a :class:`CheckResult` built from
the same raw violation records, so their results compare exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..compile import KIND_NROC, KIND_ONCALL, KIND_PARTIAL, CompiledRota, as_compiled
from ..definitions import Definitions, load_definitions
from ..model import DAY_NAMES, MIN_PER_DAY, Rota, format_clock
from .kernels import (
    N_REC_FLOAT,
    N_REC_INT,
    REC_A,
    REC_B,
    REC_CLOCK,
    REC_DAY,
    REC_LIMIT,
    REC_MEASURED,
    REC_RULE,
    REC_SUB,
    run_lines,
)
from .ruleset import (
    F_CONSECUTIVE,
    F_CONTINUOUS,
    F_NROC,
    F_OFF_DUTY,
    F_REST,
    F_SHIFT_LENGTH,
    F_WEEKEND,
    F_WEEKLY,
    F_WINDOW,
    PATTERN_CODE,
    S_DUTY_DAYS,
    SUB_CHECKS,
    Rule,
    RulesError,
    RuleSet,
    load_ruleset,
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One breach of one rule on one line.

    Attributes
    ----------
    rule
        Rule id (with a sub-check suffix such as ``.rest_after`` where a rule has several).
    line
        Line id.
    day
        Cycle day index (0 = Monday of week 1) where the breach starts.
    clock
        Clock time ``"HH:MM"`` where it matters, else ``None``.
    measured, limit
        Measured value and the limit, in ``unit``.
    unit
        ``h``, ``h/week``, ``shifts``, ``days`` or ``per week`` (a weekend frequency).
    message
        Plain-English description.
    """

    rule: str
    line: str
    day: int
    clock: str | None
    measured: float
    limit: float
    unit: str
    message: str

    def to_json(self) -> dict:
        """JSON-ready mapping (``rule, day, clock, measured, limit, unit, message``)."""
        return {
            "rule": self.rule,
            "day": self.day,
            "clock": self.clock,
            "measured": round(self.measured, 4),
            "limit": round(self.limit, 4),
            "unit": self.unit,
            "message": self.message,
        }


class CheckResult:
    """Result of checking a compiled rota against a rule set.

    Attributes
    ----------
    ruleset
        Rule set name.
    line_ids
        Line ids, in compiled order.
    compliant
        bool per line (``line_ids`` order): no violation.
    records
        Raw violation records ``(line, int part, float part)``; see
        :mod:`simulator.rules.kernels`. ``violations`` labels them on first use.
    """

    def __init__(
        self,
        compiled: CompiledRota,
        ruleset: RuleSet,
        line_of: np.ndarray,
        rec_int: np.ndarray,
        rec_f: np.ndarray,
    ) -> None:
        order = np.lexsort(
            (
                rec_int[:, REC_A],
                rec_int[:, REC_SUB],
                rec_int[:, REC_RULE],
                rec_int[:, REC_CLOCK],
                rec_int[:, REC_DAY],
                line_of,
            )
        )
        self._compiled = compiled
        self.rules = ruleset
        self.ruleset = ruleset.name
        self.line_ids = compiled.line_ids
        self.records = (line_of[order], rec_int[order], rec_f[order])
        counts = np.bincount(line_of, minlength=compiled.n_lines)
        self.compliant = counts == 0

    @property
    def all_compliant(self) -> bool:
        """True when no line has a violation."""
        return bool(self.compliant.all())

    @cached_property
    def violations(self) -> list[Violation]:
        """Every violation, sorted by line (compiled order), then day and clock."""
        line_of, rec_int, rec_f = self.records
        return [
            _label(self._compiled, self.rules, int(line), row, values)
            for line, row, values in zip(line_of, rec_int.tolist(), rec_f.tolist(), strict=True)
        ]

    def violations_by_line(self) -> dict[str, list[Violation]]:
        """Violations grouped by line id (every line present, in compiled order)."""
        grouped: dict[str, list[Violation]] = {line_id: [] for line_id in self.line_ids}
        for v in self.violations:
            grouped[v.line].append(v)
        return grouped

    def to_json(self) -> dict:
        """The JSON of ``rota check --format json``."""
        grouped = self.violations_by_line()
        return {
            "rules": self.ruleset,
            "compliant": self.all_compliant,
            "lines": [
                {
                    "id": line_id,
                    "compliant": bool(ok),
                    "violations": [v.to_json() for v in grouped[line_id]],
                }
                for line_id, ok in zip(self.line_ids, self.compliant, strict=True)
            ],
        }


# ------------------------------------------------------------------------- running


def line_patterns(compiled: CompiledRota) -> np.ndarray:
    """Working pattern code of every line (reference §1.3): 0 full, 1 partial, 2 on-call.

    On-call rota if the line has an on-call duty (resident or NROC); else partial
    shift if it has a partial shift; else full shift.
    """
    line_of_duty = np.repeat(np.arange(compiled.n_lines), np.diff(compiled.offsets))
    oncall = np.zeros(compiled.n_lines, dtype=np.bool_)
    partial = np.zeros(compiled.n_lines, dtype=np.bool_)
    kind = compiled.kind
    oncall[line_of_duty[(kind == KIND_ONCALL) | (kind == KIND_NROC)]] = True
    partial[line_of_duty[kind == KIND_PARTIAL]] = True
    return np.where(
        oncall, PATTERN_CODE["oncall"], np.where(partial, PATTERN_CODE["partial"], 0)
    ).astype(np.int64)


def resolve(
    compiled: CompiledRota, ruleset: str | RuleSet, defs: Definitions | None
) -> tuple[RuleSet, Definitions]:
    """Load the rule set by name if needed and check it fits the rota."""
    rules = load_ruleset(ruleset) if isinstance(ruleset, str) else ruleset
    for rule in rules.rules:
        if rule.family == "hours_in_window" and rule.value("window") * 60 > compiled.cycle_min:
            raise RulesError(
                f"{rule.id}.window: {rule.value('window'):g} h is longer than the "
                f"{compiled.weeks}-week cycle"
            )
    return rules, defs or load_definitions()


def check(
    compiled: Rota | CompiledRota, ruleset: str | RuleSet, defs: Definitions | None = None
) -> CheckResult:
    """Check every line of a compiled rota against a rule set (Numba kernels).

    Parameters
    ----------
    compiled
        The compiled rota (a :class:`~simulator.model.Rota` is compiled first).
    ruleset
        A rule set name (:data:`~simulator.rules.ruleset.RULESETS`) or a loaded RuleSet.
    defs
        Time definitions (default: the bundled ones).

    Returns
    -------
    CheckResult
    """
    compiled = as_compiled(compiled)
    rules, defs = resolve(compiled, ruleset, defs)
    args = _kernel_args(compiled, rules, defs)
    counts, _, _ = run_lines(
        *args, np.arange(compiled.n_lines, dtype=np.int64), np.zeros(1, np.int64), True
    )
    lines = np.flatnonzero(counts).astype(np.int64)
    rec_offsets = np.zeros(lines.size + 1, dtype=np.int64)
    np.cumsum(counts[lines], out=rec_offsets[1:])
    _, rec_int, rec_f = run_lines(*args, lines, rec_offsets, False)
    line_of = np.repeat(lines, counts[lines])
    return CheckResult(compiled, rules, line_of, rec_int, rec_f)


def compliant_lines(
    compiled: Rota | CompiledRota, ruleset: str | RuleSet, defs: Definitions | None = None
) -> np.ndarray:
    """Which lines comply with a rule set, without building violation records.

    Same answer as ``check(compiled, ruleset).compliant``, faster: each line stops
    at its first broken rule. Used by the pay engine (2002 band 3) and sweeps.
    Large rotas (from :data:`simulator.fused.FUSED_MIN_DUTIES` duties) go through
    the fused line pass (:func:`simulator.fused.compliance`), small ones through the
    kernels of :func:`check` (:func:`compliant_lines_detailed`).

    Returns
    -------
    numpy.ndarray
        bool per line, in ``compiled.line_ids`` order.
    """
    from ..fused import compliance

    return compliance(compiled, ruleset, defs)


def compliant_lines_detailed(
    compiled: Rota | CompiledRota, ruleset: str | RuleSet, defs: Definitions | None = None
) -> np.ndarray:
    """:func:`compliant_lines` with the kernels of :func:`check` (count only, first rule)."""
    compiled = as_compiled(compiled)
    rules, defs = resolve(compiled, ruleset, defs)
    counts, _, _ = run_lines(
        *_kernel_args(compiled, rules, defs),
        np.arange(compiled.n_lines, dtype=np.int64),
        np.zeros(1, np.int64),
        True,
        True,
    )
    return counts == 0


def _kernel_args(compiled: CompiledRota, rules: RuleSet, defs: Definitions) -> tuple:
    """The arguments of :func:`run_lines` before the line selection."""
    r_int, r_f = rules.pack()
    return (
        compiled.start_min,
        compiled.duration_min,
        compiled.kind,
        compiled.work_min,
        compiled.expected_work_min,
        compiled.offsets,
        compiled.weeks,
        line_patterns(compiled),
        compiled.ltft,
        defs.as_array(),
        r_int,
        r_f,
    )


def check_reference(
    compiled: Rota | CompiledRota, ruleset: str | RuleSet, defs: Definitions | None = None
) -> CheckResult:
    """Same as :func:`check`, computed by the plain-Python reference checker."""
    from .reference import reference_records

    compiled = as_compiled(compiled)
    rules, defs = resolve(compiled, ruleset, defs)
    line_of, rows_i, rows_f = reference_records(compiled, rules, defs)
    return CheckResult(
        compiled,
        rules,
        np.asarray(line_of, dtype=np.int64),
        np.asarray(rows_i, dtype=np.int64).reshape(-1, N_REC_INT),
        np.asarray(rows_f, dtype=np.float64).reshape(-1, N_REC_FLOAT),
    )


# ------------------------------------------------------------------------ messages

_RUN_NOUNS = ("shifts", "nights", "long shifts", "long evening shifts", "duty days")


def _when(t: int, cycle: int) -> str:
    """``'Tue wk2 20:30'`` for minute ``t`` of the cycle (taken modulo the cycle)."""
    t %= cycle
    day = t // MIN_PER_DAY
    return f"{DAY_NAMES[day % 7]} wk{day // 7 + 1} {format_clock(t % MIN_PER_DAY)}"


def _day(day: int) -> str:
    return f"{DAY_NAMES[day % 7]} wk{day // 7 + 1}"


def _h(x: float) -> str:
    return f"{x:.1f} h"


def _label(c: CompiledRota, rules: RuleSet, line: int, row: list, values: list) -> Violation:
    """Turn one raw record into a :class:`Violation` with a plain-English message."""
    rule: Rule = rules.rules[row[REC_RULE]]
    spec = rule.spec
    day, clock, a, b, sub = row[REC_DAY], row[REC_CLOCK], row[REC_A], row[REC_B], row[REC_SUB]
    measured, limit = values[REC_MEASURED], values[REC_LIMIT]
    cycle = c.cycle_min
    base = int(c.offsets[line])

    def duty(i: int) -> tuple[str, int, int]:
        g = base + i
        s = int(c.start_min[g])
        return c.shift_codes[int(c.shift_index[g])], s, s + int(c.duration_min[g])

    unit = "h"
    fam = spec.code
    if fam == F_WEEKLY:
        unit = "h/week"
        span = min(c.weeks, int(rule.value("reference_period")) or c.weeks)
        what = {"duty": "duty", "work": "actual work"}.get(
            rule.options.get("measure", "working_time"), "working time"
        )
        where = (
            f"the {c.weeks}-week cycle" if span == c.weeks else f"the {span} weeks from {_day(day)}"
        )
        text = f"average {measured:.2f} h/week of {what} over {where}; maximum {limit:g} h"
    elif fam == F_WINDOW:
        text = (
            f"{_h(measured)} of duty in the {rule.value('window'):g} h from "
            f"{_when(day * MIN_PER_DAY + clock, cycle)}; maximum {limit:g} h"
        )
    elif fam == F_SHIFT_LENGTH:
        code, s, _ = duty(a)
        text = f"the {code} starting {_when(s, cycle)} lasts {_h(measured)}; maximum {limit:g} h"
    elif fam == F_REST and a >= 0:
        code_a, _, end_a = duty(a)
        code_b, start_b, _ = duty(b)
        text = (
            f"{_h(measured)} rest after the {code_a} ending {_when(end_a, cycle)} before the "
            f"{code_b} starting {_when(start_b, cycle)}; minimum {limit:g} h"
        )
    elif fam == F_CONTINUOUS and a >= 0:
        code_a, start_a, _ = duty(a)
        code_b, _, end_b = duty(b)
        weekend = " (over a weekend)" if limit * 60 != rule.value("limit") * 60 else ""
        text = (
            f"{_h(measured)} continuous duty from the {code_a} starting {_when(start_a, cycle)} "
            f"to the {code_b} ending {_when(end_b, cycle)}; maximum {limit:g} h{weekend}"
        )
    elif fam == F_CONSECUTIVE:
        noun = _RUN_NOUNS[spec.selector]
        if sub == 0:
            unit = "days" if spec.selector == S_DUTY_DAYS else "shifts"
            last_day = (day + int(measured) - 1) % c.n_days
            text = (
                f"{int(measured)} consecutive {noun} from {_day(day)} to {_day(last_day)}; "
                f"maximum {limit:g}"
            )
        else:
            code_a, _, end_a = duty(a)
            code_b, start_b, _ = duty(b)
            text = (
                f"{_h(measured)} rest after the run of {noun} ending with the {code_a} at "
                f"{_when(end_a, cycle)} before the {code_b} starting {_when(start_b, cycle)}; "
                f"minimum {limit:g} h"
            )
    elif fam == F_WEEKEND:
        unit = "per week"
        count = round(measured * c.weeks)
        cap = f"1 in {1 / limit:g}" if limit > 0 else "none"
        text = (
            f"weekends worked {count} of {c.weeks} weeks (1 in {1 / measured:.2f}); at most {cap}"
        )
    elif fam == F_OFF_DUTY:
        window = rule.value("window")
        days = f"the {window:g} days from {_day(day)}"
        if rule.options.get("mode") == "either":
            text = (
                f"no off-duty period of {rule.value('long'):g} h nor two of "
                f"{rule.value('short'):g} h in {days} (longest {_h(measured)})"
            )
        elif sub == 0:
            text = f"no off-duty period of {limit:g} h in {days} (longest {_h(measured)})"
        else:
            text = (
                f"no second off-duty period of {limit:g} h in {days} (next longest {_h(measured)})"
            )
    elif fam == F_NROC:
        code_a, start_a, _ = duty(a)
        work_h = float(c.work_min[base + a]) / 60
        if sub == 0:
            text = (
                f"{_h(measured)} rest in the {rule.value('per'):g} h from the {code_a} starting "
                f"{_when(start_a, cycle)} ({work_h:g} h expected work from its start); "
                f"minimum {limit:g} h"
            )
        else:
            lo = format_clock(round(rule.value("window_start") * 60) % MIN_PER_DAY)
            hi = format_clock(round(rule.value("window_end") * 60) % MIN_PER_DAY)
            text = (
                f"{_h(measured)} continuous rest between {lo} and {hi} from {_day(day)} "
                f"during the {code_a} starting {_when(start_a, cycle)} ({work_h:g} h expected "
                f"work from its start); minimum {limit:g} h"
            )
    elif fam in (F_REST, F_CONTINUOUS):
        text = f"duty never stops on the cycle ({_h(measured)}); limit {limit:g} h"
    else:  # pragma: no cover - every family is handled above
        text = f"{measured:g} against limit {limit:g}"
    suffix = SUB_CHECKS.get(fam, ("",))[sub] if fam in SUB_CHECKS else ""
    return Violation(
        rule=rule.id + suffix,
        line=c.line_ids[line],
        day=int(day),
        clock=None if clock < 0 else format_clock(int(clock)),
        measured=float(measured),
        limit=float(limit),
        unit=unit,
        message=text,
    )
