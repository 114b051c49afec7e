"""A runaway arms race is reported, not left to overflow: ``diverged``, ``diverged_step``, ``inf`` arsenals."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from simsim.mechanisms.arms_race import ArmsRaceModel
from tests.mechanisms.test_arms_race import run_model, scenario


def _symmetric(fear: float, fatigue: float, x0: float, steps: int, dt: float = 1 / 12):
    return scenario(
        {"AAA": {"arsenal": x0, "fatigue": fatigue, "grievance": 0.0},
         "BBB": {"arsenal": x0, "fatigue": fatigue, "grievance": 0.0}},
        {("AAA", "BBB"): fear, ("BBB", "AAA"): fear},
        steps=steps,
        params={"dt": dt},
    )


def test_runaway_is_flagged_at_the_step_the_closed_form_gives():
    # symmetric, no grievance, no noise: x[t] = x0 (1 + dt (a - m))^t exactly, so the first step
    # above the bound is the smallest t with x0 (1 + dt (a - m))^t > DIVERGENCE_BOUND
    a, m, x0, dt = 50.0, 0.2, 170.0, 1 / 12
    growth = 1 + dt * (a - m)
    expected = math.ceil(math.log(ArmsRaceModel.DIVERGENCE_BOUND / x0) / math.log(growth))
    assert 130 < expected < 145  # about 137: well inside the 1000 steps
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy overflow or invalid-value warning on the way
        out = run_model(_symmetric(a, m, x0, steps=1000)).outcomes()
    assert out["diverged"] is True
    assert out["diverged_step"] == expected
    assert out["final.AAA"] == math.inf and out["final.BBB"] == math.inf
    assert out["stable"] is False and out["spectral_abscissa"] == pytest.approx(a - m)
    assert math.isnan(out["ratio.AAA.BBB"])  # inf / inf: undefined, not a number


def test_a_stable_race_does_not_diverge():
    # m > a: stable (Richardson's m n > a b), arsenals decay towards the zero equilibrium
    out = run_model(_symmetric(0.1, 0.3, 170.0, steps=200)).outcomes()
    assert out["diverged"] is False and math.isnan(out["diverged_step"])
    assert np.isfinite(out["final.AAA"]) and out["final.AAA"] < 170.0


def test_an_unstable_race_below_the_bound_keeps_its_values():
    # a - m = 0.2 per year over 50 years: x0 e^{~10}, finite and far below the bound: reported as computed
    out = run_model(_symmetric(0.5, 0.3, 100.0, steps=600)).outcomes()
    assert out["diverged"] is False and out["stable"] is False
    assert 1e5 < out["final.AAA"] < ArmsRaceModel.DIVERGENCE_BOUND
