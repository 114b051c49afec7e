"""Results streamed to disk as they are computed: Parquet parts, written atomically, metadata last.

Layout of a results folder written by :func:`simsim.run` with ``out=DIR``::

    DIR/plan.json                          what is being computed (written first)
    DIR/runs.parquet/part-0000000000.parquet   runs start..stop-1 of one chunk, one row per run
    DIR/timeseries.parquet/part-0000000000.parquet   the same runs' timeseries
    DIR/metadata.json, DIR/summary.json    written last: their presence marks a finished experiment

``runs.parquet`` and ``timeseries.parquet`` are folders of parts (a Parquet dataset, which
``pandas.read_parquet`` and ``pyarrow.dataset`` read as one table). A part is written to a hidden
temporary file and renamed into place, timeseries before runs, so a chunk counts as done exactly
when its runs part exists; an interrupted experiment loses only the chunks in flight, and
``resume`` computes only the missing ones (see :func:`missing_chunks`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from simsim.errors import ResultsError

PLAN = "plan.json"
RUNS = "runs.parquet"
TIMESERIES = "timeseries.parquet"
DONE_FILES = ("metadata.json", "summary.json")


_PART = re.compile(r"part-[0-9]{10}\.parquet")
#: what simsim writes inside a table's folder: parts, and the hidden temporary files of parts being written
_OWN_IN_TABLE = re.compile(r"\.?part-[0-9]{10}\.parquet(\.tmp)?")
#: figures that simsim's commands draw from a results folder into it by default (``simsim run``, ``plot``,
#: ``sensitivity``, ``convergence``, ``design``): they show the folder's results, so they go with them
FIGURES = ("outcomes.png", "sensitivity.png", "convergence.png", "design.png")


def remove_figures_of_earlier_results(directory: Path) -> list[Path]:
    """Before new results replace earlier ones in ``directory``: check, then remove their figures.

    Calls :func:`check_replaceable`; when the folder holds earlier results, removes the
    :data:`FIGURES` drawn from them (only those names). Returns the figures removed.
    """
    check_replaceable(directory)
    if not any((directory / name).exists() for name in (RUNS, TIMESERIES, PLAN, *DONE_FILES)):
        return []
    removed = [directory / name for name in FIGURES if (directory / name).is_file()]
    for f in removed:
        f.unlink()
    return removed


def check_replaceable(directory: Path) -> None:
    """Refuse to replace the results in ``directory`` if its tables hold files simsim did not write.

    ``runs.parquet`` and ``timeseries.parquet`` are removed whole when new results replace old
    ones; a file in them that is not a part (a user's note, a copy) would be lost silently.

    Raises
    ------
    ResultsError
        Naming the unexpected files and the way out.
    """
    foreign = []
    for table in (RUNS, TIMESERIES):
        p = directory / table
        if p.is_dir():
            foreign += [f for f in sorted(p.rglob("*")) if not (f.is_file() and f.parent == p
                                                                and _OWN_IN_TABLE.fullmatch(f.name))]
    if foreign:
        shown = ", ".join(str(f) for f in foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise ResultsError(f"{directory}: replacing its results would delete files simsim did not write ({shown}): "
                           f"move them out of {directory}, or write the new results to another folder (--out)")


def part_name(start: int) -> str:
    """File name of the part holding the chunk that starts at run ``start``."""
    return f"part-{start:010d}.parquet"


def part_start(name: str) -> int:
    """The first run of a part from its file name."""
    return int(name.removeprefix("part-").removesuffix(".parquet"))


def to_table(columns: Mapping[str, np.ndarray]) -> Any:
    """A :class:`pyarrow.Table` from named arrays (object arrays of labels become strings)."""
    import pyarrow as pa

    arrays = {}
    for k, v in columns.items():
        v = np.asarray(v)
        arrays[k] = pa.array(v.tolist() if v.dtype == object else v, from_pandas=True)
    return pa.table(arrays)


def _write_atomic(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


class PartStore:
    """A results folder being written chunk by chunk (see the module docstring)."""

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)

    # -- starting and resuming -------------------------------------------------------------
    def start(self, plan: dict[str, Any]) -> None:
        """Begin a new experiment here: remove earlier results (only simsim's own files), write the plan.

        The figures simsim draws from a results folder (:data:`FIGURES`) are removed with the
        results they showed. A folder whose tables hold files simsim did not write is refused
        (:func:`check_replaceable`) before anything is removed.
        """
        remove_figures_of_earlier_results(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        for name in (RUNS, TIMESERIES):
            p = self.dir / name
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
        for name in (*DONE_FILES, PLAN):
            (self.dir / name).unlink(missing_ok=True)
        (self.dir / RUNS).mkdir()
        (self.dir / TIMESERIES).mkdir()
        tmp = self.dir / f".{PLAN}.tmp"
        tmp.write_text(json.dumps(plan, indent=2))
        os.replace(tmp, self.dir / PLAN)

    def plan(self) -> dict[str, Any]:
        """The plan of the experiment in this folder (for ``resume``)."""
        p = self.dir / PLAN
        if not p.is_file():
            if (self.dir / "metadata.json").is_file():
                raise ResultsError(f"{self.dir}: these results are complete (no plan.json): nothing to resume")
            raise ResultsError(f"{self.dir}: no experiment to resume here (missing {PLAN})")
        try:
            plan = json.loads(p.read_text())
        except json.JSONDecodeError as exc:
            raise ResultsError(f"{p}: invalid JSON ({exc})") from None
        if not isinstance(plan, dict):
            raise ResultsError(f"{p}: not a simsim plan (expected an object)")
        for key, kind in (("replications", int), ("seed", int), ("chunk_size", int), ("timeseries", bool),
                          ("sampling", str), ("content_hash", str)):
            v = plan.get(key)
            bad_int = kind is int and (isinstance(v, bool) or not isinstance(v, int) or v < (0 if key == "seed" else 1))
            if not isinstance(v, kind) or bad_int:
                raise ResultsError(f"{p}: '{key}' is {v!r}, not a valid {kind.__name__}: the plan was edited or "
                                   f"damaged; start the experiment again without --resume")
        return plan

    def done_starts(self) -> set[int]:
        """First runs of the chunks already written."""
        d = self.dir / RUNS
        if not d.is_dir():
            return set()
        return {part_start(p.name) for p in d.glob("part-*.parquet") if _PART.fullmatch(p.name)}

    def reopen(self) -> list[Path]:
        """Prepare to add parts to an interrupted experiment: drop leftovers of interrupted writes.

        A part that cannot be read (damaged or truncated) is removed with its chunk's other part,
        so that the chunk is computed again. Returns the removed parts.
        """
        import pyarrow.parquet as pq

        for sub in (RUNS, TIMESERIES):
            (self.dir / sub).mkdir(exist_ok=True)
            for tmp in (self.dir / sub).glob(".*.tmp"):
                tmp.unlink()
        for name in DONE_FILES:
            (self.dir / name).unlink(missing_ok=True)
        removed = []
        for start in sorted(self.done_starts()):
            parts = [self.dir / sub / part_name(start) for sub in (RUNS, TIMESERIES)]
            try:
                for f in parts:
                    if f.exists():
                        pq.read_metadata(f)  # the footer: a truncated or foreign file fails here
            except Exception:  # noqa: BLE001 - any unreadable part: compute its chunk again
                for f in parts:
                    if f.exists():
                        f.unlink()
                        removed.append(f)
        return removed

    # -- writing ---------------------------------------------------------------------------
    def write_chunk(self, start: int, runs: Mapping[str, np.ndarray], timeseries: Mapping[str, np.ndarray]) -> None:
        """Write one chunk's parts: timeseries first, then runs (which marks the chunk done)."""
        if timeseries:
            _write_atomic(to_table(timeseries), self.dir / TIMESERIES / part_name(start))
        _write_atomic(to_table(runs), self.dir / RUNS / part_name(start))

    def finish(self, metadata: dict[str, Any], summary: dict[str, Any]) -> None:
        """Write ``metadata.json`` and ``summary.json`` (last), then remove the plan."""
        from simsim.results import _json_default

        for name, obj in (("summary.json", summary), ("metadata.json", metadata)):
            tmp = self.dir / f".{name}.tmp"
            tmp.write_text(json.dumps(obj, indent=2, default=_json_default))
            os.replace(tmp, self.dir / name)
        (self.dir / PLAN).unlink(missing_ok=True)


def part_files(directory: Path, table: str) -> list[Path]:
    """The parts of ``table`` (``runs.parquet`` or ``timeseries.parquet``) in run order.

    A single-file table (as written by :meth:`Results.save`) is one part.
    """
    p = directory / table
    if p.is_file():
        return [p]
    if p.is_dir():
        return sorted(p.glob("part-*.parquet"), key=lambda f: part_start(f.name))
    raise ResultsError(f"{directory}: not a simsim results folder (missing {table})")
