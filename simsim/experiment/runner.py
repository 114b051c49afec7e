"""Run a scenario many times: one seed per run from one master seed, serially or on processes.

Seeding: the master seed feeds a :class:`numpy.random.SeedSequence`; run ``i`` gets the
``i``-th 64-bit word of its state, shifted to 63 bits, as its run seed, which is recorded.
A run's seed alone determines it: every random number of the run is read from one of the run's
named streams (:mod:`simsim.rng`): each uncertain input from its own stream (one uniform,
through the input's inverse CDF), the events and the mechanism from theirs. Results are
therefore identical whatever the number of processes or the chunking, any single run can be
replayed with :func:`run_one`, and fixing or changing one input leaves every other input's draws
unchanged (common random numbers).
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from simsim.errors import SimsimError
from simsim.experiment import progress
from simsim.experiment.checks import check_inputs, check_run
from simsim.model import design_of, inputs_from_uniforms, sample_inputs_batch
from simsim.registry import get_mechanism
from simsim.results import Results, build_metadata
from simsim.scenario.schema import Scenario


@dataclass(frozen=True)
class RunSettings:
    """Options of an experiment, grouped (see :func:`run`).

    Attributes
    ----------
    replications
        Number of runs; ``None`` takes the scenario's ``replications``.
    seed
        Master seed; ``None`` takes the scenario's ``seed``, or draws one (recorded in the results).
    jobs
        Worker processes; ``None`` uses every core for large experiments (500 runs, or 20,000
        for a vectorised mechanism), one process for small ones.
    chunk_size
        Runs per task sent to a worker (``None``: chosen from the number of runs and jobs).
    timeseries
        Whether to record the per-step timeseries.
    progress
        Show a progress bar (``None``: in a terminal or a notebook, once a run takes more than
        half a second; see :mod:`simsim.experiment.progress`).
    sampling
        How uncertain inputs are sampled: ``random`` (each run from its own generator) or ``lhs``
        (a Latin hypercube over all runs, see :func:`design_uniforms`; fewer runs for the same
        precision of means and sensitivities).
    start_method
        Multiprocessing start method for the pool (``None``: ``fork`` on Linux, so that workers
        inherit mechanisms registered in a script or notebook and scripts need no main guard;
        ``forkserver`` or ``spawn`` elsewhere). The global start method is never changed.
    """

    replications: int | None = None
    seed: int | None = None
    jobs: int | None = None
    chunk_size: int | None = None
    timeseries: bool = True
    progress: bool | None = None
    start_method: str | None = None
    sampling: str = "random"


def run_seeds(master_seed: int, n: int) -> np.ndarray:
    """The recorded seeds of runs ``0..n-1`` for ``master_seed`` (63-bit integers).

    Word ``i`` of the master :class:`~numpy.random.SeedSequence`'s generated state, so the
    seeds of the first runs do not depend on how many runs there are.
    """
    words = np.random.SeedSequence(int(master_seed)).generate_state(n, np.uint64)
    return (words >> np.uint64(1)).astype(np.int64)


def run_one(scenario: Scenario, seed: int, run_id: int = 0,
            inputs: Mapping[str, float] | None = None) -> tuple[dict[str, Any], pd.DataFrame]:
    """Run one replication with run seed ``seed`` (as recorded in ``Results.runs.seed``).

    ``inputs`` replays a run whose inputs came from a sampling design (``sampling="lhs"``):
    pass its row's input columns; by default they are drawn from the run's generator.

    Returns
    -------
    row : dict
        ``run``, ``seed``, the sampled inputs and the outcomes.
    timeseries : DataFrame
        One row per step (0 = initial state), one column per reporter.
    """
    given = None
    if inputs is not None:
        cols = [u.column for u in design_of(scenario).uncertain]
        check_inputs(cols, inputs)  # unknown, missing or non-numeric names: a SimsimError
        given = np.array([[float(inputs[c]) for c in cols]])
    runs, ts = _run_chunk([run_id], [int(seed)], True, scenario, given=given)
    row = runs.iloc[0].to_dict()
    frame = pd.DataFrame({k: v for k, v in ts.items() if k != "run"})
    return row, frame[["step", *[c for c in frame.columns if c != "step"]]]


def _inputs(scenario: Scenario, seeds: Sequence[int], u: np.ndarray | None,
            given: np.ndarray | None) -> dict[str, np.ndarray]:
    """Inputs of a chunk of runs: given values, a design's uniforms, or draws from each run's input streams."""
    if given is not None:
        cols = [q.column for q in design_of(scenario).uncertain]
        return {c: given[:, i] for i, c in enumerate(cols)}
    if u is not None:
        return inputs_from_uniforms(scenario, u)
    return sample_inputs_batch(scenario, seeds)


def _run(scenario: Scenario, run_id: int, seed: int, timeseries: bool, u: np.ndarray | None = None,
         given: np.ndarray | None = None) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    mech = get_mechanism(scenario.model)
    inputs = {k: float(v[0]) for k, v in _inputs(scenario, [seed], u, given).items()}
    model = mech(scenario, inputs, rng=seed)
    model.run()
    row: dict[str, Any] = {"run": run_id, "seed": seed, **inputs, **model.outcomes()}
    return row, (model.timeseries() if timeseries else {})


def _run_vectorised(scenario: Scenario, run_ids: Sequence[int], seeds: Sequence[int], timeseries: bool,
                    u: np.ndarray | None = None, given: np.ndarray | None = None
                    ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Runs of a vectorised mechanism, side by side in one model."""
    mech = get_mechanism(scenario.model)
    inputs = _inputs(scenario, seeds, u, given)
    model = mech(scenario, inputs, rng=int(seeds[0]), run_seeds=seeds)
    model.run()
    cols: dict[str, Any] = {"run": np.asarray(run_ids, dtype=np.int64), "seed": np.asarray(seeds, dtype=np.int64)}
    cols.update(inputs)
    cols.update(model.outcomes())
    ts: dict[str, np.ndarray] = {}
    if timeseries:
        series = model.timeseries()  # name -> (T+1, R)
        if series:
            length = next(iter(series.values())).shape[0]
            ts["run"] = np.repeat(np.asarray(run_ids, dtype=np.int64), length)
            ts["step"] = np.tile(np.arange(length, dtype=np.int64), len(run_ids))
            for k, v in series.items():
                ts[k] = v.T.reshape(-1)
    return pd.DataFrame(cols), ts


