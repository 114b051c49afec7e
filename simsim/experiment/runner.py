"""Run a scenario many times: one seed per run from one master seed, on any executor, streamed to disk.

Seeding: the master seed feeds a :class:`numpy.random.SeedSequence`; run ``i`` gets the
``i``-th 64-bit word of its state, shifted to 63 bits, as its run seed, which is recorded.
A run's seed alone determines it: every random number of the run is read from one of the run's
named streams (:mod:`simsim.rng`): each uncertain input from its own stream (one uniform,
through the input's inverse CDF), the events and the mechanism from theirs. Results are
therefore identical whatever the number of processes, the executor or the chunking, any single
run can be replayed with :func:`run_one` (or :func:`simsim.rerun` from saved results), and fixing
or changing one input leaves every other input's draws unchanged (common random numbers).

Runs are computed in chunks (:mod:`simsim.experiment.chunks`) on an executor
(:mod:`simsim.experiment.executors`). With ``out=DIR`` each chunk is written to ``DIR`` as soon as
it completes (:mod:`simsim.experiment.store`) and nothing is kept in memory; ``resume=True``
finishes an interrupted experiment in ``DIR``, computing only the missing chunks.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simsim.errors import RunFailedError, SimsimError
from simsim.experiment import progress
from simsim.experiment.checks import check_inputs, check_run
from simsim.experiment.chunks import Chunk, ChunkFailure, ChunkResult, compute_chunk, split
from simsim.experiment.executors import make_executor
from simsim.inputs import design_of
from simsim.registry import get_mechanism
from simsim.results import SUMMARY_VALUES, Results, build_metadata
from simsim.scenario.schema import Scenario

#: default memory budget for the chunks being computed at once, all workers together
DEFAULT_MEMORY = 2 * 1024**3
#: at most this many runs per chunk (progress and resume granularity)
MAX_CHUNK = {True: 2000, False: 250}


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
        Runs per task sent to a worker (``None``: from ``memory``, see :func:`chunk_size_for`).
    memory
        Memory budget in bytes (or a string such as ``"2G"``, ``"500M"``) for the chunks being
        computed at once by all workers; sets the chunk size from the number of actors and steps
        (``None``: 2 GiB).
    timeseries
        Whether to record the per-step timeseries.
    progress
        Show a progress bar (``None``: in a terminal or a notebook, once a run takes more than
        half a second; see :mod:`simsim.experiment.progress`).
    sampling
        How uncertain inputs are sampled: ``random`` (each run from its own streams), ``lhs``
        (a Latin hypercube over all runs, see :func:`design_uniforms`; fewer runs for the same
        precision of means and sensitivities), or ``sobol`` / ``morris`` (SALib's designs for
        Sobol indices and Morris effects, see :mod:`simsim.designs`; the runs table then records
        each run's design ``row``).
    start_method
        Multiprocessing start method for the pool (``None``: ``fork`` on Linux, so that workers
        inherit mechanisms registered in a script or notebook and scripts need no main guard;
        ``forkserver`` or ``spawn`` elsewhere). The global start method is never changed.
    out
        Results folder: each chunk is written there as it completes (Parquet parts) and the
        returned :class:`Results` reads from it; ``None`` keeps the results in memory.
    resume
        Finish the interrupted experiment in ``out``: its plan (runs, seed, chunks, sampling) is
        read from the folder and only the missing chunks are computed.
    executor
        Where chunks are computed: ``None`` (local processes, or this process for one job),
        ``"serial"``, ``"local"`` (a Dask LocalCluster), ``"tcp://HOST:PORT"`` (a Dask scheduler),
        a ``dask.distributed.Client``, or an executor object (see
        :mod:`simsim.experiment.executors`).
    """

    replications: int | None = None
    seed: int | None = None
    jobs: int | None = None
    chunk_size: int | None = None
    timeseries: bool = True
    progress: bool | None = None
    start_method: str | None = None
    sampling: str = "random"
    memory: int | str | None = None
    out: str | os.PathLike[str] | None = None
    resume: bool = False
    executor: Any = None


