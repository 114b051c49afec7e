"""Seeding and determinism: one master seed determines every result, whatever the processes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simsim
from simsim.experiment import RunSettings, run_one, run_seeds


@pytest.fixture(scope="module")
def scn():
    return simsim.load_scenario("icc_visits_network")


def test_same_seed_same_results_for_any_jobs_and_chunking(scn):
    a = simsim.run(scn, replications=60, seed=5, jobs=1)
    b = simsim.run(scn, replications=60, seed=5, jobs=2)
    c = simsim.run(scn, settings=RunSettings(replications=60, seed=5, jobs=2, chunk_size=7))
    for other in (b, c):
        pd.testing.assert_frame_equal(a.runs, other.runs)
        pd.testing.assert_frame_equal(a.timeseries, other.timeseries)


def test_prefix_property(scn):
    """Run i depends only on (master seed, i): the first runs of a longer experiment are the same."""
    a = simsim.run(scn, replications=10, seed=9, jobs=1)
    b = simsim.run(scn, replications=25, seed=9, jobs=1)
    pd.testing.assert_frame_equal(a.runs, b.runs.iloc[:10])


def test_different_seeds_differ(scn):
    a = simsim.run(scn, replications=20, seed=1, jobs=1)
    b = simsim.run(scn, replications=20, seed=2, jobs=1)
    assert not a.runs["seed"].equals(b.runs["seed"])
    assert not a.runs["param.rationality"].equals(b.runs["param.rationality"])


def test_run_seeds_are_distinct_and_recorded(scn):
    res = simsim.run(scn, replications=30, seed=4, jobs=1)
    assert res.runs["run"].tolist() == list(range(30))
    assert res.runs["seed"].tolist() == run_seeds(4, 30).tolist()
    assert res.runs["seed"].nunique() == 30


def test_a_single_run_replays_from_its_recorded_seed(scn):
    res = simsim.run(scn, replications=12, seed=8, jobs=1)
    row = res.runs.iloc[7]
    replay, ts = run_one(scn, int(row["seed"]), run_id=7)
    for k, v in replay.items():
        assert row[k] == v or (isinstance(v, float) and np.isnan(v) and np.isnan(row[k])), k
    ts_res = res.timeseries[res.timeseries.run == 7].reset_index(drop=True)
    for col in ts.columns:
        if col != "step":
            np.testing.assert_array_equal(ts[col].to_numpy(), ts_res[col].to_numpy())


def test_without_a_seed_one_is_drawn_and_recorded(minimal_path):
    scn = simsim.load_scenario(minimal_path)  # the file gives no seed
    res = simsim.run(scn, replications=5, jobs=1)
    assert res.metadata["settings"]["seed_drawn"] is True
    again = simsim.run(scn, replications=5, seed=res.seed, jobs=1)
    pd.testing.assert_frame_equal(res.runs, again.runs)


def test_scenario_seed_and_replications_are_defaults(minimal_path):
    scn = simsim.load_scenario(minimal_path, ["seed=12", "replications=7"])
    res = simsim.run(scn, jobs=1)
    assert len(res.runs) == 7 and res.seed == 12


def test_uncertain_inputs_are_sampled_per_run_and_recorded(minimal_path):
    scn = simsim.load_scenario(minimal_path)
    res = simsim.run(scn, replications=200, seed=1, jobs=1)
    col = res.runs["rel.ties.HOS->VIS"]
    assert col.between(0.2, 0.6).all()
    assert col.nunique() == 200
    assert "rel.energy_dependence.HOS->VIS" not in res.runs  # fixed values are not columns


@pytest.mark.slow  # starts a Python process
def test_a_script_without_main_guard_runs_on_two_processes(tmp_path):
    """Analysts write plain scripts: parallel runs must not need `if __name__ == "__main__":`."""
    import subprocess
    import sys

    script = tmp_path / "plain.py"
    script.write_text(
        "import simsim\n"
        "scn = simsim.load_scenario('icc_visits_network')\n"
        "a = simsim.run(scn, replications=40, seed=1, jobs=2)\n"
        "b = simsim.run(scn, replications=40, seed=1, jobs=1)\n"
        "assert a.runs.equals(b.runs)\n"
        "print('ok', len(a.runs))\n")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok 40"
    assert "Warning" not in proc.stderr


def test_run_seeds_prefix_and_range():
    a, b = run_seeds(3, 5), run_seeds(3, 50)
    assert a.tolist() == b[:5].tolist()
    assert (b >= 0).all() and len(set(b.tolist())) == 50


@pytest.mark.parametrize("name", ["mongolia_icc_2024", "nuclear_arms_race", "landscape_syria_2016"])
def test_latin_hypercube_stratifies_every_input(name):
    """LHS: each of the n equal-probability strata of every input holds exactly one run."""
    from simsim.model import design_of

    scn = simsim.load_scenario(name)
    n = 50
    res = simsim.run(scn, settings=RunSettings(replications=n, seed=3, jobs=1, sampling="lhs"))
    assert res.metadata["settings"]["sampling"] == "lhs"
    for u in design_of(scn).uncertain:
        q = u.quantity
        if q.dist != "uniform":
            continue
        strata = np.floor((res.runs[u.column] - q.low) / (q.high - q.low) * n).astype(int)
        assert sorted(strata.clip(0, n - 1)) == list(range(n)), u.column


def test_latin_hypercube_is_reproducible_and_replayable():
    from simsim.model import design_of

    scn = simsim.load_scenario("icc_visits_network")
    a = simsim.run(scn, settings=RunSettings(replications=40, seed=2, jobs=1, sampling="lhs"))
    b = simsim.run(scn, settings=RunSettings(replications=40, seed=2, jobs=2, sampling="lhs", chunk_size=9))
    pd.testing.assert_frame_equal(a.runs, b.runs)
    row = a.runs.iloc[13]
    cols = [u.column for u in design_of(scn).uncertain]
    replay, _ = run_one(scn, int(row["seed"]), run_id=13, inputs=row[cols].to_dict())
    assert replay["final_credibility"] == row["final_credibility"]
    assert replay["non_compliances"] == row["non_compliances"]


def test_unknown_sampling_is_an_error():
    with pytest.raises(simsim.SimsimError, match="unknown sampling"):
        simsim.run(simsim.load_scenario("mongolia_icc_2024"), settings=RunSettings(replications=2, sampling="sobl"))
