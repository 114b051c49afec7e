"""Tests of the `arms_race` mechanism (Richardson dynamics).

References reproduced (VALIDATION.md, "Arms race: Richardson"):
- equilibrium x* = (a s + n r)/(m n - a b), y* = (b r + m s)/(m n - a b) for stable
  two-state cases, to 1e-6 relative (``test_two_state_equilibrium_matches_closed_form``);
- stable iff m n > a b (``test_two_state_stability_is_richardson_condition``);
- discrete simulation converges when stable, diverges when not
  (``test_unstable_two_state_diverges``, ``test_matrix_stability_agrees_with_simulation``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import simsim
from simsim.errors import ScenarioError
from simsim.mechanisms import arms_race as ar
from simsim.mechanisms.arms_race import ArmsRaceModel
from simsim.model import sample_inputs
from simsim.scenario import Scenario, load_scenario
from simsim.scenario.loader import scenario_from_data

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


# ---------------------------------------------------------------------------------------
# The Mesa model (ArmsRaceModel) end to end
# ---------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "nuclear_arms_race.yaml"
EXTENDED = ROOT / "scenarios" / "nuclear_arms_race_new_start_extended.yaml"


def fixed(v: float) -> dict[str, Any]:
    return {"value": v, "assumption": True}


def scenario(
    actors: dict[str, dict[str, float]],
    fear: dict[tuple[str, str], float],
    steps: int,
    params: dict[str, float] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Scenario:
    """A scenario built in code: ``actors`` maps id -> attributes (all fixed assumptions)."""
    raw = {
        "name": "test_arms",
        "description": "test",
        "model": "arms_race",
        "steps": steps,
        "replications": 1,
        "actors": [
            {"id": a, "name": a, "attributes": {k: fixed(v) for k, v in attrs.items()}}
            for a, attrs in actors.items()
        ],
        "relations": {
            "fear": {"edges": [{"from": i, "to": j, **fixed(v)} for (i, j), v in fear.items()]}
        },
        "parameters": {k: fixed(v) for k, v in (params or {}).items()},
        "events": events or [],
    }
    return scenario_from_data(raw, "<test>")


class OneRun:
    """One run of the vectorised model (R = 1), with its outcomes and timeseries as plain values."""

    def __init__(self, model: ArmsRaceModel) -> None:
        assert model.R == 1
        self.model = model

    def outcomes(self) -> dict[str, Any]:
        return {k: np.asarray(v).reshape(-1)[0].item() for k, v in self.model.outcomes().items()}

    def timeseries(self) -> dict[str, np.ndarray]:
        return {k: v[:, 0] for k, v in self.model.timeseries().items()}


def run_model(scn: Scenario, seed: int = 0) -> OneRun:
    return OneRun(ArmsRaceModel(scn, sample_inputs(scn, seed), rng=seed).run())


@pytest.mark.parametrize(("a", "b", "m", "n", "r", "s", "x0", "y0"), TWO_STATE_STABLE[:3])
def test_model_two_state_converges_to_closed_form(
    a: float, b: float, m: float, n: float, r: float, s: float, x0: float, y0: float
) -> None:
    scn = scenario(
        {"AAA": {"arsenal": x0, "fatigue": m, "grievance": r},
         "BBB": {"arsenal": y0, "fatigue": n, "grievance": s}},
        {("AAA", "BBB"): a, ("BBB", "AAA"): b},
        steps=4000,
        params={"dt": 0.5},
    )
    model = run_model(scn)
    out = model.outcomes()
    xs, ys = closed_form(a, b, m, n, r, s)
    assert out["final.AAA"] == pytest.approx(xs, rel=1e-6)
    assert out["final.BBB"] == pytest.approx(ys, rel=1e-6)
    assert out["equilibrium.AAA"] == pytest.approx(xs, rel=1e-9)
    assert out["stable"] is True
    assert out["ratio.AAA.BBB"] == pytest.approx(xs / ys, rel=1e-6)
    ts = model.timeseries()
    assert ts["arsenal.AAA"][0] == x0 and len(ts["arsenal.AAA"]) == 4001


def test_model_unstable_diverges() -> None:
    scn = scenario(
        {"AAA": {"arsenal": 100, "fatigue": 0.3, "grievance": 1},
         "BBB": {"arsenal": 100, "fatigue": 0.3, "grievance": 1}},
        {("AAA", "BBB"): 0.5, ("BBB", "AAA"): 0.5},  # m n = 0.09 < a b = 0.25
        steps=600,
        params={"dt": 0.25},
    )
    out = run_model(scn).outcomes()
    assert out["stable"] is False
    assert out["spectral_abscissa"] == pytest.approx(0.5 - 0.3)  # a - m for a symmetric pair
    assert min(out["final.AAA"], out["final.BBB"]) > 1e8
    assert np.isnan(out["equilibrium.AAA"])


def test_full_compliance_ceiling_holds() -> None:
    # An unstable three-state race with crises, a ceiling on two states at full compliance.
    share = {"AAA": 0.8, "BBB": 0.9}
    scn = scenario(
        {"AAA": {"arsenal": 1000, "fatigue": 0.1, "grievance": 50, "counted_share": share["AAA"]},
         "BBB": {"arsenal": 900, "fatigue": 0.1, "grievance": 50, "counted_share": share["BBB"]},
         "CCC": {"arsenal": 100, "fatigue": 0.1, "grievance": 20}},
        {("AAA", "BBB"): 0.3, ("BBB", "AAA"): 0.3, ("CCC", "AAA"): 0.2, ("AAA", "CCC"): 0.2},
        steps=120,
        params={"dt": 1 / 12, "compliance": 1.0, "shock_rate": 6.0, "shock_size": 0.1, "noise": 0.05},
        events=[{"id": "treaty", "step": 1, "type": "ceiling", "end": 60, "actors": ["AAA", "BBB"],
                 "limit": fixed(1550)}],
    )
    model = run_model(scn, seed=5)
    ts, out = model.timeseries(), model.outcomes()
    assert out["crises"] > 0
    for a in ("AAA", "BBB"):
        counted = share[a] * ts[f"arsenal.{a}"][1:60]  # steps 1..59: in force
        assert counted.max() <= 1550 * (1 + 1e-12)
        assert counted.max() > 1500  # and it binds
    assert ts["arsenal.CCC"][1:60].max() > 1550  # states not covered are not capped
    assert out["breach"] is False and np.isnan(out["breach_step"]) and out["breach_size"] == 0
    # the race is unstable, so the first step without the ceiling exceeds it
    assert out["above_limit_after_expiry_step"] == 60
    assert list(ts["ceilings_in_force"][[0, 1, 59, 60]]) == [0, 1, 1, 0]


def test_partial_compliance_hand_calculation() -> None:
    # No dynamics (zero fear, fatigue and grievance): only the ceiling acts.
    # x0 = 2000, limit 1500, compliance 0.5: 2000 -> 1750 -> 1625 -> 1562.5 -> (ended) 1562.5
    scn = scenario(
        {"AAA": {"arsenal": 2000, "fatigue": 0}, "BBB": {"arsenal": 10, "fatigue": 0}},
        {("AAA", "BBB"): 0.0},
        steps=5,
        params={"compliance": 0.5},
        events=[{"step": 1, "type": "ceiling", "end": 4, "actors": ["AAA"], "limit": fixed(1500)}],
    )
    model = run_model(scn)
    ts, out = model.timeseries(), model.outcomes()
    np.testing.assert_allclose(ts["arsenal.AAA"], [2000, 1750, 1625, 1562.5, 1562.5, 1562.5])
    assert out["breach"] is True
    assert out["breach_step"] == 1
    assert out["breach_size"] == pytest.approx(250)
    assert out["above_limit_after_expiry_step"] == 4


def test_event_compliance_overrides_parameter_and_probability_zero_skips() -> None:
    base = {"AAA": {"arsenal": 2000, "fatigue": 0}, "BBB": {"arsenal": 10, "fatigue": 0}}
    ev = {"step": 1, "type": "ceiling", "actors": ["AAA"], "limit": fixed(1500), "compliance": fixed(1.0)}
    out = run_model(scenario(base, {}, 2, {"compliance": 0.0}, [ev])).outcomes()
    assert out["final.AAA"] == 1500
    out = run_model(scenario(base, {}, 2, {}, [{**ev, "probability": 0.0}])).outcomes()
    assert out["final.AAA"] == 2000


def test_doctrine_event_changes_coefficients_and_stability() -> None:
    # a = b = 0.2, m = n = 0.3: stable (0.09 > 0.04). Doubling A's fear: 2a b = 0.08 < 0.09,
    # still stable; tripling: 0.12 > 0.09, unstable.
    actors = {"AAA": {"arsenal": 10, "fatigue": 0.3, "grievance": 1},
              "BBB": {"arsenal": 10, "fatigue": 0.3, "grievance": 2}}
    fear = {("AAA", "BBB"): 0.2, ("BBB", "AAA"): 0.2}
    doubled = [{"step": 2, "type": "doctrine", "actor": "AAA", "fear_scale": fixed(2.0)}]
    out = run_model(scenario(actors, fear, 3, {"dt": 0.5}, doubled)).outcomes()
    xs, ys = closed_form(0.4, 0.2, 0.3, 0.3, 1.0, 2.0)
    assert out["stable_initial"] is True and out["stable"] is True
    assert out["equilibrium.AAA"] == pytest.approx(xs, rel=1e-12)
    assert out["equilibrium.BBB"] == pytest.approx(ys, rel=1e-12)
    tripled = [{"step": 2, "type": "doctrine", "actor": "AAA", "fear_scale": fixed(3.0)}]
    out = run_model(scenario(actors, fear, 3, {"dt": 0.5}, tripled)).outcomes()
    assert out["stable_initial"] is True and out["stable"] is False
    setting = [{"step": 1, "type": "doctrine", "actor": "BBB", "fatigue": fixed(0.1),
                "grievance": fixed(-1.0), "fear": fixed(0.05)}]
    out = run_model(scenario(actors, fear, 3, {"dt": 0.5}, setting)).outcomes()
    xs, ys = closed_form(0.2, 0.05, 0.3, 0.1, 1.0, -1.0)
    assert out["equilibrium.AAA"] == pytest.approx(xs, rel=1e-12)


def test_crises_multiply_both_arsenals() -> None:
    # Without dynamics, each crisis between the only two states multiplies both by 1.1.
    scn = scenario(
        {"AAA": {"arsenal": 100, "fatigue": 0}, "BBB": {"arsenal": 50, "fatigue": 0}},
        {},
        steps=24,
        params={"dt": 1 / 12, "shock_rate": 12.0, "shock_size": 0.1},
    )
    out = run_model(scn, seed=11).outcomes()
    k = out["crises"]
    assert 5 <= k <= 60  # Poisson(12 per year * 2 years) lies here with probability > 0.9999
    assert out["final.AAA"] == pytest.approx(100 * 1.1**k, rel=1e-12)
    assert out["final.BBB"] == pytest.approx(50 * 1.1**k, rel=1e-12)


def test_same_seed_same_run_different_seed_different_run() -> None:
    scn = load_scenario(BASE)
    a = run_model(scn, seed=3).outcomes()
    b = run_model(scn, seed=3).outcomes()
    c = run_model(scn, seed=4).outcomes()
    assert a == b or all(a[k] == b[k] or (np.isnan(a[k]) and np.isnan(b[k])) for k in a)
    assert a["final.USA"] != c["final.USA"]


# ---------------------------------------------------------------------------------------
# Shipped scenarios, errors, CLI
# ---------------------------------------------------------------------------------------


def test_shipped_scenarios_load_and_extended_changes_only_the_end() -> None:
    base, ext = load_scenario(BASE), load_scenario(EXTENDED)
    assert base.ids == ext.ids == ["USA", "RUS", "CHN"]
    (cb,) = [e for e in base.events if e.type == "ceiling"]
    (ce,) = [e for e in ext.events if e.type == "ceiling"]
    assert (cb.end, ce.end) == (26, 38)  # Feb 2026 / Feb 2027 with step 1 = Jan 2024
    assert cb.limit.value == ce.limit.value == 1550
    assert [e.model_dump(exclude={"end", "note"}) for e in base.events] == [
        e.model_dump(exclude={"end", "note"}) for e in ext.events
    ]
    assert base.actor("USA").attributes["arsenal"].value == 1770  # FACTS.md, deployed Jan 2024
    assert base.actor("RUS").attributes["arsenal"].value == 1710
    assert base.actor("CHN").attributes["arsenal"].value == 24


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


BAD_BASE = """\
name: bad
description: test
model: arms_race
steps: 3
actors:
  - id: AAA
    name: A
    attributes:
      arsenal: {value: ARSENAL, assumption: true}
      fatigue: {value: FATIGUE, assumption: true}
  - id: BBB
    name: B
    attributes:
      arsenal: {value: 10, assumption: true}
      fatigue: {value: 0.2, assumption: true}
