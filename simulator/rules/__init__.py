"""Safe-rostering rules: rule sets as data, one checker per rule family.

Public API (kept stable for the pay engine and the optimiser):

- :data:`RULESETS` -- bundled rule set names (``new-deal``, ``wtr``, ``wales-2026``,
  ``england-2016``);
- :func:`load_ruleset` -- load one, with overrides by dotted key and/or a user file;
- :func:`check` -- check a rota (compiled, or a Rota compiled on the way) with the
  Numba kernels;
- :func:`check_reference` -- the same result from the plain-Python reference;
- :func:`compliant_lines` -- compliance per line only (fast: no violation records);
- :class:`CheckResult`, :class:`Violation`, :class:`RuleSet`, :class:`RulesError`.
"""

from .engine import (
    CheckResult,
    Violation,
    check,
    check_reference,
    compliant_lines,
    line_patterns,
)
from .ruleset import FAMILIES, RULESETS, Param, Rule, RulesError, RuleSet, load_ruleset

__all__ = [
    "FAMILIES",
    "RULESETS",
    "CheckResult",
    "Param",
    "Rule",
    "RuleSet",
    "RulesError",
    "Violation",
    "check",
    "check_reference",
    "compliant_lines",
    "line_patterns",
    "load_ruleset",
]
