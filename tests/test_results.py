"""Results: intervals against published values, summaries, save/load."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import simsim
from simsim.errors import ResultsError
from simsim.results import Results, summarise, wilson_interval


@pytest.mark.parametrize("k, n, lo, hi", [
    # Newcombe (1998a), Two-sided confidence intervals for the single proportion, Statistics in
    # Medicine 17, 857-872, worked examples (score method): 81/263 -> 0.2553-0.3662;
    # 15/148 -> 0.0624-0.1605; 0/20 -> 0-0.1611; 1/29 -> 0.0061-0.1718
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_matches_newcombe_1998(k, n, lo, hi):
    got = wilson_interval(k, n)
    assert got == pytest.approx((lo, hi), abs=6e-5)


@pytest.mark.parametrize("n", [1, 2, 7, 50, 263, 100_000])
def test_wilson_interval_equals_scipy_binomtest(n):
    from scipy.stats import binomtest, norm

    from simsim.results import Z95

    level = float(2 * norm.cdf(Z95) - 1)
    for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
        ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
        assert wilson_interval(k, n) == pytest.approx((ci.low, ci.high), rel=1e-12, abs=1e-15)


def test_newcombe_difference_interval_matches_published_example():
    from simsim.analysis import newcombe_interval

    # Newcombe (1998b), Interval estimation for the difference between independent proportions,
    # Statistics in Medicine 17, 873-890, example 56/70 - 48/80, method 10 -> 0.0524 to 0.3339
    p1, p2 = 56 / 70, 48 / 80
    l1, u1 = wilson_interval(56, 70)
    l2, u2 = wilson_interval(48, 80)
    assert newcombe_interval(p1, l1, u1, p2, l2, u2) == pytest.approx((0.0524, 0.3339), abs=6e-5)


def test_summary_by_kind():
    runs = pd.DataFrame({"b": [True, False, True, True], "c": ["x", "y", "x", "x"], "v": [1.0, 2.0, 3.0, 4.0]})
    specs = [{"name": "b", "kind": "bool"}, {"name": "c", "kind": "category", "categories": ["x", "y", "z"]},
             {"name": "v", "kind": "number"}]
    s = summarise(runs, specs)
    assert s[s.outcome == "b"].estimate.item() == 0.75
    cats = s[s.outcome == "c"]
    assert list(cats.category) == ["x", "y", "z"]
    assert cats.estimate.tolist() == [0.75, 0.25, 0.0]
    v = s[s.outcome == "v"].iloc[0]
    assert v.estimate == 2.5 and v.sd == pytest.approx(np.std([1, 2, 3, 4], ddof=1))
    assert v.q50 == 2.5


@pytest.fixture(scope="module")
def small_results():
    scn = simsim.load_scenario("mongolia_icc_2024")
    return simsim.run(scn, replications=40, seed=3, jobs=1)


def test_save_and_load_round_trip(tmp_path, small_results):
    out = small_results.save(tmp_path / "res")
    assert sorted(p.name for p in out.iterdir()) == ["metadata.json", "runs.parquet", "summary.json",
                                                      "timeseries.parquet"]
    back = Results.load(out)
    pd.testing.assert_frame_equal(back.runs, small_results.runs)
    pd.testing.assert_frame_equal(back.timeseries, small_results.timeseries)
    pd.testing.assert_frame_equal(back.summary(), small_results.summary())
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["seed"] == 3
    assert set(meta["versions"]) >= {"simsim", "mesa", "numpy"}
    assert meta["scenario"]["content_hash"] == simsim.load_scenario("mongolia_icc_2024").content_hash
    summary = json.loads((out / "summary.json").read_text())
    probs = [o["estimate"] for o in summary["outcomes"] if o["outcome"] == "decision.MNG"]
    assert sum(probs) == pytest.approx(1.0)


def test_load_rejects_a_folder_that_is_not_results(tmp_path):
    with pytest.raises(ResultsError, match="missing"):
        Results.load(tmp_path)


def test_categories_partition_runs(small_results):
    s = small_results.summary(["decision.MNG"])
    assert s.estimate.sum() == pytest.approx(1.0)
    assert (s.ci_low <= s.estimate).all() and (s.estimate <= s.ci_high).all()


def test_fan_data_keeps_runs_that_stopped_early():
    from simsim.plotting import fan_data

    ts = pd.DataFrame({"run": [0, 0, 0, 1], "step": [0, 1, 2, 0], "x": [1.0, 2.0, 3.0, 10.0]})
    fan = fan_data(ts, "x", (0.0, 0.5, 1.0))
    # run 1 stopped at step 0 with x = 10: it stays at 10
    assert fan.loc[2].tolist() == [3.0, 6.5, 10.0]
    assert fan.loc[0].tolist() == [1.0, 5.5, 10.0]
