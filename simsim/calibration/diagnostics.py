"""Diagnostics of a calibration: prior vs posterior, and predictive checks per case.

Data preparation (:func:`posterior_table`, :func:`predictive_table`) is separate from drawing
(:func:`plot_parameter`, :func:`posterior_figure`, :func:`predictive_figure`). Plot functions
take an optional ``ax``, build figures with :class:`matplotlib.figure.Figure` and never touch
pyplot's global state.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from simsim.calibration.posterior import Posterior


def posterior_table(posterior: Posterior) -> pd.DataFrame:
    """Prior vs posterior per parameter (see :meth:`Posterior.summary`)."""
    return posterior.summary()


def predictive_table(cases: list[Any], prior_draws: list[np.ndarray],
                     posterior_draws: list[np.ndarray]) -> pd.DataFrame:
    """Per case and category: the share of prior and posterior predictive simulations in it.

    Parameters
    ----------
    cases
        The :class:`~simsim.calibration.cases.Case` objects.
    prior_draws, posterior_draws
        Per case, the simulated categories under prior and posterior draws.

    Returns
    -------
    DataFrame
        ``case``, ``outcome``, ``category``, ``observed`` (bool), ``prior``, ``posterior``, ``n``.
    """
    rows = []
    for case, pr, po in zip(cases, prior_draws, posterior_draws, strict=True):
        for cat in case.categories:
            rows.append({"case": case.name, "outcome": case.outcome, "category": cat,
                         "observed": cat == case.observed, "prior": float(np.mean(pr == cat)),
                         "posterior": float(np.mean(po == cat)), "n": len(po)})
    return pd.DataFrame(rows)


def plot_parameter(posterior: Posterior, column: str, ax: Axes | None = None, bins: int = 30) -> Axes:
    """Histogram of one parameter's prior sample and weighted posterior, with the posterior mean."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(4, 3)).subplots()
    prior = posterior.prior[column].to_numpy(dtype=float)
    x = posterior.particles[column].to_numpy(dtype=float)
    w = posterior.particles["weight"].to_numpy(dtype=float)
    lo, hi = float(min(prior.min(), x.min())), float(max(prior.max(), x.max()))
    if hi <= lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, bins + 1).tolist()
    ax.hist(prior, bins=edges, density=True, alpha=0.45, color="0.6", label="prior")
    ax.hist(x, bins=edges, weights=w, density=True, alpha=0.6, color="C0", label="posterior")
    ax.axvline(float(np.dot(w, x) / w.sum()), color="C0", lw=1.2)
    ax.set_title(column, fontsize=9)
    ax.legend(fontsize=7)
    return ax


def posterior_figure(posterior: Posterior) -> Figure:
    """One panel per parameter (prior vs posterior) and one of the tolerance and acceptance per population."""
    from matplotlib.figure import Figure

    cols = posterior.columns
    k = len(cols) + 1
    ncol = min(3, k)
    nrow = math.ceil(k / ncol)
    fig = Figure(figsize=(4 * ncol, 3 * nrow), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrow, ncol)).ravel()
    for ax, c in zip(axes, cols, strict=False):
        plot_parameter(posterior, c, ax=ax)
    ax = axes[len(cols)]
    pops = posterior.populations
    ax.plot(pops["population"], pops["acceptance_rate"], "o-", label="acceptance rate")
    ax.set_yscale("log")
    ax.set_xlabel("population")
    ax.set_ylabel("acceptance rate")
    ax2 = ax.twinx()
    eps = pops["epsilon"].replace(np.inf, np.nan)
    ax2.plot(pops["population"], eps, "s--", color="C1", label="tolerance")
    ax2.set_ylabel("tolerance (cases missed)")
    ax.set_title(f"ESS {posterior.ess:.0f} of {len(posterior.particles)}", fontsize=9)
    for extra in axes[k:]:
        extra.set_visible(False)
    return fig


def predictive_figure(table: pd.DataFrame, ax: Axes | None = None) -> Axes | Figure:
    """Probability of the observed category per case, under the prior and the posterior."""
    from matplotlib.figure import Figure

    obs = table[table["observed"]].reset_index(drop=True)
    fig = None
    if ax is None:
        fig = Figure(figsize=(7, 0.35 * max(len(obs), 2) + 1.4), layout="constrained")
        ax = fig.subplots()
    y = np.arange(len(obs))
    ax.barh(y - 0.2, obs["prior"], height=0.4, color="0.6", label="prior")
    ax.barh(y + 0.2, obs["posterior"], height=0.4, color="C0", label="posterior")
    ax.set_yticks(y, [f"{c} ({cat})" for c, cat in zip(obs["case"], obs["category"], strict=True)], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("predictive probability of what happened")
    ax.legend(fontsize=8, loc="lower right")
    return fig if fig is not None else ax
