"""Analysis of results: what drives an outcome, and comparisons between scenarios.

:func:`sensitivity` ranks the uncertain inputs by their partial rank correlation with an
outcome. :func:`compare` sets two scenarios side by side (e.g. a counterfactual and its
base): differences of proportions use Newcombe's hybrid score interval (method 10 in
Newcombe 1998, built from the two Wilson intervals); differences of means use the normal
approximation with unpooled variances (Welch).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from simsim.errors import ResultsError
from simsim.results import Z95

if TYPE_CHECKING:
    from simsim.results import Results


def newcombe_interval(p1: float, l1: float, u1: float, p2: float, l2: float, u2: float) -> tuple[float, float]:
    """95% interval for ``p1 - p2`` from the two proportions and their Wilson intervals.

    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions. *Statistics in Medicine* 17(8), 873-890 (method 10).
    """
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (lo, hi)


def compare(a: Results, b: Results, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Compare the same outcomes in two results.

    Parameters
    ----------
    a, b
        Results of two scenarios with the same mechanism (e.g. a base case and a counterfactual).
    outcomes
        Outcome names; default: ``a``'s main outcomes that ``b`` also has.

    Returns
    -------
    DataFrame
        One row per outcome (and category): ``label``, ``kind``, ``estimate_a``, ``ci_low_a``,
        ``ci_high_a``, the same for ``b``, ``difference`` (b - a) and its 95% interval.
    """
    specs_b = {s["name"] for s in b.outcome_specs}
    names = outcomes or [o for o in a.main_outcomes if o in specs_b]
    if not names:
        raise ResultsError(f"the results share no main outcome to compare ('{a.metadata['scenario']['name']}' "
                           f"and '{b.metadata['scenario']['name']}'); name outcomes explicitly")
    missing = [o for o in names if o not in specs_b]
    if missing:
        raise ResultsError(f"outcome(s) not in both results: {', '.join(missing)}")
    sa, sb = a.summary(names), b.summary(names)
    key = ["outcome", "category"]
    sa["category"] = sa["category"].fillna("")
    sb["category"] = sb["category"].fillna("")
    m = sa.merge(sb, on=key, suffixes=("_a", "_b"))
    rows: list[dict[str, Any]] = []
    for r in m.itertuples(index=False):
        if r.kind_a == "number":
            se = math.sqrt((r.sd_a or 0) ** 2 / max(r.n_a, 1) + (r.sd_b or 0) ** 2 / max(r.n_b, 1))
            d = r.estimate_b - r.estimate_a
            lo, hi = d - Z95 * se, d + Z95 * se
        else:
            lo_d, hi_d = newcombe_interval(r.estimate_b, r.ci_low_b, r.ci_high_b,
                                           r.estimate_a, r.ci_low_a, r.ci_high_a)
            d, lo, hi = r.estimate_b - r.estimate_a, lo_d, hi_d
        rows.append({"label": f"{r.outcome}: {r.category}" if r.category else r.outcome, "kind": r.kind_a,
                     "estimate_a": r.estimate_a, "ci_low_a": r.ci_low_a, "ci_high_a": r.ci_high_a,
                     "estimate_b": r.estimate_b, "ci_low_b": r.ci_low_b, "ci_high_b": r.ci_high_b,
                     "difference": d, "diff_low": lo, "diff_high": hi})
    return pd.DataFrame(rows)


def outcome_values(results: Results, outcome: str, category: str | None = None) -> np.ndarray:
    """One number per run for ``outcome``: the value, 0/1 for a bool, or 0/1 for ``category``.

    For a categorical outcome without ``category``, the most frequent category is used.
    """
    specs = {s["name"]: s for s in results.outcome_specs}
    if outcome not in specs or outcome not in results.runs:
        raise ResultsError(f"unknown outcome '{outcome}'")
    col = results.runs[outcome]
    kind = specs[outcome]["kind"]
    if kind == "category":
        defined = col.notna().to_numpy()
        if category is None:
            counts = col[defined].astype(str).value_counts()
            if counts.empty:
                return np.full(len(col), np.nan)
            category = str(counts.index[0])
        values = (col.astype(str) == category).to_numpy(dtype=float)
        values[~defined] = np.nan  # a run where the outcome is undefined is not "another category"
        return values
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)


