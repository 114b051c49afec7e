"""Sensitivity (PRCC) against an independent residual computation and known structures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simsim.analysis import compare, sensitivity
from simsim.errors import ResultsError
from simsim.results import Results


def _results(runs: pd.DataFrame, outcomes: list[dict]) -> Results:
    meta = {"scenario": {"name": "synthetic"}, "outcomes": outcomes, "main_outcomes": [o["name"] for o in outcomes],
            "seed": 0}
    return Results(runs, pd.DataFrame(), meta)


@pytest.fixture(scope="module")
def synthetic():
    rng = np.random.default_rng(0)
    n = 3000
    x = rng.random((n, 3))
    y = np.exp(3 * x[:, 0]) - 2 * x[:, 1] + 0.3 * rng.normal(size=n)  # x2 irrelevant
    runs = pd.DataFrame({"param.a": x[:, 0], "param.b": x[:, 1], "param.c": x[:, 2], "y": y,
                         "flag": y > np.median(y)})
    return _results(runs, [{"name": "y", "kind": "number"}, {"name": "flag", "kind": "bool"}])


def test_prcc_equals_the_residual_definition(synthetic):
    """PRCC by matrix inversion equals the correlation of rank residuals (its definition)."""
    table = sensitivity(synthetic, "y").set_index("input")
    r = synthetic.runs
    ranks = {c: stats.rankdata(r[c]) for c in ("param.a", "param.b", "param.c", "y")}
    for target in ("param.a", "param.b", "param.c"):
        others = np.column_stack([np.ones(len(r))] + [ranks[c] for c in ranks if c not in (target, "y")])
        res_x = ranks[target] - others @ np.linalg.lstsq(others, ranks[target], rcond=None)[0]
        res_y = ranks["y"] - others @ np.linalg.lstsq(others, ranks["y"], rcond=None)[0]
        assert table.loc[target, "prcc"] == pytest.approx(np.corrcoef(res_x, res_y)[0, 1], abs=1e-10)


def test_prcc_finds_the_drivers_and_their_signs(synthetic):
    table = sensitivity(synthetic, "y")
    assert table["input"].tolist()[:2] == ["param.a", "param.b"]
    t = table.set_index("input")
    assert t.loc["param.a", "prcc"] > 0.9 and t.loc["param.b", "prcc"] < -0.5
    assert t.loc["param.c", "ci_low"] < 0 < t.loc["param.c", "ci_high"]
    flags = sensitivity(synthetic, "flag").set_index("input")
    assert flags.loc["param.a", "prcc"] > 0 > flags.loc["param.b", "prcc"]


def test_prcc_is_invariant_under_monotone_transforms(synthetic):
    runs = synthetic.runs.copy()
    runs["param.a"] = np.log(runs["param.a"])
    runs["param.b"] = runs["param.b"] ** 3
    other = _results(runs, synthetic.metadata["outcomes"])
    a = sensitivity(synthetic, "y").set_index("input")["prcc"]
    b = sensitivity(other, "y").set_index("input")["prcc"]
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index())


def test_constant_inputs_are_left_out():
    runs = pd.DataFrame({"param.a": np.arange(20.0), "param.k": 1.0, "y": np.arange(20.0) ** 2})
    table = sensitivity(_results(runs, [{"name": "y", "kind": "number"}]), "y")
    assert table["input"].tolist() == ["param.a"] and table["prcc"].iloc[0] == pytest.approx(1.0)


def test_unknown_outcome(synthetic):
    with pytest.raises(ResultsError, match="unknown outcome"):
        sensitivity(synthetic, "nope")
    with pytest.raises(ResultsError, match="unknown outcome 'nope'"):
        compare(synthetic, synthetic, ["nope"])


def test_convergence_ends_at_the_summary_and_matches_direct_estimates(synthetic):
    from simsim.analysis import convergence

    table = convergence(synthetic, "y")
    last = table.iloc[-1]
    full = synthetic.summary(["y"]).iloc[0]
    assert last["n"] == len(synthetic.runs)
    assert last["estimate"] == pytest.approx(full["estimate"])
    assert (last["ci_low"], last["ci_high"]) == pytest.approx((full["ci_low"], full["ci_high"]))
    row = table.iloc[3]
    head = synthetic.runs["y"].head(int(row["n"]))
    assert row["estimate"] == pytest.approx(head.mean())
    flags = convergence(synthetic, "flag")
    assert flags["ci_low"].between(0, 1).all() and flags["ci_high"].between(0, 1).all()
    # the interval narrows roughly as 1/sqrt(n): 10x the runs, about 1/sqrt(10) the width
    w = (table["ci_high"] - table["ci_low"]).to_numpy()
    n = table["n"].to_numpy()
    ratio = (w[-1] / w[0]) / np.sqrt(n[0] / n[-1])
    assert 0.5 < ratio < 2.0


def test_undefined_outcomes_are_left_out_not_counted_as_other_categories():
    from simsim.analysis import outcome_values

    runs = pd.DataFrame({"param.a": np.arange(100.0), "c": ["x"] * 30 + [None] * 70, "v": np.nan})
    res = _results(runs, [{"name": "c", "kind": "category", "categories": ["x", "y"]}, {"name": "v", "kind": "number"}])
    vals = outcome_values(res, "c")
    assert np.nansum(vals) == 30 and np.isnan(vals).sum() == 70
    assert res.summary(["c"]).set_index("category").loc["x", "estimate"] == 1.0
    assert sensitivity(res, "v").empty


# ------------------------------------------------------------------ names, intervals, pairing
def test_unknown_names_get_a_did_you_mean(synthetic):
    from simsim.analysis import convergence

    with pytest.raises(ResultsError, match="did you mean 'flag'"):
        sensitivity(synthetic, "flga")
    with pytest.raises(ResultsError, match="did you mean 'flag'"):
        convergence(synthetic, "flga")
    with pytest.raises(ResultsError, match="not categorical"):
        sensitivity(synthetic, "flag", "yes")
    with pytest.raises(ResultsError, match="did you mean 'y'"):
        synthetic.summary(["yy"])


def test_unknown_category_is_an_error_not_an_empty_table():
    runs = pd.DataFrame({"param.a": np.linspace(0, 1, 50), "run": np.arange(50), "seed": np.arange(50),
                         "decision": ["arrest", "no_arrest"] * 25})
    res = _results(runs, [{"name": "decision", "kind": "category", "categories": ["arrest", "no_arrest"]}])
    with pytest.raises(ResultsError, match="unknown category 'arest'.*did you mean 'arrest'"):
        sensitivity(res, "decision", "arest")
    from simsim.plotting import convergence_figure, outcomes_figure, sensitivity_figure

    for call in (lambda: sensitivity_figure(res, "decision", "arest"),
                 lambda: convergence_figure(res, "decision", "arest"),
                 lambda: outcomes_figure(res, ["decison"])):
        with pytest.raises(ResultsError, match="did you mean"):
            call()


def test_wilson_zero_count_has_lower_bound_exactly_zero():
    from simsim.results import wilson_interval

    assert wilson_interval(0, 100)[0] == 0.0 and wilson_interval(100, 100)[1] == 1.0
    # Wilson's closed form for k = 0: upper = z^2 / (n + z^2)
    z = 1.959963984540054
    assert wilson_interval(0, 100)[1] == pytest.approx(z * z / (100 + z * z), rel=1e-12)


def test_newcombe_paired_reduces_to_the_independent_interval_when_pairs_are_uncorrelated():
    """phi = 0 (ad = bc in the 2x2 table) turns method 10 for paired data into method 10 for independent samples."""
    from simsim.analysis import newcombe_interval, newcombe_paired_interval
    from simsim.results import wilson_interval

    # 2x2 table of pairs (x, y): 20 both, 30 y only, 20 x only, 30 neither: 20*30 == 30*20
    x = np.array([1] * 20 + [0] * 30 + [1] * 20 + [0] * 30, dtype=bool)
    y = np.array([1] * 20 + [1] * 30 + [0] * 20 + [0] * 30, dtype=bool)
    d, lo, hi = newcombe_paired_interval(x, y)
    p1, p2 = y.mean(), x.mean()
    ind = newcombe_interval(p1, *wilson_interval(int(y.sum()), 100), p2, *wilson_interval(int(x.sum()), 100))
    assert d == pytest.approx(p1 - p2) and (lo, hi) == pytest.approx(ind, abs=1e-12)


def test_newcombe_paired_covers_at_about_the_nominal_rate():
    """Coverage of the true difference over simulated paired samples (Newcombe 1998b reports ~0.95 for method 10)."""
    from simsim.analysis import newcombe_paired_interval

    rng = np.random.default_rng(12)
    n, reps, hits = 200, 1500, 0
    for _ in range(reps):
        z = rng.random(n) < 0.3                          # a shared draw (as with common random numbers)
        x = np.where(rng.random(n) < 0.10, ~z, z)        # each side flips it with its own probability
        y = np.where(rng.random(n) < 0.15, ~z, z)
        _, lo, hi = newcombe_paired_interval(x, y)
        # P(y) - P(x) = (0.3 * 0.85 + 0.7 * 0.15) - (0.3 * 0.9 + 0.7 * 0.1) = 0.36 - 0.34 = 0.02
        hits += lo <= 0.02 <= hi
    # binomial sd of the coverage estimate: sqrt(.95 * .05 / 1500) = 0.0056
    assert 0.93 <= hits / reps <= 0.975


def _paired_results(seed_b: int = 5) -> tuple[Results, Results]:
    rng = np.random.default_rng(0)
    n = 2000
    u = rng.random(n)
    common = rng.normal(size=n)
    seeds = np.arange(n) * 7
    a = pd.DataFrame({"run": np.arange(n), "seed": seeds, "hit": u < 0.3, "v": common})
    b = pd.DataFrame({"run": np.arange(n), "seed": seeds if seed_b == 5 else seeds + 1,
                      "hit": u < 0.32, "v": common + 0.1 + 0.05 * rng.normal(size=n)})
    outs = [{"name": "hit", "kind": "bool"}, {"name": "v", "kind": "number"}]
    ra, rb = _results(a, outs), _results(b, outs)
    ra.metadata["seed"], rb.metadata["seed"] = 5, seed_b
    return ra, rb


def test_compare_pairs_runs_that_share_seeds_and_says_so():
    a, b = _paired_results()
    paired = compare(a, b).set_index("label")
    indep = compare(a, b, paired=False).set_index("label")
    assert paired.loc["hit", "interval"].startswith("paired") and indep.loc["hit", "interval"].startswith("indep")
    # the numbers differ by 0.1 + small noise in every run: the paired interval is about the
    # noise's (sd 0.05 / sqrt(2000) = 0.0011 -> half-width 0.0022), the independent one about
    # the runs' spread (sd 1 * sqrt(2 / 2000) -> half-width 0.062)
    half_p = (paired.loc["v", "diff_high"] - paired.loc["v", "diff_low"]) / 2
    half_i = (indep.loc["v", "diff_high"] - indep.loc["v", "diff_low"]) / 2
    assert half_p == pytest.approx(1.96 * 0.05 / np.sqrt(2000), rel=0.1)
    assert half_i == pytest.approx(1.96 * np.sqrt(2 / 2000), rel=0.1)
    assert paired.loc["v", "diff_low"] < 0.1 < paired.loc["v", "diff_high"]
    # b's hits are a superset of a's: every discordant pair goes one way, the paired interval is narrower
    assert (paired.loc["hit", "diff_high"] - paired.loc["hit", "diff_low"]
            < indep.loc["hit", "diff_high"] - indep.loc["hit", "diff_low"])
    assert paired.loc["hit", "diff_low"] > 0


def test_compare_does_not_pair_results_with_different_seeds():
    a, b = _paired_results(seed_b=6)
    assert set(compare(a, b)["interval"].str.split(":").str[0]) == {"independent"}
    with pytest.raises(ResultsError, match="share their seeds"):
        compare(a, b, paired=True)
