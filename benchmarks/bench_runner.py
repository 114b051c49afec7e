"""Executors on the flagship: one process against two worker processes, and against a Dask LocalCluster.

Usage (from the repository root)::

    python benchmarks/bench_runner.py [--runs 100000] [--repeats 3] [--jobs 2] [--dask] [--out]

Each configuration is warmed up, then the configurations are run in turn (interleaved) ``--repeats``
times on the same master seed; the script prints each one's minimum time, runs per second and
its speed-up over one process, with the number of repetitions, and the load average of the
machine before and after (the machine may be shared: a load above the number of cores means
other work competed for them). It checks that every configuration gave identical runs. It asserts
nothing about time. ``--out`` streams results to a temporary folder (as the CLI does) instead of
keeping them in memory.

The machine's own ceiling is measured in the same loop: ``--jobs`` forked processes that each run
their share of the runs alone (``jobs=1``; no pool, no communication, each its own summary). On a
virtual machine two busy cores can each be slower than one busy core, so this ceiling can be
well below ``--jobs``; the script prints each executor's speed-up as a share of it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

import simsim
from simsim.experiment import RunSettings
from simsim.experiment.executors import DaskExecutor, ProcessExecutor, SerialExecutor

HERE = Path(__file__).resolve().parent


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Independent:
    """Not an executor: ``jobs`` forked processes, each running ``runs / jobs`` runs by itself (``jobs=1``).

    No pool, no communication, no shared summary: the machine's own ceiling for ``jobs`` processes
    (on a virtual machine two busy cores can each run slower than one busy core).
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def run(self, scn: simsim.Scenario, runs: int, seed: int, out: Path | None) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        procs = [ctx.Process(target=_alone, args=(scn, runs // self.jobs, seed + k,
                                                  None if out is None else out / str(k)))
                 for k in range(self.jobs)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
            if p.exitcode != 0:
                raise SystemExit(f"an independent process failed (exit code {p.exitcode})")


def _alone(scn: simsim.Scenario, runs: int, seed: int, out: Path | None) -> None:
    simsim.run(scn, settings=RunSettings(replications=runs, seed=seed, jobs=1, progress=False, out=out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(HERE.parent / "scenarios" / "mongolia_icc_2024.yaml"))
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dask", action="store_true", help="also a Dask LocalCluster with --jobs workers")
    ap.add_argument("--out", action="store_true", help="stream results to disk (as the CLI does)")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()

    scn = simsim.load_scenario(a.scenario)
    load0 = os.getloadavg()
    print(f"scenario {scn.name}: {len(scn.actors)} actors, {scn.steps} steps; {a.runs} runs; {os.cpu_count()} cores; "
          f"load average before {load0[0]:.2f} (1 min) {load0[1]:.2f} (5 min)")
    configs: dict[str, object] = {"1 process": SerialExecutor(), f"{a.jobs} processes": ProcessExecutor(a.jobs)}
    cluster = client = None
    if a.dask:
        from distributed import Client

        from simsim.experiment.executors import local_cluster

        cluster = local_cluster(a.jobs)  # as --scheduler local starts it
        client = Client(cluster)
        configs[f"Dask LocalCluster, {a.jobs} workers"] = DaskExecutor(client)
    ceiling = f"{a.jobs} independent processes (ceiling)"
    configs[ceiling] = Independent(a.jobs)
    times: dict[str, list[float]] = {k: [] for k in configs}
    cpu: dict[str, list[tuple[float, float]]] = {k: [] for k in configs}  # (main, local workers) CPU seconds
    firsts: dict[str, pd.DataFrame] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for ex in configs.values():  # warm-up: imports, worker start, caches
                if isinstance(ex, Independent):
                    ex.run(scn, 2000 * a.jobs, a.seed + 1, None)
                else:
                    simsim.run(scn, settings=RunSettings(replications=2000, seed=a.seed + 1, executor=ex,
                                                         progress=False))
            for rep in range(a.repeats):
                for k, (name, ex) in enumerate(configs.items()):
                    out = Path(tmp) / f"r{rep}-{k}" if a.out else None
                    c0, k0 = time.process_time(), _children_cpu()
                    t = time.perf_counter()
                    if isinstance(ex, Independent):
                        ex.run(scn, a.runs, a.seed, out)
                    else:
                        res = simsim.run(scn, settings=RunSettings(replications=a.runs, seed=a.seed, executor=ex,
                                                                   progress=False, out=out))
                    times[name].append(time.perf_counter() - t)
                    cpu[name].append((time.process_time() - c0, _children_cpu() - k0))
                    if rep == 0 and not isinstance(ex, Independent):
                        firsts[name] = res.runs_columns(["run", "seed", "final_credibility"])
    finally:
        if client is not None:
            client.close()
            cluster.close()
    load1 = os.getloadavg()
    base = min(times["1 process"])
    print(f"{'configuration':<34} {'min time':>9} {'runs/s':>9} {'speed-up':>9}   (minimum of {a.repeats} runs each, "
          f"{'streamed to disk' if a.out else 'in memory'})")
    for name, ts in times.items():
        print(f"{name:<34} {min(ts):8.2f}s {a.runs / min(ts):9.0f} {base / min(ts):8.2f}x   all: "
              + ", ".join(f"{t:.2f}" for t in ts))
    print("CPU seconds of the fastest repetition, main process + local worker processes (workers of a Dask "
          "cluster are not counted):")
    for name, ts in times.items():
        m, w = cpu[name][ts.index(min(ts))]
        print(f"  {name:<32} main {m:6.2f}  workers {w:6.2f}  total {m + w:6.2f}")
    top = base / min(times[ceiling])
    print(f"speed-up as a share of the machine's ceiling ({top:.2f}x now): "
          + ", ".join(f"{name} {base / min(ts) / top:.0%}" for name, ts in times.items()
                      if name not in ("1 process", ceiling)))
    ref = firsts["1 process"]
    same = all(f.equals(ref) for f in firsts.values())
    print(f"identical runs across configurations: {same}")
    print(f"load average after {load1[0]:.2f} (1 min) {load1[1]:.2f} (5 min)")


if __name__ == "__main__":
    main()
