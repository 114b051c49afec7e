r"""Out-of-sample backtests: calibrate on some cases, score the predictions for the others.

Two designs:

- **cut-off**: train on the cases dated before a cut-off date, score the cases on or after it;
- **leave-one-out**: for each case, train on all the others and score that case.

Each scored case gets a probability for every category of its outcome from three forecasters,
all smoothed the same way so that no category has probability 0:

- ``calibrated``: the posterior predictive, simulating the case once per posterior draw;
- ``prior``: the uncalibrated model, simulating the case once per prior draw;
- ``base_rate``: how often each category happened in the training cases (those whose outcome
  has the same categories).

Smoothing (Jeffreys, add one half): with :math:`m_k` of :math:`M` draws (or training cases) in
category :math:`k` of :math:`K`, :math:`p_k = (m_k + 1/2) / (M + K/2)`.

Scores of the observed category :math:`o` (both are losses: lower is better):

- log score :math:`-\ln p_o` (0 for a certain correct forecast; :math:`\ln K` for a uniform one);
- Brier score :math:`\sum_k (p_k - [k = o])^2` (0 best, 2 worst; :math:`1 - 1/K` for a uniform one).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from simsim.calibration.cases import Case, ScenarioLike, load_cases
from simsim.calibration.inference import CalibrationSettings, calibrate_cases
from simsim.calibration.simulate import CaseSimulator, shared_prior
from simsim.errors import SimsimError

METHODS = ("calibrated", "prior", "base_rate")


def smoothed(counts: np.ndarray) -> np.ndarray:
    """Jeffreys-smoothed probabilities ``(m_k + 1/2) / (M + K/2)`` from category counts."""
    counts = np.asarray(counts, dtype=float)
    return (counts + 0.5) / (counts.sum() + 0.5 * len(counts))


def log_score(p: np.ndarray, observed: int) -> float:
    """``-ln p[observed]`` (a loss: lower is better)."""
    return float(-math.log(p[observed]))


def brier_score(p: np.ndarray, observed: int) -> float:
    """``sum_k (p_k - [k == observed])^2`` over all categories (a loss: 0 best, 2 worst)."""
    o = np.zeros(len(p))
    o[observed] = 1.0
    return float(np.sum((np.asarray(p) - o) ** 2))


def base_rate(train: Sequence[Case], case: Case) -> np.ndarray:
    """Smoothed frequencies of ``case``'s categories among the training cases with the same categories."""
    counts = np.zeros(len(case.categories))
    for t in train:
        if t.categories == case.categories:
            counts[case.categories.index(t.observed)] += 1
    return smoothed(counts)


