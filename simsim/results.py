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
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simsim.results_check import check_outcomes, check_results_folder

if TYPE_CHECKING:
    from simsim.scenario.schema import Scenario

Z95 = 1.959963984540054
FORMAT_VERSION = 1


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion ``k / n`` (95% by default).

    Computed by :meth:`scipy.stats.binomtest(k, n).proportion_ci(method="wilson")
    <scipy.stats._result_classes.BinomTestResult.proportion_ci>`, so a zero count has a lower
    bound of exactly 0 (and ``k == n`` an upper bound of exactly 1). Returns ``(nan, nan)``
    when ``n`` is 0.
    """
    if n <= 0:
        return (math.nan, math.nan)
    from scipy.stats import binomtest, norm

    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=float(2 * norm.cdf(z) - 1), method="wilson")
    return (float(ci.low), float(ci.high))


def summarise(runs: pd.DataFrame, outcomes: list[dict[str, Any]]) -> pd.DataFrame:
    """Summary table of ``outcomes`` (declarations as dicts) over the ``runs`` table.

    One row per numeric or boolean outcome and per category of a categorical outcome:
    ``estimate`` is the probability (bool, category) with a Wilson 95% interval, or the mean
    (number) with a normal 95% interval of the mean, plus ``sd`` and quantiles.
    """
    rows: list[dict[str, Any]] = []
    for spec in outcomes:
        name, kind = spec["name"], spec["kind"]
        if name not in runs.columns:
            continue
        col = runs[name]
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
            n = len(vals)
            if n == 0:
                rows.append({"outcome": name, "kind": kind, "category": None, "n": 0})
                continue
            mean = float(vals.mean())
            sd = float(vals.std(ddof=1)) if n > 1 else 0.0
            half = Z95 * sd / math.sqrt(n)
            q = np.quantile(vals, [0.05, 0.25, 0.5, 0.75, 0.95])
            rows.append({"outcome": name, "kind": kind, "category": None, "n": n, "estimate": mean,
                         "ci_low": mean - half, "ci_high": mean + half, "sd": sd,
                         "q05": q[0], "q25": q[1], "q50": q[2], "q75": q[3], "q95": q[4]})
    cols = ["outcome", "kind", "category", "n", "estimate", "ci_low", "ci_high", "sd",
            "q05", "q25", "q50", "q75", "q95"]
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
        "values": [v.as_dict() for v in used_values(scenario)],  # every value used, defaults marked
    }


class Results:
    """Outcomes of an experiment.

    Attributes
    ----------
    runs : DataFrame
        One row per run: ``run``, ``seed``, sampled inputs (``param.*``, ``attr.*``, ``rel.*``),
        outcomes.
    timeseries : DataFrame
        One row per run and step: ``run``, ``step``, reporters.
    metadata : dict
        Versions, scenario name and content hash, master seed, settings, outcome declarations.
    """

    def __init__(self, runs: pd.DataFrame, timeseries: pd.DataFrame, metadata: dict[str, Any]) -> None:
        self.runs = runs
        self.timeseries = timeseries
        self.metadata = metadata

    def __repr__(self) -> str:
        sc = self.metadata.get("scenario", {}).get("name")
        return f"Results(scenario={sc!r}, runs={len(self.runs)}, seed={self.seed})"

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
        """Summary statistics with 95% intervals (see :func:`summarise`), main outcomes first."""
        specs = self.outcome_specs
        if outcomes is not None:
            by_name = {s["name"]: s for s in specs}
            check_outcomes(self, outcomes)
            specs = [by_name[o] for o in outcomes]
        return summarise(self.runs, specs)

    def save(self, directory: str | Path) -> Path:
        """Write ``runs.parquet``, ``timeseries.parquet``, ``metadata.json`` and ``summary.json``.

        Files are written to a temporary folder first and moved into place, so an interrupted
        save leaves no half-written results.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=out, prefix=".tmp-") as tmp:
            t = Path(tmp)
            self.runs.to_parquet(t / "runs.parquet", index=False)
            self.timeseries.to_parquet(t / "timeseries.parquet", index=False)
            (t / "metadata.json").write_text(json.dumps(self.metadata, indent=2, default=_json_default))
            summary = self.summary()
            (t / "summary.json").write_text(json.dumps(
                {"scenario": self.metadata["scenario"]["name"], "runs": len(self.runs), "seed": self.seed,
                 "outcomes": _records(summary)}, indent=2, default=_json_default))
            for name in ("runs.parquet", "timeseries.parquet", "metadata.json", "summary.json"):
                shutil.move(str(t / name), str(out / name))
        return out

    @classmethod
    def load(cls, directory: str | Path) -> Results:
        """Read results written by :meth:`save`."""
        d = Path(directory)
        meta = check_results_folder(d)  # a damaged folder is a ResultsError naming the file
        return cls(pd.read_parquet(d / "runs.parquet"), pd.read_parquet(d / "timeseries.parquet"), meta)

    # -- display (notebooks) --------------------------------------------------------------------
    def _repr_html_(self) -> str:
        from simsim.display import results_html

        return results_html(self)


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
    raise TypeError(f"not JSON serialisable: {type(o)}")
