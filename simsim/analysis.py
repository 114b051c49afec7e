"""Analysis of results: what drives an outcome, and comparisons between scenarios.

:func:`sensitivity` ranks the uncertain inputs by their partial rank correlation with an
outcome. :func:`compare` sets two scenarios side by side (e.g. a counterfactual and its
base). When the two results share their runs' seeds (same master seed and number of runs),
run ``i`` of one is paired with run ``i`` of the other and the intervals of differences are
*paired*: for proportions, Newcombe's score interval for paired data (method 10 of Newcombe
1998b, built from the two Wilson intervals and the correlation of the pairs); for means, the
normal interval of the mean of the per-run differences. Otherwise the runs are independent
and the intervals are Newcombe's hybrid score interval for independent proportions (method 10
of Newcombe 1998a) and the normal approximation with unpooled variances (Welch). The
``interval`` column of the table says which was used.

Every function that takes outcome or category names checks them first
(:mod:`simsim.results_check`): an unknown name is an error with a did-you-mean suggestion.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simsim.errors import ResultsError
from simsim.results import Z95
from simsim.results_check import check_category, check_outcomes

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


def newcombe_paired_interval(x: np.ndarray, y: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """Difference ``mean(y) - mean(x)`` of paired 0/1 outcomes with its 95% interval.

    Newcombe, R. G. (1998). Improved confidence intervals for the difference between binomial
    proportions based on paired data. *Statistics in Medicine* 17(22), 2635-2650 (method 10):
    the Wilson intervals of the two proportions are combined with the correlation ``phi`` of
    the pairs (``phi`` is 0 when a margin is empty), which narrows the interval when the pairs
    agree often, as runs with the same seed do.

    Returns
    -------
    (difference, low, high)
    """
    from simsim.results import wilson_interval

    x = np.asarray(x, dtype=bool)
    y = np.asarray(y, dtype=bool)
    n = len(x)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    # 2x2 table of the pairs: e = both 1, f = y only, g = x only, h = neither
    e = int(np.sum(x & y))
    f = int(np.sum(~x & y))
    g = int(np.sum(x & ~y))
    h = n - e - f - g
    p1, p2 = (e + f) / n, (e + g) / n  # p1: y (b), p2: x (a)
    l1, u1 = wilson_interval(e + f, n, z)
    l2, u2 = wilson_interval(e + g, n, z)
    denom = (e + f) * (g + h) * (e + g) * (f + h)
    phi = (e * h - f * g) / math.sqrt(denom) if denom > 0 else 0.0
    d = p1 - p2
    dl = math.sqrt(max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0))
    du = math.sqrt(max((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2, 0.0))
    return (d, max(-1.0, d - dl), min(1.0, d + du))


def _paired(a: Results, b: Results) -> bool:
    """Whether run ``i`` of ``a`` and of ``b`` had the same seed for every ``i`` (common random numbers)."""
    if a.seed is None or a.seed != b.seed or len(a.runs) != len(b.runs):
        return False
    sa = a.runs.sort_values("run")["seed"].to_numpy()
    sb = b.runs.sort_values("run")["seed"].to_numpy()
    return bool(np.array_equal(sa, sb))


PAIRED_PROPORTION = "paired: Newcombe score interval for paired data (1998b, method 10)"
PAIRED_MEAN = "paired: normal interval of the mean of per-run differences"
INDEPENDENT_PROPORTION = "independent: Newcombe hybrid score interval (1998a, method 10)"
INDEPENDENT_MEAN = "independent: normal interval, unpooled variances (Welch)"


def compare(a: Results, b: Results, outcomes: list[str] | None = None, paired: bool | None = None) -> pd.DataFrame:
    """Compare the same outcomes in two results.

    Parameters
    ----------
    a, b
        Results of two scenarios with the same mechanism (e.g. a base case and a counterfactual).
    outcomes
        Outcome names; default: ``a``'s main outcomes that ``b`` also has.
    paired
        Pair run ``i`` of ``a`` with run ``i`` of ``b``. ``None`` (default): pair when the runs
        share their seeds (same master seed and number of runs); ``True`` when they do not is an
        error.

    Returns
    -------
    DataFrame
        One row per outcome (and category): ``label``, ``kind``, ``estimate_a``, ``ci_low_a``,
        ``ci_high_a``, the same for ``b``, ``difference`` (b - a), its 95% interval
        (``diff_low``, ``diff_high``) and ``interval``, the method of that interval.
    """
    specs_b = {s["name"] for s in b.outcome_specs}
    if outcomes is not None:
        outcomes = check_outcomes(a, outcomes)
    names = outcomes or [o for o in a.main_outcomes if o in specs_b]
    if not names:
        raise ResultsError(f"the results share no main outcome to compare ('{a.metadata['scenario']['name']}' "
                           f"and '{b.metadata['scenario']['name']}'); name outcomes explicitly")
    check_outcomes(b, names)
    can_pair = _paired(a, b)
    if paired and not can_pair:
        raise ResultsError("paired=True needs results whose runs share their seeds (same master seed and "
                           f"number of runs); a has {len(a.runs)} runs with seed {a.seed}, b {len(b.runs)} "
                           f"with seed {b.seed}")
    use_pairs = can_pair if paired is None else bool(paired)
    sa, sb = a.summary(names), b.summary(names)
    key = ["outcome", "category"]
    sa["category"] = sa["category"].fillna("")
    sb["category"] = sb["category"].fillna("")
    m = sa.merge(sb, on=key, suffixes=("_a", "_b"))
    ra = a.runs.sort_values("run").reset_index(drop=True) if use_pairs else None
    rb = b.runs.sort_values("run").reset_index(drop=True) if use_pairs else None
    rows: list[dict[str, Any]] = []
    for r in m.itertuples(index=False):
        if use_pairs:
            assert ra is not None and rb is not None
            if r.kind_a == "number":
                xa = pd.to_numeric(ra[r.outcome], errors="coerce").to_numpy(dtype=float)
                xb = pd.to_numeric(rb[r.outcome], errors="coerce").to_numpy(dtype=float)
                both = np.isfinite(xa) & np.isfinite(xb)
                diff = xb[both] - xa[both]
                k = len(diff)
                d = float(diff.mean()) if k else math.nan
                se = float(diff.std(ddof=1)) / math.sqrt(k) if k > 1 else math.nan
                lo, hi = d - Z95 * se, d + Z95 * se
                method = PAIRED_MEAN
            else:
                cat = r.category or None
                ya = _indicator(ra[r.outcome], cat)
                yb = _indicator(rb[r.outcome], cat)
                both = np.isfinite(ya) & np.isfinite(yb)
                d, lo, hi = newcombe_paired_interval(ya[both] > 0.5, yb[both] > 0.5)
                method = PAIRED_PROPORTION
        elif r.kind_a == "number":
            se = math.sqrt((r.sd_a or 0) ** 2 / max(r.n_a, 1) + (r.sd_b or 0) ** 2 / max(r.n_b, 1))
            d = r.estimate_b - r.estimate_a
            lo, hi = d - Z95 * se, d + Z95 * se
            method = INDEPENDENT_MEAN
        else:
            lo_d, hi_d = newcombe_interval(r.estimate_b, r.ci_low_b, r.ci_high_b,
                                           r.estimate_a, r.ci_low_a, r.ci_high_a)
            d, lo, hi = r.estimate_b - r.estimate_a, lo_d, hi_d
            method = INDEPENDENT_PROPORTION
        rows.append({"label": f"{r.outcome}: {r.category}" if r.category else r.outcome, "kind": r.kind_a,
                     "estimate_a": r.estimate_a, "ci_low_a": r.ci_low_a, "ci_high_a": r.ci_high_a,
                     "estimate_b": r.estimate_b, "ci_low_b": r.ci_low_b, "ci_high_b": r.ci_high_b,
                     "difference": d, "diff_low": lo, "diff_high": hi, "interval": method})
    return pd.DataFrame(rows)


def _indicator(col: pd.Series, category: str | None) -> np.ndarray:
    """0/1 per run (NaN where undefined): the bool value, or membership of ``category``."""
    defined = col.notna().to_numpy()
    if category is None:
        values = np.array([bool(v) if d else False for v, d in zip(col, defined, strict=True)], dtype=float)
    else:
        values = np.array(col.astype(str) == category, dtype=float)
    values[~defined] = np.nan
    return values


def outcome_values(results: Results, outcome: str, category: str | None = None) -> np.ndarray:
    """One number per run for ``outcome``: the value, 0/1 for a bool, or 0/1 for ``category``.

    For a categorical outcome without ``category``, the most frequent category is used.
    """
    check_category(results, outcome, category)
    specs = {s["name"]: s for s in results.outcome_specs}
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


def sweep_point_text(results: Results, point: int) -> str:
    """``point K of N (path = value, ...)``: a sweep's design point, for titles and printed output."""
    design = results.metadata["design"]
    values = ", ".join(f"{f} = {float(v):g}" for f, v in zip(design["factors"], design["points"][point], strict=True))
    return f"point {point} of {len(design['points'])} ({values})"


