"""One chunk of runs: what a worker computes, returned as arrays (cheap to send between processes).

A chunk is runs ``start .. start+len(seeds)-1`` of an experiment with their run seeds and, for a
sampling design, their inputs' uniforms; in a sweep, also the design point it belongs to
(every run of a chunk has the same point) and the point's constant columns (``point``,
``sweep.*``). :func:`compute_chunk` runs them (side by side in one model
for a vectorised mechanism) and returns the runs table and timeseries as dicts of numpy arrays.
If a run raises, the chunk's runs are tried one at a time to find it (a run's result does not
depend on its chunk), and a :class:`ChunkFailure` names the run, its seed and inputs.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simsim.inputs import design_of, inputs_from_uniforms, sample_inputs_batch
from simsim.registry import get_mechanism
from simsim.scenario.schema import Scenario

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class Chunk:
    """Runs ``start .. start + len(seeds) - 1`` of an experiment."""

    start: int
    seeds: np.ndarray
    timeseries: bool = True
    #: uniforms of a sampling design, shape (len(seeds), k), or None (inputs from the run streams)
    design: np.ndarray | None = None
    #: given input values, shape (len(seeds), k) (replaying runs), or None
    given: np.ndarray | None = None
    #: results folder the worker writes the chunk's parts to itself (same machine), or None to return them
    write_to: str | None = None
    #: design point of a sweep: index into the tuple of scenarios the executor was given
    point: int = 0
    #: constant columns of the point, placed after ``run`` in the runs table (e.g. ``point``, ``sweep.<path>``)
    columns: tuple[tuple[str, float], ...] = ()
    #: runs per design row of a Sobol or Morris design (run ``i`` is on row ``i // per_row``); 0: no rows
    per_row: int = 0
    #: runs columns a worker that writes the parts itself still returns (the summary's outcomes)
    keep: tuple[str, ...] = ()

    @property
    def stop(self) -> int:
        """One past the last run of the chunk."""
        return self.start + len(self.seeds)

    def __len__(self) -> int:
        return len(self.seeds)


@dataclass
class ChunkResult:
    """The runs table and the timeseries of a chunk, as named arrays."""

    start: int
    runs: Columns
    timeseries: Columns = field(default_factory=dict)
    #: the worker wrote the parts itself (``runs`` then holds only the run ids and the chunk's ``keep`` columns)
    written: bool = False


@dataclass
class ChunkFailure:
    """A run of a chunk raised: which run, its seed and inputs, and the traceback."""

    start: int
    run_id: int | None
    seed: int | None
    inputs: dict[str, float]
    error: str
    details: str


def chunk_inputs(scenario: Scenario, chunk: Chunk) -> dict[str, np.ndarray]:
    """Inputs of a chunk of runs: given values, a design's uniforms, or each run's input streams."""
    if chunk.given is not None:
        cols = [q.column for q in design_of(scenario).uncertain]
        return {c: np.asarray(chunk.given[:, i], dtype=float) for i, c in enumerate(cols)}
    if chunk.design is not None:
        return inputs_from_uniforms(scenario, chunk.design)
    return sample_inputs_batch(scenario, [int(s) for s in chunk.seeds])


def _ts_columns(run_ids: np.ndarray, series: dict[str, np.ndarray]) -> Columns:
    """Long timeseries columns from reporters of shape (T+1, R)."""
    if not series:
        return {}
    length = next(iter(series.values())).shape[0]
    ts: Columns = {"run": np.repeat(run_ids, length), "step": np.tile(np.arange(length, dtype=np.int64), len(run_ids))}
    for k, v in series.items():
        ts[k] = np.ascontiguousarray(v.T).reshape(-1)
    return ts


def _compute(scenario: Scenario, chunk: Chunk) -> ChunkResult:
    mech = get_mechanism(scenario.model)
    run_ids = np.arange(chunk.start, chunk.stop, dtype=np.int64)
    seeds = np.asarray(chunk.seeds, dtype=np.int64)
    inputs = chunk_inputs(scenario, chunk)
    if mech.vectorised:
        model = mech(scenario, inputs, rng=int(seeds[0]), run_seeds=seeds)
        model.run()
        cols: Columns = {"run": run_ids, "seed": seeds}
        cols.update(inputs)
        cols.update({k: np.asarray(v) for k, v in model.outcomes().items()})
        return ChunkResult(chunk.start, cols, _ts_columns(run_ids, model.timeseries()) if chunk.timeseries else {})
    import pandas as pd

    rows = []
    ts_parts: dict[str, list[np.ndarray]] = {}
    for i, (rid, seed) in enumerate(zip(run_ids, seeds, strict=True)):
        one = {k: float(v[i]) for k, v in inputs.items()}
        model = mech(scenario, one, rng=int(seed))
        model.run()
        rows.append({"run": int(rid), "seed": int(seed), **one, **model.outcomes()})
        if chunk.timeseries:
            for k, v in _ts_columns(np.array([rid]), {k: v[:, None] for k, v in model.timeseries().items()}).items():
                ts_parts.setdefault(k, []).append(v)
    frame = pd.DataFrame.from_records(rows)
    return ChunkResult(chunk.start, {c: frame[c].to_numpy() for c in frame.columns},
                       {k: np.concatenate(v) for k, v in ts_parts.items()})


Scenarios = Scenario | tuple[Scenario, ...]


def _with_columns(res: ChunkResult, chunk: Chunk) -> ChunkResult:
    """``res`` with the chunk's constant columns (and a design's ``row``) after ``run``."""
    if not chunk.columns and not chunk.per_row:
        return res
    n = len(res.runs["run"])
    runs: Columns = {"run": res.runs["run"]}
    for name, value in chunk.columns:
        runs[name] = np.full(n, value, dtype=np.int64 if name == "point" else float)
    if chunk.per_row:
        runs["row"] = np.asarray(res.runs["run"], dtype=np.int64) // chunk.per_row
    runs.update({k: v for k, v in res.runs.items() if k != "run"})
    return ChunkResult(res.start, runs, res.timeseries, res.written)


def compute_chunk(scenarios: Scenarios, chunk: Chunk) -> ChunkResult | ChunkFailure:
    """Compute a chunk; on an error inside a mechanism, a :class:`ChunkFailure` naming the failing run.

    ``scenarios`` is the experiment's scenario, or the tuple of a sweep's point scenarios, of
    which the chunk's ``point`` is computed.
    """
    scenario = scenarios[chunk.point] if isinstance(scenarios, tuple) else scenarios
    try:
        res = _with_columns(_compute(scenario, chunk), chunk)
    except Exception as exc:  # noqa: BLE001 - reported with the run that raised
        first = (type(exc).__name__, str(exc), traceback.format_exc())
    else:
        if chunk.write_to is None:
            return res
        from simsim.experiment.store import PartStore

        PartStore(chunk.write_to).write_chunk(res.start, res.runs, res.timeseries)
        kept = {c: res.runs[c] for c in chunk.keep if c in res.runs}
        return ChunkResult(res.start, {"run": res.runs["run"], **kept}, {}, written=True)
    for i in range(len(chunk)) if len(chunk) > 1 else ():
        one = Chunk(chunk.start + i, chunk.seeds[i:i + 1], chunk.timeseries,
                    None if chunk.design is None else chunk.design[i:i + 1],
                    None if chunk.given is None else chunk.given[i:i + 1], point=chunk.point, columns=chunk.columns,
                    per_row=chunk.per_row)
        try:
            _compute(scenario, one)
        except Exception as exc:  # noqa: BLE001
            return _failure(scenario, one, f"{type(exc).__name__}: {exc}", traceback.format_exc())
    if len(chunk) == 1:
        return _failure(scenario, chunk, f"{first[0]}: {first[1]}", first[2])
    return ChunkFailure(chunk.start, None, None, {}, f"{first[0]}: {first[1]}", first[2])


def _failure(scenario: Scenario, one: Chunk, error: str, details: str) -> ChunkFailure:
    try:
        inputs = {k: float(v[0]) for k, v in chunk_inputs(scenario, one).items()}
    except Exception:  # noqa: BLE001 - the inputs themselves failed
        inputs = {}
    return ChunkFailure(one.start, one.start, int(one.seeds[0]), inputs, error, details)


def split(n: int, size: int, done: set[int] | Sequence[int] = ()) -> list[range]:
    """Chunks ``[start, stop)`` of ``size`` runs covering ``0..n-1``, without those starting in ``done``."""
    skip = set(done)
    return [range(s, min(n, s + size)) for s in range(0, n, size) if s not in skip]


def as_frames(result: ChunkResult) -> tuple[Any, Any]:
    """The chunk's tables as DataFrames."""
    import pandas as pd

    return pd.DataFrame(result.runs), pd.DataFrame(result.timeseries)