@dataclass
class Backtest:
    """Scores of a backtest.

    Attributes
    ----------
    predictions : DataFrame
        One row per split, scored case and method: ``design`` (``cutoff`` or ``loo``), ``split``,
        ``case``, ``date``, ``observed``, ``method``, ``p_observed``, ``log_score``, ``brier``,
        ``probabilities`` (category=probability, ...), ``n_train``.
    calibrations : DataFrame
        One row per split: ``design``, ``split``, training cases, final tolerance, ESS, runs.
    metadata : dict
        Settings, seed, cut-off, parameters.
    """

    predictions: pd.DataFrame
    calibrations: pd.DataFrame
    metadata: dict[str, Any]

    def table(self) -> pd.DataFrame:
        """Mean scores per design and method, with the number of scored cases (the score table)."""
        g = self.predictions.groupby(["design", "method"], sort=False)
        out = g.agg(cases=("case", "count"), log_score=("log_score", "mean"), brier=("brier", "mean"),
                    p_observed=("p_observed", "mean")).reset_index()
        order = {m: i for i, m in enumerate(METHODS)}
        return out.sort_values(["design", "method"], key=lambda s: s.map(order) if s.name == "method" else s,
                               kind="stable").reset_index(drop=True)

    def format(self) -> str:
        """The score table and the per-case probabilities as text."""
        lines = []
        for design, group in self.table().groupby("design", sort=False):
            title = (f"cut-off {self.metadata['cutoff']}: trained on cases before it, scored on cases from it"
                     if design == "cutoff" else "leave-one-out: each case scored by a model trained on the others")
            lines.append(title)
            lines.append(f"  {'method':<12}{'cases':>6}{'log score':>11}{'Brier':>8}{'mean P(observed)':>18}")
            for r in group.itertuples(index=False):
                lines.append(f"  {r.method:<12}{r.cases:>6}{r.log_score:>11.3f}{r.brier:>8.3f}{r.p_observed:>18.3f}")
            pred = self.predictions[self.predictions["design"] == design]
            wide = pred.pivot_table(index=["case", "observed"], columns="method", values="p_observed",
                                    sort=False).reset_index()
            lines.append(f"  P(observed) per case: {'case':<28}{'observed':<18}"
                         + "".join(f"{m:>12}" for m in METHODS if m in wide.columns))
            for r in wide.itertuples(index=False):
                row = r._asdict()
                lines.append(f"  {'':<22}{row['case']:<28}{row['observed']:<18}"
                             + "".join(f"{row[m]:>12.3f}" for m in METHODS if m in wide.columns))
            lines.append("")
        lines.append("Scores are losses (lower is better): log score -ln P(observed), Brier sum_k (p_k - o_k)^2.")
        return "\n".join(lines)

    def save(self, directory: str | os.PathLike[str]) -> None:
        """Write ``scores.csv`` (the table), ``predictions.csv``, ``calibrations.csv`` and ``backtest.json``."""
        import json
        from pathlib import Path

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        self.table().to_csv(d / "scores.csv", index=False)
        self.predictions.to_csv(d / "predictions.csv", index=False, date_format="%Y-%m-%d")
        self.calibrations.to_csv(d / "calibrations.csv", index=False)
        (d / "backtest.json").write_text(json.dumps(self.metadata, indent=2, default=str))


def _split_seed(seed: int, design: int, split: int) -> int:
    word = np.random.SeedSequence([int(seed), design, split]).generate_state(1, np.uint64)[0]
    return int(word >> np.uint64(1))