def _one_point(results: Results, point: int | None) -> tuple[Results, int | None]:
    """The runs of one point of a sweep (default: its first); other results as they are (``point`` must be None)."""
    from simsim.results import Results as _Results

    design = results.metadata.get("design") or {}
    if design.get("kind") != "sweep":
        if point is not None:
            raise ResultsError(f"point {point}: these results are not a sweep (they have no design points)")
        return results, None
    from simsim.designs.analysis import reference_point

    k = reference_point(results, point)
    runs = results.runs
    return _Results(runs[runs["point"] == k].reset_index(drop=True), pd.DataFrame(), results.metadata), k


def sensitivity(results: Results, outcome: str, category: str | None = None,
                point: int | None = None) -> pd.DataFrame:
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
    point
        For a sweep, the design point (its ``point`` number) whose runs are ranked; default: the
        first point. A sweep is never pooled: every point reuses the same seeds, so pooled runs
        would count each input vector once per point (intervals about sqrt(points) too narrow),
        and the swept factors, fixed within a point, are not ranked (``simsim design`` shows
        their effect). Other results take no ``point``.

    Returns
    -------
    DataFrame
        ``input``, ``prcc``, ``ci_low``, ``ci_high``, sorted by ``|prcc|`` (largest first).
        For a sweep, ``attrs["point"]`` is the point ranked. For a Sobol or Morris design with
        several runs per row (which share the row's inputs), the rows are ranked by their mean
        outcome, so that each input vector counts once: ``attrs["rows"]`` is the number of rows
        and ``attrs["per_row"]`` the runs per row.
    """
    check_category(results, outcome, category)
    results, k = _one_point(results, point)
    out = _prcc(results, outcome, category)
    if k is not None:
        out.attrs["point"] = k
    return out


def _prcc(results: Results, outcome: str, category: str | None) -> pd.DataFrame:
    """:func:`sensitivity` of all the runs of ``results``."""
    runs = results.runs
    inputs = [c for c in runs.columns if c.split(".", 1)[0] in ("param", "attr", "rel", "bparam")]
    y = outcome_values(results, outcome, category)
    x = runs[inputs].to_numpy(dtype=float)
    per_row = 0
    if "row" in runs.columns and runs["row"].duplicated().any():
        # the runs of a Sobol or Morris design row share its inputs: ranked as runs, each input
        # vector would count once per replication (intervals too narrow); rank the rows instead,
        # by their mean outcome over the runs that define it
        rows = runs["row"].to_numpy()
        per_row = int(pd.Series(rows).value_counts().max())
        frame = pd.DataFrame(x).assign(_y=np.where(np.isfinite(y), y, np.nan), _row=rows)
        grouped = frame.groupby("_row", sort=True)
        x = grouped[list(range(len(inputs)))].first().to_numpy(dtype=float)
        y = grouped["_y"].mean().to_numpy(dtype=float)
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
    # average ranks (ties share their mean rank), as scipy.stats.rankdata; pandas avoids importing scipy.stats
    ranks = pd.DataFrame(np.column_stack([x, y])).rank(method="average").to_numpy()
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
    out = out.reindex(out["prcc"].abs().sort_values(ascending=False).index).reset_index(drop=True)
    if per_row:
        out.attrs["rows"] = n  # ranked on n design rows' mean outcomes, up to per_row runs each
        out.attrs["per_row"] = per_row
    return out


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

    check_category(results, outcome, category)
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