@dataclass(frozen=True)
class Points:
    """The design points of a sweep, run as one experiment (see :func:`simsim.designs.sweep`).

    Point p is ``scenarios[p]``; its runs are ``p * replications + i`` for i < ``replications``
    (the replications given to :func:`run` are per point), with the seeds of runs ``0..replications-1``
    at every point (common random numbers). Chunks never straddle two points.
    """

    #: one validated scenario per point
    scenarios: tuple[Scenario, ...]
    #: per point, the constant columns placed after ``run`` (``point``, ``sweep.<path>``)
    columns: tuple[tuple[tuple[str, float], ...], ...]
    #: recorded as ``metadata["design"]``
    design: dict[str, Any]
    #: entries of ``plan.json`` that a resumed experiment must match
    plan: dict[str, Any]


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
    pass its row's input columns; by default they are drawn from the run's input streams.

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
    res = compute_chunk(scenario, Chunk(int(run_id), np.array([int(seed)], dtype=np.int64), True, given=given))
    if isinstance(res, ChunkFailure):
        raise RunFailedError(f"run {run_id} (seed {seed}) failed: {res.error}", run_id, seed, res.inputs,
                             res.details)
    runs = pd.DataFrame(res.runs)
    row = runs.iloc[0].to_dict()
    frame = pd.DataFrame({k: v for k, v in res.timeseries.items() if k != "run"})
    return row, frame[["step", *[c for c in frame.columns if c != "step"]]] if len(frame.columns) else frame


def design_uniforms(scenario: Scenario, n: int, master_seed: int, sampling: str) -> np.ndarray | None:
    """The (n, k) uniforms of a sampling design over the k uncertain inputs, or None for ``random``.

    ``lhs``: a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`): for every input, each
    of the n equal-probability strata holds exactly one run. The design depends on the master
    seed and on n, so (unlike ``random``) the first runs of a longer experiment differ.
    ``sobol`` and ``morris``: SALib's designs for Sobol indices and Morris elementary effects
    (see :mod:`simsim.designs`); n must fit the design.
    """
    if sampling == "random":
        return None
    if sampling in ("sobol", "morris"):
        from simsim.designs.salib import design_uniforms as salib_design

        return salib_design(scenario, n, master_seed, sampling)
    if sampling != "lhs":
        raise SimsimError(f"unknown sampling '{sampling}'; use 'random', 'lhs', 'sobol' or 'morris'")
    k = len(design_of(scenario).uncertain)
    if k == 0:
        return None
    from scipy.stats import qmc

    gen = np.random.default_rng([int(master_seed), 2])
    try:
        sampler = qmc.LatinHypercube(d=k, rng=gen)
    except TypeError:  # SciPy < 1.15 names the generator `seed`
        sampler = qmc.LatinHypercube(d=k, seed=gen)
    return sampler.random(n)


# ------------------------------------------------------------------- chunk sizes from memory
_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "M": 1024**2, "MB": 1024**2, "G": 1024**3, "GB": 1024**3,
          "T": 1024**4, "TB": 1024**4}


def parse_memory(value: int | str | None) -> int:
    """Bytes from ``value``: a number of bytes, or text such as ``"2G"``, ``"500MB"`` (powers of 1024)."""
    if value is None:
        return DEFAULT_MEMORY
    if isinstance(value, bool):
        raise SimsimError(f"memory must be a size such as 2G (got {value!r})")
    if isinstance(value, (int, float)):
        b = int(value)
    else:
        m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*", str(value))
        if not m or m.group(2).upper() not in _UNITS:
            raise SimsimError(f"memory must be a size such as 2G, 500M or 1.5GB (got {value!r})")
        b = int(float(m.group(1)) * _UNITS[m.group(2).upper()])
    if b < 1024**2:
        raise SimsimError(f"memory must be at least 1M (got {value!r})")
    return b


def bytes_per_run(scenario: Scenario) -> int:
    """Estimated working memory of one run while its chunk is computed, in bytes.

    A mechanism holds each relation as an (n, n) array per run, and works on about a dozen more
    (n, n) arrays (utilities, propensities, temporaries); the timeseries keeps (steps + 1)
    values of each reporter (about n + 8 reporters) in Mesa's collector, as arrays and as the
    long table; the run table holds one value per input and outcome. Measured against the peak
    memory of 200- and 1,000-actor dilemma scenarios (``benchmarks/bench_memory.py``).
    """
    d = design_of(scenario)
    n = len(d.ids)
    mech = get_mechanism(scenario.model)
    n_outcomes = len(mech.outcome_specs(scenario))
    matrices = (len(d.rel) + 12) * n * n
    series = (scenario.steps + 1) * (n + 8) * 3
    table = 4 * (len(d.uncertain) + n_outcomes + len(scenario.events) * (n + 8))
    return 8 * (matrices + series + table)


