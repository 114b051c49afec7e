"""Analyses of designed experiments: an outcome over a sweep, Sobol indices, Morris effects.

Sobol indices and Morris elementary effects are computed by SALib (``SALib.analyze.sobol``,
``SALib.analyze.morris``) from the runs of a :func:`simsim.designs.sobol` or
:func:`simsim.designs.morris` design, in run order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simsim.errors import ResultsError
from simsim.results import Z95, wilson_interval

if TYPE_CHECKING:
    from simsim.results import Results


def _design(results: Results, kind: str) -> dict[str, Any]:
    design = results.metadata.get("design") or {}
    if design.get("kind") != kind:
        have = design.get("kind") or results.metadata.get("settings", {}).get("sampling", "random")
        raise ResultsError(f"these results come from a '{have}' design, not '{kind}': run the scenario with "
                           f"experiment: {{design: {kind}, ...}} (see docs/experiments.md)")
    return design


def _values(results: Results, outcome: str, category: str | None) -> tuple[np.ndarray, str]:
    from simsim.analysis import outcome_values

    specs = {s["name"]: s for s in results.outcome_specs}
    if outcome not in specs:
        from simsim.scenario.base import did_you_mean

        raise ResultsError(f"unknown outcome '{outcome}'{did_you_mean(outcome, specs)}")
    kind = specs[outcome]["kind"]
    if kind == "category":
        cats = [str(c) for c in specs[outcome].get("categories") or []] or \
            sorted(results.runs[outcome].dropna().astype(str).unique())
        if category is None:
            counts = results.runs[outcome].dropna().astype(str).value_counts()
            category = str(counts.index[0]) if len(counts) else None
        if category not in cats:
            from simsim.scenario.base import did_you_mean

            raise ResultsError(f"unknown category '{category}' of '{outcome}'{did_you_mean(str(category), cats)}; "
                               f"categories: {', '.join(cats)}")
    y = outcome_values(results, outcome, category)
    return y, kind


def reference_point(results: Results, reference: int | None = None, at: dict[str, float] | None = None) -> int:
    """The design point that a sweep's paired differences are taken from.

    ``reference`` is a point number (the ``point`` column of the runs and of :func:`sweep_table`);
    ``None`` means the first point whose factors take the values of ``at`` (``{path: value}``;
    the first point of the sweep without ``at``).
    """
    design = _design(results, "sweep")
    points = design["points"]
    if reference is not None:
        if isinstance(reference, bool) or not float(reference).is_integer() or not 0 <= int(reference) < len(points):
            raise ResultsError(f"point {reference!r}: the sweep's points are numbered 0 to {len(points) - 1} "
                               f"(the 'point' column of simsim design's table)")
        return int(reference)
    factors = list(design["factors"])
    for k, combo in enumerate(points):
        values = dict(zip(factors, combo, strict=True))
        if all(f in values and math.isclose(float(values[f]), float(v), rel_tol=1e-9, abs_tol=1e-12)
               for f, v in (at or {}).items()):
            return k
    return 0


def sweep_table(results: Results, outcome: str, category: str | None = None,
                reference: int | None = None) -> pd.DataFrame:
    """The outcome at each point of a sweep, and its paired difference from a reference point.

    ``estimate``, ``ci_low``, ``ci_high`` are each point's own estimate and 95% interval: a
    probability with a Wilson interval, or a mean with a normal interval. They treat the point's
    runs on their own; they do not say whether two points differ, because every point reuses the
    same seeds (common random numbers), so run k of one point and run k of another share every
    uncertain input and every draw inside the mechanism.

    ``diff``, ``diff_low``, ``diff_high`` answer that: the mean of the run-by-run differences
    (run k of the point minus run k of the reference point, paired on their shared seed; for a
    yes/no outcome or a category, of the 0/1 indicators) and its normal 95% interval
    (``diff`` +- 1.96 sd / sqrt(pairs)). ``pairs`` counts the pairs where both runs define the
    outcome. The reference point's own difference is 0 with an interval [0, 0].

    Parameters
    ----------
    reference
        The point the differences are taken from (a ``point`` number); default: the first.

    Returns
    -------
    DataFrame
        One row per design point: ``point``, the factor values (``sweep.<path>``), ``n``,
        ``estimate``, ``ci_low``, ``ci_high``, ``diff``, ``diff_low``, ``diff_high``, ``pairs``.
        ``attrs["reference"]`` is the reference point.
    """
    design = _design(results, "sweep")
    ref = reference_point(results, reference)
    y, kind = _values(results, outcome, category)
    factor_cols = [f"sweep.{f}" for f in design["factors"]]
    frame = results.runs[["point", "seed", *factor_cols]].copy()
    frame["y"] = y
    base = frame[frame["point"] == ref]
    if base["seed"].duplicated().any():
        raise ResultsError("two runs of one design point share a seed: the runs cannot be paired across points")
    base_y = pd.Series(base["y"].to_numpy(dtype=float), index=base["seed"].to_numpy())
    rows = []
    for point, g in frame.groupby("point", sort=True):
        v = g["y"].dropna().to_numpy(dtype=float)
        n = len(v)
        rec: dict[str, Any] = {"point": int(point), **{c: g[c].iloc[0] for c in factor_cols}, "n": n}
        if n == 0:
            rec.update(estimate=math.nan, ci_low=math.nan, ci_high=math.nan)
        elif kind in ("bool", "category"):
            k = int(v.sum())
            lo, hi = wilson_interval(k, n)
            rec.update(estimate=k / n, ci_low=lo, ci_high=hi)
        else:
            mean = float(v.mean())
            half = Z95 * (float(v.std(ddof=1)) if n > 1 else 0.0) / math.sqrt(n)
            rec.update(estimate=mean, ci_low=mean - half, ci_high=mean + half)
        rec.update(_paired(g, base_y))
        rows.append(rec)
    table = pd.DataFrame(rows)
    table.attrs["reference"] = ref
    return table


def sweep_at(table: pd.DataFrame, at: dict[str, float] | None) -> pd.DataFrame:
    """The rows of :func:`sweep_table`'s ``table`` whose factors take the values of ``at`` (``{path: value}``)."""
    keep = np.ones(len(table), dtype=bool)
    for f, v in (at or {}).items():
        col = f"sweep.{f}"
        if col not in table:
            raise ResultsError(f"'{f}' is not a swept factor")
        keep &= np.isclose(table[col].to_numpy(dtype=float), float(v), rtol=1e-9, atol=1e-12)
    out = table[keep].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out


