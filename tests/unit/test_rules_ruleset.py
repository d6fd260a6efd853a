"""Rule sets as data: every number tagged and sourced, overrides, user files, errors."""

from __future__ import annotations

import pytest

from simulator.rules import FAMILIES, RULESETS, RulesError, load_ruleset
from simulator.rules.ruleset import TAGS


@pytest.mark.parametrize("name", RULESETS)
def test_every_number_has_unit_tag_and_source(name):
    rules = load_ruleset(name)
    assert rules.name == name and rules.rules
    for rule in rules.rules:
        assert rule.family in FAMILIES
        for key, param in rule.params.items():
            assert param.tag in TAGS, (rule.id, key)
            assert param.unit and param.source, (rule.id, key)


def test_wales_assumptions_are_tagged():
    rules = load_ruleset("wales-2026")
    assert rules.rule("hours_in_168h").params["limit"].tag == "A"
    assert rules.rule("weekend_frequency_ltft").params["limit"].tag == "seed"
    assert rules.rule("average_weekly_hours").params["limit"].tag == "seed"


def test_override_by_dotted_key():
    rules = load_ruleset("wales-2026", {"rest_between_shifts.limit": 10})
    param = rules.rule("rest_between_shifts").params["limit"]
    assert param.value == 10 and param.tag == "A" and "override" in param.source
    # prefix "rules." accepted too
    assert (
        load_ruleset("wtr", {"rules.daily_rest.limit": 12}).rule("daily_rest").value("limit") == 12
    )


@pytest.mark.parametrize(
    "key", ["nonsense.limit", "rest_between_shifts.nonsense", "rest_between_shifts"]
)
def test_unknown_override_key_is_named(key):
    with pytest.raises(RulesError, match=key.split(".")[-1]):
        load_ruleset("wales-2026", {key: 1})


def test_bad_override_value():
    with pytest.raises(RulesError, match="number"):
        load_ruleset("wales-2026", {"rest_between_shifts.limit": "eleven"})


def test_unknown_ruleset():
    with pytest.raises(RulesError, match="unknown rule set"):
        load_ruleset("scotland")


def test_user_file_overrides_and_adds(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        """
[rules.rest_between_shifts]
limit = 12

[rules.nights_cap]
family = "consecutive_nights"
limit = { value = 3, unit = "shifts", tag = "A", source = "local policy" }
"""
    )
    rules = load_ruleset("wales-2026", path=path)
    assert rules.name == "wales-2026"
    assert rules.rule("rest_between_shifts").value("limit") == 12
    assert rules.rule("nights_cap").value("limit") == 3


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[rules.rest_between_shifts]\nlimt = 12\n", "limt"),
        ("colour = 'blue'\n", "colour"),
        ("[rules.rest_between_shifts.limit]\nvalue = 1\nunits = 'h'\n", "units"),
        ("[rules.new_rule]\nfamily = 'bogus'\n", "bogus"),
        ("[rules.rest_between_shifts]\nlimit = { value = 12, unit = 'min' }\n", "unit"),
    ],
)
def test_unknown_keys_in_file_are_errors(tmp_path, text, named):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(RulesError, match=named):
        load_ruleset("wales-2026", path=path)


def test_pack_converts_hours_to_minutes():
    rules = load_ruleset("wtr")
    r_int, r_f = rules.pack()
    j = [r.id for r in rules.rules].index("daily_rest")
    assert r_f[j, 0] == 11 * 60
    assert r_int.shape == (len(rules.rules), 6)