def chunk_size_for(scenario: Scenario, n: int, jobs: int, memory: int) -> int:
    """Runs per chunk: what fits ``memory`` with ``jobs`` chunks computed at once.

    Each chunk is counted twice (computed, and its results in transit), at most
    :data:`MAX_CHUNK` runs, and small enough to give every worker several chunks.
    """
    vectorised = get_mechanism(scenario.model).vectorised
    by_memory = memory // (2 * jobs * bytes_per_run(scenario))
    balance = -(-n // (jobs * 4)) if jobs > 1 else n
    return int(max(1, min(MAX_CHUNK[vectorised], by_memory, balance)))


# ------------------------------------------------------------------- public entry point
def _whole(label: str, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not float(value).is_integer()):
        raise SimsimError(f"{label} must be a whole number (got {value!r})")


def _plan_for(scenario: Scenario, n: int, master: int, seed_drawn: bool, s: RunSettings, chunk: int,
              memory: int) -> dict[str, Any]:
    return {"format_version": 2, "scenario": scenario.name, "content_hash": scenario.content_hash,
            "replications": n, "seed": master, "seed_drawn": seed_drawn, "sampling": s.sampling,
            "chunk_size": chunk, "timeseries": s.timeseries, "memory": memory,
            "started": datetime.now(UTC).isoformat(timespec="seconds")}


def _resume_plan(scenario: Scenario, out: Path, replications: int | None, seed: int | None,
                 points: Points | None) -> dict[str, Any]:
    from simsim.experiment.store import PartStore

    plan = PartStore(out).plan()
    if plan.get("content_hash") != scenario.content_hash:
        raise SimsimError(f"--resume {out}: the results there were started from another scenario (or other --set "
                          f"values) than {scenario.name}; resume with the same scenario and overrides")
    if points is not None and any(plan.get(k) != v for k, v in points.plan.items()):
        raise SimsimError(f"--resume {out}: the results there were started from another sweep (factors or their "
                          f"values); resume with the same ones")
    if points is None and plan.get("design") == "sweep":
        raise SimsimError(f"--resume {out}: the results there are a sweep; resume them with the sweep's scenario")
    per_point = plan.get("per_point", plan["replications"])
    for label, given, planned in (("replications", replications, per_point),
                                  ("seed", seed, plan["seed"])):
        if given is not None and int(given) != int(planned):
            raise SimsimError(f"--resume {out}: {label} {given} differs from the interrupted experiment's "
                              f"{planned}; leave it out to resume")
    return plan


def with_shortcuts(settings: RunSettings | None, jobs: int | None, out: str | os.PathLike[str] | None,
                   executor: Any, quiet: bool) -> RunSettings:
    """``settings`` with :func:`run`'s shortcut arguments applied (those given win over it)."""
    s = settings or RunSettings()
    given: dict[str, Any] = {k: v for k, v in (("jobs", jobs), ("out", out), ("executor", executor)) if v is not None}
    if quiet:
        given["progress"] = False
    return replace(s, **given) if given else s


def run(
    scenario: Scenario | str | os.PathLike[str],
    replications: int | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    *,
    settings: RunSettings | None = None,
    out: str | os.PathLike[str] | None = None,
    executor: Any = None,
    quiet: bool = False,
    points: Points | None = None,
) -> Results:
    """Run ``scenario`` ``replications`` times and collect the results.

    Parameters
    ----------
    scenario
        A validated scenario (:func:`simsim.load_scenario`), or a path or shipped scenario name
        to load.
    replications, seed, jobs, out, executor
        Shortcuts for the fields of ``settings`` (they win over it); see :class:`RunSettings`.
    settings
        All options.
    quiet
        No progress bar, whatever ``settings.progress`` says.
    points
        The design points of a sweep (:class:`Points`; built by :func:`simsim.designs.sweep`):
        ``replications`` is then per point.

    Returns
    -------
    Results
        ``runs`` (one row per run), ``timeseries`` (run, step, reporters), metadata. With
        ``out``, they are read lazily from the folder.

    A scenario with an ``experiment:`` section is run as that section says (a sweep, ``lhs``,
    ``sobol`` or ``morris``; see :func:`simsim.designs.run_experiment`), unless ``sampling``
    chooses another design.

    Raises
    ------
    RunFailedError
        A run raised inside the mechanism: the error names its run id, seed and inputs. Chunks
        already written to ``out`` stay valid.
    """
    if isinstance(scenario, (str, os.PathLike)):
        from simsim.scenario import load_scenario

        scenario = load_scenario(scenario)
    check_run(scenario, replications, seed, jobs, settings)  # misuse and memory, before anything runs
    s = settings or RunSettings()
    if out is not None:
        s = replace(s, out=out)
    check_run(scenario, replications, seed, jobs, s)  # misuse and memory, before anything runs
    exp = scenario.experiment
    if points is None and exp is not None and s.sampling not in ("random", exp.design) \
            and not (s.sampling == "lhs" and exp.design == "random"):
        raise SimsimError(f"sampling '{s.sampling}' conflicts with the experiment: section of {scenario.name} "
                          f"(design '{exp.design}'): leave sampling out to run the section's design, or give "
                          f"simsim.designs.run_experiment(scenario, design='{s.sampling}') to replace it")
    if points is None and exp is not None and exp.design != "random" and s.sampling == "random":
        # the scenario's experiment: section chooses the design (a sweep, lhs, sobol, morris)
        from simsim.designs import run_experiment

        return run_experiment(scenario, replications, seed, settings=with_shortcuts(s, jobs, None, executor, quiet))
    out_dir = Path(s.out) if s.out is not None else None
    executor = executor if executor is not None else s.executor
    given_n = replications if replications is not None else s.replications
    given_seed = seed if seed is not None else s.seed
    for label, value in (("replications", given_n), ("seed", given_seed), ("chunk_size", s.chunk_size),
                         ("jobs", jobs if jobs is not None else s.jobs)):
        _whole(label, value)
    memory = parse_memory(s.memory)
    plan: dict[str, Any] | None = None
    if s.resume:
        if out_dir is None:
            raise SimsimError("resume needs the results folder (out=DIR, --resume DIR)")
        if (out_dir / "metadata.json").is_file() and not (out_dir / "plan.json").is_file():
            return Results.load(out_dir)  # finished already: nothing to do
        plan = _resume_plan(scenario, out_dir, given_n, given_seed, points)
        n, master, seed_drawn = int(plan.get("per_point", plan["replications"])), int(plan["seed"]), \
            bool(plan["seed_drawn"])
        s = RunSettings(**{**s.__dict__, "sampling": plan["sampling"], "timeseries": bool(plan["timeseries"]),
                           "chunk_size": int(plan["chunk_size"])})
    else:
        n = given_n if given_n is not None else scenario.replications
        chosen = given_seed if given_seed is not None else scenario.seed
        seed_drawn = chosen is None
        master = secrets.randbits(63) if chosen is None else chosen
        _whole("replications", n)
        if int(n) < 1:
            raise SimsimError(f"replications must be at least 1 (got {n})")
        if int(master) < 0:
            raise SimsimError(f"a seed must be non-negative (got {master})")
        n, master = int(n), int(master)
    if s.chunk_size is not None and int(s.chunk_size) < 1:
        raise SimsimError(f"chunk_size must be at least 1 (got {s.chunk_size})")
    vectorised = get_mechanism(scenario.model).vectorised
    point_scenarios = points.scenarios if points is not None else (scenario,)
    n_points = len(point_scenarios)
    n_jobs = jobs if jobs is not None else s.jobs
    if n_jobs is not None and int(n_jobs) < 1:
        raise SimsimError(f"jobs must be at least 1 (got {n_jobs})")
    if n_jobs is None:
        if executor is not None and executor not in ("processes", "serial"):
            n_jobs = os.cpu_count() or 1
        else:
            # a vectorised mechanism computes thousands of runs per second in one process: a
            # pool only pays off for large experiments
            threshold = 20_000 if vectorised else 500
            n_jobs = 1 if n * n_points < threshold else (os.cpu_count() or 1)
    n_jobs = max(1, min(int(n_jobs), n * n_points))
    ex = make_executor(executor, n_jobs, s.start_method)
    if points is not None and s.sampling in ("sobol", "morris"):
        raise SimsimError(f"a sweep cannot use {s.sampling} sampling: run the {s.sampling} design at fixed values")

    opener = getattr(ex, "open", None)
    if callable(opener):
        opener()  # e.g. connect to a Dask scheduler now: if it is unreachable, nothing has been written
    try:
        return _execute(scenario, s, ex, points, point_scenarios, n, master, seed_drawn, memory, plan, out_dir,
                        quiet)
    finally:
        closer = getattr(ex, "close", None)
        if callable(closer):
            closer()


def _execute(scenario: Scenario, s: RunSettings, ex: Any, points: Points | None,
             point_scenarios: tuple[Scenario, ...], n: int, master: int, seed_drawn: bool, memory: int,
             plan: dict[str, Any] | None, out_dir: Path | None, quiet: bool) -> Results:
    """Compute the chunks not yet done on ``ex``, streamed to ``out_dir`` or collected; the results."""
    n_points = len(point_scenarios)
    resuming = plan is not None
    chunk = int(s.chunk_size) if s.chunk_size is not None else chunk_size_for(scenario, n * n_points, ex.jobs, memory)
    seeds = run_seeds(master, n)
    # per point: a design's uniforms over that point's uncertain inputs (None: the runs' input streams)
    designs = [design_uniforms(sc, n, master, s.sampling) for sc in point_scenarios]
    store = None
    done: set[int] = set()
    if out_dir is not None:
        from simsim.experiment.store import PartStore

        store = PartStore(out_dir)
        if plan is None:
            plan = _plan_for(scenario, n * n_points, master, seed_drawn, s, chunk, memory)
            if points is not None:
                plan.update(points.plan, per_point=n)
            store.start(plan)
        else:
            removed = store.reopen()
            if removed:
                import warnings

                chunks = sorted({f.name for f in removed})
                shown = ", ".join(chunks[:3]) + (" ..." if len(chunks) > 3 else "")
                warnings.warn(f"{len(chunks)} chunk(s) in {out_dir} had a damaged part: computed again ({shown})",
                              stacklevel=2)
            done = store.done_starts()
    # chunks of each point (a chunk never straddles two points), without those already on disk
    todo = [(p, range(p * n + r.start, p * n + r.stop)) for p in range(n_points) for r in split(n, chunk)
            if p * n + r.start not in done]
    total = n * n_points
    # workers on this machine write their chunks' parts themselves: the main process stays idle
    write_to = str(out_dir) if out_dir is not None and getattr(ex, "local", False) else None

    # the summary's outcome columns, kept as the chunks complete (workers that write their parts
    # return them too), so that the summary need not read the parts back; only when they are few
    # and no chunk was written by an earlier, interrupted run
    keep: tuple[str, ...] = ()
    if store is not None and not done:
        names = tuple(o.name for o in get_mechanism(scenario.model).outcome_specs(scenario))
        keep = names if total * len(names) <= SUMMARY_VALUES else ()
    kept: dict[int, dict[str, np.ndarray]] = {}

    per_row = 0
    if s.sampling in ("sobol", "morris"):  # the runs table records each run's design row
        from simsim.designs.salib import replications_of

        per_row = replications_of(scenario)

    def task(p: int, r: range) -> Chunk:
        i, j = r.start - p * n, r.stop - p * n  # the runs' places within their point
        d = designs[p]
        return Chunk(r.start, seeds[i:j], s.timeseries, None if d is None else d[i:j], write_to=write_to, point=p,
                     columns=points.columns[p] if points is not None else (), per_row=per_row, keep=keep)

    tasks = (task(p, r) for p, r in todo)
    bar = progress.bar(total, False if quiet else s.progress)
    if bar is not None and sum(len(r) for _, r in todo) < total:
        bar.update(total - sum(len(r) for _, r in todo))  # resumed: the chunks already on disk
    collected: dict[int, ChunkResult] = {}
    failures: list[ChunkFailure] = []
    try:
        for res in ex.map(point_scenarios if points is not None else scenario, tasks, lambda: bool(failures)):
            if isinstance(res, ChunkFailure):
                failures.append(res)
                continue
            if store is None:
                collected[res.start] = res
            elif not res.written:
                store.write_chunk(res.start, res.runs, res.timeseries)
            if keep:
                kept[res.start] = {c: res.runs[c] for c in keep if c in res.runs}
            if bar is not None:
                bar.update(len(res.runs["run"]))
    except SimsimError as exc:
        if out_dir is None:
            raise
        # one line: the CLI prints a SimsimError's text on one line (escaping line breaks)
        raise type(exc)(f"{str(exc).rstrip('.')}. The chunks completed so far are in {out_dir}: finish with "
                        f"`simsim run {scenario.origin or scenario.name} --resume {out_dir}`") from None
    finally:
        if bar is not None:
            bar.close()
    if failures:
        _raise_failure(min(failures, key=lambda f: f.start), out_dir, scenario.origin or scenario.name)
    settings_used = {"replications": total, "seed": master, "seed_drawn": seed_drawn, "sampling": s.sampling,
                     "jobs": ex.jobs, "executor": ex.describe(), "chunk_size": chunk, "memory": memory,
                     "timeseries": s.timeseries}
    meta = build_metadata(scenario, settings_used)
    if resuming:  # say how much was on disk already
        meta["resumed"] = {"chunks_on_disk": len(done), "chunks_computed": len(todo),
                           "runs_computed": sum(len(r) for _, r in todo)}
    if points is not None:
        meta["design"] = {**points.design, "replications": n}
    if s.sampling in ("sobol", "morris"):
        from simsim.designs.salib import design_metadata

        meta["design"] = design_metadata(scenario, s.sampling, n)
    if store is not None:
        assert out_dir is not None
        res_disk = Results(None, None, meta, directory=out_dir)
        store.finish(meta, res_disk._summarised_from(_reader(kept) if keep else None).summary_record())
        return res_disk
    return _assemble(collected, meta)


def _reader(kept: dict[int, dict[str, np.ndarray]]) -> Callable[[str], pd.Series | None]:
    """A column reader over the columns kept from every chunk, in run order (as read from the parts)."""
    order = sorted(kept)

    def column(name: str) -> pd.Series | None:
        if not order or name not in kept[order[0]]:
            return None
        return pd.Series(np.concatenate([kept[start][name] for start in order]))

    return column


def _assemble(collected: dict[int, ChunkResult], meta: dict[str, Any]) -> Results:
    parts = [collected[k] for k in sorted(collected)]
    # copy=False: the concatenated arrays are new already, and pandas then keeps one block per
    # column instead of copying them all into one 2-D block (a quarter of a 100,000-run experiment)
    runs = pd.DataFrame({k: np.concatenate([p.runs[k] for p in parts]) for k in parts[0].runs}, copy=False) \
        if all(p.runs.keys() == parts[0].runs.keys() for p in parts) \
        else pd.concat([pd.DataFrame(p.runs) for p in parts], ignore_index=True)
    ts_keys = parts[0].timeseries.keys()
    timeseries = pd.DataFrame({k: np.concatenate([p.timeseries[k] for p in parts]) for k in ts_keys}, copy=False) \
        if ts_keys else pd.DataFrame()
    return Results(runs, timeseries, meta)


def _raise_failure(f: ChunkFailure, out_dir: Path | None, source: str = "SCENARIO") -> None:
    kept = (f"; the chunks completed so far are in {out_dir}: fix the cause, then finish with "
            f"`simsim run {source} --resume {out_dir}`") if out_dir is not None else ""
    if f.run_id is None:
        raise RunFailedError(f"the chunk starting at run {f.start} failed ({f.error}), but no run failed alone{kept}",
                             details=f.details)
    shown = ", ".join(f"{k}={v:.6g}" for k, v in list(f.inputs.items())[:12])
    more = f" (+{len(f.inputs) - 12} more)" if len(f.inputs) > 12 else ""
    raise RunFailedError(
        f"run {f.run_id} failed inside the mechanism: {f.error}\n  seed {f.seed}; inputs: {shown or 'none'}{more}\n"
        f"  replay it with `simsim rerun DIR {f.run_id}` once results exist, or "
        f"simsim.run_one(scenario, {f.seed}, {f.run_id}){kept}", f.run_id, f.seed, f.inputs, f.details)
