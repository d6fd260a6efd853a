"""Contract parameters as data: loading, schema checks and overrides.

One TOML file per contract and pay year lives in ``params/`` beside this module,
e.g. ``params/wales-2026_2026-27.toml``. Every entry is a table with ``value``,
``unit``, ``tag`` (``C``, ``S``, ``A``, ``seed`` or ``derived``) and ``source``;
an entry without ``value`` is a parameter with no default (it must be set before
it is used). Numeric entries also state their range beside the unit: ``min``,
``above`` (exclusive lower bound), ``max`` (see :mod:`simulator.ranges`). The schema
below fixes the keys and the type of every value: an unknown key, a missing key, a
value of the wrong type or out of range is a :class:`~simulator.model.UserError`
naming the file, the line and the key. A user parameter file may state its own
ranges; an entry without one takes the range of the bundled files.

Overrides use dotted paths ``CONTRACT.KEY``, e.g.
``wales-2026.unsocial_multiplier=1.37``; an override of an unknown path is an error,
and an override is checked against the parameter's range like a value in a file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..model import UserError
from ..ranges import RANGE_KEYS, Range, line_of, parse_range, show

#: Contracts, in display order.
CONTRACTS = ("nhs-2002", "wales-2026", "england-2016")
#: A pay year label: ASCII digits only, e.g. ``2026/27``.
PAY_YEAR_RE = re.compile(r"^([0-9]{4})/([0-9]{2})$", re.ASCII)


def _bundled_pay_years() -> tuple[str, ...]:
    """Pay years for which every contract has a bundled parameter file."""
    folder = resources.files("simulator.contracts").joinpath("params")
    found: dict[str, set[str]] = {}
    for item in folder.iterdir():
        contract, _, rest = item.name.removesuffix(".toml").partition("_")
        match = PAY_YEAR_RE.match(rest.replace("-", "/"))
        if item.name.endswith(".toml") and match:
            found.setdefault(rest.replace("-", "/"), set()).add(contract)
    return tuple(sorted(y for y, cs in found.items() if set(CONTRACTS) <= cs))


#: Pay years with bundled parameter files (found in ``params/``).
PAY_YEARS = _bundled_pay_years()
#: Source tags allowed on a parameter.
TAGS = ("C", "S", "A", "seed", "derived")

# Value kinds: number, int, numbers (non-empty list), ints, bool, strings; a
# trailing "?" marks a parameter that may be left without a value.
_COMMON = {"basic_hours_per_week": "number", "weeks_per_year": "number"}
SCHEMA: dict[str, dict[str, str]] = {
    "nhs-2002": {
        "scale_F1": "numbers",
        "scale_F2": "numbers",
        "scale_ST": "numbers",
        "scale_DCT": "numbers",
        "core_points": "int",
        "basic_hours_per_week": "number",
        **{
            f"supplement_{band}": "number"
            for band in ("none", "1A", "1B", "1C", "2A", "2B", "3", "FA", "FB", "FC")
        },
        "f1_unbanded_supplement": "number",
        "band1_work_more_than_hours": "number",
        "band2_work_more_than_hours": "number",
        "unsocial_share_more_than": "number",
        "band2_oncall_one_in": "number",
        "band2_weekend_one_in": "number",
        "band1_weekend_one_in": "number",
        "band1a_oncall_one_in": "number",
        "band1r_oncall_one_in": "number",
        "band1b_oncall_more_often_than_one_in": "number",
        "ltft_unsocial_share_more_than": "number",
        "ltft_weekend_one_in": "number",
        "ltft_fa_oncall_one_in": "number",
        "ltft_r_oncall_one_in": "number",
        "ltft_fb_oncall_more_often_than_one_in": "number",
        "ltft_fraction_from_hours": "numbers",
        "ltft_fraction": "numbers",
        "ltft_below_lowest_pro_rata": "bool",
        "criterion_r_after_min": "int",
        "criterion_r_until_min": "int",
        "criterion_r_nroc_min_work_hours": "number",
        "pc_weeks_per_year": "number",
        "pc_leave_weeks": "number",
        "pc_leave_week_hours": "number",
    },
    "wales-2026": {
        "pay_point_F1": "number",
        "pay_point_F2": "number",
        "pay_point_registrar": "numbers",
        "registrar_years_per_point": "int",
        **_COMMON,
        "additional_hours_multiplier": "number",
        "unsocial_multiplier": "number",
        "unsocial_in_addition": "bool",
        "nroc_availability_rate": "number",
        "nroc_work_plain_multiplier": "number",
        "nroc_work_unsocial_multiplier": "number",
        "nroc_whole_shift_more_than": "number",
        "gp_premium_gbp": "number?",
        "omfs_premium_gbp": "number?",
        "gp_specialties": "strings",
        "omfs_specialties": "strings",
        "premia_pro_rata": "bool",
    },
    "england-2016": {
        "nodal_points": "numbers",
        "nodes_F1": "ints",
        "nodes_F2": "ints",
        "nodes_CT": "ints",
        "nodes_ST": "ints",
        "nodes_DCT": "ints",
        **_COMMON,
        "additional_hours_multiplier": "number",
        "night_enhancement": "number",
        "night_start_min": "int",
        "night_end_min": "int",
        "extended_night_starts_from_min": "int",
        "extended_night_starts_before_min": "int",
        "extended_night_at_least_min": "int",
        "extended_night_ends_by_min": "int",
        "early_end_whole_shift": "bool",
        "early_end_after_min": "int",
        "early_end_by_min": "int",
        "nroc_availability_fraction": "number",
        "weekend_allowance_one_in": "numbers",
        "weekend_allowance_fraction": "numbers",
    },
}
_META_KEYS = ("contract", "pay_year", "title")
_ENTRY_KEYS = ("value", "unit", "tag", "source", *RANGE_KEYS)
#: Value kinds in words, for messages.
_KIND_WORDS = {
    "number": "number",
    "int": "int (a whole number)",
    "numbers": "numbers (a non-empty list of numbers)",
    "ints": "ints (a non-empty list of whole numbers)",
    "bool": "bool (true or false)",
    "strings": "strings (a non-empty list of names)",
}
#: Value kinds that must carry a range in the bundled files.
NUMERIC_KINDS = ("number", "int", "numbers", "ints")


@dataclass(frozen=True, slots=True)
class ContractParams:
    """The parameters of one contract in one pay year.

    Attributes
    ----------
    contract
        Contract name, one of :data:`CONTRACTS`.
    pay_year
        Pay year, e.g. ``"2026/27"``.
    values
        Key to value (``None`` for a parameter with no value).
    entries
        Key to ``{"unit", "tag", "source"}``.
    source
        File the values came from (overrides are noted in ``overridden``).
    overridden
        Keys changed by overrides.
    ranges
        Key to the :class:`~simulator.ranges.Range` its values are checked against.
    """

    contract: str
    pay_year: str
    values: Mapping[str, Any]
    entries: Mapping[str, Mapping[str, str]]
    source: str = "<memory>"
    overridden: tuple[str, ...] = field(default=())
    ranges: Mapping[str, Range] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        """Value of ``key``; raises ``UserError`` when it has no value."""
        if key not in self.values:
            raise UserError(f"unknown parameter {self.contract}.{key}")
        value = self.values[key]
        if value is None:
            raise UserError(
                f"{self.contract}.{key} is not set: give it with --set {self.contract}.{key}=VALUE"
            )
        return value

    def get(self, key: str) -> Any:
        """Value of ``key`` or ``None`` when it has no value."""
        return self.values[key]

    def assumptions(self) -> list[tuple[str, Any, str, str]]:
        """``(key, value, unit, source)`` of every value tagged ``A``."""
        return [
            (k, self.values[k], e["unit"], e["source"])
            for k, e in self.entries.items()
            if e["tag"] == "A"
        ]


def params_path(contract: str, pay_year: str) -> Path:
    """Path of the bundled parameter file of ``contract`` in ``pay_year``."""
    check_contract(contract)
    if pay_year not in PAY_YEARS:
        raise UserError(f"unknown pay year {pay_year!r}: expected one of {', '.join(PAY_YEARS)}")
    name = f"{contract}_{pay_year.replace('/', '-')}.toml"
    return Path(str(resources.files("simulator.contracts").joinpath("params", name)))


def check_contract(contract: str) -> None:
    """Raise ``UserError`` unless ``contract`` is one of :data:`CONTRACTS`."""
    if contract not in CONTRACTS:
        raise UserError(f"unknown contract {contract!r}: expected one of {', '.join(CONTRACTS)}")


def _type_ok(kind: str, value: Any) -> bool:
    kind = kind.rstrip("?")
    is_num = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "number":
        return is_num
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if not isinstance(value, list) or not value:
        return False
    if kind == "numbers":
        return all(_type_ok("number", v) for v in value)
    if kind == "ints":
        return all(_type_ok("int", v) for v in value)
    return all(isinstance(v, str) for v in value)  # strings


def _check_value(contract: str, key: str, value: Any, where: str, rng: Range | None = None) -> None:
    """Check the type of ``value`` and that it lies in ``rng``; the one check of every value.

    ``where`` starts the message: ``FILE line N: parameter C.K = V`` for a file,
    ``--set C.K=V`` for an override.
    """
    kind = SCHEMA[contract][key]
    if value is None:
        if not kind.endswith("?"):
            raise UserError(f"{where}: needs a value")
        return
    if not _type_ok(kind, value):
        raise UserError(f"{where}: must be {_KIND_WORDS[kind.rstrip('?')]}")
    if rng is not None:
        rng.check(value, where)


def _entry_range(entry: Mapping[str, Any], where: str) -> Range | None:
    """The range an entry states, or ``None`` when it states none."""
    if not any(entry.get(k) is not None for k in RANGE_KEYS):
        return None
    return parse_range(entry, where)


@cache
def bundled_ranges(contract: str) -> dict[str, Range]:
    """Ranges stated by the bundled parameter file of ``contract`` (latest pay year).

    Every pay year's file states the same ranges (a test keeps them equal).
    """
    check_contract(contract)
    data = tomllib.loads(params_path(contract, PAY_YEARS[-1]).read_text("utf-8"))
    out = {}
    for key, entry in data.items():
        if isinstance(entry, dict):
            rng = _entry_range(entry, f"{contract}.{key}")
            if rng is not None:
                out[key] = rng
    return out


def _where(source: str, text: str, key: str, value: Any, contract: str) -> str:
    line = line_of(text, key)
    at = f" line {line}" if line else ""
    shown = "" if value is None else f" = {show(value)}"
    return f"{source}{at}: parameter {contract}.{key}{shown}"


def _parse_entry(
    contract: str, key: str, entry: Any, source: str, text: str
) -> tuple[Any, dict[str, str], Range | None]:
    """Value, ``{unit, tag, source}`` and range of one entry of a parameter file."""
    line = line_of(text, key)
    at = f"{source} line {line}" if line else source
    if not isinstance(entry, dict):
        raise UserError(
            f"{at}: parameter {contract}.{key} must be a table {{ value, unit, tag, source }}"
        )
    extra = sorted(set(entry) - set(_ENTRY_KEYS))
    if extra:
        raise UserError(f"{at}: parameter {contract}.{key} has unknown field {extra[0]!r}")
    for name in ("unit", "tag", "source"):
        if not isinstance(entry.get(name), str):
            raise UserError(f"{at}: parameter {contract}.{key} needs a {name!r} string")
    if entry["tag"] not in TAGS:
        raise UserError(
            f"{at}: parameter {contract}.{key} has tag {entry['tag']!r}: "
            f"expected one of {', '.join(TAGS)}"
        )
    rng = _entry_range(entry, f"{at}: parameter {contract}.{key}")
    if rng is None:
        rng = bundled_ranges(contract).get(key)
    value = entry.get("value")
    _check_value(contract, key, value, _where(source, text, key, value, contract), rng)
    return value, {k: entry[k] for k in ("unit", "tag", "source")}, rng


def parse_params_text(text: str, *, source: str = "<memory>") -> ContractParams:
    """Parse and validate the text of a parameter file.

    Raises
    ------
    UserError
        Bad TOML, unknown contract, unknown or missing key, malformed entry, a value
        of the wrong type or out of its range; the message names the file, the line
        and the key.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{source}: not valid TOML: {exc}") from None
    contract = data.get("contract")
    if contract not in SCHEMA:
        raise UserError(
            f"{source}: key 'contract' must be one of {', '.join(CONTRACTS)}, got {contract!r}"
        )
    pay_year = data.get("pay_year")
    if not isinstance(pay_year, str) or not PAY_YEAR_RE.match(pay_year):
        raise UserError(f"{source}: key 'pay_year' must be a string like \"2026/27\"")
    schema = SCHEMA[contract]
    values: dict[str, Any] = {}
    entries: dict[str, dict[str, str]] = {}
    ranges: dict[str, Range] = {}
    for key, entry in data.items():
        if key in _META_KEYS:
            continue
        if key not in schema:
            line = line_of(text, key)
            at = f"{source} line {line}" if line else source
            raise UserError(f"{at}: unknown parameter {contract}.{key}")
        values[key], entries[key], rng = _parse_entry(contract, key, entry, source, text)
        if rng is not None:
            ranges[key] = rng
    missing = [k for k in schema if k not in values]
    if missing:
        raise UserError(f"{source}: missing parameter {contract}.{missing[0]}")
    return ContractParams(contract, pay_year, values, entries, source, ranges=ranges)


