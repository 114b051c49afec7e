"""Figures of outcome distributions, comparisons, sensitivity and convergence.

A leaf module: nothing in simsim imports it except the CLI, the display helpers and users.
Each plot function takes data and an optional ``ax``, returns the figure or axes, never calls
``show()`` and never touches pyplot's global state. Figures are :class:`SimsimFigure`, a
:class:`matplotlib.figure.Figure` that displays itself as a PNG in Jupyter without
``%matplotlib inline``. The data each figure shows is prepared by a separate pure function
that tests check without drawing.

Titles and axes come from the declarations of outcomes and reporters (``label`` and ``unit``,
see :class:`simsim.model.OutcomeSpec`); ids appear only where nothing better was declared
(results saved before labels existed).
"""

from __future__ import annotations

import io
import math
import textwrap
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from simsim.results import wilson_interval
from simsim.results_check import check_category, check_outcomes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from simsim.results import Results

BLUE, RED, GREEN, PURPLE = "#4C72B0", "#C44E52", "#55A868", "#8172B2"
#: numeric outcomes with at most this many distinct values are drawn as bars of their values
MAX_DISTINCT_VALUES = 12
#: a value held by at least this share of runs is reported apart from the histogram of the rest
SPIKE_SHARE = 0.5


class SimsimFigure(Figure):
    """A matplotlib figure that shows itself in a notebook.

    Jupyter displays the last value of a cell through its ``_repr_png_``; a plain
    :class:`~matplotlib.figure.Figure` made without pyplot has none until ``%matplotlib
    inline`` registers one. This subclass renders itself (Agg, tight bounding box) so the
    figure appears in a fresh kernel, and pyplot's list of figures is never touched.
    """

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=self.dpi, bbox_inches="tight")
        return buf.getvalue()


def _new_axes(figsize: tuple[float, float]) -> Axes:
    return SimsimFigure(figsize=figsize, layout="constrained").subplots()


# ------------------------------------------------------------------ labels from declarations
def _specs(results: Results) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in results.outcome_specs}


def outcome_label(spec: dict[str, Any] | None, name: str) -> str:
    """What a reader sees for an outcome: its declared label, else its id."""
    return (spec or {}).get("label") or name


def value_label(spec: dict[str, Any] | None, name: str) -> str:
    """Axis label for the values of a numeric outcome or reporter: its unit, else a fallback."""
    spec = spec or {}
    unit = spec.get("unit")
    if unit:
        return str(unit)
    if unit == "":  # a declared dimensionless count
        return "count"
    return name  # undeclared (results saved before units existed): the id is all there is


def reporter_spec(results: Results, name: str) -> dict[str, Any] | None:
    """The declaration (label, unit) of a per-step reporter, if the results carry one."""
    for r in results.metadata.get("reporters", []):
        if r.get("name") == name:
            return r
    return None


def category_text(category: str) -> str:
    """A category as shown in figures (``no_arrest`` -> ``no arrest``)."""
    return str(category).replace("_", " ")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def results_label(results: Results) -> str:
    """A short name for a set of results: the scenario name and any overrides it was made with."""
    sc = results.metadata.get("scenario", {})
    label = str(sc.get("name") or "results")
    over = sc.get("overrides") or []
    if over:
        label += " with " + ", ".join(over)
    return label


def distinct_labels(a: Results, b: Results) -> tuple[str, str]:
    """Legend labels for two results that are never the same text.

    The scenario name, with the overrides each was made with; if that still does not tell them
    apart (the same scenario run twice), the seed and number of runs are added.
    """
    la, lb = results_label(a), results_label(b)
    if la == lb:
        la, lb = f"{la} (seed {a.seed}, {len(a.runs)} runs)", f"{lb} (seed {b.seed}, {len(b.runs)} runs)"
    if la == lb:
        la, lb = f"a: {la}", f"b: {lb}"
    return la, lb


