"""Tests of the `arms_race` mechanism (Richardson dynamics).

References reproduced (VALIDATION.md, "Arms race: Richardson"):
- equilibrium x* = (a s + n r)/(m n - a b), y* = (b r + m s)/(m n - a b) for stable
  two-state cases, to 1e-6 relative (``test_two_state_equilibrium_matches_closed_form``);
- stable iff m n > a b (``test_two_state_stability_is_richardson_condition``);
- discrete simulation converges when stable, diverges when not
  (``test_unstable_two_state_diverges``, ``test_matrix_stability_agrees_with_simulation``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from simsim.mechanisms import arms_race as ar

# ---------------------------------------------------------------------------------------
# Kernel: closed forms and invariants
# ---------------------------------------------------------------------------------------


def closed_form(a: float, b: float, m: float, n: float, r: float, s: float) -> tuple[float, float]:
    """Richardson's equilibrium as printed in VALIDATION.md."""
    d = m * n - a * b
    return (a * s + n * r) / d, (b * r + m * s) / d


TWO_STATE_STABLE = [
    # a, b, m, n, r, s, x0, y0
    (0.9, 0.9, 1.0, 1.0, 10.0, 5.0, 0.0, 0.0),
    (0.05, 0.12, 0.2, 0.15, 40.0, 25.0, 1770.0, 1710.0),
    (0.3, 0.1, 0.25, 0.4, 1.0, 3.0, 50.0, 0.0),
    (0.0, 0.0, 0.5, 0.1, 2.0, 7.0, 3.0, 3.0),
    (1.4, 0.2, 0.6, 0.5, 0.0, 1.0, 0.0, 0.0),
]


@pytest.mark.parametrize(("a", "b", "m", "n", "r", "s", "x0", "y0"), TWO_STATE_STABLE)
def test_two_state_equilibrium_matches_closed_form(
    a: float, b: float, m: float, n: float, r: float, s: float, x0: float, y0: float
) -> None:
    assert m * n > a * b  # the case is stable by Richardson's condition
    fear = [[0.0, a], [b, 0.0]]
    traj = ar.simulate([x0, y0], fear, [m, n], [r, s], dt=0.5, steps=4000)
    xs, ys = closed_form(a, b, m, n, r, s)
    np.testing.assert_allclose(traj[-1], [xs, ys], rtol=1e-6)
    np.testing.assert_allclose(ar.equilibrium(fear, [m, n], [r, s]), [xs, ys], rtol=1e-12)


def test_hand_calculated_euler_step() -> None:
    # x = (10, 20), a = 0.5, b = 0.25, m = 0.1, n = 0.2, r = 1, s = -2, dt = 0.5:
    # dx = 0.5*20 - 0.1*10 + 1 = 10 ; dy = 0.25*10 - 0.2*20 - 2 = -3.5
    # x' = 10 + 0.5*10 = 15 ; y' = 20 - 0.5*3.5 = 18.25
    a = ar.system_matrix([[0.0, 0.5], [0.25, 0.0]], [0.1, 0.2])
    np.testing.assert_allclose(ar.euler_step([10.0, 20.0], a, [1.0, -2.0], 0.5), [15.0, 18.25])


def test_arsenals_never_negative() -> None:
    # Strong goodwill (negative grievance) drives the linear system below zero; the floor holds.
    traj = ar.simulate([5.0, 1.0], [[0.0, 0.1], [0.1, 0.0]], [0.5, 0.5], [-20.0, -3.0], 0.5, 50)
    assert traj.min() == 0.0
    assert (traj[-1] == 0.0).all()
    # Zero is absorbing here, and the linear equilibrium would be negative.
    assert (ar.equilibrium([[0.0, 0.1], [0.1, 0.0]], [0.5, 0.5], [-20.0, -3.0]) < 0).all()


@pytest.mark.parametrize(
    ("a", "b", "m", "n"),
    [(0.5, 0.5, 0.4, 0.4), (2.0, 0.1, 0.3, 0.3), (0.9, 0.9, 1.0, 0.8), (0.1, 0.1, 0.0, 5.0)],
)
def test_two_state_stability_is_richardson_condition(a: float, b: float, m: float, n: float) -> None:
    assert ar.is_stable([[0.0, a], [b, 0.0]], [m, n]) == (m * n > a * b)


