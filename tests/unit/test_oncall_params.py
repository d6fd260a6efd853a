"""On-call parameters: bundled file, sources, user files, overrides, unknown keys."""

from __future__ import annotations

import tomllib
from importlib import resources

import numpy as np
import pytest

from simulator.model import UserError
from simulator.oncall import load_oncall_params
from simulator.oncall.params import SCHEMA, P
from simulator.rules import load_ruleset


def test_bundled_values_and_every_entry_sourced():
    params = load_oncall_params()
    assert params["rest.total_h"] == 8.0
    assert params["rest.continuous_h"] == 5.0
    assert (params["rest.window_start_h"], params["rest.window_end_h"]) == (22.0, 7.0)
    assert params["breach.doctor_share"] == 0.5
    assert len(params["calls.rate_per_hour"]) == 24
    text = resources.files("simulator.oncall").joinpath("params.toml").read_text("utf-8")
    data = tomllib.loads(text)
    for section, keys in SCHEMA.items():
        for key in keys:
            entry = data[section][key]
            assert entry["unit"] and entry["source"], f"{section}.{key}"
            assert entry["tag"] in {"A", "C", "S", "seed", "derived"}
    assert params.entries["breach.fine_gbp"]["tag"] == "A"


def test_thresholds_match_the_wales_rule_set():
    """The simulation's rest limits are the ones the rules engine checks."""
    params = load_oncall_params()
    rules = load_ruleset("wales-2026")
    nroc = rules.rule("nroc_rest")
    assert params["rest.total_h"] == nroc.value("total_rest")
    assert params["rest.per_h"] == nroc.value("per")
    assert params["rest.continuous_h"] == nroc.value("continuous_rest")
    assert params["rest.window_start_h"] == nroc.value("window_start")
    assert params["rest.window_end_h"] == nroc.value("window_end")
    assert params["limits.rest_between_shifts_h"] == rules.rule("rest_between_shifts").value(
        "limit"
    )
    assert params["limits.average_weekly_hours"] == rules.rule("average_weekly_hours").value(
        "limit"
    )


def test_calibration_matches_the_example_expected_work():
    """Default rates x mean call length give about 3 h per weekday and 7 h per weekend shift."""
    params = load_oncall_params()
    rates = np.array(params["calls.rate_per_hour"])
    per_call = (
        params["work.mean_min"]
        + params["travel.in_person_probability"] * 2 * params["travel.one_way_min"]
    )
    weekday = (rates[17:].sum() + rates[:9].sum()) * per_call
    weekend = rates.sum() * per_call
    assert weekday == pytest.approx(180, abs=3)
    assert weekend == pytest.approx(420, abs=3)


def test_overrides_and_pack():
    params = load_oncall_params(overrides={"work.mean_min": 40, "rest.window_end_h": 6})
    assert params["work.mean_min"] == 40.0
    packed = params.pack(0.75)
    assert packed[P["work_mean_min"]] == 40.0
    assert packed[P["window_end_min"]] == (24 + 6) * 60  # next day
    assert packed[P["whole_shift_more_than"]] == 0.75
    assert packed[7] == pytest.approx(params["calls.rate_per_hour"][7] / 60.0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"work.bogus": 1}, "'work.bogus'"),
        ({"nosuch.key": 1}, "'nosuch.key'"),
        ({"travel.in_person_probability": 1.5}, "in [0, 1]"),
        ({"work.distribution": "gamma"}, "fixed, exponential, lognormal"),
        ({"calls.rate_per_hour": [1.0] * 23}, "24 hourly rates"),
        ({"work.mean_min": "x"}, "must be a number"),
    ],
)
def test_bad_overrides_name_the_key(overrides, message):
    with pytest.raises(UserError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_oncall_params(overrides=overrides)


def test_user_file_replaces_entries(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        '[overrun]\nprobability = 0.5\n[work]\nmean_min = { value = 12.0, unit = "min", '
        'tag = "A", source = "local audit" }\n'
    )
    params = load_oncall_params(path)
    assert params["overrun.probability"] == 0.5
    assert params["work.mean_min"] == 12.0
    assert params.entries["work.mean_min"]["source"] == "local audit"
    assert params["work.sd_min"] == 25.0  # untouched


def test_user_file_unknown_key(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[overrun]\nchance = 0.5\n")
    with pytest.raises(UserError, match="'overrun.chance'"):
        load_oncall_params(path)
    with pytest.raises(UserError, match="not found"):
        load_oncall_params(tmp_path / "missing.toml")
