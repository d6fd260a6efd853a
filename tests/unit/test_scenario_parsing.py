"""Scenario files: parsing, defaults, unknown keys, overrides without mutation, runs."""

from __future__ import annotations

import dataclasses

import pytest

from scenarios.examples import scenario_path, scenario_paths
from scenarios.scenario import (
    DEPARTMENT,
    Scenario,
    ScenarioError,
    default_entries,
    expand_runs,
    pay_year_start,
    read_scenario,
    scenario_from_text,
    with_overrides,
)

BASE = """
id = "t"
[workforce]
rotas = ["department"]
"""


def test_bundled_examples_parse():
    paths = scenario_paths()
    assert {p.name for p in paths} >= {"wales_transition.toml", "unsocial_sweep.toml"}
    s = read_scenario(scenario_path("wales_transition.toml"))
    assert s.id == "wales-transition"
    assert s.workforce.rotas == (DEPARTMENT,)
    assert s.pay_years == ("2026/27", "2027/28", "2028/29", "2029/30", "2030/31", "2031/32")
    assert s.transition.grade_year("CT") == 2027
    assert s.awards.award("wales-2026", "2027/28") == pytest.approx(0.04)
    assert s.awards.award("nhs-2002", "2027/28") == pytest.approx(0.03)
    sweep = read_scenario(scenario_path("unsocial_sweep.toml"))
    # 3 multipliers x 2 awards x 2 readings of "1.5x" x 2 seeds
    assert sweep.sweep.n_runs == 24 == len(expand_runs(sweep))


def test_defaults_fill_missing_sections():
    s = scenario_from_text(BASE)
    assert s.base_pay_year == "2026/27"
    assert s.transition.ST == "2028/29"
    assert dict(s.restoration)["wales"].start_gap == pytest.approx(0.191)
    assert s.simulation.enabled is False
    assert s.sweep.seeds == (1,)


def test_every_default_has_a_tag_and_assumptions_are_marked():
    entries = default_entries()
    assert entries
    for path, _value, unit, tag, source in entries:
        assert tag in {"seed", "C", "S", "A", "derived"}, path
        assert unit and source, path
    tags = {path: tag for path, _, _, tag, _ in entries}
    assert tags["awards.default"] == "A"
    assert tags["inflation.default"] == "A"
    assert tags["transition.CT"] == "seed"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('bogus = 1\n[workforce]\nrotas = ["department"]', "bogus"),
        (BASE + "[transition]\nXY = '2026/27'", "transition.XY"),
        (BASE + "[awards]\nscotland = 0.02", "awards.scotland"),
        (BASE + "[simulation]\nfoo = true", "simulation.foo"),
        ('[workforce]\nrotas = ["department"]\nextra = 1', "workforce.extra"),
        ("[workforce.population]\nlines = 5\nsize = 3", "workforce.population.size"),
        (BASE + "[sweep]\nrepeat = 2", "sweep.repeat"),
        (BASE + "[workforce.population.grade_mix]\nFY3 = 0.5", "FY3"),
    ],
)
def test_unknown_keys_are_errors_naming_the_key(text, key):
    with pytest.raises(ScenarioError, match=key.replace(".", r"\.")):
        scenario_from_text(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BASE + "[contracts]\n'wales-2026.no_such' = 1", "wales-2026.no_such"),
        (BASE + "[sweep.grid]\n'awards.nope' = [1]", "awards.nope"),
        (BASE + "[sweep.grid]\n'wales-2026.bogus' = [1]", "wales-2026.bogus"),
        (BASE + "[transition]\nCT = '2027'", "transition.CT"),
        (BASE + "[awards]\ndefault = 'x'", "awards.default"),
        (BASE + "base_pay_year = '2030/31'", "base_pay_year"),
        ("id = 'x'", "workforce"),
        ('[workforce]\nrotas = ["missing.toml"]', "missing.toml"),
    ],
)
def test_bad_values_are_errors(text, message):
    with pytest.raises(ScenarioError, match=message.replace(".", r"\.")):
        scenario_from_text(text)


