"""Rule sets as data: the parameter files, their schema and the loader.

A rule set is a TOML file in ``params/`` (one per rule set). Each ``[rules.<id>]``
table is one rule: the ``family`` that checks it, which duties it looks at
(``kinds``), which lines it applies to (``patterns``, ``ltft``), family options
(``measure``, ``weekend``, ``mode``) and its numeric limits. Every number is a
table ``{ value, unit, min/above, max, tag, source }``: the tag is ``C``
(confirmed), ``S`` (transcription), ``A`` (assumption of this project) or ``seed``
(the BMA Cymru Wales FAQ), as in the project's contract reference; ``min``
(``above`` for a strict bound) and ``max`` give the range the value must lie in
(:mod:`simulator.ranges`). A number of a new rule without a range takes the range
of its unit (:data:`UNIT_RANGE`).

Users override numbers by dotted key (``"<rule id>.<parameter>"``, e.g.
``"rest_between_shifts.limit"``) or with a TOML file in the same layout, whose
entries replace the bundled ones and may add whole new rules.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import numpy as np

from ..model import KIND_CODE, KINDS, UserError
from ..ranges import RANGE_KEYS, Range, parse_range, show

#: Bundled rule sets, by name (file ``params/<name>.toml``).
RULESETS = ("new-deal", "wtr", "wales-2026", "england-2016")

#: Working patterns of a line (reference §1.3), in kernel code order.
PATTERNS = ("full", "partial", "oncall")
PATTERN_CODE = {name: i for i, name in enumerate(PATTERNS)}

#: Source tags accepted on every number.
TAGS = ("C", "S", "A", "seed")

#: Units, and the factor that turns a value into the kernels' unit (minutes or count).
UNIT_FACTOR = {
    "h": 60.0,
    "h/week": 60.0,
    "h after midnight": 60.0,
    "weeks": 1.0,
    "days": 1.0,
    "shifts": 1.0,
    "1 in N": 1.0,
}

#: Range of a number whose entry states none (a new rule in a user file), by unit.
UNIT_RANGE = {
    "h": Range(min=0, max=168, unit="h"),
    "h/week": Range(above=0, max=168, unit="h/week"),
    "h after midnight": Range(min=0, max=24, unit="h after midnight"),
    "weeks": Range(min=1, max=52, unit="weeks"),
    "days": Range(min=1, max=366, unit="days"),
    "shifts": Range(min=1, max=100, unit="shifts"),
    "1 in N": Range(min=1, max=52, unit="1 in N"),
}

#: Columns of the integer rule table packed for the kernels.
RI_FAMILY, RI_SELECTOR, RI_KINDS, RI_PATTERNS, RI_LTFT, RI_OPTION = range(6)
N_RULE_INT = 6
#: Number of float parameter columns in the packed rule table.
N_RULE_FLOAT = 5

RULE_KEYS = ("family", "title", "kinds", "patterns", "ltft", "measure", "weekend", "mode")
RULESET_KEYS = ("name", "title", "description", "rules")
PARAM_KEYS = ("value", "unit", "tag", "source", *RANGE_KEYS)


class RulesError(UserError):
    """A rule set or override that cannot be used; the message names the key."""


@dataclass(frozen=True, slots=True)
class FamilySpec:
    """Schema of one rule family.

    Attributes
    ----------
    code, selector
        Kernel family code, and the family's selector (which duties count as one
        step of a run, for the ``consecutive_*`` families).
    params
        ``(name, unit, required)`` per numeric parameter, in kernel column order.
    options
        Option name to its allowed values (the first is the default).
    kinds
        Default duty kinds the family looks at.
    doc
        One-line description.
    """

    code: int
    selector: int
    params: tuple[tuple[str, str, bool], ...]
    options: Mapping[str, tuple[str, ...]]
    kinds: tuple[str, ...]
    doc: str


RESIDENT = ("shift", "partial", "oncall")
ALL_KINDS = KINDS

#: Family codes used by the kernels.
F_WEEKLY, F_WINDOW, F_SHIFT_LENGTH, F_REST, F_CONTINUOUS = 0, 1, 2, 3, 4
F_CONSECUTIVE, F_WEEKEND, F_OFF_DUTY, F_NROC = 5, 6, 7, 8
#: Selectors of the consecutive-run family.
S_SHIFTS, S_NIGHTS, S_LONG, S_LONG_EVENINGS, S_DUTY_DAYS = 0, 1, 2, 3, 4

_RUN_PARAMS = (
    ("limit", "shifts", True),
    ("rest_after", "h", False),
    ("rest_after_run", "shifts", False),
)

FAMILIES: dict[str, FamilySpec] = {
    "average_weekly_hours": FamilySpec(
        F_WEEKLY,
        0,
        (("limit", "h/week", True), ("reference_period", "weeks", True)),
        {"measure": ("working_time", "duty", "work")},
        ALL_KINDS,
        "average weekly hours over the reference period (worst run of whole weeks)",
    ),
    "hours_in_window": FamilySpec(
        F_WINDOW,
        0,
        (("limit", "h", True), ("window", "h", True)),
        {},
        RESIDENT,
        "most hours of duty in any sliding window (e.g. 72 h in any 168 h)",
    ),
    "shift_length": FamilySpec(
        F_SHIFT_LENGTH, 0, (("limit", "h", True),), {}, RESIDENT, "longest rostered shift"
    ),
    "rest_between_duties": FamilySpec(
        F_REST,
        0,
        (("limit", "h", True),),
        {},
        RESIDENT,
        "minimum rest between the end of one duty period and the start of the next",
    ),
    "continuous_duty": FamilySpec(
        F_CONTINUOUS,
        0,
        (("limit", "h", True), ("weekend_limit", "h", False)),
        {"weekend": ("2002", "2016")},
        ALL_KINDS,
        "longest continuous duty period (touching duties merged)",
    ),
    "consecutive_shifts": FamilySpec(
        F_CONSECUTIVE, S_SHIFTS, _RUN_PARAMS, {}, RESIDENT, "shifts on consecutive days"
    ),
    "consecutive_nights": FamilySpec(
        F_CONSECUTIVE, S_NIGHTS, _RUN_PARAMS, {}, RESIDENT, "night shifts on consecutive days"
    ),
    "consecutive_long_shifts": FamilySpec(
        F_CONSECUTIVE, S_LONG, _RUN_PARAMS, {}, RESIDENT, "long shifts on consecutive days"
    ),
    "consecutive_long_evenings": FamilySpec(
        F_CONSECUTIVE,
        S_LONG_EVENINGS,
        _RUN_PARAMS,
        {},
        RESIDENT,
        "long evening shifts on consecutive days",
    ),
    "consecutive_duty_days": FamilySpec(
        F_CONSECUTIVE,
        S_DUTY_DAYS,
        (("limit", "days", True),),
        {},
        ALL_KINDS,
        "days in a row on which a duty starts",
    ),
    "weekend_frequency": FamilySpec(
        F_WEEKEND,
        0,
        (("limit", "1 in N", True),),
        {"weekend": ("2016", "2002")},
        ALL_KINDS,
        "weekends worked / weeks in the cycle, at most 1 in N",
    ),
    "off_duty_periods": FamilySpec(
        F_OFF_DUTY,
        0,
        (("window", "days", True), ("long", "h", True), ("short", "h", True)),
        {"mode": ("both", "either")},
        ALL_KINDS,
        "off-duty periods in every sliding window of whole days",
    ),
    "nroc_rest": FamilySpec(
        F_NROC,
        0,
        (
            ("total_rest", "h", True),
            ("per", "h", True),
            ("continuous_rest", "h", True),
            ("window_start", "h after midnight", True),
            ("window_end", "h after midnight", True),
        ),
        {},
        ("nroc",),
        "rest during non-resident on-call: total per period and continuous overnight",
    ),
}

#: Sub-checks a family can report, by family code: suffix added to the rule id.
SUB_CHECKS = {
    F_CONSECUTIVE: ("", ".rest_after"),
    F_NROC: (".total", ".continuous"),
    F_OFF_DUTY: (".long", ".short"),
}


@dataclass(frozen=True, slots=True)
class Param:
    """One number of a rule, with its unit, source and range."""

    value: float
    unit: str
    tag: str
    source: str
    bounds: Range | None = None

    @property
    def range(self) -> Range:
        """The range the value must lie in (its own, else that of its unit)."""
        return self.bounds or UNIT_RANGE.get(self.unit, Range(min=0, unit=self.unit))


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a rule set (see the module docstring for the fields)."""

    id: str
    family: str
    title: str
    params: Mapping[str, Param] = field(hash=False)
    kinds: tuple[str, ...]
    patterns: tuple[str, ...] = PATTERNS
    ltft: bool | None = None
    options: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def spec(self) -> FamilySpec:
        """The family schema."""
        return FAMILIES[self.family]

    def value(self, name: str) -> float:
        """Value of parameter ``name`` in its file unit (NaN when an optional one is absent)."""
        param = self.params.get(name)
        return math.nan if param is None else param.value


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A named set of rules (one parameter file)."""

    name: str
    title: str
    description: str
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        """The rule with id ``rule_id``."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise RulesError(f"rule set {self.name!r} has no rule {rule_id!r}")

    def with_overrides(self, overrides: Mapping[str, float] | None) -> RuleSet:
        """Copy with numbers replaced by dotted key ``"<rule id>.<parameter>"``."""
        if not overrides:
            return self
        rules = {rule.id: rule for rule in self.rules}
        for key, value in overrides.items():
            parts = key.removeprefix("rules.").split(".")
            if len(parts) != 2 or parts[0] not in rules:
                raise RulesError(
                    f"unknown rule key {key!r} in rule set {self.name!r}: expected "
                    f"'<rule id>.<parameter>' with a rule id among {', '.join(rules)}"
                )
            rule = rules[parts[0]]
            names = [p[0] for p in rule.spec.params]
            if parts[1] not in names:
                raise RulesError(
                    f"unknown parameter {key!r}: rule {rule.id!r} ({rule.family}) has "
                    f"{', '.join(names)}"
                )
            old = rule.params.get(parts[1])
            unit = dict((n, u) for n, u, _ in rule.spec.params)[parts[1]]
            bounds = old.range if old is not None else Param(0.0, unit, "A", "").range
            number = _as_number(value, f"--set {key}={show(value)}", bounds)
            new = (
                Param(number, unit, "A", "user override")
                if old is None
                else replace(
                    old, value=number, tag="A", source=f"user override (was {old.value:g})"
                )
            )
            rules[rule.id] = replace(rule, params={**rule.params, parts[1]: new})
        return replace(self, rules=tuple(rules.values()))

    def pack(self) -> tuple[np.ndarray, np.ndarray]:
        """The rule table for the kernels: int64 ``(n_rules, 6)`` and float64 ``(n_rules, 5)``.

        Floats are in kernel units (minutes for hours, counts otherwise); absent
        optional parameters are NaN.
        """
        r_int = np.zeros((len(self.rules), N_RULE_INT), dtype=np.int64)
        r_f = np.full((len(self.rules), N_RULE_FLOAT), np.nan, dtype=np.float64)
        for j, rule in enumerate(self.rules):
            spec = rule.spec
            r_int[j, RI_FAMILY] = spec.code
            r_int[j, RI_SELECTOR] = spec.selector
            r_int[j, RI_KINDS] = sum(1 << KIND_CODE[k] for k in rule.kinds)
            r_int[j, RI_PATTERNS] = sum(1 << PATTERN_CODE[p] for p in rule.patterns)
            r_int[j, RI_LTFT] = -1 if rule.ltft is None else int(rule.ltft)
            for name, allowed in spec.options.items():
                r_int[j, RI_OPTION] = allowed.index(rule.options.get(name, allowed[0]))
            for col, (name, unit, _) in enumerate(spec.params):
                r_f[j, col] = rule.value(name) * UNIT_FACTOR[unit]
        return r_int, r_f


