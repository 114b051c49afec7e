"""Results of an experiment: tidy tables, summaries with intervals, save and load.

``runs`` has one row per run (``run``, ``seed``, the sampled inputs, the outcomes);
``timeseries`` one row per run and step (``run``, ``step``, the reporters). Saved as
``runs.parquet`` and ``timeseries.parquet`` with ``metadata.json`` (versions, scenario hash,
master seed, settings, outcome declarations) and ``summary.json``.
"""

from __future__ import annotations

import json
import math
import platform
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simsim.results_check import check_outcomes, check_results_folder

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario

Z95 = 1.959963984540054
FORMAT_VERSION = 2
#: formats :meth:`Results.load` reads: 1 (single Parquet files), 2 (folders of parts allowed)
SUPPORTED_FORMATS = (1, 2)
#: values read at once when results on disk are summarised (bounds the memory of a summary)
SUMMARY_VALUES = 4_000_000


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    r"""Wilson score interval for a binomial proportion ``k / n`` (95% by default).

    :math:`\frac{k + z^2/2}{n + z^2} \pm \frac{z}{n + z^2}\sqrt{\frac{k (n - k)}{n} + \frac{z^2}{4}}`
    (Wilson 1927), the interval :meth:`scipy.stats.binomtest(k, n).proportion_ci(method="wilson")
    <scipy.stats._result_classes.BinomTestResult.proportion_ci>` gives (a test checks they agree),
    written out so that summarising does not import ``scipy.stats`` (about a second). A zero
    count has a lower bound of exactly 0 and ``k == n`` an upper bound of exactly 1. Returns
    ``(nan, nan)`` when ``n`` is 0.
    """
    if n <= 0:
        return (math.nan, math.nan)
    k, n = int(k), int(n)
    z2 = z * z
    centre = (k + z2 / 2) / (n + z2)
    half = z / (n + z2) * math.sqrt(k * (n - k) / n + z2 / 4)
    return (0.0 if k == 0 else max(0.0, centre - half), 1.0 if k == n else min(1.0, centre + half))


def summarise(runs: pd.DataFrame, outcomes: list[dict[str, Any]]) -> pd.DataFrame:
    """Summary table of ``outcomes`` (declarations as dicts) over the ``runs`` table.

    One row per numeric or boolean outcome and per category of a categorical outcome:
    ``estimate`` is the probability (bool, category) with a Wilson 95% interval, or the mean
    (number) with a normal 95% interval of the mean, plus ``sd`` and quantiles. A number's
    statistics are over its finite values: ``n`` counts them, ``n_infinite`` counts the runs
    where it is ``+inf`` or ``-inf`` (missing values, ``nan``, are in neither).
    """
    return summarise_columns(lambda name: runs[name] if name in runs.columns else None, outcomes)


def summarise_columns(column: Callable[[str], pd.Series | None], outcomes: list[dict[str, Any]]) -> pd.DataFrame:
    """:func:`summarise`, reading each outcome's column with ``column(name)`` (None: not recorded).

    Results on disk pass a reader of one column at a time, so memory holds one column, not the table.
    """
    rows: list[dict[str, Any]] = []
    for spec in outcomes:
        name, kind = spec["name"], spec["kind"]
        col = column(name)
        if col is None:
            continue
        if kind == "bool":
            vals = col.dropna().astype(bool)
            n, k = len(vals), int(vals.sum())
            lo, hi = wilson_interval(k, n)
            rows.append({"outcome": name, "kind": kind, "category": None, "n": n,
                         "estimate": k / n if n else math.nan, "ci_low": lo, "ci_high": hi})
        elif kind == "category":
            vals = col.dropna().astype(str)
            n = len(vals)
            counts = vals.value_counts()
            # declared categories in their order; otherwise (open-ended labels) most frequent first
            cats = list(spec.get("categories") or []) or list(counts.index)
            for cat in cats:
                k = int(counts.get(cat, 0))
                lo, hi = wilson_interval(k, n)
                rows.append({"outcome": name, "kind": kind, "category": cat, "n": n,
                             "estimate": k / n if n else math.nan, "ci_low": lo, "ci_high": hi})
        else:
            vals = pd.to_numeric(col, errors="coerce").dropna().to_numpy(dtype=float)
            finite = np.isfinite(vals)
            n_infinite = int(vals.size - finite.sum())
            vals = vals[finite]  # +-inf (e.g. a run that ran away) is counted apart, not averaged
            n = len(vals)
            if n == 0:
                rows.append({"outcome": name, "kind": kind, "category": None, "n": 0, "n_infinite": n_infinite})
                continue
            mean = float(vals.mean())
            sd = float(vals.std(ddof=1)) if n > 1 else 0.0
            half = Z95 * sd / math.sqrt(n)
            q = np.quantile(vals, [0.05, 0.25, 0.5, 0.75, 0.95])
            rows.append({"outcome": name, "kind": kind, "category": None, "n": n, "estimate": mean,
                         "ci_low": mean - half, "ci_high": mean + half, "sd": sd,
                         "q05": q[0], "q25": q[1], "q50": q[2], "q75": q[3], "q95": q[4],
                         "n_infinite": n_infinite})
    cols = ["outcome", "kind", "category", "n", "estimate", "ci_low", "ci_high", "sd",
            "q05", "q25", "q50", "q75", "q95", "n_infinite"]
    return pd.DataFrame(rows, columns=cols)


