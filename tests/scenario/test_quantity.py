"""Quantities: validation of shapes, support, and sampling against closed-form moments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from simsim.scenario.quantity import Quantity

N = 20_000


def q(**kw) -> Quantity:
    return Quantity(assumption=True, **kw)


def sample(quantity: Quantity, n: int = N, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.array([quantity.sample(rng) for _ in range(n)])


@pytest.mark.parametrize("kw, mean, var", [
    ({"dist": "uniform", "low": 2.0, "high": 5.0}, 3.5, 9 / 12),
    ({"dist": "normal", "mean": 1.0, "sd": 2.0}, 1.0, 4.0),
    ({"dist": "triangular", "low": 0.0, "mode": 1.0, "high": 4.0}, 5 / 3, (0 + 1 + 16 - 0 - 0 - 4) / 18),
    ({"dist": "beta", "a": 2.0, "b": 3.0}, 0.4, 2 * 3 / (25 * 6)),
    ({"dist": "beta", "a": 2.0, "b": 3.0, "low": 10.0, "high": 20.0}, 14.0, 100 * 2 * 3 / (25 * 6)),
    ({"dist": "choice", "values": [1, 2, 4], "weights": [1, 1, 2]}, 2.75, (1 + 4 + 32) / 4 - 2.75 ** 2),
])
def test_sample_moments_match_closed_forms(kw, mean, var):
    x = sample(q(**kw))
    se = math.sqrt(var / N)
    assert abs(x.mean() - mean) < 4.5 * se
    assert x.var() == pytest.approx(var, rel=0.06)
    assert q(**kw).central() == pytest.approx(mean)


def test_truncated_normal_stays_in_bounds_and_has_the_truncated_mean():
    # standard normal truncated to [0, inf): mean sqrt(2/pi)
    x = sample(q(dist="normal", mean=0.0, sd=1.0, low=0.0))
    assert x.min() >= 0.0
    se = math.sqrt((1 - 2 / math.pi) / N)
    assert abs(x.mean() - math.sqrt(2 / math.pi)) < 4.5 * se


def test_fixed_value_draws_nothing():
    rng = np.random.default_rng(1)
    before = rng.bit_generator.state
    assert q(value=3.0).sample(rng) == 3.0
    assert rng.bit_generator.state == before


@pytest.mark.parametrize("kw, fragment", [
    ({}, "give either 'value' or 'dist'"),
    ({"dist": "uniform", "low": 1.0}, "needs high"),
    ({"dist": "uniform", "low": 2.0, "high": 1.0}, "must be below"),
    ({"dist": "triangular", "low": 0.0, "mode": 3.0, "high": 2.0}, "mode must lie"),
    ({"value": 1.0, "low": 0.0}, "takes no low"),
    ({"value": 5.0, "range": (0.0, 1.0)}, "outside its range"),
    ({"dist": "choice", "values": [1, 2], "weights": [1]}, "match values"),
    ({"dist": "normal", "mean": 0.0, "sd": -1.0}, "greater than 0"),
    ({"dist": "uniform", "low": 0.0, "high": 1.0, "hgh": 3}, "did you mean 'high'"),
])
def test_malformed_quantities_are_rejected(kw, fragment):
    with pytest.raises(ValidationError) as info:
        q(**kw)
    assert fragment in str(info.value)


def test_provenance_is_required():
    with pytest.raises(ValidationError, match="source"):
        Quantity(value=1.0)
    assert Quantity(value=1.0, source="x").source == "x"


@settings(max_examples=60, deadline=None)
@given(lo=st.floats(-1e3, 1e3), width=st.floats(1e-3, 1e3), seed=st.integers(0, 2**32 - 1),
       dist=st.sampled_from(["uniform", "triangular", "beta", "normal"]))
def test_samples_never_leave_the_support(lo, width, seed, dist):
    hi = lo + width
    kw = {"uniform": {"low": lo, "high": hi}, "triangular": {"low": lo, "mode": lo + width / 3, "high": hi},
          "beta": {"a": 0.5, "b": 2.0, "low": lo, "high": hi},
          "normal": {"mean": lo, "sd": width, "low": lo, "high": hi}}[dist]
    quantity = q(dist=dist, **kw)
    s_lo, s_hi = quantity.support()
    x = sample(quantity, 50, seed)
    assert np.all((x >= s_lo) & (x <= s_hi))


def test_far_tail_truncation_stays_finite_and_in_bounds():
    quantity = q(dist="normal", mean=0.0, sd=1.0, low=9.0)
    x = quantity.from_uniform(np.array([0.0, 0.3, 0.999999]))
    assert np.all(np.isfinite(x)) and np.all(x >= 9.0)
    # the mean of a normal truncated at 9 is close to 9 + 1/9 (Mills ratio)
    assert sample(quantity, 4000).mean() == pytest.approx(9.108, abs=0.01)
