"""Replay one run of saved results exactly: same inputs, outcomes and timeseries.

The scenario is rebuilt from the content recorded in the results' ``metadata.json`` (checked
against its content hash), the run's seed and inputs are read from its row, and the run is
computed again alone (see :func:`simsim.experiment.run_one`). A run depends only on its seed, so
this reproduces it whatever the executor or chunking of the original experiment; for a sampling
design (``lhs``, ``sobol``, ``morris``) the run's recorded inputs are used, since they come from the
whole design (so a replay checks the outcomes computed from them, not the inputs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simsim.errors import ResultsError
from simsim.results import Results
from simsim.scenario.schema import Scenario


@dataclass(repr=False)
class Replay:
    """A run computed again and the stored run it should equal.

    Attributes
    ----------
    row : dict
        The recomputed run: ``run``, ``seed``, inputs, outcomes.
    timeseries : DataFrame
        The recomputed timeseries (``step`` and reporters).
    stored_row : dict
        The run's row in the results.
    stored_timeseries : DataFrame
        The run's stored timeseries (empty if the results have none).
    """

    row: dict[str, Any]
    timeseries: pd.DataFrame
    stored_row: dict[str, Any]
    stored_timeseries: pd.DataFrame

    @property
    def identical(self) -> bool:
        """Whether the recomputed run equals the stored one in every column and step."""
        return not self.differences()

    def __repr__(self) -> str:
        diffs = self.differences()
        said = "identical to the stored run" if not diffs else f"differs in {', '.join(diffs[:6])}" + (
            f" (+{len(diffs) - 6} more)" if len(diffs) > 6 else "")
        return (f"Replay(run={self.row.get('run')}, seed={self.row.get('seed')}, {len(self.row)} columns, "
                f"{len(self.timeseries)} steps: {said})")

    def differences(self) -> list[str]:
        """Names of the columns whose recomputed value differs from the stored one (empty: identical)."""
        diffs = [k for k in self.stored_row if not _same(self.row.get(k), self.stored_row[k])]
        if len(self.stored_timeseries):
            mine = self.timeseries.reset_index(drop=True)
            for c in self.stored_timeseries.columns:
                if c not in mine or not mine[c].equals(self.stored_timeseries[c].reset_index(drop=True)):
                    diffs.append(f"timeseries.{c}")
        return diffs


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True  # both NaN
    return bool(a == b)


def scenario_of(results: Results) -> Scenario:
    """The scenario the results were computed from, rebuilt from their metadata."""
    from simsim.scenario import scenario_from_data

    meta = results.metadata
    content = meta.get("scenario_data")
    if not content:
        raise ResultsError("these results do not record their scenario's input data (metadata.json lacks "
                           "scenario_data; results written before simsim 0.1.0's streaming format): they cannot "
                           "be replayed")
    scn = scenario_from_data(content, origin=f"{results.directory or 'results'}/metadata.json")
    want = meta.get("scenario", {}).get("content_hash")
    if want and scn.content_hash != want:
        raise ResultsError(f"the scenario recorded in the results does not match its content hash ({want[:12]}...)")
    return scn


def rerun(results: Results | str | os.PathLike[str], run_id: int) -> Replay:
    """Compute run ``run_id`` of ``results`` again, exactly (see the module docstring).

    Parameters
    ----------
    results
        Results, or the folder they were saved or streamed to.
    run_id
        The run's id (column ``run``).

    Returns
    -------
    Replay
        The recomputed run beside the stored one; ``differences()`` is empty when they agree.
    """
    from simsim.experiment.runner import run_one

    res = results if isinstance(results, Results) else Results.load(Path(results))
    n = len(res)
    if isinstance(run_id, bool) or int(run_id) != run_id or not 0 <= int(run_id) < n:
        raise ResultsError(f"run {run_id} is not in these results (runs 0..{n - 1})")
    run_id = int(run_id)
    scn = scenario_of(res)
    stored = _stored(res, run_id)
    row_s, ts_s = stored
    sampling = res.metadata.get("settings", {}).get("sampling", "random")
    inputs = None
    if sampling != "random":
        inputs = {k: float(v) for k, v in row_s.items() if k.split(".", 1)[0] in ("param", "attr", "rel", "bparam")}
    design = res.metadata.get("design") or {}
    if design.get("kind") == "sweep":  # the run's point of the sweep: its factor values on the scenario
        from simsim.designs import point_scenario

        combo = design["points"][int(row_s["point"])]
        scn = point_scenario(scn, dict(zip(design["factors"], combo, strict=True)))
        inputs = None if inputs is None else {k: v for k, v in inputs.items() if k in row_s}
    row, ts = run_one(scn, int(row_s["seed"]), run_id, inputs=inputs)
    if design.get("kind") == "sweep":
        row = {"run": row["run"], "point": row_s["point"],
               **{k: row_s[k] for k in row_s if k.startswith("sweep.")}, **row}
    elif design.get("kind") in ("sobol", "morris") and "row" in row_s:  # the design row, from the layout
        row = {"run": row["run"], "row": run_id // int(design.get("replications") or 1), **row}
    return Replay(row, ts, row_s, ts_s)


def _stored(res: Results, run_id: int) -> tuple[dict[str, Any], pd.DataFrame]:
    """The stored row and timeseries of one run (reading only the part that holds it)."""
    if res.directory is None or res._runs is not None:
        runs, ts = res.runs, res.timeseries
    else:
        import pyarrow.parquet as pq

        from simsim.experiment.store import part_files, part_start

        def part(table: str) -> pd.DataFrame:
            files = part_files(res.directory, table)  # type: ignore[arg-type]
            if len(files) == 1 and not files[0].name.startswith("part-"):
                return pq.read_table(files[0], filters=[("run", "=", run_id)]).to_pandas()
            starts = [part_start(f.name) for f in files]
            i = max([k for k, s in enumerate(starts) if s <= run_id], default=None)
            if i is None:
                return pd.DataFrame()
            return pq.read_table(files[i], filters=[("run", "=", run_id)]).to_pandas()

        runs = part("runs.parquet")
        try:
            ts = part("timeseries.parquet")
        except ResultsError:
            ts = pd.DataFrame()
    rows = runs[runs["run"] == run_id]
    if len(rows) != 1:
        raise ResultsError(f"run {run_id} is not in these results")
    row = rows.iloc[0].to_dict()
    ts_run = ts[ts["run"] == run_id].drop(columns="run").reset_index(drop=True) if len(ts) else pd.DataFrame()
    return row, ts_run