@pytest.mark.parametrize(
    ("a", "b", "m", "n", "r", "s"),
    [(0.5, 0.5, 0.4, 0.4, 1.0, 1.0), (2.0, 0.1, 0.3, 0.3, 0.0, 5.0), (0.3, 0.3, 0.1, 0.1, 2.0, 2.0)],
)
def test_unstable_two_state_diverges(
    a: float, b: float, m: float, n: float, r: float, s: float
) -> None:
    assert m * n < a * b
    traj = ar.simulate([100.0, 100.0], [[0.0, a], [b, 0.0]], [m, n], [r, s], 0.25, 2000)
    assert np.isfinite(traj).all()
    assert traj[-1].min() > 1e8  # runaway growth of both arsenals
    # and it keeps growing: monotone over the last hundred steps
    assert (np.diff(traj[-100:], axis=0) > 0).all()


def test_spectral_abscissa_two_state_formula() -> None:
    # eigenvalues of [[-m, a], [b, -n]]: (-(m+n) +- sqrt((m-n)^2 + 4ab)) / 2
    a, b, m, n = 0.3, 0.2, 0.5, 0.1
    expected = (-(m + n) + np.sqrt((m - n) ** 2 + 4 * a * b)) / 2
    assert ar.spectral_abscissa([[0.0, a], [b, 0.0]], [m, n]) == pytest.approx(expected, rel=1e-12)


def test_euler_radius_equals_one_plus_dt_abscissa_when_dt_small() -> None:
    rng = np.random.default_rng(3)
    fear = rng.uniform(0, 0.5, (4, 4))
    m = rng.uniform(0.1, 0.8, 4)
    dt = 1.0 / m.max()  # dt * max(m) = 1: I + dt A is still non-negative
    rho = ar.euler_spectral_radius(fear, m, dt)
    assert rho == pytest.approx(1 + dt * ar.spectral_abscissa(fear, m), rel=1e-10)


def test_ceiling_full_and_partial_compliance() -> None:
    x = np.array([2000.0, 1000.0, 30.0])
    cap = np.array([1500.0, 1500.0, np.inf])
    np.testing.assert_allclose(ar.apply_ceiling(x, cap, 1.0), [1500.0, 1000.0, 30.0])
    # half compliance removes half of the excess (500 -> 250)
    np.testing.assert_allclose(ar.apply_ceiling(x, cap, 0.5), [1750.0, 1000.0, 30.0])
    np.testing.assert_allclose(ar.apply_ceiling(x, cap, 0.0), x)


# ---------------------------------------------------------------------------------------
# Property: the matrix stability condition agrees with simulation
# ---------------------------------------------------------------------------------------


@st.composite
def richardson_systems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(2, 5))
    unit = st.floats(0.0, 1.0, allow_nan=False)
    fear = np.array(draw(st.lists(unit, min_size=n * n, max_size=n * n))).reshape(n, n) * 0.6
    fatigue = 0.05 + 0.95 * np.array(draw(st.lists(unit, min_size=n, max_size=n)))
    grievance = np.array(draw(st.lists(unit, min_size=n, max_size=n)))
    x0 = 0.1 + np.array(draw(st.lists(unit, min_size=n, max_size=n)))
    return fear, fatigue, grievance, x0


@settings(max_examples=60, deadline=None)
@given(richardson_systems())
def test_matrix_stability_agrees_with_simulation(
    system: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    fear, fatigue, grievance, x0 = system
    alpha = ar.spectral_abscissa(fear, fatigue)
    assume(abs(alpha) > 0.02)  # stay away from the knife edge
    dt = 0.5  # dt * max(fatigue) <= 1, so the Euler map is stable iff alpha < 0
    a = ar.system_matrix(fear, fatigue)
    x = x0
    bound = 1e6 * max(1.0, float(np.linalg.norm(x0)), float(np.linalg.norm(grievance)))
    # (1 - 0.5 * 0.02)^3000 ~ 1e-13 ; (1 + 0.5 * 0.02)^3000 ~ 1e13
    for _ in range(3000):
        x = ar.euler_step(x, a, grievance, dt)
        if np.linalg.norm(x) > bound:
            break
    if ar.is_stable(fear, fatigue):
        xstar = ar.equilibrium(fear, fatigue, grievance)
        np.testing.assert_allclose(x, xstar, rtol=1e-6, atol=1e-9)
    else:
        assert np.linalg.norm(x) > bound