def input_label(results: Results, column: str) -> str:
    """A readable name for an uncertain input column.

    ``attr.MNG.domestic_compliance`` -> ``Mongolia: domestic_compliance``; ``rel.ties.MNG->RUS``
    -> ``ties: Mongolia -> Russian Federation``; ``param.x`` -> ``parameter x``.
    """
    actors = {a.get("id"): a.get("name") for a in results.metadata.get("scenario_content", {}).get("actors", [])}
    parts = column.split(".")
    if parts[0] in ("attr", "bparam") and len(parts) >= 3:
        return f"{actors.get(parts[1], parts[1])}: {'.'.join(parts[2:])}"
    if parts[0] == "rel" and len(parts) >= 3:
        ends = ".".join(parts[2:]).split("->")
        if len(ends) == 2:
            return f"{parts[1]}: {actors.get(ends[0], ends[0])} -> {actors.get(ends[1], ends[1])}"
    if parts[0] == "param" and len(parts) == 2:
        return f"parameter {parts[1]}"
    return column


# ------------------------------------------------------------------ data preparation
def probability_table(results: Results, outcomes: list[str] | None = None, max_categories: int = 8
                      ) -> pd.DataFrame:
    """Probabilities with 95% Wilson intervals of the boolean and categorical main outcomes.

    Returns a frame with ``outcome``, ``label``, ``estimate``, ``ci_low``, ``ci_high``: one row
    per boolean outcome and per category of a categorical outcome (labelled with the outcome's
    declared label); beyond ``max_categories`` categories, the most frequent ones and one row
    pooling the others.
    """
    check_outcomes(results, outcomes)
    names = outcomes or results.main_outcomes
    specs = _specs(results)
    names = [n for n in names if n in specs and specs[n]["kind"] in ("bool", "category")]
    cols = ["outcome", "label", "estimate", "ci_low", "ci_high"]
    if not names:
        return pd.DataFrame(columns=cols)
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
    labels = [f"{outcome_label(specs.get(o), o)}: {category_text(c)}" if isinstance(c, str)
              else outcome_label(specs.get(o), o)
              for o, c in zip(summ["outcome"], summ["category"], strict=True)]
    return pd.DataFrame({"outcome": summ["outcome"].to_numpy(), "label": labels,
                         "estimate": summ["estimate"].to_numpy(dtype=float),
                         "ci_low": summ["ci_low"].to_numpy(dtype=float),
                         "ci_high": summ["ci_high"].to_numpy(dtype=float)})


def numeric_outcomes(results: Results, outcomes: list[str] | None = None) -> dict[str, np.ndarray]:
    """Values over runs of the numeric main outcomes (NaNs dropped), by name."""
    check_outcomes(results, outcomes)
    names = outcomes or results.main_outcomes
    specs = _specs(results)
    out = {}
    for n in names:
        if n in specs and specs[n]["kind"] == "number" and n in results.runs:
            out[n] = pd.to_numeric(results.runs[n], errors="coerce").dropna().to_numpy(dtype=float)
    return out


