"""Every parameter has a range, checked alike from files, ``--set`` and scenarios (issue 18)."""

from __future__ import annotations

import math
import tomllib

import pytest

from scenarios.cli import main
from scenarios.scenario import (
    ScenarioError,
    default_entries,
    default_ranges,
    read_scenario,
    scenario_from_text,
)
from simulator.contracts import CONTRACTS, PAY_YEARS, load_params
from simulator.contracts.params import (
    NUMERIC_KINDS,
    SCHEMA,
    bundled_ranges,
    check_override,
    params_path,
)
from simulator.examples import example_path
from simulator.model import UserError
from simulator.ranges import Range, line_of, parse_range
from simulator.rules import RULESETS, RulesError, load_ruleset

ROTA = str(example_path("department/registrar_medicine.toml"))
BASE = '[workforce]\nrotas = ["department"]\n'


# --- the files state the ranges --------------------------------------------------------


@pytest.mark.parametrize("contract", CONTRACTS)
def test_every_numeric_contract_parameter_has_a_range(contract):
    ranges = bundled_ranges(contract)
    for key, kind in SCHEMA[contract].items():
        if kind.rstrip("?") in NUMERIC_KINDS:
            assert key in ranges, f"{contract}.{key} has no min/max in its file"
    for year in PAY_YEARS:  # every pay year states the same ranges
        assert load_params(contract, year).ranges == ranges


def test_pay_years_are_those_with_parameter_files():
    for year in PAY_YEARS:
        for contract in CONTRACTS:
            assert params_path(contract, year).is_file()


@pytest.mark.parametrize("name", RULESETS)
def test_every_rule_number_has_a_range_in_its_file(name):
    for rule in load_ruleset(name).rules:
        for param in rule.params.values():
            assert param.bounds is not None, f"{name}: {rule.id} has a number without a range"
            param.range.check(param.value, f"{rule.id}")


def test_every_scenario_default_number_has_a_range():
    ranges = default_ranges()
    for path, value, *_ in default_entries():
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert path in ranges, f"scenario default {path} has no range"
            ranges[path].check(value, path)


def test_allowed_names_in_the_defaults_match_the_code():
    ranges = default_ranges()
    assert ranges["rules.rulesets"].allowed == RULESETS
    for name in ("wales", "england"):
        assert ranges[f"restoration.{name}.awards_contract"].allowed == CONTRACTS
    with pytest.raises(ScenarioError, match="restoration.awards_contract = 'scotland'"):
        scenario_from_text(BASE + "[restoration.wales]\nawards_contract = 'scotland'\n")


# --- one check: files, --set and scenarios -----------------------------------------------


