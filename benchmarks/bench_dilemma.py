"""Speed of the flagship scenario: simsim against idiomatic Mesa run with ``mesa.batch_run``.

Usage (from the repository root)::

    python benchmarks/bench_dilemma.py [--runs 2000] [--big 10000] [--scenario scenarios/mongolia_icc_2024.yaml]

Both implementations run in one process, in this one run of the script, on the same run seeds
(so on the same sampled inputs). The script prints runs per second for each, their ratio, and
checks that the two agree in distribution on the main outcomes. Then it times ``--big``
replications with simsim on every core. It prints figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import simsim  # noqa: E402
from simsim.experiment import RunSettings, run_seeds  # noqa: E402


def bench_simsim(scn: simsim.Scenario, runs: int, seed: int) -> tuple[float, simsim.Results]:
    simsim.run(scn, replications=20, seed=seed + 1, jobs=1)  # warm-up (imports, caches)
    t = time.perf_counter()
    res = simsim.run(scn, settings=RunSettings(replications=runs, seed=seed, jobs=1, progress=False))
    return time.perf_counter() - t, res


def bench_idiomatic(path: str, runs: int, seed: int, steps: int) -> tuple[float, list[dict]]:
    import mesa
    from idiomatic_dilemma import IdiomaticDilemma

    seeds = run_seeds(seed, runs).tolist()
    mesa.batch_run(IdiomaticDilemma, {"scenario_path": path}, number_processes=1, rng=seeds[:20],
                   max_steps=steps, display_progress=False)  # warm-up
    t = time.perf_counter()
    rows = mesa.batch_run(IdiomaticDilemma, {"scenario_path": path}, number_processes=1, rng=seeds,
                          max_steps=steps, data_collection_period=-1, display_progress=False)
    return time.perf_counter() - t, rows


def _agree(name: str, a: np.ndarray, b: np.ndarray) -> str:
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    z = (a.mean() - b.mean()) / se if se > 0 else 0.0
    return f"  {name:<28} simsim {a.mean():.4f}   idiomatic {b.mean():.4f}   z = {z:+.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(HERE.parent / "scenarios" / "mongolia_icc_2024.yaml"))
    ap.add_argument("--runs", type=int, default=2000, help="runs for the head-to-head comparison")
    ap.add_argument("--big", type=int, default=10_000, help="runs for the all-cores timing (0: skip)")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()

    scn = simsim.load_scenario(a.scenario)
    print(f"scenario {scn.name}: {len(scn.actors)} actors, {scn.steps} steps; {a.runs} runs; "
          f"{os.cpu_count()} cores; simsim {simsim.__version__}")
    t_s, res = bench_simsim(scn, a.runs, a.seed)
    t_i, rows = bench_idiomatic(a.scenario, a.runs, a.seed, scn.steps)
    print(f"simsim (arrays, 1 process)          {a.runs / t_s:9.1f} runs/s   ({t_s:.2f} s)")
    print(f"idiomatic Mesa (batch_run, 1 proc)  {a.runs / t_i:9.1f} runs/s   ({t_i:.2f} s)")
    print(f"ratio simsim / idiomatic            {t_i / t_s:9.2f} x")

    host = next(ev.host for ev in scn.events if ev.type == "visit")
    dec_i = np.array([r["decision_first_host"] for r in rows])
    dec_s = res.runs[f"decision.{host}"].to_numpy()
    print("agreement in distribution (same inputs; z of the difference of means):")
    for cat in ("declined", "arrest", "no_arrest"):
        print(_agree(f"P(decision = {cat})", (dec_s == cat).astype(float), (dec_i == cat).astype(float)))
    print(_agree("final credibility", res.runs["final_credibility"].to_numpy(),
                 np.array([r["final_credibility"] for r in rows])))
    p0_s = res.timeseries.loc[res.timeseries.step == 0, f"p_comply.{host}"].to_numpy()
    p0_i = np.array([r["p_comply_initial"] for r in rows])
    print(f"  initial P(comply) run by run: max |simsim - idiomatic| = {np.max(np.abs(p0_s - p0_i)):.1e} "
          "(same inputs, same utility)")

    if a.big:
        t = time.perf_counter()
        big = simsim.run(scn, settings=RunSettings(replications=a.big, seed=a.seed, progress=False))
        dt = time.perf_counter() - t
        print(f"simsim, {a.big} runs on {big.metadata['settings']['jobs']} processes: {dt:.2f} s "
              f"({a.big / dt:.0f} runs/s)")


if __name__ == "__main__":
    main()
