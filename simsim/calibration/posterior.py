"""A calibrated posterior: weighted particles, how they were found, and how to use them.

Saved as a folder:

=================== ==========================================================================
posterior.parquet   one row per particle: the parameters' input columns, ``weight``, ``distance``;
                    the metadata is in the Parquet schema (key ``simsim``) too
prior.parquet       the prior sample (population 0), for comparison
populations.csv     per population: tolerance, accepted, candidates, acceptance rate, ESS, runs
cases.csv           the cases: scenario, outcome, observed category, date, file
summary.csv         prior vs posterior per parameter (mean, sd, 5/50/95% quantiles)
predictive.csv      per case and category: probability under the prior and the posterior
metadata.json       prior, distance, tolerance schedule, simulations, seed, versions, settings
fragment.yaml       a scenario fragment: ``extends:`` it to use the posterior instead of the prior
posterior.png       prior vs posterior per parameter; ``predictive.png``: the predictive check
=================== ==========================================================================
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simsim.errors import ResultsError

FILES = ("posterior.parquet", "prior.parquet", "populations.csv", "cases.csv", "metadata.json")
SOURCE_ID = "simsim_calibration"


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: Any) -> np.ndarray:
    """Quantiles of a weighted sample (inverse of the weighted empirical CDF, as ``empirical`` samples)."""
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, dtype=float)[order], np.asarray(weights, dtype=float)[order]
    cdf = np.cumsum(w) / w.sum()
    idx = np.minimum(np.searchsorted(cdf, np.asarray(q, dtype=float), side="left"), len(v) - 1)
    return v[idx]


@dataclass
class Posterior:
    """The result of :func:`simsim.calibrate`.

    Attributes
    ----------
    particles : DataFrame
        One row per particle: the calibrated input columns (``param.w_obligation``...),
        ``weight`` (sums to 1) and ``distance`` (cases missed).
    prior : DataFrame
        The prior sample (population 0) in the same columns.
    populations : DataFrame
        Per population: ``population``, ``epsilon``, ``accepted``, ``candidates``,
        ``acceptance_rate``, ``ess``, ``simulated``, ``seconds``.
    cases : DataFrame
        ``case``, ``outcome``, ``observed``, ``date``, ``file``.
    predictive : DataFrame
        Per case and category: ``prior`` and ``posterior`` predictive probabilities, ``observed``
        (whether it is the category that happened). Empty if not computed.
    metadata : dict
        Prior, distance, tolerance schedule, simulations, seed, versions, settings.
    """

    particles: pd.DataFrame
    prior: pd.DataFrame
    populations: pd.DataFrame
    cases: pd.DataFrame
    metadata: dict[str, Any]
    predictive: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def columns(self) -> list[str]:
        """The calibrated input columns."""
        return list(self.metadata["parameters"])

    @property
    def ess(self) -> float:
        """Kish's effective sample size of the final weights."""
        w = self.particles["weight"].to_numpy()
        return float(w.sum() ** 2 / np.sum(w ** 2))

    def values(self) -> dict[str, np.ndarray]:
        """Column -> particle values."""
        return {c: self.particles[c].to_numpy(dtype=float) for c in self.columns}

    def resample(self, n: int, seed: int) -> dict[str, np.ndarray]:
        """``n`` draws from the posterior (systematic resampling by weight; keeps the joint structure)."""
        w = self.particles["weight"].to_numpy(dtype=float)
        cdf = np.cumsum(w / w.sum())
        u = (np.random.default_rng([int(seed), 7]).random() + np.arange(n)) / n
        idx = np.minimum(np.searchsorted(cdf, u, side="right"), len(w) - 1)
        idx = np.random.default_rng([int(seed), 8]).permutation(idx)
        return {c: v[idx] for c, v in self.values().items()}

    def summary(self) -> pd.DataFrame:
        """Prior vs posterior per parameter: mean, sd and 5/50/95% quantiles of each, and the ESS."""
        rows = []
        w = self.particles["weight"].to_numpy(dtype=float)
        for c in self.columns:
            x = self.particles[c].to_numpy(dtype=float)
            p = self.prior[c].to_numpy(dtype=float)
            mean = float(np.dot(w, x) / w.sum())
            sd = float(np.sqrt(np.dot(w, (x - mean) ** 2) / w.sum()))
            q = weighted_quantile(x, w, [0.05, 0.5, 0.95])
            pq = np.quantile(p, [0.05, 0.5, 0.95])
            rows.append({"parameter": c, "prior": self.metadata["prior"][c],
                         "prior_mean": float(p.mean()), "prior_sd": float(p.std()),
                         "prior_q05": pq[0], "prior_q50": pq[1], "prior_q95": pq[2],
                         "posterior_mean": mean, "posterior_sd": sd,
                         "posterior_q05": q[0], "posterior_q50": q[1], "posterior_q95": q[2],
                         "ess": self.ess})
        return pd.DataFrame(rows)

    def correlations(self) -> pd.DataFrame:
        """Weighted correlation matrix of the posterior particles (what independent marginals lose)."""
        w = self.particles["weight"].to_numpy(dtype=float)
        x = self.particles[self.columns].to_numpy(dtype=float)
        m = w @ x / w.sum()
        cov = ((x - m) * w[:, None]).T @ (x - m) / w.sum()
        sd = np.sqrt(np.diag(cov))
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = cov / np.outer(sd, sd)
        return pd.DataFrame(corr, index=self.columns, columns=self.columns)

    # -------------------------------------------------------------- the fragment
    def fragment(self, directory: str | Path, posterior_file: str = "posterior.parquet") -> str:
        """YAML text of a scenario fragment that uses this posterior (written into ``directory``).

        The fragment ``extends:`` the cases' common base file (when they share one), and gives
        each calibrated input as ``{dist: empirical, file: posterior.parquet, column: ...,
        weights: weight, joint: posterior}``: a run draws one particle (a row, by weight) and
        takes all the calibrated parameters from it, so their correlations are kept.
        """
        import yaml

        directory = Path(directory)
        params: dict[str, Any] = {}
        actors: dict[str, dict[str, Any]] = {}
        relations: dict[str, list[dict[str, Any]]] = {}
        for c in self.columns:
            q = {"dist": "empirical", "file": posterior_file, "column": c, "weights": "weight",
                 "joint": "posterior", "source": SOURCE_ID}
            kind, _, rest = c.partition(".")
            if kind == "param":
                params[rest] = q
            elif kind == "attr":
                aid, _, name = rest.partition(".")
                actors.setdefault(aid, {})[name] = q
            elif kind == "rel":
                rname, _, edge = rest.partition(".")
                a, _, b = edge.partition("->")
                relations.setdefault(rname, []).append({"from": a, "to": b, **q})
            else:  # pragma: no cover - columns come from simsim.model.design_of
                raise ValueError(f"cannot write input column '{c}' into a scenario")
        doc: dict[str, Any] = {}
        base = self.metadata.get("base_file")
        if base:
            doc["extends"] = os.path.relpath(base, directory.resolve())
        if params:
            doc["parameters"] = params
        if actors:
            doc["actors"] = [{"id": a, "attributes": attrs} for a, attrs in actors.items()]
        if relations:
            doc["relations"] = {r: {"edges": e} for r, e in relations.items()}
        m = self.metadata
        doc["sources"] = [{
            "id": SOURCE_ID,
            "title": f"Posterior from simsim calibrate on {len(self.cases)} cases "
                     f"(tolerance {m['tolerance_schedule'][-1]:g}, seed {m['seed']})",
            "note": f"ABC-SMC posterior written by simsim {m['versions']['simsim']} on {m['created']}; "
                    f"cases: {', '.join(self.cases['case'])}; see metadata.json beside this file.",
            "no_link_reason": "computed by simsim calibrate; its record is metadata.json and posterior.parquet "
                              "beside this file",
        }]
        head = ("# Written by `simsim calibrate`. A scenario that `extends:` this file samples the calibrated\n"
                "# parameters from the posterior in posterior.parquet instead of their priors: each run\n"
                "# draws one particle (row) by weight, so the parameters keep their joint distribution.\n")
        if not base:
            head += "# The cases share no base file: add this file's keys to a scenario, or extend it from one.\n"
        return head + yaml.safe_dump(doc, sort_keys=False, width=100, allow_unicode=True)

    # -------------------------------------------------------------- save / load
    def save(self, directory: str | Path, figures: bool = True) -> Path:
        """Write the folder described in the module docstring (replacing the files it writes)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        meta_json = json.dumps(self.metadata, indent=2, default=_json_default)
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            t = Path(tmp)
            table = pa.Table.from_pandas(self.particles, preserve_index=False)
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"simsim": meta_json.encode()})
            pq.write_table(table, t / "posterior.parquet")
            self.prior.to_parquet(t / "prior.parquet", index=False)
            self.populations.to_csv(t / "populations.csv", index=False)
            self.cases.to_csv(t / "cases.csv", index=False, date_format="%Y-%m-%d")
            self.summary().to_csv(t / "summary.csv", index=False)
            if len(self.predictive):
                self.predictive.to_csv(t / "predictive.csv", index=False)
            (t / "metadata.json").write_text(meta_json)
            (t / "fragment.yaml").write_text(self.fragment(out))
            for f in t.iterdir():
                shutil.move(str(f), out / f.name)
        if figures:
            from simsim.calibration.diagnostics import posterior_figure, predictive_figure

            fig = posterior_figure(self)
            fig.savefig(out / "posterior.png", dpi=110)
            if len(self.predictive):
                pfig = predictive_figure(self.predictive)
                pfig.savefig(out / "predictive.png", dpi=110)  # type: ignore[union-attr]
        return out

    @classmethod
    def load(cls, directory: str | Path) -> Posterior:
        """Read a folder written by :meth:`save`."""
        d = Path(directory)
        missing = [f for f in FILES if not (d / f).is_file()]
        if missing:
            raise ResultsError(f"{d}: not a calibration folder (missing {', '.join(missing)})")
        try:
            meta = json.loads((d / "metadata.json").read_text())
        except json.JSONDecodeError as exc:
            raise ResultsError(f"{d / 'metadata.json'}: invalid JSON ({exc})") from None
        cases = pd.read_csv(d / "cases.csv", parse_dates=["date"])
        pred = pd.read_csv(d / "predictive.csv") if (d / "predictive.csv").is_file() else pd.DataFrame()
        return cls(pd.read_parquet(d / "posterior.parquet"), pd.read_parquet(d / "prior.parquet"),
                   pd.read_csv(d / "populations.csv"), cases, meta, pred)


def _json_default(o: Any) -> Any:
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, (pd.Timestamp,)):
        return o.isoformat()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")