relations:
  fear:
    edges:
      - {from: AAA, to: BBB, value: 0.1, assumption: true}
"""


@pytest.mark.parametrize(
    ("arsenal", "fatigue", "line", "key"),
    [("100", "-0.5", 10, "fatigue"), ("lots", "0.2", 9, "arsenal")],
)
def test_bad_coefficients_give_one_line_error(
    tmp_path: Path, arsenal: str, fatigue: str, line: int, key: str
) -> None:
    p = write(tmp_path, BAD_BASE.replace("ARSENAL", arsenal).replace("FATIGUE", fatigue))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    msg = str(exc.value)
    assert "\n" not in msg
    assert f"{p}:{line}" in msg and key in msg


def test_euler_step_too_long_for_fatigue_is_rejected(tmp_path: Path) -> None:
    p = write(tmp_path, BAD_BASE.replace("ARSENAL", "10").replace("FATIGUE", "0.5")
              + "parameters:\n  dt: {value: 4, assumption: true}\n")
    with pytest.raises(ScenarioError, match="dt"):
        load_scenario(p)


def test_bad_events_are_rejected(tmp_path: Path) -> None:
    good = BAD_BASE.replace("ARSENAL", "10").replace("FATIGUE", "0.2")
    cases = {  # expected message -> events
        "unknown actor 'ZZZ'": "  - {step: 1, type: ceiling, actors: [ZZZ], limit: {value: 5, assumption: true}}\n",
        "end": "  - {step: 2, type: ceiling, end: 2, actors: [AAA], limit: {value: 5, assumption: true}}\n",
        "compliance": "  - {step: 1, type: ceiling, actors: [AAA], limit: {value: 5, assumption: true},"
                      " compliance: {value: 1.5, assumption: true}}\n",
        "needs one of": "  - {step: 1, type: doctrine, actor: AAA}\n",
        "unknown source": "  - {step: 1, type: doctrine, actor: AAA, fatigue: {value: 0.1, source: nowhere}}\n",
        "duplicate event id": "  - {id: e1, step: 1, type: doctrine, actor: AAA, fear: {value: 1, assumption: true}}\n"
                              "  - {id: e1, step: 2, type: doctrine, actor: AAA, fear: {value: 2, assumption: true}}\n",
    }
    for expected, event in cases.items():
        p = write(tmp_path, good + "events:\n" + event)
        with pytest.raises(ScenarioError, match=expected):
            load_scenario(p)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simsim.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


@pytest.mark.slow  # starts a Python process
def test_cli_bad_input_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from simsim.cli import main

    p = write(tmp_path, BAD_BASE.replace("ARSENAL", "10").replace("FATIGUE", "-1"))
    res = cli("run", str(p), "-n", "2", "--out", str(tmp_path / "o"))  # the real command, once
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    lines = [ln for ln in (res.stderr + res.stdout).splitlines() if ln.strip()]
    assert len(lines) == 1 and f"{p}:10" in lines[0] and "fatigue" in lines[0]
    assert not (tmp_path / "o").exists()
    bad_arsenal = write(tmp_path, BAD_BASE.replace("ARSENAL", "many").replace("FATIGUE", "0.2"), "b.yaml")
    for path, key in ((p, "fatigue"), (bad_arsenal, "arsenal")):
        assert main(["validate", str(path)]) == 2
        err = capsys.readouterr()
        lines = [ln for ln in (err.err + err.out).splitlines() if ln.strip()]
        assert len(lines) == 1 and key in lines[0] and str(path) in lines[0]


@pytest.mark.slow  # starts a Python process
def test_cli_runs_shipped_scenarios(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from simsim.cli import main

    assert main(["validate", str(BASE), str(EXTENDED)]) == 0
    runs = {}
    for name, path, extra in (("base", BASE, []), ("extended", EXTENDED, ["--no-plot"])):
        assert main(["run", str(path), "-n", "50", "--seed", "1", "--out", str(tmp_path / name), *extra]) == 0
        results = simsim.Results.load(tmp_path / name)
        runs[name] = results.runs
        assert len(results.runs) == 50
        assert (results.runs["final.USA"] >= 0).all() and results.runs["final.USA"].notna().all()
        ts = results.timeseries
        assert ts["step"].max() == 144 and (ts["arsenal.CHN"] >= 0).all()
    assert "final.USA" in capsys.readouterr().out
    assert (tmp_path / "base" / "outcomes.png").stat().st_size > 0
    # Same seed, same inputs: the runs differ only through the ceiling's end. A former party
    # can first exceed the limit after the ceiling ends: from step 26 in the base, 38 extended.
    base, ext = runs["base"], runs["extended"]
    assert (base["attr.USA.fatigue"] == ext["attr.USA.fatigue"]).all()
    assert base["above_limit_after_expiry_step"].dropna().min() >= 26
    assert ext["above_limit_after_expiry_step"].dropna().min() >= 38


# ---------------------------------------------------------------------------------------
# Runs side by side: chunking, the crisis draws
# ---------------------------------------------------------------------------------------


@pytest.mark.slow  # 250 single-run models
def test_results_identical_for_any_chunking() -> None:
    # The shipped scenario, shortened, with frequent crises and noise so that every random
    # element (event inputs, ceilings, doctrine events, crises, noise) is exercised.
    from simsim.experiment.runner import RunSettings

    scn = load_scenario(BASE, {"steps": 30, "parameters.shock_rate.high": 6.0, "parameters.noise.low": 0.01})
    res = [simsim.run(scn, settings=RunSettings(replications=250, seed=17, jobs=1, chunk_size=c))
           for c in (1, 7, 250)]
    assert res[0].runs["crises"].sum() > 100 and res[0].runs["breach"].any()
    for other in res[1:]:
        pd.testing.assert_frame_equal(res[0].runs, other.runs)
        pd.testing.assert_frame_equal(res[0].timeseries, other.timeseries)


def test_crises_are_poisson_and_pick_linked_pairs_uniformly() -> None:
    # Three states without dynamics; pairs AAA-BBB and BBB-CCC are linked by fear, AAA-CCC is
    # not. K ~ Poisson(shock_rate * dt) crises per step, each on a linked pair chosen
    # uniformly: over T steps the total is Poisson(rate * dt * T) (mean = variance), BBB is
    # in every crisis, AAA and CCC each in half of them in expectation (binomial share).
    from simsim.experiment.runner import RunSettings

    rate, dt, steps, runs = 3.0, 0.25, 20, 4000
    scn = scenario(
        {"AAA": {"arsenal": 100, "fatigue": 0}, "BBB": {"arsenal": 0, "fatigue": 0},
         "CCC": {"arsenal": 100, "fatigue": 0}},
        {("AAA", "BBB"): 0.5, ("CCC", "BBB"): 0.5},
        steps=steps,
        params={"dt": dt, "shock_rate": rate, "shock_size": 1.0},  # each crisis doubles the pair
    )
    out = simsim.run(scn, settings=RunSettings(replications=runs, seed=3, jobs=1, timeseries=False)).runs
    # BBB has no arsenal, so fear adds nothing: the number of crises AAA (CCC) took part in is
    # log2 of its growth
    k = out["crises"].to_numpy()
    assert (out["final.BBB"] == 0).all()
    in_a = np.log2(out["final.AAA"] / 100).to_numpy()
    in_c = np.log2(out["final.CCC"] / 100).to_numpy()
    mean = rate * dt * steps  # 15
    se = np.sqrt(mean / runs)
    assert abs(k.mean() - mean) < 4 * se
    assert abs(k.var() - mean) < 4 * mean * np.sqrt(2 / runs) + 4 * se  # Poisson: variance = mean
    np.testing.assert_array_equal(in_a + in_c, k)  # BBB is in every crisis: AAA-CCC is never picked
    share = in_a.sum() / k.sum()
    assert abs(share - 0.5) < 4 * np.sqrt(0.25 / k.sum())
