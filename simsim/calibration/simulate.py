"""Simulating cases for given parameter values, through simsim's runner.

The calibrated parameters are uncertain inputs shared by the cases (``param.w_obligation``,
...). For a population of P particles, each case is run once per particle as one chunk of
the runner with the particles' values given (``given=``), so a vectorised mechanism computes
the whole population side by side. Every other uncertain input of a case keeps its prior: its
values are sampled exactly as :func:`simsim.run` samples them, from each run's own input
streams. Run seeds come from a :class:`numpy.random.SeedSequence` keyed by (master seed,
population, batch, case).
Nothing depends on the number of processes: a task is one (case, chunk) pair and its result
depends only on its key and its inputs.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from simsim.calibration.cases import Case, as_categories
from simsim.errors import SimsimError
from simsim.experiment.chunks import Chunk, ChunkFailure, compute_chunk
from simsim.experiment.executors import _context
from simsim.inputs import design_of, sample_inputs_batch
from simsim.scenario.base import did_you_mean
from simsim.scenario.quantity import Quantity

#: runs per task: the runner's chunk for vectorised mechanisms
CHUNK = 1000


@dataclass(frozen=True)
class Prior:
    """The shared uncertain parameters being calibrated and their prior quantities.

    Particles live in *z-space*: coordinate i is ``Phi^-1(F_i(theta_i))``, so the prior is
    a standard normal whatever the distributions, and a value is ``F_i^-1(Phi(z_i))``
    (``Quantity.from_uniform``), exactly as :func:`simsim.run` samples it.
    """

    columns: tuple[str, ...]
    quantities: tuple[Quantity, ...]

    @property
    def dim(self) -> int:
        """Number of parameters."""
        return len(self.columns)

    def values(self, z: np.ndarray) -> dict[str, np.ndarray]:
        """Parameter values (column -> array of length P) for z-space particles ``z`` (P, d)."""
        u = special.ndtr(np.atleast_2d(z))
        return {c: q.from_uniform(u[:, i]) for i, (c, q) in enumerate(zip(self.columns, self.quantities,
                                                                            strict=True))}

    def describe(self) -> dict[str, str]:
        """Column -> the prior's short description, e.g. ``uniform(0, 2)``."""
        return {c: q.describe() for c, q in zip(self.columns, self.quantities, strict=True)}


def _column(name: str) -> str:
    return name if "." in name else f"param.{name}"


def _same_prior(a: Quantity, b: Quantity) -> bool:
    keep = {"dist", "value", "low", "high", "mean", "sd", "mode", "a", "b", "values", "weights", "file",
            "column", "joint"}
    da, db = a.model_dump(include=keep), b.model_dump(include=keep)
    if a.dist == "empirical" and b.dist == "empirical":
        return bool(np.array_equal(a.samples.values, b.samples.values)
                    and np.array_equal(a.samples.weights, b.samples.weights))
    return da == db


def shared_prior(cases: Sequence[Case], parameters: Sequence[str] | None = None) -> Prior:
    """The prior of the parameters to calibrate, checked to be the same uncertain input in every case.

    Parameters
    ----------
    cases
        The cases.
    parameters
        Names (``w_obligation``) or input columns (``param.w_obligation``, ``attr.MNG.x``).
        ``None``: every uncertain mechanism parameter (``param.*``) that all cases share with the
        same prior.

    Raises
    ------
    SimsimError
        A parameter is not an uncertain input of some case, or its prior differs between cases.
    """
    per_case = [{u.column: u.quantity for u in design_of(c.scenario).uncertain} for c in cases]
    if parameters is None:
        first = per_case[0]
        cols = [c for c in first if c.startswith("param.")
                and all(c in pc and _same_prior(first[c], pc[c]) for pc in per_case[1:])]
        if not cols:
            raise SimsimError("the cases share no uncertain parameter with the same prior: name the "
                              "parameters to calibrate (parameters=[...], --parameters NAME ...)")
    else:
        if len(parameters) == 0:
            raise SimsimError("no parameters to calibrate")
        cols = [_column(p) for p in parameters]
        if len(set(cols)) != len(cols):
            raise SimsimError("a parameter is named twice")
    quantities = []
    for col in cols:
        q0 = None
        for case, pc in zip(cases, per_case, strict=True):
            if col not in pc:
                known = [c for c in pc]
                fixed = col.startswith("param.") and col[6:] in case.scenario.parameters
                why = " (it has a fixed value there: give it a distribution, its prior)" if fixed else ""
                raise SimsimError(f"'{col}' is not an uncertain input of case '{case.name}'{why}"
                                  f"{did_you_mean(col, known)}")
            if q0 is None:
                q0 = pc[col]
            elif not _same_prior(q0, pc[col]):
                raise SimsimError(f"'{col}' has different priors in the cases: {q0.describe()} in "
                                  f"'{cases[0].name}', {pc[col].describe()} in '{case.name}'; calibration "
                                  "infers one value shared by all cases")
        quantities.append(q0)
    return Prior(tuple(cols), tuple(quantities))  # type: ignore[arg-type]