def design_uniforms(scenario: Scenario, n: int, master_seed: int, sampling: str) -> np.ndarray | None:
    """The (n, k) uniforms of a sampling design over the k uncertain inputs, or None for ``random``.

    ``lhs``: a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`): for every input, each
    of the n equal-probability strata holds exactly one run. The design depends on the master
    seed and on n, so (unlike ``random``) the first runs of a longer experiment differ.
    """
    if sampling == "random":
        return None
    if sampling != "lhs":
        raise SimsimError(f"unknown sampling '{sampling}'; use 'random' or 'lhs'")
    k = len(design_of(scenario).uncertain)
    if k == 0:
        return None
    gen = np.random.default_rng([int(master_seed), 2])
    try:
        sampler = qmc.LatinHypercube(d=k, rng=gen)
    except TypeError:  # SciPy < 1.15 names the generator `seed`
        sampler = qmc.LatinHypercube(d=k, seed=gen)
    return sampler.random(n)


# ------------------------------------------------------------------- workers
_WORKER_SCENARIO: Scenario | None = None


def _init_worker(scenario: Scenario) -> None:
    global _WORKER_SCENARIO
    _WORKER_SCENARIO = scenario


def _run_chunk(run_ids: Sequence[int], seeds: Sequence[int], timeseries: bool,
               scenario: Scenario | None = None, u: np.ndarray | None = None,
               given: np.ndarray | None = None) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    scn = scenario if scenario is not None else _WORKER_SCENARIO
    assert scn is not None, "worker not initialised"
    if get_mechanism(scn.model).vectorised:
        return _run_vectorised(scn, run_ids, seeds, timeseries, u, given)
    rows = []
    ts_parts: dict[str, list[np.ndarray]] = {}
    for i, (rid, seed) in enumerate(zip(run_ids, seeds, strict=True)):
        row, ts = _run(scn, int(rid), int(seed), timeseries, None if u is None else u[i:i + 1],
                       None if given is None else given[i:i + 1])
        rows.append(row)
        if ts:
            length = len(next(iter(ts.values())))
            ts_parts.setdefault("run", []).append(np.full(length, rid, dtype=np.int64))
            ts_parts.setdefault("step", []).append(np.arange(length, dtype=np.int64))
            for k, v in ts.items():
                ts_parts.setdefault(k, []).append(v)
    return pd.DataFrame.from_records(rows), {k: np.concatenate(v) for k, v in ts_parts.items()}


def _chunks(n: int, size: int) -> Iterator[range]:
    for start in range(0, n, size):
        yield range(start, min(n, start + size))


def _context(method: str | None) -> multiprocessing.context.BaseContext:
    if method is None:
        # fork where the platform offers it: workers inherit the registry (mechanisms a user
        # defined in a script or notebook) and a script needs no `if __name__ == "__main__"`.
        # Elsewhere forkserver (or spawn), which re-import the main module.
        methods = multiprocessing.get_all_start_methods()
        method = "fork" if sys.platform.startswith("linux") and "fork" in methods else (
            "forkserver" if "forkserver" in methods else "spawn")
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        # workers fork from a server that has simsim imported already
        ctx.set_forkserver_preload(["simsim.experiment.runner", "simsim.registry"])
    return ctx


_POOL_FAILED = (
    "worker processes failed ({error}). With the '{method}' start method a script must start "
    "runs under `if __name__ == \"__main__\":`; or run with jobs=1 (--jobs 1)."
)