def _score_split(design: str, split: str, train: list[Case], test: list[Case], parameters: Sequence[str] | None,
                 seed: int, settings: CalibrationSettings, draws: int,
                 progress: Callable[[str], None] | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if not train:
        raise SimsimError(f"{design} split '{split}' has no training cases")
    post = calibrate_cases(train, parameters, seed=seed, settings=replace(settings, predictive_draws=0),
                           progress=progress)
    prior = shared_prior([*train, *test], post.columns)
    rows = []
    jobs = settings.jobs if settings.jobs is not None else 1
    with CaseSimulator(test, jobs=int(jobs), start_method=settings.start_method) as sim:
        z = np.random.default_rng([seed, 20_000]).standard_normal((draws, prior.dim))
        prior_sims = sim.simulate(prior.values(z), (seed, 20_000))
        post_sims = sim.simulate(post.resample(draws, seed), (seed, 20_001))
    for case, pr, po in zip(test, prior_sims, post_sims, strict=True):
        k = case.categories.index(case.observed)
        forecasts = {
            "calibrated": smoothed(np.array([np.sum(po == c) for c in case.categories])),
            "prior": smoothed(np.array([np.sum(pr == c) for c in case.categories])),
            "base_rate": base_rate(train, case),
        }
        for method, p in forecasts.items():
            rows.append({"design": design, "split": split, "case": case.name, "date": case.date,
                         "observed": case.observed, "method": method, "p_observed": float(p[k]),
                         "log_score": log_score(p, k), "brier": brier_score(p, k),
                         "probabilities": ", ".join(f"{c}={v:.3f}" for c, v in zip(case.categories, p,
                                                                                     strict=True)),
                         "n_train": len(train)})
    info = {"design": design, "split": split, "train": ", ".join(c.name for c in train),
            "n_train": len(train), "final_tolerance": post.metadata["final_tolerance"],
            "stopped": post.metadata["stopped"], "ess": post.ess, "runs": post.metadata["simulations"],
            "seed": seed}
    return rows, info


def backtest(
    scenarios: Sequence[ScenarioLike] | ScenarioLike,
    observed: str | os.PathLike[str] | pd.DataFrame | None = None,
    parameters: Sequence[str] | None = None,
    *,
    outcome: str | None = None,
    cutoff: str | pd.Timestamp | None = None,
    loo: bool = False,
    seed: int = 0,
    draws: int = 2000,
    settings: CalibrationSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> Backtest:
    """Score calibrated predictions out of sample against the base rate and the prior.

    Parameters
    ----------
    scenarios, observed, parameters, outcome
        The cases and the parameters to calibrate, as for :func:`simsim.calibrate`.
    cutoff
        Train on cases dated before it, score those on or after it (every case needs a date).
    loo
        Also (or only) leave-one-out over all cases.
    seed
        Master seed; each split's calibration and predictions get a seed derived from it.
    draws
        Prior and posterior draws per scored case.
    settings
        Calibration settings for every split.
    progress
        Called with a line of text as splits and populations complete.

    Returns
    -------
    Backtest
        Predictions and scores; ``.table()`` is the score table, ``.format()`` prints it.
    """
    if cutoff is None and not loo:
        raise SimsimError("give a cut-off date (cutoff=..., --cutoff YYYY-MM-DD), leave-one-out (loo=True, --loo), "
                          "or both")
    if isinstance(draws, bool) or int(draws) < 1:
        raise SimsimError(f"draws must be at least 1 (got {draws})")
    s = settings or CalibrationSettings()
    s.check()
    cases = load_cases(scenarios, observed, outcome)
    rows: list[dict[str, Any]] = []
    infos: list[dict[str, Any]] = []
    cut = None
    if cutoff is not None:
        try:
            cut = pd.Timestamp(cutoff)
        except (ValueError, TypeError):
            raise SimsimError(f"cut-off '{cutoff}' is not a date (YYYY-MM-DD)") from None
        undated = [c.name for c in cases if pd.isna(c.date)]
        if undated:
            raise SimsimError(f"a cut-off needs a date for every case; no date for: {', '.join(undated)} "
                              "(add a date column to the observed table)")
        train = [c for c in cases if c.date < cut]
        test = [c for c in cases if c.date >= cut]
        if not train or not test:
            dates = sorted(c.date.date().isoformat() for c in cases)
            raise SimsimError(f"cut-off {cut.date()} leaves {len(train)} training and {len(test)} scored cases; "
                              f"case dates run from {dates[0]} to {dates[-1]}")
        if progress:
            progress(f"cut-off {cut.date()}: calibrating on {len(train)} cases, scoring {len(test)}")
        r, info = _score_split("cutoff", str(cut.date()), train, test, parameters, _split_seed(seed, 0, 0), s,
                               int(draws), progress)
        rows += r
        infos.append(info)
    if loo:
        if len(cases) < 2:
            raise SimsimError("leave-one-out needs at least 2 cases")
        for i, case in enumerate(cases):
            if progress:
                progress(f"leave-one-out {i + 1}/{len(cases)}: scoring {case.name}")
            train = [c for c in cases if c is not case]
            r, info = _score_split("loo", case.name, train, [case], parameters, _split_seed(seed, 1, i), s,
                                   int(draws), progress)
            rows += r
            infos.append(info)
    meta = {"seed": int(seed), "cutoff": None if cut is None else cut.date().isoformat(), "loo": bool(loo),
            "draws": int(draws), "parameters": list(parameters) if parameters else None,
            "settings": s.__dict__, "cases": [c.name for c in cases],
            "scores": "losses: log score -ln P(observed); Brier sum_k (p_k - o_k)^2; "
                      "probabilities Jeffreys-smoothed (m_k + 1/2) / (M + K/2)"}
    return Backtest(pd.DataFrame(rows), pd.DataFrame(infos), meta)