def _as_number(value: object, where: str, bounds: Range) -> float:
    """``value`` as a float in ``bounds``; the one check of every number of a rule."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RulesError(f"{where}: expected a number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise RulesError(f"{where}: expected a number, got {value!r}") from None
    try:
        bounds.check(number, where)
    except UserError as exc:
        raise RulesError(str(exc)) from None
    return number


def _check_keys(table: Mapping, allowed: tuple[str, ...], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise RulesError(f"unknown key {where}{key!r}: expected one of {', '.join(allowed)}")


def _parse_param(entry: object, old: Param | None, unit: str, where: str) -> Param:
    if not isinstance(entry, Mapping):
        if old is None:
            raise RulesError(f"{where}: expected {{ value, unit, tag, source }}, got {entry!r}")
        number = _as_number(entry, f"{where} = {show(entry)}", old.range)
        return replace(old, value=number, tag="A", source="user file")
    _check_keys(entry, PARAM_KEYS, f"{where}.")
    base = {} if old is None else {"unit": old.unit, "tag": old.tag, "source": old.source}
    merged = {**base, **entry}
    for key in PARAM_KEYS[:4]:
        if key not in merged:
            raise RulesError(f"{where}: missing {key!r}")
    if merged["unit"] != unit:
        raise RulesError(f"{where}: unit must be {unit!r}, got {merged['unit']!r}")
    if merged["tag"] not in TAGS:
        raise RulesError(f"{where}: tag must be one of {', '.join(TAGS)}, got {merged['tag']!r}")
    try:
        bounds = parse_range(merged, where) if any(k in entry for k in RANGE_KEYS) else None
    except UserError as exc:
        raise RulesError(str(exc)) from None
    if bounds is None and old is not None:
        bounds = old.bounds
    param = Param(0.0, unit, merged["tag"], merged["source"], bounds)
    number = _as_number(merged["value"], f"{where}.value = {show(merged['value'])}", param.range)
    return replace(param, value=number)


def _str_list(value: object, allowed: tuple[str, ...], where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise RulesError(f"{where}: expected a non-empty list")
    for item in value:
        if item not in allowed:
            raise RulesError(f"{where}: unknown value {item!r}: expected {', '.join(allowed)}")
    return tuple(value)


def _parse_rule(rule_id: str, table: object, old: Rule | None, where: str) -> Rule:
    if not isinstance(table, Mapping):
        raise RulesError(f"{where}: expected a table")
    family = table.get("family", old.family if old else None)
    if family is None:
        raise RulesError(f"{where}: missing 'family' (one of {', '.join(FAMILIES)})")
    if family not in FAMILIES:
        raise RulesError(
            f"{where}.family: unknown family {family!r}: expected {', '.join(FAMILIES)}"
        )
    spec = FAMILIES[family]
    param_names = tuple(p[0] for p in spec.params)
    _check_keys(table, RULE_KEYS[:5] + tuple(spec.options) + param_names, f"{where}.")
    if old is not None and old.family != family:
        old = None  # a different family: start afresh
    params = dict(old.params) if old else {}
    for name, unit, required in spec.params:
        if name in table:
            params[name] = _parse_param(table[name], params.get(name), unit, f"{where}.{name}")
        elif required and name not in params:
            raise RulesError(f"{where}: missing parameter {name!r}")
    options = dict(old.options) if old else {}
    for name, allowed in spec.options.items():
        if name in table:
            if table[name] not in allowed:
                raise RulesError(f"{where}.{name}: expected one of {', '.join(allowed)}")
            options[name] = table[name]
    kinds = old.kinds if old else spec.kinds
    if "kinds" in table:
        kinds = _str_list(table["kinds"], KINDS, f"{where}.kinds")
    patterns = old.patterns if old else PATTERNS
    if "patterns" in table:
        patterns = _str_list(table["patterns"], PATTERNS, f"{where}.patterns")
    ltft = old.ltft if old else None
    if "ltft" in table:
        if not isinstance(table["ltft"], bool):
            raise RulesError(f"{where}.ltft: expected true or false")
        ltft = table["ltft"]
    title = table.get("title", old.title if old else spec.doc)
    return Rule(rule_id, family, str(title), params, kinds, patterns, ltft, options)


def parse_ruleset(data: Mapping, *, base: RuleSet | None = None, file: str = "<memory>") -> RuleSet:
    """Build a rule set from parsed TOML, optionally on top of ``base``.

    Raises
    ------
    RulesError
        Naming the file and the key for unknown keys, bad values or missing limits.
    """
    try:
        _check_keys(data, RULESET_KEYS, "")
        rules_table = data.get("rules", {})
        if not isinstance(rules_table, Mapping):
            raise RulesError("'rules' must be a table of [rules.<id>] tables")
        rules = {rule.id: rule for rule in base.rules} if base else {}
        for rule_id, table in rules_table.items():
            rules[rule_id] = _parse_rule(rule_id, table, rules.get(rule_id), f"rules.{rule_id}")
    except RulesError as exc:
        raise RulesError(f"{file}: {exc}") from None
    return RuleSet(
        name=str(data.get("name", base.name if base else Path(file).stem)),
        title=str(data.get("title", base.title if base else "")),
        description=str(data.get("description", base.description if base else "")),
        rules=tuple(rules.values()),
    )


def _read_toml(path: Path | str) -> dict:
    try:
        text = Path(path).read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise RulesError(
            f"{path}: rules file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at "
            f"offset {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise RulesError(f"{path}: cannot read rules file ({exc.strerror})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not valid TOML ({exc})") from None


def load_ruleset(
    name: str,
    overrides: Mapping[str, float] | None = None,
    path: str | Path | None = None,
) -> RuleSet:
    """Load a bundled rule set, apply a user parameter file, then dotted overrides.

    Parameters
    ----------
    name
        One of :data:`RULESETS`.
    overrides
        Numbers by dotted key ``"<rule id>.<parameter>"`` in the file's units,
        e.g. ``{"rest_between_shifts.limit": 10}`` (hours).
    path
        A TOML file in the bundled layout; its entries replace the bundled ones
        (a bare number replaces a value) and may add new rules.

    Returns
    -------
    RuleSet

    Raises
    ------
    RulesError
        Unknown rule set, unknown key (named), or a bad value.
    """
    if name not in RULESETS:
        raise RulesError(f"unknown rule set {name!r}: expected one of {', '.join(RULESETS)}")
    text = resources.files("simulator.rules").joinpath("params", f"{name}.toml").read_text("utf-8")
    ruleset = parse_ruleset(tomllib.loads(text), file=f"{name}.toml")
    if path is not None:
        ruleset = parse_ruleset(_read_toml(path), base=ruleset, file=str(path))
        ruleset = replace(ruleset, name=name)
    return ruleset.with_overrides(overrides)