def _paired(g: pd.DataFrame, base_y: pd.Series) -> dict[str, float | int]:
    """Mean and normal 95% interval of the run-by-run differences of ``g`` from the reference (by seed)."""
    if g["seed"].duplicated().any():
        raise ResultsError("two runs of one design point share a seed: the runs cannot be paired across points")
    other = base_y.reindex(g["seed"].to_numpy()).to_numpy(dtype=float)
    d = g["y"].to_numpy(dtype=float) - other
    d = d[np.isfinite(d)]
    k = len(d)
    if k == 0:
        return {"diff": math.nan, "diff_low": math.nan, "diff_high": math.nan, "pairs": 0}
    mean = float(d.mean())
    half = Z95 * float(d.std(ddof=1)) / math.sqrt(k) if k > 1 else math.nan
    return {"diff": mean, "diff_low": mean - half, "diff_high": mean + half, "pairs": k}


def _y_in_run_order(results: Results, outcome: str, category: str | None, reps: int) -> np.ndarray:
    """The outcome per design row: the mean over the row's ``reps`` runs (a probability for 0/1 values)."""
    y, _ = _values(results, outcome, category)
    order = np.argsort(results.runs["run"].to_numpy(), kind="stable")
    y = y[order]
    if not np.all(np.isfinite(y)):
        bad = int((~np.isfinite(y)).sum())
        raise ResultsError(f"'{outcome}' is undefined in {bad} of {len(y)} runs: Sobol and Morris analyses "
                           f"need a value in every run of the design")
    return y.reshape(-1, reps).mean(axis=1)