def value_distribution(values: np.ndarray, max_distinct: int = MAX_DISTINCT_VALUES,
                       spike_share: float = SPIKE_SHARE) -> dict[str, Any]:
    """How to draw the distribution of a numeric outcome over runs.

    Returns a dict with ``kind``:

    - ``"empty"``: no values;
    - ``"bars"``: at most ``max_distinct`` distinct values (a point mass, a count over a few
      visits): ``values`` and the ``shares`` of runs holding each, to be drawn as one bar per value;
    - ``"spike"``: one value holds at least ``spike_share`` of the runs and the rest vary:
      ``value`` and ``share`` of the spike and ``rest``, the other runs' values, to be drawn as a
      histogram (a histogram of all runs would be one bar and nothing else);
    - ``"histogram"``: ``rest`` holds all values.
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return {"kind": "empty", "n": 0}
    uniq, counts = np.unique(values, return_counts=True)
    if len(uniq) <= max_distinct:
        return {"kind": "bars", "n": n, "values": uniq, "shares": counts / n}
    top = int(np.argmax(counts))
    if counts[top] / n >= spike_share:
        return {"kind": "spike", "n": n, "value": float(uniq[top]), "share": counts[top] / n,
                "rest": values[values != uniq[top]]}
    return {"kind": "histogram", "n": n, "rest": values}


def fan_data(timeseries: pd.DataFrame, reporter: str, quantiles: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
             ) -> pd.DataFrame:
    """Quantiles of ``reporter`` across runs at each step (index: step; columns: quantiles).

    A run that stopped early keeps its last value at later steps, so the bands describe every
    run, except runs whose value became infinite (an arms race that ran away): they are left
    out from that step on, and ``attrs["infinite_runs"]`` counts them (see :func:`plot_fan`).
    """
    # a (steps, runs) array built in numpy: pandas' pivot takes about 4x the memory of the table
    steps, s_idx = np.unique(timeseries["step"].to_numpy(), return_inverse=True)
    _, r_idx = np.unique(timeseries["run"].to_numpy(), return_inverse=True)
    wide = np.full((len(steps), int(r_idx.max()) + 1 if len(r_idx) else 0), np.nan)
    wide[s_idx, r_idx] = timeseries[reporter].to_numpy(dtype=float)
    # forward fill along the steps: the last value of each run, where it has none
    last = np.where(np.isnan(wide), 0, np.arange(len(steps))[:, None])
    np.maximum.accumulate(last, axis=0, out=last)
    wide = wide[last, np.arange(wide.shape[1])[None, :]]
    # an infinite value (a run that ran away) has no place on the axis: such runs are left out from
    # that step on, and the frame's ``attrs["infinite_runs"]`` says how many runs that is
    infinite = np.isinf(wide)
    wide[infinite] = np.nan
    with warnings.catch_warnings():  # a step where the reporter is undefined in every run stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanquantile(wide, quantiles, axis=1).T
    fan = pd.DataFrame(q, index=pd.Index(steps, name="step"), columns=list(quantiles))
    fan.attrs["infinite_runs"] = int(infinite.any(axis=0).sum())
    return fan


# ------------------------------------------------------------------ figures
def plot_probabilities(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars of probabilities with their 95% intervals."""
    if ax is None:
        ax = _new_axes((7, 0.4 * max(len(table), 2) + 1))
    y = np.arange(len(table))[::-1]
    est = table["estimate"].to_numpy(dtype=float)
    err = np.clip(np.vstack([est - table["ci_low"].to_numpy(dtype=float),
                             table["ci_high"].to_numpy(dtype=float) - est]), 0.0, None)
    ax.barh(y, est, color=BLUE, alpha=0.8)
    ax.errorbar(est, y, xerr=err, fmt="none", ecolor="black", capsize=3, lw=1)
    for yi, e, lo_err, hi in zip(y, est, err[0], est + err[1], strict=True):
        if hi > 0.85:  # no room to the right: write inside the bar, left of the interval
            ax.text(max(e - lo_err - 0.01, 0.02), yi, f"{e:.1%}", va="center", ha="right", fontsize=8, color="white")
        else:
            ax.text(hi + 0.01, yi, f"{e:.1%}", va="center", fontsize=8)
    ax.set_yticks(y, table["label"].tolist(), fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    # a categorical outcome has a row per category (booleans have one row each)
    categories = " (the categories of one outcome sum to 100%)" if table["outcome"].duplicated().any() else ""
    ax.set_xlabel(f"probability over runs, with 95% Wilson interval{categories}", fontsize=8)
    return ax


def _percent_axis(axis: Any, top: float) -> None:
    """Ticks of a share axis as percentages with as many decimals as the scale needs."""
    axis.set_major_locator(MaxNLocator(nbins=5))
    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0 if top >= 0.3 else (1 if top >= 0.03 else 2)))


