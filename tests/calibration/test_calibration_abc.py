"""ABC-SMC against exact posteriors: conjugate Beta-Bernoulli, and a likelihood computed on a grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from simsim.calibration import CalibrationSettings, SMCSettings, calibrate, run_smc
from simsim.calibration.posterior import weighted_quantile

OBSERVED = np.array([1, 1, 0, 1, 1, 1, 0, 1, 1, 1])  # 8 successes in 10


def _bernoulli_distance(z: np.ndarray, key: tuple[int, ...]) -> np.ndarray:
    # theta ~ Uniform(0, 1) is Phi(z) for a standard normal z: the sampler's z-space prior
    theta = special.ndtr(z[:, 0])
    u = np.random.default_rng(list(key)).random((len(z), len(OBSERVED)))
    sims = (u < theta[:, None]).astype(int)
    return (sims != OBSERVED).sum(axis=1)


@pytest.mark.parametrize("kernel", ["pmc", "mcmc"])
def test_smc_core_matches_the_conjugate_posterior(kernel):
    # uniform prior, 8 of 10 successes, exact matching: posterior Beta(1 + 8, 1 + 2) (conjugacy)
    res = run_smc(_bernoulli_distance, 1, seed=11,
                  settings=SMCSettings(particles=2000, max_simulations=None, kernel=kernel))
    final = res.final
    assert res.stopped == "min_epsilon" and final.epsilon == 0
    assert (final.distances == 0).all()
    theta = special.ndtr(final.z[:, 0])
    exact = stats.beta(9, 3)
    mean = float(np.dot(final.weights, theta))
    # Monte Carlo error: posterior sd 0.12 over an effective ~1,000 particles -> se ~ 0.004
    assert mean == pytest.approx(exact.mean(), abs=0.012)
    q = weighted_quantile(theta, final.weights, [0.05, 0.95])
    np.testing.assert_allclose(q, exact.ppf([0.05, 0.95]), atol=0.03)
    # mcmc: duplicates remain where a particle did not move (moves are accepted ~0.5% at tolerance 0)
    assert final.ess > 1000 and final.unique > 800
    # tolerance falls by at least one case per population, and acceptance falls with it
    eps = [p.epsilon for p in res.populations]
    assert all(b < a for a, b in zip(eps, eps[1:], strict=False))


@pytest.mark.parametrize("kernel", ["pmc", "mcmc"])
def test_smc_core_same_seed_same_result_and_different_seed_differs(kernel):
    s = SMCSettings(particles=200, max_populations=3, max_simulations=None, kernel=kernel)
    a = run_smc(_bernoulli_distance, 1, seed=5, settings=s).final
    b = run_smc(_bernoulli_distance, 1, seed=5, settings=s).final
    c = run_smc(_bernoulli_distance, 1, seed=6, settings=s).final
    np.testing.assert_array_equal(a.z, b.z)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert not np.array_equal(a.z, c.z)


@pytest.mark.parametrize("kernel", ["pmc", "mcmc"])
def test_budget_keeps_the_last_complete_population(kernel):
    s = SMCSettings(particles=200, max_simulations=200 * 10 * 3, min_batch=200, kernel=kernel)
    res = run_smc(_bernoulli_distance, 1, seed=2, settings=s, cost=10)
    assert res.stopped == "max_simulations"
    assert res.final.epsilon > 0  # it could not get to exact matching on this budget
    assert len(res.final.weights) == 200


@pytest.mark.slow
def test_calibrate_on_bernoulli_cases_matches_the_conjugate_posterior(bernoulli_mechanism, tmp_path):
    # 6 cases, 5 successes, Beta(2, 2) prior: exact posterior Beta(7, 3) (mean 0.7; prior mean 0.5)
    table = bernoulli_mechanism_cases(tmp_path, ["success"] * 5 + ["failure"])
    post = calibrate(tmp_path / "base.yaml", table, ["theta"], seed=4,
                     settings=CalibrationSettings(particles=500, predictive_draws=1000))
    exact = stats.beta(7, 3)
    theta = post.particles["param.theta"].to_numpy()
    w = post.particles["weight"].to_numpy()
    assert post.metadata["final_tolerance"] == 0
    # se of the mean ~ 0.14 / sqrt(ESS ~ 400) ~ 0.007
    assert float(np.dot(w, theta)) == pytest.approx(exact.mean(), abs=0.025)
    np.testing.assert_allclose(weighted_quantile(theta, w, [0.05, 0.95]), exact.ppf([0.05, 0.95]), atol=0.045)
    # posterior predictive of a success in any case is the posterior mean, 0.7 (se ~ 0.015 with 1,000 draws)
    pred = post.predictive
    succ = pred[pred["category"] == "success"]["posterior"]
    assert succ.mean() == pytest.approx(0.7, abs=0.04)
    # prior predictive of a success is the prior mean 0.5
    assert pred[pred["category"] == "success"]["prior"].mean() == pytest.approx(0.5, abs=0.04)


def test_calibrate_with_case_specific_offsets_matches_a_grid_posterior(bernoulli_mechanism, tmp_path):
    # cases differ: P(success in case c) = clip(theta + offset_c); the likelihood is a product of
    # known terms, so the exact posterior mean is a one-dimensional integral (computed on a grid)
    offsets = [-0.2, 0.0, 0.1, 0.2]
    obs = ["success", "success", "success", "success"]
    table = bernoulli_mechanism_cases(tmp_path, obs, offsets=offsets)
    post = calibrate(tmp_path / "base.yaml", table, ["theta"], seed=9,
                     settings=CalibrationSettings(particles=400, predictive_draws=0))
    grid = np.linspace(0, 1, 20001)
    dens = stats.beta(2, 2).pdf(grid)
    for off, o in zip(offsets, obs, strict=True):
        p = np.clip(grid + off, 0, 1)
        dens = dens * (p if o == "success" else 1 - p)
    exact_mean = float(np.sum(grid * dens) / np.sum(dens))
    assert exact_mean > 0.7  # (0.748) the data move the posterior away from the prior mean
    theta = post.particles["param.theta"].to_numpy()
    w = post.particles["weight"].to_numpy()
    assert float(np.dot(w, theta)) == pytest.approx(exact_mean, abs=0.025)


def test_same_seed_same_posterior_whatever_the_number_of_processes(bernoulli_mechanism, tmp_path):
    table = bernoulli_mechanism_cases(tmp_path, ["success", "failure", "success"])
    kw = dict(particles=100, max_populations=2, predictive_draws=200)
    one = calibrate(tmp_path / "base.yaml", table, ["theta"], seed=21, settings=CalibrationSettings(jobs=1, **kw))
    two = calibrate(tmp_path / "base.yaml", table, ["theta"], seed=21, settings=CalibrationSettings(jobs=2, **kw))
    pd.testing.assert_frame_equal(one.particles, two.particles)
    pd.testing.assert_frame_equal(one.predictive, two.predictive)
    other = calibrate(tmp_path / "base.yaml", table, ["theta"], seed=22, settings=CalibrationSettings(jobs=1, **kw))
    assert not one.particles.equals(other.particles)


def bernoulli_mechanism_cases(folder, outcomes, **kw):
    import bernoulli

    return bernoulli.write_cases(folder, outcomes, **kw)
