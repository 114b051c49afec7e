"""Speed of every non-flagship mechanism: simsim against idiomatic Mesa and a plain-numpy floor.

Usage (from the repository root)::

    python benchmarks/bench_mechanisms.py [--repeats 3] [--runs 2000] [--only arms_race ...]

For each shipped scenario of ``arms_race``, ``bargaining``, ``alignment`` and ``games``, three
implementations of the same rules run in this one process:

* simsim: ``simsim.run(scenario, runs, jobs=1)`` (the vectorised model, with inputs, streams,
  DataCollector and result tables);
* idiomatic Mesa: ``benchmarks/idiomatic_<mechanism>.py`` run with ``mesa.batch_run`` on the
  same run seeds (fewer runs: it is slow), one ``step()`` per agent, ``self.rng`` drawn directly;
* the floor: ``benchmarks/floors.py``, the same arithmetic batched over runs in plain numpy.

Each is warmed up once, then the three are timed in turn (interleaved), ``--repeats`` times; the
script prints the minimum time of each, runs per second with the number of runs, and the ratios
simsim / idiomatic and floor / simsim (speed ratios). It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import mesa  # noqa: E402
import numpy as np  # noqa: E402

import simsim  # noqa: E402
from simsim.experiment import RunSettings, run_seeds  # noqa: E402

SCENARIOS = HERE.parent / "scenarios"
#: mechanism -> (idiomatic module:class, shipped scenarios, idiomatic runs per timing)
CASES = {
    "arms_race": ("idiomatic_arms_race:IdiomaticArmsRace", ["nuclear_arms_race"], 60),
    "bargaining": ("idiomatic_bargaining:IdiomaticBargaining", ["ec_emissions_1994", "icc_compliance_bargaining"], 15),
    "alignment": ("idiomatic_alignment:IdiomaticAlignment", ["landscape_syria_2016", "brics_alignment"], 8),
    "games": ("idiomatic_games:IdiomaticGames", ["axelrod_tournament_1980", "iterated_cooperation"], 30),
}


def _model(spec: str) -> type[mesa.Model]:
    module, cls = spec.split(":")
    return getattr(__import__(module), cls)


def time_simsim(scn: simsim.Scenario, runs: int, seed: int) -> float:
    t = time.perf_counter()
    simsim.run(scn, settings=RunSettings(replications=runs, seed=seed, jobs=1, progress=False))
    return time.perf_counter() - t


def time_idiomatic(model: type[mesa.Model], path: str, runs: int, seed: int, steps: int) -> float:
    seeds = run_seeds(seed, runs).tolist()
    t = time.perf_counter()
    mesa.batch_run(model, {"scenario_path": path}, number_processes=1, rng=seeds, max_steps=steps,
                   data_collection_period=-1, display_progress=False)
    return time.perf_counter() - t


def time_floor(mechanism: str, scn: simsim.Scenario, runs: int, seed: int) -> float:
    from floors import FLOORS

    t = time.perf_counter()
    FLOORS[mechanism](scn, runs, seed)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2000, help="runs for simsim and the floor")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--only", nargs="*", choices=list(CASES), help="mechanisms to time (default: all)")
    a = ap.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; simsim {simsim.__version__}, "
          f"mesa {mesa.__version__}, numpy {np.__version__}; {a.repeats} interleaved repeats, minimum time")
    print(f"{'scenario':<28}{'simsim runs/s':>16}{'idiomatic runs/s':>19}{'floor runs/s':>15}"
          f"{'simsim/idiomatic':>18}{'floor/simsim':>14}")
    for mech in a.only or CASES:
        spec, names, idio_runs = CASES[mech]
        model = _model(spec)
        for name in names:
            path = str(SCENARIOS / f"{name}.yaml")
            scn = simsim.load_scenario(path)
            # warm-up: imports, caches, first allocations
            time_simsim(scn, 50, a.seed + 1)
            time_idiomatic(model, path, 2, a.seed + 1, scn.steps)
            time_floor(mech, scn, 50, a.seed + 1)
            ts, ti, tf = [], [], []
            for r in range(a.repeats):
                ts.append(time_simsim(scn, a.runs, a.seed + r))
                ti.append(time_idiomatic(model, path, idio_runs, a.seed + r, scn.steps))
                tf.append(time_floor(mech, scn, a.runs, a.seed + r))
            s, i, f = a.runs / min(ts), idio_runs / min(ti), a.runs / min(tf)
            print(f"{name:<28}{s:>10.0f} ({a.runs}){i:>12.1f} ({idio_runs}){f:>9.0f} ({a.runs})"
                  f"{s / i:>17.1f}x{f / s:>13.2f}x", flush=True)


if __name__ == "__main__":
    main()
