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
