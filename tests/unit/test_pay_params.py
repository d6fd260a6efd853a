"""Contract parameters: bundled files, schema checks, overrides and the docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.contracts import CONTRACTS, PAY_YEARS, load_all_params, load_params
from simulator.contracts.params import TAGS, params_path, parse_overrides
from simulator.model import UserError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "pay.md"


@pytest.mark.parametrize("contract", CONTRACTS)
@pytest.mark.parametrize("year", PAY_YEARS)
def test_bundled_files_load_with_units_tags_sources(contract, year):
    p = load_params(contract, year)
    assert p.contract == contract and p.pay_year == year
    for entry in p.entries.values():
        assert entry["unit"] and entry["source"] and entry["tag"] in TAGS


def test_assumptions_are_documented():
    text = DOCS.read_text("utf-8")
    for contract in CONTRACTS:
        for year in PAY_YEARS:
            for key, *_ in load_params(contract, year).assumptions():
                assert f"{contract}.{key}" in text, f"{contract}.{key} missing from docs/pay.md"


def _copy(tmp_path, contract="wales-2026", edit=lambda s: s):
    text = params_path(contract, "2026/27").read_text("utf-8")
    file = tmp_path / "p.toml"
    file.write_text(edit(text), "utf-8")
    return file


def test_unknown_key_is_an_error(tmp_path):
    file = _copy(tmp_path, edit=lambda s: s + 'bogus = { value = 1, unit = "x", tag = "A", '
                 'source = "y" }\n')  # fmt: skip
    with pytest.raises(UserError, match=r"unknown parameter wales-2026\.bogus"):
        load_params("wales-2026", path=file)


def test_missing_key_and_bad_type_are_errors(tmp_path):
    file = _copy(
        tmp_path,
        edit=lambda s: "\n".join(
            line for line in s.splitlines() if not line.startswith("unsocial_multiplier")
        ),
    )
    with pytest.raises(UserError, match=r"missing parameter wales-2026\.unsocial_multiplier"):
        load_params("wales-2026", path=file)
    file = _copy(tmp_path, edit=lambda s: s.replace("value = 1.5,", 'value = "x",', 1))
    with pytest.raises(UserError, match="must be number"):
        load_params("wales-2026", path=file)
    with pytest.raises(UserError, match="is for contract"):
        load_params("nhs-2002", path=_copy(tmp_path))


def test_params_file_replaces_bundled(tmp_path):
    file = _copy(tmp_path, edit=lambda s: s.replace("value = 41400", "value = 42000"))
    params = load_all_params("2026/27", [file])
    assert params["wales-2026"]["pay_point_F1"] == 42000
    assert params["nhs-2002"]["scale_F1"][0] == 36629


def test_overrides():
    ov = parse_overrides(["wales-2026.unsocial_multiplier=1.37", "nhs-2002.pc_leave_weeks=10"])
    p = load_params("wales-2026", overrides=ov)
    assert p["unsocial_multiplier"] == 1.37 and p.overridden == ("unsocial_multiplier",)
    assert load_params("nhs-2002", overrides=ov)["pc_leave_weeks"] == 10
    with pytest.raises(UserError, match="unknown parameter path"):
        load_params("wales-2026", overrides={"wales-2026.nope": 1})
    with pytest.raises(UserError, match="unknown parameter path"):
        load_params("wales-2026", overrides={"scotland.x": 1})
    with pytest.raises(UserError, match="must be number"):
        load_params("wales-2026", overrides={"wales-2026.unsocial_multiplier": "high"})
    with pytest.raises(UserError, match="CONTRACT.KEY=VALUE"):
        parse_overrides(["unsocial_multiplier"])


def test_unset_premium_and_unknown_names():
    p = load_params("wales-2026")
    assert p.get("gp_premium_gbp") is None
    with pytest.raises(UserError, match=r"wales-2026\.gp_premium_gbp is not set"):
        p["gp_premium_gbp"]
    with pytest.raises(UserError, match="unknown contract"):
        load_params("scotland-2030")
    with pytest.raises(UserError, match="unknown pay year"):
        load_params("wales-2026", "2030/31")
