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
               probability: bool = False, vrange: tuple[float, float] | None = None) -> Axes:
    """One factor: the estimate and its 95% band over the factor's values. Two: a heatmap.

    ``table`` has one row per design point (no point pooled with another). Each cell of a
    heatmap shows the estimate and its 95% interval (``± half-width`` for a mean). The colour
    scale is ``vrange``: for a probability 0..1 by default; for a mean, pass a range that
    reflects the outcome's own spread (:func:`sweep_figure` uses 5-95% of single runs), so that
    tiny differences between cells do not look like a strong pattern.
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
    if table.duplicated(cols).any():
        raise ResultsError("a heatmap cell must be one design point: fix the other factors (see sweep_figure)")
    grid = table.pivot(index=cols[1], columns=cols[0], values="estimate")
    lo = table.pivot(index=cols[1], columns=cols[0], values="ci_low").to_numpy(dtype=float)
    hi = table.pivot(index=cols[1], columns=cols[0], values="ci_high").to_numpy(dtype=float)
    vmin, vmax = vrange if vrange is not None else ((0.0, 1.0) if probability else (None, None))
    im = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax)
    ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
    ax.set_xlabel(_short(factors[0]))
    ax.set_ylabel(_short(factors[1]))
    vals = grid.to_numpy(dtype=float)
    a, b = im.get_clim()
    mid = (a + b) / 2
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = vals[i, j]
            if np.isfinite(v):
                text = (f"{v:.3g}\n[{lo[i, j]:.3g}, {hi[i, j]:.3g}]" if probability
                        else f"{v:.4g}\n± {(hi[i, j] - lo[i, j]) / 2:.2g}")
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if v < mid else "black")
    ax.figure.colorbar(im, ax=ax, label=_wrap_label(label), extend="neither" if probability else "both")
    return ax


def plot_sweep_differences(table: pd.DataFrame, factor: str, label: str, ax: Axes | None = None) -> Axes:
    """The paired differences of a sweep over one factor from its reference point, with 95% intervals.

    ``table`` is :func:`~simsim.designs.analysis.sweep_table`'s (its ``diff``, ``diff_low``,
    ``diff_high`` columns): run k of each point minus run k of the reference point, on the same
    seeds. An interval that excludes 0 is a resolved difference, even where the points' own
    intervals overlap.
    """
    if ax is None:
        ax = Figure(figsize=(6.4, 2.8)).add_subplot()
    col = f"sweep.{factor}"
    t = table.sort_values(col)
    x = t[col].to_numpy(dtype=float)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.fill_between(x, t["diff_low"], t["diff_high"], alpha=0.25, color="C1", label="95% interval (paired)")
    ax.plot(x, t["diff"], "o-", color="C1", label="paired difference")
    ref = table.attrs.get("reference")
    mine = t[t["point"] == ref]
    if len(mine):
        ax.plot(mine[col].to_numpy(dtype=float), mine["diff"].to_numpy(dtype=float), "s", color="black",
                markersize=6, label=f"reference (point {ref})")
    ax.set_xlabel(_short(factor))
    ax.set_ylabel(_wrap_label(label, 30), fontsize=8)
    ax.legend(frameon=False, fontsize=7)
    ax.grid(alpha=0.3)
    return ax


def _wrap_label(text: str, width: int = 45) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


#: at most this many panels (combinations of the factors not on the axes) in a sweep figure
MAX_PANELS = 9


def _match(levels: list[float], value: float) -> float | None:
    for v in levels:
        if np.isclose(float(v), float(value), rtol=1e-9, atol=1e-12):
            return float(v)
    return None


def sweep_figure(results: Results, outcome: str, category: str | None = None,
                 factors: list[str] | None = None, at: dict[str, float] | None = None,
                 reference: int | None = None) -> Figure:
    """An outcome over one or two swept factors, with 95% intervals; never pooling design points.

    Parameters
    ----------
    factors
        The one or two swept factors on the axes (default: the first two of the design).
    at
        Fixed values of other factors (``{path: value}``, a value of that factor's levels).
        Each combination of the factors neither shown nor fixed gets a panel of its own (small
        multiples, at most :data:`MAX_PANELS`), so every cell or point is one design point.
    reference
        The point (a ``point`` number) that paired differences are taken from; default: the
        first point with the values of ``at`` (see :func:`~simsim.designs.analysis.sweep_table`).

    Every point's band or ``±`` is its own 95% interval. Points share their seeds (common random
    numbers), so whether two points differ is read from their paired difference, not from
    whether their own intervals overlap: a line plot has a second row of panels with each
    point's paired difference from the reference point (95% interval); a heatmap's title says
    what its ``±`` is, and :func:`~simsim.designs.analysis.sweep_table` (printed by ``simsim
    design``) gives the paired differences. Panels share their y-axes (and a heatmap's colour
    scale), so that equal heights mean equal values.

    A heatmap of a mean is coloured on a scale from the 5th to the 95th percentile of the
    outcome over all runs of the sweep (what single runs span), widened to include every
    cell; the colour bar says so. A scale stretched between the smallest and largest cell
    would make differences far below the runs' spread look like a strong pattern.
    """
    import itertools

    from simsim.designs.analysis import _design, _values, reference_point, sweep_table
    from simsim.scenario.base import did_you_mean

    design = _design(results, "sweep")
    all_f = list(design["factors"])
    levels = {f: [float(v) for v in lv] for f, lv in zip(all_f, design["levels"], strict=True)}
    hint = "choose one or two with --factor (factors= in Python) and fix the others with --at PATH=VALUE (at=)"
    at = dict(at or {})
    chosen = list(factors) if factors else [f for f in all_f if f not in at][:2]
    for f in [*chosen, *at]:
        if f not in all_f:
            raise ResultsError(f"'{f}' is not a swept factor{did_you_mean(f, all_f)}; the sweep's factors: "
                               f"{', '.join(all_f)}")
    if not 1 <= len(chosen) <= 2 or len(set(chosen)) != len(chosen):
        raise ResultsError(f"choose one or two distinct swept factors for the axes: {', '.join(all_f)}")
    fixed: dict[str, float] = {}
    for f, v in at.items():
        if f in chosen:
            raise ResultsError(f"'{f}' is on an axis: it cannot also be fixed with --at")
        m = _match(levels[f], v)
        if m is None:
            raise ResultsError(f"--at {f}={v:g}: not a level of the factor; its levels: "
                               f"{', '.join(f'{x:g}' for x in levels[f])}")
        fixed[f] = m
    others = [f for f in all_f if f not in chosen and f not in fixed]
    panels = list(itertools.product(*[levels[f] for f in others]))
    if len(panels) > MAX_PANELS:
        raise ResultsError(f"the sweep has {len(all_f)} factors; showing {', '.join(chosen)} leaves {len(panels)} "
                           f"combinations of {', '.join(others)} (more than {MAX_PANELS} panels): {hint}")
    ref = reference_point(results, reference, fixed)
    table = sweep_table(results, outcome, category, reference=ref)
    for f, v in fixed.items():
        table = table[np.isclose(table[f"sweep.{f}"].to_numpy(dtype=float), v)]
    spec = {s["name"]: s for s in results.outcome_specs}.get(outcome, {})
    name = spec.get("label") or outcome
    label = f"{name}: {category}" if category else name
    prob = category is not None or spec.get("kind") == "bool"
    unit = spec.get("unit") or ""
    axis_label = f"P({label})" if prob else f"mean {label}" + (f" ({unit})" if unit else "")
    vrange = None
    scale_note = ""
    if not prob and len(chosen) == 2:
        y, _ = _values(results, outcome, category)
        y = y[np.isfinite(y)]
        if len(y):
            q05, q95 = (float(q) for q in np.quantile(y, [0.05, 0.95]))
            est = table["estimate"].to_numpy(dtype=float)
            est = est[np.isfinite(est)]
            lo_v = min(q05, float(est.min())) if len(est) else q05
            hi_v = max(q95, float(est.max())) if len(est) else q95
            if hi_v > lo_v:
                vrange = (lo_v, hi_v)
                scale_note = f"colour scale {lo_v:.3g} to {hi_v:.3g}: 5-95% of single runs"
    n_panels = len(panels)
    ncols = min(n_panels, 3)
    nrows = -(-n_panels // ncols)
    line = len(chosen) == 1
    ref_values = dict(zip(all_f, design["points"][ref], strict=True))
    ref_text = f"point {ref}: " + ", ".join(f"{_short(f)} = {float(v):g}" for f, v in ref_values.items())
    diff_label = f"paired difference from point {ref}"
    if line:
        fig = Figure(figsize=(min(6.4 * ncols, 16), 6.2 * nrows + 0.6), layout="constrained")
        gs = fig.add_gridspec(2 * nrows, ncols, height_ratios=[2, 1] * nrows)
    else:
        fig = Figure(figsize=(min(7.2 * ncols, 16), 4.4 * nrows + 0.4), layout="constrained")
        grid_axes = fig.subplots(nrows, ncols, squeeze=False)
    first: list[Axes] = []
    for k, combo in enumerate(panels):
        sub = table
        for f, v in zip(others, combo, strict=True):
            sub = sub[np.isclose(sub[f"sweep.{f}"].to_numpy(dtype=float), v)]
        sub.attrs["reference"] = ref
        if line:
            r, c = 2 * (k // ncols), k % ncols
            ax = fig.add_subplot(gs[r, c], sharey=first[0] if first else None)
            lower = fig.add_subplot(gs[r + 1, c], sharex=ax, sharey=first[1] if first else None)
            if not first:
                first = [ax, lower]
            plot_sweep(sub, chosen, axis_label, ax=ax, probability=prob, vrange=vrange)
            plot_sweep_differences(sub, chosen[0], diff_label, ax=lower)
            ax.set_xlabel("")
            ax.tick_params(labelbottom=False)
        else:
            ax = grid_axes[k // ncols][k % ncols]
            plot_sweep(sub, chosen, axis_label, ax=ax, probability=prob, vrange=vrange)
        if others:
            ax.set_title(", ".join(f"{_short(f)} = {v:g}" for f, v in zip(others, combo, strict=True)), fontsize=9)
    if not line:
        for k in range(n_panels, nrows * ncols):
            grid_axes[k // ncols][k % ncols].set_visible(False)
    reps = design["replications"]
    where = "; ".join(f"{_short(f)} fixed at {v:g}" for f, v in fixed.items())
    if line:
        meaning = (f"bands: each point's own 95% interval; lower panels: paired differences (run by run on the "
                   f"shared seeds) from {ref_text}, 95% intervals")
    else:
        meaning = ("[ ] or ±: each point's own 95% interval, not a test of differences between cells (they share "
                   f"seeds); paired differences from {ref_text}: printed by simsim design (sweep_table)")
    fig.suptitle(f"{results.metadata['scenario']['name']}: {label}\n"
                 f"{reps} runs per point (each {'cell' if len(chosen) == 2 else 'point'} one design point), "
                 f"the same seeds at every point\n{_wrap_label(meaning, int(12 * fig.get_figwidth()))}"
                 + (f"\n{scale_note}" if scale_note else "") + (f"\n{where}" if where else ""), fontsize=9)
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
    """First- and total-order Sobol indices of the inputs (95% bootstrap intervals), largest first.

    The title gives the design (base samples, replications per row) and how many of the inputs
    are shown; a red line above it says why the indices are not resolved, when
    :func:`~simsim.designs.analysis.sobol_warnings` flags anything.
    """
    from simsim.designs.analysis import sobol_indices, sobol_warnings

    table = sobol_indices(results, outcome, category)
    design = results.metadata.get("design") or {}
    label = f"{outcome} = {category}" if category else outcome
    reps = int(design.get("replications") or 1)
    how = (f"base_samples {design.get('base_samples')}, {reps} replication{'s' if reps > 1 else ''} per row "
           f"({len(results):,} runs)")
    if table.attrs.get("not_estimable"):  # no bars to draw: say why, in the figure itself
        import textwrap

        fig = Figure(figsize=(7.2, 3.2), layout="constrained")
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_title(f"Sobol indices of {label}: not estimable\n{how}", fontsize=10)
        ax.text(0.5, 0.5, "\n".join(textwrap.wrap(str(table.attrs["not_estimable"]), 80)), ha="center",
                va="center", fontsize=8, color="#B00020", transform=ax.transAxes)
        return fig
    shown = min(len(table), top)
    which = f"top {shown} of {len(table)} inputs by S_T" if shown < len(table) else f"all {len(table)} inputs"
    fig = Figure(figsize=(7.2, 0.32 * shown + 2.2), layout="constrained")
    ax = fig.add_subplot()
    t = table.assign(input=[f"{i} (negative: noise)" if n else str(i)
                            for i, n in zip(table["input"], table["note"] != "", strict=True)])
    plot_indices(t, ("S1", "ST"), ("S1_conf", "ST_conf"), ("first order S1", "total order ST"),
                 f"Sobol indices of {label}: {which}\n{how}", ax=ax, top=top)
    ax.set_xlabel("share of the variance of the outcome")
    warnings = sobol_warnings(results, outcome, category, table)
    if warnings:
        import textwrap

        text = "Not resolved: " + "; ".join(warnings)
        fig.suptitle("\n".join(textwrap.wrap(text, 95)), fontsize=8, color="#B00020")
    return fig


def _place_labels(ax: Axes, xs: np.ndarray, ys: np.ndarray, names: list[str], fontsize: float = 7) -> None:
    """Label points without overlapping labels: each tries offsets around its point until one is free.

    Text extents are estimated (0.6 em per character), in display pixels.
    """
    ax.autoscale_view()
    fig = ax.figure
    px = fig.dpi / 72.0
    h = fontsize * 1.25 * px
    placed: list[tuple[float, float, float, float]] = []
    pts = ax.transData.transform(np.column_stack([xs, ys]))
    bbox = ax.get_window_extent()
    for (x0, y0), name, x, y in zip(pts, names, xs, ys, strict=True):
        w = 0.6 * fontsize * px * len(name)
        best = None
        for dy in (4, -4 - h, 4 + h, -4 - 2 * h, 4 + 2 * h, -4 - 3 * h, 4 + 3 * h, -4 - 4 * h, 4 + 4 * h):
            for dx in (5, -5 - w):
                box = (x0 + dx, y0 + dy, x0 + dx + w, y0 + dy + h)
                inside = bbox.x0 <= box[0] and box[2] <= bbox.x1 and bbox.y0 <= box[1] and box[3] <= bbox.y1
                free = all(box[2] < b[0] or b[2] < box[0] or box[3] < b[1] or b[3] < box[1] for b in placed)
                if free and inside:
                    best = (dx, dy, box)
                    break
            if best:
                break
        if best is None:
            best = (5, 4, (x0 + 5, y0 + 4, x0 + 5 + w, y0 + 4 + h))
        dx, dy, box = best
        placed.append(box)
        far = abs(dy) > 4 + h / 2
        ax.annotate(name, (x, y), xytext=(dx / px, dy / px), textcoords="offset points", fontsize=fontsize,
                    va="bottom", ha="left",
                    arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.5} if far else None)


def morris_figure(results: Results, outcome: str, category: str | None = None, top: int = 10) -> Figure:
    """Morris screening: mean absolute effect (mu*) against the spread of effects (sigma).

    Every input is a point; only the ``top`` inputs by mu* are labelled (placed so that labels
    do not overlap), the others are grey and unlabelled, as the title says. A red line above
    the title says when the effects may mostly measure the runs' own randomness
    (:func:`~simsim.designs.analysis.morris_warnings`).
    """
    from simsim.designs.analysis import morris_effects, morris_warnings

    table = morris_effects(results, outcome, category)
    label = f"{outcome} = {category}" if category else outcome
    shown = min(top, len(table))
    head, rest = table.head(shown), table.iloc[shown:]
    fig = Figure(figsize=(7.6, 5.4), layout="constrained")
    ax = fig.add_subplot()
    if len(rest):
        ax.plot(rest["mu_star"], rest["sigma"], "o", color="0.7", markersize=4, label="other inputs")
    ax.errorbar(head["mu_star"], head["sigma"], xerr=head["mu_star_conf"], fmt="o", color="C0",
                ecolor="0.6", elinewidth=0.8, capsize=2, label=f"top {shown} by mu* (95% interval of mu*)")
    ax.set_xlabel("mu* (mean |elementary effect| per grid step)")
    ax.set_ylabel("sigma (spread of the effects)")
    design = results.metadata.get("design") or {}
    reps = int(design.get("replications") or 1)
    ax.set_title(f"Morris screening of {label}: labels on the top {shown} of {len(table)} inputs by mu*\n"
                 f"{design.get('trajectories')} trajectories, {design.get('levels')} levels, {reps} "
                 f"replication{'s' if reps > 1 else ''} per row ({len(results):,} runs)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=7, loc="lower right")
    ax.margins(x=0.25, y=0.12)
    _place_labels(ax, head["mu_star"].to_numpy(dtype=float), head["sigma"].to_numpy(dtype=float),
                  [_short(str(v)) for v in head["input"]])
    warnings = morris_warnings(results, outcome, category)
    if warnings:
        import textwrap

        fig.suptitle("\n".join(textwrap.wrap("Noise: " + "; ".join(warnings), 100)), fontsize=8, color="#B00020")
    return fig


def design_figure(results: Results, outcome: str, category: str | None = None,
                  factors: list[str] | None = None, at: dict[str, float] | None = None,
                  reference: int | None = None) -> Figure:
    """The figure of the results' design: a sweep, Sobol or Morris.

    ``factors``, ``at`` and ``reference`` choose what a sweep's figure shows (see :func:`sweep_figure`).
    """
    kind = (results.metadata.get("design") or {}).get("kind")
    if kind == "sweep":
        return sweep_figure(results, outcome, category, factors=factors, at=at, reference=reference)
    if factors or at:
        raise ResultsError("--factor and --at choose what a sweep's figure shows; these results are not a sweep")
    if kind == "sobol":
        return sobol_figure(results, outcome, category)
    if kind == "morris":
        return morris_figure(results, outcome, category)
    raise ResultsError("these results come from plain replications, not a sweep, sobol or morris design: "
                       "use `simsim sensitivity` for them")
