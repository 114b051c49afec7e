"""The idiomatic Mesa baselines of benchmarks/ implement the same rules as simsim's mechanisms.

Each baseline receives the same run seeds, hence the same sampled inputs, but draws its own
random numbers in its own order, so the two agree in distribution: the tests compare means and
proportions of main outcomes with a z bound (|z| < 4.5: a false alarm has probability below
1e-5 per comparison). Where the mechanism has no randomness of its own (bargaining), the same
inputs must give the same result run by run.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import mesa
import numpy as np
import pytest

import simsim
from simsim.experiment import run_seeds

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

pytestmark = pytest.mark.slow  # several hundred runs of idiomatic Mesa


def _batch(model: type[mesa.Model], path: Path, seeds: list[int], steps: int) -> list[dict]:
    return mesa.batch_run(model, {"scenario_path": str(path)}, number_processes=1, rng=seeds, max_steps=steps,
                          data_collection_period=-1, display_progress=False)


def _z(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return 0.0 if se == 0 else float((a.mean() - b.mean()) / se)


def test_arms_race_agrees_in_distribution() -> None:
    from idiomatic_arms_race import IdiomaticArmsRace

    path = REPO / "scenarios" / "nuclear_arms_race.yaml"
    scn = simsim.load_scenario(path)
    res = simsim.run(scn, replications=400, seed=5, jobs=1).runs
    rows = _batch(IdiomaticArmsRace, path, run_seeds(99, 60).tolist(), scn.steps)
    for simsim_col, idio_col in (("final.USA", "arsenal.USA"), ("final.CHN", "arsenal.CHN"), ("crises", "crises"),
                                 ("stable", "stable")):
        z = _z(res[simsim_col].to_numpy(), [r[idio_col] for r in rows])
        assert abs(z) < 4.5, (simsim_col, z)
    after = res["above_limit_after_expiry_step"].dropna()
    idio_after = np.array([r["above_limit_after_expiry_step"] for r in rows], dtype=float)
    assert abs(_z(after, idio_after[~np.isnan(idio_after)])) < 4.5


def test_bargaining_agrees_run_by_run() -> None:
    # No randomness of its own: the same inputs give the same path, whichever implementation.
    from idiomatic_bargaining import IdiomaticBargaining

    for name, runs in (("icc_compliance_bargaining", 6), ("ec_emissions_1994", 1)):
        path = REPO / "scenarios" / f"{name}.yaml"
        scn = simsim.load_scenario(path)
        res = simsim.run(scn, replications=runs, seed=3, jobs=1).runs
        rows = _batch(IdiomaticBargaining, path, res["seed"].tolist(), scn.steps)
        np.testing.assert_allclose([r["forecast"] for r in rows], res["forecast"], rtol=0, atol=1e-9)
        np.testing.assert_array_equal([r["converged"] for r in rows], res["converged"])


def test_alignment_agrees_in_distribution(tmp_path: Path) -> None:
    from idiomatic_alignment import IdiomaticAlignment

    # the BRICS landscape with 5 starts per run (the idiomatic version is slow)
    path = tmp_path / "brics_small.yaml"
    path.write_text(f"extends: {REPO / 'scenarios' / 'brics_alignment.yaml'}\n"
                    "parameters:\n  starts: {value: 5, assumption: true}\n")
    scn = simsim.load_scenario(path)
    res = simsim.run(scn, replications=200, seed=5, jobs=1).runs
    rows = _batch(IdiomaticAlignment, path, run_seeds(77, 40).tolist(), scn.steps)
    for col in ("energy", "is_global", "global_basin"):
        z = _z(res[col].to_numpy(dtype=float), [float(r[col]) for r in rows])
        assert abs(z) < 4.5, (col, z)


def test_games_agrees_in_distribution() -> None:
    from idiomatic_games import IdiomaticGames

    for name, cols in (("iterated_cooperation", ("payoff.USA", "payoff.MNG")),
                       ("axelrod_tournament_1980", ("payoff.TFT", "payoff.GTFT", "payoff.RANDOM", "payoff.QR"))):
        path = REPO / "scenarios" / f"{name}.yaml"
        scn = simsim.load_scenario(path)
        res = simsim.run(scn, replications=300, seed=5, jobs=1).runs
        rows = _batch(IdiomaticGames, path, run_seeds(55, 30).tolist(), scn.steps)
        z = _z(res["cooperation_rate"], [r["overall_cooperation"] for r in rows])
        assert abs(z) < 4.5, ("cooperation_rate", z)
        for col in cols:
            z = _z(res[col], [r[col] for r in rows])
            assert abs(z) < 4.5, (col, z)