def test_set_out_of_range_is_one_line_exit_2(capsys):
    code = main(
        ["pay", ROTA, "--contract", "wales-2026", "--set", "wales-2026.unsocial_multiplier=-5"]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert err == (
        "rota: error: --set wales-2026.unsocial_multiplier=-5: must be between 0 and 10 "
        "(unit: x hourly rate, total)"
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("wales-2026.basic_hours_per_week=0", "must be more than 0 and at most 168"),
        ("wales-2026.weeks_per_year=0", "must be more than 0"),
        ("wales-2026.unsocial_multiplier=nan", "must be a finite number"),
        ("wales-2026.pay_point_F1=inf", "must be a finite number"),
        ("wales-2026.pay_point_registrar=[1, -2]", "(element -2)"),
        ("nhs-2002.ltft_fraction=[0.5, 2.0]", "must be between 0 and 1"),
    ],
)
def test_set_checks_range(setting, message, capsys):
    assert main(["pay", ROTA, "--contract", "wales-2026", "--set", setting]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_parameter_file_value_out_of_range_names_file_and_line(tmp_path):
    text = params_path("wales-2026", "2026/27").read_text("utf-8")
    file = tmp_path / "p.toml"
    file.write_text(text.replace("value = 1.5,", "value = -1.5,", 1), "utf-8")
    line = line_of(file.read_text(), "unsocial_multiplier")
    with pytest.raises(UserError, match=rf"p\.toml line {line}: parameter wales-2026"):
        load_params("wales-2026", path=file)


def test_user_file_without_ranges_takes_the_bundled_ones(tmp_path):
    text = params_path("wales-2026", "2026/27").read_text("utf-8")
    for bound in (", min = 0, max = 10", ", above = 0, max = 168"):
        text = text.replace(bound, "")
    file = tmp_path / "p.toml"
    file.write_text(text, "utf-8")
    params = load_params("wales-2026", path=file)
    assert params["unsocial_multiplier"] == 1.5
    with pytest.raises(UserError, match="between 0 and 10"):
        load_params("wales-2026", path=file, overrides={"wales-2026.unsocial_multiplier": 11})
    # a user file may state its own range
    file.write_text(text.replace('total"', 'total", min = 0, max = 20', 1), "utf-8")
    assert load_params("wales-2026", path=file)["unsocial_multiplier"] == 1.5
    wide = load_params("wales-2026", path=file, overrides={"wales-2026.unsocial_multiplier": 11})
    assert wide["unsocial_multiplier"] == 11


def test_check_override_is_the_check_of_apply_overrides():
    check_override("wales-2026.unsocial_multiplier", 1.37)
    with pytest.raises(UserError, match="between 0 and 10"):
        check_override("wales-2026.unsocial_multiplier", 12.0)
    with pytest.raises(UserError, match="must be number"):
        check_override("wales-2026.unsocial_multiplier", [1, 2])


def test_rule_override_and_file_value_are_range_checked(tmp_path):
    with pytest.raises(RulesError, match=r"rest_between_shifts\.limit=200.0: must be between"):
        load_ruleset("wales-2026", {"rest_between_shifts.limit": 200.0})
    with pytest.raises(RulesError, match="finite"):
        load_ruleset("wales-2026", {"rest_between_shifts.limit": math.nan})
    path = tmp_path / "mine.toml"
    path.write_text(
        "[rules.cap]\nfamily = 'consecutive_nights'\n"
        "limit = { value = 0, unit = 'shifts', tag = 'A', source = 'x' }\n"
    )
    with pytest.raises(RulesError, match=r"mine\.toml: rules\.cap\.limit\.value = 0: must be"):
        load_ruleset("wales-2026", path=path)  # a new rule takes the range of its unit
    path.write_bytes(b"# caf\xe9\n")
    with pytest.raises(RulesError, match="not UTF-8"):
        load_ruleset("wales-2026", path=path)


def test_range_words_and_bounds():
    assert Range(min=0, max=10).describe() == "between 0 and 10"
    assert Range(above=0, max=168).describe() == "more than 0 and at most 168"
    assert Range(min=0).describe() == "at least 0"
    assert Range(allowed=("a", "b")).describe() == "one of 'a', 'b'"
    with pytest.raises(UserError, match="'min' or 'above'"):
        parse_range({"min": 0, "above": 0}, "x")
    with pytest.raises(UserError, match="above 'max'"):
        parse_range({"min": 2, "max": 1}, "x")
    Range(above=0).check(1e-9, "x")
    with pytest.raises(UserError):
        Range(above=0).check(0, "x")


# --- scenarios: read time -------------------------------------------------------------


def _read(tmp_path, text: str, raw: bytes | None = None):
    path = tmp_path / "s.toml"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(text, "utf-8")
    return read_scenario(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            BASE + '[contracts]\n"wales-2026.unsocial_multiplier" = nan\n',
            'line 4: contracts."wales-2026.unsocial_multiplier" = nan: must be a finite number',
        ),
        (
            BASE + '[contracts]\n"wales-2026.unsocial_multiplier" = [1, 2]\n',
            "line 4: contracts",
        ),
        (BASE + '[contracts]\n"wales-2026.basic_hours_per_week" = 0\n', "more than 0"),
        (
            BASE + '[awards]\n"wales-2026" = { "２０２７/２８" = 0.1 }\n',
            "is not a pay year like '2026/27' (ASCII digits)",
        ),
        (BASE + '[awards]\n"wales-2026" = { "2099/00" = 0.1 }\n', "outside the known pay years"),
        ("years = 2\n" + BASE + '[inflation]\n"2031/32" = 0.1\n', "not a modelled pay year"),
        (BASE + "[awards]\ndefault = 2.0\n", "awards.default = 2.0: must be between -0.5 and 1"),
        ("[workforce.population]\nlines = 1000000\n", "ROTA_MAX_POPULATION_LINES"),
        ("[workforce.population.grade_mix]\nF1 = -1\n", "line 2: population.grade_mix.F1 = -1"),
        (
            "[workforce.population.grade_mix]\nF1 = 0\nF2 = 0\nCT = 0\nST = 0\n",
            "shares must not all be zero",
        ),
        (BASE + "[simulation]\nruns = 1000000000\n", "ROTA_MAX_SCENARIO_RUNS"),
        (BASE + "[simulation]\nruns = 1e9\n", "simulation.runs must be a whole number"),
        (BASE + "[transition]\nnew_appointment_share = 1.5\n", "between 0 and 1"),
        ("years = 51\n" + BASE, "years = 51: must be between 1 and 50"),
        (BASE + "[sweep]\nseeds = [-1]\n", "sweep.seeds must be a whole number >= 0"),
        (BASE + "[sweep.grid]\n'awards.default' = [0.01, 'x']\n", "line 4: sweep.grid"),
    ],
)
def test_scenario_values_are_checked_when_read(tmp_path, text, message):
    with pytest.raises(ScenarioError, match=None) as caught:
        _read(tmp_path, text)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "s.toml")) and "\n" not in str(caught.value)


