"""Empirical distributions: a quantity given by (weighted) samples in a Parquet or CSV file.

A posterior sample written by ``simsim calibrate`` is a table with one row per particle, a
column per parameter and a ``weight`` column. A scenario uses it as a quantity::

    w_obligation: {dist: empirical, file: posterior.parquet, column: param.w_obligation,
                   weights: weight, source: icc_calibration}

The path is relative to the file that writes it (so a fragment next to its posterior works
wherever it is extended from). The distribution puts mass ``w_i / sum(w)`` on value ``x_i``
and is sampled, like every other distribution, by its inverse CDF from one uniform per run.

Two ways to map a uniform to a value (``Quantity.from_uniform``):

- without ``joint:`` (the default), through the marginal CDF of the sorted values, so the
  value is a monotone function of the uniform (as for every other distribution: Latin
  hypercubes stratify it and rank sensitivities read it);
- with ``joint: NAME``, through the cumulative weights of the rows in file order, so that a
  uniform picks a *row*. Quantities that share ``joint: NAME`` and the same file and weights
  take their values from the same row: the runner gives them the same uniform, from the
  run's stream ``joint:NAME`` (see ``Quantity.stream``), so a posterior's parameters keep
  their correlations. Every row must then come from the same file and weights (checked
  when the scenario is loaded).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simsim.scenario.base import did_you_mean

#: file suffixes read as Parquet; anything else ending in .csv is read as CSV
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True)
class Samples:
    """The rows of an empirical distribution, as read from its file.

    Attributes
    ----------
    values, weights
        One entry per row with positive weight, in file order; ``weights`` sums to 1.
    order
        Indices sorting ``values`` (for the marginal inverse CDF).
    cdf_sorted
        Cumulative weights in sorted-value order.
    cdf_rows
        Cumulative weights in file order (for joint row sampling).
    """

    values: np.ndarray
    weights: np.ndarray
    order: np.ndarray
    cdf_sorted: np.ndarray
    cdf_rows: np.ndarray

    @classmethod
    def from_arrays(cls, values: np.ndarray, weights: np.ndarray) -> Samples:
        """Build from values and non-negative weights (rows of zero weight are dropped)."""
        keep = weights > 0
        v, w = np.asarray(values, dtype=float)[keep], np.asarray(weights, dtype=float)[keep]
        w = w / w.sum()
        order = np.argsort(v, kind="stable")
        return cls(v, w, order, np.cumsum(w[order]), np.cumsum(w))

    def marginal(self, u: np.ndarray) -> np.ndarray:
        """Values for uniforms ``u`` by the inverse of the weighted empirical CDF."""
        i = np.minimum(np.searchsorted(self.cdf_sorted, u, side="right"), len(self.values) - 1)
        return self.values[self.order[i]]

    def rows(self, u: np.ndarray) -> np.ndarray:
        """Values of the rows that uniforms ``u`` pick through the cumulative weights in file order."""
        i = np.minimum(np.searchsorted(self.cdf_rows, u, side="right"), len(self.values) - 1)
        return self.values[i]


_CACHE: dict[tuple[Any, ...], Samples] = {}


def resolve(file: str, written_in: str | None) -> Path:
    """The path of ``file`` as written in the file ``written_in`` (relative to its folder).

    ``written_in`` is the label of the YAML file the quantity came from; ``None`` or a
    command-line override (``--set ...``) resolves relative to the working directory.
    """
    p = Path(os.path.expanduser(file))
    if p.is_absolute() or not written_in or written_in.startswith(("--set", "override ", "<")):
        return p
    return Path(written_in).parent / p


def _read_columns(path: Path, columns: list[str], name: str) -> Any:
    import pandas as pd

    if path.suffix.lower() in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        names = pq.read_schema(path).names
        missing = [c for c in columns if c not in names]
        if missing:
            raise ValueError(_no_column(missing[0], names, name))
        return pd.read_parquet(path, columns=columns)
    if path.suffix.lower() == ".csv":
        header = pd.read_csv(path, nrows=0).columns.tolist()
        missing = [c for c in columns if c not in header]
        if missing:
            raise ValueError(_no_column(missing[0], header, name))
        return pd.read_csv(path, usecols=columns)
    raise ValueError(f"empirical file '{name}' must be Parquet (.parquet, .pq) or CSV (.csv)")


def _no_column(column: str, names: list[str], name: str) -> str:
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"no column '{column}' in '{name}'{did_you_mean(column, names)}; columns: {shown}"


def load_samples(path: Path, column: str, weights: str | None, name: str | None = None) -> Samples:
    """Read and check the samples of an empirical quantity (cached by path, size and mtime).

    Raises
    ------
    ValueError
        The file is missing or unreadable, a column is missing, or a value or weight is not a
        finite number (weights must also be non-negative with a positive sum). The message
        names the file (``name``, as written in the scenario), the column and the first bad row.
    """
    name = name or str(path)
    if not path.is_file():
        where = "" if name == str(path) else f" (looked for {path})"
        raise ValueError(f"empirical file '{name}' not found{where}")
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, column, weights)
    if key in _CACHE:
        return _CACHE[key]
    cols = [column] if weights is None or weights == column else [column, weights]
    try:
        frame = _read_columns(path, cols, name)
    except ValueError:
        raise
    except Exception as exc:  # pyarrow / pandas parse errors: report them, never a traceback
        raise ValueError(f"cannot read empirical file '{name}': {exc}") from None
    if len(frame) == 0:
        raise ValueError(f"empirical file '{name}' has no rows")
    values = _numeric(frame[column], name, column)
    if weights is None:
        w = np.ones(len(values))
    else:
        w = _numeric(frame[weights], name, weights)
        if (w < 0).any():
            row = int(np.flatnonzero(w < 0)[0])
            raise ValueError(f"weight column '{weights}' of '{name}' has a negative weight (row {row + 1})")
        if not w.sum() > 0:
            raise ValueError(f"weight column '{weights}' of '{name}' sums to zero")
    samples = Samples.from_arrays(values, w)
    _CACHE[key] = samples
    return samples


def _numeric(series: Any, name: str, column: str) -> np.ndarray:
    import pandas as pd

    x = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(x)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"column '{column}' of '{name}' must hold finite numbers; row {row + 1} "
                         f"holds {series.iloc[row]!r}")
    return x


def weighted_mean(samples: Samples) -> float:
    """The mean of the empirical distribution."""
    return float(np.dot(samples.weights, samples.values))


def effective_size(samples: Samples) -> float:
    """Kish's effective sample size of the weights, ``1 / sum(w_i^2)`` for normalised weights."""
    return float(1.0 / np.sum(samples.weights ** 2)) if len(samples.weights) else math.nan


def check_joint(scenario: Any) -> None:
    """Check that empirical quantities sharing a ``joint:`` name read the same file and weights.

    Raises the scenario's located :class:`~simsim.errors.ScenarioError` otherwise.
    """
    from simsim.inputs import design_of

    groups: dict[str, tuple[str, Any, Any]] = {}
    for u in design_of(scenario).uncertain:
        q = u.quantity
        if q.dist != "empirical" or not q.joint:
            continue
        ident = (q._path, q.weights)
        if q.joint in groups and groups[q.joint][1] != ident:
            first, (_, w), shown = groups[q.joint]
            raise scenario.error(_path_of(u.target), f"joint '{q.joint}' samples whole rows: every quantity in "
                                 f"it must read the same file and weights as {first} ({shown}, weights {w})")
        groups.setdefault(q.joint, (u.column, ident, q.file))


def _path_of(target: tuple[Any, ...]) -> tuple[Any, ...]:
    """Key path in the scenario file of an input's target (for error locations)."""
    if target[0] == "param":
        return ("parameters", target[1])
    if target[0] in ("attr", "bparam"):
        section = "attributes" if target[0] == "attr" else "behaviour_params"
        return ("actors", target[2], section, target[1])
    return ("relations", target[1])