def _seeds(key: Sequence[int], n: int) -> np.ndarray:
    words = np.random.SeedSequence([int(k) for k in key]).generate_state(n, np.uint64)
    return (words >> np.uint64(1)).astype(np.int64)


def _given(case: Case, values: dict[str, np.ndarray], seeds: np.ndarray) -> np.ndarray:
    """The (P, k) input matrix of a case: calibrated columns given, the others sampled as simsim.run does.

    The other inputs come from each run's own input streams (:func:`simsim.model.sample_inputs_batch`),
    so a case run here with a particle's values is the run :func:`simsim.run_one` gives for the
    same seed with those values.
    """
    unc = design_of(case.scenario).uncertain
    sampled = sample_inputs_batch(case.scenario, seeds)
    given = np.empty((len(seeds), len(unc)))
    for i, u in enumerate(unc):
        given[:, i] = values[u.column] if u.column in values else sampled[u.column]
    return given


def _task(case_index: int, key: tuple[int, ...], given: np.ndarray, seeds: np.ndarray,
          cases: Sequence[Case] | None = None) -> np.ndarray:
    cs = cases if cases is not None else _WORKER_CASES
    assert cs is not None, "worker not initialised"
    case = cs[case_index]
    res = compute_chunk(case.scenario, Chunk(0, np.asarray(seeds, dtype=np.int64), False, given=given))
    if isinstance(res, ChunkFailure):
        from simsim.errors import RunFailedError

        raise RunFailedError(f"case '{case.name}': a run (seed {res.seed}) failed: {res.error}", res.run_id,
                             res.seed, res.inputs, res.details)
    return as_categories(np.asarray(res.runs[case.outcome], dtype=object))


_WORKER_CASES: Sequence[Case] | None = None


def _init_worker(cases: Sequence[Case]) -> None:
    global _WORKER_CASES
    _WORKER_CASES = cases


class CaseSimulator:
    """Runs every case once per particle; serially or on a process pool (same results).

    Use as a context manager so that a pool is shut down.

    Parameters
    ----------
    cases
        The cases.
    jobs
        Worker processes (1: in this process).
    start_method
        Multiprocessing start method (``None``: as :func:`simsim.run` chooses).
    """

    def __init__(self, cases: Sequence[Case], jobs: int = 1, start_method: str | None = None) -> None:
        self.cases = list(cases)
        self.jobs = max(1, int(jobs))
        self.start_method = start_method
        self.simulations = 0
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> CaseSimulator:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Shut the worker pool down."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = _context(self.start_method)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks",
                                        category=DeprecationWarning)
                self._pool = ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_init_worker,
                                                 initargs=(self.cases,))
        return self._pool

    def simulate(self, values: dict[str, np.ndarray], key: Sequence[int],
                 case_indices: Sequence[int] | None = None) -> list[np.ndarray]:
        """Simulated categories of each case's outcome, one per particle.

        Parameters
        ----------
        values
            Column -> array of length P: the calibrated parameters of each particle.
        key
            Integers that determine the runs' seeds and the other inputs (e.g. seed, population,
            batch); case ``c`` uses ``(*key, c)``.
        case_indices
            The cases to run (default: all).

        Returns
        -------
        list of ndarray of str
            One array of length P per case run.
        """
        idx = list(range(len(self.cases))) if case_indices is None else list(case_indices)
        n = len(next(iter(values.values())))
        tasks = []
        for c in idx:
            k = (*[int(v) for v in key], c)
            seeds = _seeds(k, n)
            given = _given(self.cases[c], values, seeds)
            for start in range(0, n, CHUNK):
                tasks.append((c, k, given[start:start + CHUNK], seeds[start:start + CHUNK]))
        self.simulations += n * len(idx)
        if self.jobs == 1 or len(tasks) == 1:
            outs = [_task(c, k, g, s, self.cases) for c, k, g, s in tasks]
        else:
            try:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks",
                                            category=DeprecationWarning)
                    pool = self._get_pool()
                    futures = [pool.submit(_task, c, k, g, s) for c, k, g, s in tasks]
                    outs = [f.result() for f in futures]
            except BrokenProcessPool as exc:
                raise SimsimError(f"worker processes failed ({exc}); run with jobs=1 (--jobs 1)") from None
        by_case: dict[int, list[np.ndarray]] = {}
        for (c, *_), out in zip(tasks, outs, strict=True):
            by_case.setdefault(c, []).append(out)
        return [np.concatenate(by_case[c]) for c in idx]


def default_jobs(n_runs: int) -> int:
    """Processes worth starting for ``n_runs`` runs per population (as :func:`simsim.run` decides)."""
    return 1 if n_runs < 20_000 else (os.cpu_count() or 1)