def test_scenario_not_utf8_is_one_line(tmp_path):
    with pytest.raises(ScenarioError, match=r"not UTF-8 text \(byte 0xe9"):
        _read(tmp_path, "", raw=b'title = "caf\xe9"\n' + BASE.encode())


def test_limits_can_be_raised_by_environment(tmp_path, monkeypatch):
    text = "[workforce.population]\nlines = 300000\n"
    with pytest.raises(ScenarioError, match="between 1 and 200000"):
        scenario_from_text(text)
    monkeypatch.setenv("ROTA_MAX_POPULATION_LINES", "300000")
    assert scenario_from_text(text).workforce.population.lines == 300000
    monkeypatch.setenv("ROTA_MAX_SCENARIO_RUNS", "2000000")
    assert scenario_from_text(BASE + "[simulation]\nruns = 1000000\n").simulation.runs == 10**6
    monkeypatch.setenv("ROTA_MAX_SCENARIO_RUNS", "lots")
    with pytest.raises(ScenarioError, match="expected a whole number"):
        scenario_from_text(BASE + "[simulation]\nruns = 10\n")


def test_sweep_cli_nan_scenario_exit_2_not_nan_rows(tmp_path, capsys):
    path = tmp_path / "nan.toml"
    path.write_text("years = 2\n" + BASE + '[contracts]\n"wales-2026.unsocial_multiplier" = nan\n')
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), "--workers", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"rota: error: {path} line 5:") and "\n" not in err


def test_list_valued_contract_override_runs(tmp_path):
    """A ``numbers`` override in [contracts] is valid and runs (was 'unhashable list')."""
    from scenarios.measures import run_measures

    points = tomllib.loads(params_path("wales-2026", "2026/27").read_text())["pay_point_registrar"]
    raised = [v + 1000 for v in points["value"]]
    scenario = scenario_from_text(
        "years = 1\n" + BASE + f'[contracts]\n"wales-2026.pay_point_registrar" = {raised}\n'
    )
    table = run_measures(scenario, 1, run_id="r")
    assert len(table) > 0
