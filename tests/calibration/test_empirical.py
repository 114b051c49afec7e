"""Empirical quantities: weighted samples from a Parquet or CSV file, validated with located errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simsim
from simsim.scenario.quantity import Quantity

SCENARIO = """\
extends: mongolia_icc_2024
name: emp
parameters:
  rationality: {{dist: empirical, file: {file}, column: {column}{weights}, assumption: true}}
"""


def write(folder, file="post.parquet", column="param.rationality", weights=", weights: weight", extra=""):
    path = folder / "s.yaml"
    path.write_text(SCENARIO.format(file=file, column=column, weights=weights) + extra)
    return path


@pytest.fixture
def post(tmp_path):
    frame = pd.DataFrame({"param.rationality": [2.0, 3.0, 5.0], "param.w_trade": [0.1, 0.5, 0.9],
                          "weight": [1.0, 1.0, 2.0]})
    frame.to_parquet(tmp_path / "post.parquet")
    frame.to_csv(tmp_path / "post.csv", index=False)
    return frame


@pytest.mark.parametrize("file", ["post.parquet", "post.csv"])
def test_weighted_empirical_distribution_has_the_weighted_moments(tmp_path, post, file):
    scn = simsim.load_scenario(write(tmp_path, file=file))
    q = scn.parameters["rationality"]
    # mass 1/4, 1/4, 1/2 on 2, 3, 5: mean 3.75, variance (4 + 9 + 50) / 4 - 3.75^2 = 1.6875
    assert q.central() == pytest.approx(3.75)
    assert q.support() == (2.0, 5.0)
    x = q.from_uniform(np.random.default_rng(0).random(40_000))
    assert set(np.unique(x)) == {2.0, 3.0, 5.0}
    assert x.mean() == pytest.approx(3.75, abs=4.5 * np.sqrt(1.6875 / 40_000))
    assert np.mean(x == 5.0) == pytest.approx(0.5, abs=0.01)
    # the marginal inverse CDF is monotone in the uniform, as for every other distribution
    u = np.linspace(0, 0.999, 50)
    assert np.all(np.diff(q.from_uniform(u)) >= 0)


def test_without_weights_every_row_counts_once(tmp_path, post):
    q = simsim.load_scenario(write(tmp_path, weights="")).parameters["rationality"]
    assert q.central() == pytest.approx(10 / 3)


def test_a_run_uses_the_samples(tmp_path, post):
    res = simsim.run(simsim.load_scenario(write(tmp_path)), 400, seed=1)
    assert set(res.runs["param.rationality"].unique()) <= {2.0, 3.0, 5.0}


def test_path_is_relative_to_the_file_that_names_it(tmp_path, post):
    write(tmp_path)
    sub = tmp_path / "elsewhere"
    sub.mkdir()
    (sub / "child.yaml").write_text("extends: ../s.yaml\nname: child\n")
    scn = simsim.load_scenario(sub / "child.yaml")
    assert scn.parameters["rationality"].central() == pytest.approx(3.75)


def test_joint_quantities_take_the_same_row(tmp_path, post):
    extra = ("  w_trade: {dist: empirical, file: post.parquet, column: param.w_trade, weights: weight, "
             "joint: post, assumption: true}\n")
    path = tmp_path / "j.yaml"
    path.write_text(SCENARIO.format(file="post.parquet", column="param.rationality",
                                    weights=", weights: weight, joint: post") + extra)
    res = simsim.run(simsim.load_scenario(path), 300, seed=3)
    pairs = set(zip(res.runs["param.rationality"], res.runs["param.w_trade"], strict=True))
    assert pairs <= {(2.0, 0.1), (3.0, 0.5), (5.0, 0.9)}  # whole rows, never mixed
    assert len(pairs) == 3
    # without joint the two are sampled independently and rows mix
    indep = tmp_path / "i.yaml"
    indep.write_text(SCENARIO.format(file="post.parquet", column="param.rationality", weights=", weights: weight")
                     + extra.replace(", joint: post", ""))
    res = simsim.run(simsim.load_scenario(indep), 300, seed=3)
    assert len(set(zip(res.runs["param.rationality"], res.runs["param.w_trade"], strict=True))) > 3


def test_joint_quantities_must_share_file_and_weights(tmp_path, post):
    extra = ("  w_trade: {dist: empirical, file: post.csv, column: param.w_trade, weights: weight, "
             "joint: post, assumption: true}\n")
    path = tmp_path / "j.yaml"
    path.write_text(SCENARIO.format(file="post.parquet", column="param.rationality",
                                    weights=", weights: weight, joint: post") + extra)
    with pytest.raises(simsim.ScenarioError, match="same file and weights") as err:
        simsim.load_scenario(path)
    # the base declares w_trade before rationality: the second of the two is the one reported
    assert err.value.line == 4 and err.value.key == "parameters.rationality"


@pytest.mark.parametrize("kw, fragment", [
    ({"file": "missing.parquet"}, "empirical file 'missing.parquet' not found"),
    ({"column": "param.rationaliti"},
     "no column 'param.rationaliti' in 'post.parquet' (did you mean 'param.rationality'?)"),
    ({"weights": ", weights: wieght"}, "no column 'wieght'"),
    ({"file": "post.txt"}, "must be Parquet (.parquet, .pq) or CSV (.csv)"),
])
def test_bad_files_and_columns_are_located_errors(tmp_path, post, kw, fragment):
    (tmp_path / "post.txt").write_text("x")
    with pytest.raises(simsim.ScenarioError) as err:
        simsim.load_scenario(write(tmp_path, **kw))
    assert fragment in str(err.value)
    assert err.value.file.endswith("s.yaml") and err.value.line == 4 and err.value.key == "parameters.rationality"


@pytest.mark.parametrize("values, weights, fragment", [
    ([1.0, np.nan], [1.0, 1.0], "must hold finite numbers; row 2"),
    ([1.0, 2.0], [1.0, np.inf], "must hold finite numbers; row 2"),
    ([1.0, 2.0], [1.0, -1.0], "negative weight (row 2)"),
    ([1.0, 2.0], [0.0, 0.0], "sums to zero"),
])
def test_values_and_weights_must_be_finite(tmp_path, values, weights, fragment):
    pd.DataFrame({"param.rationality": values, "weight": weights}).to_parquet(tmp_path / "post.parquet")
    with pytest.raises(simsim.ScenarioError, match="parameters.rationality") as err:
        simsim.load_scenario(write(tmp_path))
    assert fragment in str(err.value)


def test_samples_outside_the_parameter_bounds_are_rejected(tmp_path):
    # rationality must be >= 0 (the mechanism's bound): a sample at -1 is caught like any support
    pd.DataFrame({"param.rationality": [1.0, -1.0], "weight": [1.0, 1.0]}).to_parquet(tmp_path / "post.parquet")
    with pytest.raises(simsim.ScenarioError, match="reaches -1"):
        simsim.load_scenario(write(tmp_path))


def test_choice_weights_stay_numbers():
    with pytest.raises(ValueError, match="choice weights must be a list of numbers"):
        Quantity(dist="choice", values=(1.0, 2.0), weights="w", assumption=True)
    with pytest.raises(ValueError, match="name a column"):
        Quantity(dist="empirical", file="x.csv", column="a", weights=(1.0,), assumption=True)