def sobol_indices(results: Results, outcome: str, category: str | None = None,
                  resamples: int = 200) -> pd.DataFrame:
    """First-order (``S1``) and total-order (``ST``) Sobol indices of each uncertain input (SALib).

    Computed with Saltelli's estimators (Saltelli et al. 2010, as implemented in
    ``SALib.analyze.sobol``) from a :func:`simsim.designs.sobol` design, on the mean outcome of
    each design row (its replications); ``*_conf`` are the
    half-widths of 95% bootstrap intervals (``resamples`` resamples, seeded by the master seed).

    Saltelli's estimators divide by the variance of the outcome over the design's base rows
    (the ``A`` and ``B`` samples, ``2 * base_samples`` rows). When the outcome takes one value
    in all of them (a rare event with few base samples), the indices are not estimable: every
    index is ``nan`` (never SALib's zeros) and ``table.attrs["not_estimable"]`` says why and
    what to do (:func:`sobol_warnings` returns it first). An index whose whole 95% interval is
    below zero (a share of variance cannot be) is marked ``negative: noise`` in ``note``.

    Returns
    -------
    DataFrame
        ``input``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``, ``note``, sorted by ``ST`` (largest
        first).
    """
    import warnings

    from SALib.analyze import sobol

    design = _design(results, "sobol")
    names = list(design["inputs"])
    y = _y_in_run_order(results, outcome, category, int(design.get("replications") or 1))
    if np.ptp(y) == 0:
        raise ResultsError(f"'{outcome}' takes one value in every run: it has no variance to apportion")
    base = y.reshape(-1, len(names) + 2)[:, [0, -1]]  # rows of each base sample: A, AB_1 .. AB_k, B
    if np.ptp(base) == 0:
        label = f"'{outcome}' = '{category}'" if category else f"'{outcome}'"
        nan = np.full(len(names), np.nan)
        out = pd.DataFrame({"input": names, "S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan,
                            "note": "not estimable"})
        out.attrs["not_estimable"] = (
            f"{label} does not vary over the design's base rows (it is {_fmt(base.flat[0])} in all {base.size} "
            f"rows of the A and B samples, whose variance Saltelli's estimators divide by): its Sobol indices "
            f"cannot be estimated; give the design more base samples (base_samples) or more replications per row")
        return out
    prob = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    with warnings.catch_warnings():  # SALib's "Constant values encountered" (a bootstrap resample): see above
        warnings.filterwarnings("ignore", message="Constant values encountered")
        res = sobol.analyze(prob, y, calc_second_order=False, num_resamples=resamples,
                            seed=int(results.seed or 0) % 2**32)
    out = pd.DataFrame({"input": names, "S1": res["S1"], "S1_conf": res["S1_conf"],
                        "ST": res["ST"], "ST_conf": res["ST_conf"]})
    negative = (out["S1"] + out["S1_conf"] < 0) | (out["ST"] + out["ST_conf"] < 0)
    out["note"] = np.where(negative, "negative: noise", "")
    return out.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)


def _fmt(v: float) -> str:
    return f"{v:g}"


def morris_effects(results: Results, outcome: str, category: str | None = None,
                   resamples: int = 200) -> pd.DataFrame:
    """Morris elementary effects of each uncertain input (SALib): ``mu``, ``mu_star``, ``sigma``.

    ``mu_star`` (mean absolute effect, Campolongo et al. 2007) ranks the inputs' influence and
    ``sigma`` (spread of the effects) flags non-linearity or interactions. Effects are per unit
    step of the design's quantile grid (see :mod:`simsim.designs.salib`).

    Returns
    -------
    DataFrame
        ``input``, ``mu``, ``mu_star``, ``sigma``, ``mu_star_conf``, sorted by ``mu_star``.
    """
    from SALib.analyze import morris

    from simsim.designs.salib import grid

    design = _design(results, "morris")
    names = list(design["inputs"])
    levels = int(design.get("levels") or 4)
    y = _y_in_run_order(results, outcome, category, int(design.get("replications") or 1))
    x = grid(names, len(y), int(results.seed or 0), "morris", levels)
    prob = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    res = morris.analyze(prob, x, y, num_resamples=resamples, num_levels=levels,
                         seed=int(results.seed or 0) % 2**32)
    out = pd.DataFrame({"input": names, "mu": np.asarray(res["mu"], dtype=float),
                        "mu_star": np.asarray(res["mu_star"], dtype=float),
                        "sigma": np.asarray(res["sigma"], dtype=float),
                        "mu_star_conf": np.asarray(res["mu_star_conf"], dtype=float)})
    return out.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)


