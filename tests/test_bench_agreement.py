"""The flagship's benchmark baselines implement the same rules as simsim's dilemma mechanism.

``benchmarks/idiomatic_dilemma.py`` (idiomatic Mesa) and ``benchmarks/numpy_dilemma.py`` (the
plain-numpy floor) are what ``bench_dilemma.py`` times simsim against; the speed ratios mean
something only if the three compute the same model.

* Same inputs, same utilities: the idiomatic model samples each run's uncertain inputs exactly
  as simsim does for the same run seed, so each host's initial option probabilities (a
  deterministic function of the inputs) must equal simsim's run by run, to rounding.
* Same dynamics, in distribution: the baselines draw their own random numbers in their own
  order, so the outcomes agree only in distribution. The tests compare, on the flagship and on
  the network scenario, the proportion of each decision of every host and the means of the
  final credibility and of the main counts, with the z statistic of the difference of two
  independent means. The bound is |z| < 4.5: under agreement z is approximately standard normal
  (a few hundred runs or more per side), so a false alarm has probability below 7e-6 per
  comparison and below 1e-3 over the ~100 comparisons here; the seeds are fixed, so the test is
  deterministic. A rule left out (a consequence, a delay, an update) moves these means by many
  standard errors: e.g. leaving out the call-off option moves P(declined) of the flagship from
  about 0.6 to about 0.1.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import mesa
import numpy as np
import pytest

import simsim
from simsim.mechanisms.dilemma import DilemmaModel

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

pytestmark = pytest.mark.slow  # a few hundred runs of idiomatic Mesa per scenario

SCENARIOS = ("mongolia_icc_2024", "icc_visits_network")
COUNTS = ("visits", "calls_off", "arrests", "non_compliances", "findings", "reviews_pending")
Z_BOUND = 4.5


def _z(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    if se == 0:  # both constant: equal or not at all
        return 0.0 if a.mean() == b.mean() else math.inf
    return float((a.mean() - b.mean()) / se)


def _compare(scn: simsim.Scenario, ref: dict[str, np.ndarray], other: dict[str, np.ndarray], who: str) -> None:
    hosts = dict.fromkeys(ev.host for ev in scn.events if ev.type == "visit")
    checks: list[tuple[str, float]] = []
    for h in hosts:
        for cat in ("no_visit", "declined", "arrest", "no_arrest"):
            checks.append((f"P(decision.{h} = {cat})", _z(ref[f"decision.{h}"] == cat, other[f"decision.{h}"] == cat)))
    for col in ("final_credibility", *COUNTS):
        checks.append((col, _z(ref[col], other[col])))
    bad = [(name, round(z, 2)) for name, z in checks if not abs(z) < Z_BOUND]
    assert not bad, f"{scn.name}: simsim vs {who} disagree: {bad}"


@pytest.fixture(scope="module", params=SCENARIOS)
def simsim_runs(request: pytest.FixtureRequest) -> tuple[Path, simsim.Scenario, simsim.Results]:
    path = REPO / "scenarios" / f"{request.param}.yaml"
    scn = simsim.load_scenario(path)
    return path, scn, simsim.run(scn, replications=4000, seed=11, jobs=1)


def test_idiomatic_mesa_agrees(simsim_runs: tuple[Path, simsim.Scenario, simsim.Results]) -> None:
    from idiomatic_dilemma import IdiomaticDilemma

    path, scn, res = simsim_runs
    seeds = res.runs["seed"].to_numpy()[:300].tolist()  # the first 300 of simsim's runs: same inputs
    rows = mesa.batch_run(IdiomaticDilemma, {"scenario_path": str(path)}, number_processes=1, rng=seeds,
                          max_steps=scn.steps, data_collection_period=-1, display_progress=False)
    assert [r["rng"] for r in rows] == seeds
    start = res.timeseries[res.timeseries.step == 0].set_index("run").loc[res.runs["run"].to_numpy()[:300]]
    for h in dict.fromkeys(ev.host for ev in scn.events if ev.type == "visit"):
        np.testing.assert_allclose([r["p_comply_initial"][h] for r in rows], start[f"p_comply.{h}"], rtol=0,
                                   atol=1e-12)
        np.testing.assert_allclose([r["p_call_off_initial"][h] for r in rows], start[f"p_call_off.{h}"], rtol=0,
                                   atol=1e-12)
    outcomes = [r["outcomes"] for r in rows]
    other = {k: np.array([o[k] for o in outcomes]) for k in outcomes[0]}
    ref = {k: res.runs[k].to_numpy() for k in other}
    _compare(scn, ref, other, "idiomatic Mesa")


def test_numpy_floor_agrees(simsim_runs: tuple[Path, simsim.Scenario, simsim.Results]) -> None:
    from numpy_dilemma import run_floor

    _, scn, res = simsim_runs
    out, series = run_floor(scn, 4000, seed=12)
    names = [spec.name for spec in DilemmaModel.outcome_specs(scn)]
    assert set(names) <= set(out), set(names) - set(out)  # the floor reports every outcome simsim reports
    ref = {k: res.runs[k].to_numpy() for k in names}
    _compare(scn, ref, out, "the numpy floor")
    # the reporters too: each host's option probabilities at every step, averaged over runs
    ts = res.timeseries
    for name, values in series.items():
        for t in (0, scn.steps // 2, scn.steps):
            z = _z(ts.loc[ts.step == t, name], values[t])
            assert abs(z) < Z_BOUND, (name, t, z)
