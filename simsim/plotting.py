"""Figures of outcome distributions.

A leaf module: nothing in simsim imports it except the CLI. Each plot function takes data
and an optional ``ax``, returns the figure or axes, never calls ``show()`` and never touches
pyplot's global state (figures are built with :class:`matplotlib.figure.Figure`). The data
each figure shows is prepared by a separate pure function that tests check without drawing.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simsim.results import wilson_interval
from simsim.results_check import check_category, check_outcomes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from simsim.results import Results


# ------------------------------------------------------------------ data preparation
def probability_table(results: Results, outcomes: list[str] | None = None, max_categories: int = 8
                      ) -> pd.DataFrame:
    """Probabilities with 95% Wilson intervals of the boolean and categorical main outcomes.

    Returns a frame with ``label``, ``estimate``, ``ci_low``, ``ci_high``: one row per boolean
    outcome and per category of a categorical outcome; beyond ``max_categories`` categories,
    the most frequent ones and one row pooling the others.
    """
    check_outcomes(results, outcomes)
    names = outcomes or results.main_outcomes
    specs = {s["name"]: s for s in results.outcome_specs}
    names = [n for n in names if n in specs and specs[n]["kind"] in ("bool", "category")]
    if not names:
        return pd.DataFrame(columns=["label", "estimate", "ci_low", "ci_high"])
    summ = results.summary(names)
    # an open-ended categorical outcome: its most frequent categories, the rest pooled
    parts = []
    for _, g in summ.groupby("outcome", sort=False):
        if g["kind"].iloc[0] == "category" and len(g) > max_categories:
            top = g.sort_values("estimate", ascending=False).head(max_categories)
            n_other = len(g) - max_categories
            k = round((1.0 - top["estimate"].sum()) * g["n"].iloc[0])
            lo, hi = wilson_interval(int(k), int(g["n"].iloc[0]))
            label = f"{n_other} other" + ("s" if n_other > 1 else "")
            other = {"outcome": g["outcome"].iloc[0], "kind": "category", "category": label,
                     "estimate": k / g["n"].iloc[0], "ci_low": lo, "ci_high": hi}
            parts.append(pd.concat([top, pd.DataFrame([other])], ignore_index=True))
        else:
            parts.append(g)
    summ = pd.concat(parts, ignore_index=True)
    labels = [f"{o}: {c}" if isinstance(c, str) else o for o, c in zip(summ["outcome"], summ["category"], strict=True)]
    return pd.DataFrame({"label": labels, "estimate": summ["estimate"].to_numpy(),
                         "ci_low": summ["ci_low"].to_numpy(), "ci_high": summ["ci_high"].to_numpy()})


def numeric_outcomes(results: Results, outcomes: list[str] | None = None) -> dict[str, np.ndarray]:
    """Values over runs of the numeric main outcomes (NaNs dropped), by name."""
    check_outcomes(results, outcomes)
    names = outcomes or results.main_outcomes
    specs = {s["name"]: s for s in results.outcome_specs}
    out = {}
    for n in names:
        if n in specs and specs[n]["kind"] == "number" and n in results.runs:
            out[n] = pd.to_numeric(results.runs[n], errors="coerce").dropna().to_numpy(dtype=float)
    return out


def fan_data(timeseries: pd.DataFrame, reporter: str, quantiles: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
             ) -> pd.DataFrame:
    """Quantiles of ``reporter`` across runs at each step (index: step; columns: quantiles).

    A run that stopped early keeps its last value at later steps, so the bands always describe
    every run.
    """
    wide = timeseries.pivot(index="step", columns="run", values=reporter).ffill()
    with warnings.catch_warnings():  # a step where the reporter is undefined in every run stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanquantile(wide.to_numpy(dtype=float), quantiles, axis=1).T
    return pd.DataFrame(q, index=wide.index, columns=list(quantiles))


# ------------------------------------------------------------------ figures
def plot_probabilities(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars of probabilities with their 95% intervals."""
    if ax is None:
        ax = Figure(figsize=(6, 0.4 * max(len(table), 2) + 1)).subplots()
    y = np.arange(len(table))[::-1]
    est = table["estimate"].to_numpy(dtype=float)
    err = np.clip(np.vstack([est - table["ci_low"].to_numpy(dtype=float),
                             table["ci_high"].to_numpy(dtype=float) - est]), 0.0, None)
    ax.barh(y, est, color="#4C72B0", alpha=0.8)
    ax.errorbar(est, y, xerr=err, fmt="none", ecolor="black", capsize=3, lw=1)
    for yi, e, hi in zip(y, est, est + err[1], strict=True):
        if hi > 0.85:  # no room to the right: write inside the bar, left of the interval
            ax.text(max(e - err[0][list(y).index(yi)] - 0.01, 0.02), yi, f"{e:.1%}", va="center", ha="right",
                    fontsize=8, color="white")
        else:
            ax.text(hi + 0.01, yi, f"{e:.1%}", va="center", fontsize=8)
    ax.set_yticks(y, table["label"].tolist(), fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability, with 95% Wilson interval (the categories of one outcome sum to 100%)")
    return ax


def plot_histogram(values: np.ndarray, name: str, ax: Axes | None = None) -> Axes:
    """Histogram of one numeric outcome over runs, with its mean and 5-95% range marked."""
    if ax is None:
        ax = Figure(figsize=(4, 3)).subplots()
    if len(values) == 0:
        ax.text(0.5, 0.5, "no values", ha="center", va="center", transform=ax.transAxes)
    elif np.ptp(values) == 0:  # the same value in every run
        v = float(values[0])
        pad = max(abs(v) * 0.05, 0.5)
        ax.bar([v], [len(values)], width=pad / 5, color="#55A868", alpha=0.85)
        ax.set_xlim(v - pad, v + pad)
        ax.text(0.5, 0.9, f"{v:.6g} in every run", ha="center", transform=ax.transAxes, fontsize=8)
    else:
        uniq = np.unique(values)
        bins: Any = (np.append(uniq, uniq[-1] + 1) - 0.5) if len(uniq) <= 12 and np.all(uniq == np.round(uniq)) else 30
        ax.hist(values, bins=bins, color="#55A868", alpha=0.85)
        ax.axvline(values.mean(), color="black", lw=1, label=f"mean {values.mean():.3g}")
        lo, hi = np.quantile(values, [0.05, 0.95])
        ax.axvspan(lo, hi, color="grey", alpha=0.15, label="5-95%")
        ax.legend(fontsize=7)
    ax.set_title(name, fontsize=9)
    ax.set_ylabel("runs", fontsize=8)
    ax.tick_params(labelsize=7)
    return ax


def plot_fan(fan: pd.DataFrame, name: str, ax: Axes | None = None) -> Axes:
    """Median and 50%/90% bands of a reporter over steps."""
    if ax is None:
        ax = Figure(figsize=(4, 3)).subplots()
    x = fan.index.to_numpy()
    cols = list(fan.columns)
    ax.fill_between(x, fan[cols[0]], fan[cols[-1]], color="#8172B2", alpha=0.2, label="5-95%")
    ax.fill_between(x, fan[cols[1]], fan[cols[-2]], color="#8172B2", alpha=0.4, label="25-75%")
    ax.plot(x, fan[cols[len(cols) // 2]], color="#4B3F72", lw=1.5, label="median")
    ax.set_title(f"{name} over steps", fontsize=9)
    ax.set_xlabel("step", fontsize=8)
    ax.legend(fontsize=7)
    ax.tick_params(labelsize=7)
    return ax


def outcomes_figure(results: Results, outcomes: list[str] | None = None) -> Figure:
    """The distribution of the main outcomes: probabilities, histograms and a fan chart."""
    check_outcomes(results, outcomes)
    probs = probability_table(results, outcomes)
    nums = numeric_outcomes(results, outcomes)
    reporters = [r for r in results.metadata.get("main_reporters", []) if r in results.timeseries]
    panels = len(nums) + len(reporters)
    ncols = 3
    nrows_small = math.ceil(panels / ncols) if panels else 0
    top = 1 if len(probs) else 0
    height_top = 0.35 * max(len(probs), 2) + 1.2 if top else 0
    fig = Figure(figsize=(12, height_top + 2.8 * nrows_small + 0.8), layout="constrained")
    title = results.metadata.get("scenario", {}).get("title") or results.metadata.get("scenario", {}).get("name")
    fig.suptitle(f"{title}\n{len(results.runs)} runs, seed {results.seed}", fontsize=10)
    grid = fig.add_gridspec(top + nrows_small, ncols, height_ratios=[height_top] * top + [2.8] * nrows_small)
    if top:
        plot_probabilities(probs, fig.add_subplot(grid[0, :]))
    k = 0
    for name, vals in nums.items():
        plot_histogram(vals, name, fig.add_subplot(grid[top + k // ncols, k % ncols]))
        k += 1
    for rep in reporters:
        plot_fan(fan_data(results.timeseries, rep), rep, fig.add_subplot(grid[top + k // ncols, k % ncols]))
        k += 1
    return fig


def comparison_table(a: Results, b: Results, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Estimates of the same outcomes in two results, side by side (see :func:`simsim.analysis.compare`)."""
    from simsim.analysis import compare

    return compare(a, b, outcomes)


def plot_comparison(table: pd.DataFrame, labels: tuple[str, str], ax: Axes | None = None) -> Axes:
    """Dot plot of two scenarios' estimates with 95% intervals, one row per outcome."""
    if ax is None:
        ax = Figure(figsize=(7, 0.45 * max(len(table), 2) + 1.2)).subplots()
    y = np.arange(len(table))[::-1]
    for off, side, color, lab in ((0.15, "a", "#4C72B0", labels[0]), (-0.15, "b", "#C44E52", labels[1])):
        est = table[f"estimate_{side}"].to_numpy(dtype=float)
        lo = table[f"ci_low_{side}"].to_numpy(dtype=float)
        hi = table[f"ci_high_{side}"].to_numpy(dtype=float)
        err = np.clip(np.vstack([est - lo, hi - est]), 0.0, None)
        ax.errorbar(est, y + off, xerr=err, fmt="o", color=color, capsize=3, label=lab)
    ax.set_yticks(y, table["label"].tolist(), fontsize=8)
    ax.set_xlabel("estimate (probability or mean) with 95% interval")
    ax.legend(fontsize=8)
    return ax


def comparison_figure(a: Results, b: Results, outcomes: list[str] | None = None) -> Figure:
    """Figure comparing two results: probabilities on one axis, each numeric outcome on its own."""
    table = comparison_table(a, b, outcomes)
    names = (a.metadata["scenario"]["name"], b.metadata["scenario"]["name"])
    probs = table[table["kind"] != "number"]
    nums = table[table["kind"] == "number"]
    ncols = 3
    nrows = math.ceil(len(nums) / ncols)
    top = 1 if len(probs) else 0
    h_top = 0.45 * max(len(probs), 2) + 1.2 if top else 0
    fig = Figure(figsize=(10, h_top + 1.6 * nrows + 0.8), layout="constrained")
    grid = fig.add_gridspec(top + nrows, ncols, height_ratios=[h_top] * top + [1.6] * nrows)
    if top:
        ax = fig.add_subplot(grid[0, :])
        plot_comparison(probs, names, ax)
        ax.set_xlabel("probability with 95% interval")
    for k, row in enumerate(nums.itertuples(index=False)):
        ax = fig.add_subplot(grid[top + k // ncols, k % ncols])
        for yv, side, color in ((1, "a", "#4C72B0"), (0, "b", "#C44E52")):
            est = getattr(row, f"estimate_{side}")
            lo, hi = getattr(row, f"ci_low_{side}"), getattr(row, f"ci_high_{side}")
            ax.errorbar([est], [yv], xerr=[[max(est - lo, 0)], [max(hi - est, 0)]], fmt="o", color=color, capsize=3)
        ax.set_yticks([1, 0], ["a", "b"], fontsize=8)
        ax.set_ylim(-0.6, 1.6)
        ax.set_title(f"{row.label} (mean)", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle(f"a = {names[0]}  vs  b = {names[1]}", fontsize=10)
    return fig


def plot_sensitivity(table: pd.DataFrame, title: str, ax: Axes | None = None, top: int = 15) -> Axes:
    """Tornado chart of partial rank correlations (see :func:`simsim.analysis.sensitivity`)."""
    t = table.head(top)
    if ax is None:
        ax = Figure(figsize=(7, 0.35 * max(len(t), 2) + 1.2)).subplots()
    y = np.arange(len(t))[::-1]
    r = t["prcc"].to_numpy(dtype=float)
    err = np.clip(np.vstack([r - t["ci_low"].to_numpy(dtype=float), t["ci_high"].to_numpy(dtype=float) - r]), 0, None)
    ax.barh(y, r, color=np.where(r >= 0, "#4C72B0", "#C44E52"), alpha=0.85)
    ax.errorbar(r, y, xerr=err, fmt="none", ecolor="black", capsize=3, lw=1)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, t["input"].tolist(), fontsize=8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel("partial rank correlation with 95% interval")
    ax.set_title(title, fontsize=9)
    return ax


def sensitivity_figure(results: Results, outcome: str, category: str | None = None) -> Figure:
    """Figure of what drives ``outcome``: the uncertain inputs ranked by partial rank correlation."""
    check_category(results, outcome, category)
    from simsim.analysis import sensitivity

    table = sensitivity(results, outcome, category)
    fig = Figure(figsize=(8, 0.35 * max(min(len(table), 15), 2) + 1.6), layout="constrained")
    label = f"{outcome} = {category}" if category else outcome
    plot_sensitivity(table, f"What drives {label} ({len(results.runs)} runs)", fig.add_subplot())
    return fig


def plot_convergence(table: pd.DataFrame, title: str, ax: Axes | None = None) -> Axes:
    """Estimate and 95% interval against the number of runs (log scale)."""
    if ax is None:
        ax = Figure(figsize=(6, 3.5)).subplots()
    ax.fill_between(table["n"], table["ci_low"], table["ci_high"], color="#4C72B0", alpha=0.25, label="95% interval")
    ax.plot(table["n"], table["estimate"], color="#4C72B0", lw=1.5, label="estimate")
    ax.set_xscale("log")
    ax.set_xlabel("number of runs")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    return ax


def convergence_figure(results: Results, outcome: str, category: str | None = None) -> Figure:
    """Figure of how the estimate of ``outcome`` settles as runs accumulate."""
    check_category(results, outcome, category)
    from simsim.analysis import convergence

    fig = Figure(figsize=(6.5, 3.8), layout="constrained")
    label = f"{outcome} = {category}" if category else outcome
    plot_convergence(convergence(results, outcome, category), f"Convergence of {label}", fig.add_subplot())
    return fig