def _versions() -> dict[str, str]:
    import mesa
    import pyarrow

    from simsim import __version__

    return {"simsim": __version__, "mesa": mesa.__version__, "numpy": np.__version__,
            "pandas": pd.__version__, "pyarrow": pyarrow.__version__, "python": platform.python_version()}


def build_metadata(scenario: Scenario, settings: dict[str, Any]) -> dict[str, Any]:
    """Metadata recorded with results: versions, scenario identity, settings, outcome declarations."""
    from simsim.registry import get_mechanism
    from simsim.scenario.values import used_values

    mech = get_mechanism(scenario.model)
    specs = [asdict(o) for o in mech.outcome_specs(scenario)]
    for s in specs:
        s["categories"] = list(s["categories"])
    main = list(scenario.outcomes)
    return {
        "format_version": FORMAT_VERSION,
        "versions": _versions(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": {"name": scenario.name, "title": scenario.title, "model": scenario.model,
                     "file": scenario.origin, "content_hash": scenario.content_hash,
                     "steps": scenario.steps, "overrides": list(scenario.overrides)},
        "seed": settings["seed"],
        "settings": settings,
        "outcomes": specs,
        "main_outcomes": main,
        "main_reporters": list(mech.main_reporters),
        "reporters": [asdict(r) for r in mech.reporter_specs(scenario)],
        "scenario_content": scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
        # the validated input data (after extends: and --set), from which rerun rebuilds the scenario
        "scenario_data": _plain(getattr(scenario, "_raw", None)),
        "values": [v.as_dict() for v in used_values(scenario)],  # every value used, defaults marked
    }