def test_read_scenario_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BASE + "[progression]\nspeed = 2\n")
    with pytest.raises(ScenarioError) as err:
        read_scenario(bad)
    text = str(err.value)
    assert str(bad) in text and "progression.speed" in text and "\n" not in text
    with pytest.raises(ScenarioError, match="not found"):
        read_scenario(tmp_path / "nope.toml")


def test_relative_rota_paths_resolve_against_the_scenario(tmp_path):
    from simulator.examples import department_paths

    rota = tmp_path / "r.toml"
    rota.write_text(department_paths()[0].read_text())
    scen = tmp_path / "s.toml"
    scen.write_text('[workforce]\nrotas = ["r.toml"]\n')
    s = read_scenario(scen)
    assert s.workforce.rotas == (str(rota.resolve()),)
    assert s.id == "s"


def test_overrides_use_replace_and_never_mutate():
    base = scenario_from_text(BASE + "[workforce.population]\nlines = 10\n")
    snapshot = dataclasses.astuple(base)
    new = with_overrides(
        base,
        {
            "wales-2026.unsocial_multiplier": 1.37,
            "awards.default": 0.05,
            "awards.wales-2026.2028/29": 0.06,
            "inflation.2027/28": 0.04,
            "transition.ST": "2027/28",
            "restoration.wales.start_gap": 0.2,
            "population.grade_mix.ST": 0.9,
            "simulation.callout_intensity": 1.5,
            "years": 3,
        },
    )
    assert dataclasses.astuple(base) == snapshot  # the base is unchanged
    assert base.contracts == () and base.years == 6
    assert dict(new.contracts) == {"wales-2026.unsocial_multiplier": 1.37}
    assert new.awards.award("wales-2026", "2028/29") == 0.06
    assert new.awards.award("nhs-2002", "2028/29") == 0.05
    assert new.inflation.rate("2027/28") == 0.04
    assert new.transition.ST == "2027/28"
    assert dict(new.restoration)["wales"].start_gap == 0.2
    assert dict(new.workforce.population.grade_mix)["ST"] == 0.9
    assert new.simulation.callout_intensity == 1.5 and new.years == 3
    assert isinstance(new, Scenario) and new is not base
    # shared, untouched sub-trees are the same objects (replace, not copy)
    assert new.rules is base.rules


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("nope.x", 1, "nope.x"),
        ("awards.wales-2026", 0.1, "awards.wales-2026"),
        ("restoration.mars.start_gap", 0.1, "restoration.mars.start_gap"),
        ("population.lines", 5, "population"),
        ("simulation.runs", 0, "simulation.runs"),
        ("transition.F1", "2026", "transition.F1"),
    ],
)
def test_bad_overrides(path, value, message):
    base = scenario_from_text(BASE)
    with pytest.raises(ScenarioError, match=message.replace(".", r"\.")):
        with_overrides(base, {path: value})


def test_runs_are_grid_times_seeds_with_stable_ids():
    text = BASE + (
        "[sweep]\nseeds = [1, 2, 3]\n[sweep.grid]\n"
        "'wales-2026.unsocial_multiplier' = [1.25, 1.5]\n'awards.default' = [0.0, 0.02]\n"
    )
    s = scenario_from_text(text)
    runs = expand_runs(s)
    assert len(runs) == 12
    assert len({r.run_id for r in runs}) == 12
    assert runs == expand_runs(scenario_from_text(text))
    assert {r.seed for r in runs} == {1, 2, 3}
    assert runs[0].overrides == (("wales-2026.unsocial_multiplier", 1.25), ("awards.default", 0.0))
    assert all(r.scenario_id == "t" for r in runs)


def test_pay_year_start():
    assert pay_year_start("2026/27") == 2026
    assert pay_year_start("2099/00") == 2099
    with pytest.raises(ScenarioError):
        pay_year_start("2026/28")
