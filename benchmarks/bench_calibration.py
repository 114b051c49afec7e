"""Simulations per second inside calibration, as a ratio to ``simsim.run`` on the same scenario.

Usage (from the repository root)::

    python benchmarks/bench_calibration.py [--scenario scenarios/mongolia_icc_2024.yaml]
        [--outcome decision.MNG --observed no_arrest] [--particles 1000] [--repeats 3]

The cases are ``--cases`` copies of one scenario (renamed), each with the same observed outcome.
The calibration infers every uncertain mechanism parameter of the scenario (``param.*``) with
the resample-move kernel (``mcmc``) and with population Monte Carlo (``pmc``), in one process;
its speed is the number of case runs it made divided by its wall time (everything included:
proposals, weights, tolerance schedule, loading nothing). The baseline is ``simsim.run`` of the
same scenario in one process, ``--baseline-runs`` runs per call, with and without the per-step
timeseries (``simsim run`` records it by default; calibration never needs it). After a
warm-up, the measurements are interleaved and repeated; the script prints the median rates,
their ratios and the run counts. It asserts nothing about time. Target: calibration >= 0.7x ``simsim.run``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

import simsim
from simsim.calibration import CalibrationSettings, calibrate


def time_run(scn: simsim.Scenario, runs: int, seed: int, timeseries: bool) -> float:
    settings = simsim.RunSettings(replications=runs, seed=seed, jobs=1, progress=False, timeseries=timeseries)
    t = time.perf_counter()
    simsim.run(scn, settings=settings)
    return runs / (time.perf_counter() - t)


def time_calibration(cases: list[simsim.Scenario], observed: pd.DataFrame, particles: int, kernel: str,
                     seed: int) -> tuple[float, int]:
    settings = CalibrationSettings(particles=particles, max_populations=3, predictive_draws=0, jobs=1,
                                   kernel=kernel, max_simulations=None)
    t = time.perf_counter()
    post = calibrate(cases, observed, seed=seed, settings=settings)
    sims = int(post.metadata["simulations"])
    return sims / (time.perf_counter() - t), sims


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="scenarios/mongolia_icc_2024.yaml")
    ap.add_argument("--outcome", default="decision.MNG")
    ap.add_argument("--observed", default="no_arrest")
    ap.add_argument("--cases", type=int, default=4, help="copies of the scenario, one case each")
    ap.add_argument("--particles", type=int, default=1000)
    ap.add_argument("--baseline-runs", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    scn = simsim.load_scenario(a.scenario)
    cases = [scn.model_copy(update={"name": f"{scn.name}_{k}"}) for k in range(a.cases)]
    observed = pd.DataFrame({"scenario": [c.name for c in cases], "outcome": a.outcome, "observed": a.observed})
    n_params = sum(1 for name, q in scn.parameters.items() if q.uncertain)
    print(f"scenario {scn.name} ({scn.model}, {scn.steps} steps) as {a.cases} cases observing {a.outcome} = "
          f"{a.observed}; {n_params} uncertain parameters calibrated, {a.particles} particles, "
          f"3 populations after the prior; 1 process")
    # warm-up: imports, caches, the first Mesa model
    time_run(scn, 200, 1, False)
    time_calibration(cases, observed, 50, "pmc", 1)
    rates: dict[str, list[float]] = {k: [] for k in ("run", "run_ts", "mcmc", "pmc")}
    counts: dict[str, list[int]] = {k: [] for k in rates}
    for rep in range(a.repeats):
        for kernel in ("mcmc", "pmc"):
            rate, sims = time_calibration(cases, observed, a.particles, kernel, 100 + rep)
            rates[kernel].append(rate)
            counts[kernel].append(sims)
            for key, ts in (("run", False), ("run_ts", True)):
                rates[key].append(time_run(scn, a.baseline_runs, 200 + rep, ts))
                counts[key].append(a.baseline_runs)
    med = {k: statistics.median(v) for k, v in rates.items()}
    print(f"{'':<36}{'runs/s (median)':>16}{'runs per call':>15}  repeats")
    labels = {"run": "simsim.run, no timeseries", "run_ts": "simsim.run, with timeseries (default)",
              "mcmc": "calibrate, kernel mcmc", "pmc": "calibrate, kernel pmc"}
    for k in ("run", "run_ts", "mcmc", "pmc"):  # runs per call: median over the repeats
        print(f"{labels[k]:<36}{med[k]:>16,.0f}{statistics.median(counts[k]):>15,.0f}  {len(rates[k])}")
    for kernel in ("mcmc", "pmc"):
        print(f"ratio calibrate ({kernel}) / simsim.run: {med[kernel] / med['run']:.2f}x without timeseries, "
              f"{med[kernel] / med['run_ts']:.2f}x with (target >= 0.7x)")


if __name__ == "__main__":
    main()