class Results:
    """Outcomes of an experiment.

    Results computed in memory hold their tables; results read from a folder (:meth:`load`, or
    :func:`simsim.run` with ``out=``) read them from its Parquet parts only when asked:
    ``runs`` and ``timeseries`` load every part on first access (fine for small experiments;
    for a million runs with timeseries that is gigabytes, so use :meth:`runs_columns`,
    :meth:`head` or ``pyarrow.dataset`` on the folder instead). :meth:`summary` reads one
    outcome column at a time.

    Attributes
    ----------
    runs : DataFrame
        One row per run: ``run``, ``seed``, sampled inputs (``param.*``, ``attr.*``, ``rel.*``),
        outcomes.
    timeseries : DataFrame
        One row per run and step: ``run``, ``step``, reporters.
    metadata : dict
        Versions, scenario name and content hash, master seed, settings, outcome declarations.
    directory : Path or None
        The folder the tables are read from (None for results held in memory).
    """

    def __init__(self, runs: pd.DataFrame | None, timeseries: pd.DataFrame | None, metadata: dict[str, Any],
                 directory: str | Path | None = None) -> None:
        if directory is None and (runs is None or timeseries is None):
            raise ValueError("Results needs its tables, or the folder to read them from")
        self._runs = runs
        self._timeseries = timeseries
        self.metadata = metadata
        self.directory = None if directory is None else Path(directory)
        #: the whole summary, when computed as the results were written (see :meth:`_summarised_from`)
        self._summary: pd.DataFrame | None = None

    def __repr__(self) -> str:
        sc = self.metadata.get("scenario", {}).get("name")
        return f"Results(scenario={sc!r}, runs={len(self)}, seed={self.seed})"

    @property
    def runs(self) -> pd.DataFrame:
        """One row per run (read from the folder's parts on first access)."""
        if self._runs is None:
            self._runs = self._read("runs.parquet")
        return self._runs

    @runs.setter
    def runs(self, value: pd.DataFrame) -> None:
        self._runs = value
        self._summary = None

    @property
    def timeseries(self) -> pd.DataFrame:
        """One row per run and step (read from the folder's parts on first access)."""
        if self._timeseries is None:
            self._timeseries = self._read("timeseries.parquet")
        return self._timeseries

    @timeseries.setter
    def timeseries(self, value: pd.DataFrame) -> None:
        self._timeseries = value

    def __len__(self) -> int:
        if self._runs is not None:
            return len(self._runs)
        n = self.metadata.get("settings", {}).get("replications")
        return int(n) if n is not None else len(self.runs)

    def _read(self, table: str, columns: list[str] | None = None, limit: int | None = None) -> pd.DataFrame:
        """Concatenate the parts of ``table`` (in run order), optionally some columns, first ``limit`` runs."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from simsim.experiment.store import part_files

        assert self.directory is not None
        files = part_files(self.directory, table)

        def read(f: Path) -> Any:
            pf = pq.ParquetFile(f)  # one open per part: its schema and its columns
            if columns is None:
                return pf.read(use_threads=False)
            names = set(pf.schema_arrow.names)  # a part may lack a column (an outcome no run of its chunk defined)
            t = pf.read(columns=[c for c in columns if c in names], use_threads=False)
            for c in columns:
                if c not in names:
                    t = t.append_column(c, pa.nulls(t.num_rows))
            return t.select(columns)

        pieces = []
        if limit is None:  # the parts side by side on two threads (pyarrow releases the GIL), in run order
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(2) as pool:
                pieces = list(pool.map(read, files))
        else:
            import pyarrow.compute as pc

            for f in files:
                t = read(f)
                if "run" in t.column_names:
                    t = t.filter(pc.less(t["run"], limit))
                    if t.num_rows == 0:
                        break
                pieces.append(t)
        if not pieces:
            return pd.DataFrame(columns=columns or [])
        return pa.concat_tables(pieces, promote_options="permissive").to_pandas()

    def runs_columns(self, columns: list[str]) -> pd.DataFrame:
        """Only the given columns of ``runs`` (reads only those from disk)."""
        if self._runs is not None or self.directory is None:
            return self.runs[columns]
        return self._read("runs.parquet", columns=columns)

    def head(self, n: int, reporters: list[str] | None = None) -> Results:
        """Results of the first ``n`` runs only, in memory (e.g. a subsample for a figure or PRCC).

        Under ``random`` sampling runs are independent draws, so the first ``n`` are a random
        sample of the experiment; under ``lhs`` they are a random subset of its strata.
        ``reporters`` keeps only those columns of the timeseries (with ``run`` and ``step``):
        a figure of one reporter then reads a ninth of a flagship's timeseries.
        """
        keep = None if reporters is None else ["run", "step", *[r for r in reporters if r not in ("run", "step")]]
        if self._runs is not None or self.directory is None:
            runs = self.runs[self.runs["run"] < n].reset_index(drop=True) if len(self.runs) else self.runs
            ts = self.timeseries
            ts = ts[ts["run"] < n].reset_index(drop=True) if len(ts) else ts
            if keep is not None and len(ts.columns):
                ts = ts[[c for c in keep if c in ts.columns]]
            return Results(runs, ts, self.metadata)
        runs = self._read("runs.parquet", columns=None, limit=n)
        ts = pd.DataFrame()
        if _has_table(self.directory, "timeseries.parquet"):
            if keep is not None:
                import pyarrow.parquet as pq

                from simsim.experiment.store import part_files

                first = part_files(self.directory, "timeseries.parquet")
                names = set(pq.read_schema(first[0]).names) if first else set()
                keep = [c for c in keep if c in names]
            ts = self._read("timeseries.parquet", columns=keep, limit=n)
        return Results(runs, ts, self.metadata)

    @property
    def seed(self) -> int | None:
        """The master seed."""
        return self.metadata.get("seed")

    @property
    def outcome_specs(self) -> list[dict[str, Any]]:
        """Declarations of the outcomes (name, kind, doc, categories), main outcomes first."""
        specs = self.metadata.get("outcomes", [])
        main = self.metadata.get("main_outcomes", [])
        order = {name: i for i, name in enumerate(main)}
        return sorted(specs, key=lambda s: order.get(s["name"], len(order)))

    @property
    def main_outcomes(self) -> list[str]:
        """The scenario's main outcomes (or, if none are named, the first few declared)."""
        main = list(self.metadata.get("main_outcomes") or [])
        return main or [s["name"] for s in self.metadata.get("outcomes", [])[:6]]

    def summary(self, outcomes: list[str] | None = None) -> pd.DataFrame:
        """Summary statistics with 95% intervals (see :func:`summarise`), main outcomes first.

        Results read from a folder are summarised one outcome column at a time, from the parts;
        results :func:`simsim.run` has just streamed to a folder return the summary it wrote to
        ``summary.json`` (computed from the outcome columns kept as the chunks completed).
        """
        specs = self.outcome_specs
        if outcomes is not None:
            by_name = {s["name"]: s for s in specs}
            check_outcomes(self, outcomes)
            specs = [by_name[o] for o in outcomes]
        elif self._summary is not None:
            return self._summary.copy()
        if self._runs is not None or self.directory is None:
            return summarise(self.runs, specs)
        from concurrent.futures import ThreadPoolExecutor

        import pyarrow.parquet as pq

        from simsim.experiment.store import part_files

        with ThreadPoolExecutor(2) as pool:
            present = set().union(*pool.map(lambda f: pq.read_schema(f).names,
                                            part_files(self.directory, "runs.parquet")))
        order = [s["name"] for s in specs if s["name"] in present]
        # read a few columns at a time: about 4 million values (32 MB of numbers) per read
        per_read = max(1, SUMMARY_VALUES // max(1, len(self)))
        cache: dict[str, pd.Series] = {}

        def column(name: str) -> pd.Series | None:
            if name not in present:
                return None
            if name not in cache:
                cache.clear()
                i = order.index(name)
                group = order[i:i + per_read]
                frame = self.runs_columns(group)
                cache.update({c: frame[c] for c in group})
            return cache[name]

        return summarise_columns(column, specs)

    def save(self, directory: str | Path) -> Path:
        """Write ``runs.parquet``, ``timeseries.parquet``, ``metadata.json`` and ``summary.json``.

        Files are written to a temporary folder first and moved into place, so an interrupted
        save leaves no half-written results. Saving results read from a folder copies its parts.
        Saving over earlier results removes the figures drawn from them (``outcomes.png`` ...,
        see :func:`simsim.experiment.store.remove_figures_of_earlier_results`) and refuses
        (:class:`~simsim.errors.ResultsError`) if their tables hold files simsim did not write.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        if self.directory is not None and self._runs is None and out.resolve() == self.directory.resolve():
            return out  # already there
        from simsim.experiment.store import remove_figures_of_earlier_results

        remove_figures_of_earlier_results(out)
        with tempfile.TemporaryDirectory(dir=out, prefix=".tmp-") as tmp:
            t = Path(tmp)
            if self._runs is None and self.directory is not None:
                for table in ("runs.parquet", "timeseries.parquet"):
                    src = self.directory / table
                    (shutil.copytree if src.is_dir() else shutil.copy2)(src, t / table)
            else:
                self.runs.to_parquet(t / "runs.parquet", index=False)
                self.timeseries.to_parquet(t / "timeseries.parquet", index=False)
            (t / "metadata.json").write_text(json.dumps(self.metadata, indent=2, default=_json_default))
            (t / "summary.json").write_text(json.dumps(self.summary_record(), indent=2, default=_json_default))
            for name in ("runs.parquet", "timeseries.parquet", "metadata.json", "summary.json"):
                dest = out / name
                if dest.is_dir():
                    shutil.rmtree(dest)
                shutil.move(str(t / name), str(dest))
        return out

    def _summarised_from(self, columns: Callable[[str], pd.Series | None] | None) -> Results:
        """Compute and keep the whole summary now, reading each outcome with ``columns(name)`` if given.

        :func:`simsim.run` passes the outcome columns it kept while the chunks were written, so
        that the summary does not read the parts back; later calls of :meth:`summary` return it.
        """
        self._summary = summarise_columns(columns, self.outcome_specs) if columns is not None else self.summary()
        return self

    def summary_record(self) -> dict[str, Any]:
        """The content of ``summary.json``: scenario, number of runs, master seed, summary rows."""
        return {"scenario": self.metadata["scenario"]["name"], "runs": len(self), "seed": self.seed,
                "outcomes": _records(self.summary())}

    @classmethod
    def load(cls, directory: str | Path) -> Results:
        """Read results written by :meth:`save` or streamed by :func:`simsim.run`; tables are read lazily."""
        d = Path(directory)
        meta = check_results_folder(d)  # a damaged folder is a ResultsError naming the file
        return cls(None, None, meta, directory=d)

    # -- display (notebooks) --------------------------------------------------------------------
    def _repr_html_(self) -> str:
        from simsim.display import results_html

        return results_html(self)


def _has_table(directory: Path, table: str) -> bool:
    p = directory / table
    return p.is_file() or (p.is_dir() and any(p.glob("part-*.parquet")))


def _plain(obj: Any) -> Any:
    """``obj`` as plain JSON data (the loader's line-tracking dicts and lists become dict and list)."""
    if obj is None:
        return None
    return json.loads(json.dumps(obj, default=_json_default))


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in df.to_dict(orient="records"):
        out.append({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()
                    if not (v is None or (isinstance(v, float) and math.isnan(v)))})
    return out


def _json_default(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, (date, datetime)):  # YAML dates in scenario data
        return o.isoformat()
    raise TypeError(f"not JSON serialisable: {type(o)}")