def noise_share(results: Results, outcome: str, category: str | None = None) -> float | None:
    """Share of the variance of a Sobol or Morris design's row means that is the runs' own randomness.

    With r replications per row, the variance of a row's mean due to the runs' own randomness
    (which no input explains) is estimated by the mean within-row variance over r; divided by
    the variance of the row means. ``None`` with one replication per row (it cannot be told
    apart from the inputs' effects). In Saltelli's estimator this share ``s`` is a floor under
    every total-order index: an input with no effect gets ``S_T`` of about ``s``.
    """
    design = results.metadata.get("design") or {}
    reps = int(design.get("replications") or 1)
    if reps < 2:
        return None
    y, _ = _values(results, outcome, category)
    order = np.argsort(results.runs["run"].to_numpy(), kind="stable")
    rows = y[order].reshape(-1, reps)
    if not np.all(np.isfinite(rows)):
        return None
    total = float(rows.mean(axis=1).var(ddof=1))
    if total <= 0:
        return None
    return float(rows.var(axis=1, ddof=1).mean() / reps / total)


#: thresholds of :func:`sobol_warnings`
WIDE_HALF_WIDTH, NOISE_SHARE = 0.2, 0.1


def sobol_warnings(results: Results, outcome: str, category: str | None, table: pd.DataFrame) -> list[str]:
    """Why Sobol indices (:func:`sobol_indices`' ``table``) are not resolved; empty if nothing is flagged.

    Flags: most ``S_T`` intervals include 0; an ``S_T`` interval half-width above
    :data:`WIDE_HALF_WIDTH` (of a share between 0 and 1); an ``S_T`` above 1 (a share of the
    variance cannot be); an ``S1`` whose whole interval is below 0; the runs' own randomness
    above :data:`NOISE_SHARE` of the variance of the row means (:func:`noise_share`); one
    replication per row of a yes/no outcome. Indices that are not estimable (an outcome that
    does not vary over the base rows, see :func:`sobol_indices`) give that reason alone.
    """
    if table.attrs.get("not_estimable"):
        return [str(table.attrs["not_estimable"])]
    k = len(table)
    out = []
    wide = []
    spans0 = int((table["ST"] - table["ST_conf"] <= 0).sum())
    if spans0 > k / 2:
        wide.append(f"{spans0} of {k} S_T intervals include 0")
    widest = float(table["ST_conf"].max()) if k else 0.0
    if widest > WIDE_HALF_WIDTH:
        wide.append(f"S_T intervals are wide (half-width up to {widest:.2f})")
    over = int((table["ST"] > 1).sum())
    if over:
        wide.append(f"{over} S_T {'is' if over == 1 else 'are'} above 1, which a share of the variance cannot be")
    negative = int((table["S1"] + table["S1_conf"] < 0).sum()) if k else 0
    if negative:
        wide.append(f"{negative} S1 {'is' if negative == 1 else 'are'} below 0 with the whole interval "
                    f"(marked 'negative: noise'), which a share of the variance cannot be")
    if wide:
        out.append(f"{'; '.join(wide)}: more base samples are needed")
    out += _noise_warnings(results, outcome, category, "S_T", "indices")
    return out


def morris_warnings(results: Results, outcome: str, category: str | None) -> list[str]:
    """Why Morris effects (:func:`morris_effects`) may measure the runs' own randomness; empty if not flagged.

    The same noise checks as :func:`sobol_warnings`: the runs' own randomness above
    :data:`NOISE_SHARE` of the variance of the row means (:func:`noise_share`), or one
    replication per row of a yes/no outcome (whose elementary effects are then mostly the
    differences between single random draws).
    """
    return _noise_warnings(results, outcome, category, "mu*", "effects")


def _noise_warnings(results: Results, outcome: str, category: str | None, index: str, what: str) -> list[str]:
    design = results.metadata.get("design") or {}
    reps = int(design.get("replications") or 1)
    out = []
    share = noise_share(results, outcome, category)
    if share is not None and share > NOISE_SHARE:
        floor = f"a floor of about {share:.2f} under every S_T" if index == "S_T" else \
            "every input's elementary effects include it"
        out.append(f"the runs' own randomness is about {share:.0%} of the variance of the row means (from the "
                   f"{reps} replications per row): {floor}; more replications per row are needed")
    kind = {s["name"]: s for s in results.outcome_specs}.get(outcome, {}).get("kind")
    if reps == 1 and kind in ("bool", "category"):
        out.append(f"one run per design row: the {what} of a yes/no outcome mostly measure the runs' own "
                   "randomness; give the design replications (see docs/experiments.md)")
    return out