def sensitivity(results: Results, outcome: str, category: str | None = None) -> pd.DataFrame:
    """Which uncertain inputs drive ``outcome``: partial rank correlation coefficients (PRCC).

    For each sampled input, the correlation between the ranks of the input and of the outcome
    once the (linear effects of the ranks of the) other inputs are removed from both. PRCC
    measures monotone influence and is the usual global sensitivity measure for agent-based
    models with Latin hypercube or random samples (Marino, Hogue, Ray & Kirschner 2008, *J.
    Theor. Biol.* 254(1)). It is computed from the inverse ``P`` of the rank correlation
    matrix of inputs and outcome: ``PRCC_i = -P[i, y] / sqrt(P[i, i] P[y, y])``. The 95%
    interval uses Fisher's z with ``n - k - 2`` degrees of freedom (k inputs).

    Parameters
    ----------
    results
        Results whose ``runs`` hold the sampled inputs (``param.*``, ``attr.*``, ``rel.*``).
    outcome, category
        The outcome; for a categorical one, the category whose indicator is analysed (default:
        the most frequent).

    Returns
    -------
    DataFrame
        ``input``, ``prcc``, ``ci_low``, ``ci_high``, sorted by ``|prcc|`` (largest first).
    """
    inputs = [c for c in results.runs.columns if c.split(".", 1)[0] in ("param", "attr", "rel", "bparam")]
    y = outcome_values(results, outcome, category)
    x = results.runs[inputs].to_numpy(dtype=float)
    keep = np.isfinite(y) & np.isfinite(x).all(axis=1)
    x, y = x[keep], y[keep]
    cols = ["input", "prcc", "ci_low", "ci_high"]
    if len(y) == 0:
        return pd.DataFrame(columns=cols)
    varying = [i for i in range(x.shape[1]) if np.ptp(x[:, i]) > 0]
    inputs = [inputs[i] for i in varying]
    x = x[:, varying]
    n, k = x.shape
    if k == 0 or n < k + 4 or np.ptp(y) == 0:
        return pd.DataFrame(columns=cols)
    ranks = np.column_stack([stats.rankdata(c) for c in (*x.T, y)])
    corr = np.corrcoef(ranks, rowvar=False)
    if np.linalg.cond(corr) > 1e12:
        # an input determines the outcome (or another input): a tiny ridge keeps the inverse
        # defined and the sign right
        corr = corr + 1e-10 * np.eye(k + 1)
    p = np.linalg.inv(corr)
    r = -p[:k, k] / np.sqrt(p[np.arange(k), np.arange(k)] * p[k, k])
    r = np.clip(r, -1.0, 1.0)
    half = Z95 / math.sqrt(max(n - k - 2, 1))
    z = np.arctanh(np.clip(r, -0.999999999, 0.999999999))
    out = pd.DataFrame({"input": inputs, "prcc": r, "ci_low": np.tanh(z - half), "ci_high": np.tanh(z + half)})
    return out.reindex(out["prcc"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def convergence(results: Results, outcome: str, category: str | None = None, points: int = 25) -> pd.DataFrame:
    """How the estimate of ``outcome`` and its 95% interval settle as runs accumulate.

    The estimate (probability with a Wilson interval for a bool or a category, mean with a
    normal interval otherwise) over the first ``n`` runs, for ``points`` values of ``n`` spaced
    evenly on a log scale up to all runs. Use it to judge whether more runs would change a
    conclusion: the interval narrows roughly as 1/sqrt(n).

    Returns
    -------
    DataFrame
        ``n``, ``estimate``, ``ci_low``, ``ci_high``.
    """
    from simsim.results import wilson_interval

    specs = {s["name"]: s for s in results.outcome_specs}
    y = outcome_values(results, outcome, category)
    y = y[np.isfinite(y)]
    total = len(y)
    if total == 0:
        return pd.DataFrame(columns=["n", "estimate", "ci_low", "ci_high"])
    ns = np.unique(np.geomspace(min(10, total), total, num=points).astype(int))
    cum = np.cumsum(y)
    cum2 = np.cumsum(y * y)
    rows = []
    for n in ns:
        mean = cum[n - 1] / n
        if specs[outcome]["kind"] in ("bool", "category"):
            lo, hi = wilson_interval(int(round(cum[n - 1])), int(n))
        else:
            var = max(cum2[n - 1] / n - mean * mean, 0.0) * n / max(n - 1, 1)
            half = Z95 * math.sqrt(var / n)
            lo, hi = mean - half, mean + half
        rows.append({"n": int(n), "estimate": mean, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)