def _format_value(v: float) -> str:
    """A value as a reader wants it: whole numbers and thousands in full, others to 3 significant digits."""
    v = float(v)
    if not math.isfinite(v) or abs(v) >= 1e9:  # beyond a billion, digits in full are unreadable
        return f"{v:.3g}"
    if v.is_integer() or abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def plot_histogram(values: np.ndarray, name: str, ax: Axes | None = None, unit: str | None = None) -> Axes:
    """Distribution of one numeric outcome over runs (see :func:`value_distribution`).

    A few distinct values are drawn as one bar per value with its share of runs; a value most
    runs share is stated in the title and the histogram shows the others; otherwise a histogram
    with the mean and the 5-95% range. ``name`` is the title (the outcome's label), ``unit`` the
    x-axis label. Infinite values (a run that ran away) cannot be drawn: they are left out and
    the title says in how many runs.
    """
    if ax is None:
        ax = _new_axes((4.5, 3.2))
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    n_infinite = int(np.count_nonzero(np.isinf(values)))
    values = values[finite]
    d = value_distribution(values)
    note = f"\n(not drawn: infinite in {n_infinite} run{'s' if n_infinite > 1 else ''})" if n_infinite else ""
    if d["kind"] == "empty":
        ax.text(0.5, 0.5, "infinite in every run" if n_infinite else "undefined in every run", ha="center",
                va="center", transform=ax.transAxes)
        ax.set_yticks([])
    elif d["kind"] == "bars" and len(d["values"]) == 1:  # a point mass: say the value, draw no bar
        v = float(d["values"][0])
        ax.text(0.5, 0.55, _format_value(v), ha="center", va="center", fontsize=20, transform=ax.transAxes)
        runs = f"{d['n']} finite runs" if n_infinite else f"{d['n']} runs"
        ax.text(0.5, 0.3, _wrap(f"{unit + ', ' if unit else ''}the same in all {runs}", 40), ha="center",
                va="center", fontsize=8, color="#555555", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
        unit = None
    elif d["kind"] == "bars":
        x = np.arange(len(d["values"]))
        ax.bar(x, d["shares"], color=GREEN, alpha=0.85, width=0.7)
        for xi, s in zip(x, d["shares"], strict=True):
            ax.text(float(xi), float(s), f"{s:.1%}", ha="center", va="bottom", fontsize=7)
        ticks = [_format_value(v) for v in d["values"]]
        long = len(ticks) * max(len(t) for t in ticks) > 40  # side by side they would overlap: turn them
        ax.set_xticks(x, ticks, rotation=90 if long else 0)
        top = float(d["shares"].max())
        ax.set_ylim(0, top * 1.15 + 0.02)  # room for the labels above the bars
        _percent_axis(ax.yaxis, top)
        ax.set_yticks([t for t in ax.get_yticks() if 0 <= t <= 1])
        ax.set_ylabel("share of finite runs" if n_infinite else "share of runs", fontsize=8)
    else:
        rest = d["rest"]
        weights = np.full(len(rest), 1.0 / d["n"])
        ax.hist(rest, bins=30, weights=weights, color=GREEN, alpha=0.85)
        mean = float(np.asarray(values, dtype=float).mean())
        ax.axvline(mean, color="black", lw=1, label=f"mean {_format_value(mean)}")
        lo, hi = np.quantile(values, [0.05, 0.95])
        if d["kind"] == "histogram":
            ax.axvspan(lo, hi, color="grey", alpha=0.15, label="5-95% of runs")
        else:
            note += (f"\n(not drawn: {_format_value(d['value'])} in {d['share']:.1%} of runs; "
                     f"bars: the other {len(rest)})")
        _percent_axis(ax.yaxis, float(ax.get_ylim()[1]))
        ax.set_ylabel("share of finite runs" if n_infinite else "share of runs", fontsize=8)
        ax.legend(fontsize=7, loc="best")
    ax.set_title(_wrap(name, 48) + note, fontsize=9 if not note else 8)
    if unit is not None:
        ax.set_xlabel(unit, fontsize=8)
    ax.tick_params(labelsize=7)
    return ax


def plot_fan(fan: pd.DataFrame, name: str, ax: Axes | None = None, unit: str | None = None) -> Axes:
    """Median and 50%/90% bands of a reporter over steps; ``name`` is the title, ``unit`` the y-axis.

    The title says how many runs were left out because their value became infinite
    (``fan.attrs["infinite_runs"]``, set by :func:`fan_data`).
    """
    if ax is None:
        ax = _new_axes((4.5, 3.2))
    x = fan.index.to_numpy()
    cols = list(fan.columns)
    ax.fill_between(x, fan[cols[0]], fan[cols[-1]], color=PURPLE, alpha=0.2, label="5-95% of runs")
    ax.fill_between(x, fan[cols[1]], fan[cols[-2]], color=PURPLE, alpha=0.4, label="25-75% of runs")
    ax.plot(x, fan[cols[len(cols) // 2]], color="#4B3F72", lw=1.5, label="median")
    gone = int(fan.attrs.get("infinite_runs", 0))
    note = "\n" + _wrap(f"(bands of the finite runs: {gone} became infinite and are left out from then on)", 60) \
        if gone else ""
    ax.set_title(_wrap(f"{name}, over steps", 48) + note, fontsize=9 if not note else 8)
    ax.set_xlabel("step (0 = initial state)", fontsize=8)
    if unit is not None:
        ax.set_ylabel(unit, fontsize=8)
    ax.legend(fontsize=7)
    ax.tick_params(labelsize=7)
    return ax


def outcomes_figure(results: Results, outcomes: list[str] | None = None) -> SimsimFigure:
    """The distribution of the main outcomes: probabilities, value distributions and fan charts."""
    check_outcomes(results, outcomes)
    specs = _specs(results)
    probs = probability_table(results, outcomes)
    nums = numeric_outcomes(results, outcomes)
    reporters = [r for r in results.metadata.get("main_reporters", []) if r in results.timeseries]
    panels = len(nums) + len(reporters)
    ncols = 3
    nrows_small = math.ceil(panels / ncols) if panels else 0
    top = 1 if len(probs) else 0
    height_top = 0.35 * max(len(probs), 2) + 1.2 if top else 0
    fig = SimsimFigure(figsize=(13, height_top + 3.2 * nrows_small + 0.8), layout="constrained")
    title = results.metadata.get("scenario", {}).get("title") or results_label(results)
    over = results.metadata.get("scenario", {}).get("overrides") or []
    sub = f"{len(results.runs)} runs, seed {results.seed}" + (f"; overrides: {', '.join(over)}" if over else "")
    design = results.metadata.get("design") or {}
    if design.get("kind") == "sweep":  # say that the distributions mix the sweep's points
        sub += (f"\npooling the {len(design['points'])} points of a sweep over {', '.join(design['factors'])} "
                f"({design['replications']} runs each, the same seeds at every point: the 95% intervals, which treat "
                f"runs as independent, are too narrow)")
    # long lines (a sweep's factors are paths) are wrapped: the figure must show its caveat whole
    sub = "\n".join(_wrap(line, 170) for line in sub.split("\n"))
    fig.suptitle(f"{title}\n{sub}", fontsize=10)
    grid = fig.add_gridspec(top + nrows_small, ncols, height_ratios=[height_top] * top + [3.2] * nrows_small)
    if top:
        plot_probabilities(probs, fig.add_subplot(grid[0, :]))
    k = 0
    for name, vals in nums.items():
        spec = specs.get(name)
        plot_histogram(vals, outcome_label(spec, name), fig.add_subplot(grid[top + k // ncols, k % ncols]),
                       unit=value_label(spec, name))
        k += 1
    for rep in reporters:
        spec = reporter_spec(results, rep)
        plot_fan(fan_data(results.timeseries, rep), outcome_label(spec, rep),
                 fig.add_subplot(grid[top + k // ncols, k % ncols]), unit=value_label(spec, rep))
        k += 1
    return fig


# ------------------------------------------------------------------ comparisons
def comparison_table(a: Results, b: Results, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Estimates of the same outcomes in two results, side by side (see :func:`simsim.analysis.compare`)."""
    from simsim.analysis import compare

    return compare(a, b, outcomes)


def comparison_data(a: Results, b: Results, outcomes: list[str] | None = None,
                    table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The comparison table with what the figure needs: outcome, display label, unit and axis range.

    Adds ``outcome``, ``display`` (the declared label and category), ``unit`` and, for numeric
    outcomes, ``range_low`` and ``range_high``: the 5% and 95% quantiles of the outcome over the
    runs of *both* results. The two means are drawn on that one scale, so that a difference is
    seen against the spread of the outcome (0.385 vs 0.402 on a credibility that ranges over
    0.2-0.6 looks as small as it is).
    """
    t = (comparison_table(a, b, outcomes) if table is None else table).copy()
    specs = {**_specs(b), **_specs(a)}
    outcome, display, unit, rlo, rhi = [], [], [], [], []
    for label, kind in zip(t["label"], t["kind"], strict=True):
        name, _, cat = str(label).partition(": ")
        if name not in specs:  # an outcome id with ': ' in it, or a table from elsewhere
            name, cat = str(label), ""
        spec = specs.get(name)
        outcome.append(name)
        display.append(outcome_label(spec, name) + (f": {category_text(cat)}" if cat else ""))
        if kind == "number":
            unit.append(value_label(spec, name))
            vals = np.concatenate([pd.to_numeric(r.runs[name], errors="coerce").dropna().to_numpy(dtype=float)
                                   for r in (a, b) if name in r.runs])
            lo, hi = (np.quantile(vals, [0.05, 0.95]) if len(vals) else (np.nan, np.nan))
            if len(vals) and lo == hi:  # most runs share one value: the whole range instead
                lo, hi = vals.min(), vals.max()
            rlo.append(float(lo))
            rhi.append(float(hi))
        else:
            unit.append("probability")
            rlo.append(0.0)
            rhi.append(1.0)
    t["outcome"], t["display"], t["unit"], t["range_low"], t["range_high"] = outcome, display, unit, rlo, rhi
    # the axis range of a numeric outcome: 5-95% of both results' runs (all of them if that is one point)
    return t


def plot_comparison(table: pd.DataFrame, labels: tuple[str, str], ax: Axes | None = None) -> Axes:
    """Dot plot of two results' estimates with 95% intervals, one row per outcome, on one axis.

    Use it for outcomes of one scale (probabilities); :func:`comparison_figure` gives each
    numeric outcome an axis of its own.
    """
    if ax is None:
        ax = _new_axes((7, 0.45 * max(len(table), 2) + 1.2))
    y = np.arange(len(table))[::-1]
    names = table["display"] if "display" in table else table["label"]
    for off, side, color, lab in ((0.15, "a", BLUE, labels[0]), (-0.15, "b", RED, labels[1])):
        est = table[f"estimate_{side}"].to_numpy(dtype=float)
        lo = table[f"ci_low_{side}"].to_numpy(dtype=float)
        hi = table[f"ci_high_{side}"].to_numpy(dtype=float)
        err = np.clip(np.vstack([est - lo, hi - est]), 0.0, None)
        ax.errorbar(est, y + off, xerr=err, fmt="o", color=color, capsize=3, label=lab)
    ax.set_yticks(y, [_wrap(str(s), 45) for s in names], fontsize=8)
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.set_xlabel("estimate (probability or mean) with 95% interval", fontsize=8)
    ax.legend(fontsize=8)
    return ax


def _drop_legend(ax: Axes) -> None:
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()


def plot_difference(table: pd.DataFrame, ax: Axes | None = None, percent: bool = False) -> Axes:
    """The difference b - a of each row of a comparison table, with its 95% interval and a zero line."""
    if ax is None:
        ax = _new_axes((4, 0.45 * max(len(table), 2) + 1.2))
    y = np.arange(len(table))[::-1]
    d = table["difference"].to_numpy(dtype=float)
    err = np.clip(np.vstack([d - table["diff_low"].to_numpy(dtype=float),
                             table["diff_high"].to_numpy(dtype=float) - d]), 0.0, None)
    ax.axvline(0, color="grey", lw=0.8)
    ax.errorbar(d, y, xerr=err, fmt="D", color="black", capsize=3, ms=4)
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    if percent:
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v * 100:+.0f}")
    ax.tick_params(labelsize=7)
    return ax


def comparison_figure(a: Results, b: Results, outcomes: list[str] | None = None,
                      labels: tuple[str, str] | None = None, table: pd.DataFrame | None = None) -> SimsimFigure:
    """Figure comparing two results: estimates on the left, the difference b - a on the right.

    Probabilities share one 0-100% axis. Each numeric outcome gets a row of its own, whose
    axis spans the 5-95% range of the outcome over both results' runs (see
    :func:`comparison_data`), labelled with its unit; the difference panel beside it shows
    b - a with its 95% interval and zero. Legend labels are never equal (:func:`distinct_labels`).
    """
    t = comparison_data(a, b, outcomes, table)
    la, lb = labels or distinct_labels(a, b)
    probs = t[t["kind"] != "number"].reset_index(drop=True)
    nums = t[t["kind"] == "number"].reset_index(drop=True)
    h_top = 0.42 * max(len(probs), 2) + 1.0 if len(probs) else 0.0
    h_num = 1.35
    heights = ([h_top] if len(probs) else []) + [h_num] * len(nums)
    fig = SimsimFigure(figsize=(12, sum(heights) + 1.3), layout="constrained")
    grid = fig.add_gridspec(len(heights), 2, height_ratios=heights, width_ratios=[3, 1.4])
    row = 0
    handles: list[Any] = []  # the legend's markers, taken from the first panel drawn
    if len(probs):
        ax = fig.add_subplot(grid[row, 0])
        plot_comparison(probs, (la, lb), ax)
        ax.set_xlim(-0.02, 1.02)
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
        ax.set_xlabel("probability over runs, with 95% interval", fontsize=8)
        handles = ax.get_legend_handles_labels()[0]
        _drop_legend(ax)
        axd = fig.add_subplot(grid[row, 1], sharey=ax)
        plot_difference(probs, axd, percent=True)
        axd.tick_params(labelleft=False)
        axd.set_xlabel("difference b - a, percentage points (95% interval)", fontsize=8)
        row += 1
    for r in nums.itertuples(index=False):
        ax = fig.add_subplot(grid[row, 0])
        plot_comparison(pd.DataFrame([r._asdict()]), (la, lb), ax)
        if not handles:
            handles = ax.get_legend_handles_labels()[0]
        _drop_legend(ax)
        lo = min(r.range_low, r.ci_low_a, r.ci_low_b)
        hi = max(r.range_high, r.ci_high_a, r.ci_high_b)
        pad = 0.05 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.05
        if np.isfinite(lo) and np.isfinite(hi):
            ax.set_xlim(lo - pad, hi + pad)
        ax.set_yticks([0], [_wrap(f"{r.display} (mean)", 45)], fontsize=8)
        ax.set_xlabel(f"{r.unit}  (axis: 5-95% of runs of both)", fontsize=7)
        ax.tick_params(labelsize=7)
        axd = fig.add_subplot(grid[row, 1], sharey=ax)
        plot_difference(pd.DataFrame([r._asdict()]), axd)
        axd.tick_params(labelleft=False)
        axd.set_xlabel(f"difference b - a, {r.unit}", fontsize=7)
        row += 1
    if handles:
        fig.legend(handles, [f"a = {la}", f"b = {lb}"], loc="outside lower center", ncols=2, fontsize=8)
    fig.suptitle("Estimates with 95% intervals, and the difference b - a", fontsize=10)
    return fig


# ------------------------------------------------------------------ sensitivity and convergence
def plot_sensitivity(table: pd.DataFrame, title: str, ax: Axes | None = None, top: int = 15) -> Axes:
    """Tornado chart of partial rank correlations (see :func:`simsim.analysis.sensitivity`).

    Rows are labelled by the ``label`` column when the table has one, else by ``input``. The
    table is sorted by ``|prcc|``: the chart shows its first ``top`` rows, and its title says
    so when there are more.
    """
    t = table.head(top)
    if ax is None:
        ax = _new_axes((8, 0.35 * max(len(t), 2) + 1.2))
    y = np.arange(len(t))[::-1]
    r = t["prcc"].to_numpy(dtype=float)
    err = np.clip(np.vstack([r - t["ci_low"].to_numpy(dtype=float), t["ci_high"].to_numpy(dtype=float) - r]), 0, None)
    ax.barh(y, r, color=np.where(r >= 0, BLUE, RED), alpha=0.85)
    ax.errorbar(r, y, xerr=err, fmt="none", ecolor="black", capsize=3, lw=1)
    ax.axvline(0, color="black", lw=0.8)
    names = t["label"] if "label" in t else t["input"]
    ax.set_yticks(y, names.tolist(), fontsize=8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel("partial rank correlation with 95% interval (blue: higher input, higher outcome)", fontsize=8)
    if len(table) > top:  # say that the chart leaves inputs out
        title += f"; the {top} strongest of {len(table)} inputs"
    ax.set_title(_wrap(title, 95), fontsize=9)
    return ax


def _outcome_title(results: Results, outcome: str, category: str | None) -> str:
    label = outcome_label(_specs(results).get(outcome), outcome)
    return f"{label} = {category_text(category)}" if category else label


def sensitivity_figure(results: Results, outcome: str, category: str | None = None,
                       point: int | None = None) -> SimsimFigure:
    """Figure of what drives ``outcome``: the uncertain inputs ranked by partial rank correlation.

    For a sweep, the inputs are ranked within one design point (``point``, default the first;
    see :func:`simsim.analysis.sensitivity`), and the title says which.
    """
    check_category(results, outcome, category)
    from simsim.analysis import sensitivity, sweep_point_text

    table = sensitivity(results, outcome, category, point=point)
    table = table.assign(label=[input_label(results, c) for c in table["input"]])
    k = table.attrs.get("point")
    fig = SimsimFigure(figsize=(8.5, 0.35 * max(min(len(table), 15), 2) + 1.6), layout="constrained")
    ax = fig.add_subplot()
    n = len(results.runs) if k is None else int((results.runs["point"] == k).sum())
    size = (f"{table.attrs['rows']:,} design rows, each the mean of its {table.attrs['per_row']} runs"
            if table.attrs.get("per_row") else f"{n} runs")
    plot_sensitivity(table, f"What drives: {_outcome_title(results, outcome, category)} ({size})", ax)
    if k is not None:
        fig.suptitle(_wrap(f"Within {sweep_point_text(results, k)} of the sweep: the points share their seeds, so "
                           f"they are never pooled; the swept factors are fixed within a point", 110), fontsize=8)
    if table.empty:
        ax.text(0, 0.5, "not estimable: the outcome or the inputs do not vary, or too few runs",
                ha="center", va="center", transform=ax.get_yaxis_transform(), fontsize=8)
    return fig


def plot_convergence(table: pd.DataFrame, title: str, ax: Axes | None = None, unit: str | None = None) -> Axes:
    """Estimate and 95% interval against the number of runs (log scale); ``unit`` labels the y-axis."""
    if ax is None:
        ax = _new_axes((6.5, 3.8))
    ax.fill_between(table["n"], table["ci_low"], table["ci_high"], color=BLUE, alpha=0.25, label="95% interval")
    ax.plot(table["n"], table["estimate"], color=BLUE, lw=1.5, label="estimate")
    ax.set_xscale("log")
    ax.set_xlabel("number of runs (the first n, log scale)", fontsize=8)
    if unit is not None:
        ax.set_ylabel(unit, fontsize=8)
    ax.set_title(_wrap(title, 70), fontsize=9)
    ax.legend(fontsize=8)
    return ax


def convergence_figure(results: Results, outcome: str, category: str | None = None) -> SimsimFigure:
    """Figure of how the estimate of ``outcome`` settles as runs accumulate."""
    check_category(results, outcome, category)
    from simsim.analysis import convergence

    spec = _specs(results).get(outcome)
    is_number = spec is not None and spec["kind"] == "number"
    unit = f"mean, {value_label(spec, outcome)}" if is_number else "probability"
    title = f"Convergence: {_outcome_title(results, outcome, category)}"
    if is_number and outcome in results.runs:  # the estimate is over the finite values: say how many are not
        n_inf = int(np.isinf(pd.to_numeric(results.runs[outcome], errors="coerce").to_numpy(dtype=float)).sum())
        if n_inf:
            title += f" (of the finite runs; infinite in {n_inf})"
    fig = SimsimFigure(figsize=(6.5, 3.8), layout="constrained")
    plot_convergence(convergence(results, outcome, category), title, fig.add_subplot(), unit=unit)
    return fig
