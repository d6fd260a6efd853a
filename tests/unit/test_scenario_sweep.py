"""Sweep runner: resume, failures, process pool = sequential, Dask LocalCluster = pool."""

from __future__ import annotations

import pandas as pd
import pytest

from scenarios.measures import run_measures
from scenarios.scenario import ScenarioError, expand_runs, scenario_from_text
from scenarios.sweep import execute, run_path, run_sweep

KEY = ["run_id", "year", "grade", "line_id", "measure"]

SWEEP = """
id = "mini"
years = 2
[workforce]
rotas = ["department"]
[transition]
new_appointment_share = 0.2
[sweep]
seeds = [1, 2]
[sweep.grid]
"wales-2026.unsocial_multiplier" = [1.25, 1.75]
"awards.default" = [0.0, 0.05]
"""


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(KEY).reset_index(drop=True)


class Counter:
    """Evaluator that counts its calls and can fail on chosen runs."""

    def __init__(self, fail: tuple[str, ...] = ()) -> None:
        self.calls: list[str] = []
        self.fail = fail

    def __call__(self, scenario, spec):
        self.calls.append(spec.run_id)
        if spec.run_id in self.fail:
            raise RuntimeError("boom\nsecond line")
        return run_measures(scenario, spec.seed, run_id=spec.run_id)


@pytest.fixture(scope="module")
def scenario():
    return scenario_from_text(SWEEP)


@pytest.fixture(scope="module")
def clean(scenario, tmp_path_factory):
    """A clean sequential run of the whole sweep."""
    out = tmp_path_factory.mktemp("clean")
    result = run_sweep(scenario, out, workers=0, progress=False)
    assert not result.failed
    return result


def test_clean_sweep_writes_tidy_tables(clean, scenario):
    out = clean.out_dir
    runs = expand_runs(scenario)
    assert len(runs) == 8 and clean.finished == 8
    for spec in runs:
        assert run_path(out, spec.run_id).is_file()
    results = clean.results()
    assert list(results.columns) == [
        "scenario_id",
        "run_id",
        "seed",
        "year",
        "grade",
        "line_id",
        "measure",
        "value",
    ]
    assert set(results["run_id"]) == {r.run_id for r in runs}
    csv = pd.read_csv(out / "results.csv", keep_default_na=False)
    assert len(csv) == len(results)
    manifest = pd.read_csv(out / "manifest.csv")
    assert set(manifest["status"]) == {"done"}
    assert {"wales-2026.unsocial_multiplier", "awards.default", "seed"} <= set(manifest.columns)
    summary = clean.summary()
    assert len(summary) == 8 and "protection_cost_total_gbp" in summary
    # a higher unsocial rate lowers the protection cost
    by_rate = summary.groupby("wales-2026.unsocial_multiplier")["protection_cost_total_gbp"].mean()
    assert by_rate.loc[1.75] < by_rate.loc[1.25]


def test_resume_recomputes_nothing_finished(clean, scenario, tmp_path):
    runs = expand_runs(scenario)
    first = Counter()
    part = run_sweep(
        scenario,
        tmp_path,
        workers=0,
        only=[r.run_id for r in runs[:3]],
        evaluate=first,
        progress=False,
    )
    assert first.calls == [r.run_id for r in runs[:3]]
    assert len(part.computed) == 3
    # an interrupted write leaves only a temporary file: it does not count as finished
    run_path(tmp_path, runs[3].run_id).with_suffix(".parquet.tmp").write_bytes(b"partial")
    second = Counter()
    full = run_sweep(scenario, tmp_path, workers=0, evaluate=second, progress=False)
    assert second.calls == [r.run_id for r in runs[3:]]
    assert sorted(full.skipped) == sorted(r.run_id for r in runs[:3])
    pd.testing.assert_frame_equal(_sorted(full.results()), _sorted(clean.results()))
    third = Counter()
    again = run_sweep(scenario, tmp_path, workers=0, evaluate=third, progress=False)
    assert third.calls == [] and len(again.skipped) == 8


def test_a_failing_run_loses_nothing_else(clean, scenario, tmp_path):
    runs = expand_runs(scenario)
    bad = runs[2].run_id
    result = run_sweep(scenario, tmp_path, workers=0, evaluate=Counter(fail=(bad,)), progress=False)
    assert list(result.failed) == [bad]
    assert result.failed[bad] == "RuntimeError: boom second line"  # one line
    assert result.finished == 7
    errors = pd.read_csv(tmp_path / "errors.csv")
    assert list(errors["run_id"]) == [bad]
    assert (tmp_path / "errors" / f"{bad}.txt").is_file()
    assert not run_path(tmp_path, bad).is_file()
    expected = clean.results()
    pd.testing.assert_frame_equal(
        _sorted(result.results()), _sorted(expected[expected["run_id"] != bad])
    )
    # a rerun retries only the failed run, then everything is there
    retry = Counter()
    fixed = run_sweep(scenario, tmp_path, workers=0, evaluate=retry, progress=False)
    assert retry.calls == [bad] and not fixed.failed
    assert not (tmp_path / "errors" / f"{bad}.txt").exists()
    pd.testing.assert_frame_equal(_sorted(fixed.results()), _sorted(expected))


def test_bad_grid_value_is_refused_when_read():
    with pytest.raises(ScenarioError, match="awards.default must be a finite number"):
        scenario_from_text(
            'id = "bad"\nyears = 1\n[workforce]\nrotas = ["department"]\n'
            "[sweep.grid]\n'awards.default' = [0.02, 'lots']\n"
        )


def test_inconsistent_grid_point_fails_its_run_only(tmp_path):
    # each value is valid alone; the two LTFT tables disagree only when priced
    s = scenario_from_text(
        'id = "bad"\nyears = 1\n[workforce]\nrotas = ["department"]\n[sweep.grid]\n'
        '"nhs-2002.ltft_fraction" = [[0.5, 0.6, 0.7, 0.8, 0.9], [0.5]]\n'
    )
    result = run_sweep(s, tmp_path, workers=0, progress=False)
    assert len(result.failed) == 1
    (message,) = result.failed.values()
    assert "need equal lengths" in message
    assert result.finished == 1


def test_execute_never_raises(scenario):
    spec = expand_runs(scenario)[0]
    outcome = execute(scenario, spec, Counter(fail=(spec.run_id,)))
    assert outcome.table is None and outcome.error.startswith("RuntimeError")


@pytest.fixture(scope="module")
def pooled(scenario, tmp_path_factory):
    out = tmp_path_factory.mktemp("pool")
    return run_sweep(scenario, out, workers=2, progress=False)


def test_process_pool_equals_sequential(pooled, clean):
    assert not pooled.failed, pooled.failed
    assert len(pooled.computed) == 8
    pd.testing.assert_frame_equal(_sorted(pooled.results()), _sorted(clean.results()))


def test_dask_local_cluster_equals_process_pool(pooled, scenario, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        result = run_sweep(scenario, tmp_path, cluster=cluster.scheduler_address, progress=False)
    assert not result.failed, result.failed
    assert len(result.computed) == 8
    pd.testing.assert_frame_equal(_sorted(result.results()), _sorted(pooled.results()))


def test_unreachable_cluster_is_a_user_error(scenario, tmp_path, monkeypatch):
    from scenarios import sweep
    from simulator.model import UserError

    monkeypatch.setattr(sweep, "CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(UserError, match="cannot connect"):
        run_sweep(scenario, tmp_path, cluster="tcp://127.0.0.1:1", progress=False)
