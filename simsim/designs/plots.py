"""Figures of designed experiments: an outcome over a sweep, Sobol indices, Morris effects.

A leaf, like :mod:`simsim.plotting`: data in, figure out; each function takes an optional
``ax`` and never touches pyplot's global state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simsim.errors import ResultsError
from simsim.plotting import SimsimFigure as Figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from simsim.results import Results


def _short(path: str) -> str:
    """``parameters.w_dependence`` -> ``w_dependence``; ``relations.R.edges.A->B`` -> ``R A->B``."""
    for prefix in ("sweep.", "parameters.", "param."):
        if path.startswith(prefix):
            path = path[len(prefix):]
    parts = path.split(".")
    if len(parts) == 4 and parts[0] == "relations" and parts[2] == "edges":
        return f"{parts[1]} {parts[3]}"
    return path


def plot_sweep(table: pd.DataFrame, factors: list[str], label: str, ax: Axes | None = None,
               probability: bool = False) -> Axes:
    """One factor: the estimate and its 95% band over the factor's values. Two: a heatmap.

    Each cell of a heatmap shows the estimate and its 95% interval; a probability is coloured on
    the fixed scale 0..1, so that noise between cells does not look like a pattern.
    """
    if ax is None:
        ax = Figure(figsize=(6.4, 4.2)).add_subplot()
    cols = [f"sweep.{f}" for f in factors]
    if len(factors) == 1:
        t = table.sort_values(cols[0])
        x = t[cols[0]].to_numpy(dtype=float)
        ax.fill_between(x, t["ci_low"], t["ci_high"], alpha=0.25, color="C0", label="95% interval")
        ax.plot(x, t["estimate"], "o-", color="C0", label="estimate")
        ax.set_xlabel(_short(factors[0]))
        ax.set_ylabel(label)
        ax.legend(frameon=False, fontsize=8)
        ax.grid(alpha=0.3)
        return ax
    grid = table.pivot_table(index=cols[1], columns=cols[0], values="estimate", aggfunc="mean")
    lo = table.pivot_table(index=cols[1], columns=cols[0], values="ci_low", aggfunc="mean").to_numpy(dtype=float)
    hi = table.pivot_table(index=cols[1], columns=cols[0], values="ci_high", aggfunc="mean").to_numpy(dtype=float)
    im = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis",
                   vmin=0.0 if probability else None, vmax=1.0 if probability else None)
    ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
    ax.set_xlabel(_short(factors[0]))
    ax.set_ylabel(_short(factors[1]))
    vals = grid.to_numpy(dtype=float)
    mid = 0.5 if probability else (np.nanmean(vals) if np.isfinite(vals).any() else 0.0)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = vals[i, j]
            if np.isfinite(v):
                ax.text(j, i, f"{v:.3g}\n[{lo[i, j]:.3g}, {hi[i, j]:.3g}]", ha="center", va="center", fontsize=7,
                        color="white" if v < mid else "black")
    ax.figure.colorbar(im, ax=ax, label=label)
    return ax


def sweep_figure(results: Results, outcome: str, category: str | None = None,
                 factors: list[str] | None = None) -> Figure:
    """An outcome over one or two swept factors (the others pooled), with 95% intervals."""
    from simsim.designs.analysis import _design, sweep_table

    design = _design(results, "sweep")
    chosen = factors or list(design["factors"])[:2]
    unknown = [f for f in chosen if f not in design["factors"]]
    if unknown or not 1 <= len(chosen) <= 2:
        raise ResultsError(f"choose one or two of the swept factors: {', '.join(design['factors'])}")
    table = sweep_table(results, outcome, category)
    if len(chosen) < len(design["factors"]):  # pool the other factors: weight points by their runs
        cols = [f"sweep.{f}" for f in chosen]
        table = table.assign(k=table["estimate"] * table["n"]).groupby(cols, as_index=False).agg(
            n=("n", "sum"), k=("k", "sum"), ci_low=("ci_low", "min"), ci_high=("ci_high", "max"))
        table["estimate"] = table["k"] / table["n"]
    spec = {s["name"]: s for s in results.outcome_specs}.get(outcome, {})
    name = spec.get("label") or outcome
    label = f"{name}: {category}" if category else name
    prob = category is not None or spec.get("kind") == "bool"
    unit = spec.get("unit") or ""
    fig = Figure(figsize=(7.2, 4.6), layout="constrained")
    ax = fig.add_subplot()
    plot_sweep(table, chosen, f"P({label})" if prob else f"mean {label}" + (f" ({unit})" if unit else ""),
               ax=ax, probability=prob)
    reps = design["replications"]
    ax.set_title(f"{results.metadata['scenario']['name']}: {label}\n"
                 f"{reps} runs per point, the same seeds at every point", fontsize=10)
    return fig


def plot_indices(table: pd.DataFrame, columns: tuple[str, str], errors: tuple[str, str], labels: tuple[str, str],
                 title: str, ax: Axes | None = None, top: int = 15) -> Axes:
    """Horizontal paired bars of two index columns with error bars, largest first."""
    if ax is None:
        ax = Figure(figsize=(6.8, 4.8)).add_subplot()
    t = table.head(top).iloc[::-1]
    y = np.arange(len(t))
    for off, col, err, lab, colour in ((-0.2, columns[0], errors[0], labels[0], "C0"),
                                       (0.2, columns[1], errors[1], labels[1], "C1")):
        ax.barh(y + off, t[col], height=0.38, xerr=t[err], color=colour, alpha=0.85, label=lab,
                error_kw={"elinewidth": 0.8, "capsize": 2})
    ax.set_yticks(y, [str(v) for v in t["input"]], fontsize=8)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_title(title, fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    return ax


def sobol_figure(results: Results, outcome: str, category: str | None = None, top: int = 15) -> Figure:
    """First- and total-order Sobol indices of the inputs (95% bootstrap intervals), largest first."""
    from simsim.designs.analysis import sobol_indices

    table = sobol_indices(results, outcome, category)
    label = f"{outcome} = {category}" if category else outcome
    fig = Figure(figsize=(7.2, 0.32 * min(len(table), top) + 1.6), layout="constrained")
    ax = fig.add_subplot()
    plot_indices(table, ("S1", "ST"), ("S1_conf", "ST_conf"), ("first order S1", "total order ST"),
                 f"Sobol indices of {label}", ax=ax, top=top)
    ax.set_xlabel("share of the variance of the outcome")
    return fig


def morris_figure(results: Results, outcome: str, category: str | None = None, top: int = 15) -> Figure:
    """Morris screening: mean absolute effect (mu*) against the spread of effects (sigma)."""
    from simsim.designs.analysis import morris_effects

    table = morris_effects(results, outcome, category).head(top)
    label = f"{outcome} = {category}" if category else outcome
    fig = Figure(figsize=(7.0, 5.0), layout="constrained")
    ax = fig.add_subplot()
    ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", color="C0",
                ecolor="0.6", elinewidth=0.8, capsize=2)
    for r in table.itertuples(index=False):
        ax.annotate(str(r.input), (r.mu_star, r.sigma), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("mu* (mean |elementary effect| per grid step)")
    ax.set_ylabel("sigma (spread of the effects)")
    ax.set_title(f"Morris screening of {label} (top {len(table)} inputs by mu*)", fontsize=10)
    ax.grid(alpha=0.3)
    return fig


def design_figure(results: Results, outcome: str, category: str | None = None) -> Figure:
    """The figure of the results' design: a sweep, Sobol indices or Morris effects."""
    kind = (results.metadata.get("design") or {}).get("kind")
    if kind == "sweep":
        return sweep_figure(results, outcome, category)
    if kind == "sobol":
        return sobol_figure(results, outcome, category)
    if kind == "morris":
        return morris_figure(results, outcome, category)
    raise ResultsError("these results come from plain replications, not a sweep, sobol or morris design: "
                       "use `simsim sensitivity` for them")
