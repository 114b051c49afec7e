"""Speed of the flagship scenario: simsim against idiomatic Mesa run with ``mesa.batch_run``.

Usage (from the repository root)::

    python benchmarks/bench_dilemma.py [--runs 2000] [--floor-runs 100000] [--repeats 3] [--big 10000]
                                       [--rows-runs 0]
                                       [--scenario scenarios/mongolia_icc_2024.yaml]

Both implementations run in one process, in this one run of the script, on the same run seeds
(so on the same sampled inputs), both warmed up, then in turn ``--repeats`` times. The script
prints the minimum times, runs per second, their ratio, and the agreement in distribution of the
main outcomes (``tests/test_bench_agreement.py`` checks it).

Then simsim (one process, timeseries on, results in memory) against the plain-numpy floor of the
same arithmetic batched over runs (``numpy_dilemma.py``) at ``--floor-runs`` runs: both warmed up,
run in turn ``--repeats`` times; the minimum times, their ratio and the agreement in distribution
are printed. Then the cost of the random streams of those runs (every uniform each run uses:
one per uncertain input, the events, the visits) computed three ways: simsim's streams
(:mod:`simsim.rng`), the same Philox streams computed without cache blocking (the first version
of the streams), and one ``numpy.random.default_rng`` per run (the seeding before streams).
Then (``--rows-runs``) simsim as shipped, computing the hosts' option probabilities only for
their own rows and the expected discount once per distinct parameters, against the computation
before (the full actors x actors matrix, the discount as a (runs, 1200) array), interleaved.
Finally ``--big`` replications with simsim on every core. It prints figures and asserts nothing
about time.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import simsim  # noqa: E402
from simsim.experiment import RunSettings, run_seeds  # noqa: E402


def head_to_head(scn: simsim.Scenario, path: str, runs: int, repeats: int,
                 seed: int) -> tuple[list[float], list[float], simsim.Results, list[dict]]:
    """simsim and idiomatic Mesa on the same run seeds: both warmed up, run in turn ``repeats`` times."""
    import mesa
    from idiomatic_dilemma import IdiomaticDilemma

    seeds = run_seeds(seed, runs).tolist()

    def idiomatic(rng: list[int]) -> list[dict]:
        return mesa.batch_run(IdiomaticDilemma, {"scenario_path": path}, number_processes=1, rng=rng,
                              max_steps=scn.steps, data_collection_period=-1, display_progress=False)

    simsim.run(scn, replications=200, seed=seed + 1, jobs=1)  # warm-up (imports, caches)
    idiomatic(run_seeds(seed + 1, 20).tolist())
    t_s: list[float] = []
    t_i: list[float] = []
    for _ in range(repeats):
        t = time.perf_counter()
        res = simsim.run(scn, settings=RunSettings(replications=runs, seed=seed, jobs=1, progress=False))
        t_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        rows = idiomatic(seeds)
        t_i.append(time.perf_counter() - t)
    return t_s, t_i, res, rows


def _agree(name: str, a: np.ndarray, b: np.ndarray, other: str = "idiomatic") -> str:
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    z = (a.mean() - b.mean()) / se if se > 0 else 0.0
    return f"  {name:<28} simsim {a.mean():.4f}   {other} {b.mean():.4f}   z = {z:+.2f}"


def floor_vs_simsim(scn: simsim.Scenario, runs: int, repeats: int, seed: int) -> None:
    from numpy_dilemma import run_floor

    simsim.run(scn, replications=2000, seed=seed + 1, jobs=1)  # warm-up
    run_floor(scn, 2000, seed + 1)
    t_s: list[float] = []
    t_f: list[float] = []
    for _ in range(repeats):
        t = time.perf_counter()
        res = simsim.run(scn, settings=RunSettings(replications=runs, seed=seed, jobs=1, progress=False))
        t_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        out, _series = run_floor(scn, runs, seed)
        t_f.append(time.perf_counter() - t)
    print(f"\nsimsim vs its plain-numpy floor, {runs} runs, 1 process, minimum of {repeats} interleaved runs each "
          f"(load average now {os.getloadavg()[0]:.2f}):")
    print(f"  simsim.run (timeseries, DataFrames)  {min(t_s):7.2f} s  {runs / min(t_s):9.0f} runs/s   all: "
          + ", ".join(f"{t:.2f}" for t in t_s))
    print(f"  numpy floor (arrays)                 {min(t_f):7.2f} s  {runs / min(t_f):9.0f} runs/s   all: "
          + ", ".join(f"{t:.2f}" for t in t_f))
    print(f"  simsim speed / floor speed           {min(t_f) / min(t_s):7.2f} x   (target >= 0.5)")
    host = next(ev.host for ev in scn.events if ev.type == "visit")
    dec_s, dec_f = res.runs[f"decision.{host}"].to_numpy(), out[f"decision.{host}"]
    for cat in ("declined", "arrest", "no_arrest"):
        print(_agree(f"P(decision.{host} = {cat})", (dec_s == cat).astype(float), (dec_f == cat).astype(float),
                     "floor"))
    print(_agree("final credibility", res.runs["final_credibility"].to_numpy(), out["final_credibility"], "floor"))


def _unblocked_philox(key0: np.ndarray, key1: np.ndarray, counter: np.ndarray) -> np.ndarray:
    """Philox4x64-10 as first written for the streams: whole arrays, a new array per operation."""
    from simsim import rng

    low, s32 = np.uint64(0xFFFFFFFF), np.uint64(32)

    def mulhilo(x: np.ndarray, b: int) -> tuple[np.ndarray, np.ndarray]:
        bb = np.uint64(b)
        a0, a1, b0, b1 = x & low, x >> s32, bb & low, bb >> s32
        a0b0, a0b1, a1b0 = a0 * b0, a0 * b1, a1 * b0
        mid = (a0b0 >> s32) + (a0b1 & low) + (a1b0 & low)
        return a1 * b1 + (a0b1 >> s32) + (a1b0 >> s32) + (mid >> s32), x * bb

    with np.errstate(over="ignore"):
        k0, k1, c0 = np.broadcast_arrays(np.asarray(key0, np.uint64), np.asarray(key1, np.uint64),
                                         np.asarray(counter, np.uint64))
        k0, k1 = k0.copy(), k1.copy()
        x0, x1, x2, x3 = c0.copy(), np.zeros_like(c0), np.zeros_like(c0), np.zeros_like(c0)
        for r in range(10):
            if r:
                k0 += rng._W0
                k1 += rng._W1
            hi0, lo0 = mulhilo(x0, rng._M0)
            hi1, lo1 = mulhilo(x2, rng._M1)
            x0, x1, x2, x3 = hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0
        return np.stack([x0, x1, x2, x3], axis=-1)


def streams_cost(scn: simsim.Scenario, runs: int, repeats: int, seed: int) -> None:
    from simsim import rng
    from simsim.model import design_of

    seeds = run_seeds(seed, runs)
    d = design_of(scn)
    inputs = [f"input:{q.column}" for q in d.uncertain]
    n_visits = sum(ev.type == "visit" for ev in scn.events)
    width = n_visits * (7 + len(d.ids))
    n_u = len(inputs) + len(scn.events) + width

    def streams() -> None:
        rng.first_uniforms(seeds, inputs)
        rng.uniforms(seeds, "events", len(scn.events))
        rng.uniforms(seeds, "visits", width)

    def unblocked() -> None:
        ids = np.array([rng.stream_id(s) for s in inputs], dtype=np.uint64)
        _unblocked_philox(seeds.astype(np.uint64)[:, None], ids[None, :], np.uint64(1))
        for name, size in (("events", len(scn.events)), ("visits", width)):
            _unblocked_philox(seeds.astype(np.uint64)[:, None], np.uint64(rng.stream_id(name)),
                              np.arange(1, -(-size // 4) + 1, dtype=np.uint64)[None, :])

    def generator_per_run() -> None:
        for sd in seeds.tolist():
            np.random.default_rng(sd).random(n_u)

    ways = {"simsim streams (blocked Philox)": streams, "Philox, unblocked (first version)": unblocked,
            "one default_rng per run (before)": generator_per_run}
    for f in ways.values():
        f()  # warm-up
    times: dict[str, list[float]] = {k: [] for k in ways}
    for _ in range(repeats):
        for k, f in ways.items():
            t = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t)
    t = time.perf_counter()
    simsim.run(scn, settings=RunSettings(replications=runs, seed=seed, jobs=1, progress=False))
    total = time.perf_counter() - t
    print(f"\nrandom numbers of {runs} runs ({n_u} uniforms per run), minimum of {repeats} interleaved runs each; "
          f"share of one simsim.run ({total:.2f} s):")
    for k, ts in times.items():
        print(f"  {k:<36} {min(ts):7.3f} s   {min(ts) / total:6.1%} of simsim.run")


def _expected_discount_per_run(median: np.ndarray, spread: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """The expected discount as first written: a (runs, MAX_DELAY) array, whatever the runs share."""
    from scipy import special

    from simsim.mechanisms.dilemma import MAX_DELAY

    m = np.atleast_1d(np.asarray(median, dtype=float))[..., None]
    s = np.atleast_1d(np.asarray(spread, dtype=float))[..., None]
    b = np.atleast_1d(np.asarray(discount, dtype=float))[..., None]
    k = np.arange(1, MAX_DELAY + 1, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cdf = np.where(s > 0, special.ndtr((np.log(k + 0.5) - np.log(m)) / s), (np.rint(m) <= k + 0.0).astype(float))
    cdf[..., -1] = 1.0
    return (np.diff(cdf, axis=-1, prepend=0.0) * b ** k).sum(axis=-1)


def host_rows_gain(scn: simsim.Scenario, runs: int, repeats: int, seed: int) -> None:
    """simsim as shipped against the dilemma's computation before: full utility matrix, discount per run."""
    from simsim.mechanisms import dilemma

    shipped = (dilemma.DilemmaModel._host_propensities, dilemma.expected_discount)

    def full_matrix(self: dilemma.DilemmaModel) -> np.ndarray:  # every pair, then the pairs read
        return self.propensities()[:, self._host_rows[self._pair_rows], self._pair_cols]

    before = (full_matrix, _expected_discount_per_run)

    def once(way: tuple) -> tuple[float, simsim.Results]:
        dilemma.DilemmaModel._host_propensities, dilemma.expected_discount = way  # type: ignore[method-assign]
        try:
            t = time.perf_counter()
            res = simsim.run(scn, settings=RunSettings(replications=runs, seed=seed, jobs=1, progress=False))
            return time.perf_counter() - t, res
        finally:
            dilemma.DilemmaModel._host_propensities, dilemma.expected_discount = shipped  # type: ignore[method-assign]

    once(before)
    once(shipped)  # warm-up
    t_rows: list[float] = []
    t_full: list[float] = []
    for _ in range(repeats):
        dt, res_rows = once(shipped)
        t_rows.append(dt)
        dt, res_full = once(before)
        t_full.append(dt)
    # equal up to floating-point rounding (the two sum the discount in different orders): every
    # decision identical, numbers within 1e-12
    same = True
    for a, b in ((res_rows.runs, res_full.runs), (res_rows.timeseries, res_full.timeseries)):
        try:
            pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-12)
        except AssertionError:
            same = False
    print(f"\nthe dilemma as shipped vs its computation before (every actor pair's utilities; the expected discount "
          f"as a (runs, {dilemma.MAX_DELAY}) array), {runs} runs, 1 process, minimum of {repeats} interleaved runs "
          f"each (load average now {os.getloadavg()[0]:.2f}):")
    print(f"  as shipped   {min(t_rows):7.2f} s   all: " + ", ".join(f"{t:.2f}" for t in t_rows))
    print(f"  before       {min(t_full):7.2f} s   all: " + ", ".join(f"{t:.2f}" for t in t_full))
    print(f"  speed-up     {min(t_full) / min(t_rows):7.2f} x   results identical (numbers within 1e-12): {same}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(HERE.parent / "scenarios" / "mongolia_icc_2024.yaml"))
    ap.add_argument("--runs", type=int, default=2000, help="runs for the head-to-head comparison")
    ap.add_argument("--big", type=int, default=10_000, help="runs for the all-cores timing (0: skip)")
    ap.add_argument("--floor-runs", type=int, default=100_000, help="runs for simsim vs the numpy floor (0: skip)")
    ap.add_argument("--rows-runs", type=int, default=0,
                    help="runs for the dilemma as shipped against its computation before (0: skip)")
    ap.add_argument("--repeats", type=int, default=3, help="interleaved repetitions (minimum reported)")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()

    scn = simsim.load_scenario(a.scenario)
    print(f"scenario {scn.name}: {len(scn.actors)} actors, {scn.steps} steps; {a.runs} runs; "
          f"{os.cpu_count()} cores; simsim {simsim.__version__}; load average (1, 5, 15 min) "
          + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    if a.runs:
        ts_s, ts_i, res, rows = head_to_head(scn, a.scenario, a.runs, a.repeats, a.seed)
        t_s, t_i = min(ts_s), min(ts_i)
        print(f"simsim vs idiomatic Mesa, {a.runs} runs, 1 process, minimum of {a.repeats} interleaved runs each:")
        print(f"  simsim.run (timeseries, DataFrames)  {a.runs / t_s:9.1f} runs/s   ({t_s:.2f} s; all: "
              + ", ".join(f"{t:.2f}" for t in ts_s) + ")")
        print(f"  idiomatic Mesa (batch_run)           {a.runs / t_i:9.1f} runs/s   ({t_i:.2f} s; all: "
              + ", ".join(f"{t:.2f}" for t in ts_i) + ")")
        print(f"  simsim speed / idiomatic speed       {t_i / t_s:9.2f} x   (target >= 10)")

        host = next(ev.host for ev in scn.events if ev.type == "visit")
        out_i = [r["outcomes"] for r in rows]
        dec_i = np.array([o[f"decision.{host}"] for o in out_i])
        dec_s = res.runs[f"decision.{host}"].to_numpy()
        print("agreement in distribution (same inputs; z of the difference of means):")
        for cat in ("declined", "arrest", "no_arrest"):
            print(_agree(f"P(decision.{host} = {cat})", (dec_s == cat).astype(float), (dec_i == cat).astype(float)))
        print(_agree("final credibility", res.runs["final_credibility"].to_numpy(),
                     np.array([o["final_credibility"] for o in out_i])))
        start = res.timeseries[res.timeseries.step == 0].set_index("run").loc[res.runs["run"].to_numpy()]
        gap = max(np.max(np.abs(start[f"{k}.{h}"].to_numpy() - np.array([r[f"{k}_initial"][h] for r in rows])))
                  for h in rows[0]["p_comply_initial"] for k in ("p_comply", "p_call_off"))
        print(f"  initial option probabilities run by run: max |simsim - idiomatic| = {gap:.1e} "
              "(same inputs, same utilities)")

    if a.floor_runs:
        floor_vs_simsim(scn, a.floor_runs, a.repeats, a.seed)
        streams_cost(scn, a.floor_runs, a.repeats, a.seed)

    if a.rows_runs:
        host_rows_gain(scn, a.rows_runs, a.repeats, a.seed)

    if a.big:
        t = time.perf_counter()
        big = simsim.run(scn, settings=RunSettings(replications=a.big, seed=a.seed, progress=False))
        dt = time.perf_counter() - t
        print(f"simsim, {a.big} runs on {big.metadata['settings']['jobs']} processes: {dt:.2f} s "
              f"({a.big / dt:.0f} runs/s)")


if __name__ == "__main__":
    main()
