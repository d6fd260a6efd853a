"""The JSON reports of ``rota hours|check|pay|compare``, built from form options.

Each function calls the same library functions as its command, so the web API
returns exactly what ``rota … --format json`` prints. Options arrive as strings
(HTML form fields); a bad value raises :class:`~simulator.model.UserError` with the
command line's one-line message.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.compile import compile_rota
from simulator.contracts import CONTRACTS, ContractParams, compare, load_all_params
from simulator.contracts import parse_overrides as parse_pay_overrides
from simulator.model import Rota, UserError
from simulator.rules import RULESETS, CheckResult, RuleSet, check, load_ruleset

from ..commands.check import parse_overrides as parse_rule_overrides
from ..commands.hours import hours_report
from ..commands.pay import pay_report

#: Default pay year of ``rota pay`` and ``rota compare``.
DEFAULT_PAY_YEAR = "2026/27"
#: Form values read as "yes" for boolean options such as ``explain``.
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def json_ready(value: Any) -> Any:
    """``value`` as the CLI prints it: NaN and infinities become ``None``, NumPy scalars
    become Python numbers, tuples become lists."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Mapping):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if hasattr(value, "item"):
        return json_ready(value.item())
    return value


@dataclass(frozen=True, slots=True)
class Options:
    """The command options of one request.

    Attributes
    ----------
    rules
        Rule set name (``rota check --rules``), or ``None`` when not given.
    contract
        Contract (``rota pay --contract``), or ``None`` when not given.
    pay_year
        Pay year (``--pay-year``).
    overrides
        ``--set`` items, in order.
    explain
        ``rota pay --explain``.
    """

    rules: str | None = None
    contract: str | None = None
    pay_year: str = DEFAULT_PAY_YEAR
    overrides: tuple[str, ...] = ()
    explain: bool = False

    @classmethod
    def from_form(cls, get: Any, get_list: Any) -> Options:
        """Options from form accessors: ``get(name)`` and ``get_list(name)``.

        Empty fields count as not given.
        """
        text = {k: (str(get(k) or "").strip() or None) for k in ("rules", "contract", "pay_year")}
        items = tuple(str(v).strip() for v in get_list("set") if str(v).strip())
        explain = str(get("explain") or "").strip().lower() in TRUE_WORDS
        return cls(
            rules=text["rules"],
            contract=text["contract"],
            pay_year=text["pay_year"] or DEFAULT_PAY_YEAR,
            overrides=items,
            explain=explain,
        )


def ruleset_from(options: Options) -> RuleSet:
    """The rule set of ``rota check --rules NAME --set KEY=VALUE …``.

    Raises
    ------
    UserError
        No or an unknown rule set, or a bad ``set`` item.
    """
    if options.rules is None:
        raise UserError(f"the rule set is required: give 'rules' (one of {', '.join(RULESETS)})")
    return load_ruleset(options.rules, parse_rule_overrides(list(options.overrides)))


def pay_params_from(options: Options) -> dict[str, ContractParams]:
    """Contract parameters of ``--pay-year`` and ``--set CONTRACT.KEY=VALUE …``."""
    return load_all_params(options.pay_year, [], parse_pay_overrides(list(options.overrides)))


def contract_from(options: Options) -> str:
    """The contract of ``rota pay --contract``; raises :class:`UserError` when bad."""
    if options.contract not in CONTRACTS:
        given = "none given" if options.contract is None else f"got {options.contract!r}"
        raise UserError(f"the contract is required: one of {', '.join(CONTRACTS)} ({given})")
    return options.contract


def check_result(rota: Rota, rules: RuleSet) -> CheckResult:
    """The rules engine's check of every line, as ``rota check`` runs it."""
    return check(compile_rota(rota), rules)


def hours_json(rota: Rota) -> dict:
    """The JSON of ``rota hours ROTA --format json``."""
    return json_ready(hours_report(rota))


def check_json(rota: Rota, rules: RuleSet) -> dict:
    """The JSON of ``rota check ROTA --rules NAME --format json``."""
    return json_ready(check_result(rota, rules).to_json())


def pay_json(rota: Rota, contract: str, params: dict, *, explain: bool = False) -> dict:
    """The JSON of ``rota pay ROTA --contract C --format json``."""
    return json_ready(pay_report(rota, contract, params, explain=explain))


def compare_json(rota: Rota, pay_year: str, params: dict) -> dict:
    """The JSON of ``rota compare ROTA --format json``."""
    return json_ready(compare(rota, pay_year, params))


def prepare(command: str, options: Options) -> Callable[[Rota], dict]:
    """Check one command's options and load its parameters; return the report function.

    Options are checked before the rota is read, in the command line's order, so a bad
    option is reported before a bad file.

    Parameters
    ----------
    command
        ``hours``, ``check``, ``pay`` or ``compare``.
    options
        The request's options.

    Returns
    -------
    callable
        ``rota -> dict``: the JSON of ``rota <command> --format json``.

    Raises
    ------
    UserError
        With the command line's one-line message.
    """
    if command == "hours":
        return hours_json
    if command == "check":
        rules = ruleset_from(options)
        return lambda rota: check_json(rota, rules)
    if command == "pay":
        contract = contract_from(options)
        params = pay_params_from(options)
        return lambda rota: pay_json(rota, contract, params, explain=options.explain)
    if command == "compare":
        params = pay_params_from(options)
        return lambda rota: compare_json(rota, options.pay_year, params)
    raise UserError(f"unknown command {command!r}: expected one of {', '.join(COMMANDS)}")


#: The commands of the JSON API.
COMMANDS: Sequence[str] = ("hours", "check", "pay", "compare")