def parse_override_value(text: str) -> Any:
    """Parse the right-hand side of ``--set KEY=VALUE`` as a TOML value (else a string)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """Parse ``["wales-2026.unsocial_multiplier=1.37", ...]`` into ``{path: value}``.

    Raises
    ------
    UserError
        An item without ``=`` or a path without a contract prefix.
    """
    out: dict[str, Any] = {}
    for item in items:
        path, sep, text = item.partition("=")
        path = path.strip()
        if not sep or "." not in path:
            raise UserError(
                f"--set {item!r}: expected CONTRACT.KEY=VALUE, "
                "e.g. wales-2026.unsocial_multiplier=1.5"
            )
        out[path] = parse_override_value(text.strip())
    return out


def check_override_paths(overrides: Mapping[str, Any]) -> None:
    """Raise ``UserError`` for an override whose path is not ``CONTRACT.KEY`` of the schema."""
    for path in overrides:
        contract, _, key = path.partition(".")
        if contract not in SCHEMA or key not in SCHEMA[contract]:
            raise UserError(f"--set {path}: unknown parameter path")


def check_override(path: str, value: Any, where: str | None = None) -> None:
    """Check one override ``CONTRACT.KEY = value`` against the schema and bundled range.

    The check :func:`apply_overrides` makes, available before any file is loaded
    (a scenario checks its ``[contracts]`` and grid values when it is read).

    Parameters
    ----------
    path
        ``CONTRACT.KEY``.
    value
        The value.
    where
        Start of the message (default ``--set PATH=VALUE``).

    Raises
    ------
    UserError
        Unknown path, wrong type or a value out of range.
    """
    check_override_paths({path: value})
    contract, _, key = path.partition(".")
    where = where or f"--set {path}={show(value)}"
    _check_value(contract, key, value, where, bundled_ranges(contract).get(key))


def apply_overrides(params: ContractParams, overrides: Mapping[str, Any]) -> ContractParams:
    """Return ``params`` with the overrides of its contract applied.

    Overrides for other (known) contracts are ignored, so that one mapping can be
    given to every contract; unknown paths are errors. Each value is checked for type
    and range (the range of ``params``, else the bundled one).
    """
    check_override_paths(overrides)
    values = dict(params.values)
    changed = list(params.overridden)
    for path, value in overrides.items():
        contract, _, key = path.partition(".")
        if contract != params.contract:
            continue
        rng = params.ranges.get(key) or bundled_ranges(contract).get(key)
        _check_value(contract, key, value, f"--set {path}={show(value)}", rng)
        values[key] = value
        changed.append(key)
    return ContractParams(
        params.contract,
        params.pay_year,
        values,
        params.entries,
        params.source,
        tuple(changed),
        params.ranges,
    )


def read_text_file(path: Path, what: str) -> str:
    """Text of a UTF-8 file; a one-line ``UserError`` when it cannot be read or decoded."""
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{path}: {what} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at "
            f"offset {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read {what} ({exc.strerror})") from None


def load_params(
    contract: str,
    pay_year: str = "2026/27",
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> ContractParams:
    """Load the parameters of a contract.

    Parameters
    ----------
    contract
        One of :data:`CONTRACTS`.
    pay_year
        One of :data:`PAY_YEARS` (ignored when ``path`` is given: the file states it).
    path
        A parameter file to use instead of the bundled one; it must be for ``contract``.
    overrides
        ``{"CONTRACT.KEY": value}``; entries for other contracts are ignored.

    Returns
    -------
    ContractParams
    """
    check_contract(contract)
    if path is None:
        file = params_path(contract, pay_year)
        params = parse_params_text(file.read_text("utf-8"), source=str(file))
    else:
        file = Path(path)
        if not file.is_file():
            raise UserError(f"{file}: parameter file not found")
        params = parse_params_text(read_text_file(file, "parameter file"), source=str(file))
    if params.contract != contract:
        raise UserError(f"{file}: is for contract {params.contract!r}, not {contract!r}")
    return apply_overrides(params, overrides or {})