# ------------------------------------------------------------------- public entry point
def run(
    scenario: Scenario | str | os.PathLike[str],
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    *,
    settings: RunSettings | None = None,
    quiet: bool = False,
) -> Results:
    """Run ``scenario`` ``replications`` times and collect the results.

    Parameters
    ----------
    scenario
        A validated scenario (:func:`simsim.load_scenario`), or a path or shipped scenario name
        to load.
    replications, seed, jobs
        Shortcuts for the fields of ``settings`` (they win over it); see :class:`RunSettings`.
    settings
        All options.
    quiet
        No progress bar, whatever ``settings.progress`` says.

    Returns
    -------
    Results
        ``runs`` (one row per run), ``timeseries`` (run, step, reporters), metadata.
    """
    if isinstance(scenario, (str, os.PathLike)):
        from simsim.scenario import load_scenario

        scenario = load_scenario(scenario)
    check_run(scenario, replications, seed, jobs, settings)  # misuse and memory, before anything runs
    s = settings or RunSettings()
    n = replications if replications is not None else (
        s.replications if s.replications is not None else scenario.replications)
    master = seed if seed is not None else (s.seed if s.seed is not None else scenario.seed)
    seed_drawn = master is None
    if master is None:
        master = secrets.randbits(63)
    for label, value in (("replications", n), ("seed", master), ("chunk_size", s.chunk_size)):
        if value is not None and (isinstance(value, bool) or not float(value).is_integer()):
            raise SimsimError(f"{label} must be a whole number (got {value!r})")
    if int(n) < 1:
        raise SimsimError(f"replications must be at least 1 (got {n})")
    if int(master) < 0:
        raise SimsimError(f"a seed must be non-negative (got {master})")
    if s.chunk_size is not None and int(s.chunk_size) < 1:
        raise SimsimError(f"chunk_size must be at least 1 (got {s.chunk_size})")
    n, master = int(n), int(master)
    vectorised = get_mechanism(scenario.model).vectorised
    n_jobs = jobs if jobs is not None else s.jobs
    if n_jobs is None:
        # a vectorised mechanism computes thousands of runs per second in one process: a pool
        # only pays off for large experiments
        threshold = 20_000 if vectorised else 500
        n_jobs = 1 if n < threshold else (os.cpu_count() or 1)
    n_jobs = max(1, min(int(n_jobs), n))
    seeds = run_seeds(int(master), n)
    design = design_uniforms(scenario, n, int(master), s.sampling)
    chunk = s.chunk_size or max(1, min(1000 if vectorised else 250, -(-n // (n_jobs * 8))))
    bar = progress.bar(n, False if quiet else s.progress)
    results: dict[int, tuple[pd.DataFrame, dict[str, np.ndarray]]] = {}
    try:
        if n_jobs == 1:
            for r in _chunks(n, chunk):
                results[r.start] = _run_chunk(list(r), seeds[r.start:r.stop].tolist(), s.timeseries, scenario,
                                              None if design is None else design[r.start:r.stop])
                if bar is not None:
                    bar.update(len(r))
        else:
            ctx = _context(s.start_method)
            try:
                with warnings.catch_warnings():
                    # Python >= 3.12 warns on fork in a process with threads (e.g. BLAS pools);
                    # the workers run only simsim's single-threaded code
                    warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks",
                                            category=DeprecationWarning)
                    with ProcessPoolExecutor(n_jobs, mp_context=ctx, initializer=_init_worker,
                                             initargs=(scenario,)) as pool:
                        futures = {pool.submit(_run_chunk, list(r), seeds[r.start:r.stop].tolist(), s.timeseries,
                                               None, None if design is None else design[r.start:r.stop]): r
                                   for r in _chunks(n, chunk)}
                        for fut in as_completed(futures):
                            r = futures[fut]
                            results[r.start] = fut.result()
                            if bar is not None:
                                bar.update(len(r))
            except BrokenProcessPool as exc:
                raise SimsimError(_POOL_FAILED.format(error=exc, method=ctx.get_start_method())) from None
    finally:
        if bar is not None:
            bar.close()
    frames: list[pd.DataFrame] = []
    ts_parts: dict[str, list[np.ndarray]] = {}
    for start in sorted(results):
        chunk_runs, ts = results[start]
        frames.append(chunk_runs)
        for k, v in ts.items():
            ts_parts.setdefault(k, []).append(v)
    runs = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    timeseries = pd.DataFrame({k: np.concatenate(v) for k, v in ts_parts.items()}) if ts_parts else pd.DataFrame()
    settings_used = {"replications": n, "seed": int(master), "seed_drawn": seed_drawn, "sampling": s.sampling,
                     "jobs": n_jobs,
                     "chunk_size": chunk, "timeseries": s.timeseries}
    return Results(runs, timeseries, build_metadata(scenario, settings_used))
