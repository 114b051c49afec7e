"""Cases and observed tables (clear errors), the posterior folder, its fragment, and the CLI."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import simsim
from simsim.calibration import CalibrationSettings, Posterior, calibrate, load_cases
from simsim.calibration.backtest import backtest, base_rate, brier_score, log_score, smoothed
from simsim.cli import main
from simsim.errors import SimsimError

FAST = CalibrationSettings(particles=50, max_populations=2, predictive_draws=100)


def cases(folder, outcomes=("success", "failure", "success"), **kw):
    import bernoulli

    return bernoulli.write_cases(folder, list(outcomes), **kw)


def test_a_base_file_stands_for_the_cases_that_extend_it(bernoulli_mechanism, tmp_path):
    table = cases(tmp_path)
    loaded = load_cases(tmp_path / "base.yaml", table)
    assert [c.name for c in loaded] == ["case00", "case01", "case02"]
    assert [c.observed for c in loaded] == ["success", "failure", "success"]
    assert loaded[1].date == pd.Timestamp("2001-01-01")
    assert loaded[0].categories == ("success", "failure")


@pytest.mark.parametrize("edit, fragment", [
    (lambda t: t.replace("case01,", "case1,"), "scenario 'case1', which is not among the scenarios given "
                                               "(did you mean 'case01'?)"),
    (lambda t: t.replace("failure", "failed"), "'failed' is not a category of 'result' (did you mean 'failure'?)"),
    (lambda t: t.replace("result", "draw"), "outcome 'draw' is a number"),
    (lambda t: t.replace("result", "reslt"), "unknown outcome 'reslt' (did you mean 'result'?)"),
    (lambda t: t.replace("scenario,outcome", "scenaro,outcome"), "unknown column 'scenaro' (did you mean 'scenario'?)"),
    (lambda t: t.replace("2001-01-01", "January"), "date 'January' is not a date"),
    (lambda t: t + "case00,result,success,2009-01-01\n", "scenario 'case00' appears twice"),
])
def test_bad_observed_tables_are_clear_errors(bernoulli_mechanism, tmp_path, edit, fragment):
    table = cases(tmp_path)
    table.write_text(edit(table.read_text()))
    with pytest.raises(SimsimError) as err:
        load_cases(tmp_path / "base.yaml", table)
    assert fragment in str(err.value)


def test_parameters_must_be_shared_uncertain_inputs_with_one_prior(bernoulli_mechanism, tmp_path):
    table = cases(tmp_path)
    with pytest.raises(SimsimError, match="'param.offset' is not an uncertain input of case 'case00'"):
        calibrate(tmp_path / "base.yaml", table, ["offset"], seed=1, settings=FAST)
    with pytest.raises(SimsimError, match=r"'param.thet' is not an uncertain input .*did you mean 'param.theta'"):
        calibrate(tmp_path / "base.yaml", table, ["thet"], seed=1, settings=FAST)
    other = "parameters:\n  theta: {dist: uniform, low: 0, high: 1, assumption: true}\n"
    (tmp_path / "case02.yaml").write_text((tmp_path / "case02.yaml").read_text() + other)
    with pytest.raises(SimsimError, match="'param.theta' has different priors in the cases"):
        calibrate(tmp_path / "base.yaml", table, ["theta"], seed=1, settings=FAST)


@pytest.mark.parametrize("kw, fragment", [
    ({"particles": 5}, "particles must be at least 10"),
    ({"alpha": 1.0}, "alpha must lie strictly between 0 and 1"),
    ({"kernel": "pmcc"}, "unknown kernel 'pmcc' (did you mean 'pmc'?)"),
    ({"min_epsilon": -1.0}, "min_epsilon must be a non-negative number"),
])
def test_bad_settings_are_clear_errors(bernoulli_mechanism, tmp_path, kw, fragment):
    table = cases(tmp_path)
    with pytest.raises(SimsimError) as err:
        calibrate(tmp_path / "base.yaml", table, ["theta"], seed=1, settings=CalibrationSettings(**kw))
    assert fragment in str(err.value)


@pytest.mark.slow
def test_posterior_folder_round_trip_and_fragment_runs(bernoulli_mechanism, tmp_path):
    table = cases(tmp_path / "cases")
    post = calibrate(tmp_path / "cases" / "base.yaml", table, ["theta"], seed=3, settings=FAST)
    out = post.save(tmp_path / "out")
    for f in ("posterior.parquet", "prior.parquet", "populations.csv", "cases.csv", "summary.csv",
              "predictive.csv", "metadata.json", "fragment.yaml", "posterior.png", "predictive.png"):
        assert (out / f).is_file(), f
    back = Posterior.load(out)
    pd.testing.assert_frame_equal(back.particles, post.particles)
    assert back.metadata["seed"] == 3 and back.metadata["prior"] == {"param.theta": "beta(2, 2) on [0, 1]"}
    assert back.metadata["tolerance_schedule"][0] == math.inf
    import pyarrow.parquet as pq

    assert b"simsim" in pq.read_schema(out / "posterior.parquet").metadata
    # a scenario extending the fragment samples theta from the posterior's particles, by weight
    (tmp_path / "use.yaml").write_text("extends: out/fragment.yaml\nname: use\n")
    scn = simsim.load_scenario(tmp_path / "use.yaml")
    assert scn.parameters["theta"].dist == "empirical"
    res = simsim.run(scn, 2000, seed=2)
    x = res.runs["param.theta"].to_numpy()
    assert set(np.unique(x)) <= set(post.particles["param.theta"])
    w, v = post.particles["weight"].to_numpy(), post.particles["param.theta"].to_numpy()
    mean, sd = float(np.dot(w, v)), float(np.sqrt(np.dot(w, (v - np.dot(w, v)) ** 2)))
    assert x.mean() == pytest.approx(mean, abs=4.5 * sd / np.sqrt(2000))


def test_scores_match_hand_calculations():
    # Jeffreys smoothing: counts (3, 1) of 4 over 2 categories -> (3.5/5, 1.5/5) = (0.7, 0.3)
    p = smoothed(np.array([3, 1]))
    np.testing.assert_allclose(p, [0.7, 0.3])
    assert log_score(p, 0) == pytest.approx(-math.log(0.7))
    # Brier over both categories: (0.7 - 1)^2 + (0.3 - 0)^2 = 0.18
    assert brier_score(p, 0) == pytest.approx(0.18)
    # a uniform forecast over K categories: log score ln K, Brier 1 - 1/K
    u = np.full(4, 0.25)
    assert log_score(u, 2) == pytest.approx(math.log(4)) and brier_score(u, 2) == pytest.approx(0.75)


def test_base_rate_counts_training_cases_with_the_same_categories(bernoulli_mechanism, tmp_path):
    table = cases(tmp_path, ["success", "success", "failure", "success"])
    loaded = load_cases(tmp_path / "base.yaml", table)
    # 2 successes, 1 failure among the first three: (2.5 / 4, 1.5 / 4)
    np.testing.assert_allclose(base_rate(loaded[:3], loaded[3]), [0.625, 0.375])


@pytest.mark.slow
def test_backtest_scores_every_method_on_the_same_cases(bernoulli_mechanism, tmp_path):
    table = cases(tmp_path, ["success", "success", "failure", "success", "success"])
    bt = backtest(tmp_path / "base.yaml", table, ["theta"], cutoff="2003-01-01", loo=True, seed=1, draws=200,
                  settings=FAST)
    t = bt.table()
    assert list(t["method"][t["design"] == "cutoff"]) == ["calibrated", "prior", "base_rate"]
    assert (t[t["design"] == "cutoff"]["cases"] == 2).all()  # cases dated 2003 and 2004
    assert (t[t["design"] == "loo"]["cases"] == 5).all()
    pred = bt.predictions
    # every score is the loss of the probability given to what happened
    np.testing.assert_allclose(pred["log_score"], -np.log(pred["p_observed"]))
    # the base-rate forecast of the cut-off split: 2 successes, 1 failure before 2003 -> P(success) = 0.625
    br = pred[(pred["design"] == "cutoff") & (pred["method"] == "base_rate")]
    np.testing.assert_allclose(br["p_observed"], [0.625, 0.625])
    text = bt.format()
    assert "leave-one-out" in text and "base_rate" in text
    with pytest.raises(SimsimError, match="leaves 5 training and 0 scored cases"):
        backtest(tmp_path / "base.yaml", table, ["theta"], cutoff="2030-01-01", settings=FAST)
    with pytest.raises(SimsimError, match="give a cut-off date"):
        backtest(tmp_path / "base.yaml", table, ["theta"], settings=FAST)


@pytest.mark.slow
def test_cli_calibrate_and_backtest(bernoulli_mechanism, tmp_path, capsys):
    table = cases(tmp_path / "c")
    base = str(tmp_path / "c" / "base.yaml")
    common = ["--observed", str(table), "--parameters", "theta", "--seed", "1", "--particles", "50",
              "--max-populations", "2", "--quiet"]
    assert main(["calibrate", base, *common, "--draws", "100", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "param.theta" in out and "fragment.yaml" in out and (tmp_path / "o" / "fragment.yaml").is_file()
    assert main(["backtest", base, *common, "--loo", "--draws", "100"]) == 0
    out = capsys.readouterr().out
    assert "calibrated" in out and "prior" in out and "base_rate" in out
    # bad input: exit code 2 and one message
    assert main(["calibrate", base, *common, "--out", str(tmp_path / "o2"), "--outcome", "nothing"]) == 2
    assert main(["calibrate", str(tmp_path / "missing.yaml"), "--quiet"]) == 2
    assert main(["backtest", base, *common]) == 2
    err = capsys.readouterr().err
    assert "simsim: error:" in err and "Traceback" not in err
